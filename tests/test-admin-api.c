/* test-admin-api.c: the Admin API domain parsers, and RosterAdminApi against the sandbox. */
#include "config.h"

#include <string.h>

#include "roster-admin-api.h"
#include "roster-error.h"
#include "roster-org.h"
#include "roster-pager.h"
#include "roster-sandbox.h"

/* Parsers */

static JsonNode *
j (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

static void
test_parse_org (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) good = j ("{\"id\":\"a1b2\",\"type\":\"orgs\",\"attributes\":{\"name\":\"Example Corp\"}}");
  g_autoptr(JsonNode) wrapped = j ("{\"data\":{\"id\":\"a1b2\",\"attributes\":{\"name\":\"Ünïcode\"}}}");
  g_autoptr(JsonNode) no_name = j ("{\"id\":\"x\"}");
  g_autoptr(JsonNode) bad_id = j ("{\"id\":5}");
  g_autoptr(JsonNode) no_id = j ("{\"attributes\":{\"name\":\"n\"}}");
  g_autoptr(JsonNode) bad_attr = j ("{\"id\":\"x\",\"attributes\":[1]}");
  g_autoptr(JsonNode) array = j ("[]");
  g_autoptr(RosterOrg) org = NULL;
  g_autofree char *prop = NULL;

  org = roster_org_new_from_json (good, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (roster_org_get_id (org), ==, "a1b2");
  g_assert_cmpstr (roster_org_get_name (org), ==, "Example Corp");
  g_object_get (org, "name", &prop, NULL);
  g_assert_cmpstr (prop, ==, "Example Corp");
  g_assert_finalize_object (g_steal_pointer (&org));

  org = roster_org_new_from_json (wrapped, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (roster_org_get_name (org), ==, "Ünïcode");
  g_clear_object (&org);

  org = roster_org_new_from_json (no_name, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (roster_org_get_name (org), ==, "");
  g_clear_object (&org);

  g_assert_null (roster_org_new_from_json (bad_id, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "id"));
  g_clear_error (&error);
  g_assert_null (roster_org_new_from_json (no_id, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);
  g_assert_null (roster_org_new_from_json (bad_attr, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "attributes"));
  g_clear_error (&error);
  g_assert_null (roster_org_new_from_json (array, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);
  g_assert_null (roster_org_new_from_json (NULL, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
}

static void
test_parse_directory_domain (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) dir = j ("{\"directoryId\":\"d-1\",\"name\":\"Primary Directory\",\"icon\":\"x\"}");
  g_autoptr(JsonNode) dir_bad = j ("{\"directoryId\":\"\",\"name\":\"x\"}");
  g_autoptr(JsonNode) dom = j ("{\"id\":\"dm\",\"type\":\"domains\",\"attributes\":{\"name\":\"example.com\","
                               "\"claim\":{\"type\":\"dns\",\"status\":\"verified\"}}}");
  g_autoptr(JsonNode) dom_unverified = j ("{\"id\":\"dm\",\"attributes\":{\"name\":\"ex.org\","
                                          "\"claim\":{\"status\":\"unverified\"}}}");
  g_autoptr(JsonNode) dom_no_claim = j ("{\"id\":\"dm\",\"attributes\":{\"name\":\"ex.org\"}}");
  g_autoptr(JsonNode) dom_bad_claim = j ("{\"id\":\"dm\",\"attributes\":{\"name\":\"ex.org\",\"claim\":\"v\"}}");
  g_autoptr(RosterDirectory) d = NULL;
  g_autoptr(RosterDomain) m = NULL;

  d = roster_directory_new_from_json (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (roster_directory_get_id (d), ==, "d-1");
  g_assert_cmpstr (roster_directory_get_name (d), ==, "Primary Directory");
  g_assert_null (roster_directory_new_from_json (dir_bad, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "directoryId"));
  g_clear_error (&error);

  m = roster_domain_new_from_json (dom, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (roster_domain_get_name (m), ==, "example.com");
  g_assert_cmpstr (roster_domain_get_claim_type (m), ==, "dns");
  g_assert_true (roster_domain_is_verified (m));
  g_clear_object (&m);
  m = roster_domain_new_from_json (dom_unverified, &error);
  g_assert_no_error (error);
  g_assert_false (roster_domain_is_verified (m));
  g_clear_object (&m);
  m = roster_domain_new_from_json (dom_no_claim, &error);
  g_assert_no_error (error);
  g_assert_null (roster_domain_get_claim_status (m));
  g_assert_false (roster_domain_is_verified (m));
  g_assert_null (roster_domain_new_from_json (dom_bad_claim, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "claim"));
}

static void
test_parse_workspace (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) ws = j ("{\"id\":\"ari:cloud:jira-software::site/abc\",\"type\":\"workspaces\","
                              "\"attributes\":{\"name\":\"example\",\"typeKey\":\"jira-software\","
                              "\"hostUrl\":\"example.atlassian.net\",\"status\":\"online\","
                              "\"sandbox\":{\"type\":\"NONE\"},\"capacity\":null}}");
  g_autoptr(JsonNode) ws_bad = j ("{\"id\":\"x\",\"attributes\":{\"typeKey\":7}}");
  g_autoptr(RosterWorkspace) w = NULL;

  w = roster_workspace_new_from_json (ws, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (roster_workspace_get_id (w), ==, "ari:cloud:jira-software::site/abc");
  g_assert_cmpstr (roster_workspace_get_host_url (w), ==, "example.atlassian.net");
  g_assert_cmpstr (roster_workspace_get_status (w), ==, "online");
  g_assert_cmpint (roster_workspace_get_product (w), ==, ROSTER_PRODUCT_JIRA);
  g_assert_cmpint (roster_workspace_type_key_to_product ("confluence"), ==, ROSTER_PRODUCT_CONFLUENCE);
  g_assert_cmpint (roster_workspace_type_key_to_product ("jira-servicedesk"), ==, ROSTER_PRODUCT_JSM);
  g_assert_cmpint (roster_workspace_type_key_to_product ("bitbucket"), ==, ROSTER_PRODUCT_OTHER);
  g_assert_cmpint (roster_workspace_type_key_to_product (NULL), ==, ROSTER_PRODUCT_OTHER);
  g_assert_null (roster_workspace_new_from_json (ws_bad, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "typeKey"));
}

static void
test_parse_group (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) full = j ("{\"id\":\"0f0e\",\"name\":\"jira-administrators\",\"description\":\"Admins\","
                                "\"directoryId\":\"d\",\"externalSynced\":false,\"managedBy\":\"admins\","
                                "\"managementAccess\":{\"readable\":true,\"modifiable\":false,\"deletable\":false},"
                                "\"counts\":{\"users\":10,\"resources\":2}}");
  g_autoptr(JsonNode) ari = j ("{\"id\":\"ari:cloud:identity::group/1234\",\"name\":\"confluence-users\"}");
  g_autoptr(JsonNode) synced = j ("{\"id\":\"g\",\"name\":\"scim\",\"externalSynced\":true}");
  g_autoptr(JsonNode) bad_counts = j ("{\"id\":\"g\",\"name\":\"n\",\"counts\":{\"users\":\"ten\"}}");
  g_autoptr(JsonNode) bad_flag = j ("{\"id\":\"g\",\"name\":\"n\",\"externalSynced\":\"yes\"}");
  g_autoptr(JsonNode) empty_ari = j ("{\"id\":\"ari:cloud:identity::group/\",\"name\":\"n\"}");
  g_autoptr(RosterGroup) g = NULL;

  g = roster_group_new_from_json (full, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (roster_group_get_id (g), ==, "0f0e");
  g_assert_cmpstr (roster_group_get_description (g), ==, "Admins");
  g_assert_false (roster_group_get_modifiable (g));
  g_assert_false (roster_group_get_external_synced (g));
  g_assert_cmpint (roster_group_get_n_users (g), ==, 10);
  g_clear_object (&g);

  g = roster_group_new_from_json (ari, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (roster_group_get_id (g), ==, "1234");
  g_assert_true (roster_group_get_modifiable (g));
  g_assert_cmpint (roster_group_get_n_users (g), ==, -1);
  g_clear_object (&g);

  g = roster_group_new_from_json (synced, &error);
  g_assert_no_error (error);
  g_assert_false (roster_group_get_modifiable (g));
  g_clear_object (&g);

  g_assert_null (roster_group_new_from_json (bad_counts, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "users"));
  g_clear_error (&error);
  g_assert_null (roster_group_new_from_json (bad_flag, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);
  g_assert_null (roster_group_new_from_json (empty_ari, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
}

/* Against the sandbox */

typedef struct
{
  RosterSandbox  *sandbox;
  RosterAdminApi *api;
  const char     *org_id;
  const char     *dir_id;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  RosterSandboxOptions options = { .n_users = 450, .seed = 11, .now_unix = 1790000000 };
  g_autoptr(GError) error = NULL;
  g_autofree char *admin_url = NULL;

  f->sandbox = roster_sandbox_new (&options);
  roster_sandbox_start (f->sandbox, 0, &error);
  g_assert_no_error (error);
  admin_url = roster_sandbox_dup_admin_url (f->sandbox);
  f->api = roster_admin_api_new (admin_url, roster_sandbox_get_api_key (f->sandbox), &error);
  g_assert_no_error (error);
  roster_admin_api_set_retry_policy (f->api, 4, 10, 200);
  f->org_id = roster_sandbox_get_org_id (f->sandbox);
  f->dir_id = roster_sandbox_get_directory_id (f->sandbox);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) requests = roster_sandbox_dup_requests (f->sandbox);
  const char *retired[] = { "/suspend-access", "/restore-access", "/directory/groups",
                            "/users/search", "/groups/search", "/users/invite" };

  /* Whatever a test did, no retired v1 endpoint was ever called. */
  for (guint i = 0; i < requests->len; i++)
    {
      RosterSandboxRequest *req = g_ptr_array_index (requests, i);

      for (guint k = 0; k < G_N_ELEMENTS (retired); k++)
        {
          /* The last three are retired only under /v1/orgs/{orgId}. */
          g_autofree char *pattern = k < 3 ? g_strdup (retired[k])
                                           : g_strconcat ("/v1/orgs/", f->org_id, retired[k], NULL);

          g_assert_null (strstr (req->path, pattern));
        }
      g_assert_false (g_str_has_prefix (req->path, "/admin/v1/orgs/") &&
                      g_str_has_suffix (req->path, "/directory/users") == FALSE &&
                      strstr (req->path, "/directory/users/") != NULL &&
                      g_str_equal (req->method, "DELETE"));
    }

  g_assert_finalize_object (g_steal_pointer (&f->api));
  roster_sandbox_stop (f->sandbox);
  g_assert_finalize_object (g_steal_pointer (&f->sandbox));
}

static void
test_api_org_details (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) orgs = NULL;
  g_autoptr(GPtrArray) dirs = NULL;
  gboolean found = FALSE;

  orgs = roster_admin_api_list_orgs_sync (f->api, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (orgs->len, >=, 1);
  for (guint i = 0; i < orgs->len; i++)
    if (g_str_equal (roster_org_get_id (g_ptr_array_index (orgs, i)), f->org_id))
      {
        found = TRUE;
        g_assert_cmpstr (roster_org_get_name (g_ptr_array_index (orgs, i)), ==,
                         roster_sandbox_get_org_name (f->sandbox));
      }
  g_assert_true (found);

  dirs = roster_admin_api_list_directories_sync (f->api, f->org_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dirs->len, >=, 1);
  g_assert_cmpstr (roster_directory_get_id (g_ptr_array_index (dirs, 0)), ==, f->dir_id);
}

typedef struct
{
  GAsyncResult *result;
} Waiter;

static void
waiter_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  ((Waiter *) user_data)->result = g_object_ref (result);
}

static void
wait_for (Waiter *w)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (w->result == NULL)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
}

static void
test_api_async_lists (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterOrg) org = NULL;
  g_autoptr(GPtrArray) domains = NULL;
  g_autoptr(GPtrArray) workspaces = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(JsonNode) stats = NULL;
  Waiter w1 = { NULL }, w2 = { NULL }, w3 = { NULL }, w4 = { NULL }, w5 = { NULL };

  /* All at once, through the one queue. */
  roster_admin_api_get_org_async (f->api, f->org_id, NULL, waiter_cb, &w1);
  roster_admin_api_list_domains_async (f->api, f->org_id, NULL, waiter_cb, &w2);
  roster_admin_api_list_workspaces_async (f->api, f->org_id, NULL, waiter_cb, &w3);
  roster_admin_api_search_groups_async (f->api, f->org_id, f->dir_id, NULL, NULL, NULL,
                                        waiter_cb, &w4);
  roster_admin_api_user_stats_async (f->api, f->org_id, f->dir_id, NULL, waiter_cb, &w5);
  wait_for (&w1);
  wait_for (&w2);
  wait_for (&w3);
  wait_for (&w4);
  wait_for (&w5);

  org = roster_admin_api_get_org_finish (f->api, w1.result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (roster_org_get_id (org), ==, f->org_id);
  domains = roster_admin_api_list_domains_finish (f->api, w2.result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (domains->len, >=, 1);
  workspaces = roster_admin_api_list_workspaces_finish (f->api, w3.result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (workspaces->len, >=, 1);
  for (guint i = 0; i < workspaces->len; i++)
    g_assert_true (g_str_has_prefix (roster_workspace_get_id (g_ptr_array_index (workspaces, i)),
                                     "ari:cloud:"));
  groups = roster_admin_api_search_groups_finish (f->api, w4.result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (groups->len, >=, 1);
  stats = roster_admin_api_user_stats_finish (f->api, w5.result, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (stats));

  g_object_unref (w1.result);
  g_object_unref (w2.result);
  g_object_unref (w3.result);
  g_object_unref (w4.result);
  g_object_unref (w5.result);

  /* The second workspaces page (if any) sent only the cursor. */
  {
    g_autoptr(GPtrArray) requests = roster_sandbox_dup_requests (f->sandbox);

    for (guint i = 0; i < requests->len; i++)
      {
        RosterSandboxRequest *req = g_ptr_array_index (requests, i);

        if (g_str_has_suffix (req->path, "/workspaces") && req->body &&
            strstr (req->body, "\"cursor\""))
          g_assert_true (g_str_has_prefix (req->body, "{\"cursor\":"));
      }
  }
}

static void
test_api_page_all_users (Fixture       *f,
                         gconstpointer  data)
{
  g_auto(RosterPagerState) pager = ROSTER_PAGER_STATE_INIT;
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *cursor = NULL;
  guint64 count = 0;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  roster_pager_state_init (&pager, ROSTER_PAGER_ADMIN_CURSOR);
  while (!pager.done)
    {
      g_autoptr(RosterHttpResponse) response = NULL;
      g_autofree char *next = NULL;
      JsonArray *items;

      response = roster_admin_api_search_users_page_sync (f->api, f->org_id, f->dir_id, NULL,
                                                          cursor, 100, 0, NULL, &error);
      g_assert_no_error (error);
      items = roster_pager_get_items (pager.scheme, response->json, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          JsonObject *user = json_array_get_object_element (items, i);

          g_assert_true (json_object_has_member (user, "productAccess"));
          g_hash_table_add (ids, g_strdup (json_object_get_string_member (user, "accountId")));
        }
      g_assert_true (roster_pager_next (&pager, response->json, response->link_next, &next,
                                        &error));
      g_assert_no_error (error);
      g_free (cursor);
      cursor = g_steal_pointer (&next);
    }
  g_test_message ("paged %u users in %u pages in %.0f ms", g_hash_table_size (ids),
                  pager.n_pages, (g_get_monotonic_time () - start) / 1000.0);

  g_assert_true (roster_admin_api_count_users_sync (f->api, f->org_id, f->dir_id, NULL, &count,
                                                    NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, g_hash_table_size (ids));
  g_assert_cmpuint (pager.n_items, ==, count);
  g_assert_cmpuint (count, ==, roster_sandbox_get_n_users (f->sandbox));

  /* Every search asked for the three expansions. */
  {
    g_autoptr(GPtrArray) requests = roster_sandbox_dup_requests (f->sandbox);

    for (guint i = 0; i < requests->len; i++)
      {
        RosterSandboxRequest *req = g_ptr_array_index (requests, i);

        if (g_str_has_suffix (req->path, "/users/search"))
          {
            g_assert_nonnull (req->body);
            g_assert_nonnull (strstr (req->body, "\"productAccess\""));
            g_assert_nonnull (strstr (req->body, "\"platformRoles\""));
            g_assert_nonnull (strstr (req->body, "\"groups\""));
          }
      }
  }
}

static void
test_api_users_by_ids (Fixture       *f,
                       gconstpointer  data)
{
  g_auto(GStrv) ids = roster_sandbox_dup_account_ids (f->sandbox, "active", 25);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  const char *none[] = { NULL };

  g_assert_cmpuint (g_strv_length (ids), ==, 25);
  roster_sandbox_clear_requests (f->sandbox);
  users = roster_admin_api_get_users_by_ids_sync (f->api, f->org_id, f->dir_id,
                                                  (const char * const *) ids, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (users->len, ==, 25);
  for (guint i = 0; i < users->len; i++)
    g_hash_table_add (seen, (gpointer) json_object_get_string_member (
                              json_node_get_object (g_ptr_array_index (users, i)), "accountId"));
  for (guint i = 0; ids[i]; i++)
    g_assert_true (g_hash_table_contains (seen, ids[i]));
  /* Three batches of at most 10. */
  g_assert_cmpuint (roster_sandbox_count_requests (f->sandbox, "POST", "/users/search"), ==, 3);

  g_clear_pointer (&users, g_ptr_array_unref);
  users = roster_admin_api_get_users_by_ids_sync (f->api, f->org_id, f->dir_id, none, NULL,
                                                  &error);
  g_assert_no_error (error);
  g_assert_cmpuint (users->len, ==, 0);
}

static const char *
user_status_of (GPtrArray *users)
{
  g_assert_cmpuint (users->len, ==, 1);
  return json_object_get_string_member (json_node_get_object (g_ptr_array_index (users, 0)),
                                        "status");
}

static void
test_api_suspend_restore (Fixture       *f,
                          gconstpointer  data)
{
  g_auto(GStrv) ids = roster_sandbox_dup_account_ids (f->sandbox, "active", 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;
  g_autoptr(GPtrArray) users = NULL;
  guint http_status = 0;

  g_assert_nonnull (ids[0]);
  g_assert_true (roster_admin_api_write_sync (f->api, ROSTER_ADMIN_WRITE_SUSPEND, f->org_id,
                                              f->dir_id, ids[0], &http_status, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (http_status, ==, 204);
  status = roster_sandbox_dup_user_status (f->sandbox, ids[0]);
  g_assert_cmpstr (status, ==, "suspended");
  users = roster_admin_api_get_users_by_ids_sync (f->api, f->org_id, f->dir_id,
                                                  (const char * const *) ids, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (user_status_of (users), ==, "suspended");

  g_assert_true (roster_admin_api_write_sync (f->api, ROSTER_ADMIN_WRITE_RESTORE, f->org_id,
                                              f->dir_id, ids[0], &http_status, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (http_status, ==, 204);
  g_free (status);
  status = roster_sandbox_dup_user_status (f->sandbox, ids[0]);
  g_assert_cmpstr (status, ==, "active");

  /* Unknown user → NOT_FOUND with its status. */
  g_assert_false (roster_admin_api_write_sync (f->api, ROSTER_ADMIN_WRITE_SUSPEND, f->org_id,
                                               f->dir_id, "no-such-account", &http_status, NULL,
                                               &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_NOT_FOUND);
  g_assert_cmpuint (http_status, ==, 404);
  g_clear_error (&error);

  /* Ids are escaped: a slash cannot reach another route. */
  g_assert_false (roster_admin_api_write_sync (f->api, ROSTER_ADMIN_WRITE_SUSPEND, f->org_id,
                                               f->dir_id, "../../x", &http_status, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (roster_admin_api_write_sync (f->api, ROSTER_ADMIN_WRITE_SUSPEND, f->org_id,
                                               f->dir_id, NULL, &http_status, NULL, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (http_status, ==, 0);
}

static void
test_api_lifecycle (Fixture       *f,
                    gconstpointer  data)
{
  g_auto(GStrv) unmanaged = roster_sandbox_dup_account_ids (f->sandbox, "unmanaged", 1);
  g_auto(GStrv) managed = roster_sandbox_dup_account_ids (f->sandbox, "managed", 1);
  g_autoptr(GError) error = NULL;
  guint http_status = 0;

  g_assert_nonnull (unmanaged[0]);
  g_assert_false (roster_admin_api_write_sync (f->api, ROSTER_ADMIN_WRITE_DISABLE_ACCOUNT, NULL,
                                               NULL, unmanaged[0], &http_status, NULL, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_FORBIDDEN);
  g_assert_cmpuint (http_status, ==, 403);
  g_assert_nonnull (strstr (error->message, "forbidden"));
  g_clear_error (&error);

  g_assert_nonnull (managed[0]);
  g_assert_true (roster_admin_api_write_sync (f->api, ROSTER_ADMIN_WRITE_DISABLE_ACCOUNT, NULL,
                                              NULL, managed[0], &http_status, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (http_status, ==, 204);
  g_assert_cmpuint (roster_sandbox_count_requests (f->sandbox, "POST",
                                                   "/manage/lifecycle/disable"), ==, 2);
  g_assert_true (roster_admin_api_write_sync (f->api, ROSTER_ADMIN_WRITE_ENABLE_ACCOUNT, NULL,
                                              NULL, managed[0], &http_status, NULL, &error));
  g_assert_no_error (error);
  /* User management lives next to /admin, not under it. */
  g_assert_cmpuint (roster_sandbox_count_requests (f->sandbox, "POST", "/admin/users/"), ==, 0);
}

static void
test_api_forbidden_key (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *admin_url = roster_sandbox_dup_admin_url (f->sandbox);
  g_autoptr(RosterAdminApi) limited = NULL;
  g_autoptr(RosterAdminApi) nokey = NULL;
  guint64 count = 0;

  limited = roster_admin_api_new (admin_url, roster_sandbox_get_limited_api_key (f->sandbox),
                                  &error);
  g_assert_no_error (error);
  g_assert_false (roster_admin_api_count_users_sync (limited, f->org_id, f->dir_id, NULL, &count,
                                                     NULL, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_FORBIDDEN);
  g_clear_error (&error);

  nokey = roster_admin_api_new (admin_url, "wrong-key", &error);
  g_assert_no_error (error);
  g_assert_null (roster_admin_api_list_orgs_sync (nokey, NULL, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_UNAUTHORIZED);
  g_assert_cmpuint (roster_http_error_get_status (error), ==, 401);
  /* The key never appears in an error message. */
  g_assert_null (strstr (error->message, "wrong-key"));
  g_clear_error (&error);

  g_assert_null (roster_admin_api_new ("http://example.com/admin", "k", &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INSECURE_URL);
}

static void
test_api_rate_limited_then_ok (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterHttpResponse) response = NULL;

  roster_sandbox_set_fault (f->sandbox, ROSTER_SANDBOX_FAULT_429, "/users/search", 2);
  response = roster_admin_api_search_users_page_sync (f->api, f->org_id, f->dir_id, NULL, NULL,
                                                      50, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->n_retries, ==, 2);

  roster_sandbox_set_fault (f->sandbox, ROSTER_SANDBOX_FAULT_503, "/users/count", 2);
  {
    guint64 count = 0;

    g_assert_true (roster_admin_api_count_users_sync (f->api, f->org_id, f->dir_id, NULL, &count,
                                                      NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (count, ==, roster_sandbox_get_n_users (f->sandbox));
  }

  roster_sandbox_set_fault (f->sandbox, ROSTER_SANDBOX_FAULT_WRONG_CONTENT_TYPE, "/users/search", 1);
  g_clear_pointer (&response, roster_http_response_free);
  response = roster_admin_api_search_users_page_sync (f->api, f->org_id, f->dir_id, NULL, NULL,
                                                      50, 0, NULL, &error);
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);

  /* A body cut short once is fetched again; always cut short, it is refused. */
  roster_sandbox_set_fault (f->sandbox, ROSTER_SANDBOX_FAULT_TRUNCATE, "/users/search", 1);
  response = roster_admin_api_search_users_page_sync (f->api, f->org_id, f->dir_id, NULL, NULL,
                                                      50, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->n_retries, ==, 1);
  g_clear_pointer (&response, roster_http_response_free);

  roster_sandbox_set_fault (f->sandbox, ROSTER_SANDBOX_FAULT_TRUNCATE, "/users/search", 0);
  response = roster_admin_api_search_users_page_sync (f->api, f->org_id, f->dir_id, NULL, NULL,
                                                      50, 0, NULL, &error);
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "truncated"));
  g_clear_error (&error);
  roster_sandbox_set_fault (f->sandbox, ROSTER_SANDBOX_FAULT_NONE, NULL, 0);

  roster_sandbox_set_fault (f->sandbox, ROSTER_SANDBOX_FAULT_MALFORMED, "/users/search", 1);
  response = roster_admin_api_search_users_page_sync (f->api, f->org_id, f->dir_id, NULL, NULL,
                                                      50, 0, NULL, &error);
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);

  /* 50 MB is over the 32 MB cap: refused, not buffered. */
  roster_sandbox_set_fault (f->sandbox, ROSTER_SANDBOX_FAULT_HUGE, "/users/search", 1);
  response = roster_admin_api_search_users_page_sync (f->api, f->org_id, f->dir_id, NULL, NULL,
                                                      50, 0, NULL, &error);
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "larger than"));
}

static void
test_api_groups_and_roles (Fixture       *f,
                           gconstpointer  data)
{
  g_auto(GStrv) ids = roster_sandbox_dup_account_ids (f->sandbox, "active", 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GPtrArray) workspaces = NULL;
  RosterGroup *target = NULL;
  Waiter w = { NULL };
  guint status = 0;

  roster_admin_api_search_groups_async (f->api, f->org_id, f->dir_id, NULL, NULL, NULL,
                                        waiter_cb, &w);
  wait_for (&w);
  groups = roster_admin_api_search_groups_finish (f->api, w.result, &error);
  g_assert_no_error (error);
  g_clear_object (&w.result);
  for (guint i = 0; i < groups->len && target == NULL; i++)
    if (roster_group_get_modifiable (g_ptr_array_index (groups, i)))
      target = g_ptr_array_index (groups, i);
  g_assert_nonnull (target);

  roster_admin_api_add_group_member_async (f->api, f->org_id, f->dir_id,
                                           roster_group_get_id (target), ids[0], NULL,
                                           waiter_cb, &w);
  wait_for (&w);
  if (!roster_admin_api_add_group_member_finish (f->api, w.result, &status, &error))
    {
      /* Already a member: 409, with its status. */
      g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_CONFLICT);
      g_assert_cmpuint (status, ==, 409);
      g_clear_error (&error);
    }
  else
    g_assert_cmpuint (status / 100, ==, 2);
  g_clear_object (&w.result);

  roster_admin_api_remove_group_member_async (f->api, f->org_id, f->dir_id,
                                              roster_group_get_id (target), ids[0], NULL,
                                              waiter_cb, &w);
  wait_for (&w);
  g_assert_true (roster_admin_api_remove_group_member_finish (f->api, w.result, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (status / 100, ==, 2);
  g_clear_object (&w.result);

  roster_admin_api_list_workspaces_async (f->api, f->org_id, NULL, waiter_cb, &w);
  wait_for (&w);
  workspaces = roster_admin_api_list_workspaces_finish (f->api, w.result, &error);
  g_assert_no_error (error);
  g_clear_object (&w.result);

  roster_admin_api_assign_role_async (f->api, f->org_id, ids[0], "atlassian/user",
                                      roster_workspace_get_id (g_ptr_array_index (workspaces, 0)),
                                      NULL, waiter_cb, &w);
  wait_for (&w);
  g_assert_true (roster_admin_api_assign_role_finish (f->api, w.result, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (status / 100, ==, 2);
  g_clear_object (&w.result);
  g_assert_cmpuint (roster_sandbox_count_requests (f->sandbox, "POST", "/roles/assign"), ==, 1);

  roster_admin_api_revoke_role_async (f->api, f->org_id, ids[0], "atlassian/user",
                                      roster_workspace_get_id (g_ptr_array_index (workspaces, 0)),
                                      NULL, waiter_cb, &w);
  wait_for (&w);
  g_assert_true (roster_admin_api_revoke_role_finish (f->api, w.result, &status, &error));
  g_assert_no_error (error);
  g_clear_object (&w.result);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/roster/admin-api/parse/org", test_parse_org);
  g_test_add_func ("/roster/admin-api/parse/directory-domain", test_parse_directory_domain);
  g_test_add_func ("/roster/admin-api/parse/workspace", test_parse_workspace);
  g_test_add_func ("/roster/admin-api/parse/group", test_parse_group);

#define ADD(path, func) \
  g_test_add ("/roster/admin-api/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("org-details", test_api_org_details);
  ADD ("async-lists", test_api_async_lists);
  ADD ("page-all-users", test_api_page_all_users);
  ADD ("users-by-ids", test_api_users_by_ids);
  ADD ("suspend-restore", test_api_suspend_restore);
  ADD ("lifecycle", test_api_lifecycle);
  ADD ("forbidden-key", test_api_forbidden_key);
  ADD ("rate-limited-then-ok", test_api_rate_limited_then_ok);
  ADD ("groups-and-roles", test_api_groups_and_roles);
#undef ADD

  return g_test_run ();
}
