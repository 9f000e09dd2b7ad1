/* roster-connect-dialog.h
 *
 * Connect an organization: the Admin API key (and, under Advanced, the Admin
 * API URL) is validated, the admin picks one of the orgs the key sees, and the
 * key is saved in the keyring. Emits "connected" (admin_url, org_id).
 */
#pragma once

#include <adwaita.h>

#include "roster-context.h"

G_BEGIN_DECLS

#define ROSTER_TYPE_CONNECT_DIALOG (roster_connect_dialog_get_type ())

G_DECLARE_FINAL_TYPE (RosterConnectDialog, roster_connect_dialog, ROSTER, CONNECT_DIALOG, AdwWindow)

RosterConnectDialog *roster_connect_dialog_new (GtkWindow     *parent,
                                                RosterContext *context);

G_END_DECLS
