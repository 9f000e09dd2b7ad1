/* roster-connect-dialog.c */
#define G_LOG_DOMAIN "roster-connect-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "roster-application.h"
#include "roster-connect-dialog.h"
#include "roster-error.h"
#include "roster-org.h"

struct _RosterConnectDialog
{
  AdwWindow             parent_instance;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwPasswordEntryRow  *key_row;
  AdwEntryRow          *url_row;
  GtkButton            *validate_button;
  GtkButton            *save_button;
  GtkSpinner           *spinner;
  GtkLabel             *error_label;
  AdwPreferencesGroup  *orgs_group;
  GtkListBox           *orgs_list;

  RosterContext        *context;      /* (owned) */
  GCancellable         *cancellable;  /* (owned) (nullable) */
  GPtrArray            *orgs;         /* (owned) (nullable) element-type RosterOrg */
  GtkCheckButton       *first_check;  /* (nullable) borrowed */
  int                   chosen;
  char                 *validated_url;
};

G_DEFINE_FINAL_TYPE (RosterConnectDialog, roster_connect_dialog, ADW_TYPE_WINDOW)

enum {
  CONNECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
describe_connect_error (const GError *error)
{
  if (g_error_matches (error, ROSTER_ERROR, ROSTER_ERROR_UNAUTHORIZED))
    return g_strdup (_("This key was not accepted. Copy the whole key again; it may also have expired or been revoked."));
  if (g_error_matches (error, ROSTER_ERROR, ROSTER_ERROR_FORBIDDEN))
    return g_strdup (_("This key has no admin rights on any organization. Create it in admin.atlassian.com as an organization admin."));
  if (g_error_matches (error, ROSTER_ERROR, ROSTER_ERROR_NETWORK))
    return g_strdup (_("Cannot reach the Admin API. Check your network connection."));
  if (g_error_matches (error, ROSTER_ERROR, ROSTER_ERROR_INSECURE_URL))
    return g_strdup (_("The Admin API URL must be a valid https:// address."));
  return roster_describe_error (error);
}

static void
set_busy (RosterConnectDialog *self,
          gboolean             busy)
{
  gtk_spinner_set_spinning (self->spinner, busy);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->key_row));

  gtk_widget_set_sensitive (GTK_WIDGET (self->validate_button), !busy && text != NULL && text[0] != '\0');
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), !busy && self->chosen >= 0);
}

static void
show_error (RosterConnectDialog *self,
            const char          *text)
{
  gtk_label_set_label (self->error_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL);
}

static void
clear_orgs (RosterConnectDialog *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->orgs_list))) != NULL)
    gtk_list_box_remove (self->orgs_list, child);
  g_clear_pointer (&self->orgs, g_ptr_array_unref);
  self->first_check = NULL;
  self->chosen = -1;
  gtk_widget_set_visible (GTK_WIDGET (self->orgs_group), FALSE);
}

static void
key_changed_cb (RosterConnectDialog *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  clear_orgs (self);
  show_error (self, NULL);
  set_busy (self, FALSE);
}

static void
org_toggled_cb (GtkCheckButton      *check,
                RosterConnectDialog *self)
{
  if (gtk_check_button_get_active (check))
    self->chosen = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (check), "index"));
  set_busy (self, FALSE);
}

static void
validate_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(RosterConnectDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) orgs = NULL;

  orgs = roster_context_validate_key_finish (ROSTER_CONTEXT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->cancellable);

  if (orgs == NULL || orgs->len == 0)
    {
      g_autofree char *text = NULL;

      if (error == NULL)
        g_set_error_literal (&error, ROSTER_ERROR, ROSTER_ERROR_FORBIDDEN, "No organization");
      text = describe_connect_error (error);
      show_error (self, text);
      set_busy (self, FALSE);
      return;
    }

  clear_orgs (self);
  self->orgs = g_ptr_array_ref (orgs);

  for (guint i = 0; i < orgs->len; i++)
    {
      RosterOrg *org = g_ptr_array_index (orgs, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), roster_org_get_name (org));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), roster_org_get_id (org));
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      g_object_set_data (G_OBJECT (check), "index", GINT_TO_POINTER (i));
      if (self->first_check != NULL)
        gtk_check_button_set_group (GTK_CHECK_BUTTON (check), self->first_check);
      else
        self->first_check = GTK_CHECK_BUTTON (check);
      g_signal_connect (check, "toggled", G_CALLBACK (org_toggled_cb), self);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      gtk_list_box_append (self->orgs_list, row);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->orgs_group), TRUE);
  gtk_check_button_set_active (self->first_check, TRUE);
  self->chosen = 0;
  set_busy (self, FALSE);
}

static void
validate_clicked_cb (RosterConnectDialog *self)
{
  const char *key = gtk_editable_get_text (GTK_EDITABLE (self->key_row));
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->url_row));

  if (key == NULL || key[0] == '\0')
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  clear_orgs (self);
  show_error (self, NULL);

  g_free (self->validated_url);
  self->validated_url = g_strstrip (g_strdup (url[0] ? url : ROSTER_DEFAULT_ADMIN_API_URL));

  set_busy (self, TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->validate_button), FALSE);
  roster_context_validate_key_async (self->context, self->validated_url, key, self->cancellable,
                                     validate_cb, g_object_ref (self));
}

static void
save_key_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(RosterConnectDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  RosterOrg *org;

  if (!roster_context_save_key_finish (ROSTER_CONTEXT (object), result, &error))
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      text = describe_connect_error (error);
      show_error (self, text);
      set_busy (self, FALSE);
      return;
    }

  org = g_ptr_array_index (self->orgs, self->chosen);
  g_signal_emit (self, signals[CONNECTED], 0, self->validated_url, roster_org_get_id (org));
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
save_clicked_cb (RosterConnectDialog *self)
{
  RosterOrg *org;

  if (self->orgs == NULL || self->chosen < 0 || (guint) self->chosen >= self->orgs->len)
    return;

  org = g_ptr_array_index (self->orgs, self->chosen);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), FALSE);
  roster_context_save_key_async (self->context, roster_org_get_id (org), roster_org_get_name (org),
                                 gtk_editable_get_text (GTK_EDITABLE (self->key_row)),
                                 self->cancellable, save_key_cb, g_object_ref (self));
}

static void
roster_connect_dialog_dispose (GObject *object)
{
  RosterConnectDialog *self = ROSTER_CONNECT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->orgs, g_ptr_array_unref);
  g_clear_object (&self->context);

  gtk_widget_dispose_template (GTK_WIDGET (self), ROSTER_TYPE_CONNECT_DIALOG);

  G_OBJECT_CLASS (roster_connect_dialog_parent_class)->dispose (object);
}

static void
roster_connect_dialog_finalize (GObject *object)
{
  RosterConnectDialog *self = ROSTER_CONNECT_DIALOG (object);

  g_clear_pointer (&self->validated_url, g_free);

  G_OBJECT_CLASS (roster_connect_dialog_parent_class)->finalize (object);
}

static void
roster_connect_dialog_class_init (RosterConnectDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = roster_connect_dialog_dispose;
  object_class->finalize = roster_connect_dialog_finalize;

  signals[CONNECTED] = g_signal_new ("connected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                     G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               APP_PATH "/ui/roster-connect-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, RosterConnectDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, RosterConnectDialog, key_row);
  gtk_widget_class_bind_template_child (widget_class, RosterConnectDialog, url_row);
  gtk_widget_class_bind_template_child (widget_class, RosterConnectDialog, validate_button);
  gtk_widget_class_bind_template_child (widget_class, RosterConnectDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, RosterConnectDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, RosterConnectDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, RosterConnectDialog, orgs_group);
  gtk_widget_class_bind_template_child (widget_class, RosterConnectDialog, orgs_list);
  gtk_widget_class_bind_template_callback (widget_class, key_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, validate_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
roster_connect_dialog_init (RosterConnectDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->chosen = -1;
}

RosterConnectDialog *
roster_connect_dialog_new (GtkWindow     *parent,
                           RosterContext *context)
{
  RosterConnectDialog *self;

  g_return_val_if_fail (ROSTER_IS_CONTEXT (context), NULL);

  self = g_object_new (ROSTER_TYPE_CONNECT_DIALOG, "transient-for", parent, NULL);
  self->context = g_object_ref (context);
  return self;
}
