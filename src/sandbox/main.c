/* main.c
 *
 * roster-sandbox: runs the stand-in Atlassian Cloud on loopback until SIGINT or
 * SIGTERM, and prints how to reach it. The key it prints is a demo key that
 * only this sandbox accepts.
 */
#define G_LOG_DOMAIN "roster-sandbox"

#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "roster-sandbox.h"

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(RosterSandbox) sandbox = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *admin_url = NULL;
  RosterSandboxOptions options = { 0 };
  gint64 n_users = 2000, seed = 7, port = 0, rate = 0, latency = 0, n_customers = 0;
  gint64 t0;
  GOptionEntry entries[] = {
    { "users", 0, 0, G_OPTION_ARG_INT64, &n_users, "Number of users to generate (default 2000)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Generator seed (default 7)", "S" },
    { "port", 0, 0, G_OPTION_ARG_INT64, &port, "Port on 127.0.0.1 (default: any free port)", "P" },
    { "rate-limit", 0, 0, G_OPTION_ARG_INT64, &rate, "Requests per second before 429 (0 = none)", "R" },
    { "latency", 0, 0, G_OPTION_ARG_INT64, &latency, "Delay before each response", "MS" },
    { "customers", 0, 0, G_OPTION_ARG_INT64, &n_customers, "JSM customers over all service desks", "N" },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("— a stand-in for Atlassian Cloud on loopback");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("roster-sandbox: %s\n", error->message);
      return 2;
    }
  if (n_users < 1 || n_users > 10000000 || seed < 0 || seed > G_MAXUINT32 ||
      port < 0 || port > 65535 || rate < 0 || rate > G_MAXUINT || latency < 0 || latency > 600000)
    {
      g_printerr ("roster-sandbox: an option is out of range\n");
      return 2;
    }

  options.n_users = (guint) n_users;
  options.seed = (guint32) seed;
  options.n_customers = (guint) CLAMP (n_customers, 0, 10000000);
  sandbox = roster_sandbox_new (&options);

  t0 = g_get_monotonic_time ();
  if (!roster_sandbox_start (sandbox, (guint) port, &error))
    {
      g_printerr ("roster-sandbox: %s\n", error->message);
      return 1;
    }
  roster_sandbox_set_rate_limit (sandbox, (guint) rate, TRUE);
  roster_sandbox_set_latency (sandbox, (guint) latency);

  admin_url = roster_sandbox_dup_admin_url (sandbox);
  g_print ("URL=%s\n", roster_sandbox_get_url (sandbox));
  g_print ("ADMIN_API_URL=%s\n", admin_url);
  g_print ("ORG_ID=%s\n", roster_sandbox_get_org_id (sandbox));
  g_print ("DIRECTORY_ID=%s\n", roster_sandbox_get_directory_id (sandbox));
  g_print ("API_KEY=%s\n", roster_sandbox_get_api_key (sandbox));
  g_print ("SITE_URL=%s\n", roster_sandbox_get_url (sandbox));
  g_print ("SITE_EMAIL=%s\n", roster_sandbox_get_site_email (sandbox));
  g_print ("SITE_TOKEN=%s\n", roster_sandbox_get_site_token (sandbox));
  fflush (stdout);
  g_printerr ("roster-sandbox: %u users ready in %.2f s; Ctrl+C stops it\n",
              roster_sandbox_get_n_users (sandbox),
              (g_get_monotonic_time () - t0) / 1e6);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_main_loop_run (loop);

  roster_sandbox_stop (sandbox);
  return 0;
}
