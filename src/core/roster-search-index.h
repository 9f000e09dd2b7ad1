/* roster-search-index.h
 *
 * Substring search over the folded search keys (name + email) of a frozen
 * RosterUserSet, fast enough to run on every keystroke at 100k users
 * (see docs/large-lists.md):
 * - exact posting lists for every 1-, 2- and 3-byte gram (delta + varint coded),
 *   so a query of up to three bytes is answered by decoding one list;
 * - longer queries verify with memmem the rows of the rarest trigram of the query;
 * - a typing stack: a query that extends the previous one only re-checks the previous
 *   result, and deleting a character pops back to a result already computed.
 *
 * Building is pure and may run in a worker thread. Lookups mutate the stack, so one
 * index serves one thread (the UI's) at a time.
 */
#pragma once

#include <glib.h>

#include "roster-user-set.h"

G_BEGIN_DECLS

typedef struct _RosterSearchIndex RosterSearchIndex;

RosterSearchIndex *roster_search_index_new             (RosterUserSet      *set);
void               roster_search_index_free            (RosterSearchIndex  *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RosterSearchIndex, roster_search_index_free)

RosterUserSet     *roster_search_index_get_set         (RosterSearchIndex  *self);

/* Rows (ascending) whose search key contains folded_text (already folded with
 * roster_fold_for_search()). The array is owned by the index and valid until the next
 * call. "" gives every row. */
guint              roster_search_index_lookup          (RosterSearchIndex  *self,
                                                        const char         *folded_text,
                                                        const guint       **out_rows);
/* Forgets the typing stack (e.g. when the search entry is cleared). */
void               roster_search_index_reset           (RosterSearchIndex  *self);

/* Bytes held by the postings, tables and stack, for diagnostics. */
gsize              roster_search_index_get_memory_size (RosterSearchIndex  *self);

G_END_DECLS
