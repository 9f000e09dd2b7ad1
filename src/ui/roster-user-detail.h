/* roster-user-detail.h: the side pane with one user's details. */
#pragma once

#include <adwaita.h>

#include "roster-inactivity.h"
#include "roster-protected-model.h"
#include "roster-user.h"

G_BEGIN_DECLS

#define ROSTER_TYPE_USER_DETAIL (roster_user_detail_get_type ())

G_DECLARE_FINAL_TYPE (RosterUserDetail, roster_user_detail, ROSTER, USER_DETAIL, AdwBin)

void        roster_user_detail_set_user       (RosterUserDetail       *self,
                                               RosterUser             *user,
                                               const char             *org_id,
                                               const RosterThresholds *thresholds);
RosterUser *roster_user_detail_get_user       (RosterUserDetail       *self);
/* Shows and toggles the protection of the user through the shared model. */
void        roster_user_detail_set_protected_model (RosterUserDetail   *self,
                                               RosterProtectedModel   *model);
gboolean    roster_user_detail_get_protected  (RosterUserDetail       *self);

G_END_DECLS
