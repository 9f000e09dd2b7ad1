/* roster-compat.h
 *
 * The only place with GTK / libadwaita version switches: the code base builds
 * against GTK 4.8 + libadwaita 1.2 (Debian 12) and against the GNOME runtime.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Asks for a file to save to (GtkFileChooserNative on 4.8, GtkFileDialog on 4.10+).
 * Completes with G_IO_ERROR_CANCELLED when the user dismissed the chooser. */
void       roster_compat_choose_save_file_async  (GtkWindow           *parent,
                                                  const char          *title,
                                                  const char          *initial_name,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GFile     *roster_compat_choose_save_file_finish (GAsyncResult        *result,
                                                  GError             **error);

void       roster_compat_css_provider_load       (GtkCssProvider      *provider,
                                                  const char          *css);
void       roster_compat_show_about              (GtkWindow           *parent);
void       roster_compat_show_uri                (GtkWindow           *parent,
                                                  const char          *uri);
/* The widget's foreground colour from its style. */
void       roster_compat_widget_get_color        (GtkWidget           *widget,
                                                  GdkRGBA             *color);

G_END_DECLS

G_BEGIN_DECLS
/* A named colour of the theme (e.g. "accent_bg_color"); FALSE when unknown. */
gboolean   roster_compat_widget_lookup_color     (GtkWidget           *widget,
                                                  const char          *name,
                                                  GdkRGBA             *color);
G_END_DECLS
