/* roster-user-private.h
 *
 * Internals shared between the core's user parsers and their tests.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Parses "2025-11-06T23:07:29.936Z", "…+02:00", "2025-05-01" (UTC assumed without an
 * offset) into unix seconds, without allocating. FALSE when malformed. */
gboolean _roster_parse_iso8601 (const char *str,
                                gint64     *out_unix);

G_END_DECLS
