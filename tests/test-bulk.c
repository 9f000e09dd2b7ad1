/* test-bulk.c — bulk plan classification and the journaled job, against the sandbox. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "roster-admin-api.h"
#include "roster-bulk.h"
#include "roster-error.h"
#include "roster-id-file.h"
#include "roster-org.h"
#include "roster-sandbox.h"
#include "roster-store.h"
#include "roster-test-utils.h"

#define FIXED_NOW 1798761600
#define WAIT_SECONDS 120 /* bound on each async wait */
#define N_USERS   600

typedef struct
{
  RosterSandbox *sandbox;
  RosterContext *context;
  GHashTable    *admins;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  RosterSandboxOptions options = { N_USERS, 7, FIXED_NOW };
  g_autoptr(GError) error = NULL;
  g_autofree char *admin_url = NULL;
  g_auto(GStrv) admins = NULL;

  f->sandbox = roster_sandbox_new (&options);
  g_assert_true (roster_sandbox_start (f->sandbox, 0, &error));
  g_assert_no_error (error);

  admin_url = roster_sandbox_dup_admin_url (f->sandbox);
  f->context = roster_test_open_context (admin_url, roster_sandbox_get_org_id (f->sandbox),
                                        roster_sandbox_get_api_key (f->sandbox), WAIT_SECONDS);
  roster_admin_api_set_retry_policy (roster_context_get_admin_api (f->context), 4, 10, 200);

  g_assert_true (roster_test_context_sync (f->context, WAIT_SECONDS, &error));
  g_assert_no_error (error);

  f->admins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  admins = roster_sandbox_dup_account_ids (f->sandbox, "org-admin", 0);
  for (guint i = 0; admins[i] != NULL; i++)
    g_hash_table_add (f->admins, g_strdup (admins[i]));
  g_assert_cmpuint (g_hash_table_size (f->admins), >, 0);
  roster_sandbox_clear_requests (f->sandbox);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->context);
  roster_sandbox_stop (f->sandbox);
  g_clear_object (&f->sandbox);
  g_clear_pointer (&f->admins, g_hash_table_unref);
}

/* Up to n ids of a sandbox kind that are neither org admins nor in `also_not`. */
static GPtrArray *
pick (Fixture    *f,
      const char *kind,
      guint       n,
      const char *also_kind)
{
  g_auto(GStrv) ids = roster_sandbox_dup_account_ids (f->sandbox, kind, 0);
  g_auto(GStrv) also = also_kind ? roster_sandbox_dup_account_ids (f->sandbox, also_kind, 0) : NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; ids[i] != NULL && out->len < n; i++)
    {
      if (g_hash_table_contains (f->admins, ids[i]))
        continue;
      if (also != NULL && !g_strv_contains ((const char * const *) also, ids[i]))
        continue;
      g_ptr_array_add (out, g_strdup (ids[i]));
    }
  g_assert_cmpuint (out->len, ==, n);
  return out;
}

static const char *
any_admin (Fixture *f)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, f->admins);
  g_assert_true (g_hash_table_iter_next (&iter, &key, NULL));
  return key;
}

static const RosterBulkTarget *
find_target (RosterBulkPlan *plan,
             const char     *id)
{
  GPtrArray *targets = roster_bulk_plan_get_targets (plan);

  for (guint i = 0; i < targets->len; i++)
    {
      const RosterBulkTarget *t = g_ptr_array_index (targets, i);

      if (g_strcmp0 (t->account_id, id) == 0)
        return t;
    }
  g_assert_not_reached ();
}

/* POSTs (or DELETEs) that the sandbox answered 2xx, per account id in the path. */
static guint
count_applied (Fixture    *f,
               const char *account_id)
{
  g_autoptr(GPtrArray) log = roster_sandbox_dup_requests (f->sandbox);
  guint n = 0;

  for (guint i = 0; i < log->len; i++)
    {
      RosterSandboxRequest *r = g_ptr_array_index (log, i);

      if (g_strcmp0 (r->method, "GET") == 0 || strstr (r->path, "/search") != NULL ||
          strstr (r->path, "/workspaces") != NULL)
        continue;
      if (strstr (r->path, account_id) == NULL && (r->body == NULL || strstr (r->body, account_id) == NULL))
        continue;
      if (r->status >= 200 && r->status < 300)
        n++;
    }
  return n;
}

/* Any write at all (whatever the answer) mentioning the account. */
static guint
count_writes (Fixture    *f,
              const char *account_id)
{
  g_autoptr(GPtrArray) log = roster_sandbox_dup_requests (f->sandbox);
  guint n = 0;

  for (guint i = 0; i < log->len; i++)
    {
      RosterSandboxRequest *r = g_ptr_array_index (log, i);

      if (g_strcmp0 (r->method, "GET") == 0 || strstr (r->path, "/search") != NULL ||
          strstr (r->path, "/workspaces") != NULL)
        continue;
      if (strstr (r->path, account_id) != NULL || (r->body != NULL && strstr (r->body, account_id) != NULL))
        n++;
    }
  return n;
}

static guint
count_all_writes (Fixture *f)
{
  g_autoptr(GPtrArray) log = roster_sandbox_dup_requests (f->sandbox);
  guint n = 0;

  for (guint i = 0; i < log->len; i++)
    {
      RosterSandboxRequest *r = g_ptr_array_index (log, i);

      if (g_strcmp0 (r->method, "GET") == 0 || strstr (r->path, "/search") != NULL ||
          strstr (r->path, "/workspaces") != NULL)
        continue;
      n++;
    }
  return n;
}

static char *
status_of (Fixture    *f,
           const char *id)
{
  return roster_sandbox_dup_user_status (f->sandbox, id);
}

static void
assert_chain_intact (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterAuditReport) report = NULL;

  report = roster_store_audit_verify_sync (roster_context_get_store (f->context), &error);
  g_assert_no_error (error);
  g_assert_true (roster_audit_report_is_intact (report));
  g_assert_cmpuint (report->n_checked, >, 0);
}

static RosterBulkPlan *
plan_for (Fixture          *f,
          RosterBulkAction  action,
          RosterProduct     product,
          GPtrArray        *ids)
{
  g_autoptr(GPtrArray) v = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  RosterBulkPlan *plan;

  for (guint i = 0; i < ids->len; i++)
    g_ptr_array_add (v, g_ptr_array_index (ids, i));
  g_ptr_array_add (v, NULL);
  plan = roster_bulk_plan_new_sync (f->context, action, product, (const char * const *) v->pdata,
                                    NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (plan);
  return plan;
}

/* ------------------------------------------------------------------------- */

static void
test_plan_classes (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) active = pick (f, "active", 3, NULL);
  g_autoptr(GPtrArray) suspended = pick (f, "suspended", 2, "managed");
  g_autoptr(GPtrArray) deactivated = pick (f, "deactivated", 1, NULL);
  g_autoptr(GPtrArray) app = pick (f, "app", 1, NULL);
  g_autoptr(GPtrArray) manual = pick (f, "active", 100, NULL);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(RosterBulkPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterUserSet) users = NULL;
  const char *admin = any_admin (f);
  const char *protected_id = g_ptr_array_index (manual, 99);
  g_autofree char *email = NULL;
  g_autoptr(JsonNode) json = NULL;

  g_assert_true (roster_store_add_protected_sync (roster_context_get_store (f->context),
                                                  protected_id, "test", &error));
  g_assert_no_error (error);

  for (guint i = 0; i < active->len; i++)
    g_ptr_array_add (ids, g_strdup (g_ptr_array_index (active, i)));
  for (guint i = 0; i < suspended->len; i++)
    g_ptr_array_add (ids, g_strdup (g_ptr_array_index (suspended, i)));
  g_ptr_array_add (ids, g_strdup (g_ptr_array_index (deactivated, 0)));
  g_ptr_array_add (ids, g_strdup (g_ptr_array_index (app, 0)));
  g_ptr_array_add (ids, g_strdup (admin));
  g_ptr_array_add (ids, g_strdup (protected_id));
  g_ptr_array_add (ids, g_strdup ("712020:00000000-dead-beef-0000-000000000000"));
  g_ptr_array_add (ids, g_strdup ("nobody@nowhere.invalid"));
  g_ptr_array_add (ids, g_strdup (g_ptr_array_index (active, 0)));  /* a duplicate */

  plan = plan_for (f, ROSTER_BULK_ACTION_SUSPEND, ROSTER_PRODUCT_OTHER, ids);
  g_assert_cmpuint (roster_bulk_plan_get_n_targets (plan), ==, 11);
  g_assert_cmpuint (roster_bulk_plan_get_count (plan, ROSTER_BULK_CLASS_WILL_CHANGE), ==, 3);
  g_assert_cmpuint (roster_bulk_plan_get_count (plan, ROSTER_BULK_CLASS_ALREADY), ==, 2);
  g_assert_cmpuint (roster_bulk_plan_get_count (plan, ROSTER_BULK_CLASS_PROTECTED), ==, 2);
  g_assert_cmpuint (roster_bulk_plan_get_count (plan, ROSTER_BULK_CLASS_NOT_FOUND), ==, 2);
  g_assert_cmpuint (roster_bulk_plan_get_count (plan, ROSTER_BULK_CLASS_NOT_ALLOWED), ==, 2);
  g_assert_cmpint (find_target (plan, admin)->klass, ==, ROSTER_BULK_CLASS_PROTECTED);
  g_assert_cmpint (find_target (plan, protected_id)->klass, ==, ROSTER_BULK_CLASS_PROTECTED);
  g_assert_cmpint (find_target (plan, g_ptr_array_index (deactivated, 0))->klass, ==,
                   ROSTER_BULK_CLASS_NOT_ALLOWED);
  g_assert_cmpint (find_target (plan, g_ptr_array_index (app, 0))->klass, ==,
                   ROSTER_BULK_CLASS_NOT_ALLOWED);
  g_assert_nonnull (find_target (plan, admin)->reason);
  g_assert_false (roster_bulk_plan_exceeds_cap (plan));
  json = roster_bulk_plan_to_json (plan);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (json_node_get_object (json), "counts"),
                                               "will-change"), ==, 3);
  g_clear_object (&plan);

  /* An email of a cached user resolves to its account. */
  users = roster_store_load_users_sync (roster_context_get_store (f->context), NULL, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) one = g_ptr_array_new_with_free_func (g_free);
    g_autoptr(RosterBulkPlan) p2 = NULL;
    int row = roster_user_set_lookup (users, g_ptr_array_index (active, 1));

    g_assert_cmpint (row, >=, 0);
    g_assert_nonnull (roster_user_set_get_email (users, row));
    email = g_ascii_strup (roster_user_set_get_email (users, row), -1);
    g_ptr_array_add (one, g_strdup (email));
    p2 = plan_for (f, ROSTER_BULK_ACTION_SUSPEND, ROSTER_PRODUCT_OTHER, one);
    g_assert_cmpuint (roster_bulk_plan_get_count (p2, ROSTER_BULK_CLASS_WILL_CHANGE), ==, 1);
    g_assert_cmpstr (((RosterBulkTarget *) g_ptr_array_index (roster_bulk_plan_get_targets (p2), 0))->account_id,
                     ==, g_ptr_array_index (active, 1));
  }

  /* The admin's own account (the product site's account, by email) is never a target. */
  {
    g_autoptr(GPtrArray) one = g_ptr_array_new_with_free_func (g_free);
    g_autoptr(RosterBulkPlan) p3 = NULL;
    const char *own = NULL;
    g_autofree char *own_email = NULL;

    /* An active account whose email the API shows. */
    for (guint i = 0; i < 90 && own == NULL; i++)
      {
        int row = roster_user_set_lookup (users, g_ptr_array_index (manual, i));

        if (row >= 0 && roster_user_set_get_email (users, row) != NULL)
          {
            own = g_ptr_array_index (manual, i);
            own_email = g_ascii_strup (roster_user_set_get_email (users, row), -1);
          }
      }
    g_assert_nonnull (own);

    g_assert_true (roster_store_set_setting_sync (roster_context_get_store (f->context),
                                                  ROSTER_SETTING_SITE_EMAIL, own_email, &error));
    g_ptr_array_add (one, g_strdup (own));
    g_ptr_array_add (one, g_strdup (g_ptr_array_index (active, 1)));
    p3 = plan_for (f, ROSTER_BULK_ACTION_SUSPEND, ROSTER_PRODUCT_OTHER, one);
    g_assert_cmpint (find_target (p3, own)->klass, ==, ROSTER_BULK_CLASS_PROTECTED);
    g_assert_cmpstr (find_target (p3, own)->reason, ==, "Your own account");
    g_assert_cmpint (find_target (p3, g_ptr_array_index (active, 1))->klass, ==,
                     ROSTER_BULK_CLASS_WILL_CHANGE);
    g_assert_true (roster_store_set_setting_sync (roster_context_get_store (f->context),
                                                  ROSTER_SETTING_SITE_EMAIL, NULL, &error));
  }

  /* Restore: suspended will change, active are already so. */
  plan = plan_for (f, ROSTER_BULK_ACTION_RESTORE, ROSTER_PRODUCT_OTHER, ids);
  g_assert_cmpuint (roster_bulk_plan_get_count (plan, ROSTER_BULK_CLASS_WILL_CHANGE), ==, 2);
  for (guint i = 0; i < active->len; i++)
    g_assert_cmpint (find_target (plan, g_ptr_array_index (active, i))->klass, ==,
                     ROSTER_BULK_CLASS_ALREADY);
  g_assert_cmpint (find_target (plan, g_ptr_array_index (deactivated, 0))->klass, !=,
                   ROSTER_BULK_CLASS_WILL_CHANGE);
  g_clear_object (&plan);

  /* Lifecycle: an unmanaged account is not allowed, a managed active one will change. */
  {
    g_autoptr(GPtrArray) unmanaged = pick (f, "unmanaged", 2, "active");
    g_autoptr(GPtrArray) managed = pick (f, "managed", 2, "active");
    g_autoptr(GPtrArray) both = g_ptr_array_new_with_free_func (g_free);

    g_ptr_array_add (both, g_strdup (g_ptr_array_index (unmanaged, 0)));
    g_ptr_array_add (both, g_strdup (g_ptr_array_index (unmanaged, 1)));
    g_ptr_array_add (both, g_strdup (g_ptr_array_index (managed, 0)));
    g_ptr_array_add (both, g_strdup (g_ptr_array_index (managed, 1)));
    plan = plan_for (f, ROSTER_BULK_ACTION_DISABLE_ACCOUNT, ROSTER_PRODUCT_OTHER, both);
    g_assert_cmpint (find_target (plan, g_ptr_array_index (unmanaged, 0))->klass, ==,
                     ROSTER_BULK_CLASS_NOT_ALLOWED);
    g_assert_cmpint (find_target (plan, g_ptr_array_index (managed, 0))->klass, ==,
                     ROSTER_BULK_CLASS_WILL_CHANGE);
    g_clear_object (&plan);
    plan = plan_for (f, ROSTER_BULK_ACTION_ENABLE_ACCOUNT, ROSTER_PRODUCT_OTHER, both);
    g_assert_cmpint (find_target (plan, g_ptr_array_index (managed, 1))->klass, ==,
                     ROSTER_BULK_CLASS_ALREADY);
    g_clear_object (&plan);
  }

  /* Products: no-jira will change on grant, jira users already have it. */
  {
    g_autoptr(GPtrArray) no_jira = pick (f, "no-jira", 2, NULL);
    g_autoptr(GPtrArray) jira = pick (f, "jira", 2, "active");
    g_autoptr(GPtrArray) both = g_ptr_array_new_with_free_func (g_free);

    for (guint i = 0; i < 2; i++)
      {
        g_ptr_array_add (both, g_strdup (g_ptr_array_index (no_jira, i)));
        g_ptr_array_add (both, g_strdup (g_ptr_array_index (jira, i)));
      }
    plan = plan_for (f, ROSTER_BULK_ACTION_GRANT_PRODUCT, ROSTER_PRODUCT_JIRA, both);
    g_assert_cmpstr (roster_bulk_plan_get_method (plan), ==, "role");
    g_assert_cmpint (find_target (plan, g_ptr_array_index (no_jira, 0))->klass, ==,
                     ROSTER_BULK_CLASS_WILL_CHANGE);
    g_assert_cmpint (find_target (plan, g_ptr_array_index (jira, 0))->klass, ==,
                     ROSTER_BULK_CLASS_ALREADY);
    g_clear_object (&plan);
    plan = plan_for (f, ROSTER_BULK_ACTION_REVOKE_PRODUCT, ROSTER_PRODUCT_JIRA, both);
    g_assert_cmpint (find_target (plan, g_ptr_array_index (no_jira, 1))->klass, ==,
                     ROSTER_BULK_CLASS_ALREADY);
    g_assert_cmpint (find_target (plan, g_ptr_array_index (jira, 1))->klass, ==,
                     ROSTER_BULK_CLASS_WILL_CHANGE);
    g_clear_object (&plan);
  }

  /* Planning never writes. */
  g_assert_cmpuint (count_all_writes (f), ==, 0);
}

static void
test_cap (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GPtrArray) active = pick (f, "active", 8, NULL);
  g_autoptr(RosterBulkPlan) plan = NULL;
  g_autoptr(RosterBulkJob) job = NULL;
  g_autoptr(GError) error = NULL;
  RosterBulkJobOptions options = { 0, FALSE, 0 };

  g_assert_true (roster_store_set_setting_sync (roster_context_get_store (f->context),
                                                ROSTER_BULK_SETTING_CAP, "5", &error));
  g_assert_no_error (error);
  plan = plan_for (f, ROSTER_BULK_ACTION_SUSPEND, ROSTER_PRODUCT_OTHER, active);
  g_assert_cmpuint (roster_bulk_plan_get_cap (plan), ==, 5);
  g_assert_true (roster_bulk_plan_exceeds_cap (plan));
  job = roster_bulk_job_create_sync (f->context, plan, &options, NULL, &error);
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT);
  g_assert_null (job);
  g_clear_error (&error);
  options.override_cap = TRUE;
  job = roster_bulk_job_create_sync (f->context, plan, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (roster_bulk_job_get_n_total (job), ==, 8);
  g_assert_cmpuint (count_all_writes (f), ==, 0);
}

static void
test_suspend_undo (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = pick (f, "active", 30, NULL);
  g_autoptr(GPtrArray) suspended = pick (f, "suspended", 3, "managed");
  g_autoptr(RosterBulkPlan) plan = NULL;
  g_autoptr(RosterBulkJob) job = NULL;
  g_autoptr(RosterBulkJob) undo = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) unfinished = NULL;
  g_autoptr(RosterUserSet) users = NULL;
  const char *admin = any_admin (f);
  guint n_cached_suspended = 0;

  g_ptr_array_add (ids, g_strdup (admin));
  for (guint i = 0; i < suspended->len; i++)
    g_ptr_array_add (ids, g_strdup (g_ptr_array_index (suspended, i)));

  plan = plan_for (f, ROSTER_BULK_ACTION_SUSPEND, ROSTER_PRODUCT_OTHER, ids);
  g_assert_cmpuint (roster_bulk_plan_get_count (plan, ROSTER_BULK_CLASS_WILL_CHANGE), ==, 30);
  job = roster_bulk_job_create_sync (f->context, plan, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_all_writes (f), ==, 0);

  unfinished = roster_bulk_list_unfinished_jobs (roster_context_get_store (f->context), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (unfinished->len, ==, 1);
  g_clear_pointer (&unfinished, g_ptr_array_unref);

  g_assert_true (roster_bulk_job_run_sync (job, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (roster_bulk_job_get_state (job), ==, ROSTER_BULK_JOB_FINISHED);
  g_assert_cmpuint (roster_bulk_job_get_n_done (job), ==, 30);
  g_assert_cmpuint (roster_bulk_job_get_n_failed (job), ==, 0);

  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *status = status_of (f, g_ptr_array_index (ids, i));

      g_assert_cmpstr (status, ==, "suspended");
      g_assert_cmpuint (count_writes (f, g_ptr_array_index (ids, i)), ==, 1);
    }
  g_assert_cmpuint (count_writes (f, admin), ==, 0);
  for (guint i = 0; i < suspended->len; i++)
    g_assert_cmpuint (count_writes (f, g_ptr_array_index (suspended, i)), ==, 0);

  /* The cache reflects the change without a resync. */
  users = roster_store_load_users_sync (roster_context_get_store (f->context), NULL, &error);
  g_assert_no_error (error);
  for (guint k = 0; k < 30; k++)
    {
      int row = roster_user_set_lookup (users, g_ptr_array_index (ids, k));

      if (row >= 0 && roster_user_set_get_status (users, row) == ROSTER_STATUS_SUSPENDED)
        n_cached_suspended++;
    }
  g_assert_cmpuint (n_cached_suspended, ==, 30);

  unfinished = roster_bulk_list_unfinished_jobs (roster_context_get_store (f->context), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (unfinished->len, ==, 0);

  /* Undo reverses exactly those 30 (not the 3 that were already suspended). */
  roster_sandbox_clear_requests (f->sandbox);
  undo = roster_bulk_job_new_undo_sync (f->context, roster_bulk_job_get_id (job), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (roster_bulk_job_get_action (undo), ==, ROSTER_BULK_ACTION_RESTORE);
  g_assert_cmpuint (roster_bulk_job_get_n_total (undo), ==, 30);
  g_assert_true (roster_bulk_job_run_sync (undo, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *status = status_of (f, g_ptr_array_index (ids, i));

      g_assert_cmpstr (status, ==, "active");
    }
  for (guint i = 0; i < suspended->len; i++)
    {
      g_autofree char *status = status_of (f, g_ptr_array_index (suspended, i));

      g_assert_cmpstr (status, ==, "suspended");
      g_assert_cmpuint (count_writes (f, g_ptr_array_index (suspended, i)), ==, 0);
    }

  assert_chain_intact (f);
}

static void
test_grant_revoke (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = pick (f, "no-jira", 6, NULL);
  g_autoptr(RosterBulkPlan) plan = NULL;
  g_autoptr(RosterBulkJob) job = NULL;
  g_autoptr(RosterBulkJob) undo = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) jira = NULL;

  plan = plan_for (f, ROSTER_BULK_ACTION_GRANT_PRODUCT, ROSTER_PRODUCT_JIRA, ids);
  g_assert_cmpuint (roster_bulk_plan_get_count (plan, ROSTER_BULK_CLASS_WILL_CHANGE), ==, 6);
  job = roster_bulk_job_create_sync (f->context, plan, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (roster_bulk_job_run_sync (job, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (roster_bulk_job_get_n_done (job), ==, 6);
  jira = roster_sandbox_dup_account_ids (f->sandbox, "jira", 0);
  for (guint i = 0; i < ids->len; i++)
    g_assert_true (g_strv_contains ((const char * const *) jira, g_ptr_array_index (ids, i)));
  g_clear_pointer (&jira, g_strfreev);

  undo = roster_bulk_job_new_undo_sync (f->context, roster_bulk_job_get_id (job), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (roster_bulk_job_get_action (undo), ==, ROSTER_BULK_ACTION_REVOKE_PRODUCT);
  g_assert_true (roster_bulk_job_run_sync (undo, NULL, &error));
  g_assert_no_error (error);
  jira = roster_sandbox_dup_account_ids (f->sandbox, "jira", 0);
  for (guint i = 0; i < ids->len; i++)
    g_assert_false (g_strv_contains ((const char * const *) jira, g_ptr_array_index (ids, i)));
}

typedef struct
{
  gboolean   done;
  GPtrArray *groups;
  GError    *error;
} GroupsWaiter;

static void
groups_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GroupsWaiter *w = user_data;

  w->groups = roster_admin_api_search_groups_finish (ROSTER_ADMIN_API (object), result, &w->error);
  w->done = TRUE;
}

static char *
group_id_named (Fixture    *f,
                const char *name)
{
  GroupsWaiter w = { 0 };
  char *id = NULL;

  roster_admin_api_search_groups_async (roster_context_get_admin_api (f->context),
                                        roster_context_get_org_id (f->context),
                                        roster_context_get_directory_id (f->context),
                                        name, NULL, NULL, groups_cb, &w);
  while (!w.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (w.error);
  for (guint i = 0; i < w.groups->len && id == NULL; i++)
    if (g_strcmp0 (roster_group_get_name (g_ptr_array_index (w.groups, i)), name) == 0)
      id = g_strdup (roster_group_get_id (g_ptr_array_index (w.groups, i)));
  g_ptr_array_unref (w.groups);
  g_assert_nonnull (id);
  return id;
}

/* With an access group chosen in Settings, grant and revoke go through its
 * membership; an externally synced group cannot be used. */
static void
test_access_group (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = pick (f, "no-jira", 5, NULL);
  g_autoptr(RosterBulkPlan) plan = NULL;
  g_autoptr(RosterBulkJob) job = NULL;
  g_autoptr(RosterBulkJob) undo = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *jira_group = group_id_named (f, "jira-software-users");
  g_autofree char *synced_group = group_id_named (f, "okta-all-staff");
  RosterStore *store = roster_context_get_store (f->context);
  g_auto(GStrv) jira = NULL;

  g_assert_true (roster_store_set_setting_sync (store, "access-group-jira", synced_group, &error));
  plan = plan_for (f, ROSTER_BULK_ACTION_GRANT_PRODUCT, ROSTER_PRODUCT_JIRA, ids);
  g_assert_cmpstr (roster_bulk_plan_get_method (plan), ==, "group");
  g_assert_cmpuint (roster_bulk_plan_get_count (plan, ROSTER_BULK_CLASS_NOT_ALLOWED), ==, 5);
  g_clear_object (&plan);

  g_assert_true (roster_store_set_setting_sync (store, "access-group-jira", jira_group, &error));
  plan = plan_for (f, ROSTER_BULK_ACTION_GRANT_PRODUCT, ROSTER_PRODUCT_JIRA, ids);
  g_assert_cmpstr (roster_bulk_plan_get_method (plan), ==, "group");
  g_assert_cmpuint (roster_bulk_plan_get_count (plan, ROSTER_BULK_CLASS_WILL_CHANGE), ==, 5);
  job = roster_bulk_job_create_sync (f->context, plan, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (roster_bulk_job_run_sync (job, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (roster_bulk_job_get_n_done (job), ==, 5);
  g_assert_cmpuint (roster_sandbox_count_requests (f->sandbox, "POST", "/memberships"), ==, 5);
  g_assert_cmpuint (roster_sandbox_count_requests (f->sandbox, "POST", "/roles/assign"), ==, 0);
  jira = roster_sandbox_dup_account_ids (f->sandbox, "jira", 0);
  for (guint i = 0; i < ids->len; i++)
    g_assert_true (g_strv_contains ((const char * const *) jira, g_ptr_array_index (ids, i)));
  g_clear_pointer (&jira, g_strfreev);

  undo = roster_bulk_job_new_undo_sync (f->context, roster_bulk_job_get_id (job), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (roster_bulk_job_run_sync (undo, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (roster_sandbox_count_requests (f->sandbox, "DELETE", "/memberships"), ==, 5);
  jira = roster_sandbox_dup_account_ids (f->sandbox, "jira", 0);
  for (guint i = 0; i < ids->len; i++)
    g_assert_false (g_strv_contains ((const char * const *) jira, g_ptr_array_index (ids, i)));
}

typedef struct
{
  RosterSandboxFault fault;
  double             probability;
  guint              rate;
  gboolean           retry_after;
} FaultCase;

static void
test_faults (Fixture       *f,
             gconstpointer  data)
{
  const FaultCase *fc = data;
  g_autoptr(GPtrArray) ids = pick (f, "active", 60, NULL);
  g_autoptr(RosterBulkPlan) plan = NULL;
  g_autoptr(RosterBulkJob) job = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  guint n_done = 0, n_failed = 0;

  plan = plan_for (f, ROSTER_BULK_ACTION_SUSPEND, ROSTER_PRODUCT_OTHER, ids);
  job = roster_bulk_job_create_sync (f->context, plan, NULL, NULL, &error);
  g_assert_no_error (error);

  if (fc->rate > 0)
    roster_sandbox_set_rate_limit (f->sandbox, fc->rate, fc->retry_after);
  if (fc->fault != ROSTER_SANDBOX_FAULT_NONE)
    roster_sandbox_set_fault_rate (f->sandbox, fc->fault, "/suspend", fc->probability);

  g_assert_true (roster_bulk_job_run_sync (job, NULL, &error));
  g_assert_no_error (error);
  roster_sandbox_set_fault (f->sandbox, ROSTER_SANDBOX_FAULT_NONE, NULL, 0);
  roster_sandbox_set_rate_limit (f->sandbox, 0, TRUE);

  g_assert_cmpint (roster_bulk_job_get_state (job), ==, ROSTER_BULK_JOB_FINISHED);
  results = roster_bulk_job_dup_results (job);
  g_assert_cmpuint (results->len, ==, 60);
  for (guint i = 0; i < results->len; i++)
    {
      RosterBulkResult *r = g_ptr_array_index (results, i);
      g_autofree char *status = status_of (f, r->account_id);

      /* Never applied twice; done means the sandbox has it. */
      g_assert_cmpuint (count_applied (f, r->account_id), <=, 1);
      if (r->state == ROSTER_BULK_TARGET_DONE)
        {
          n_done++;
          g_assert_cmpstr (status, ==, "suspended");
          g_assert_cmpuint (count_applied (f, r->account_id), ==, 1);
        }
      else
        {
          g_assert_cmpint (r->state, ==, ROSTER_BULK_TARGET_FAILED);
          g_assert_nonnull (r->message);
          n_failed++;
        }
    }
  g_assert_cmpuint (n_done + n_failed, ==, 60);
  if (fc->fault == ROSTER_SANDBOX_FAULT_NONE)
    g_assert_cmpuint (n_done, ==, 60);
  /* The retries of the transport ride out moderate fault rates. */
  g_assert_cmpuint (n_done, >=, 50);
  assert_chain_intact (f);
}

static void
test_canary_pause_cancel (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = pick (f, "active", 12, NULL);
  g_autoptr(RosterBulkPlan) plan = NULL;
  g_autoptr(RosterBulkJob) job = NULL;
  g_autoptr(RosterBulkJob) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  RosterBulkJobOptions options = { 3, FALSE, 2 };
  guint total = 0;

  plan = plan_for (f, ROSTER_BULK_ACTION_SUSPEND, ROSTER_PRODUCT_OTHER, ids);
  job = roster_bulk_job_create_sync (f->context, plan, &options, NULL, &error);
  g_assert_no_error (error);

  g_assert_true (roster_bulk_job_run_sync (job, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (roster_bulk_job_get_state (job), ==, ROSTER_BULK_JOB_CANARY_PAUSED);
  g_assert_cmpuint (roster_bulk_job_get_n_done (job), ==, 3);
  g_assert_cmpuint (roster_sandbox_count_requests (f->sandbox, "POST", "/suspend"), ==, 3);

  /* Cancel after a few more: the remaining targets stay pending. */
  roster_sandbox_set_latency (f->sandbox, 20);
  g_signal_connect_swapped (job, "progress", G_CALLBACK (g_cancellable_cancel), cancellable);
  g_assert_true (roster_bulk_job_run_sync (job, cancellable, &error));
  g_assert_no_error (error);
  g_assert_cmpint (roster_bulk_job_get_state (job), ==, ROSTER_BULK_JOB_CANCELLED);
  g_assert_cmpuint (roster_bulk_job_get_n_pending (job), >, 0);
  g_assert_cmpuint (roster_bulk_job_get_n_done (job), <, 12);

  /* Loading from the journal and resuming finishes the rest, each once. */
  roster_sandbox_set_latency (f->sandbox, 0);
  again = roster_bulk_job_load_sync (f->context, roster_bulk_job_get_id (job), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (roster_bulk_job_get_state (again), ==, ROSTER_BULK_JOB_CANCELLED);
  g_assert_true (roster_bulk_job_run_sync (again, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (roster_bulk_job_get_state (again), ==, ROSTER_BULK_JOB_FINISHED);
  g_assert_cmpuint (roster_bulk_job_get_n_done (again), ==, 12);
  for (guint i = 0; i < ids->len; i++)
    {
      g_assert_cmpuint (count_writes (f, g_ptr_array_index (ids, i)), ==, 1);
      total++;
    }
  g_assert_cmpuint (total, ==, 12);
}

static gboolean
mark_in_flight_func (sqlite3   *db,
                     gpointer   data,
                     gpointer  *out_result,
                     GError   **error)
{
  const char *job_id = data;
  char *sql = sqlite3_mprintf ("UPDATE job_targets SET message = 'in-flight'"
                               " WHERE job_id = %Q AND seq < 4", job_id);

  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_free (sql);
  g_assert_cmpint (sqlite3_changes (db), ==, 4);
  *out_result = GINT_TO_POINTER (TRUE);
  return TRUE;
}

/* A crash after requests left: in-flight targets are re-read, and those that
 * were applied are marked done without a second write. */
static void
test_resume_in_flight (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = pick (f, "active", 10, NULL);
  g_autoptr(RosterBulkPlan) plan = NULL;
  g_autoptr(RosterBulkJob) job = NULL;
  g_autoptr(RosterBulkJob) resumed = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  RosterAdminApi *api = roster_context_get_admin_api (f->context);
  RosterStore *store = roster_context_get_store (f->context);

  plan = plan_for (f, ROSTER_BULK_ACTION_SUSPEND, ROSTER_PRODUCT_OTHER, ids);
  job = roster_bulk_job_create_sync (f->context, plan, NULL, NULL, &error);
  g_assert_no_error (error);

  /* Targets 0-3 were in flight; 0 and 1 reached the server. */
  roster_store_run_sync (store, mark_in_flight_func, g_strdup (roster_bulk_job_get_id (job)), g_free,
                         NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (roster_admin_api_write_sync (api, ROSTER_ADMIN_WRITE_SUSPEND,
                                                  roster_context_get_org_id (f->context),
                                                  roster_context_get_directory_id (f->context),
                                                  g_ptr_array_index (ids, i), NULL, NULL, &error));
      g_assert_no_error (error);
    }
  roster_sandbox_clear_requests (f->sandbox);

  resumed = roster_bulk_job_load_sync (f->context, roster_bulk_job_get_id (job), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (roster_bulk_job_run_sync (resumed, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (roster_bulk_job_get_state (resumed), ==, ROSTER_BULK_JOB_FINISHED);
  g_assert_cmpuint (roster_bulk_job_get_n_done (resumed), ==, 10);

  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *status = status_of (f, g_ptr_array_index (ids, i));

      g_assert_cmpstr (status, ==, "suspended");
      g_assert_cmpuint (count_writes (f, g_ptr_array_index (ids, i)), ==, i < 2 ? 0 : 1);
    }
  results = roster_bulk_job_dup_results (resumed);
  g_assert_nonnull (((RosterBulkResult *) g_ptr_array_index (results, 0))->message);
  g_assert_null (((RosterBulkResult *) g_ptr_array_index (results, 5))->message);
  assert_chain_intact (f);
}

static gboolean
set_runner_func (sqlite3   *db,
                 gpointer   data,
                 gpointer  *out_result,
                 GError   **error)
{
  char **args = data;
  char *sql = sqlite3_mprintf ("UPDATE jobs SET state = 'running', message = %Q WHERE id = %Q",
                               args[1], args[0]);

  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_free (sql);
  *out_result = GINT_TO_POINTER (TRUE);
  return TRUE;
}

/* A job another live process is running is not run twice; one left "running"
 * by a dead process is resumed. */
static void
test_runner_lease (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = pick (f, "active", 4, NULL);
  g_autoptr(RosterBulkPlan) plan = NULL;
  g_autoptr(RosterBulkJob) job = NULL;
  g_autoptr(GError) error = NULL;
  RosterStore *store = roster_context_get_store (f->context);
  g_autofree char *alive = g_strdup_printf ("pid %d", (int) getppid ());

  plan = plan_for (f, ROSTER_BULK_ACTION_SUSPEND, ROSTER_PRODUCT_OTHER, ids);
  job = roster_bulk_job_create_sync (f->context, plan, NULL, NULL, &error);
  g_assert_no_error (error);

  roster_store_run_sync (store, set_runner_func,
                         g_strdupv ((char *[]) { (char *) roster_bulk_job_get_id (job), alive, NULL }),
                         (GDestroyNotify) g_strfreev, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (roster_bulk_job_run_sync (job, NULL, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_cmpuint (count_all_writes (f), ==, 0);

  roster_store_run_sync (store, set_runner_func,
                         g_strdupv ((char *[]) { (char *) roster_bulk_job_get_id (job), "pid 2147483646", NULL }),
                         (GDestroyNotify) g_strfreev, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (roster_bulk_job_run_sync (job, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (roster_bulk_job_get_n_done (job), ==, 4);
}

typedef struct
{
  RosterSandbox *sandbox;
  guint          n;
} LostData;

static void
lost_progress_cb (RosterBulkJob *job,
                  guint          n_done,
                  guint          n_failed,
                  guint          n_total,
                  gpointer       user_data)
{
  LostData *ld = user_data;

  /* Every request timed out on our side; give the server time to apply them
   * (it runs on its own thread) before the engine re-reads. */
  if (n_failed == ld->n)
    {
      roster_sandbox_set_latency (ld->sandbox, 0);
      g_usleep (700 * 1000);
    }
}

/* A write whose answer was lost (timeout) but which the server applied ends
 * done, confirmed by a re-read, not failed; one never applied stays failed. */
static void
test_lost_answer (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = pick (f, "active", 3, NULL);
  g_autoptr(RosterBulkPlan) plan = NULL;
  g_autoptr(RosterBulkJob) job = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  RosterAdminApi *api = roster_context_get_admin_api (f->context);
  LostData ld = { f->sandbox, 3 };

  plan = plan_for (f, ROSTER_BULK_ACTION_SUSPEND, ROSTER_PRODUCT_OTHER, ids);
  job = roster_bulk_job_create_sync (f->context, plan, NULL, NULL, &error);
  g_assert_no_error (error);

  roster_admin_api_set_retry_policy (api, 0, 10, 50);
  roster_http_set_timeout (roster_admin_api_get_http (api), 1);
  roster_sandbox_set_latency (f->sandbox, 1300);
  g_signal_connect (job, "progress", G_CALLBACK (lost_progress_cb), &ld);
  g_assert_true (roster_bulk_job_run_sync (job, NULL, &error));
  g_assert_no_error (error);

  results = roster_bulk_job_dup_results (job);
  for (guint i = 0; i < results->len; i++)
    {
      RosterBulkResult *r = g_ptr_array_index (results, i);
      g_autofree char *status = status_of (f, r->account_id);

      g_assert_cmpstr (status, ==, "suspended");
      g_assert_cmpint (r->state, ==, ROSTER_BULK_TARGET_DONE);
      g_assert_nonnull (strstr (r->message, "confirmed"));
    }
  g_assert_cmpuint (roster_bulk_job_get_n_failed (job), ==, 0);
  g_assert_cmpint (roster_bulk_job_get_state (job), ==, ROSTER_BULK_JOB_FINISHED);
  assert_chain_intact (f);
}

static void
test_export_results (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = pick (f, "active", 4, NULL);
  g_autoptr(RosterBulkPlan) plan = NULL;
  g_autoptr(RosterBulkJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOutputStream) csv = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) json = g_memory_output_stream_new_resizable ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *csv_text = NULL;
  JsonObject *root;

  plan = plan_for (f, ROSTER_BULK_ACTION_SUSPEND, ROSTER_PRODUCT_OTHER, ids);
  job = roster_bulk_job_create_sync (f->context, plan, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (roster_bulk_job_run_sync (job, NULL, &error));

  g_assert_true (roster_bulk_job_write_results (job, ROSTER_EXPORT_CSV, csv, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_write_all (csv, "", 1, NULL, NULL, NULL);
  g_output_stream_close (csv, NULL, NULL);
  csv_text = g_strdup (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (csv)));
  g_assert_true (g_str_has_prefix (csv_text, "seq,account_id,name,email,state,http_status,message"));
  g_assert_nonnull (strstr (csv_text, g_ptr_array_index (ids, 2)));
  g_assert_nonnull (strstr (csv_text, ",done,204"));

  g_assert_true (roster_bulk_job_write_results (job, ROSTER_EXPORT_JSON, json, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_close (json, NULL, NULL);
  g_assert_true (json_parser_load_from_data (parser,
                                             g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (json)),
                                             g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (json)),
                                             &error));
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "results")), ==, 4);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (json_object_get_object_member (root, "job"), "counts"), "done"), ==, 4);
}

/* ------------------------------------------------------------------------- */
/* Target files                                                               */

static void
assert_entries (const char         *text,
                const char * const *expected)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) got = roster_id_file_parse (text, strlen (text), &error);

  g_assert_no_error (error);
  g_assert_nonnull (got);
  g_assert_cmpstrv (got, expected);
}

static void
test_id_file (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) bad = NULL;

  assert_entries ("", (const char *[]) { NULL });
  assert_entries ("712020:a\n712020:b\n", (const char *[]) { "712020:a", "712020:b", NULL });
  assert_entries ("\xef\xbb\xbf# targets\r\n712020:a\r\n\r\n  bob@example.com  \r\n# end",
                  (const char *[]) { "712020:a", "bob@example.com", NULL });
  assert_entries ("name,Email\r\n\"Doe, Jane\",jane@example.com\r\nBob,\"bob@example.com\"\n",
                  (const char *[]) { "jane@example.com", "bob@example.com", NULL });
  assert_entries ("account_id,email\n712020:a,a@example.com\n,b@example.com\n\"712020:\"\"q\"\"\",\n",
                  (const char *[]) { "712020:a", "b@example.com", "712020:\"q\"", NULL });
  assert_entries ("\"name\nwith newline\",account_id\n\"x\ny\",712020:z\n",
                  (const char *[]) { "712020:z", NULL });
  assert_entries ("a@example.com\rb@example.com", (const char *[]) { "a@example.com", "b@example.com", NULL });

  bad = roster_id_file_parse ("name,team\nJane,Blue\n", 21, &error);
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT);
  g_assert_null (bad);
  g_clear_error (&error);
  bad = roster_id_file_parse ("account_id\n\"unterminated\n", 26, &error);
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  bad = roster_id_file_parse ("\xff\xfe", 2, &error);
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_true (roster_id_file_is_email ("a@b"));
  g_assert_false (roster_id_file_is_email ("@b"));
  g_assert_false (roster_id_file_is_email ("712020:abc"));
}

static void
test_actions (void)
{
  for (guint a = 0; a < ROSTER_N_BULK_ACTIONS; a++)
    {
      RosterBulkAction back;

      g_assert_true (roster_bulk_action_from_string (roster_bulk_action_to_string (a), &back));
      g_assert_cmpint (back, ==, a);
      g_assert_cmpint (roster_bulk_action_get_inverse (roster_bulk_action_get_inverse (a)), ==, a);
      g_assert_cmpint (roster_bulk_action_get_inverse (a), !=, a);
      g_assert_nonnull (roster_bulk_action_get_title (a));
      g_assert_cmpuint (strlen (roster_bulk_action_get_description (a)), >, 40);
    }
  g_assert_false (roster_bulk_action_from_string ("explode", NULL));
}

static const FaultCase no_fault = { ROSTER_SANDBOX_FAULT_NONE, 0, 0, FALSE };
static const FaultCase storm_retry_after = { ROSTER_SANDBOX_FAULT_NONE, 0, 15, TRUE };
static const FaultCase storm_reset_only = { ROSTER_SANDBOX_FAULT_NONE, 0, 15, FALSE };
static const FaultCase forced_429 = { ROSTER_SANDBOX_FAULT_429_NO_RETRY_AFTER, 0.2, 0, FALSE };
static const FaultCase burst_503 = { ROSTER_SANDBOX_FAULT_503, 0.2, 0, FALSE };
static const FaultCase burst_500 = { ROSTER_SANDBOX_FAULT_500, 0.2, 0, FALSE };
static const FaultCase dropped = { ROSTER_SANDBOX_FAULT_DROP, 0.2, 0, FALSE };

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func, data) \
  g_test_add ("/roster/bulk/" path, Fixture, data, fixture_setup, func, fixture_teardown)

  g_test_add_func ("/roster/bulk/actions", test_actions);
  g_test_add_func ("/roster/bulk/id-file", test_id_file);
  ADD ("plan/classes", test_plan_classes, NULL);
  ADD ("plan/cap", test_cap, NULL);
  ADD ("job/suspend-undo", test_suspend_undo, NULL);
  ADD ("job/grant-revoke", test_grant_revoke, NULL);
  ADD ("job/access-group", test_access_group, NULL);
  ADD ("job/no-fault", test_faults, &no_fault);
  ADD ("job/429-storm-retry-after", test_faults, &storm_retry_after);
  ADD ("job/429-storm-reset-only", test_faults, &storm_reset_only);
  ADD ("job/429-injected", test_faults, &forced_429);
  ADD ("job/503-burst", test_faults, &burst_503);
  ADD ("job/500-burst", test_faults, &burst_500);
  ADD ("job/dropped-connections", test_faults, &dropped);
  ADD ("job/canary-pause-cancel", test_canary_pause_cancel, NULL);
  ADD ("job/resume-in-flight", test_resume_in_flight, NULL);
  ADD ("job/runner-lease", test_runner_lease, NULL);
  ADD ("job/lost-answer", test_lost_answer, NULL);
  ADD ("job/export-results", test_export_results, NULL);

  return g_test_run ();
}
