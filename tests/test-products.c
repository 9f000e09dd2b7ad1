/* test-products.c: the site connection, JSM customers and organizations, Confluence
 * space readers and Jira application roles, against the sandbox's ground truth. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "roster-confluence.h"
#include "roster-credentials.h"
#include "roster-error.h"
#include "roster-jira.h"
#include "roster-jsm.h"
#include "roster-sandbox.h"
#include "roster-site.h"
#include "roster-test-utils.h"

typedef struct
{
  RosterSandbox *sandbox;
  RosterSite    *site;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  RosterSandboxOptions options = { .n_users = 600, .seed = 11, .now_unix = 1790000000,
                                   .n_customers = GPOINTER_TO_UINT (data) };
  g_autoptr(GError) error = NULL;

  f->sandbox = roster_sandbox_new (&options);
  g_assert_true (roster_sandbox_start (f->sandbox, 0, &error));
  g_assert_no_error (error);
  f->site = roster_site_new (roster_sandbox_get_url (f->sandbox),
                             roster_sandbox_get_site_email (f->sandbox), &error);
  g_assert_no_error (error);
  roster_site_set_token (f->site, roster_sandbox_get_site_token (f->sandbox));
  roster_site_set_retry_policy (f->site, 1, 5, 20);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->site);
  roster_sandbox_stop (f->sandbox);
  g_clear_object (&f->sandbox);
}

static JsonNode *
j (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

/* URL forms */

static void
check_url (const char *url,
           const char *site,
           const char *jira,
           const char *confluence)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *s = NULL, *jb = NULL, *cb = NULL;

  g_assert_true (roster_site_parse_url (url, &s, &jb, &cb, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (s, ==, site);
  g_assert_cmpstr (jb, ==, jira);
  g_assert_cmpstr (cb, ==, confluence);
}

static void
check_bad_url (const char *url,
               int         code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *s = NULL;

  g_assert_false (roster_site_parse_url (url, &s, NULL, NULL, &error));
  g_assert_error (error, ROSTER_ERROR, code);
  g_assert_null (s);
  g_assert_cmpuint (strlen (error->message), >, 10);
}

static void
test_url_forms (void)
{
  g_autoptr(RosterSite) site = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *account = NULL;

  check_url ("https://acme.atlassian.net", "https://acme.atlassian.net",
             "https://acme.atlassian.net", "https://acme.atlassian.net");
  check_url ("  https://ACME.atlassian.net/ ", "https://acme.atlassian.net",
             "https://acme.atlassian.net", "https://acme.atlassian.net");
  check_url ("acme.atlassian.net", "https://acme.atlassian.net",
             "https://acme.atlassian.net", "https://acme.atlassian.net");
  check_url ("https://acme.atlassian.net/wiki", "https://acme.atlassian.net",
             "https://acme.atlassian.net", "https://acme.atlassian.net");
  check_url ("https://api.atlassian.com/ex/jira/1f2e3d4c-0000-4000-8000-123456789abc",
             "https://api.atlassian.com/ex/jira/1f2e3d4c-0000-4000-8000-123456789abc",
             "https://api.atlassian.com/ex/jira/1f2e3d4c-0000-4000-8000-123456789abc",
             "https://api.atlassian.com/ex/confluence/1f2e3d4c-0000-4000-8000-123456789abc");
  check_url ("https://api.atlassian.com/ex/confluence/1f2e3d4c-0000-4000-8000-123456789abc/wiki/",
             "https://api.atlassian.com/ex/confluence/1f2e3d4c-0000-4000-8000-123456789abc",
             "https://api.atlassian.com/ex/jira/1f2e3d4c-0000-4000-8000-123456789abc",
             "https://api.atlassian.com/ex/confluence/1f2e3d4c-0000-4000-8000-123456789abc");
  check_url ("http://127.0.0.1:8080", "http://127.0.0.1:8080", "http://127.0.0.1:8080",
             "http://127.0.0.1:8080");

  check_bad_url ("http://acme.atlassian.net", ROSTER_ERROR_INSECURE_URL);
  check_bad_url ("", ROSTER_ERROR_INVALID_ARGUMENT);
  check_bad_url ("ftp://acme.atlassian.net", ROSTER_ERROR_INVALID_ARGUMENT);
  check_bad_url ("https://acme.atlassian.net/jira/software/projects", ROSTER_ERROR_INVALID_ARGUMENT);
  check_bad_url ("https://acme.atlassian.net/?x=1", ROSTER_ERROR_INVALID_ARGUMENT);
  check_bad_url ("https://api.atlassian.com", ROSTER_ERROR_INVALID_ARGUMENT);
  check_bad_url ("https://api.atlassian.com/ex/jira", ROSTER_ERROR_INVALID_ARGUMENT);
  check_bad_url ("https://api.atlassian.com/ex/jira/not a uuid!", ROSTER_ERROR_INVALID_ARGUMENT);
  check_bad_url ("https://user@acme.atlassian.net", ROSTER_ERROR_INVALID_ARGUMENT);
  check_bad_url ("https://", ROSTER_ERROR_INVALID_ARGUMENT);

  site = roster_site_new ("https://acme.atlassian.net", "admin@example.com", &error);
  g_assert_no_error (error);
  g_assert_false (roster_site_is_gateway (site));
  g_assert_cmpstr (roster_http_get_base_url (roster_site_get_jira_http (site)), ==, "https://acme.atlassian.net");
  account = roster_site_dup_account (site);
  g_assert_cmpstr (account, ==, "https://acme.atlassian.net admin@example.com");
  g_clear_object (&site);

  site = roster_site_new ("https://api.atlassian.com/ex/jira/1f2e3d4c-0000-4000-8000-123456789abc",
                          "admin@example.com", &error);
  g_assert_no_error (error);
  g_assert_true (roster_site_is_gateway (site));
  g_assert_cmpstr (roster_http_get_base_url (roster_site_get_confluence_http (site)), ==,
                   "https://api.atlassian.com/ex/confluence/1f2e3d4c-0000-4000-8000-123456789abc");
  g_clear_object (&site);

  g_assert_null (roster_site_new ("https://acme.atlassian.net", "not-an-email", &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT);
}

/* Validation */

static void
test_validate (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterSite) other = NULL;
  g_autofree char *gateway = NULL;

  g_assert_true (roster_site_validate_sync (f->site, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (roster_site_get_account_id (f->site));
  g_assert_cmpstr (roster_site_get_display_name (f->site), !=, "");

  /* Bad token → UNAUTHORIZED, with a message about the token; the token is never in it. */
  other = roster_site_new (roster_sandbox_get_url (f->sandbox), roster_sandbox_get_site_email (f->sandbox),
                           &error);
  g_assert_no_error (error);
  roster_site_set_retry_policy (other, 0, 1, 1);
  g_assert_false (roster_site_validate_sync (other, NULL, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_NO_API_KEY);
  g_clear_error (&error);
  roster_site_set_token (other, "ATATT-wrong-token-value");
  g_assert_false (roster_site_validate_sync (other, NULL, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_UNAUTHORIZED);
  g_assert_null (strstr (error->message, "ATATT-wrong-token-value"));
  g_assert_nonnull (strstr (error->message, "token"));
  g_clear_error (&error);
  g_clear_object (&other);

  /* Right token, wrong email → UNAUTHORIZED too. */
  other = roster_site_new (roster_sandbox_get_url (f->sandbox), "someone.else@acme.example", &error);
  roster_site_set_token (other, roster_sandbox_get_site_token (f->sandbox));
  g_assert_false (roster_site_validate_sync (other, NULL, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  g_clear_object (&other);

  /* The gateway form reaches the same site; a wrong cloud id is NOT_FOUND. */
  gateway = g_strdup_printf ("%s/ex/jira/%s", roster_sandbox_get_url (f->sandbox),
                             roster_sandbox_get_cloud_id (f->sandbox));
  other = roster_site_new (gateway, roster_sandbox_get_site_email (f->sandbox), &error);
  g_assert_no_error (error);
  g_assert_true (roster_site_is_gateway (other));
  roster_site_set_token (other, roster_sandbox_get_site_token (f->sandbox));
  g_assert_true (roster_site_validate_sync (other, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (roster_site_get_account_id (other), ==, roster_site_get_account_id (f->site));
  g_clear_object (&other);
  g_free (gateway);
  gateway = g_strdup_printf ("%s/ex/jira/00000000-0000-4000-8000-000000000000",
                             roster_sandbox_get_url (f->sandbox));
  other = roster_site_new (gateway, roster_sandbox_get_site_email (f->sandbox), &error);
  roster_site_set_token (other, roster_sandbox_get_site_token (f->sandbox));
  g_assert_false (roster_site_validate_sync (other, NULL, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_NOT_FOUND);
}

/* Parsers and the merge */

static void
test_parsers (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) desk_json = j ("{\"id\":\"7\",\"projectId\":\"10006\",\"projectKey\":\"IT\",\"projectName\":\"IT desk\"}");
  g_autoptr(JsonNode) desk_numeric = j ("{\"id\":7,\"projectKey\":\"IT\"}");
  g_autoptr(JsonNode) desk_nokey = j ("{\"id\":\"7\"}");
  g_autoptr(JsonNode) private_customer = j ("{\"accountId\":\"qm:1:2\",\"displayName\":\"Zoë Q\",\"emailAddress\":null,\"active\":false}");
  g_autoptr(JsonNode) bad_customer = j ("{\"displayName\":\"No Id\"}");
  g_autoptr(JsonNode) org_json = j ("{\"id\":\"3\",\"name\":\"Atlas Coffee Co\",\"uuid\":\"x\"}");
  g_autoptr(JsonNode) space_json = j ("{\"id\":\"98306\",\"key\":\"ENG\",\"name\":\"Engineering\",\"type\":\"global\",\"status\":\"current\"}");
  g_autoptr(JsonNode) space_bad = j ("{\"id\":\"1\",\"key\":[]}");
  g_autoptr(JsonNode) role_json = j ("{\"key\":\"jira-servicedesk\",\"name\":\"JSM\",\"groups\":[\"a\",\"b\"],"
                                     "\"groupDetails\":[{\"groupId\":\"g-a\",\"name\":\"a\"},{\"groupId\":\"g-b\",\"name\":\"b\"}],"
                                     "\"defaultGroups\":[\"b\"],\"userCount\":12}");
  g_autoptr(RosterServiceDesk) desk = NULL;
  g_autoptr(RosterCustomer) customer = NULL;
  g_autoptr(RosterCustomerOrg) org = NULL;
  g_autoptr(RosterSpace) space = NULL;
  g_autoptr(RosterApplicationRole) role = NULL;

  desk = roster_service_desk_new_from_json (desk_json, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (roster_service_desk_get_project_key (desk), ==, "IT");
  g_assert_cmpstr (roster_service_desk_get_project_name (desk), ==, "IT desk");
  g_clear_object (&desk);
  desk = roster_service_desk_new_from_json (desk_numeric, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (roster_service_desk_get_id (desk), ==, "7");
  g_assert_null (roster_service_desk_new_from_json (desk_nokey, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "projectKey"));
  g_clear_error (&error);

  customer = roster_customer_new_from_json (private_customer, &error);
  g_assert_no_error (error);
  g_assert_null (roster_customer_get_email (customer));
  g_assert_false (roster_customer_get_active (customer));
  g_assert_cmpstr (roster_customer_get_search_key (customer), ==, "zoë q\n");
  g_assert_null (roster_customer_new_from_json (bad_customer, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);

  org = roster_customer_org_new_from_json (org_json, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (roster_customer_org_get_name (org), ==, "Atlas Coffee Co");
  g_assert_cmpint (roster_customer_org_get_n_members (org), ==, -1);

  space = roster_space_new_from_json (space_json, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (roster_space_get_key (space), ==, "ENG");
  g_assert_cmpstr (roster_space_get_space_type (space), ==, "global");
  g_assert_null (roster_space_new_from_json (space_bad, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);

  role = roster_application_role_new_from_json (role_json, &error);
  g_assert_no_error (error);
  g_assert_cmpint (roster_application_role_get_product (role), ==, ROSTER_PRODUCT_JSM);
  g_assert_cmpstr (roster_application_role_get_group_ids (role)[1], ==, "g-b");
  g_assert_cmpstr (roster_application_role_get_default_group_names (role)[0], ==, "b");
  g_assert_cmpstr (roster_application_role_get_default_group_ids (role)[0], ==, "");
  g_assert_cmpint (roster_application_role_get_user_count (role), ==, 12);
}

static RosterCustomer *
make_customer (const char *id,
               const char *name)
{
  g_autofree char *text = g_strdup_printf ("{\"accountId\":\"%s\",\"displayName\":\"%s\"}", id, name);
  g_autoptr(JsonNode) node = j (text);
  g_autoptr(GError) error = NULL;
  RosterCustomer *c = roster_customer_new_from_json (node, &error);

  g_assert_no_error (error);
  return c;
}

static RosterCustomerOrg *
make_org (const char *id,
          const char *name)
{
  g_autofree char *text = g_strdup_printf ("{\"id\":\"%s\",\"name\":\"%s\"}", id, name);
  g_autoptr(JsonNode) node = j (text);
  g_autoptr(GError) error = NULL;
  RosterCustomerOrg *o = roster_customer_org_new_from_json (node, &error);

  g_assert_no_error (error);
  return o;
}

static void
test_merge (void)
{
  g_autoptr(GPtrArray) direct = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) orgs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) members = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) merged = NULL;
  GPtrArray *m1 = g_ptr_array_new_with_free_func (g_object_unref);
  GPtrArray *m2 = g_ptr_array_new_with_free_func (g_object_unref);
  RosterCustomer *c;

  g_ptr_array_add (direct, make_customer ("a", "Bea"));
  g_ptr_array_add (direct, make_customer ("b", "Ann"));
  g_ptr_array_add (orgs, make_org ("1", "Zeta Ltd"));
  g_ptr_array_add (orgs, make_org ("2", "Alpha Inc"));
  g_ptr_array_add (m1, make_customer ("b", "Ann"));
  g_ptr_array_add (m1, make_customer ("c", "Cid"));
  g_ptr_array_add (m2, make_customer ("c", "Cid"));
  g_ptr_array_add (m2, make_customer ("c", "Cid"));
  g_ptr_array_add (members, m1);
  g_ptr_array_add (members, m2);

  merged = roster_jsm_merge_customers (direct, orgs, members);
  g_assert_cmpuint (merged->len, ==, 3);
  /* Sorted by name: Ann, Bea, Cid. */
  c = g_ptr_array_index (merged, 0);
  g_assert_cmpstr (roster_customer_get_account_id (c), ==, "b");
  g_assert_true (roster_customer_get_direct (c));
  g_assert_cmpstrv (roster_customer_get_organizations (c), ((const char *[]) { "Zeta Ltd", NULL }));
  c = g_ptr_array_index (merged, 1);
  g_assert_cmpstr (roster_customer_get_account_id (c), ==, "a");
  g_assert_cmpstrv (roster_customer_get_organizations (c), ((const char *[]) { NULL }));
  c = g_ptr_array_index (merged, 2);
  g_assert_cmpstr (roster_customer_get_account_id (c), ==, "c");
  g_assert_false (roster_customer_get_direct (c));
  g_assert_cmpstrv (roster_customer_get_organizations (c), ((const char *[]) { "Alpha Inc", "Zeta Ltd", NULL }));
}

/* JSM against the sandbox */

static void
compare_project (Fixture          *f,
                 RosterJsmProject *project,
                 guint            *n_org_only,
                 guint            *n_private)
{
  const char *key = roster_service_desk_get_project_key (project->desk);
  g_autoptr(GHashTable) truth = roster_sandbox_dup_project_customers (f->sandbox, key);
  g_auto(GStrv) direct = roster_sandbox_dup_project_direct_ids (f->sandbox, key);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_no_error (project->error);
  g_assert_nonnull (project->customers);
  g_assert_cmpuint (project->customers->len, ==, g_hash_table_size (truth));
  for (guint i = 0; i < project->customers->len; i++)
    {
      RosterCustomer *c = g_ptr_array_index (project->customers, i);
      const char *id = roster_customer_get_account_id (c);
      const char * const *orgs = g_hash_table_lookup (truth, id);

      g_assert_true (g_hash_table_add (seen, (gpointer) id));  /* de-duplicated */
      g_assert_nonnull (orgs);
      g_assert_cmpstrv (roster_customer_get_organizations (c), orgs);
      g_assert_cmpint (roster_customer_get_direct (c), ==, g_strv_contains ((const char * const *) direct, id));
      if (!roster_customer_get_direct (c))
        {
          g_assert_cmpuint (g_strv_length ((char **) orgs), >, 0);
          (*n_org_only)++;
        }
      if (roster_customer_get_email (c) == NULL)
        (*n_private)++;
    }
  for (guint i = 0; i < project->organizations->len; i++)
    g_assert_cmpint (roster_customer_org_get_n_members (g_ptr_array_index (project->organizations, i)), >=, 0);
}

static void
test_customers (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(RosterJsmApi) api = roster_jsm_api_new (f->site);
  g_autoptr(GPtrArray) desks = NULL;
  g_autoptr(GPtrArray) projects = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) keys = roster_sandbox_dup_project_keys (f->sandbox);
  guint n_org_only = 0, n_private = 0, n_unreadable = 0, n_customers = 0;
  g_autoptr(GHashTable) distinct = g_hash_table_new (g_str_hash, g_str_equal);

  /* Small pages: many pages per desk and per organization. */
  roster_jsm_api_set_page_size (api, 7);
  desks = roster_jsm_api_list_service_desks_sync (api, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (desks->len, ==, g_strv_length (keys));
  for (guint i = 0; i < desks->len; i++)
    g_assert_cmpstr (roster_service_desk_get_project_key (g_ptr_array_index (desks, i)), ==, keys[i]);

  projects = roster_jsm_api_load_projects_sync (api, desks, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (projects->len, ==, desks->len);
  for (guint i = 0; i < projects->len; i++)
    {
      RosterJsmProject *project = g_ptr_array_index (projects, i);
      const char *key = roster_service_desk_get_project_key (project->desk);

      if (!roster_sandbox_project_is_readable (f->sandbox, key))
        {
          /* Reported on the project, not fatal for the others. */
          g_assert_error (project->error, ROSTER_ERROR, ROSTER_ERROR_FORBIDDEN);
          g_assert_nonnull (strstr (project->error->message, key));
          n_unreadable++;
          continue;
        }
      compare_project (f, project, &n_org_only, &n_private);
      n_customers += project->customers->len;
      for (guint k = 0; k < project->customers->len; k++)
        g_hash_table_add (distinct, (gpointer) roster_customer_get_account_id (g_ptr_array_index (project->customers, k)));
    }
  g_assert_cmpuint (n_unreadable, ==, 1);
  g_assert_cmpuint (n_org_only, >, 0);
  g_assert_cmpuint (n_private, >, 0);
  /* Customers overlap across projects. */
  g_assert_cmpuint (g_hash_table_size (distinct), <, n_customers);
  g_assert_cmpuint (roster_sandbox_count_requests (f->sandbox, "GET", "/customer"), >, desks->len * 3);
}

static void
test_experimental_header (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(RosterJsmApi) api = roster_jsm_api_new (f->site);
  RosterHttp *http = roster_site_get_jira_http (f->site);
  g_autoptr(RosterHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_auto(GStrv) direct = roster_sandbox_dup_project_direct_ids (f->sandbox, "HELP");

  /* The raw route without the header is refused with 412 → PRECONDITION. */
  response = roster_http_request_sync (http, "GET", "/rest/servicedeskapi/servicedesk/1/customer",
                                       NULL, ROSTER_HTTP_FLAGS_NONE, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_PRECONDITION);
  g_assert_cmpuint (roster_http_error_get_status (error), ==, 412);
  g_clear_error (&error);

  /* The client always sends it. */
  roster_sandbox_clear_requests (f->sandbox);
  roster_jsm_api_set_page_size (api, 10);
  {
    g_autoptr(GPtrArray) desks = roster_jsm_api_list_service_desks_sync (api, NULL, &error);
    g_autoptr(GPtrArray) projects = NULL;

    g_assert_no_error (error);
    g_ptr_array_set_size (desks, 1);
    projects = roster_jsm_api_load_projects_sync (api, desks, NULL, &error);
    g_assert_no_error (error);
    g_assert_no_error (((RosterJsmProject *) g_ptr_array_index (projects, 0))->error);
  }
  requests = roster_sandbox_dup_requests (f->sandbox);
  {
    guint n_customer_pages = 0;

    for (guint i = 0; i < requests->len; i++)
      {
        RosterSandboxRequest *r = g_ptr_array_index (requests, i);

        if (g_str_has_suffix (r->path, "/customer"))
          {
            g_assert_cmpuint (r->status, ==, 200);
            n_customer_pages++;
          }
      }
    /* Every page of the walk succeeded: ceil(n / 10) pages. */
    g_assert_cmpuint (n_customer_pages, ==, MAX (1, (g_strv_length (direct) + 9) / 10));
  }
}

static void
test_paging_counts (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(RosterJsmApi) api = roster_jsm_api_new (f->site);
  g_autoptr(RosterConfluenceApi) cf = roster_confluence_api_new (f->site);
  g_autoptr(GPtrArray) desks = NULL;
  g_autoptr(GPtrArray) projects = NULL;
  g_autoptr(GPtrArray) spaces = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) direct = roster_sandbox_dup_project_direct_ids (f->sandbox, "IT");
  g_auto(GStrv) space_keys = roster_sandbox_dup_space_keys (f->sandbox);
  guint n_direct = g_strv_length (direct);

  roster_jsm_api_set_page_size (api, 4);
  desks = roster_jsm_api_list_service_desks_sync (api, NULL, &error);
  g_assert_no_error (error);
  /* Keep only IT. */
  while (desks->len > 0 && g_strcmp0 (roster_service_desk_get_project_key (g_ptr_array_index (desks, 0)), "IT") != 0)
    g_ptr_array_remove_index (desks, 0);
  g_ptr_array_set_size (desks, 1);
  roster_sandbox_clear_requests (f->sandbox);
  projects = roster_jsm_api_load_projects_sync (api, desks, NULL, &error);
  g_assert_no_error (error);
  /* A walk of n items at 4 per page takes ceil(n/4) pages, or one more when n is a
   * multiple of 4 is not needed: isLastPage ends it. */
  g_assert_cmpuint (roster_sandbox_count_requests (f->sandbox, "GET", "/servicedesk/2/customer"), ==,
                    MAX (1, (n_direct + 3) / 4));

  /* Confluence v2 cursor paging with tiny pages. */
  roster_confluence_api_set_page_sizes (cf, 2, 5);
  roster_sandbox_clear_requests (f->sandbox);
  spaces = roster_confluence_api_list_spaces_sync (cf, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (spaces->len, ==, g_strv_length (space_keys));
  g_assert_cmpuint (spaces->len, >=, 15);
  g_assert_cmpuint (spaces->len, <=, 40);
  for (guint i = 0; i < spaces->len; i++)
    g_assert_cmpstr (roster_space_get_key (g_ptr_array_index (spaces, i)), ==, space_keys[i]);
  g_assert_cmpuint (roster_sandbox_count_requests (f->sandbox, "GET", "/wiki/api/v2/spaces"), ==,
                    (spaces->len + 1) / 2);
}

static void
check_space (Fixture             *f,
             RosterSpaceAccess   *access)
{
  g_auto(GStrv) truth = roster_sandbox_dup_space_member_ids (f->sandbox, roster_space_get_key (access->space));

  g_assert_cmpuint (g_hash_table_size (access->members), ==, g_strv_length (truth));
  for (guint i = 0; truth[i] != NULL; i++)
    g_assert_true (g_hash_table_contains (access->members, truth[i]));
}

static void
test_space_members (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(RosterConfluenceApi) cf = roster_confluence_api_new (f->site);
  g_auto(GStrv) keys = roster_sandbox_dup_space_keys (f->sandbox);
  g_autoptr(GPtrArray) accesses = NULL;
  g_autoptr(GHashTable) table = NULL;
  g_autoptr(GError) error = NULL;
  gboolean saw_group = FALSE, saw_user = FALSE, saw_personal = FALSE;
  const char *lower[] = { "eng", NULL };

  /* v1 group member pages of 7: large groups take many pages. */
  roster_confluence_api_set_page_sizes (cf, 3, 7);
  accesses = roster_confluence_api_resolve_spaces_sync (cf, (const char * const *) keys, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (accesses->len, ==, g_strv_length (keys));
  for (guint i = 0; i < accesses->len; i++)
    {
      RosterSpaceAccess *access = g_ptr_array_index (accesses, i);

      check_space (f, access);
      saw_group |= access->group_ids->len > 0;
      saw_user |= access->user_ids->len > 0;
      saw_personal |= g_str_equal (roster_space_get_space_type (access->space), "personal");
    }
  g_assert_true (saw_group);
  g_assert_true (saw_user);
  g_assert_true (saw_personal);
  /* Groups shared by spaces are expanded once each (confluence-administrators is on all). */
  g_assert_cmpuint (roster_sandbox_count_requests (f->sandbox, "GET", "membersByGroupId"), <,
                    accesses->len * 20);

  table = roster_space_access_to_query_members (accesses);
  g_assert_true (g_hash_table_contains (table, "ENG"));

  /* Keys are matched case-insensitively; an unknown key is NOT_FOUND. */
  g_clear_pointer (&accesses, g_ptr_array_unref);
  accesses = roster_confluence_api_resolve_spaces_sync (cf, lower, NULL, &error);
  g_assert_no_error (error);
  check_space (f, g_ptr_array_index (accesses, 0));
  g_clear_pointer (&accesses, g_ptr_array_unref);
  {
    const char *unknown[] = { "NOPE", NULL };

    accesses = roster_confluence_api_resolve_spaces_sync (cf, unknown, NULL, &error);
    g_assert_null (accesses);
    g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_NOT_FOUND);
  }
}

static void
test_group_members_limit (Fixture       *f,
                          gconstpointer  data)
{
  RosterHttp *http = roster_site_get_confluence_http (f->site);
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterHttpResponse) response = NULL;

  /* The v1 call refuses limits above 200; the client never asks for more. */
  response = roster_http_request_sync (http, "GET", "/wiki/rest/api/group/x/membersByGroupId?limit=201",
                                       NULL, ROSTER_HTTP_FLAGS_NONE, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_BAD_REQUEST);
}

static void
test_access_groups (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(RosterJiraApi) jira = roster_jira_api_new (f->site);
  g_autoptr(GPtrArray) roles = NULL;
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *setting = roster_jira_access_group_setting (ROSTER_PRODUCT_JSM);
  RosterAccessGroupCandidate *first;

  roles = roster_jira_api_list_application_roles_sync (jira, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (roles->len, >=, 2);

  candidates = roster_jira_access_group_candidates (roles, ROSTER_PRODUCT_JIRA);
  g_assert_cmpuint (candidates->len, ==, 2);
  first = g_ptr_array_index (candidates, 0);
  g_assert_cmpstr (first->name, ==, "jira-software-users");
  g_assert_true (first->is_default);
  g_assert_cmpuint (strlen (first->group_id), ==, 36);
  g_assert_false (((RosterAccessGroupCandidate *) g_ptr_array_index (candidates, 1))->is_default);
  g_clear_pointer (&candidates, g_ptr_array_unref);

  candidates = roster_jira_access_group_candidates (roles, ROSTER_PRODUCT_JSM);
  g_assert_cmpstr (((RosterAccessGroupCandidate *) g_ptr_array_index (candidates, 0))->name, ==,
                   "jira-servicemanagement-users");
  g_assert_cmpstr (setting, ==, "access-group-jsm");
}

/* Export */

static char *
read_file (GFile *file)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_assert_true (g_file_load_contents (file, NULL, &contents, NULL, NULL, &error));
  g_assert_no_error (error);
  return contents;
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; (p = strstr (p, "\r\n")) != NULL; p += 2)
    n++;
  return n;
}

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
progress_cb (guint    n_done,
             guint    n_total,
             guint64  n_customers,
             gpointer user_data)
{
  guint *last = user_data;

  g_assert_cmpuint (n_done, >, *last);
  g_assert_cmpuint (n_done, <=, n_total);
  *last = n_done;
}

static void
test_export (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(RosterJsmApi) api = roster_jsm_api_new (f->site);
  g_autoptr(GPtrArray) desks = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(RosterJsmExportSummary) summary = NULL;
  g_autofree char *dir = g_dir_make_tmp ("roster-export-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "all.csv", NULL);
  g_autoptr(GFile) target = g_file_new_for_path (path);
  g_autoptr(GFile) per_dir = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  guint last = 0;
  guint64 expected = 0;
  gint64 deadline;

  desks = roster_jsm_api_list_service_desks_sync (api, NULL, &error);
  g_assert_no_error (error);

  roster_jsm_export_async (api, desks, ROSTER_EXPORT_CSV,
                           ROSTER_JSM_EXPORT_CUSTOMERS | ROSTER_JSM_EXPORT_ORGANIZATIONS, target, FALSE,
                           progress_cb, &last, NULL, export_done_cb, &result);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (result);
  summary = roster_jsm_export_finish (api, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (last, ==, desks->len);
  g_assert_cmpuint (summary->n_projects, ==, desks->len - 1);
  g_assert_cmpuint (summary->failed->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (summary->failed, 0), "VIP"));
  g_assert_cmpuint (summary->files->len, ==, 2);

  for (guint i = 0; i < desks->len; i++)
    {
      const char *key = roster_service_desk_get_project_key (g_ptr_array_index (desks, i));
      g_autoptr(GHashTable) truth = roster_sandbox_dup_project_customers (f->sandbox, key);

      if (roster_sandbox_project_is_readable (f->sandbox, key))
        expected += g_hash_table_size (truth);
    }
  g_assert_cmpuint (summary->n_customers, ==, expected);
  text = read_file (target);
  g_assert_true (g_str_has_prefix (text, "project,account_id,display_name,email,active,direct,organizations,time_zone\r\n"));
  g_assert_cmpuint (count_lines (text), ==, expected + 1);
  g_clear_pointer (&text, g_free);
  text = read_file (g_ptr_array_index (summary->files, 1));
  g_assert_true (g_str_has_prefix (text, "project,id,name,members\r\n"));
  g_assert_cmpuint (count_lines (text), ==, summary->n_organizations + 1);
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&summary, roster_jsm_export_summary_free);
  g_clear_object (&result);

  /* One JSON file per project. */
  per_dir = g_file_new_build_filename (dir, "per-project", NULL);
  roster_jsm_export_async (api, desks, ROSTER_EXPORT_JSON, ROSTER_JSM_EXPORT_CUSTOMERS, per_dir, TRUE,
                           NULL, NULL, NULL, export_done_cb, &result);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  summary = roster_jsm_export_finish (api, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summary->files->len, ==, desks->len - 1);
  {
    g_autoptr(GFile) help = g_file_get_child (per_dir, "HELP-customers.json");
    g_autoptr(GHashTable) truth = roster_sandbox_dup_project_customers (f->sandbox, "HELP");
    JsonObject *root;

    text = read_file (help);
    g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
    g_assert_no_error (error);
    root = json_node_get_object (json_parser_get_root (parser));
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (root, "meta"), "count"), ==,
                     g_hash_table_size (truth));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "customers")), ==,
                      g_hash_table_size (truth));
  }

  /* Best effort clean-up of the temporary tree. */
  {
    g_autoptr(GFileEnumerator) e = g_file_enumerate_children (per_dir, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                              G_FILE_QUERY_INFO_NONE, NULL, NULL);
    GFileInfo *info;

    while (e && (info = g_file_enumerator_next_file (e, NULL, NULL)) != NULL)
      {
        g_autoptr(GFile) child = g_file_get_child (per_dir, g_file_info_get_name (info));

        g_file_delete (child, NULL, NULL);
        g_object_unref (info);
      }
    g_file_delete (per_dir, NULL, NULL);
    for (guint i = 0; i < 2; i++)
      {
        g_autofree char *name = g_build_filename (dir, i == 0 ? "all.csv" : "all-organizations.csv", NULL);
        g_remove (name);
      }
    g_rmdir (dir);
  }
}

/* Keyring */

static void
test_token_keyring (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(RosterCredentials) credentials = NULL;
  g_autoptr(RosterSite) again = NULL;
  g_autoptr(GError) error = NULL;

  if (!roster_test_have_keyring ())
    {
      g_test_skip ("no session bus; run under tools/test.sh for the keyring tests");
      return;
    }

  credentials = roster_credentials_new ();
  g_assert_true (roster_site_save_token_sync (f->site, credentials, roster_sandbox_get_site_token (f->sandbox),
                                              NULL, &error));
  g_assert_no_error (error);

  again = roster_site_new (roster_sandbox_get_url (f->sandbox), roster_sandbox_get_site_email (f->sandbox),
                           &error);
  g_assert_false (roster_site_has_token (again));
  g_assert_true (roster_site_load_token_sync (again, credentials, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (roster_site_has_token (again));
  g_assert_true (roster_site_validate_sync (again, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (roster_site_forget_token_sync (again, credentials, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (roster_site_has_token (again));
  g_clear_object (&again);
  again = roster_site_new (roster_sandbox_get_url (f->sandbox), roster_sandbox_get_site_email (f->sandbox),
                           &error);
  g_assert_false (roster_site_load_token_sync (again, credentials, NULL, &error));
  g_assert_no_error (error);
}

static void
test_environment (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterSite) site = NULL;

  g_unsetenv ("ROSTER_SITE_URL");
  g_assert_null (roster_site_new_from_environment (&error));
  g_assert_no_error (error);
  g_setenv ("ROSTER_SITE_URL", "https://acme.atlassian.net", TRUE);
  g_unsetenv ("ROSTER_SITE_EMAIL");
  g_assert_null (roster_site_new_from_environment (&error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_setenv ("ROSTER_SITE_EMAIL", "a@b.example", TRUE);
  g_setenv ("ROSTER_SITE_TOKEN", "t0k3n", TRUE);
  site = roster_site_new_from_environment (&error);
  g_assert_no_error (error);
  g_assert_true (roster_site_has_token (site));
  g_unsetenv ("ROSTER_SITE_URL");
  g_unsetenv ("ROSTER_SITE_EMAIL");
  g_unsetenv ("ROSTER_SITE_TOKEN");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/roster/products/url-forms", test_url_forms);
  g_test_add_func ("/roster/products/environment", test_environment);
  g_test_add_func ("/roster/products/parsers", test_parsers);
  g_test_add_func ("/roster/products/merge", test_merge);
  g_test_add ("/roster/products/validate", Fixture, GUINT_TO_POINTER (400),
              fixture_setup, test_validate, fixture_teardown);
  g_test_add ("/roster/products/customers-match-sandbox", Fixture, GUINT_TO_POINTER (900),
              fixture_setup, test_customers, fixture_teardown);
  g_test_add ("/roster/products/experimental-header", Fixture, GUINT_TO_POINTER (400),
              fixture_setup, test_experimental_header, fixture_teardown);
  g_test_add ("/roster/products/paging", Fixture, GUINT_TO_POINTER (600),
              fixture_setup, test_paging_counts, fixture_teardown);
  g_test_add ("/roster/products/space-members", Fixture, GUINT_TO_POINTER (200),
              fixture_setup, test_space_members, fixture_teardown);
  g_test_add ("/roster/products/group-members-limit", Fixture, GUINT_TO_POINTER (200),
              fixture_setup, test_group_members_limit, fixture_teardown);
  g_test_add ("/roster/products/access-groups", Fixture, GUINT_TO_POINTER (200),
              fixture_setup, test_access_groups, fixture_teardown);
  g_test_add ("/roster/products/export", Fixture, GUINT_TO_POINTER (700),
              fixture_setup, test_export, fixture_teardown);
  g_test_add ("/roster/products/site-token-keyring", Fixture, GUINT_TO_POINTER (200),
              fixture_setup, test_token_keyring, fixture_teardown);

  return g_test_run ();
}
