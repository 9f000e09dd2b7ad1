/* test-secrets.c — secrets never leak, and the transport refuses what is unsafe.
 *
 * The canary: rosterctl logs in with the sandbox's key (on stdin), syncs, lists,
 * exports users and the audit trail, connects the product site with its token
 * (on stdin) and uses it, runs a bulk suspend, and fails on purpose (a wrong key
 * → 401, an unreachable URL), all with G_MESSAGES_DEBUG=all. Then every file
 * under the data, config and cache dirs and every byte of captured output is
 * searched for the key, the wrong key, the site token and the Basic-auth base64
 * of email:token (and the key's base64): none may appear.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "roster-error.h"
#include "roster-http.h"
#include "roster-sandbox.h"
#include "roster-test-utils.h"

#define FIXED_NOW 1798761600
#define WRONG_KEY "ATCTTwrongCanary0f3b9d1c77e2a4c6b8d0e2f4a6c8e0b2d4f6a8c0e2"

typedef struct
{
  RosterSandbox *sandbox;
  char          *admin_url;
  char          *root;     /* HOME and XDG dirs of the child */
  GString       *captured; /* every stdout and stderr */
} Fixture;

static int
run (Fixture            *f,
     const char * const *extra_env,
     const char         *stdin_text,
     char              **out_stdout,
     ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = NULL;
  g_auto(RosterTestRun) r = { 0 };
  va_list args;
  static const char * const dirs[] = {
    "HOME", "home", "XDG_DATA_HOME", "data", "XDG_CONFIG_HOME", "config",
    "XDG_CACHE_HOME", "cache", "XDG_STATE_HOME", "state",
  };

  va_start (args, out_stdout);
  argv = roster_test_rosterctl_argv (args);
  va_end (args);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i += 2)
    {
      g_autofree char *dir = g_build_filename (f->root, dirs[i + 1], NULL);

      g_mkdir_with_parents (dir, 0700);
      g_subprocess_launcher_setenv (launcher, dirs[i], dir, TRUE);
    }
  g_subprocess_launcher_unsetenv (launcher, "ROSTER_DATA_DIR");
  g_subprocess_launcher_unsetenv (launcher, "ROSTER_ADMIN_API_KEY");
  g_subprocess_launcher_unsetenv (launcher, "ROSTER_ORG_ID");
  g_subprocess_launcher_setenv (launcher, "ROSTER_ADMIN_API_URL", f->admin_url, TRUE);
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  roster_test_launcher_set_env (launcher, extra_env);

  roster_test_communicate (launcher, (const char * const *) argv->pdata, stdin_text, &r);
  g_string_append (f->captured, r.out);
  g_string_append (f->captured, r.err);
  if (out_stdout != NULL)
    *out_stdout = g_steal_pointer (&r.out);
  return r.status;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  RosterSandboxOptions options = { 300, 7, FIXED_NOW };
  g_autoptr(GError) error = NULL;

  f->sandbox = roster_sandbox_new (&options);
  g_assert_true (roster_sandbox_start (f->sandbox, 0, &error));
  g_assert_no_error (error);
  f->admin_url = roster_sandbox_dup_admin_url (f->sandbox);
  f->root = g_dir_make_tmp ("roster-secrets-XXXXXX", &error);
  g_assert_no_error (error);
  f->captured = g_string_new (NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  roster_sandbox_stop (f->sandbox);
  g_clear_object (&f->sandbox);
  g_clear_pointer (&f->admin_url, g_free);
  g_clear_pointer (&f->root, g_free);
  g_string_free (f->captured, TRUE);
}

/* Searches every regular file under dir (recursively) for each needle. */
static guint
scan_tree (const char         *dir,
           const char * const *needles)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n_files = 0;

  if (d == NULL)
    return 0;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          n_files += scan_tree (path, needles);
          continue;
        }
      if (!g_file_get_contents (path, &contents, &length, NULL))
        continue;
      n_files++;
      for (guint i = 0; needles[i] != NULL; i++)
        if (g_strstr_len (contents, length, needles[i]) != NULL)
          g_error ("%s contains a secret (needle %u)", path, i);
    }
  return n_files;
}

static void
test_canary (Fixture       *f,
             gconstpointer  data)
{
  const char *key = roster_sandbox_get_api_key (f->sandbox);
  g_autofree char *stdin_key = g_strdup_printf ("%s\n", key);
  g_autofree char *csv = NULL, *json = NULL, *audit = NULL;
  g_autofree char *bad_url = g_strdup ("ROSTER_ADMIN_API_URL=http://127.0.0.1:1/admin");
  const char *env_bad_url[] = { bad_url, NULL };
  const char *needles[] = { key, WRONG_KEY, NULL, NULL, NULL, NULL };
  g_autofree char *key_b64 = g_base64_encode ((const guchar *) key, strlen (key));
  const char *token = roster_sandbox_get_site_token (f->sandbox);
  g_autofree char *stdin_token = g_strdup_printf ("%s\n", token);
  g_autofree char *basic = g_strdup_printf ("%s:%s", roster_sandbox_get_site_email (f->sandbox), token);
  g_autofree char *basic_b64 = g_base64_encode ((const guchar *) basic, strlen (basic));
  g_autofree char *projects = NULL, *results = NULL;
  g_auto(GStrv) active = roster_sandbox_dup_account_ids (f->sandbox, "no-jira", 2);
  g_auto(GStrv) managed = roster_sandbox_dup_account_ids (f->sandbox, "managed", 40);
  guint n_files;

  if (!roster_test_have_keyring ())
    {
      g_test_skip ("no session bus for the keyring");
      return;
    }
  needles[2] = key_b64;
  needles[3] = token;
  needles[4] = basic_b64;
  g_assert_nonnull (active[0]);
  g_assert_nonnull (active[1]);
  {
    /* A managed account that is neither an org admin (protected) nor already used. */
    g_auto(GStrv) admins = roster_sandbox_dup_account_ids (f->sandbox, "org-admin", 0);
    gboolean found = FALSE;

    for (guint i = 0; managed[i] != NULL && !found; i++)
      if (!g_strv_contains ((const char * const *) admins, managed[i]) &&
          g_strcmp0 (managed[i], active[0]) != 0 && g_strcmp0 (managed[i], active[1]) != 0)
        {
          char *pick = managed[i];

          managed[i] = managed[0];
          managed[0] = pick;
          found = TRUE;
        }
    g_assert_true (found);
  }

  /* A wrong key is refused (401) and not stored. */
  g_assert_cmpint (run (f, NULL, WRONG_KEY "\n", NULL, "login", NULL), !=, 0);

  g_assert_cmpint (run (f, NULL, stdin_key, NULL, "login", NULL), ==, 0);
  g_assert_cmpint (run (f, NULL, NULL, NULL, "sync", NULL), ==, 0);
  g_assert_cmpint (run (f, NULL, NULL, &csv, "users", "--format", "csv", NULL), ==, 0);
  g_assert_cmpint (run (f, NULL, NULL, &json, "users", "--format", "json", NULL), ==, 0);
  g_assert_cmpint (run (f, NULL, NULL, &audit, "audit", "--format", "json", NULL), ==, 0);
  /* The product site: token on stdin, then a call that uses it (Basic auth). */
  g_assert_cmpint (run (f, NULL, stdin_token, NULL, "site", "login",
                        "--url", roster_sandbox_get_url (f->sandbox),
                        "--email", roster_sandbox_get_site_email (f->sandbox), NULL), ==, 0);
  g_assert_cmpint (run (f, NULL, NULL, &projects, "projects", "--format", "json", NULL), ==, 0);
  /* A bulk action, its journal and its results. */
  g_assert_cmpint (run (f, NULL, NULL, &results, "suspend", "--yes", "--format", "json",
                        active[0], active[1], NULL), ==, 0);
  /* …and every other bulk action, each journaled and audited. */
  g_assert_cmpint (run (f, NULL, NULL, NULL, "restore", "--yes", active[0], active[1], NULL), ==, 0);
  g_assert_cmpint (run (f, NULL, NULL, NULL, "grant", "--yes", "--product", "jira",
                        active[0], active[1], NULL), ==, 0);
  g_assert_cmpint (run (f, NULL, NULL, NULL, "revoke", "--yes", "--product", "jira",
                        active[0], active[1], NULL), ==, 0);
  g_assert_cmpint (run (f, NULL, NULL, NULL, "deactivate", "--yes", managed[0], NULL), ==, 0);
  g_assert_cmpint (run (f, NULL, NULL, NULL, "reactivate", "--yes", managed[0], NULL), ==, 0);
  g_assert_cmpint (run (f, NULL, NULL, NULL, "jobs", "list", NULL), ==, 0);
  g_assert_cmpint (run (f, NULL, NULL, NULL, "audit", "verify", NULL), ==, 0);
  /* Forced errors: an unreachable server, and a secret on the command line. */
  g_assert_cmpint (run (f, env_bad_url, NULL, NULL, "sync", NULL), !=, 0);
  g_assert_cmpint (run (f, NULL, NULL, NULL, "login", "--api-key", key, NULL), !=, 0);
  g_assert_cmpint (run (f, NULL, NULL, NULL, "site", "logout", NULL), ==, 0);
  g_assert_cmpint (run (f, NULL, NULL, NULL, "logout", NULL), ==, 0);

  g_assert_nonnull (strstr (csv, "\n"));
  g_assert_nonnull (strstr (audit, "["));
  g_assert_nonnull (strstr (projects, "["));
  g_assert_nonnull (strstr (results, active[0]));

  /* The captured output of every run, exports included… */
  for (guint i = 0; needles[i] != NULL; i++)
    g_assert_null (strstr (f->captured->str, needles[i]));
  /* …and every file the runs left behind (cache, audit, config, logs). */
  n_files = scan_tree (f->root, needles);
  g_test_message ("searched %u files and %zu bytes of output", n_files, f->captured->len);
  g_assert_cmpuint (n_files, >, 0);
}

static void
test_argv_refused (Fixture       *f,
                   gconstpointer  data)
{
  static const char * const options[] = { "--api-key", "--token", "--key=abc", "--password" };

  for (guint i = 0; i < G_N_ELEMENTS (options); i++)
    {
      int status;

      g_string_truncate (f->captured, 0);
      status = run (f, NULL, NULL, NULL, "login", options[i], "s3cr3t-on-argv", NULL);
      g_assert_cmpint (status, !=, 0);
      g_assert_null (strstr (f->captured->str, "s3cr3t-on-argv"));
      /* It says how to pass the secret instead. */
      g_assert_nonnull (strstr (f->captured->str, "stdin") != NULL
                        ? "stdin" : strstr (f->captured->str, "standard input"));
    }
}

static void
test_insecure_urls (void)
{
  static const char * const refused[] = {
    "http://example.com/admin", "http://10.0.0.1/admin", "http://127.0.0.1.evil.example/",
    "ftp://127.0.0.1/", "not a url", "http://[::2]/",
  };
  static const char * const accepted[] = {
    "https://api.atlassian.com/admin", "http://127.0.0.1:8080/admin", "http://localhost:1/",
    "http://[::1]:9/",
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RosterHttp) http = roster_http_new (refused[i], &error);

      g_assert_null (http);
      g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INSECURE_URL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RosterHttp) http = roster_http_new (accepted[i], &error);

      g_assert_no_error (error);
      g_assert_nonnull (http);
    }
}

/* A self-signed https server on loopback: the request fails, is not retried
 * into success, and nothing offers to accept the certificate. */
static void
tls_handler (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  guint *hits = user_data;

  (*hits)++;
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
  soup_server_message_set_status (msg, 200, NULL);
}

typedef struct
{
  GMainLoop          *loop;
  RosterHttpResponse *response;
  GError             *error;
} TlsWait;

static void
tls_request_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  TlsWait *w = user_data;

  w->response = roster_http_request_finish (ROSTER_HTTP (object), result, &w->error);
  g_main_loop_quit (w->loop);
}

static void
test_tls_self_signed (void)
{
  g_autofree char *pem = g_test_build_filename (G_TEST_DIST, "fixtures", "tls-self-signed.pem",
                                                NULL);
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(RosterHttp) http = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *url = NULL;
  GSList *uris;
  TlsWait w = { loop, NULL, NULL };
  guint hits = 0;

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("no TLS backend (glib-networking)");
      return;
    }

  cert = g_tls_certificate_new_from_file (pem, &error);
  g_assert_no_error (error);
  server = soup_server_new ("tls-certificate", cert, NULL);
  soup_server_add_handler (server, NULL, tls_handler, &hits, NULL);
  g_assert_true (soup_server_listen_local (server, 0,
                                           SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS,
                                           &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_assert_true (g_str_has_prefix (url, "https://127.0.0.1:"));

  http = roster_http_new (url, &error);
  g_assert_no_error (error);
  roster_http_set_bearer_token (http, "not-a-real-key");
  roster_http_set_retry_policy (http, 3, 1, 5);
  roster_http_request_async (http, "GET", "/v1/orgs", NULL, ROSTER_HTTP_FLAGS_NONE, NULL,
                             tls_request_cb, &w);
  g_main_loop_run (loop);

  g_assert_null (w.response);
  g_assert_error (w.error, ROSTER_ERROR, ROSTER_ERROR_NETWORK);
  g_test_message ("self-signed: %s", w.error->message);
  /* The handshake failed, so no request reached the handler. */
  g_assert_cmpuint (hits, ==, 0);
  g_clear_error (&w.error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/roster/secrets/canary", Fixture, NULL, fixture_setup, test_canary,
              fixture_teardown);
  g_test_add ("/roster/secrets/argv-refused", Fixture, NULL, fixture_setup, test_argv_refused,
              fixture_teardown);
  g_test_add_func ("/roster/secrets/insecure-urls", test_insecure_urls);
  g_test_add_func ("/roster/secrets/tls-self-signed", test_tls_self_signed);

  return g_test_run ();
}
