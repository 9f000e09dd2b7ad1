/* test-store.c: the SQLite cache (real files in the isolated temp dir). */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <linux/fs.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "roster-error.h"
#include "roster-store.h"
#include "roster-store-private.h"
#include "roster-user-set.h"
#include "roster-user-set-private.h"
#include "roster-user.h"

#define RES_JIRA "ari:cloud:jira-software::site/11111111-2222-3333-4444-555555555555"
#define RES_JSM  "ari:cloud:jira-servicedesk::site/11111111-2222-3333-4444-555555555555"
#define RES_CONF "ari:cloud:confluence::site/11111111-2222-3333-4444-555555555555"

/* G_TEST_OPTION_ISOLATE_DIRS gives every test case its own data dir. */
static char *
make_path (const char *name)
{
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  return g_build_filename (g_get_user_data_dir (), name, NULL);
}

static RosterStore *
open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  RosterStore *store = roster_store_new (path);

  g_assert_true (roster_store_open_sync (store, NULL, &error));
  g_assert_no_error (error);
  return store;
}

static void
close_store (RosterStore *store)
{
  roster_store_close (store);
  g_assert_finalize_object (store);
}

static void
assert_integrity (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static gint64
raw_int (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* Deterministic users: user i has products and groups following simple rules,
 * so the round trip can be checked field by field. */
static char *
account_id_for (guint i)
{
  return g_strdup_printf ("5b10a2844c20165700ede%06u", i);
}

static RosterUser *
make_user (guint i,
           guint generation)
{
  g_autofree char *account_id = account_id_for (i);
  g_autofree char *name = g_strdup_printf ("User %u Ünïcødé gen%u", i, generation);
  g_autofree char *email = (i % 7 == 0) ? NULL : g_strdup_printf ("user%u@example.com", i);
  RosterStatus status = (RosterStatus) (i % 5);
  RosterAccountType type = (i % 11 == 0) ? ROSTER_ACCOUNT_TYPE_APP : ROSTER_ACCOUNT_TYPE_ATLASSIAN;
  RosterUser *user = roster_user_new (account_id, name, email, type, status,
                                      (i % 3 == 0) ? ROSTER_CLAIM_UNMANAGED : ROSTER_CLAIM_MANAGED);

  if (i % 4 != 3)
    roster_user_add_product (user, "jira-software", RES_JIRA, 1700000000 + i);
  if (i % 2 == 0)
    roster_user_add_product (user, "jira-servicedesk", RES_JSM, (i % 8 == 0) ? 0 : 1690000000 + i);
  if (i % 3 != 1)
    roster_user_add_product (user, "confluence", RES_CONF, 1680000000 + i);

  for (guint g = 0; g < i % 5; g++)
    {
      g_autofree char *gid = g_strdup_printf ("0000000%u-aaaa-bbbb-cccc-%012u", g, g);
      g_autofree char *gname = g_strdup_printf ("group-%u", g);
      roster_user_add_group (user, gid, gname);
    }

  if (i % 1000 == 1)
    roster_user_add_platform_role (user, "atlassian/org-admin");

  return user;
}

static GPtrArray *
make_users (guint first,
            guint n,
            guint generation)
{
  GPtrArray *users = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = first; i < first + n; i++)
    g_ptr_array_add (users, make_user (i, generation));
  return users;
}

static void assert_user_matches (RosterUserSet *set,
                                 guint          i,
                                 guint          generation);

static void
sync_users (RosterStore *store,
            guint        n,
            guint        generation)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterUserSet) committed = NULL;
  guint batch = 1000;

  g_assert_true (roster_store_sync_begin_sync (store, NULL, &error));
  g_assert_no_error (error);
  for (guint first = 0; first < n; first += batch)
    {
      g_autoptr(GPtrArray) users = make_users (first, MIN (batch, n - first), generation);
      g_assert_true (roster_store_sync_stage_sync (store, users, NULL, &error));
      g_assert_no_error (error);
    }
  g_assert_true (roster_store_sync_commit_sync (store, (n + batch - 1) / batch, &committed, NULL,
                                                &error));
  g_assert_no_error (error);

  /* The commit hands back the set it built while staging: the same users. */
  g_assert_nonnull (committed);
  g_assert_true (roster_user_set_is_frozen (committed));
  g_assert_cmpuint (roster_user_set_get_n_users (committed), ==, n);
  for (guint i = 0; i < n; i += MAX (1, n / 50))
    assert_user_matches (committed, i, generation);
}

static void
test_migrate_and_reopen (void)
{
  g_autofree char *dir = make_path ("nested/data");
  g_autofree char *path = g_build_filename (dir, "org.db", NULL);
  g_autoptr(GError) error = NULL;
  RosterStore *store;
  RosterSyncInfo info = { 1, 1, 1 };
  GStatBuf st;

  store = open_store (path);
  g_assert_cmpstr (roster_store_get_path (store), ==, path);
  g_assert_true (roster_store_get_sync_info_sync (store, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.synced_at, ==, 0);
  g_assert_cmpuint (info.n_users, ==, 0);
  close_store (store);

  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (raw_int (path, "PRAGMA user_version"), ==, 2);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                                  " AND name IN ('meta', 'users', 'resources',"
                                  " 'settings', 'protected_accounts', 'audit', 'jobs',"
                                  " 'job_targets')"), ==, 8);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                                  " AND name IN ('user_products', 'user_groups')"), ==, 0);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
                                  " AND name = 'users_account_id'"), ==, 1);

  /* Re-open: no migration runs twice, data survives. */
  store = open_store (path);
  g_assert_true (roster_store_set_setting_sync (store, "k", "v", &error));
  close_store (store);
  store = open_store (path);
  {
    g_autofree char *value = roster_store_get_setting_sync (store, "k", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (value, ==, "v");
  }
  close_store (store);
  /* WAL is persistent: bytes 18 and 19 of the header are 2. */
  {
    g_autofree char *contents = NULL;
    gsize len;

    g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
    g_assert_cmpuint (len, >, 100);
    g_assert_cmpint (contents[18], ==, 2);
    g_assert_cmpint (contents[19], ==, 2);
  }
  assert_integrity (path);
}

static void
test_default_path (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;

  g_setenv ("ROSTER_DATA_DIR", "/tmp/roster-data-test", TRUE);
  dir = roster_store_dup_default_dir ();
  g_assert_cmpstr (dir, ==, "/tmp/roster-data-test");
  path = roster_store_dup_default_path ("abc-123");
  g_assert_cmpstr (path, ==, "/tmp/roster-data-test/abc-123.db");
  g_unsetenv ("ROSTER_DATA_DIR");
  g_clear_pointer (&dir, g_free);
  dir = roster_store_dup_default_dir ();
  g_assert_true (g_str_has_suffix (dir, "/roster"));
  g_assert_true (g_str_has_prefix (dir, g_get_user_data_dir ()));
}

static void
test_newer_version (void)
{
  g_autofree char *path = make_path ("newer.db");
  g_autoptr(GError) error = NULL;
  RosterStore *store;

  g_assert_cmpint (raw_int (path, "PRAGMA user_version = 99"), ==, -1);

  store = roster_store_new (path);
  g_assert_false (roster_store_open_sync (store, NULL, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_CACHE);
  g_assert_nonnull (strstr (error->message, "newer Roster"));
  close_store (store);

  g_assert_cmpint (raw_int (path, "PRAGMA user_version"), ==, 99);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM sqlite_master"), ==, 0);
}

static void
test_not_a_database (void)
{
  g_autofree char *path = make_path ("garbage.db");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  RosterStore *store;
  GString *junk = g_string_new (NULL);

  for (guint i = 0; i < 500; i++)
    g_string_append (junk, "This is not a database, it is a shopping list. ");
  g_assert_true (g_file_set_contents (path, junk->str, junk->len, NULL));
  g_string_free (junk, TRUE);

  store = roster_store_new (path);
  g_assert_false (roster_store_open_sync (store, NULL, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_CACHE);
  g_assert_nonnull (strstr (error->message, "not a Roster database"));
  close_store (store);

  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_true (g_str_has_prefix (after, "This is not a database"));
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  }
}

static char *
file_checksum (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
}

static gboolean
set_immutable (const char *path,
               gboolean    immutable)
{
  int fd = open (path, O_RDONLY);
  int flags = 0;
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = ioctl (fd, FS_IOC_GETFLAGS, &flags) == 0;
  if (ok)
    {
      flags = immutable ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
      ok = ioctl (fd, FS_IOC_SETFLAGS, &flags) == 0;
    }
  close (fd);
  return ok;
}

static void
test_read_only (void)
{
  g_autofree char *path = make_path ("readonly.db");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  gboolean immutable = FALSE;
  RosterStore *store;

  store = open_store (path);
  sync_users (store, 10, 1);
  close_store (store);
  before = file_checksum (path);

  g_assert_cmpint (g_chmod (path, 0400), ==, 0);
  /* Permission bits do not stop root; the immutable flag does. */
  if (geteuid () == 0)
    {
      immutable = set_immutable (path, TRUE);
      if (!immutable)
        {
          g_test_skip ("running as root on a file system without the immutable flag");
          return;
        }
    }

  store = roster_store_new (path);
  g_assert_false (roster_store_open_sync (store, NULL, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_CACHE);
  g_assert_nonnull (strstr (error->message, "read-only"));
  close_store (store);

  if (immutable)
    g_assert_true (set_immutable (path, FALSE));
  after = file_checksum (path);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  assert_integrity (path);
}

static void
assert_user_matches (RosterUserSet *set,
                     guint          i,
                     guint          generation)
{
  g_autoptr(RosterUser) expected = make_user (i, generation);
  g_autofree char *account_id = account_id_for (i);
  int row = roster_user_set_lookup (set, account_id);
  const char * const *groups;
  GPtrArray *exp_groups = roster_user_get_groups (expected);
  gint64 last[ROSTER_N_PRODUCTS] = { -1, -1, -1 };
  GPtrArray *products = roster_user_get_products (expected);

  g_assert_cmpint (row, >=, 0);
  g_assert_cmpstr (roster_user_set_get_account_id (set, row), ==, account_id);
  g_assert_cmpstr (roster_user_set_get_name (set, row), ==, roster_user_get_name (expected));
  g_assert_cmpstr (roster_user_set_get_email (set, row), ==, roster_user_get_email (expected));
  if (i % 7 == 0)
    g_assert_null (roster_user_set_get_email (set, row));
  g_assert_cmpint (roster_user_set_get_status (set, row), ==, roster_user_get_status (expected));
  g_assert_cmpint (roster_user_set_get_account_type (set, row), ==,
                   roster_user_get_account_type (expected));
  g_assert_cmpint (roster_user_set_get_claim (set, row), ==, roster_user_get_claim (expected));
  g_assert_cmpint (roster_user_set_is_org_admin (set, row), ==, roster_user_is_org_admin (expected));
  g_assert_cmpint (roster_user_set_is_billable (set, row), ==, roster_user_is_billable (expected));

  for (guint p = 0; p < products->len; p++)
    {
      RosterProductAccess *a = g_ptr_array_index (products, p);
      last[a->product] = a->last_active;
    }
  for (guint p = 0; p < ROSTER_N_PRODUCTS; p++)
    g_assert_cmpint (roster_user_set_get_product_last_active (set, row, p), ==, last[p]);
  g_assert_cmpint (roster_user_set_get_last_active (set, row), ==,
                   roster_user_get_last_active (expected));

  groups = roster_user_set_get_group_names (set, row);
  if (exp_groups->len == 0)
    g_assert_true (groups == NULL || groups[0] == NULL);
  else
    {
      g_assert_nonnull (groups);
      g_assert_cmpuint (g_strv_length ((char **) groups), ==, exp_groups->len);
      for (guint g = 0; g < exp_groups->len; g++)
        {
          RosterGroupRef *ref = g_ptr_array_index (exp_groups, g);
          g_assert_true (g_strv_contains (groups, ref->name));
        }
    }
}

static void
test_round_trip (void)
{
  g_autofree char *path = make_path ("roundtrip.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterUserSet) set = NULL;
  g_autoptr(RosterUser) one = NULL;
  g_autoptr(RosterUser) expected = NULL;
  g_autofree char *id = account_id_for (1002);
  RosterSyncInfo info = { 0 };
  RosterStore *store;
  guint n = 10000;

  store = open_store (path);
  sync_users (store, n, 1);

  g_assert_true (roster_store_get_sync_info_sync (store, &info, &error));
  g_assert_cmpuint (info.n_users, ==, n);
  g_assert_cmpuint (info.n_pages, ==, 10);
  g_assert_cmpint (info.synced_at, >, 1700000000);

  set = roster_store_load_users_sync (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (roster_user_set_get_n_users (set), ==, n);
  for (guint i = 0; i < n; i++)
    assert_user_matches (set, i, 1);
  g_assert_cmpstr (roster_user_set_get_resource_id (set, ROSTER_PRODUCT_JIRA), ==, RES_JIRA);
  g_assert_cmpstr (roster_user_set_get_resource_id (set, ROSTER_PRODUCT_CONFLUENCE), ==, RES_CONF);

  /* The detail pane's full user. */
  one = roster_store_load_user_sync (store, id, NULL, &error);
  g_assert_no_error (error);
  expected = make_user (1002, 1);
  g_assert_cmpstr (roster_user_get_name (one), ==, roster_user_get_name (expected));
  g_assert_cmpuint (roster_user_get_products (one)->len, ==, roster_user_get_products (expected)->len);
  g_assert_cmpuint (roster_user_get_groups (one)->len, ==, 2);
  for (guint p = 0; p < roster_user_get_products (one)->len; p++)
    {
      RosterProductAccess *a = g_ptr_array_index (roster_user_get_products (one), p);
      g_assert_nonnull (a->key);
      g_assert_true (g_str_has_prefix (a->resource_id, "ari:cloud:"));
      g_assert_true (roster_user_has_product (expected, a->product));
    }
  g_assert_cmpstr (((RosterGroupRef *) g_ptr_array_index (roster_user_get_groups (one), 0))->name,
                   ==, "group-0");
  g_assert_cmpstr (((RosterGroupRef *) g_ptr_array_index (roster_user_get_groups (one), 0))->id,
                   ==, "00000000-aaaa-bbbb-cccc-000000000000");
  g_clear_object (&one);

  one = roster_store_load_user_sync (store, "1001", NULL, &error);
  g_assert_null (one);
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* An org admin keeps the role through the cache. */
  g_clear_pointer (&id, g_free);
  id = account_id_for (1001);
  one = roster_store_load_user_sync (store, id, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (roster_user_is_org_admin (one));

  close_store (store);
  assert_integrity (path);
}

static void
test_abort_keeps_previous (void)
{
  g_autofree char *path = make_path ("abort.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterUserSet) set = NULL;
  g_autoptr(GPtrArray) batch1 = make_users (0, 300, 2);
  g_autoptr(GPtrArray) batch2 = make_users (300, 300, 2);
  RosterStore *store;

  store = open_store (path);

  /* Committing or staging without a begun sync is refused. */
  g_assert_false (roster_store_sync_commit_sync (store, 1, NULL, NULL, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_FAILED);
  g_clear_error (&error);

  sync_users (store, 100, 1);

  g_assert_true (roster_store_sync_begin_sync (store, NULL, &error));
  g_assert_true (roster_store_sync_stage_sync (store, batch1, NULL, &error));
  g_assert_true (roster_store_sync_stage_sync (store, batch2, NULL, &error));
  g_assert_no_error (error);
  roster_store_sync_abort (store);

  set = roster_store_load_users_sync (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (roster_user_set_get_n_users (set), ==, 100);
  for (guint i = 0; i < 100; i++)
    assert_user_matches (set, i, 1);
  g_clear_pointer (&set, roster_user_set_unref);

  g_assert_false (roster_store_sync_commit_sync (store, 1, NULL, NULL, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_FAILED);
  g_clear_error (&error);

  /* A cancelled stage changes nothing either. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();

    g_assert_true (roster_store_sync_begin_sync (store, NULL, &error));
    g_assert_true (roster_store_sync_stage_sync (store, batch1, NULL, &error));
    g_cancellable_cancel (cancellable);
    g_assert_false (roster_store_sync_stage_sync (store, batch2, cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
  }

  /* A crash mid-sync: the process ends with staging half full. */
  close_store (store);
  store = open_store (path);
  set = roster_store_load_users_sync (store, NULL, &error);
  g_assert_cmpuint (roster_user_set_get_n_users (set), ==, 100);
  g_clear_pointer (&set, roster_user_set_unref);

  /* And the next full sync replaces everything. */
  sync_users (store, 50, 3);
  set = roster_store_load_users_sync (store, NULL, &error);
  g_assert_cmpuint (roster_user_set_get_n_users (set), ==, 50);
  assert_user_matches (set, 49, 3);

  close_store (store);
  assert_integrity (path);
}

typedef struct
{
  GAsyncResult *result;
} AsyncWait;

static void
async_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  AsyncWait *wait = user_data;
  wait->result = g_object_ref (result);
}

static GAsyncResult *
wait_result (AsyncWait *wait)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (wait->result == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  return wait->result;
}

static void
test_async (void)
{
  g_autofree char *path = make_path ("async.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = make_users (0, 20, 1);
  g_autoptr(RosterUserSet) set = NULL;
  g_autofree char *value = NULL;
  RosterStore *store = roster_store_new (path);
  AsyncWait w[5] = { { 0 } };

  roster_store_open_async (store, NULL, async_cb, &w[0]);
  /* Queued in order behind the open. */
  roster_store_sync_begin_async (store, NULL, async_cb, &w[1]);
  roster_store_sync_stage_async (store, users, NULL, async_cb, &w[2]);
  roster_store_sync_commit_async (store, 1, NULL, async_cb, &w[3]);
  roster_store_load_users_async (store, NULL, async_cb, &w[4]);

  g_assert_true (roster_store_open_finish (store, wait_result (&w[0]), &error));
  g_assert_true (roster_store_sync_begin_finish (store, wait_result (&w[1]), &error));
  g_assert_true (roster_store_sync_stage_finish (store, wait_result (&w[2]), &error));
  g_assert_true (roster_store_sync_commit_finish (store, wait_result (&w[3]), NULL, &error));
  set = roster_store_load_users_finish (store, wait_result (&w[4]), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (roster_user_set_get_n_users (set), ==, 20);
  for (guint i = 0; i < G_N_ELEMENTS (w); i++)
    g_clear_object (&w[i].result);

  roster_store_set_setting_async (store, "warning_days", "60", NULL, async_cb, &w[0]);
  roster_store_get_setting_async (store, "warning_days", NULL, async_cb, &w[1]);
  g_assert_true (roster_store_set_setting_finish (store, wait_result (&w[0]), &error));
  value = roster_store_get_setting_finish (store, wait_result (&w[1]), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "60");
  for (guint i = 0; i < G_N_ELEMENTS (w); i++)
    g_clear_object (&w[i].result);

  close_store (store);

  /* A closed store fails instead of hanging. */
  store = roster_store_new (path);
  g_assert_null (roster_store_load_users_sync (store, NULL, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_CACHE);
  g_clear_error (&error);
  close_store (store);
}

static void
test_settings (void)
{
  g_autofree char *path = make_path ("settings.db");
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *value = NULL;
  RosterStore *store = open_store (path);

  missing = roster_store_get_setting_sync (store, "nope", &error);
  g_assert_no_error (error);
  g_assert_null (missing);

  g_assert_true (roster_store_set_setting_sync (store, "overdue_days", "90", &error));
  g_assert_true (roster_store_set_setting_sync (store, "overdue_days", "120", &error));
  value = roster_store_get_setting_sync (store, "overdue_days", &error);
  g_assert_cmpstr (value, ==, "120");
  g_clear_pointer (&value, g_free);
  g_assert_true (roster_store_set_setting_sync (store, "overdue_days", NULL, &error));
  value = roster_store_get_setting_sync (store, "overdue_days", &error);
  g_assert_null (value);

  g_assert_true (roster_store_set_meta_sync (store, "org_id", "org-1", &error));
  g_clear_pointer (&value, g_free);
  value = roster_store_get_meta_sync (store, "org_id", &error);
  g_assert_cmpstr (value, ==, "org-1");
  g_assert_no_error (error);

  close_store (store);
  assert_integrity (path);
}

static gboolean
list_has (GPtrArray  *list,
          const char *account_id,
          const char *reason)
{
  for (guint i = 0; i < list->len; i++)
    {
      RosterProtectedAccount *a = g_ptr_array_index (list, i);
      if (g_str_equal (a->account_id, account_id))
        return g_str_equal (a->reason, reason);
    }
  return FALSE;
}

static void
test_protected (void)
{
  g_autofree char *path = make_path ("protected.db");
  g_autofree char *admin1 = account_id_for (1);
  g_autofree char *admin2 = account_id_for (1001);
  g_autofree char *plain = account_id_for (5);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  RosterStore *store = open_store (path);
  guint n_added = 99;

  sync_users (store, 2000, 1);

  /* The commit that brought the org admins in protected them. */
  g_assert_true (roster_store_is_protected_sync (store, admin1, &error));
  g_assert_true (roster_store_is_protected_sync (store, admin2, &error));
  g_assert_false (roster_store_is_protected_sync (store, plain, &error));
  g_assert_true (roster_store_add_protected_sync (store, plain, "CEO", &error));
  g_assert_true (roster_store_is_protected_sync (store, plain, &error));
  g_assert_no_error (error);

  g_assert_true (roster_store_protect_org_admins_sync (store, &n_added, &error));
  g_assert_cmpuint (n_added, ==, 0);
  list = roster_store_list_protected_sync (store, &error);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_true (list_has (list, admin1, "org-admin"));
  g_assert_true (list_has (list, admin2, "org-admin"));
  g_assert_true (list_has (list, plain, "manual"));
  g_clear_pointer (&list, g_ptr_array_unref);

  /* The admin takes one admin's protection away; a resync must not bring it back. */
  g_assert_true (roster_store_remove_protected_sync (store, admin1, &error));
  g_assert_false (roster_store_remove_protected_sync (store, admin1, &error));
  g_assert_no_error (error);
  sync_users (store, 2000, 2);
  g_assert_true (roster_store_protect_org_admins_sync (store, &n_added, &error));
  g_assert_cmpuint (n_added, ==, 0);
  g_assert_false (roster_store_is_protected_sync (store, admin1, &error));
  g_assert_true (roster_store_is_protected_sync (store, admin2, &error));

  /* Survives re-opening, too. */
  close_store (store);
  store = open_store (path);
  g_assert_true (roster_store_protect_org_admins_sync (store, &n_added, &error));
  g_assert_cmpuint (n_added, ==, 0);
  g_assert_false (roster_store_is_protected_sync (store, admin1, &error));

  /* Adding it by hand forgets the removal. */
  g_assert_true (roster_store_add_protected_sync (store, admin1, NULL, &error));
  list = roster_store_list_protected_sync (store, &error);
  g_assert_true (list_has (list, admin1, "manual"));
  g_assert_cmpint (((RosterProtectedAccount *) g_ptr_array_index (list, 0))->added_at, >, 0);

  close_store (store);
  assert_integrity (path);
}

static void
test_update_user (void)
{
  g_autofree char *path = make_path ("update.db");
  g_autofree char *id = account_id_for (4);   /* active, jira + jsm + confluence */
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterUserSet) set = NULL;
  RosterStore *store = open_store (path);
  int row;

  sync_users (store, 10, 1);

  g_assert_true (roster_store_update_user_status_sync (store, id, ROSTER_STATUS_SUSPENDED,
                                                       NULL, &error));
  g_assert_true (roster_store_update_user_product_sync (store, id, ROSTER_PRODUCT_CONFLUENCE,
                                                        RES_CONF, FALSE, NULL, &error));
  g_assert_no_error (error);
  set = roster_store_load_users_sync (store, NULL, &error);
  row = roster_user_set_lookup (set, id);
  g_assert_cmpint (roster_user_set_get_status (set, row), ==, ROSTER_STATUS_SUSPENDED);
  g_assert_false (roster_user_set_is_billable (set, row));
  g_assert_cmpint (roster_user_set_get_product_last_active (set, row, ROSTER_PRODUCT_CONFLUENCE), ==, -1);
  g_assert_cmpint (roster_user_set_get_product_last_active (set, row, ROSTER_PRODUCT_JIRA), ==, 1700000004);
  g_clear_pointer (&set, roster_user_set_unref);

  g_assert_true (roster_store_update_user_status_sync (store, id, ROSTER_STATUS_ACTIVE, NULL, &error));
  g_assert_true (roster_store_update_user_product_sync (store, id, ROSTER_PRODUCT_CONFLUENCE,
                                                        RES_CONF, TRUE, NULL, &error));
  set = roster_store_load_users_sync (store, NULL, &error);
  row = roster_user_set_lookup (set, id);
  g_assert_cmpint (roster_user_set_get_status (set, row), ==, ROSTER_STATUS_ACTIVE);
  g_assert_true (roster_user_set_is_billable (set, row));
  g_assert_cmpint (roster_user_set_get_product_last_active (set, row, ROSTER_PRODUCT_CONFLUENCE), ==, 0);

  {
    g_autoptr(RosterUser) user = roster_store_load_user_sync (store, id, NULL, &error);
    gboolean found = FALSE;

    for (guint i = 0; i < roster_user_get_products (user)->len; i++)
      {
        RosterProductAccess *a = g_ptr_array_index (roster_user_get_products (user), i);
        if (a->product == ROSTER_PRODUCT_CONFLUENCE)
          {
            g_assert_cmpstr (a->key, ==, "confluence");
            g_assert_cmpstr (a->resource_id, ==, RES_CONF);
            found = TRUE;
          }
      }
    g_assert_true (found);
  }

  g_assert_false (roster_store_update_user_status_sync (store, "nobody", ROSTER_STATUS_ACTIVE,
                                                        NULL, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_NOT_FOUND);

  close_store (store);
  assert_integrity (path);
}

static void
test_wipe_keeps_audit (void)
{
  g_autofree char *path = make_path ("wipe.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterUserSet) set = NULL;
  g_autoptr(RosterAuditEntry) entry = roster_audit_entry_new ("sync", NULL, "ok", 200, NULL, NULL);
  g_autoptr(RosterAuditReport) report = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *setting = NULL;
  g_autofree char *contents = NULL;
  RosterSyncInfo info = { 0 };
  RosterStore *store = open_store (path);

  sync_users (store, 500, 1);
  g_assert_true (roster_store_set_setting_sync (store, "warning_days", "30", &error));
  g_assert_true (roster_store_add_protected_sync (store, "someone", NULL, &error));
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(RosterAuditEntry) stored = roster_store_audit_append_sync (store, entry, &error);
      g_assert_nonnull (stored);
    }

  g_assert_true (roster_store_wipe_sync (store, &error));
  g_assert_no_error (error);

  set = roster_store_load_users_sync (store, NULL, &error);
  g_assert_cmpuint (roster_user_set_get_n_users (set), ==, 0);
  g_assert_true (roster_store_get_sync_info_sync (store, &info, &error));
  g_assert_cmpint (info.synced_at, ==, 0);
  g_assert_cmpuint (info.n_users, ==, 0);

  setting = roster_store_get_setting_sync (store, "warning_days", &error);
  g_assert_cmpstr (setting, ==, "30");
  g_assert_true (roster_store_is_protected_sync (store, "someone", &error));
  report = roster_store_audit_verify_sync (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->n_checked, ==, 3);
  g_assert_true (roster_audit_report_is_intact (report));

  close_store (store);
  assert_integrity (path);

  /* The forgotten names are gone from the file itself. */
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_null (g_strstr_len (contents, -1, "user42@example.com"));

  store = roster_store_new (path);
  g_assert_true (roster_store_delete_file_sync (store, &error));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (roster_store_delete_file_sync (store, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (store);
}

static void
test_export_json (void)
{
  g_autofree char *path = make_path ("export.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(RosterAuditEntry) entry = roster_audit_entry_new ("export", "users", "ok", 0, NULL, NULL);
  g_autoptr(RosterAuditEntry) stored = NULL;
  JsonObject *tables;
  RosterStore *store = open_store (path);

  sync_users (store, 30, 1);
  g_assert_true (roster_store_set_setting_sync (store, "quote", "a \"b\"\n\\c", &error));
  stored = roster_store_audit_append_sync (store, entry, &error);

  g_assert_true (roster_store_export_json_sync (store, stream, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (stream, NULL, NULL));

  g_assert_true (json_parser_load_from_data (parser,
                                             g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (stream)),
                                             g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (stream)),
                                             &error));
  g_assert_no_error (error);
  tables = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "tables");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (tables, "users")), ==, 30);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (tables, "audit")), ==, 1);
  g_assert_true (json_object_has_member (tables, "jobs"));
  g_assert_true (json_object_has_member (tables, "job_targets"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (tables, "settings"), 0), "value"),
                   ==, "a \"b\"\n\\c");
  /* email NULL stays null */
  g_assert_true (json_object_get_null_member (json_array_get_object_element (
                   json_object_get_array_member (tables, "users"), 0), "email"));

  close_store (store);
}

static gboolean
count_jobs_func (sqlite3   *db,
                 gpointer   data,
                 gpointer  *out_result,
                 GError   **error)
{
  sqlite3_stmt *stmt = NULL;

  /* Runs on the store's thread, not on the caller's. */
  g_assert_true (g_thread_self () != data);
  if (sqlite3_prepare_v2 (db, "SELECT count(*) FROM jobs", -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  sqlite3_step (stmt);
  *out_result = GINT_TO_POINTER (sqlite3_column_int (stmt, 0) + 1);
  sqlite3_finalize (stmt);
  return TRUE;
}

static gpointer
cli_thread (gpointer data)
{
  RosterStore *store = data;
  g_autoptr(GError) error = NULL;

  /* No main loop in this thread: _sync must still complete. */
  return roster_store_run_sync (store, count_jobs_func, g_thread_self (), NULL, NULL, &error);
}

static void
test_run_sync_without_main_loop (void)
{
  g_autofree char *path = make_path ("cli.db");
  RosterStore *store = open_store (path);
  GThread *thread = g_thread_new ("cli", cli_thread, store);

  g_assert_cmpint (GPOINTER_TO_INT (g_thread_join (thread)), ==, 1);
  close_store (store);
}

static void
test_performance (void)
{
  g_autofree char *path = make_path ("perf.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) batches = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(RosterUserSet) set = NULL;
  const char *env = g_getenv ("ROSTER_STORE_BENCH_USERS");
  guint n = env ? (guint) g_ascii_strtoull (env, NULL, 10) : 100000;
  RosterStore *store = open_store (path);
  gint64 t0, t1, t2, t3;

  for (guint first = 0; first < n; first += 100)
    g_ptr_array_add (batches, make_users (first, MIN (100, n - first), 1));

  t0 = g_get_monotonic_time ();
  g_assert_true (roster_store_sync_begin_sync (store, NULL, &error));
  for (guint i = 0; i < batches->len; i++)
    g_assert_true (roster_store_sync_stage_sync (store, g_ptr_array_index (batches, i), NULL, &error));
  t1 = g_get_monotonic_time ();
  g_assert_true (roster_store_sync_commit_sync (store, batches->len, NULL, NULL, &error));
  g_assert_no_error (error);
  t2 = g_get_monotonic_time ();
  set = roster_store_load_users_sync (store, NULL, &error);
  t3 = g_get_monotonic_time ();
  g_assert_cmpuint (roster_user_set_get_n_users (set), ==, n);

  g_test_message ("%u users (pages of 100): stage %.0f ms, commit %.0f ms, stage+commit %.0f ms,"
                  " load %.0f ms",
                  n, (t1 - t0) / 1000.0, (t2 - t1) / 1000.0, (t2 - t0) / 1000.0,
                  (t3 - t2) / 1000.0);
  close_store (store);
}

/* Snapshot ---------------------------------------------------------------- */

static char *
snapshot_path_of (const char *db_path)
{
  g_autofree char *base = g_strndup (db_path, strlen (db_path) - strlen (".db"));

  return g_strconcat (base, ".users", NULL);
}

static void
assert_sets_equal (RosterUserSet *a,
                   RosterUserSet *b)
{
  guint n = roster_user_set_get_n_users (a);

  g_assert_cmpuint (roster_user_set_get_n_users (b), ==, n);
  for (guint i = 0; i < n; i++)
    {
      const char * const *ga = roster_user_set_get_group_names (a, i);
      const char * const *gb = roster_user_set_get_group_names (b, i);
      g_autoptr(RosterUser) ua = roster_user_set_dup_user (a, i);
      g_autoptr(RosterUser) ub = roster_user_set_dup_user (b, i);

      g_assert_cmpstr (roster_user_set_get_account_id (a, i), ==, roster_user_set_get_account_id (b, i));
      g_assert_cmpstr (roster_user_set_get_name (a, i), ==, roster_user_set_get_name (b, i));
      g_assert_cmpstr (roster_user_set_get_email (a, i), ==, roster_user_set_get_email (b, i));
      g_assert_cmpstr (roster_user_set_get_search_key (a, i), ==, roster_user_set_get_search_key (b, i));
      g_assert_cmpint (roster_user_set_get_status (a, i), ==, roster_user_set_get_status (b, i));
      g_assert_cmpint (roster_user_set_get_account_type (a, i), ==, roster_user_set_get_account_type (b, i));
      g_assert_cmpint (roster_user_set_get_claim (a, i), ==, roster_user_set_get_claim (b, i));
      g_assert_cmpint (roster_user_set_is_org_admin (a, i), ==, roster_user_set_is_org_admin (b, i));
      g_assert_cmpint (roster_user_set_is_billable (a, i), ==, roster_user_set_is_billable (b, i));
      for (guint p = 0; p < ROSTER_N_PRODUCTS; p++)
        g_assert_cmpint (roster_user_set_get_product_last_active (a, i, p), ==,
                         roster_user_set_get_product_last_active (b, i, p));
      g_assert_true (g_strv_equal ((const char * const *) ga, (const char * const *) gb));
      g_assert_cmpint (roster_user_set_lookup (b, roster_user_set_get_account_id (a, i)), ==, (int) i);
      g_assert_cmpuint (roster_user_get_groups (ua)->len, ==, roster_user_get_groups (ub)->len);
      g_assert_cmpuint (roster_user_get_products (ua)->len, ==, roster_user_get_products (ub)->len);
    }
  g_assert_cmpint (roster_user_set_lookup (b, "nobody"), ==, -1);
  g_assert_cmpuint (roster_user_set_get_n_groups (b), ==, roster_user_set_get_n_groups (a));
  for (guint g = 0; g < roster_user_set_get_n_groups (a); g++)
    {
      g_assert_cmpstr (roster_user_set_get_group (a, g), ==, roster_user_set_get_group (b, g));
      g_assert_cmpstr (roster_user_set_get_group_id (a, g), ==, roster_user_set_get_group_id (b, g));
    }
  for (guint p = 0; p < ROSTER_N_PRODUCTS; p++)
    g_assert_cmpstr (roster_user_set_get_resource_id (a, p), ==, roster_user_set_get_resource_id (b, p));
}

static RosterUserSet *
load (RosterStore *store)
{
  g_autoptr(GError) error = NULL;
  RosterUserSet *set = roster_store_load_users_sync (store, NULL, &error);
  RosterSyncInfo info;

  g_assert_no_error (error);
  g_assert_nonnull (set);
  /* The store writes the snapshot after a load from SQLite, behind the load: any
   * later call returns after it. */
  g_assert_true (roster_store_get_sync_info_sync (store, &info, &error));
  return set;
}

static void
test_snapshot_round_trip (void)
{
  g_autofree char *path = make_path ("snap.db");
  g_autofree char *snapshot = snapshot_path_of (path);
  g_autoptr(RosterUserSet) from_sql = NULL;
  g_autoptr(RosterUserSet) from_snapshot = NULL;
  g_autoptr(RosterUserSet) built = roster_user_set_new ();
  g_autoptr(RosterUserSet) reread = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *direct = make_path ("direct.users");
  RosterStore *store = open_store (path);
  GStatBuf st;

  sync_users (store, 3000, 1);

  /* The sync left the snapshot of what it committed (written right after the
   * commit, before any later call is served): the first load maps it. */
  from_snapshot = load (store);
  g_assert_true (_roster_user_set_is_mapped (from_snapshot));
  g_assert_true (g_file_test (snapshot, G_FILE_TEST_EXISTS));

  /* Without it a load reads SQLite and leaves a snapshot behind; the next maps it. */
  g_assert_cmpint (g_unlink (snapshot), ==, 0);
  from_sql = load (store);
  g_assert_false (_roster_user_set_is_mapped (from_sql));
  g_clear_pointer (&from_snapshot, roster_user_set_unref);
  from_snapshot = load (store);
  g_assert_true (_roster_user_set_is_mapped (from_snapshot));
  g_assert_cmpint (g_stat (snapshot, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  assert_sets_equal (from_sql, from_snapshot);
  for (guint i = 0; i < 3000; i++)
    assert_user_matches (from_snapshot, i, 1);

  /* Group ids (kept when users come from RosterUser) survive too. */
  for (guint i = 0; i < 50; i++)
    {
      g_autoptr(RosterUser) user = make_user (i, 1);
      roster_user_set_append (built, user);
    }
  roster_user_set_freeze (built);
  g_assert_true (_roster_user_set_write_snapshot (built, direct, 42, 1, &error));
  g_assert_no_error (error);
  reread = _roster_user_set_load_snapshot (direct, 42, 1, &error);
  g_assert_no_error (error);
  assert_sets_equal (built, reread);
  g_assert_nonnull (roster_user_set_get_group_id (reread, 0));

  /* The mapped set outlives the store and the file. */
  close_store (store);
  g_assert_cmpint (g_unlink (snapshot), ==, 0);
  g_assert_cmpstr (roster_user_set_get_name (from_snapshot, 0), ==,
                   roster_user_set_get_name (from_sql, 0));
}

static void
test_snapshot_stale (void)
{
  g_autofree char *path = make_path ("stale.db");
  g_autofree char *snapshot = snapshot_path_of (path);
  g_autofree char *id = account_id_for (4);
  g_autoptr(RosterUserSet) set = NULL;
  g_autoptr(GError) error = NULL;
  RosterStore *store = open_store (path);

  sync_users (store, 100, 1);
  g_clear_pointer (&set, roster_user_set_unref);
  set = load (store);
  g_clear_pointer (&set, roster_user_set_unref);
  set = load (store);
  g_assert_true (_roster_user_set_is_mapped (set));

  /* A status change makes the snapshot stale: the next load reads SQLite and sees it. */
  g_assert_true (roster_store_update_user_status_sync (store, id, ROSTER_STATUS_SUSPENDED, NULL, &error));
  g_clear_pointer (&set, roster_user_set_unref);
  set = load (store);
  g_assert_false (_roster_user_set_is_mapped (set));
  g_assert_cmpint (roster_user_set_get_status (set, roster_user_set_lookup (set, id)), ==,
                   ROSTER_STATUS_SUSPENDED);
  g_clear_pointer (&set, roster_user_set_unref);
  set = load (store);
  g_assert_true (_roster_user_set_is_mapped (set));
  g_assert_cmpint (roster_user_set_get_status (set, roster_user_set_lookup (set, id)), ==,
                   ROSTER_STATUS_SUSPENDED);

  /* So do a product change and a new sync. */
  g_assert_true (roster_store_update_user_product_sync (store, id, ROSTER_PRODUCT_CONFLUENCE,
                                                        RES_CONF, FALSE, NULL, &error));
  g_clear_pointer (&set, roster_user_set_unref);
  set = load (store);
  g_assert_false (_roster_user_set_is_mapped (set));
  g_assert_cmpint (roster_user_set_get_product_last_active (set, roster_user_set_lookup (set, id),
                                                            ROSTER_PRODUCT_CONFLUENCE), ==, -1);
  sync_users (store, 120, 2);
  g_clear_pointer (&set, roster_user_set_unref);
  set = load (store);
  /* The new sync wrote the snapshot of its own generation. */
  g_assert_true (_roster_user_set_is_mapped (set));
  g_assert_cmpuint (roster_user_set_get_n_users (set), ==, 120);
  assert_user_matches (set, 7, 2);

  /* A snapshot written for another generation or schema is not used. */
  g_assert_null (_roster_user_set_load_snapshot (snapshot, 1, 1, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_CACHE);
  g_clear_error (&error);

  /* Forgetting the data removes the snapshot with it. */
  g_clear_pointer (&set, roster_user_set_unref);
  set = load (store);
  g_assert_true (g_file_test (snapshot, G_FILE_TEST_EXISTS));
  g_assert_true (roster_store_wipe_sync (store, &error));
  g_assert_false (g_file_test (snapshot, G_FILE_TEST_EXISTS));
  g_clear_pointer (&set, roster_user_set_unref);
  set = load (store);
  g_assert_cmpuint (roster_user_set_get_n_users (set), ==, 0);
  close_store (store);

  store = roster_store_new (path);
  g_assert_true (roster_store_delete_file_sync (store, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (snapshot, G_FILE_TEST_EXISTS));
  g_assert_finalize_object (store);
}

static void
rewrite_snapshot (const char *snapshot,
                  const char *contents,
                  gsize       len)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (snapshot, contents, len, &error));
  g_assert_no_error (error);
}

static void
test_snapshot_corrupt (void)
{
  g_autofree char *path = make_path ("corrupt.db");
  g_autofree char *snapshot = snapshot_path_of (path);
  g_autofree char *good = NULL;
  g_autoptr(RosterUserSet) reference = NULL;
  gsize len;
  RosterStore *store = open_store (path);
  const gsize cuts[] = { 0, 10, 79, 80, 81, 4096 };

  sync_users (store, 500, 1);
  reference = load (store);
  g_clear_pointer (&reference, roster_user_set_unref);
  reference = load (store);
  g_assert_true (_roster_user_set_is_mapped (reference));
  g_assert_true (g_file_get_contents (snapshot, &good, &len, NULL));

  /* Truncated anywhere. */
  for (guint c = 0; c < G_N_ELEMENTS (cuts); c++)
    {
      g_autoptr(RosterUserSet) set = NULL;

      rewrite_snapshot (snapshot, good, MIN (cuts[c], len));
      set = load (store);
      g_assert_false (_roster_user_set_is_mapped (set));
      assert_sets_equal (reference, set);
    }

  /* One flipped byte in the header, the pool, the records, the index and the tail;
   * and a file of something else entirely. */
  {
    const gsize offsets[] = { 0, 12, 20, 40, 60, 100, len / 3, len / 2, len - 2 };

    for (guint o = 0; o < G_N_ELEMENTS (offsets); o++)
      {
        g_autofree char *bad = g_memdup2 (good, len);
        g_autoptr(RosterUserSet) set = NULL;

        bad[offsets[o]] ^= 0x5a;
        rewrite_snapshot (snapshot, bad, len);
        set = load (store);
        g_assert_false (_roster_user_set_is_mapped (set));
        assert_sets_equal (reference, set);
      }
  }
  {
    g_autofree char *noise = g_malloc (len);
    g_autoptr(RosterUserSet) set = NULL;
    GRand *rand = g_rand_new_with_seed (3);

    for (gsize i = 0; i < len; i++)
      noise[i] = (char) g_rand_int (rand);
    g_rand_free (rand);
    rewrite_snapshot (snapshot, noise, len);
    set = load (store);
    g_assert_false (_roster_user_set_is_mapped (set));
    assert_sets_equal (reference, set);
  }

  /* After all that, a good snapshot is written again and used. */
  {
    g_autoptr(RosterUserSet) set = load (store);

    g_assert_true (_roster_user_set_is_mapped (set));
    assert_sets_equal (reference, set);
  }

  close_store (store);
}


/* Packed columns ----------------------------------------------------------- */

static void
test_pack (void)
{
  const char *values[] = { "plain", "", "tab\there", "new\nline", "back\\slash\\t", "\\",
                           "ünïcødé ✓", "trailing\\" };
  g_autoptr(GString) packed = g_string_new (NULL);
  g_autoptr(GString) scratch = g_string_new (NULL);
  const char *cursor;
  const char *fields[3];
  guint n = 0;

  /* Entries of three fields each: every value in the middle field. */
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      if (i > 0)
        g_string_append_c (packed, '\n');
      _roster_store_pack_field (packed, "a");
      g_string_append_c (packed, '\t');
      _roster_store_pack_field (packed, values[i]);
      g_string_append_c (packed, '\t');
      _roster_store_pack_field (packed, values[G_N_ELEMENTS (values) - 1 - i]);
    }
  g_assert_null (strchr (packed->str, '\r'));

  cursor = packed->str;
  while (_roster_store_unpack_next (&cursor, scratch, fields, 3))
    {
      g_assert_cmpstr (fields[0], ==, "a");
      g_assert_cmpstr (fields[1], ==, values[n]);
      g_assert_cmpstr (fields[2], ==, values[G_N_ELEMENTS (values) - 1 - n]);
      n++;
    }
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (values));

  /* Missing trailing fields read as empty, extra ones are ignored. */
  cursor = "one\ntwo\tthree\tfour";
  g_assert_true (_roster_store_unpack_next (&cursor, scratch, fields, 2));
  g_assert_cmpstr (fields[0], ==, "one");
  g_assert_cmpstr (fields[1], ==, "");
  g_assert_true (_roster_store_unpack_next (&cursor, scratch, fields, 2));
  g_assert_cmpstr (fields[0], ==, "two");
  g_assert_cmpstr (fields[1], ==, "three");
  g_assert_false (_roster_store_unpack_next (&cursor, scratch, fields, 2));

  cursor = NULL;
  g_assert_false (_roster_store_unpack_next (&cursor, scratch, fields, 2));
  cursor = "";
  g_assert_false (_roster_store_unpack_next (&cursor, scratch, fields, 2));
}

/* An account the API returns twice (a page boundary moved during the sync):
 * the later row wins, in the table and in the set. Also odd characters in the
 * packed lists survive the store. */
static void
test_repeated_account (void)
{
  g_autofree char *path = make_path ("repeated.db");
  g_autofree char *id = account_id_for (3);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) page1 = make_users (0, 10, 1);
  g_autoptr(GPtrArray) page2 = make_users (10, 10, 1);
  g_autoptr(RosterUserSet) committed = NULL;
  g_autoptr(RosterUserSet) set = NULL;
  g_autoptr(RosterUser) again = roster_user_new (id, "Moved\tacross\npages", NULL,
                                                 ROSTER_ACCOUNT_TYPE_ATLASSIAN,
                                                 ROSTER_STATUS_ACTIVE, ROSTER_CLAIM_MANAGED);
  g_autoptr(RosterUser) one = NULL;
  RosterStore *store = open_store (path);
  RosterGroupRef *ref;
  int row;

  roster_user_add_product (again, "jira-software", RES_JIRA, 1750000000);
  roster_user_add_group (again, "gid\\with\tescapes", "name\nwith\\escapes");
  g_ptr_array_add (page2, g_object_ref (again));

  g_assert_true (roster_store_sync_begin_sync (store, NULL, &error));
  g_assert_true (roster_store_sync_stage_sync (store, page1, NULL, &error));
  g_assert_true (roster_store_sync_stage_sync (store, page2, NULL, &error));
  g_assert_true (roster_store_sync_commit_sync (store, 2, &committed, NULL, &error));
  g_assert_no_error (error);
  /* No set was handed back: it has to come from the table. */
  g_assert_null (committed);

  set = roster_store_load_users_sync (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (roster_user_set_get_n_users (set), ==, 20);
  row = roster_user_set_lookup (set, id);
  g_assert_cmpint (row, >=, 0);
  g_assert_cmpstr (roster_user_set_get_name (set, row), ==, "Moved\tacross\npages");
  g_assert_cmpint (roster_user_set_get_product_last_active (set, row, ROSTER_PRODUCT_JIRA), ==,
                   1750000000);
  g_assert_cmpint (roster_user_set_get_product_last_active (set, row, ROSTER_PRODUCT_CONFLUENCE),
                   ==, -1);
  g_assert_cmpstr (roster_user_set_get_group_names (set, row)[0], ==, "name\nwith\\escapes");
  assert_user_matches (set, 4, 1);
  assert_user_matches (set, 19, 1);

  one = roster_store_load_user_sync (store, id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (roster_user_get_groups (one)->len, ==, 1);
  ref = g_ptr_array_index (roster_user_get_groups (one), 0);
  g_assert_cmpstr (ref->id, ==, "gid\\with\tescapes");
  g_assert_cmpstr (ref->name, ==, "name\nwith\\escapes");
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM users"), ==, 20);

  close_store (store);
  assert_integrity (path);
}

/* A file of schema 1 (a row per product and per group) is converted in place. */
static void
test_migrate_v1 (void)
{
  g_autofree char *path = make_path ("v1.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterUserSet) set = NULL;
  g_autoptr(RosterUser) one = NULL;
  RosterStore *store;
  sqlite3 *db = NULL;
  int row;

  /* A schema 2 file taken back to schema 1 by hand: the other tables are alike. */
  store = open_store (path);
  g_assert_true (roster_store_set_setting_sync (store, "kept", "yes", &error));
  close_store (store);

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
    "DROP TABLE users; DROP TABLE resources;"
    "CREATE TABLE users (account_id TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL DEFAULT '',"
    " email TEXT, nickname TEXT, account_type TEXT NOT NULL, status TEXT NOT NULL,"
    " account_status TEXT, membership_status TEXT, claim TEXT NOT NULL, management_source TEXT,"
    " added_to_org INTEGER NOT NULL DEFAULT 0, is_org_admin INTEGER NOT NULL DEFAULT 0,"
    " billable INTEGER NOT NULL DEFAULT 0, last_active INTEGER NOT NULL DEFAULT 0,"
    " platform_roles TEXT) WITHOUT ROWID;"
    "CREATE TABLE user_products (account_id TEXT NOT NULL, product_key TEXT NOT NULL,"
    " product INTEGER NOT NULL, resource_id TEXT NOT NULL, last_active INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY (account_id, resource_id)) WITHOUT ROWID;"
    "CREATE TABLE user_groups (account_id TEXT NOT NULL, group_id TEXT NOT NULL,"
    " group_name TEXT NOT NULL DEFAULT '', PRIMARY KEY (account_id, group_id)) WITHOUT ROWID;"
    "INSERT INTO users VALUES ('a1', 'Ada', 'ada@example.com', NULL, 'atlassian', 'active',"
    " 'active', NULL, 'managed', NULL, 0, 1, 1, 1700000500, 'atlassian/org-admin');"
    "INSERT INTO users VALUES ('b2', 'Bo', NULL, NULL, 'app', 'active', 'active', NULL,"
    " 'unmanaged', NULL, 0, 0, 0, 0, NULL);"
    "INSERT INTO user_products VALUES ('a1', 'jira-software', 0, '" RES_JIRA "', 1700000500);"
    "INSERT INTO user_products VALUES ('a1', 'confluence', 2, '" RES_CONF "', 1600000000);"
    "INSERT INTO user_groups VALUES ('a1', 'g-1', 'tab	here');"
    "INSERT INTO user_groups VALUES ('a1', 'g-2', 'admins');"
    "PRAGMA user_version = 1;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = open_store (path);
  g_assert_cmpint (raw_int (path, "PRAGMA user_version"), ==, 2);
  {
    g_autofree char *kept = roster_store_get_setting_sync (store, "kept", &error);
    g_assert_cmpstr (kept, ==, "yes");
  }

  set = roster_store_load_users_sync (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (roster_user_set_get_n_users (set), ==, 2);
  row = roster_user_set_lookup (set, "a1");
  g_assert_cmpint (row, >=, 0);
  g_assert_cmpint (roster_user_set_get_product_last_active (set, row, ROSTER_PRODUCT_JIRA), ==,
                   1700000500);
  g_assert_cmpint (roster_user_set_get_product_last_active (set, row, ROSTER_PRODUCT_CONFLUENCE),
                   ==, 1600000000);
  g_assert_cmpint (roster_user_set_get_product_last_active (set, row, ROSTER_PRODUCT_JSM), ==, -1);
  g_assert_true (roster_user_set_is_org_admin (set, row));
  g_assert_cmpuint (g_strv_length ((char **) roster_user_set_get_group_names (set, row)), ==, 2);
  g_assert_true (g_strv_contains (roster_user_set_get_group_names (set, row), "tab\there"));
  g_assert_cmpstr (roster_user_set_get_resource_id (set, ROSTER_PRODUCT_JIRA), ==, RES_JIRA);
  row = roster_user_set_lookup (set, "b2");
  g_assert_cmpint (row, >=, 0);
  g_assert_true (roster_user_set_get_group_names (set, row) == NULL ||
                 roster_user_set_get_group_names (set, row)[0] == NULL);

  one = roster_store_load_user_sync (store, "a1", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (roster_user_get_products (one)->len, ==, 2);
  g_assert_cmpstr (((RosterProductAccess *) g_ptr_array_index (roster_user_get_products (one), 0))->key,
                   ==, "jira-software");
  g_assert_cmpstr (((RosterGroupRef *) g_ptr_array_index (roster_user_get_groups (one), 1))->name,
                   ==, "tab\there");

  /* The resources table came along: granting reuses the API's product key. */
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM resources"), ==, 2);

  close_store (store);
  assert_integrity (path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/roster/store/migrate-and-reopen", test_migrate_and_reopen);
  g_test_add_func ("/roster/store/default-path", test_default_path);
  g_test_add_func ("/roster/store/newer-version", test_newer_version);
  g_test_add_func ("/roster/store/not-a-database", test_not_a_database);
  g_test_add_func ("/roster/store/read-only", test_read_only);
  g_test_add_func ("/roster/store/round-trip", test_round_trip);
  g_test_add_func ("/roster/store/abort-keeps-previous", test_abort_keeps_previous);
  g_test_add_func ("/roster/store/async", test_async);
  g_test_add_func ("/roster/store/settings", test_settings);
  g_test_add_func ("/roster/store/protected", test_protected);
  g_test_add_func ("/roster/store/update-user", test_update_user);
  g_test_add_func ("/roster/store/wipe-keeps-audit", test_wipe_keeps_audit);
  g_test_add_func ("/roster/store/export-json", test_export_json);
  g_test_add_func ("/roster/store/run-without-main-loop", test_run_sync_without_main_loop);
  g_test_add_func ("/roster/store/snapshot-round-trip", test_snapshot_round_trip);
  g_test_add_func ("/roster/store/snapshot-stale", test_snapshot_stale);
  g_test_add_func ("/roster/store/snapshot-corrupt", test_snapshot_corrupt);
  g_test_add_func ("/roster/store/pack", test_pack);
  g_test_add_func ("/roster/store/repeated-account", test_repeated_account);
  g_test_add_func ("/roster/store/migrate-v1", test_migrate_v1);
  g_test_add_func ("/roster/store/performance", test_performance);

  return g_test_run ();
}
