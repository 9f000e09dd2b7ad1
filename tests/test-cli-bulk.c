/* test-cli-bulk.c — rosterctl bulk actions, jobs and audit, end to end against the sandbox. */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "roster-sandbox.h"
#include "roster-test-utils.h"

#define FIXED_NOW 1798761600
#define N_USERS   800

typedef struct
{
  RosterSandbox *sandbox;
  char          *admin_url;
  char          *data_dir;
  char          *env_key;
  GHashTable    *admins;
} Fixture;

static GSubprocessLauncher *
make_launcher (Fixture            *f,
               const char * const *extra_env,
               GSubprocessFlags    flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_setenv (launcher, "ROSTER_ADMIN_API_URL", f->admin_url, TRUE);
  g_subprocess_launcher_setenv (launcher, "ROSTER_DATA_DIR", f->data_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "ROSTER_ADMIN_API_KEY",
                                roster_sandbox_get_api_key (f->sandbox), TRUE);
  g_subprocess_launcher_unsetenv (launcher, "ROSTER_ORG_ID");
  g_subprocess_launcher_unsetenv (launcher, "ROSTERCTL_ASSUME_TTY");
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  roster_test_launcher_set_env (launcher, extra_env);
  return launcher;
}

static void
run_argv (Fixture            *f,
          const char * const *extra_env,
          const char         *stdin_text,
          RosterTestRun      *result,
          const char * const *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;

  launcher = make_launcher (f, extra_env, G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                          G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                          G_SUBPROCESS_FLAGS_STDERR_PIPE);
  roster_test_communicate (launcher, argv, stdin_text, result);
}

static void
run (Fixture            *f,
     const char * const *extra_env,
     const char         *stdin_text,
     RosterTestRun      *result,
     ...)
{
  g_autoptr(GPtrArray) argv = NULL;
  va_list args;

  va_start (args, result);
  argv = roster_test_rosterctl_argv (args);
  va_end (args);
  run_argv (f, extra_env, stdin_text, result, (const char * const *) argv->pdata);
}

/* Runs with the ids appended after the fixed arguments. */
static void
run_ids (Fixture            *f,
         const char * const *extra_env,
         const char         *stdin_text,
         RosterTestRun      *result,
         GPtrArray          *ids,
         ...)
{
  g_autoptr(GPtrArray) argv = NULL;
  va_list args;

  va_start (args, ids);
  argv = roster_test_rosterctl_argv (args);
  va_end (args);
  g_ptr_array_remove_index (argv, argv->len - 1);
  for (guint i = 0; i < ids->len; i++)
    g_ptr_array_add (argv, g_ptr_array_index (ids, i));
  g_ptr_array_add (argv, NULL);
  run_argv (f, extra_env, stdin_text, result, (const char * const *) argv->pdata);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  RosterSandboxOptions options = { N_USERS, 7, FIXED_NOW };
  g_autoptr(GError) error = NULL;
  g_auto(RosterTestRun) r = { 0 };
  g_auto(GStrv) admins = NULL;

  f->sandbox = roster_sandbox_new (&options);
  g_assert_true (roster_sandbox_start (f->sandbox, 0, &error));
  g_assert_no_error (error);
  f->admin_url = roster_sandbox_dup_admin_url (f->sandbox);
  f->data_dir = g_dir_make_tmp ("rosterctl-bulk-XXXXXX", &error);
  g_assert_no_error (error);

  run (f, NULL, NULL, &r, "sync", "--quiet", NULL);
  g_assert_cmpint (r.status, ==, 0);

  f->admins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  admins = roster_sandbox_dup_account_ids (f->sandbox, "org-admin", 0);
  for (guint i = 0; admins[i] != NULL; i++)
    g_hash_table_add (f->admins, g_strdup (admins[i]));
  roster_sandbox_clear_requests (f->sandbox);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  roster_sandbox_stop (f->sandbox);
  g_clear_object (&f->sandbox);
  g_clear_pointer (&f->admin_url, g_free);
  g_clear_pointer (&f->data_dir, g_free);
  g_clear_pointer (&f->admins, g_hash_table_unref);
}

static GPtrArray *
pick_active (Fixture *f,
             guint    n,
             guint    skip)
{
  g_auto(GStrv) ids = roster_sandbox_dup_account_ids (f->sandbox, "active", 0);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; ids[i] != NULL && out->len < n; i++)
    {
      if (g_hash_table_contains (f->admins, ids[i]))
        continue;
      if (skip > 0)
        {
          skip--;
          continue;
        }
      g_ptr_array_add (out, g_strdup (ids[i]));
    }
  g_assert_cmpuint (out->len, ==, n);
  return out;
}

static const char *
any_admin (Fixture *f)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, f->admins);
  g_assert_true (g_hash_table_iter_next (&iter, &key, NULL));
  return key;
}

static guint
writes_for (Fixture    *f,
            const char *account_id,
            gboolean    applied_only)
{
  g_autoptr(GPtrArray) log = roster_sandbox_dup_requests (f->sandbox);
  guint n = 0;

  for (guint i = 0; i < log->len; i++)
    {
      RosterSandboxRequest *r = g_ptr_array_index (log, i);

      if (g_strcmp0 (r->method, "GET") == 0 || strstr (r->path, "/search") != NULL ||
          strstr (r->path, "/workspaces") != NULL)
        continue;
      if (strstr (r->path, account_id) == NULL && (r->body == NULL || strstr (r->body, account_id) == NULL))
        continue;
      if (!applied_only || (r->status >= 200 && r->status < 300))
        n++;
    }
  return n;
}

static void
assert_status (Fixture    *f,
               const char *account_id,
               const char *expected)
{
  g_autofree char *status = roster_sandbox_dup_user_status (f->sandbox, account_id);

  g_assert_cmpstr (status, ==, expected);
}

static char *
only_job_id (Fixture  *f,
             gboolean  unfinished)
{
  g_auto(RosterTestRun) r = { 0 };
  g_autoptr(JsonNode) root = NULL;
  JsonArray *jobs;

  if (unfinished)
    run (f, NULL, NULL, &r, "jobs", "list", "--unfinished", "--format", "json", NULL);
  else
    run (f, NULL, NULL, &r, "jobs", "list", "--format", "json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  root = parse_json (r.out);
  jobs = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (jobs), >=, 1);
  return g_strdup (json_object_get_string_member (json_array_get_object_element (jobs, 0), "id"));
}

/* ------------------------------------------------------------------------- */

static void
test_dry_run_and_refusal (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = pick_active (f, 5, 0);
  g_auto(RosterTestRun) r = { 0 };
  g_autoptr(JsonNode) plan = NULL;
  JsonObject *counts;

  g_ptr_array_add (ids, g_strdup (any_admin (f)));

  run_ids (f, NULL, NULL, &r, ids, "suspend", "--dry-run", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "will-change"));
  g_assert_nonnull (strstr (r.out, "protected"));
  g_assert_nonnull (strstr (r.err, "Dry run"));
  g_assert_cmpuint (roster_sandbox_count_requests (f->sandbox, "POST", "/suspend"), ==, 0);
  roster_test_run_clear (&r);

  run_ids (f, NULL, NULL, &r, ids, "suspend", "--dry-run", "--format", "json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  plan = parse_json (r.out);
  counts = json_object_get_object_member (json_node_get_object (plan), "counts");
  g_assert_cmpint (json_object_get_int_member (counts, "will-change"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (counts, "protected"), ==, 1);
  roster_test_run_clear (&r);

  /* --query targets cached users: suspended ones are already so. */
  run (f, NULL, NULL, &r, "suspend", "--dry-run", "--format", "json", "--query", "status:suspended", NULL);
  g_assert_cmpint (r.status, ==, 0);
  {
    g_autoptr(JsonNode) qplan = parse_json (r.out);
    JsonObject *qcounts = json_object_get_object_member (json_node_get_object (qplan), "counts");

    g_assert_cmpint (json_object_get_int_member (qcounts, "will-change"), ==, 0);
    g_assert_cmpint (json_object_get_int_member (qcounts, "already"), >, 0);
  }
  roster_test_run_clear (&r);

  /* No --yes and no terminal: refuse, exit 2, nothing sent. */
  run_ids (f, NULL, NULL, &r, ids, "suspend", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "--yes"));
  roster_test_run_clear (&r);

  /* A terminal that answers no: nothing sent either. */
  run_ids (f, (const char *[]) { "ROSTERCTL_ASSUME_TTY=1", NULL }, "n\n", &r, ids, "suspend", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "Suspend access of 5 users? [y/N]"));
  g_assert_cmpuint (roster_sandbox_count_requests (f->sandbox, "POST", "/suspend"), ==, 0);
  for (guint i = 0; i < 5; i++)
    assert_status (f, g_ptr_array_index (ids, i), "active");
}

static void
test_write_protected_partial (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = pick_active (f, 6, 0);
  g_auto(RosterTestRun) r = { 0 };
  const char *admin = any_admin (f);
  const char *manual = g_ptr_array_index (ids, 5);
  const char *broken = g_ptr_array_index (ids, 2);

  run (f, NULL, NULL, &r, "protect", "add", manual, "--note", "CEO", NULL);
  g_assert_cmpint (r.status, ==, 0);
  roster_test_run_clear (&r);
  run (f, NULL, NULL, &r, "protect", "list", "--format", "json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, manual));
  roster_test_run_clear (&r);

  g_ptr_array_add (ids, g_strdup (admin));
  roster_sandbox_set_fault (f->sandbox, ROSTER_SANDBOX_FAULT_500, broken, 0);
  run_ids (f, (const char *[]) { "ROSTERCTL_ASSUME_TTY=1", NULL }, "y\n", &r, ids, "suspend", NULL);
  roster_sandbox_set_fault (f->sandbox, ROSTER_SANDBOX_FAULT_NONE, NULL, 0);
  g_assert_cmpint (r.status, ==, 3);
  g_assert_nonnull (strstr (r.out, "Failed targets"));
  g_assert_nonnull (strstr (r.out, broken));

  assert_status (f, broken, "active");
  assert_status (f, manual, "active");
  assert_status (f, admin, "active");
  g_assert_cmpuint (writes_for (f, admin, FALSE), ==, 0);
  g_assert_cmpuint (writes_for (f, manual, FALSE), ==, 0);
  for (guint i = 0; i < 5; i++)
    if (i != 2)
      {
        assert_status (f, g_ptr_array_index (ids, i), "suspended");
        g_assert_cmpuint (writes_for (f, g_ptr_array_index (ids, i), TRUE), ==, 1);
      }
}

static void
test_kill_resume (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = pick_active (f, 40, 10);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_auto(RosterTestRun) r = { 0 };
  g_autofree char *job_id = NULL;
  g_autofree char *file = g_build_filename (f->data_dir, "targets.txt", NULL);
  g_autoptr(GString) text = g_string_new ("# forty people\n");
  gint64 deadline;
  guint sent;

  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (text, "%s\r\n", (char *) g_ptr_array_index (ids, i));
  g_assert_true (g_file_set_contents (file, text->str, -1, &error));

  roster_sandbox_set_latency (f->sandbox, 60);
  g_ptr_array_add (argv, (gpointer) g_getenv ("ROSTERCTL"));
  g_ptr_array_add (argv, "suspend");
  g_ptr_array_add (argv, "--yes");
  g_ptr_array_add (argv, "--from-file");
  g_ptr_array_add (argv, file);
  g_ptr_array_add (argv, NULL);
  launcher = make_launcher (f, NULL, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while ((sent = roster_sandbox_count_requests (f->sandbox, "POST", "/suspend")) < 8)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (5000);
    }
  g_subprocess_send_signal (proc, SIGKILL);
  g_assert_true (g_subprocess_wait (proc, NULL, &error));
  g_assert_true (g_subprocess_get_if_signaled (proc));
  g_assert_cmpint (g_subprocess_get_term_sig (proc), ==, SIGKILL);
  /* Let requests that reached the server before the kill finish there. */
  g_usleep (300 * 1000);
  roster_sandbox_set_latency (f->sandbox, 0);
  sent = roster_sandbox_count_requests (f->sandbox, "POST", "/suspend");
  g_assert_cmpuint (sent, <, 40);

  job_id = only_job_id (f, TRUE);
  /* The killed runner's job is offered as interrupted (paused), not running. */
  run (f, NULL, NULL, &r, "jobs", "list", "--unfinished", "--format", "json", NULL);
  {
    g_autoptr(JsonNode) root = parse_json (r.out);
    JsonObject *o = json_array_get_object_element (json_node_get_array (root), 0);

    g_assert_cmpstr (json_object_get_string_member (o, "state"), ==, "paused");
    g_assert_cmpint (json_object_get_int_member (o, "pending"), >, 0);
  }
  roster_test_run_clear (&r);
  run (f, NULL, NULL, &r, "jobs", "resume", job_id, NULL);
  g_assert_cmpint (r.status, ==, 2);  /* no terminal, no --yes */
  roster_test_run_clear (&r);
  run (f, NULL, NULL, &r, "jobs", "resume", job_id, "--yes", NULL);
  g_assert_cmpint (r.status, ==, 0);
  roster_test_run_clear (&r);

  for (guint i = 0; i < ids->len; i++)
    {
      assert_status (f, g_ptr_array_index (ids, i), "suspended");
      g_assert_cmpuint (writes_for (f, g_ptr_array_index (ids, i), TRUE), ==, 1);
    }

  run (f, NULL, NULL, &r, "jobs", "show", job_id, "--format", "json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  {
    g_autoptr(JsonNode) root = parse_json (r.out);
    JsonObject *counts = json_object_get_object_member (json_object_get_object_member (json_node_get_object (root), "job"), "counts");

    g_assert_cmpint (json_object_get_int_member (counts, "done"), ==, 40);
    g_assert_cmpint (json_object_get_int_member (counts, "pending"), ==, 0);
  }
  roster_test_run_clear (&r);
  run (f, NULL, NULL, &r, "jobs", "list", "--unfinished", "--format", "json", NULL);
  g_assert_cmpstr (g_strstrip (r.out), ==, "[]");
  roster_test_run_clear (&r);
  run (f, NULL, NULL, &r, "audit", "verify", NULL);
  g_assert_cmpint (r.status, ==, 0);
}

static void
test_undo (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = pick_active (f, 7, 60);
  g_auto(RosterTestRun) r = { 0 };
  g_autofree char *job_id = NULL;
  g_autofree char *file = g_build_filename (f->data_dir, "targets.csv", NULL);
  g_autoptr(GString) csv = g_string_new ("\xef\xbb\xbf" "name,account_id\r\n");

  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (csv, "\"Person, %u\",%s\r\n", i, (char *) g_ptr_array_index (ids, i));
  g_assert_true (g_file_set_contents (file, csv->str, -1, NULL));

  run (f, NULL, NULL, &r, "suspend", "--yes", "--from-file", file, "--format", "json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  {
    g_autoptr(JsonNode) root = parse_json (r.out);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (root), "results")), ==, 7);
  }
  roster_test_run_clear (&r);
  for (guint i = 0; i < ids->len; i++)
    assert_status (f, g_ptr_array_index (ids, i), "suspended");

  job_id = only_job_id (f, FALSE);
  run (f, NULL, NULL, &r, "jobs", "undo", job_id, "--yes", NULL);
  g_assert_cmpint (r.status, ==, 0);
  for (guint i = 0; i < ids->len; i++)
    {
      assert_status (f, g_ptr_array_index (ids, i), "active");
      g_assert_cmpuint (writes_for (f, g_ptr_array_index (ids, i), TRUE), ==, 2);
    }
  roster_test_run_clear (&r);

  run (f, NULL, NULL, &r, "audit", "--action", "bulk-restore", "--format", "json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  {
    g_autoptr(JsonNode) root = parse_json (r.out);

    g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 7);
  }
}

static void
test_canary_and_cap (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = pick_active (f, 6, 80);
  g_auto(RosterTestRun) r = { 0 };
  g_autofree char *job_id = NULL;

  run (f, NULL, NULL, &r, "config", "set", "bulk-cap", "4", NULL);
  g_assert_cmpint (r.status, ==, 0);
  roster_test_run_clear (&r);
  run_ids (f, NULL, NULL, &r, ids, "suspend", "--yes", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "--override-cap"));
  g_assert_cmpuint (roster_sandbox_count_requests (f->sandbox, "POST", "/suspend"), ==, 0);
  roster_test_run_clear (&r);

  /* At a terminal: yes to the plan, no after the canary of 2. */
  run_ids (f, (const char *[]) { "ROSTERCTL_ASSUME_TTY=1", NULL }, "y\nn\n", &r, ids,
           "suspend", "--override-cap", "--canary", "2", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "Continue with the remaining 4?"));
  g_assert_cmpuint (roster_sandbox_count_requests (f->sandbox, "POST", "/suspend"), ==, 2);
  roster_test_run_clear (&r);

  job_id = only_job_id (f, TRUE);
  run (f, NULL, NULL, &r, "jobs", "resume", job_id, "--yes", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpuint (roster_sandbox_count_requests (f->sandbox, "POST", "/suspend"), ==, 6);
}

static void
corrupt (Fixture    *f,
         const char *sql)
{
  g_autofree char *name = g_strconcat (roster_sandbox_get_org_id (f->sandbox), ".db", NULL);
  g_autofree char *path = g_build_filename (f->data_dir, name, NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_close (db);
}

static void
test_audit_verify (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = pick_active (f, 3, 100);
  g_auto(RosterTestRun) r = { 0 };

  run_ids (f, NULL, NULL, &r, ids, "suspend", "--yes", NULL);
  g_assert_cmpint (r.status, ==, 0);
  roster_test_run_clear (&r);
  run (f, NULL, NULL, &r, "audit", "--format", "csv", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, "id,time,os_user,org_id,action,target,outcome"));
  g_assert_nonnull (strstr (r.out, "bulk-suspend"));
  roster_test_run_clear (&r);
  run (f, NULL, NULL, &r, "audit", "verify", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "intact"));
  roster_test_run_clear (&r);

  corrupt (f, "UPDATE audit SET outcome = 'failed' WHERE action = 'bulk-suspend' AND id = "
              "(SELECT min (id) FROM audit WHERE action = 'bulk-suspend')");
  run (f, NULL, NULL, &r, "audit", "verify", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.out, "Edited entries:"));
  roster_test_run_clear (&r);

  corrupt (f, "DELETE FROM audit WHERE id = (SELECT max (id) - 1 FROM audit)");
  run (f, NULL, NULL, &r, "audit", "verify", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.out, "Deleted entries:"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/roster/cli-bulk/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("dry-run-and-refusal", test_dry_run_and_refusal);
  ADD ("protected-and-partial-failure", test_write_protected_partial);
  ADD ("sigkill-then-resume", test_kill_resume);
  ADD ("undo", test_undo);
  ADD ("canary-and-cap", test_canary_and_cap);
  ADD ("audit-verify", test_audit_verify);

  return g_test_run ();
}
