/* rosterctl-common.c — configuration, context opening and waiting. */
#define G_LOG_DOMAIN "rosterctl"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "roster-org.h"
#include "roster-store.h"
#include "rosterctl.h"

#define CONFIG_GROUP "rosterctl"

/* The CLI remembers which org it logged in to (never the key) in a small key
 * file next to the stores, so that `rosterctl users` needs no arguments. */
static char *
dup_config_path (void)
{
  g_autofree char *dir = roster_store_dup_default_dir ();

  return g_build_filename (dir, "rosterctl.ini", NULL);
}

static GKeyFile *
load_config (void)
{
  g_autofree char *path = dup_config_path ();
  GKeyFile *keyfile = g_key_file_new ();

  g_key_file_load_from_file (keyfile, path, G_KEY_FILE_NONE, NULL);
  return keyfile;
}

gboolean
rosterctl_config_save (const char  *org_id,
                       const char  *admin_url,
                       GError     **error)
{
  g_autoptr(GKeyFile) keyfile = load_config ();
  g_autofree char *path = dup_config_path ();
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_CACHE,
                   "Could not create %s: %s", dir, g_strerror (errno));
      return FALSE;
    }

  g_key_file_set_string (keyfile, CONFIG_GROUP, "org-id", org_id);
  g_key_file_set_string (keyfile, CONFIG_GROUP, "admin-url", admin_url);
  return g_key_file_save_to_file (keyfile, path, error);
}

gboolean
rosterctl_config_forget (GError **error)
{
  g_autoptr(GKeyFile) keyfile = load_config ();
  g_autofree char *path = dup_config_path ();

  if (!g_key_file_has_group (keyfile, CONFIG_GROUP))
    return TRUE;

  g_key_file_remove_key (keyfile, CONFIG_GROUP, "org-id", NULL);
  return g_key_file_save_to_file (keyfile, path, error);
}

char *
rosterctl_dup_admin_url (void)
{
  const char *env = g_getenv ("ROSTER_ADMIN_API_URL");
  g_autoptr(GKeyFile) keyfile = NULL;
  char *url;

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  keyfile = load_config ();
  url = g_key_file_get_string (keyfile, CONFIG_GROUP, "admin-url", NULL);
  if (url != NULL && *url != '\0')
    return url;
  g_free (url);

  return g_strdup (ROSTER_DEFAULT_ADMIN_API_URL);
}

char *
rosterctl_dup_org_id (void)
{
  const char *env = g_getenv ("ROSTER_ORG_ID");
  g_autoptr(GKeyFile) keyfile = NULL;
  char *org;

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  keyfile = load_config ();
  org = g_key_file_get_string (keyfile, CONFIG_GROUP, "org-id", NULL);
  if (org != NULL && *org != '\0')
    return org;
  g_free (org);

  return NULL;
}

gboolean
rosterctl_parse_format (const char      *text,
                        gboolean         allow_table,
                        RosterctlFormat *out_format)
{
  if (text == NULL)
    return TRUE;

  if (allow_table && g_str_equal (text, "table"))
    *out_format = ROSTERCTL_FORMAT_TABLE;
  else if (g_str_equal (text, "csv"))
    *out_format = ROSTERCTL_FORMAT_CSV;
  else if (g_str_equal (text, "json"))
    *out_format = ROSTERCTL_FORMAT_JSON;
  else
    return FALSE;

  return TRUE;
}

void
rosterctl_wait (gboolean *done)
{
  while (!*done)
    g_main_context_iteration (NULL, TRUE);
}

void
rosterctl_result_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

GAsyncResult *
rosterctl_wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

char *
rosterctl_read_secret (const char  *prompt,
                       gsize        max_len,
                       const char  *empty_message,
                       GError     **error)
{
  g_autoptr(GString) buffer = g_string_new (NULL);
  gboolean from_tty = isatty (STDIN_FILENO);
  struct termios saved, quiet;
  char *secret;
  int c;

  if (from_tty)
    {
      g_printerr ("%s", prompt);
      if (tcgetattr (STDIN_FILENO, &saved) == 0)
        {
          quiet = saved;
          quiet.c_lflag &= ~(ECHO);
          tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
        }
      else
        from_tty = FALSE;
    }
  while ((c = getchar ()) != EOF && c != '\n' && buffer->len < max_len)
    g_string_append_c (buffer, (char) c);
  if (from_tty)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      g_printerr ("\n");
    }

  g_strstrip (buffer->str);
  if (buffer->str[0] == '\0')
    {
      memset (buffer->str, 0, buffer->allocated_len);
      g_set_error_literal (error, ROSTER_ERROR, ROSTER_ERROR_NO_API_KEY, empty_message);
      return NULL;
    }
  secret = g_strdup (buffer->str);
  memset (buffer->str, 0, buffer->allocated_len);
  return secret;
}

void
rosterctl_secret_free (char *secret)
{
  if (secret != NULL)
    {
      memset (secret, 0, strlen (secret));
      g_free (secret);
    }
}

void
rosterctl_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

/* The single org the key sees, when ROSTER_ORG_ID is not set and nothing was
 * remembered (automation with ROSTER_ADMIN_API_KEY only). */
static char *
discover_org (RosterContext  *context,
              const char     *admin_url,
              const char     *api_key,
              GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) orgs = NULL;

  roster_context_validate_key_async (context, admin_url, api_key, NULL, rosterctl_result_cb,
                                     &result);
  orgs = roster_context_validate_key_finish (context, rosterctl_wait_result (&result), error);
  if (orgs == NULL)
    return NULL;

  if (orgs->len > 1)
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT,
                   "The key administers %u organizations; set ROSTER_ORG_ID to choose one",
                   orgs->len);
      return NULL;
    }

  return g_strdup (roster_org_get_id (g_ptr_array_index (orgs, 0)));
}

RosterContext *
rosterctl_open_context (gboolean   need_network,
                        GError   **error)
{
  g_autoptr(RosterContext) context = roster_context_new (NULL);
  g_autofree char *admin_url = rosterctl_dup_admin_url ();
  g_autofree char *org_id = rosterctl_dup_org_id ();
  const char *env_key = g_getenv ("ROSTER_ADMIN_API_KEY");
  g_autoptr(GAsyncResult) result = NULL;

  if (env_key != NULL && *env_key == '\0')
    env_key = NULL;

  if (org_id == NULL)
    {
      if (env_key == NULL)
        {
          g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_NO_API_KEY,
                       "Not logged in: run “rosterctl login”, or set ROSTER_ADMIN_API_KEY");
          return NULL;
        }

      org_id = discover_org (context, admin_url, env_key, error);
      if (org_id == NULL)
        return NULL;
    }

  roster_context_open_async (context, admin_url, org_id, env_key, NULL, rosterctl_result_cb,
                             &result);
  if (!roster_context_open_finish (context, rosterctl_wait_result (&result), error))
    return NULL;

  (void) need_network;
  return g_steal_pointer (&context);
}

typedef struct
{
  gboolean done;
  gboolean ok;
  GError  *error;
  gboolean quiet;
  gboolean printed;
} SyncWaiter;

static void
sync_progress_cb (RosterContext *context,
                  guint          pages,
                  guint          users,
                  guint          total,
                  SyncWaiter    *w)
{
  if (w->quiet)
    return;

  /* The carriage return keeps the progress on one line; it is not part of the message. */
  g_printerr ("\r");
  g_printerr (g_dngettext (GETTEXT_PACKAGE, "Fetched %u page, %u of %u users",
                           "Fetched %u pages, %u of %u users", pages),
              pages, users, total);
  w->printed = TRUE;
}

static void
sync_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  SyncWaiter *w = user_data;

  w->ok = roster_context_sync_finish (ROSTER_CONTEXT (object), result, &w->error);
  w->done = TRUE;
}

gboolean
rosterctl_sync (RosterContext  *context,
                gboolean        quiet,
                GError        **error)
{
  SyncWaiter w = { 0 };
  gulong id;

  w.quiet = quiet || !isatty (STDERR_FILENO);
  id = g_signal_connect (context, "sync-progress", G_CALLBACK (sync_progress_cb), &w);
  roster_context_sync_async (context, NULL, sync_cb, &w);
  rosterctl_wait (&w.done);
  g_signal_handler_disconnect (context, id);

  if (w.printed)
    g_printerr ("\n");

  if (!w.ok)
    {
      g_propagate_error (error, w.error);
      return FALSE;
    }

  return TRUE;
}
