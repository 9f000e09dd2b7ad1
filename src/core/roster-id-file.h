/* roster-id-file.h
 *
 * Reads the target list of a bulk action from a file's contents: one account
 * id or email per line, or a CSV with an "account_id" or "email" column
 * (header matched case-insensitively). Handles a UTF-8 BOM, CRLF/CR line ends,
 * RFC 4180 quotes (including quoted newlines and ""), blank lines and comment
 * lines starting with '#'. Pure (no I/O), so it can be fuzzed.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Returns a NULL-terminated array of trimmed, non-empty entries in file order
 * (duplicates kept), or NULL with ROSTER_ERROR_INVALID_ARGUMENT when the data
 * is not valid UTF-8, a CSV has neither column, or a quote is left open. */
char   **roster_id_file_parse (const char  *data,
                               gsize        length,
                               GError     **error);

/* TRUE when the string looks like an email (contains '@' with text around). */
gboolean roster_id_file_is_email (const char *entry);

G_END_DECLS
