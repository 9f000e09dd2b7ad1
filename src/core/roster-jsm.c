/* roster-jsm.c: JSM domain objects, the RosterJsmApi client, the merge of a
 * project's customers and the export writers. */
#define G_LOG_DOMAIN "roster-jsm"

#include "config.h"

#include <string.h>

#include "roster-async-private.h"
#include "roster-error.h"
#include "roster-jsm.h"
#include "roster-json-private.h"
#include "roster-site-private.h"

#define DEFAULT_PAGE_SIZE 50

/* JSM sometimes sends ids as numbers, so integers are read as strings too. */
#define JSM_OPTIONAL ROSTER_JSON_INT_AS_STRING
#define JSM_REQUIRED (ROSTER_JSON_REQUIRED | ROSTER_JSON_INT_AS_STRING)

/* RosterServiceDesk */

struct _RosterServiceDesk
{
  GObject parent_instance;
  char   *id;
  char   *project_id;
  char   *project_key;
  char   *project_name;
};

G_DEFINE_FINAL_TYPE (RosterServiceDesk, roster_service_desk, G_TYPE_OBJECT)

static void
roster_service_desk_finalize (GObject *object)
{
  RosterServiceDesk *self = ROSTER_SERVICE_DESK (object);

  g_free (self->id);
  g_free (self->project_id);
  g_free (self->project_key);
  g_free (self->project_name);
  G_OBJECT_CLASS (roster_service_desk_parent_class)->finalize (object);
}

static void
roster_service_desk_class_init (RosterServiceDeskClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = roster_service_desk_finalize;
}

static void
roster_service_desk_init (RosterServiceDesk *self)
{
}

RosterServiceDesk *
roster_service_desk_new_from_json (JsonNode  *node,
                                   GError   **error)
{
  g_autoptr(RosterServiceDesk) self = NULL;
  JsonObject *object;

  if (!(object = _roster_json_item_object (node, "service desk", error)))
    return NULL;
  self = g_object_new (ROSTER_TYPE_SERVICE_DESK, NULL);
  if (!_roster_json_read_string (object, "service desk", "id", JSM_REQUIRED, &self->id, error) ||
      !_roster_json_read_string (object, "service desk", "projectId", JSM_OPTIONAL,
                                 &self->project_id, error) ||
      !_roster_json_read_string (object, "service desk", "projectKey", JSM_REQUIRED,
                                 &self->project_key, error) ||
      !_roster_json_read_string (object, "service desk", "projectName", JSM_OPTIONAL,
                                 &self->project_name, error))
    return NULL;
  if (self->project_id == NULL)
    self->project_id = g_strdup ("");
  if (self->project_name == NULL)
    self->project_name = g_strdup (self->project_key);
  return g_steal_pointer (&self);
}

const char *
roster_service_desk_get_id (RosterServiceDesk *self)
{
  g_return_val_if_fail (ROSTER_IS_SERVICE_DESK (self), NULL);
  return self->id;
}

const char *
roster_service_desk_get_project_id (RosterServiceDesk *self)
{
  g_return_val_if_fail (ROSTER_IS_SERVICE_DESK (self), NULL);
  return self->project_id;
}

const char *
roster_service_desk_get_project_key (RosterServiceDesk *self)
{
  g_return_val_if_fail (ROSTER_IS_SERVICE_DESK (self), NULL);
  return self->project_key;
}

const char *
roster_service_desk_get_project_name (RosterServiceDesk *self)
{
  g_return_val_if_fail (ROSTER_IS_SERVICE_DESK (self), NULL);
  return self->project_name;
}

/* RosterCustomer */

struct _RosterCustomer
{
  GObject   parent_instance;
  char     *account_id;
  char     *display_name;
  char     *email;          /* (nullable) */
  char     *time_zone;
  char     *search_key;
  GStrv     organizations;
  gboolean  active;
  gboolean  direct;
};

G_DEFINE_FINAL_TYPE (RosterCustomer, roster_customer, G_TYPE_OBJECT)

static void
roster_customer_finalize (GObject *object)
{
  RosterCustomer *self = ROSTER_CUSTOMER (object);

  g_free (self->account_id);
  g_free (self->display_name);
  g_free (self->email);
  g_free (self->time_zone);
  g_free (self->search_key);
  g_strfreev (self->organizations);
  G_OBJECT_CLASS (roster_customer_parent_class)->finalize (object);
}

static void
roster_customer_class_init (RosterCustomerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = roster_customer_finalize;
}

static void
roster_customer_init (RosterCustomer *self)
{
}

static void
customer_build_search_key (RosterCustomer *self)
{
  g_autofree char *name = g_utf8_casefold (self->display_name, -1);
  g_autofree char *email = self->email ? g_utf8_casefold (self->email, -1) : NULL;

  self->search_key = g_strconcat (name, "\n", email ? email : "", NULL);
}

RosterCustomer *
roster_customer_new_from_json (JsonNode  *node,
                               GError   **error)
{
  g_autoptr(RosterCustomer) self = NULL;
  JsonObject *object;

  if (!(object = _roster_json_item_object (node, "customer", error)))
    return NULL;
  self = g_object_new (ROSTER_TYPE_CUSTOMER, NULL);
  self->active = TRUE;
  if (!_roster_json_read_string (object, "customer", "accountId", JSM_REQUIRED,
                                 &self->account_id, error) ||
      !_roster_json_read_string (object, "customer", "displayName", JSM_OPTIONAL,
                                 &self->display_name, error) ||
      !_roster_json_read_string (object, "customer", "emailAddress", JSM_OPTIONAL,
                                 &self->email, error) ||
      !_roster_json_read_string (object, "customer", "timeZone", JSM_OPTIONAL,
                                 &self->time_zone, error) ||
      !_roster_json_read_bool (object, "customer", "active", &self->active, error))
    return NULL;
  if (self->display_name == NULL)
    self->display_name = g_strdup ("");
  if (self->time_zone == NULL)
    self->time_zone = g_strdup ("");
  if (self->email != NULL && *self->email == '\0')
    g_clear_pointer (&self->email, g_free);
  self->direct = TRUE;
  self->organizations = g_new0 (char *, 1);
  customer_build_search_key (self);
  return g_steal_pointer (&self);
}

static RosterCustomer *
customer_copy_merged (RosterCustomer *src,
                      gboolean        direct,
                      GPtrArray      *org_names)
{
  RosterCustomer *self = g_object_new (ROSTER_TYPE_CUSTOMER, NULL);

  self->account_id = g_strdup (src->account_id);
  self->display_name = g_strdup (src->display_name);
  self->email = g_strdup (src->email);
  self->time_zone = g_strdup (src->time_zone);
  self->search_key = g_strdup (src->search_key);
  self->active = src->active;
  self->direct = direct;
  self->organizations = g_new0 (char *, (org_names ? org_names->len : 0) + 1);
  for (guint i = 0; org_names != NULL && i < org_names->len; i++)
    self->organizations[i] = g_strdup (g_ptr_array_index (org_names, i));
  return self;
}

const char *
roster_customer_get_account_id (RosterCustomer *self)
{
  g_return_val_if_fail (ROSTER_IS_CUSTOMER (self), NULL);
  return self->account_id;
}

const char *
roster_customer_get_display_name (RosterCustomer *self)
{
  g_return_val_if_fail (ROSTER_IS_CUSTOMER (self), NULL);
  return self->display_name;
}

const char *
roster_customer_get_email (RosterCustomer *self)
{
  g_return_val_if_fail (ROSTER_IS_CUSTOMER (self), NULL);
  return self->email;
}

const char *
roster_customer_get_time_zone (RosterCustomer *self)
{
  g_return_val_if_fail (ROSTER_IS_CUSTOMER (self), NULL);
  return self->time_zone;
}

gboolean
roster_customer_get_active (RosterCustomer *self)
{
  g_return_val_if_fail (ROSTER_IS_CUSTOMER (self), FALSE);
  return self->active;
}

gboolean
roster_customer_get_direct (RosterCustomer *self)
{
  g_return_val_if_fail (ROSTER_IS_CUSTOMER (self), FALSE);
  return self->direct;
}

const char * const *
roster_customer_get_organizations (RosterCustomer *self)
{
  g_return_val_if_fail (ROSTER_IS_CUSTOMER (self), NULL);
  return (const char * const *) self->organizations;
}

const char *
roster_customer_get_search_key (RosterCustomer *self)
{
  g_return_val_if_fail (ROSTER_IS_CUSTOMER (self), NULL);
  return self->search_key;
}

/* RosterCustomerOrg */

struct _RosterCustomerOrg
{
  GObject parent_instance;
  char   *id;
  char   *name;
  gint64  n_members;
};

G_DEFINE_FINAL_TYPE (RosterCustomerOrg, roster_customer_org, G_TYPE_OBJECT)

static void
roster_customer_org_finalize (GObject *object)
{
  RosterCustomerOrg *self = ROSTER_CUSTOMER_ORG (object);

  g_free (self->id);
  g_free (self->name);
  G_OBJECT_CLASS (roster_customer_org_parent_class)->finalize (object);
}

static void
roster_customer_org_class_init (RosterCustomerOrgClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = roster_customer_org_finalize;
}

static void
roster_customer_org_init (RosterCustomerOrg *self)
{
  self->n_members = -1;
}

RosterCustomerOrg *
roster_customer_org_new_from_json (JsonNode  *node,
                                   GError   **error)
{
  g_autoptr(RosterCustomerOrg) self = NULL;
  JsonObject *object;

  if (!(object = _roster_json_item_object (node, "customer organization", error)))
    return NULL;
  self = g_object_new (ROSTER_TYPE_CUSTOMER_ORG, NULL);
  if (!_roster_json_read_string (object, "customer organization", "id", JSM_REQUIRED,
                                 &self->id, error) ||
      !_roster_json_read_string (object, "customer organization", "name", JSM_OPTIONAL,
                                 &self->name, error))
    return NULL;
  if (self->name == NULL)
    self->name = g_strdup ("");
  return g_steal_pointer (&self);
}

static RosterCustomerOrg *
customer_org_copy_counted (RosterCustomerOrg *src,
                           gint64             n_members)
{
  RosterCustomerOrg *self = g_object_new (ROSTER_TYPE_CUSTOMER_ORG, NULL);

  self->id = g_strdup (src->id);
  self->name = g_strdup (src->name);
  self->n_members = n_members;
  return self;
}

const char *
roster_customer_org_get_id (RosterCustomerOrg *self)
{
  g_return_val_if_fail (ROSTER_IS_CUSTOMER_ORG (self), NULL);
  return self->id;
}

const char *
roster_customer_org_get_name (RosterCustomerOrg *self)
{
  g_return_val_if_fail (ROSTER_IS_CUSTOMER_ORG (self), NULL);
  return self->name;
}

gint64
roster_customer_org_get_n_members (RosterCustomerOrg *self)
{
  g_return_val_if_fail (ROSTER_IS_CUSTOMER_ORG (self), -1);
  return self->n_members;
}

/* Merge */

typedef struct
{
  RosterCustomer *customer;  /* (borrowed) first seen */
  gboolean        direct;
  GPtrArray      *orgs;      /* (nullable) borrowed names */
  char           *sort_key;
} MergeEntry;

static void
merge_entry_free (gpointer data)
{
  MergeEntry *entry = data;

  g_clear_pointer (&entry->orgs, g_ptr_array_unref);
  g_free (entry->sort_key);
  g_free (entry);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_utf8_collate (*(const char * const *) a, *(const char * const *) b);
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const MergeEntry *x = *(MergeEntry * const *) a;
  const MergeEntry *y = *(MergeEntry * const *) b;
  int cmp = strcmp (x->sort_key, y->sort_key);

  return cmp != 0 ? cmp : strcmp (x->customer->account_id, y->customer->account_id);
}

static MergeEntry *
merge_add (GHashTable     *index,
           GPtrArray      *entries,
           RosterCustomer *customer)
{
  MergeEntry *entry = g_hash_table_lookup (index, customer->account_id);

  if (entry == NULL)
    {
      entry = g_new0 (MergeEntry, 1);
      entry->customer = customer;
      entry->sort_key = g_utf8_collate_key (customer->display_name, -1);
      g_hash_table_insert (index, customer->account_id, entry);
      g_ptr_array_add (entries, entry);
    }
  return entry;
}

GPtrArray *
roster_jsm_merge_customers (GPtrArray *direct,
                            GPtrArray *orgs,
                            GPtrArray *members)
{
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (merge_entry_free);
  GPtrArray *result;

  g_return_val_if_fail (orgs == NULL || members != NULL, NULL);
  g_return_val_if_fail (orgs == NULL || orgs->len == members->len, NULL);

  for (guint i = 0; direct != NULL && i < direct->len; i++)
    merge_add (index, entries, g_ptr_array_index (direct, i))->direct = TRUE;

  for (guint o = 0; orgs != NULL && o < orgs->len; o++)
    {
      RosterCustomerOrg *org = g_ptr_array_index (orgs, o);
      GPtrArray *list = g_ptr_array_index (members, o);

      for (guint i = 0; list != NULL && i < list->len; i++)
        {
          MergeEntry *entry = merge_add (index, entries, g_ptr_array_index (list, i));

          if (entry->orgs == NULL)
            entry->orgs = g_ptr_array_new ();
          /* The same organization twice (listed twice by the desk) counts once. */
          if (!g_ptr_array_find_with_equal_func (entry->orgs, org->name, g_str_equal, NULL))
            g_ptr_array_add (entry->orgs, org->name);
        }
    }

  g_ptr_array_sort (entries, compare_entries);
  result = g_ptr_array_new_full (entries->len, g_object_unref);
  for (guint i = 0; i < entries->len; i++)
    {
      MergeEntry *entry = g_ptr_array_index (entries, i);

      if (entry->orgs != NULL)
        g_ptr_array_sort (entry->orgs, compare_names);
      g_ptr_array_add (result, customer_copy_merged (entry->customer, entry->direct, entry->orgs));
    }
  return result;
}

/* RosterJsmProject */

void
roster_jsm_project_free (RosterJsmProject *project)
{
  if (project == NULL)
    return;
  g_clear_object (&project->desk);
  g_clear_pointer (&project->customers, g_ptr_array_unref);
  g_clear_pointer (&project->organizations, g_ptr_array_unref);
  g_clear_error (&project->error);
  g_free (project);
}

/* RosterJsmApi */

struct _RosterJsmApi
{
  GObject     parent_instance;
  RosterSite *site;       /* (owned) */
  guint       page_size;
};

G_DEFINE_FINAL_TYPE (RosterJsmApi, roster_jsm_api, G_TYPE_OBJECT)

static void
roster_jsm_api_dispose (GObject *object)
{
  RosterJsmApi *self = ROSTER_JSM_API (object);

  g_clear_object (&self->site);
  G_OBJECT_CLASS (roster_jsm_api_parent_class)->dispose (object);
}

static void
roster_jsm_api_class_init (RosterJsmApiClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = roster_jsm_api_dispose;
}

static void
roster_jsm_api_init (RosterJsmApi *self)
{
  self->page_size = DEFAULT_PAGE_SIZE;
}

RosterJsmApi *
roster_jsm_api_new (RosterSite *site)
{
  RosterJsmApi *self;

  g_return_val_if_fail (ROSTER_IS_SITE (site), NULL);

  self = g_object_new (ROSTER_TYPE_JSM_API, NULL);
  self->site = g_object_ref (site);
  return self;
}

RosterSite *
roster_jsm_api_get_site (RosterJsmApi *self)
{
  g_return_val_if_fail (ROSTER_IS_JSM_API (self), NULL);
  return self->site;
}

void
roster_jsm_api_set_page_size (RosterJsmApi *self,
                              guint         page_size)
{
  g_return_if_fail (ROSTER_IS_JSM_API (self));
  self->page_size = CLAMP (page_size, 1, 100);
}

/* Turns a transport error on a project route into a message an admin can act on. */
static GError *
explain_error (GError     *error,
               const char *what)
{
  if (g_error_matches (error, ROSTER_ERROR, ROSTER_ERROR_PRECONDITION))
    return g_error_new (ROSTER_ERROR, ROSTER_ERROR_PRECONDITION,
                        "%s: the site refused the experimental customers API (412): %s",
                        what, error->message);
  if (g_error_matches (error, ROSTER_ERROR, ROSTER_ERROR_FORBIDDEN))
    return g_error_new (ROSTER_ERROR, ROSTER_ERROR_FORBIDDEN,
                        "%s: the account is not an agent or administrator of this project (403)", what);
  if (g_error_matches (error, ROSTER_ERROR, ROSTER_ERROR_NOT_FOUND))
    return g_error_new (ROSTER_ERROR, ROSTER_ERROR_NOT_FOUND, "%s: no such service desk (404)", what);
  return g_error_copy (error);
}

static void
fetch (RosterJsmApi         *self,
       const char           *path,
       RosterHttpFlags       flags,
       RosterSiteItemParser  parser,
       GCancellable         *cancellable,
       GAsyncReadyCallback   callback,
       gpointer              user_data)
{
  _roster_site_fetch_all_async (roster_site_get_jira_http (self->site), path, ROSTER_SITE_PAGING_JSM,
                                self->page_size, flags, parser, g_object_unref,
                                cancellable, callback, user_data);
}

static void
list_forward_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *items;

  if (!(items = _roster_site_fetch_all_finish (result, &error)))
    {
      const char *what = g_task_get_task_data (task);

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_error (task, explain_error (error, what));
      return;
    }
  g_task_return_pointer (task, items, (GDestroyNotify) g_ptr_array_unref);
}

void
roster_jsm_api_list_service_desks_async (RosterJsmApi        *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ROSTER_IS_JSM_API (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_jsm_api_list_service_desks_async);
  g_task_set_task_data (task, g_strdup ("Service desks"), g_free);
  fetch (self, "/rest/servicedeskapi/servicedesk", ROSTER_HTTP_FLAGS_NONE,
         (RosterSiteItemParser) roster_service_desk_new_from_json, cancellable, list_forward_cb, task);
}

GPtrArray *
roster_jsm_api_list_service_desks_finish (RosterJsmApi  *self,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  g_return_val_if_fail (ROSTER_IS_JSM_API (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
roster_jsm_api_list_customers_async (RosterJsmApi        *self,
                                     const char          *desk_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  GTask *task;

  g_return_if_fail (ROSTER_IS_JSM_API (self));
  g_return_if_fail (desk_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_jsm_api_list_customers_async);
  g_task_set_task_data (task, g_strdup_printf ("Service desk %s", desk_id), g_free);
  escaped = g_uri_escape_string (desk_id, ":", FALSE);
  path = g_strdup_printf ("/rest/servicedeskapi/servicedesk/%s/customer", escaped);
  /* Experimental: without X-ExperimentalApi: opt-in the site answers 412. */
  fetch (self, path, ROSTER_HTTP_FLAGS_EXPERIMENTAL,
         (RosterSiteItemParser) roster_customer_new_from_json, cancellable, list_forward_cb, task);
}

GPtrArray *
roster_jsm_api_list_customers_finish (RosterJsmApi  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (ROSTER_IS_JSM_API (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Loading one project: customers and organizations concurrently, then each
 * organization's members concurrently, then the merge. */

typedef struct
{
  RosterServiceDesk *desk;
  GPtrArray         *direct;    /* RosterCustomer */
  GPtrArray         *orgs;      /* RosterCustomerOrg */
  GPtrArray         *members;   /* GPtrArray per org */
  GError            *error;
  guint              pending;
} ProjectJob;

static void
project_job_free (gpointer data)
{
  ProjectJob *job = data;

  g_clear_object (&job->desk);
  g_clear_pointer (&job->direct, g_ptr_array_unref);
  g_clear_pointer (&job->orgs, g_ptr_array_unref);
  g_clear_pointer (&job->members, g_ptr_array_unref);
  g_clear_error (&job->error);
  g_free (job);
}

static void
project_finish_step (GTask *task)
{
  ProjectJob *job = g_task_get_task_data (task);
  RosterJsmProject *project;
  GPtrArray *orgs;

  if (--job->pending > 0)
    return;

  if (job->error != NULL)
    {
      if (g_error_matches (job->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&job->error));
      else
        {
          g_autofree char *what = g_strdup_printf ("Project %s", job->desk->project_key);

          g_task_return_error (task, explain_error (job->error, what));
        }
      g_object_unref (task);
      return;
    }

  project = g_new0 (RosterJsmProject, 1);
  project->desk = g_object_ref (job->desk);
  project->customers = roster_jsm_merge_customers (job->direct, job->orgs, job->members);
  orgs = g_ptr_array_new_full (job->orgs->len, g_object_unref);
  for (guint i = 0; i < job->orgs->len; i++)
    {
      GPtrArray *members = g_ptr_array_index (job->members, i);

      g_ptr_array_add (orgs, customer_org_copy_counted (g_ptr_array_index (job->orgs, i),
                                                        members ? (gint64) members->len : -1));
    }
  project->organizations = orgs;
  g_task_return_pointer (task, project, (GDestroyNotify) roster_jsm_project_free);
  g_object_unref (task);
}

static void
project_fail (ProjectJob *job,
              GError     *error)
{
  if (job->error == NULL)
    job->error = error;
  else
    g_error_free (error);
}

typedef struct
{
  GTask *task;
  guint  index;
} MemberCall;

static void
project_members_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  MemberCall *call = user_data;
  GTask *task = call->task;
  ProjectJob *job = g_task_get_task_data (task);
  GError *error = NULL;
  GPtrArray *items;

  if (!(items = _roster_site_fetch_all_finish (result, &error)))
    project_fail (job, error);
  else
    {
      GPtrArray **slot = (GPtrArray **) &g_ptr_array_index (job->members, call->index);

      g_clear_pointer (slot, g_ptr_array_unref);
      *slot = items;
    }
  g_free (call);
  project_finish_step (task);
}

static void
project_orgs_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  ProjectJob *job = g_task_get_task_data (task);
  RosterJsmApi *self = g_task_get_source_object (task);
  GError *error = NULL;
  GPtrArray *items;

  if (!(items = _roster_site_fetch_all_finish (result, &error)))
    {
      project_fail (job, error);
      project_finish_step (task);
      return;
    }

  job->orgs = items;
  job->members = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (job->members, NULL);

  if (job->error == NULL)
    for (guint i = 0; i < items->len; i++)
      {
        RosterCustomerOrg *org = g_ptr_array_index (items, i);
        g_autofree char *escaped = g_uri_escape_string (org->id, NULL, FALSE);
        g_autofree char *path = g_strdup_printf ("/rest/servicedeskapi/organization/%s/user", escaped);
        MemberCall *call = g_new0 (MemberCall, 1);

        call->task = task;
        call->index = i;
        job->pending++;
        fetch (self, path, ROSTER_HTTP_FLAGS_NONE, (RosterSiteItemParser) roster_customer_new_from_json,
               g_task_get_cancellable (task), project_members_cb, call);
      }
  project_finish_step (task);
}

static void
project_customers_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GTask *task = user_data;
  ProjectJob *job = g_task_get_task_data (task);
  GError *error = NULL;

  if (!(job->direct = _roster_site_fetch_all_finish (result, &error)))
    project_fail (job, error);
  project_finish_step (task);
}

void
roster_jsm_api_load_project_async (RosterJsmApi        *self,
                                   RosterServiceDesk   *desk,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autofree char *customers = NULL;
  g_autofree char *orgs = NULL;
  ProjectJob *job;
  GTask *task;

  g_return_if_fail (ROSTER_IS_JSM_API (self));
  g_return_if_fail (ROSTER_IS_SERVICE_DESK (desk));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_jsm_api_load_project_async);
  job = g_new0 (ProjectJob, 1);
  job->desk = g_object_ref (desk);
  job->pending = 2;
  g_task_set_task_data (task, job, project_job_free);

  customers = g_strdup_printf ("/rest/servicedeskapi/servicedesk/%s/customer", desk->id);
  orgs = g_strdup_printf ("/rest/servicedeskapi/servicedesk/%s/organization", desk->id);
  fetch (self, customers, ROSTER_HTTP_FLAGS_EXPERIMENTAL,
         (RosterSiteItemParser) roster_customer_new_from_json, cancellable, project_customers_cb, task);
  fetch (self, orgs, ROSTER_HTTP_FLAGS_NONE,
         (RosterSiteItemParser) roster_customer_org_new_from_json, cancellable, project_orgs_cb, task);
}

RosterJsmProject *
roster_jsm_api_load_project_finish (RosterJsmApi  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (ROSTER_IS_JSM_API (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Several projects */

typedef struct
{
  GPtrArray             *projects;   /* RosterJsmProject, slots filled as they finish */
  RosterJsmProgressFunc  progress;
  gpointer               progress_data;
  guint                  pending;
  guint                  n_done;
  guint64                n_customers;
} ProjectsJob;

static void
projects_job_free (gpointer data)
{
  ProjectsJob *job = data;

  g_clear_pointer (&job->projects, g_ptr_array_unref);
  g_free (job);
}

typedef struct
{
  GTask *task;
  guint  index;
} ProjectCall;

static void
projects_one_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  ProjectCall *call = user_data;
  GTask *task = call->task;
  ProjectsJob *job = g_task_get_task_data (task);
  RosterJsmProject *slot = g_ptr_array_index (job->projects, call->index);
  g_autoptr(GError) error = NULL;
  RosterJsmProject *project;

  project = roster_jsm_api_load_project_finish (ROSTER_JSM_API (object), result, &error);
  if (project != NULL)
    {
      slot->customers = g_steal_pointer (&project->customers);
      slot->organizations = g_steal_pointer (&project->organizations);
      job->n_customers += slot->customers->len;
      roster_jsm_project_free (project);
    }
  else
    slot->error = g_steal_pointer (&error);

  job->n_done++;
  if (job->progress != NULL)
    job->progress (job->n_done, job->projects->len, job->n_customers, job->progress_data);

  g_free (call);
  if (--job->pending == 0)
    {
      if (g_task_return_error_if_cancelled (task))
        ;
      else
        g_task_return_pointer (task, g_steal_pointer (&job->projects), (GDestroyNotify) g_ptr_array_unref);
    }
  g_object_unref (task);
}

void
roster_jsm_api_load_projects_async (RosterJsmApi          *self,
                                    GPtrArray             *desks,
                                    RosterJsmProgressFunc  progress,
                                    gpointer               progress_data,
                                    GCancellable          *cancellable,
                                    GAsyncReadyCallback    callback,
                                    gpointer               user_data)
{
  ProjectsJob *job;
  GTask *task;

  g_return_if_fail (ROSTER_IS_JSM_API (self));
  g_return_if_fail (desks != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_jsm_api_load_projects_async);
  job = g_new0 (ProjectsJob, 1);
  job->projects = g_ptr_array_new_with_free_func ((GDestroyNotify) roster_jsm_project_free);
  job->progress = progress;
  job->progress_data = progress_data;
  g_task_set_task_data (task, job, projects_job_free);

  for (guint i = 0; i < desks->len; i++)
    {
      RosterJsmProject *project = g_new0 (RosterJsmProject, 1);

      project->desk = g_object_ref (g_ptr_array_index (desks, i));
      g_ptr_array_add (job->projects, project);
    }

  if (desks->len == 0)
    {
      g_task_return_pointer (task, g_steal_pointer (&job->projects), (GDestroyNotify) g_ptr_array_unref);
      g_object_unref (task);
      return;
    }

  /* RosterHttp bounds how many requests are in flight; start them all. */
  job->pending = desks->len;
  for (guint i = 0; i < desks->len; i++)
    {
      ProjectCall *call = g_new0 (ProjectCall, 1);

      call->task = g_object_ref (task);
      call->index = i;
      roster_jsm_api_load_project_async (self, g_ptr_array_index (desks, i), cancellable,
                                         projects_one_cb, call);
    }
  g_object_unref (task);
}

GPtrArray *
roster_jsm_api_load_projects_finish (RosterJsmApi  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (ROSTER_IS_JSM_API (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Blocking twins */

GPtrArray *
roster_jsm_api_list_service_desks_sync (RosterJsmApi  *self,
                                        GCancellable  *cancellable,
                                        GError       **error)
{
  g_auto(RosterSyncCall) call = { NULL };

  g_return_val_if_fail (ROSTER_IS_JSM_API (self), NULL);

  _roster_sync_call_begin (&call);
  roster_jsm_api_list_service_desks_async (self, cancellable, _roster_sync_call_done, &call);
  return roster_jsm_api_list_service_desks_finish (self, _roster_sync_call_wait (&call), error);
}

GPtrArray *
roster_jsm_api_load_projects_sync (RosterJsmApi  *self,
                                   GPtrArray     *desks,
                                   GCancellable  *cancellable,
                                   GError       **error)
{
  g_auto(RosterSyncCall) call = { NULL };

  g_return_val_if_fail (ROSTER_IS_JSM_API (self), NULL);

  _roster_sync_call_begin (&call);
  roster_jsm_api_load_projects_async (self, desks, NULL, NULL, cancellable,
                                      _roster_sync_call_done, &call);
  return roster_jsm_api_load_projects_finish (self, _roster_sync_call_wait (&call), error);
}

/* Writers */

typedef struct
{
  GPtrArray *projects;
  guint      project;    /* cursor over (project, row) */
  guint      row;
  gboolean   project_column;
  gboolean   organizations;
} RowCursor;

/* Maps a flat row index to (project, row). Rows are asked for in order. */
static gpointer
cursor_item (RowCursor          *cursor,
             RosterJsmProject  **out_project)
{
  for (;;)
    {
      RosterJsmProject *project;
      GPtrArray *rows;

      if (cursor->project >= cursor->projects->len)
        return NULL;
      project = g_ptr_array_index (cursor->projects, cursor->project);
      rows = cursor->organizations ? project->organizations : project->customers;
      if (project->error == NULL && rows != NULL && cursor->row < rows->len)
        {
          *out_project = project;
          return g_ptr_array_index (rows, cursor->row++);
        }
      cursor->project++;
      cursor->row = 0;
    }
}

typedef struct
{
  RowCursor         cursor;
  guint             last_index;
  gpointer          item;
  RosterJsmProject *project;
} CellState;

/* The item of row @index (NULL past the end). With a project column, column 0
 * is the project key, returned in @out_project_key instead of an item, and
 * @column is shifted to the item's own columns. */
static gpointer
cell_item (CellState  *state,
           guint       index,
           guint      *column,
           char      **out_project_key)
{
  if (state->item == NULL || index != state->last_index)
    {
      state->item = cursor_item (&state->cursor, &state->project);
      state->last_index = index;
    }
  if (state->item == NULL)
    return NULL;

  if (state->cursor.project_column)
    {
      if (*column == 0)
        {
          *out_project_key = g_strdup (state->project->desk->project_key);
          return NULL;
        }
      (*column)--;
    }
  return state->item;
}

static char *
customer_cell (guint    index,
               guint    column,
               gpointer user_data)
{
  CellState *state = user_data;
  RosterCustomer *customer;
  char *project_key = NULL;

  if ((customer = cell_item (state, index, &column, &project_key)) == NULL)
    return project_key;
  switch (column)
    {
    case 0: return g_strdup (customer->account_id);
    case 1: return g_strdup (customer->display_name);
    case 2: return g_strdup (customer->email);
    case 3: return g_strdup (customer->active ? "true" : "false");
    case 4: return g_strdup (customer->direct ? "true" : "false");
    case 5: return g_strjoinv ("; ", customer->organizations);
    case 6: return g_strdup (customer->time_zone);
    default: return NULL;
    }
}

static char *
org_cell (guint    index,
          guint    column,
          gpointer user_data)
{
  CellState *state = user_data;
  RosterCustomerOrg *org;
  char *project_key = NULL;

  if ((org = cell_item (state, index, &column, &project_key)) == NULL)
    return project_key;
  switch (column)
    {
    case 0: return g_strdup (org->id);
    case 1: return g_strdup (org->name);
    case 2: return org->n_members >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, org->n_members) : NULL;
    default: return NULL;
    }
}

static guint64
count_rows (GPtrArray *projects,
            gboolean   organizations)
{
  guint64 n = 0;

  for (guint i = 0; i < projects->len; i++)
    {
      RosterJsmProject *project = g_ptr_array_index (projects, i);
      GPtrArray *rows = organizations ? project->organizations : project->customers;

      if (project->error == NULL && rows != NULL)
        n += rows->len;
    }
  return n;
}

static gboolean
write_json (GOutputStream *out,
            GPtrArray     *projects,
            gboolean       organizations,
            gboolean       project_column,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format_iso8601 (now);
  g_autofree char *text = NULL;
  gsize length;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "meta");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "exported_at");
  json_builder_add_string_value (builder, stamp);
  json_builder_set_member_name (builder, "count");
  json_builder_add_int_value (builder, count_rows (projects, organizations));
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, organizations ? "organizations" : "customers");
  json_builder_begin_array (builder);
  for (guint p = 0; p < projects->len; p++)
    {
      RosterJsmProject *project = g_ptr_array_index (projects, p);
      GPtrArray *rows = organizations ? project->organizations : project->customers;

      if (project->error != NULL || rows == NULL)
        continue;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      for (guint i = 0; i < rows->len; i++)
        {
          json_builder_begin_object (builder);
          if (project_column)
            {
              json_builder_set_member_name (builder, "project");
              json_builder_add_string_value (builder, project->desk->project_key);
            }
          if (organizations)
            {
              RosterCustomerOrg *org = g_ptr_array_index (rows, i);

              json_builder_set_member_name (builder, "id");
              json_builder_add_string_value (builder, org->id);
              json_builder_set_member_name (builder, "name");
              json_builder_add_string_value (builder, org->name);
              json_builder_set_member_name (builder, "members");
              json_builder_add_int_value (builder, org->n_members);
            }
          else
            {
              RosterCustomer *c = g_ptr_array_index (rows, i);

              json_builder_set_member_name (builder, "account_id");
              json_builder_add_string_value (builder, c->account_id);
              json_builder_set_member_name (builder, "display_name");
              json_builder_add_string_value (builder, c->display_name);
              json_builder_set_member_name (builder, "email");
              if (c->email)
                json_builder_add_string_value (builder, c->email);
              else
                json_builder_add_null_value (builder);
              json_builder_set_member_name (builder, "active");
              json_builder_add_boolean_value (builder, c->active);
              json_builder_set_member_name (builder, "direct");
              json_builder_add_boolean_value (builder, c->direct);
              json_builder_set_member_name (builder, "organizations");
              json_builder_begin_array (builder);
              for (guint k = 0; c->organizations[k] != NULL; k++)
                json_builder_add_string_value (builder, c->organizations[k]);
              json_builder_end_array (builder);
              json_builder_set_member_name (builder, "time_zone");
              json_builder_add_string_value (builder, c->time_zone);
            }
          json_builder_end_object (builder);
        }
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, &length);
  if (!g_output_stream_write_all (out, text, length, NULL, cancellable, error) ||
      !g_output_stream_write_all (out, "\n", 1, NULL, cancellable, error))
    return FALSE;
  return TRUE;
}

static gboolean
write_rows (GOutputStream      *out,
            RosterExportFormat  format,
            GPtrArray          *projects,
            gboolean            project_column,
            gboolean            organizations,
            GCancellable       *cancellable,
            GError            **error)
{
  static const char * const customer_headers[] = {
    "project", "account_id", "display_name", "email", "active", "direct", "organizations", "time_zone", NULL
  };
  static const char * const org_headers[] = { "project", "id", "name", "members", NULL };
  CellState state = { { 0 } };
  guint64 n_rows;

  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);
  g_return_val_if_fail (projects != NULL, FALSE);

  if (format == ROSTER_EXPORT_JSON)
    return write_json (out, projects, organizations, project_column, cancellable, error);

  n_rows = count_rows (projects, organizations);
  if (n_rows > G_MAXUINT)
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT, "Too many rows");
      return FALSE;
    }
  state.cursor.projects = projects;
  state.cursor.project_column = project_column;
  state.cursor.organizations = organizations;
  state.last_index = G_MAXUINT;
  return roster_table_write_csv (out,
                                 (organizations ? org_headers : customer_headers) + (project_column ? 0 : 1),
                                 (guint) n_rows, organizations ? org_cell : customer_cell, &state,
                                 NULL, cancellable, error);
}

gboolean
roster_jsm_write_customers (GOutputStream       *out,
                            RosterExportFormat   format,
                            GPtrArray           *projects,
                            gboolean             project_column,
                            GCancellable        *cancellable,
                            GError             **error)
{
  return write_rows (out, format, projects, project_column, FALSE, cancellable, error);
}

gboolean
roster_jsm_write_organizations (GOutputStream       *out,
                                RosterExportFormat   format,
                                GPtrArray           *projects,
                                gboolean             project_column,
                                GCancellable        *cancellable,
                                GError             **error)
{
  return write_rows (out, format, projects, project_column, TRUE, cancellable, error);
}

/* Export */

void
roster_jsm_export_summary_free (RosterJsmExportSummary *summary)
{
  if (summary == NULL)
    return;
  g_clear_pointer (&summary->files, g_ptr_array_unref);
  g_clear_pointer (&summary->failed, g_ptr_array_unref);
  g_free (summary);
}

typedef struct
{
  GPtrArray           *projects;
  RosterExportFormat   format;
  RosterJsmExportWhat  what;
  GFile               *target;
  gboolean             per_project;
} ExportJob;

static void
export_job_free (gpointer data)
{
  ExportJob *job = data;

  g_clear_pointer (&job->projects, g_ptr_array_unref);
  g_clear_object (&job->target);
  g_free (job);
}

static gboolean
write_file (GFile               *file,
            RosterExportFormat   format,
            GPtrArray           *projects,
            gboolean             project_column,
            gboolean             organizations,
            GCancellable        *cancellable,
            GError             **error)
{
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GOutputStream) buffered = NULL;

  if (!(stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, cancellable, error)))
    return FALSE;
  buffered = g_buffered_output_stream_new_sized (G_OUTPUT_STREAM (stream), 256 * 1024);
  if (!write_rows (buffered, format, projects, project_column, organizations, cancellable, error))
    {
      g_output_stream_close (buffered, NULL, NULL);
      return FALSE;
    }
  return g_output_stream_close (buffered, cancellable, error);
}

static GFile *
sibling_with_suffix (GFile      *target,
                     const char *suffix,
                     const char *ext)
{
  g_autofree char *base = g_file_get_basename (target);
  g_autoptr(GFile) parent = g_file_get_parent (target);
  g_autofree char *name = NULL;
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';
  name = g_strdup_printf ("%s%s.%s", base, suffix, ext);
  return parent ? g_file_get_child (parent, name) : g_file_new_for_path (name);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportJob *job = task_data;
  g_autoptr(RosterJsmExportSummary) summary = g_new0 (RosterJsmExportSummary, 1);
  const char *ext = job->format == ROSTER_EXPORT_JSON ? "json" : "csv";
  GError *error = NULL;

  summary->files = g_ptr_array_new_with_free_func (g_object_unref);
  summary->failed = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < job->projects->len; i++)
    {
      RosterJsmProject *project = g_ptr_array_index (job->projects, i);

      if (project->error != NULL)
        g_ptr_array_add (summary->failed, g_strdup_printf ("%s: %s", project->desk->project_key,
                                                           project->error->message));
      else
        summary->n_projects++;
    }
  summary->n_customers = count_rows (job->projects, FALSE);
  summary->n_organizations = count_rows (job->projects, TRUE);

  if (!job->per_project)
    {
      if (job->what & ROSTER_JSM_EXPORT_CUSTOMERS)
        {
          if (!write_file (job->target, job->format, job->projects, TRUE, FALSE, cancellable, &error))
            goto fail;
          g_ptr_array_add (summary->files, g_object_ref (job->target));
        }
      if (job->what & ROSTER_JSM_EXPORT_ORGANIZATIONS)
        {
          g_autoptr(GFile) file = (job->what & ROSTER_JSM_EXPORT_CUSTOMERS)
            ? sibling_with_suffix (job->target, "-organizations", ext) : g_object_ref (job->target);

          if (!write_file (file, job->format, job->projects, TRUE, TRUE, cancellable, &error))
            goto fail;
          g_ptr_array_add (summary->files, g_steal_pointer (&file));
        }
    }
  else
    {
      if (!g_file_make_directory_with_parents (job->target, cancellable, &error))
        {
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
            goto fail;
          g_clear_error (&error);
        }
      for (guint i = 0; i < job->projects->len; i++)
        {
          RosterJsmProject *project = g_ptr_array_index (job->projects, i);
          g_autoptr(GPtrArray) one = NULL;

          if (project->error != NULL)
            continue;
          one = g_ptr_array_new ();
          g_ptr_array_add (one, project);
          for (guint kind = 0; kind < 2; kind++)
            {
              g_autofree char *name = NULL;
              g_autoptr(GFile) file = NULL;

              if (!(job->what & (kind == 0 ? ROSTER_JSM_EXPORT_CUSTOMERS : ROSTER_JSM_EXPORT_ORGANIZATIONS)))
                continue;
              name = g_strdup_printf ("%s-%s.%s", project->desk->project_key,
                                      kind == 0 ? "customers" : "organizations", ext);
              /* Keys are [A-Z0-9_]; anything else would be odd, so make it safe. */
              g_strdelimit (name, "/\\", '_');
              file = g_file_get_child (job->target, name);
              if (!write_file (file, job->format, one, FALSE, kind == 1, cancellable, &error))
                goto fail;
              g_ptr_array_add (summary->files, g_steal_pointer (&file));
            }
        }
    }

  g_task_return_pointer (task, g_steal_pointer (&summary), (GDestroyNotify) roster_jsm_export_summary_free);
  return;

fail:
  g_task_return_error (task, error);
}

static GPtrArray *
copy_projects (GPtrArray *projects)
{
  /* The projects are immutable once loaded; the worker only needs them alive. */
  return g_ptr_array_ref (projects);
}

void
roster_jsm_export_projects_async (GPtrArray             *projects,
                                  RosterExportFormat     format,
                                  RosterJsmExportWhat    what,
                                  GFile                 *target,
                                  gboolean               per_project,
                                  GCancellable          *cancellable,
                                  GAsyncReadyCallback    callback,
                                  gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportJob *job;

  g_return_if_fail (projects != NULL);
  g_return_if_fail (G_IS_FILE (target));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_jsm_export_projects_async);
  job = g_new0 (ExportJob, 1);
  job->projects = copy_projects (projects);
  job->format = format;
  job->what = what ? what : ROSTER_JSM_EXPORT_CUSTOMERS;
  job->target = g_object_ref (target);
  job->per_project = per_project;
  g_task_set_task_data (task, job, export_job_free);
  g_task_run_in_thread (task, export_thread);
}

RosterJsmExportSummary *
roster_jsm_export_projects_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  RosterExportFormat   format;
  RosterJsmExportWhat  what;
  GFile               *target;
  gboolean             per_project;
} ExportRequest;

static void
export_request_free (gpointer data)
{
  ExportRequest *request = data;

  g_clear_object (&request->target);
  g_free (request);
}

static void
export_written_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  RosterJsmExportSummary *summary;

  if (!(summary = roster_jsm_export_projects_finish (result, &error)))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, summary, (GDestroyNotify) roster_jsm_export_summary_free);
}

static void
export_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ExportRequest *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) projects = NULL;

  if (!(projects = roster_jsm_api_load_projects_finish (ROSTER_JSM_API (object), result, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  roster_jsm_export_projects_async (projects, request->format, request->what, request->target,
                                    request->per_project, g_task_get_cancellable (task),
                                    export_written_cb, g_object_ref (task));
}

void
roster_jsm_export_async (RosterJsmApi          *self,
                         GPtrArray             *desks,
                         RosterExportFormat     format,
                         RosterJsmExportWhat    what,
                         GFile                 *target,
                         gboolean               per_project,
                         RosterJsmProgressFunc  progress,
                         gpointer               progress_data,
                         GCancellable          *cancellable,
                         GAsyncReadyCallback    callback,
                         gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportRequest *request;

  g_return_if_fail (ROSTER_IS_JSM_API (self));
  g_return_if_fail (desks != NULL);
  g_return_if_fail (G_IS_FILE (target));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_jsm_export_async);
  request = g_new0 (ExportRequest, 1);
  request->format = format;
  request->what = what;
  request->target = g_object_ref (target);
  request->per_project = per_project;
  g_task_set_task_data (task, request, export_request_free);

  roster_jsm_api_load_projects_async (self, desks, progress, progress_data, cancellable,
                                      export_loaded_cb, g_steal_pointer (&task));
}

RosterJsmExportSummary *
roster_jsm_export_finish (RosterJsmApi  *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (ROSTER_IS_JSM_API (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
