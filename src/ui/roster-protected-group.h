/* roster-protected-group.h */
#pragma once

#include <adwaita.h>

#include "roster-context.h"
#include "roster-protected-model.h"

G_BEGIN_DECLS

#define ROSTER_TYPE_PROTECTED_GROUP (roster_protected_group_get_type ())

G_DECLARE_FINAL_TYPE (RosterProtectedGroup, roster_protected_group, ROSTER, PROTECTED_GROUP,
                      AdwPreferencesGroup)

void  roster_protected_group_set_model   (RosterProtectedGroup *self,
                                          RosterProtectedModel *model,
                                          RosterContext        *context);
/* Search results of the add popover for text (tests): account ids, at most 8. */
GStrv roster_protected_group_search      (RosterProtectedGroup *self,
                                          const char           *text);
/* The rows shown: one per protected account. */
guint roster_protected_group_get_n_rows  (RosterProtectedGroup *self);

G_END_DECLS
