/* roster-user-cell.h
 *
 * Custom-drawn cells of the users list: one widget per cell instead of a box of
 * labels. Text is kept in cached PangoLayouts that are only re-shaped when the
 * row's text changes, sizes depend on the font alone (a new row never queues a
 * resize), colours come from the cell's style (CSS classes) and the accessible
 * label carries what is drawn.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ROSTER_TYPE_USER_CELL (roster_user_cell_get_type ())

G_DECLARE_FINAL_TYPE (RosterUserCell, roster_user_cell, ROSTER, USER_CELL, GtkWidget)

/* The name (bold) over the email (dimmed), and a shield for protected accounts.
 * The strings are the shield's tooltip and accessible name (translated). */
GtkWidget *roster_user_cell_new_name     (const char         *shield_tooltip,
                                          const char         *shield_label);
/* Compact chips in fixed places, one per product: short names drawn, full names
 * for tooltips and the accessible label; none_label when no chip is shown. */
GtkWidget *roster_user_cell_new_products (guint               n_products,
                                          const char * const *short_names,
                                          const char * const *names,
                                          const char         *none_label);

/* Name cells. Nothing happens (no redraw) when nothing changed. */
void       roster_user_cell_set_name     (RosterUserCell     *self,
                                          const char         *name,
                                          const char         *email,
                                          gboolean            protected);
/* Product cells: bit p set = chip p shown. */
void       roster_user_cell_set_products (RosterUserCell     *self,
                                          guint               products);

G_END_DECLS
