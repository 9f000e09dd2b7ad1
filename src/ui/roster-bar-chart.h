/* roster-bar-chart.h
 *
 * Horizontal bars, one row per category, one or two series (e.g. "with access"
 * and "active in the last 30 days"), drawn with GtkSnapshot in the theme's
 * colours. The accessible description carries every number.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ROSTER_TYPE_BAR_CHART (roster_bar_chart_get_type ())

G_DECLARE_FINAL_TYPE (RosterBarChart, roster_bar_chart, ROSTER, BAR_CHART, GtkWidget)

/* values_b may be NULL for a single series. Copies everything. */
void        roster_bar_chart_set_data        (RosterBarChart     *self,
                                              const char *const  *labels,
                                              const guint        *values_a,
                                              const guint        *values_b,
                                              guint               n,
                                              const char         *series_a,
                                              const char         *series_b);
/* The text given to assistive technologies (for tests). */
const char *roster_bar_chart_get_description (RosterBarChart     *self);

G_END_DECLS
