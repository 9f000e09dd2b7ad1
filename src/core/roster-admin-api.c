/* roster-admin-api.c */
#define G_LOG_DOMAIN "roster-admin-api"

#include "config.h"

#include <string.h>

#include "roster-admin-api.h"
#include "roster-async-private.h"
#include "roster-error.h"
#include "roster-json-private.h"
#include "roster-pager.h"

#define USERS_PER_ID_BATCH 10
#define PAGE_LIMIT         100

struct _RosterAdminApi
{
  GObject     parent_instance;

  RosterHttp *http;      /* (owned) admin base */
  RosterHttp *um_http;   /* (owned) user-management base */
};

G_DEFINE_FINAL_TYPE (RosterAdminApi, roster_admin_api, G_TYPE_OBJECT)

static char *
seg (const char *segment)
{
  /* ':' and '@' are legal in a path segment and appear in account ids. */
  return g_uri_escape_string (segment ? segment : "", ":@", FALSE);
}

static char *
build_path (const char *first,
            ...)
{
  /* Alternates literal parts and segments to escape: NULL-terminated pairs of
   * (literal, value) where value may be NULL at the end. */
  GString *out = g_string_new (first);
  va_list args;
  const char *value;

  va_start (args, first);
  while ((value = va_arg (args, const char *)) != NULL)
    {
      g_autofree char *escaped = seg (value);
      const char *literal;

      g_string_append (out, escaped);
      literal = va_arg (args, const char *);
      if (literal == NULL)
        break;
      g_string_append (out, literal);
    }
  va_end (args);

  return g_string_free (out, FALSE);
}

static gboolean
check_ids (GTask      *task,
           const char *first,
           ...)
{
  va_list args;
  const char *value = first;
  gboolean ok = TRUE;

  va_start (args, first);
  for (int i = 0; ; i++)
    {
      if (i > 0)
        value = va_arg (args, const char *);
      if (value == (const char *) 1)
        break;
      if (value == NULL || *value == '\0')
        ok = FALSE;
    }
  va_end (args);

  if (!ok)
    g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT,
                             "A required id is missing");
  return ok;
}
#define END_IDS ((const char *) 1)

static gboolean
report_missing_tagged (RosterAdminApi      *self,
                       gpointer             source_tag,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data,
                       const char          *first,
                       ...)
{
  va_list args;
  const char *value = first;
  gboolean missing = FALSE;

  va_start (args, first);
  for (int i = 0; ; i++)
    {
      if (i > 0)
        value = va_arg (args, const char *);
      if (value == ((const char *) 1))
        break;
      if (value == NULL || *value == '\0')
        missing = TRUE;
    }
  va_end (args);

  if (missing)
    {
      GTask *task = g_task_new (self, NULL, callback, user_data);

      g_task_set_source_tag (task, source_tag);
      g_task_set_task_data (task, g_new0 (guint, 1), g_free);
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT,
                               "A required id is missing");
      g_object_unref (task);
    }
  return missing;
}


/* Running an async call to completion on a private main context: call_async
 * passes `_roster_sync_call_done, &sync_data`, finish_expr reads `sync_data.result`. */

#define RUN_SYNC(call_async, finish_expr)                  \
  G_STMT_START {                                           \
    g_auto(RosterSyncCall) sync_data = { NULL };           \
    _roster_sync_call_begin (&sync_data);                  \
    call_async;                                            \
    _roster_sync_call_wait (&sync_data);                   \
    finish_expr;                                           \
  } G_STMT_END

/* Lists: every page, parsed into GObjects */

typedef gpointer (*ItemParser) (JsonNode *node, GError **error);

typedef struct
{
  RosterHttp       *http;          /* (owned) */
  char             *method;
  char             *path;          /* first page, with its query */
  char             *base_path;     /* for ?cursor= pages, without query */
  JsonNode         *body;          /* (owned) (nullable) first page body */
  gboolean          post_cursor_only; /* next page body is {"cursor":…} alone */
  ItemParser        parser;
  GPtrArray        *items;         /* (owned) */
  RosterPagerState  pager;
} ListJob;

static void
list_job_free (gpointer data)
{
  ListJob *job = data;

  g_clear_object (&job->http);
  g_free (job->method);
  g_free (job->path);
  g_free (job->base_path);
  g_clear_pointer (&job->body, json_node_unref);
  g_clear_pointer (&job->items, g_ptr_array_unref);
  roster_pager_state_clear (&job->pager);
  g_free (job);
}

static void list_page_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data);

static void
list_fetch (GTask      *task,
            const char *next)
{
  ListJob *job = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) body = NULL;

  if (next == NULL)
    {
      path = g_strdup (job->path);
      body = job->body ? json_node_ref (job->body) : NULL;
    }
  else if (g_str_equal (job->method, "POST"))
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      path = g_strdup (job->path);
      if (job->post_cursor_only || job->body == NULL)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "cursor");
          json_builder_add_string_value (builder, next);
          json_builder_end_object (builder);
          body = json_builder_get_root (builder);
        }
      else
        {
          body = json_node_copy (job->body);
          json_object_set_string_member (json_node_get_object (body), "cursor", next);
        }
    }
  else if (strstr (next, "://") != NULL)
    {
      /* v1 lists give the full URL; RosterHttp refuses another origin. */
      path = g_strdup (next);
    }
  else
    {
      g_autofree char *escaped = g_uri_escape_string (next, NULL, FALSE);

      path = g_strdup_printf ("%s%scursor=%s", job->base_path,
                              strchr (job->base_path, '?') ? "&" : "?", escaped);
    }

  roster_http_request_async (job->http, job->method, path, body, ROSTER_HTTP_FLAGS_READ,
                             cancellable, list_page_cb, task);
}

static void
list_page_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ListJob *job = g_task_get_task_data (task);
  g_autoptr(RosterHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *next = NULL;
  JsonArray *items;

  response = roster_http_request_finish (ROSTER_HTTP (object), result, &error);
  if (response == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!(items = roster_pager_get_items (job->pager.scheme, response->json, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      gpointer item = job->parser (json_array_get_element (items, i), &error);

      if (item == NULL)
        {
          g_prefix_error (&error, "Item %u of %s: ", i, job->base_path);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_ptr_array_add (job->items, item);
    }

  if (!roster_pager_next (&job->pager, response->json, response->link_next, &next, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (job->pager.done)
    {
      g_task_return_pointer (task, g_steal_pointer (&job->items),
                             (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  list_fetch (g_steal_pointer (&task), next);
}

static void
start_list (RosterAdminApi      *self,
            gpointer             source_tag,
            const char          *method,
            const char          *path,
            JsonNode            *body,
            gboolean             post_cursor_only,
            ItemParser           parser,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ListJob *job;
  const char *query;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  job = g_new0 (ListJob, 1);
  job->http = g_object_ref (self->http);
  job->method = g_strdup (method);
  job->path = g_strdup (path);
  query = strchr (path, '?');
  job->base_path = query ? g_strndup (path, query - path) : g_strdup (path);
  job->body = body ? json_node_ref (body) : NULL;
  job->post_cursor_only = post_cursor_only;
  job->parser = parser;
  job->items = g_ptr_array_new_with_free_func (g_object_unref);
  roster_pager_state_init (&job->pager, ROSTER_PAGER_ADMIN_CURSOR);
  g_task_set_task_data (task, job, list_job_free);

  list_fetch (g_steal_pointer (&task), NULL);
}

static GPtrArray *
finish_list (RosterAdminApi  *self,
             GAsyncResult    *result,
             gpointer         source_tag,
             GError         **error)
{
  g_return_val_if_fail (ROSTER_IS_ADMIN_API (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Single requests whose JSON is handed to a parser */

typedef gpointer (*ResponseParser) (RosterHttpResponse *response, GError **error);

typedef struct
{
  ResponseParser  parser;
  GDestroyNotify  destroy;
} SimpleJob;

static void
simple_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SimpleJob *job = g_task_get_task_data (task);
  g_autoptr(RosterHttpResponse) response = NULL;
  GError *error = NULL;
  gpointer value;

  response = roster_http_request_finish (ROSTER_HTTP (object), result, &error);
  if (response == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (!(value = job->parser (response, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, value, job->destroy);
}

static void
start_simple (RosterAdminApi      *self,
              RosterHttp          *http,
              gpointer             source_tag,
              const char          *method,
              const char          *path,
              JsonNode            *body,
              ResponseParser       parser,
              GDestroyNotify       destroy,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  GTask *task;
  SimpleJob *job;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  job = g_new0 (SimpleJob, 1);
  job->parser = parser;
  job->destroy = destroy;
  g_task_set_task_data (task, job, g_free);

  roster_http_request_async (http, method, path, body, ROSTER_HTTP_FLAGS_READ, cancellable,
                             simple_cb, task);
}

static gpointer
finish_simple (RosterAdminApi  *self,
               GAsyncResult    *result,
               gpointer         source_tag,
               GError         **error)
{
  g_return_val_if_fail (ROSTER_IS_ADMIN_API (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static JsonObject *
response_object (RosterHttpResponse  *response,
                 GError             **error)
{
  if (response->json == NULL || !JSON_NODE_HOLDS_OBJECT (response->json))
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                   "The response is not a JSON object");
      return NULL;
    }
  return json_node_get_object (response->json);
}

static gpointer
parse_org_response (RosterHttpResponse  *response,
                    GError             **error)
{
  return roster_org_new_from_json (response->json, error);
}

static gpointer
parse_whole_json (RosterHttpResponse  *response,
                  GError             **error)
{
  if (!response_object (response, error))
    return NULL;
  return json_node_ref (response->json);
}

static gpointer
parse_count (RosterHttpResponse  *response,
             GError             **error)
{
  JsonObject *object = response_object (response, error);
  JsonNode *node;
  guint64 *count;

  if (object == NULL)
    return NULL;
  if (!json_object_has_member (object, "count") ||
      !JSON_NODE_HOLDS_VALUE (node = json_object_get_member (object, "count")) ||
      json_node_get_value_type (node) != G_TYPE_INT64 || json_node_get_int (node) < 0)
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                   "The user count has no numeric “count”");
      return NULL;
    }
  count = g_new (guint64, 1);
  *count = (guint64) json_node_get_int (node);
  return count;
}

/* GObject */

static void
roster_admin_api_dispose (GObject *object)
{
  RosterAdminApi *self = (RosterAdminApi *) object;

  g_clear_object (&self->http);
  g_clear_object (&self->um_http);

  G_OBJECT_CLASS (roster_admin_api_parent_class)->dispose (object);
}

static void
roster_admin_api_class_init (RosterAdminApiClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = roster_admin_api_dispose;
}

static void
roster_admin_api_init (RosterAdminApi *self)
{
}

/* Public API */

RosterAdminApi *
roster_admin_api_new (const char  *admin_url,
                      const char  *api_key,
                      GError     **error)
{
  g_autoptr(RosterAdminApi) self = NULL;
  g_autoptr(RosterHttp) http = NULL;
  g_autoptr(RosterHttp) um_http = NULL;
  g_autofree char *um_url = NULL;
  const char *base;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(http = roster_http_new (admin_url, error)))
    return NULL;

  base = roster_http_get_base_url (http);
  if (g_str_has_suffix (base, "/admin"))
    um_url = g_strndup (base, strlen (base) - strlen ("/admin"));
  else
    {
      g_autoptr(GUri) uri = g_uri_parse (base, G_URI_FLAGS_ENCODED, NULL);

      um_url = uri ? g_uri_join (G_URI_FLAGS_ENCODED, g_uri_get_scheme (uri), NULL,
                                 g_uri_get_host (uri), g_uri_get_port (uri), "", NULL, NULL)
                   : g_strdup (base);
    }

  if (!(um_http = roster_http_new (um_url, error)))
    return NULL;

  self = g_object_new (ROSTER_TYPE_ADMIN_API, NULL);
  self->http = g_steal_pointer (&http);
  self->um_http = g_steal_pointer (&um_http);
  roster_admin_api_set_api_key (self, api_key);

  return g_steal_pointer (&self);
}

const char *
roster_admin_api_get_admin_url (RosterAdminApi *self)
{
  g_return_val_if_fail (ROSTER_IS_ADMIN_API (self), NULL);
  return roster_http_get_base_url (self->http);
}

RosterHttp *
roster_admin_api_get_http (RosterAdminApi *self)
{
  g_return_val_if_fail (ROSTER_IS_ADMIN_API (self), NULL);
  return self->http;
}

RosterHttp *
roster_admin_api_get_user_management_http (RosterAdminApi *self)
{
  g_return_val_if_fail (ROSTER_IS_ADMIN_API (self), NULL);
  return self->um_http;
}

void
roster_admin_api_set_api_key (RosterAdminApi *self,
                              const char     *api_key)
{
  g_return_if_fail (ROSTER_IS_ADMIN_API (self));

  roster_http_set_bearer_token (self->http, api_key);
  roster_http_set_bearer_token (self->um_http, api_key);
}

void
roster_admin_api_set_retry_policy (RosterAdminApi *self,
                                   guint           max_retries,
                                   guint           base_delay_ms,
                                   guint           max_delay_ms)
{
  g_return_if_fail (ROSTER_IS_ADMIN_API (self));

  roster_http_set_retry_policy (self->http, max_retries, base_delay_ms, max_delay_ms);
  roster_http_set_retry_policy (self->um_http, max_retries, base_delay_ms, max_delay_ms);
}

void
roster_admin_api_set_max_concurrent (RosterAdminApi *self,
                                     guint           max_concurrent)
{
  g_return_if_fail (ROSTER_IS_ADMIN_API (self));

  roster_http_set_max_concurrent (self->http, max_concurrent);
  roster_http_set_max_concurrent (self->um_http, max_concurrent);
}

/* Orgs, domains, directories, workspaces */

void
roster_admin_api_list_orgs_async (RosterAdminApi      *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (ROSTER_IS_ADMIN_API (self));

  start_list (self, roster_admin_api_list_orgs_async, "GET", "/v1/orgs", NULL, FALSE,
              (ItemParser) roster_org_new_from_json, cancellable, callback, user_data);
}

GPtrArray *
roster_admin_api_list_orgs_finish (RosterAdminApi  *self,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  return finish_list (self, result, roster_admin_api_list_orgs_async, error);
}

GPtrArray *
roster_admin_api_list_orgs_sync (RosterAdminApi  *self,
                                 GCancellable    *cancellable,
                                 GError         **error)
{
  GPtrArray *ret = NULL;

  g_return_val_if_fail (ROSTER_IS_ADMIN_API (self), NULL);

  RUN_SYNC (roster_admin_api_list_orgs_async (self, cancellable, _roster_sync_call_done,
                                               &sync_data),
            ret = roster_admin_api_list_orgs_finish (self, sync_data.result, error));
  return ret;
}

void
roster_admin_api_get_org_async (RosterAdminApi      *self,
                                const char          *org_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (ROSTER_IS_ADMIN_API (self));

  if (org_id == NULL || *org_id == '\0')
    {
      g_task_report_new_error (self, callback, user_data, roster_admin_api_get_org_async,
                               ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT, "No org id given");
      return;
    }

  path = build_path ("/v1/orgs/", org_id, NULL);
  start_simple (self, self->http, roster_admin_api_get_org_async, "GET", path, NULL,
                parse_org_response, g_object_unref, cancellable, callback, user_data);
}

RosterOrg *
roster_admin_api_get_org_finish (RosterAdminApi  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  return finish_simple (self, result, roster_admin_api_get_org_async, error);
}

void
roster_admin_api_list_domains_async (RosterAdminApi      *self,
                                     const char          *org_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (ROSTER_IS_ADMIN_API (self));

  if (report_missing_tagged (self, roster_admin_api_list_domains_async, callback, user_data,
                             org_id, END_IDS))
    return;
  path = build_path ("/v1/orgs/", org_id, "/domains", NULL);
  start_list (self, roster_admin_api_list_domains_async, "GET", path, NULL, FALSE,
              (ItemParser) roster_domain_new_from_json, cancellable, callback, user_data);
}

GPtrArray *
roster_admin_api_list_domains_finish (RosterAdminApi  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  return finish_list (self, result, roster_admin_api_list_domains_async, error);
}

void
roster_admin_api_list_directories_async (RosterAdminApi      *self,
                                         const char          *org_id,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (ROSTER_IS_ADMIN_API (self));

  if (report_missing_tagged (self, roster_admin_api_list_directories_async, callback, user_data,
                             org_id, END_IDS))
    return;
  path = build_path ("/v2/orgs/", org_id, "/directories?limit=100", NULL);
  start_list (self, roster_admin_api_list_directories_async, "GET", path, NULL, FALSE,
              (ItemParser) roster_directory_new_from_json, cancellable, callback, user_data);
}

GPtrArray *
roster_admin_api_list_directories_finish (RosterAdminApi  *self,
                                          GAsyncResult    *result,
                                          GError         **error)
{
  return finish_list (self, result, roster_admin_api_list_directories_async, error);
}

GPtrArray *
roster_admin_api_list_directories_sync (RosterAdminApi  *self,
                                        const char      *org_id,
                                        GCancellable    *cancellable,
                                        GError         **error)
{
  GPtrArray *ret = NULL;

  g_return_val_if_fail (ROSTER_IS_ADMIN_API (self), NULL);

  RUN_SYNC (roster_admin_api_list_directories_async (self, org_id, cancellable,
                                                     _roster_sync_call_done, &sync_data),
            ret = roster_admin_api_list_directories_finish (self, sync_data.result, error));
  return ret;
}

void
roster_admin_api_list_workspaces_async (RosterAdminApi      *self,
                                        const char          *org_id,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (ROSTER_IS_ADMIN_API (self));

  if (report_missing_tagged (self, roster_admin_api_list_workspaces_async, callback, user_data,
                             org_id, END_IDS))
    return;
  path = build_path ("/v2/orgs/", org_id, "/workspaces", NULL);
  body = json_from_string ("{\"limit\":100}", NULL);
  start_list (self, roster_admin_api_list_workspaces_async, "POST", path, body, TRUE,
              (ItemParser) roster_workspace_new_from_json, cancellable, callback, user_data);
}

GPtrArray *
roster_admin_api_list_workspaces_finish (RosterAdminApi  *self,
                                         GAsyncResult    *result,
                                         GError         **error)
{
  return finish_list (self, result, roster_admin_api_list_workspaces_async, error);
}

/* Users */

static JsonNode *
build_search_body (JsonNode   *filter_body,
                   const char *cursor,
                   guint       limit)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;
  JsonArray *expand;
  const char *expand_values[] = { ROSTER_ADMIN_API_USER_EXPAND };

  if (filter_body != NULL && JSON_NODE_HOLDS_OBJECT (filter_body))
    node = json_node_copy (filter_body);
  else
    node = json_node_init_object (json_node_alloc (), json_object_new ());
  object = json_node_get_object (node);

  expand = json_array_new ();
  for (guint i = 0; i < G_N_ELEMENTS (expand_values); i++)
    json_array_add_string_element (expand, expand_values[i]);
  json_object_set_array_member (object, "expand", expand);
  json_object_set_int_member (object, "limit", limit == 0 ? PAGE_LIMIT : MIN (limit, 100));
  if (cursor != NULL && *cursor != '\0')
    json_object_set_string_member (object, "cursor", cursor);
  else if (json_object_has_member (object, "cursor"))
    json_object_remove_member (object, "cursor");

  return g_steal_pointer (&node);
}

static void
search_page_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  RosterHttpResponse *response;

  response = roster_http_request_finish (ROSTER_HTTP (object), result, &error);
  if (response == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, response, (GDestroyNotify) roster_http_response_free);
}

void
roster_admin_api_search_users_page_async (RosterAdminApi      *self,
                                          const char          *org_id,
                                          const char          *directory_id,
                                          JsonNode            *filter_body,
                                          const char          *cursor,
                                          guint                limit,
                                          RosterHttpFlags      flags,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (ROSTER_IS_ADMIN_API (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_admin_api_search_users_page_async);
  if (!check_ids (task, org_id, directory_id, END_IDS))
    return;

  path = build_path ("/v2/orgs/", org_id, "/directories/", directory_id, "/users/search", NULL);
  body = build_search_body (filter_body, cursor, limit);
  roster_http_request_async (self->http, "POST", path, body, flags | ROSTER_HTTP_FLAGS_READ,
                             cancellable, search_page_cb, g_steal_pointer (&task));
}

RosterHttpResponse *
roster_admin_api_search_users_page_finish (RosterAdminApi  *self,
                                           GAsyncResult    *result,
                                           GError         **error)
{
  return finish_simple (self, result, roster_admin_api_search_users_page_async, error);
}

RosterHttpResponse *
roster_admin_api_search_users_page_sync (RosterAdminApi  *self,
                                         const char      *org_id,
                                         const char      *directory_id,
                                         JsonNode        *filter_body,
                                         const char      *cursor,
                                         guint            limit,
                                         RosterHttpFlags  flags,
                                         GCancellable    *cancellable,
                                         GError         **error)
{
  RosterHttpResponse *ret = NULL;

  g_return_val_if_fail (ROSTER_IS_ADMIN_API (self), NULL);

  RUN_SYNC (roster_admin_api_search_users_page_async (self, org_id, directory_id, filter_body,
                                                      cursor, limit, flags, cancellable,
                                                      _roster_sync_call_done, &sync_data),
            ret = roster_admin_api_search_users_page_finish (self, sync_data.result, error));
  return ret;
}

/* Users by id: concurrent batches */

typedef struct
{
  GPtrArray *users;        /* (owned) JsonNode */
  GError    *error;        /* (owned) (nullable) first error */
  guint      n_pending;
} ByIdsJob;

static void
by_ids_job_free (gpointer data)
{
  ByIdsJob *job = data;

  g_clear_pointer (&job->users, g_ptr_array_unref);
  g_clear_error (&job->error);
  g_free (job);
}

static void
by_ids_batch_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ByIdsJob *job = g_task_get_task_data (task);
  g_autoptr(RosterHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  response = roster_http_request_finish (ROSTER_HTTP (object), result, &error);
  if (response != NULL)
    {
      JsonArray *items = roster_pager_get_items (ROSTER_PAGER_ADMIN_CURSOR, response->json,
                                                 &error);

      for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
        {
          JsonNode *item = json_array_get_element (items, i);

          if (!JSON_NODE_HOLDS_OBJECT (item))
            {
              g_set_error (&error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                           "A user in a search page is not an object");
              break;
            }
          g_ptr_array_add (job->users, json_node_ref (item));
        }
    }

  if (error != NULL && job->error == NULL)
    job->error = g_steal_pointer (&error);

  /* Every batch completes before the task does, so nothing outlives it. */
  if (--job->n_pending > 0)
    return;

  if (job->error != NULL)
    g_task_return_error (task, g_steal_pointer (&job->error));
  else
    g_task_return_pointer (task, g_steal_pointer (&job->users),
                           (GDestroyNotify) g_ptr_array_unref);
}

void
roster_admin_api_get_users_by_ids_async (RosterAdminApi      *self,
                                         const char          *org_id,
                                         const char          *directory_id,
                                         const char * const  *account_ids,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;
  ByIdsJob *job;
  guint n_ids;

  g_return_if_fail (ROSTER_IS_ADMIN_API (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_admin_api_get_users_by_ids_async);
  if (!check_ids (task, org_id, directory_id, END_IDS))
    return;

  job = g_new0 (ByIdsJob, 1);
  job->users = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_task_set_task_data (task, job, by_ids_job_free);

  n_ids = account_ids ? g_strv_length ((char **) account_ids) : 0;
  if (n_ids == 0)
    {
      g_task_return_pointer (task, g_steal_pointer (&job->users),
                             (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  path = build_path ("/v2/orgs/", org_id, "/directories/", directory_id, "/users/search", NULL);
  job->n_pending = (n_ids + USERS_PER_ID_BATCH - 1) / USERS_PER_ID_BATCH;

  for (guint start = 0; start < n_ids; start += USERS_PER_ID_BATCH)
    {
      g_autoptr(JsonNode) filter = json_node_init_object (json_node_alloc (), json_object_new ());
      g_autoptr(JsonNode) body = NULL;
      JsonArray *ids = json_array_new ();

      for (guint i = start; i < MIN (start + USERS_PER_ID_BATCH, n_ids); i++)
        json_array_add_string_element (ids, account_ids[i]);
      json_object_set_array_member (json_node_get_object (filter), "accountIds", ids);
      body = build_search_body (filter, NULL, PAGE_LIMIT);

      roster_http_request_async (self->http, "POST", path, body, ROSTER_HTTP_FLAGS_READ,
                                 cancellable, by_ids_batch_cb, g_object_ref (task));
    }
}

GPtrArray *
roster_admin_api_get_users_by_ids_finish (RosterAdminApi  *self,
                                          GAsyncResult    *result,
                                          GError         **error)
{
  return finish_simple (self, result, roster_admin_api_get_users_by_ids_async, error);
}

GPtrArray *
roster_admin_api_get_users_by_ids_sync (RosterAdminApi      *self,
                                        const char          *org_id,
                                        const char          *directory_id,
                                        const char * const  *account_ids,
                                        GCancellable        *cancellable,
                                        GError             **error)
{
  GPtrArray *ret = NULL;

  g_return_val_if_fail (ROSTER_IS_ADMIN_API (self), NULL);

  RUN_SYNC (roster_admin_api_get_users_by_ids_async (self, org_id, directory_id, account_ids,
                                                     cancellable, _roster_sync_call_done,
                                                     &sync_data),
            ret = roster_admin_api_get_users_by_ids_finish (self, sync_data.result, error));
  return ret;
}

/* Counts and stats */

void
roster_admin_api_count_users_async (RosterAdminApi      *self,
                                    const char          *org_id,
                                    const char          *directory_id,
                                    const char          *query,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autofree char *base = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (ROSTER_IS_ADMIN_API (self));

  if (report_missing_tagged (self, roster_admin_api_count_users_async, callback, user_data,
                             org_id, directory_id, END_IDS))
    return;
  base = build_path ("/v2/orgs/", org_id, "/directories/", directory_id, "/users/count", NULL);
  path = query && *query ? g_strconcat (base, "?", query, NULL) : g_strdup (base);
  start_simple (self, self->http, roster_admin_api_count_users_async, "GET", path, NULL,
                parse_count, g_free, cancellable, callback, user_data);
}

gboolean
roster_admin_api_count_users_finish (RosterAdminApi  *self,
                                     GAsyncResult    *result,
                                     guint64         *out_count,
                                     GError         **error)
{
  g_autofree guint64 *count = finish_simple (self, result, roster_admin_api_count_users_async,
                                             error);

  if (count == NULL)
    return FALSE;
  if (out_count)
    *out_count = *count;
  return TRUE;
}

gboolean
roster_admin_api_count_users_sync (RosterAdminApi  *self,
                                   const char      *org_id,
                                   const char      *directory_id,
                                   const char      *query,
                                   guint64         *out_count,
                                   GCancellable    *cancellable,
                                   GError         **error)
{
  gboolean ret = FALSE;

  g_return_val_if_fail (ROSTER_IS_ADMIN_API (self), FALSE);

  RUN_SYNC (roster_admin_api_count_users_async (self, org_id, directory_id, query, cancellable,
                                                _roster_sync_call_done, &sync_data),
            ret = roster_admin_api_count_users_finish (self, sync_data.result, out_count, error));
  return ret;
}

void
roster_admin_api_user_stats_async (RosterAdminApi      *self,
                                   const char          *org_id,
                                   const char          *directory_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (ROSTER_IS_ADMIN_API (self));

  if (report_missing_tagged (self, roster_admin_api_user_stats_async, callback, user_data,
                             org_id, directory_id, END_IDS))
    return;
  path = build_path ("/v2/orgs/", org_id, "/directories/", directory_id, "/users/stats", NULL);
  start_simple (self, self->http, roster_admin_api_user_stats_async, "GET", path, NULL,
                parse_whole_json, (GDestroyNotify) json_node_unref, cancellable, callback,
                user_data);
}

JsonNode *
roster_admin_api_user_stats_finish (RosterAdminApi  *self,
                                    GAsyncResult    *result,
                                    GError         **error)
{
  return finish_simple (self, result, roster_admin_api_user_stats_async, error);
}

/* Last-active dates: pages merged */

typedef struct
{
  char      *path;
  JsonNode  *merged;     /* (owned) (nullable) the "data" object */
  RosterPagerState pager;
} LastActiveJob;

static void
last_active_job_free (gpointer data)
{
  LastActiveJob *job = data;

  g_free (job->path);
  g_clear_pointer (&job->merged, json_node_unref);
  roster_pager_state_clear (&job->pager);
  g_free (job);
}

static void
last_active_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LastActiveJob *job = g_task_get_task_data (task);
  g_autoptr(RosterHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *next = NULL;
  JsonObject *root;
  JsonNode *data;

  response = roster_http_request_finish (ROSTER_HTTP (object), result, &error);
  if (response == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!(root = response_object (response, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!json_object_has_member (root, "data") ||
      !JSON_NODE_HOLDS_OBJECT (data = json_object_get_member (root, "data")))
    {
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                               "Last-active dates have no “data” object");
      return;
    }

  if (job->merged == NULL)
    job->merged = json_node_copy (data);
  else
    {
      JsonObject *merged = json_node_get_object (job->merged);
      JsonObject *page = json_node_get_object (data);

      if (json_object_has_member (page, "product_access") &&
          JSON_NODE_HOLDS_ARRAY (json_object_get_member (page, "product_access")))
        {
          JsonArray *more = json_object_get_array_member (page, "product_access");
          JsonArray *all;

          if (!json_object_has_member (merged, "product_access") ||
              !JSON_NODE_HOLDS_ARRAY (json_object_get_member (merged, "product_access")))
            json_object_set_array_member (merged, "product_access", json_array_new ());
          all = json_object_get_array_member (merged, "product_access");
          for (guint i = 0; i < json_array_get_length (more); i++)
            json_array_add_element (all, json_node_copy (json_array_get_element (more, i)));
        }
    }

  /* The pager wants "data" to be an array; read links.next by hand. */
  {
    JsonObject *links = _roster_json_peek_object (root, "links");
    const char *next_link = _roster_json_peek_string (links, "next");

    if (next_link != NULL && *next_link != '\0')
      next = g_strdup (next_link);
  }

  if (next == NULL || job->pager.n_pages++ > 1000 ||
      g_hash_table_contains (job->pager.seen, next))
    {
      g_task_return_pointer (task, g_steal_pointer (&job->merged),
                             (GDestroyNotify) json_node_unref);
      return;
    }
  g_hash_table_add (job->pager.seen, g_strdup (next));

  {
    g_autofree char *escaped = g_uri_escape_string (next, NULL, FALSE);
    g_autofree char *path = strstr (next, "://") ? g_strdup (next)
                                                  : g_strconcat (job->path, "?cursor=", escaped,
                                                                 NULL);
    GCancellable *cancellable = g_task_get_cancellable (task);

    roster_http_request_async (ROSTER_HTTP (object), "GET", path, NULL, ROSTER_HTTP_FLAGS_NONE,
                               cancellable, last_active_cb, g_steal_pointer (&task));
  }
}

void
roster_admin_api_last_active_dates_async (RosterAdminApi      *self,
                                          const char          *org_id,
                                          const char          *account_id,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LastActiveJob *job;

  g_return_if_fail (ROSTER_IS_ADMIN_API (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_admin_api_last_active_dates_async);
  if (!check_ids (task, org_id, account_id, END_IDS))
    return;

  job = g_new0 (LastActiveJob, 1);
  job->path = build_path ("/v1/orgs/", org_id, "/directory/users/", account_id,
                          "/last-active-dates", NULL);
  roster_pager_state_init (&job->pager, ROSTER_PAGER_ADMIN_CURSOR);
  g_task_set_task_data (task, job, last_active_job_free);

  roster_http_request_async (self->http, "GET", job->path, NULL, ROSTER_HTTP_FLAGS_NONE,
                             cancellable, last_active_cb, g_steal_pointer (&task));
}

JsonNode *
roster_admin_api_last_active_dates_finish (RosterAdminApi  *self,
                                           GAsyncResult    *result,
                                           GError         **error)
{
  return finish_simple (self, result, roster_admin_api_last_active_dates_async, error);
}

/* Groups */

void
roster_admin_api_search_groups_async (RosterAdminApi      *self,
                                      const char          *org_id,
                                      const char          *directory_id,
                                      const char          *search_term,
                                      const char          *account_id,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (ROSTER_IS_ADMIN_API (self));

  if (report_missing_tagged (self, roster_admin_api_search_groups_async, callback, user_data,
                             org_id, directory_id, END_IDS))
    return;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "limit");
  json_builder_add_int_value (builder, PAGE_LIMIT);
  json_builder_set_member_name (builder, "expand");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "counts.users");
  json_builder_end_array (builder);
  if (search_term != NULL && *search_term != '\0')
    {
      json_builder_set_member_name (builder, "searchTerm");
      json_builder_add_string_value (builder, search_term);
    }
  if (account_id != NULL && *account_id != '\0')
    {
      json_builder_set_member_name (builder, "accountIds");
      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, account_id);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  path = build_path ("/v2/orgs/", org_id, "/directories/", directory_id, "/groups/search", NULL);
  start_list (self, roster_admin_api_search_groups_async, "POST", path, body, FALSE,
              (ItemParser) roster_group_new_from_json, cancellable, callback, user_data);
}

GPtrArray *
roster_admin_api_search_groups_finish (RosterAdminApi  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  return finish_list (self, result, roster_admin_api_search_groups_async, error);
}

/* Writes */

static void
write_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  guint *status = g_task_get_task_data (task);
  g_autoptr(RosterHttpResponse) response = NULL;
  GError *error = NULL;

  response = roster_http_request_finish (ROSTER_HTTP (object), result, &error);
  if (response == NULL)
    {
      *status = roster_http_error_get_status (error);
      g_task_return_error (task, error);
      return;
    }

  *status = response->status;
  g_task_return_boolean (task, TRUE);
}

static void
start_write (RosterAdminApi      *self,
             RosterHttp          *http,
             const char          *method,
             const char          *path,
             JsonNode            *body,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  GTask *task;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_admin_api_write_finish);
  g_task_set_task_data (task, g_new0 (guint, 1), g_free);

  /* Empty bodies on writes (suspend/restore) are sent without JSON at all;
   * the body of a 2xx is not needed, so RAW avoids decoding a message text. */
  roster_http_request_async (http, method, path, body, ROSTER_HTTP_FLAGS_RAW, cancellable,
                             write_cb, task);
}

static void
directory_user_write (RosterAdminApi      *self,
                      const char          *org_id,
                      const char          *directory_id,
                      const char          *account_id,
                      const char          *action,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autofree char *path = NULL;

  if (report_missing_tagged (self, roster_admin_api_write_finish, callback, user_data,
                             org_id, directory_id, account_id, END_IDS))
    return;

  path = build_path ("/v2/orgs/", org_id, "/directories/", directory_id, "/users/", account_id,
                     action, NULL);
  start_write (self, self->http, "POST", path, NULL, cancellable, callback, user_data);
}

void
roster_admin_api_suspend_user_async (RosterAdminApi      *self,
                                     const char          *org_id,
                                     const char          *directory_id,
                                     const char          *account_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (ROSTER_IS_ADMIN_API (self));

  directory_user_write (self, org_id, directory_id, account_id, "/suspend", cancellable,
                        callback, user_data);
}

void
roster_admin_api_restore_user_async (RosterAdminApi      *self,
                                     const char          *org_id,
                                     const char          *directory_id,
                                     const char          *account_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (ROSTER_IS_ADMIN_API (self));

  directory_user_write (self, org_id, directory_id, account_id, "/restore", cancellable,
                        callback, user_data);
}

void
roster_admin_api_disable_account_async (RosterAdminApi      *self,
                                        const char          *account_id,
                                        const char          *message,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (ROSTER_IS_ADMIN_API (self));

  if (report_missing_tagged (self, roster_admin_api_write_finish, callback, user_data,
                             account_id, END_IDS))
    return;

  if (message != NULL && *message != '\0')
    {
      body = json_node_init_object (json_node_alloc (), json_object_new ());
      json_object_set_string_member (json_node_get_object (body), "message", message);
    }
  path = build_path ("/users/", account_id, "/manage/lifecycle/disable", NULL);
  start_write (self, self->um_http, "POST", path, body, cancellable, callback, user_data);
}

void
roster_admin_api_enable_account_async (RosterAdminApi      *self,
                                       const char          *account_id,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (ROSTER_IS_ADMIN_API (self));

  if (report_missing_tagged (self, roster_admin_api_write_finish, callback, user_data,
                             account_id, END_IDS))
    return;

  path = build_path ("/users/", account_id, "/manage/lifecycle/enable", NULL);
  start_write (self, self->um_http, "POST", path, NULL, cancellable, callback, user_data);
}

static void
role_write (RosterAdminApi      *self,
            const char          *org_id,
            const char          *account_id,
            const char          *role,
            const char          *resource,
            const char          *action,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) body = NULL;
  JsonObject *object;

  if (report_missing_tagged (self, roster_admin_api_write_finish, callback, user_data,
                             org_id, account_id, role, END_IDS))
    return;

  body = json_node_init_object (json_node_alloc (), json_object_new ());
  object = json_node_get_object (body);
  json_object_set_string_member (object, "role", role);
  if (resource != NULL && *resource != '\0')
    json_object_set_string_member (object, "resource", resource);

  path = build_path ("/v1/orgs/", org_id, "/users/", account_id, action, NULL);
  start_write (self, self->http, "POST", path, body, cancellable, callback, user_data);
}

void
roster_admin_api_assign_role_async (RosterAdminApi      *self,
                                    const char          *org_id,
                                    const char          *account_id,
                                    const char          *role,
                                    const char          *resource,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (ROSTER_IS_ADMIN_API (self));

  role_write (self, org_id, account_id, role, resource, "/roles/assign", cancellable,
              callback, user_data);
}

void
roster_admin_api_revoke_role_async (RosterAdminApi      *self,
                                    const char          *org_id,
                                    const char          *account_id,
                                    const char          *role,
                                    const char          *resource,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (ROSTER_IS_ADMIN_API (self));

  role_write (self, org_id, account_id, role, resource, "/roles/revoke", cancellable,
              callback, user_data);
}

void
roster_admin_api_add_group_member_async (RosterAdminApi      *self,
                                         const char          *org_id,
                                         const char          *directory_id,
                                         const char          *group_id,
                                         const char          *account_id,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (ROSTER_IS_ADMIN_API (self));

  if (report_missing_tagged (self, roster_admin_api_write_finish, callback, user_data,
                             org_id, directory_id, group_id, account_id,
                      END_IDS))
    return;

  body = json_node_init_object (json_node_alloc (), json_object_new ());
  json_object_set_string_member (json_node_get_object (body), "accountId", account_id);
  path = build_path ("/v2/orgs/", org_id, "/directories/", directory_id, "/groups/", group_id,
                     "/memberships", NULL);
  start_write (self, self->http, "POST", path, body, cancellable, callback, user_data);
}

void
roster_admin_api_remove_group_member_async (RosterAdminApi      *self,
                                            const char          *org_id,
                                            const char          *directory_id,
                                            const char          *group_id,
                                            const char          *account_id,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (ROSTER_IS_ADMIN_API (self));

  if (report_missing_tagged (self, roster_admin_api_write_finish, callback, user_data,
                             org_id, directory_id, group_id, account_id,
                      END_IDS))
    return;

  path = build_path ("/v2/orgs/", org_id, "/directories/", directory_id, "/groups/", group_id,
                     "/memberships/", account_id, NULL);
  start_write (self, self->http, "DELETE", path, NULL, cancellable, callback, user_data);
}

gboolean
roster_admin_api_write_finish (RosterAdminApi  *self,
                               GAsyncResult    *result,
                               guint           *out_http_status,
                               GError         **error)
{
  guint *status;

  g_return_val_if_fail (ROSTER_IS_ADMIN_API (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == roster_admin_api_write_finish,
                        FALSE);

  status = g_task_get_task_data (G_TASK (result));
  if (out_http_status)
    *out_http_status = status ? *status : 0;

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
roster_admin_api_write_sync (RosterAdminApi    *self,
                             RosterAdminWrite   write,
                             const char        *org_id,
                             const char        *directory_id,
                             const char        *account_id,
                             guint             *out_http_status,
                             GCancellable      *cancellable,
                             GError           **error)
{
  gboolean ret = FALSE;

  g_return_val_if_fail (ROSTER_IS_ADMIN_API (self), FALSE);

  switch (write)
    {
    case ROSTER_ADMIN_WRITE_SUSPEND:
      RUN_SYNC (roster_admin_api_suspend_user_async (self, org_id, directory_id, account_id,
                                                     cancellable, _roster_sync_call_done,
                                                     &sync_data),
                ret = roster_admin_api_write_finish (self, sync_data.result, out_http_status,
                                                     error));
      break;
    case ROSTER_ADMIN_WRITE_RESTORE:
      RUN_SYNC (roster_admin_api_restore_user_async (self, org_id, directory_id, account_id,
                                                     cancellable, _roster_sync_call_done,
                                                     &sync_data),
                ret = roster_admin_api_write_finish (self, sync_data.result, out_http_status,
                                                     error));
      break;
    case ROSTER_ADMIN_WRITE_DISABLE_ACCOUNT:
      RUN_SYNC (roster_admin_api_disable_account_async (self, account_id, NULL, cancellable,
                                                        _roster_sync_call_done, &sync_data),
                ret = roster_admin_api_write_finish (self, sync_data.result, out_http_status,
                                                     error));
      break;
    case ROSTER_ADMIN_WRITE_ENABLE_ACCOUNT:
      RUN_SYNC (roster_admin_api_enable_account_async (self, account_id, cancellable,
                                                       _roster_sync_call_done, &sync_data),
                ret = roster_admin_api_write_finish (self, sync_data.result, out_http_status,
                                                     error));
      break;
    default:
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT, "Unknown write %d", write);
      break;
    }

  return ret;
}
