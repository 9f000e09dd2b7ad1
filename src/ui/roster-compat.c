/* roster-compat.c */
#define G_LOG_DOMAIN "roster-compat"

#include "config.h"

#include <glib/gi18n.h>

#include "roster-compat.h"

#if GTK_CHECK_VERSION(4, 10, 0)
static void
file_dialog_save_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GFile *file;

  file = gtk_file_dialog_save_finish (GTK_FILE_DIALOG (object), result, &error);
  if (file == NULL)
    {
      if (g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED) ||
          g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_CANCELLED))
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Dismissed");
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, file, g_object_unref);
}
#else
static void
native_response_cb (GtkNativeDialog *native,
                    int              response,
                    gpointer         user_data)
{
  g_autoptr(GTask) task = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      GFile *file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      if (file != NULL)
        g_task_return_pointer (task, file, g_object_unref);
      else
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "No file chosen");
    }
  else
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Dismissed");
    }

  gtk_native_dialog_destroy (native);
  g_object_unref (native);
}
#endif

void
roster_compat_choose_save_file_async (GtkWindow           *parent,
                                      const char          *title,
                                      const char          *initial_name,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_compat_choose_save_file_async);

#if GTK_CHECK_VERSION(4, 10, 0)
  {
    g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();

    gtk_file_dialog_set_title (dialog, title);
    gtk_file_dialog_set_initial_name (dialog, initial_name);
    gtk_file_dialog_save (dialog, parent, cancellable, file_dialog_save_cb,
                          g_steal_pointer (&task));
  }
#else
  {
    GtkFileChooserNative *native;

    native = gtk_file_chooser_native_new (title, parent, GTK_FILE_CHOOSER_ACTION_SAVE,
                                          _("_Export"), _("_Cancel"));
    gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
    if (initial_name != NULL)
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), initial_name);
    g_signal_connect (native, "response", G_CALLBACK (native_response_cb),
                      g_steal_pointer (&task));
    gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
  }
#endif
}

GFile *
roster_compat_choose_save_file_finish (GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
roster_compat_css_provider_load (GtkCssProvider *provider,
                                 const char     *css)
{
#if GTK_CHECK_VERSION(4, 12, 0)
  gtk_css_provider_load_from_string (provider, css);
#else
  gtk_css_provider_load_from_data (provider, css, -1);
#endif
}

#define ROSTER_WEBSITE "https://github.com/rosterapp/roster"
#define ROSTER_ISSUE_URL "https://github.com/rosterapp/roster/issues"
#define ROSTER_ADMIN_API_DOCS "https://developer.atlassian.com/cloud/admin/"

/* The properties AdwAboutWindow (1.2) and AdwAboutDialog (1.5) share. */
static void
set_about_properties (GObject *about)
{
  static const char *developers[] = { "The Roster authors", NULL };

  g_object_set (about,
                "application-name", _("Roster"),
                "application-icon", APP_ID,
                "version", PACKAGE_VERSION,
                "developer-name", _("The Roster authors"),
                "developers", developers,
                "website", ROSTER_WEBSITE,
                "issue-url", ROSTER_ISSUE_URL,
                "license-type", GTK_LICENSE_GPL_3_0,
                /* Translators: the copyright line of the About window. */
                "copyright", _("© 2026 The Roster authors"),
                "comments", _("See and manage who has access to your Atlassian Cloud organization"),
                /* Translators: replace with your name and e-mail address, one translator a line
                 * (e.g. "Jane Doe <jane@example.org>"); it is shown in the About window. */
                "translator-credits", _("translator-credits"),
                NULL);
}

void
roster_compat_show_about (GtkWindow *parent)
{
#if ADW_CHECK_VERSION(1, 5, 0)
  AdwDialog *about = adw_about_dialog_new ();

  set_about_properties (G_OBJECT (about));
  adw_about_dialog_add_link (ADW_ABOUT_DIALOG (about), _("Atlassian Admin API"),
                             ROSTER_ADMIN_API_DOCS);
  adw_dialog_present (about, GTK_WIDGET (parent));
#else
  GtkWidget *about = adw_about_window_new ();

  set_about_properties (G_OBJECT (about));
  adw_about_window_add_link (ADW_ABOUT_WINDOW (about), _("Atlassian Admin API"),
                             ROSTER_ADMIN_API_DOCS);
  if (parent != NULL)
    {
      gtk_window_set_transient_for (GTK_WINDOW (about), parent);
      gtk_window_set_modal (GTK_WINDOW (about), TRUE);
    }
  gtk_window_present (GTK_WINDOW (about));
#endif
}

void
roster_compat_show_uri (GtkWindow  *parent,
                        const char *uri)
{
#if GTK_CHECK_VERSION(4, 10, 0)
  g_autoptr(GtkUriLauncher) launcher = gtk_uri_launcher_new (uri);

  gtk_uri_launcher_launch (launcher, parent, NULL, NULL, NULL);
#else
  gtk_show_uri (parent, uri, GDK_CURRENT_TIME);
#endif
}

void
roster_compat_widget_get_color (GtkWidget *widget,
                                GdkRGBA   *color)
{
#if GTK_CHECK_VERSION(4, 10, 0)
  gtk_widget_get_color (widget, color);
#else
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), color);
#endif
}

gboolean
roster_compat_widget_lookup_color (GtkWidget  *widget,
                                   const char *name,
                                   GdkRGBA    *color)
{
  gboolean found;

  /* No replacement exists in newer GTK for reading a named colour. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  found = gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), name, color);
  G_GNUC_END_IGNORE_DEPRECATIONS
  return found;
}
