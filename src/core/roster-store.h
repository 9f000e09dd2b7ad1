/* roster-store.h
 *
 * One SQLite file per organization ($XDG_DATA_HOME/roster/<org-id>.db, or
 * $ROSTER_DATA_DIR/<org-id>.db): cached users, org-scoped settings, protected
 * accounts, the bulk-job journal and the audit trail. WAL mode, migrations by
 * PRAGMA user_version. One worker thread owns the connection and runs queued
 * work in order; every public call is async (GTask) with a _sync twin for the
 * CLI and tests. A sync writes into staging tables and swaps them in one
 * transaction, so a failed or cancelled sync never leaves half an org visible.
 */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

#include "roster-user-set.h"

G_BEGIN_DECLS

#define ROSTER_TYPE_STORE (roster_store_get_type ())

G_DECLARE_FINAL_TYPE (RosterStore, roster_store, ROSTER, STORE, GObject)

/* Runs on the store's worker thread with the open connection. */
typedef gboolean (*RosterStoreFunc) (sqlite3   *db,
                                     gpointer   data,
                                     gpointer  *out_result,
                                     GError   **error);

typedef struct
{
  gint64 synced_at;   /* unix seconds of the last completed sync, 0 = never */
  guint  n_users;
  guint  n_pages;
} RosterSyncInfo;

/* Default directory for the store files: $ROSTER_DATA_DIR or $XDG_DATA_HOME/roster. */
char        *roster_store_dup_default_dir   (void);
char        *roster_store_dup_default_path  (const char *org_id);

RosterStore *roster_store_new               (const char          *path);
const char  *roster_store_get_path          (RosterStore         *self);

/* Creates the directory (0700) and file (0600), applies migrations, WAL.
 * Fails with ROSTER_ERROR_CACHE (read-only, disk full, not a database, newer schema). */
void         roster_store_open_async        (RosterStore         *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean     roster_store_open_finish       (RosterStore         *self,
                                             GAsyncResult        *result,
                                             GError             **error);
gboolean     roster_store_open_sync         (RosterStore         *self,
                                             GCancellable        *cancellable,
                                             GError             **error);
/* Waits for queued work, closes the connection and stops the thread. */
void         roster_store_close             (RosterStore         *self);

/* Generic escape hatch used by the typed calls below and by other services
 * (bulk journal, audit). func runs on the worker thread. */
void         roster_store_run_async         (RosterStore         *self,
                                             RosterStoreFunc      func,
                                             gpointer             data,
                                             GDestroyNotify       data_free,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gpointer     roster_store_run_finish        (RosterStore         *self,
                                             GAsyncResult        *result,
                                             GError             **error);
/* Blocks the calling thread (never the GTK main thread) until func has run. */
gpointer     roster_store_run_sync          (RosterStore         *self,
                                             RosterStoreFunc      func,
                                             gpointer             data,
                                             GDestroyNotify       data_free,
                                             GCancellable        *cancellable,
                                             GError             **error);

/* Sync staging. begin clears the staging tables; stage appends a batch
 * (element-type RosterUser); commit swaps staging in one transaction and records
 * RosterSyncInfo; abort drops the staging data. Writes are queued in order, so a
 * caller can stage batch N+1 before batch N has finished. */
void         roster_store_sync_begin_async  (RosterStore         *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean     roster_store_sync_begin_finish (RosterStore         *self,
                                             GAsyncResult        *result,
                                             GError             **error);
void         roster_store_sync_stage_async  (RosterStore         *self,
                                             GPtrArray           *users,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean     roster_store_sync_stage_finish (RosterStore         *self,
                                             GAsyncResult        *result,
                                             GError             **error);
void         roster_store_sync_commit_async (RosterStore         *self,
                                             guint                n_pages,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean     roster_store_sync_commit_finish (RosterStore        *self,
                                             GAsyncResult        *result,
                                             GError             **error);
void         roster_store_sync_abort        (RosterStore         *self);

void         roster_store_load_users_async  (RosterStore         *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
RosterUserSet *roster_store_load_users_finish (RosterStore       *self,
                                             GAsyncResult        *result,
                                             GError             **error);
RosterUserSet *roster_store_load_users_sync (RosterStore         *self,
                                             GCancellable        *cancellable,
                                             GError             **error);

gboolean     roster_store_get_sync_info_sync (RosterStore        *self,
                                             RosterSyncInfo      *info,
                                             GError             **error);

/* Org-scoped settings (text values). */
char        *roster_store_get_setting_sync  (RosterStore         *self,
                                             const char          *key,
                                             GError             **error);
gboolean     roster_store_set_setting_sync  (RosterStore         *self,
                                             const char          *key,
                                             const char          *value,
                                             GError             **error);

/* Deletes every cached and journaled row and the file itself (GDPR wipe).
 * The store is closed afterwards. */
gboolean     roster_store_wipe_sync         (RosterStore         *self,
                                             GError             **error);

G_END_DECLS
