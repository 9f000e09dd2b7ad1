/* roster-site-group.c */
#define G_LOG_DOMAIN "roster-site-group"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "roster-application.h"
#include "roster-error.h"
#include "roster-site-group.h"

struct _RosterSiteGroup
{
  AdwPreferencesGroup  parent_instance;

  /* Template widgets */
  AdwActionRow        *status_row;
  GtkImage            *status_icon;
  GtkButton           *disconnect_button;
  AdwEntryRow         *url_row;
  AdwEntryRow         *email_row;
  AdwPasswordEntryRow *token_row;
  GtkLabel            *message_label;
  GtkSpinner          *spinner;
  GtkButton           *validate_button;
  GtkButton           *save_button;

  /* Owned */
  RosterContext       *context;       /* (nullable) */
  GSignalGroup        *context_signals;
  GCancellable        *cancellable;   /* (nullable) */
  RosterSite          *probe;         /* (nullable) the site being validated */
  char                *message;
  char                *status;

  guint                demo : 1;
  guint                busy : 1;
};

G_DEFINE_FINAL_TYPE (RosterSiteGroup, roster_site_group, ADW_TYPE_PREFERENCES_GROUP)

enum {
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
toast (RosterSiteGroup *self,
       const char      *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

static const char *
entry_text (gpointer row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

/* The site's errors for an admin; an INVALID_ARGUMENT here is always the URL
 * (the email is checked before anything is sent). */
static char *
describe_site_error (const GError *error)
{
  if (error != NULL && error->domain == ROSTER_ERROR)
    {
      switch ((RosterErrorCode) error->code)
        {
        case ROSTER_ERROR_INSECURE_URL:
          return g_strdup (_("The site URL must start with https://."));
        case ROSTER_ERROR_INVALID_ARGUMENT:
          return g_strdup (_("This is not a site URL. Use https://your-site.atlassian.net or "
                             "https://api.atlassian.com/ex/jira/{cloudId}."));
        case ROSTER_ERROR_UNAUTHORIZED:
          return g_strdup (_("The site did not accept the email and API token. Check both; the "
                             "token may have expired or been revoked."));
        case ROSTER_ERROR_FORBIDDEN:
          return g_strdup (_("The account may not use this site’s API. Use an account with "
                             "access to the site."));
        case ROSTER_ERROR_NOT_FOUND:
          return g_strdup (_("There is no Jira site at this URL. Check the site name or the "
                             "cloud id."));
        case ROSTER_ERROR_NETWORK:
          return g_strdup (_("Cannot reach the site. Check the URL and your network "
                             "connection."));
        case ROSTER_ERROR_INVALID_RESPONSE:
          return g_strdup (_("Something answered at this URL, but it is not an Atlassian "
                             "site."));
        case ROSTER_ERROR_NO_API_KEY:
          return g_strdup (_("Enter the API token."));
        default:
          break;
        }
    }
  return roster_describe_error (error);
}

static void
show_message (RosterSiteGroup *self,
              const char      *text,
              gboolean         error)
{
  g_free (self->message);
  self->message = g_strdup (text);
  gtk_label_set_label (self->message_label, text ? text : "");
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
}

static void
update_buttons (RosterSiteGroup *self)
{
  gboolean filled = entry_text (self->url_row)[0] != '\0' &&
                    entry_text (self->email_row)[0] != '\0' &&
                    entry_text (self->token_row)[0] != '\0';
  gboolean open = self->context != NULL && roster_context_is_open (self->context);

  gtk_spinner_set_spinning (self->spinner, self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->validate_button), !self->busy && filled);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button),
                            !self->busy && filled && open && !self->demo);
}

static void
update_status (RosterSiteGroup *self)
{
  RosterSite *site = self->context ? roster_context_get_site (self->context) : NULL;

  g_free (self->status);
  if (site != NULL && self->demo)
    /* Translators: the demo organization's stand-in site. */
    self->status = g_strdup_printf (_("Demo site at %s (its token is never stored)"),
                                    roster_site_get_url (site));
  else if (site != NULL)
    /* Translators: "Connected to https://acme.atlassian.net as admin@acme.com". */
    self->status = g_strdup_printf (_("Connected to %s as %s"), roster_site_get_url (site),
                                    roster_site_get_email (site));
  else
    self->status = g_strdup (_("Not connected"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->status_row), self->status);
  adw_action_row_set_subtitle (self->status_row,
                               site != NULL && !self->demo
                                 ? _("The API token is kept in the keyring")
                                 : site == NULL ? _("Customers, spaces and access groups need a site")
                                                : NULL);
  gtk_image_set_from_icon_name (self->status_icon,
                                site != NULL ? "emblem-ok-symbolic" : "network-server-symbolic");
  gtk_widget_set_visible (GTK_WIDGET (self->disconnect_button), site != NULL && !self->demo);

  gtk_widget_set_sensitive (GTK_WIDGET (self->url_row), !self->demo);
  gtk_widget_set_sensitive (GTK_WIDGET (self->email_row), !self->demo);
  gtk_widget_set_sensitive (GTK_WIDGET (self->token_row), !self->demo);
  update_buttons (self);
}

static void
reset_cancellable (RosterSiteGroup *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
}

static void
finish (RosterSiteGroup *self)
{
  self->busy = FALSE;
  g_clear_object (&self->probe);
  update_buttons (self);
  g_signal_emit (self, signals[FINISHED], 0);
}

/* Checks what can be checked here, so that the messages name the right field. */
static gboolean
check_form (RosterSiteGroup *self,
            const char      *url,
            const char      *email,
            const char      *token)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *site_url = NULL;

  if (!roster_site_parse_url (url, &site_url, NULL, NULL, &error))
    {
      g_autofree char *text = describe_site_error (error);

      show_message (self, text, TRUE);
      return FALSE;
    }
  if (email == NULL || strchr (email, '@') == NULL || strchr (email, '@')[1] == '\0')
    {
      show_message (self, _("Enter the email address of the account the API token belongs to."), TRUE);
      return FALSE;
    }
  if (token == NULL || token[0] == '\0')
    {
      show_message (self, _("Enter the API token."), TRUE);
      return FALSE;
    }
  return TRUE;
}

static void
form_changed_cb (RosterSiteGroup *self)
{
  if (!self->busy)
    show_message (self, NULL, FALSE);
  update_buttons (self);
}

/* Validate: only asks the site, stores nothing. */

static void
validate_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(RosterSiteGroup) self = user_data;
  g_autoptr(GError) error = NULL;
  RosterSite *site = ROSTER_SITE (object);

  if (self->message_label == NULL)  /* disposed meanwhile */
    return;

  if (!roster_site_validate_finish (site, result, &error))
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      text = describe_site_error (error);
      show_message (self, text, TRUE);
    }
  else
    {
      const char *name = roster_site_get_display_name (site);
      g_autofree char *text = NULL;

      if (name != NULL && name[0] != '\0')
        /* Translators: the name of the account the token belongs to. */
        text = g_strdup_printf (_("The site accepts this token (signed in as %s)"), name);
      else
        text = g_strdup (_("The site accepts this token"));
      show_message (self, text, FALSE);
    }
  finish (self);
}

static void
validate_clicked_cb (RosterSiteGroup *self)
{
  const char *url = entry_text (self->url_row);
  const char *email = entry_text (self->email_row);
  const char *token = entry_text (self->token_row);
  g_autoptr(GError) error = NULL;

  if (!check_form (self, url, email, token))
    return;
  g_clear_object (&self->probe);
  self->probe = roster_site_new (url, email, &error);
  if (self->probe == NULL)
    {
      g_autofree char *text = describe_site_error (error);

      show_message (self, text, TRUE);
      return;
    }
  roster_site_set_token (self->probe, token);
  reset_cancellable (self);
  self->busy = TRUE;
  show_message (self, _("Checking the site…"), FALSE);
  update_buttons (self);
  roster_site_validate_async (self->probe, self->cancellable, validate_cb, g_object_ref (self));
}

/* Save: validated again by the context, then keyring, store and audit. */

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(RosterSiteGroup) self = user_data;
  g_autoptr(GError) error = NULL;

  if (self->message_label == NULL)  /* disposed meanwhile */
    return;

  if (!roster_context_connect_site_finish (ROSTER_CONTEXT (object), result, &error))
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      text = describe_site_error (error);
      show_message (self, text, TRUE);
      finish (self);
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->token_row), "");
  show_message (self, NULL, FALSE);
  update_status (self);
  toast (self, _("Site connected; the API token is in the keyring"));
  finish (self);
}

void
roster_site_group_connect (RosterSiteGroup *self,
                           const char      *url,
                           const char      *email,
                           const char      *token)
{
  g_return_if_fail (ROSTER_IS_SITE_GROUP (self));

  if (self->context == NULL || !roster_context_is_open (self->context))
    return;
  if (!check_form (self, url, email, token))
    {
      g_signal_emit (self, signals[FINISHED], 0);
      return;
    }
  reset_cancellable (self);
  self->busy = TRUE;
  show_message (self, _("Checking the site…"), FALSE);
  update_buttons (self);
  roster_context_connect_site_async (self->context, url, email, token, self->cancellable,
                                     connect_cb, g_object_ref (self));
}

static void
save_clicked_cb (RosterSiteGroup *self)
{
  roster_site_group_connect (self, entry_text (self->url_row), entry_text (self->email_row),
                             entry_text (self->token_row));
}

/* Disconnect */

static void
forget_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(RosterSiteGroup) self = user_data;
  g_autoptr(GError) error = NULL;

  if (self->message_label == NULL)  /* disposed meanwhile */
    return;

  if (!roster_context_forget_site_finish (ROSTER_CONTEXT (object), result, &error))
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      text = roster_describe_error (error);
      toast (self, text);
      finish (self);
      return;
    }
  update_status (self);
  toast (self, _("Site disconnected; its API token was removed from the keyring"));
  finish (self);
}

static void
disconnect_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        RosterSiteGroup  *self)
{
  if (g_strcmp0 (response, "disconnect") != 0 || self->context == NULL)
    return;
  reset_cancellable (self);
  self->busy = TRUE;
  update_buttons (self);
  roster_context_forget_site_async (self->context, self->cancellable, forget_cb, g_object_ref (self));
}

static void
disconnect_clicked_cb (RosterSiteGroup *self)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   _("Disconnect the Site?"),
                                   _("The API token is removed from the keyring. Customers, spaces and "
                                     "access groups cannot be read until you connect the site again."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "disconnect", _("_Disconnect"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "disconnect",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (disconnect_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
context_site_changed_cb (RosterSiteGroup *self)
{
  RosterSite *site = self->context ? roster_context_get_site (self->context) : NULL;

  /* Prefill the non-secret fields with the connected site. */
  if (site != NULL && !self->busy)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->url_row), roster_site_get_url (site));
      gtk_editable_set_text (GTK_EDITABLE (self->email_row), roster_site_get_email (site));
    }
  update_status (self);
}

/* Overrides */

static void
roster_site_group_dispose (GObject *object)
{
  RosterSiteGroup *self = ROSTER_SITE_GROUP (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->probe);
  if (self->context_signals != NULL)
    g_signal_group_set_target (self->context_signals, NULL);
  g_clear_object (&self->context_signals);
  g_clear_object (&self->context);
  gtk_widget_dispose_template (GTK_WIDGET (self), ROSTER_TYPE_SITE_GROUP);

  G_OBJECT_CLASS (roster_site_group_parent_class)->dispose (object);
}

static void
roster_site_group_finalize (GObject *object)
{
  RosterSiteGroup *self = ROSTER_SITE_GROUP (object);

  g_clear_pointer (&self->message, g_free);
  g_clear_pointer (&self->status, g_free);

  G_OBJECT_CLASS (roster_site_group_parent_class)->finalize (object);
}

static void
roster_site_group_class_init (RosterSiteGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = roster_site_group_dispose;
  object_class->finalize = roster_site_group_finalize;

  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/ui/roster-site-group.ui");
  gtk_widget_class_bind_template_child (widget_class, RosterSiteGroup, status_row);
  gtk_widget_class_bind_template_child (widget_class, RosterSiteGroup, status_icon);
  gtk_widget_class_bind_template_child (widget_class, RosterSiteGroup, disconnect_button);
  gtk_widget_class_bind_template_child (widget_class, RosterSiteGroup, url_row);
  gtk_widget_class_bind_template_child (widget_class, RosterSiteGroup, email_row);
  gtk_widget_class_bind_template_child (widget_class, RosterSiteGroup, token_row);
  gtk_widget_class_bind_template_child (widget_class, RosterSiteGroup, message_label);
  gtk_widget_class_bind_template_child (widget_class, RosterSiteGroup, spinner);
  gtk_widget_class_bind_template_child (widget_class, RosterSiteGroup, validate_button);
  gtk_widget_class_bind_template_child (widget_class, RosterSiteGroup, save_button);
  gtk_widget_class_bind_template_callback (widget_class, form_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, validate_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, disconnect_clicked_cb);
}

static void
roster_site_group_init (RosterSiteGroup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->context_signals = g_signal_group_new (ROSTER_TYPE_CONTEXT);
  g_signal_group_connect_object (self->context_signals, "notify::site",
                                 G_CALLBACK (context_site_changed_cb), self, G_CONNECT_SWAPPED);
  update_status (self);
}

/* Public API */

void
roster_site_group_set_context (RosterSiteGroup *self,
                               RosterContext   *context,
                               gboolean         demo)
{
  g_return_if_fail (ROSTER_IS_SITE_GROUP (self));
  g_return_if_fail (!context || ROSTER_IS_CONTEXT (context));

  g_cancellable_cancel (self->cancellable);
  self->busy = FALSE;
  if (g_set_object (&self->context, context))
    g_signal_group_set_target (self->context_signals, context);
  self->demo = !!demo;

  gtk_editable_set_text (GTK_EDITABLE (self->token_row), "");
  if (context == NULL || roster_context_get_site (context) == NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->url_row), "");
      gtk_editable_set_text (GTK_EDITABLE (self->email_row), "");
    }
  show_message (self, NULL, FALSE);
  context_site_changed_cb (self);
}

const char *
roster_site_group_get_message (RosterSiteGroup *self)
{
  g_return_val_if_fail (ROSTER_IS_SITE_GROUP (self), NULL);

  return self->message;
}

const char *
roster_site_group_get_status (RosterSiteGroup *self)
{
  g_return_val_if_fail (ROSTER_IS_SITE_GROUP (self), NULL);

  return self->status;
}
