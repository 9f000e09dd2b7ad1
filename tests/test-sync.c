/* test-sync.c — RosterSync and RosterContext against the sandbox. */
#define _GNU_SOURCE
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#ifdef __linux__
#include <sched.h>
#endif

#include "roster-admin-api.h"
#include "roster-async-private.h"
#include "roster-context.h"
#include "roster-error.h"
#include "roster-sandbox.h"
#include "roster-store.h"
#include "roster-sync.h"
#include "roster-test-utils.h"

#define FIXED_NOW 1798761600 /* 2027-01-01 */
#define WAIT_SECONDS 60 /* bound on each async wait */

typedef struct
{
  RosterSandbox *sandbox;
  RosterContext *context;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  RosterSandboxOptions options = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *admin_url = NULL;

  options.n_users = GPOINTER_TO_UINT (data);
  options.seed = 7;
  options.now_unix = FIXED_NOW;
  f->sandbox = roster_sandbox_new (&options);
  g_assert_true (roster_sandbox_start (f->sandbox, 0, &error));
  g_assert_no_error (error);

  admin_url = roster_sandbox_dup_admin_url (f->sandbox);
  f->context = roster_test_open_context (admin_url, roster_sandbox_get_org_id (f->sandbox),
                                        roster_sandbox_get_api_key (f->sandbox), WAIT_SECONDS);
  roster_admin_api_set_retry_policy (roster_context_get_admin_api (f->context), 2, 10, 50);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->context);
  roster_sandbox_stop (f->sandbox);
  g_clear_object (&f->sandbox);
}

static guint
count_status (RosterUserSet *set,
              RosterStatus   status)
{
  guint n = 0;

  for (guint i = 0; i < roster_user_set_get_n_users (set); i++)
    if (roster_user_set_get_status (set, i) == status)
      n++;

  return n;
}

static void
test_sync_matches_sandbox (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  RosterUserSet *set;
  static const char * const statuses[] = {
    "active", "suspended", "not_invited", "deactivated", "for_deletion",
  };

  g_assert_null (roster_context_get_users (f->context));
  g_assert_true (roster_test_context_sync (f->context, WAIT_SECONDS, &error));
  g_assert_no_error (error);

  set = roster_context_get_users (f->context);
  g_assert_nonnull (set);
  g_assert_cmpuint (roster_user_set_get_n_users (set), ==, roster_sandbox_get_n_users (f->sandbox));
  g_assert_cmpuint (roster_user_set_get_n_users (set), ==, GPOINTER_TO_UINT (data));

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    g_assert_cmpuint (count_status (set, roster_status_from_string (statuses[i])), ==,
                      roster_sandbox_count_status (f->sandbox, statuses[i]));

  g_assert_cmpint (roster_context_get_synced_at (f->context), >, 0);
}

/* The users search is a POST, which soup sends on a connection of its own
 * unless the request is marked as safe to send again: the pages of a sync go
 * over kept-alive connections, not one new connection (and TLS handshake
 * against the real service) per page. */
static void
test_sync_reuses_connections (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GHashTable) ports = g_hash_table_new (NULL, NULL);
  guint pages = 0;

  roster_sandbox_clear_requests (f->sandbox);
  g_assert_true (roster_test_context_sync (f->context, WAIT_SECONDS, &error));
  g_assert_no_error (error);

  requests = roster_sandbox_dup_requests (f->sandbox);
  for (guint i = 0; i < requests->len; i++)
    {
      RosterSandboxRequest *request = g_ptr_array_index (requests, i);

      if (strstr (request->path, "/users/search") == NULL)
        continue;
      pages++;
      g_assert_cmpuint (request->client_port, !=, 0);
      g_hash_table_add (ports, GUINT_TO_POINTER (request->client_port));
    }

  g_assert_cmpuint (pages, ==, (roster_sandbox_get_n_users (f->sandbox) + 99) / 100);
  /* The next page is asked for while the last one is read: two at most. */
  g_assert_cmpuint (g_hash_table_size (ports), <=, 2);
}

/* An account added ahead of the cursor during a sync: the next page repeats the
 * last account of the one before. The cache and the list keep it once. */
static void
test_sync_repeated_account (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterUserSet) reloaded = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_auto(GStrv) ids = NULL;
  RosterSyncInfo info = { 0 };
  RosterUserSet *set;
  guint n = roster_sandbox_get_n_users (f->sandbox);
  guint pages = 0;

  roster_sandbox_clear_requests (f->sandbox);
  roster_sandbox_shift_page_after (f->sandbox, 5);
  g_assert_true (roster_test_context_sync (f->context, WAIT_SECONDS, &error));
  g_assert_no_error (error);

  /* One page more than the users need: the shift happened. */
  requests = roster_sandbox_dup_requests (f->sandbox);
  for (guint i = 0; i < requests->len; i++)
    {
      RosterSandboxRequest *request = g_ptr_array_index (requests, i);

      if (strstr (request->path, "/users/search") != NULL)
        pages++;
    }
  g_assert_cmpuint (pages, ==, (n + 99) / 100 + 1);

  set = roster_context_get_users (f->context);
  g_assert_cmpuint (roster_user_set_get_n_users (set), ==, n);
  ids = roster_sandbox_dup_account_ids (f->sandbox, "all", 0);
  g_assert_cmpuint (g_strv_length (ids), ==, n);
  for (guint i = 0; ids[i] != NULL; i++)
    g_assert_cmpint (roster_user_set_lookup (set, ids[i]), >=, 0);

  g_assert_true (roster_store_get_sync_info_sync (roster_context_get_store (f->context), &info,
                                                  &error));
  g_assert_cmpuint (info.n_users, ==, n);
  reloaded = roster_store_load_users_sync (roster_context_get_store (f->context), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (roster_user_set_get_n_users (reloaded), ==, n);

  /* One row per account in the table itself. */
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_open_v2 (roster_store_get_path (roster_context_get_store (f->context)),
                                      &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*), count(DISTINCT account_id) FROM users",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, n);
    g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, n);
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }
}

static void
test_sync_failure_keeps_cache (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) active = NULL;
  RosterUserSet *before;
  int row;

  g_assert_true (roster_test_context_sync (f->context, WAIT_SECONDS, &error));
  g_assert_no_error (error);
  before = roster_user_set_ref (roster_context_get_users (f->context));

  /* Change the org, then break the next sync part-way. */
  active = roster_sandbox_dup_account_ids (f->sandbox, "active", 1);
  g_assert_nonnull (active[0]);
  {
    g_autoptr(RosterAdminApi) api = roster_admin_api_new (roster_context_get_admin_url (f->context),
                                                          roster_sandbox_get_api_key (f->sandbox),
                                                          &error);
    g_assert_no_error (error);
    g_assert_true (roster_admin_api_write_sync (api, ROSTER_ADMIN_WRITE_SUSPEND,
                                                roster_sandbox_get_org_id (f->sandbox),
                                                roster_sandbox_get_directory_id (f->sandbox),
                                                active[0], NULL, NULL, &error));
    g_assert_no_error (error);
  }

  /* Every fourth users page of the next sync comes back broken. */
  roster_sandbox_set_fault_rate (f->sandbox, ROSTER_SANDBOX_FAULT_MALFORMED, "/users/search", 0.25);

  g_assert_false (roster_test_context_sync (f->context, WAIT_SECONDS, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);
  roster_sandbox_set_fault_rate (f->sandbox, ROSTER_SANDBOX_FAULT_NONE, NULL, 0);

  /* The window still shows the old cache, and so does a fresh load. */
  g_assert_true (roster_context_get_users (f->context) == before);
  {
    g_autoptr(RosterUserSet) reloaded = roster_store_load_users_sync (roster_context_get_store (f->context),
                                                                      NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (roster_user_set_get_n_users (reloaded), ==, roster_user_set_get_n_users (before));
    row = roster_user_set_lookup (reloaded, active[0]);
    g_assert_cmpint (row, >=, 0);
    g_assert_cmpint (roster_user_set_get_status (reloaded, row), ==, ROSTER_STATUS_ACTIVE);
  }

  /* A good sync afterwards sees the change. */
  g_assert_true (roster_test_context_sync (f->context, WAIT_SECONDS, &error));
  g_assert_no_error (error);
  row = roster_user_set_lookup (roster_context_get_users (f->context), active[0]);
  g_assert_cmpint (roster_user_set_get_status (roster_context_get_users (f->context), row), ==,
                   ROSTER_STATUS_SUSPENDED);

  roster_user_set_unref (before);
}

static void
cancel_on_progress_cb (RosterContext *context,
                       guint          pages,
                       guint          users,
                       guint          total,
                       GCancellable  *cancellable)
{
  if (pages >= 3)
    g_cancellable_cancel (cancellable);
}

static void
test_sync_cancel_keeps_cache (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  RosterUserSet *before;
  RosterTestWaiter w = { 0 };
  gulong id;

  g_assert_true (roster_test_context_sync (f->context, WAIT_SECONDS, &error));
  before = roster_context_get_users (f->context);

  roster_sandbox_set_latency (f->sandbox, 20);
  id = g_signal_connect (f->context, "sync-progress", G_CALLBACK (cancel_on_progress_cb), cancellable);
  roster_context_sync_async (f->context, cancellable, roster_test_context_sync_cb, &w);
  roster_test_wait_for (&w, WAIT_SECONDS);
  g_signal_handler_disconnect (f->context, id);
  g_assert_error (w.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&w.error);

  g_assert_true (roster_context_get_users (f->context) == before);
  {
    g_autoptr(RosterUserSet) reloaded = roster_store_load_users_sync (roster_context_get_store (f->context),
                                                                      NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (roster_user_set_get_n_users (reloaded), ==, roster_user_set_get_n_users (before));
  }
}

static void
test_thresholds_persist (Fixture       *f,
                         gconstpointer  data)
{
  RosterThresholds t = { 30, 45 };
  RosterThresholds bad = { 50, 40 };
  RosterThresholds got;
  g_autoptr(GError) error = NULL;
  g_autofree char *admin_url = roster_sandbox_dup_admin_url (f->sandbox);
  g_autoptr(RosterContext) again = NULL;

  g_assert_false (roster_context_set_thresholds (f->context, &bad, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_true (roster_context_set_thresholds (f->context, &t, &error));
  g_assert_no_error (error);
  g_clear_object (&f->context);

  again = roster_test_open_context (admin_url, roster_sandbox_get_org_id (f->sandbox),
                                    roster_sandbox_get_api_key (f->sandbox), WAIT_SECONDS);
  roster_context_get_thresholds (again, &got);
  g_assert_cmpuint (got.warning_days, ==, 30);
  g_assert_cmpuint (got.overdue_days, ==, 45);
}

static void
site_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  RosterTestWaiter *w = user_data;

  w->ok = roster_context_connect_site_finish (ROSTER_CONTEXT (object), result, &w->error);
  w->done = TRUE;
}

static void
forget_site_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  RosterTestWaiter *w = user_data;

  w->ok = roster_context_forget_site_finish (ROSTER_CONTEXT (object), result, &w->error);
  w->done = TRUE;
}

/* The site connection is validated, kept (token in the keyring, URL and email
 * in the store), restored when the org is opened again, and forgotten. */
static void
test_site_round_trip (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *admin_url = roster_sandbox_dup_admin_url (f->sandbox);
  g_autoptr(RosterContext) again = NULL;
  RosterTestWaiter w = { 0 };
  gint64 deadline;

  if (!roster_test_have_keyring ())
    {
      g_test_skip ("no session bus for the keyring");
      return;
    }

  /* A wrong token is refused and nothing is kept. */
  roster_context_connect_site_async (f->context, roster_sandbox_get_url (f->sandbox),
                                     roster_sandbox_get_site_email (f->sandbox), "wrong-token",
                                     NULL, site_cb, &w);
  roster_test_wait_for (&w, WAIT_SECONDS);
  g_assert_error (w.error, ROSTER_ERROR, ROSTER_ERROR_UNAUTHORIZED);
  g_clear_error (&w.error);
  g_assert_null (roster_context_get_site (f->context));

  memset (&w, 0, sizeof w);
  roster_context_connect_site_async (f->context, roster_sandbox_get_url (f->sandbox),
                                     roster_sandbox_get_site_email (f->sandbox),
                                     roster_sandbox_get_site_token (f->sandbox),
                                     NULL, site_cb, &w);
  roster_test_wait_for (&w, WAIT_SECONDS);
  g_assert_no_error (w.error);
  g_assert_nonnull (roster_context_get_site (f->context));
  g_clear_object (&f->context);

  again = roster_test_open_context (admin_url, roster_sandbox_get_org_id (f->sandbox),
                                    roster_sandbox_get_api_key (f->sandbox), WAIT_SECONDS);

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (roster_context_get_site (again) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (roster_context_get_site (again));
  g_assert_true (roster_site_has_token (roster_context_get_site (again)));
  g_assert_cmpstr (roster_site_get_email (roster_context_get_site (again)), ==,
                   roster_sandbox_get_site_email (f->sandbox));

  memset (&w, 0, sizeof w);
  roster_context_forget_site_async (again, NULL, forget_site_cb, &w);
  roster_test_wait_for (&w, WAIT_SECONDS);
  g_assert_no_error (w.error);
  g_assert_true (w.ok);
  g_assert_null (roster_context_get_site (again));
}

static void
test_wrong_key (void)
{
  RosterSandboxOptions options = { 200, 7, FIXED_NOW };
  g_autoptr(RosterSandbox) sandbox = roster_sandbox_new (&options);
  g_autoptr(RosterContext) context = roster_context_new (NULL);
  g_autofree char *admin_url = NULL;
  g_autoptr(GError) error = NULL;
  RosterTestWaiter w = { 0 };

  g_assert_true (roster_sandbox_start (sandbox, 0, &error));
  admin_url = roster_sandbox_dup_admin_url (sandbox);

  roster_context_open_async (context, admin_url, roster_sandbox_get_org_id (sandbox),
                             "not-the-key", NULL, roster_test_context_open_cb, &w);
  roster_test_wait_for (&w, WAIT_SECONDS);
  g_assert_error (w.error, ROSTER_ERROR, ROSTER_ERROR_UNAUTHORIZED);
  g_clear_error (&w.error);

  roster_sandbox_stop (sandbox);
}

static void
test_peek_cursor (void)
{
  static const struct { const char *body; const char *cursor; } cases[] = {
    { "{\"data\":[],\"links\":{\"self\":\"a\",\"next\":\"kloHX1ZQ\"}}", "kloHX1ZQ" },
    { "{\"data\":[{\"links\":{\"self\":\"x\"}}],\"links\":{\"next\":\"abc\",\"self\":\"s\"}}", "abc" },
    { "{\"data\":[],\"links\":{\"self\":\"a\"}}", NULL },
    { "{\"data\":[],\"links\":{\"self\":\"a\",\"next\":null}}", NULL },
    { "{\"data\":[], \"links\" : { \"next\" : \"sp aced\" } }", "sp aced" },
    { "{\"data\":[],\"links\":{\"next\":\"esc\\\"aped\"}}", NULL },
    { "{\"data\":[],\"links\":{\"next\":\"trunc", NULL },
    { "{\"data\":[],\"links\":[1,2]}", NULL },
    { "", NULL },
    { "\"links\"", NULL },
    { "{\"data\":[{\"name\":\"\\\"links\\\":{\\\"next\\\":\\\"x\\\"}\"}]}", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = roster_sync_peek_next_cursor (cases[i].body, strlen (cases[i].body));

      g_assert_cmpstr (got, ==, cases[i].cursor);
    }

  g_assert_null (roster_sync_peek_next_cursor (NULL, 0));
}

#ifdef __linux__
static gpointer
sync_cpu_thread (gpointer data)
{
  cpu_set_t before, during, after;
  int last = -1;

  g_assert_cmpint (sched_getaffinity (0, sizeof before, &before), ==, 0);
  for (int i = 0; i < CPU_SETSIZE; i++)
    if (CPU_ISSET (i, &before))
      last = i;

  _roster_thread_enter_sync_cpu ();
  g_assert_cmpint (sched_getaffinity (0, sizeof during, &during), ==, 0);
  /* Entering twice keeps the CPUs of the first time to give back. */
  _roster_thread_enter_sync_cpu ();
  _roster_thread_leave_sync_cpu ();
  _roster_thread_leave_sync_cpu ();
  g_assert_cmpint (sched_getaffinity (0, sizeof after, &after), ==, 0);

  g_assert_true (CPU_EQUAL (&before, &after));
  if (CPU_COUNT (&before) >= 2)
    {
      g_assert_cmpint (CPU_COUNT (&during), ==, 1);
      g_assert_true (CPU_ISSET (last, &during));
    }
  else
    {
      g_assert_true (CPU_EQUAL (&before, &during));
    }
  return NULL;
}
#endif

/* A sync's helpers go to one CPU and come back to all of theirs. */
static void
test_sync_cpu (void)
{
#ifdef __linux__
  g_thread_join (g_thread_new ("sync-cpu", sync_cpu_thread, NULL));
#else
  g_test_skip ("Linux only");
#endif
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/roster/sync/peek-cursor", test_peek_cursor);
  g_test_add_func ("/roster/sync/wrong-key", test_wrong_key);
  g_test_add_func ("/roster/sync/helper-cpu", test_sync_cpu);
  g_test_add ("/roster/sync/matches-sandbox-10k", Fixture, GUINT_TO_POINTER (10000),
              fixture_setup, test_sync_matches_sandbox, fixture_teardown);
  g_test_add ("/roster/sync/reuses-connections", Fixture, GUINT_TO_POINTER (2000),
              fixture_setup, test_sync_reuses_connections, fixture_teardown);
  g_test_add ("/roster/sync/repeated-account", Fixture, GUINT_TO_POINTER (2000),
              fixture_setup, test_sync_repeated_account, fixture_teardown);
  g_test_add ("/roster/sync/failure-keeps-cache", Fixture, GUINT_TO_POINTER (2000),
              fixture_setup, test_sync_failure_keeps_cache, fixture_teardown);
  g_test_add ("/roster/sync/cancel-keeps-cache", Fixture, GUINT_TO_POINTER (2000),
              fixture_setup, test_sync_cancel_keeps_cache, fixture_teardown);
  g_test_add ("/roster/sync/thresholds-persist", Fixture, GUINT_TO_POINTER (300),
              fixture_setup, test_thresholds_persist, fixture_teardown);

  g_test_add ("/roster/sync/site-round-trip", Fixture, GUINT_TO_POINTER (200),
              fixture_setup, test_site_round_trip, fixture_teardown);

  return g_test_run ();
}
