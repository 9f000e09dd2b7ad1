/* test-locale.c
 *
 * Roster speaks the languages of its catalogs: under LANGUAGE=de, ja and ru (with
 * the build tree's catalogs, ROSTER_LOCALEDIR) the command line help of rosterctl,
 * the options of the roster binary and the window with the demo organization show
 * translated strings.
 *
 * Each case runs in a subprocess of its own, which sets the language before
 * anything is translated. The expected strings come from the catalog (they must
 * be non-empty and differ from the English source); the German ones are also
 * written out here, so that a catalog that is not found or not loaded fails
 * rather than compares with itself.
 *
 * The window cases need a display (tools/test.sh runs Xvfb) and skip without
 * one unless ROSTER_REQUIRE_DISPLAY=1.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "roster-application.h"
#include "roster-users-page.h"
#include "roster-window.h"

#define TIMEOUT_S 60

static const char *languages[] = { "de", "ja", "ru" };

static char *localedir;
static char *system_data_dirs;

/* Makes this process speak @lang through the build tree's catalogs. */
static void
use_language (const char *lang)
{
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_unsetenv ("LC_MESSAGES");
  g_unsetenv ("LANG");
  g_setenv ("LANGUAGE", lang, TRUE);
  g_assert_nonnull (setlocale (LC_ALL, ""));
  g_assert_nonnull (bindtextdomain (GETTEXT_PACKAGE, localedir));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

/* The catalog's translation of @msgid; it must exist. */
static const char *
expect (const char *msgid)
{
  const char *text = g_dgettext (GETTEXT_PACKAGE, msgid);

  g_assert_nonnull (text);
  g_assert_cmpstr (text, !=, "");
  if (g_strcmp0 (text, msgid) == 0)
    g_error ("“%s” is not translated into %s", msgid, g_getenv ("LANGUAGE"));
  return text;
}

static char **
child_environ (const char *lang)
{
  char **env = g_get_environ ();

  env = g_environ_unsetenv (env, "LANG");
  env = g_environ_unsetenv (env, "LC_MESSAGES");
  env = g_environ_setenv (env, "LC_ALL", "C.UTF-8", TRUE);
  env = g_environ_setenv (env, "LANGUAGE", lang, TRUE);
  env = g_environ_setenv (env, "ROSTER_LOCALEDIR", localedir, TRUE);
  return env;
}

static char *
run_help (const char *program,
          const char *arg,
          const char *lang)
{
  const char *argv[] = { program, arg, NULL };
  g_auto(GStrv) env = child_environ (lang);
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("%s %s failed: %s\n%s", program, arg, error->message, err);
  g_assert_true (g_utf8_validate (out, -1, NULL));
  return out;
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("“%s” not found in:\n%s", needle, haystack);
}

static void
assert_lacks (const char *haystack,
              const char *needle)
{
  if (strstr (haystack, needle) != NULL)
    g_error ("the English “%s” is in:\n%s", needle, haystack);
}

/* --- rosterctl help ----------------------------------------------------------------- */

static void
cli_child (const char *lang)
{
  const char *rosterctl = g_getenv ("ROSTERCTL");
  const char *summary = "Suspend directory access of users (billing stops; roles and groups are kept)";
  g_autofree char *out = NULL;
  g_autofree char *commands = NULL;

  use_language (lang);
  out = run_help (rosterctl, "help", lang);

  /* "Commands:\n" ends in a newline that the translation keeps. */
  commands = g_strdup (expect ("Commands:\n"));
  g_assert_true (g_str_has_suffix (commands, "\n"));
  assert_contains (out, commands);
  assert_contains (out, expect (summary));
  assert_contains (out, expect ("Show, export or verify the audit trail"));
  assert_lacks (out, summary);
  assert_lacks (out, "Commands:");

  if (g_str_equal (lang, "de"))
    {
      assert_contains (out, "Befehle:\n");
      assert_contains (out, "Verzeichniszugriff von Benutzern sperren (Abrechnung endet; "
                            "Rollen und Gruppen bleiben erhalten)");
      assert_contains (out, "Das Prüfprotokoll anzeigen, exportieren oder prüfen");
    }
}

static void
test_cli (gconstpointer data)
{
  const char *lang = data;

  if (g_getenv ("ROSTERCTL") == NULL)
    {
      g_test_skip ("ROSTERCTL is not set");
      return;
    }
  if (g_test_subprocess ())
    {
      cli_child (lang);
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* --- roster --help: the real binary binds its catalogs ------------------------------- */

static void
app_child (const char *lang)
{
  const char *roster = g_getenv ("ROSTER_APP");
  g_autofree char *out = NULL;

  use_language (lang);
  out = run_help (roster, "--help", lang);

  assert_contains (out, expect ("Show the version"));
  assert_contains (out, expect ("Open the demo organization (a local stand-in for Atlassian Cloud)"));
  assert_lacks (out, "Show the version");

  if (g_str_equal (lang, "de"))
    {
      assert_contains (out, "Die Version anzeigen");
      assert_contains (out, "Die Demo-Organisation öffnen (ein lokaler Ersatz für Atlassian Cloud)");
    }
}

static void
test_app (gconstpointer data)
{
  const char *lang = data;
  const char *roster = g_getenv ("ROSTER_APP");

  if (roster == NULL || !g_file_test (roster, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("the roster binary is not built (ROSTER_APP)");
      return;
    }
  if (g_test_subprocess ())
    {
      app_child (lang);
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* --- the window with the demo organization --------------------------------------------- */

typedef struct
{
  RosterApplication *app;
  RosterWindow      *window;
} Gui;

static gboolean
org_ready (Gui *gui)
{
  RosterContext *ctx = roster_application_get_context (gui->app);

  return g_strcmp0 (roster_window_get_mode (gui->window), "org") == 0 &&
         !roster_window_is_syncing (gui->window) &&
         roster_context_get_users (ctx) != NULL &&
         g_list_model_get_n_items (G_LIST_MODEL (roster_users_page_get_model (
             roster_window_get_users_page (gui->window)))) > 0;
}

static gboolean
wait_org_ready (Gui *gui)
{
  gint64 end = g_get_monotonic_time () + TIMEOUT_S * G_USEC_PER_SEC;

  while (!org_ready (gui))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  return TRUE;
}

static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
has_label (GtkWidget  *widget,
           const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label (child, text))
      return TRUE;
  return FALSE;
}

static const char *
page_title (AdwViewStack *stack,
            const char   *name)
{
  GtkWidget *child = adw_view_stack_get_child_by_name (stack, name);

  g_assert_nonnull (child);
  return adw_view_stack_page_get_title (adw_view_stack_get_page (stack, child));
}

static gboolean
fatal_log_cb (const char     *log_domain,
              GLogLevelFlags  log_level,
              const char     *message,
              gpointer        user_data)
{
  return !(log_level & G_LOG_LEVEL_WARNING && g_strcmp0 (log_domain, "Gtk") == 0 &&
           strstr (message, "Failed to load icon") != NULL);
}

static void
gui_child (const char *lang)
{
  static const struct { const char *name; const char *title; const char *de; } pages[] = {
    { "dashboard", "Dashboard", "Übersicht" },
    { "users", "Users", "Benutzer" },
    { "customers", "Customers", "Kunden" },
    { "audit", "Audit", "Prüfprotokoll" },
    { "settings", "Settings", "Einstellungen" },
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *app_id = g_strdup_printf ("%s.TestLocale%s", APP_ID, lang);
  AdwViewStack *stack;
  Gui gui = { NULL, NULL };

  use_language (lang);
  g_setenv ("XDG_DATA_DIRS", system_data_dirs, TRUE);
  g_test_log_set_fatal_handler (fatal_log_cb, NULL);
  gtk_init ();
  adw_init ();
  /* GTK sets the locale again from the environment: still the one asked for. */
  g_assert_cmpstr (g_getenv ("LANGUAGE"), ==, lang);

  gui.app = roster_application_new ();
  g_application_set_application_id (G_APPLICATION (gui.app), app_id);
  g_application_set_flags (G_APPLICATION (gui.app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (gui.app), NULL, &error));
  g_assert_no_error (error);
  roster_application_set_demo_options (gui.app, 200, 0);
  gui.window = roster_window_new (gui.app);
  gtk_window_present (GTK_WINDOW (gui.window));
  roster_window_show_loading (gui.window);
  roster_application_open_demo (gui.app);
  g_assert_true (wait_org_ready (&gui));

  stack = ADW_VIEW_STACK (find_widget (GTK_WIDGET (gui.window), ADW_TYPE_VIEW_STACK));
  g_assert_nonnull (stack);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      const char *title = page_title (stack, pages[i].name);

      g_test_message ("%s: page %s is “%s”", lang, pages[i].name, title);
      g_assert_cmpstr (title, ==, expect (pages[i].title));
      g_assert_cmpstr (title, !=, pages[i].title);
      if (g_str_equal (lang, "de"))
        g_assert_cmpstr (title, ==, pages[i].de);
    }

  /* A label of a page template (the dashboard's stat card). */
  g_assert_true (has_label (GTK_WIDGET (gui.window), expect ("Total users")));
  g_assert_false (has_label (GTK_WIDGET (gui.window), "Total users"));
  if (g_str_equal (lang, "de"))
    g_assert_true (has_label (GTK_WIDGET (gui.window), "Benutzer insgesamt"));

  gtk_window_destroy (GTK_WINDOW (gui.window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&gui.app);
}

static void
test_gui (gconstpointer data)
{
  const char *lang = data;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      if (g_strcmp0 (g_getenv ("ROSTER_REQUIRE_DISPLAY"), "1") == 0)
        g_error ("No display, and ROSTER_REQUIRE_DISPLAY=1");
      g_test_skip ("no display");
      return;
    }
  if (g_test_subprocess ())
    {
      gui_child (lang);
      return;
    }
  g_test_trap_subprocess (NULL, (TIMEOUT_S + 30) * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  const char *build_root = g_getenv ("ROSTER_BUILD_ROOT");

  /* The build tree's po/ is laid out like a locale directory (<lang>/LC_MESSAGES/roster.mo). */
  if (g_getenv ("ROSTER_TEST_LOCALEDIR") != NULL)
    localedir = g_strdup (g_getenv ("ROSTER_TEST_LOCALEDIR"));
  else if (build_root != NULL)
    localedir = g_build_filename (build_root, "po", NULL);
  else
    localedir = g_build_filename (g_get_current_dir (), "..", "po", NULL);

  /* Without a bus GTK warns about the accessibility bus, which is fatal here. */
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    g_setenv ("GTK_A11Y", "none", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  /* G_TEST_OPTION_ISOLATE_DIRS empties XDG_DATA_DIRS, where the icon theme and the MIME
   * database live; a subprocess inherits the emptied one, so the first run passes it on. */
  if (g_getenv ("ROSTER_TEST_SYSTEM_DATA_DIRS") == NULL)
    g_setenv ("ROSTER_TEST_SYSTEM_DATA_DIRS",
              g_getenv ("XDG_DATA_DIRS") ? g_getenv ("XDG_DATA_DIRS") : "/usr/local/share:/usr/share",
              TRUE);
  system_data_dirs = g_strdup (g_getenv ("ROSTER_TEST_SYSTEM_DATA_DIRS"));

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  /* One language that fails does not hide the others. */
  if (!g_test_subprocess ())
    g_test_set_nonfatal_assertions ();

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    {
      g_autofree char *cli = g_strdup_printf ("/roster/locale/cli-help/%s", languages[i]);
      g_autofree char *app = g_strdup_printf ("/roster/locale/app-options/%s", languages[i]);
      g_autofree char *gui = g_strdup_printf ("/roster/locale/window/%s", languages[i]);

      g_test_add_data_func (cli, languages[i], test_cli);
      g_test_add_data_func (app, languages[i], test_app);
      g_test_add_data_func (gui, languages[i], test_gui);
    }

  return g_test_run ();
}
