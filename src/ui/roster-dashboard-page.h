/* roster-dashboard-page.h */
#pragma once

#include <adwaita.h>

#include "roster-context.h"
#include "roster-stat-card.h"

G_BEGIN_DECLS

#define ROSTER_TYPE_DASHBOARD_PAGE (roster_dashboard_page_get_type ())

G_DECLARE_FINAL_TYPE (RosterDashboardPage, roster_dashboard_page, ROSTER, DASHBOARD_PAGE, AdwBin)

void            roster_dashboard_page_set_context       (RosterDashboardPage *self,
                                                         RosterContext       *context);
/* Re-reads the last refresh time ("Refreshed 5 minutes ago"). */
void            roster_dashboard_page_update_refreshed  (RosterDashboardPage *self);
/* Card by name: total, active, suspended, billable, warning, overdue, never. */
RosterStatCard *roster_dashboard_page_get_card          (RosterDashboardPage *self,
                                                         const char          *name);

G_END_DECLS
