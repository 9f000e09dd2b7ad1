/* roster-jira.c: application roles and the RosterJiraApi client. */
#define G_LOG_DOMAIN "roster-jira"

#include "config.h"

#include <string.h>

#include "roster-async-private.h"
#include "roster-error.h"
#include "roster-jira.h"
#include "roster-json-private.h"

struct _RosterApplicationRole
{
  GObject parent_instance;
  char   *key;
  char   *name;
  GStrv   group_ids;
  GStrv   group_names;
  GStrv   default_ids;
  GStrv   default_names;
  gint64  user_count;
};

G_DEFINE_FINAL_TYPE (RosterApplicationRole, roster_application_role, G_TYPE_OBJECT)

static void
roster_application_role_finalize (GObject *object)
{
  RosterApplicationRole *self = ROSTER_APPLICATION_ROLE (object);

  g_free (self->key);
  g_free (self->name);
  g_strfreev (self->group_ids);
  g_strfreev (self->group_names);
  g_strfreev (self->default_ids);
  g_strfreev (self->default_names);
  G_OBJECT_CLASS (roster_application_role_parent_class)->finalize (object);
}

static void
roster_application_role_class_init (RosterApplicationRoleClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = roster_application_role_finalize;
}

static void
roster_application_role_init (RosterApplicationRole *self)
{
  self->user_count = -1;
}

/* Reads "<names_member>" (array of names) and "<details_member>" (array of
 * {"groupId","name"}) into parallel id/name arrays; details win. */
static gboolean
read_groups (JsonObject  *object,
             const char  *names_member,
             const char  *details_member,
             GStrv       *out_ids,
             GStrv       *out_names,
             GError     **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  JsonNode *details = _roster_json_get_member (object, details_member);
  JsonNode *plain = _roster_json_get_member (object, names_member);

  if (details != NULL)
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (details))
        {
          g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                       "The “%s” of an application role is not an array", details_member);
          return FALSE;
        }
      array = json_node_get_array (details);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);
          const char *id, *name;

          if (!JSON_NODE_HOLDS_OBJECT (item))
            {
              g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                           "An item of “%s” is not an object", details_member);
              return FALSE;
            }
          id = _roster_json_peek_string (json_node_get_object (item), "groupId");
          name = _roster_json_peek_string (json_node_get_object (item), "name");
          if (name == NULL)
            {
              g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                           "An item of “%s” has no name", details_member);
              return FALSE;
            }
          g_ptr_array_add (ids, g_strdup (id ? id : ""));
          g_ptr_array_add (names, g_strdup (name));
        }
    }
  else if (plain != NULL)
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (plain))
        {
          g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                       "The “%s” of an application role is not an array", names_member);
          return FALSE;
        }
      array = json_node_get_array (plain);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (!_roster_json_holds (item, G_TYPE_STRING))
            {
              g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                           "An item of “%s” is not a string", names_member);
              return FALSE;
            }
          g_ptr_array_add (ids, g_strdup (""));
          g_ptr_array_add (names, g_strdup (json_node_get_string (item)));
        }
    }

  g_ptr_array_add (ids, NULL);
  g_ptr_array_add (names, NULL);
  *out_ids = (GStrv) g_ptr_array_steal (ids, NULL);
  *out_names = (GStrv) g_ptr_array_steal (names, NULL);
  return TRUE;
}

RosterApplicationRole *
roster_application_role_new_from_json (JsonNode  *node,
                                       GError   **error)
{
  g_autoptr(RosterApplicationRole) self = NULL;
  JsonObject *object;
  JsonNode *count;
  const char *key;
  const char *name;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                   "An application role is not a JSON object");
      return NULL;
    }
  object = json_node_get_object (node);
  if ((key = _roster_json_peek_string (object, "key")) == NULL || *key == '\0')
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE, "An application role has no “key”");
      return NULL;
    }

  self = g_object_new (ROSTER_TYPE_APPLICATION_ROLE, NULL);
  self->key = g_strdup (key);
  name = _roster_json_peek_string (object, "name");
  self->name = g_strdup (name != NULL ? name : key);
  if (!read_groups (object, "groups", "groupDetails", &self->group_ids, &self->group_names, error) ||
      !read_groups (object, "defaultGroups", "defaultGroupsDetails", &self->default_ids,
                    &self->default_names, error))
    return NULL;
  count = _roster_json_get_member (object, "userCount");
  if (_roster_json_holds (count, G_TYPE_INT64))
    self->user_count = json_node_get_int (count);
  return g_steal_pointer (&self);
}

const char *
roster_application_role_get_key (RosterApplicationRole *self)
{
  g_return_val_if_fail (ROSTER_IS_APPLICATION_ROLE (self), NULL);
  return self->key;
}

const char *
roster_application_role_get_name (RosterApplicationRole *self)
{
  g_return_val_if_fail (ROSTER_IS_APPLICATION_ROLE (self), NULL);
  return self->name;
}

RosterProduct
roster_application_role_get_product (RosterApplicationRole *self)
{
  g_return_val_if_fail (ROSTER_IS_APPLICATION_ROLE (self), ROSTER_PRODUCT_OTHER);

  if (g_str_equal (self->key, "jira-servicedesk"))
    return ROSTER_PRODUCT_JSM;
  if (g_str_equal (self->key, "jira-software") || g_str_equal (self->key, "jira-core") ||
      g_str_equal (self->key, "jira-product-discovery"))
    return ROSTER_PRODUCT_JIRA;
  return ROSTER_PRODUCT_OTHER;
}

const char * const *
roster_application_role_get_group_ids (RosterApplicationRole *self)
{
  g_return_val_if_fail (ROSTER_IS_APPLICATION_ROLE (self), NULL);
  return (const char * const *) self->group_ids;
}

const char * const *
roster_application_role_get_group_names (RosterApplicationRole *self)
{
  g_return_val_if_fail (ROSTER_IS_APPLICATION_ROLE (self), NULL);
  return (const char * const *) self->group_names;
}

const char * const *
roster_application_role_get_default_group_ids (RosterApplicationRole *self)
{
  g_return_val_if_fail (ROSTER_IS_APPLICATION_ROLE (self), NULL);
  return (const char * const *) self->default_ids;
}

const char * const *
roster_application_role_get_default_group_names (RosterApplicationRole *self)
{
  g_return_val_if_fail (ROSTER_IS_APPLICATION_ROLE (self), NULL);
  return (const char * const *) self->default_names;
}

gint64
roster_application_role_get_user_count (RosterApplicationRole *self)
{
  g_return_val_if_fail (ROSTER_IS_APPLICATION_ROLE (self), -1);
  return self->user_count;
}

void
roster_access_group_candidate_free (RosterAccessGroupCandidate *candidate)
{
  if (candidate == NULL)
    return;
  g_free (candidate->group_id);
  g_free (candidate->name);
  g_free (candidate->role_key);
  g_free (candidate);
}

static void
add_candidate (GPtrArray  *out,
               const char *id,
               const char *name,
               const char *role_key,
               gboolean    is_default)
{
  for (guint i = 0; i < out->len; i++)
    {
      RosterAccessGroupCandidate *c = g_ptr_array_index (out, i);

      if ((*id != '\0' && g_str_equal (c->group_id, id)) || g_str_equal (c->name, name))
        return;
    }
  {
    RosterAccessGroupCandidate *c = g_new0 (RosterAccessGroupCandidate, 1);

    c->group_id = g_strdup (id);
    c->name = g_strdup (name);
    c->role_key = g_strdup (role_key);
    c->is_default = is_default;
    g_ptr_array_add (out, c);
  }
}

GPtrArray *
roster_jira_access_group_candidates (GPtrArray     *roles,
                                     RosterProduct  product)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) roster_access_group_candidate_free);

  g_return_val_if_fail (roles != NULL, out);

  for (guint pass = 0; pass < 2; pass++)
    for (guint r = 0; r < roles->len; r++)
      {
        RosterApplicationRole *role = g_ptr_array_index (roles, r);
        GStrv ids = pass == 0 ? role->default_ids : role->group_ids;
        GStrv names = pass == 0 ? role->default_names : role->group_names;

        if (roster_application_role_get_product (role) != product)
          continue;
        for (guint i = 0; names[i] != NULL; i++)
          add_candidate (out, ids[i], names[i], role->key, pass == 0);
      }
  return out;
}

char *
roster_jira_access_group_setting (RosterProduct product)
{
  const char *name = roster_product_to_string (product);

  return name ? g_strdup_printf ("access-group-%s", name) : NULL;
}

/* RosterJiraApi */

struct _RosterJiraApi
{
  GObject     parent_instance;
  RosterSite *site;
};

G_DEFINE_FINAL_TYPE (RosterJiraApi, roster_jira_api, G_TYPE_OBJECT)

static void
roster_jira_api_dispose (GObject *object)
{
  g_clear_object (&ROSTER_JIRA_API (object)->site);
  G_OBJECT_CLASS (roster_jira_api_parent_class)->dispose (object);
}

static void
roster_jira_api_class_init (RosterJiraApiClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = roster_jira_api_dispose;
}

static void
roster_jira_api_init (RosterJiraApi *self)
{
}

RosterJiraApi *
roster_jira_api_new (RosterSite *site)
{
  RosterJiraApi *self;

  g_return_val_if_fail (ROSTER_IS_SITE (site), NULL);
  self = g_object_new (ROSTER_TYPE_JIRA_API, NULL);
  self->site = g_object_ref (site);
  return self;
}

static void
roles_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(RosterHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) roles = NULL;
  JsonArray *array;

  if (!(response = roster_http_request_finish (ROSTER_HTTP (object), result, &error)))
    {
      if (g_error_matches (error, ROSTER_ERROR, ROSTER_ERROR_FORBIDDEN))
        g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_FORBIDDEN,
                                 "Reading Jira application roles needs the Administer Jira permission (403)");
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (response->json == NULL || !JSON_NODE_HOLDS_ARRAY (response->json))
    {
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                               "/rest/api/3/applicationrole did not return an array");
      return;
    }
  array = json_node_get_array (response->json);
  roles = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      RosterApplicationRole *role = roster_application_role_new_from_json (json_array_get_element (array, i),
                                                                           &error);
      if (role == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_ptr_array_add (roles, role);
    }
  g_task_return_pointer (task, g_steal_pointer (&roles), (GDestroyNotify) g_ptr_array_unref);
}

void
roster_jira_api_list_application_roles_async (RosterJiraApi       *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ROSTER_IS_JIRA_API (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_jira_api_list_application_roles_async);
  roster_http_request_async (roster_site_get_jira_http (self->site), "GET", "/rest/api/3/applicationrole",
                             NULL, ROSTER_HTTP_FLAGS_NONE, cancellable, roles_cb, task);
}

GPtrArray *
roster_jira_api_list_application_roles_finish (RosterJiraApi  *self,
                                               GAsyncResult   *result,
                                               GError        **error)
{
  g_return_val_if_fail (ROSTER_IS_JIRA_API (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GPtrArray *
roster_jira_api_list_application_roles_sync (RosterJiraApi  *self,
                                             GCancellable   *cancellable,
                                             GError        **error)
{
  g_auto(RosterSyncCall) call = { NULL };

  g_return_val_if_fail (ROSTER_IS_JIRA_API (self), NULL);

  _roster_sync_call_begin (&call);
  roster_jira_api_list_application_roles_async (self, cancellable, _roster_sync_call_done, &call);
  return roster_jira_api_list_application_roles_finish (self, _roster_sync_call_wait (&call),
                                                        error);
}
