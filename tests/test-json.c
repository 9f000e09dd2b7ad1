/* test-json.c: the users search parser on good, odd and malformed input. */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "roster-error.h"
#include "roster-user.h"
#include "roster-user-private.h"

static JsonNode *
load_fixture (const char *name)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", name, NULL);

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static JsonNode *
parse_string (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static gint64
iso (const char *str)
{
  gint64 t = 0;

  g_assert_true (_roster_parse_iso8601 (str, &t));
  return t;
}

static void
test_iso8601 (void)
{
  gint64 t = 0;

  g_assert_cmpint (iso ("1970-01-01T00:00:00Z"), ==, 0);
  g_assert_cmpint (iso ("2025-11-06T23:07:29.936941226Z"), ==, 1762470449);
  g_assert_cmpint (iso ("2024-01-01T00:00:00.000Z"), ==, 1704067200);
  g_assert_cmpint (iso ("2024-02-29T12:00:00Z"), ==, 1709208000);
  g_assert_cmpint (iso ("2025-03-15T08:30:00+02:00"), ==, iso ("2025-03-15T06:30:00Z"));
  g_assert_cmpint (iso ("2025-03-15T08:30:00-0130"), ==, iso ("2025-03-15T10:00:00Z"));
  g_assert_cmpint (iso ("2025-05-01"), ==, iso ("2025-05-01T00:00:00Z"));
  g_assert_cmpint (iso ("2025-05-01T10:00"), ==, iso ("2025-05-01T10:00:00Z"));
  g_assert_cmpint (iso ("1969-12-31T23:59:59Z"), ==, -1);

  g_assert_false (_roster_parse_iso8601 ("", &t));
  g_assert_false (_roster_parse_iso8601 ("yesterday", &t));
  g_assert_false (_roster_parse_iso8601 ("2025-13-01T00:00:00Z", &t));
  g_assert_false (_roster_parse_iso8601 ("2025-02-30T00:00:00Z", &t));
  g_assert_false (_roster_parse_iso8601 ("2025-01-01T25:00:00Z", &t));
  g_assert_false (_roster_parse_iso8601 ("2025-01-01T10:00:00Zjunk", &t));
  g_assert_false (_roster_parse_iso8601 ("2025-01-01T10:00:00.Z", &t));
  g_assert_false (_roster_parse_iso8601 ("2025-1-01", &t));
}

static void
test_page_good (void)
{
  g_autoptr(JsonNode) root = load_fixture ("users-page.json");
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *next = NULL;
  RosterUser *jane, *bob, *app;
  const RosterProductAccess *access;
  const RosterGroupRef *group;
  GPtrArray *products;

  g_assert_true (roster_users_page_parse (root, users, &next, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (next, ==, "kloHX1ZQVasDAkx_P48NYQ");
  g_assert_cmpuint (users->len, ==, 3);

  jane = g_ptr_array_index (users, 0);
  g_assert_cmpstr (roster_user_get_account_id (jane), ==,
                   "712020:0b7e54a6-1f3c-4f27-9d4a-5a3c1f1e0001");
  g_assert_cmpstr (roster_user_get_name (jane), ==, "Jane Doe");
  g_assert_cmpstr (roster_user_get_email (jane), ==, "jane@example.com");
  g_assert_cmpstr (roster_user_get_nickname (jane), ==, "jane");
  g_assert_cmpint (roster_user_get_account_type (jane), ==, ROSTER_ACCOUNT_TYPE_ATLASSIAN);
  g_assert_cmpint (roster_user_get_status (jane), ==, ROSTER_STATUS_ACTIVE);
  g_assert_cmpstr (roster_user_get_account_status (jane), ==, "active");
  g_assert_cmpstr (roster_user_get_membership_status (jane), ==, "active");
  g_assert_cmpint (roster_user_get_claim (jane), ==, ROSTER_CLAIM_MANAGED);
  g_assert_cmpstr (roster_user_get_management_source (jane), ==, "invited");
  g_assert_cmpint (roster_user_get_added_to_org (jane), ==, 1704067200);
  g_assert_true (roster_user_is_org_admin (jane));
  g_assert_true (roster_user_is_billable (jane));
  g_assert_cmpuint (g_strv_length ((char **) roster_user_get_platform_roles (jane)), ==, 2);
  g_assert_cmpstr (roster_user_get_platform_roles (jane)[1], ==, "atlassian/site-admin");

  products = roster_user_get_products (jane);
  g_assert_cmpuint (products->len, ==, 2);
  access = g_ptr_array_index (products, 0);
  g_assert_cmpstr (access->key, ==, "confluence");
  g_assert_cmpint (access->product, ==, ROSTER_PRODUCT_CONFLUENCE);
  g_assert_cmpstr (access->resource_id, ==,
                   "ari:cloud:confluence::site/11111111-2222-3333-4444-555555555555");
  g_assert_cmpint (access->last_active, ==, 1762470449);
  access = g_ptr_array_index (products, 1);
  g_assert_cmpint (access->product, ==, ROSTER_PRODUCT_JIRA);
  g_assert_true (roster_user_has_product (jane, ROSTER_PRODUCT_JIRA));
  g_assert_true (roster_user_has_product (jane, ROSTER_PRODUCT_CONFLUENCE));
  g_assert_false (roster_user_has_product (jane, ROSTER_PRODUCT_JSM));
  g_assert_cmpint (roster_user_get_last_active (jane), ==, 1762470449);

  g_assert_cmpuint (roster_user_get_groups (jane)->len, ==, 2);
  group = g_ptr_array_index (roster_user_get_groups (jane), 0);
  g_assert_cmpstr (group->id, ==, "9f1c2d3e-0000-4000-8000-000000000001");
  g_assert_cmpstr (group->name, ==, "confluence-users");
  group = g_ptr_array_index (roster_user_get_groups (jane), 1);
  g_assert_cmpstr (group->name, ==, "Sales EMEA");

  bob = g_ptr_array_index (users, 1);
  g_assert_cmpint (roster_user_get_status (bob), ==, ROSTER_STATUS_SUSPENDED);
  g_assert_cmpint (roster_user_get_claim (bob), ==, ROSTER_CLAIM_UNMANAGED);
  g_assert_false (roster_user_is_org_admin (bob));
  g_assert_false (roster_user_is_billable (bob));
  g_assert_true (roster_user_has_product (bob, ROSTER_PRODUCT_JSM));
  g_assert_cmpint (roster_user_get_last_active (bob), ==, iso ("2025-03-15T06:30:00Z"));
  g_assert_cmpuint (roster_user_get_groups (bob)->len, ==, 0);
  g_assert_null (roster_user_get_platform_roles (bob)[0]);

  app = g_ptr_array_index (users, 2);
  g_assert_cmpint (roster_user_get_account_type (app), ==, ROSTER_ACCOUNT_TYPE_APP);
  g_assert_false (roster_user_is_billable (app));
  g_assert_null (roster_user_get_email (app));
  /* Access without a timestamp: has the product, never active. */
  g_assert_true (roster_user_has_product (app, ROSTER_PRODUCT_JIRA));
  g_assert_cmpint (roster_user_get_last_active (app), ==, 0);
}

static void
test_page_odd (void)
{
  g_autoptr(JsonNode) root = load_fixture ("users-odd.json");
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *next = g_strdup ("stale");
  RosterUser *odd, *bare, *empty;
  const RosterProductAccess *access;
  const RosterGroupRef *group;

  g_assert_true (roster_users_page_parse (root, users, &next, &error));
  g_assert_no_error (error);
  g_assert_null (next);
  g_assert_cmpuint (users->len, ==, 3);

  odd = g_ptr_array_index (users, 0);
  g_assert_cmpstr (roster_user_get_name (odd), ==, "Zoë Łukasiewicz-Müller 李小龙");
  g_assert_null (roster_user_get_email (odd));
  /* status null → derived from accountStatus inactive. */
  g_assert_cmpint (roster_user_get_status (odd), ==, ROSTER_STATUS_DEACTIVATED);
  g_assert_cmpint (roster_user_get_account_type (odd), ==, ROSTER_ACCOUNT_TYPE_UNKNOWN);
  g_assert_true (roster_user_is_org_admin (odd));
  g_assert_false (roster_user_is_billable (odd));
  g_assert_cmpuint (roster_user_get_products (odd)->len, ==, 2);
  access = g_ptr_array_index (roster_user_get_products (odd), 0);
  g_assert_null (access->resource_id);
  g_assert_cmpint (access->last_active, ==, 0);
  access = g_ptr_array_index (roster_user_get_products (odd), 1);
  g_assert_cmpint (access->product, ==, ROSTER_PRODUCT_OTHER);
  g_assert_cmpstr (access->key, ==, "bitbucket");
  group = g_ptr_array_index (roster_user_get_groups (odd), 0);
  g_assert_cmpstr (group->id, ==, "abc");
  g_assert_null (group->name);
  group = g_ptr_array_index (roster_user_get_groups (odd), 1);
  g_assert_cmpstr (group->id, ==, "plain-uuid");
  g_assert_cmpstr (group->name, ==, "Grüne Gruppe");

  bare = g_ptr_array_index (users, 1);
  g_assert_cmpstr (roster_user_get_account_id (bare), ==, "712020:odd-2");
  g_assert_null (roster_user_get_name (bare));
  g_assert_cmpint (roster_user_get_status (bare), ==, ROSTER_STATUS_UNKNOWN);
  g_assert_cmpuint (roster_user_get_products (bare)->len, ==, 0);
  g_assert_cmpint (roster_user_get_last_active (bare), ==, 0);
  g_assert_false (roster_user_is_billable (bare));

  empty = g_ptr_array_index (users, 2);
  g_assert_cmpstr (roster_user_get_name (empty), ==, "");
  g_assert_null (roster_user_get_email (empty));
  g_assert_cmpint (roster_user_get_added_to_org (empty), ==, 0);
}

static void
test_page_empty (void)
{
  g_autoptr(JsonNode) root = load_fixture ("users-empty.json");
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *next = NULL;

  g_assert_true (roster_users_page_parse (root, users, &next, &error));
  g_assert_no_error (error);
  g_assert_null (next);
  g_assert_cmpuint (users->len, ==, 0);
}

static void
test_truncated (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "users-truncated.json",
                                                 NULL);

  g_assert_false (json_parser_load_from_file (parser, path, &error));
  g_assert_nonnull (error);
}

static void
test_malformed_users (void)
{
  static const struct { const char *json; const char *member; } cases[] = {
    { "{\"name\":\"x\"}", "accountId" },
    { "{\"accountId\":42}", "accountId" },
    { "{\"accountId\":\"\"}", "accountId" },
    { "{\"accountId\":null}", "accountId" },
    { "{\"accountId\":\"a\",\"name\":7}", "name" },
    { "{\"accountId\":\"a\",\"email\":[\"x\"]}", "email" },
    { "{\"accountId\":\"a\",\"status\":{}}", "status" },
    { "{\"accountId\":\"a\",\"productAccess\":{\"key\":\"jira\"}}", "productAccess" },
    { "{\"accountId\":\"a\",\"productAccess\":[\"jira\"]}", "productAccess" },
    { "{\"accountId\":\"a\",\"productAccess\":[{\"key\":5}]}", "key" },
    { "{\"accountId\":\"a\",\"productAccess\":[{\"key\":\"jira\",\"lastActiveTimestamp\":\"soon\"}]}",
      "lastActiveTimestamp" },
    { "{\"accountId\":\"a\",\"productAccess\":[{\"key\":\"jira\",\"lastActiveTimestamp\":1700000000}]}",
      "lastActiveTimestamp" },
    { "{\"accountId\":\"a\",\"groups\":\"sales\"}", "groups" },
    { "{\"accountId\":\"a\",\"groups\":[{\"id\":1}]}", "id" },
    { "{\"accountId\":\"a\",\"platformRoles\":[1]}", "platformRoles" },
    { "{\"accountId\":\"a\",\"addedToOrg\":\"then\"}", "addedToOrg" },
    { "[1,2]", "object" },
    { "\"user\"", "object" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = parse_string (cases[i].json);
      g_autoptr(GError) error = NULL;
      g_autoptr(RosterUser) user = roster_user_new_from_json (node, &error);

      g_test_message ("case %u: %s", i, cases[i].json);
      g_assert_null (user);
      g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
      g_assert_nonnull (strstr (error->message, cases[i].member));
    }
}

static void
test_malformed_pages (void)
{
  static const char * const pages[] = {
    "{\"data\":{\"accountId\":\"a\"}}",
    "{\"data\":null}",
    "{\"users\":[]}",
    "[]",
    "{\"data\":[],\"links\":\"next\"}",
    "{\"data\":[],\"links\":{\"next\":3}}",
    /* One bad element spoils the page: nothing of it is taken. */
    "{\"data\":[{\"accountId\":\"a\"},{\"accountId\":\"b\",\"productAccess\":7}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autoptr(JsonNode) root = parse_string (pages[i]);
      g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(GError) error = NULL;
      g_autofree char *next = NULL;

      g_test_message ("page %u: %s", i, pages[i]);
      g_assert_false (roster_users_page_parse (root, users, &next, &error));
      g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
      g_assert_cmpuint (users->len, ==, 0);
      g_assert_null (next);
    }

  {
    g_autoptr(JsonNode) root = load_fixture ("users-data-object.json");
    g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
    g_autoptr(GError) error = NULL;

    g_assert_false (roster_users_page_parse (root, users, NULL, &error));
    g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
    g_assert_nonnull (strstr (error->message, "data"));
  }
}

static JsonObject *
user_json_object (RosterUser *user,
                  gint64      now,
                  JsonNode  **out_root)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  roster_user_to_json (user, builder, now, 60, 90);
  *out_root = json_builder_get_root (builder);
  return json_node_get_object (*out_root);
}

static void
test_to_json (void)
{
  g_autoptr(JsonNode) root = load_fixture ("users-page.json");
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonNode) out = NULL;
  g_autoptr(JsonNode) out2 = NULL;
  gint64 now = iso ("2026-01-05T23:07:29Z");
  JsonObject *object;
  JsonArray *products;
  JsonObject *product;

  g_assert_true (roster_users_page_parse (root, users, NULL, NULL));

  object = user_json_object (g_ptr_array_index (users, 0), now, &out);
  g_assert_cmpstr (json_object_get_string_member (object, "account_id"), ==,
                   "712020:0b7e54a6-1f3c-4f27-9d4a-5a3c1f1e0001");
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "Jane Doe");
  g_assert_cmpstr (json_object_get_string_member (object, "email"), ==, "jane@example.com");
  g_assert_cmpstr (json_object_get_string_member (object, "account_type"), ==, "atlassian");
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "active");
  g_assert_cmpstr (json_object_get_string_member (object, "claim"), ==, "managed");
  g_assert_cmpstr (json_object_get_string_member (object, "last_active"), ==,
                   "2025-11-06T23:07:29Z");
  g_assert_cmpint (json_object_get_int_member (object, "days_inactive"), ==, 60);
  g_assert_cmpstr (json_object_get_string_member (object, "inactivity"), ==, "warning");
  products = json_object_get_array_member (object, "products");
  g_assert_cmpuint (json_array_get_length (products), ==, 2);
  product = json_array_get_object_element (products, 1);
  g_assert_cmpstr (json_object_get_string_member (product, "key"), ==, "jira-software");
  g_assert_cmpstr (json_object_get_string_member (product, "product"), ==, "jira");
  g_assert_cmpstr (json_object_get_string_member (product, "resource_id"), ==,
                   "ari:cloud:jira-software::site/11111111-2222-3333-4444-555555555555");
  g_assert_cmpstr (json_object_get_string_member (product, "last_active"), ==,
                   "2025-10-01T12:00:00Z");

  /* Hidden email and never-active user: nulls, not missing members. */
  object = user_json_object (g_ptr_array_index (users, 2), now, &out2);
  g_assert_true (json_object_has_member (object, "email"));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (object, "email")));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (object, "last_active")));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (object, "days_inactive")));
  g_assert_cmpstr (json_object_get_string_member (object, "inactivity"), ==, "never");
  product = json_array_get_object_element (json_object_get_array_member (object, "products"), 0);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (product, "last_active")));
}

static void
test_builder (void)
{
  g_autoptr(RosterUser) user = roster_user_new ("acc-1", "Ann", "", ROSTER_ACCOUNT_TYPE_ATLASSIAN,
                                                ROSTER_STATUS_ACTIVE, ROSTER_CLAIM_MANAGED);

  g_assert_null (roster_user_get_email (user));
  g_assert_false (roster_user_is_billable (user));
  roster_user_add_product (user, "jsm", "ari:x", 100);
  roster_user_add_product (user, "confluence", NULL, 50);
  roster_user_add_group (user, "ari:cloud:identity::group/g1", "G One");
  roster_user_add_platform_role (user, "atlassian/org-admin");
  g_assert_true (roster_user_is_billable (user));
  g_assert_true (roster_user_is_org_admin (user));
  g_assert_cmpint (roster_user_get_last_active (user), ==, 100);
  g_assert_cmpstr (((RosterGroupRef *) g_ptr_array_index (roster_user_get_groups (user), 0))->id,
                   ==, "g1");
  g_assert_finalize_object (g_steal_pointer (&user));
}

static char *
make_page_json (guint n)
{
  GString *s = g_string_new ("{\"data\":[");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s,
      "%s{\"accountId\":\"712020:%08x-1f3c-4f27-9d4a-5a3c1f1e%04x\",\"accountType\":\"atlassian\","
      "\"accountStatus\":\"active\",\"membershipStatus\":\"active\",\"status\":\"active\","
      "\"claimStatus\":\"managed\",\"managementSource\":\"synced\",\"name\":\"User Number %u\","
      "\"nickname\":\"user%u\",\"email\":\"user%u@example.com\",\"emailVerified\":true,"
      "\"mfaEnabled\":false,\"addedToOrg\":\"2024-01-01T00:00:00.000Z\","
      "\"avatar\":\"https://avatar.example.com/%u.png\",\"platformRoles\":[],"
      "\"productAccess\":[{\"id\":\"ari:cloud:jira-software::site/1\",\"key\":\"jira-software\","
      "\"lastActiveTimestamp\":\"2025-11-%02uT23:07:29.936941226Z\"},"
      "{\"id\":\"ari:cloud:confluence::site/1\",\"key\":\"confluence\","
      "\"lastActiveTimestamp\":\"2025-10-%02uT10:00:00.000Z\"}],"
      "\"groups\":[{\"id\":\"ari:cloud:identity::group/%u\",\"name\":\"group-%u\"},"
      "{\"id\":\"ari:cloud:identity::group/all\",\"name\":\"jira-users\"}],"
      "\"links\":{\"self\":\"x\"}}",
      i ? "," : "", i, i, i, i, i, i, 1 + i % 28, 1 + i % 28, i % 20, i % 20);
  g_string_append (s, "],\"links\":{\"next\":\"abc\"}}");
  return g_string_free (s, FALSE);
}

static void
test_parse_speed (void)
{
  g_autofree char *json = make_page_json (100);
  g_autoptr(JsonNode) root = parse_string (json);
  guint rounds = g_test_perf () ? 1000 : 100;
  gint64 start, parse_only, with_json;

  start = g_get_monotonic_time ();
  for (guint r = 0; r < rounds; r++)
    {
      g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
      g_autofree char *next = NULL;

      g_assert_true (roster_users_page_parse (root, users, &next, NULL));
      g_assert_cmpuint (users->len, ==, 100);
    }
  parse_only = g_get_monotonic_time () - start;

  start = g_get_monotonic_time ();
  for (guint r = 0; r < rounds; r++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);

      g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
      g_assert_true (roster_users_page_parse (json_parser_get_root (parser), users, NULL, NULL));
    }
  with_json = g_get_monotonic_time () - start;

  g_test_message ("users page parse: %.0f ns/user (tree → RosterUser), %.0f ns/user "
                  "including json-glib parsing (%u pages of 100)",
                  parse_only * 1000.0 / (rounds * 100.0), with_json * 1000.0 / (rounds * 100.0),
                  rounds);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/roster/json/iso8601", test_iso8601);
  g_test_add_func ("/roster/json/users-page", test_page_good);
  g_test_add_func ("/roster/json/users-odd", test_page_odd);
  g_test_add_func ("/roster/json/users-empty", test_page_empty);
  g_test_add_func ("/roster/json/truncated", test_truncated);
  g_test_add_func ("/roster/json/malformed-users", test_malformed_users);
  g_test_add_func ("/roster/json/malformed-pages", test_malformed_pages);
  g_test_add_func ("/roster/json/user-to-json", test_to_json);
  g_test_add_func ("/roster/json/user-builder", test_builder);
  g_test_add_func ("/roster/json/parse-speed", test_parse_speed);

  return g_test_run ();
}
