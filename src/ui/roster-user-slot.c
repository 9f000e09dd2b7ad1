/* roster-user-slot.c */
#define G_LOG_DOMAIN "roster-user-slot"

#include "config.h"

#include "roster-user-slot.h"

struct _RosterUserSlot
{
  GObject        parent_instance;

  RosterUserSet *set;      /* (owned) */
  guint          row;
  guint          n_bound;
};

G_DEFINE_FINAL_TYPE (RosterUserSlot, roster_user_slot, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
roster_user_slot_finalize (GObject *object)
{
  RosterUserSlot *self = ROSTER_USER_SLOT (object);

  g_clear_pointer (&self->set, roster_user_set_unref);

  G_OBJECT_CLASS (roster_user_slot_parent_class)->finalize (object);
}

static void
roster_user_slot_class_init (RosterUserSlotClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = roster_user_slot_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
roster_user_slot_init (RosterUserSlot *self)
{
}

RosterUserSlot *
roster_user_slot_new (RosterUserSet *set,
                      guint          row)
{
  RosterUserSlot *self = g_object_new (ROSTER_TYPE_USER_SLOT, NULL);

  self->set = roster_user_set_ref (set);
  self->row = row;
  return self;
}

RosterUserSet *
roster_user_slot_get_set (RosterUserSlot *self)
{
  return self->set;
}

guint
roster_user_slot_get_row (RosterUserSlot *self)
{
  return self->row;
}

void
roster_user_slot_retarget (RosterUserSlot *self,
                           RosterUserSet  *set,
                           guint           row)
{
  if (self->set == set && self->row == row)
    return;

  if (self->set != set)
    {
      roster_user_set_ref (set);
      roster_user_set_unref (self->set);
      self->set = set;
    }
  self->row = row;

  if (self->n_bound > 0)
    g_signal_emit (self, signals[CHANGED], 0);
}

void
roster_user_slot_emit_changed (RosterUserSlot *self)
{
  if (self->n_bound > 0)
    g_signal_emit (self, signals[CHANGED], 0);
}

void
roster_user_slot_hold (RosterUserSlot *self)
{
  self->n_bound++;
}

void
roster_user_slot_release (RosterUserSlot *self)
{
  g_assert (self->n_bound > 0);
  self->n_bound--;
}
