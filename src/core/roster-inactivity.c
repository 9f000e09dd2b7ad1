/* roster-inactivity.c */
#define G_LOG_DOMAIN "roster-inactivity"

#include "config.h"

#include "roster-error.h"
#include "roster-inactivity.h"

#define SECONDS_PER_DAY 86400
#define MAX_THRESHOLD_DAYS 3650

gboolean
roster_thresholds_validate (guint    warning_days,
                            guint    overdue_days,
                            GError **error)
{
  if (warning_days < 1 || warning_days > MAX_THRESHOLD_DAYS)
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT,
                   "Warning threshold must be between 1 and %d days, not %u",
                   MAX_THRESHOLD_DAYS, warning_days);
      return FALSE;
    }

  if (overdue_days <= warning_days || overdue_days > MAX_THRESHOLD_DAYS)
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT,
                   "Overdue threshold (%u days) must be greater than the warning threshold "
                   "(%u days) and at most %d days",
                   overdue_days, warning_days, MAX_THRESHOLD_DAYS);
      return FALSE;
    }

  return TRUE;
}

int
roster_inactivity_days (gint64 last_active_unix,
                        gint64 now_unix)
{
  if (last_active_unix <= 0)
    return -1;

  if (now_unix <= last_active_unix)
    return 0;

  return (int) MIN ((now_unix - last_active_unix) / SECONDS_PER_DAY, G_MAXINT);
}

RosterInactivityLevel
roster_inactivity_classify (const RosterThresholds *thresholds,
                            gint64                  last_active_unix,
                            gint64                  now_unix)
{
  int days = roster_inactivity_days (last_active_unix, now_unix);

  if (days < 0)
    return ROSTER_INACTIVITY_NEVER;
  if ((guint) days >= thresholds->overdue_days)
    return ROSTER_INACTIVITY_OVERDUE;
  if ((guint) days >= thresholds->warning_days)
    return ROSTER_INACTIVITY_WARNING;
  return ROSTER_INACTIVITY_ACTIVE;
}
