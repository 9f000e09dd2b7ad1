/* roster-json-private.h
 *
 * Member access shared by the core's JSON parsers. json-glib emits criticals
 * when a member is missing or of another type, so every read checks presence
 * and type first; a member that is absent or JSON null counts as absent.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  ROSTER_JSON_NONE                = 0,
  /* The member must be present, not null and, for a string, not empty. */
  ROSTER_JSON_REQUIRED            = 1 << 0,
  /* An integer is read as its decimal string (some APIs send ids as numbers). */
  ROSTER_JSON_INT_AS_STRING       = 1 << 1,
  /* With REQUIRED: an empty string is reported as "not a string", not as "empty". */
  ROSTER_JSON_EMPTY_IS_WRONG_TYPE = 1 << 2,
} RosterJsonFlags;

/* The member's node, or NULL when @object is NULL or the member is absent or null. */
JsonNode   *_roster_json_get_member  (JsonObject       *object,
                                      const char       *member);
/* Whether @node is a value of @type (G_TYPE_STRING, G_TYPE_INT64, G_TYPE_BOOLEAN…). */
gboolean    _roster_json_holds       (JsonNode         *node,
                                      GType             type);

/* Lenient reads: the string or object member, or NULL when it is absent or of
 * another type. */
const char *_roster_json_peek_string (JsonObject       *object,
                                      const char       *member);
JsonObject *_roster_json_peek_object (JsonObject       *object,
                                      const char       *member);

/* Item parsers. @what names the item in errors ("A group is not a JSON
 * object", "The “name” of a group is not a string"). Absent or null optional
 * members leave *out untouched; a member of another type is an error. */
JsonObject *_roster_json_item_object (JsonNode         *node,
                                      const char       *what,
                                      GError          **error);
gboolean    _roster_json_read_string (JsonObject       *object,
                                      const char       *what,
                                      const char       *member,
                                      RosterJsonFlags   flags,
                                      char            **out,
                                      GError          **error);
gboolean    _roster_json_read_bool   (JsonObject       *object,
                                      const char       *what,
                                      const char       *member,
                                      gboolean         *out,
                                      GError          **error);
gboolean    _roster_json_read_int    (JsonObject       *object,
                                      const char       *what,
                                      const char       *member,
                                      gint64           *out,
                                      GError          **error);
/* An optional object member: *out is NULL when it is absent or null. */
gboolean    _roster_json_read_object (JsonObject       *object,
                                      const char       *what,
                                      const char       *member,
                                      JsonObject      **out,
                                      GError          **error);

G_END_DECLS
