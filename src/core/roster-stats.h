/* roster-stats.h
 *
 * Dashboard statistics over a frozen RosterUserSet: pure functions of the set, the
 * thresholds and the clock (no I/O, any thread).
 */
#pragma once

#include <glib.h>

#include "roster-inactivity.h"
#include "roster-user-set.h"

G_BEGIN_DECLS

typedef enum
{
  ROSTER_STATS_BUCKET_0_30,
  ROSTER_STATS_BUCKET_30_60,
  ROSTER_STATS_BUCKET_60_90,
  ROSTER_STATS_BUCKET_90_180,
  ROSTER_STATS_BUCKET_180_PLUS,
  ROSTER_STATS_BUCKET_NEVER,
  ROSTER_STATS_N_BUCKETS,
} RosterStatsBucket;

typedef struct
{
  guint total;
  /* by status */
  guint active;
  guint suspended;
  guint deactivated;
  guint for_deletion;
  guint not_invited;
  guint billable;
  /* by inactivity level, over every user */
  guint warning;
  guint overdue;
  guint never_active;
  /* per product: users with access, and of those active in the last 30 days */
  guint product_users[ROSTER_N_PRODUCTS];
  guint product_active_30d[ROSTER_N_PRODUCTS];
  /* days since last active: [0,30) [30,60) [60,90) [90,180) [180,∞) and never */
  guint histogram[ROSTER_STATS_N_BUCKETS];
} RosterStats;

void   roster_stats_compute          (RosterUserSet          *set,
                                      const RosterThresholds *thresholds,
                                      gint64                  now_unix,
                                      RosterStats            *out_stats);

/* Rows that need the admin's attention: overdue first (most inactive first), then
 * warning (most inactive first). Only billable users count (active status, product
 * access, not an app or customer; see roster-stats.c). Returns the count; rows written to out_rows (sized n_users). */
guint  roster_stats_needs_attention  (RosterUserSet          *set,
                                      const RosterThresholds *thresholds,
                                      gint64                  now_unix,
                                      guint                  *out_rows);

/* Rows of `current` that are overdue now and were not overdue in `previous` (or were
 * absent from it), for notifications. previous may be NULL (then every overdue row).
 * Each set is classified with its own clock. Returns the count; ascending rows. */
guint  roster_stats_newly_overdue    (RosterUserSet          *current,
                                      gint64                  current_now_unix,
                                      RosterUserSet          *previous,
                                      gint64                  previous_now_unix,
                                      const RosterThresholds *thresholds,
                                      guint                  *out_rows);

const char *roster_stats_bucket_to_string (RosterStatsBucket bucket);

G_END_DECLS
