/* roster-inactivity.h
 *
 * Active / warning / overdue / never-active, from the newest product last-active
 * date and the admin's thresholds (defaults: warning after 60 days, overdue after 90).
 */
#pragma once

#include <glib.h>

#include "roster-types.h"

G_BEGIN_DECLS

#define ROSTER_DEFAULT_WARNING_DAYS 60
#define ROSTER_DEFAULT_OVERDUE_DAYS 90

typedef struct
{
  guint warning_days;
  guint overdue_days;
} RosterThresholds;

/* warning_days >= 1, overdue_days > warning_days, both <= 3650. */
gboolean              roster_thresholds_validate   (guint             warning_days,
                                                    guint             overdue_days,
                                                    GError          **error);
/* Whole days between last_active and now (floor), or -1 when never active (0). */
int                   roster_inactivity_days       (gint64            last_active_unix,
                                                    gint64            now_unix);
RosterInactivityLevel roster_inactivity_classify   (const RosterThresholds *thresholds,
                                                    gint64            last_active_unix,
                                                    gint64            now_unix);

G_END_DECLS
