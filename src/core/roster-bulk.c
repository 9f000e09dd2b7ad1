/* roster-bulk.c
 *
 * Actions, plan classification and the journal listing of the bulk engine
 * (the job itself is in roster-bulk-job.c).
 *
 * A plan never trusts the cache for state: it re-reads every target with
 * get_users_by_ids (batches of 10) and classifies from that answer. The cache
 * is only used to resolve emails to account ids. Protection comes from the
 * store (protected accounts, explicit removals) and from the fresh state (an
 * org admin is protected unless the admin removed that protection).
 */
#define G_LOG_DOMAIN "roster-bulk"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <unistd.h>

#include "roster-bulk.h"
#include "roster-admin-api.h"
#include "roster-bulk-private.h"
#include "roster-error.h"
#include "roster-org.h"
#include "roster-store-private.h"
#include "roster-user.h"

/* ------------------------------------------------------------------------- */
/* Actions and classes                                                        */

static const struct
{
  const char *nick;
  const char *title;
  const char *description;
} actions[ROSTER_N_BULK_ACTIONS] = {
  { "suspend", N_("Deactivate access"),
    N_("Suspends the user’s access to the organization’s products (directory). Billing for "
       "the user stops; their roles and group memberships are kept, so reactivating access "
       "restores everything as it was. The Atlassian account itself stays usable elsewhere.") },
  { "restore", N_("Reactivate access"),
    N_("Restores a suspended user’s access to the organization’s products with the roles and "
       "groups they had. The user becomes billable again.") },
  { "disable-account", N_("Deactivate account"),
    N_("Deactivates the managed Atlassian account itself: the person can no longer log in to "
       "any Atlassian product, in this organization or elsewhere. Only accounts on a verified "
       "domain (managed accounts) can be deactivated.") },
  { "enable-account", N_("Reactivate account"),
    N_("Reactivates a deactivated managed Atlassian account, so the person can log in again.") },
  { "grant-product", N_("Grant product access"),
    N_("Gives the user access to the product: the user role on the product’s site, or "
       "membership of the product’s access group when one is chosen in Settings. The user "
       "becomes billable for that product.") },
  { "revoke-product", N_("Remove product access"),
    N_("Removes the user’s access to the product (the user role, or membership of the "
       "product’s access group). The account and its other products are not changed.") },
};

static const struct
{
  const char *nick;
  const char *title;
} classes[ROSTER_N_BULK_CLASSES] = {
  { "will-change", N_("Will change") },
  { "already", N_("Already so") },
  { "protected", N_("Protected") },
  { "not-found", N_("Not found") },
  { "not-allowed", N_("Not allowed") },
};

const char *
roster_bulk_action_to_string (RosterBulkAction action)
{
  g_return_val_if_fail (action < ROSTER_N_BULK_ACTIONS, NULL);
  return actions[action].nick;
}

gboolean
roster_bulk_action_from_string (const char       *nick,
                                RosterBulkAction *out_action)
{
  for (guint i = 0; i < ROSTER_N_BULK_ACTIONS; i++)
    {
      if (g_strcmp0 (nick, actions[i].nick) == 0)
        {
          if (out_action != NULL)
            *out_action = i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
roster_bulk_action_get_title (RosterBulkAction action)
{
  g_return_val_if_fail (action < ROSTER_N_BULK_ACTIONS, NULL);
  return g_dgettext (GETTEXT_PACKAGE, actions[action].title);
}

const char *
roster_bulk_action_get_description (RosterBulkAction action)
{
  g_return_val_if_fail (action < ROSTER_N_BULK_ACTIONS, NULL);
  return g_dgettext (GETTEXT_PACKAGE, actions[action].description);
}

RosterBulkAction
roster_bulk_action_get_inverse (RosterBulkAction action)
{
  switch (action)
    {
    case ROSTER_BULK_ACTION_SUSPEND:         return ROSTER_BULK_ACTION_RESTORE;
    case ROSTER_BULK_ACTION_RESTORE:         return ROSTER_BULK_ACTION_SUSPEND;
    case ROSTER_BULK_ACTION_DISABLE_ACCOUNT: return ROSTER_BULK_ACTION_ENABLE_ACCOUNT;
    case ROSTER_BULK_ACTION_ENABLE_ACCOUNT:  return ROSTER_BULK_ACTION_DISABLE_ACCOUNT;
    case ROSTER_BULK_ACTION_GRANT_PRODUCT:   return ROSTER_BULK_ACTION_REVOKE_PRODUCT;
    case ROSTER_BULK_ACTION_REVOKE_PRODUCT:  return ROSTER_BULK_ACTION_GRANT_PRODUCT;
    case ROSTER_N_BULK_ACTIONS:
    default:
      g_return_val_if_reached (action);
    }
}

gboolean
roster_bulk_action_needs_product (RosterBulkAction action)
{
  return action == ROSTER_BULK_ACTION_GRANT_PRODUCT || action == ROSTER_BULK_ACTION_REVOKE_PRODUCT;
}

const char *
roster_bulk_class_to_string (RosterBulkClass klass)
{
  g_return_val_if_fail (klass < ROSTER_N_BULK_CLASSES, NULL);
  return classes[klass].nick;
}

const char *
roster_bulk_class_get_title (RosterBulkClass klass)
{
  g_return_val_if_fail (klass < ROSTER_N_BULK_CLASSES, NULL);
  return g_dgettext (GETTEXT_PACKAGE, classes[klass].title);
}

static const char * const job_states[] = {
  "pending", "running", "paused", "canary-paused", "cancelled", "finished",
};

const char *
roster_bulk_job_state_to_string (RosterBulkJobState state)
{
  g_return_val_if_fail (state < G_N_ELEMENTS (job_states), NULL);
  return job_states[state];
}

gboolean
_roster_bulk_job_state_from_string (const char         *nick,
                                    RosterBulkJobState *out_state)
{
  for (guint i = 0; i < G_N_ELEMENTS (job_states); i++)
    {
      if (g_strcmp0 (nick, job_states[i]) == 0)
        {
          *out_state = i;
          return TRUE;
        }
    }
  return FALSE;
}

static const char * const target_states[] = { "pending", "done", "failed", "skipped" };

const char *
roster_bulk_target_state_to_string (RosterBulkTargetState state)
{
  g_return_val_if_fail (state < G_N_ELEMENTS (target_states), NULL);
  return target_states[state];
}

RosterBulkTargetState
_roster_bulk_target_state_from_string (const char *nick)
{
  for (guint i = 0; i < G_N_ELEMENTS (target_states); i++)
    if (g_strcmp0 (nick, target_states[i]) == 0)
      return i;
  return ROSTER_BULK_TARGET_PENDING;
}

/* ------------------------------------------------------------------------- */
/* Boxed types                                                                */

RosterBulkTarget *
roster_bulk_target_copy (const RosterBulkTarget *target)
{
  RosterBulkTarget *copy = g_new0 (RosterBulkTarget, 1);

  copy->account_id = g_strdup (target->account_id);
  copy->name = g_strdup (target->name);
  copy->email = g_strdup (target->email);
  copy->klass = target->klass;
  copy->reason = g_strdup (target->reason);
  copy->before = g_strdup (target->before);
  return copy;
}

void
roster_bulk_target_free (RosterBulkTarget *target)
{
  if (target == NULL)
    return;
  g_free (target->account_id);
  g_free (target->name);
  g_free (target->email);
  g_free (target->reason);
  g_free (target->before);
  g_free (target);
}

G_DEFINE_BOXED_TYPE (RosterBulkTarget, roster_bulk_target,
                     roster_bulk_target_copy, roster_bulk_target_free)

RosterBulkResult *
roster_bulk_result_copy (const RosterBulkResult *result)
{
  RosterBulkResult *copy = g_new0 (RosterBulkResult, 1);

  *copy = *result;
  copy->account_id = g_strdup (result->account_id);
  copy->name = g_strdup (result->name);
  copy->email = g_strdup (result->email);
  copy->message = g_strdup (result->message);
  copy->before = g_strdup (result->before);
  return copy;
}

void
roster_bulk_result_free (RosterBulkResult *result)
{
  if (result == NULL)
    return;
  g_free (result->account_id);
  g_free (result->name);
  g_free (result->email);
  g_free (result->message);
  g_free (result->before);
  g_free (result);
}

G_DEFINE_BOXED_TYPE (RosterBulkResult, roster_bulk_result,
                     roster_bulk_result_copy, roster_bulk_result_free)

RosterBulkJobInfo *
roster_bulk_job_info_copy (const RosterBulkJobInfo *info)
{
  RosterBulkJobInfo *copy = g_new0 (RosterBulkJobInfo, 1);

  *copy = *info;
  copy->id = g_strdup (info->id);
  copy->os_user = g_strdup (info->os_user);
  copy->undo_of = g_strdup (info->undo_of);
  return copy;
}

void
roster_bulk_job_info_free (RosterBulkJobInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->id);
  g_free (info->os_user);
  g_free (info->undo_of);
  g_free (info);
}

G_DEFINE_BOXED_TYPE (RosterBulkJobInfo, roster_bulk_job_info,
                     roster_bulk_job_info_copy, roster_bulk_job_info_free)

void
_roster_bulk_spec_clear (RosterBulkSpec *spec)
{
  g_clear_pointer (&spec->method, g_free);
  g_clear_pointer (&spec->resource_id, g_free);
  g_clear_pointer (&spec->group_id, g_free);
}

/* ------------------------------------------------------------------------- */
/* Helpers                                                                    */

void
_roster_bulk_run_private (RosterBulkStartFunc  start,
                          gpointer             data,
                          gboolean            *done)
{
  g_autoptr(GMainContext) context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  start (data);
  while (!*done)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);
}

static gboolean
user_has_resource (RosterUser *user,
                   const char *resource_id,
                   RosterProduct product)
{
  GPtrArray *products = roster_user_get_products (user);

  for (guint i = 0; products != NULL && i < products->len; i++)
    {
      RosterProductAccess *access = g_ptr_array_index (products, i);

      if (resource_id != NULL ? g_strcmp0 (access->resource_id, resource_id) == 0
                              : access->product == product)
        return TRUE;
    }
  return FALSE;
}

static gboolean
user_in_group (RosterUser *user,
               const char *group_id)
{
  GPtrArray *groups = roster_user_get_groups (user);

  for (guint i = 0; groups != NULL && i < groups->len; i++)
    {
      RosterGroupRef *ref = g_ptr_array_index (groups, i);

      if (g_strcmp0 (ref->id, group_id) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
user_has_access (const RosterBulkSpec *spec,
                 RosterUser           *user)
{
  if (g_strcmp0 (spec->method, "group") == 0)
    return user_in_group (user, spec->group_id);
  return user_has_resource (user, spec->resource_id, spec->product);
}

char *
_roster_bulk_describe_before (const RosterBulkSpec *spec,
                              RosterUser           *user)
{
  if (roster_bulk_action_needs_product (spec->action))
    {
      if (g_strcmp0 (spec->method, "group") == 0)
        return g_strdup (user_in_group (user, spec->group_id) ? "member" : "not-member");
      return g_strdup (user_has_resource (user, spec->resource_id, spec->product)
                       ? "access" : "no-access");
    }
  return g_strdup_printf ("%s/%s",
                          roster_user_get_account_status (user) ?: "unknown",
                          roster_user_get_membership_status (user) ?: "unknown");
}

gboolean
_roster_bulk_user_in_target_state (const RosterBulkSpec *spec,
                                   RosterUser           *user)
{
  const char *account = roster_user_get_account_status (user);
  const char *membership = roster_user_get_membership_status (user);

  switch (spec->action)
    {
    case ROSTER_BULK_ACTION_SUSPEND:
      return g_strcmp0 (membership, "suspended") == 0;
    case ROSTER_BULK_ACTION_RESTORE:
      return g_strcmp0 (membership, "active") == 0;
    case ROSTER_BULK_ACTION_DISABLE_ACCOUNT:
      return g_strcmp0 (account, "inactive") == 0;
    case ROSTER_BULK_ACTION_ENABLE_ACCOUNT:
      return g_strcmp0 (account, "active") == 0;
    case ROSTER_BULK_ACTION_GRANT_PRODUCT:
      return user_has_access (spec, user);
    case ROSTER_BULK_ACTION_REVOKE_PRODUCT:
      return !user_has_access (spec, user);
    case ROSTER_N_BULK_ACTIONS:
    default:
      g_assert_not_reached ();
    }
}

/* The class of one fresh user; *reason gets a translated explanation. */
static RosterBulkClass
classify_user (const RosterBulkSpec *spec,
               RosterUser           *user,
               gboolean              is_protected,
               gboolean              is_self,
               gboolean              group_synced,
               char                **reason)
{
  const char *account = roster_user_get_account_status (user);
  const char *membership = roster_user_get_membership_status (user);
  RosterAccountType type = roster_user_get_account_type (user);
  gboolean lifecycle = spec->action == ROSTER_BULK_ACTION_DISABLE_ACCOUNT ||
                       spec->action == ROSTER_BULK_ACTION_ENABLE_ACCOUNT;

  /* Protection wins over everything: nothing is ever sent to these. */
  if (is_self)
    {
      *reason = g_strdup (_("Your own account"));
      return ROSTER_BULK_CLASS_PROTECTED;
    }
  if (is_protected)
    {
      *reason = g_strdup (roster_user_is_org_admin (user) ? _("Organization admin (protected)")
                                                          : _("Protected account"));
      return ROSTER_BULK_CLASS_PROTECTED;
    }
  if (type == ROSTER_ACCOUNT_TYPE_APP || type == ROSTER_ACCOUNT_TYPE_CUSTOMER)
    {
      *reason = g_strdup (type == ROSTER_ACCOUNT_TYPE_APP ? _("App account")
                                                          : _("Customer account"));
      return ROSTER_BULK_CLASS_NOT_ALLOWED;
    }
  if (lifecycle && roster_user_get_claim (user) != ROSTER_CLAIM_MANAGED)
    {
      *reason = g_strdup (_("Unmanaged account: only accounts on a verified domain can be "
                            "deactivated or reactivated"));
      return ROSTER_BULK_CLASS_NOT_ALLOWED;
    }
  if (g_strcmp0 (account, "closed") == 0)
    {
      *reason = g_strdup (_("Closed account"));
      return ROSTER_BULK_CLASS_NOT_ALLOWED;
    }
  if (group_synced && roster_bulk_action_needs_product (spec->action))
    {
      *reason = g_strdup (_("The access group is synced from an external directory"));
      return ROSTER_BULK_CLASS_NOT_ALLOWED;
    }

  if (_roster_bulk_user_in_target_state (spec, user))
    {
      switch (spec->action)
        {
        case ROSTER_BULK_ACTION_SUSPEND: *reason = g_strdup (_("Access already suspended")); break;
        case ROSTER_BULK_ACTION_RESTORE: *reason = g_strdup (_("Access already active")); break;
        case ROSTER_BULK_ACTION_DISABLE_ACCOUNT: *reason = g_strdup (_("Account already deactivated")); break;
        case ROSTER_BULK_ACTION_ENABLE_ACCOUNT: *reason = g_strdup (_("Account already active")); break;
        case ROSTER_BULK_ACTION_GRANT_PRODUCT: *reason = g_strdup (_("Already has access")); break;
        case ROSTER_BULK_ACTION_REVOKE_PRODUCT: *reason = g_strdup (_("Has no access")); break;
        case ROSTER_N_BULK_ACTIONS:
        default: g_assert_not_reached ();
        }
      return ROSTER_BULK_CLASS_ALREADY;
    }

  /* Directory access and roles need an active account and a membership. */
  if (!lifecycle && g_strcmp0 (account, "active") != 0)
    {
      *reason = g_strdup (_("The account is deactivated: reactivate the account first"));
      return ROSTER_BULK_CLASS_NOT_ALLOWED;
    }
  if (!lifecycle && g_strcmp0 (membership, "no_membership") == 0)
    {
      *reason = g_strdup (_("Not a member of the directory"));
      return ROSTER_BULK_CLASS_NOT_ALLOWED;
    }
  if (spec->action == ROSTER_BULK_ACTION_GRANT_PRODUCT && g_strcmp0 (membership, "suspended") == 0)
    {
      *reason = g_strdup (_("Access is suspended: reactivate access first"));
      return ROSTER_BULK_CLASS_NOT_ALLOWED;
    }

  *reason = NULL;
  return ROSTER_BULK_CLASS_WILL_CHANGE;
}

/* ------------------------------------------------------------------------- */
/* Plan                                                                       */

struct _RosterBulkPlan
{
  GObject          parent_instance;

  RosterBulkSpec   spec;
  GPtrArray       *targets;       /* (owned) element-type RosterBulkTarget */
  guint            counts[ROSTER_N_BULK_CLASSES];
  guint            cap;
  char            *undo_of;       /* (owned) (nullable) */
};

G_DEFINE_FINAL_TYPE (RosterBulkPlan, roster_bulk_plan, G_TYPE_OBJECT)

static void
roster_bulk_plan_finalize (GObject *object)
{
  RosterBulkPlan *self = ROSTER_BULK_PLAN (object);

  _roster_bulk_spec_clear (&self->spec);
  g_clear_pointer (&self->targets, g_ptr_array_unref);
  g_clear_pointer (&self->undo_of, g_free);

  G_OBJECT_CLASS (roster_bulk_plan_parent_class)->finalize (object);
}

static void
roster_bulk_plan_class_init (RosterBulkPlanClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = roster_bulk_plan_finalize;
}

static void
roster_bulk_plan_init (RosterBulkPlan *self)
{
  self->targets = g_ptr_array_new_with_free_func ((GDestroyNotify) roster_bulk_target_free);
  self->cap = ROSTER_BULK_DEFAULT_CAP;
}

/* What the store knows, read in one go on the store thread. */
typedef struct
{
  char        **inputs;        /* the caller's targets */
  RosterProduct product;
  /* results */
  GPtrArray    *ids;           /* resolved account ids, one per input (NULL = unresolved) */
  GHashTable   *protected_ids; /* set */
  GHashTable   *removed_ids;   /* set: explicit removals of protection */
  char         *self_id;
  char         *cap;
  char         *access_group;
} Prep;

static void
prep_free (Prep *prep)
{
  g_strfreev (prep->inputs);
  g_clear_pointer (&prep->ids, g_ptr_array_unref);
  g_clear_pointer (&prep->protected_ids, g_hash_table_unref);
  g_clear_pointer (&prep->removed_ids, g_hash_table_unref);
  g_free (prep->self_id);
  g_free (prep->cap);
  g_free (prep->access_group);
  g_free (prep);
}

static gboolean
read_set (sqlite3     *db,
          const char  *sql,
          GHashTable  *set,
          GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return _roster_store_fail (error, db, sqlite3_errcode (db), "Reading protected accounts");
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_add (set, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _roster_store_fail (error, db, sqlite3_errcode (db), "Reading protected accounts");
  return TRUE;
}

static char *
read_setting (sqlite3    *db,
              const char *key)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT value FROM settings WHERE key = ?1", -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  _roster_store_bind_text (stmt, 1, key);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

char *
_roster_bulk_read_self_id (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  char *self_id = _roster_store_meta_get (db, ROSTER_BULK_META_SELF_ACCOUNT_ID, NULL);

  if (self_id != NULL)
    return self_id;

  if (sqlite3_prepare_v2 (db,
                          "SELECT u.account_id FROM users u, settings s"
                          " WHERE s.key = ?1 AND u.email = s.value COLLATE NOCASE LIMIT 1",
                          -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_text (stmt, 1, ROSTER_SETTING_SITE_EMAIL, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    self_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return self_id;
}

static gboolean
prep_func (sqlite3   *db,
           gpointer   data,
           gpointer  *out_result,
           GError   **error)
{
  Prep *prep = data;
  sqlite3_stmt *stmt = NULL;

  if (!read_set (db, "SELECT account_id FROM protected_accounts", prep->protected_ids, error) ||
      !read_set (db, "SELECT account_id FROM protected_removals", prep->removed_ids, error))
    return FALSE;
  prep->self_id = _roster_bulk_read_self_id (db);
  prep->cap = read_setting (db, ROSTER_BULK_SETTING_CAP);
  if (prep->product < ROSTER_N_PRODUCTS)
    {
      g_autofree char *key = g_strconcat (ROSTER_BULK_SETTING_ACCESS_GROUP_PREFIX,
                                          roster_product_to_string (prep->product), NULL);
      prep->access_group = read_setting (db, key);
      if (prep->access_group != NULL && *prep->access_group == '\0')
        g_clear_pointer (&prep->access_group, g_free);
    }

  if (sqlite3_prepare_v2 (db, "SELECT account_id FROM users WHERE email = ?1 COLLATE NOCASE",
                          -1, &stmt, NULL) != SQLITE_OK)
    return _roster_store_fail (error, db, sqlite3_errcode (db), "Resolving emails");
  for (guint i = 0; prep->inputs[i] != NULL; i++)
    {
      const char *input = prep->inputs[i];

      if (strchr (input, '@') == NULL)
        {
          g_ptr_array_add (prep->ids, g_strdup (input));
          continue;
        }
      sqlite3_reset (stmt);
      _roster_store_bind_text (stmt, 1, input);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        g_ptr_array_add (prep->ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      else
        g_ptr_array_add (prep->ids, NULL);
    }
  sqlite3_finalize (stmt);

  *out_result = GINT_TO_POINTER (TRUE);
  return TRUE;
}

typedef struct
{
  RosterContext  *context;
  RosterBulkPlan *plan;
  Prep           *prep;     /* (owned) the store thread only borrows it */
  GPtrArray      *users;    /* element-type JsonNode */
  gboolean        group_synced;
} PlanData;

static void
plan_data_free (PlanData *pd)
{
  g_clear_object (&pd->context);
  g_clear_object (&pd->plan);
  g_clear_pointer (&pd->prep, prep_free);
  g_clear_pointer (&pd->users, g_ptr_array_unref);
  g_free (pd);
}

static void
plan_classify (GTask *task)
{
  PlanData *pd = g_task_get_task_data (task);
  RosterBulkPlan *plan = pd->plan;
  Prep *prep = pd->prep;
  g_autoptr(GHashTable) fresh = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; pd->users != NULL && i < pd->users->len; i++)
    {
      g_autoptr(GError) error = NULL;
      RosterUser *user = roster_user_new_from_json (g_ptr_array_index (pd->users, i), &error);

      if (user == NULL)
        {
          g_debug ("Skipping an unreadable user: %s", error->message);
          continue;
        }
      g_hash_table_replace (fresh, (gpointer) roster_user_get_account_id (user), user);
    }

  for (guint i = 0; prep->inputs[i] != NULL; i++)
    {
      const char *id = g_ptr_array_index (prep->ids, i);
      RosterBulkTarget *target;
      RosterUser *user;

      if (g_hash_table_contains (seen, id != NULL ? id : prep->inputs[i]))
        continue;
      g_hash_table_add (seen, id != NULL ? (gpointer) id : (gpointer) prep->inputs[i]);

      target = g_new0 (RosterBulkTarget, 1);
      g_ptr_array_add (plan->targets, target);

      if (id == NULL)
        {
          target->account_id = g_strdup (prep->inputs[i]);
          target->email = g_strdup (prep->inputs[i]);
          target->klass = ROSTER_BULK_CLASS_NOT_FOUND;
          target->reason = g_strdup (_("No cached user with this email (sync first)"));
        }
      else if ((user = g_hash_table_lookup (fresh, id)) == NULL)
        {
          target->account_id = g_strdup (id);
          target->klass = ROSTER_BULK_CLASS_NOT_FOUND;
          target->reason = g_strdup (_("No such user in the directory"));
        }
      else
        {
          gboolean is_protected = g_hash_table_contains (prep->protected_ids, id) ||
                                  (roster_user_is_org_admin (user) &&
                                   !g_hash_table_contains (prep->removed_ids, id));
          gboolean is_self = prep->self_id != NULL && g_str_equal (prep->self_id, id);

          target->account_id = g_strdup (id);
          target->name = g_strdup (roster_user_get_name (user));
          target->email = g_strdup (roster_user_get_email (user));
          target->klass = classify_user (&plan->spec, user, is_protected, is_self,
                                         pd->group_synced, &target->reason);
          target->before = _roster_bulk_describe_before (&plan->spec, user);
        }
      plan->counts[target->klass]++;
    }

  g_task_return_pointer (task, g_object_ref (plan), g_object_unref);
}

static void
plan_users_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PlanData *pd = g_task_get_task_data (task);
  GError *error = NULL;

  pd->users = roster_admin_api_get_users_by_ids_finish (ROSTER_ADMIN_API (object), result, &error);
  if (pd->users == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  plan_classify (task);
}

static void
plan_fetch_users (GTask *task)
{
  PlanData *pd = g_task_get_task_data (task);
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  for (guint i = 0; i < pd->prep->ids->len; i++)
    if (g_ptr_array_index (pd->prep->ids, i) != NULL)
      g_ptr_array_add (ids, g_ptr_array_index (pd->prep->ids, i));
  g_ptr_array_add (ids, NULL);

  if (ids->len == 1)
    {
      plan_classify (task);
      return;
    }
  roster_admin_api_get_users_by_ids_async (roster_context_get_admin_api (pd->context),
                                           roster_context_get_org_id (pd->context),
                                           roster_context_get_directory_id (pd->context),
                                           (const char * const *) ids->pdata,
                                           g_task_get_cancellable (task),
                                           plan_users_cb, g_object_ref (task));
}

static void
plan_groups_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PlanData *pd = g_task_get_task_data (task);
  g_autoptr(GPtrArray) groups = NULL;
  GError *error = NULL;
  gboolean found = FALSE;

  groups = roster_admin_api_search_groups_finish (ROSTER_ADMIN_API (object), result, &error);
  if (groups == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < groups->len; i++)
    {
      RosterGroup *group = g_ptr_array_index (groups, i);

      if (g_strcmp0 (roster_group_get_id (group), pd->plan->spec.group_id) == 0)
        {
          found = TRUE;
          pd->group_synced = roster_group_get_external_synced (group) ||
                             !roster_group_get_modifiable (group);
        }
    }
  if (!found)
    {
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_NOT_FOUND,
                               _("The access group chosen for %s in Settings (%s) no longer exists"),
                               roster_product_to_string (pd->plan->spec.product),
                               pd->plan->spec.group_id);
      return;
    }
  plan_fetch_users (task);
}

static void
plan_workspaces_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PlanData *pd = g_task_get_task_data (task);
  g_autoptr(GPtrArray) workspaces = NULL;
  GError *error = NULL;

  workspaces = roster_admin_api_list_workspaces_finish (ROSTER_ADMIN_API (object), result, &error);
  if (workspaces == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < workspaces->len && pd->plan->spec.resource_id == NULL; i++)
    {
      RosterWorkspace *ws = g_ptr_array_index (workspaces, i);

      if (roster_workspace_get_product (ws) == pd->plan->spec.product)
        pd->plan->spec.resource_id = g_strdup (roster_workspace_get_id (ws));
    }
  if (pd->plan->spec.resource_id == NULL)
    {
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_NOT_FOUND,
                               _("The organization has no %s site"),
                               roster_product_to_string (pd->plan->spec.product));
      return;
    }

  if (pd->plan->spec.group_id != NULL)
    roster_admin_api_search_groups_async (ROSTER_ADMIN_API (object),
                                          roster_context_get_org_id (pd->context),
                                          roster_context_get_directory_id (pd->context),
                                          NULL, NULL, g_task_get_cancellable (task),
                                          plan_groups_cb, g_object_ref (task));
  else
    plan_fetch_users (task);
}

static void
plan_prep_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PlanData *pd = g_task_get_task_data (task);
  RosterBulkPlan *plan = pd->plan;
  GError *error = NULL;
  guint64 cap;

  if (roster_store_run_finish (ROSTER_STORE (object), result, &error) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (pd->prep->cap != NULL && g_ascii_string_to_unsigned (pd->prep->cap, 10, 1, G_MAXUINT, &cap, NULL))
    plan->cap = (guint) cap;

  if (roster_bulk_action_needs_product (plan->spec.action))
    {
      if (pd->prep->access_group != NULL)
        {
          plan->spec.method = g_strdup ("group");
          plan->spec.group_id = g_strdup (pd->prep->access_group);
        }
      else
        plan->spec.method = g_strdup ("role");
      roster_admin_api_list_workspaces_async (roster_context_get_admin_api (pd->context),
                                              roster_context_get_org_id (pd->context),
                                              g_task_get_cancellable (task),
                                              plan_workspaces_cb, g_object_ref (task));
      return;
    }
  plan_fetch_users (task);
}

void
roster_bulk_plan_new_async (RosterContext       *context,
                            RosterBulkAction     action,
                            RosterProduct        product,
                            const char * const  *targets,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PlanData *pd;
  Prep *prep;
  g_autoptr(GPtrArray) inputs = g_ptr_array_new ();

  g_return_if_fail (ROSTER_IS_CONTEXT (context));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_bulk_plan_new_async);

  if (action >= ROSTER_N_BULK_ACTIONS ||
      (roster_bulk_action_needs_product (action) && product >= ROSTER_N_PRODUCTS))
    {
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT,
                               _("A product (jira, jsm or confluence) is required"));
      return;
    }
  if (!roster_context_is_open (context) || roster_context_get_store (context) == NULL)
    {
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_FAILED,
                               _("No organization is open"));
      return;
    }

  pd = g_new0 (PlanData, 1);
  pd->context = g_object_ref (context);
  pd->plan = g_object_new (ROSTER_TYPE_BULK_PLAN, NULL);
  pd->plan->spec.action = action;
  pd->plan->spec.product = roster_bulk_action_needs_product (action) ? product : ROSTER_PRODUCT_OTHER;

  for (guint i = 0; targets != NULL && targets[i] != NULL; i++)
    {
      const char *t = targets[i];

      while (g_ascii_isspace (*t))
        t++;
      if (*t != '\0')
        g_ptr_array_add (inputs, g_strstrip (g_strdup (t)));
    }
  g_ptr_array_add (inputs, NULL);

  prep = g_new0 (Prep, 1);
  prep->inputs = (char **) g_ptr_array_free (g_steal_pointer (&inputs), FALSE);
  prep->product = pd->plan->spec.product;
  prep->ids = g_ptr_array_new_with_free_func (g_free);
  prep->protected_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  prep->removed_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  pd->prep = prep;

  /* The Prep is freed with the plan data (the store only borrows it). */
  g_task_set_task_data (task, pd, (GDestroyNotify) plan_data_free);
  roster_store_run_async (roster_context_get_store (context), prep_func, prep,
                          NULL, cancellable, plan_prep_cb,
                          g_steal_pointer (&task));
}

RosterBulkPlan *
roster_bulk_plan_new_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  RosterContext      *context;
  RosterBulkAction    action;
  RosterProduct       product;
  const char * const *targets;
  GCancellable       *cancellable;
  RosterBulkPlan     *plan;
  GError             *error;
  gboolean            done;
} PlanSync;

static void
plan_sync_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  PlanSync *ps = user_data;

  ps->plan = roster_bulk_plan_new_finish (result, &ps->error);
  ps->done = TRUE;
}

static void
plan_sync_start (gpointer data)
{
  PlanSync *ps = data;

  roster_bulk_plan_new_async (ps->context, ps->action, ps->product, ps->targets,
                              ps->cancellable, plan_sync_cb, ps);
}

RosterBulkPlan *
roster_bulk_plan_new_sync (RosterContext       *context,
                           RosterBulkAction     action,
                           RosterProduct        product,
                           const char * const  *targets,
                           GCancellable        *cancellable,
                           GError             **error)
{
  PlanSync ps = { context, action, product, targets, cancellable, NULL, NULL, FALSE };

  _roster_bulk_run_private (plan_sync_start, &ps, &ps.done);
  if (ps.error != NULL)
    g_propagate_error (error, ps.error);
  return ps.plan;
}

RosterBulkAction
roster_bulk_plan_get_action (RosterBulkPlan *self)
{
  g_return_val_if_fail (ROSTER_IS_BULK_PLAN (self), 0);
  return self->spec.action;
}

RosterProduct
roster_bulk_plan_get_product (RosterBulkPlan *self)
{
  g_return_val_if_fail (ROSTER_IS_BULK_PLAN (self), ROSTER_PRODUCT_OTHER);
  return self->spec.product;
}

const char *
roster_bulk_plan_get_method (RosterBulkPlan *self)
{
  g_return_val_if_fail (ROSTER_IS_BULK_PLAN (self), NULL);
  return self->spec.method;
}

GPtrArray *
roster_bulk_plan_get_targets (RosterBulkPlan *self)
{
  g_return_val_if_fail (ROSTER_IS_BULK_PLAN (self), NULL);
  return self->targets;
}

guint
roster_bulk_plan_get_n_targets (RosterBulkPlan *self)
{
  g_return_val_if_fail (ROSTER_IS_BULK_PLAN (self), 0);
  return self->targets->len;
}

guint
roster_bulk_plan_get_count (RosterBulkPlan  *self,
                            RosterBulkClass  klass)
{
  g_return_val_if_fail (ROSTER_IS_BULK_PLAN (self), 0);
  g_return_val_if_fail (klass < ROSTER_N_BULK_CLASSES, 0);
  return self->counts[klass];
}

guint
roster_bulk_plan_get_cap (RosterBulkPlan *self)
{
  g_return_val_if_fail (ROSTER_IS_BULK_PLAN (self), 0);
  return self->cap;
}

gboolean
roster_bulk_plan_exceeds_cap (RosterBulkPlan *self)
{
  g_return_val_if_fail (ROSTER_IS_BULK_PLAN (self), FALSE);
  return self->counts[ROSTER_BULK_CLASS_WILL_CHANGE] > self->cap;
}

char *
roster_bulk_plan_dup_confirmation (RosterBulkPlan *self)
{
  guint n;
  const char *product;

  g_return_val_if_fail (ROSTER_IS_BULK_PLAN (self), NULL);

  n = self->counts[ROSTER_BULK_CLASS_WILL_CHANGE];
  product = roster_product_to_string (self->spec.product);
  switch (self->spec.action)
    {
    case ROSTER_BULK_ACTION_SUSPEND:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Suspend access of %u user?",
                                           "Suspend access of %u users?", n), n);
    case ROSTER_BULK_ACTION_RESTORE:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Restore access of %u user?",
                                           "Restore access of %u users?", n), n);
    case ROSTER_BULK_ACTION_DISABLE_ACCOUNT:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Deactivate the account of %u user?",
                                           "Deactivate the accounts of %u users?", n), n);
    case ROSTER_BULK_ACTION_ENABLE_ACCOUNT:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Reactivate the account of %u user?",
                                           "Reactivate the accounts of %u users?", n), n);
    case ROSTER_BULK_ACTION_GRANT_PRODUCT:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Grant %s access to %u user?",
                                           "Grant %s access to %u users?", n), product, n);
    case ROSTER_BULK_ACTION_REVOKE_PRODUCT:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Remove %s access from %u user?",
                                           "Remove %s access from %u users?", n), product, n);
    case ROSTER_N_BULK_ACTIONS:
    default:
      g_return_val_if_reached (NULL);
    }
}

JsonNode *
roster_bulk_plan_to_json (RosterBulkPlan *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (ROSTER_IS_BULK_PLAN (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "action");
  json_builder_add_string_value (builder, roster_bulk_action_to_string (self->spec.action));
  json_builder_set_member_name (builder, "product");
  if (self->spec.product < ROSTER_N_PRODUCTS)
    json_builder_add_string_value (builder, roster_product_to_string (self->spec.product));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "method");
  if (self->spec.method != NULL)
    json_builder_add_string_value (builder, self->spec.method);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "cap");
  json_builder_add_int_value (builder, self->cap);
  json_builder_set_member_name (builder, "exceeds_cap");
  json_builder_add_boolean_value (builder, roster_bulk_plan_exceeds_cap (self));
  json_builder_set_member_name (builder, "counts");
  json_builder_begin_object (builder);
  for (guint k = 0; k < ROSTER_N_BULK_CLASSES; k++)
    {
      json_builder_set_member_name (builder, classes[k].nick);
      json_builder_add_int_value (builder, self->counts[k]);
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "targets");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->targets->len; i++)
    {
      RosterBulkTarget *t = g_ptr_array_index (self->targets, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "account_id");
      json_builder_add_string_value (builder, t->account_id);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, t->name);
      json_builder_set_member_name (builder, "email");
      json_builder_add_string_value (builder, t->email);
      json_builder_set_member_name (builder, "class");
      json_builder_add_string_value (builder, classes[t->klass].nick);
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, t->reason);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

RosterBulkSpec *
_roster_bulk_plan_get_spec (RosterBulkPlan *plan)
{
  return &plan->spec;
}

void
_roster_bulk_plan_set_undo_of (RosterBulkPlan *plan,
                               const char     *job_id)
{
  g_free (plan->undo_of);
  plan->undo_of = g_strdup (job_id);
}

const char *
_roster_bulk_plan_get_undo_of (RosterBulkPlan *plan)
{
  return plan->undo_of;
}

/* ------------------------------------------------------------------------- */
/* Journal listing                                                            */

typedef struct
{
  gboolean unfinished_only;
} ListData;

static gboolean
list_jobs_func (sqlite3   *db,
                gpointer   data,
                gpointer  *out_result,
                GError   **error)
{
  ListData *ld = data;
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) roster_bulk_job_info_free);
  g_autofree char *own_runner = g_strdup_printf ("pid %d", (int) getpid ());
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db,
                          "SELECT j.id, j.action, j.params, j.state, j.created_at, j.updated_at,"
                          " j.n_targets, j.os_user,"
                          " (SELECT count(*) FROM job_targets t WHERE t.job_id = j.id"
                          "   AND t.state IN ('done', 'skipped')),"
                          " (SELECT count(*) FROM job_targets t WHERE t.job_id = j.id"
                          "   AND t.state = 'failed'),"
                          " (SELECT count(*) FROM job_targets t WHERE t.job_id = j.id"
                          "   AND t.state = 'pending'), j.message"
                          " FROM jobs j WHERE (?1 = 0 OR j.state != 'finished')"
                          " ORDER BY j.created_at DESC, j.rowid DESC",
                          -1, &stmt, NULL) != SQLITE_OK)
    return _roster_store_fail (error, db, sqlite3_errcode (db), "Listing bulk jobs");
  sqlite3_bind_int (stmt, 1, ld->unfinished_only);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      RosterBulkJobInfo *info = g_new0 (RosterBulkJobInfo, 1);
      const char *params = (const char *) sqlite3_column_text (stmt, 2);

      info->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      roster_bulk_action_from_string ((const char *) sqlite3_column_text (stmt, 1), &info->action);
      info->product = ROSTER_PRODUCT_OTHER;
      if (params != NULL)
        {
          g_autoptr(JsonParser) parser = json_parser_new ();

          if (json_parser_load_from_data (parser, params, -1, NULL) &&
              JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
            {
              JsonObject *o = json_node_get_object (json_parser_get_root (parser));
              const char *p = json_object_get_string_member_with_default (o, "product", NULL);

              if (p != NULL)
                info->product = roster_product_from_string (p);
              info->undo_of = g_strdup (json_object_get_string_member_with_default (o, "undo_of", NULL));
            }
        }
      if (!_roster_bulk_job_state_from_string ((const char *) sqlite3_column_text (stmt, 3), &info->state))
        info->state = ROSTER_BULK_JOB_PAUSED;
      /* A job left "running" by a process that died was interrupted. */
      if (info->state == ROSTER_BULK_JOB_RUNNING &&
          !_roster_bulk_runner_is_alive ("running", (const char *) sqlite3_column_text (stmt, 11)) &&
          g_strcmp0 ((const char *) sqlite3_column_text (stmt, 11), own_runner) != 0)
        info->state = ROSTER_BULK_JOB_PAUSED;
      info->created_at = sqlite3_column_int64 (stmt, 4);
      info->updated_at = sqlite3_column_int64 (stmt, 5);
      info->n_total = sqlite3_column_int (stmt, 6);
      info->os_user = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
      info->n_done = sqlite3_column_int (stmt, 8);
      info->n_failed = sqlite3_column_int (stmt, 9);
      info->n_pending = sqlite3_column_int (stmt, 10);
      g_ptr_array_add (jobs, info);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _roster_store_fail (error, db, sqlite3_errcode (db), "Listing bulk jobs");

  *out_result = g_steal_pointer (&jobs);
  return TRUE;
}

void
roster_bulk_list_jobs_async (RosterStore         *store,
                             gboolean             unfinished_only,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  ListData *ld = g_new0 (ListData, 1);

  g_return_if_fail (ROSTER_IS_STORE (store));

  ld->unfinished_only = unfinished_only;
  roster_store_run_async (store, list_jobs_func, ld, g_free, cancellable, callback, user_data);
}

GPtrArray *
roster_bulk_list_jobs_finish (RosterStore   *store,
                              GAsyncResult  *result,
                              GError       **error)
{
  return roster_store_run_finish (store, result, error);
}

GPtrArray *
roster_bulk_list_jobs_sync (RosterStore  *store,
                            gboolean      unfinished_only,
                            GError      **error)
{
  ListData *ld = g_new0 (ListData, 1);

  g_return_val_if_fail (ROSTER_IS_STORE (store), NULL);

  ld->unfinished_only = unfinished_only;
  return roster_store_run_sync (store, list_jobs_func, ld, g_free, NULL, error);
}

GPtrArray *
roster_bulk_list_unfinished_jobs (RosterStore  *store,
                                  GError      **error)
{
  return roster_bulk_list_jobs_sync (store, TRUE, error);
}

guint
roster_bulk_get_cap_sync (RosterStore *store)
{
  g_autofree char *value = NULL;
  guint64 cap;

  g_return_val_if_fail (ROSTER_IS_STORE (store), ROSTER_BULK_DEFAULT_CAP);

  value = roster_store_get_setting_sync (store, ROSTER_BULK_SETTING_CAP, NULL);
  if (value != NULL && g_ascii_string_to_unsigned (value, 10, 1, G_MAXUINT, &cap, NULL))
    return (guint) cap;
  return ROSTER_BULK_DEFAULT_CAP;
}
