/* roster-protected-group.c
 *
 * Settings → Protected Accounts: one row per protected account (name and email
 * looked up in the cached users, the reason), a search popover over the users
 * to add one, and removal after a confirmation. Changes go through the shared
 * RosterProtectedModel, which writes the store and the audit trail.
 */
#define G_LOG_DOMAIN "roster-protected-group"

#include "config.h"

#include <glib/gi18n.h>

#include "roster-application.h"
#include "roster-protected-group.h"

#define N_RESULTS 8

struct _RosterProtectedGroup
{
  AdwPreferencesGroup   parent_instance;

  /* Template widgets */
  GtkMenuButton        *add_button;
  GtkPopover           *add_popover;
  GtkSearchEntry       *add_entry;
  GtkLabel             *add_hint_label;
  GtkListBox           *add_results;
  AdwActionRow         *empty_row;

  RosterProtectedModel *model;     /* (owned) (nullable) */
  RosterContext        *context;   /* (owned) (nullable) */
  GPtrArray            *rows;      /* (owned) rows added to the group */
};

G_DEFINE_FINAL_TYPE (RosterProtectedGroup, roster_protected_group, ADW_TYPE_PREFERENCES_GROUP)

static void
toast (RosterProtectedGroup *self,
       const char           *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

static RosterUserSet *
users (RosterProtectedGroup *self)
{
  return self->context ? roster_context_get_users (self->context) : NULL;
}

/* Name, email of an account from the cached users (NULL when not cached). */
static void
describe_account (RosterProtectedGroup  *self,
                  const char            *account_id,
                  const char           **name,
                  const char           **email)
{
  RosterUserSet *set = users (self);
  int row = set ? roster_user_set_lookup (set, account_id) : -1;

  *name = row >= 0 ? roster_user_set_get_name (set, row) : NULL;
  *email = row >= 0 ? roster_user_set_get_email (set, row) : NULL;
}

static void
set_protected_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(RosterProtectedGroup) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!roster_protected_model_set_protected_finish (ROSTER_PROTECTED_MODEL (object), result, &error))
    {
      g_autofree char *text = roster_describe_error (error);

      toast (self, text);
    }
}

static void
remove_response_cb (AdwMessageDialog     *dialog,
                    const char           *response,
                    RosterProtectedGroup *self)
{
  const char *account_id = g_object_get_data (G_OBJECT (dialog), "account-id");

  if (g_strcmp0 (response, "remove") != 0 || self->model == NULL)
    return;
  roster_protected_model_set_protected_async (self->model, account_id, FALSE, NULL,
                                              set_protected_cb, g_object_ref (self));
}

static void
remove_clicked_cb (GtkButton            *button,
                   RosterProtectedGroup *self)
{
  const char *account_id = g_object_get_data (G_OBJECT (button), "account-id");
  const char *name, *email;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  describe_account (self, account_id, &name, &email);
  body = g_strdup_printf (_("Bulk changes will be able to change %s again. The organization "
                            "itself is not changed."),
                          name ? name : account_id);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   _("Remove Protection?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove Protection"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "account-id", g_strdup (account_id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
rebuild (RosterProtectedGroup *self)
{
  GPtrArray *accounts = self->model ? roster_protected_model_get_accounts (self->model) : NULL;

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);

  for (guint i = 0; accounts != NULL && i < accounts->len; i++)
    {
      RosterProtectedAccount *account = g_ptr_array_index (accounts, i);
      gboolean admin = g_strcmp0 (account->reason, ROSTER_PROTECTED_REASON_ORG_ADMIN) == 0;
      const char *name, *email;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_from_icon_name ("user-trash-symbolic");
      GtkWidget *icon = gtk_image_new_from_icon_name ("security-high-symbolic");
      g_autofree char *subtitle = NULL;
      g_autofree char *label = NULL;

      describe_account (self, account->account_id, &name, &email);
      subtitle = g_strdup_printf ("%s · %s", email ? email : account->account_id,
                                  admin ? _("Org admin") : _("Added by you"));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     name ? name : _("Not in the cached users"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Protected"), -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);

      label = g_strdup_printf (_("Remove protection of %s"), name ? name : account->account_id);
      gtk_widget_set_tooltip_text (button, _("Remove protection"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      label, -1);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      g_object_set_data_full (G_OBJECT (button), "account-id", g_strdup (account->account_id), g_free);
      g_signal_connect_object (button, "clicked", G_CALLBACK (remove_clicked_cb), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
      g_ptr_array_add (self->rows, row);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->empty_row), self->rows->len == 0);
  if (self->model != NULL && !roster_protected_model_is_loaded (self->model))
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->empty_row), _("Loading…"));
  else
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->empty_row), _("No protected accounts"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button),
                            self->model != NULL && users (self) != NULL);
}

/* Add popover */

static guint
search_rows (RosterProtectedGroup *self,
             const char           *text,
             guint                *out_rows)
{
  RosterUserSet *set = users (self);
  g_autofree char *folded = NULL;
  guint found = 0;

  if (set == NULL || text == NULL || text[0] == '\0')
    return 0;
  folded = roster_fold_for_search (text);
  /* A plain scan that stops at the first screenful: fast for anything typed. */
  for (guint i = 0, n = roster_user_set_get_n_users (set); i < n && found < N_RESULTS; i++)
    if (strstr (roster_user_set_get_search_key (set, i), folded) != NULL)
      out_rows[found++] = i;
  return found;
}

static void
add_search_changed_cb (RosterProtectedGroup *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->add_entry));
  RosterUserSet *set = users (self);
  guint rows[N_RESULTS];
  guint n = search_rows (self, text, rows);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->add_results))) != NULL)
    gtk_list_box_remove (self->add_results, child);

  for (guint i = 0; i < n; i++)
    {
      const char *account_id = roster_user_set_get_account_id (set, rows[i]);
      const char *email = roster_user_set_get_email (set, rows[i]);
      GtkWidget *row = adw_action_row_new ();
      gboolean already = roster_protected_model_contains (self->model, account_id);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), roster_user_set_get_name (set, rows[i]));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), already ? _("Already protected")
                                                      : email ? email : _("Email hidden"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), !already);
      gtk_widget_set_sensitive (row, !already);
      g_object_set_data_full (G_OBJECT (row), "account-id", g_strdup (account_id), g_free);
      gtk_list_box_append (self->add_results, row);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->add_results), n > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->add_hint_label), n == 0);
  gtk_label_set_label (self->add_hint_label,
                       text[0] == '\0' ? _("Type a name or an email address")
                                       : _("No user matches"));
}

static void
protect (RosterProtectedGroup *self,
         GtkListBoxRow        *row)
{
  const char *account_id = g_object_get_data (G_OBJECT (row), "account-id");

  if (account_id == NULL || self->model == NULL)
    return;
  gtk_popover_popdown (self->add_popover);
  roster_protected_model_set_protected_async (self->model, account_id, TRUE, NULL,
                                              set_protected_cb, g_object_ref (self));
}

static void
add_result_activated_cb (RosterProtectedGroup *self,
                         GtkListBoxRow        *row)
{
  protect (self, row);
}

static void
add_entry_activate_cb (RosterProtectedGroup *self)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->add_results, 0);

  if (row != NULL && gtk_list_box_row_get_activatable (row))
    protect (self, row);
}

static void
add_popover_show_cb (RosterProtectedGroup *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->add_entry), "");
  add_search_changed_cb (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->add_entry));
}

/* GObject */

static void
roster_protected_group_dispose (GObject *object)
{
  RosterProtectedGroup *self = ROSTER_PROTECTED_GROUP (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  if (self->context != NULL)
    g_signal_handlers_disconnect_by_data (self->context, self);
  g_clear_object (&self->model);
  g_clear_object (&self->context);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), ROSTER_TYPE_PROTECTED_GROUP);

  G_OBJECT_CLASS (roster_protected_group_parent_class)->dispose (object);
}

static void
roster_protected_group_class_init (RosterProtectedGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = roster_protected_group_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               APP_PATH "/ui/roster-protected-group.ui");
  gtk_widget_class_bind_template_child (widget_class, RosterProtectedGroup, add_button);
  gtk_widget_class_bind_template_child (widget_class, RosterProtectedGroup, add_popover);
  gtk_widget_class_bind_template_child (widget_class, RosterProtectedGroup, add_entry);
  gtk_widget_class_bind_template_child (widget_class, RosterProtectedGroup, add_hint_label);
  gtk_widget_class_bind_template_child (widget_class, RosterProtectedGroup, add_results);
  gtk_widget_class_bind_template_child (widget_class, RosterProtectedGroup, empty_row);
  gtk_widget_class_bind_template_callback (widget_class, add_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_result_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_popover_show_cb);
}

static void
roster_protected_group_init (RosterProtectedGroup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->add_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Protect an account"), -1);
  rebuild (self);
}

void
roster_protected_group_set_model (RosterProtectedGroup *self,
                                  RosterProtectedModel *model,
                                  RosterContext        *context)
{
  g_return_if_fail (ROSTER_IS_PROTECTED_GROUP (self));

  if (self->model != model)
    {
      if (self->model != NULL)
        g_signal_handlers_disconnect_by_data (self->model, self);
      g_set_object (&self->model, model);
      if (model != NULL)
        g_signal_connect_object (model, "changed", G_CALLBACK (rebuild), self, G_CONNECT_SWAPPED);
    }
  if (self->context != NULL && self->context != context)
    g_signal_handlers_disconnect_by_data (self->context, self);
  if (g_set_object (&self->context, context) && context != NULL)
    g_signal_connect_object (context, "notify::users", G_CALLBACK (rebuild), self,
                             G_CONNECT_SWAPPED);
  rebuild (self);
}

GStrv
roster_protected_group_search (RosterProtectedGroup *self,
                               const char           *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint rows[N_RESULTS];
  guint n;

  g_return_val_if_fail (ROSTER_IS_PROTECTED_GROUP (self), NULL);

  n = search_rows (self, text, rows);
  for (guint i = 0; i < n; i++)
    g_strv_builder_add (builder, roster_user_set_get_account_id (users (self), rows[i]));
  return g_strv_builder_end (builder);
}

guint
roster_protected_group_get_n_rows (RosterProtectedGroup *self)
{
  g_return_val_if_fail (ROSTER_IS_PROTECTED_GROUP (self), 0);

  return self->rows->len;
}
