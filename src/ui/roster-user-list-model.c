/* roster-user-list-model.c */
#define G_LOG_DOMAIN "roster-user-list-model"

#include "config.h"

#include "roster-user-list-model.h"

struct _RosterUserListModel
{
  GObject        parent_instance;

  RosterUserSet *set;    /* (owned) (nullable) */
  guint         *rows;   /* (owned) */
  guint          n_rows;
  GPtrArray     *slots;  /* (owned) RosterUserSlot or NULL, one per position */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (RosterUserListModel, roster_user_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
roster_user_list_model_get_item_type (GListModel *model)
{
  return ROSTER_TYPE_USER_SLOT;
}

static guint
roster_user_list_model_get_n_items (GListModel *model)
{
  return ROSTER_USER_LIST_MODEL (model)->n_rows;
}

static gpointer
roster_user_list_model_get_item (GListModel *model,
                                 guint       position)
{
  RosterUserListModel *self = ROSTER_USER_LIST_MODEL (model);
  RosterUserSlot *slot;

  if (position >= self->n_rows)
    return NULL;

  slot = g_ptr_array_index (self->slots, position);
  if (slot == NULL)
    {
      slot = roster_user_slot_new (self->set, self->rows[position]);
      g_ptr_array_index (self->slots, position) = slot;
    }

  return g_object_ref (slot);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = roster_user_list_model_get_item_type;
  iface->get_n_items = roster_user_list_model_get_n_items;
  iface->get_item = roster_user_list_model_get_item;
}

static void drop_slots (RosterUserListModel *self,
                        guint                from);

static void
roster_user_list_model_finalize (GObject *object)
{
  RosterUserListModel *self = ROSTER_USER_LIST_MODEL (object);

  drop_slots (self, 0);
  g_clear_pointer (&self->slots, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_free);
  g_clear_pointer (&self->set, roster_user_set_unref);

  G_OBJECT_CLASS (roster_user_list_model_parent_class)->finalize (object);
}

static void
roster_user_list_model_class_init (RosterUserListModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = roster_user_list_model_finalize;
}

static void
roster_user_list_model_init (RosterUserListModel *self)
{
  /* Slots are created lazily, so the array has NULL holes: drop_slots() frees them. */
  self->slots = g_ptr_array_new ();
}

RosterUserListModel *
roster_user_list_model_new (void)
{
  return g_object_new (ROSTER_TYPE_USER_LIST_MODEL, NULL);
}

static void
drop_slots (RosterUserListModel *self,
            guint                from)
{
  for (guint i = from; i < self->slots->len; i++)
    {
      RosterUserSlot *slot = g_ptr_array_index (self->slots, i);

      if (slot != NULL)
        g_object_unref (slot);
    }
  g_ptr_array_set_size (self->slots, from);
}

void
roster_user_list_model_set_rows (RosterUserListModel *self,
                                 RosterUserSet       *set,
                                 const guint         *rows,
                                 guint                n)
{
  guint old_n, common;

  g_return_if_fail (ROSTER_IS_USER_LIST_MODEL (self));
  g_return_if_fail (set != NULL);
  g_return_if_fail (n == 0 || rows != NULL);

  old_n = self->n_rows;

  if (self->set != set)
    {
      roster_user_set_ref (set);
      g_clear_pointer (&self->set, roster_user_set_unref);
      self->set = set;
    }

  g_free (self->rows);
  self->rows = g_memdup2 (rows, sizeof (guint) * MAX (n, 1));
  self->n_rows = n;

  /* Retarget the live slots in place: their cells update through "changed". */
  common = MIN (old_n, n);
  for (guint i = 0; i < common; i++)
    {
      RosterUserSlot *slot = g_ptr_array_index (self->slots, i);

      if (slot != NULL)
        roster_user_slot_retarget (slot, set, self->rows[i]);
    }

  if (n > old_n)
    {
      g_ptr_array_set_size (self->slots, n);
      g_list_model_items_changed (G_LIST_MODEL (self), old_n, 0, n - old_n);
    }
  else if (n < old_n)
    {
      drop_slots (self, n);
      g_list_model_items_changed (G_LIST_MODEL (self), n, old_n - n, 0);
    }
}

RosterUserSet *
roster_user_list_model_get_set (RosterUserListModel *self)
{
  g_return_val_if_fail (ROSTER_IS_USER_LIST_MODEL (self), NULL);

  return self->set;
}

const guint *
roster_user_list_model_get_rows (RosterUserListModel *self,
                                 guint               *n)
{
  g_return_val_if_fail (ROSTER_IS_USER_LIST_MODEL (self), NULL);

  *n = self->n_rows;
  return self->rows;
}

int
roster_user_list_model_find_row (RosterUserListModel *self,
                                 guint                row)
{
  g_return_val_if_fail (ROSTER_IS_USER_LIST_MODEL (self), -1);

  for (guint i = 0; i < self->n_rows; i++)
    if (self->rows[i] == row)
      return i;
  return -1;
}

void
roster_user_list_model_refresh (RosterUserListModel *self)
{
  g_return_if_fail (ROSTER_IS_USER_LIST_MODEL (self));

  for (guint i = 0; i < self->slots->len; i++)
    {
      RosterUserSlot *slot = g_ptr_array_index (self->slots, i);

      if (slot != NULL)
        roster_user_slot_emit_changed (slot);
    }
}
