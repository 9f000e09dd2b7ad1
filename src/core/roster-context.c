/* roster-context.c
 *
 * One organization: its key (from the keyring or given), the Admin API client,
 * the store and the services over them. The UI and rosterctl each make one.
 */
#define G_LOG_DOMAIN "roster-context"

#include "config.h"

#include "roster-admin-api.h"
#include "roster-audit.h"
#include "roster-context.h"
#include "roster-error.h"
#include "roster-org.h"
#include "roster-store-private.h"
#include "roster-sync.h"

#define SETTING_WARNING_DAYS  "warning-days"
#define SETTING_OVERDUE_DAYS  "overdue-days"
#define SETTING_ORG_NAME      "org-name"
#define SETTING_DIRECTORY_ID  "directory-id"
#define SETTING_ADMIN_URL     "admin-url"
#define SETTING_SITE_URL      "site-url"
#define SETTING_SITE_EMAIL    ROSTER_SETTING_SITE_EMAIL

struct _RosterContext
{
  GObject            parent_instance;

  RosterCredentials *credentials;   /* (owned) */
  RosterAdminApi    *api;           /* (owned) (nullable) */
  RosterStore       *store;         /* (owned) (nullable) */
  RosterSync        *sync;          /* (owned) (nullable) while running */
  RosterUserSet     *users;         /* (owned) (nullable) */
  RosterSite        *site;          /* (owned) (nullable) */

  char              *org_id;
  char              *org_name;
  char              *directory_id;
  char              *admin_url;

  RosterThresholds   thresholds;
  gint64             synced_at;
};

G_DEFINE_FINAL_TYPE (RosterContext, roster_context, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_USERS,
  PROP_ORG_NAME,
  PROP_SYNCED_AT,
  PROP_SITE,
  N_PROPS
};

enum {
  SYNC_PROGRESS,
  THRESHOLDS_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
set_users (RosterContext *self,
           RosterUserSet *users)
{
  if (self->users == users)
    return;

  g_clear_pointer (&self->users, roster_user_set_unref);
  if (users != NULL)
    self->users = roster_user_set_ref (users);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USERS]);
}

static void
set_site (RosterContext *self,
          RosterSite    *site)
{
  if (g_set_object (&self->site, site))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SITE]);
}

static void restore_site (RosterContext *self,
                          const char    *url,
                          const char    *email);

static void
close_org (RosterContext *self)
{
  g_clear_object (&self->sync);
  g_clear_object (&self->api);
  if (self->store != NULL)
    roster_store_close (self->store);
  g_clear_object (&self->store);
  g_clear_pointer (&self->org_id, g_free);
  g_clear_pointer (&self->org_name, g_free);
  g_clear_pointer (&self->directory_id, g_free);
  g_clear_pointer (&self->admin_url, g_free);
  self->synced_at = 0;
  set_users (self, NULL);
  set_site (self, NULL);
}

static guint
parse_uint_setting (const char *value,
                    guint       fallback)
{
  guint64 n;

  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 1, G_MAXUINT, &n, NULL))
    return fallback;

  return (guint) n;
}

/* validate_key */

static void
validate_orgs_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) orgs = NULL;
  GError *error = NULL;

  orgs = roster_admin_api_list_orgs_finish (ROSTER_ADMIN_API (object), result, &error);
  if (orgs == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (orgs->len == 0)
    {
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_FORBIDDEN,
                               "The key is valid but administers no organization; "
                               "use an organization admin API key");
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&orgs), (GDestroyNotify) g_ptr_array_unref);
}

void
roster_context_validate_key_async (RosterContext       *self,
                                   const char          *admin_url,
                                   const char          *api_key,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(RosterAdminApi) api = NULL;
  GError *error = NULL;

  g_return_if_fail (ROSTER_IS_CONTEXT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_context_validate_key_async);

  if (api_key == NULL || *api_key == '\0')
    {
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_NO_API_KEY,
                               "No API key was given");
      return;
    }

  api = roster_admin_api_new (admin_url != NULL ? admin_url : ROSTER_DEFAULT_ADMIN_API_URL,
                              api_key, &error);
  if (api == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  roster_admin_api_list_orgs_async (api, cancellable, validate_orgs_cb, g_steal_pointer (&task));
}

GPtrArray *
roster_context_validate_key_finish (RosterContext  *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  g_return_val_if_fail (ROSTER_IS_CONTEXT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Settings written on the store's thread, in one transaction. */
typedef struct
{
  char  *keys[2];
  char  *values[2];   /* (nullable) NULL deletes */
} SettingsWrite;

static void
settings_write_free (gpointer data)
{
  SettingsWrite *sw = data;

  for (guint i = 0; i < G_N_ELEMENTS (sw->keys); i++)
    {
      g_free (sw->keys[i]);
      g_free (sw->values[i]);
    }
  g_free (sw);
}

static gboolean
settings_write_func (sqlite3   *db,
                     gpointer   data,
                     gpointer  *out_result,
                     GError   **error)
{
  SettingsWrite *sw = data;

  if (!_roster_store_exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (sw->keys) && sw->keys[i] != NULL; i++)
    if (!_roster_store_setting_set (db, sw->keys[i], sw->values[i], error))
      {
        _roster_store_exec (db, "ROLLBACK", NULL);
        return FALSE;
      }

  if (!_roster_store_exec (db, "COMMIT", error))
    {
      _roster_store_exec (db, "ROLLBACK", NULL);
      return FALSE;
    }

  *out_result = GINT_TO_POINTER (TRUE);
  return TRUE;
}

/* Writes two settings without blocking; finish with roster_store_run_finish(). */
static void
write_settings_async (RosterStore         *store,
                      const char          *key1,
                      const char          *value1,
                      const char          *key2,
                      const char          *value2,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  SettingsWrite *sw = g_new0 (SettingsWrite, 1);

  sw->keys[0] = g_strdup (key1);
  sw->values[0] = g_strdup (value1);
  sw->keys[1] = g_strdup (key2);
  sw->values[1] = g_strdup (value2);
  roster_store_run_async (store, settings_write_func, sw, settings_write_free, NULL,
                          callback, user_data);
}

/* open */

/* What opening reads from and writes to the store, in one job on its thread. */
typedef struct
{
  /* in */
  gboolean  save;           /* save the three below (the API answered) */
  char     *org_name;       /* (nullable) the cached one is kept */
  char     *directory_id;   /* (nullable) the cached one is kept */
  char     *admin_url;
  /* out */
  char     *cached_name;
  char     *cached_dir;
  char     *warning;
  char     *overdue;
  char     *site_url;
  char     *site_email;
  gint64    synced_at;
} OpenSetup;

static void
open_setup_clear (OpenSetup *setup)
{
  g_clear_pointer (&setup->org_name, g_free);
  g_clear_pointer (&setup->directory_id, g_free);
  g_clear_pointer (&setup->admin_url, g_free);
  g_clear_pointer (&setup->cached_name, g_free);
  g_clear_pointer (&setup->cached_dir, g_free);
  g_clear_pointer (&setup->warning, g_free);
  g_clear_pointer (&setup->overdue, g_free);
  g_clear_pointer (&setup->site_url, g_free);
  g_clear_pointer (&setup->site_email, g_free);
}

typedef struct
{
  char          *admin_url;
  char          *org_id;
  char          *api_key;    /* secret: freed with roster_credentials_free_secret */
  RosterAdminApi *api;
  RosterStore   *store;
  char          *org_name;
  char          *directory_id;
  /* The cache is read while the API answers (see open_store_cb). */
  RosterUserSet *users;
  GError        *users_error;
  gboolean       loading_users;
  gboolean       waiting_for_users;
  gboolean       offline;
  GError        *network_error;  /* why the API could not be reached, when offline */
  OpenSetup      setup;
} OpenData;

static void
open_data_free (gpointer data)
{
  OpenData *od = data;

  g_free (od->admin_url);
  g_free (od->org_id);
  if (od->api_key != NULL)
    roster_credentials_free_secret (od->api_key);
  g_clear_object (&od->api);
  if (od->store != NULL)
    roster_store_close (od->store);
  g_clear_object (&od->store);
  g_free (od->org_name);
  g_free (od->directory_id);
  g_clear_pointer (&od->users, roster_user_set_unref);
  g_clear_error (&od->users_error);
  g_clear_error (&od->network_error);
  open_setup_clear (&od->setup);
  g_free (od);
}

static void
open_return_users (GTask *task)
{
  RosterContext *self = g_task_get_source_object (task);
  OpenData *od = g_task_get_task_data (task);

  if (od->users == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&od->users_error));
      return;
    }

  set_users (self, od->users);
  g_task_return_boolean (task, TRUE);
}

/* On the store's thread. */
static gboolean
open_setup_func (sqlite3   *db,
                 gpointer   data,
                 gpointer  *out_result,
                 GError   **error)
{
  OpenSetup *setup = data;
  g_autofree char *synced_at = NULL;
  GError *local_error = NULL;

  if (!_roster_store_exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;

#define READ(field, key, get) \
  G_STMT_START { \
    setup->field = get (db, key, &local_error); \
    if (local_error != NULL) \
      goto fail; \
  } G_STMT_END

  READ (cached_name, SETTING_ORG_NAME, _roster_store_setting_get);
  READ (cached_dir, SETTING_DIRECTORY_ID, _roster_store_setting_get);

  if (setup->save &&
      (!_roster_store_setting_set (db, SETTING_ORG_NAME,
                                   setup->org_name != NULL ? setup->org_name : setup->cached_name,
                                   &local_error) ||
       !_roster_store_setting_set (db, SETTING_DIRECTORY_ID,
                                   setup->directory_id != NULL ? setup->directory_id
                                                               : setup->cached_dir,
                                   &local_error) ||
       !_roster_store_setting_set (db, SETTING_ADMIN_URL, setup->admin_url, &local_error)))
    goto fail;

  READ (warning, SETTING_WARNING_DAYS, _roster_store_setting_get);
  READ (overdue, SETTING_OVERDUE_DAYS, _roster_store_setting_get);
  READ (site_url, SETTING_SITE_URL, _roster_store_setting_get);
  READ (site_email, SETTING_SITE_EMAIL, _roster_store_setting_get);
  synced_at = _roster_store_meta_get (db, "sync_synced_at", &local_error);
  if (local_error != NULL)
    goto fail;
  setup->synced_at = synced_at != NULL ? g_ascii_strtoll (synced_at, NULL, 10) : 0;

#undef READ

  if (!_roster_store_exec (db, "COMMIT", error))
    {
      _roster_store_exec (db, "ROLLBACK", NULL);
      return FALSE;
    }

  *out_result = GINT_TO_POINTER (TRUE);
  return TRUE;

fail:
  _roster_store_exec (db, "ROLLBACK", NULL);
  g_propagate_error (error, local_error);
  return FALSE;
}

static void
open_setup_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RosterContext *self = g_task_get_source_object (task);
  OpenData *od = g_task_get_task_data (task);
  OpenSetup *setup = &od->setup;
  GError *error = NULL;

  roster_store_run_finish (ROSTER_STORE (object), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* Offline without a cache: nothing to open. */
  if (od->offline && setup->cached_name == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&od->network_error));
      return;
    }

  if (od->org_name == NULL)
    od->org_name = g_steal_pointer (&setup->cached_name);
  if (od->directory_id == NULL)
    od->directory_id = g_steal_pointer (&setup->cached_dir);

  close_org (self);
  self->api = g_steal_pointer (&od->api);
  self->store = g_steal_pointer (&od->store);
  self->org_id = g_strdup (od->org_id);
  self->org_name = g_strdup (od->org_name != NULL ? od->org_name : od->org_id);
  self->directory_id = g_strdup (od->directory_id != NULL ? od->directory_id : "-");
  self->admin_url = g_strdup (od->admin_url);
  self->thresholds.warning_days = parse_uint_setting (setup->warning, ROSTER_DEFAULT_WARNING_DAYS);
  self->thresholds.overdue_days = parse_uint_setting (setup->overdue, ROSTER_DEFAULT_OVERDUE_DAYS);
  if (!roster_thresholds_validate (self->thresholds.warning_days,
                                   self->thresholds.overdue_days, NULL))
    {
      self->thresholds.warning_days = ROSTER_DEFAULT_WARNING_DAYS;
      self->thresholds.overdue_days = ROSTER_DEFAULT_OVERDUE_DAYS;
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ORG_NAME]);
  restore_site (self, setup->site_url, setup->site_email);

  if (setup->synced_at > 0)
    {
      self->synced_at = setup->synced_at;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCED_AT]);
      if (od->loading_users)
        od->waiting_for_users = TRUE;
      else
        open_return_users (task);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/* Saves what the API said (unless offline) and reads the org's settings, on
 * the store's thread; the context switches to the org in open_setup_cb(). */
static void
open_finish_setup (GTask *task)
{
  OpenData *od = g_task_get_task_data (task);

  od->setup.save = !od->offline;
  od->setup.org_name = g_strdup (od->org_name);
  od->setup.directory_id = g_strdup (od->directory_id);
  od->setup.admin_url = g_strdup (od->admin_url);
  roster_store_run_async (od->store, open_setup_func, &od->setup, NULL,
                          g_task_get_cancellable (task), open_setup_cb, g_object_ref (task));
}

static void
open_load_users_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenData *od = g_task_get_task_data (task);

  od->users = roster_store_load_users_finish (ROSTER_STORE (object), result, &od->users_error);
  od->loading_users = FALSE;
  if (od->waiting_for_users)
    open_return_users (task);
}

static void
open_directories_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenData *od = g_task_get_task_data (task);
  g_autoptr(GPtrArray) dirs = NULL;
  g_autoptr(GError) error = NULL;

  dirs = roster_admin_api_list_directories_finish (ROSTER_ADMIN_API (object), result, &error);
  if (dirs != NULL && dirs->len > 0)
    od->directory_id = g_strdup (roster_directory_get_id (g_ptr_array_index (dirs, 0)));
  else if (error != NULL && !g_error_matches (error, ROSTER_ERROR, ROSTER_ERROR_NETWORK))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  open_finish_setup (task);
}

static void
open_org_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenData *od = g_task_get_task_data (task);
  g_autoptr(RosterOrg) org = NULL;
  g_autoptr(GError) error = NULL;

  org = roster_admin_api_get_org_finish (ROSTER_ADMIN_API (object), result, &error);
  if (org == NULL)
    {
      /* Offline with a cache: open it and let the next sync report the error
       * (open_setup_cb() returns this error when there is no cache). */
      if (g_error_matches (error, ROSTER_ERROR, ROSTER_ERROR_NETWORK))
        {
          od->offline = TRUE;
          od->network_error = g_steal_pointer (&error);
          open_finish_setup (task);
          return;
        }

      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  od->org_name = g_strdup (roster_org_get_name (org));
  {
    GCancellable *cancellable = g_task_get_cancellable (task);

    roster_admin_api_list_directories_async (od->api, od->org_id, cancellable,
                                             open_directories_cb, g_steal_pointer (&task));
  }
}

static void
open_store_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenData *od = g_task_get_task_data (task);
  GError *error = NULL;

  if (!roster_store_open_finish (ROSTER_STORE (object), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  {
    GCancellable *cancellable = g_task_get_cancellable (task);

    roster_admin_api_get_org_async (od->api, od->org_id, cancellable,
                                    open_org_cb, g_steal_pointer (&task));
  }
}

static void
open_with_key (GTask *task)
{
  OpenData *od = g_task_get_task_data (task);
  g_autofree char *path = NULL;
  GError *error = NULL;

  od->api = roster_admin_api_new (od->admin_url, od->api_key, &error);
  if (od->api == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  path = roster_store_dup_default_path (od->org_id);
  od->store = roster_store_new (path);
  roster_store_open_async (od->store, g_task_get_cancellable (task),
                           open_store_cb, g_object_ref (task));
  /* Queued right behind the open on the store's thread: the cached users (a mapped
   * snapshot, usually) are read while the caller builds its window and the API calls
   * are in flight, instead of after them. open_finish_setup() waits for them when the
   * cache has been synced, and drops them otherwise. */
  od->loading_users = TRUE;
  roster_store_load_users_async (od->store, g_task_get_cancellable (task),
                                 open_load_users_cb, g_object_ref (task));
}

static void
open_lookup_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenData *od = g_task_get_task_data (task);
  GError *error = NULL;

  od->api_key = roster_credentials_lookup_finish (ROSTER_CREDENTIALS (object), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (od->api_key == NULL)
    {
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_NO_API_KEY,
                               "No API key is stored for organization %s", od->org_id);
      return;
    }

  open_with_key (task);
}

void
roster_context_open_async (RosterContext       *self,
                           const char          *admin_url,
                           const char          *org_id,
                           const char          *api_key,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  OpenData *od;

  g_return_if_fail (ROSTER_IS_CONTEXT (self));
  g_return_if_fail (org_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_context_open_async);

  od = g_new0 (OpenData, 1);
  od->admin_url = g_strdup (admin_url != NULL ? admin_url : ROSTER_DEFAULT_ADMIN_API_URL);
  od->org_id = g_strdup (org_id);
  g_task_set_task_data (task, od, open_data_free);

  if (api_key != NULL)
    {
      od->api_key = g_strdup (api_key);
      open_with_key (task);
      return;
    }

  roster_credentials_lookup_async (self->credentials, ROSTER_SECRET_ADMIN_API_KEY, org_id,
                                   cancellable, open_lookup_cb, g_steal_pointer (&task));
}

gboolean
roster_context_open_finish (RosterContext  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (ROSTER_IS_CONTEXT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* keys */

typedef struct
{
  char *org_id;
  char *action;
} KeyOpData;

static void
key_op_data_free (gpointer data)
{
  KeyOpData *kd = data;

  g_free (kd->org_id);
  g_free (kd->action);
  g_free (kd);
}

static void
save_key_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RosterContext *self = g_task_get_source_object (task);
  KeyOpData *kd = g_task_get_task_data (task);
  GError *error = NULL;

  if (!roster_credentials_store_finish (ROSTER_CREDENTIALS (object), result, &error))
    {
      roster_context_audit (self, "key-save", kd->org_id, "failed", 0, NULL, error->message);
      g_task_return_error (task, error);
      return;
    }

  roster_context_audit (self, "key-save", kd->org_id, "done", 0, NULL,
                        "Admin API key saved in the keyring");
  g_task_return_boolean (task, TRUE);
}

void
roster_context_save_key_async (RosterContext       *self,
                               const char          *org_id,
                               const char          *org_name,
                               const char          *api_key,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *label = NULL;
  KeyOpData *kd;

  g_return_if_fail (ROSTER_IS_CONTEXT (self));
  g_return_if_fail (org_id != NULL);
  g_return_if_fail (api_key != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_context_save_key_async);
  kd = g_new0 (KeyOpData, 1);
  kd->org_id = g_strdup (org_id);
  g_task_set_task_data (task, kd, key_op_data_free);

  label = g_strdup_printf ("Roster: Atlassian Admin API key (%s)",
                           org_name != NULL ? org_name : org_id);
  roster_credentials_store_async (self->credentials, ROSTER_SECRET_ADMIN_API_KEY, org_id,
                                  label, api_key, cancellable, save_key_cb,
                                  g_steal_pointer (&task));
}

gboolean
roster_context_save_key_finish (RosterContext  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
delete_key_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RosterContext *self = g_task_get_source_object (task);
  KeyOpData *kd = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean removed;

  removed = roster_credentials_clear_finish (ROSTER_CREDENTIALS (object), result, &error);
  if (error != NULL)
    {
      roster_context_audit (self, "key-delete", kd->org_id, "failed", 0, NULL, error->message);
      g_task_return_error (task, error);
      return;
    }

  roster_context_audit (self, "key-delete", kd->org_id, removed ? "done" : "absent", 0, NULL,
                        removed ? "Admin API key deleted from the keyring"
                                : "No key was stored");
  g_task_return_boolean (task, removed);
}

void
roster_context_delete_key_async (RosterContext       *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  KeyOpData *kd;

  g_return_if_fail (ROSTER_IS_CONTEXT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_context_delete_key_async);

  if (self->org_id == NULL)
    {
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_NO_API_KEY,
                               "No organization is open");
      return;
    }

  kd = g_new0 (KeyOpData, 1);
  kd->org_id = g_strdup (self->org_id);
  g_task_set_task_data (task, kd, key_op_data_free);

  roster_credentials_clear_async (self->credentials, ROSTER_SECRET_ADMIN_API_KEY, self->org_id,
                                  cancellable, delete_key_cb, g_steal_pointer (&task));
}

gboolean
roster_context_delete_key_finish (RosterContext  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* sync */

static void
sync_progress_cb (RosterSync    *sync,
                  guint          pages,
                  guint          users,
                  guint          total,
                  RosterContext *self)
{
  g_signal_emit (self, signals[SYNC_PROGRESS], 0, pages, users, total);
}

static void
sync_load_users_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RosterContext *self = g_task_get_source_object (task);
  g_autoptr(RosterUserSet) users = NULL;
  GError *error = NULL;

  users = roster_store_load_users_finish (ROSTER_STORE (object), result, &error);
  if (users == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  set_users (self, users);
  g_task_return_boolean (task, TRUE);
}

static void
sync_run_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RosterContext *self = g_task_get_source_object (task);
  g_autoptr(RosterSync) sync = ROSTER_SYNC (g_object_ref (object));
  RosterSyncInfo info = { 0 };
  g_autoptr(RosterUserSet) users = NULL;
  GError *error = NULL;

  g_signal_handlers_disconnect_by_func (sync, sync_progress_cb, self);
  if (self->sync == sync)
    g_clear_object (&self->sync);

  if (!roster_sync_run_finish (sync, result, &info, &users, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (self->store == NULL)
    {
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_CACHE,
                               "The organization was closed during the sync");
      return;
    }

  self->synced_at = info.synced_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCED_AT]);

  /* The commit protected the org admins and built the set; it is only read
   * back from the store when the API repeated an account during the sync. */
  if (users != NULL)
    {
      set_users (self, users);
      g_task_return_boolean (task, TRUE);
      return;
    }

  {
    GCancellable *cancellable = g_task_get_cancellable (task);

    roster_store_load_users_async (self->store, cancellable,
                                   sync_load_users_cb, g_steal_pointer (&task));
  }
}

void
roster_context_sync_async (RosterContext       *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ROSTER_IS_CONTEXT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_context_sync_async);

  if (self->store == NULL || self->api == NULL)
    {
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_FAILED,
                               "No organization is open");
      return;
    }

  if (self->sync != NULL)
    {
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_FAILED,
                               "A sync is already running");
      return;
    }

  self->sync = roster_sync_new (self->api, self->store, self->org_id, self->directory_id);
  g_signal_connect (self->sync, "progress", G_CALLBACK (sync_progress_cb), self);
  roster_sync_run_async (self->sync, cancellable, sync_run_cb, g_steal_pointer (&task));
}

gboolean
roster_context_sync_finish (RosterContext  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* reload */

static void
reload_users_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RosterContext *self = g_task_get_source_object (task);
  g_autoptr(RosterUserSet) users = NULL;
  GError *error = NULL;

  users = roster_store_load_users_finish (ROSTER_STORE (object), result, &error);
  if (users == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* The org may have been closed or replaced while the store was reading. */
  if (self->store == ROSTER_STORE (object))
    set_users (self, users);
  g_task_return_boolean (task, TRUE);
}

void
roster_context_reload_users_async (RosterContext       *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ROSTER_IS_CONTEXT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_context_reload_users_async);

  if (self->store == NULL)
    {
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_FAILED,
                               "No organization is open");
      return;
    }

  roster_store_load_users_async (self->store, cancellable, reload_users_cb,
                                 g_steal_pointer (&task));
}

gboolean
roster_context_reload_users_finish (RosterContext  *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* site */

static void
restore_site_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(RosterContext) self = user_data;
  RosterSite *site = ROSTER_SITE (object);
  g_autoptr(GError) error = NULL;

  if (!roster_site_load_token_finish (site, result, &error))
    {
      if (error != NULL)
        g_warning ("Could not read the site token from the keyring: %s", error->message);
      return;
    }

  /* Only if nothing replaced it meanwhile (another org, or the demo's site). */
  if (self->site == NULL && self->store != NULL)
    set_site (self, site);
}

/* The site of the org just opened: URL and email from the store, the token
 * from the keyring, looked up without holding up the opening. */
static void
restore_site (RosterContext *self,
              const char    *url,
              const char    *email)
{
  g_autoptr(RosterSite) site = NULL;
  g_autoptr(GError) error = NULL;

  if (url == NULL || email == NULL)
    return;

  site = roster_site_new (url, email, &error);
  if (site == NULL)
    {
      g_warning ("Ignoring the stored site: %s", error->message);
      return;
    }

  roster_site_load_token_async (site, self->credentials, NULL, restore_site_cb, g_object_ref (self));
}

RosterSite *
roster_context_get_site (RosterContext *self)
{
  g_return_val_if_fail (ROSTER_IS_CONTEXT (self), NULL);
  return self->site;
}

void
roster_context_set_site (RosterContext *self,
                         RosterSite    *site)
{
  g_return_if_fail (ROSTER_IS_CONTEXT (self));
  g_return_if_fail (!site || ROSTER_IS_SITE (site));

  set_site (self, site);
}

typedef struct
{
  RosterSite *site;
  char       *token;   /* secret */
} SiteData;

static void
site_data_free (gpointer data)
{
  SiteData *sd = data;

  g_clear_object (&sd->site);
  if (sd->token != NULL)
    roster_credentials_free_secret (sd->token);
  g_free (sd);
}

static void
connect_site_done (GTask *task)
{
  RosterContext *self = g_task_get_source_object (task);
  SiteData *sd = g_task_get_task_data (task);

  roster_context_audit (self, "site-token-save", roster_site_get_url (sd->site), "done", 0, NULL,
                        "Site API token saved in the keyring");
  set_site (self, sd->site);
  g_task_return_boolean (task, TRUE);
}

static void
connect_site_stored_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  roster_store_run_finish (ROSTER_STORE (object), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  connect_site_done (task);
}

static void
connect_site_saved_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RosterContext *self = g_task_get_source_object (task);
  SiteData *sd = g_task_get_task_data (task);
  GError *error = NULL;

  if (!roster_site_save_token_finish (sd->site, result, &error))
    {
      roster_context_audit (self, "site-token-save", roster_site_get_url (sd->site), "failed",
                            0, NULL, error->message);
      g_task_return_error (task, error);
      return;
    }

  if (self->store == NULL)
    {
      connect_site_done (task);
      return;
    }

  write_settings_async (self->store, SETTING_SITE_URL, roster_site_get_url (sd->site),
                        SETTING_SITE_EMAIL, roster_site_get_email (sd->site),
                        connect_site_stored_cb, g_steal_pointer (&task));
}

static void
connect_site_validated_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SiteData *sd = g_task_get_task_data (task);
  RosterContext *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!roster_site_validate_finish (sd->site, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  {
    GCancellable *cancellable = g_task_get_cancellable (task);

    roster_site_save_token_async (sd->site, self->credentials, sd->token, cancellable,
                                  connect_site_saved_cb, g_steal_pointer (&task));
  }
}

void
roster_context_connect_site_async (RosterContext       *self,
                                   const char          *url,
                                   const char          *email,
                                   const char          *token,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  SiteData *sd;

  g_return_if_fail (ROSTER_IS_CONTEXT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_context_connect_site_async);

  if (token == NULL || *token == '\0')
    {
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_NO_API_KEY,
                               "No API token was given");
      return;
    }

  sd = g_new0 (SiteData, 1);
  sd->token = g_strdup (token);
  g_task_set_task_data (task, sd, site_data_free);

  sd->site = roster_site_new (url, email, &error);
  if (sd->site == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  roster_site_set_token (sd->site, token);
  roster_site_validate_async (sd->site, cancellable, connect_site_validated_cb,
                              g_steal_pointer (&task));
}

gboolean
roster_context_connect_site_finish (RosterContext  *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
forget_site_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  RosterContext *self = source_object;
  RosterSite *site = task_data;
  GError *error = NULL;

  if (!roster_site_forget_token_sync (site, self->credentials, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
forget_site_stored_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The token is gone already; a site URL left behind only shows the site as
   * needing a token again on the next start. */
  roster_store_run_finish (ROSTER_STORE (object), result, &error);
  if (error != NULL)
    g_warning ("Could not forget the site in the cache: %s", error->message);
}

static void
forget_site_done_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RosterContext *self = ROSTER_CONTEXT (object);
  RosterSite *site = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      roster_context_audit (self, "site-token-delete", roster_site_get_url (site), "failed", 0,
                            NULL, error->message);
      g_task_return_error (task, error);
      return;
    }

  if (self->store != NULL)
    write_settings_async (self->store, SETTING_SITE_URL, NULL, SETTING_SITE_EMAIL, NULL,
                          forget_site_stored_cb, NULL);

  roster_context_audit (self, "site-token-delete", roster_site_get_url (site), "done", 0, NULL,
                        "Site API token deleted from the keyring");
  if (self->site == site)
    set_site (self, NULL);
  g_task_return_boolean (task, TRUE);
}

void
roster_context_forget_site_async (RosterContext       *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) worker = NULL;

  g_return_if_fail (ROSTER_IS_CONTEXT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_context_forget_site_async);

  if (self->site == NULL)
    {
      g_task_return_boolean (task, FALSE);
      return;
    }

  worker = g_task_new (self, cancellable, forget_site_done_cb, g_steal_pointer (&task));
  g_task_set_task_data (worker, g_object_ref (self->site), g_object_unref);
  g_task_run_in_thread (worker, forget_site_thread);
}

gboolean
roster_context_forget_site_finish (RosterContext  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* org details */

void
roster_org_details_free (RosterOrgDetails *details)
{
  if (details == NULL)
    return;

  g_free (details->org_id);
  g_free (details->org_name);
  g_clear_pointer (&details->directories, g_ptr_array_unref);
  g_clear_pointer (&details->domains, g_ptr_array_unref);
  g_clear_pointer (&details->workspaces, g_ptr_array_unref);
  g_clear_pointer (&details->stats, json_node_unref);
  g_free (details);
}

typedef struct
{
  RosterOrgDetails *details;
  GError           *error;
  guint             pending;
} DetailsData;

static void
details_data_free (gpointer data)
{
  DetailsData *dd = data;

  roster_org_details_free (dd->details);
  g_clear_error (&dd->error);
  g_free (dd);
}

static void
details_step_done (GTask  *task,
                   GError *error)
{
  DetailsData *dd = g_task_get_task_data (task);

  if (error != NULL && dd->error == NULL)
    dd->error = error;
  else if (error != NULL)
    g_error_free (error);

  if (--dd->pending > 0)
    return;

  if (dd->error != NULL)
    g_task_return_error (task, g_steal_pointer (&dd->error));
  else
    g_task_return_pointer (task, g_steal_pointer (&dd->details),
                           (GDestroyNotify) roster_org_details_free);
}

static void
details_org_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DetailsData *dd = g_task_get_task_data (task);
  g_autoptr(RosterOrg) org = NULL;
  GError *error = NULL;

  org = roster_admin_api_get_org_finish (ROSTER_ADMIN_API (object), result, &error);
  if (org != NULL)
    {
      g_free (dd->details->org_name);
      dd->details->org_name = g_strdup (roster_org_get_name (org));
    }
  details_step_done (task, error);
}

static void
details_directories_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DetailsData *dd = g_task_get_task_data (task);
  GError *error = NULL;

  dd->details->directories = roster_admin_api_list_directories_finish (ROSTER_ADMIN_API (object),
                                                                       result, &error);
  details_step_done (task, error);
}

static void
details_domains_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DetailsData *dd = g_task_get_task_data (task);
  GError *error = NULL;

  dd->details->domains = roster_admin_api_list_domains_finish (ROSTER_ADMIN_API (object),
                                                               result, &error);
  details_step_done (task, error);
}

static void
details_workspaces_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DetailsData *dd = g_task_get_task_data (task);
  GError *error = NULL;

  dd->details->workspaces = roster_admin_api_list_workspaces_finish (ROSTER_ADMIN_API (object),
                                                                     result, &error);
  details_step_done (task, error);
}

static void
details_count_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DetailsData *dd = g_task_get_task_data (task);
  GError *error = NULL;

  roster_admin_api_count_users_finish (ROSTER_ADMIN_API (object), result,
                                       &dd->details->n_users, &error);
  details_step_done (task, error);
}

static void
details_stats_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DetailsData *dd = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* Stats are a bonus: an org without them still has details. */
  dd->details->stats = roster_admin_api_user_stats_finish (ROSTER_ADMIN_API (object),
                                                           result, &error);
  details_step_done (task, NULL);
}

void
roster_context_load_org_details_async (RosterContext       *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  DetailsData *dd;

  g_return_if_fail (ROSTER_IS_CONTEXT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_context_load_org_details_async);

  if (self->api == NULL)
    {
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_FAILED,
                               "No organization is open");
      return;
    }

  dd = g_new0 (DetailsData, 1);
  dd->details = g_new0 (RosterOrgDetails, 1);
  dd->details->org_id = g_strdup (self->org_id);
  dd->details->org_name = g_strdup (self->org_name);
  dd->pending = 6;
  g_task_set_task_data (task, dd, details_data_free);

  roster_admin_api_get_org_async (self->api, self->org_id, cancellable,
                                  details_org_cb, g_object_ref (task));
  roster_admin_api_list_directories_async (self->api, self->org_id, cancellable,
                                           details_directories_cb, g_object_ref (task));
  roster_admin_api_list_domains_async (self->api, self->org_id, cancellable,
                                       details_domains_cb, g_object_ref (task));
  roster_admin_api_list_workspaces_async (self->api, self->org_id, cancellable,
                                          details_workspaces_cb, g_object_ref (task));
  roster_admin_api_count_users_async (self->api, self->org_id, self->directory_id, NULL,
                                      cancellable, details_count_cb, g_object_ref (task));
  roster_admin_api_user_stats_async (self->api, self->org_id, self->directory_id, cancellable,
                                     details_stats_cb, g_object_ref (task));
}

RosterOrgDetails *
roster_context_load_org_details_finish (RosterContext  *self,
                                        GAsyncResult   *result,
                                        GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* audit */

static void
audit_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  RosterAuditEntry *entry;

  entry = roster_store_audit_append_finish (ROSTER_STORE (object), result, &error);
  if (entry == NULL)
    g_warning ("Could not write the audit trail: %s", error->message);
  g_clear_pointer (&entry, roster_audit_entry_free);
}

void
roster_context_audit (RosterContext *self,
                      const char    *action,
                      const char    *target,
                      const char    *outcome,
                      guint          http_status,
                      const char    *job_id,
                      const char    *detail)
{
  RosterAuditEntry *entry;

  g_return_if_fail (ROSTER_IS_CONTEXT (self));
  g_return_if_fail (action != NULL);

  if (self->store == NULL)
    return;

  entry = roster_audit_entry_new (action, target, outcome, http_status, job_id, detail);
  roster_audit_entry_set_org_id (entry, self->org_id);
  roster_store_audit_append_async (self->store, entry, NULL, audit_cb, NULL);
  roster_audit_entry_free (entry);
}

/* forget */

static void
forget_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  RosterStore *store = task_data;
  GError *error = NULL;

  if (!roster_store_wipe_sync (store, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
roster_context_forget_local_data_async (RosterContext       *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ROSTER_IS_CONTEXT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_context_forget_local_data_async);

  if (self->store == NULL)
    {
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_FAILED,
                               "No organization is open");
      return;
    }

  roster_context_audit (self, "data-wipe", self->org_id, "done", 0, NULL,
                        "Cached organization data deleted (audit trail kept)");
  self->synced_at = 0;
  set_users (self, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCED_AT]);
  g_task_set_task_data (task, g_object_ref (self->store), g_object_unref);
  g_task_run_in_thread (task, forget_thread);
}

gboolean
roster_context_forget_local_data_finish (RosterContext  *self,
                                         GAsyncResult   *result,
                                         GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* thresholds & getters */

void
roster_context_get_thresholds (RosterContext    *self,
                               RosterThresholds *thresholds)
{
  g_return_if_fail (ROSTER_IS_CONTEXT (self));
  g_return_if_fail (thresholds != NULL);

  *thresholds = self->thresholds;
}

static void
thresholds_stored_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RosterContext *self = g_task_get_source_object (task);
  const RosterThresholds *thresholds = g_task_get_task_data (task);
  GError *error = NULL;

  roster_store_run_finish (ROSTER_STORE (object), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  self->thresholds = *thresholds;
  g_signal_emit (self, signals[THRESHOLDS_CHANGED], 0);
  g_task_return_boolean (task, TRUE);
}

void
roster_context_set_thresholds_async (RosterContext          *self,
                                     const RosterThresholds *thresholds,
                                     GCancellable           *cancellable,
                                     GAsyncReadyCallback     callback,
                                     gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  char warning[16];
  char overdue[16];

  g_return_if_fail (ROSTER_IS_CONTEXT (self));
  g_return_if_fail (thresholds != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_context_set_thresholds_async);
  g_task_set_task_data (task, g_memdup2 (thresholds, sizeof *thresholds), g_free);

  if (!roster_thresholds_validate (thresholds->warning_days, thresholds->overdue_days, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (self->store == NULL)
    {
      self->thresholds = *thresholds;
      g_signal_emit (self, signals[THRESHOLDS_CHANGED], 0);
      g_task_return_boolean (task, TRUE);
      return;
    }

  g_snprintf (warning, sizeof warning, "%u", thresholds->warning_days);
  g_snprintf (overdue, sizeof overdue, "%u", thresholds->overdue_days);
  write_settings_async (self->store, SETTING_WARNING_DAYS, warning, SETTING_OVERDUE_DAYS, overdue,
                        thresholds_stored_cb, g_steal_pointer (&task));
}

gboolean
roster_context_set_thresholds_finish (RosterContext  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  g_return_val_if_fail (ROSTER_IS_CONTEXT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
roster_context_set_thresholds (RosterContext           *self,
                               const RosterThresholds  *thresholds,
                               GError                 **error)
{
  char warning[16];
  char overdue[16];

  g_return_val_if_fail (ROSTER_IS_CONTEXT (self), FALSE);
  g_return_val_if_fail (thresholds != NULL, FALSE);

  if (!roster_thresholds_validate (thresholds->warning_days, thresholds->overdue_days, error))
    return FALSE;

  if (self->thresholds.warning_days == thresholds->warning_days &&
      self->thresholds.overdue_days == thresholds->overdue_days)
    return TRUE;

  if (self->store != NULL)
    {
      g_snprintf (warning, sizeof warning, "%u", thresholds->warning_days);
      g_snprintf (overdue, sizeof overdue, "%u", thresholds->overdue_days);
      if (!roster_store_set_setting_sync (self->store, SETTING_WARNING_DAYS, warning, error) ||
          !roster_store_set_setting_sync (self->store, SETTING_OVERDUE_DAYS, overdue, error))
        return FALSE;
    }

  self->thresholds = *thresholds;
  g_signal_emit (self, signals[THRESHOLDS_CHANGED], 0);

  return TRUE;
}

gboolean
roster_context_is_open (RosterContext *self)
{
  g_return_val_if_fail (ROSTER_IS_CONTEXT (self), FALSE);
  return self->store != NULL;
}

const char *
roster_context_get_org_id (RosterContext *self)
{
  g_return_val_if_fail (ROSTER_IS_CONTEXT (self), NULL);
  return self->org_id;
}

const char *
roster_context_get_org_name (RosterContext *self)
{
  g_return_val_if_fail (ROSTER_IS_CONTEXT (self), NULL);
  return self->org_name;
}

const char *
roster_context_get_directory_id (RosterContext *self)
{
  g_return_val_if_fail (ROSTER_IS_CONTEXT (self), NULL);
  return self->directory_id;
}

const char *
roster_context_get_admin_url (RosterContext *self)
{
  g_return_val_if_fail (ROSTER_IS_CONTEXT (self), NULL);
  return self->admin_url;
}

RosterStore *
roster_context_get_store (RosterContext *self)
{
  g_return_val_if_fail (ROSTER_IS_CONTEXT (self), NULL);
  return self->store;
}

RosterAdminApi *
roster_context_get_admin_api (RosterContext *self)
{
  g_return_val_if_fail (ROSTER_IS_CONTEXT (self), NULL);
  return self->api;
}

RosterCredentials *
roster_context_get_credentials (RosterContext *self)
{
  g_return_val_if_fail (ROSTER_IS_CONTEXT (self), NULL);
  return self->credentials;
}

RosterUserSet *
roster_context_get_users (RosterContext *self)
{
  g_return_val_if_fail (ROSTER_IS_CONTEXT (self), NULL);
  return self->users;
}

gint64
roster_context_get_synced_at (RosterContext *self)
{
  g_return_val_if_fail (ROSTER_IS_CONTEXT (self), 0);
  return self->synced_at;
}

/* GObject */

static void
roster_context_dispose (GObject *object)
{
  RosterContext *self = (RosterContext *)object;

  close_org (self);
  g_clear_object (&self->credentials);

  G_OBJECT_CLASS (roster_context_parent_class)->dispose (object);
}

static void
roster_context_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  RosterContext *self = ROSTER_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_USERS:
      g_value_set_boxed (value, self->users);
      break;

    case PROP_ORG_NAME:
      g_value_set_string (value, self->org_name);
      break;

    case PROP_SYNCED_AT:
      g_value_set_int64 (value, self->synced_at);
      break;

    case PROP_SITE:
      g_value_set_object (value, self->site);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
roster_context_class_init (RosterContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = roster_context_dispose;
  object_class->get_property = roster_context_get_property;

  properties[PROP_USERS] =
    g_param_spec_boxed ("users", NULL, NULL,
                        ROSTER_TYPE_USER_SET,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_ORG_NAME] =
    g_param_spec_string ("org-name", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_SYNCED_AT] =
    g_param_spec_int64 ("synced-at", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_SITE] =
    g_param_spec_object ("site", NULL, NULL,
                         ROSTER_TYPE_SITE,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SYNC_PROGRESS] =
    g_signal_new ("sync-progress",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT);
  signals[THRESHOLDS_CHANGED] =
    g_signal_new ("thresholds-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
roster_context_init (RosterContext *self)
{
  self->thresholds.warning_days = ROSTER_DEFAULT_WARNING_DAYS;
  self->thresholds.overdue_days = ROSTER_DEFAULT_OVERDUE_DAYS;
}

RosterContext *
roster_context_new (RosterCredentials *credentials)
{
  RosterContext *self;

  g_return_val_if_fail (!credentials || ROSTER_IS_CREDENTIALS (credentials), NULL);

  self = g_object_new (ROSTER_TYPE_CONTEXT, NULL);
  self->credentials = credentials != NULL ? g_object_ref (credentials) : roster_credentials_new ();

  return self;
}
