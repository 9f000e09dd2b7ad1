/* roster-store-util.c
 *
 * Small SQLite helpers shared by the store and the audit trail.
 */
#define G_LOG_DOMAIN "roster-store"

#include "config.h"

#include <string.h>

#include <glib.h>

#include "roster-store-private.h"

gboolean
_roster_store_fail (GError     **error,
                    sqlite3     *db,
                    int          rc,
                    const char  *what)
{
  const char *detail = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);
  const char *hint;

  switch (rc & 0xff)
    {
    case SQLITE_READONLY:
    case SQLITE_PERM:
      hint = "the cache file or its folder is read-only";
      break;
    case SQLITE_FULL:
      hint = "the disk is full";
      break;
    case SQLITE_NOTADB:
      hint = "the cache file is not a Roster database";
      break;
    case SQLITE_CORRUPT:
      hint = "the cache file is damaged";
      break;
    case SQLITE_CANTOPEN:
      hint = "the cache file cannot be opened";
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      hint = "the cache file is in use by another program";
      break;
    case SQLITE_IOERR:
      hint = "the disk reported an input/output error";
      break;
    default:
      hint = NULL;
      break;
    }

  if (hint != NULL)
    g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_CACHE,
                 "%s failed: %s (%s)", what, hint, detail);
  else
    g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_CACHE,
                 "%s failed: %s", what, detail);

  return FALSE;
}

gboolean
_roster_store_exec (sqlite3     *db,
                    const char  *sql,
                    GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return _roster_store_fail (error, db, rc, "Writing to the cache");

  return TRUE;
}

int
_roster_store_bind_text (sqlite3_stmt *stmt,
                         int           index,
                         const char   *text)
{
  if (text == NULL)
    return sqlite3_bind_null (stmt, index);
  return sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
}

static char *
key_value_get (sqlite3     *db,
               const char  *select_sql,
               const char  *key,
               GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, select_sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _roster_store_fail (error, db, rc, "Reading the cache"), NULL;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    _roster_store_fail (error, db, rc, "Reading the cache");

  sqlite3_finalize (stmt);
  return value;
}

static gboolean
key_value_set (sqlite3     *db,
               const char  *delete_sql,
               const char  *upsert_sql,
               const char  *key,
               const char  *value,
               GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, value == NULL ? delete_sql : upsert_sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _roster_store_fail (error, db, rc, "Writing to the cache");

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (value != NULL)
    sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    return _roster_store_fail (error, db, rc, "Writing to the cache");

  return TRUE;
}

#define KEY_VALUE_SQL(table) \
  "SELECT value FROM " table " WHERE key = ?1", \
  "DELETE FROM " table " WHERE key = ?1", \
  "INSERT INTO " table " (key, value) VALUES (?1, ?2)" \
  " ON CONFLICT (key) DO UPDATE SET value = excluded.value"

static const char * const meta_sql[] = { KEY_VALUE_SQL ("meta") };
static const char * const settings_sql[] = { KEY_VALUE_SQL ("settings") };

char *
_roster_store_meta_get (sqlite3     *db,
                        const char  *key,
                        GError     **error)
{
  return key_value_get (db, meta_sql[0], key, error);
}

gboolean
_roster_store_meta_set (sqlite3     *db,
                        const char  *key,
                        const char  *value,
                        GError     **error)
{
  return key_value_set (db, meta_sql[1], meta_sql[2], key, value, error);
}

char *
_roster_store_setting_get (sqlite3     *db,
                           const char  *key,
                           GError     **error)
{
  return key_value_get (db, settings_sql[0], key, error);
}

gboolean
_roster_store_setting_set (sqlite3     *db,
                           const char  *key,
                           const char  *value,
                           GError     **error)
{
  return key_value_set (db, settings_sql[1], settings_sql[2], key, value, error);
}

void
_roster_store_pack_field (GString    *out,
                          const char *field)
{
  const char *p = field != NULL ? field : "";

  for (;;)
    {
      gsize run = strcspn (p, "\\\t\n");

      g_string_append_len (out, p, run);
      p += run;
      switch (*p)
        {
        case '\0': return;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default: g_string_append (out, "\\n"); break;
        }
      p++;
    }
}

gboolean
_roster_store_unpack_next (const char **cursor,
                           GString     *scratch,
                           const char **fields,
                           guint        n_fields)
{
  const char *p = *cursor;
  gsize offsets[8];
  guint field = 0;

  g_return_val_if_fail (n_fields > 0 && n_fields <= G_N_ELEMENTS (offsets), FALSE);

  if (p == NULL || *p == '\0')
    return FALSE;

  g_string_truncate (scratch, 0);
  offsets[0] = 0;

  for (; *p != '\0' && *p != '\n'; p++)
    {
      if (*p == '\t')
        {
          g_string_append_c (scratch, '\0');
          if (++field < n_fields)
            offsets[field] = scratch->len;
          continue;
        }
      if (field >= n_fields)
        continue;
      if (*p == '\\' && p[1] != '\0')
        {
          p++;
          g_string_append_c (scratch, *p == 't' ? '\t' : *p == 'n' ? '\n' : *p);
        }
      else
        g_string_append_c (scratch, *p);
    }
  g_string_append_c (scratch, '\0');

  for (guint i = 0; i < n_fields; i++)
    fields[i] = i <= field ? scratch->str + offsets[i] : "";

  *cursor = *p == '\n' ? p + 1 : p;
  return TRUE;
}
