/* roster-user-slot.h
 *
 * The item at one position of RosterUserListModel. Position i is always the same
 * object: a filter change retargets it to another row of the user set in place
 * and emits "changed" for the cells bound to it (see docs/large-lists.md, 3e).
 */
#pragma once

#include <glib-object.h>

#include "roster-user-set.h"

G_BEGIN_DECLS

#define ROSTER_TYPE_USER_SLOT (roster_user_slot_get_type ())

G_DECLARE_FINAL_TYPE (RosterUserSlot, roster_user_slot, ROSTER, USER_SLOT, GObject)

RosterUserSlot *roster_user_slot_new          (RosterUserSet  *set,
                                               guint           row);
RosterUserSet  *roster_user_slot_get_set      (RosterUserSlot *self);
guint           roster_user_slot_get_row      (RosterUserSlot *self);
/* Points the slot at another row; emits "changed" when cells are bound to it. */
void            roster_user_slot_retarget     (RosterUserSlot *self,
                                               RosterUserSet  *set,
                                               guint           row);
/* Emits "changed" when cells are bound (the row's presentation changed). */
void            roster_user_slot_emit_changed (RosterUserSlot *self);
/* Cells count themselves in on bind and out on unbind. */
void            roster_user_slot_hold         (RosterUserSlot *self);
void            roster_user_slot_release      (RosterUserSlot *self);

G_END_DECLS
