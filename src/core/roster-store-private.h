/* roster-store-private.h
 *
 * Helpers shared by the files that run SQL on the store thread.
 */
#pragma once

#include <sqlite3.h>

#include "roster-error.h"

G_BEGIN_DECLS

/* Sets a ROSTER_ERROR_CACHE error that says what failed and why, in words an
 * admin can act on. Returns FALSE so callers can `return _roster_store_fail (…)`. */
gboolean _roster_store_fail        (GError     **error,
                                    sqlite3     *db,
                                    int          rc,
                                    const char  *what);
/* Runs SQL without results; errors as above. */
gboolean _roster_store_exec        (sqlite3     *db,
                                    const char  *sql,
                                    GError     **error);
/* Binds a UTF-8 string or NULL. */
int      _roster_store_bind_text   (sqlite3_stmt *stmt,
                                    int           index,
                                    const char   *text);
/* meta table */
char    *_roster_store_meta_get    (sqlite3     *db,
                                    const char  *key,
                                    GError     **error);
gboolean _roster_store_meta_set    (sqlite3     *db,
                                    const char  *key,
                                    const char  *value,
                                    GError     **error);

/* settings table (NULL value = delete) */
char    *_roster_store_setting_get (sqlite3     *db,
                                    const char  *key,
                                    GError     **error);
gboolean _roster_store_setting_set (sqlite3     *db,
                                    const char  *key,
                                    const char  *value,
                                    GError     **error);

/* Lists packed into one text column (a user's products, a user's groups):
 * entries separated by newlines, fields by tabs; a backslash, tab or newline
 * inside a field is written as a backslash followed by itself, 't' or 'n'.
 * Readable in exports and in SQL, and one row per user is several times
 * cheaper to write than a row per product and per group. */
void     _roster_store_pack_field  (GString     *out,
                                    const char  *field);
/* Reads the next entry of a packed list at *cursor into fields[0..n_fields-1],
 * unescaped into scratch (missing trailing fields are ""). Returns FALSE at the
 * end of the list. The pointers stay valid until the next call. */
gboolean _roster_store_unpack_next (const char **cursor,
                                    GString     *scratch,
                                    const char **fields,
                                    guint        n_fields);

G_END_DECLS
