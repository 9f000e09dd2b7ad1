/* roster-audit.c
 *
 * Hash chain: hash(n) = SHA-256 hex of
 *   "roster-audit-v1\n" + prev_hash + serialize(id, time, os_user, org_id, action,
 *                                              target, outcome, http_status, job_id, detail)
 * where every field is written as "N;" when NULL or "S<byte length>:<bytes>;" when a
 * string (numbers in decimal as strings), so no two different entries serialize alike.
 * The first entry's prev_hash is 64 zeros. meta keeps `audit_head_id` and
 * `audit_head_hash`, moved in the same SAVEPOINT as the INSERT, so removing the newest
 * rows is noticed as well.
 */
#define G_LOG_DOMAIN "roster-audit"

#include "config.h"

#include <string.h>

#include "roster-audit.h"
#include "roster-error.h"
#include "roster-store-private.h"

#define GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"

struct _RosterAuditEntry
{
  gint64  id;
  char   *time;
  char   *os_user;
  char   *org_id;
  char   *action;
  char   *target;
  char   *outcome;
  guint   http_status;
  char   *job_id;
  char   *detail;
  char   *prev_hash;
  char   *hash;
};

G_DEFINE_BOXED_TYPE (RosterAuditEntry, roster_audit_entry,
                     roster_audit_entry_copy, roster_audit_entry_free)

RosterAuditEntry *
roster_audit_entry_new (const char *action,
                        const char *target,
                        const char *outcome,
                        guint       http_status,
                        const char *job_id,
                        const char *detail)
{
  RosterAuditEntry *self;

  g_return_val_if_fail (action != NULL, NULL);

  self = g_new0 (RosterAuditEntry, 1);
  self->action = g_strdup (action);
  self->target = g_strdup (target);
  self->outcome = g_strdup (outcome);
  self->http_status = http_status;
  self->job_id = g_strdup (job_id);
  self->detail = g_strdup (detail);

  return self;
}

RosterAuditEntry *
roster_audit_entry_copy (const RosterAuditEntry *self)
{
  RosterAuditEntry *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (RosterAuditEntry, 1);
  copy->id = self->id;
  copy->time = g_strdup (self->time);
  copy->os_user = g_strdup (self->os_user);
  copy->org_id = g_strdup (self->org_id);
  copy->action = g_strdup (self->action);
  copy->target = g_strdup (self->target);
  copy->outcome = g_strdup (self->outcome);
  copy->http_status = self->http_status;
  copy->job_id = g_strdup (self->job_id);
  copy->detail = g_strdup (self->detail);
  copy->prev_hash = g_strdup (self->prev_hash);
  copy->hash = g_strdup (self->hash);

  return copy;
}

void
roster_audit_entry_free (RosterAuditEntry *self)
{
  if (self == NULL)
    return;

  g_free (self->time);
  g_free (self->os_user);
  g_free (self->org_id);
  g_free (self->action);
  g_free (self->target);
  g_free (self->outcome);
  g_free (self->job_id);
  g_free (self->detail);
  g_free (self->prev_hash);
  g_free (self->hash);
  g_free (self);
}

void
roster_audit_entry_set_time (RosterAuditEntry *self,
                             const char       *iso8601)
{
  g_return_if_fail (self != NULL);
  g_free (self->time);
  self->time = g_strdup (iso8601);
}

void
roster_audit_entry_set_os_user (RosterAuditEntry *self,
                                const char       *os_user)
{
  g_return_if_fail (self != NULL);
  g_free (self->os_user);
  self->os_user = g_strdup (os_user);
}

void
roster_audit_entry_set_org_id (RosterAuditEntry *self,
                               const char       *org_id)
{
  g_return_if_fail (self != NULL);
  g_free (self->org_id);
  self->org_id = g_strdup (org_id);
}

gint64
roster_audit_entry_get_id (const RosterAuditEntry *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->id;
}

const char *
roster_audit_entry_get_time (const RosterAuditEntry *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->time;
}

const char *
roster_audit_entry_get_os_user (const RosterAuditEntry *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->os_user;
}

const char *
roster_audit_entry_get_org_id (const RosterAuditEntry *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->org_id;
}

const char *
roster_audit_entry_get_action (const RosterAuditEntry *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->action;
}

const char *
roster_audit_entry_get_target (const RosterAuditEntry *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->target;
}

const char *
roster_audit_entry_get_outcome (const RosterAuditEntry *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->outcome;
}

guint
roster_audit_entry_get_http_status (const RosterAuditEntry *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->http_status;
}

const char *
roster_audit_entry_get_job_id (const RosterAuditEntry *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->job_id;
}

const char *
roster_audit_entry_get_detail (const RosterAuditEntry *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->detail;
}

const char *
roster_audit_entry_get_prev_hash (const RosterAuditEntry *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->prev_hash;
}

const char *
roster_audit_entry_get_hash (const RosterAuditEntry *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->hash;
}

static void
checksum_field (GChecksum  *checksum,
                const char *value)
{
  char prefix[32];

  if (value == NULL)
    {
      g_checksum_update (checksum, (const guchar *) "N;", 2);
      return;
    }

  g_snprintf (prefix, sizeof prefix, "S%" G_GSIZE_FORMAT ":", strlen (value));
  g_checksum_update (checksum, (const guchar *) prefix, -1);
  g_checksum_update (checksum, (const guchar *) value, strlen (value));
  g_checksum_update (checksum, (const guchar *) ";", 1);
}

char *
roster_audit_compute_hash (const RosterAuditEntry *entry,
                           const char             *prev_hash)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  char number[32];

  g_return_val_if_fail (entry != NULL, NULL);

  g_checksum_update (checksum, (const guchar *) "roster-audit-v1\n", -1);
  checksum_field (checksum, prev_hash);
  g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, entry->id);
  checksum_field (checksum, number);
  checksum_field (checksum, entry->time);
  checksum_field (checksum, entry->os_user);
  checksum_field (checksum, entry->org_id);
  checksum_field (checksum, entry->action);
  checksum_field (checksum, entry->target);
  checksum_field (checksum, entry->outcome);
  g_snprintf (number, sizeof number, "%u", entry->http_status);
  checksum_field (checksum, number);
  checksum_field (checksum, entry->job_id);
  checksum_field (checksum, entry->detail);

  return g_strdup (g_checksum_get_string (checksum));
}

static char *
now_iso8601 (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *base = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", base, g_date_time_get_microsecond (now) / 1000);
}

static gint64
query_int64 (sqlite3     *db,
             const char  *sql,
             gboolean    *ok,
             GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = 0;
  int rc;

  *ok = FALSE;
  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _roster_store_fail (error, db, rc, "Reading the audit trail"), 0;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      value = sqlite3_column_int64 (stmt, 0);
      *ok = TRUE;
    }
  else if (rc == SQLITE_DONE)
    *ok = TRUE;
  else
    _roster_store_fail (error, db, rc, "Reading the audit trail");

  sqlite3_finalize (stmt);
  return value;
}

RosterAuditEntry *
roster_audit_append_full (sqlite3                *db,
                          const RosterAuditEntry *entry,
                          GError                **error)
{
  g_autoptr(RosterAuditEntry) stored = NULL;
  g_autofree char *head_hash = NULL;
  g_autoptr(GError) local_error = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean ok;
  gint64 seq;
  char id_str[32];
  int rc;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (entry != NULL, NULL);
  g_return_val_if_fail (entry->action != NULL, NULL);

  if (!_roster_store_exec (db, "SAVEPOINT roster_audit_append", error))
    return NULL;

  stored = roster_audit_entry_copy (entry);
  if (stored->time == NULL)
    stored->time = now_iso8601 ();
  if (stored->os_user == NULL)
    stored->os_user = g_strdup (g_get_user_name ());
  if (stored->org_id == NULL)
    {
      stored->org_id = _roster_store_meta_get (db, "org_id", &local_error);
      if (local_error != NULL)
        goto rollback;
    }

  /* The chain continues from the head recorded in meta, not from whatever row
   * happens to be newest, so a truncated tail stays visible after new appends. */
  head_hash = _roster_store_meta_get (db, "audit_head_hash", &local_error);
  if (local_error != NULL)
    goto rollback;
  stored->prev_hash = g_strdup (head_hash != NULL ? head_hash : GENESIS_HASH);

  /* AUTOINCREMENT never reuses an id, so sqlite_sequence holds the next one. */
  seq = query_int64 (db, "SELECT seq FROM sqlite_sequence WHERE name = 'audit'", &ok, error);
  if (!ok)
    goto rollback;
  stored->id = seq + 1;
  stored->hash = roster_audit_compute_hash (stored, stored->prev_hash);

  rc = sqlite3_prepare_v2 (db,
                           "INSERT INTO audit (id, time, os_user, org_id, action, target, outcome,"
                           " http_status, job_id, detail, prev_hash, hash)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _roster_store_fail (error, db, rc, "Writing the audit trail");
      goto rollback;
    }
  sqlite3_bind_int64 (stmt, 1, stored->id);
  _roster_store_bind_text (stmt, 2, stored->time);
  _roster_store_bind_text (stmt, 3, stored->os_user);
  _roster_store_bind_text (stmt, 4, stored->org_id);
  _roster_store_bind_text (stmt, 5, stored->action);
  _roster_store_bind_text (stmt, 6, stored->target);
  _roster_store_bind_text (stmt, 7, stored->outcome);
  sqlite3_bind_int64 (stmt, 8, stored->http_status);
  _roster_store_bind_text (stmt, 9, stored->job_id);
  _roster_store_bind_text (stmt, 10, stored->detail);
  _roster_store_bind_text (stmt, 11, stored->prev_hash);
  _roster_store_bind_text (stmt, 12, stored->hash);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _roster_store_fail (error, db, rc, "Writing the audit trail");
      goto rollback;
    }

  g_snprintf (id_str, sizeof id_str, "%" G_GINT64_FORMAT, stored->id);
  if (!_roster_store_meta_set (db, "audit_head_id", id_str, error) ||
      !_roster_store_meta_set (db, "audit_head_hash", stored->hash, error))
    goto rollback;

  if (!_roster_store_exec (db, "RELEASE roster_audit_append", error))
    goto rollback;

  return g_steal_pointer (&stored);

rollback:
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  sqlite3_exec (db, "ROLLBACK TO roster_audit_append; RELEASE roster_audit_append",
                NULL, NULL, NULL);
  return NULL;
}

gboolean
roster_audit_append (sqlite3                *db,
                     const RosterAuditEntry *entry,
                     GError                **error)
{
  g_autoptr(RosterAuditEntry) stored = roster_audit_append_full (db, entry, error);

  return stored != NULL;
}

static char *
dup_column (sqlite3_stmt *stmt,
            int           col)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, col));
}

static RosterAuditEntry *
entry_from_row (sqlite3_stmt *stmt)
{
  RosterAuditEntry *self = g_new0 (RosterAuditEntry, 1);

  self->id = sqlite3_column_int64 (stmt, 0);
  self->time = dup_column (stmt, 1);
  self->os_user = dup_column (stmt, 2);
  self->org_id = dup_column (stmt, 3);
  self->action = dup_column (stmt, 4);
  self->target = dup_column (stmt, 5);
  self->outcome = dup_column (stmt, 6);
  self->http_status = (guint) sqlite3_column_int64 (stmt, 7);
  self->job_id = dup_column (stmt, 8);
  self->detail = dup_column (stmt, 9);
  self->prev_hash = dup_column (stmt, 10);
  self->hash = dup_column (stmt, 11);

  return self;
}

#define AUDIT_COLUMNS "id, time, os_user, org_id, action, target, outcome, http_status, " \
                      "job_id, detail, prev_hash, hash"

static char *
like_pattern (const char *text)
{
  GString *s = g_string_new ("%");

  for (const char *p = text; *p; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (s, '\\');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '%');

  return g_string_free (s, FALSE);
}

GPtrArray *
roster_audit_list (sqlite3                 *db,
                   const RosterAuditFilter *filter,
                   GError                 **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) roster_audit_entry_free);
  g_autoptr(GString) sql = g_string_new ("SELECT " AUDIT_COLUMNS " FROM audit WHERE 1");
  g_autofree char *pattern = NULL;
  RosterAuditFilter empty = { 0 };
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);

  if (filter == NULL)
    filter = &empty;

  if (filter->action != NULL && *filter->action)
    g_string_append (sql, " AND action = ?1");
  if (filter->text != NULL && *filter->text)
    {
      pattern = like_pattern (filter->text);
      g_string_append (sql, " AND (os_user LIKE ?2 ESCAPE '\\' OR target LIKE ?2 ESCAPE '\\')");
    }
  if (filter->from_time != NULL && *filter->from_time)
    g_string_append (sql, " AND time >= ?3");
  if (filter->to_time != NULL && *filter->to_time)
    g_string_append (sql, " AND time < ?4");
  if (filter->limit > 0)
    {
      g_string_append_printf (sql, " ORDER BY id DESC LIMIT %u", filter->limit);
      g_string_prepend (sql, "SELECT * FROM (");
      g_string_append (sql, ") ORDER BY id");
    }
  else
    g_string_append (sql, " ORDER BY id");

  rc = sqlite3_prepare_v2 (db, sql->str, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _roster_store_fail (error, db, rc, "Reading the audit trail"), NULL;

  if (filter->action != NULL && *filter->action)
    sqlite3_bind_text (stmt, 1, filter->action, -1, SQLITE_STATIC);
  if (pattern != NULL)
    sqlite3_bind_text (stmt, 2, pattern, -1, SQLITE_STATIC);
  if (filter->from_time != NULL && *filter->from_time)
    sqlite3_bind_text (stmt, 3, filter->from_time, -1, SQLITE_STATIC);
  if (filter->to_time != NULL && *filter->to_time)
    sqlite3_bind_text (stmt, 4, filter->to_time, -1, SQLITE_STATIC);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (entries, entry_from_row (stmt));
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    return _roster_store_fail (error, db, rc, "Reading the audit trail"), NULL;

  return g_steal_pointer (&entries);
}

static void
append_id (GArray *array,
           gint64  id)
{
  g_array_append_val (array, id);
}

RosterAuditReport *
roster_audit_verify (sqlite3  *db,
                     GError  **error)
{
  g_autoptr(RosterAuditReport) report = g_new0 (RosterAuditReport, 1);
  g_autofree char *head_id_str = NULL;
  g_autofree char *head_hash = NULL;
  g_autofree char *prev_hash = g_strdup (GENESIS_HASH);
  g_autoptr(GError) local_error = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 prev_id = 0;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);

  report->edited_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  report->deleted_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  report->broken_link_ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  head_id_str = _roster_store_meta_get (db, "audit_head_id", &local_error);
  if (local_error == NULL)
    head_hash = _roster_store_meta_get (db, "audit_head_hash", &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  report->head_id = head_id_str != NULL ? g_ascii_strtoll (head_id_str, NULL, 10) : 0;

  rc = sqlite3_prepare_v2 (db, "SELECT " AUDIT_COLUMNS " FROM audit ORDER BY id", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _roster_store_fail (error, db, rc, "Reading the audit trail"), NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(RosterAuditEntry) entry = entry_from_row (stmt);
      g_autofree char *expected = roster_audit_compute_hash (entry, entry->prev_hash);
      gboolean gap = entry->id != prev_id + 1;

      report->n_checked++;

      for (gint64 missing = prev_id + 1; missing < entry->id; missing++)
        append_id (report->deleted_ids, missing);

      if (entry->hash == NULL || g_strcmp0 (expected, entry->hash) != 0)
        append_id (report->edited_ids, entry->id);
      else if (!gap && g_strcmp0 (entry->prev_hash, prev_hash) != 0)
        /* The content matches its own hash but not the entry before it: the
         * previous entry was rewritten with a recomputed hash, or this one was. */
        append_id (report->broken_link_ids, entry->id);

      g_free (prev_hash);
      prev_hash = g_strdup (entry->hash);
      prev_id = entry->id;
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    return _roster_store_fail (error, db, rc, "Reading the audit trail"), NULL;

  report->last_id = prev_id;

  if (report->head_id > prev_id)
    {
      report->truncated = TRUE;
      for (gint64 missing = prev_id + 1; missing <= report->head_id; missing++)
        append_id (report->deleted_ids, missing);
    }
  else if (report->head_id != prev_id ||
           (prev_id > 0 && g_strcmp0 (head_hash, prev_hash) != 0))
    {
      /* Rows beyond the recorded head, or a head that does not match the newest
       * row: the table was written behind the chain's back. */
      if (prev_id > 0)
        append_id (report->broken_link_ids, prev_id);
    }

  return g_steal_pointer (&report);
}

gboolean
roster_audit_report_is_intact (const RosterAuditReport *report)
{
  g_return_val_if_fail (report != NULL, FALSE);

  return report->edited_ids->len == 0 &&
         report->deleted_ids->len == 0 &&
         report->broken_link_ids->len == 0 &&
         !report->truncated;
}

void
roster_audit_report_free (RosterAuditReport *report)
{
  if (report == NULL)
    return;

  g_clear_pointer (&report->edited_ids, g_array_unref);
  g_clear_pointer (&report->deleted_ids, g_array_unref);
  g_clear_pointer (&report->broken_link_ids, g_array_unref);
  g_free (report);
}

/* ------------------------------------------------------------------------- */
/* Writing entries out (rosterctl audit --format, the Audit page's export)    */

static const char * const audit_columns[] = {
  "id", "time", "os_user", "org_id", "action", "target", "outcome", "http_status", "job_id",
  "detail", "hash", NULL
};

static char *
audit_cell (guint    index,
            guint    column,
            gpointer user_data)
{
  GPtrArray *entries = user_data;
  const RosterAuditEntry *e = g_ptr_array_index (entries, index);

  switch (column)
    {
    case 0: return g_strdup_printf ("%" G_GINT64_FORMAT, roster_audit_entry_get_id (e));
    case 1: return g_strdup (roster_audit_entry_get_time (e));
    case 2: return g_strdup (roster_audit_entry_get_os_user (e));
    case 3: return g_strdup (roster_audit_entry_get_org_id (e));
    case 4: return g_strdup (roster_audit_entry_get_action (e));
    case 5: return g_strdup (roster_audit_entry_get_target (e));
    case 6: return g_strdup (roster_audit_entry_get_outcome (e));
    case 7: return roster_audit_entry_get_http_status (e) != 0
                   ? g_strdup_printf ("%u", roster_audit_entry_get_http_status (e)) : NULL;
    case 8: return g_strdup (roster_audit_entry_get_job_id (e));
    case 9: return g_strdup (roster_audit_entry_get_detail (e));
    case 10: return g_strdup (roster_audit_entry_get_hash (e));
    default: return NULL;
    }
}

static void
add_string_member (JsonBuilder *b,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

gboolean
roster_audit_write_entries (GOutputStream       *out,
                            RosterExportFormat   format,
                            GPtrArray           *entries,
                            GCancellable        *cancellable,
                            GError             **error)
{
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonGenerator) gen = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  gsize length;

  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);
  g_return_val_if_fail (entries != NULL, FALSE);

  if (format == ROSTER_EXPORT_CSV)
    return roster_table_write_csv (out, audit_columns, entries->len, audit_cell, entries, NULL,
                                   cancellable, error);

  b = json_builder_new ();
  json_builder_begin_array (b);
  for (guint i = 0; i < entries->len; i++)
    {
      const RosterAuditEntry *e = g_ptr_array_index (entries, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_int_value (b, roster_audit_entry_get_id (e));
      add_string_member (b, "time", roster_audit_entry_get_time (e));
      add_string_member (b, "os_user", roster_audit_entry_get_os_user (e));
      add_string_member (b, "org_id", roster_audit_entry_get_org_id (e));
      add_string_member (b, "action", roster_audit_entry_get_action (e));
      add_string_member (b, "target", roster_audit_entry_get_target (e));
      add_string_member (b, "outcome", roster_audit_entry_get_outcome (e));
      json_builder_set_member_name (b, "http_status");
      json_builder_add_int_value (b, roster_audit_entry_get_http_status (e));
      add_string_member (b, "job_id", roster_audit_entry_get_job_id (e));
      add_string_member (b, "detail", roster_audit_entry_get_detail (e));
      add_string_member (b, "prev_hash", roster_audit_entry_get_prev_hash (e));
      add_string_member (b, "hash", roster_audit_entry_get_hash (e));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  root = json_builder_get_root (b);
  gen = json_generator_new ();
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, &length);

  return g_output_stream_write_all (out, text, length, NULL, cancellable, error) &&
         g_output_stream_write_all (out, "\n", 1, NULL, cancellable, error);
}

typedef struct
{
  GOutputStream      *out;
  GPtrArray          *entries;
  RosterExportFormat  format;
} WriteData;

static void
write_data_free (gpointer data)
{
  WriteData *wd = data;

  g_clear_object (&wd->out);
  g_clear_pointer (&wd->entries, g_ptr_array_unref);
  g_free (wd);
}

static void
write_entries_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  WriteData *wd = task_data;
  GError *error = NULL;

  if (!roster_audit_write_entries (wd->out, wd->format, wd->entries, cancellable, &error) ||
      !g_output_stream_close (wd->out, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
roster_audit_write_entries_async (GOutputStream       *out,
                                  RosterExportFormat   format,
                                  GPtrArray           *entries,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  WriteData *wd;

  g_return_if_fail (G_IS_OUTPUT_STREAM (out));
  g_return_if_fail (entries != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_audit_write_entries_async);
  wd = g_new0 (WriteData, 1);
  wd->out = g_object_ref (out);
  wd->entries = g_ptr_array_ref (entries);
  wd->format = format;
  g_task_set_task_data (task, wd, write_data_free);
  g_task_run_in_thread (task, write_entries_thread);
}

gboolean
roster_audit_write_entries_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
