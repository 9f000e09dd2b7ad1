/* roster-stat-card.h: one number with a title on the dashboard. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ROSTER_TYPE_STAT_CARD (roster_stat_card_get_type ())

G_DECLARE_FINAL_TYPE (RosterStatCard, roster_stat_card, ROSTER, STAT_CARD, AdwBin)

void        roster_stat_card_set_value (RosterStatCard *self,
                                        guint           value);
guint       roster_stat_card_get_value (RosterStatCard *self);
const char *roster_stat_card_get_title (RosterStatCard *self);

G_END_DECLS
