/* The advanced search syntax: parse, evaluate on a tiny user set (with and
 * without the search index), and the quick-filter text editing helpers.
 * Input: one selector byte (which field to edit), then "query text\nvalue". */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "roster-error.h"
#include "roster-query.h"
#include "roster-search-index.h"

#define NOW G_GINT64_CONSTANT (1774540800)
#define DAY (24 * 3600)

static const char * const fields[] = {
  "status", "product", "email", "domain", "inactive", "never", "type", "group",
  "billable", "inactivity", "admin", "space", "", "-product", "status:",
};

static RosterUserSet *
make_set (void)
{
  static const char * const groups_a[] = { "jira-users", "Grüne Gruppe", NULL };
  static const char * const groups_b[] = { "site-admins", NULL };
  RosterUserSet *set = roster_user_set_new ();
  RosterUserRow row = { 0 };

  row.account_id = "712020:aaaa";
  row.name = "Ærwin Ölund";
  row.email = "erwin@example.com";
  row.status = ROSTER_STATUS_ACTIVE;
  row.account_type = ROSTER_ACCOUNT_TYPE_ATLASSIAN;
  row.claim = ROSTER_CLAIM_MANAGED;
  row.billable = TRUE;
  row.last_active[ROSTER_PRODUCT_JIRA] = NOW - 10 * DAY;
  row.last_active[ROSTER_PRODUCT_JSM] = -1;
  row.last_active[ROSTER_PRODUCT_CONFLUENCE] = 0;
  row.group_names = groups_a;
  roster_user_set_append_row (set, &row);

  memset (&row, 0, sizeof row);
  row.account_id = "712020:bbbb";
  row.name = "=cmd|' /C calc'!A0";
  row.email = NULL;
  row.status = ROSTER_STATUS_SUSPENDED;
  row.account_type = ROSTER_ACCOUNT_TYPE_APP;
  row.claim = ROSTER_CLAIM_UNMANAGED;
  row.org_admin = TRUE;
  row.last_active[ROSTER_PRODUCT_JIRA] = -1;
  row.last_active[ROSTER_PRODUCT_JSM] = NOW - 100 * DAY;
  row.last_active[ROSTER_PRODUCT_CONFLUENCE] = NOW - 400 * DAY;
  row.group_names = groups_b;
  roster_user_set_append_row (set, &row);

  memset (&row, 0, sizeof row);
  row.account_id = "qm:cccc";
  row.name = "";
  row.email = "x@EXAMPLE.org";
  row.status = ROSTER_STATUS_NOT_INVITED;
  row.account_type = ROSTER_ACCOUNT_TYPE_CUSTOMER;
  for (guint p = 0; p < ROSTER_N_PRODUCTS; p++)
    row.last_active[p] = -1;
  roster_user_set_append_row (set, &row);

  roster_user_set_freeze (set);
  return set;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static RosterUserSet *set = NULL;
  static RosterSearchIndex *index = NULL;
  static GHashTable *spaces = NULL;
  g_autoptr(RosterQuery) query = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *edited = NULL;
  g_autofree char *removed = NULL;
  g_autofree char *got = NULL;
  const char *field;
  char *value = NULL;
  RosterQueryContext context = { 0 };

  fuzz_init_once ();
  if (set == NULL)
    {
      GHashTable *members;

      set = make_set ();
      index = roster_search_index_new (set);
      spaces = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) g_hash_table_unref);
      members = g_hash_table_new (g_str_hash, g_str_equal);
      g_hash_table_add (members, (gpointer) "712020:aaaa");
      g_hash_table_insert (spaces, g_strdup ("ENG"), members);
    }
  if (size < 1)
    return 0;

  field = fields[data[0] % G_N_ELEMENTS (fields)];
  text = fuzz_dup_string (data + 1, size - 1);
  value = strchr (text, '\n');
  if (value != NULL)
    *value++ = '\0';

  context.now_unix = NOW;
  context.thresholds.warning_days = 60;
  context.thresholds.overdue_days = 90;
  context.space_members = spaces;

  query = roster_query_parse (text, &error);
  if (query != NULL)
    {
      guint rows[3], rows_index[3];
      guint n, n_index;

      g_assert_no_error (error);
      (void) roster_query_is_empty (query);
      (void) roster_query_get_text (query);
      (void) roster_query_get_spaces (query);
      n = roster_query_filter (query, set, &context, rows);
      n_index = roster_query_filter_with_index (query, set, index, &context, rows_index);
      /* The index only narrows; it never changes the answer. */
      g_assert_cmpuint (n, ==, n_index);
      g_assert_cmpmem (rows, n * sizeof (guint), rows_index, n_index * sizeof (guint));
      for (guint i = 0; i < n; i++)
        g_assert_true (roster_query_matches (query, set, rows[i], &context));
    }
  else
    {
      g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT);
    }

  if (*field != '\0')
    {
      edited = roster_query_text_set_field (text, field, value);
      removed = roster_query_text_set_field (text, field, NULL);
      got = roster_query_text_get_field (text, field);
      g_assert_nonnull (edited);
      g_assert_nonnull (removed);
      g_free (got);
      got = roster_query_text_get_field (edited, field);
    }
  return 0;
}
