/* roster-context.h
 *
 * The facade the UI and rosterctl each create one of: for one organization it
 * ties together the credentials, the Admin API client, the store and the
 * services (sync, thresholds, protected accounts, audit).
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "roster-credentials.h"
#include "roster-site.h"
#include "roster-inactivity.h"
#include "roster-store.h"
#include "roster-user-set.h"

G_BEGIN_DECLS

/* The org setting holding the product site's account email (the admin's own
 * Atlassian account: the site's API token is theirs). */
#define ROSTER_SETTING_SITE_EMAIL "site-email"

#define ROSTER_DEFAULT_ADMIN_API_URL "https://api.atlassian.com/admin"

typedef struct _RosterAdminApi RosterAdminApi;

#define ROSTER_TYPE_CONTEXT (roster_context_get_type ())

G_DECLARE_FINAL_TYPE (RosterContext, roster_context, ROSTER, CONTEXT, GObject)

RosterContext     *roster_context_new                (RosterCredentials   *credentials);

/* Validates a key against GET /v1/orgs before anything is saved: completes with
 * the orgs the key sees (element-type RosterOrg), or ROSTER_ERROR_UNAUTHORIZED /
 * _FORBIDDEN (a key without admin rights, or one that sees no org) / _NETWORK /
 * _INSECURE_URL. */
void               roster_context_validate_key_async (RosterContext       *self,
                                                      const char          *admin_url,
                                                      const char          *api_key,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
GPtrArray         *roster_context_validate_key_finish (RosterContext      *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* Opens one org: api_key NULL = read it from the keyring (ROSTER_ERROR_NO_API_KEY
 * when absent). Resolves the org name and directory, opens the store and loads
 * the cached users (if any). */
void               roster_context_open_async         (RosterContext       *self,
                                                      const char          *admin_url,
                                                      const char          *org_id,
                                                      const char          *api_key,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean           roster_context_open_finish        (RosterContext       *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* Stores the key in the keyring for org_id (audited). */
void               roster_context_save_key_async     (RosterContext       *self,
                                                      const char          *org_id,
                                                      const char          *org_name,
                                                      const char          *api_key,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean           roster_context_save_key_finish    (RosterContext       *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
/* Deletes the open org's key from the keyring (audited). */
void               roster_context_delete_key_async   (RosterContext       *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean           roster_context_delete_key_finish  (RosterContext       *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

gboolean           roster_context_is_open            (RosterContext       *self);
const char        *roster_context_get_org_id         (RosterContext       *self);
const char        *roster_context_get_org_name       (RosterContext       *self);
const char        *roster_context_get_directory_id   (RosterContext       *self);
const char        *roster_context_get_admin_url      (RosterContext       *self);
RosterStore       *roster_context_get_store          (RosterContext       *self);
RosterAdminApi    *roster_context_get_admin_api      (RosterContext       *self);
RosterCredentials *roster_context_get_credentials    (RosterContext       *self);

/* The cached users (NULL before the first load); "users" is notified on change. */
RosterUserSet     *roster_context_get_users          (RosterContext       *self);
/* Re-reads the cached users from the store (after a bulk job wrote the new
 * states there) and notifies "users"; no network. */
void               roster_context_reload_users_async (RosterContext       *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean           roster_context_reload_users_finish (RosterContext      *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
/* Unix seconds of the last completed sync, 0 = never. */
gint64             roster_context_get_synced_at      (RosterContext       *self);

void               roster_context_get_thresholds     (RosterContext       *self,
                                                      RosterThresholds    *thresholds);
/* Validated; stored in the store; emits "thresholds-changed". The blocking
 * form is for rosterctl; the app uses the async one. */
gboolean           roster_context_set_thresholds     (RosterContext       *self,
                                                      const RosterThresholds *thresholds,
                                                      GError             **error);
void               roster_context_set_thresholds_async (RosterContext          *self,
                                                        const RosterThresholds *thresholds,
                                                        GCancellable           *cancellable,
                                                        GAsyncReadyCallback     callback,
                                                        gpointer                user_data);
gboolean           roster_context_set_thresholds_finish (RosterContext       *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

/* Sync: pages every user from the Admin API into the store (staging + swap), then
 * reloads "users". Emits "sync-progress" (guint pages, guint users, guint total)
 * on the caller's main context. A failed or cancelled sync leaves the previous
 * cache intact and visible. */
void               roster_context_sync_async         (RosterContext       *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean           roster_context_sync_finish        (RosterContext       *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* The product site (Jira, JSM, Confluence) connection, or NULL. It is restored
 * at open from the URL and email kept in the store and the token in the keyring;
 * "site" is notified when it changes. */
RosterSite        *roster_context_get_site           (RosterContext       *self);
/* Uses the site as it is (the demo organization's, or one built from the
 * environment); nothing is stored. */
void               roster_context_set_site           (RosterContext       *self,
                                                      RosterSite          *site);
/* Validates URL, email and token against the site, then keeps the token in the
 * keyring and the URL and email in the store (audited). */
void               roster_context_connect_site_async (RosterContext       *self,
                                                      const char          *url,
                                                      const char          *email,
                                                      const char          *token,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean           roster_context_connect_site_finish (RosterContext      *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
/* Deletes the site token from the keyring and forgets the site (audited). */
void               roster_context_forget_site_async  (RosterContext       *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean           roster_context_forget_site_finish (RosterContext       *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* Everything the Settings page and `rosterctl org` show about the organization,
 * fetched concurrently. */
typedef struct
{
  char      *org_id;
  char      *org_name;
  GPtrArray *directories;  /* element-type RosterDirectory */
  GPtrArray *domains;      /* element-type RosterDomain */
  GPtrArray *workspaces;   /* element-type RosterWorkspace */
  guint64    n_users;      /* users/count of the directory */
  JsonNode  *stats;        /* (nullable) users/stats object */
} RosterOrgDetails;

void               roster_org_details_free           (RosterOrgDetails    *details);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RosterOrgDetails, roster_org_details_free)

void               roster_context_load_org_details_async  (RosterContext       *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
RosterOrgDetails  *roster_context_load_org_details_finish (RosterContext       *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* Writes an audit entry (time, OS user and org filled in). */
void               roster_context_audit             (RosterContext       *self,
                                                      const char          *action,
                                                      const char          *target,
                                                      const char          *outcome,
                                                      guint                http_status,
                                                      const char          *job_id,
                                                      const char          *detail);

/* Deletes the cached organization (store file) after writing the wipe to the
 * audit trail of the data dir; the context is closed afterwards. */
void               roster_context_forget_local_data_async  (RosterContext       *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean           roster_context_forget_local_data_finish (RosterContext       *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

G_END_DECLS
