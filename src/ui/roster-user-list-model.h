/* roster-user-list-model.h
 *
 * A GListModel over an array of row indices into a RosterUserSet. Item i is
 * always the same RosterUserSlot: replacing the rows retargets the live slots in
 * place and only the change in length goes through items-changed, so GTK 4.8's
 * list item manager never walks a full replacement (docs/large-lists.md).
 */
#pragma once

#include <gio/gio.h>

#include "roster-user-set.h"
#include "roster-user-slot.h"

G_BEGIN_DECLS

#define ROSTER_TYPE_USER_LIST_MODEL (roster_user_list_model_get_type ())

G_DECLARE_FINAL_TYPE (RosterUserListModel, roster_user_list_model, ROSTER, USER_LIST_MODEL, GObject)

RosterUserListModel *roster_user_list_model_new         (void);
/* Takes a copy of rows[0..n). */
void                 roster_user_list_model_set_rows    (RosterUserListModel *self,
                                                         RosterUserSet       *set,
                                                         const guint         *rows,
                                                         guint                n);
RosterUserSet       *roster_user_list_model_get_set     (RosterUserListModel *self);
const guint         *roster_user_list_model_get_rows    (RosterUserListModel *self,
                                                         guint               *n);
/* Position of a set row, or -1. */
int                  roster_user_list_model_find_row    (RosterUserListModel *self,
                                                         guint                row);
/* Re-presents every bound slot (selection or thresholds changed). */
void                 roster_user_list_model_refresh     (RosterUserListModel *self);

G_END_DECLS
