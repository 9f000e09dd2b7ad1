/* roster-admin-api.h
 *
 * A thin client of the Atlassian Organizations (Admin) API and the user
 * management API, over two RosterHttp: the admin base ("https://api.atlassian.com/admin")
 * and the user-management base (the admin base without its trailing "/admin").
 * Only current endpoints are used (v2 directory paths; none of the v1 calls
 * retired on June 30, 2026). Path segments are escaped.
 *
 * Writes finish with the HTTP status (the 2xx on success, the error status or 0
 * on failure) so the bulk engine can journal it. Writes are resent on 429/5xx:
 * each of them leaves the same state when repeated, and the bulk engine
 * re-reads users before and after acting.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "roster-http.h"
#include "roster-org.h"

G_BEGIN_DECLS

#define ROSTER_TYPE_ADMIN_API (roster_admin_api_get_type ())

G_DECLARE_FINAL_TYPE (RosterAdminApi, roster_admin_api, ROSTER, ADMIN_API, GObject)

/* What every user search asks for. */
#define ROSTER_ADMIN_API_USER_EXPAND "productAccess", "groups", "platformRoles"

/* Fails with ROSTER_ERROR_INSECURE_URL (see roster_http_new). api_key may be NULL
 * (requests then go out without Authorization, which the API refuses with 401). */
RosterAdminApi *roster_admin_api_new                 (const char      *admin_url,
                                                      const char      *api_key,
                                                      GError         **error);
const char     *roster_admin_api_get_admin_url       (RosterAdminApi  *self);
RosterHttp     *roster_admin_api_get_http            (RosterAdminApi  *self);
RosterHttp     *roster_admin_api_get_user_management_http (RosterAdminApi *self);
void            roster_admin_api_set_api_key         (RosterAdminApi  *self,
                                                      const char      *api_key);
/* Both apply to both transports. */
void            roster_admin_api_set_retry_policy    (RosterAdminApi  *self,
                                                      guint            max_retries,
                                                      guint            base_delay_ms,
                                                      guint            max_delay_ms);
void            roster_admin_api_set_max_concurrent  (RosterAdminApi  *self,
                                                      guint            max_concurrent);

/* GET /v1/orgs, all pages → element-type RosterOrg. */
void            roster_admin_api_list_orgs_async     (RosterAdminApi      *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
GPtrArray      *roster_admin_api_list_orgs_finish    (RosterAdminApi      *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
GPtrArray      *roster_admin_api_list_orgs_sync      (RosterAdminApi      *self,
                                                      GCancellable        *cancellable,
                                                      GError             **error);

/* GET /v1/orgs/{orgId} → RosterOrg. */
void            roster_admin_api_get_org_async       (RosterAdminApi      *self,
                                                      const char          *org_id,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
RosterOrg      *roster_admin_api_get_org_finish      (RosterAdminApi      *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* GET /v1/orgs/{orgId}/domains, all pages → element-type RosterDomain. */
void            roster_admin_api_list_domains_async  (RosterAdminApi      *self,
                                                      const char          *org_id,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
GPtrArray      *roster_admin_api_list_domains_finish (RosterAdminApi      *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* GET /v2/orgs/{orgId}/directories, all pages → element-type RosterDirectory. */
void            roster_admin_api_list_directories_async  (RosterAdminApi      *self,
                                                          const char          *org_id,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
GPtrArray      *roster_admin_api_list_directories_finish (RosterAdminApi      *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
GPtrArray      *roster_admin_api_list_directories_sync   (RosterAdminApi      *self,
                                                          const char          *org_id,
                                                          GCancellable        *cancellable,
                                                          GError             **error);

/* POST /v2/orgs/{orgId}/workspaces, all pages (the next page body is only
 * {"cursor":…}) → element-type RosterWorkspace. */
void            roster_admin_api_list_workspaces_async  (RosterAdminApi      *self,
                                                         const char          *org_id,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
GPtrArray      *roster_admin_api_list_workspaces_finish (RosterAdminApi      *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

/* One page of POST /v2/orgs/{orgId}/directories/{directoryId}/users/search.
 * filter_body: (nullable) a JSON object of filters (copied; never modified).
 * cursor: (nullable) links.next of the previous page. limit: 1–100 (0 = 100).
 * Always sends expand ["productAccess","groups","platformRoles"]. The finish
 * returns the raw response, so the caller can parse the page in a worker
 * thread and request the next one meanwhile (links.next in response->json). */
void                roster_admin_api_search_users_page_async  (RosterAdminApi      *self,
                                                               const char          *org_id,
                                                               const char          *directory_id,
                                                               JsonNode            *filter_body,
                                                               const char          *cursor,
                                                               guint                limit,
                                                               RosterHttpFlags      flags,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
RosterHttpResponse *roster_admin_api_search_users_page_finish (RosterAdminApi      *self,
                                                               GAsyncResult        *result,
                                                               GError             **error);
RosterHttpResponse *roster_admin_api_search_users_page_sync   (RosterAdminApi      *self,
                                                               const char          *org_id,
                                                               const char          *directory_id,
                                                               JsonNode            *filter_body,
                                                               const char          *cursor,
                                                               guint                limit,
                                                               RosterHttpFlags      flags,
                                                               GCancellable        *cancellable,
                                                               GError             **error);

/* Current state of the given accounts: searches in batches of 10 accountIds, run
 * concurrently through the queue. → element-type JsonNode (user objects), in
 * no particular order; ids the API does not know are simply absent. */
void            roster_admin_api_get_users_by_ids_async  (RosterAdminApi      *self,
                                                          const char          *org_id,
                                                          const char          *directory_id,
                                                          const char * const  *account_ids,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
GPtrArray      *roster_admin_api_get_users_by_ids_finish (RosterAdminApi      *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
GPtrArray      *roster_admin_api_get_users_by_ids_sync   (RosterAdminApi      *self,
                                                          const char          *org_id,
                                                          const char          *directory_id,
                                                          const char * const  *account_ids,
                                                          GCancellable        *cancellable,
                                                          GError             **error);

/* GET …/users/count; query: (nullable) extra filters, already encoded ("status=active"). */
void            roster_admin_api_count_users_async   (RosterAdminApi      *self,
                                                      const char          *org_id,
                                                      const char          *directory_id,
                                                      const char          *query,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean        roster_admin_api_count_users_finish  (RosterAdminApi      *self,
                                                      GAsyncResult        *result,
                                                      guint64             *out_count,
                                                      GError             **error);
gboolean        roster_admin_api_count_users_sync    (RosterAdminApi      *self,
                                                      const char          *org_id,
                                                      const char          *directory_id,
                                                      const char          *query,
                                                      guint64             *out_count,
                                                      GCancellable        *cancellable,
                                                      GError             **error);

/* GET …/users/stats → the decoded object ({"accountStatus":[…],"roles":[…]}). */
void            roster_admin_api_user_stats_async    (RosterAdminApi      *self,
                                                      const char          *org_id,
                                                      const char          *directory_id,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
JsonNode       *roster_admin_api_user_stats_finish   (RosterAdminApi      *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* GET /v1/orgs/{orgId}/directory/users/{accountId}/last-active-dates, all pages
 * merged → the "data" object (product_access of every page concatenated). */
void            roster_admin_api_last_active_dates_async  (RosterAdminApi      *self,
                                                           const char          *org_id,
                                                           const char          *account_id,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
JsonNode       *roster_admin_api_last_active_dates_finish (RosterAdminApi      *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);

/* POST …/groups/search, all pages → element-type RosterGroup.
 * search_term, account_id: (nullable) filters. */
void            roster_admin_api_search_groups_async  (RosterAdminApi      *self,
                                                       const char          *org_id,
                                                       const char          *directory_id,
                                                       const char          *search_term,
                                                       const char          *account_id,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
GPtrArray      *roster_admin_api_search_groups_finish (RosterAdminApi      *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

/* Writes. All finish with roster_admin_api_write_finish(). */
typedef enum
{
  ROSTER_ADMIN_WRITE_SUSPEND,          /* POST /v2/…/users/{id}/suspend (directory) */
  ROSTER_ADMIN_WRITE_RESTORE,          /* POST /v2/…/users/{id}/restore */
  ROSTER_ADMIN_WRITE_DISABLE_ACCOUNT,  /* POST /users/{id}/manage/lifecycle/disable */
  ROSTER_ADMIN_WRITE_ENABLE_ACCOUNT,   /* POST /users/{id}/manage/lifecycle/enable */
} RosterAdminWrite;

void            roster_admin_api_suspend_user_async    (RosterAdminApi      *self,
                                                        const char          *org_id,
                                                        const char          *directory_id,
                                                        const char          *account_id,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
void            roster_admin_api_restore_user_async    (RosterAdminApi      *self,
                                                        const char          *org_id,
                                                        const char          *directory_id,
                                                        const char          *account_id,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
/* Account lifecycle (managed accounts only): message (nullable) goes with disable. */
void            roster_admin_api_disable_account_async (RosterAdminApi      *self,
                                                        const char          *account_id,
                                                        const char          *message,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
void            roster_admin_api_enable_account_async  (RosterAdminApi      *self,
                                                        const char          *account_id,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
/* POST /v1/orgs/{orgId}/users/{accountId}/roles/assign|revoke {"role","resource"};
 * resource (nullable) only for atlassian/org-admin. */
void            roster_admin_api_assign_role_async     (RosterAdminApi      *self,
                                                        const char          *org_id,
                                                        const char          *account_id,
                                                        const char          *role,
                                                        const char          *resource,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
void            roster_admin_api_revoke_role_async     (RosterAdminApi      *self,
                                                        const char          *org_id,
                                                        const char          *account_id,
                                                        const char          *role,
                                                        const char          *resource,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
/* POST …/groups/{groupId}/memberships {"accountId"} / DELETE …/memberships/{accountId}. */
void            roster_admin_api_add_group_member_async    (RosterAdminApi      *self,
                                                            const char          *org_id,
                                                            const char          *directory_id,
                                                            const char          *group_id,
                                                            const char          *account_id,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
void            roster_admin_api_remove_group_member_async (RosterAdminApi      *self,
                                                            const char          *org_id,
                                                            const char          *directory_id,
                                                            const char          *group_id,
                                                            const char          *account_id,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
/* Finishes any of the writes above. out_http_status: (nullable) the final status,
 * 0 when no HTTP answer was received (network error, cancelled). */
gboolean        roster_admin_api_write_finish          (RosterAdminApi      *self,
                                                        GAsyncResult        *result,
                                                        guint               *out_http_status,
                                                        GError             **error);
/* Per-write aliases of roster_admin_api_write_finish(), for readability. */
#define roster_admin_api_suspend_user_finish        roster_admin_api_write_finish
#define roster_admin_api_restore_user_finish        roster_admin_api_write_finish
#define roster_admin_api_disable_account_finish     roster_admin_api_write_finish
#define roster_admin_api_enable_account_finish      roster_admin_api_write_finish
#define roster_admin_api_assign_role_finish         roster_admin_api_write_finish
#define roster_admin_api_revoke_role_finish         roster_admin_api_write_finish
#define roster_admin_api_add_group_member_finish    roster_admin_api_write_finish
#define roster_admin_api_remove_group_member_finish roster_admin_api_write_finish

/* Sync form of suspend/restore/disable/enable for the CLI and tests. */
gboolean        roster_admin_api_write_sync            (RosterAdminApi      *self,
                                                        RosterAdminWrite     write,
                                                        const char          *org_id,
                                                        const char          *directory_id,
                                                        const char          *account_id,
                                                        guint               *out_http_status,
                                                        GCancellable        *cancellable,
                                                        GError             **error);

G_END_DECLS
