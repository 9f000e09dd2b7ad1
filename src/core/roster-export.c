/* roster-export.c */
#define G_LOG_DOMAIN "roster-export"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "roster-error.h"
#include "roster-export.h"

#define FLUSH_BYTES (64 * 1024)

static const char * const user_columns[] = {
  "account_id", "name", "email", "account_type", "status", "claim", "products", "groups",
  "last_active", "days_inactive", "inactivity", "billable", "admin",
  "jira_last_active", "jsm_last_active", "confluence_last_active", NULL,
};

static const char * const default_user_columns[] = {
  "account_id", "name", "email", "status", "products", "last_active", "days_inactive",
  "inactivity", NULL,
};

const char * const *
roster_export_user_columns (void)
{
  return user_columns;
}

const char * const *
roster_export_default_user_columns (void)
{
  return default_user_columns;
}

/* CSV -------------------------------------------------------------------------------- */

char *
roster_export_csv_escape (const char *cell)
{
  GString *out;
  gboolean formula, quote;

  if (cell == NULL || cell[0] == '\0')
    return g_strdup ("");

  formula = strchr ("=+-@\t\r", cell[0]) != NULL;
  quote = strpbrk (cell, ",\"\r\n") != NULL;

  if (!formula && !quote)
    return g_strdup (cell);

  out = g_string_sized_new (strlen (cell) + 4);
  if (quote)
    g_string_append_c (out, '"');
  if (formula)
    g_string_append_c (out, '\'');
  for (const char *p = cell; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  if (quote)
    g_string_append_c (out, '"');

  return g_string_free (out, FALSE);
}

static void
append_cell (GString    *buffer,
             const char *cell)
{
  g_autofree char *escaped = roster_export_csv_escape (cell);

  g_string_append (buffer, escaped);
}

static gboolean
flush (GOutputStream  *out,
       GString        *buffer,
       GCancellable   *cancellable,
       GError        **error)
{
  if (buffer->len == 0)
    return TRUE;
  if (!g_output_stream_write_all (out, buffer->str, buffer->len, NULL, cancellable, error))
    return FALSE;
  g_string_truncate (buffer, 0);
  return TRUE;
}

gboolean
roster_table_write_csv (GOutputStream        *out,
                        const char * const   *headers,
                        guint                 n_rows,
                        RosterTableCellFunc   cell,
                        gpointer              user_data,
                        const char           *meta_line,
                        GCancellable         *cancellable,
                        GError              **error)
{
  g_autoptr(GString) buffer = g_string_sized_new (FLUSH_BYTES + 1024);
  guint n_columns;

  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);
  g_return_val_if_fail (headers != NULL, FALSE);
  g_return_val_if_fail (cell != NULL, FALSE);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);

  n_columns = g_strv_length ((char **) headers);

  if (meta_line != NULL)
    {
      append_cell (buffer, meta_line);
      g_string_append (buffer, "\r\n");
    }

  for (guint c = 0; c < n_columns; c++)
    {
      if (c > 0)
        g_string_append_c (buffer, ',');
      append_cell (buffer, headers[c]);
    }
  g_string_append (buffer, "\r\n");

  for (guint i = 0; i < n_rows; i++)
    {
      for (guint c = 0; c < n_columns; c++)
        {
          g_autofree char *text = cell (i, c, user_data);

          if (c > 0)
            g_string_append_c (buffer, ',');
          append_cell (buffer, text);
        }
      g_string_append (buffer, "\r\n");

      if (buffer->len >= FLUSH_BYTES)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
              !flush (out, buffer, cancellable, error))
            return FALSE;
        }
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  return flush (out, buffer, cancellable, error);
}

/* Users ------------------------------------------------------------------------------ */

typedef struct
{
  RosterUserSet          *set;
  const guint            *rows;
  guint                  *columns;    /* indices into user_columns */
  RosterThresholds        thresholds;
  gint64                  now_unix;
} UserCells;

static char *
format_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = NULL;

  if (unix_seconds <= 0)
    return NULL;
  dt = g_date_time_new_from_unix_utc (unix_seconds);
  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : NULL;
}

static char *
user_cell (guint    index,
           guint    column,
           gpointer user_data)
{
  UserCells *cells = user_data;
  RosterUserSet *set = cells->set;
  guint row = cells->rows[index];
  const char *name = user_columns[cells->columns[column]];
  gint64 last = roster_user_set_get_last_active (set, row);

  if (strcmp (name, "account_id") == 0)
    return g_strdup (roster_user_set_get_account_id (set, row));
  if (strcmp (name, "name") == 0)
    return g_strdup (roster_user_set_get_name (set, row));
  if (strcmp (name, "email") == 0)
    return g_strdup (roster_user_set_get_email (set, row));
  if (strcmp (name, "account_type") == 0)
    return g_strdup (roster_account_type_to_string (roster_user_set_get_account_type (set, row)));
  if (strcmp (name, "status") == 0)
    return g_strdup (roster_status_to_string (roster_user_set_get_status (set, row)));
  if (strcmp (name, "claim") == 0)
    return g_strdup (roster_claim_to_string (roster_user_set_get_claim (set, row)));
  if (strcmp (name, "products") == 0)
    {
      GString *s = g_string_new (NULL);
      guint mask = roster_user_set_get_products (set, row);

      for (guint p = 0; p < ROSTER_N_PRODUCTS; p++)
        if (mask & (1u << p))
          g_string_append_printf (s, "%s%s", s->len ? ";" : "", roster_product_to_string (p));
      return g_string_free (s, FALSE);
    }
  if (strcmp (name, "groups") == 0)
    return g_strjoinv (";", (char **) roster_user_set_get_group_names (set, row));
  if (strcmp (name, "last_active") == 0)
    return format_time (last);
  if (strcmp (name, "days_inactive") == 0)
    {
      int days = roster_inactivity_days (last, cells->now_unix);

      return days >= 0 ? g_strdup_printf ("%d", days) : NULL;
    }
  if (strcmp (name, "inactivity") == 0)
    return g_strdup (roster_inactivity_to_string (
                       roster_inactivity_classify (&cells->thresholds, last, cells->now_unix)));
  if (strcmp (name, "billable") == 0)
    return g_strdup (roster_user_set_is_billable (set, row) ? "yes" : "no");
  if (strcmp (name, "admin") == 0)
    return g_strdup (roster_user_set_is_org_admin (set, row) ? "yes" : "no");
  for (guint p = 0; p < ROSTER_N_PRODUCTS; p++)
    if (g_str_has_prefix (name, roster_product_to_string (p)) &&
        strcmp (name + strlen (roster_product_to_string (p)), "_last_active") == 0)
      return format_time (roster_user_set_get_product_last_active (set, row, p));

  g_assert_not_reached ();
}

static guint *
resolve_columns (const char * const  *columns,
                 GError             **error)
{
  guint n = g_strv_length ((char **) columns);
  g_autofree guint *indices = g_new (guint, MAX (n, 1));

  for (guint c = 0; c < n; c++)
    {
      if (!g_strv_contains (user_columns, columns[c]))
        {
          g_autofree char *known = g_strjoinv (", ", (char **) user_columns);

          g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT,
                       "Unknown column “%s” (expected %s)", columns[c], known);
          return NULL;
        }
      for (guint k = 0; user_columns[k] != NULL; k++)
        if (strcmp (user_columns[k], columns[c]) == 0)
          indices[c] = k;
    }

  return g_steal_pointer (&indices);
}

static char *
meta_csv_line (const RosterExportMeta *meta,
               guint                   count)
{
  g_autofree char *when = format_time (meta->exported_at);

  return g_strdup_printf ("# query: %s; org: %s; exported_at: %s; count: %u",
                          meta->query != NULL ? meta->query : "",
                          meta->org != NULL ? meta->org : "",
                          when != NULL ? when : "", count);
}

static gboolean
write_users_json (GOutputStream          *out,
                  RosterUserSet          *set,
                  const guint            *rows,
                  guint                   n_rows,
                  const RosterExportMeta *meta,
                  const RosterThresholds *thresholds,
                  gint64                  now_unix,
                  GCancellable           *cancellable,
                  GError                **error)
{
  g_autoptr(GString) buffer = g_string_sized_new (FLUSH_BYTES + 4096);
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  /* The meta object and each user go through JsonGenerator (correct escaping); the
   * surrounding array is written by hand so 100k users never sit in one tree. */
  g_string_append (buffer, "{\"meta\":");
  {
    g_autoptr(JsonBuilder) builder = json_builder_new ();
    g_autoptr(JsonNode) node = NULL;
    g_autofree char *when = format_time (meta != NULL ? meta->exported_at : 0);
    g_autofree char *text = NULL;

    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "query");
    if (meta != NULL && meta->query != NULL)
      json_builder_add_string_value (builder, meta->query);
    else
      json_builder_add_null_value (builder);
    json_builder_set_member_name (builder, "org");
    if (meta != NULL && meta->org != NULL)
      json_builder_add_string_value (builder, meta->org);
    else
      json_builder_add_null_value (builder);
    json_builder_set_member_name (builder, "exported_at");
    if (when != NULL)
      json_builder_add_string_value (builder, when);
    else
      json_builder_add_null_value (builder);
    json_builder_set_member_name (builder, "count");
    json_builder_add_int_value (builder, n_rows);
    json_builder_end_object (builder);

    node = json_builder_get_root (builder);
    json_generator_set_root (generator, node);
    text = json_generator_to_data (generator, NULL);
    g_string_append (buffer, text);
  }
  g_string_append (buffer, ",\"users\":[");

  for (guint i = 0; i < n_rows; i++)
    {
      g_autoptr(RosterUser) user = roster_user_set_dup_user (set, rows[i]);
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *text = NULL;

      roster_user_to_json (user, builder, now_unix, thresholds->warning_days,
                           thresholds->overdue_days);
      node = json_builder_get_root (builder);
      json_generator_set_root (generator, node);
      text = json_generator_to_data (generator, NULL);
      if (i > 0)
        g_string_append_c (buffer, ',');
      g_string_append_c (buffer, '\n');
      g_string_append (buffer, text);

      if (buffer->len >= FLUSH_BYTES)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
              !flush (out, buffer, cancellable, error))
            return FALSE;
        }
    }

  g_string_append (buffer, "\n]}\n");

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  return flush (out, buffer, cancellable, error);
}

gboolean
roster_export_users (GOutputStream          *out,
                     RosterExportFormat      format,
                     RosterUserSet          *set,
                     const guint            *rows,
                     guint                   n_rows,
                     const char * const     *columns,
                     const RosterExportMeta *meta,
                     const RosterThresholds *thresholds,
                     gint64                  now_unix,
                     GCancellable           *cancellable,
                     GError                **error)
{
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);
  g_return_val_if_fail (set != NULL, FALSE);
  g_return_val_if_fail (rows != NULL || n_rows == 0, FALSE);
  g_return_val_if_fail (thresholds != NULL, FALSE);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);

  for (guint i = 0; i < n_rows; i++)
    if (rows[i] >= roster_user_set_get_n_users (set))
      {
        g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT,
                     "Row %u is outside the user set (%u users)", rows[i],
                     roster_user_set_get_n_users (set));
        return FALSE;
      }

  if (format == ROSTER_EXPORT_JSON)
    return write_users_json (out, set, rows, n_rows, meta, thresholds, now_unix,
                             cancellable, error);

  {
    g_autofree guint *indices = NULL;
    g_autofree char *meta_line = NULL;
    UserCells cells;

    if (columns == NULL)
      columns = default_user_columns;
    indices = resolve_columns (columns, error);
    if (indices == NULL)
      return FALSE;

    cells.set = set;
    cells.rows = rows;
    cells.columns = indices;
    cells.thresholds = *thresholds;
    cells.now_unix = now_unix;
    if (meta != NULL)
      meta_line = meta_csv_line (meta, n_rows);

    return roster_table_write_csv (out, columns, n_rows, user_cell, &cells, meta_line,
                                   cancellable, error);
  }
}

/* Async ------------------------------------------------------------------------------ */

typedef struct
{
  GOutputStream      *out;
  RosterExportFormat  format;
  RosterUserSet      *set;
  guint              *rows;
  guint               n_rows;
  char              **columns;
  char               *query;
  char               *org;
  gint64              exported_at;
  gboolean            has_meta;
  RosterThresholds    thresholds;
  gint64              now_unix;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_clear_object (&job->out);
  g_clear_pointer (&job->set, roster_user_set_unref);
  g_free (job->rows);
  g_strfreev (job->columns);
  g_free (job->query);
  g_free (job->org);
  g_free (job);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportJob *job = task_data;
  RosterExportMeta meta = { job->query, job->org, job->exported_at };
  GError *error = NULL;

  if (roster_export_users (job->out, job->format, job->set, job->rows, job->n_rows,
                           (const char * const *) job->columns, job->has_meta ? &meta : NULL,
                           &job->thresholds, job->now_unix, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
roster_export_users_async (GOutputStream          *out,
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
                           gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportJob *job;

  g_return_if_fail (G_IS_OUTPUT_STREAM (out));
  g_return_if_fail (set != NULL);
  g_return_if_fail (rows != NULL || n_rows == 0);
  g_return_if_fail (thresholds != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  job = g_new0 (ExportJob, 1);
  job->out = g_object_ref (out);
  job->format = format;
  job->set = roster_user_set_ref (set);
  job->rows = g_memdup2 (rows, sizeof (guint) * MAX (n_rows, 1));
  job->n_rows = n_rows;
  job->columns = g_strdupv ((char **) columns);
  job->has_meta = meta != NULL;
  if (meta != NULL)
    {
      job->query = g_strdup (meta->query);
      job->org = g_strdup (meta->org);
      job->exported_at = meta->exported_at;
    }
  job->thresholds = *thresholds;
  job->now_unix = now_unix;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_export_users_async);
  g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);
  g_task_run_in_thread (task, export_thread);
}

gboolean
roster_export_users_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == roster_export_users_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
