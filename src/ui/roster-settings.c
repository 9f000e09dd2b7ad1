/* roster-settings.c */
#define G_LOG_DOMAIN "roster-settings"

#include "config.h"

#include "roster-settings.h"

struct _RosterSettings
{
  GObject    parent_instance;

  GSettings *settings;      /* (owned) (nullable) */

  /* In-memory values when the schema is missing. */
  int        width;
  int        height;
  char      *last_page;
  char      *current_org;
  char      *admin_url;
  guint      maximized : 1;
};

G_DEFINE_FINAL_TYPE (RosterSettings, roster_settings, G_TYPE_OBJECT)

static void
roster_settings_finalize (GObject *object)
{
  RosterSettings *self = ROSTER_SETTINGS (object);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->last_page, g_free);
  g_clear_pointer (&self->current_org, g_free);
  g_clear_pointer (&self->admin_url, g_free);

  G_OBJECT_CLASS (roster_settings_parent_class)->finalize (object);
}

static void
roster_settings_class_init (RosterSettingsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = roster_settings_finalize;
}

static void
roster_settings_init (RosterSettings *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);

  if (schema != NULL && g_settings_schema_has_key (schema, "admin-url"))
    self->settings = g_settings_new (APP_ID);
  else
    g_message ("GSettings schema %s not installed; settings are not remembered", APP_ID);

  self->width = 1200;
  self->height = 800;
  self->last_page = g_strdup ("dashboard");
  self->current_org = g_strdup ("");
  self->admin_url = g_strdup ("");
}

RosterSettings *
roster_settings_new (void)
{
  return g_object_new (ROSTER_TYPE_SETTINGS, NULL);
}

GSettings *
roster_settings_get_gsettings (RosterSettings *self)
{
  g_return_val_if_fail (ROSTER_IS_SETTINGS (self), NULL);

  return self->settings;
}

void
roster_settings_get_window_size (RosterSettings *self,
                                 int            *width,
                                 int            *height,
                                 gboolean       *maximized)
{
  g_return_if_fail (ROSTER_IS_SETTINGS (self));

  if (self->settings != NULL)
    {
      *width = g_settings_get_int (self->settings, "window-width");
      *height = g_settings_get_int (self->settings, "window-height");
      *maximized = g_settings_get_boolean (self->settings, "window-maximized");
    }
  else
    {
      *width = self->width;
      *height = self->height;
      *maximized = self->maximized;
    }
}

void
roster_settings_set_window_size (RosterSettings *self,
                                 int             width,
                                 int             height,
                                 gboolean        maximized)
{
  g_return_if_fail (ROSTER_IS_SETTINGS (self));

  self->width = width;
  self->height = height;
  self->maximized = !!maximized;

  if (self->settings != NULL)
    {
      g_settings_delay (self->settings);
      if (!maximized)
        {
          g_settings_set_int (self->settings, "window-width", width);
          g_settings_set_int (self->settings, "window-height", height);
        }
      g_settings_set_boolean (self->settings, "window-maximized", maximized);
      g_settings_apply (self->settings);
    }
}

static char *
dup_string (RosterSettings *self,
            const char     *key,
            const char     *fallback)
{
  if (self->settings != NULL)
    return g_settings_get_string (self->settings, key);
  return g_strdup (fallback);
}

static void
set_string (RosterSettings  *self,
            const char      *key,
            char           **field,
            const char      *value)
{
  if (value == NULL)
    value = "";
  if (g_strcmp0 (*field, value) != 0)
    {
      g_free (*field);
      *field = g_strdup (value);
    }
  if (self->settings != NULL)
    g_settings_set_string (self->settings, key, value);
}

char *
roster_settings_dup_last_page (RosterSettings *self)
{
  g_return_val_if_fail (ROSTER_IS_SETTINGS (self), NULL);

  return dup_string (self, "last-page", self->last_page);
}

void
roster_settings_set_last_page (RosterSettings *self,
                               const char     *page)
{
  g_return_if_fail (ROSTER_IS_SETTINGS (self));

  set_string (self, "last-page", &self->last_page, page);
}

char *
roster_settings_dup_current_org (RosterSettings *self)
{
  g_return_val_if_fail (ROSTER_IS_SETTINGS (self), NULL);

  return dup_string (self, "current-org", self->current_org);
}

void
roster_settings_set_current_org (RosterSettings *self,
                                 const char     *org_id)
{
  g_return_if_fail (ROSTER_IS_SETTINGS (self));

  set_string (self, "current-org", &self->current_org, org_id);
}

char *
roster_settings_dup_admin_url (RosterSettings *self)
{
  g_return_val_if_fail (ROSTER_IS_SETTINGS (self), NULL);

  return dup_string (self, "admin-url", self->admin_url);
}

void
roster_settings_set_admin_url (RosterSettings *self,
                               const char     *admin_url)
{
  g_return_if_fail (ROSTER_IS_SETTINGS (self));

  set_string (self, "admin-url", &self->admin_url, admin_url);
}

guint
roster_settings_get_refresh_interval (RosterSettings *self)
{
  g_return_val_if_fail (ROSTER_IS_SETTINGS (self), 0);

  if (self->settings != NULL)
    return g_settings_get_uint (self->settings, "refresh-interval");
  return 60;
}

gboolean
roster_settings_get_notifications (RosterSettings *self)
{
  g_return_val_if_fail (ROSTER_IS_SETTINGS (self), FALSE);

  if (self->settings != NULL)
    return g_settings_get_boolean (self->settings, "notifications");
  return TRUE;
}
