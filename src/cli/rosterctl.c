/* rosterctl.c
 *
 * The command-line companion: the same core as the app, for scripting.
 * Data goes to stdout, progress and messages to stderr. Exit codes:
 * 0 ok, 1 error, 2 usage, 3 partial failure.
 */
#define G_LOG_DOMAIN "rosterctl"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "rosterctl.h"

static const RosterctlCommand commands[] = {
  { "login",  N_("Validate an Admin API key read from standard input and store it in the keyring"), rosterctl_cmd_login },
  { "logout", N_("Delete the stored Admin API key"), rosterctl_cmd_logout },
  { "org",    N_("Show the organization: name, id, directories, domains, products, user counts"), rosterctl_cmd_org },
  { "sync",   N_("Fetch every user of the organization into the local cache"), rosterctl_cmd_sync },
  { "users",  N_("List cached users, filtered"), rosterctl_cmd_users },
  { "config", N_("Get or set warning-days, overdue-days, bulk-cap and access-group-PRODUCT"), rosterctl_cmd_config },
  { "suspend",    N_("Suspend directory access of users (billing stops; roles and groups are kept)"), rosterctl_cmd_suspend },
  { "restore",    N_("Restore suspended directory access"), rosterctl_cmd_restore },
  { "deactivate", N_("Deactivate managed Atlassian accounts (no login anywhere)"), rosterctl_cmd_deactivate },
  { "reactivate", N_("Reactivate deactivated managed Atlassian accounts"), rosterctl_cmd_reactivate },
  { "grant",      N_("Grant product access (--product jira|jsm|confluence)"), rosterctl_cmd_grant },
  { "revoke",     N_("Remove product access (--product jira|jsm|confluence)"), rosterctl_cmd_revoke },
  { "protect",    N_("Add, remove or list protected accounts, which bulk actions never touch"), rosterctl_cmd_protect },
  { "jobs",       N_("List, show, resume or undo bulk jobs"), rosterctl_cmd_jobs },
  { "audit",      N_("Show, export or verify the audit trail"), rosterctl_cmd_audit },
  { "site",       N_("Connect the product site: site login --url URL --email EMAIL (token on stdin), site logout, site show"), rosterctl_cmd_site },
  { "projects",   N_("List the service desk projects of the site"), rosterctl_cmd_projects },
  { "customers",  N_("List a project's customers, direct and through organizations (--project KEY)"), rosterctl_cmd_customers },
  { "organizations", N_("List a project's organizations with member counts (--project KEY)"), rosterctl_cmd_organizations },
  { "spaces",     N_("List the Confluence spaces of the site"), rosterctl_cmd_spaces },
};

int
rosterctl_usage_error (const char *format,
                       ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("rosterctl: %s\n", message);
  g_printerr (_("Try “rosterctl help” for usage.\n"));
  return ROSTERCTL_EXIT_USAGE;
}

int
rosterctl_error (const GError *error)
{
  g_printerr ("rosterctl: %s\n", rosterctl_describe_error (error));
  return ROSTERCTL_EXIT_ERROR;
}

const char *
rosterctl_describe_error (const GError *error)
{
  if (error->domain == ROSTER_ERROR)
    {
      switch ((RosterErrorCode) error->code)
        {
        case ROSTER_ERROR_UNAUTHORIZED:
          return _("The Admin API key was refused (401): it is wrong, expired or revoked.");
        case ROSTER_ERROR_NO_API_KEY:
          return _("No Admin API key: run “rosterctl login” or set ROSTER_ADMIN_API_KEY.");
        default:
          break;
        }
    }

  return error->message;
}

static gboolean
option_looks_secret (const char *arg)
{
  static const char * const secret_options[] = {
    "--key", "--api-key", "--token", "--password", "--secret", "--site-token",
  };

  for (guint i = 0; i < G_N_ELEMENTS (secret_options); i++)
    {
      gsize n = strlen (secret_options[i]);

      if (strncmp (arg, secret_options[i], n) == 0 && (arg[n] == '\0' || arg[n] == '='))
        return TRUE;
    }

  return FALSE;
}

static void
print_help (void)
{
  g_print (_("Usage: rosterctl COMMAND [OPTIONS…]\n\n"));
  g_print (_("Commands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_print ("  %-10s %s\n", commands[i].name, _(commands[i].summary));
  g_print ("\n");
  g_print (_("Environment: ROSTER_ADMIN_API_URL, ROSTER_ADMIN_API_KEY, ROSTER_ORG_ID,\n"
             "ROSTER_SITE_URL, ROSTER_SITE_EMAIL, ROSTER_SITE_TOKEN, ROSTER_DATA_DIR.\n"));
  g_print (_("Run “rosterctl COMMAND --help” for the options of a command.\n"));
}

int
main (int   argc,
      char *argv[])
{
  const char *name;

  setlocale (LC_ALL, "");
  /* ROSTER_LOCALEDIR lets tests use the catalogs of a build tree. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("ROSTER_LOCALEDIR") != NULL ? g_getenv ("ROSTER_LOCALEDIR")
                                                                         : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Secrets never come through argv, where every user of the machine can read them. */
  for (int i = 1; i < argc; i++)
    {
      if (g_strcmp0 (argv[i], "--") == 0)
        break;
      if (option_looks_secret (argv[i]))
        return rosterctl_usage_error (_("secrets are never accepted on the command line (%s). "
                                        "Pass the Admin API key on standard input to "
                                        "“rosterctl login”, or in the ROSTER_ADMIN_API_KEY "
                                        "environment variable; the site token in "
                                        "ROSTER_SITE_TOKEN."),
                                      argv[i]);
    }

  if (argc < 2)
    {
      print_help ();
      return ROSTERCTL_EXIT_USAGE;
    }

  name = argv[1];
  if (g_str_equal (name, "help") || g_str_equal (name, "--help") || g_str_equal (name, "-h"))
    {
      print_help ();
      return ROSTERCTL_EXIT_OK;
    }
  if (g_str_equal (name, "--version"))
    {
      g_print ("rosterctl %s\n", PACKAGE_VERSION);
      return ROSTERCTL_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (name, commands[i].name))
      return commands[i].run (argc - 1, argv + 1);

  return rosterctl_usage_error (_("unknown command “%s”"), name);
}
