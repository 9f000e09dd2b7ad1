/* rosterctl-users.c — login, logout, sync, users and config. */
#define G_LOG_DOMAIN "rosterctl"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gio/gunixoutputstream.h>
#include <glib/gi18n.h>

#include "roster-export.h"
#include "roster-org.h"
#include "roster-query.h"
#include "roster-user.h"
#include "rosterctl.h"

int
rosterctl_cmd_login (int    argc,
                     char **argv)
{
  g_autofree char *org_opt = NULL;
  g_autoptr(GOptionContext) option_context = NULL;
  g_autoptr(RosterContext) context = NULL;
  g_autoptr(GPtrArray) orgs = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *admin_url = rosterctl_dup_admin_url ();
  RosterOrg *chosen = NULL;
  char *key = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  const GOptionEntry entries[] = {
    { "org", 0, 0, G_OPTION_ARG_STRING, &org_opt, N_("Organization id, when the key administers several"), N_("ID") },
    { NULL }
  };

  option_context = g_option_context_new (_("— read an Admin API key from standard input, validate it and store it in the keyring"));
  g_option_context_add_main_entries (option_context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (option_context, &argc, &argv, &error))
    return rosterctl_usage_error ("%s", error->message);
  if (argc > 1)
    return rosterctl_usage_error (_("login takes no arguments; the key is read from standard input"));

  if (org_opt == NULL && g_getenv ("ROSTER_ORG_ID") != NULL && *g_getenv ("ROSTER_ORG_ID") != '\0')
    org_opt = g_strdup (g_getenv ("ROSTER_ORG_ID"));

  key = rosterctl_read_secret (_("Admin API key: "), 4097, "No key was read from standard input",
                               &error);
  if (key == NULL)
    return rosterctl_error (error);

  context = roster_context_new (NULL);
  roster_context_validate_key_async (context, admin_url, key, NULL, rosterctl_result_cb, &result);
  orgs = roster_context_validate_key_finish (context, rosterctl_wait_result (&result), &error);
  if (orgs == NULL)
    {
      rosterctl_secret_free (key);
      return rosterctl_error (error);
    }

  for (guint i = 0; i < orgs->len; i++)
    {
      RosterOrg *org = g_ptr_array_index (orgs, i);

      if (org_opt != NULL ? g_str_equal (org_opt, roster_org_get_id (org)) : orgs->len == 1)
        chosen = org;
    }

  if (chosen == NULL)
    {
      rosterctl_secret_free (key);
      if (org_opt != NULL)
        {
          g_printerr (_("rosterctl: the key does not administer organization %s\n"), org_opt);
          return ROSTERCTL_EXIT_ERROR;
        }

      g_printerr (_("The key administers several organizations; choose one with --org:\n"));
      for (guint i = 0; i < orgs->len; i++)
        {
          RosterOrg *org = g_ptr_array_index (orgs, i);

          g_printerr ("  %s  %s\n", roster_org_get_id (org), roster_org_get_name (org));
        }
      return ROSTERCTL_EXIT_USAGE;
    }

  g_clear_object (&result);
  roster_context_open_async (context, admin_url, roster_org_get_id (chosen), key, NULL,
                             rosterctl_result_cb, &result);
  if (!roster_context_open_finish (context, rosterctl_wait_result (&result), &error))
    {
      rosterctl_secret_free (key);
      return rosterctl_error (error);
    }

  g_clear_object (&result);
  roster_context_save_key_async (context, roster_org_get_id (chosen), roster_org_get_name (chosen),
                                 key, NULL, rosterctl_result_cb, &result);
  rosterctl_wait_result (&result);
  rosterctl_secret_free (key);
  if (!roster_context_save_key_finish (context, result, &error))
    return rosterctl_error (error);

  if (!rosterctl_config_save (roster_org_get_id (chosen), admin_url, &error))
    return rosterctl_error (error);

  g_print (_("Logged in to %s (%s). The key is stored in the keyring.\n"),
           roster_org_get_name (chosen), roster_org_get_id (chosen));
  return ROSTERCTL_EXIT_OK;
}

int
rosterctl_cmd_logout (int    argc,
                      char **argv)
{
  g_autoptr(GOptionContext) option_context = NULL;
  g_autoptr(RosterContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *org_id = rosterctl_dup_org_id ();
  g_autofree char *path = NULL;
  g_autoptr(RosterStore) store = NULL;
  gboolean removed;

  option_context = g_option_context_new (_("— delete the stored Admin API key from the keyring"));
  if (!g_option_context_parse (option_context, &argc, &argv, &error))
    return rosterctl_usage_error ("%s", error->message);

  if (org_id == NULL)
    {
      g_printerr (_("rosterctl: not logged in\n"));
      return ROSTERCTL_EXIT_ERROR;
    }

  context = roster_context_new (NULL);
  removed = roster_credentials_clear_sync (roster_context_get_credentials (context),
                                           ROSTER_SECRET_ADMIN_API_KEY, org_id, NULL, &error);
  if (error != NULL)
    return rosterctl_error (error);

  /* The deletion is audited in the org's store, when there is one. */
  path = roster_store_dup_default_path (org_id);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autoptr(RosterAuditEntry) entry = NULL;
      RosterAuditEntry *stored;

      store = roster_store_new (path);
      if (roster_store_open_sync (store, NULL, NULL))
        {
          entry = roster_audit_entry_new ("key-delete", org_id, removed ? "done" : "absent", 0,
                                          NULL, removed ? "Admin API key deleted from the keyring"
                                                        : "No key was stored");
          roster_audit_entry_set_org_id (entry, org_id);
          stored = roster_store_audit_append_sync (store, entry, NULL);
          g_clear_pointer (&stored, roster_audit_entry_free);
          roster_store_close (store);
        }
    }

  if (!rosterctl_config_forget (&error))
    return rosterctl_error (error);

  if (removed)
    g_print (_("The Admin API key of %s was deleted from the keyring.\n"), org_id);
  else
    g_print (_("No key was stored for %s.\n"), org_id);
  return ROSTERCTL_EXIT_OK;
}

int
rosterctl_cmd_sync (int    argc,
                    char **argv)
{
  g_autoptr(GOptionContext) option_context = NULL;
  g_autoptr(RosterContext) context = NULL;
  g_autoptr(GError) error = NULL;
  gboolean quiet = FALSE;
  RosterUserSet *users;
  guint n_users;
  const GOptionEntry entries[] = {
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("Do not show progress"), NULL },
    { NULL }
  };

  option_context = g_option_context_new (_("— fetch every user of the organization into the local cache"));
  g_option_context_add_main_entries (option_context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (option_context, &argc, &argv, &error))
    return rosterctl_usage_error ("%s", error->message);

  context = rosterctl_open_context (TRUE, &error);
  if (context == NULL)
    return rosterctl_error (error);

  if (!rosterctl_sync (context, quiet, &error))
    return rosterctl_error (error);

  users = roster_context_get_users (context);
  n_users = users != NULL ? roster_user_set_get_n_users (users) : 0;
  g_printerr (g_dngettext (GETTEXT_PACKAGE, "Synced %u user of %s.\n", "Synced %u users of %s.\n",
                           n_users),
              n_users, roster_context_get_org_name (context));
  return ROSTERCTL_EXIT_OK;
}

int
rosterctl_cmd_config (int    argc,
                      char **argv)
{
  g_autoptr(GOptionContext) option_context = NULL;
  g_autoptr(RosterContext) context = NULL;
  g_autoptr(GError) error = NULL;
  RosterThresholds thresholds;
  const char *verb;
  const char *key;
  guint64 value;

  option_context = g_option_context_new (_("get|set warning-days|overdue-days [N]"));
  if (!g_option_context_parse (option_context, &argc, &argv, &error))
    return rosterctl_usage_error ("%s", error->message);

  if (argc < 3)
    return rosterctl_usage_error (_("usage: rosterctl config get|set warning-days|overdue-days [N]"));

  verb = argv[1];
  key = argv[2];
  if (rosterctl_bulk_config_handles (key) && (g_str_equal (verb, "get") || g_str_equal (verb, "set")))
    return rosterctl_bulk_config (verb, key, argc > 3 ? argv[3] : NULL);
  if (!g_str_equal (key, "warning-days") && !g_str_equal (key, "overdue-days"))
    return rosterctl_usage_error (_("unknown setting “%s” (expected warning-days or overdue-days)"), key);

  if (g_str_equal (verb, "set"))
    {
      if (argc != 4)
        return rosterctl_usage_error (_("usage: rosterctl config set %s N"), key);
      if (!g_ascii_string_to_unsigned (argv[3], 10, 1, 3650, &value, NULL))
        return rosterctl_usage_error (_("“%s” is not a number of days between 1 and 3650"), argv[3]);
    }
  else if (!g_str_equal (verb, "get") || argc != 3)
    return rosterctl_usage_error (_("usage: rosterctl config get|set warning-days|overdue-days [N]"));

  context = rosterctl_open_context (FALSE, &error);
  if (context == NULL)
    return rosterctl_error (error);

  roster_context_get_thresholds (context, &thresholds);

  if (g_str_equal (verb, "get"))
    {
      g_print ("%u\n", g_str_equal (key, "warning-days") ? thresholds.warning_days
                                                         : thresholds.overdue_days);
      return ROSTERCTL_EXIT_OK;
    }

  if (g_str_equal (key, "warning-days"))
    thresholds.warning_days = (guint) value;
  else
    thresholds.overdue_days = (guint) value;

  if (!roster_context_set_thresholds (context, &thresholds, &error))
    {
      g_printerr ("rosterctl: %s\n", error->message);
      return ROSTERCTL_EXIT_USAGE;
    }

  roster_context_audit (context, "config-set", key, "done", 0, NULL, argv[3]);
  return ROSTERCTL_EXIT_OK;
}

/* users */

static guint
display_width (const char *text)
{
  guint width = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iszerowidth (c))
        continue;
      width += g_unichar_iswide (c) ? 2 : 1;
    }

  return width;
}

static void
print_padded (GString    *out,
              const char *text,
              guint       width,
              gboolean    last)
{
  g_string_append (out, text);
  if (!last)
    {
      for (guint w = display_width (text); w < width + 2; w++)
        g_string_append_c (out, ' ');
    }
}

static char *
format_products (RosterUserSet *set,
                 guint          row)
{
  GString *s = g_string_new (NULL);
  guint mask = roster_user_set_get_products (set, row);

  for (guint p = 0; p < ROSTER_N_PRODUCTS; p++)
    {
      if (mask & (1u << p))
        {
          if (s->len > 0)
            g_string_append_c (s, ',');
          g_string_append (s, roster_product_to_string (p));
        }
    }

  return g_string_free (s, FALSE);
}

static char *
format_date (gint64 unix_time)
{
  g_autoptr(GDateTime) dt = NULL;

  if (unix_time <= 0)
    return g_strdup ("-");

  dt = g_date_time_new_from_unix_utc (unix_time);
  return g_date_time_format (dt, "%Y-%m-%d");
}

static void
print_table (RosterUserSet          *set,
             const guint            *rows,
             guint                   n_rows,
             const RosterThresholds *thresholds,
             gint64                  now)
{
  enum { COL_NAME, COL_EMAIL, COL_STATUS, COL_PRODUCTS, COL_LAST, COL_INACTIVITY, N_COLS };
  const char *headers[N_COLS] = {
    N_("NAME"), N_("EMAIL"), N_("STATUS"), N_("PRODUCTS"), N_("LAST ACTIVE"), N_("INACTIVITY"),
  };
  guint widths[N_COLS];
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint c = 0; c < N_COLS; c++)
    widths[c] = display_width (_(headers[c]));

  for (guint i = 0; i < n_rows; i++)
    {
      guint row = rows[i];
      const char *email = roster_user_set_get_email (set, row);
      gint64 last = roster_user_set_get_last_active (set, row);
      char *values[N_COLS];

      values[COL_NAME] = g_strdup (roster_user_set_get_name (set, row));
      values[COL_EMAIL] = g_strdup (email != NULL ? email : "-");
      values[COL_STATUS] = g_strdup (roster_status_to_string (roster_user_set_get_status (set, row)));
      values[COL_PRODUCTS] = format_products (set, row);
      values[COL_LAST] = format_date (last);
      values[COL_INACTIVITY] =
        g_strdup (roster_inactivity_to_string (roster_inactivity_classify (thresholds, last, now)));

      for (guint c = 0; c < N_COLS; c++)
        {
          widths[c] = MAX (widths[c], display_width (values[c]));
          g_ptr_array_add (cells, values[c]);
        }
    }

  for (guint c = 0; c < N_COLS; c++)
    print_padded (out, _(headers[c]), widths[c], c == N_COLS - 1);
  g_string_append_c (out, '\n');

  for (guint i = 0; i < n_rows; i++)
    {
      for (guint c = 0; c < N_COLS; c++)
        print_padded (out, g_ptr_array_index (cells, i * N_COLS + c), widths[c], c == N_COLS - 1);
      g_string_append_c (out, '\n');

      if (out->len > 1 << 16)
        {
          fwrite (out->str, 1, out->len, stdout);
          g_string_truncate (out, 0);
        }
    }

  fwrite (out->str, 1, out->len, stdout);
}

static void
print_json (RosterUserSet          *set,
            const guint            *rows,
            guint                   n_rows,
            const RosterThresholds *thresholds,
            gint64                  now)
{
  /* One object at a time keeps memory flat for 100k users. */
  fputs ("[", stdout);
  for (guint i = 0; i < n_rows; i++)
    {
      g_autoptr(RosterUser) user = roster_user_set_dup_user (set, rows[i]);
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      roster_user_to_json (user, builder, now, thresholds->warning_days, thresholds->overdue_days);
      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      text = json_generator_to_data (generator, NULL);
      fputs (i == 0 ? "\n  " : ",\n  ", stdout);
      fputs (text, stdout);
    }
  fputs (n_rows > 0 ? "\n]\n" : "]\n", stdout);
}

static gboolean
write_csv (RosterContext          *context,
           RosterUserSet          *set,
           const guint            *rows,
           guint                   n_rows,
           const char             *query,
           const RosterThresholds *thresholds,
           gint64                  now,
           GError                **error)
{
  g_autoptr(GOutputStream) raw = g_unix_output_stream_new (STDOUT_FILENO, FALSE);
  g_autoptr(GOutputStream) out = g_buffered_output_stream_new_sized (raw, 1 << 16);
  RosterExportMeta meta = { 0 };

  meta.query = query;
  meta.org = roster_context_get_org_name (context);
  meta.exported_at = now;

  fflush (stdout);
  if (!roster_export_users (out, ROSTER_EXPORT_CSV, set, rows, n_rows, NULL, &meta,
                            thresholds, now, NULL, error))
    return FALSE;

  return g_output_stream_close (out, NULL, error);
}

static gboolean
append_term (GString     *query,
             const char  *field,
             const char  *value)
{
  if (value == NULL)
    return TRUE;

  if (query->len > 0)
    g_string_append_c (query, ' ');
  g_string_append_printf (query, "%s:%s", field, value);
  return TRUE;
}

int
rosterctl_cmd_users (int    argc,
                     char **argv)
{
  g_autoptr(GOptionContext) option_context = NULL;
  g_autoptr(RosterContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterQuery) query = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *query_opt = NULL;
  g_autofree char *product = NULL;
  g_autofree char *status = NULL;
  g_autofree char *inactivity = NULL;
  g_autofree char *space = NULL;
  g_autoptr(GHashTable) space_members = NULL;
  g_autofree char *format_opt = NULL;
  g_autofree guint *rows = NULL;
  RosterctlFormat format = ROSTERCTL_FORMAT_TABLE;
  RosterThresholds thresholds;
  RosterQueryContext qctx = { 0 };
  RosterUserSet *set;
  guint n_rows;
  const GOptionEntry entries[] = {
    { "query", 'q', 0, G_OPTION_ARG_STRING, &query_opt, N_("Advanced search query"), N_("QUERY") },
    { "product", 0, 0, G_OPTION_ARG_STRING, &product, N_("Users with access to jira, jsm or confluence"), N_("PRODUCT") },
    { "status", 0, 0, G_OPTION_ARG_STRING, &status, N_("active, suspended, not_invited, deactivated or for_deletion"), N_("STATUS") },
    { "inactivity", 0, 0, G_OPTION_ARG_STRING, &inactivity, N_("active, warning, overdue or never"), N_("LEVEL") },
    { "space", 0, 0, G_OPTION_ARG_STRING, &space, N_("Users with access to a Confluence space"), N_("KEY") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_opt, N_("table, csv or json"), N_("FORMAT") },
    { NULL }
  };

  option_context = g_option_context_new (_("— list the cached users of the organization"));
  g_option_context_add_main_entries (option_context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (option_context, &argc, &argv, &error))
    return rosterctl_usage_error ("%s", error->message);
  if (argc > 1)
    return rosterctl_usage_error (_("unexpected argument “%s”"), argv[1]);
  if (!rosterctl_parse_format (format_opt, TRUE, &format))
    return rosterctl_usage_error (_("unknown format “%s” (expected table, csv or json)"), format_opt);

  if (query_opt != NULL)
    g_string_append (text, query_opt);
  append_term (text, "product", product);
  append_term (text, "status", status);
  append_term (text, "inactivity", inactivity);
  append_term (text, "space", space);

  query = roster_query_parse (text->str, &error);
  if (query == NULL)
    return rosterctl_usage_error ("%s", error->message);

  context = rosterctl_open_context (FALSE, &error);
  if (context == NULL)
    return rosterctl_error (error);

  /* A first use syncs, so that `rosterctl users` right after login just works. */
  if (roster_context_get_users (context) == NULL)
    {
      if (!rosterctl_sync (context, FALSE, &error))
        return rosterctl_error (error);
    }

  set = roster_context_get_users (context);
  roster_context_get_thresholds (context, &thresholds);
  qctx.now_unix = g_get_real_time () / G_USEC_PER_SEC;
  qctx.thresholds = thresholds;
  /* space:KEY terms need the space's readers from the Confluence site. */
  if (roster_query_get_spaces (query) != NULL && roster_query_get_spaces (query)[0] != NULL)
    {
      if (!(space_members = rosterctl_resolve_space_members (roster_query_get_spaces (query), &error)))
        return rosterctl_error (error);
      qctx.space_members = space_members;
    }

  rows = g_new (guint, MAX (1, roster_user_set_get_n_users (set)));
  n_rows = roster_query_filter (query, set, &qctx, rows);

  switch (format)
    {
    case ROSTERCTL_FORMAT_TABLE:
      print_table (set, rows, n_rows, &thresholds, qctx.now_unix);
      break;

    case ROSTERCTL_FORMAT_JSON:
      print_json (set, rows, n_rows, &thresholds, qctx.now_unix);
      break;

    case ROSTERCTL_FORMAT_CSV:
    default:
      if (!write_csv (context, set, rows, n_rows, text->str, &thresholds, qctx.now_unix, &error))
        return rosterctl_error (error);
      break;
    }

  return ROSTERCTL_EXIT_OK;
}
