/* roster-export.h
 *
 * CSV (RFC 4180) and JSON writers for rows of a RosterUserSet, and a small generic
 * CSV table writer (columns + a cell callback) for other row kinds.
 *
 * Safety: a CSV cell that starts with '=', '+', '-', '@', TAB or CR would run as a
 * formula in a spreadsheet; it is written with a leading single quote instead
 * (OWASP "CSV injection"), then quoted as RFC 4180 requires.
 *
 * Metadata: JSON output is {"meta":{"query","org","exported_at","count"},"users":[…]}.
 * CSV has no standard place for it; comment lines break Excel and most parsers, and a
 * sidecar file gets lost. So when meta is given, the CSV's first record is a single
 * cell "# query: …; org: …; exported_at: …; count: N", then the header record, then
 * the data. Spreadsheets show it as a first row; pass meta = NULL for a plain CSV.
 */
#pragma once

#include <gio/gio.h>

#include "roster-inactivity.h"
#include "roster-user-set.h"

G_BEGIN_DECLS

typedef enum
{
  ROSTER_EXPORT_CSV,
  ROSTER_EXPORT_JSON,
} RosterExportFormat;

typedef struct
{
  const char *query;        /* (nullable) the filter text the rows came from */
  const char *org;          /* (nullable) organization name */
  gint64      exported_at;  /* unix seconds */
} RosterExportMeta;

/* Returns an owned cell text, or NULL for an empty cell. */
typedef char *(*RosterTableCellFunc) (guint    index,
                                      guint    column,
                                      gpointer user_data);

/* Generic CSV table: n_rows records of n_columns cells from cell(). meta_line
 * (nullable) is written first as a single-cell record. */
gboolean roster_table_write_csv        (GOutputStream        *out,
                                        const char * const   *headers,
                                        guint                 n_rows,
                                        RosterTableCellFunc   cell,
                                        gpointer              user_data,
                                        const char           *meta_line,
                                        GCancellable         *cancellable,
                                        GError              **error);

/* Neutralises a formula and quotes per RFC 4180 (newly allocated). */
char    *roster_export_csv_escape      (const char           *cell);

/* Columns of the users export: account_id, name, email, account_type, status, claim,
 * products, groups, last_active, days_inactive, inactivity, billable, admin,
 * jira_last_active, jsm_last_active, confluence_last_active. NULL-terminated. */
const char * const *roster_export_user_columns         (void);
/* The default subset used when columns is NULL. */
const char * const *roster_export_default_user_columns (void);

/* Writes the given rows (set row indices) of set. columns (nullable → defaults)
 * select the CSV columns; JSON always writes the full object of roster_user_to_json().
 * An unknown column fails with ROSTER_ERROR_INVALID_ARGUMENT before anything is
 * written. Blocking; see the async variant for the UI. */
gboolean roster_export_users           (GOutputStream          *out,
                                        RosterExportFormat      format,
                                        RosterUserSet          *set,
                                        const guint            *rows,
                                        guint                   n_rows,
                                        const char * const     *columns,
                                        const RosterExportMeta *meta,
                                        const RosterThresholds *thresholds,
                                        gint64                  now_unix,
                                        GCancellable           *cancellable,
                                        GError                **error);
/* Same in a worker thread; rows, columns and meta are copied. */
void     roster_export_users_async     (GOutputStream          *out,
                                        RosterExportFormat      format,
                                        RosterUserSet          *set,
                                        const guint            *rows,
                                        guint                   n_rows,
                                        const char * const     *columns,
                                        const RosterExportMeta *meta,
                                        const RosterThresholds *thresholds,
                                        gint64                  now_unix,
                                        GCancellable           *cancellable,
                                        GAsyncReadyCallback     callback,
                                        gpointer                user_data);
gboolean roster_export_users_finish    (GAsyncResult           *result,
                                        GError                **error);

G_END_DECLS
