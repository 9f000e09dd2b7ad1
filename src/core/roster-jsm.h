/* roster-jsm.h
 *
 * Jira Service Management: service desks (projects), their customers and
 * organizations, and the export of both.
 *
 * A project's customers are the desk's own customer list (experimental API:
 * X-ExperimentalApi: opt-in is always sent) plus the members of the organizations
 * linked to the desk, de-duplicated by account id, each with the names of the
 * organizations it belongs to and whether it is on the desk's own list.
 * Paging is start/limit/isLastPage and trusts `size`; emails may be null (privacy).
 * A project the token cannot read is reported in its RosterJsmProject, not fatal.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "roster-export.h"
#include "roster-site.h"

G_BEGIN_DECLS

#define ROSTER_TYPE_SERVICE_DESK (roster_service_desk_get_type ())
G_DECLARE_FINAL_TYPE (RosterServiceDesk, roster_service_desk, ROSTER, SERVICE_DESK, GObject)

/* {"id":"1","projectId":"10000","projectKey":"HELP","projectName":"Help Center"} */
RosterServiceDesk *roster_service_desk_new_from_json    (JsonNode           *node,
                                                         GError            **error);
const char        *roster_service_desk_get_id           (RosterServiceDesk  *self);
const char        *roster_service_desk_get_project_id   (RosterServiceDesk  *self);
const char        *roster_service_desk_get_project_key  (RosterServiceDesk  *self);
const char        *roster_service_desk_get_project_name (RosterServiceDesk  *self);

#define ROSTER_TYPE_CUSTOMER (roster_customer_get_type ())
G_DECLARE_FINAL_TYPE (RosterCustomer, roster_customer, ROSTER, CUSTOMER, GObject)

/* {"accountId","displayName","emailAddress" (null when private),"active","timeZone"}.
 * A parsed customer is direct and in no organization until merged. */
RosterCustomer    *roster_customer_new_from_json        (JsonNode           *node,
                                                         GError            **error);
const char        *roster_customer_get_account_id       (RosterCustomer     *self);
const char        *roster_customer_get_display_name     (RosterCustomer     *self);
/* NULL when the customer hides it. */
const char        *roster_customer_get_email            (RosterCustomer     *self);
const char        *roster_customer_get_time_zone        (RosterCustomer     *self);
gboolean           roster_customer_get_active           (RosterCustomer     *self);
/* On the desk's own customer list. */
gboolean           roster_customer_get_direct           (RosterCustomer     *self);
/* Names of the project's organizations the customer belongs to, sorted (never NULL). */
const char * const *roster_customer_get_organizations   (RosterCustomer     *self);
/* Casefolded "name\nemail" for searching. */
const char        *roster_customer_get_search_key       (RosterCustomer     *self);

#define ROSTER_TYPE_CUSTOMER_ORG (roster_customer_org_get_type ())
G_DECLARE_FINAL_TYPE (RosterCustomerOrg, roster_customer_org, ROSTER, CUSTOMER_ORG, GObject)

/* {"id":"1","name":"Atlas Coffee Co", …} */
RosterCustomerOrg *roster_customer_org_new_from_json    (JsonNode           *node,
                                                         GError            **error);
const char        *roster_customer_org_get_id           (RosterCustomerOrg  *self);
const char        *roster_customer_org_get_name         (RosterCustomerOrg  *self);
/* -1 until the members were counted. */
gint64             roster_customer_org_get_n_members    (RosterCustomerOrg  *self);

/* Pure merge: direct customers ∪ members of each organization (members[i] belongs to
 * orgs[i]; element-type RosterCustomer), de-duplicated by account id. Returns new
 * RosterCustomer objects sorted by display name then account id. */
GPtrArray         *roster_jsm_merge_customers           (GPtrArray          *direct,
                                                         GPtrArray          *orgs,
                                                         GPtrArray          *members);

/* One project as loaded: the desk, its merged customers and its organizations (with
 * member counts), or the error that kept it from being read. */
typedef struct
{
  RosterServiceDesk *desk;           /* (owned) */
  GPtrArray         *customers;      /* (owned) (nullable) element-type RosterCustomer */
  GPtrArray         *organizations;  /* (owned) (nullable) element-type RosterCustomerOrg */
  GError            *error;          /* (owned) (nullable) */
} RosterJsmProject;

void               roster_jsm_project_free              (RosterJsmProject   *project);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RosterJsmProject, roster_jsm_project_free)

/* Called on the caller's main context after each project. */
typedef void (*RosterJsmProgressFunc) (guint    n_done,
                                       guint    n_total,
                                       guint64  n_customers,
                                       gpointer user_data);

#define ROSTER_TYPE_JSM_API (roster_jsm_api_get_type ())
G_DECLARE_FINAL_TYPE (RosterJsmApi, roster_jsm_api, ROSTER, JSM_API, GObject)

RosterJsmApi      *roster_jsm_api_new                   (RosterSite         *site);
RosterSite        *roster_jsm_api_get_site              (RosterJsmApi       *self);
/* Requested page size (default 50; the server may cap it). */
void               roster_jsm_api_set_page_size         (RosterJsmApi       *self,
                                                         guint               page_size);

/* element-type RosterServiceDesk */
void               roster_jsm_api_list_service_desks_async  (RosterJsmApi        *self,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
GPtrArray         *roster_jsm_api_list_service_desks_finish (RosterJsmApi        *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);
/* The desk's own customers (element-type RosterCustomer). desk_id: id or project key.
 * A 412 (the experimental header refused) becomes ROSTER_ERROR_PRECONDITION. */
void               roster_jsm_api_list_customers_async  (RosterJsmApi        *self,
                                                         const char          *desk_id,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
GPtrArray         *roster_jsm_api_list_customers_finish (RosterJsmApi        *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

/* Loads one project (customers merged, organizations counted). */
void               roster_jsm_api_load_project_async    (RosterJsmApi        *self,
                                                         RosterServiceDesk   *desk,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
RosterJsmProject  *roster_jsm_api_load_project_finish   (RosterJsmApi        *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

/* Loads several projects concurrently (element-type RosterServiceDesk in, RosterJsmProject
 * out, same order). A project that cannot be read carries its error; the call itself
 * fails only when cancelled. */
void               roster_jsm_api_load_projects_async   (RosterJsmApi          *self,
                                                         GPtrArray             *desks,
                                                         RosterJsmProgressFunc  progress,
                                                         gpointer               progress_data,
                                                         GCancellable          *cancellable,
                                                         GAsyncReadyCallback    callback,
                                                         gpointer               user_data);
GPtrArray         *roster_jsm_api_load_projects_finish  (RosterJsmApi          *self,
                                                         GAsyncResult          *result,
                                                         GError               **error);

/* Blocking twins for rosterctl, tests and benchmarks. */
GPtrArray         *roster_jsm_api_list_service_desks_sync (RosterJsmApi      *self,
                                                         GCancellable        *cancellable,
                                                         GError             **error);
GPtrArray         *roster_jsm_api_load_projects_sync    (RosterJsmApi          *self,
                                                         GPtrArray             *desks,
                                                         GCancellable          *cancellable,
                                                         GError               **error);

/* Writers (blocking, pure over loaded projects; projects with an error are skipped).
 * Customers CSV columns: [project,] account_id, display_name, email, active, direct,
 * organizations (joined with "; "), time_zone. Organizations: [project,] id, name,
 * members. JSON: {"meta":{"exported_at","count"},"customers"|"organizations":[…]}. */
gboolean           roster_jsm_write_customers           (GOutputStream      *out,
                                                         RosterExportFormat  format,
                                                         GPtrArray          *projects,
                                                         gboolean            project_column,
                                                         GCancellable       *cancellable,
                                                         GError            **error);
gboolean           roster_jsm_write_organizations       (GOutputStream      *out,
                                                         RosterExportFormat  format,
                                                         GPtrArray          *projects,
                                                         gboolean            project_column,
                                                         GCancellable       *cancellable,
                                                         GError            **error);

typedef enum
{
  ROSTER_JSM_EXPORT_CUSTOMERS     = 1 << 0,
  ROSTER_JSM_EXPORT_ORGANIZATIONS = 1 << 1,
} RosterJsmExportWhat;

typedef struct
{
  guint      n_projects;       /* exported */
  guint64    n_customers;      /* rows written */
  guint64    n_organizations;
  GPtrArray *files;            /* (element-type GFile) written */
  GPtrArray *failed;           /* (element-type utf8) "KEY: message" per unreadable project */
} RosterJsmExportSummary;

void               roster_jsm_export_summary_free       (RosterJsmExportSummary *summary);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RosterJsmExportSummary, roster_jsm_export_summary_free)

/* Loads the desks' projects, then writes in a worker thread. per_project FALSE: one file
 * with a project column; customers go to `target`, organizations to
 * "<target stem>-organizations.<ext>". per_project TRUE: `target` is a directory that
 * gets "<KEY>-customers.<ext>" and "<KEY>-organizations.<ext>". */
void               roster_jsm_export_async              (RosterJsmApi          *self,
                                                         GPtrArray             *desks,
                                                         RosterExportFormat     format,
                                                         RosterJsmExportWhat    what,
                                                         GFile                 *target,
                                                         gboolean               per_project,
                                                         RosterJsmProgressFunc  progress,
                                                         gpointer               progress_data,
                                                         GCancellable          *cancellable,
                                                         GAsyncReadyCallback    callback,
                                                         gpointer               user_data);
RosterJsmExportSummary *roster_jsm_export_finish        (RosterJsmApi          *self,
                                                         GAsyncResult          *result,
                                                         GError               **error);
/* Writes already loaded projects the same way (in a worker thread). */
void               roster_jsm_export_projects_async     (GPtrArray             *projects,
                                                         RosterExportFormat     format,
                                                         RosterJsmExportWhat    what,
                                                         GFile                 *target,
                                                         gboolean               per_project,
                                                         GCancellable          *cancellable,
                                                         GAsyncReadyCallback    callback,
                                                         gpointer               user_data);
RosterJsmExportSummary *roster_jsm_export_projects_finish (GAsyncResult        *result,
                                                         GError               **error);

G_END_DECLS
