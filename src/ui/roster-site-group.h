/* roster-site-group.h
 *
 * Settings: the product site connection (Jira, JSM, Confluence APIs): site URL,
 * account email and API token, validated before the token goes to the keyring;
 * the connected state (the token is never shown) and Disconnect.
 */
#pragma once

#include <adwaita.h>

#include "roster-context.h"

G_BEGIN_DECLS

#define ROSTER_TYPE_SITE_GROUP (roster_site_group_get_type ())

G_DECLARE_FINAL_TYPE (RosterSiteGroup, roster_site_group, ROSTER, SITE_GROUP, AdwPreferencesGroup)

void        roster_site_group_set_context (RosterSiteGroup *self,
                                           RosterContext   *context,
                                           gboolean         demo);
/* Test entry points: the Save path with these values ("finished" is emitted when
 * it completed), the message shown under the form and the state row's title. */
void        roster_site_group_connect     (RosterSiteGroup *self,
                                           const char      *url,
                                           const char      *email,
                                           const char      *token);
const char *roster_site_group_get_message (RosterSiteGroup *self);
const char *roster_site_group_get_status  (RosterSiteGroup *self);

G_END_DECLS
