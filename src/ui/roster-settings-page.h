/* roster-settings-page.h */
#pragma once

#include <adwaita.h>

#include "roster-context.h"
#include "roster-protected-group.h"
#include "roster-access-groups.h"
#include "roster-site-group.h"

G_BEGIN_DECLS

#define ROSTER_TYPE_SETTINGS_PAGE (roster_settings_page_get_type ())

G_DECLARE_FINAL_TYPE (RosterSettingsPage, roster_settings_page, ROSTER, SETTINGS_PAGE, AdwBin)

void        roster_settings_page_set_context        (RosterSettingsPage *self,
                                                     RosterContext      *context,
                                                     gboolean            demo);
/* Test entry points (the same paths as the buttons, without the confirmation). */
void        roster_settings_page_set_thresholds     (RosterSettingsPage *self,
                                                     guint               warning_days,
                                                     guint               overdue_days);
const char *roster_settings_page_get_threshold_error (RosterSettingsPage *self);
void        roster_settings_page_save_key           (RosterSettingsPage *self,
                                                     const char         *api_key);
void        roster_settings_page_delete_key         (RosterSettingsPage *self);
/* The text of the key status row; "key-status-changed" is emitted when a save
 * or delete completed. */
const char *roster_settings_page_get_key_status     (RosterSettingsPage *self);
/* The organization details once loaded (NULL while loading or after an error). */
RosterProtectedGroup *roster_settings_page_get_protected_group (RosterSettingsPage *self);
RosterOrgDetails *roster_settings_page_get_org_details (RosterSettingsPage *self);
/* The product site and access group groups. */
RosterSiteGroup    *roster_settings_page_get_site_group    (RosterSettingsPage *self);
RosterAccessGroups *roster_settings_page_get_access_groups (RosterSettingsPage *self);

/* The bulk-change cap control (tests set it). */
GtkSpinButton *roster_settings_page_get_cap_spin (RosterSettingsPage *self);

G_END_DECLS
