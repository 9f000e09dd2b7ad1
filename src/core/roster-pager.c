/* roster-pager.c */
#define G_LOG_DOMAIN "roster-pager"

#include "config.h"

#include <string.h>

#include "roster-error.h"
#include "roster-json-private.h"
#include "roster-pager.h"

static const char *
items_member (RosterPagerScheme scheme)
{
  switch (scheme)
    {
    case ROSTER_PAGER_ADMIN_CURSOR:
    case ROSTER_PAGER_ADMIN_URL:
      return "data";
    case ROSTER_PAGER_PAGE_BEAN:
    case ROSTER_PAGER_JSM:
      return "values";
    case ROSTER_PAGER_CONFLUENCE:
    default:
      return "results";
    }
}

/* Typed, tolerant member access: absent or null → FALSE without error; a
 * member of the wrong type → error naming it. */
static gboolean
read_string (JsonObject  *object,
             const char  *member,
             const char **out,
             GError     **error)
{
  JsonNode *node = _roster_json_get_member (object, member);

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!_roster_json_holds (node, G_TYPE_STRING))
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                   "Page member “%s” is not a string", member);
      return FALSE;
    }
  *out = json_node_get_string (node);
  if (**out == '\0')
    *out = NULL;
  return TRUE;
}

static gboolean
read_int (JsonObject  *object,
          const char  *member,
          gboolean    *present,
          gint64      *out,
          GError     **error)
{
  JsonNode *node = _roster_json_get_member (object, member);

  *present = FALSE;
  if (node == NULL)
    return TRUE;
  if (!_roster_json_holds (node, G_TYPE_INT64) || json_node_get_int (node) < 0)
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                   "Page member “%s” is not a non-negative integer", member);
      return FALSE;
    }
  *present = TRUE;
  *out = json_node_get_int (node);
  return TRUE;
}

static gboolean
read_bool (JsonObject  *object,
           const char  *member,
           gboolean    *present,
           gboolean    *out,
           GError     **error)
{
  JsonNode *node = _roster_json_get_member (object, member);

  *present = FALSE;
  *out = FALSE;
  if (node == NULL)
    return TRUE;
  if (!_roster_json_holds (node, G_TYPE_BOOLEAN))
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                   "Page member “%s” is not a boolean", member);
      return FALSE;
    }
  *present = TRUE;
  *out = json_node_get_boolean (node);
  return TRUE;
}

static JsonObject *
get_object_member (JsonObject  *object,
                   const char  *member,
                   GError     **error)
{
  JsonNode *node = _roster_json_get_member (object, member);

  if (node == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_OBJECT (node))
    return json_node_get_object (node);
  g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
               "Page member “%s” is not an object", member);
  return NULL;
}

void
roster_pager_state_init (RosterPagerState  *state,
                         RosterPagerScheme  scheme)
{
  g_return_if_fail (state != NULL);

  roster_pager_state_clear (state);
  state->scheme = scheme;
  state->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

void
roster_pager_state_clear (RosterPagerState *state)
{
  g_return_if_fail (state != NULL);

  g_clear_pointer (&state->seen, g_hash_table_unref);
  memset (state, 0, sizeof *state);
}

JsonArray *
roster_pager_get_items (RosterPagerScheme   scheme,
                        JsonNode           *root,
                        GError            **error)
{
  const char *member = items_member (scheme);
  JsonObject *object;
  JsonNode *node;

  if (root != NULL && scheme == ROSTER_PAGER_PAGE_BEAN && JSON_NODE_HOLDS_ARRAY (root))
    return json_node_get_array (root);

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                   "A page is not a JSON object");
      return NULL;
    }

  object = json_node_get_object (root);
  if (!json_object_has_member (object, member))
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                   "A page has no “%s” member", member);
      return NULL;
    }
  node = json_object_get_member (object, member);
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                   "Page member “%s” is not an array", member);
      return NULL;
    }

  return json_node_get_array (node);
}

static gboolean
hand_out_next (RosterPagerState  *state,
               const char        *next,
               char             **out_next,
               GError           **error)
{
  if (g_hash_table_contains (state->seen, next))
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                   "Pagination does not advance: page %u links back to an earlier page",
                   state->n_pages);
      return FALSE;
    }
  g_hash_table_add (state->seen, g_strdup (next));
  *out_next = g_strdup (next);
  return TRUE;
}

static gboolean
advance_offset (RosterPagerState  *state,
                gint64             start,
                gint64             count,
                GError           **error)
{
  gint64 next;

  if (count <= 0)
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                   "Pagination does not advance: page %u is empty but not the last one",
                   state->n_pages);
      return FALSE;
    }
  if (start > G_MAXINT64 - count)
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                   "Page offset out of range");
      return FALSE;
    }
  next = start + count;
  if (next <= state->next_start && state->n_pages > 1)
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                   "Pagination does not advance: page %u starts at %" G_GINT64_FORMAT
                   " again", state->n_pages, start);
      return FALSE;
    }
  state->next_start = next;
  return TRUE;
}

static gboolean
next_admin (RosterPagerState  *state,
            JsonObject        *object,
            char             **out_next,
            GError           **error)
{
  GError *local_error = NULL;
  JsonObject *links;
  const char *next = NULL;

  links = get_object_member (object, "links", &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (!read_string (links, "next", &next, error))
    return FALSE;

  /* Audit events also carry meta.next (a cursor) next to links.next. */
  if (next == NULL && state->scheme == ROSTER_PAGER_ADMIN_CURSOR)
    {
      JsonObject *meta = get_object_member (object, "meta", NULL);

      if (!read_string (meta, "next", &next, error))
        return FALSE;
    }

  if (next == NULL)
    {
      state->done = TRUE;
      return TRUE;
    }

  if (state->scheme == ROSTER_PAGER_ADMIN_URL && strstr (next, "://") == NULL)
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                   "Page member “links.next” is not a URL");
      return FALSE;
    }

  return hand_out_next (state, next, out_next, error);
}

static gboolean
next_page_bean (RosterPagerState  *state,
                JsonNode          *root,
                JsonArray         *items,
                char             **out_next,
                GError           **error)
{
  JsonObject *object;
  gboolean has_is_last, is_last, has_start, has_max, has_total;
  gint64 start = state->next_start, max_results = 0, total = 0;
  gint64 n = json_array_get_length (items);
  const char *next_page = NULL;

  if (JSON_NODE_HOLDS_ARRAY (root))
    {
      /* Bare array: the end is a short or an empty page. */
      if (n == 0 || (state->page_size > 0 && n < state->page_size))
        {
          state->done = TRUE;
          return TRUE;
        }
      return advance_offset (state, state->next_start, n, error);
    }

  object = json_node_get_object (root);
  if (!read_bool (object, "isLast", &has_is_last, &is_last, error) ||
      !read_int (object, "startAt", &has_start, &start, error) ||
      !read_int (object, "maxResults", &has_max, &max_results, error) ||
      !read_int (object, "total", &has_total, &total, error) ||
      !read_string (object, "nextPage", &next_page, error))
    return FALSE;
  if (!has_start)
    start = state->next_start;

  if (has_is_last && is_last)
    {
      state->done = TRUE;
      return TRUE;
    }

  if (!has_is_last)
    {
      if (n == 0 ||
          (has_total && start + n >= total) ||
          (has_max && max_results > 0 && n < max_results && next_page == NULL))
        {
          state->done = TRUE;
          return TRUE;
        }
    }

  if (!advance_offset (state, start, n, error))
    return FALSE;

  if (next_page != NULL)
    return hand_out_next (state, next_page, out_next, error);

  return TRUE;
}

static gboolean
next_jsm (RosterPagerState  *state,
          JsonObject        *object,
          JsonArray         *items,
          char             **out_next,
          GError           **error)
{
  gboolean has_is_last, is_last, has_start, has_size, has_limit;
  gint64 start = state->next_start, size = 0, limit = 0;
  JsonObject *links;
  const char *next = NULL;

  if (!read_bool (object, "isLastPage", &has_is_last, &is_last, error) ||
      !read_int (object, "start", &has_start, &start, error) ||
      !read_int (object, "size", &has_size, &size, error) ||
      !read_int (object, "limit", &has_limit, &limit, error))
    return FALSE;
  links = get_object_member (object, "_links", NULL);
  if (!read_string (links, "next", &next, error))
    return FALSE;

  if (!has_start)
    start = state->next_start;
  /* The server may cap limit: trust size (or the real count), never limit. */
  if (!has_size)
    size = json_array_get_length (items);

  if (has_is_last && is_last)
    {
      state->done = TRUE;
      return TRUE;
    }
  if (!has_is_last && (size == 0 || (has_limit && limit > 0 && size < limit && next == NULL)))
    {
      state->done = TRUE;
      return TRUE;
    }

  if (!advance_offset (state, start, size, error))
    return FALSE;

  if (next != NULL)
    return hand_out_next (state, next, out_next, error);

  return TRUE;
}

static gboolean
next_confluence (RosterPagerState  *state,
                 JsonObject        *object,
                 JsonArray         *items,
                 const char        *link_next,
                 char             **out_next,
                 GError           **error)
{
  JsonObject *links;
  const char *next = NULL;

  links = get_object_member (object, "_links", NULL);
  if (!read_string (links, "next", &next, error))
    return FALSE;
  if (link_next != NULL && *link_next != '\0')
    next = link_next;

  if (next == NULL)
    {
      state->done = TRUE;
      return TRUE;
    }

  if (json_array_get_length (items) == 0)
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                   "Pagination does not advance: page %u is empty but links a next page",
                   state->n_pages);
      return FALSE;
    }

  return hand_out_next (state, next, out_next, error);
}

gboolean
roster_pager_next (RosterPagerState  *state,
                   JsonNode          *root,
                   const char        *link_next,
                   char             **out_next,
                   GError           **error)
{
  g_autofree char *next = NULL;
  JsonArray *items;
  gboolean ok;

  g_return_val_if_fail (state != NULL, FALSE);
  g_return_val_if_fail (out_next != NULL, FALSE);
  g_return_val_if_fail (state->seen != NULL, FALSE);

  *out_next = NULL;

  if (state->done)
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                   "A page arrived after the last one");
      return FALSE;
    }

  if (!(items = roster_pager_get_items (state->scheme, root, error)))
    return FALSE;

  state->n_pages++;
  state->n_items += json_array_get_length (items);

  switch (state->scheme)
    {
    case ROSTER_PAGER_ADMIN_CURSOR:
    case ROSTER_PAGER_ADMIN_URL:
      ok = next_admin (state, json_node_get_object (root), &next, error);
      break;
    case ROSTER_PAGER_PAGE_BEAN:
      ok = next_page_bean (state, root, items, &next, error);
      break;
    case ROSTER_PAGER_JSM:
      ok = next_jsm (state, json_node_get_object (root), items, &next, error);
      break;
    case ROSTER_PAGER_CONFLUENCE:
      ok = next_confluence (state, json_node_get_object (root), items, link_next, &next, error);
      break;
    default:
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT,
                   "Unknown pagination scheme %d", state->scheme);
      ok = FALSE;
      break;
    }

  if (!ok)
    return FALSE;

  *out_next = g_steal_pointer (&next);
  return TRUE;
}
