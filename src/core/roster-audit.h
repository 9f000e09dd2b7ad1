/* roster-audit.h
 *
 * The append-only, hash-chained audit trail kept in the `audit` table of the
 * store. Each entry's hash is SHA-256 over the previous entry's hash and a
 * length-prefixed serialization of every other field, and the chain head
 * (last id + hash) is kept in `meta` in the same transaction, so an edited,
 * deleted or truncated entry is found by roster_audit_verify().
 *
 * These functions work on a bare sqlite3 connection so that the bulk engine can
 * append inside its own transaction on the store thread; RosterStore has
 * async/sync wrappers (roster_store_audit_*). Formatting (CSV, JSON, table) is
 * the business of the CLI and the UI: they read entries through the accessors.
 */
#pragma once

#include <glib-object.h>
#include <gio/gio.h>
#include <sqlite3.h>

#include "roster-export.h"

G_BEGIN_DECLS

#define ROSTER_TYPE_AUDIT_ENTRY (roster_audit_entry_get_type ())

typedef struct _RosterAuditEntry RosterAuditEntry;

GType              roster_audit_entry_get_type        (void) G_GNUC_CONST;
/* action is required; the other fields may be NULL / 0 and are filled in on
 * append: time (now, UTC, ms), os_user (g_get_user_name), org_id (meta org_id). */
RosterAuditEntry  *roster_audit_entry_new             (const char             *action,
                                                       const char             *target,
                                                       const char             *outcome,
                                                       guint                   http_status,
                                                       const char             *job_id,
                                                       const char             *detail);
RosterAuditEntry  *roster_audit_entry_copy            (const RosterAuditEntry *self);
void               roster_audit_entry_free            (RosterAuditEntry       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RosterAuditEntry, roster_audit_entry_free)

void               roster_audit_entry_set_time        (RosterAuditEntry       *self,
                                                       const char             *iso8601);
void               roster_audit_entry_set_os_user     (RosterAuditEntry       *self,
                                                       const char             *os_user);
void               roster_audit_entry_set_org_id      (RosterAuditEntry       *self,
                                                       const char             *org_id);

/* 0 until the entry has been stored. */
gint64             roster_audit_entry_get_id          (const RosterAuditEntry *self);
/* ISO 8601 UTC with milliseconds, e.g. "2024-05-01T09:30:00.123Z". */
const char        *roster_audit_entry_get_time        (const RosterAuditEntry *self);
const char        *roster_audit_entry_get_os_user     (const RosterAuditEntry *self);
const char        *roster_audit_entry_get_org_id      (const RosterAuditEntry *self);
const char        *roster_audit_entry_get_action      (const RosterAuditEntry *self);
const char        *roster_audit_entry_get_target      (const RosterAuditEntry *self);
const char        *roster_audit_entry_get_outcome     (const RosterAuditEntry *self);
/* 0 when no HTTP request was involved. */
guint              roster_audit_entry_get_http_status (const RosterAuditEntry *self);
const char        *roster_audit_entry_get_job_id      (const RosterAuditEntry *self);
const char        *roster_audit_entry_get_detail      (const RosterAuditEntry *self);
const char        *roster_audit_entry_get_prev_hash   (const RosterAuditEntry *self);
const char        *roster_audit_entry_get_hash        (const RosterAuditEntry *self);

/* Filter for listing; every member is optional (NULL / empty = any). */
typedef struct
{
  const char *action;      /* exact action */
  const char *text;        /* substring of os_user or target (case-insensitive, ASCII) */
  const char *from_time;   /* ISO 8601, inclusive */
  const char *to_time;     /* ISO 8601, exclusive */
  guint       limit;       /* 0 = no limit; newest entries are kept */
} RosterAuditFilter;

/* Appends one entry inside a SAVEPOINT (so it nests in a caller's transaction)
 * and moves the chain head in meta. `entry` itself is not changed. */
gboolean           roster_audit_append                (sqlite3                *db,
                                                       const RosterAuditEntry *entry,
                                                       GError                **error);
/* Like roster_audit_append, returning the stored entry (all fields set). */
RosterAuditEntry  *roster_audit_append_full           (sqlite3                *db,
                                                       const RosterAuditEntry *entry,
                                                       GError                **error);
/* (element-type RosterAuditEntry) oldest first. */
GPtrArray         *roster_audit_list                  (sqlite3                *db,
                                                       const RosterAuditFilter *filter,
                                                       GError                **error);

typedef struct
{
  guint      n_checked;
  GArray    *edited_ids;        /* gint64: content does not match its hash */
  GArray    *deleted_ids;       /* gint64: ids missing from the chain */
  GArray    *broken_link_ids;   /* gint64: prev_hash does not match the entry before */
  gboolean   truncated;         /* the newest entries (chain head in meta) are gone */
  gint64     head_id;           /* chain head recorded in meta (0 = none) */
  gint64     last_id;           /* newest id found in the table (0 = none) */
} RosterAuditReport;

/* Walks the whole chain. Returns NULL only on a database error. */
RosterAuditReport *roster_audit_verify                (sqlite3                *db,
                                                       GError                **error);
/* TRUE when nothing was edited, deleted or truncated. */
/* Writes entries (element-type RosterAuditEntry) as CSV (formula-safe, one row
 * per entry) or as a JSON array of objects with every field, hashes included. */
gboolean           roster_audit_write_entries         (GOutputStream          *out,
                                                       RosterExportFormat      format,
                                                       GPtrArray              *entries,
                                                       GCancellable           *cancellable,
                                                       GError                **error);
/* Same, in a worker thread; out is closed at the end. */
void               roster_audit_write_entries_async   (GOutputStream          *out,
                                                       RosterExportFormat      format,
                                                       GPtrArray              *entries,
                                                       GCancellable           *cancellable,
                                                       GAsyncReadyCallback     callback,
                                                       gpointer                user_data);
gboolean           roster_audit_write_entries_finish  (GAsyncResult           *result,
                                                       GError                **error);

gboolean           roster_audit_report_is_intact      (const RosterAuditReport *report);
void               roster_audit_report_free           (RosterAuditReport      *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RosterAuditReport, roster_audit_report_free)

/* The hex SHA-256 the chain stores for an entry with the given prev_hash. */
char              *roster_audit_compute_hash          (const RosterAuditEntry *entry,
                                                       const char             *prev_hash);

G_END_DECLS
