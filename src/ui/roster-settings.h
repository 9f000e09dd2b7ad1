/* roster-settings.h
 *
 * The one typed wrapper over the app's GSettings. When the schema is not
 * installed (running from a build tree without GSETTINGS_SCHEMA_DIR) it keeps
 * the values in memory so the app still runs.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ROSTER_TYPE_SETTINGS (roster_settings_get_type ())

G_DECLARE_FINAL_TYPE (RosterSettings, roster_settings, ROSTER, SETTINGS, GObject)

RosterSettings *roster_settings_new                  (void);
/* (nullable) the underlying GSettings, for g_settings_bind. */
GSettings      *roster_settings_get_gsettings        (RosterSettings *self);

void            roster_settings_get_window_size      (RosterSettings *self,
                                                      int            *width,
                                                      int            *height,
                                                      gboolean       *maximized);
void            roster_settings_set_window_size      (RosterSettings *self,
                                                      int             width,
                                                      int             height,
                                                      gboolean        maximized);
char           *roster_settings_dup_last_page        (RosterSettings *self);
void            roster_settings_set_last_page        (RosterSettings *self,
                                                      const char     *page);
char           *roster_settings_dup_current_org      (RosterSettings *self);
void            roster_settings_set_current_org      (RosterSettings *self,
                                                      const char     *org_id);
char           *roster_settings_dup_admin_url        (RosterSettings *self);
void            roster_settings_set_admin_url        (RosterSettings *self,
                                                      const char     *admin_url);
guint           roster_settings_get_refresh_interval (RosterSettings *self);
gboolean        roster_settings_get_notifications    (RosterSettings *self);

G_END_DECLS
