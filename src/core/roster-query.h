/* roster-query.h
 *
 * The advanced search syntax: space-separated terms that must all hold; quotes allowed.
 *   free text              name or email, case- and accent-insensitive substring
 *   email:TEXT domain:D    email substring / email domain (exact, case-insensitive)
 *   status:S               active|suspended|not_invited|deactivated|for_deletion
 *   product:P  -product:P  jira|jsm|confluence (has / has not access)
 *   inactive:>N inactive:<N  days since last active (never-active users never match)
 *   never:yes|no           never active
 *   type:T                 atlassian|app|customer
 *   group:NAME             member of a group (case-insensitive exact name)
 *   billable:yes|no
 *   inactivity:L           active|warning|overdue|never (with the current thresholds)
 *   admin:yes|no           org admin
 *   space:KEY              users with access to a Confluence space (resolved by the caller)
 * Any term may be negated with a leading '-'.
 */
#pragma once

#include <glib.h>

#include "roster-inactivity.h"
#include "roster-search-index.h"
#include "roster-user-set.h"

G_BEGIN_DECLS

typedef struct _RosterQuery RosterQuery;

/* Evaluation context: the clock and thresholds, and the members of any space:KEY used. */
typedef struct
{
  gint64            now_unix;
  RosterThresholds  thresholds;
  /* (nullable) space key (upper case) → GHashTable set of account ids. A space:KEY
   * term whose key is absent here matches nobody. */
  GHashTable       *space_members;
} RosterQueryContext;

/* Fails with ROSTER_ERROR_INVALID_ARGUMENT and a message naming the bad term,
 * e.g. "Unknown status “frozen” (expected active, suspended, …)". */
RosterQuery *roster_query_parse          (const char               *text,
                                          GError                  **error);
void         roster_query_free           (RosterQuery              *query);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RosterQuery, roster_query_free)

gboolean     roster_query_is_empty       (const RosterQuery        *query);
/* The free-text part, folded (NULL when none). */
const char  *roster_query_get_text       (const RosterQuery        *query);
/* Space keys named by space: terms (NULL-terminated, owned by the query). */
const char * const *roster_query_get_spaces (const RosterQuery     *query);

gboolean     roster_query_matches        (const RosterQuery        *query,
                                          RosterUserSet            *set,
                                          guint                     row,
                                          const RosterQueryContext *context);
/* Writes the matching rows in ascending order into out_rows (sized n_users);
 * returns the count. */
guint        roster_query_filter         (const RosterQuery        *query,
                                          RosterUserSet            *set,
                                          const RosterQueryContext *context,
                                          guint                    *out_rows);

/* As roster_query_filter(), but the free text narrows the candidates through index
 * (nullable; built over the same set) before the other terms are checked per row.
 * Uses the index's typing stack, so call it from the index's thread. */
guint        roster_query_filter_with_index (const RosterQuery        *query,
                                             RosterUserSet            *set,
                                             RosterSearchIndex        *index,
                                             const RosterQueryContext *context,
                                             guint                    *out_rows);

/* Editing helpers for quick filters that stay in sync with the text:
 * returns a new query text with every term of `field` (e.g. "status", "product")
 * removed and, when value is non-NULL, "field:value" appended. Quoting kept. */
char        *roster_query_text_set_field (const char               *text,
                                          const char               *field,
                                          const char               *value);
/* The value of the first positive term of `field` in text, or NULL. */
char        *roster_query_text_get_field (const char               *text,
                                          const char               *field);

G_END_DECLS
