/* roster-confluence.c: RosterSpace and the RosterConfluenceApi client. */
#define G_LOG_DOMAIN "roster-confluence"

#include "config.h"

#include <string.h>

#include "roster-async-private.h"
#include "roster-confluence.h"
#include "roster-error.h"
#include "roster-json-private.h"
#include "roster-site-private.h"

/* RosterSpace */

struct _RosterSpace
{
  GObject parent_instance;
  char   *id;
  char   *key;
  char   *name;
  char   *type;
  char   *status;
};

G_DEFINE_FINAL_TYPE (RosterSpace, roster_space, G_TYPE_OBJECT)

static void
roster_space_finalize (GObject *object)
{
  RosterSpace *self = ROSTER_SPACE (object);

  g_free (self->id);
  g_free (self->key);
  g_free (self->name);
  g_free (self->type);
  g_free (self->status);
  G_OBJECT_CLASS (roster_space_parent_class)->finalize (object);
}

static void
roster_space_class_init (RosterSpaceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = roster_space_finalize;
}

static void
roster_space_init (RosterSpace *self)
{
}

/* Ids may come as numbers; a required member that is an empty string is
 * reported as not a string. */
#define SPACE_OPTIONAL ROSTER_JSON_INT_AS_STRING
#define SPACE_REQUIRED (ROSTER_JSON_REQUIRED | ROSTER_JSON_INT_AS_STRING | \
                        ROSTER_JSON_EMPTY_IS_WRONG_TYPE)

RosterSpace *
roster_space_new_from_json (JsonNode  *node,
                            GError   **error)
{
  g_autoptr(RosterSpace) self = NULL;
  JsonObject *object;

  if (!(object = _roster_json_item_object (node, "space", error)))
    return NULL;
  self = g_object_new (ROSTER_TYPE_SPACE, NULL);
  if (!_roster_json_read_string (object, "space", "id", SPACE_REQUIRED, &self->id, error) ||
      !_roster_json_read_string (object, "space", "key", SPACE_REQUIRED, &self->key, error) ||
      !_roster_json_read_string (object, "space", "name", SPACE_OPTIONAL, &self->name, error) ||
      !_roster_json_read_string (object, "space", "type", SPACE_OPTIONAL, &self->type, error) ||
      !_roster_json_read_string (object, "space", "status", SPACE_OPTIONAL, &self->status, error))
    return NULL;
  if (self->name == NULL)
    self->name = g_strdup (self->key);
  if (self->type == NULL)
    self->type = g_strdup ("global");
  if (self->status == NULL)
    self->status = g_strdup ("current");
  return g_steal_pointer (&self);
}

const char *
roster_space_get_id (RosterSpace *self)
{
  g_return_val_if_fail (ROSTER_IS_SPACE (self), NULL);
  return self->id;
}

const char *
roster_space_get_key (RosterSpace *self)
{
  g_return_val_if_fail (ROSTER_IS_SPACE (self), NULL);
  return self->key;
}

const char *
roster_space_get_name (RosterSpace *self)
{
  g_return_val_if_fail (ROSTER_IS_SPACE (self), NULL);
  return self->name;
}

const char *
roster_space_get_space_type (RosterSpace *self)
{
  g_return_val_if_fail (ROSTER_IS_SPACE (self), NULL);
  return self->type;
}

const char *
roster_space_get_status (RosterSpace *self)
{
  g_return_val_if_fail (ROSTER_IS_SPACE (self), NULL);
  return self->status;
}

void
roster_space_access_free (RosterSpaceAccess *access)
{
  if (access == NULL)
    return;
  g_clear_object (&access->space);
  g_clear_pointer (&access->members, g_hash_table_unref);
  g_clear_pointer (&access->user_ids, g_ptr_array_unref);
  g_clear_pointer (&access->group_ids, g_ptr_array_unref);
  g_free (access);
}

GHashTable *
roster_space_access_to_query_members (GPtrArray *accesses)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) g_hash_table_unref);

  for (guint i = 0; accesses != NULL && i < accesses->len; i++)
    {
      RosterSpaceAccess *access = g_ptr_array_index (accesses, i);

      g_hash_table_replace (table, g_utf8_strup (access->space->key, -1),
                            g_hash_table_ref (access->members));
    }
  return table;
}

/* RosterConfluenceApi */

struct _RosterConfluenceApi
{
  GObject     parent_instance;
  RosterSite *site;
  guint       v2_limit;
  guint       v1_limit;
};

G_DEFINE_FINAL_TYPE (RosterConfluenceApi, roster_confluence_api, G_TYPE_OBJECT)

static void
roster_confluence_api_dispose (GObject *object)
{
  RosterConfluenceApi *self = ROSTER_CONFLUENCE_API (object);

  g_clear_object (&self->site);
  G_OBJECT_CLASS (roster_confluence_api_parent_class)->dispose (object);
}

static void
roster_confluence_api_class_init (RosterConfluenceApiClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = roster_confluence_api_dispose;
}

static void
roster_confluence_api_init (RosterConfluenceApi *self)
{
  self->v2_limit = 250;
  self->v1_limit = 200;
}

RosterConfluenceApi *
roster_confluence_api_new (RosterSite *site)
{
  RosterConfluenceApi *self;

  g_return_val_if_fail (ROSTER_IS_SITE (site), NULL);

  self = g_object_new (ROSTER_TYPE_CONFLUENCE_API, NULL);
  self->site = g_object_ref (site);
  return self;
}

void
roster_confluence_api_set_page_sizes (RosterConfluenceApi *self,
                                      guint                v2_limit,
                                      guint                v1_limit)
{
  g_return_if_fail (ROSTER_IS_CONFLUENCE_API (self));
  self->v2_limit = CLAMP (v2_limit, 1, 250);
  /* The v1 group members call answers 400 above 200. */
  self->v1_limit = CLAMP (v1_limit, 1, 200);
}

static void
spaces_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *spaces;

  if (!(spaces = _roster_site_fetch_all_finish (result, &error)))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, spaces, (GDestroyNotify) g_ptr_array_unref);
}

void
roster_confluence_api_list_spaces_async (RosterConfluenceApi *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ROSTER_IS_CONFLUENCE_API (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_confluence_api_list_spaces_async);
  _roster_site_fetch_all_async (roster_site_get_confluence_http (self->site), "/wiki/api/v2/spaces",
                                ROSTER_SITE_PAGING_CF2, self->v2_limit, ROSTER_HTTP_FLAGS_NONE,
                                (RosterSiteItemParser) roster_space_new_from_json, g_object_unref,
                                cancellable, spaces_cb, task);
}

GPtrArray *
roster_confluence_api_list_spaces_finish (RosterConfluenceApi  *self,
                                          GAsyncResult         *result,
                                          GError              **error)
{
  g_return_val_if_fail (ROSTER_IS_CONFLUENCE_API (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Resolving spaces: list the spaces, read each wanted space's permissions, then
 * expand every granted group once. */

typedef struct
{
  GStrv       keys;
  GPtrArray  *accesses;      /* RosterSpaceAccess, in key order */
  GHashTable *groups;        /* group id → GPtrArray of account ids (NULL until fetched) */
  GError     *error;
  guint       pending;
} ResolveJob;

static void
unref_nullable_array (gpointer data)
{
  if (data != NULL)
    g_ptr_array_unref (data);
}

static void
resolve_job_free (gpointer data)
{
  ResolveJob *job = data;

  g_strfreev (job->keys);
  g_clear_pointer (&job->accesses, g_ptr_array_unref);
  g_clear_pointer (&job->groups, g_hash_table_unref);
  g_clear_error (&job->error);
  g_free (job);
}

static void
resolve_fail (ResolveJob *job,
              GError     *error)
{
  if (job->error == NULL)
    job->error = error;
  else
    g_error_free (error);
}

static void
resolve_complete (GTask *task)
{
  ResolveJob *job = g_task_get_task_data (task);

  for (guint i = 0; i < job->accesses->len; i++)
    {
      RosterSpaceAccess *access = g_ptr_array_index (job->accesses, i);

      for (guint k = 0; k < access->user_ids->len; k++)
        g_hash_table_add (access->members, g_strdup (g_ptr_array_index (access->user_ids, k)));
      for (guint g = 0; g < access->group_ids->len; g++)
        {
          GPtrArray *members = g_hash_table_lookup (job->groups, g_ptr_array_index (access->group_ids, g));

          for (guint k = 0; members != NULL && k < members->len; k++)
            g_hash_table_add (access->members, g_strdup (g_ptr_array_index (members, k)));
        }
    }
  g_task_return_pointer (task, g_steal_pointer (&job->accesses), (GDestroyNotify) g_ptr_array_unref);
}

static gboolean
resolve_step_done (GTask *task)
{
  ResolveJob *job = g_task_get_task_data (task);

  if (--job->pending > 0)
    return FALSE;
  if (job->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&job->error));
      return TRUE;
    }
  return TRUE;
}

typedef struct
{
  GTask *task;
  char  *group_id;
} GroupCall;

static void
group_members_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GroupCall *call = user_data;
  GTask *task = call->task;
  ResolveJob *job = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GPtrArray) nodes = NULL;

  if (!(nodes = _roster_site_fetch_all_finish (result, &error)))
    resolve_fail (job, error);
  else
    {
      GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; i < nodes->len; i++)
        {
          JsonNode *node = g_ptr_array_index (nodes, i);
          char *id = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (node) ||
              !_roster_json_read_string (json_node_get_object (node), "group member", "accountId",
                                         SPACE_REQUIRED, &id, &error))
            {
              g_clear_error (&error);
              resolve_fail (job, g_error_new (ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                                              "A member of group %s has no accountId", call->group_id));
              break;
            }
          g_ptr_array_add (ids, id);
        }
      g_hash_table_replace (job->groups, g_strdup (call->group_id), ids);
    }

  g_free (call->group_id);
  g_free (call);
  if (resolve_step_done (task))
    {
      if (job->error == NULL && !g_task_had_error (task))
        resolve_complete (task);
      g_object_unref (task);
    }
}

static void
expand_groups (GTask *task)
{
  RosterConfluenceApi *self = g_task_get_source_object (task);
  ResolveJob *job = g_task_get_task_data (task);
  GHashTableIter iter;
  gpointer key;
  g_autoptr(GPtrArray) group_ids = g_ptr_array_new ();

  g_hash_table_iter_init (&iter, job->groups);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (group_ids, key);

  if (group_ids->len == 0)
    {
      resolve_complete (task);
      g_object_unref (task);
      return;
    }

  job->pending = group_ids->len;
  for (guint i = 0; i < group_ids->len; i++)
    {
      GroupCall *call = g_new0 (GroupCall, 1);
      g_autofree char *escaped = g_uri_escape_string (g_ptr_array_index (group_ids, i), NULL, FALSE);
      g_autofree char *path = g_strdup_printf ("/wiki/rest/api/group/%s/membersByGroupId", escaped);

      call->task = task;
      call->group_id = g_strdup (g_ptr_array_index (group_ids, i));
      _roster_site_fetch_all_async (roster_site_get_confluence_http (self->site), path,
                                    ROSTER_SITE_PAGING_CF1, self->v1_limit, ROSTER_HTTP_FLAGS_NONE,
                                    NULL, NULL, g_task_get_cancellable (task), group_members_cb, call);
    }
}

typedef struct
{
  GTask *task;
  guint  index;
} PermCall;

static void
permissions_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  PermCall *call = user_data;
  GTask *task = call->task;
  ResolveJob *job = g_task_get_task_data (task);
  RosterSpaceAccess *access = g_ptr_array_index (job->accesses, call->index);
  GError *error = NULL;
  g_autoptr(GPtrArray) nodes = NULL;

  g_free (call);
  if (!(nodes = _roster_site_fetch_all_finish (result, &error)))
    {
      g_prefix_error (&error, "Space %s: ", access->space->key);
      resolve_fail (job, error);
    }
  else
    {
      for (guint i = 0; i < nodes->len; i++)
        {
          JsonNode *node = g_ptr_array_index (nodes, i);
          JsonObject *grant, *principal, *operation;
          const char *type, *id, *op, *target;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            continue;
          grant = json_node_get_object (node);
          principal = _roster_json_peek_object (grant, "principal");
          operation = _roster_json_peek_object (grant, "operation");
          if (principal == NULL || operation == NULL)
            {
              resolve_fail (job, g_error_new (ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                                              "Space %s: a permission has no principal or operation",
                                              access->space->key));
              break;
            }
          type = json_object_get_string_member_with_default (principal, "type", NULL);
          id = json_object_get_string_member_with_default (principal, "id", NULL);
          op = json_object_get_string_member_with_default (operation, "key", NULL);
          target = json_object_get_string_member_with_default (operation, "targetType", NULL);

          /* Access to the space means a read grant on the space itself. */
          if (g_strcmp0 (op, "read") != 0 || g_strcmp0 (target, "space") != 0 || id == NULL)
            continue;
          if (g_strcmp0 (type, "user") == 0)
            {
              if (!g_ptr_array_find_with_equal_func (access->user_ids, id, g_str_equal, NULL))
                g_ptr_array_add (access->user_ids, g_strdup (id));
            }
          else if (g_strcmp0 (type, "group") == 0)
            {
              if (!g_ptr_array_find_with_equal_func (access->group_ids, id, g_str_equal, NULL))
                g_ptr_array_add (access->group_ids, g_strdup (id));
              if (!g_hash_table_contains (job->groups, id))
                g_hash_table_insert (job->groups, g_strdup (id), NULL);
            }
          else
            access->n_roles++;
        }
    }

  if (resolve_step_done (task))
    {
      if (job->error == NULL && !g_task_had_error (task))
        {
          expand_groups (task);
          return;
        }
      g_object_unref (task);
    }
}

static void
resolve_spaces_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  RosterConfluenceApi *self = g_task_get_source_object (task);
  ResolveJob *job = g_task_get_task_data (task);
  g_autoptr(GPtrArray) spaces = NULL;
  GError *error = NULL;

  if (!(spaces = _roster_site_fetch_all_finish (result, &error)))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  for (guint i = 0; job->keys[i] != NULL; i++)
    {
      g_autofree char *wanted = g_utf8_casefold (job->keys[i], -1);
      RosterSpace *found = NULL;
      RosterSpaceAccess *access;

      for (guint k = 0; k < spaces->len && found == NULL; k++)
        {
          RosterSpace *space = g_ptr_array_index (spaces, k);
          g_autofree char *folded = g_utf8_casefold (space->key, -1);

          if (g_str_equal (folded, wanted))
            found = space;
        }
      if (found == NULL)
        {
          g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_NOT_FOUND,
                                   "No Confluence space with the key “%s” (or the account cannot see it)",
                                   job->keys[i]);
          g_object_unref (task);
          return;
        }
      access = g_new0 (RosterSpaceAccess, 1);
      access->space = g_object_ref (found);
      access->members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      access->user_ids = g_ptr_array_new_with_free_func (g_free);
      access->group_ids = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (job->accesses, access);
    }

  if (job->accesses->len == 0)
    {
      resolve_complete (task);
      g_object_unref (task);
      return;
    }

  job->pending = job->accesses->len;
  for (guint i = 0; i < job->accesses->len; i++)
    {
      RosterSpaceAccess *access = g_ptr_array_index (job->accesses, i);
      g_autofree char *path = g_strdup_printf ("/wiki/api/v2/spaces/%s/permissions", access->space->id);
      PermCall *call = g_new0 (PermCall, 1);

      call->task = task;
      call->index = i;
      _roster_site_fetch_all_async (roster_site_get_confluence_http (self->site), path,
                                    ROSTER_SITE_PAGING_CF2, self->v2_limit, ROSTER_HTTP_FLAGS_NONE,
                                    NULL, NULL, g_task_get_cancellable (task), permissions_cb, call);
    }
}

void
roster_confluence_api_resolve_spaces_async (RosterConfluenceApi *self,
                                            const char * const  *keys,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  ResolveJob *job;
  GTask *task;

  g_return_if_fail (ROSTER_IS_CONFLUENCE_API (self));
  g_return_if_fail (keys != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_confluence_api_resolve_spaces_async);
  job = g_new0 (ResolveJob, 1);
  job->keys = g_strdupv ((char **) keys);
  job->accesses = g_ptr_array_new_with_free_func ((GDestroyNotify) roster_space_access_free);
  job->groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, unref_nullable_array);
  g_task_set_task_data (task, job, resolve_job_free);

  _roster_site_fetch_all_async (roster_site_get_confluence_http (self->site), "/wiki/api/v2/spaces",
                                ROSTER_SITE_PAGING_CF2, self->v2_limit, ROSTER_HTTP_FLAGS_NONE,
                                (RosterSiteItemParser) roster_space_new_from_json, g_object_unref,
                                cancellable, resolve_spaces_cb, task);
}

GPtrArray *
roster_confluence_api_resolve_spaces_finish (RosterConfluenceApi  *self,
                                             GAsyncResult         *result,
                                             GError              **error)
{
  g_return_val_if_fail (ROSTER_IS_CONFLUENCE_API (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Blocking twins */

GPtrArray *
roster_confluence_api_list_spaces_sync (RosterConfluenceApi  *self,
                                        GCancellable         *cancellable,
                                        GError              **error)
{
  g_auto(RosterSyncCall) call = { NULL };

  g_return_val_if_fail (ROSTER_IS_CONFLUENCE_API (self), NULL);

  _roster_sync_call_begin (&call);
  roster_confluence_api_list_spaces_async (self, cancellable, _roster_sync_call_done, &call);
  return roster_confluence_api_list_spaces_finish (self, _roster_sync_call_wait (&call), error);
}

GPtrArray *
roster_confluence_api_resolve_spaces_sync (RosterConfluenceApi  *self,
                                           const char * const   *keys,
                                           GCancellable         *cancellable,
                                           GError              **error)
{
  g_auto(RosterSyncCall) call = { NULL };

  g_return_val_if_fail (ROSTER_IS_CONFLUENCE_API (self), NULL);

  _roster_sync_call_begin (&call);
  roster_confluence_api_resolve_spaces_async (self, keys, cancellable,
                                              _roster_sync_call_done, &call);
  return roster_confluence_api_resolve_spaces_finish (self, _roster_sync_call_wait (&call), error);
}
