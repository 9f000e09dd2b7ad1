/* roster-json.c: member access shared by the core's JSON parsers. */
#define G_LOG_DOMAIN "roster-json"

#include "config.h"

#include "roster-error.h"
#include "roster-json-private.h"

JsonNode *
_roster_json_get_member (JsonObject *object,
                         const char *member)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return NULL;
  node = json_object_get_member (object, member);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  return node;
}

gboolean
_roster_json_holds (JsonNode *node,
                    GType     type)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

const char *
_roster_json_peek_string (JsonObject *object,
                          const char *member)
{
  JsonNode *node = _roster_json_get_member (object, member);

  return _roster_json_holds (node, G_TYPE_STRING) ? json_node_get_string (node) : NULL;
}

JsonObject *
_roster_json_peek_object (JsonObject *object,
                          const char *member)
{
  JsonNode *node = _roster_json_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonObject *
_roster_json_item_object (JsonNode    *node,
                          const char  *what,
                          GError     **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                   "A %s is not a JSON object", what);
      return NULL;
    }
  return json_node_get_object (node);
}

gboolean
_roster_json_read_string (JsonObject       *object,
                          const char       *what,
                          const char       *member,
                          RosterJsonFlags   flags,
                          char            **out,
                          GError          **error)
{
  JsonNode *node = _roster_json_get_member (object, member);
  gboolean required = (flags & ROSTER_JSON_REQUIRED) != 0;

  if (node == NULL)
    {
      if (required)
        {
          g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                       "A %s has no “%s”", what, member);
          return FALSE;
        }
      return TRUE;
    }

  if (_roster_json_holds (node, G_TYPE_STRING))
    {
      if (!required || *json_node_get_string (node) != '\0')
        {
          g_free (*out);
          *out = g_strdup (json_node_get_string (node));
          return TRUE;
        }
      if ((flags & ROSTER_JSON_EMPTY_IS_WRONG_TYPE) == 0)
        {
          g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                       "The “%s” of a %s is empty", member, what);
          return FALSE;
        }
    }
  else if ((flags & ROSTER_JSON_INT_AS_STRING) != 0 && _roster_json_holds (node, G_TYPE_INT64))
    {
      g_free (*out);
      *out = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
      return TRUE;
    }

  g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
               "The “%s” of a %s is not a string", member, what);
  return FALSE;
}

gboolean
_roster_json_read_bool (JsonObject  *object,
                        const char  *what,
                        const char  *member,
                        gboolean    *out,
                        GError     **error)
{
  JsonNode *node = _roster_json_get_member (object, member);

  if (node == NULL)
    return TRUE;
  if (!_roster_json_holds (node, G_TYPE_BOOLEAN))
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                   "The “%s” of a %s is not a boolean", member, what);
      return FALSE;
    }
  *out = json_node_get_boolean (node);
  return TRUE;
}

gboolean
_roster_json_read_int (JsonObject  *object,
                       const char  *what,
                       const char  *member,
                       gint64      *out,
                       GError     **error)
{
  JsonNode *node = _roster_json_get_member (object, member);

  if (node == NULL)
    return TRUE;
  if (!_roster_json_holds (node, G_TYPE_INT64))
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                   "The “%s” of a %s is not an integer", member, what);
      return FALSE;
    }
  *out = json_node_get_int (node);
  return TRUE;
}

gboolean
_roster_json_read_object (JsonObject  *object,
                          const char  *what,
                          const char  *member,
                          JsonObject **out,
                          GError     **error)
{
  JsonNode *node = _roster_json_get_member (object, member);

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                   "The “%s” of a %s is not an object", member, what);
      return FALSE;
    }
  *out = json_node_get_object (node);
  return TRUE;
}
