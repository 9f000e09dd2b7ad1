/* roster-user-set-private.h
 *
 * The user-set snapshot: the frozen set written as one file next to the store
 * (`<org-id>.users`, 0600) so that the next launch maps it instead of reading
 * and re-sorting 100,000 rows from SQLite. The file holds the set's own buffers
 * (string pool, records, account-id table, group runs), so loading is a checksum
 * pass and a few bounds checks over the mapped pages, and no copy.
 *
 * It is tied to the store's content by the generation counter kept in the store's
 * meta table (bumped by every write to the users tables): a file whose generation,
 * format or schema version differs, or that fails any check, is ignored.
 */
#pragma once

#include "roster-user-set.h"

G_BEGIN_DECLS

#define ROSTER_USER_SET_SNAPSHOT_FORMAT 2

/* roster_fold_for_search() without its per-character cache (for tests). */
char          *_roster_fold_for_search_slow    (const char     *text);

gboolean       _roster_user_set_write_snapshot (RosterUserSet  *self,
                                                const char     *path,
                                                guint64         generation,
                                                guint32         schema_version,
                                                GError        **error);
/* NULL with an error when the file is missing, stale (another generation or schema),
 * truncated, corrupt or foreign. */
RosterUserSet *_roster_user_set_load_snapshot  (const char     *path,
                                                guint64         generation,
                                                guint32         schema_version,
                                                GError        **error);
/* The checksum a snapshot's header holds for its payload (the bytes after the
 * 80-byte header): lets the fuzz target reach the checks behind it. */
#define ROSTER_USER_SET_SNAPSHOT_HEADER_SIZE     80
#define ROSTER_USER_SET_SNAPSHOT_CHECKSUM_OFFSET 72
guint64        _roster_user_set_snapshot_checksum (const void *payload,
                                                   gsize       len);
/* TRUE when the set reads from a mapped snapshot (diagnostics, tests). */
gboolean       _roster_user_set_is_mapped      (RosterUserSet  *self);

G_END_DECLS
