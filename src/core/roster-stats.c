/* roster-stats.c */
#define G_LOG_DOMAIN "roster-stats"

#include "config.h"

#include <string.h>

#include "roster-stats.h"

#define SECONDS_PER_DAY 86400

const char *
roster_stats_bucket_to_string (RosterStatsBucket bucket)
{
  static const char * const names[] = { "0-30", "30-60", "60-90", "90-180", "180+", "never" };

  if ((guint) bucket >= G_N_ELEMENTS (names))
    return NULL;
  return names[bucket];
}

static RosterStatsBucket
bucket_for_days (int days)
{
  if (days < 0)
    return ROSTER_STATS_BUCKET_NEVER;
  if (days < 30)
    return ROSTER_STATS_BUCKET_0_30;
  if (days < 60)
    return ROSTER_STATS_BUCKET_30_60;
  if (days < 90)
    return ROSTER_STATS_BUCKET_60_90;
  if (days < 180)
    return ROSTER_STATS_BUCKET_90_180;
  return ROSTER_STATS_BUCKET_180_PLUS;
}

void
roster_stats_compute (RosterUserSet          *set,
                      const RosterThresholds *thresholds,
                      gint64                  now_unix,
                      RosterStats            *out_stats)
{
  guint n;

  g_return_if_fail (set != NULL);
  g_return_if_fail (thresholds != NULL);
  g_return_if_fail (out_stats != NULL);

  memset (out_stats, 0, sizeof *out_stats);
  n = roster_user_set_get_n_users (set);
  out_stats->total = n;

  for (guint row = 0; row < n; row++)
    {
      gint64 last = roster_user_set_get_last_active (set, row);
      int days = roster_inactivity_days (last, now_unix);

      switch (roster_user_set_get_status (set, row))
        {
        case ROSTER_STATUS_ACTIVE: out_stats->active++; break;
        case ROSTER_STATUS_SUSPENDED: out_stats->suspended++; break;
        case ROSTER_STATUS_DEACTIVATED: out_stats->deactivated++; break;
        case ROSTER_STATUS_FOR_DELETION: out_stats->for_deletion++; break;
        case ROSTER_STATUS_NOT_INVITED: out_stats->not_invited++; break;
        case ROSTER_STATUS_UNKNOWN:
        default: break;
        }

      if (roster_user_set_is_billable (set, row))
        out_stats->billable++;

      switch (roster_inactivity_classify (thresholds, last, now_unix))
        {
        case ROSTER_INACTIVITY_WARNING: out_stats->warning++; break;
        case ROSTER_INACTIVITY_OVERDUE: out_stats->overdue++; break;
        case ROSTER_INACTIVITY_NEVER: out_stats->never_active++; break;
        case ROSTER_INACTIVITY_ACTIVE:
        default: break;
        }

      out_stats->histogram[bucket_for_days (days)]++;

      for (guint p = 0; p < ROSTER_N_PRODUCTS; p++)
        {
          gint64 product_last = roster_user_set_get_product_last_active (set, row, p);
          int product_days;

          if (product_last < 0)
            continue;
          out_stats->product_users[p]++;
          product_days = roster_inactivity_days (product_last, now_unix);
          if (product_days >= 0 && product_days < 30)
            out_stats->product_active_30d[p]++;
        }
    }
}

typedef struct
{
  guint  row;
  gint64 last_active;
  guint  level;
} AttentionItem;

static int
compare_attention (gconstpointer a,
                   gconstpointer b)
{
  const AttentionItem *x = a, *y = b;

  /* Overdue before warning, then the oldest activity first, then row order. */
  if (x->level != y->level)
    return x->level == ROSTER_INACTIVITY_OVERDUE ? -1 : 1;
  if (x->last_active != y->last_active)
    return x->last_active < y->last_active ? -1 : 1;
  return x->row < y->row ? -1 : x->row > y->row;
}

guint
roster_stats_needs_attention (RosterUserSet          *set,
                              const RosterThresholds *thresholds,
                              gint64                  now_unix,
                              guint                  *out_rows)
{
  g_autoptr(GArray) items = NULL;
  guint n;

  g_return_val_if_fail (set != NULL, 0);
  g_return_val_if_fail (thresholds != NULL, 0);
  g_return_val_if_fail (out_rows != NULL, 0);

  n = roster_user_set_get_n_users (set);
  items = g_array_new (FALSE, FALSE, sizeof (AttentionItem));

  for (guint row = 0; row < n; row++)
    {
      AttentionItem item;
      RosterInactivityLevel level;

      /* Only billable users (active status, product access, not an app or portal
       * customer): suspended and deactivated users already lost access, users without
       * product access have nothing to revoke, apps and customers cost nothing, so
       * none of them is something to act on. Never-active users are not here either:
       * they are pending invitations, counted on their own on the dashboard. */
      if (!roster_user_set_is_billable (set, row))
        continue;

      item.last_active = roster_user_set_get_last_active (set, row);
      level = roster_inactivity_classify (thresholds, item.last_active, now_unix);
      if (level != ROSTER_INACTIVITY_OVERDUE && level != ROSTER_INACTIVITY_WARNING)
        continue;

      item.row = row;
      item.level = level;
      g_array_append_val (items, item);
    }

  g_array_sort (items, compare_attention);
  for (guint i = 0; i < items->len; i++)
    out_rows[i] = g_array_index (items, AttentionItem, i).row;

  return items->len;
}

guint
roster_stats_newly_overdue (RosterUserSet          *current,
                            gint64                  current_now_unix,
                            RosterUserSet          *previous,
                            gint64                  previous_now_unix,
                            const RosterThresholds *thresholds,
                            guint                  *out_rows)
{
  guint n, count = 0;

  g_return_val_if_fail (current != NULL, 0);
  g_return_val_if_fail (thresholds != NULL, 0);
  g_return_val_if_fail (out_rows != NULL, 0);

  n = roster_user_set_get_n_users (current);

  for (guint row = 0; row < n; row++)
    {
      int before;

      if (roster_inactivity_classify (thresholds, roster_user_set_get_last_active (current, row),
                                      current_now_unix) != ROSTER_INACTIVITY_OVERDUE)
        continue;

      if (previous != NULL)
        {
          before = roster_user_set_lookup (previous,
                                           roster_user_set_get_account_id (current, row));
          if (before >= 0 &&
              roster_inactivity_classify (thresholds,
                                          roster_user_set_get_last_active (previous, before),
                                          previous_now_unix) == ROSTER_INACTIVITY_OVERDUE)
            continue;
        }

      out_rows[count++] = row;
    }

  return count;
}
