/* roster-protected-model.c */
#define G_LOG_DOMAIN "roster-protected-model"

#include "config.h"

#include "roster-error.h"
#include "roster-protected-model.h"

struct _RosterProtectedModel
{
  GObject        parent_instance;

  RosterContext *context;       /* (owned) (nullable) */
  GCancellable  *cancellable;   /* (owned) the current load */
  GPtrArray     *accounts;      /* (owned) RosterProtectedAccount */
  GHashTable    *by_id;         /* account id (borrowed from accounts) → account */
  guint          stamp;
  guint          loaded : 1;
};

G_DEFINE_FINAL_TYPE (RosterProtectedModel, roster_protected_model, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
take_accounts (RosterProtectedModel *self,
               GPtrArray            *accounts)
{
  g_hash_table_remove_all (self->by_id);
  g_clear_pointer (&self->accounts, g_ptr_array_unref);
  self->accounts = accounts;
  for (guint i = 0; i < accounts->len; i++)
    {
      RosterProtectedAccount *account = g_ptr_array_index (accounts, i);

      g_hash_table_insert (self->by_id, account->account_id, account);
    }
}

typedef struct
{
  RosterProtectedModel *self;  /* (owned) */
  GTask                *task;  /* (owned) (nullable) completes after the load */
  guint                 stamp;
} LoadData;

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  LoadData *data = user_data;
  RosterProtectedModel *self = data->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = NULL;

  accounts = roster_store_list_protected_finish (ROSTER_STORE (object), result, &error);
  if (data->stamp == self->stamp)
    {
      if (accounts != NULL)
        {
          take_accounts (self, g_steal_pointer (&accounts));
          self->loaded = TRUE;
          g_signal_emit (self, signals[CHANGED], 0);
        }
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_warning ("Protected accounts could not be read: %s", error->message);
        }
    }

  if (data->task != NULL)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (data->task, g_steal_pointer (&error));
      else
        g_task_return_boolean (data->task, TRUE);
    }
  g_clear_object (&data->task);
  g_object_unref (data->self);
  g_free (data);
}

static void
load (RosterProtectedModel *self,
      GTask                *task)
{
  LoadData *data;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->stamp++;

  if (self->context == NULL || roster_context_get_store (self->context) == NULL)
    {
      if (task != NULL)
        g_task_return_boolean (task, TRUE);
      return;
    }

  self->cancellable = g_cancellable_new ();
  data = g_new0 (LoadData, 1);
  data->self = g_object_ref (self);
  data->task = task ? g_object_ref (task) : NULL;
  data->stamp = self->stamp;
  roster_store_list_protected_async (roster_context_get_store (self->context), self->cancellable,
                                     list_cb, data);
}

static void
roster_protected_model_dispose (GObject *object)
{
  RosterProtectedModel *self = ROSTER_PROTECTED_MODEL (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (roster_protected_model_parent_class)->dispose (object);
}

static void
roster_protected_model_finalize (GObject *object)
{
  RosterProtectedModel *self = ROSTER_PROTECTED_MODEL (object);

  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->accounts, g_ptr_array_unref);

  G_OBJECT_CLASS (roster_protected_model_parent_class)->finalize (object);
}

static void
roster_protected_model_class_init (RosterProtectedModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = roster_protected_model_dispose;
  object_class->finalize = roster_protected_model_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
roster_protected_model_init (RosterProtectedModel *self)
{
  self->accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) roster_protected_account_free);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
}

RosterProtectedModel *
roster_protected_model_new (void)
{
  return g_object_new (ROSTER_TYPE_PROTECTED_MODEL, NULL);
}

void
roster_protected_model_set_context (RosterProtectedModel *self,
                                    RosterContext        *context)
{
  g_return_if_fail (ROSTER_IS_PROTECTED_MODEL (self));
  g_return_if_fail (!context || ROSTER_IS_CONTEXT (context));

  g_set_object (&self->context, context);
  self->loaded = FALSE;
  take_accounts (self, g_ptr_array_new_with_free_func ((GDestroyNotify) roster_protected_account_free));
  g_signal_emit (self, signals[CHANGED], 0);
  load (self, NULL);
}

void
roster_protected_model_reload (RosterProtectedModel *self)
{
  g_return_if_fail (ROSTER_IS_PROTECTED_MODEL (self));

  load (self, NULL);
}

gboolean
roster_protected_model_is_loaded (RosterProtectedModel *self)
{
  g_return_val_if_fail (ROSTER_IS_PROTECTED_MODEL (self), FALSE);

  return self->loaded;
}

gboolean
roster_protected_model_contains (RosterProtectedModel *self,
                                 const char           *account_id)
{
  g_return_val_if_fail (ROSTER_IS_PROTECTED_MODEL (self), FALSE);

  return account_id != NULL && g_hash_table_contains (self->by_id, account_id);
}

const char *
roster_protected_model_get_reason (RosterProtectedModel *self,
                                   const char           *account_id)
{
  RosterProtectedAccount *account;

  g_return_val_if_fail (ROSTER_IS_PROTECTED_MODEL (self), NULL);

  account = account_id ? g_hash_table_lookup (self->by_id, account_id) : NULL;
  return account ? account->reason : NULL;
}

GPtrArray *
roster_protected_model_get_accounts (RosterProtectedModel *self)
{
  g_return_val_if_fail (ROSTER_IS_PROTECTED_MODEL (self), NULL);

  return self->accounts;
}

static void
changed_in_store_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RosterProtectedModel *self = g_task_get_source_object (task);
  const char *account_id = g_task_get_task_data (task);
  gboolean protect = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "protect"));
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (protect)
    ok = roster_store_add_protected_finish (ROSTER_STORE (object), result, &error);
  else
    ok = roster_store_remove_protected_finish (ROSTER_STORE (object), result, &error) || error == NULL;

  if (self->context != NULL)
    roster_context_audit (self->context, protect ? "protect.add" : "protect.remove", account_id,
                          ok ? "ok" : "failed", 0, NULL,
                          ok ? NULL : error ? error->message : NULL);
  if (!ok)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  load (self, task);
}

void
roster_protected_model_set_protected_async (RosterProtectedModel *self,
                                            const char           *account_id,
                                            gboolean              protect,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  RosterStore *store;

  g_return_if_fail (ROSTER_IS_PROTECTED_MODEL (self));
  g_return_if_fail (account_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_protected_model_set_protected_async);
  g_task_set_task_data (task, g_strdup (account_id), g_free);
  g_object_set_data (G_OBJECT (task), "protect", GINT_TO_POINTER (!!protect));

  store = self->context ? roster_context_get_store (self->context) : NULL;
  if (store == NULL)
    {
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT,
                               "No organization is open");
      return;
    }

  if (protect)
    roster_store_add_protected_async (store, account_id, NULL, cancellable, changed_in_store_cb,
                                      g_steal_pointer (&task));
  else
    roster_store_remove_protected_async (store, account_id, cancellable, changed_in_store_cb,
                                         g_steal_pointer (&task));
}

gboolean
roster_protected_model_set_protected_finish (RosterProtectedModel *self,
                                             GAsyncResult         *result,
                                             GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
