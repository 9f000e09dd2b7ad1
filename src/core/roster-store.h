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

#include "roster-audit.h"
#include "roster-user-set.h"
#include "roster-user.h"

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

/* Sync staging. begin clears the staging table; stage appends a batch
 * (element-type RosterUser); commit swaps staging in one transaction, records
 * RosterSyncInfo and protects the org admins it brought in (unless the admin
 * removed that protection before); abort drops the staging data. Writes are
 * queued in order, so a caller can stage batch N+1 before batch N has finished.
 * commit also hands back (out_users, nullable) the frozen user set of what it
 * committed, built while staging; it is NULL when the set has to be loaded with
 * roster_store_load_users_async() instead (the API repeated an account). */
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
/* Packs a batch's columns ahead, on any thread (the sync's parse thread), so
 * that staging it only binds them. */
void         roster_store_prepare_batch     (RosterUserBatch     *batch);
/* The same for parsed pages (RosterUserBatch, in page order): what a sync stages. */
void         roster_store_sync_stage_batches_async (RosterStore         *self,
                                                    GPtrArray           *batches,
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
                                             RosterUserSet      **out_users,
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

/* Forgets the cached organization: deletes cached users, products, groups,
 * staging and sync info, then VACUUMs. Keeps the audit trail, the bulk-job
 * journal, settings and protected accounts. The store stays open. */
gboolean     roster_store_wipe_sync         (RosterStore         *self,
                                             GError             **error);
void         roster_store_wipe_async        (RosterStore         *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean     roster_store_wipe_finish       (RosterStore         *self,
                                             GAsyncResult        *result,
                                             GError             **error);
/* Closes the store and removes the database file with its -wal and -shm files.
 * Missing files are not an error. */
gboolean     roster_store_delete_file_sync  (RosterStore         *self,
                                             GError             **error);

/* Blocking twins of the sync staging calls (rosterctl, tests). */
gboolean     roster_store_sync_begin_sync   (RosterStore         *self,
                                             GCancellable        *cancellable,
                                             GError             **error);
gboolean     roster_store_sync_stage_sync   (RosterStore         *self,
                                             GPtrArray           *users,
                                             GCancellable        *cancellable,
                                             GError             **error);
gboolean     roster_store_sync_commit_sync  (RosterStore         *self,
                                             guint                n_pages,
                                             RosterUserSet      **out_users,
                                             GCancellable        *cancellable,
                                             GError             **error);

/* One full user (product keys, resource ids, groups, platform roles) for the
 * detail pane and the bulk plan. ROSTER_ERROR_NOT_FOUND when not cached. */
void         roster_store_load_user_async   (RosterStore         *self,
                                             const char          *account_id,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
RosterUser  *roster_store_load_user_finish  (RosterStore         *self,
                                             GAsyncResult        *result,
                                             GError             **error);
RosterUser  *roster_store_load_user_sync    (RosterStore         *self,
                                             const char          *account_id,
                                             GCancellable        *cancellable,
                                             GError             **error);

/* Cache updates after a bulk job, without a full resync. Billable and the
 * user's newest last-active date are recomputed. ROSTER_ERROR_NOT_FOUND when
 * the user is not cached. */
void         roster_store_update_user_status_async  (RosterStore         *self,
                                                     const char          *account_id,
                                                     RosterStatus         status,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean     roster_store_update_user_status_finish (RosterStore         *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
gboolean     roster_store_update_user_status_sync   (RosterStore         *self,
                                                     const char          *account_id,
                                                     RosterStatus         status,
                                                     GCancellable        *cancellable,
                                                     GError             **error);
/* Grants (has_access TRUE: access never active yet) or removes access to one
 * product resource. */
void         roster_store_update_user_product_async  (RosterStore         *self,
                                                      const char          *account_id,
                                                      RosterProduct        product,
                                                      const char          *resource_id,
                                                      gboolean             has_access,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean     roster_store_update_user_product_finish (RosterStore         *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
gboolean     roster_store_update_user_product_sync   (RosterStore         *self,
                                                      const char          *account_id,
                                                      RosterProduct        product,
                                                      const char          *resource_id,
                                                      gboolean             has_access,
                                                      GCancellable        *cancellable,
                                                      GError             **error);

/* Settings, async (value NULL deletes the key; get completes with NULL when unset). */
void         roster_store_get_setting_async  (RosterStore         *self,
                                              const char          *key,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
char        *roster_store_get_setting_finish (RosterStore         *self,
                                              GAsyncResult        *result,
                                              GError             **error);
void         roster_store_set_setting_async  (RosterStore         *self,
                                              const char          *key,
                                              const char          *value,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean     roster_store_set_setting_finish (RosterStore         *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* Non-secret organization facts in `meta` (org_id, org_name, directory_id,
 * admin_url, …). Keys starting with "sync_" and "audit_" are reserved. */
char        *roster_store_get_meta_sync     (RosterStore         *self,
                                             const char          *key,
                                             GError             **error);
gboolean     roster_store_set_meta_sync     (RosterStore         *self,
                                             const char          *key,
                                             const char          *value,
                                             GError             **error);

/* Protected accounts: bulk actions never touch them. */
#define ROSTER_PROTECTED_REASON_MANUAL    "manual"
#define ROSTER_PROTECTED_REASON_ORG_ADMIN "org-admin"

typedef struct
{
  char   *account_id;
  char   *reason;     /* ROSTER_PROTECTED_REASON_* */
  char   *note;       /* (nullable) */
  gint64  added_at;   /* unix seconds */
} RosterProtectedAccount;

void         roster_protected_account_free  (RosterProtectedAccount *account);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RosterProtectedAccount, roster_protected_account_free)

/* Adds (or updates the note of) a manual protection; forgets an earlier
 * explicit removal. */
gboolean     roster_store_add_protected_sync      (RosterStore         *self,
                                                   const char          *account_id,
                                                   const char          *note,
                                                   GError             **error);
void         roster_store_add_protected_async     (RosterStore         *self,
                                                   const char          *account_id,
                                                   const char          *note,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean     roster_store_add_protected_finish    (RosterStore         *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
/* Removes a protection and remembers the removal, so that
 * roster_store_protect_org_admins_sync() does not add it back. TRUE when
 * something was removed. */
gboolean     roster_store_remove_protected_sync   (RosterStore         *self,
                                                   const char          *account_id,
                                                   GError             **error);
void         roster_store_remove_protected_async  (RosterStore         *self,
                                                   const char          *account_id,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean     roster_store_remove_protected_finish (RosterStore         *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
/* (element-type RosterProtectedAccount) ordered by account id */
GPtrArray   *roster_store_list_protected_sync     (RosterStore         *self,
                                                   GError             **error);
void         roster_store_list_protected_async    (RosterStore         *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
GPtrArray   *roster_store_list_protected_finish   (RosterStore         *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
gboolean     roster_store_is_protected_sync       (RosterStore         *self,
                                                   const char          *account_id,
                                                   GError             **error);
/* Protects every cached org admin (reason "org-admin") unless the admin removed
 * that protection explicitly. n_added may be NULL. */
gboolean     roster_store_protect_org_admins_sync (RosterStore         *self,
                                                   guint               *n_added,
                                                   GError             **error);

/* Audit trail on the store thread (see roster-audit.h). */
void         roster_store_audit_append_async  (RosterStore             *self,
                                               const RosterAuditEntry  *entry,
                                               GCancellable            *cancellable,
                                               GAsyncReadyCallback      callback,
                                               gpointer                 user_data);
/* The stored entry with id, time and hashes filled in. */
RosterAuditEntry *roster_store_audit_append_finish (RosterStore        *self,
                                               GAsyncResult            *result,
                                               GError                 **error);
RosterAuditEntry *roster_store_audit_append_sync (RosterStore          *self,
                                               const RosterAuditEntry  *entry,
                                               GError                 **error);
void         roster_store_audit_list_async    (RosterStore             *self,
                                               const RosterAuditFilter *filter,
                                               GCancellable            *cancellable,
                                               GAsyncReadyCallback      callback,
                                               gpointer                 user_data);
GPtrArray   *roster_store_audit_list_finish   (RosterStore             *self,
                                               GAsyncResult            *result,
                                               GError                 **error);
GPtrArray   *roster_store_audit_list_sync     (RosterStore             *self,
                                               const RosterAuditFilter *filter,
                                               GError                 **error);
void         roster_store_audit_verify_async  (RosterStore             *self,
                                               GCancellable            *cancellable,
                                               GAsyncReadyCallback      callback,
                                               gpointer                 user_data);
RosterAuditReport *roster_store_audit_verify_finish (RosterStore       *self,
                                               GAsyncResult            *result,
                                               GError                 **error);
RosterAuditReport *roster_store_audit_verify_sync (RosterStore         *self,
                                               GError                 **error);

/* Writes every table of the store as one JSON object (GDPR export). The store
 * holds no secrets. */
gboolean     roster_store_export_json_sync  (RosterStore         *self,
                                             GOutputStream       *stream,
                                             GError             **error);

G_END_DECLS
