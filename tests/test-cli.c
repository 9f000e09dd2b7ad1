/* test-cli.c — rosterctl end to end against the sandbox. */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "roster-sandbox.h"
#include "roster-test-utils.h"

#define FIXED_NOW 1798761600
#define N_USERS   1500

typedef struct
{
  RosterSandbox *sandbox;
  char          *admin_url;
  char          *data_dir;
} Fixture;

/* Runs rosterctl with the fixture's environment plus `extra_env` (NAME=VALUE…). */
static void
run (Fixture            *f,
     const char * const *extra_env,
     const char         *stdin_text,
     RosterTestRun      *result,
     ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = NULL;
  va_list args;

  va_start (args, result);
  argv = roster_test_rosterctl_argv (args);
  va_end (args);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "ROSTER_ADMIN_API_URL", f->admin_url, TRUE);
  g_subprocess_launcher_setenv (launcher, "ROSTER_DATA_DIR", f->data_dir, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "ROSTER_ADMIN_API_KEY");
  g_subprocess_launcher_unsetenv (launcher, "ROSTER_ORG_ID");
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  roster_test_launcher_set_env (launcher, extra_env);
  roster_test_communicate (launcher, (const char * const *) argv->pdata, stdin_text, result);
}

static JsonArray *
parse_array (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  return json_array_ref (json_node_get_array (root));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  RosterSandboxOptions options = { N_USERS, 7, FIXED_NOW };
  g_autoptr(GError) error = NULL;

  f->sandbox = roster_sandbox_new (&options);
  g_assert_true (roster_sandbox_start (f->sandbox, 0, &error));
  g_assert_no_error (error);
  f->admin_url = roster_sandbox_dup_admin_url (f->sandbox);
  f->data_dir = g_dir_make_tmp ("rosterctl-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  roster_sandbox_stop (f->sandbox);
  g_clear_object (&f->sandbox);
  g_clear_pointer (&f->admin_url, g_free);
  g_clear_pointer (&f->data_dir, g_free);
}

static char *
env_key (Fixture *f)
{
  return g_strdup_printf ("ROSTER_ADMIN_API_KEY=%s", roster_sandbox_get_api_key (f->sandbox));
}

static void
test_login_sync_users_logout (Fixture       *f,
                              gconstpointer  data)
{
  g_auto(RosterTestRun) r = { 0 };
  g_autofree char *stdin_key = NULL;
  g_autoptr(JsonArray) users = NULL;

  if (!roster_test_have_keyring ())
    {
      g_test_skip ("no session bus for the keyring");
      return;
    }

  stdin_key = g_strdup_printf ("%s\n", roster_sandbox_get_api_key (f->sandbox));
  run (f, NULL, stdin_key, &r, "login", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, roster_sandbox_get_org_name (f->sandbox)));
  g_assert_null (strstr (r.out, roster_sandbox_get_api_key (f->sandbox)));
  g_assert_null (strstr (r.err, roster_sandbox_get_api_key (f->sandbox)));
  roster_test_run_clear (&r);

  /* No key in the environment from here on: it comes from the keyring. */
  run (f, NULL, NULL, &r, "sync", NULL);
  g_assert_cmpint (r.status, ==, 0);
  roster_test_run_clear (&r);

  run (f, NULL, NULL, &r, "users", "--format", "json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  users = parse_array (r.out);
  g_assert_cmpuint (json_array_get_length (users), ==, N_USERS);
  roster_test_run_clear (&r);

  run (f, NULL, NULL, &r, "logout", NULL);
  g_assert_cmpint (r.status, ==, 0);
  roster_test_run_clear (&r);

  run (f, NULL, NULL, &r, "users", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "login"));
}

static guint
count_where (JsonArray  *users,
             const char *member,
             const char *value)
{
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonObject *o = json_array_get_object_element (users, i);

      if (g_strcmp0 (json_object_get_string_member (o, member), value) == 0)
        n++;
    }

  return n;
}

static guint
count_with_product (JsonArray  *users,
                    const char *product)
{
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonArray *products = json_object_get_array_member (json_array_get_object_element (users, i),
                                                          "products");
      for (guint j = 0; j < json_array_get_length (products); j++)
        {
          const char *key = json_object_get_string_member (json_array_get_object_element (products, j), "key");
          gboolean match = g_str_equal (product, "jira") ? g_str_has_prefix (key, "jira") &&
                                                           !g_str_equal (key, "jira-service-desk")
                                                         : g_str_equal (key, product);
          if (match)
            {
              n++;
              break;
            }
        }
    }

  return n;
}

static void
test_users_filters (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *key = env_key (f);
  const char *env[] = { key, NULL };
  g_autoptr(JsonArray) all = NULL;
  g_auto(RosterTestRun) r = { 0 };
  struct { const char *option; const char *value; const char *member; const char *expect; } cases[] = {
    { "--status", "suspended", "status", "suspended" },
    { "--status", "active", "status", "active" },
    { "--inactivity", "never", "inactivity", "never" },
    { "--inactivity", "overdue", "inactivity", "overdue" },
  };

  run (f, env, NULL, &r, "users", "--format", "json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  all = parse_array (r.out);
  g_assert_cmpuint (json_array_get_length (all), ==, N_USERS);
  g_assert_cmpuint (count_where (all, "status", "suspended"), ==,
                    roster_sandbox_count_status (f->sandbox, "suspended"));
  roster_test_run_clear (&r);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonArray) some = NULL;

      run (f, env, NULL, &r, "users", cases[i].option, cases[i].value, "--format", "json", NULL);
      g_assert_cmpint (r.status, ==, 0);
      some = parse_array (r.out);
      g_assert_cmpuint (json_array_get_length (some), >, 0);
      g_assert_cmpuint (json_array_get_length (some), ==, count_where (all, cases[i].member, cases[i].expect));
      roster_test_run_clear (&r);
    }

  {
    g_autoptr(JsonArray) some = NULL;

    run (f, env, NULL, &r, "users", "--product", "confluence", "--format", "json", NULL);
    g_assert_cmpint (r.status, ==, 0);
    some = parse_array (r.out);
    g_assert_cmpuint (json_array_get_length (some), ==, count_with_product (all, "confluence"));
    roster_test_run_clear (&r);
  }

  {
    g_autoptr(JsonArray) some = NULL;
    guint expected = 0;

    for (guint i = 0; i < json_array_get_length (all); i++)
      {
        JsonObject *o = json_array_get_object_element (all, i);
        JsonNode *email = json_object_get_member (o, "email");

        if (email != NULL && !JSON_NODE_HOLDS_NULL (email) &&
            g_str_has_suffix (json_node_get_string (email), "@acme.example"))
          expected++;
      }

    run (f, env, NULL, &r, "users", "--query", "domain:acme.example", "--format", "json", NULL);
    g_assert_cmpint (r.status, ==, 0);
    some = parse_array (r.out);
    g_assert_cmpuint (expected, >, 0);
    g_assert_cmpuint (json_array_get_length (some), ==, expected);
    roster_test_run_clear (&r);
  }

  /* Table and CSV carry the same rows. */
  run (f, env, NULL, &r, "users", "--status", "suspended", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, "NAME"));
  roster_test_run_clear (&r);

  /* A name a spreadsheet would run as a formula is neutralised in the CSV. */
  run (f, env, NULL, &r, "users", "--query", "type:app", "--format", "csv", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "'=SUM(1+1) Importer"));
  g_assert_null (strstr (r.out, ",=SUM"));
  g_assert_null (strstr (r.out, "\n=SUM"));
  roster_test_run_clear (&r);

  run (f, env, NULL, &r, "users", "--query", "status:frozen", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "frozen"));
}

static void
test_bad_key (Fixture       *f,
              gconstpointer  data)
{
  const char *env[] = { "ROSTER_ADMIN_API_KEY=wrong-key-0123456789", NULL };
  g_auto(RosterTestRun) r = { 0 };

  run (f, env, NULL, &r, "users", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "401"));
  g_assert_null (strstr (r.err, "wrong-key-0123456789"));
  g_assert_cmpstr (r.out, ==, "");
  roster_test_run_clear (&r);

  run (f, NULL, "wrong-key-0123456789\n", &r, "login", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_null (strstr (r.err, "wrong-key-0123456789"));
}

static void
test_secret_on_argv (Fixture       *f,
                     gconstpointer  data)
{
  g_auto(RosterTestRun) r = { 0 };

  run (f, NULL, NULL, &r, "login", "--key=abc", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "standard input"));
  roster_test_run_clear (&r);

  run (f, NULL, NULL, &r, "frobnicate", NULL);
  g_assert_cmpint (r.status, ==, 2);
}

static void
test_config (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *key = env_key (f);
  const char *env[] = { key, NULL };
  g_auto(RosterTestRun) r = { 0 };

  run (f, env, NULL, &r, "config", "get", "warning-days", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "60\n");
  roster_test_run_clear (&r);

  run (f, env, NULL, &r, "config", "set", "warning-days", "30", NULL);
  g_assert_cmpint (r.status, ==, 0);
  roster_test_run_clear (&r);

  run (f, env, NULL, &r, "config", "get", "warning-days", NULL);
  g_assert_cmpstr (r.out, ==, "30\n");
  roster_test_run_clear (&r);

  run (f, env, NULL, &r, "config", "set", "overdue-days", "20", NULL);
  g_assert_cmpint (r.status, ==, 2);
  roster_test_run_clear (&r);

  run (f, env, NULL, &r, "config", "get", "overdue-days", NULL);
  g_assert_cmpstr (r.out, ==, "90\n");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/roster/cli/login-sync-users-logout", Fixture, NULL,
              fixture_setup, test_login_sync_users_logout, fixture_teardown);
  g_test_add ("/roster/cli/users-filters", Fixture, NULL,
              fixture_setup, test_users_filters, fixture_teardown);
  g_test_add ("/roster/cli/bad-key", Fixture, NULL,
              fixture_setup, test_bad_key, fixture_teardown);
  g_test_add ("/roster/cli/secret-on-argv", Fixture, NULL,
              fixture_setup, test_secret_on_argv, fixture_teardown);
  g_test_add ("/roster/cli/config", Fixture, NULL,
              fixture_setup, test_config, fixture_teardown);

  return g_test_run ();
}
