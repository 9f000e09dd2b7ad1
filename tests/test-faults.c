/* test-faults.c — the fault matrix: sync and export against each sandbox fault.
 *
 * Each row breaks the users search of a sync in one way and states what must
 * happen: a successful retry or one specific error. In every row: no crash, the
 * cache is intact (a fresh load and a CSV export are byte-for-byte what they were
 * before), and the store file passes PRAGMA integrity_check. Then the store
 * becomes read-only or full under a running sync: a clear ROSTER_ERROR_CACHE and
 * no corruption. The bulk rows break the writes of a suspend job instead: the
 * journal agrees with the server, no account is written twice, nothing is lost.
 */
#include "config.h"

#include <sqlite3.h>

#include "roster-admin-api.h"
#include "roster-bulk.h"
#include "roster-context.h"
#include "roster-error.h"
#include "roster-export.h"
#include "roster-sandbox.h"
#include "roster-store.h"
#include "roster-test-utils.h"

#define FIXED_NOW 1798761600 /* 2027-01-01 */
#define WAIT_SECONDS 120 /* bound on each async wait */
#define N_USERS   250        /* three pages of 100 */

typedef struct
{
  RosterSandbox *sandbox;
  RosterContext *context;
  char          *csv_before;
  guint          n_before;
} Fixture;

typedef struct
{
  const char         *name;
  RosterSandboxFault  fault;
  guint               count;          /* 0 = every request until cleared */
  int                 stop_after;     /* >= 0: the server dies after this many requests */
  int                 expected_code;  /* -1 = the sync succeeds (after retries) */
} FaultRow;

static const FaultRow rows[] = {
  { "429-burst-retry-after",    ROSTER_SANDBOX_FAULT_429, 2, -1, -1 },
  { "429-burst-no-retry-after", ROSTER_SANDBOX_FAULT_429_NO_RETRY_AFTER, 2, -1, -1 },
  { "429-storm-retry-after",    ROSTER_SANDBOX_FAULT_429, 0, -1, ROSTER_ERROR_RATE_LIMITED },
  { "429-storm-no-retry-after", ROSTER_SANDBOX_FAULT_429_NO_RETRY_AFTER, 0, -1, ROSTER_ERROR_RATE_LIMITED },
  /* A 500 is an answer, not a hiccup: it is not resent. 502/503/504 are. */
  { "500-once",                 ROSTER_SANDBOX_FAULT_500, 1, -1, ROSTER_ERROR_SERVER },
  { "502-burst",                ROSTER_SANDBOX_FAULT_502, 2, -1, -1 },
  { "503-burst",                ROSTER_SANDBOX_FAULT_503, 2, -1, -1 },
  { "503-storm",                ROSTER_SANDBOX_FAULT_503, 0, -1, ROSTER_ERROR_SERVER },
  { "slow-drip",                ROSTER_SANDBOX_FAULT_SLOW, 1, -1, -1 },
  { "truncated-once",           ROSTER_SANDBOX_FAULT_TRUNCATE, 1, -1, -1 },
  { "truncated-always",         ROSTER_SANDBOX_FAULT_TRUNCATE, 0, -1, ROSTER_ERROR_INVALID_RESPONSE },
  { "dropped-once",             ROSTER_SANDBOX_FAULT_DROP, 1, -1, -1 },
  { "dropped-always",           ROSTER_SANDBOX_FAULT_DROP, 0, -1, ROSTER_ERROR_NETWORK },
  { "wrong-content-type",       ROSTER_SANDBOX_FAULT_WRONG_CONTENT_TYPE, 0, -1, ROSTER_ERROR_INVALID_RESPONSE },
  { "malformed",                ROSTER_SANDBOX_FAULT_MALFORMED, 0, -1, ROSTER_ERROR_INVALID_RESPONSE },
  { "huge-body",                ROSTER_SANDBOX_FAULT_HUGE, 1, -1, ROSTER_ERROR_INVALID_RESPONSE },
  { "stops-mid-job",            ROSTER_SANDBOX_FAULT_NONE, 0, 1, ROSTER_ERROR_NETWORK },
};

/* The whole cache as CSV, read back from the store file (not from memory). */
static char *
export_cache (Fixture *f,
              guint   *out_n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterUserSet) set = NULL;
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autofree guint *all = NULL;
  RosterThresholds thresholds = { ROSTER_DEFAULT_WARNING_DAYS, ROSTER_DEFAULT_OVERDUE_DAYS };
  guint n;

  set = roster_store_load_users_sync (roster_context_get_store (f->context), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (set);
  n = roster_user_set_get_n_users (set);
  all = g_new (guint, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    all[i] = i;
  g_assert_true (roster_export_users (out, ROSTER_EXPORT_CSV, set, all, n,
                                      roster_export_user_columns (), NULL, &thresholds,
                                      FIXED_NOW, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write (out, "", 1, NULL, NULL) == 1);
  g_assert_true (g_output_stream_close (out, NULL, NULL));
  if (out_n != NULL)
    *out_n = n;
  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
}

static gboolean
integrity_check_func (sqlite3   *db,
                      gpointer   data,
                      gpointer  *out_result,
                      GError   **error)
{
  sqlite3_stmt *stmt = NULL;
  char *result = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    result = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  *out_result = result;
  return TRUE;
}

static void
assert_integrity (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *result = NULL;

  result = roster_store_run_sync (roster_context_get_store (f->context), integrity_check_func,
                                  NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (result, ==, "ok");
}

/* Asserts the cache is as it was before the row ran. */
static void
assert_cache_intact (Fixture *f)
{
  g_autofree char *csv = NULL;
  guint n = 0;

  csv = export_cache (f, &n);
  g_assert_cmpuint (n, ==, f->n_before);
  g_assert_cmpstr (csv, ==, f->csv_before);
  g_assert_cmpuint (roster_user_set_get_n_users (roster_context_get_users (f->context)), ==,
                    f->n_before);
  assert_integrity (f);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  RosterSandboxOptions options = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *admin_url = NULL;

  options.n_users = N_USERS;
  options.seed = 11;
  options.now_unix = FIXED_NOW;
  f->sandbox = roster_sandbox_new (&options);
  g_assert_true (roster_sandbox_start (f->sandbox, 0, &error));
  g_assert_no_error (error);

  admin_url = roster_sandbox_dup_admin_url (f->sandbox);
  f->context = roster_test_open_context (admin_url, roster_sandbox_get_org_id (f->sandbox),
                                        roster_sandbox_get_api_key (f->sandbox), WAIT_SECONDS);
  /* Real policy shape (4 retries), tiny delays: a Retry-After or reset far in the
   * future is capped at the maximum delay. */
  roster_admin_api_set_retry_policy (roster_context_get_admin_api (f->context), 4, 5, 40);
  roster_http_set_timeout (roster_admin_api_get_http (roster_context_get_admin_api (f->context)),
                           20);

  g_assert_true (roster_test_context_sync (f->context, WAIT_SECONDS, &error));
  g_assert_no_error (error);
  f->csv_before = export_cache (f, &f->n_before);
  g_assert_cmpuint (f->n_before, ==, N_USERS);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->context);
  roster_sandbox_stop (f->sandbox);
  g_clear_object (&f->sandbox);
  g_clear_pointer (&f->csv_before, g_free);
}

static void
test_fault_row (Fixture       *f,
                gconstpointer  data)
{
  const FaultRow *row = data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  roster_sandbox_clear_requests (f->sandbox);
  if (row->stop_after >= 0)
    roster_sandbox_stop_after (f->sandbox, row->stop_after);
  else
    roster_sandbox_set_fault (f->sandbox, row->fault, "/users/search", row->count);

  ok = roster_test_context_sync (f->context, WAIT_SECONDS, &error);
  g_test_message ("%s: %s", row->name, ok ? "synced" : error->message);

  /* Sync column: a retry that worked, or exactly the expected error. */
  if (row->expected_code < 0)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_cmpuint (roster_sandbox_count_requests (f->sandbox, "POST", "/users/search"), >,
                        row->count);
    }
  else
    {
      g_assert_false (ok);
      g_assert_error (error, ROSTER_ERROR, row->expected_code);
    }

  /* Export column: the cache (reloaded from the file) exports exactly as before. */
  roster_sandbox_set_fault (f->sandbox, ROSTER_SANDBOX_FAULT_NONE, NULL, 0);
  assert_cache_intact (f);

  /* And a sync without the fault works again (unless the server is gone). */
  if (row->stop_after < 0)
    {
      g_clear_error (&error);
      g_assert_true (roster_test_context_sync (f->context, WAIT_SECONDS, &error));
      g_assert_no_error (error);
      assert_cache_intact (f);
    }
}

/* Bulk: a suspend job of N_TARGETS accounts under each fault ---------------- */

#define N_TARGETS 8

/* Successful suspend writes the sandbox saw for one account. */
static guint
count_done_writes (Fixture    *f,
                   const char *account_id)
{
  g_autoptr(GPtrArray) requests = roster_sandbox_dup_requests (f->sandbox);
  g_autofree char *needle = g_strdup_printf ("/users/%s/suspend", account_id);
  guint n = 0;

  for (guint i = 0; i < requests->len; i++)
    {
      RosterSandboxRequest *r = g_ptr_array_index (requests, i);

      if (g_strcmp0 (r->method, "POST") == 0 && g_str_has_suffix (r->path, needle) &&
          r->status >= 200 && r->status < 300)
        n++;
    }
  return n;
}

static void
assert_results_equal (GPtrArray *a,
                      GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      RosterBulkResult *x = g_ptr_array_index (a, i);
      RosterBulkResult *y = g_ptr_array_index (b, i);

      g_assert_cmpstr (x->account_id, ==, y->account_id);
      g_assert_cmpint (x->state, ==, y->state);
    }
}

static void
test_bulk_row (Fixture       *f,
               gconstpointer  data)
{
  const FaultRow *row = data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = roster_sandbox_dup_account_ids (f->sandbox, "active", N_TARGETS);
  g_autoptr(RosterBulkPlan) plan = NULL;
  g_autoptr(RosterBulkJob) job = NULL;
  g_autoptr(RosterBulkJob) reloaded = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) results_again = NULL;
  guint n_done = 0, n_failed = 0, n_skipped = 0, n_pending = 0, n_total;

  g_assert_cmpuint (g_strv_length (ids), ==, N_TARGETS);
  plan = roster_bulk_plan_new_sync (f->context, ROSTER_BULK_ACTION_SUSPEND, ROSTER_PRODUCT_OTHER,
                                    (const char * const *) ids, NULL, &error);
  g_assert_no_error (error);
  job = roster_bulk_job_create_sync (f->context, plan, NULL, NULL, &error);
  g_assert_no_error (error);
  /* An org admin among them is left out by the plan (protected). */
  n_total = roster_bulk_job_get_n_total (job);
  g_assert_cmpuint (n_total, >=, N_TARGETS / 2);

  roster_sandbox_clear_requests (f->sandbox);
  if (row->stop_after >= 0)
    roster_sandbox_stop_after (f->sandbox, 3);
  else
    roster_sandbox_set_fault (f->sandbox, row->fault, "/suspend", row->count);

  /* The run itself never fails for a fault of the server: targets do. */
  g_assert_true (roster_bulk_job_run_sync (job, NULL, &error));
  g_assert_no_error (error);
  roster_sandbox_set_fault (f->sandbox, ROSTER_SANDBOX_FAULT_NONE, NULL, 0);
  g_test_message ("%s: %s, %u done, %u failed, %u skipped", row->name,
                  roster_bulk_job_state_to_string (roster_bulk_job_get_state (job)),
                  roster_bulk_job_get_n_done (job), roster_bulk_job_get_n_failed (job),
                  roster_bulk_job_get_n_skipped (job));

  /* Journal consistent: what a fresh load reads is what the run reported. */
  results = roster_bulk_job_dup_results (job);
  reloaded = roster_bulk_job_load_sync (f->context, roster_bulk_job_get_id (job), NULL, &error);
  g_assert_no_error (error);
  results_again = roster_bulk_job_dup_results (reloaded);
  assert_results_equal (results, results_again);
  g_assert_cmpuint (results->len, ==, n_total);

  for (guint i = 0; i < results->len; i++)
    {
      RosterBulkResult *r = g_ptr_array_index (results, i);
      g_autofree char *status = roster_sandbox_dup_user_status (f->sandbox, r->account_id);
      gboolean changed = g_strcmp0 (status, "suspended") == 0;

      /* No write twice. */
      g_assert_cmpuint (count_done_writes (f, r->account_id), <=, 1);
      /* Nothing lost: the journal says done exactly when the server changed. */
      switch (r->state)
        {
        case ROSTER_BULK_TARGET_DONE:
          n_done++;
          g_assert_true (changed);
          break;
        case ROSTER_BULK_TARGET_SKIPPED:
          n_skipped++;
          g_assert_true (changed);
          break;
        case ROSTER_BULK_TARGET_FAILED:
          n_failed++;
          g_assert_false (changed);
          break;
        case ROSTER_BULK_TARGET_PENDING:
        default:
          n_pending++;
          g_assert_false (changed);
          break;
        }
    }
  g_assert_cmpuint (n_failed, ==, roster_bulk_job_get_n_failed (job));
  g_assert_cmpuint (n_done + n_failed + n_skipped + n_pending, ==, n_total);
  if (row->expected_code < 0)
    g_assert_cmpuint (n_failed + n_pending, ==, 0);

  /* The cache was left whole. */
  assert_integrity (f);
}

/* Store under pressure --------------------------------------------------------- */

static gboolean
exec_func (sqlite3   *db,
           gpointer   data,
           gpointer  *out_result,
           GError   **error)
{
  char *message = NULL;

  if (sqlite3_exec (db, data, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_CACHE, "%s", message);
      sqlite3_free (message);
      return FALSE;
    }
  *out_result = GINT_TO_POINTER (1);
  return TRUE;
}

static void
store_exec (Fixture    *f,
            const char *sql)
{
  g_autoptr(GError) error = NULL;

  roster_store_run_sync (roster_context_get_store (f->context), exec_func, (gpointer) sql, NULL,
                         NULL, &error);
  g_assert_no_error (error);
}

static void
test_disk_full (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* SQLite cannot grow the file past its current size: the staging tables of the
   * next sync do not fit, as on a full disk. */
  store_exec (f, "PRAGMA wal_checkpoint(TRUNCATE)");
  store_exec (f, "PRAGMA max_page_count = 1");  /* clamps to the current size */
  g_assert_false (roster_test_context_sync (f->context, WAIT_SECONDS, &error));
  g_test_message ("disk full: %s", error->message);
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_CACHE);

  store_exec (f, "PRAGMA max_page_count = 1073741823");
  assert_cache_intact (f);
  g_clear_error (&error);
  g_assert_true (roster_test_context_sync (f->context, WAIT_SECONDS, &error));
  g_assert_no_error (error);
  assert_cache_intact (f);
}

static void
test_read_only (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* The file turns read-only under an open connection. Permission bits do not
   * stop root, so the connection is made read-only the way SQLite sees a
   * read-only file: every write fails with SQLITE_READONLY. */
  store_exec (f, "PRAGMA query_only = 1");
  g_assert_false (roster_test_context_sync (f->context, WAIT_SECONDS, &error));
  g_test_message ("read-only: %s", error->message);
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_CACHE);

  store_exec (f, "PRAGMA query_only = 0");
  assert_cache_intact (f);
  g_clear_error (&error);
  g_assert_true (roster_test_context_sync (f->context, WAIT_SECONDS, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree char *path = g_strdup_printf ("/roster/faults/sync-export/%s", rows[i].name);

      g_test_add (path, Fixture, &rows[i], fixture_setup, test_fault_row, fixture_teardown);
    }
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree char *path = g_strdup_printf ("/roster/faults/bulk/%s", rows[i].name);

      g_test_add (path, Fixture, &rows[i], fixture_setup, test_bulk_row, fixture_teardown);
    }
  g_test_add ("/roster/faults/store/disk-full", Fixture, NULL, fixture_setup, test_disk_full,
              fixture_teardown);
  g_test_add ("/roster/faults/store/read-only", Fixture, NULL, fixture_setup, test_read_only,
              fixture_teardown);

  return g_test_run ();
}
