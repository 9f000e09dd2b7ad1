/* roster-store.c
 *
 * One SQLite file per organization. A single worker thread owns the connection
 * and runs queued jobs in FIFO order; async calls complete on the caller's
 * main context (GTask), _sync calls block on a GCond, so they also work in a
 * thread without a main loop (rosterctl).
 *
 * Schema (PRAGMA user_version = 2)
 * --------------------------------
 * meta (key TEXT PK, value TEXT)                                  WITHOUT ROWID
 *   Non-secret facts: org_id, org_name, directory_id, admin_url; sync_synced_at,
 *   sync_n_users, sync_n_pages; audit_head_id, audit_head_hash (audit chain head);
 *   users_generation, bumped in the transaction of every write to users. After a
 *   sync or a load from SQLite the frozen set is written next to the file as
 *   <org-id>.users for that generation (roster-user-set-private.h); a load whose
 *   generation matches maps that file instead of scanning the table.
 * users (account_id TEXT UNIQUE, name, email NULL, nickname, account_type, status,
 *        account_status, membership_status, claim, management_source,
 *        added_to_org INT, is_org_admin INT, billable INT, last_active INT,
 *        platform_roles TEXT (newline-separated),
 *        product_access TEXT (packed: key, product INT, resource id, last active),
 *        group_memberships TEXT (packed: group id, group name))
 *   One row per user; the packed lists are described at _roster_store_pack_field().
 *   Enums are stored as their stable nicks ("active", "atlassian", "managed").
 *   A rowid table: a sync appends to users_staging and the commit swaps the two
 *   by name (the previous table is dropped, and the unique index built, right after).
 * resources (resource_id PK, product INT, product_key)             WITHOUT ROWID
 *   The product workspaces seen by the last sync, with the API's product key.
 * settings (key TEXT PK, value TEXT)                              WITHOUT ROWID
 * protected_accounts (account_id PK, reason 'manual'|'org-admin', note, added_at INT)
 * protected_removals (account_id PK, removed_at INT)
 *   Explicit removals, so that protecting org admins again after a resync does
 *   not bring back a protection the admin took away.
 * audit (id INTEGER PK AUTOINCREMENT, time TEXT (ISO 8601 UTC, ms), os_user,
 *        org_id, action, target, outcome, http_status INT, job_id, detail,
 *        prev_hash, hash)  — see roster-audit.c for the chain.
 * jobs (id TEXT PK, action, params TEXT (JSON), state, created_at INT,
 *       updated_at INT, n_targets INT, canary INT, os_user, message)
 * job_targets (job_id → jobs ON DELETE CASCADE, seq INT, account_id,
 *       state 'pending'|'done'|'failed'|'skipped', http_status INT, message,
 *       before_state, updated_at INT, PK (job_id, account_id))
 *   The bulk-job journal; the engine lives in roster-bulk.c.
 */
#define G_LOG_DOMAIN "roster-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "roster-store.h"
#include "roster-async-private.h"
#include "roster-error.h"
#include "roster-store-private.h"
#include "roster-user-set-private.h"

#define STORE_SCHEMA_VERSION 2

/* ------------------------------------------------------------------------- */
/* Schema                                                                     */

/* The users columns after account_id, common to schemas 1 and 2. */
#define USERS_DETAIL_COLUMNS_SQL \
  " name TEXT NOT NULL DEFAULT ''," \
  " email TEXT," \
  " nickname TEXT," \
  " account_type TEXT NOT NULL," \
  " status TEXT NOT NULL," \
  " account_status TEXT," \
  " membership_status TEXT," \
  " claim TEXT NOT NULL," \
  " management_source TEXT," \
  " added_to_org INTEGER NOT NULL DEFAULT 0," \
  " is_org_admin INTEGER NOT NULL DEFAULT 0," \
  " billable INTEGER NOT NULL DEFAULT 0," \
  " last_active INTEGER NOT NULL DEFAULT 0," \
  " platform_roles TEXT"

#define CACHE_TABLES_SQL(sfx) \
  "CREATE TABLE users" sfx " (" \
  " account_id TEXT NOT NULL PRIMARY KEY," \
  USERS_DETAIL_COLUMNS_SQL \
  ") WITHOUT ROWID;" \
  "CREATE TABLE user_products" sfx " (" \
  " account_id TEXT NOT NULL," \
  " product_key TEXT NOT NULL," \
  " product INTEGER NOT NULL," \
  " resource_id TEXT NOT NULL," \
  " last_active INTEGER NOT NULL DEFAULT 0," \
  " PRIMARY KEY (account_id, resource_id)" \
  ") WITHOUT ROWID;" \
  "CREATE TABLE user_groups" sfx " (" \
  " account_id TEXT NOT NULL," \
  " group_id TEXT NOT NULL," \
  " group_name TEXT NOT NULL DEFAULT ''," \
  " PRIMARY KEY (account_id, group_id)" \
  ") WITHOUT ROWID;"

static const char schema_v1[] =
  "CREATE TABLE meta (key TEXT NOT NULL PRIMARY KEY, value TEXT) WITHOUT ROWID;"
  CACHE_TABLES_SQL ("")
  "CREATE TABLE settings (key TEXT NOT NULL PRIMARY KEY, value TEXT) WITHOUT ROWID;"
  "CREATE TABLE protected_accounts ("
  " account_id TEXT NOT NULL PRIMARY KEY,"
  " reason TEXT NOT NULL CHECK (reason IN ('manual', 'org-admin')),"
  " note TEXT,"
  " added_at INTEGER NOT NULL"
  ");"
  "CREATE TABLE protected_removals ("
  " account_id TEXT NOT NULL PRIMARY KEY,"
  " removed_at INTEGER NOT NULL"
  ");"
  "CREATE TABLE audit ("
  " id INTEGER PRIMARY KEY AUTOINCREMENT,"
  " time TEXT NOT NULL,"
  " os_user TEXT,"
  " org_id TEXT,"
  " action TEXT NOT NULL,"
  " target TEXT,"
  " outcome TEXT,"
  " http_status INTEGER NOT NULL DEFAULT 0,"
  " job_id TEXT,"
  " detail TEXT,"
  " prev_hash TEXT NOT NULL,"
  " hash TEXT NOT NULL"
  ");"
  "CREATE INDEX audit_time ON audit (time);"
  "CREATE INDEX audit_action ON audit (action, time);"
  "CREATE TABLE jobs ("
  " id TEXT NOT NULL PRIMARY KEY,"
  " action TEXT NOT NULL,"
  " params TEXT,"
  " state TEXT NOT NULL,"
  " created_at INTEGER NOT NULL,"
  " updated_at INTEGER NOT NULL,"
  " n_targets INTEGER NOT NULL DEFAULT 0,"
  " canary INTEGER NOT NULL DEFAULT 0,"
  " os_user TEXT,"
  " message TEXT"
  ");"
  "CREATE TABLE job_targets ("
  " job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,"
  " seq INTEGER NOT NULL,"
  " account_id TEXT NOT NULL,"
  " state TEXT NOT NULL DEFAULT 'pending'"
  "   CHECK (state IN ('pending', 'done', 'failed', 'skipped')),"
  " http_status INTEGER NOT NULL DEFAULT 0,"
  " message TEXT,"
  " before_state TEXT,"
  " updated_at INTEGER NOT NULL DEFAULT 0,"
  " PRIMARY KEY (job_id, account_id)"
  ");"
  "CREATE INDEX job_targets_seq ON job_targets (job_id, seq);";

/* Schema 2: one row per user. Products and groups move into packed columns of
 * users (see _roster_store_pack_field()), the table becomes a rowid table with a
 * unique index on account_id, and the resources seen in the last sync get a
 * table of their own. */
#define USERS_TABLE_COLUMNS_SQL \
  " account_id TEXT NOT NULL," \
  USERS_DETAIL_COLUMNS_SQL "," \
  " product_access TEXT," \
  " group_memberships TEXT"

/* SQL spelling of _roster_store_pack_field(). */
#define PACK_SQL(x) \
  "replace (replace (replace (" x ", '\\', '\\\\'), char (9), '\\t'), char (10), '\\n')"

static const char schema_v2[] =
  "CREATE TABLE resources ("
  " resource_id TEXT NOT NULL PRIMARY KEY,"
  " product INTEGER NOT NULL,"
  " product_key TEXT NOT NULL"
  ") WITHOUT ROWID;"
  "INSERT OR IGNORE INTO resources (resource_id, product, product_key)"
  " SELECT resource_id, product, product_key FROM user_products;"
  "CREATE TABLE users_v2 (" USERS_TABLE_COLUMNS_SQL ");"
  "INSERT INTO users_v2 SELECT u.*,"
  " (SELECT group_concat (" PACK_SQL ("p.product_key") " || char (9) || p.product || char (9) || "
  PACK_SQL ("p.resource_id") " || char (9) || p.last_active, char (10))"
  "  FROM user_products p WHERE p.account_id = u.account_id),"
  " (SELECT group_concat (" PACK_SQL ("g.group_id") " || char (9) || " PACK_SQL ("g.group_name")
  ", char (10))"
  "  FROM user_groups g WHERE g.account_id = u.account_id)"
  " FROM users u ORDER BY u.account_id;"
  "DROP TABLE users;"
  "DROP TABLE user_products;"
  "DROP TABLE user_groups;"
  "DROP TABLE IF EXISTS users_staging;"
  "DROP TABLE IF EXISTS user_products_staging;"
  "DROP TABLE IF EXISTS user_groups_staging;"
  "ALTER TABLE users_v2 RENAME TO users;"
  "CREATE UNIQUE INDEX users_account_id ON users (account_id);";

/* migrations[i] brings a file from user_version i to i + 1. */
static const char * const migrations[] = {
  schema_v1,
  schema_v2,
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == STORE_SCHEMA_VERSION);

/* ------------------------------------------------------------------------- */
/* Worker                                                                     */

typedef struct _Worker Worker;
typedef gboolean (*WorkerFunc) (Worker    *w,
                                gpointer   data,
                                gpointer  *out_result,
                                GError   **error);

struct _Worker
{
  gint          ref_count;
  GAsyncQueue  *queue;         /* (owned) of Job */
  GThread      *thread;        /* (owned) */
  char         *path;

  /* Only touched on the worker thread. */
  sqlite3       *db;
  sqlite3_stmt  *stage_user;
  guint          stage_count;      /* rows in users_staging */
  GHashTable    *stage_resources;  /* resource id → StagedResource */
  GPtrArray     *stage_admins;     /* account ids of org admins */
  RosterUserSet *stage_set;        /* the set being built */
  const char    *stage_known[8];   /* resource ids of the batch being staged already saved */
  guint          stage_n_known;
  guint          staging : 1;
  guint          stage_repeated : 1; /* an account came twice: users_staging has repeats */
};

typedef struct
{
  GMutex    mutex;
  GCond     cond;
  gboolean  done;
  gpointer  result;
  GError   *error;
} Waiter;

typedef struct
{
  WorkerFunc      func;        /* NULL = stop the thread */
  gpointer        data;
  GDestroyNotify  data_free;
  GDestroyNotify  result_free;
  gboolean        needs_db;
  GTask          *task;        /* (nullable) async */
  Waiter         *waiter;      /* (nullable) sync */
  GCancellable   *cancellable; /* (nullable) sync */
} Job;

struct _RosterStore
{
  GObject  parent_instance;

  char    *path;
  Worker  *worker;   /* (nullable) running while open */
};

G_DEFINE_FINAL_TYPE (RosterStore, roster_store, G_TYPE_OBJECT)

static Worker *
worker_ref (Worker *w)
{
  g_atomic_int_inc (&w->ref_count);
  return w;
}

static void
worker_finalize_statements (Worker *w)
{
  g_clear_pointer (&w->stage_user, sqlite3_finalize);
}

static void worker_clear_staging (Worker *w);

static void
worker_unref (Worker *w)
{
  if (!g_atomic_int_dec_and_test (&w->ref_count))
    return;

  worker_clear_staging (w);
  if (w->db != NULL)
    sqlite3_close_v2 (w->db);
  g_async_queue_unref (w->queue);
  g_free (w->path);
  g_free (w);
}

static void
job_free (Job *job)
{
  if (job->data_free != NULL && job->data != NULL)
    job->data_free (job->data);
  g_clear_object (&job->task);
  g_clear_object (&job->cancellable);
  g_free (job);
}

static void
job_complete (Job      *job,
              gboolean  ok,
              gpointer  result,
              GError   *error)
{
  if (job->task != NULL)
    {
      if (ok)
        g_task_return_pointer (job->task, result, job->result_free);
      else
        g_task_return_error (job->task, error);
    }
  else if (job->waiter != NULL)
    {
      Waiter *waiter = job->waiter;

      g_mutex_lock (&waiter->mutex);
      waiter->result = ok ? result : NULL;
      waiter->error = ok ? NULL : error;
      waiter->done = TRUE;
      g_cond_signal (&waiter->cond);
      g_mutex_unlock (&waiter->mutex);
    }
  else
    {
      /* Fire and forget (sync_abort). */
      if (ok && result != NULL && job->result_free != NULL)
        job->result_free (result);
      if (error != NULL)
        {
          g_debug ("Background store job failed: %s", error->message);
          g_error_free (error);
        }
    }
}

static gpointer
worker_thread_func (gpointer user_data)
{
  Worker *w = user_data;

  _roster_thread_set_background ();

  for (;;)
    {
      Job *job = g_async_queue_pop (w->queue);
      GCancellable *cancellable;
      GError *error = NULL;
      gpointer result = NULL;
      gboolean ok;

      if (job->func == NULL)
        {
          job_complete (job, TRUE, NULL, NULL);
          job_free (job);
          break;
        }

      cancellable = job->task != NULL ? g_task_get_cancellable (job->task) : job->cancellable;

      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        ok = FALSE;
      else if (job->needs_db && w->db == NULL)
        {
          g_set_error_literal (&error, ROSTER_ERROR, ROSTER_ERROR_CACHE,
                               "The cache is not open");
          ok = FALSE;
        }
      else
        ok = job->func (w, job->data, &result, &error);

      if (!ok && error == NULL)
        g_set_error_literal (&error, ROSTER_ERROR, ROSTER_ERROR_FAILED,
                             "A cache operation failed without saying why");

      job_complete (job, ok, result, error);
      job_free (job);
    }

  /* Closing in the middle of a sync: the staging table is dropped at the next open. */
  worker_clear_staging (w);
  g_clear_pointer (&w->db, sqlite3_close_v2);
  worker_unref (w);

  return NULL;
}

static Worker *
worker_new (const char *path)
{
  Worker *w = g_new0 (Worker, 1);

  w->ref_count = 1;
  w->path = g_strdup (path);
  w->queue = g_async_queue_new ();
  w->thread = g_thread_new ("roster-store", worker_thread_func, worker_ref (w));

  return w;
}

/* Stops the worker after the jobs already queued. */
static void
worker_stop (Worker *w)
{
  Job *job = g_new0 (Job, 1);
  GThread *thread = g_steal_pointer (&w->thread);

  g_async_queue_push (w->queue, job);

  if (g_thread_self () == thread)
    /* The last reference to the store was dropped by a job on the worker
     * itself: let the thread end on its own. */
    g_thread_unref (thread);
  else
    g_thread_join (thread);

  worker_unref (w);
}

static void
push_async (RosterStore         *self,
            WorkerFunc           func,
            gpointer             data,
            GDestroyNotify       data_free,
            GDestroyNotify       result_free,
            gboolean             needs_db,
            gpointer             source_tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  /* Report what really happened: a commit that ran is not "cancelled". */
  g_task_set_check_cancellable (task, FALSE);

  if (self->worker == NULL)
    {
      if (data_free != NULL && data != NULL)
        data_free (data);
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_CACHE, "The cache is not open");
      return;
    }

  job = g_new0 (Job, 1);
  job->func = func;
  job->data = data;
  job->data_free = data_free;
  job->result_free = result_free;
  job->needs_db = needs_db;
  job->task = g_steal_pointer (&task);
  g_async_queue_push (self->worker->queue, job);
}

static gpointer
run_sync (RosterStore     *self,
          WorkerFunc       func,
          gpointer         data,
          GDestroyNotify   data_free,
          gboolean         needs_db,
          GCancellable    *cancellable,
          GError         **error)
{
  Waiter waiter = { 0 };
  gpointer result;
  Job *job;

  if (self->worker == NULL)
    {
      if (data_free != NULL && data != NULL)
        data_free (data);
      g_set_error_literal (error, ROSTER_ERROR, ROSTER_ERROR_CACHE, "The cache is not open");
      return NULL;
    }

  if (g_thread_self () == self->worker->thread)
    {
      g_critical ("A blocking store call was made from the store thread");
      if (data_free != NULL && data != NULL)
        data_free (data);
      g_set_error_literal (error, ROSTER_ERROR, ROSTER_ERROR_FAILED,
                           "Blocking store call from the store thread");
      return NULL;
    }

  g_mutex_init (&waiter.mutex);
  g_cond_init (&waiter.cond);

  job = g_new0 (Job, 1);
  job->func = func;
  job->data = data;
  job->data_free = data_free;
  job->needs_db = needs_db;
  job->waiter = &waiter;
  job->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;

  g_mutex_lock (&waiter.mutex);
  g_async_queue_push (self->worker->queue, job);
  while (!waiter.done)
    g_cond_wait (&waiter.cond, &waiter.mutex);
  g_mutex_unlock (&waiter.mutex);

  result = waiter.result;
  if (waiter.error != NULL)
    g_propagate_error (error, waiter.error);

  g_mutex_clear (&waiter.mutex);
  g_cond_clear (&waiter.cond);

  return result;
}

static gpointer
finish_pointer (RosterStore   *self,
                GAsyncResult  *result,
                gpointer       source_tag,
                GError       **error)
{
  g_return_val_if_fail (ROSTER_IS_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
finish_boolean (RosterStore   *self,
                GAsyncResult  *result,
                gpointer       source_tag,
                GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  finish_pointer (self, result, source_tag, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

static gboolean
run_sync_boolean (RosterStore     *self,
                  WorkerFunc       func,
                  gpointer         data,
                  GDestroyNotify   data_free,
                  GCancellable    *cancellable,
                  GError         **error)
{
  g_autoptr(GError) local_error = NULL;

  run_sync (self, func, data, data_free, TRUE, cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------- */
/* SQL helpers                                                                */

static gboolean
prepare (sqlite3       *db,
         const char    *sql,
         sqlite3_stmt **stmt,
         GError       **error)
{
  int rc = sqlite3_prepare_v2 (db, sql, -1, stmt, NULL);

  if (rc != SQLITE_OK)
    return _roster_store_fail (error, db, rc, "Reading the cache");
  return TRUE;
}

static gboolean
step_done (sqlite3       *db,
           sqlite3_stmt  *stmt,
           const char    *what,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return _roster_store_fail (error, db, rc, what);
  return TRUE;
}

static void
rollback (sqlite3 *db)
{
  if (!sqlite3_get_autocommit (db))
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
}

static gint64
query_int64 (sqlite3     *db,
             const char  *sql,
             gint64       fallback)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = fallback;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return fallback;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return value;
}

/* Every write to users runs this in its transaction:
 * the loaded-set snapshot (roster-user-set-private.h) is only used while its
 * generation equals this counter. It starts at a random value, so a new file
 * never matches a snapshot left by an older one. */
#define BUMP_USERS_GENERATION_SQL \
  "INSERT INTO meta (key, value) VALUES ('users_generation', abs (random () % 1000000000000) + 1)" \
  " ON CONFLICT (key) DO UPDATE SET value = CAST (value AS INTEGER) + 1;"

static guint64
users_generation (sqlite3 *db)
{
  gint64 value = query_int64 (db, "SELECT CAST (value AS INTEGER) FROM meta"
                                  " WHERE key = 'users_generation'", 0);

  return value > 0 ? (guint64) value : 0;
}

/* "<dir>/<org-id>.db" → "<dir>/<org-id>.users" */
static char *
dup_snapshot_path (const char *db_path)
{
  if (g_str_has_suffix (db_path, ".db"))
    {
      g_autofree char *base = g_strndup (db_path, strlen (db_path) - 3);

      return g_strconcat (base, ".users", NULL);
    }
  return g_strconcat (db_path, ".users", NULL);
}

static RosterClaim
claim_from_string (const char *str)
{
  return g_strcmp0 (str, "unmanaged") == 0 ? ROSTER_CLAIM_UNMANAGED : ROSTER_CLAIM_MANAGED;
}

/* ------------------------------------------------------------------------- */
/* Open                                                                       */

/* The unique index on users (account_id). A table that somehow holds an
 * account twice keeps its last row, as a sync does. */
static gboolean
ensure_users_index (sqlite3  *db,
                    GError  **error)
{
  static const char create_sql[] =
    "CREATE UNIQUE INDEX IF NOT EXISTS users_account_id ON users (account_id)";

  if (_roster_store_exec (db, create_sql, NULL))
    return TRUE;

  return _roster_store_exec (db,
                             "DELETE FROM users WHERE rowid NOT IN"
                             " (SELECT max (rowid) FROM users GROUP BY account_id)",
                             error) &&
         _roster_store_exec (db, create_sql, error);
}

static gboolean
open_func (Worker    *w,
           gpointer   data,
           gpointer  *out_result,
           GError   **error)
{
  g_autofree char *dir = g_path_get_dirname (w->path);
  sqlite3 *db = NULL;
  gint64 version;
  int rc;

  if (w->db != NULL)
    {
      *out_result = GINT_TO_POINTER (TRUE);
      return TRUE;
    }

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int errsv = errno;
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_CACHE,
                   "Creating the cache folder %s failed: %s", dir, g_strerror (errsv));
      return FALSE;
    }

  /* Create the file ourselves so it is private from the start; SQLite gives the
   * -wal and -shm files the same mode. */
  if (!g_file_test (w->path, G_FILE_TEST_EXISTS))
    {
      int fd = g_open (w->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

      if (fd < 0 && errno != EEXIST)
        {
          int errsv = errno;
          g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_CACHE,
                       "Creating the cache file %s failed: %s", w->path, g_strerror (errsv));
          return FALSE;
        }
      if (fd >= 0)
        close (fd);
    }

  rc = sqlite3_open_v2 (w->path, &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
                        NULL);
  if (rc != SQLITE_OK)
    {
      _roster_store_fail (error, db, rc, "Opening the cache");
      sqlite3_close_v2 (db);
      return FALSE;
    }

  /* SQLite silently falls back to read-only; a cache we cannot write is an error
   * the admin must see, and we must not touch such a file. */
  if (sqlite3_db_readonly (db, "main") == 1)
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_CACHE,
                   "Opening the cache failed: the cache file %s is read-only", w->path);
      sqlite3_close_v2 (db);
      return FALSE;
    }

  sqlite3_busy_timeout (db, 5000);
  sqlite3_extended_result_codes (db, 1);

  /* Reading first: a file that is not a database fails here, before anything
   * is written to it. */
  {
    sqlite3_stmt *stmt = NULL;

    rc = sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL);
    if (rc == SQLITE_OK)
      rc = sqlite3_step (stmt);
    if (rc != SQLITE_ROW)
      {
        _roster_store_fail (error, db, rc, "Opening the cache");
        sqlite3_finalize (stmt);
        sqlite3_close_v2 (db);
        return FALSE;
      }
    version = sqlite3_column_int64 (stmt, 0);
    sqlite3_finalize (stmt);
  }

  if (version > STORE_SCHEMA_VERSION)
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_CACHE,
                   "The cache file %s was created by a newer Roster (schema %" G_GINT64_FORMAT
                   ", this version knows %d); update Roster or remove the file",
                   w->path, version, STORE_SCHEMA_VERSION);
      sqlite3_close_v2 (db);
      return FALSE;
    }

  /* A new file gets 16 KB pages: a sync writes some 500 bytes per user, and
   * with 4 KB pages the WAL takes four times the frames, each a write of its
   * own (100,000 users: 7% less of the store's time). Only an empty file
   * takes the setting; an older cache keeps its pages. */
  if (version == 0 && !_roster_store_exec (db, "PRAGMA page_size = 16384", error))
    {
      sqlite3_close_v2 (db);
      return FALSE;
    }

  if (!_roster_store_exec (db,
                           "PRAGMA journal_mode = WAL;"
                           "PRAGMA synchronous = NORMAL;"
                           "PRAGMA foreign_keys = ON;"
                           "PRAGMA temp_store = MEMORY;"
                           "PRAGMA cache_size = -32768;"
                           /* A sync grows the WAL to about the size of the users;
                            * give the space back once it has been checkpointed. */
                           "PRAGMA journal_size_limit = 16777216;",
                           error))
    {
      sqlite3_close_v2 (db);
      return FALSE;
    }

  for (gint64 v = version; v < STORE_SCHEMA_VERSION; v++)
    {
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT,
                                                      v + 1);

      if (!_roster_store_exec (db, "BEGIN IMMEDIATE", error))
        {
          sqlite3_close_v2 (db);
          return FALSE;
        }
      if (!_roster_store_exec (db, migrations[v], error) ||
          !_roster_store_exec (db, set_version, error) ||
          !_roster_store_exec (db, "COMMIT", error))
        {
          g_prefix_error (error, "Upgrading the cache to schema %" G_GINT64_FORMAT ": ", v + 1);
          rollback (db);
          sqlite3_close_v2 (db);
          return FALSE;
        }
    }

  /* What a sync interrupted by the end of the process left behind, and the
   * index a swap had not built yet. */
  if (!_roster_store_exec (db,
                           "DROP TABLE IF EXISTS users_staging;"
                           "DROP TABLE IF EXISTS users_old;",
                           error) ||
      !ensure_users_index (db, error))
    {
      g_prefix_error (error, "Opening the cache: ");
      sqlite3_close_v2 (db);
      return FALSE;
    }

  w->db = db;
  *out_result = GINT_TO_POINTER (TRUE);
  return TRUE;
}

/* ------------------------------------------------------------------------- */
/* Generic run                                                                */

typedef struct
{
  RosterStoreFunc func;
  gpointer        data;
  GDestroyNotify  data_free;
} RunData;

static void
run_data_free (RunData *rd)
{
  if (rd->data_free != NULL && rd->data != NULL)
    rd->data_free (rd->data);
  g_free (rd);
}

static gboolean
run_func (Worker    *w,
          gpointer   data,
          gpointer  *out_result,
          GError   **error)
{
  RunData *rd = data;
  gboolean ok = rd->func (w->db, rd->data, out_result, error);

  /* Never leave a transaction open for the next job. */
  if (!ok)
    rollback (w->db);
  return ok;
}

static RunData *
run_data_new (RosterStoreFunc func,
              gpointer        data,
              GDestroyNotify  data_free)
{
  RunData *rd = g_new0 (RunData, 1);

  rd->func = func;
  rd->data = data;
  rd->data_free = data_free;
  return rd;
}

/* ------------------------------------------------------------------------- */
/* Sync staging                                                               */

/* A sync appends each page to users_staging, a plain rowid table of the main
 * database, in a transaction of its own: appending touches only the last pages
 * of the table, so the WAL grows by about the size of the data and the work
 * overlaps with fetching the next pages. Alongside, the worker builds the user
 * set the app will show, so nothing has to be read back after the commit.
 *
 * The commit swaps the tables by name in one transaction and returns at once;
 * dropping the previous table and indexing the new one run as the very next
 * job (see finish_swap_func), before anything else queued can read the table. */
typedef struct
{
  RosterUserSet *set;
  guint64        generation;
} SnapshotJob;

static void
snapshot_job_free (gpointer data)
{
  SnapshotJob *sj = data;

  g_clear_pointer (&sj->set, roster_user_set_unref);
  g_free (sj);
}

static gboolean
write_snapshot_func (Worker    *w,
                     gpointer   data,
                     gpointer  *out_result,
                     GError   **error)
{
  SnapshotJob *sj = data;
  g_autofree char *path = dup_snapshot_path (w->path);

  /* A write since the set was built makes it stale: leave the snapshot to the next load. */
  if (users_generation (w->db) != sj->generation)
    return TRUE;

  return _roster_user_set_write_snapshot (sj->set, path, sj->generation, STORE_SCHEMA_VERSION,
                                          error);
}

#define USERS_COLUMNS \
  "account_id, name, email, nickname, account_type, status, account_status," \
  " membership_status, claim, management_source, added_to_org, is_org_admin, billable," \
  " last_active, platform_roles, product_access, group_memberships"

typedef struct
{
  RosterProduct  product;
  char          *key;
} StagedResource;

static void
staged_resource_free (gpointer data)
{
  StagedResource *resource = data;

  g_free (resource->key);
  g_free (resource);
}

static void
worker_clear_staging (Worker *w)
{
  worker_finalize_statements (w);
  g_clear_pointer (&w->stage_resources, g_hash_table_unref);
  g_clear_pointer (&w->stage_admins, g_ptr_array_unref);
  g_clear_pointer (&w->stage_set, roster_user_set_unref);
  if (w->staging && w->db != NULL)
    _roster_store_exec (w->db, "PRAGMA wal_autocheckpoint = 1000", NULL);
  _roster_thread_leave_sync_cpu ();
  w->staging = FALSE;
  w->stage_repeated = FALSE;
  w->stage_count = 0;
}

static gboolean
sync_begin_func (Worker    *w,
                 gpointer   data,
                 gpointer  *out_result,
                 GError   **error)
{
  worker_clear_staging (w);

  if (!_roster_store_exec (w->db,
                           "DROP TABLE IF EXISTS users_staging;"
                           "CREATE TABLE users_staging (" USERS_TABLE_COLUMNS_SQL ");",
                           error))
    return FALSE;

  if (!prepare (w->db,
                "INSERT INTO users_staging (" USERS_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
                " ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
                &w->stage_user, error))
    {
      worker_clear_staging (w);
      return FALSE;
    }

  w->stage_resources = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              staged_resource_free);
  w->stage_admins = g_ptr_array_new_with_free_func (g_free);
  w->stage_set = roster_user_set_new ();
  /* No checkpoint between pages: copying the WAL back into the file (and
   * syncing it) would stall the pipeline several times per sync. The first
   * commit after the sync (finish_swap_func) folds it in once. */
  _roster_store_exec (w->db, "PRAGMA wal_autocheckpoint = 0", NULL);
  /* Beside the sync's parser, while the sync lasts. */
  _roster_thread_enter_sync_cpu ();
  w->staging = TRUE;
  *out_result = GINT_TO_POINTER (TRUE);
  return TRUE;
}

/* The platform roles column: one role per line. */
static void
join_roles (GString             *out,
            const char * const  *roles,
            guint                n_roles)
{
  for (guint i = 0; i < n_roles; i++)
    {
      if (i > 0)
        g_string_append_c (out, '\n');
      g_string_append (out, roles[i]);
    }
}

/* Appends a decimal integer (printf costs more than the rest of a row). */
static void
append_int (GString *out,
            gint64   value)
{
  char digits[24];
  guint n = 0;
  guint64 magnitude = value < 0 ? -(guint64) value : (guint64) value;

  do
    {
      digits[n++] = '0' + magnitude % 10;
      magnitude /= 10;
    }
  while (magnitude > 0);
  if (value < 0)
    g_string_append_c (out, '-');
  while (n > 0)
    g_string_append_c (out, digits[--n]);
}

/* One entry of the products column: key, product, resource id, last active
 * (Unix seconds). */
static void
pack_product (GString    *out,
              const char *key,
              int         product,
              const char *resource_id,
              gint64      last_active)
{
  _roster_store_pack_field (out, key);
  g_string_append_c (out, '\t');
  append_int (out, product);
  g_string_append_c (out, '\t');
  _roster_store_pack_field (out, resource_id);
  g_string_append_c (out, '\t');
  append_int (out, last_active);
}

static void
pack_products (GString                  *out,
               const RosterBatchProduct *products,
               guint                     n_products)
{
  for (guint i = 0; i < n_products; i++)
    {
      if (i > 0)
        g_string_append_c (out, '\n');
      pack_product (out, products[i].key, products[i].product, products[i].resource_id,
                    products[i].last_active);
    }
}

/* The groups column: id, name. */
static void
pack_groups (GString              *out,
             const RosterGroupRef *groups,
             guint                 n_groups)
{
  for (guint i = 0; i < n_groups; i++)
    {
      if (i > 0)
        g_string_append_c (out, '\n');
      _roster_store_pack_field (out, groups[i].id);
      g_string_append_c (out, '\t');
      _roster_store_pack_field (out, groups[i].name);
    }
}

/* Whether a resource id is saved already; within a batch an id met again is
 * the same pointer (see RosterUserBatch), so most checks compare pointers. */
static gboolean
staged_resource_known (Worker     *w,
                       const char *resource_id)
{
  gboolean known;

  for (guint i = 0; i < w->stage_n_known; i++)
    if (w->stage_known[i] == resource_id)
      return TRUE;

  known = g_hash_table_contains (w->stage_resources, resource_id);
  if (known && w->stage_n_known < G_N_ELEMENTS (w->stage_known))
    w->stage_known[w->stage_n_known++] = resource_id;
  return known;
}

void
roster_store_prepare_batch (RosterUserBatch *batch)
{
  g_autoptr(GString) buf = NULL;

  g_return_if_fail (batch != NULL);

  if (batch->store_ready)
    return;

  buf = g_string_sized_new (512);
  for (guint i = 0; i < batch->users->len; i++)
    {
      RosterBatchUser *user = &g_array_index (batch->users, RosterBatchUser, i);

      user->packed_products = user->packed_groups = user->packed_roles = NULL;
      if (user->n_products > 0)
        {
          g_string_truncate (buf, 0);
          pack_products (buf, roster_user_batch_get_products (batch, user), user->n_products);
          user->packed_products = g_string_chunk_insert_len (batch->strings, buf->str, buf->len);
        }
      if (user->n_groups > 0)
        {
          g_string_truncate (buf, 0);
          pack_groups (buf, roster_user_batch_get_groups (batch, user), user->n_groups);
          user->packed_groups = g_string_chunk_insert_len (batch->strings, buf->str, buf->len);
        }
      if (user->n_roles > 0)
        {
          g_string_truncate (buf, 0);
          join_roles (buf, roster_user_batch_get_roles (batch, user), user->n_roles);
          user->packed_roles = g_string_chunk_insert_len (batch->strings, buf->str, buf->len);
        }
    }
  batch->store_ready = TRUE;
}

static gboolean
stage_one (Worker           *w,
           RosterUserBatch  *batch,
           guint             index,
           GError          **error)
{
  sqlite3_stmt *s = w->stage_user;
  const RosterBatchUser *user = roster_user_batch_get_user (batch, index);
  const RosterBatchProduct *products = roster_user_batch_get_products (batch, user);
  const char *account_id = user->account_id;

  g_assert (batch->store_ready);

  sqlite3_bind_text (s, 1, account_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, user->name ? user->name : "", -1, SQLITE_STATIC);
  _roster_store_bind_text (s, 3, user->email);
  _roster_store_bind_text (s, 4, user->nickname);
  sqlite3_bind_text (s, 5, roster_account_type_to_string (user->account_type), -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 6, roster_status_to_string (user->status), -1, SQLITE_STATIC);
  _roster_store_bind_text (s, 7, user->account_status);
  _roster_store_bind_text (s, 8, user->membership_status);
  sqlite3_bind_text (s, 9, roster_claim_to_string (user->claim), -1, SQLITE_STATIC);
  _roster_store_bind_text (s, 10, user->management_source);
  sqlite3_bind_int64 (s, 11, user->added_to_org);
  sqlite3_bind_int (s, 12, user->org_admin ? 1 : 0);
  sqlite3_bind_int (s, 13, user->billable ? 1 : 0);
  sqlite3_bind_int64 (s, 14, user->last_active);
  _roster_store_bind_text (s, 15, user->packed_roles);
  _roster_store_bind_text (s, 16, user->packed_products);
  _roster_store_bind_text (s, 17, user->packed_groups);
  if (!step_done (w->db, s, "Saving users to the cache", error))
    return FALSE;

  w->stage_count++;

  for (guint i = 0; i < user->n_products; i++)
    {
      const RosterBatchProduct *access = &products[i];
      StagedResource *resource;

      if (access->resource_id == NULL || staged_resource_known (w, access->resource_id))
        continue;
      resource = g_new0 (StagedResource, 1);
      resource->product = access->product;
      resource->key = g_strdup (access->key != NULL ? access->key : "");
      g_hash_table_insert (w->stage_resources, g_strdup (access->resource_id), resource);
    }

  if (user->org_admin)
    g_ptr_array_add (w->stage_admins, g_strdup (account_id));

  /* The set keeps one row per account and tells when one comes again (rare:
   * a page boundary moved during the sync). The commit then keeps each
   * account's last row, and the set is read from the table instead. */
  if (!w->stage_repeated && !roster_user_set_append_batch (w->stage_set, batch, index))
    {
      g_debug ("Account %s came twice: the later row wins", account_id);
      w->stage_repeated = TRUE;
    }

  return TRUE;
}

static gboolean
sync_stage_func (Worker    *w,
                 gpointer   data,
                 gpointer  *out_result,
                 GError   **error)
{
  GPtrArray *batches = data;

  if (!w->staging)
    {
      g_set_error_literal (error, ROSTER_ERROR, ROSTER_ERROR_FAILED,
                           "Staging users without a sync in progress");
      return FALSE;
    }

  if (!_roster_store_exec (w->db, "BEGIN", error))
    return FALSE;

  for (guint b = 0; b < batches->len; b++)
    {
      RosterUserBatch *batch = g_ptr_array_index (batches, b);

      w->stage_n_known = 0;
      /* Made on the parse thread by a sync; here for batches made otherwise. */
      roster_store_prepare_batch (batch);
      roster_user_set_prepare_batch (batch);

      for (guint i = 0; i < roster_user_batch_get_n_users (batch); i++)
        {
          if (!stage_one (w, batch, i, error))
            {
              rollback (w->db);
              /* The rows already counted are gone with the transaction. */
              worker_clear_staging (w);
              return FALSE;
            }
        }
    }

  if (!_roster_store_exec (w->db, "COMMIT", error))
    {
      rollback (w->db);
      worker_clear_staging (w);
      return FALSE;
    }

  *out_result = GINT_TO_POINTER (TRUE);
  return TRUE;
}

/* What a commit hands back: the set built while staging (NULL when it has to
 * be read from the table instead). */
typedef struct
{
  RosterUserSet *set;
} CommitResult;

static void
commit_result_free (gpointer data)
{
  CommitResult *result = data;

  g_clear_pointer (&result->set, roster_user_set_unref);
  g_free (result);
}

static gboolean
save_resources (Worker  *w,
                GError **error)
{
  sqlite3_stmt *stmt = NULL;
  GHashTableIter iter;
  gpointer key, value;

  if (!_roster_store_exec (w->db, "DELETE FROM resources", error) ||
      !prepare (w->db,
                "INSERT INTO resources (resource_id, product, product_key) VALUES (?1, ?2, ?3)",
                &stmt, error))
    return FALSE;

  g_hash_table_iter_init (&iter, w->stage_resources);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      StagedResource *resource = value;

      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 2, resource->product);
      sqlite3_bind_text (stmt, 3, resource->key, -1, SQLITE_STATIC);
      if (!step_done (w->db, stmt, "Saving users to the cache", error))
        {
          sqlite3_finalize (stmt);
          return FALSE;
        }
    }

  sqlite3_finalize (stmt);
  return TRUE;
}

/* Org admins are protected by default, in the transaction that brings them in;
 * an explicit removal by the admin is remembered and respected. */
static gboolean
protect_staged_admins (Worker  *w,
                       GError **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (w->stage_admins->len == 0)
    return TRUE;

  if (!prepare (w->db,
                "INSERT INTO protected_accounts (account_id, reason, note, added_at)"
                " SELECT ?1, 'org-admin', NULL, ?2"
                " WHERE NOT EXISTS (SELECT 1 FROM protected_removals WHERE account_id = ?1)"
                " ON CONFLICT (account_id) DO NOTHING",
                &stmt, error))
    return FALSE;

  for (guint i = 0; i < w->stage_admins->len; i++)
    {
      sqlite3_bind_text (stmt, 1, g_ptr_array_index (w->stage_admins, i), -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, now);
      if (!step_done (w->db, stmt, "Protecting org admins", error))
        {
          sqlite3_finalize (stmt);
          return FALSE;
        }
    }

  sqlite3_finalize (stmt);
  return TRUE;
}

static gboolean finish_swap_func (Worker    *w,
                                  gpointer   data,
                                  gpointer  *out_result,
                                  GError   **error);

static gboolean
sync_commit_func (Worker    *w,
                  gpointer   data,
                  gpointer  *out_result,
                  GError   **error)
{
  guint n_pages = GPOINTER_TO_UINT (data);
  g_autofree char *synced_at = NULL;
  g_autofree char *n_users = NULL;
  g_autofree char *n_pages_str = NULL;
  CommitResult *result;
  SnapshotJob *sj;
  guint64 generation;
  Job *job;

  if (!w->staging)
    {
      g_set_error_literal (error, ROSTER_ERROR, ROSTER_ERROR_FAILED,
                           "Committing a sync that was not begun");
      return FALSE;
    }

  /* Statements on the staging table must be gone before it is renamed. */
  worker_finalize_statements (w);

  if (!_roster_store_exec (w->db, "BEGIN IMMEDIATE", error))
    goto fail_clear;

  /* Later pages win when the API returned an account twice. */
  if (w->stage_repeated &&
      !_roster_store_exec (w->db,
                           "DELETE FROM users_staging WHERE rowid NOT IN"
                           " (SELECT max(rowid) FROM users_staging GROUP BY account_id);",
                           error))
    goto fail;
  if (w->stage_repeated)
    w->stage_count = (guint) query_int64 (w->db, "SELECT count(*) FROM users_staging", 0);

  if (!_roster_store_exec (w->db,
                           "DROP TABLE IF EXISTS users_old;"
                           "ALTER TABLE users RENAME TO users_old;"
                           "ALTER TABLE users_staging RENAME TO users;",
                           error) ||
      !save_resources (w, error) ||
      !protect_staged_admins (w, error))
    goto fail;

  synced_at = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC);
  n_users = g_strdup_printf ("%u", w->stage_count);
  n_pages_str = g_strdup_printf ("%u", n_pages);

  if (!_roster_store_meta_set (w->db, "sync_synced_at", synced_at, error) ||
      !_roster_store_meta_set (w->db, "sync_n_users", n_users, error) ||
      !_roster_store_meta_set (w->db, "sync_n_pages", n_pages_str, error) ||
      !_roster_store_exec (w->db, BUMP_USERS_GENERATION_SQL, error))
    goto fail;

  generation = users_generation (w->db);

  if (!_roster_store_exec (w->db, "COMMIT", error))
    goto fail;

  result = g_new0 (CommitResult, 1);
  if (!w->stage_repeated)
    {
      result->set = g_steal_pointer (&w->stage_set);
      roster_user_set_freeze (result->set);
    }
  worker_clear_staging (w);

  /* Next in line, ahead of whatever was queued meanwhile: drop the old table,
   * index the new one, then write the snapshot of the set for the next launch. */
  sj = g_new0 (SnapshotJob, 1);
  sj->set = result->set != NULL ? roster_user_set_ref (result->set) : NULL;
  sj->generation = generation;
  job = g_new0 (Job, 1);
  job->func = finish_swap_func;
  job->data = sj;
  job->data_free = snapshot_job_free;
  job->needs_db = TRUE;
  g_async_queue_push_front (w->queue, job);

  *out_result = result;
  return TRUE;

fail:
  rollback (w->db);
fail_clear:
  worker_clear_staging (w);
  /* The rename happens only inside the rolled-back transaction: the previous
   * table is still "users". Drop what the failed sync staged. */
  _roster_store_exec (w->db, "DROP TABLE IF EXISTS users_staging;", NULL);
  return FALSE;
}

static gboolean
finish_swap_func (Worker    *w,
                  gpointer   data,
                  gpointer  *out_result,
                  GError   **error)
{
  SnapshotJob *sj = data;
  g_autoptr(GError) local_error = NULL;

  if (!_roster_store_exec (w->db,
                           "DROP TABLE IF EXISTS users_old;"
                           "CREATE UNIQUE INDEX IF NOT EXISTS users_account_id"
                           " ON users (account_id);",
                           &local_error))
    {
      /* Not fatal: lookups scan the table until the next open indexes it. */
      g_warning ("Indexing the synced users failed: %s", local_error->message);
      g_clear_error (&local_error);
    }

  if (sj->set != NULL && !write_snapshot_func (w, sj, out_result, &local_error))
    g_debug ("Writing the user set snapshot failed: %s", local_error->message);

  *out_result = GINT_TO_POINTER (TRUE);
  return TRUE;
}

static gboolean
sync_abort_func (Worker    *w,
                 gpointer   data,
                 gpointer  *out_result,
                 GError   **error)
{
  worker_clear_staging (w);
  rollback (w->db);

  return _roster_store_exec (w->db, "DROP TABLE IF EXISTS users_staging;", error);
}

/* ------------------------------------------------------------------------- */
/* Loading                                                                    */

/* Queues writing the snapshot of a set just loaded from SQLite behind the jobs already
 * waiting, so that the load's result is not delayed by it. */
static void
queue_snapshot_write (Worker        *w,
                      RosterUserSet *set,
                      guint64        generation)
{
  SnapshotJob *sj = g_new0 (SnapshotJob, 1);
  Job *job = g_new0 (Job, 1);

  sj->set = roster_user_set_ref (set);
  sj->generation = generation;
  job->func = write_snapshot_func;
  job->data = sj;
  job->data_free = snapshot_job_free;
  job->needs_db = TRUE;
  g_async_queue_push (w->queue, job);
}

static gboolean
load_users_func (Worker    *w,
                 gpointer   data,
                 gpointer  *out_result,
                 GError   **error)
{
  g_autoptr(RosterUserSet) set = roster_user_set_new ();
  sqlite3_stmt *stmt = NULL;
  GString *scratch = g_string_sized_new (256);
  GString *names = g_string_sized_new (256);
  GArray *offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  GPtrArray *ptrs = g_ptr_array_new ();
  gboolean have_resource[ROSTER_N_PRODUCTS] = { FALSE, };
  gboolean ok = FALSE;
  gboolean mapped = FALSE;
  guint64 generation = 0;
  int rc;

  /* A full scan gains nothing from the 32 MB page cache the writers use, and
   * filling it would add that much to the app's peak memory: read through a
   * small one and give the pages back afterwards. */
  _roster_store_exec (w->db, "PRAGMA cache_size = -1024", NULL);

  /* One read transaction, so the generation matches what is read. */
  if (!_roster_store_exec (w->db, "BEGIN", error))
    goto out;

  /* The snapshot of this very content, when there is one, replaces the scan. */
  generation = users_generation (w->db);
  if (generation != 0)
    {
      g_autofree char *path = dup_snapshot_path (w->path);
      g_autoptr(GError) snapshot_error = NULL;
      RosterUserSet *loaded;

      loaded = _roster_user_set_load_snapshot (path, generation, STORE_SCHEMA_VERSION,
                                               &snapshot_error);
      if (loaded != NULL)
        {
          roster_user_set_unref (set);
          set = loaded;
          mapped = ok = TRUE;
          goto out;
        }
      if (!g_error_matches (snapshot_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_debug ("%s", snapshot_error->message);
    }

  if (!prepare (w->db,
                "SELECT account_id, name, email, status, account_type, claim, is_org_admin,"
                " billable, product_access, group_memberships FROM users", &stmt, error))
    goto out;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      RosterUserRow row;
      const char *cursor;
      const char *fields[4];

      row.account_id = (const char *) sqlite3_column_text (stmt, 0);
      row.name = (const char *) sqlite3_column_text (stmt, 1);
      row.email = (const char *) sqlite3_column_text (stmt, 2);
      row.status = roster_status_from_string ((const char *) sqlite3_column_text (stmt, 3));
      row.account_type = roster_account_type_from_string ((const char *) sqlite3_column_text (stmt, 4));
      row.claim = claim_from_string ((const char *) sqlite3_column_text (stmt, 5));
      row.org_admin = sqlite3_column_int (stmt, 6) != 0;
      row.billable = sqlite3_column_int (stmt, 7) != 0;
      for (guint p = 0; p < ROSTER_N_PRODUCTS; p++)
        row.last_active[p] = -1;

      /* key, product, resource id, last active */
      cursor = (const char *) sqlite3_column_text (stmt, 8);
      while (_roster_store_unpack_next (&cursor, scratch, fields, 4))
        {
          gint64 product = g_ascii_strtoll (fields[1], NULL, 10);
          gint64 last = g_ascii_strtoll (fields[3], NULL, 10);

          if (product < 0 || product >= ROSTER_N_PRODUCTS)
            continue;
          row.last_active[product] = MAX (row.last_active[product], MAX (last, 0));
          if (!have_resource[product] && fields[2][0] != '\0')
            {
              roster_user_set_set_resource_id (set, product, fields[2]);
              have_resource[product] = TRUE;
            }
        }

      /* id, name: a group without a readable name shows its id. Both lists are
       * kept in one buffer as "name\0id\0" pairs. */
      g_string_truncate (names, 0);
      g_array_set_size (offsets, 0);
      g_ptr_array_set_size (ptrs, 0);
      cursor = (const char *) sqlite3_column_text (stmt, 9);
      while (_roster_store_unpack_next (&cursor, scratch, fields, 2))
        {
          gsize offset = names->len;

          g_array_append_val (offsets, offset);
          g_string_append (names, fields[1][0] != '\0' ? fields[1] : fields[0]);
          g_string_append_c (names, '\0');
          g_string_append (names, fields[0]);
          g_string_append_c (names, '\0');
        }
      if (offsets->len > 0)
        {
          guint n_groups = offsets->len;

          for (guint i = 0; i < n_groups; i++)
            g_ptr_array_add (ptrs, names->str + g_array_index (offsets, gsize, i));
          g_ptr_array_add (ptrs, NULL);
          for (guint i = 0; i < n_groups; i++)
            {
              const char *name = g_ptr_array_index (ptrs, i);

              g_ptr_array_add (ptrs, (gpointer) (name + strlen (name) + 1));
            }
          g_ptr_array_add (ptrs, NULL);
          row.group_names = (const char * const *) ptrs->pdata;
          row.group_ids = (const char * const *) ptrs->pdata + n_groups + 1;
        }
      else
        row.group_names = row.group_ids = NULL;

      roster_user_set_append_row (set, &row);
    }

  if (rc != SQLITE_DONE)
    {
      _roster_store_fail (error, w->db, rc, "Reading the cache");
      goto out;
    }

  ok = TRUE;

out:
  g_clear_pointer (&stmt, sqlite3_finalize);
  rollback (w->db);
  _roster_store_exec (w->db, "PRAGMA cache_size = -32768", NULL);
  sqlite3_db_release_memory (w->db);
  g_string_free (scratch, TRUE);
  g_string_free (names, TRUE);
  g_array_unref (offsets);
  g_ptr_array_unref (ptrs);

  if (!ok)
    return FALSE;

  if (!mapped)
    {
      roster_user_set_freeze (set);
      /* A cache written before snapshots existed has no generation yet. */
      if (generation == 0 && _roster_store_exec (w->db, BUMP_USERS_GENERATION_SQL, NULL))
        generation = users_generation (w->db);
      if (generation != 0)
        queue_snapshot_write (w, set, generation);
    }
  *out_result = g_steal_pointer (&set);
  return TRUE;
}

typedef struct
{
  char   *first;   /* product key, or group id */
  char   *second;  /* resource id, or group name */
  int     product;
  gint64  last_active;
} Unpacked;

static void
unpacked_clear (gpointer data)
{
  Unpacked *u = data;

  g_free (u->first);
  g_free (u->second);
}

static int
compare_products (gconstpointer a,
                  gconstpointer b)
{
  const Unpacked *x = a, *y = b;

  if (x->product != y->product)
    return x->product < y->product ? -1 : 1;
  return strcmp (x->second, y->second);
}

static int
compare_groups (gconstpointer a,
                gconstpointer b)
{
  const Unpacked *x = a, *y = b;

  return strcmp (x->second, y->second);
}

static GArray *
unpack_list (const char *packed,
             gboolean    products)
{
  GArray *list = g_array_new (FALSE, TRUE, sizeof (Unpacked));
  g_autoptr(GString) scratch = g_string_new (NULL);
  const char *fields[4];

  g_array_set_clear_func (list, unpacked_clear);
  while (_roster_store_unpack_next (&packed, scratch, fields, products ? 4 : 2))
    {
      Unpacked u = { 0 };

      u.first = g_strdup (fields[0]);
      if (products)
        {
          u.product = (int) g_ascii_strtoll (fields[1], NULL, 10);
          u.second = g_strdup (fields[2]);
          u.last_active = g_ascii_strtoll (fields[3], NULL, 10);
        }
      else
        u.second = g_strdup (fields[1]);
      g_array_append_val (list, u);
    }

  g_array_sort (list, products ? compare_products : compare_groups);
  return list;
}

static gboolean
load_user_func (Worker    *w,
                gpointer   data,
                gpointer  *out_result,
                GError   **error)
{
  const char *account_id = data;
  g_autoptr(RosterUser) user = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (!prepare (w->db,
                "SELECT name, email, account_type, status, claim, platform_roles,"
                " product_access, group_memberships FROM users WHERE account_id = ?1",
                &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, account_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      const char *roles = (const char *) sqlite3_column_text (stmt, 5);
      g_autoptr(GArray) products = unpack_list ((const char *) sqlite3_column_text (stmt, 6), TRUE);
      g_autoptr(GArray) groups = unpack_list ((const char *) sqlite3_column_text (stmt, 7), FALSE);

      user = roster_user_new (account_id,
                              (const char *) sqlite3_column_text (stmt, 0),
                              (const char *) sqlite3_column_text (stmt, 1),
                              roster_account_type_from_string ((const char *) sqlite3_column_text (stmt, 2)),
                              roster_status_from_string ((const char *) sqlite3_column_text (stmt, 3)),
                              claim_from_string ((const char *) sqlite3_column_text (stmt, 4)));
      if (roles != NULL && *roles)
        {
          g_auto(GStrv) parts = g_strsplit (roles, "\n", -1);

          for (guint i = 0; parts[i]; i++)
            if (*parts[i])
              roster_user_add_platform_role (user, parts[i]);
        }
      for (guint i = 0; i < products->len; i++)
        {
          const Unpacked *u = &g_array_index (products, Unpacked, i);

          roster_user_add_product (user, u->first, u->second, u->last_active);
        }
      for (guint i = 0; i < groups->len; i++)
        {
          const Unpacked *u = &g_array_index (groups, Unpacked, i);

          roster_user_add_group (user, u->first, u->second[0] != '\0' ? u->second : NULL);
        }
    }
  else if (rc != SQLITE_DONE)
    {
      _roster_store_fail (error, w->db, rc, "Reading the cache");
      sqlite3_finalize (stmt);
      return FALSE;
    }
  sqlite3_finalize (stmt);

  if (user == NULL)
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_NOT_FOUND,
                   "No cached user with account id %s", account_id);
      return FALSE;
    }

  *out_result = g_steal_pointer (&user);
  return TRUE;
}

/* ------------------------------------------------------------------------- */
/* Cache updates after bulk jobs                                              */

typedef struct
{
  char          *account_id;
  char          *resource_id;
  RosterStatus   status;
  RosterProduct  product;
  gboolean       has_access;
} UpdateData;

static void
update_data_free (UpdateData *u)
{
  g_free (u->account_id);
  g_free (u->resource_id);
  g_free (u);
}

static gboolean
exec_bound (sqlite3     *db,
            const char  *sql,
            const char  *a,
            const char  *b,
            GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  if (!prepare (db, sql, &stmt, error))
    return FALSE;
  _roster_store_bind_text (stmt, 1, a);
  if (b != NULL)
    _roster_store_bind_text (stmt, 2, b);
  if (!step_done (db, stmt, "Updating the cache", error))
    {
      sqlite3_finalize (stmt);
      return FALSE;
    }
  sqlite3_finalize (stmt);
  return TRUE;
}

/* Same rule as roster_user_is_billable(); ?2 is the packed product access. */
#define BILLABLE_SQL(access) \
  "(status = 'active' AND account_type NOT IN ('app', 'customer')" \
  " AND coalesce (" access ", '') != '')"

static gboolean
update_status_func (Worker    *w,
                    gpointer   data,
                    gpointer  *out_result,
                    GError   **error)
{
  UpdateData *u = data;

  if (!_roster_store_exec (w->db, "BEGIN IMMEDIATE", error))
    return FALSE;

  /* SET sees the old status; the billable rule needs the new one, hence two steps. */
  if (!exec_bound (w->db, "UPDATE users SET status = ?2 WHERE account_id = ?1",
                   u->account_id, roster_status_to_string (u->status), error))
    goto fail;
  if (sqlite3_changes (w->db) == 0)
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_NOT_FOUND,
                   "No cached user with account id %s", u->account_id);
      goto fail;
    }
  if (!exec_bound (w->db,
                   "UPDATE users SET billable = " BILLABLE_SQL ("product_access")
                   " WHERE account_id = ?1",
                   u->account_id, NULL, error) ||
      !_roster_store_exec (w->db, BUMP_USERS_GENERATION_SQL, error) ||
      !_roster_store_exec (w->db, "COMMIT", error))
    goto fail;

  *out_result = GINT_TO_POINTER (TRUE);
  return TRUE;

fail:
  rollback (w->db);
  return FALSE;
}

static gboolean
update_product_func (Worker    *w,
                     gpointer   data,
                     gpointer  *out_result,
                     GError   **error)
{
  UpdateData *u = data;
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GArray) products = NULL;
  g_autoptr(GString) packed = g_string_new (NULL);
  gboolean found = FALSE;
  gint64 last_active = 0;

  if (!_roster_store_exec (w->db, "BEGIN IMMEDIATE", error))
    return FALSE;

  if (!prepare (w->db, "SELECT product_access FROM users WHERE account_id = ?1", &stmt, error))
    goto fail;
  sqlite3_bind_text (stmt, 1, u->account_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_NOT_FOUND,
                   "No cached user with account id %s", u->account_id);
      goto fail;
    }
  products = unpack_list ((const char *) sqlite3_column_text (stmt, 0), TRUE);
  g_clear_pointer (&stmt, sqlite3_finalize);

  for (guint i = 0; i < products->len; i++)
    {
      if (g_strcmp0 (g_array_index (products, Unpacked, i).second, u->resource_id) != 0)
        continue;
      found = TRUE;
      if (!u->has_access)
        g_array_remove_index (products, i--);
    }

  if (u->has_access && !found)
    {
      Unpacked added = { 0 };

      /* Reuse the API's key for this resource ("jira-software" rather than our
       * short nick) so the entry looks like a synced one. */
      if (!prepare (w->db, "SELECT product_key FROM resources WHERE resource_id = ?1",
                    &stmt, error))
        goto fail;
      sqlite3_bind_text (stmt, 1, u->resource_id, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        added.first = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      else
        added.first = g_strdup (roster_product_to_string (u->product) ?
                                roster_product_to_string (u->product) : "other");
      g_clear_pointer (&stmt, sqlite3_finalize);
      added.second = g_strdup (u->resource_id);
      added.product = u->product;
      g_array_append_val (products, added);
    }

  for (guint i = 0; i < products->len; i++)
    {
      const Unpacked *p = &g_array_index (products, Unpacked, i);

      if (i > 0)
        g_string_append_c (packed, '\n');
      pack_product (packed, p->first, p->product, p->second, p->last_active);
      last_active = MAX (last_active, p->last_active);
    }

  if (!prepare (w->db,
                "UPDATE users SET product_access = ?2, last_active = ?3,"
                " billable = " BILLABLE_SQL ("?2") " WHERE account_id = ?1",
                &stmt, error))
    goto fail;
  sqlite3_bind_text (stmt, 1, u->account_id, -1, SQLITE_STATIC);
  if (products->len > 0)
    sqlite3_bind_text (stmt, 2, packed->str, packed->len, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 2);
  sqlite3_bind_int64 (stmt, 3, last_active);
  if (!step_done (w->db, stmt, "Updating the cache", error))
    goto fail;
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (!_roster_store_exec (w->db, BUMP_USERS_GENERATION_SQL, error) ||
      !_roster_store_exec (w->db, "COMMIT", error))
    goto fail;

  *out_result = GINT_TO_POINTER (TRUE);
  return TRUE;

fail:
  g_clear_pointer (&stmt, sqlite3_finalize);
  rollback (w->db);
  return FALSE;
}

/* ------------------------------------------------------------------------- */
/* Settings, meta, sync info                                                  */

typedef struct
{
  char *key;
  char *value;
} KeyValue;

static void
key_value_free (KeyValue *kv)
{
  g_free (kv->key);
  g_free (kv->value);
  g_free (kv);
}

static KeyValue *
key_value_new (const char *key,
               const char *value)
{
  KeyValue *kv = g_new0 (KeyValue, 1);

  kv->key = g_strdup (key);
  kv->value = g_strdup (value);
  return kv;
}

static gboolean
get_setting_func (Worker    *w,
                  gpointer   data,
                  gpointer  *out_result,
                  GError   **error)
{
  KeyValue *kv = data;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (!prepare (w->db, "SELECT value FROM settings WHERE key = ?1", &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, kv->key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out_result = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _roster_store_fail (error, w->db, rc, "Reading a setting");
  return TRUE;
}

static gboolean
set_setting_func (Worker    *w,
                  gpointer   data,
                  gpointer  *out_result,
                  GError   **error)
{
  KeyValue *kv = data;

  if (kv->value == NULL)
    {
      if (!exec_bound (w->db, "DELETE FROM settings WHERE key = ?1", kv->key, NULL, error))
        return FALSE;
    }
  else if (!exec_bound (w->db,
                        "INSERT INTO settings (key, value) VALUES (?1, ?2)"
                        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        kv->key, kv->value, error))
    return FALSE;

  *out_result = GINT_TO_POINTER (TRUE);
  return TRUE;
}

static gboolean
get_meta_func (Worker    *w,
               gpointer   data,
               gpointer  *out_result,
               GError   **error)
{
  KeyValue *kv = data;
  g_autoptr(GError) local_error = NULL;

  *out_result = _roster_store_meta_get (w->db, kv->key, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

static gboolean
set_meta_func (Worker    *w,
               gpointer   data,
               gpointer  *out_result,
               GError   **error)
{
  KeyValue *kv = data;

  if (!_roster_store_meta_set (w->db, kv->key, kv->value, error))
    return FALSE;
  *out_result = GINT_TO_POINTER (TRUE);
  return TRUE;
}

static gboolean
get_sync_info_func (Worker    *w,
                    gpointer   data,
                    gpointer  *out_result,
                    GError   **error)
{
  RosterSyncInfo *info = g_new0 (RosterSyncInfo, 1);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (!prepare (w->db,
                "SELECT key, value FROM meta WHERE key IN"
                " ('sync_synced_at', 'sync_n_users', 'sync_n_pages')", &stmt, error))
    {
      g_free (info);
      return FALSE;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *key = (const char *) sqlite3_column_text (stmt, 0);
      gint64 value = g_ascii_strtoll ((const char *) sqlite3_column_text (stmt, 1), NULL, 10);

      if (g_str_equal (key, "sync_synced_at"))
        info->synced_at = value;
      else if (g_str_equal (key, "sync_n_users"))
        info->n_users = (guint) value;
      else if (g_str_equal (key, "sync_n_pages"))
        info->n_pages = (guint) value;
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      g_free (info);
      return _roster_store_fail (error, w->db, rc, "Reading the cache");
    }

  *out_result = info;
  return TRUE;
}

/* ------------------------------------------------------------------------- */
/* Protected accounts                                                         */

void
roster_protected_account_free (RosterProtectedAccount *account)
{
  if (account == NULL)
    return;
  g_free (account->account_id);
  g_free (account->reason);
  g_free (account->note);
  g_free (account);
}

static gboolean
add_protected_func (Worker    *w,
                    gpointer   data,
                    gpointer  *out_result,
                    GError   **error)
{
  KeyValue *kv = data;  /* key = account id, value = note */
  sqlite3_stmt *stmt = NULL;

  if (!_roster_store_exec (w->db, "BEGIN IMMEDIATE", error))
    return FALSE;

  if (!prepare (w->db,
                "INSERT INTO protected_accounts (account_id, reason, note, added_at)"
                " VALUES (?1, 'manual', ?2, ?3)"
                " ON CONFLICT (account_id) DO UPDATE SET reason = 'manual', note = excluded.note",
                &stmt, error))
    goto fail;
  sqlite3_bind_text (stmt, 1, kv->key, -1, SQLITE_STATIC);
  _roster_store_bind_text (stmt, 2, kv->value);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time () / G_USEC_PER_SEC);
  if (!step_done (w->db, stmt, "Protecting an account", error))
    goto fail;
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (!exec_bound (w->db, "DELETE FROM protected_removals WHERE account_id = ?1",
                   kv->key, NULL, error) ||
      !_roster_store_exec (w->db, "COMMIT", error))
    goto fail;

  *out_result = GINT_TO_POINTER (TRUE);
  return TRUE;

fail:
  g_clear_pointer (&stmt, sqlite3_finalize);
  rollback (w->db);
  return FALSE;
}

typedef struct
{
  char     *account_id;
  gboolean  removed;
} RemoveResult;

static gboolean
remove_protected_func (Worker    *w,
                       gpointer   data,
                       gpointer  *out_result,
                       GError   **error)
{
  RemoveResult *r = data;
  sqlite3_stmt *stmt = NULL;

  if (!_roster_store_exec (w->db, "BEGIN IMMEDIATE", error))
    return FALSE;

  if (!exec_bound (w->db, "DELETE FROM protected_accounts WHERE account_id = ?1",
                   r->account_id, NULL, error))
    goto fail;
  r->removed = sqlite3_changes (w->db) > 0;

  if (!prepare (w->db,
                "INSERT INTO protected_removals (account_id, removed_at) VALUES (?1, ?2)"
                " ON CONFLICT (account_id) DO UPDATE SET removed_at = excluded.removed_at",
                &stmt, error))
    goto fail;
  sqlite3_bind_text (stmt, 1, r->account_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC);
  if (!step_done (w->db, stmt, "Unprotecting an account", error))
    goto fail;
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (!_roster_store_exec (w->db, "COMMIT", error))
    goto fail;

  /* A non-NULL result means "removed something"; the boolean travels in r. */
  *out_result = GINT_TO_POINTER (TRUE);
  return TRUE;

fail:
  g_clear_pointer (&stmt, sqlite3_finalize);
  rollback (w->db);
  return FALSE;
}

static gboolean
list_protected_func (Worker    *w,
                     gpointer   data,
                     gpointer  *out_result,
                     GError   **error)
{
  g_autoptr(GPtrArray) list =
    g_ptr_array_new_with_free_func ((GDestroyNotify) roster_protected_account_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (!prepare (w->db,
                "SELECT account_id, reason, note, added_at FROM protected_accounts"
                " ORDER BY account_id", &stmt, error))
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      RosterProtectedAccount *a = g_new0 (RosterProtectedAccount, 1);

      a->account_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      a->reason = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      a->note = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      a->added_at = sqlite3_column_int64 (stmt, 3);
      g_ptr_array_add (list, a);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _roster_store_fail (error, w->db, rc, "Reading protected accounts");

  *out_result = g_steal_pointer (&list);
  return TRUE;
}

static gboolean
is_protected_func (Worker    *w,
                   gpointer   data,
                   gpointer  *out_result,
                   GError   **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (!prepare (w->db, "SELECT 1 FROM protected_accounts WHERE account_id = ?1", &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, data, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _roster_store_fail (error, w->db, rc, "Reading protected accounts");

  /* Result: 1 = protected, 2 = not protected (NULL means error). */
  *out_result = GINT_TO_POINTER (rc == SQLITE_ROW ? 1 : 2);
  return TRUE;
}

static gboolean
protect_org_admins_func (Worker    *w,
                         gpointer   data,
                         gpointer  *out_result,
                         GError   **error)
{
  sqlite3_stmt *stmt = NULL;
  guint n_added;

  if (!prepare (w->db,
                "INSERT INTO protected_accounts (account_id, reason, note, added_at)"
                " SELECT account_id, 'org-admin', NULL, ?1 FROM users"
                " WHERE is_org_admin != 0"
                " AND account_id NOT IN (SELECT account_id FROM protected_removals)"
                " ON CONFLICT (account_id) DO NOTHING",
                &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, g_get_real_time () / G_USEC_PER_SEC);
  if (!step_done (w->db, stmt, "Protecting org admins", error))
    {
      sqlite3_finalize (stmt);
      return FALSE;
    }
  sqlite3_finalize (stmt);
  n_added = (guint) sqlite3_changes (w->db);

  *out_result = GUINT_TO_POINTER (n_added + 1);
  return TRUE;
}

/* ------------------------------------------------------------------------- */
/* Wipe and export                                                            */

static gboolean
wipe_func (Worker    *w,
           gpointer   data,
           gpointer  *out_result,
           GError   **error)
{
  worker_clear_staging (w);

  if (!_roster_store_exec (w->db, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!_roster_store_exec (w->db,
                           "DELETE FROM users;"
                           "DELETE FROM resources;"
                           "DROP TABLE IF EXISTS users_staging;"
                           "DROP TABLE IF EXISTS users_old;"
                           "DELETE FROM meta WHERE key LIKE 'sync\\_%' ESCAPE '\\';"
                           BUMP_USERS_GENERATION_SQL
                           "COMMIT;",
                           error))
    {
      rollback (w->db);
      return FALSE;
    }

  {
    g_autofree char *snapshot = dup_snapshot_path (w->path);

    g_unlink (snapshot);
  }

  /* Give the pages back and overwrite the freed ones, then fold the WAL in so
   * that no copy of the forgotten rows stays in the -wal file. */
  if (!_roster_store_exec (w->db, "VACUUM", error) ||
      !_roster_store_exec (w->db, "PRAGMA wal_checkpoint(TRUNCATE)", error))
    return FALSE;

  *out_result = GINT_TO_POINTER (TRUE);
  return TRUE;
}

static void
append_json_string (GString    *out,
                    const char *str)
{
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) str; *p; p++)
    {
      switch (*p)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (*p < 0x20)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, *p);
        }
    }
  g_string_append_c (out, '"');
}

static const char * const export_tables[] = {
  "meta", "settings", "protected_accounts", "protected_removals",
  "users", "resources",
  "jobs", "job_targets", "audit",
};

static gboolean
export_func (Worker    *w,
             gpointer   data,
             gpointer  *out_result,
             GError   **error)
{
  GOutputStream *stream = data;
  g_autoptr(GString) out = g_string_sized_new (64 * 1024);
  gboolean ok = FALSE;

  if (!_roster_store_exec (w->db, "BEGIN", error))
    return FALSE;

  g_string_append_printf (out, "{\"format\":\"roster-local-data\",\"schema\":%d,\"tables\":{",
                          STORE_SCHEMA_VERSION);

  for (guint t = 0; t < G_N_ELEMENTS (export_tables); t++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM %s", export_tables[t]);
      sqlite3_stmt *stmt = NULL;
      gboolean first = TRUE;
      int rc;

      if (!prepare (w->db, sql, &stmt, error))
        goto out;

      g_string_append_printf (out, "%s\"%s\":[", t > 0 ? "," : "", export_tables[t]);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          int n = sqlite3_column_count (stmt);

          g_string_append (out, first ? "\n{" : ",\n{");
          first = FALSE;
          for (int c = 0; c < n; c++)
            {
              if (c > 0)
                g_string_append_c (out, ',');
              append_json_string (out, sqlite3_column_name (stmt, c));
              g_string_append_c (out, ':');
              switch (sqlite3_column_type (stmt, c))
                {
                case SQLITE_NULL:
                  g_string_append (out, "null");
                  break;
                case SQLITE_INTEGER:
                  g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, c));
                  break;
                default:
                  append_json_string (out, (const char *) sqlite3_column_text (stmt, c));
                  break;
                }
            }
          g_string_append_c (out, '}');

          if (out->len > 60 * 1024)
            {
              if (!g_output_stream_write_all (stream, out->str, out->len, NULL, NULL, error))
                {
                  sqlite3_finalize (stmt);
                  goto out;
                }
              g_string_truncate (out, 0);
            }
        }
      sqlite3_finalize (stmt);
      if (rc != SQLITE_DONE)
        {
          _roster_store_fail (error, w->db, rc, "Exporting the cache");
          goto out;
        }
      g_string_append_c (out, ']');
    }

  g_string_append (out, "}}\n");
  if (!g_output_stream_write_all (stream, out->str, out->len, NULL, NULL, error))
    goto out;

  ok = TRUE;
  *out_result = GINT_TO_POINTER (TRUE);

out:
  rollback (w->db);
  return ok;
}

/* ------------------------------------------------------------------------- */
/* Audit                                                                      */

static gboolean
audit_append_func (Worker    *w,
                   gpointer   data,
                   gpointer  *out_result,
                   GError   **error)
{
  RosterAuditEntry *stored = roster_audit_append_full (w->db, data, error);

  if (stored == NULL)
    return FALSE;
  *out_result = stored;
  return TRUE;
}

typedef struct
{
  char  *action;
  char  *text;
  char  *from_time;
  char  *to_time;
  guint  limit;
} FilterCopy;

static void
filter_copy_free (FilterCopy *f)
{
  g_free (f->action);
  g_free (f->text);
  g_free (f->from_time);
  g_free (f->to_time);
  g_free (f);
}

static FilterCopy *
filter_copy_new (const RosterAuditFilter *filter)
{
  FilterCopy *f = g_new0 (FilterCopy, 1);

  if (filter != NULL)
    {
      f->action = g_strdup (filter->action);
      f->text = g_strdup (filter->text);
      f->from_time = g_strdup (filter->from_time);
      f->to_time = g_strdup (filter->to_time);
      f->limit = filter->limit;
    }
  return f;
}

static gboolean
audit_list_func (Worker    *w,
                 gpointer   data,
                 gpointer  *out_result,
                 GError   **error)
{
  FilterCopy *f = data;
  RosterAuditFilter filter = { f->action, f->text, f->from_time, f->to_time, f->limit };

  *out_result = roster_audit_list (w->db, &filter, error);
  return *out_result != NULL;
}

static gboolean
audit_verify_func (Worker    *w,
                   gpointer   data,
                   gpointer  *out_result,
                   GError   **error)
{
  gboolean ok;

  if (!_roster_store_exec (w->db, "BEGIN", error))
    return FALSE;
  *out_result = roster_audit_verify (w->db, error);
  ok = *out_result != NULL;
  rollback (w->db);
  return ok;
}

/* ------------------------------------------------------------------------- */
/* GObject                                                                    */

static void
roster_store_finalize (GObject *object)
{
  RosterStore *self = (RosterStore *)object;

  if (self->worker != NULL)
    worker_stop (g_steal_pointer (&self->worker));
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (roster_store_parent_class)->finalize (object);
}

static void
roster_store_class_init (RosterStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = roster_store_finalize;

  /* Before SQLite's first use in the process: no global memory statistics,
   * which take a process-wide mutex on every SQLite allocation (a sync makes
   * several per row). Refused, harmlessly, if something initialised SQLite
   * earlier. */
  sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);
}

static void
roster_store_init (RosterStore *self)
{
}

/* ------------------------------------------------------------------------- */
/* Public API                                                                 */

char *
roster_store_dup_default_dir (void)
{
  const char *env = g_getenv ("ROSTER_DATA_DIR");

  if (env != NULL && *env)
    return g_strdup (env);
  return g_build_filename (g_get_user_data_dir (), "roster", NULL);
}

char *
roster_store_dup_default_path (const char *org_id)
{
  g_autofree char *dir = roster_store_dup_default_dir ();
  g_autofree char *name = NULL;

  g_return_val_if_fail (org_id != NULL && *org_id, NULL);
  /* Org ids are UUIDs; refuse anything that could leave the folder. */
  g_return_val_if_fail (strchr (org_id, '/') == NULL && !g_str_equal (org_id, "..") &&
                        !g_str_equal (org_id, "."), NULL);

  name = g_strconcat (org_id, ".db", NULL);
  return g_build_filename (dir, name, NULL);
}

RosterStore *
roster_store_new (const char *path)
{
  RosterStore *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (ROSTER_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  return self;
}

const char *
roster_store_get_path (RosterStore *self)
{
  g_return_val_if_fail (ROSTER_IS_STORE (self), NULL);
  return self->path;
}

static void
ensure_worker (RosterStore *self)
{
  if (self->worker == NULL)
    self->worker = worker_new (self->path);
}

void
roster_store_open_async (RosterStore         *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (ROSTER_IS_STORE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  ensure_worker (self);
  push_async (self, open_func, NULL, NULL, NULL, FALSE, roster_store_open_async,
              cancellable, callback, user_data);
}

gboolean
roster_store_open_finish (RosterStore   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  return finish_boolean (self, result, roster_store_open_async, error);
}

gboolean
roster_store_open_sync (RosterStore   *self,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (ROSTER_IS_STORE (self), FALSE);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);

  ensure_worker (self);
  run_sync (self, open_func, NULL, NULL, FALSE, cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

void
roster_store_close (RosterStore *self)
{
  g_return_if_fail (ROSTER_IS_STORE (self));

  if (self->worker != NULL)
    worker_stop (g_steal_pointer (&self->worker));
}

void
roster_store_run_async (RosterStore         *self,
                        RosterStoreFunc      func,
                        gpointer             data,
                        GDestroyNotify       data_free,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (ROSTER_IS_STORE (self));
  g_return_if_fail (func != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  push_async (self, run_func, run_data_new (func, data, data_free),
              (GDestroyNotify) run_data_free, NULL, TRUE, roster_store_run_async,
              cancellable, callback, user_data);
}

gpointer
roster_store_run_finish (RosterStore   *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  return finish_pointer (self, result, roster_store_run_async, error);
}

gpointer
roster_store_run_sync (RosterStore     *self,
                       RosterStoreFunc  func,
                       gpointer         data,
                       GDestroyNotify   data_free,
                       GCancellable    *cancellable,
                       GError         **error)
{
  g_return_val_if_fail (ROSTER_IS_STORE (self), NULL);
  g_return_val_if_fail (func != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  return run_sync (self, run_func, run_data_new (func, data, data_free),
                   (GDestroyNotify) run_data_free, TRUE, cancellable, error);
}

/* Sync staging */

void
roster_store_sync_begin_async (RosterStore         *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (ROSTER_IS_STORE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  push_async (self, sync_begin_func, NULL, NULL, NULL, TRUE, roster_store_sync_begin_async,
              cancellable, callback, user_data);
}

gboolean
roster_store_sync_begin_finish (RosterStore   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return finish_boolean (self, result, roster_store_sync_begin_async, error);
}

gboolean
roster_store_sync_begin_sync (RosterStore   *self,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_return_val_if_fail (ROSTER_IS_STORE (self), FALSE);
  return run_sync_boolean (self, sync_begin_func, NULL, NULL, cancellable, error);
}

/* The users of objects as one batch, in a one-element array of batches. */
static GPtrArray *
batches_from_users (GPtrArray *users)
{
  GPtrArray *batches = g_ptr_array_new_with_free_func ((GDestroyNotify) roster_user_batch_unref);
  RosterUserBatch *batch = roster_user_batch_new ();

  for (guint i = 0; i < users->len; i++)
    roster_user_batch_add_user (batch, g_ptr_array_index (users, i));
  g_ptr_array_add (batches, batch);
  return batches;
}

void
roster_store_sync_stage_batches_async (RosterStore         *self,
                                       GPtrArray           *batches,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (ROSTER_IS_STORE (self));
  g_return_if_fail (batches != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  push_async (self, sync_stage_func, g_ptr_array_ref (batches),
              (GDestroyNotify) g_ptr_array_unref, NULL, TRUE, roster_store_sync_stage_async,
              cancellable, callback, user_data);
}

void
roster_store_sync_stage_async (RosterStore         *self,
                               GPtrArray           *users,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (ROSTER_IS_STORE (self));
  g_return_if_fail (users != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  push_async (self, sync_stage_func, batches_from_users (users),
              (GDestroyNotify) g_ptr_array_unref, NULL, TRUE, roster_store_sync_stage_async,
              cancellable, callback, user_data);
}

gboolean
roster_store_sync_stage_finish (RosterStore   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return finish_boolean (self, result, roster_store_sync_stage_async, error);
}

gboolean
roster_store_sync_stage_sync (RosterStore   *self,
                              GPtrArray     *users,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_return_val_if_fail (ROSTER_IS_STORE (self), FALSE);
  g_return_val_if_fail (users != NULL, FALSE);
  return run_sync_boolean (self, sync_stage_func, batches_from_users (users),
                           (GDestroyNotify) g_ptr_array_unref, cancellable, error);
}

void
roster_store_sync_commit_async (RosterStore         *self,
                                guint                n_pages,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (ROSTER_IS_STORE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  push_async (self, sync_commit_func, GUINT_TO_POINTER (n_pages), NULL, commit_result_free,
              TRUE, roster_store_sync_commit_async, cancellable, callback, user_data);
}

static gboolean
take_commit_result (CommitResult   *result,
                    RosterUserSet **out_users)
{
  if (result == NULL)
    return FALSE;
  if (out_users != NULL)
    *out_users = g_steal_pointer (&result->set);
  commit_result_free (result);
  return TRUE;
}

gboolean
roster_store_sync_commit_finish (RosterStore    *self,
                                 GAsyncResult   *result,
                                 RosterUserSet **out_users,
                                 GError        **error)
{
  if (out_users != NULL)
    *out_users = NULL;
  return take_commit_result (finish_pointer (self, result, roster_store_sync_commit_async, error),
                             out_users);
}

gboolean
roster_store_sync_commit_sync (RosterStore    *self,
                               guint           n_pages,
                               RosterUserSet **out_users,
                               GCancellable   *cancellable,
                               GError        **error)
{
  g_return_val_if_fail (ROSTER_IS_STORE (self), FALSE);

  if (out_users != NULL)
    *out_users = NULL;
  return take_commit_result (run_sync (self, sync_commit_func, GUINT_TO_POINTER (n_pages), NULL,
                                       TRUE, cancellable, error),
                             out_users);
}

void
roster_store_sync_abort (RosterStore *self)
{
  Job *job;

  g_return_if_fail (ROSTER_IS_STORE (self));

  if (self->worker == NULL)
    return;

  job = g_new0 (Job, 1);
  job->func = sync_abort_func;
  job->needs_db = TRUE;
  g_async_queue_push (self->worker->queue, job);
}

/* Loading */

void
roster_store_load_users_async (RosterStore         *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (ROSTER_IS_STORE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  push_async (self, load_users_func, NULL, NULL, (GDestroyNotify) roster_user_set_unref, TRUE,
              roster_store_load_users_async, cancellable, callback, user_data);
}

RosterUserSet *
roster_store_load_users_finish (RosterStore   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return finish_pointer (self, result, roster_store_load_users_async, error);
}

RosterUserSet *
roster_store_load_users_sync (RosterStore   *self,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_return_val_if_fail (ROSTER_IS_STORE (self), NULL);
  return run_sync (self, load_users_func, NULL, NULL, TRUE, cancellable, error);
}

void
roster_store_load_user_async (RosterStore         *self,
                              const char          *account_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (ROSTER_IS_STORE (self));
  g_return_if_fail (account_id != NULL);

  push_async (self, load_user_func, g_strdup (account_id), g_free, g_object_unref, TRUE,
              roster_store_load_user_async, cancellable, callback, user_data);
}

RosterUser *
roster_store_load_user_finish (RosterStore   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return finish_pointer (self, result, roster_store_load_user_async, error);
}

RosterUser *
roster_store_load_user_sync (RosterStore   *self,
                             const char    *account_id,
                             GCancellable  *cancellable,
                             GError       **error)
{
  g_return_val_if_fail (ROSTER_IS_STORE (self), NULL);
  g_return_val_if_fail (account_id != NULL, NULL);
  return run_sync (self, load_user_func, g_strdup (account_id), g_free, TRUE, cancellable, error);
}

/* Cache updates */

static UpdateData *
update_data_new (const char    *account_id,
                 RosterStatus   status,
                 RosterProduct  product,
                 const char    *resource_id,
                 gboolean       has_access)
{
  UpdateData *u = g_new0 (UpdateData, 1);

  u->account_id = g_strdup (account_id);
  u->status = status;
  u->product = product;
  u->resource_id = g_strdup (resource_id);
  u->has_access = has_access;
  return u;
}

void
roster_store_update_user_status_async (RosterStore         *self,
                                       const char          *account_id,
                                       RosterStatus         status,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (ROSTER_IS_STORE (self));
  g_return_if_fail (account_id != NULL);

  push_async (self, update_status_func,
              update_data_new (account_id, status, ROSTER_PRODUCT_OTHER, NULL, FALSE),
              (GDestroyNotify) update_data_free, NULL, TRUE,
              roster_store_update_user_status_async, cancellable, callback, user_data);
}

gboolean
roster_store_update_user_status_finish (RosterStore   *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return finish_boolean (self, result, roster_store_update_user_status_async, error);
}

gboolean
roster_store_update_user_status_sync (RosterStore   *self,
                                      const char    *account_id,
                                      RosterStatus   status,
                                      GCancellable  *cancellable,
                                      GError       **error)
{
  g_return_val_if_fail (ROSTER_IS_STORE (self), FALSE);
  g_return_val_if_fail (account_id != NULL, FALSE);
  return run_sync_boolean (self, update_status_func,
                           update_data_new (account_id, status, ROSTER_PRODUCT_OTHER, NULL, FALSE),
                           (GDestroyNotify) update_data_free, cancellable, error);
}

void
roster_store_update_user_product_async (RosterStore         *self,
                                        const char          *account_id,
                                        RosterProduct        product,
                                        const char          *resource_id,
                                        gboolean             has_access,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (ROSTER_IS_STORE (self));
  g_return_if_fail (account_id != NULL);
  g_return_if_fail (resource_id != NULL);

  push_async (self, update_product_func,
              update_data_new (account_id, ROSTER_STATUS_UNKNOWN, product, resource_id, has_access),
              (GDestroyNotify) update_data_free, NULL, TRUE,
              roster_store_update_user_product_async, cancellable, callback, user_data);
}

gboolean
roster_store_update_user_product_finish (RosterStore   *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  return finish_boolean (self, result, roster_store_update_user_product_async, error);
}

gboolean
roster_store_update_user_product_sync (RosterStore   *self,
                                       const char    *account_id,
                                       RosterProduct  product,
                                       const char    *resource_id,
                                       gboolean       has_access,
                                       GCancellable  *cancellable,
                                       GError       **error)
{
  g_return_val_if_fail (ROSTER_IS_STORE (self), FALSE);
  g_return_val_if_fail (account_id != NULL, FALSE);
  g_return_val_if_fail (resource_id != NULL, FALSE);
  return run_sync_boolean (self, update_product_func,
                           update_data_new (account_id, ROSTER_STATUS_UNKNOWN, product,
                                            resource_id, has_access),
                           (GDestroyNotify) update_data_free, cancellable, error);
}

gboolean
roster_store_get_sync_info_sync (RosterStore     *self,
                                 RosterSyncInfo  *info,
                                 GError         **error)
{
  g_autofree RosterSyncInfo *result = NULL;

  g_return_val_if_fail (ROSTER_IS_STORE (self), FALSE);
  g_return_val_if_fail (info != NULL, FALSE);

  result = run_sync (self, get_sync_info_func, NULL, NULL, TRUE, NULL, error);
  if (result == NULL)
    return FALSE;
  *info = *result;
  return TRUE;
}

/* Settings and meta */

char *
roster_store_get_setting_sync (RosterStore  *self,
                               const char   *key,
                               GError      **error)
{
  g_return_val_if_fail (ROSTER_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);
  return run_sync (self, get_setting_func, key_value_new (key, NULL),
                   (GDestroyNotify) key_value_free, TRUE, NULL, error);
}

gboolean
roster_store_set_setting_sync (RosterStore  *self,
                               const char   *key,
                               const char   *value,
                               GError      **error)
{
  g_return_val_if_fail (ROSTER_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  return run_sync_boolean (self, set_setting_func, key_value_new (key, value),
                           (GDestroyNotify) key_value_free, NULL, error);
}

void
roster_store_get_setting_async (RosterStore         *self,
                                const char          *key,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (ROSTER_IS_STORE (self));
  g_return_if_fail (key != NULL);
  push_async (self, get_setting_func, key_value_new (key, NULL), (GDestroyNotify) key_value_free,
              g_free, TRUE, roster_store_get_setting_async, cancellable, callback, user_data);
}

char *
roster_store_get_setting_finish (RosterStore   *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return finish_pointer (self, result, roster_store_get_setting_async, error);
}

void
roster_store_set_setting_async (RosterStore         *self,
                                const char          *key,
                                const char          *value,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (ROSTER_IS_STORE (self));
  g_return_if_fail (key != NULL);
  push_async (self, set_setting_func, key_value_new (key, value), (GDestroyNotify) key_value_free,
              NULL, TRUE, roster_store_set_setting_async, cancellable, callback, user_data);
}

gboolean
roster_store_set_setting_finish (RosterStore   *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return finish_boolean (self, result, roster_store_set_setting_async, error);
}

char *
roster_store_get_meta_sync (RosterStore  *self,
                            const char   *key,
                            GError      **error)
{
  g_return_val_if_fail (ROSTER_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);
  return run_sync (self, get_meta_func, key_value_new (key, NULL),
                   (GDestroyNotify) key_value_free, TRUE, NULL, error);
}

gboolean
roster_store_set_meta_sync (RosterStore  *self,
                            const char   *key,
                            const char   *value,
                            GError      **error)
{
  g_return_val_if_fail (ROSTER_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  return run_sync_boolean (self, set_meta_func, key_value_new (key, value),
                           (GDestroyNotify) key_value_free, NULL, error);
}

/* Protected accounts */

gboolean
roster_store_add_protected_sync (RosterStore  *self,
                                 const char   *account_id,
                                 const char   *note,
                                 GError      **error)
{
  g_return_val_if_fail (ROSTER_IS_STORE (self), FALSE);
  g_return_val_if_fail (account_id != NULL, FALSE);
  return run_sync_boolean (self, add_protected_func, key_value_new (account_id, note),
                           (GDestroyNotify) key_value_free, NULL, error);
}

void
roster_store_add_protected_async (RosterStore         *self,
                                  const char          *account_id,
                                  const char          *note,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (ROSTER_IS_STORE (self));
  g_return_if_fail (account_id != NULL);
  push_async (self, add_protected_func, key_value_new (account_id, note),
              (GDestroyNotify) key_value_free, NULL, TRUE, roster_store_add_protected_async,
              cancellable, callback, user_data);
}

gboolean
roster_store_add_protected_finish (RosterStore   *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return finish_boolean (self, result, roster_store_add_protected_async, error);
}

static void
remove_result_free (RemoveResult *r)
{
  g_free (r->account_id);
  g_free (r);
}

/* remove_protected returns the RemoveResult itself, so the flag survives the
 * trip back to the caller. */
static gboolean
remove_protected_outer_func (Worker    *w,
                             gpointer   data,
                             gpointer  *out_result,
                             GError   **error)
{
  RemoveResult *r = data;
  gpointer ignored = NULL;

  if (!remove_protected_func (w, r, &ignored, error))
    return FALSE;
  *out_result = GINT_TO_POINTER (r->removed ? 2 : 1);
  return TRUE;
}

static RemoveResult *
remove_result_new (const char *account_id)
{
  RemoveResult *r = g_new0 (RemoveResult, 1);

  r->account_id = g_strdup (account_id);
  return r;
}

gboolean
roster_store_remove_protected_sync (RosterStore  *self,
                                    const char   *account_id,
                                    GError      **error)
{
  g_return_val_if_fail (ROSTER_IS_STORE (self), FALSE);
  g_return_val_if_fail (account_id != NULL, FALSE);
  return GPOINTER_TO_INT (run_sync (self, remove_protected_outer_func,
                                    remove_result_new (account_id),
                                    (GDestroyNotify) remove_result_free, TRUE, NULL, error)) == 2;
}

void
roster_store_remove_protected_async (RosterStore         *self,
                                     const char          *account_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (ROSTER_IS_STORE (self));
  g_return_if_fail (account_id != NULL);
  push_async (self, remove_protected_outer_func, remove_result_new (account_id),
              (GDestroyNotify) remove_result_free, NULL, TRUE,
              roster_store_remove_protected_async, cancellable, callback, user_data);
}

gboolean
roster_store_remove_protected_finish (RosterStore   *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return GPOINTER_TO_INT (finish_pointer (self, result, roster_store_remove_protected_async,
                                          error)) == 2;
}

GPtrArray *
roster_store_list_protected_sync (RosterStore  *self,
                                  GError      **error)
{
  g_return_val_if_fail (ROSTER_IS_STORE (self), NULL);
  return run_sync (self, list_protected_func, NULL, NULL, TRUE, NULL, error);
}

void
roster_store_list_protected_async (RosterStore         *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (ROSTER_IS_STORE (self));
  push_async (self, list_protected_func, NULL, NULL, (GDestroyNotify) g_ptr_array_unref, TRUE,
              roster_store_list_protected_async, cancellable, callback, user_data);
}

GPtrArray *
roster_store_list_protected_finish (RosterStore   *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return finish_pointer (self, result, roster_store_list_protected_async, error);
}

gboolean
roster_store_is_protected_sync (RosterStore  *self,
                                const char   *account_id,
                                GError      **error)
{
  g_return_val_if_fail (ROSTER_IS_STORE (self), FALSE);
  g_return_val_if_fail (account_id != NULL, FALSE);
  return GPOINTER_TO_INT (run_sync (self, is_protected_func, g_strdup (account_id), g_free,
                                    TRUE, NULL, error)) == 1;
}

gboolean
roster_store_protect_org_admins_sync (RosterStore  *self,
                                      guint        *n_added,
                                      GError      **error)
{
  gpointer result;

  g_return_val_if_fail (ROSTER_IS_STORE (self), FALSE);

  result = run_sync (self, protect_org_admins_func, NULL, NULL, TRUE, NULL, error);
  if (result == NULL)
    return FALSE;
  if (n_added != NULL)
    *n_added = GPOINTER_TO_UINT (result) - 1;
  return TRUE;
}

/* Wipe, delete, export */

gboolean
roster_store_wipe_sync (RosterStore  *self,
                        GError      **error)
{
  g_return_val_if_fail (ROSTER_IS_STORE (self), FALSE);
  return run_sync_boolean (self, wipe_func, NULL, NULL, NULL, error);
}

void
roster_store_wipe_async (RosterStore         *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (ROSTER_IS_STORE (self));
  push_async (self, wipe_func, NULL, NULL, NULL, TRUE, roster_store_wipe_async,
              cancellable, callback, user_data);
}

gboolean
roster_store_wipe_finish (RosterStore   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  return finish_boolean (self, result, roster_store_wipe_async, error);
}

gboolean
roster_store_delete_file_sync (RosterStore  *self,
                               GError      **error)
{
  static const char * const suffixes[] = { "", "-wal", "-shm", "-journal" };

  g_return_val_if_fail (ROSTER_IS_STORE (self), FALSE);

  roster_store_close (self);

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (self->path, suffixes[i], NULL);

      if (g_unlink (file) != 0 && errno != ENOENT)
        {
          int errsv = errno;
          g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_CACHE,
                       "Removing %s failed: %s", file, g_strerror (errsv));
          return FALSE;
        }
    }

  {
    g_autofree char *snapshot = dup_snapshot_path (self->path);

    if (g_unlink (snapshot) != 0 && errno != ENOENT)
      {
        int errsv = errno;
        g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_CACHE,
                     "Removing %s failed: %s", snapshot, g_strerror (errsv));
        return FALSE;
      }
  }

  return TRUE;
}

gboolean
roster_store_export_json_sync (RosterStore    *self,
                               GOutputStream  *stream,
                               GError        **error)
{
  g_return_val_if_fail (ROSTER_IS_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);
  return run_sync_boolean (self, export_func, g_object_ref (stream), g_object_unref, NULL, error);
}

/* Audit */

void
roster_store_audit_append_async (RosterStore            *self,
                                 const RosterAuditEntry *entry,
                                 GCancellable           *cancellable,
                                 GAsyncReadyCallback     callback,
                                 gpointer                user_data)
{
  g_return_if_fail (ROSTER_IS_STORE (self));
  g_return_if_fail (entry != NULL);
  push_async (self, audit_append_func, roster_audit_entry_copy (entry),
              (GDestroyNotify) roster_audit_entry_free, (GDestroyNotify) roster_audit_entry_free,
              TRUE, roster_store_audit_append_async, cancellable, callback, user_data);
}

RosterAuditEntry *
roster_store_audit_append_finish (RosterStore   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return finish_pointer (self, result, roster_store_audit_append_async, error);
}

RosterAuditEntry *
roster_store_audit_append_sync (RosterStore            *self,
                                const RosterAuditEntry *entry,
                                GError                **error)
{
  g_return_val_if_fail (ROSTER_IS_STORE (self), NULL);
  g_return_val_if_fail (entry != NULL, NULL);
  return run_sync (self, audit_append_func, roster_audit_entry_copy (entry),
                   (GDestroyNotify) roster_audit_entry_free, TRUE, NULL, error);
}

void
roster_store_audit_list_async (RosterStore             *self,
                               const RosterAuditFilter *filter,
                               GCancellable            *cancellable,
                               GAsyncReadyCallback      callback,
                               gpointer                 user_data)
{
  g_return_if_fail (ROSTER_IS_STORE (self));
  push_async (self, audit_list_func, filter_copy_new (filter), (GDestroyNotify) filter_copy_free,
              (GDestroyNotify) g_ptr_array_unref, TRUE, roster_store_audit_list_async,
              cancellable, callback, user_data);
}

GPtrArray *
roster_store_audit_list_finish (RosterStore   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return finish_pointer (self, result, roster_store_audit_list_async, error);
}

GPtrArray *
roster_store_audit_list_sync (RosterStore             *self,
                              const RosterAuditFilter *filter,
                              GError                 **error)
{
  g_return_val_if_fail (ROSTER_IS_STORE (self), NULL);
  return run_sync (self, audit_list_func, filter_copy_new (filter),
                   (GDestroyNotify) filter_copy_free, TRUE, NULL, error);
}

void
roster_store_audit_verify_async (RosterStore         *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (ROSTER_IS_STORE (self));
  push_async (self, audit_verify_func, NULL, NULL, (GDestroyNotify) roster_audit_report_free,
              TRUE, roster_store_audit_verify_async, cancellable, callback, user_data);
}

RosterAuditReport *
roster_store_audit_verify_finish (RosterStore   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return finish_pointer (self, result, roster_store_audit_verify_async, error);
}

RosterAuditReport *
roster_store_audit_verify_sync (RosterStore  *self,
                                GError      **error)
{
  g_return_val_if_fail (ROSTER_IS_STORE (self), NULL);
  return run_sync (self, audit_verify_func, NULL, NULL, TRUE, NULL, error);
}
