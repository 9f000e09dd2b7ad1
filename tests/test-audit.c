/* test-audit.c: the hash-chained audit trail, and tampering with it. */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "roster-audit.h"
#include "roster-error.h"
#include "roster-store.h"

static char *
make_path (const char *name)
{
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  return g_build_filename (g_get_user_data_dir (), name, NULL);
}

/* A store file with n entries, closed again. */
static void
create_trail (const char *path,
              guint       n)
{
  g_autoptr(GError) error = NULL;
  RosterStore *store = roster_store_new (path);

  g_assert_true (roster_store_open_sync (store, NULL, &error));
  g_assert_true (roster_store_set_meta_sync (store, "org_id", "org-42", &error));
  for (guint i = 1; i <= n; i++)
    {
      g_autofree char *target = g_strdup_printf ("account-%u", i);
      g_autoptr(RosterAuditEntry) entry =
        roster_audit_entry_new (i % 2 ? "suspend" : "restore", target,
                                i % 3 ? "ok" : "failed", i % 3 ? 204 : 409,
                                "job-1", "detail with \"quotes\" and ; separators");
      g_autoptr(RosterAuditEntry) stored = roster_store_audit_append_sync (store, entry, &error);

      g_assert_no_error (error);
      g_assert_cmpint (roster_audit_entry_get_id (stored), ==, i);
      g_assert_cmpstr (roster_audit_entry_get_org_id (stored), ==, "org-42");
      g_assert_cmpstr (roster_audit_entry_get_os_user (stored), ==, g_get_user_name ());
      g_assert_cmpuint (strlen (roster_audit_entry_get_hash (stored)), ==, 64);
      g_assert_cmpuint (strlen (roster_audit_entry_get_time (stored)), ==, 24);
      g_assert_true (g_str_has_suffix (roster_audit_entry_get_time (stored), "Z"));
    }
  roster_store_close (store);
  g_assert_finalize_object (store);
}

static void
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static RosterAuditReport *
verify (const char *path)
{
  g_autoptr(GError) error = NULL;
  RosterStore *store = roster_store_new (path);
  RosterAuditReport *report;

  g_assert_true (roster_store_open_sync (store, NULL, &error));
  report = roster_store_audit_verify_sync (store, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  roster_store_close (store);
  g_assert_finalize_object (store);
  return report;
}

static void
assert_integrity (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static gboolean
array_has (GArray *array,
           gint64  id)
{
  for (guint i = 0; i < array->len; i++)
    if (g_array_index (array, gint64, i) == id)
      return TRUE;
  return FALSE;
}

static void
test_chain_verifies (void)
{
  g_autofree char *path = make_path ("chain.db");
  g_autoptr(RosterAuditReport) report = NULL;

  create_trail (path, 10);
  report = verify (path);
  g_assert_cmpuint (report->n_checked, ==, 10);
  g_assert_cmpint (report->head_id, ==, 10);
  g_assert_cmpint (report->last_id, ==, 10);
  g_assert_true (roster_audit_report_is_intact (report));
  assert_integrity (path);
}

static void
test_edited_outcome (void)
{
  g_autofree char *path = make_path ("edited.db");
  g_autoptr(RosterAuditReport) report = NULL;

  create_trail (path, 10);
  raw_exec (path, "UPDATE audit SET outcome = 'ok' WHERE id = 3");
  report = verify (path);
  g_assert_false (roster_audit_report_is_intact (report));
  g_assert_cmpuint (report->edited_ids->len, ==, 1);
  g_assert_true (array_has (report->edited_ids, 3));
  g_assert_cmpuint (report->deleted_ids->len, ==, 0);
  g_assert_false (report->truncated);
  assert_integrity (path);
}

static void
test_deleted_middle (void)
{
  g_autofree char *path = make_path ("middle.db");
  g_autoptr(RosterAuditReport) report = NULL;

  create_trail (path, 10);
  raw_exec (path, "DELETE FROM audit WHERE id IN (4, 5)");
  report = verify (path);
  g_assert_false (roster_audit_report_is_intact (report));
  g_assert_cmpuint (report->n_checked, ==, 8);
  g_assert_cmpuint (report->deleted_ids->len, ==, 2);
  g_assert_true (array_has (report->deleted_ids, 4));
  g_assert_true (array_has (report->deleted_ids, 5));
  g_assert_cmpuint (report->edited_ids->len, ==, 0);
  g_assert_false (report->truncated);
  assert_integrity (path);
}

static void
test_deleted_first (void)
{
  g_autofree char *path = make_path ("first.db");
  g_autoptr(RosterAuditReport) report = NULL;

  create_trail (path, 3);
  raw_exec (path, "DELETE FROM audit WHERE id = 1");
  report = verify (path);
  g_assert_false (roster_audit_report_is_intact (report));
  g_assert_true (array_has (report->deleted_ids, 1));
}

static void
test_deleted_last (void)
{
  g_autofree char *path = make_path ("last.db");
  g_autoptr(RosterAuditReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterAuditEntry) entry = roster_audit_entry_new ("sync", NULL, "ok", 200, NULL, NULL);
  g_autoptr(RosterAuditEntry) stored = NULL;
  RosterStore *store;

  create_trail (path, 10);
  raw_exec (path, "DELETE FROM audit WHERE id = 10");
  report = verify (path);
  g_assert_false (roster_audit_report_is_intact (report));
  g_assert_true (report->truncated);
  g_assert_cmpint (report->head_id, ==, 10);
  g_assert_cmpint (report->last_id, ==, 9);
  g_assert_true (array_has (report->deleted_ids, 10));
  g_assert_cmpuint (report->edited_ids->len, ==, 0);
  g_clear_pointer (&report, roster_audit_report_free);
  assert_integrity (path);

  /* New entries do not paper over the hole. */
  store = roster_store_new (path);
  g_assert_true (roster_store_open_sync (store, NULL, &error));
  stored = roster_store_audit_append_sync (store, entry, &error);
  g_assert_cmpint (roster_audit_entry_get_id (stored), ==, 11);
  roster_store_close (store);
  g_assert_finalize_object (store);
  report = verify (path);
  g_assert_false (roster_audit_report_is_intact (report));
  g_assert_true (array_has (report->deleted_ids, 10));
}

static void
test_deleted_all (void)
{
  g_autofree char *path = make_path ("all.db");
  g_autoptr(RosterAuditReport) report = NULL;

  create_trail (path, 4);
  raw_exec (path, "DELETE FROM audit");
  report = verify (path);
  g_assert_true (report->truncated);
  g_assert_cmpuint (report->deleted_ids->len, ==, 4);
}

static void
test_list_filter (void)
{
  g_autofree char *path = make_path ("list.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) some = NULL;
  RosterAuditFilter filter = { 0 };
  RosterStore *store;

  create_trail (path, 12);
  store = roster_store_new (path);
  g_assert_true (roster_store_open_sync (store, NULL, &error));

  all = roster_store_audit_list_sync (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 12);
  g_assert_cmpint (roster_audit_entry_get_id (g_ptr_array_index (all, 0)), ==, 1);
  g_assert_cmpuint (roster_audit_entry_get_http_status (g_ptr_array_index (all, 2)), ==, 409);
  g_assert_cmpstr (roster_audit_entry_get_outcome (g_ptr_array_index (all, 2)), ==, "failed");
  g_assert_cmpstr (roster_audit_entry_get_job_id (g_ptr_array_index (all, 2)), ==, "job-1");
  g_assert_cmpstr (roster_audit_entry_get_prev_hash (g_ptr_array_index (all, 1)), ==,
                   roster_audit_entry_get_hash (g_ptr_array_index (all, 0)));

  filter.action = "suspend";
  some = roster_store_audit_list_sync (store, &filter, &error);
  g_assert_cmpuint (some->len, ==, 6);
  g_clear_pointer (&some, g_ptr_array_unref);

  filter.action = NULL;
  filter.text = "ACCOUNT-1";   /* account-1, account-10, -11, -12 */
  some = roster_store_audit_list_sync (store, &filter, &error);
  g_assert_cmpuint (some->len, ==, 4);
  g_clear_pointer (&some, g_ptr_array_unref);

  filter.text = "%";
  some = roster_store_audit_list_sync (store, &filter, &error);
  g_assert_cmpuint (some->len, ==, 0);
  g_clear_pointer (&some, g_ptr_array_unref);

  filter.text = NULL;
  filter.from_time = roster_audit_entry_get_time (g_ptr_array_index (all, 0));
  filter.to_time = "2999-01-01T00:00:00.000Z";
  filter.limit = 5;
  some = roster_store_audit_list_sync (store, &filter, &error);
  g_assert_cmpuint (some->len, ==, 5);
  g_assert_cmpint (roster_audit_entry_get_id (g_ptr_array_index (some, 4)), ==, 12);
  g_clear_pointer (&some, g_ptr_array_unref);

  filter.limit = 0;
  filter.to_time = "2000-01-01T00:00:00.000Z";
  some = roster_store_audit_list_sync (store, &filter, &error);
  g_assert_cmpuint (some->len, ==, 0);

  roster_store_close (store);
  g_assert_finalize_object (store);
}

static void
test_append_in_transaction (void)
{
  g_autofree char *path = make_path ("tx.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterAuditEntry) entry = roster_audit_entry_new ("suspend", "x", "ok", 204, NULL, NULL);
  g_autoptr(RosterAuditReport) report = NULL;
  sqlite3 *db = NULL;

  create_trail (path, 2);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);

  /* A rolled-back outer transaction takes the entry and the head move with it. */
  g_assert_cmpint (sqlite3_exec (db, "BEGIN", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_true (roster_audit_append (db, entry, &error));
  g_assert_cmpint (sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  report = roster_audit_verify (db, &error);
  g_assert_true (roster_audit_report_is_intact (report));
  g_assert_cmpuint (report->n_checked, ==, 2);
  g_clear_pointer (&report, roster_audit_report_free);

  g_assert_cmpint (sqlite3_exec (db, "BEGIN", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_true (roster_audit_append (db, entry, &error));
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_true (roster_audit_append (db, entry, &error));
  report = roster_audit_verify (db, &error);
  g_assert_no_error (error);
  g_assert_true (roster_audit_report_is_intact (report));
  g_assert_cmpuint (report->n_checked, ==, 4);
  sqlite3_close (db);
}

static void
test_hash_is_unambiguous (void)
{
  g_autoptr(RosterAuditEntry) a = roster_audit_entry_new ("x", "ab", "c", 0, NULL, NULL);
  g_autoptr(RosterAuditEntry) b = roster_audit_entry_new ("x", "a", "bc", 0, NULL, NULL);
  g_autoptr(RosterAuditEntry) c = roster_audit_entry_new ("x", "", "abc", 0, NULL, NULL);
  g_autoptr(RosterAuditEntry) d = roster_audit_entry_new ("x", NULL, "abc", 0, NULL, NULL);
  g_autofree char *ha = roster_audit_compute_hash (a, "p");
  g_autofree char *hb = roster_audit_compute_hash (b, "p");
  g_autofree char *hc = roster_audit_compute_hash (c, "p");
  g_autofree char *hd = roster_audit_compute_hash (d, "p");
  g_autofree char *ha2 = roster_audit_compute_hash (a, "q");

  g_assert_cmpstr (ha, !=, hb);
  g_assert_cmpstr (hc, !=, hd);
  g_assert_cmpstr (ha, !=, ha2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/roster/audit/chain-verifies", test_chain_verifies);
  g_test_add_func ("/roster/audit/edited-outcome", test_edited_outcome);
  g_test_add_func ("/roster/audit/deleted-middle", test_deleted_middle);
  g_test_add_func ("/roster/audit/deleted-first", test_deleted_first);
  g_test_add_func ("/roster/audit/deleted-last", test_deleted_last);
  g_test_add_func ("/roster/audit/deleted-all", test_deleted_all);
  g_test_add_func ("/roster/audit/list-filter", test_list_filter);
  g_test_add_func ("/roster/audit/append-in-transaction", test_append_in_transaction);
  g_test_add_func ("/roster/audit/hash-unambiguous", test_hash_is_unambiguous);

  return g_test_run ();
}
