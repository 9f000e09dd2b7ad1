/* roster-access-groups.h
 *
 * Settings: per product, the group a grant or revoke "by group" changes. Jira and
 * JSM offer the groups of their application roles (from the site), Confluence the
 * organization's groups (Admin API); "Product role (default)" is the default. The
 * choice is an org setting (roster_jira_access_group_setting()) and is audited.
 */
#pragma once

#include <adwaita.h>

#include "roster-context.h"
#include "roster-types.h"

G_BEGIN_DECLS

#define ROSTER_TYPE_ACCESS_GROUPS (roster_access_groups_get_type ())

G_DECLARE_FINAL_TYPE (RosterAccessGroups, roster_access_groups, ROSTER, ACCESS_GROUPS, AdwPreferencesGroup)

void        roster_access_groups_set_context      (RosterAccessGroups *self,
                                                   RosterContext      *context);
/* Test entry points: the candidates offered for a product (without the default
 * entry) and the chosen group id (NULL = by product role). */
guint       roster_access_groups_get_n_candidates (RosterAccessGroups *self,
                                                   RosterProduct       product);
const char *roster_access_groups_get_choice       (RosterAccessGroups *self,
                                                   RosterProduct       product);

G_END_DECLS
