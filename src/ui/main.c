/* main.c */
#define G_LOG_DOMAIN "roster"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "roster-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(RosterApplication) app = NULL;

  roster_bench_mark ("main");
  setlocale (LC_ALL, "");
  /* ROSTER_LOCALEDIR lets tests use the catalogs of a build tree. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("ROSTER_LOCALEDIR") != NULL ? g_getenv ("ROSTER_LOCALEDIR")
                                                                         : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Roster"));

  app = roster_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
