/* test-sandbox.c
 *
 * The sandbox seen by a plain HTTP client: auth, shapes, paging, filters,
 * mutations, knobs and faults.
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <stdlib.h>
#include <string.h>

#include "roster-sandbox.h"

#define NOW_UNIX G_GINT64_CONSTANT (1790000000)

typedef struct
{
  RosterSandbox *sandbox;
  SoupSession   *session;
  char          *admin;
  char          *dir;     /* …/admin/v2/orgs/{org}/directories/{dir} */
} Fixture;

typedef struct
{
  guint               status;
  GBytes             *body;
  SoupMessageHeaders *headers;
  GError             *error;
  gint64              elapsed_us;
} Reply;

static void
reply_free (Reply *reply)
{
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_pointer (&reply->headers, soup_message_headers_unref);
  g_clear_error (&reply->error);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static void
fixture_init (Fixture *f,
              guint    n_users,
              guint32  seed)
{
  RosterSandboxOptions options = { n_users, seed, NOW_UNIX };
  g_autoptr(GError) error = NULL;

  f->sandbox = roster_sandbox_new (&options);
  g_assert_true (roster_sandbox_start (f->sandbox, 0, &error));
  g_assert_no_error (error);
  f->session = soup_session_new_with_options ("timeout", 20, NULL);
  f->admin = roster_sandbox_dup_admin_url (f->sandbox);
  f->dir = g_strdup_printf ("%s/v2/orgs/%s/directories/%s", f->admin,
                            roster_sandbox_get_org_id (f->sandbox),
                            roster_sandbox_get_directory_id (f->sandbox));
}

static void
fixture_clear (Fixture *f)
{
  g_clear_object (&f->session);
  roster_sandbox_stop (f->sandbox);
  g_assert_finalize_object (f->sandbox);
  g_free (f->admin);
  g_free (f->dir);
}

static Reply *
call (Fixture    *f,
      const char *method,
      const char *url,
      const char *key,
      const char *body)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  Reply *reply = g_new0 (Reply, 1);
  gint64 t0 = g_get_monotonic_time ();

  g_assert_nonnull (msg);
  if (key != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", key);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  reply->body = soup_session_send_and_read (f->session, msg, NULL, &reply->error);
  reply->elapsed_us = g_get_monotonic_time () - t0;
  reply->status = soup_message_get_status (msg);
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  return reply;
}

static Reply *
admin_call (Fixture    *f,
            const char *method,
            const char *url,
            const char *body)
{
  return call (f, method, url, roster_sandbox_get_api_key (f->sandbox), body);
}

static JsonNode *
reply_json (Reply *reply)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_no_error (reply->error);
  g_assert_nonnull (reply->body);
  json_parser_load_from_data (parser, g_bytes_get_data (reply->body, NULL),
                              g_bytes_get_size (reply->body), &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

static void
assert_error_code (Reply      *reply,
                   guint       status,
                   const char *code)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *error;

  g_assert_cmpuint (reply->status, ==, status);
  root = reply_json (reply);
  error = json_array_get_object_element (json_object_get_array_member (json_node_get_object (root),
                                                                        "errors"), 0);
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
  g_assert_nonnull (json_object_get_string_member (error, "id"));
  g_assert_nonnull (json_object_get_string_member (error, "title"));
}

static char *
url_for (Fixture    *f,
         const char *suffix)
{
  return g_strconcat (f->dir, suffix, NULL);
}

static JsonObject *
search_one (Fixture    *f,
            const char *account_id,
            const char *expand_json,
            JsonNode  **root_out)
{
  g_autofree char *url = url_for (f, "/users/search");
  g_autofree char *body = g_strdup_printf ("{\"accountIds\":[\"%s\"],\"expand\":%s}",
                                           account_id, expand_json ? expand_json : "[]");
  g_autoptr(Reply) reply = admin_call (f, "POST", url, body);
  JsonArray *data;

  g_assert_cmpuint (reply->status, ==, 200);
  *root_out = reply_json (reply);
  data = json_object_get_array_member (json_node_get_object (*root_out), "data");
  g_assert_cmpuint (json_array_get_length (data), ==, 1);
  return json_array_get_object_element (data, 0);
}

/* Tests */

static void
test_auth (void)
{
  Fixture f = { 0 };
  g_autofree char *orgs = NULL;
  g_autofree char *org = NULL;
  g_autofree char *bad_org = NULL;

  fixture_init (&f, 200, 7);
  orgs = g_strconcat (f.admin, "/v1/orgs", NULL);
  org = g_strdup_printf ("%s/v1/orgs/%s", f.admin, roster_sandbox_get_org_id (f.sandbox));
  bad_org = g_strdup_printf ("%s/v1/orgs/00000000-0000-4000-8000-000000000000", f.admin);

  {
    g_autoptr(Reply) r = call (&f, "GET", orgs, NULL, NULL);
    g_autoptr(JsonNode) root = NULL;

    g_assert_cmpuint (r->status, ==, 401);
    root = reply_json (r);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "code"), ==, 401);
  }
  {
    g_autoptr(Reply) r = call (&f, "GET", orgs, "not-a-key", NULL);
    g_assert_cmpuint (r->status, ==, 401);
  }
  {
    g_autoptr(Reply) r = call (&f, "GET", orgs, roster_sandbox_get_limited_api_key (f.sandbox), NULL);
    g_autoptr(JsonNode) root = reply_json (r);

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (root), "data")), ==, 0);
  }
  {
    g_autoptr(Reply) r = call (&f, "GET", org, roster_sandbox_get_limited_api_key (f.sandbox), NULL);
    assert_error_code (r, 403, "ADMIN-403-3");
  }
  {
    g_autoptr(Reply) r = admin_call (&f, "GET", bad_org, NULL);
    assert_error_code (r, 404, "ADMIN-404-2");
  }
  {
    g_autoptr(Reply) r = admin_call (&f, "GET", org, NULL);
    g_autoptr(JsonNode) root = reply_json (r);
    JsonObject *data = json_object_get_object_member (json_node_get_object (root), "data");

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (data, "id"), ==, roster_sandbox_get_org_id (f.sandbox));
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (data, "attributes"), "name"),
                     ==, roster_sandbox_get_org_name (f.sandbox));
    g_assert_cmpstr (soup_message_headers_get_content_type (r->headers, NULL), ==, "application/json");
  }
  {
    g_autofree char *path = g_strconcat (f.admin, "/v9/nothing", NULL);
    g_autoptr(Reply) r = admin_call (&f, "GET", path, NULL);
    g_assert_cmpuint (r->status, ==, 404);
  }
  {
    g_autoptr(Reply) r = admin_call (&f, "DELETE", orgs, NULL);
    g_assert_cmpuint (r->status, ==, 405);
  }
  fixture_clear (&f);
}

static void
test_org_details (void)
{
  Fixture f = { 0 };
  g_autofree char *orgs = NULL;
  g_autofree char *domains = NULL;
  g_autofree char *dirs = NULL;
  g_autofree char *workspaces = NULL;
  g_autofree char *next = NULL;

  fixture_init (&f, 200, 7);
  orgs = g_strconcat (f.admin, "/v1/orgs", NULL);
  domains = g_strdup_printf ("%s/v1/orgs/%s/domains", f.admin, roster_sandbox_get_org_id (f.sandbox));
  dirs = g_strdup_printf ("%s/v2/orgs/%s/directories", f.admin, roster_sandbox_get_org_id (f.sandbox));
  workspaces = g_strdup_printf ("%s/v2/orgs/%s/workspaces", f.admin, roster_sandbox_get_org_id (f.sandbox));

  {
    g_autoptr(Reply) r = admin_call (&f, "GET", orgs, NULL);
    g_autoptr(JsonNode) root = reply_json (r);
    JsonArray *data = json_object_get_array_member (json_node_get_object (root), "data");

    g_assert_cmpuint (json_array_get_length (data), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (data, 0), "id"),
                     ==, roster_sandbox_get_org_id (f.sandbox));
  }
  {
    g_autoptr(Reply) r = admin_call (&f, "GET", domains, NULL);
    g_autoptr(JsonNode) root = reply_json (r);
    JsonArray *data = json_object_get_array_member (json_node_get_object (root), "data");
    guint verified = 0;

    for (guint i = 0; i < json_array_get_length (data); i++)
      {
        JsonObject *attrs = json_object_get_object_member (json_array_get_object_element (data, i), "attributes");
        if (g_str_equal (json_object_get_string_member (json_object_get_object_member (attrs, "claim"), "status"),
                         "verified"))
          verified++;
      }
    g_assert_cmpuint (verified, ==, 2);
  }
  {
    g_autoptr(Reply) r = admin_call (&f, "GET", dirs, NULL);
    g_autoptr(JsonNode) root = reply_json (r);
    JsonArray *data = json_object_get_array_member (json_node_get_object (root), "data");

    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (data, 0), "directoryId"),
                     ==, roster_sandbox_get_directory_id (f.sandbox));
  }
  {
    g_autoptr(Reply) r = admin_call (&f, "POST", workspaces, "{\"limit\":2}");
    g_autoptr(JsonNode) root = reply_json (r);
    JsonObject *o = json_node_get_object (root);
    JsonArray *data = json_object_get_array_member (o, "data");
    JsonObject *attrs = json_object_get_object_member (json_array_get_object_element (data, 0), "attributes");

    g_assert_cmpuint (json_array_get_length (data), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (attrs, "hostUrl"), ==, "acme.atlassian.net");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (data, 0), "id"),
                     ==, roster_sandbox_get_workspace_id (f.sandbox, "jira"));
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (o, "meta"), "total"), ==, 3);
    next = g_strdup (json_object_get_string_member (json_object_get_object_member (o, "links"), "next"));
    g_assert_nonnull (next);
  }
  {
    g_autofree char *body = g_strdup_printf ("{\"cursor\":\"%s\",\"limit\":2}", next);
    g_autoptr(Reply) r = admin_call (&f, "POST", workspaces, body);
    g_assert_cmpuint (r->status, ==, 400);
  }
  {
    g_autofree char *body = g_strdup_printf ("{\"cursor\":\"%s\"}", next);
    g_autoptr(Reply) r = admin_call (&f, "POST", workspaces, body);
    g_autoptr(JsonNode) root = reply_json (r);
    JsonObject *o = json_node_get_object (root);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "data")), ==, 1);
    g_assert_false (json_object_has_member (json_object_get_object_member (o, "links"), "next"));
  }
  fixture_clear (&f);
}

/* Pages through users/search; returns the number of distinct ids. */
static guint
page_all (Fixture    *f,
          const char *first_body,
          GHashTable *seen)
{
  g_autofree char *url = url_for (f, "/users/search");
  g_autofree char *body = g_strdup (first_body);
  guint pages = 0;

  while (body != NULL)
    {
      g_autoptr(Reply) r = admin_call (f, "POST", url, body);
      g_autoptr(JsonNode) root = NULL;
      JsonObject *links;
      JsonArray *data;

      g_assert_cmpuint (r->status, ==, 200);
      root = reply_json (r);
      data = json_object_get_array_member (json_node_get_object (root), "data");
      for (guint i = 0; i < json_array_get_length (data); i++)
        g_hash_table_add (seen, g_strdup (json_object_get_string_member (json_array_get_object_element (data, i),
                                                                         "accountId")));
      links = json_object_get_object_member (json_node_get_object (root), "links");
      g_clear_pointer (&body, g_free);
      if (json_object_has_member (links, "next"))
        body = g_strdup_printf ("{\"cursor\":\"%s\"}", json_object_get_string_member (links, "next"));
      pages++;
      g_assert_cmpuint (pages, <, 10000);
    }
  return pages;
}

static void
test_paging (void)
{
  Fixture f = { 0 };
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *count_url = NULL;
  guint pages;

  fixture_init (&f, 2000, 7);
  pages = page_all (&f, "{\"limit\":100}", seen);
  g_assert_cmpuint (pages, ==, 20);
  g_assert_cmpuint (g_hash_table_size (seen), ==, 2000);
  g_assert_cmpuint (roster_sandbox_get_n_users (f.sandbox), ==, 2000);

  count_url = url_for (&f, "/users/count");
  {
    g_autoptr(Reply) r = admin_call (&f, "GET", count_url, NULL);
    g_autoptr(JsonNode) root = reply_json (r);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "count"), ==, 2000);
  }

  /* Filtered paging agrees with count. */
  g_hash_table_remove_all (seen);
  page_all (&f, "{\"limit\":37,\"status\":[\"suspended\",\"deactivated\"]}", seen);
  {
    g_autofree char *u = url_for (&f, "/users/count?status=suspended&status=deactivated");
    g_autoptr(Reply) r = admin_call (&f, "GET", u, NULL);
    g_autoptr(JsonNode) root = reply_json (r);
    guint expected = roster_sandbox_count_status (f.sandbox, "suspended") +
                     roster_sandbox_count_status (f.sandbox, "deactivated");

    g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "count"), ==, expected);
    g_assert_cmpuint (g_hash_table_size (seen), ==, expected);
    g_assert_cmpuint (expected, >, 0);
  }
  fixture_clear (&f);
}

static gboolean
all_users (JsonNode   *root,
           gboolean  (*pred) (JsonObject *, gconstpointer),
           gconstpointer data,
           guint      *n_out)
{
  JsonArray *array = json_object_get_array_member (json_node_get_object (root), "data");

  *n_out = json_array_get_length (array);
  for (guint i = 0; i < *n_out; i++)
    if (!pred (json_array_get_object_element (array, i), data))
      return FALSE;
  return TRUE;
}

static gboolean
has_status (JsonObject   *user,
            gconstpointer status)
{
  return g_str_equal (json_object_get_string_member (user, "status"), status);
}

static gboolean
is_managed (JsonObject   *user,
            gconstpointer unused)
{
  const char *email = json_object_get_string_member_with_default (user, "email", "");

  return g_str_equal (json_object_get_string_member (user, "claimStatus"), "managed") &&
         (g_str_has_suffix (email, "@acme.example") || g_str_has_suffix (email, "@acme-labs.example"));
}

static gboolean
matches_term (JsonObject   *user,
              gconstpointer term)
{
  g_autofree char *name = g_utf8_casefold (json_object_get_string_member (user, "name"), -1);
  g_autofree char *email = g_ascii_strdown (json_object_get_string_member_with_default (user, "email", ""), -1);

  return strstr (name, term) != NULL || strstr (email, term) != NULL;
}

static void
test_filters (void)
{
  Fixture f = { 0 };
  g_autofree char *url = NULL;
  guint n;

  fixture_init (&f, 2000, 7);
  url = url_for (&f, "/users/search");

  {
    g_autoptr(Reply) r = admin_call (&f, "POST", url, "{\"limit\":100,\"status\":[\"suspended\"]}");
    g_autoptr(JsonNode) root = reply_json (r);
    g_assert_true (all_users (root, has_status, "suspended", &n));
    g_assert_cmpuint (n, ==, MIN (100, roster_sandbox_count_status (f.sandbox, "suspended")));
  }
  {
    g_autoptr(Reply) r = admin_call (&f, "POST", url, "{\"limit\":100,\"claimStatus\":\"managed\"}");
    g_autoptr(JsonNode) root = reply_json (r);
    g_assert_true (all_users (root, is_managed, NULL, &n));
    g_assert_cmpuint (n, ==, 100);
  }
  {
    g_autoptr(Reply) r = admin_call (&f, "POST", url, "{\"limit\":100,\"searchTerm\":\"MÜLLER\"}");
    g_autoptr(JsonNode) root = reply_json (r);
    g_autofree char *term = g_utf8_casefold ("Müller", -1);
    g_assert_true (all_users (root, matches_term, term, &n));
    g_assert_cmpuint (n, >, 0);
  }
  {
    g_autoptr(Reply) r = admin_call (&f, "POST", url, "{\"limit\":100,\"searchTerm\":\"gmail.example\"}");
    g_autoptr(JsonNode) root = reply_json (r);
    g_assert_true (all_users (root, matches_term, "gmail.example", &n));
    g_assert_cmpuint (n, >, 0);
  }
  {
    g_autoptr(Reply) r = admin_call (&f, "POST", url, "{\"searchTerm\":\"a\",\"emails\":[\"x@acme.example\"]}");
    assert_error_code (r, 400, "ADMIN-400-24");
  }
  {
    g_autoptr(Reply) r = admin_call (&f, "POST", url, "{\"cursor\":\"bm90LWEtY3Vyc29y\"}");
    assert_error_code (r, 400, "ADMIN-400-1");
  }
  {
    g_autoptr(Reply) r = admin_call (&f, "POST", url, "{\"limit\":101}");
    assert_error_code (r, 400, "ADMIN-400-24");
  }
  {
    g_autoptr(Reply) r = admin_call (&f, "POST", url, "{\"limit\":0}");
    g_assert_cmpuint (r->status, ==, 400);
  }
  {
    g_autoptr(Reply) r = admin_call (&f, "POST", url, "{\"status\":[\"sleeping\"]}");
    g_assert_cmpuint (r->status, ==, 400);
  }
  {
    g_autoptr(Reply) r = admin_call (&f, "POST", url, "not json");
    g_assert_cmpuint (r->status, ==, 400);
  }
  /* Exact email match. */
  {
    g_auto(GStrv) ids = roster_sandbox_dup_account_ids (f.sandbox, "managed", 1);
    g_autoptr(JsonNode) one = NULL;
    JsonObject *user = search_one (&f, ids[0], NULL, &one);
    g_autofree char *body = g_strdup_printf ("{\"emails\":[\"%s\"]}", json_object_get_string_member (user, "email"));
    g_autoptr(Reply) r = admin_call (&f, "POST", url, body);
    g_autoptr(JsonNode) root = reply_json (r);
    JsonArray *data = json_object_get_array_member (json_node_get_object (root), "data");

    g_assert_cmpuint (json_array_get_length (data), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (data, 0), "accountId"), ==, ids[0]);
  }
  /* Resource filter = people with Jira. */
  {
    g_autofree char *body = g_strdup_printf ("{\"resourceIds\":[\"%s\"]}",
                                             roster_sandbox_get_workspace_id (f.sandbox, "jira"));
    g_autofree char *count_url = url_for (&f, "/users/count");
    g_auto(GStrv) jira = roster_sandbox_dup_account_ids (f.sandbox, "jira", 0);
    g_autoptr(GString) q = g_string_new (count_url);
    g_autofree char *escaped = g_uri_escape_string (roster_sandbox_get_workspace_id (f.sandbox, "jira"), NULL, TRUE);
    g_autoptr(Reply) r = NULL;
    g_autoptr(JsonNode) root = NULL;

    g_string_append_printf (q, "?resourceIds=%s", escaped);
    r = admin_call (&f, "GET", q->str, NULL);
    root = reply_json (r);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "count"), ==, g_strv_length (jira));
    g_assert_cmpuint (g_strv_length (jira), >, 1000);
  }
  fixture_clear (&f);
}

static void
test_expand (void)
{
  Fixture f = { 0 };
  g_autofree char *url = NULL;

  fixture_init (&f, 500, 7);
  url = url_for (&f, "/users/search");
  {
    g_autoptr(Reply) r = admin_call (&f, "POST", url, "{\"limit\":20}");
    g_autoptr(JsonNode) root = reply_json (r);
    JsonObject *user = json_array_get_object_element (json_object_get_array_member (json_node_get_object (root), "data"), 0);

    g_assert_false (json_object_has_member (user, "productAccess"));
    g_assert_false (json_object_has_member (user, "groups"));
    g_assert_false (json_object_has_member (user, "platformRoles"));
    g_assert_true (json_object_has_member (user, "accountStatus"));
    g_assert_true (json_object_has_member (user, "membershipStatus"));
  }
  {
    g_autoptr(Reply) r = admin_call (&f, "POST", url,
                                     "{\"limit\":100,\"expand\":[\"productAccess\",\"groups\",\"platformRoles\"]}");
    g_autoptr(JsonNode) root = reply_json (r);
    JsonArray *data = json_object_get_array_member (json_node_get_object (root), "data");
    guint with_dates = 0, with_access = 0;

    for (guint i = 0; i < json_array_get_length (data); i++)
      {
        JsonObject *user = json_array_get_object_element (data, i);
        JsonArray *access = json_object_get_array_member (user, "productAccess");
        JsonArray *groups = json_object_get_array_member (user, "groups");

        g_assert_nonnull (access);
        g_assert_nonnull (groups);
        g_assert_true (json_object_has_member (user, "platformRoles"));
        for (guint j = 0; j < json_array_get_length (access); j++)
          {
            JsonObject *pa = json_array_get_object_element (access, j);
            const char *key = json_object_get_string_member (pa, "key");

            g_assert_true (g_str_has_prefix (json_object_get_string_member (pa, "id"), "ari:cloud:"));
            g_assert_true (g_str_equal (key, "jira-software") || g_str_equal (key, "confluence") ||
                           g_str_equal (key, "jira-service-desk"));
            with_access++;
            if (json_object_has_member (pa, "lastActiveTimestamp"))
              {
                g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (json_object_get_string_member (pa, "lastActiveTimestamp"), NULL);
                g_assert_nonnull (dt);
                g_assert_cmpint (g_date_time_to_unix (dt), <=, NOW_UNIX);
                g_assert_cmpint (g_date_time_to_unix (dt), >=, NOW_UNIX - 501 * 86400);
                with_dates++;
              }
          }
        for (guint j = 0; j < json_array_get_length (groups); j++)
          g_assert_true (g_str_has_prefix (json_object_get_string_member (json_array_get_object_element (groups, j), "id"),
                                           "ari:cloud:identity::group/"));
      }
    g_assert_cmpuint (with_access, >, 100);
    g_assert_cmpuint (with_dates, <, with_access);
    g_assert_cmpuint (with_dates, >, with_access / 2);
  }
  {
    g_autoptr(Reply) r = admin_call (&f, "POST", url, "{\"expand\":[\"everything\"]}");
    g_assert_cmpuint (r->status, ==, 400);
  }
  fixture_clear (&f);
}

static void
test_suspend_restore (void)
{
  Fixture f = { 0 };
  g_auto(GStrv) active = NULL;
  g_auto(GStrv) deactivated = NULL;
  g_autofree char *suspend = NULL;
  g_autofree char *restore = NULL;

  fixture_init (&f, 500, 7);
  active = roster_sandbox_dup_account_ids (f.sandbox, "active", 1);
  deactivated = roster_sandbox_dup_account_ids (f.sandbox, "deactivated", 1);
  g_assert_nonnull (active[0]);
  g_assert_nonnull (deactivated[0]);
  suspend = g_strdup_printf ("%s/users/%s/suspend", f.dir, active[0]);
  restore = g_strdup_printf ("%s/users/%s/restore", f.dir, active[0]);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(Reply) r = admin_call (&f, "POST", suspend, NULL);
      g_assert_cmpuint (r->status, ==, 204);
      g_assert_cmpuint (g_bytes_get_size (r->body), ==, 0);
    }
  {
    g_autoptr(JsonNode) root = NULL;
    JsonObject *user = search_one (&f, active[0], NULL, &root);
    g_autofree char *status = roster_sandbox_dup_user_status (f.sandbox, active[0]);

    g_assert_cmpstr (json_object_get_string_member (user, "status"), ==, "suspended");
    g_assert_cmpstr (json_object_get_string_member (user, "membershipStatus"), ==, "suspended");
    g_assert_cmpstr (status, ==, "suspended");
  }
  {
    g_autoptr(Reply) r = admin_call (&f, "POST", restore, NULL);
    g_autoptr(JsonNode) root = NULL;
    JsonObject *user;

    g_assert_cmpuint (r->status, ==, 204);
    user = search_one (&f, active[0], NULL, &root);
    g_assert_cmpstr (json_object_get_string_member (user, "status"), ==, "active");
  }
  {
    g_autofree char *u = g_strdup_printf ("%s/users/%s/suspend", f.dir, deactivated[0]);
    g_autoptr(Reply) r = admin_call (&f, "POST", u, NULL);
    g_assert_cmpuint (r->status, ==, 400);
  }
  {
    g_autofree char *u = g_strdup_printf ("%s/users/nobody/suspend", f.dir);
    g_autoptr(Reply) r = admin_call (&f, "POST", u, NULL);
    assert_error_code (r, 404, "ADMIN-404-8");
  }
  {
    g_autofree char *u = g_strdup_printf ("%s/users/%s", f.dir, deactivated[0]);
    g_autoptr(Reply) r = admin_call (&f, "GET", u, NULL);
    g_autoptr(JsonNode) root = reply_json (r);
    JsonObject *data = json_object_get_object_member (json_node_get_object (root), "data");

    g_assert_cmpstr (json_object_get_string_member (data, "status"), ==, "deactivated");
    g_assert_cmpstr (json_object_get_string_member (data, "accountStatus"), ==, "inactive");
    g_assert_true (json_object_has_member (data, "deactivatedOn"));
  }
  fixture_clear (&f);
}

static void
test_lifecycle (void)
{
  Fixture f = { 0 };
  g_auto(GStrv) unmanaged = NULL;
  g_auto(GStrv) managed = NULL;

  fixture_init (&f, 500, 7);
  unmanaged = roster_sandbox_dup_account_ids (f.sandbox, "unmanaged", 1);
  managed = roster_sandbox_dup_account_ids (f.sandbox, "managed", 1);

  {
    g_autofree char *u = g_strdup_printf ("%s/users/%s/manage/lifecycle/disable",
                                          roster_sandbox_get_url (f.sandbox), unmanaged[0]);
    g_autoptr(Reply) r = admin_call (&f, "POST", u, NULL);
    g_autoptr(JsonNode) root = reply_json (r);

    g_assert_cmpuint (r->status, ==, 403);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "key"), ==,
                     "forbidden.targetUnverified");
  }
  {
    g_autofree char *u = g_strdup_printf ("%s/users/nobody/manage/lifecycle/disable",
                                          roster_sandbox_get_url (f.sandbox));
    g_autoptr(Reply) r = admin_call (&f, "POST", u, NULL);
    g_autoptr(JsonNode) root = reply_json (r);

    g_assert_cmpuint (r->status, ==, 404);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "key"), ==, "accountNotFound");
  }
  {
    g_autofree char *u = g_strdup_printf ("%s/users/%s/manage/lifecycle/disable",
                                          roster_sandbox_get_url (f.sandbox), managed[0]);
    g_autoptr(Reply) r = admin_call (&f, "POST", u, NULL);
    g_autofree char *status = NULL;

    g_assert_cmpuint (r->status, ==, 204);
    status = roster_sandbox_dup_user_status (f.sandbox, managed[0]);
    g_assert_cmpstr (status, ==, "deactivated");
  }
  {
    g_autofree char *u = g_strdup_printf ("%s/users/%s/manage/lifecycle/enable",
                                          roster_sandbox_get_url (f.sandbox), managed[0]);
    g_autoptr(Reply) r = admin_call (&f, "POST", u, NULL);
    g_autofree char *status = NULL;

    g_assert_cmpuint (r->status, ==, 204);
    status = roster_sandbox_dup_user_status (f.sandbox, managed[0]);
    g_assert_cmpstr (status, ==, "active");
  }
  {
    g_autofree char *u = g_strdup_printf ("%s/users/%s/manage/profile",
                                          roster_sandbox_get_url (f.sandbox), managed[0]);
    g_autoptr(Reply) r = admin_call (&f, "GET", u, NULL);
    g_autoptr(JsonNode) root = reply_json (r);
    JsonObject *account = json_object_get_object_member (json_node_get_object (root), "account");

    g_assert_cmpstr (json_object_get_string_member (account, "account_id"), ==, managed[0]);
    g_assert_cmpstr (json_object_get_string_member (account, "account_status"), ==, "active");
  }
  {
    g_autofree char *u = g_strdup_printf ("%s/users/%s/manage", roster_sandbox_get_url (f.sandbox), managed[0]);
    g_autoptr(Reply) r = admin_call (&f, "GET", u, NULL);
    g_autoptr(JsonNode) root = reply_json (r);

    g_assert_true (json_object_has_member (json_node_get_object (root), "lifecycle.enablement"));
  }
  fixture_clear (&f);
}

static gboolean
has_product (JsonObject *user,
             const char *key,
             gboolean   *out_dated)
{
  JsonArray *access = json_object_get_array_member (user, "productAccess");

  for (guint i = 0; i < json_array_get_length (access); i++)
    {
      JsonObject *pa = json_array_get_object_element (access, i);

      if (g_str_equal (json_object_get_string_member (pa, "key"), key))
        {
          if (out_dated)
            *out_dated = json_object_has_member (pa, "lastActiveTimestamp");
          return TRUE;
        }
    }
  return FALSE;
}

static void
test_roles (void)
{
  Fixture f = { 0 };
  g_auto(GStrv) ids = NULL;
  g_autofree char *assign = NULL;
  g_autofree char *revoke = NULL;
  g_autofree char *body = NULL;
  gboolean dated = TRUE;

  fixture_init (&f, 500, 7);
  ids = roster_sandbox_dup_account_ids (f.sandbox, "no-jira", 1);
  g_assert_nonnull (ids[0]);
  assign = g_strdup_printf ("%s/v1/orgs/%s/users/%s/roles/assign", f.admin,
                            roster_sandbox_get_org_id (f.sandbox), ids[0]);
  revoke = g_strdup_printf ("%s/v1/orgs/%s/users/%s/roles/revoke", f.admin,
                            roster_sandbox_get_org_id (f.sandbox), ids[0]);
  body = g_strdup_printf ("{\"role\":\"atlassian/user\",\"resource\":\"%s\"}",
                          roster_sandbox_get_workspace_id (f.sandbox, "jira"));
  {
    g_autoptr(Reply) r = admin_call (&f, "POST", assign, body);
    g_autoptr(JsonNode) root = NULL;
    JsonObject *user;

    g_assert_cmpuint (r->status, ==, 204);
    user = search_one (&f, ids[0], "[\"productAccess\"]", &root);
    g_assert_true (has_product (user, "jira-software", &dated));
    g_assert_false (dated);
  }
  {
    g_autoptr(Reply) r = admin_call (&f, "POST", revoke, body);
    g_autoptr(JsonNode) root = NULL;
    JsonObject *user;

    g_assert_cmpuint (r->status, ==, 204);
    user = search_one (&f, ids[0], "[\"productAccess\"]", &root);
    g_assert_false (has_product (user, "jira-software", NULL));
  }
  {
    g_autoptr(Reply) r = admin_call (&f, "POST", assign,
                                     "{\"role\":\"atlassian/user\",\"resource\":\"ari:cloud:jira-software::site/nope\"}");
    g_assert_cmpuint (r->status, ==, 404);
  }
  /* Last-active dates, snake_case. */
  {
    g_auto(GStrv) jira = roster_sandbox_dup_account_ids (f.sandbox, "jira", 1);
    g_autofree char *u = g_strdup_printf ("%s/v1/orgs/%s/directory/users/%s/last-active-dates", f.admin,
                                          roster_sandbox_get_org_id (f.sandbox), jira[0]);
    g_autoptr(Reply) r = admin_call (&f, "GET", u, NULL);
    g_autoptr(JsonNode) root = reply_json (r);
    JsonObject *data = json_object_get_object_member (json_node_get_object (root), "data");

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_true (json_object_has_member (data, "added_to_org"));
    g_assert_true (json_object_has_member (data, "product_access"));
  }
  fixture_clear (&f);
}

static char *
find_group_id (Fixture    *f,
               const char *name,
               gboolean   *external)
{
  g_autofree char *url = url_for (f, "/groups/search");
  g_autofree char *body = g_strdup_printf ("{\"groupNames\":[\"%s\"],\"expand\":[\"counts.users\"]}", name);
  g_autoptr(Reply) r = admin_call (f, "POST", url, body);
  g_autoptr(JsonNode) root = reply_json (r);
  JsonArray *data = json_object_get_array_member (json_node_get_object (root), "data");
  JsonObject *group;

  g_assert_cmpuint (json_array_get_length (data), ==, 1);
  group = json_array_get_object_element (data, 0);
  g_assert_true (json_object_has_member (group, "counts"));
  *external = json_object_get_boolean_member (group, "externalSynced");
  return g_strdup (json_object_get_string_member (group, "id"));
}

static void
test_groups (void)
{
  Fixture f = { 0 };
  g_auto(GStrv) ids = NULL;
  g_autofree char *jira_group = NULL;
  g_autofree char *okta_group = NULL;
  g_autofree char *members = NULL;
  g_autofree char *body = NULL;
  gboolean external = TRUE;

  fixture_init (&f, 500, 7);
  ids = roster_sandbox_dup_account_ids (f.sandbox, "no-jira", 1);
  jira_group = find_group_id (&f, "jira-software-users", &external);
  g_assert_false (external);
  okta_group = find_group_id (&f, "okta-all-staff", &external);
  g_assert_true (external);

  members = g_strdup_printf ("%s/groups/%s/memberships", f.dir, jira_group);
  body = g_strdup_printf ("{\"accountId\":\"%s\"}", ids[0]);
  {
    g_autoptr(Reply) r = admin_call (&f, "POST", members, body);
    g_autoptr(JsonNode) root = NULL;
    JsonObject *user;

    g_assert_cmpuint (r->status, ==, 204);
    user = search_one (&f, ids[0], "[\"productAccess\",\"groups\"]", &root);
    g_assert_true (has_product (user, "jira-software", NULL));
  }
  {
    g_autoptr(Reply) r = admin_call (&f, "POST", members, body);
    assert_error_code (r, 409, "ADMIN-409-28");
  }
  {
    g_autofree char *u = g_strdup_printf ("%s/%s", members, ids[0]);
    g_autoptr(Reply) r = admin_call (&f, "DELETE", u, NULL);
    g_autoptr(Reply) r2 = NULL;
    g_autoptr(JsonNode) root = NULL;
    JsonObject *user;

    g_assert_cmpuint (r->status, ==, 204);
    user = search_one (&f, ids[0], "[\"productAccess\"]", &root);
    g_assert_false (has_product (user, "jira-software", NULL));
    r2 = admin_call (&f, "DELETE", u, NULL);
    g_assert_cmpuint (r2->status, ==, 404);
  }
  {
    g_autofree char *u = g_strdup_printf ("%s/groups/%s/memberships", f.dir, okta_group);
    g_autoptr(Reply) r = admin_call (&f, "POST", u, body);
    assert_error_code (r, 403, "ADMIN-403-6");
  }
  {
    g_autofree char *u = g_strdup_printf ("%s/groups/00000000-0000-4000-8000-000000000000", f.dir);
    g_autoptr(Reply) r = admin_call (&f, "GET", u, NULL);
    assert_error_code (r, 404, "ADMIN-404-10");
  }
  {
    g_autofree char *u = g_strdup_printf ("%s/groups/%s/role-assignments", f.dir, jira_group);
    g_autoptr(Reply) r = admin_call (&f, "GET", u, NULL);
    g_autoptr(JsonNode) root = reply_json (r);
    JsonArray *data = json_object_get_array_member (json_node_get_object (root), "data");

    g_assert_cmpuint (json_array_get_length (data), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (data, 0), "resourceId"),
                     ==, roster_sandbox_get_workspace_id (f.sandbox, "jira"));
  }
  /* Paging over groups. */
  {
    g_autofree char *u = url_for (&f, "/groups/search");
    g_autoptr(Reply) r = admin_call (&f, "POST", u, "{\"limit\":10}");
    g_autoptr(JsonNode) root = reply_json (r);
    JsonObject *links = json_object_get_object_member (json_node_get_object (root), "links");
    g_autofree char *next = g_strdup_printf ("{\"cursor\":\"%s\"}", json_object_get_string_member (links, "next"));
    g_autoptr(Reply) r2 = admin_call (&f, "POST", u, next);
    g_autoptr(JsonNode) root2 = reply_json (r2);
    guint n1 = json_array_get_length (json_object_get_array_member (json_node_get_object (root), "data"));
    guint n2 = json_array_get_length (json_object_get_array_member (json_node_get_object (root2), "data"));

    g_assert_cmpuint (n1, ==, 10);
    g_assert_cmpuint (n1 + n2, >=, 15);
  }
  fixture_clear (&f);
}

static void
test_retired (void)
{
  Fixture f = { 0 };
  const char *org;
  g_auto(GStrv) ids = NULL;
  struct { const char *method; const char *suffix; gboolean user; } cases[] = {
    { "POST", "suspend-access", TRUE },
    { "POST", "restore-access", TRUE },
    { "DELETE", NULL, TRUE },
    { "POST", "users/search", FALSE },
    { "POST", "groups/search", FALSE },
    { "POST", "directory/groups/abc/memberships", FALSE },
  };

  fixture_init (&f, 100, 7);
  org = roster_sandbox_get_org_id (f.sandbox);
  ids = roster_sandbox_dup_account_ids (f.sandbox, "active", 1);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *u = NULL;

      if (cases[i].user)
        u = g_strdup_printf ("%s/v1/orgs/%s/directory/users/%s%s%s", f.admin, org, ids[0],
                             cases[i].suffix ? "/" : "", cases[i].suffix ? cases[i].suffix : "");
      else
        u = g_strdup_printf ("%s/v1/orgs/%s/%s", f.admin, org, cases[i].suffix);
      g_autoptr(Reply) r = admin_call (&f, cases[i].method, u, "{}");
      g_autoptr(JsonNode) root = reply_json (r);

      g_assert_cmpuint (r->status, ==, 404);
    }
  {
    g_autofree char *status = roster_sandbox_dup_user_status (f.sandbox, ids[0]);
    g_assert_cmpstr (status, ==, "active");
  }
  fixture_clear (&f);
}

static void
test_rate_limit (void)
{
  Fixture f = { 0 };
  g_autofree char *url = NULL;

  fixture_init (&f, 100, 7);
  url = g_strconcat (f.admin, "/v1/orgs", NULL);

  for (guint pass = 0; pass < 2; pass++)
    {
      gboolean with_retry_after = pass == 0;
      guint ok = 0, limited = 0;

      roster_sandbox_set_rate_limit (f.sandbox, 5, with_retry_after);
      for (guint i = 0; i < 12; i++)
        {
          g_autoptr(Reply) r = admin_call (&f, "GET", url, NULL);
          const char *reset = soup_message_headers_get_one (r->headers, "X-RateLimit-Reset");
          g_autoptr(GDateTime) dt = reset ? g_date_time_new_from_iso8601 (reset, NULL) : NULL;

          g_assert_nonnull (soup_message_headers_get_one (r->headers, "X-RateLimit-Limit"));
          g_assert_nonnull (soup_message_headers_get_one (r->headers, "X-RateLimit-Remaining"));
          g_assert_nonnull (dt);
          if (r->status == 429)
            {
              g_autoptr(JsonNode) root = reply_json (r);
              const char *retry = soup_message_headers_get_one (r->headers, "Retry-After");

              g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "code"), ==, 429);
              g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-RateLimit-Remaining"), ==, "0");
              if (with_retry_after)
                {
                  g_assert_nonnull (retry);
                  g_assert_cmpint (atoi (retry), >=, 1);
                }
              else
                g_assert_null (retry);
              limited++;
            }
          else
            {
              g_assert_cmpuint (r->status, ==, 200);
              ok++;
            }
        }
      /* The 12 calls take well under 2 s, so at most two windows' worth pass. */
      g_assert_cmpuint (ok, >=, 5);
      g_assert_cmpuint (ok, <=, 10);
      g_assert_cmpuint (limited, >=, 2);
    }
  roster_sandbox_set_rate_limit (f.sandbox, 0, TRUE);
  {
    g_autoptr(Reply) r = admin_call (&f, "GET", url, NULL);
    g_assert_cmpuint (r->status, ==, 200);
    g_assert_null (soup_message_headers_get_one (r->headers, "X-RateLimit-Limit"));
  }
  fixture_clear (&f);
}

static void
test_faults (void)
{
  Fixture f = { 0 };
  g_autofree char *url = NULL;
  g_autofree char *search = NULL;

  fixture_init (&f, 300, 7);
  url = g_strconcat (f.admin, "/v1/orgs", NULL);
  search = url_for (&f, "/users/search");

  roster_sandbox_set_fault (f.sandbox, ROSTER_SANDBOX_FAULT_500, NULL, 1);
  {
    g_autoptr(Reply) r = admin_call (&f, "GET", url, NULL);
    g_autoptr(Reply) r2 = admin_call (&f, "GET", url, NULL);
    assert_error_code (r, 500, "ADMIN-500-1");
    g_assert_cmpuint (r2->status, ==, 200);
  }
  roster_sandbox_set_fault (f.sandbox, ROSTER_SANDBOX_FAULT_502, NULL, 1);
  {
    g_autoptr(Reply) r = admin_call (&f, "GET", url, NULL);
    g_assert_cmpuint (r->status, ==, 502);
  }
  roster_sandbox_set_fault (f.sandbox, ROSTER_SANDBOX_FAULT_503, NULL, 1);
  {
    g_autoptr(Reply) r = admin_call (&f, "GET", url, NULL);
    g_assert_cmpuint (r->status, ==, 503);
    g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Retry-After"), ==, "1");
  }
  roster_sandbox_set_fault (f.sandbox, ROSTER_SANDBOX_FAULT_429, NULL, 1);
  {
    g_autoptr(Reply) r = admin_call (&f, "GET", url, NULL);
    g_assert_cmpuint (r->status, ==, 429);
    g_assert_nonnull (soup_message_headers_get_one (r->headers, "Retry-After"));
    g_assert_nonnull (soup_message_headers_get_one (r->headers, "X-RateLimit-Reset"));
  }
  roster_sandbox_set_fault (f.sandbox, ROSTER_SANDBOX_FAULT_429_NO_RETRY_AFTER, NULL, 1);
  {
    g_autoptr(Reply) r = admin_call (&f, "GET", url, NULL);
    g_assert_cmpuint (r->status, ==, 429);
    g_assert_null (soup_message_headers_get_one (r->headers, "Retry-After"));
    g_assert_nonnull (soup_message_headers_get_one (r->headers, "X-RateLimit-Reset"));
  }
  /* Path filter: only search requests fail. */
  roster_sandbox_set_fault (f.sandbox, ROSTER_SANDBOX_FAULT_DROP, "/users/search", 1);
  {
    g_autoptr(Reply) r0 = admin_call (&f, "GET", url, NULL);
    g_autoptr(Reply) r = admin_call (&f, "POST", search, "{}");
    g_autoptr(Reply) r2 = admin_call (&f, "POST", search, "{}");

    g_assert_cmpuint (r0->status, ==, 200);
    g_assert_nonnull (r->error);
    g_assert_cmpuint (r2->status, ==, 200);
  }
  roster_sandbox_set_fault (f.sandbox, ROSTER_SANDBOX_FAULT_TRUNCATE, NULL, 1);
  {
    g_autoptr(Reply) r = admin_call (&f, "POST", search, "{\"limit\":100}");
    g_assert_nonnull (r->error);
  }
  roster_sandbox_set_fault (f.sandbox, ROSTER_SANDBOX_FAULT_MALFORMED, NULL, 1);
  {
    g_autoptr(Reply) r = admin_call (&f, "POST", search, "{}");
    g_autoptr(JsonParser) parser = json_parser_new ();

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_false (json_parser_load_from_data (parser, g_bytes_get_data (r->body, NULL),
                                                g_bytes_get_size (r->body), NULL));
  }
  roster_sandbox_set_fault (f.sandbox, ROSTER_SANDBOX_FAULT_WRONG_CONTENT_TYPE, NULL, 1);
  {
    g_autoptr(Reply) r = admin_call (&f, "POST", search, "{}");

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpstr (soup_message_headers_get_content_type (r->headers, NULL), ==, "text/html");
  }
  roster_sandbox_set_fault (f.sandbox, ROSTER_SANDBOX_FAULT_SLOW, NULL, 1);
  {
    g_autoptr(Reply) r = admin_call (&f, "POST", search, "{\"limit\":10}");
    g_autoptr(JsonNode) root = NULL;

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpint (r->elapsed_us, >=, 1500000);
    root = reply_json (r);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (root), "data")), ==, 10);
  }
  roster_sandbox_set_fault (f.sandbox, ROSTER_SANDBOX_FAULT_HUGE, NULL, 1);
  {
    g_autoptr(Reply) r = admin_call (&f, "POST", search, "{}");

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpuint (g_bytes_get_size (r->body), >=, 50 * 1024 * 1024);
  }
  /* Probabilistic faults are repeatable for a seed and hit roughly the rate. */
  roster_sandbox_set_fault_rate (f.sandbox, ROSTER_SANDBOX_FAULT_500, NULL, 0.5);
  {
    guint failed = 0;

    for (guint i = 0; i < 40; i++)
      {
        g_autoptr(Reply) r = admin_call (&f, "GET", url, NULL);
        if (r->status == 500)
          failed++;
      }
    g_assert_cmpuint (failed, >=, 8);
    g_assert_cmpuint (failed, <=, 32);
  }
  roster_sandbox_set_fault (f.sandbox, ROSTER_SANDBOX_FAULT_NONE, NULL, 0);
  {
    g_autoptr(Reply) r = admin_call (&f, "GET", url, NULL);
    g_assert_cmpuint (r->status, ==, 200);
  }
  /* Latency. */
  roster_sandbox_set_latency (f.sandbox, 150);
  {
    g_autoptr(Reply) r = admin_call (&f, "GET", url, NULL);
    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpint (r->elapsed_us, >=, 140000);
  }
  roster_sandbox_set_latency (f.sandbox, 0);
  /* STOP: the server goes away. */
  roster_sandbox_set_fault (f.sandbox, ROSTER_SANDBOX_FAULT_STOP, NULL, 1);
  {
    g_autoptr(Reply) r = admin_call (&f, "GET", url, NULL);
    g_autoptr(Reply) r2 = NULL;

    g_assert_nonnull (r->error);
    g_usleep (50000);
    r2 = admin_call (&f, "GET", url, NULL);
    g_assert_nonnull (r2->error);
  }
  fixture_clear (&f);
}

static void
test_stop_after (void)
{
  Fixture f = { 0 };
  g_autofree char *url = NULL;

  fixture_init (&f, 50, 7);
  url = g_strconcat (f.admin, "/v1/orgs", NULL);
  roster_sandbox_stop_after (f.sandbox, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(Reply) r = admin_call (&f, "GET", url, NULL);
      g_assert_cmpuint (r->status, ==, 200);
    }
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(Reply) r = admin_call (&f, "GET", url, NULL);
      g_assert_nonnull (r->error);
    }
  fixture_clear (&f);
}

static char *
first_page_data (guint32 seed)
{
  Fixture f = { 0 };
  g_autofree char *url = NULL;
  g_autoptr(Reply) r = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) data = NULL;
  char *text;

  fixture_init (&f, 1000, seed);
  url = url_for (&f, "/users/search");
  r = admin_call (&f, "POST", url, "{\"limit\":50,\"expand\":[\"productAccess\",\"groups\"]}");
  root = reply_json (r);
  data = json_node_copy (json_object_get_member (json_node_get_object (root), "data"));
  text = json_to_string (data, FALSE);
  fixture_clear (&f);
  return text;
}

static void
test_determinism (void)
{
  g_autofree char *a = first_page_data (11);
  g_autofree char *b = first_page_data (11);
  g_autofree char *c = first_page_data (12);

  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, !=, c);
}

static void
test_request_log (void)
{
  Fixture f = { 0 };
  g_autofree char *url = NULL;
  g_autofree char *orgs = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  RosterSandboxRequest *last;

  fixture_init (&f, 100, 7);
  url = url_for (&f, "/users/search");
  orgs = g_strconcat (f.admin, "/v1/orgs?x=1", NULL);
  {
    g_autoptr(Reply) r = admin_call (&f, "GET", orgs, NULL);
  }
  roster_sandbox_clear_requests (f.sandbox);
  {
    g_autoptr(Reply) r1 = admin_call (&f, "POST", url, "{\"limit\":1}");
    g_autoptr(Reply) r2 = admin_call (&f, "POST", url, "{\"limit\":101}");
    g_autoptr(Reply) r3 = admin_call (&f, "GET", orgs, NULL);
  }
  g_assert_cmpuint (roster_sandbox_count_requests (f.sandbox, "POST", "/users/search"), ==, 2);
  g_assert_cmpuint (roster_sandbox_count_requests (f.sandbox, NULL, NULL), ==, 3);
  g_assert_cmpuint (roster_sandbox_count_requests (f.sandbox, "GET", "/users/search"), ==, 0);
  requests = roster_sandbox_dup_requests (f.sandbox);
  g_assert_cmpuint (requests->len, ==, 3);
  g_assert_cmpstr (((RosterSandboxRequest *) requests->pdata[0])->body, ==, "{\"limit\":1}");
  g_assert_cmpuint (((RosterSandboxRequest *) requests->pdata[1])->status, ==, 400);
  last = requests->pdata[2];
  g_assert_cmpstr (last->method, ==, "GET");
  g_assert_cmpstr (last->query, ==, "x=1");
  g_assert_true (g_str_has_suffix (last->path, "/admin/v1/orgs"));
  g_assert_cmpint (last->time_us, >=, ((RosterSandboxRequest *) requests->pdata[0])->time_us);
  fixture_clear (&f);
}

static void
test_large (void)
{
  Fixture f = { 0 };
  RosterSandboxOptions options = { 100000, 7, NOW_UNIX };
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *body = NULL;
  gint64 t0, t_gen, t_page;
  guint pages = 0, users = 0;
  gsize bytes = 0;

  t0 = g_get_monotonic_time ();
  f.sandbox = roster_sandbox_new (&options);
  g_assert_true (roster_sandbox_start (f.sandbox, 0, &error));
  t_gen = g_get_monotonic_time () - t0;
  f.session = soup_session_new_with_options ("timeout", 20, NULL);
  f.admin = roster_sandbox_dup_admin_url (f.sandbox);
  f.dir = g_strdup_printf ("%s/v2/orgs/%s/directories/-", f.admin, roster_sandbox_get_org_id (f.sandbox));
  url = url_for (&f, "/users/search");

  /* Walk every page; count users by scanning the text (the client side's JSON
   * parsing is not what this measures). */
  t0 = g_get_monotonic_time ();
  body = g_strdup ("{\"limit\":100,\"expand\":[\"productAccess\",\"groups\"]}");
  while (body != NULL)
    {
      g_autoptr(Reply) r = admin_call (&f, "POST", url, body);
      const char *text, *p, *next;
      gsize len;

      g_assert_cmpuint (r->status, ==, 200);
      text = g_bytes_get_data (r->body, &len);
      bytes += len;
      for (p = text; (p = g_strstr_len (p, text + len - p, "{\"accountId\":")) != NULL; p++)
        users++;
      g_clear_pointer (&body, g_free);
      next = g_strstr_len (text, len, "\"next\":\"");
      if (next != NULL)
        {
          const char *start = next + strlen ("\"next\":\"");
          const char *end = strchr (start, '"');
          g_autofree char *cursor = g_strndup (start, end - start);

          body = g_strdup_printf ("{\"cursor\":\"%s\"}", cursor);
        }
      pages++;
    }
  t_page = g_get_monotonic_time () - t0;

  g_assert_cmpuint (pages, ==, 1000);
  g_assert_cmpuint (users, ==, 100000);
  g_test_message ("generate 100k users: %.3f s; page 1000 x 100 with productAccess+groups: %.3f s "
                  "(%.1f MB)", t_gen / 1e6, t_page / 1e6, bytes / 1e6);
#if defined(__SANITIZE_ADDRESS__)
  /* AddressSanitizer makes every allocation several times slower. */
  g_assert_cmpint (t_gen, <, 20 * G_USEC_PER_SEC);
#else
  g_assert_cmpint (t_gen, <, 2 * G_USEC_PER_SEC);
#endif
  fixture_clear (&f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/roster/sandbox/auth", test_auth);
  g_test_add_func ("/roster/sandbox/org-details", test_org_details);
  g_test_add_func ("/roster/sandbox/paging", test_paging);
  g_test_add_func ("/roster/sandbox/filters", test_filters);
  g_test_add_func ("/roster/sandbox/expand", test_expand);
  g_test_add_func ("/roster/sandbox/suspend-restore", test_suspend_restore);
  g_test_add_func ("/roster/sandbox/lifecycle", test_lifecycle);
  g_test_add_func ("/roster/sandbox/roles", test_roles);
  g_test_add_func ("/roster/sandbox/groups", test_groups);
  g_test_add_func ("/roster/sandbox/retired-v1", test_retired);
  g_test_add_func ("/roster/sandbox/rate-limit", test_rate_limit);
  g_test_add_func ("/roster/sandbox/faults", test_faults);
  g_test_add_func ("/roster/sandbox/stop-after", test_stop_after);
  g_test_add_func ("/roster/sandbox/determinism", test_determinism);
  g_test_add_func ("/roster/sandbox/request-log", test_request_log);
  g_test_add_func ("/roster/sandbox/large", test_large);

  return g_test_run ();
}
