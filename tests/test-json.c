/* test-json.c: the users search parser on good, odd and malformed input. */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "roster-admin-api.h"
#include "roster-error.h"
#include "roster-http.h"
#include "roster-sandbox.h"
#include "roster-user.h"
#include "roster-user-batch.h"
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
  /* A stale out value is overwritten (not freed: it is the caller's). */
  g_autofree char *stale = g_strdup ("stale");
  char *next = stale;
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

/* The direct reader (roster_users_page_parse_bytes) against the tree parser. */

static void
assert_same_user (RosterUser *a,
                  RosterUser *b)
{
  GPtrArray *pa = roster_user_get_products (a), *pb = roster_user_get_products (b);
  GPtrArray *ga = roster_user_get_groups (a), *gb = roster_user_get_groups (b);
  const char * const *ra = roster_user_get_platform_roles (a);
  const char * const *rb = roster_user_get_platform_roles (b);

  g_assert_cmpstr (roster_user_get_account_id (a), ==, roster_user_get_account_id (b));
  g_assert_cmpstr (roster_user_get_name (a), ==, roster_user_get_name (b));
  g_assert_cmpstr (roster_user_get_email (a), ==, roster_user_get_email (b));
  g_assert_cmpstr (roster_user_get_nickname (a), ==, roster_user_get_nickname (b));
  g_assert_cmpint (roster_user_get_account_type (a), ==, roster_user_get_account_type (b));
  g_assert_cmpint (roster_user_get_status (a), ==, roster_user_get_status (b));
  g_assert_cmpstr (roster_user_get_account_status (a), ==, roster_user_get_account_status (b));
  g_assert_cmpstr (roster_user_get_membership_status (a), ==,
                   roster_user_get_membership_status (b));
  g_assert_cmpint (roster_user_get_claim (a), ==, roster_user_get_claim (b));
  g_assert_cmpstr (roster_user_get_management_source (a), ==,
                   roster_user_get_management_source (b));
  g_assert_cmpint (roster_user_get_added_to_org (a), ==, roster_user_get_added_to_org (b));
  g_assert_cmpint (roster_user_is_org_admin (a), ==, roster_user_is_org_admin (b));
  g_assert_cmpint (roster_user_is_billable (a), ==, roster_user_is_billable (b));
  g_assert_cmpint (roster_user_get_last_active (a), ==, roster_user_get_last_active (b));

  g_assert_cmpuint (g_strv_length ((char **) ra), ==, g_strv_length ((char **) rb));
  for (guint i = 0; ra[i] != NULL; i++)
    g_assert_cmpstr (ra[i], ==, rb[i]);

  g_assert_cmpuint (pa->len, ==, pb->len);
  for (guint i = 0; i < pa->len; i++)
    {
      const RosterProductAccess *x = g_ptr_array_index (pa, i), *y = g_ptr_array_index (pb, i);

      g_assert_cmpstr (x->key, ==, y->key);
      g_assert_cmpstr (x->resource_id, ==, y->resource_id);
      g_assert_cmpint (x->product, ==, y->product);
      g_assert_cmpint (x->last_active, ==, y->last_active);
    }

  g_assert_cmpuint (ga->len, ==, gb->len);
  for (guint i = 0; i < ga->len; i++)
    {
      const RosterGroupRef *x = g_ptr_array_index (ga, i), *y = g_ptr_array_index (gb, i);

      g_assert_cmpstr (x->id, ==, y->id);
      g_assert_cmpstr (x->name, ==, y->name);
    }
}

/* Parses with json-glib + roster_users_page_parse(). */
static gboolean
tree_parse (const char  *data,
            gsize        length,
            GPtrArray   *users,
            char       **next,
            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();

  if (!json_parser_load_from_data (parser, data, length, error))
    return FALSE;
  return roster_users_page_parse (json_parser_get_root (parser), users, next, error);
}

/* The batch the sync stages, on the same bytes: appended after what the batch
 * already holds, or the batch left exactly as it was. Each record gives back
 * the user of the object reader, and so does a user copied into a batch. */
static void
check_batch (const char *data,
             gsize       length,
             GPtrArray  *expected)
{
  g_autoptr(RosterUserBatch) batch = roster_user_batch_new ();
  g_autoptr(RosterUser) before = roster_user_new ("acc-before", "Before", NULL,
                                                  ROSTER_ACCOUNT_TYPE_ATLASSIAN,
                                                  ROSTER_STATUS_ACTIVE, ROSTER_CLAIM_MANAGED);
  g_autoptr(RosterUser) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *next = NULL;
  guint n_products, n_groups, n_roles;
  gboolean ok;

  roster_user_add_product (before, "confluence", "ari:cloud:confluence::site/1", 1700000000);
  roster_user_add_group (before, "ari:cloud:identity::group/g-1", "Group one");
  roster_user_add_platform_role (before, "atlassian/org-admin");
  roster_user_batch_add_user (batch, before);
  n_products = batch->products->len;
  n_groups = batch->groups->len;
  n_roles = batch->roles->len;

  ok = roster_users_page_parse_batch (data, length, batch, &next, &error);
  g_assert_cmpint (ok, ==, expected != NULL);
  if (!ok)
    {
      g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
      g_assert_null (next);
      g_assert_cmpuint (batch->users->len, ==, 1);
      g_assert_cmpuint (batch->products->len, ==, n_products);
      g_assert_cmpuint (batch->groups->len, ==, n_groups);
      g_assert_cmpuint (batch->roles->len, ==, n_roles);
    }
  else
    {
      g_autoptr(RosterUserBatch) copy = roster_user_batch_new ();

      g_assert_cmpuint (batch->users->len, ==, 1 + expected->len);
      for (guint i = 0; i < expected->len; i++)
        {
          g_autoptr(RosterUser) user = roster_user_batch_dup_user (batch, i + 1);
          g_autoptr(RosterUser) copied = NULL;

          assert_same_user (user, g_ptr_array_index (expected, i));
          g_assert_cmpint (roster_user_batch_get_user (batch, i + 1)->billable, ==,
                           roster_user_is_billable (user));
          roster_user_batch_add_user (copy, g_ptr_array_index (expected, i));
          copied = roster_user_batch_dup_user (copy, i);
          assert_same_user (copied, g_ptr_array_index (expected, i));
        }
    }

  again = roster_user_batch_dup_user (batch, 0);
  assert_same_user (again, before);
}

/* Both readers on the same bytes. A page the direct reader takes, the tree parser
 * takes too, with the same result; returns whether it was taken. */
static gboolean
compare_parsers (const char *data,
                 gsize       length,
                 gboolean    expect_ok)
{
  g_autoptr(GPtrArray) fast = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) tree = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) fast_error = NULL;
  g_autoptr(GError) tree_error = NULL;
  g_autofree char *fast_next = NULL;
  g_autofree char *tree_next = NULL;
  gboolean fast_ok, tree_ok;

  fast_ok = roster_users_page_parse_bytes (data, length, fast, &fast_next, &fast_error);
  tree_ok = tree_parse (data, length, tree, &tree_next, &tree_error);

  if (!fast_ok)
    {
      g_assert_error (fast_error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
      g_assert_cmpuint (fast->len, ==, 0);
      g_assert_null (fast_next);
      if (expect_ok)
        g_error ("direct reader refused a good page: %s", fast_error->message);
      check_batch (data, length, NULL);
      return FALSE;
    }

  g_assert_no_error (fast_error);
  if (!tree_ok)
    g_error ("direct reader took a page the tree parser refuses: %s", tree_error->message);
  g_assert_cmpstr (fast_next, ==, tree_next);
  g_assert_cmpuint (fast->len, ==, tree->len);
  for (guint i = 0; i < fast->len; i++)
    assert_same_user (g_ptr_array_index (fast, i), g_ptr_array_index (tree, i));
  check_batch (data, length, tree);

  return TRUE;
}

static void
test_fast_fixtures (void)
{
  static const char * const good[] = { "users-page.json", "users-odd.json", "users-empty.json" };
  static const char * const bad[] = { "users-truncated.json", "users-data-object.json" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", good[i], NULL);
      g_autofree char *contents = NULL;
      gsize length;

      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      g_test_message ("fixture %s", good[i]);
      compare_parsers (contents, length, TRUE);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", bad[i], NULL);
      g_autofree char *contents = NULL;
      gsize length;

      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      g_assert_false (compare_parsers (contents, length, FALSE));
    }

  {
    g_autofree char *json = make_page_json (100);

    compare_parsers (json, strlen (json), TRUE);
  }
}

typedef struct
{
  gboolean            done;
  RosterHttpResponse *response;
  GError             *error;
} PageWaiter;

static void
page_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  PageWaiter *w = user_data;

  w->response = roster_admin_api_search_users_page_finish (ROSTER_ADMIN_API (object), result,
                                                           &w->error);
  w->done = TRUE;
}

/* Real sandbox pages, field by field, and every way of cutting them short. */
static void
test_fast_sandbox_pages (void)
{
  RosterSandboxOptions options = { 6000, 11, 0 };
  g_autoptr(RosterSandbox) sandbox = roster_sandbox_new (&options);
  g_autoptr(RosterAdminApi) api = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *admin_url = NULL;
  g_autofree char *cursor = NULL;
  guint pages = 0, users = 0, escaped = 0;

  g_assert_true (roster_sandbox_start (sandbox, 0, &error));
  g_assert_no_error (error);
  admin_url = roster_sandbox_dup_admin_url (sandbox);
  api = roster_admin_api_new (admin_url, roster_sandbox_get_api_key (sandbox), &error);
  g_assert_no_error (error);

  do
    {
      PageWaiter w = { 0 };
      g_autoptr(GPtrArray) parsed = g_ptr_array_new_with_free_func (g_object_unref);
      g_autofree char *next = NULL;
      const char *data;
      gsize length;

      roster_admin_api_search_users_page_async (api, roster_sandbox_get_org_id (sandbox),
                                                roster_sandbox_get_directory_id (sandbox),
                                                NULL, cursor, 100, ROSTER_HTTP_FLAGS_RAW,
                                                NULL, page_cb, &w);
      while (!w.done)
        g_main_context_iteration (NULL, TRUE);
      g_assert_no_error (w.error);

      data = g_bytes_get_data (w.response->body, &length);
      compare_parsers (data, length, TRUE);
      if (memchr (data, '\\', length) != NULL)
        escaped++;

      /* Cut short anywhere, a page fails cleanly (sampled here; every prefix of a
       * small page below). */
      for (gsize cut = pages; cut < length; cut += 4999)
        g_assert_false (compare_parsers (data, cut, FALSE));

      g_assert_true (roster_users_page_parse_bytes (data, length, parsed, &next, NULL));
      users += parsed->len;
      pages++;
      g_clear_pointer (&cursor, g_free);
      cursor = g_steal_pointer (&next);
      roster_http_response_free (w.response);
    }
  while (cursor != NULL);

  /* Every prefix of a small real page. */
  {
    PageWaiter w = { 0 };
    const char *data;
    gsize length;

    roster_admin_api_search_users_page_async (api, roster_sandbox_get_org_id (sandbox),
                                              roster_sandbox_get_directory_id (sandbox),
                                              NULL, NULL, 4, ROSTER_HTTP_FLAGS_RAW,
                                              NULL, page_cb, &w);
    while (!w.done)
      g_main_context_iteration (NULL, TRUE);
    g_assert_no_error (w.error);
    data = g_bytes_get_data (w.response->body, &length);
    compare_parsers (data, length, TRUE);
    for (gsize cut = 0; cut < length; cut++)
      {
        g_autoptr(GPtrArray) parsed = g_ptr_array_new_with_free_func (g_object_unref);
        g_autoptr(GError) cut_error = NULL;
        g_autofree char *next = NULL;
        g_autofree char *copy = g_memdup2 (data, cut);

        /* A copy of exactly `cut` bytes, so a read past the end shows under valgrind/ASan. */
        g_assert_false (roster_users_page_parse_bytes (copy, cut, parsed, &next, &cut_error));
        g_assert_error (cut_error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
        g_assert_cmpuint (parsed->len, ==, 0);
        g_assert_null (next);
      }
    roster_http_response_free (w.response);
  }

  g_test_message ("%u sandbox pages, %u users, %u pages with escapes", pages, users, escaped);
  g_assert_cmpuint (pages, >=, 50);
  g_assert_cmpuint (users, ==, roster_sandbox_get_n_users (sandbox));
  roster_sandbox_stop (sandbox);
}

static void
test_fast_odd (void)
{
  static const char * const good[] = {
    /* Escapes, including a surrogate pair, in known and unknown members. */
    "{\"data\":[{\"accountId\":\"a\\u0062c\",\"name\":\"Z\\u00fcrich \\ud83d\\ude00 \\\"q\\\" "
      "\\\\ \\/ \\b\\f\\n\\r\\t\",\"x\\ty\":\"\\uD834\\uDD1E\"}],"
      "\"links\":{\"n\\u0065xt\":\"c\\u00e9\"}}",
    /* Escaped member names match the plain ones. */
    "{\"d\\u0061ta\":[{\"\\u0061ccountId\":\"a\",\"em\\u0061il\":\"e@x\"}]}",
    /* Numbers, literals and nesting in unknown members. */
    "{\"data\":[{\"accountId\":\"a\",\"n\":[0,-0,1.5e+10,-12.3E-2,1e5,true,false,null,"
      "{\"a\":[[[]]],\"b\":{}}]}],\"total\":12}",
    /* White space everywhere. */
    " \r\n\t{ \"data\" : [ { \"accountId\" : \"a\" , \"groups\" : [ ] } ] , \"links\" : null }\n ",
    /* Nulls, empty email, and duplicate members: the last one counts. */
    "{\"data\":[{\"accountId\":\"a\",\"email\":\"\",\"name\":null,\"productAccess\":null,"
      "\"groups\":null,\"platformRoles\":null}]}",
    "{\"data\":[{\"accountId\":\"x\",\"accountId\":\"a\",\"platformRoles\":[\"atlassian/org-admin\"],"
      "\"platformRoles\":[]}],\"data\":[{\"accountId\":\"b\"}],\"links\":{\"next\":\"1\"},"
      "\"links\":{}}",
    "{\"data\":[{\"accountId\":\"a\",\"productAccess\":[{\"key\":\"jira-software\","
      "\"lastActiveTimestamp\":\"\"},{\"key\":null,\"id\":null,\"lastActiveTimestamp\":null},"
      "{\"lastActiveTimestamp\":\"1960-01-01T00:00:00Z\"}]}]}",
    "{\"links\":{\"next\":\"\"},\"data\":[]}",
    /* UTF-8 of every length. */
    "{\"data\":[{\"accountId\":\"a\",\"name\":\"\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80\xef\xbf\xbf\"}]}",
  };
  static const char * const bad[] = {
    "", " ", "{", "}", "{}", "[]", "null", "\"data\"", "{\"data\":[]} x", "{\"data\":[]}{",
    "{\"data\":[],}", "{\"data\":[{\"accountId\":\"a\",}]}", "{\"data\":[{\"accountId\":\"a\"},]}",
    "{\"data\":[,]}", "{\"data\" []}", "{data:[]}", "{'data':[]}", "{\"data\":[] \"links\":null}",
    "{\"data\":[{\"accountId\":\"a\",\"n\":01}]}", "{\"data\":[{\"accountId\":\"a\",\"n\":1.}]}",
    "{\"data\":[{\"accountId\":\"a\",\"n\":.5}]}", "{\"data\":[{\"accountId\":\"a\",\"n\":+1}]}",
    "{\"data\":[{\"accountId\":\"a\",\"n\":1e}]}", "{\"data\":[{\"accountId\":\"a\",\"n\":-}]}",
    "{\"data\":[{\"accountId\":\"a\",\"n\":0x1}]}", "{\"data\":[{\"accountId\":\"a\",\"n\":NaN}]}",
    "{\"data\":[{\"accountId\":\"a\",\"n\":tru}]}", "{\"data\":[{\"accountId\":\"a\",\"n\":nulll}]}",
    "{\"data\":[{\"accountId\":\"a\",\"n\":\"\\x\"}]}", "{\"data\":[{\"accountId\":\"a\\u12\"}]}",
    "{\"data\":[{\"accountId\":\"a\\ud800\"}]}", "{\"data\":[{\"accountId\":\"a\\udc00\\ud800\"}]}",
    "{\"data\":[{\"accountId\":\"a\\ud800\\u0041\"}]}", "{\"data\":[{\"accountId\":\"a\\u0000\"}]}",
    "{\"data\":[{\"accountId\":\"a\nb\"}]}", "{\"data\":[{\"accountId\":\"a\tb\"}]}",
    "{\"data\":[{\"accountId\":\"\xc3\x28\"}]}", "{\"data\":[{\"accountId\":\"\xc0\xaf\"}]}",
    "{\"data\":[{\"accountId\":\"\xed\xa0\x80\"}]}", "{\"data\":[{\"accountId\":\"\xf4\x90\x80\x80\"}]}",
    "{\"data\":[{\"accountId\":\"\xe4\xb8\"}]}", "{\"data\":[{\"accountId\":\"\x80\"}]}",
    "{\"data\":[{\"accountId\":\"a\"}]}\xff", "\xef\xbb\xbf{\"data\":[]}",
    "{\"data\":[{\"accountId\":\"a\",\"name\":7}]}",
    "{\"data\":[{\"accountId\":\"a\",\"productAccess\":[{\"key\":\"jira\",\"lastActiveTimestamp\":\"x\"}]}]}",
  };
  GString *deep = g_string_new ("{\"data\":[{\"accountId\":\"a\",\"n\":");

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *shown = g_strescape (good[i], NULL);

      g_test_message ("good %u: %s", i, shown);
      compare_parsers (good[i], strlen (good[i]), TRUE);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *shown = g_strescape (bad[i], NULL);

      g_test_message ("bad %u: %s", i, shown);
      g_assert_false (compare_parsers (bad[i], strlen (bad[i]), FALSE));
    }

  /* A NUL byte inside the body is not JSON either. */
  g_assert_false (compare_parsers ("{\"data\":[]}\0", 12, FALSE));
  g_assert_false (compare_parsers ("{\"data\":[{\"accountId\":\"a\0b\"}]}", 30, FALSE));

  /* Nesting: 100 levels inside a user are fine, 1000 are refused without crashing. */
  for (guint i = 0; i < 100; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 100; i++)
    g_string_append_c (deep, ']');
  g_string_append (deep, "}]}");
  compare_parsers (deep->str, deep->len, TRUE);

  g_string_assign (deep, "{\"data\":[{\"accountId\":\"a\",\"n\":");
  for (guint i = 0; i < 1000; i++)
    g_string_append (deep, "{\"a\":[");
  g_assert_false (compare_parsers (deep->str, deep->len, FALSE));
  for (guint i = 0; i < 1000; i++)
    g_string_append (deep, "]}");
  g_string_append (deep, "}]}");
  {
    g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
    g_autoptr(GError) error = NULL;

    g_assert_false (roster_users_page_parse_bytes (deep->str, deep->len, users, NULL, &error));
    g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
    g_assert_nonnull (strstr (error->message, "nested"));
  }
  g_string_free (deep, TRUE);
}

/* The member checks give the tree parser's messages. */
static void
test_fast_malformed_users (void)
{
  static const struct { const char *json; const char *message; } cases[] = {
    { "{\"name\":\"x\"}", "data[0]: Malformed user: member “accountId” is missing" },
    { "{\"accountId\":42}", "data[0]: Malformed user: member “accountId” is not a string" },
    { "{\"accountId\":\"\"}", "data[0]: Malformed user: member “accountId” is missing" },
    { "{\"accountId\":\"a\",\"email\":[\"x\"]}",
      "data[0]: Malformed user: member “email” is not a string" },
    { "{\"accountId\":\"a\",\"productAccess\":{\"key\":\"jira\"}}",
      "data[0]: Malformed user: member “productAccess” is not an array" },
    { "{\"accountId\":\"a\",\"productAccess\":[\"jira\"]}",
      "data[0]: Malformed user: member “productAccess[]” is not an object" },
    { "{\"accountId\":\"a\",\"productAccess\":[{},{\"key\":5}]}",
      "data[0]: productAccess[1]: Malformed user: member “key” is not a string" },
    { "{\"accountId\":\"a\",\"productAccess\":[{\"key\":\"jira\",\"lastActiveTimestamp\":\"soon\"}]}",
      "data[0]: Malformed user: productAccess[0] member “lastActiveTimestamp” is not an ISO 8601 "
      "date (“soon”)" },
    { "{\"accountId\":\"a\",\"groups\":[{\"id\":1}]}",
      "data[0]: groups[0]: Malformed user: member “id” is not a string" },
    { "{\"accountId\":\"a\",\"groups\":[3]}",
      "data[0]: Malformed user: member “groups[]” is not an object" },
    { "{\"accountId\":\"a\",\"platformRoles\":[1]}",
      "data[0]: Malformed user: member “platformRoles[]” is not a string" },
    { "{\"accountId\":\"a\",\"addedToOrg\":\"then\"}",
      "data[0]: Malformed user: member “addedToOrg” is not an ISO 8601 date (“then”)" },
    { "[1,2]", "data[0]: Malformed user: not a JSON object" },
  };
  static const struct { const char *json; const char *message; } pages[] = {
    { "{\"data\":{\"accountId\":\"a\"}}",
      "Malformed users page: member “data” is missing or not an array" },
    { "{\"users\":[]}", "Malformed users page: member “data” is missing or not an array" },
    { "[]", "Malformed users page: not a JSON object" },
    { "{\"data\":[],\"links\":\"next\"}", "Malformed users page: member “links” is not an object" },
    { "{\"data\":[],\"links\":{\"next\":3}}", "links: Malformed user: member “next” is not a string" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"data\":[%s],\"links\":{\"next\":\"n\"}}",
                                               cases[i].json);
      g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(GPtrArray) tree = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) tree_error = NULL;
      g_autofree char *next = NULL;

      g_test_message ("case %u: %s", i, json);
      g_assert_false (roster_users_page_parse_bytes (json, strlen (json), users, &next, &error));
      g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
      g_assert_cmpstr (error->message, ==, cases[i].message);
      g_assert_false (tree_parse (json, strlen (json), tree, NULL, &tree_error));
      g_assert_cmpstr (error->message, ==, tree_error->message);
      g_assert_null (next);
      g_assert_cmpuint (users->len, ==, 0);
    }

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(GError) error = NULL;

      g_assert_false (roster_users_page_parse_bytes (pages[i].json, strlen (pages[i].json),
                                                     users, NULL, &error));
      g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
      g_assert_cmpstr (error->message, ==, pages[i].message);
    }
}

/* Random byte flips, insertions and deletions must not crash, and whatever the
 * direct reader takes must agree with the tree parser. */
static void
test_fast_mutations (void)
{
  g_autofree char *json = make_page_json (5);
  gsize length = strlen (json);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20250601);
  guint taken = 0;
  const guint rounds = 3000;

  for (guint r = 0; r < rounds; r++)
    {
      g_autofree char *copy = g_malloc (length + 8);
      gsize n = length;
      guint edits = g_rand_int_range (rand, 1, 4);

      memcpy (copy, json, length);
      for (guint e = 0; e < edits; e++)
        {
          gsize at = g_rand_int_range (rand, 0, n);
          static const char interesting[] = "\"\\{}[],:0-.eu \x80\xc3\xed\xf4\x00";

          switch (g_rand_int_range (rand, 0, 4))
            {
            case 0:
              copy[at] ^= 1 << g_rand_int_range (rand, 0, 8);
              break;
            case 1:
              copy[at] = interesting[g_rand_int_range (rand, 0, sizeof interesting)];
              break;
            case 2:
              memmove (copy + at, copy + at + 1, n - at - 1);
              n--;
              break;
            default:
              memmove (copy + at + 1, copy + at, n - at);
              copy[at] = interesting[g_rand_int_range (rand, 0, sizeof interesting)];
              n++;
              break;
            }
        }

      if (compare_parsers (copy, n, FALSE))
        taken++;
    }

  g_test_message ("%u of %u mutated pages still taken (and equal to the tree parser)", taken,
                  rounds);
}

static void
test_fast_parse_speed (void)
{
  g_autofree char *json = make_page_json (100);
  gsize length = strlen (json);
  guint rounds = g_test_perf () ? 1000 : 100;
  gint64 start, fast, tree;

  start = g_get_monotonic_time ();
  for (guint r = 0; r < rounds; r++)
    {
      g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);

      g_assert_true (roster_users_page_parse_bytes (json, length, users, NULL, NULL));
      g_assert_cmpuint (users->len, ==, 100);
    }
  fast = g_get_monotonic_time () - start;

  start = g_get_monotonic_time ();
  for (guint r = 0; r < rounds; r++)
    {
      g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);

      g_assert_true (tree_parse (json, length, users, NULL, NULL));
    }
  tree = g_get_monotonic_time () - start;

  g_test_message ("users page: direct reader %.0f ns/user (%.0f MB/s), json-glib + tree %.0f "
                  "ns/user", fast * 1000.0 / (rounds * 100.0),
                  (double) length * rounds / MAX (fast, 1), tree * 1000.0 / (rounds * 100.0));
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
  g_test_add_func ("/roster/json/fast/fixtures", test_fast_fixtures);
  g_test_add_func ("/roster/json/fast/sandbox-pages", test_fast_sandbox_pages);
  g_test_add_func ("/roster/json/fast/odd", test_fast_odd);
  g_test_add_func ("/roster/json/fast/malformed-users", test_fast_malformed_users);
  g_test_add_func ("/roster/json/fast/mutations", test_fast_mutations);
  g_test_add_func ("/roster/json/fast/parse-speed", test_fast_parse_speed);

  return g_test_run ();
}
