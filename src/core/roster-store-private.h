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

G_END_DECLS
