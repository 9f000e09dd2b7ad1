/* test-export.c: CSV quoting and formula neutralisation, JSON shape, metadata, async. */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "roster-error.h"
#include "roster-export.h"
#include "roster-user-set.h"

#define DAY 86400
#define NOW ((gint64) 1780000000)

static RosterUserSet *
make_set (void)
{
  RosterUserSet *set = roster_user_set_new ();
  const char *groups[] = { "Sales EMEA", "jira-users", NULL };
  static const struct { const char *id, *name, *email; } users[] = {
    { "acc-1", "Ann Plain", "ann@example.com" },
    { "acc-2", "=HYPERLINK(\"http://evil\")", "eq@example.com" },
    { "acc-3", "+1 555", NULL },
    { "acc-4", "-2+3", "minus@example.com" },
    { "acc-5", "@SUM(A1)", "at@example.com" },
    { "acc-6", "\tTabbed", "tab@example.com" },
    { "acc-7", "\rReturn", "cr@example.com" },
    { "acc-8", "Doe, \"Johnny\"\nSecond line", "johnny@example.com" },
    { "acc-9", "Zoë Müller", "zoe@example.com" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    {
      RosterUserRow row = { 0 };

      row.account_id = users[i].id;
      row.name = users[i].name;
      row.email = users[i].email;
      row.status = ROSTER_STATUS_ACTIVE;
      row.account_type = ROSTER_ACCOUNT_TYPE_ATLASSIAN;
      row.billable = TRUE;
      row.last_active[ROSTER_PRODUCT_JIRA] = i == 2 ? 0 : NOW - (gint64) i * 30 * DAY;
      row.last_active[ROSTER_PRODUCT_JSM] = -1;
      row.last_active[ROSTER_PRODUCT_CONFLUENCE] = i % 2 ? NOW - DAY : -1;
      row.group_names = i == 0 ? groups : NULL;
      roster_user_set_append_row (set, &row);
    }
  roster_user_set_set_resource_id (set, ROSTER_PRODUCT_JIRA, "ari:cloud:jira-software::site/1");
  roster_user_set_freeze (set);
  return set;
}

static char *
export_to_string (RosterUserSet          *set,
                  RosterExportFormat      format,
                  const char * const     *columns,
                  const RosterExportMeta *meta,
                  GError                **error)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  RosterThresholds t = { 60, 90 };
  guint n = roster_user_set_get_n_users (set);
  g_autofree guint *rows = g_new (guint, n);
  char zero = 0;

  for (guint i = 0; i < n; i++)
    rows[i] = i;

  if (!roster_export_users (out, format, set, rows, n, columns, meta, &t, NOW, NULL, error))
    return NULL;

  g_output_stream_write_all (out, &zero, 1, NULL, NULL, NULL);
  g_output_stream_close (out, NULL, NULL);
  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
}

static void
test_escape (void)
{
  static const struct { const char *in, *out; } cases[] = {
    { "plain", "plain" },
    { "", "" },
    { "a,b", "\"a,b\"" },
    { "say \"hi\"", "\"say \"\"hi\"\"\"" },
    { "two\nlines", "\"two\nlines\"" },
    { "cr\rinside", "\"cr\rinside\"" },
    { "=1+1", "'=1+1" },
    { "+49 30", "'+49 30" },
    { "-5", "'-5" },
    { "@cmd", "'@cmd" },
    { "\tx", "'\tx" },
    { "\rx", "\"'\rx\"" },
    { "=A1,B1", "\"'=A1,B1\"" },
    { "=\"x\"", "\"'=\"\"x\"\"\"" },
    { "a=b", "a=b" },
    { " lead", " lead" },
    { "Zoë", "Zoë" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = roster_export_csv_escape (cases[i].in);

      g_assert_cmpstr (out, ==, cases[i].out);
    }
  {
    g_autofree char *out = roster_export_csv_escape (NULL);

    g_assert_cmpstr (out, ==, "");
  }
}

static void
test_csv (void)
{
  g_autoptr(RosterUserSet) set = make_set ();
  g_autoptr(GError) error = NULL;
  const char *columns[] = { "account_id", "name", "email", "products", "groups",
                            "last_active", "days_inactive", "inactivity", "billable",
                            "confluence_last_active", NULL };
  RosterExportMeta meta = { "status:active -product:jsm \"x, y\"", "Example Corp", NOW };
  g_autofree char *csv = export_to_string (set, ROSTER_EXPORT_CSV, columns, &meta, &error);
  g_auto(GStrv) lines = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (csv);
  g_test_message ("%s", csv);

  /* The metadata record: one quoted cell (the query holds a comma and quotes). */
  g_assert_true (g_str_has_prefix (csv, "\"# query: status:active -product:jsm \"\"x, y\"\"; "
                                        "org: Example Corp; exported_at: 2026-05-28T"));
  g_assert_nonnull (strstr (csv, "; count: 9\"\r\n"
                                 "account_id,name,email,products,groups,last_active,"
                                 "days_inactive,inactivity,billable,confluence_last_active\r\n"));

  /* Every formula start is neutralised. */
  g_assert_nonnull (strstr (csv, "\r\nacc-2,\"'=HYPERLINK(\"\"http://evil\"\")\",eq@example.com,"));
  g_assert_nonnull (strstr (csv, "\r\nacc-3,'+1 555,,jira,,,,never,yes,\r\n"));
  g_assert_nonnull (strstr (csv, "\r\nacc-4,'-2+3,minus@example.com,"));
  g_assert_nonnull (strstr (csv, "\r\nacc-5,'@SUM(A1),"));
  g_assert_nonnull (strstr (csv, "\r\nacc-6,'\tTabbed,"));
  g_assert_nonnull (strstr (csv, "\r\nacc-7,\"'\rReturn\","));
  /* Quotes, commas and newlines quoted per RFC 4180. */
  g_assert_nonnull (strstr (csv, "\r\nacc-8,\"Doe, \"\"Johnny\"\"\nSecond line\","));
  g_assert_nonnull (strstr (csv, "\r\nacc-9,Zoë Müller,zoe@example.com,"));

  /* Groups joined with ';', dates in UTC ISO 8601, days and level. */
  g_assert_nonnull (strstr (csv, "\r\nacc-1,Ann Plain,ann@example.com,jira,Sales EMEA;jira-users,"
                                 "2026-05-28T20:26:40Z,0,active,yes,\r\n"));
  g_assert_nonnull (strstr (csv, "\r\nacc-5,'@SUM(A1),at@example.com,jira,,"
                                 "2026-01-28T20:26:40Z,120,overdue,yes,\r\n"));
  g_assert_nonnull (strstr (csv, "\r\nacc-6,'\tTabbed,tab@example.com,jira;confluence,,"
                                 "2026-05-27T20:26:40Z,1,active,yes,2026-05-27T20:26:40Z\r\n"));

  lines = g_strsplit (csv, "\r\n", -1);
  /* meta + header + 9 users + "" after the last CRLF; acc-8 holds a bare \n inside. */
  g_assert_cmpuint (g_strv_length (lines), ==, 12);
}

static void
test_csv_plain_and_errors (void)
{
  g_autoptr(RosterUserSet) set = make_set ();
  g_autoptr(GError) error = NULL;
  const char *bad[] = { "account_id", "password", NULL };
  g_autofree char *csv = export_to_string (set, ROSTER_EXPORT_CSV, NULL, NULL, &error);
  g_autofree char *none = NULL;

  g_assert_no_error (error);
  /* No metadata: the header is the first record; default columns. */
  g_assert_true (g_str_has_prefix (csv, "account_id,name,email,status,products,last_active,"
                                        "days_inactive,inactivity\r\n"));

  none = export_to_string (set, ROSTER_EXPORT_CSV, bad, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "password"));
}

static JsonObject *
find_user (JsonArray  *users,
           const char *account_id)
{
  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonObject *user = json_array_get_object_element (users, i);

      if (g_strcmp0 (json_object_get_string_member (user, "account_id"), account_id) == 0)
        return user;
    }
  g_assert_not_reached ();
}

static void
test_json (void)
{
  g_autoptr(RosterUserSet) set = make_set ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  RosterExportMeta meta = { "status:active", "Example Corp", NOW };
  g_autofree char *json = export_to_string (set, ROSTER_EXPORT_JSON, NULL, &meta, &error);
  JsonObject *root, *meta_object, *user, *product;
  JsonArray *users;

  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);

  root = json_node_get_object (json_parser_get_root (parser));
  meta_object = json_object_get_object_member (root, "meta");
  g_assert_cmpstr (json_object_get_string_member (meta_object, "query"), ==, "status:active");
  g_assert_cmpstr (json_object_get_string_member (meta_object, "org"), ==, "Example Corp");
  g_assert_cmpstr (json_object_get_string_member (meta_object, "exported_at"), ==,
                   "2026-05-28T20:26:40Z");
  g_assert_cmpint (json_object_get_int_member (meta_object, "count"), ==, 9);

  users = json_object_get_array_member (root, "users");
  g_assert_cmpuint (json_array_get_length (users), ==, 9);

  /* The shape of roster_user_to_json(); JSON needs no formula neutralising. */
  user = find_user (users, "acc-2");
  g_assert_cmpstr (json_object_get_string_member (user, "account_id"), ==, "acc-2");
  g_assert_cmpstr (json_object_get_string_member (user, "name"), ==,
                   "=HYPERLINK(\"http://evil\")");
  g_assert_cmpstr (json_object_get_string_member (user, "status"), ==, "active");
  g_assert_cmpstr (json_object_get_string_member (user, "inactivity"), ==, "active");
  g_assert_cmpint (json_object_get_int_member (user, "days_inactive"), ==, 1);
  product = json_array_get_object_element (json_object_get_array_member (user, "products"), 0);
  g_assert_cmpstr (json_object_get_string_member (product, "key"), ==, "jira");
  g_assert_cmpstr (json_object_get_string_member (product, "resource_id"), ==,
                   "ari:cloud:jira-software::site/1");

  user = find_user (users, "acc-3");
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (user, "email")));
  g_assert_cmpstr (json_object_get_string_member (user, "inactivity"), ==, "never");
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (user, "days_inactive")));
}

static char *
pair_cell (guint    index,
           guint    column,
           gpointer user_data)
{
  const char * const *values = user_data;

  return column == 0 ? g_strdup_printf ("k%u", index) : g_strdup (values[index]);
}

static void
test_table_writer (void)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  const char *headers[] = { "key", "value", NULL };
  const char *values[] = { "=cmd", NULL, "a\"b" };
  char zero = 0;

  /* Any row kind: the cell callback decides; NULL is an empty cell. */
  g_assert_true (roster_table_write_csv (out, headers, 3, pair_cell, values, "# meta", NULL,
                                         &error));
  g_assert_no_error (error);
  g_output_stream_write_all (out, &zero, 1, NULL, NULL, NULL);
  g_assert_cmpstr (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (out)), ==,
                   "# meta\r\nkey,value\r\nk0,'=cmd\r\nk1,\r\nk2,\"a\"\"b\"\r\n");
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GError **error = user_data;
  gboolean ok = roster_export_users_finish (result, error);

  g_assert_true (ok == (*error == NULL));
  /* Mark completion even on success. */
  if (ok)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "done");
}

static void
test_async (void)
{
  g_autoptr(RosterUserSet) set = make_set ();
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  RosterThresholds t = { 60, 90 };
  guint rows[] = { 0, 8 };
  GError *error = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  roster_export_users_async (out, ROSTER_EXPORT_CSV, set, rows, 2, NULL, NULL, &t, NOW, NULL,
                             export_done_cb, &error);
  while (error == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);   /* finished without error */
  g_clear_error (&error);
  g_assert_cmpuint (g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out)), >, 60);

  /* Cancelled before it runs: G_IO_ERROR_CANCELLED. */
  g_cancellable_cancel (cancellable);
  roster_export_users_async (out, ROSTER_EXPORT_JSON, set, rows, 2, NULL, NULL, &t, NOW,
                             cancellable, export_done_cb, &error);
  while (error == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/roster/export/escape", test_escape);
  g_test_add_func ("/roster/export/csv", test_csv);
  g_test_add_func ("/roster/export/csv-plain-and-errors", test_csv_plain_and_errors);
  g_test_add_func ("/roster/export/json", test_json);
  g_test_add_func ("/roster/export/table-writer", test_table_writer);
  g_test_add_func ("/roster/export/async", test_async);

  return g_test_run ();
}
