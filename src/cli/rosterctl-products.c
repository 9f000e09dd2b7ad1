/* rosterctl-products.c — the product-site commands: site login/logout/show,
 * projects, customers, organizations, spaces; and the space resolution used by
 * `users --space`. */
#define G_LOG_DOMAIN "rosterctl"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gio/gunixoutputstream.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "roster-confluence.h"
#include "roster-jsm.h"
#include "roster-site.h"
#include "roster-store.h"
#include "rosterctl.h"

#define SITE_GROUP "site"

/* The non-secret site facts (URL, email) live in a small key file next to the
 * stores; the token only in the keyring (or ROSTER_SITE_TOKEN). */
static char *
dup_site_config_path (void)
{
  g_autofree char *dir = roster_store_dup_default_dir ();

  return g_build_filename (dir, "rosterctl-site.ini", NULL);
}

static gboolean
save_site_config (const char  *url,
                  const char  *email,
                  GError     **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autofree char *path = dup_site_config_path ();
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_CACHE, "Could not create %s: %s", dir, g_strerror (errno));
      return FALSE;
    }
  g_key_file_set_string (keyfile, SITE_GROUP, "url", url);
  g_key_file_set_string (keyfile, SITE_GROUP, "email", email);
  return g_key_file_save_to_file (keyfile, path, error);
}

static RosterSite *
site_from_config (GError **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autofree char *path = dup_site_config_path ();
  g_autofree char *url = NULL;
  g_autofree char *email = NULL;

  if (!g_key_file_load_from_file (keyfile, path, G_KEY_FILE_NONE, NULL) ||
      !(url = g_key_file_get_string (keyfile, SITE_GROUP, "url", NULL)) ||
      !(email = g_key_file_get_string (keyfile, SITE_GROUP, "email", NULL)))
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_NO_API_KEY,
                   "No site is configured: run `rosterctl site login --url URL --email EMAIL` "
                   "or set ROSTER_SITE_URL, ROSTER_SITE_EMAIL and ROSTER_SITE_TOKEN");
      return NULL;
    }
  return roster_site_new (url, email, error);
}

RosterSite *
rosterctl_open_site (GError **error)
{
  g_autoptr(RosterSite) site = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!(site = roster_site_new_from_environment (&local_error)))
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (!(site = site_from_config (error)))
        return NULL;
    }

  if (!roster_site_has_token (site))
    {
      g_autoptr(RosterCredentials) credentials = roster_credentials_new ();

      if (!roster_site_load_token_sync (site, credentials, NULL, &local_error))
        {
          if (local_error != NULL)
            g_propagate_error (error, g_steal_pointer (&local_error));
          else
            g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_NO_API_KEY,
                         "No API token for %s at %s: run `rosterctl site login` or set ROSTER_SITE_TOKEN",
                         roster_site_get_email (site), roster_site_get_url (site));
          return NULL;
        }
    }
  return g_steal_pointer (&site);
}

GHashTable *
rosterctl_resolve_space_members (const char * const  *keys,
                                 GError             **error)
{
  g_autoptr(RosterSite) site = NULL;
  g_autoptr(RosterConfluenceApi) api = NULL;
  g_autoptr(GPtrArray) accesses = NULL;

  if (!(site = rosterctl_open_site (error)))
    return NULL;
  api = roster_confluence_api_new (site);
  if (!(accesses = roster_confluence_api_resolve_spaces_sync (api, keys, NULL, error)))
    return NULL;
  return roster_space_access_to_query_members (accesses);
}

/* site login | logout | show */

static int
site_login (int    argc,
            char **argv)
{
  g_autoptr(GOptionContext) option_context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterSite) site = NULL;
  g_autoptr(RosterCredentials) credentials = NULL;
  g_autofree char *url = NULL;
  g_autofree char *email = NULL;
  char *token;
  const GOptionEntry entries[] = {
    { "url", 0, 0, G_OPTION_ARG_STRING, &url, N_("Site URL: https://<site>.atlassian.net or https://api.atlassian.com/ex/jira/<cloud-id>"), N_("URL") },
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, N_("Email of the account the API token belongs to"), N_("EMAIL") },
    { NULL }
  };

  option_context = g_option_context_new (_("— read a site API token from standard input, validate it and store it in the keyring"));
  g_option_context_add_main_entries (option_context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (option_context, &argc, &argv, &error))
    return rosterctl_usage_error ("%s", error->message);
  if (argc > 1)
    return rosterctl_usage_error (_("unexpected argument “%s”"), argv[1]);
  if (url == NULL && g_getenv ("ROSTER_SITE_URL"))
    url = g_strdup (g_getenv ("ROSTER_SITE_URL"));
  if (email == NULL && g_getenv ("ROSTER_SITE_EMAIL"))
    email = g_strdup (g_getenv ("ROSTER_SITE_EMAIL"));
  if (url == NULL || email == NULL)
    return rosterctl_usage_error (_("site login needs --url and --email"));

  if (!(site = roster_site_new (url, email, &error)))
    return rosterctl_usage_error ("%s", error->message);

  if (!(token = rosterctl_read_secret (_("API token: "), 4096,
                                      "No API token was read from standard input", &error)))
    return rosterctl_error (error);
  roster_site_set_token (site, token);
  if (!roster_site_validate_sync (site, NULL, &error))
    {
      rosterctl_secret_free (token);
      return rosterctl_error (error);
    }

  credentials = roster_credentials_new ();
  if (!roster_site_save_token_sync (site, credentials, token, NULL, &error))
    {
      rosterctl_secret_free (token);
      return rosterctl_error (error);
    }
  rosterctl_secret_free (token);
  if (!save_site_config (roster_site_get_url (site), roster_site_get_email (site), &error))
    return rosterctl_error (error);

  g_printerr (_("Connected to %s as %s (%s); the token is in the keyring.\n"),
              roster_site_get_url (site), roster_site_get_display_name (site), roster_site_get_email (site));
  return ROSTERCTL_EXIT_OK;
}

static int
site_logout (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterSite) site = NULL;
  g_autoptr(RosterCredentials) credentials = roster_credentials_new ();
  g_autofree char *path = dup_site_config_path ();
  gboolean removed;

  if (!(site = site_from_config (&error)))
    return rosterctl_error (error);
  removed = roster_site_forget_token_sync (site, credentials, NULL, &error);
  if (error != NULL)
    return rosterctl_error (error);
  g_unlink (path);
  g_printerr (removed ? _("The site token was deleted from the keyring.\n")
                      : _("No site token was stored.\n"));
  return ROSTERCTL_EXIT_OK;
}

static int
site_show (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterSite) site = NULL;

  if (!(site = rosterctl_open_site (&error)))
    return rosterctl_error (error);
  if (!roster_site_validate_sync (site, NULL, &error))
    return rosterctl_error (error);
  g_print ("url\t%s\nemail\t%s\njira\t%s\nconfluence\t%s\naccount_id\t%s\nname\t%s\n",
           roster_site_get_url (site), roster_site_get_email (site),
           roster_site_get_jira_url (site), roster_site_get_confluence_url (site),
           roster_site_get_account_id (site), roster_site_get_display_name (site));
  return ROSTERCTL_EXIT_OK;
}

int
rosterctl_cmd_site (int    argc,
                    char **argv)
{
  if (argc < 2)
    return rosterctl_usage_error (_("site needs a subcommand: login, logout or show"));
  if (g_str_equal (argv[1], "login"))
    return site_login (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "logout"))
    return site_logout ();
  if (g_str_equal (argv[1], "show"))
    return site_show ();
  return rosterctl_usage_error (_("unknown site subcommand “%s” (expected login, logout or show)"), argv[1]);
}

/* projects, customers, organizations */

static GOutputStream *
stdout_stream (void)
{
  return g_unix_output_stream_new (STDOUT_FILENO, FALSE);
}

static int
parse_common (int              *argc,
              char           ***argv,
              const char       *summary,
              char            **project,
              RosterctlFormat  *format,
              gboolean          need_project)
{
  g_autoptr(GOptionContext) option_context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *format_opt = NULL;
  const GOptionEntry with_project[] = {
    { "project", 'p', 0, G_OPTION_ARG_STRING, project, N_("Service desk project key"), N_("KEY") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_opt, N_("table, csv or json"), N_("FORMAT") },
    { NULL }
  };

  option_context = g_option_context_new (summary);
  g_option_context_add_main_entries (option_context, need_project ? with_project : with_project + 1,
                                     GETTEXT_PACKAGE);
  if (!g_option_context_parse (option_context, argc, argv, &error))
    return rosterctl_usage_error ("%s", error->message);
  if (*argc > 1)
    return rosterctl_usage_error (_("unexpected argument “%s”"), (*argv)[1]);
  if (!rosterctl_parse_format (format_opt, TRUE, format))
    return rosterctl_usage_error (_("unknown format “%s” (expected table, csv or json)"), format_opt);
  if (need_project && (*project == NULL || **project == '\0'))
    return rosterctl_usage_error (_("--project KEY is required"));
  return -1;
}

/* A cell of a listed item (borrowed). */
typedef const char *(*CellFunc) (gpointer item,
                                 guint    column);

/* Lists @items as a JSON array of objects with the @columns as members, or as
 * a header line and one line per item, separated by tabs (table) or commas
 * (CSV). In CSV the columns whose bit is set in @csv_escaped are escaped. */
static void
print_items (RosterctlFormat     format,
             GPtrArray          *items,
             const char * const *columns,
             guint               csv_escaped,
             CellFunc            cell)
{
  const char *sep = format == ROSTERCTL_FORMAT_CSV ? "," : "\t";

  if (format == ROSTERCTL_FORMAT_JSON)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < items->len; i++)
        {
          json_builder_begin_object (builder);
          for (guint c = 0; columns[c] != NULL; c++)
            {
              json_builder_set_member_name (builder, columns[c]);
              json_builder_add_string_value (builder, cell (g_ptr_array_index (items, i), c));
            }
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      rosterctl_print_json (root);
      return;
    }

  for (guint c = 0; columns[c] != NULL; c++)
    g_print ("%s%s", c > 0 ? sep : "", columns[c]);
  g_print ("\n");
  for (guint i = 0; i < items->len; i++)
    {
      for (guint c = 0; columns[c] != NULL; c++)
        {
          const char *value = cell (g_ptr_array_index (items, i), c);
          g_autofree char *escaped = NULL;

          if (format == ROSTERCTL_FORMAT_CSV && (csv_escaped & (1u << c)) != 0)
            value = escaped = roster_export_csv_escape (value);
          g_print ("%s%s", c > 0 ? sep : "", value);
        }
      g_print ("\n");
    }
}

static const char * const desk_columns[] = { "key", "name", "service_desk_id", "project_id", NULL };

static const char *
desk_cell (gpointer item,
           guint    column)
{
  RosterServiceDesk *desk = item;

  switch (column)
    {
    case 0: return roster_service_desk_get_project_key (desk);
    case 1: return roster_service_desk_get_project_name (desk);
    case 2: return roster_service_desk_get_id (desk);
    default: return roster_service_desk_get_project_id (desk);
    }
}

int
rosterctl_cmd_projects (int    argc,
                        char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterSite) site = NULL;
  g_autoptr(RosterJsmApi) api = NULL;
  g_autoptr(GPtrArray) desks = NULL;
  RosterctlFormat format = ROSTERCTL_FORMAT_TABLE;
  int rc;

  if ((rc = parse_common (&argc, &argv, _("— list the service desk projects of the site"),
                          NULL, &format, FALSE)) >= 0)
    return rc;
  if (!(site = rosterctl_open_site (&error)))
    return rosterctl_error (error);
  api = roster_jsm_api_new (site);
  if (!(desks = roster_jsm_api_list_service_desks_sync (api, NULL, &error)))
    return rosterctl_error (error);

  print_items (format, desks, desk_columns, 1 << 1, desk_cell);
  return ROSTERCTL_EXIT_OK;
}

static RosterJsmProject *
load_one_project (const char  *key,
                  GError     **error)
{
  g_autoptr(RosterSite) site = NULL;
  g_autoptr(RosterJsmApi) api = NULL;
  g_autoptr(GPtrArray) desks = NULL;
  g_autoptr(GPtrArray) one = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) projects = NULL;
  RosterJsmProject *project;

  if (!(site = rosterctl_open_site (error)))
    return NULL;
  api = roster_jsm_api_new (site);
  if (!(desks = roster_jsm_api_list_service_desks_sync (api, NULL, error)))
    return NULL;
  for (guint i = 0; i < desks->len; i++)
    if (g_ascii_strcasecmp (roster_service_desk_get_project_key (g_ptr_array_index (desks, i)), key) == 0)
      g_ptr_array_add (one, g_object_ref (g_ptr_array_index (desks, i)));
  if (one->len == 0)
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_NOT_FOUND,
                   "No service desk project with the key “%s” (see `rosterctl projects`)", key);
      return NULL;
    }
  if (!(projects = roster_jsm_api_load_projects_sync (api, one, NULL, error)))
    return NULL;
  project = g_ptr_array_steal_index (projects, 0);
  if (project->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&project->error));
      roster_jsm_project_free (project);
      return NULL;
    }
  return project;
}

static int
run_project_list (int      argc,
                  char   **argv,
                  gboolean organizations)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *project_key = NULL;
  g_autoptr(RosterJsmProject) project = NULL;
  g_autoptr(GPtrArray) projects = g_ptr_array_new ();
  g_autoptr(GOutputStream) out = NULL;
  RosterctlFormat format = ROSTERCTL_FORMAT_TABLE;
  int rc;

  if ((rc = parse_common (&argc, &argv,
                          organizations ? _("— list the organizations of a service desk project")
                                        : _("— list the customers of a service desk project (direct and through organizations)"),
                          &project_key, &format, TRUE)) >= 0)
    return rc;
  if (!(project = load_one_project (project_key, &error)))
    return rosterctl_error (error);
  g_ptr_array_add (projects, project);

  if (format == ROSTERCTL_FORMAT_TABLE)
    {
      if (organizations)
        for (guint i = 0; i < project->organizations->len; i++)
          {
            RosterCustomerOrg *org = g_ptr_array_index (project->organizations, i);

            g_print ("%-8s %-40s %" G_GINT64_FORMAT "\n", roster_customer_org_get_id (org),
                     roster_customer_org_get_name (org), roster_customer_org_get_n_members (org));
          }
      else
        for (guint i = 0; i < project->customers->len; i++)
          {
            RosterCustomer *c = g_ptr_array_index (project->customers, i);
            g_autofree char *orgs = g_strjoinv ("; ", (char **) roster_customer_get_organizations (c));

            g_print ("%-36s %-28s %-36s %s\n", roster_customer_get_account_id (c),
                     roster_customer_get_display_name (c),
                     roster_customer_get_email (c) ? roster_customer_get_email (c) : "-",
                     roster_customer_get_direct (c) ? (*orgs ? orgs : _("direct")) : orgs);
          }
      g_printerr (organizations ? _("%u organizations\n") : _("%u customers\n"),
                  organizations ? project->organizations->len : project->customers->len);
      return ROSTERCTL_EXIT_OK;
    }

  out = stdout_stream ();
  if (!(organizations
        ? roster_jsm_write_organizations (out, format == ROSTERCTL_FORMAT_JSON ? ROSTER_EXPORT_JSON : ROSTER_EXPORT_CSV,
                                          projects, FALSE, NULL, &error)
        : roster_jsm_write_customers (out, format == ROSTERCTL_FORMAT_JSON ? ROSTER_EXPORT_JSON : ROSTER_EXPORT_CSV,
                                      projects, FALSE, NULL, &error)))
    return rosterctl_error (error);
  return ROSTERCTL_EXIT_OK;
}

int
rosterctl_cmd_customers (int    argc,
                         char **argv)
{
  return run_project_list (argc, argv, FALSE);
}

int
rosterctl_cmd_organizations (int    argc,
                             char **argv)
{
  return run_project_list (argc, argv, TRUE);
}

/* spaces */

static const char * const space_columns[] = { "key", "name", "id", "type", NULL };

static const char *
space_cell (gpointer item,
            guint    column)
{
  RosterSpace *space = item;

  switch (column)
    {
    case 0: return roster_space_get_key (space);
    case 1: return roster_space_get_name (space);
    case 2: return roster_space_get_id (space);
    default: return roster_space_get_space_type (space);
    }
}

int
rosterctl_cmd_spaces (int    argc,
                      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterSite) site = NULL;
  g_autoptr(RosterConfluenceApi) api = NULL;
  g_autoptr(GPtrArray) spaces = NULL;
  RosterctlFormat format = ROSTERCTL_FORMAT_TABLE;
  int rc;

  if ((rc = parse_common (&argc, &argv, _("— list the Confluence spaces of the site"), NULL, &format, FALSE)) >= 0)
    return rc;
  if (!(site = rosterctl_open_site (&error)))
    return rosterctl_error (error);
  api = roster_confluence_api_new (site);
  if (!(spaces = roster_confluence_api_list_spaces_sync (api, NULL, &error)))
    return rosterctl_error (error);

  print_items (format, spaces, space_columns, 1 << 0 | 1 << 1, space_cell);
  return ROSTERCTL_EXIT_OK;
}
