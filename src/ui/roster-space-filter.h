/* roster-space-filter.h
 *
 * The Confluence space quick filter of the Users page: a drop-down of the site's
 * spaces ("Any space" first) that stays in sync with the space:KEY term of the
 * query, and the resolution of the spaces a query names into their readers
 * (direct grants ∪ members of granted groups), cached per key. Hidden without a
 * product site.
 */
#pragma once

#include <adwaita.h>

#include "roster-context.h"

G_BEGIN_DECLS

#define ROSTER_TYPE_SPACE_FILTER (roster_space_filter_get_type ())

G_DECLARE_FINAL_TYPE (RosterSpaceFilter, roster_space_filter, ROSTER, SPACE_FILTER, AdwBin)

/* Follows the context's "site". */
void        roster_space_filter_set_context   (RosterSpaceFilter *self,
                                               RosterContext     *context);
/* The query text changed: selects its space in the drop-down and resolves the
 * spaces it names that are not known yet ("members-changed" when done). */
void        roster_space_filter_set_query     (RosterSpaceFilter *self,
                                               const char        *text);
/* (nullable) (transfer none) upper-case key → set of account ids, for
 * RosterQueryContext.space_members. Keys not resolved (yet) are absent. */
GHashTable *roster_space_filter_get_members   (RosterSpaceFilter *self);
gboolean    roster_space_filter_is_resolving  (RosterSpaceFilter *self);
/* (nullable) why a space of the query could not be resolved. */
const char *roster_space_filter_get_error     (RosterSpaceFilter *self);
/* The number of spaces in the drop-down (0 while they load or without a site). */
guint       roster_space_filter_get_n_spaces  (RosterSpaceFilter *self);

G_END_DECLS
