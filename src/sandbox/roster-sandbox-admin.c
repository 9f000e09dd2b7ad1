/* roster-sandbox-admin.c
 *
 * The routes of the sandbox: the Admin API (/admin/v1, /admin/v2) and the user
 * management API (/users/{id}/manage/…). Called on the server thread with the
 * sandbox lock held, after authentication.
 */
#define G_LOG_DOMAIN "roster-sandbox"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roster-sandbox-private.h"

/* Filters are kept so cursors stay valid; only the most recently used index
 * lists are kept in memory (the others are recomputed when a cursor comes back). */
#define MAX_QUERIES 200000
#define MAX_CACHED_INDICES 64

/* Small helpers */

static gboolean
streq (const char *a,
       const char *b)
{
  return g_strcmp0 (a, b) == 0;
}

GPtrArray *
_sb_parse_query (const char *query)
{
  GPtrArray *pairs = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) parts = NULL;

  if (query == NULL || *query == '\0')
    return pairs;

  parts = g_strsplit (query, "&", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *eq = strchr (parts[i], '=');
      char *key, *value;

      if (*parts[i] == '\0')
        continue;
      for (char *p = parts[i]; *p; p++)
        if (*p == '+')
          *p = ' ';
      if (eq != NULL)
        *eq = '\0';
      key = g_uri_unescape_string (parts[i], NULL);
      value = g_uri_unescape_string (eq ? eq + 1 : "", NULL);
      if (key == NULL || value == NULL)
        {
          g_free (key);
          g_free (value);
          continue;
        }
      g_ptr_array_add (pairs, key);
      g_ptr_array_add (pairs, value);
    }
  return pairs;
}

static const char *
query_get (SbRequest  *req,
           const char *key)
{
  for (guint i = 0; i + 1 < req->query->len; i += 2)
    if (streq (g_ptr_array_index (req->query, i), key))
      return g_ptr_array_index (req->query, i + 1);
  return NULL;
}

static void
respond_not_found (SoupServerMessage *msg)
{
  _sb_respond_literal (msg, 404, "{\"code\":404,\"message\":\"Not Found\"}");
}

static gboolean
check_method (SbRequest  *req,
              const char *method)
{
  if (streq (req->method, method))
    return TRUE;
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg), "Allow", method);
  _sb_respond_literal (req->msg, 405, "{\"code\":405,\"message\":\"Method Not Allowed\"}");
  return FALSE;
}

static void
bad_request (SbRequest  *req,
             const char *detail)
{
  _sb_respond_errors (req->msg, 400, "ADMIN-400-24", "Bad Request", detail);
}

static void
bad_cursor (SbRequest *req)
{
  _sb_respond_errors (req->msg, 400, "ADMIN-400-1", "Bad Request", "The cursor is invalid.");
}

static void
user_not_found (SbRequest *req)
{
  _sb_respond_errors (req->msg, 404, "ADMIN-404-8", "Not Found", "User not found.");
}

static void
group_not_found (SbRequest *req)
{
  _sb_respond_errors (req->msg, 404, "ADMIN-404-10", "Not Found", "Group not found.");
}

static void
respond_no_content (SbRequest *req)
{
  soup_server_message_set_status (req->msg, 204, NULL);
}

static JsonObject *
parse_body_object (SbRequest *req,
                   gboolean   allow_empty)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (req->body_len == 0)
    {
      if (allow_empty)
        return json_object_new ();
      bad_request (req, "A JSON request body is required.");
      return NULL;
    }
  if (!json_parser_load_from_data (parser, req->body, req->body_len, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      bad_request (req, "The request body is not a valid JSON object.");
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

/* Where filter fields come from: a JSON body or query parameters. */
typedef struct
{
  JsonObject *object;
  SbRequest  *req;
} Fields;

/* Returns FALSE (and answers 400) when the member has the wrong type. */
static gboolean
fields_get_strings (Fields      *f,
                    const char  *key,
                    GPtrArray  **out)
{
  GPtrArray *values = NULL;

  *out = NULL;
  if (f->object)
    {
      JsonNode *node;

      if (!json_object_has_member (f->object, key))
        return TRUE;
      node = json_object_get_member (f->object, key);
      if (JSON_NODE_HOLDS_NULL (node))
        return TRUE;
      values = g_ptr_array_new_with_free_func (g_free);
      if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              JsonNode *item = json_array_get_element (array, i);

              if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
                goto bad;
              g_ptr_array_add (values, g_strdup (json_node_get_string (item)));
            }
        }
      else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_ptr_array_add (values, g_strdup (json_node_get_string (node)));
      else
        goto bad;
    }
  else
    {
      g_autofree char *alt = g_strconcat (key, "[]", NULL);

      for (guint i = 0; i + 1 < f->req->query->len; i += 2)
        {
          const char *k = g_ptr_array_index (f->req->query, i);
          g_auto(GStrv) split = NULL;

          if (!streq (k, key) && !streq (k, alt))
            continue;
          if (values == NULL)
            values = g_ptr_array_new_with_free_func (g_free);
          split = g_strsplit (g_ptr_array_index (f->req->query, i + 1), ",", -1);
          for (guint j = 0; split[j]; j++)
            if (*split[j])
              g_ptr_array_add (values, g_strdup (split[j]));
        }
    }
  *out = values;
  return TRUE;

bad:
  g_ptr_array_unref (values);
  {
    g_autofree char *detail = g_strdup_printf ("'%s' must be an array of strings.", key);
    bad_request (f->req, detail);
  }
  return FALSE;
}

static gboolean
fields_get_string (Fields      *f,
                   const char  *key,
                   char       **out)
{
  *out = NULL;
  if (f->object)
    {
      JsonNode *node;

      if (!json_object_has_member (f->object, key))
        return TRUE;
      node = json_object_get_member (f->object, key);
      if (JSON_NODE_HOLDS_NULL (node))
        return TRUE;
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          g_autofree char *detail = g_strdup_printf ("'%s' must be a string.", key);
          bad_request (f->req, detail);
          return FALSE;
        }
      *out = g_strdup (json_node_get_string (node));
      return TRUE;
    }
  *out = g_strdup (query_get (f->req, key));
  return TRUE;
}

/* limit: absent → default; present → integer in [1, max] or 400. */
static gboolean
fields_get_limit (Fields *f,
                  guint   max,
                  guint   default_value,
                  guint  *out)
{
  gint64 value;

  *out = default_value;
  if (f->object)
    {
      JsonNode *node;

      if (!json_object_has_member (f->object, "limit"))
        return TRUE;
      node = json_object_get_member (f->object, "limit");
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
        goto bad;
      value = json_node_get_int (node);
    }
  else
    {
      const char *s = query_get (f->req, "limit");
      char *end = NULL;

      if (s == NULL)
        return TRUE;
      value = g_ascii_strtoll (s, &end, 10);
      if (end == s || *end != '\0')
        goto bad;
    }
  if (value < 1 || value > max)
    goto bad;
  *out = (guint) value;
  return TRUE;

bad:
  {
    g_autofree char *detail = g_strdup_printf ("'limit' must be an integer between 1 and %u.", max);
    bad_request (f->req, detail);
  }
  return FALSE;
}

static gboolean
check_max (SbRequest  *req,
           GPtrArray  *values,
           const char *key,
           guint       max)
{
  if (values != NULL && values->len > max)
    {
      g_autofree char *detail = g_strdup_printf ("'%s' accepts at most %u values.", key, max);
      bad_request (req, detail);
      return FALSE;
    }
  return TRUE;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
append_sig_list (GString    *sig,
                 const char *key,
                 GPtrArray  *values)
{
  if (values == NULL)
    return;
  g_ptr_array_sort (values, compare_strings);
  g_string_append_printf (sig, "%s=", key);
  for (guint i = 0; i < values->len; i++)
    {
      g_string_append (sig, g_ptr_array_index (values, i));
      g_string_append_c (sig, '\x1f');
    }
  g_string_append_c (sig, ';');
}

static gboolean
parse_expand (Fields *f,
              guint  *out)
{
  g_autoptr(GPtrArray) values = NULL;

  *out = 0;
  if (!fields_get_strings (f, "expand", &values))
    return FALSE;
  if (values == NULL)
    return TRUE;
  for (guint i = 0; i < values->len; i++)
    {
      const char *v = g_ptr_array_index (values, i);

      if (streq (v, "productAccess"))
        *out |= SB_EXPAND_PRODUCT_ACCESS;
      else if (streq (v, "groups"))
        *out |= SB_EXPAND_GROUPS;
      else if (streq (v, "platformRoles"))
        *out |= SB_EXPAND_PLATFORM_ROLES;
      else if (streq (v, "counts.resources"))
        *out |= SB_EXPAND_COUNTS;
      else
        {
          g_autofree char *detail = g_strdup_printf ("Unknown expand value '%s'.", v);
          bad_request (f->req, detail);
          return FALSE;
        }
    }
  return TRUE;
}

/* Parses the user filter; fills `sig` with a canonical text. FALSE = answered 400. */
static gboolean
parse_user_filter (Fields   *f,
                   SbFilter *filter,
                   GString  *sig)
{
  SbOrg *org = f->req->self->org;
  g_autoptr(GPtrArray) status = NULL;
  g_autoptr(GPtrArray) account_status = NULL;
  g_autoptr(GPtrArray) membership = NULL;
  g_autoptr(GPtrArray) group_ids = NULL;
  g_autoptr(GPtrArray) resource_ids = NULL;
  g_autoptr(GPtrArray) role_ids = NULL;
  g_autoptr(GPtrArray) directory_ids = NULL;
  g_autofree char *search_term = NULL;
  g_autofree char *claim = NULL;
  g_autofree char *mfa = NULL;

  if (!fields_get_string (f, "searchTerm", &search_term) ||
      !fields_get_strings (f, "emails", &filter->emails) ||
      !fields_get_strings (f, "accountIds", &filter->account_ids) ||
      !fields_get_strings (f, "emailDomains", &filter->email_domains) ||
      !fields_get_strings (f, "status", &status) ||
      !fields_get_strings (f, "accountStatus", &account_status) ||
      !fields_get_strings (f, "membershipStatus", &membership) ||
      !fields_get_strings (f, "groupIds", &group_ids) ||
      !fields_get_strings (f, "resourceIds", &resource_ids) ||
      !fields_get_strings (f, "roleIds", &role_ids) ||
      !fields_get_strings (f, "directoryIds", &directory_ids) ||
      !fields_get_string (f, "claimStatus", &claim))
    return FALSE;

  if (f->object && json_object_has_member (f->object, "mfaEnabled"))
    {
      JsonNode *node = json_object_get_member (f->object, "mfaEnabled");

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        {
          bad_request (f->req, "'mfaEnabled' must be a boolean.");
          return FALSE;
        }
      filter->mfa = json_node_get_boolean (node) ? 1 : 0;
    }
  else if (!f->object && (mfa = g_strdup (query_get (f->req, "mfaEnabled"))) != NULL)
    filter->mfa = streq (mfa, "true") ? 1 : 0;

  if (search_term != NULL && *search_term != '\0' && filter->emails != NULL)
    {
      bad_request (f->req, "'searchTerm' and 'emails' cannot be used together.");
      return FALSE;
    }
  if (!check_max (f->req, filter->emails, "emails", 100) ||
      !check_max (f->req, filter->account_ids, "accountIds", 10) ||
      !check_max (f->req, filter->email_domains, "emailDomains", 10) ||
      !check_max (f->req, group_ids, "groupIds", 10) ||
      !check_max (f->req, resource_ids, "resourceIds", 20) ||
      !check_max (f->req, role_ids, "roleIds", 10) ||
      !check_max (f->req, directory_ids, "directoryIds", 10) ||
      !check_max (f->req, status, "status", 5))
    return FALSE;

  if (search_term != NULL && *search_term != '\0')
    {
      filter->search_term = g_utf8_casefold (search_term, -1);
      g_string_append_printf (sig, "q=%s;", filter->search_term);
    }
  if (filter->emails)
    for (guint i = 0; i < filter->emails->len; i++)
      {
        char *lower = g_ascii_strdown (g_ptr_array_index (filter->emails, i), -1);
        g_free (g_ptr_array_index (filter->emails, i));
        filter->emails->pdata[i] = lower;
      }
  if (filter->email_domains)
    for (guint i = 0; i < filter->email_domains->len; i++)
      {
        char *lower = g_ascii_strdown (g_ptr_array_index (filter->email_domains, i), -1);
        g_free (g_ptr_array_index (filter->email_domains, i));
        filter->email_domains->pdata[i] = lower;
      }
  append_sig_list (sig, "em", filter->emails);
  append_sig_list (sig, "ac", filter->account_ids);
  append_sig_list (sig, "dom", filter->email_domains);

#define PARSE_ENUM(values, fn, mask, name)                                        \
  if (values)                                                                     \
    for (guint i = 0; i < values->len; i++)                                       \
      {                                                                           \
        int v = fn (g_ptr_array_index (values, i));                               \
        if (v < 0)                                                                \
          {                                                                       \
            g_autofree char *detail = g_strdup_printf ("Invalid %s value '%s'.",  \
                                        name, (char *) g_ptr_array_index (values, i)); \
            bad_request (f->req, detail);                                         \
            return FALSE;                                                         \
          }                                                                       \
        mask |= 1u << v;                                                          \
      }

  PARSE_ENUM (status, _sb_status_from_string, filter->status_mask, "status");
  PARSE_ENUM (account_status, _sb_account_status_from_string, filter->account_status_mask, "accountStatus");
  PARSE_ENUM (membership, _sb_membership_from_string, filter->membership_mask, "membershipStatus");
#undef PARSE_ENUM
  g_string_append_printf (sig, "s=%x;as=%x;ms=%x;", filter->status_mask,
                          filter->account_status_mask, filter->membership_mask);

  if (claim != NULL)
    {
      if (streq (claim, "managed"))
        filter->claim = 0;
      else if (streq (claim, "unmanaged"))
        filter->claim = 1;
      else
        {
          bad_request (f->req, "'claimStatus' must be 'managed' or 'unmanaged'.");
          return FALSE;
        }
    }
  g_string_append_printf (sig, "c=%d;m=%d;", filter->claim, filter->mfa);

  if (group_ids)
    {
      filter->has_groups = TRUE;
      for (guint i = 0; i < group_ids->len; i++)
        {
          int g = _sb_org_lookup_group (org, g_ptr_array_index (group_ids, i));
          if (g >= 0)
            filter->group_mask |= G_GUINT64_CONSTANT (1) << g;
        }
      g_string_append_printf (sig, "g=%" G_GINT64_MODIFIER "x;", filter->group_mask);
    }
  if (resource_ids)
    {
      filter->has_resources = TRUE;
      for (guint i = 0; i < resource_ids->len; i++)
        {
          int r = _sb_org_lookup_resource (org, g_ptr_array_index (resource_ids, i));
          if (r >= 0)
            filter->resource_mask |= 1 << r;
        }
      g_string_append_printf (sig, "r=%x;", filter->resource_mask);
    }
  if (role_ids)
    {
      filter->has_roles = TRUE;
      for (guint i = 0; i < role_ids->len; i++)
        {
          const char *role = g_ptr_array_index (role_ids, i);

          if (g_str_has_prefix (role, "atlassian/"))
            role += strlen ("atlassian/");
          if (streq (role, "org-admin"))
            filter->role_platform_mask |= SB_ROLE_ORG_ADMIN;
          else if (streq (role, "site-admin"))
            filter->role_platform_mask |= SB_ROLE_SITE_ADMIN;
          else if (streq (role, "user"))
            filter->role_user = TRUE;
        }
      g_string_append_printf (sig, "ro=%x,%d;", filter->role_platform_mask, filter->role_user);
    }
  if (directory_ids)
    {
      gboolean any = FALSE;

      for (guint i = 0; i < directory_ids->len; i++)
        if (streq (g_ptr_array_index (directory_ids, i), org->directory_id))
          any = TRUE;
      if (!any)
        {
          /* No directory this key can see: nothing matches. */
          filter->has_groups = TRUE;
          filter->group_mask = 0;
          g_string_append (sig, "nodir;");
        }
    }
  return TRUE;
}

/* Cursors: base64url("<kind>:<id>:<offset>:<limit>"). */
static char *
make_cursor (char  kind,
             guint id,
             guint offset,
             guint limit)
{
  g_autofree char *text = g_strdup_printf ("%c:%u:%u:%u", kind, id, offset, limit);

  return _sb_base64url_encode (text);
}

static gboolean
parse_cursor (const char *cursor,
              char        kind,
              guint      *id,
              guint      *offset,
              guint      *limit)
{
  g_autofree char *text = _sb_base64url_decode (cursor);
  char k;

  if (text == NULL)
    return FALSE;
  if (sscanf (text, "%c:%u:%u:%u", &k, id, offset, limit) != 4 || k != kind)
    return FALSE;
  return *limit >= 1 && *limit <= 1000;
}

static SbQuery *
ensure_query (RosterSandbox *self,
              const char    *signature,
              SbFilter      *filter,
              guint          expand)
{
  g_autofree char *key = g_strdup_printf ("%x|%s", expand, signature);
  SbQuery *query = g_hash_table_lookup (self->queries_by_signature, key);

  if (query != NULL)
    {
      _sb_filter_clear (filter);
      return query;
    }

  if (self->queries->len >= MAX_QUERIES)
    {
      /* Old cursors become invalid rather than growing without bound. */
      g_ptr_array_set_size (self->queries, 0);
      g_ptr_array_set_size (self->cached_queries, 0);
      g_hash_table_remove_all (self->queries_by_signature);
    }

  query = g_new0 (SbQuery, 1);
  query->id = self->queries->len;
  query->signature = g_steal_pointer (&key);
  query->filter = *filter;
  query->expand = expand;
  memset (filter, 0, sizeof *filter);
  g_ptr_array_add (self->queries, query);
  g_hash_table_insert (self->queries_by_signature, query->signature, query);
  return query;
}

static int
compare_uint (gconstpointer a,
              gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

/* Users named by id or email are looked up rather than scanned for: bulk jobs
 * re-read their targets one search at a time. */
static void
collect_candidates (SbOrg          *org,
                    const SbFilter *filter,
                    GArray         *out)
{
  GPtrArray *keys = filter->account_ids ? filter->account_ids : filter->emails;
  GHashTable *index = filter->account_ids ? org->user_index : org->email_index;

  for (guint i = 0; i < keys->len; i++)
    {
      guint idx = GPOINTER_TO_UINT (g_hash_table_lookup (index, g_ptr_array_index (keys, i)));
      gboolean dup = FALSE;

      if (idx == 0)
        continue;
      for (guint j = 0; j < out->len; j++)
        dup |= g_array_index (out, guint, j) == idx - 1;
      if (dup)
        continue;
      idx--;
      if (_sb_filter_match (org, filter, &g_array_index (org->users, SbUser, idx)))
        g_array_append_val (out, idx);
    }
  g_array_sort (out, compare_uint);
}

static GArray *
query_indices (RosterSandbox *self,
               SbQuery       *query)
{
  SbOrg *org = self->org;

  query->last_used = ++self->query_clock;
  if (query->indices == NULL || query->version != org->version)
    {
      if (query->indices == NULL)
        {
          if (self->cached_queries->len >= MAX_CACHED_INDICES)
            {
              guint oldest = 0;

              for (guint i = 1; i < self->cached_queries->len; i++)
                if (((SbQuery *) self->cached_queries->pdata[i])->last_used <
                    ((SbQuery *) self->cached_queries->pdata[oldest])->last_used)
                  oldest = i;
              g_clear_pointer (&((SbQuery *) self->cached_queries->pdata[oldest])->indices,
                               g_array_unref);
              g_ptr_array_remove_index_fast (self->cached_queries, oldest);
            }
          g_ptr_array_add (self->cached_queries, query);
        }

      g_clear_pointer (&query->indices, g_array_unref);
      query->indices = g_array_new (FALSE, FALSE, sizeof (guint));
      if (query->filter.emails && org->email_index == NULL)
        {
          org->email_index = g_hash_table_new (g_str_hash, g_str_equal);
          for (guint i = 0; i < org->users->len; i++)
            {
              const char *email = g_array_index (org->users, SbUser, i).email;

              if (email != NULL)
                g_hash_table_insert (org->email_index, (gpointer) email, GUINT_TO_POINTER (i + 1));
            }
        }
      if (query->filter.account_ids || query->filter.emails)
        collect_candidates (org, &query->filter, query->indices);
      else
        for (guint i = 0; i < org->users->len; i++)
          if (_sb_filter_match (org, &query->filter, &g_array_index (org->users, SbUser, i)))
            g_array_append_val (query->indices, i);
      query->version = org->version;
    }
  return query->indices;
}

/* /admin/v1/orgs… */

static void
append_org_json (SbRequest *req,
                 GString   *out)
{
  SbOrg *org = req->self->org;
  const char *url = req->self->url;

  g_string_append (out, "{\"id\":");
  _sb_json_append_string (out, org->org_id);
  g_string_append (out, ",\"type\":\"orgs\",\"attributes\":{\"name\":");
  _sb_json_append_string (out, org->org_name);
  g_string_append_printf (out,
                          "},\"links\":{\"self\":\"%s/admin/v1/orgs/%s\"},"
                          "\"relationships\":{\"domains\":{\"links\":{\"related\":"
                          "\"%s/admin/v1/orgs/%s/domains\"}},\"users\":{\"links\":{\"related\":"
                          "\"%s/admin/v1/orgs/%s/users\"}}}}",
                          url, org->org_id, url, org->org_id, url, org->org_id);
}

static void
handle_orgs_list (SbRequest *req)
{
  GString *out;

  if (!check_method (req, "GET"))
    return;
  if (query_get (req, "cursor") != NULL)
    {
      bad_cursor (req);
      return;
    }
  out = g_string_new ("{\"data\":[");
  if (!req->limited)
    append_org_json (req, out);
  g_string_append_printf (out, "],\"links\":{\"self\":\"%s/admin/v1/orgs\"}}", req->self->url);
  _sb_respond (req->msg, 200, out);
}

static gboolean
check_org (SbRequest  *req,
           const char *org_id)
{
  if (!streq (org_id, req->self->org->org_id))
    {
      _sb_respond_errors (req->msg, 404, "ADMIN-404-2", "Not Found", "Organization not found.");
      return FALSE;
    }
  if (req->limited)
    {
      _sb_respond_errors (req->msg, 403, "ADMIN-403-3", "Forbidden",
                          "The API key is not allowed to manage this organization.");
      return FALSE;
    }
  return TRUE;
}

static void
handle_org_get (SbRequest *req)
{
  GString *out;

  if (!check_method (req, "GET"))
    return;
  out = g_string_new ("{\"data\":");
  append_org_json (req, out);
  g_string_append (out, "}");
  _sb_respond (req->msg, 200, out);
}

static void
handle_domains (SbRequest *req)
{
  SbOrg *org = req->self->org;
  GString *out;
  gboolean first = TRUE;

  if (!check_method (req, "GET"))
    return;
  if (query_get (req, "cursor") != NULL)
    {
      bad_cursor (req);
      return;
    }
  out = g_string_new ("{\"data\":[");
  for (guint i = 0; i < org->n_domains; i++)
    {
      /* The org's own domains: the verified ones and one still unverified. */
      if (!org->domains[i].verified && i != org->n_domains - 1)
        continue;
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      g_string_append_printf (out,
                              "{\"id\":\"%s\",\"type\":\"domains\",\"attributes\":{\"name\":\"%s\","
                              "\"claim\":{\"type\":\"dns\",\"status\":\"%s\"}},"
                              "\"links\":{\"self\":\"%s/admin/v1/orgs/%s/domains/%s\"}}",
                              org->domains[i].id, org->domains[i].name,
                              org->domains[i].verified ? "verified" : "unverified",
                              req->self->url, org->org_id, org->domains[i].id);
    }
  g_string_append_printf (out, "],\"links\":{\"self\":\"%s/admin/v1/orgs/%s/domains\"}}",
                          req->self->url, org->org_id);
  _sb_respond (req->msg, 200, out);
}

static void
handle_last_active (SbRequest  *req,
                    const char *account_id)
{
  SbOrg *org = req->self->org;
  SbUser *user;
  GString *out;
  char date[16], ts[40];
  gboolean first = TRUE;

  if (!check_method (req, "GET"))
    return;
  if ((user = _sb_org_lookup_user (org, account_id)) == NULL)
    {
      user_not_found (req);
      return;
    }
  _sb_format_date (date, user->added_to_org_ms);
  _sb_format_time (ts, user->added_to_org_ms, FALSE);
  out = g_string_new (NULL);
  g_string_append_printf (out, "{\"data\":{\"added_to_org\":\"%s\",\"added_to_org_timestamp\":\"%s\","
                          "\"product_access\":[", date, ts);
  for (guint p = 0; p < SB_N_PRODUCTS; p++)
    {
      if (!(user->products & (1 << p)) || user->last_active_ms[p] == 0)
        continue;
      _sb_format_date (date, user->last_active_ms[p]);
      _sb_format_time (ts, user->last_active_ms[p], FALSE);
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      g_string_append_printf (out, "{\"id\":\"%s\",\"key\":\"%s\",\"last_active\":\"%s\","
                              "\"last_active_timestamp\":\"%s\"}",
                              org->workspace_ids[p], _sb_product_key (p), date, ts);
    }
  g_string_append (out, "]},\"links\":{}}");
  _sb_respond (req->msg, 200, out);
}

/* Removes access to a product entirely: the direct grant and the membership of
 * (manageable) groups that grant it. */
static void
revoke_product (SbOrg  *org,
                SbUser *user,
                guint   product)
{
  user->direct_products &= ~(1 << product);
  for (guint g = 0; g < org->groups->len; g++)
    {
      SbGroup *group = g_ptr_array_index (org->groups, g);

      if (!group->external_synced && (group->user_products & (1 << product)))
        user->groups &= ~(G_GUINT64_CONSTANT (1) << g);
    }
  _sb_org_recompute_products (org, user);
}

static void
handle_user_roles (SbRequest  *req,
                   const char *account_id,
                   const char *action)
{
  SbOrg *org = req->self->org;
  g_autoptr(JsonObject) body = NULL;
  gboolean assign = streq (action, "assign");
  const char *role, *resource;
  SbUser *user;
  int product = -1;

  if (!assign && !streq (action, "revoke"))
    {
      respond_not_found (req->msg);
      return;
    }
  if (!check_method (req, "POST") || (body = parse_body_object (req, FALSE)) == NULL)
    return;
  if ((user = _sb_org_lookup_user (org, account_id)) == NULL)
    {
      user_not_found (req);
      return;
    }
  role = json_object_get_string_member_with_default (body, "role", NULL);
  resource = json_object_get_string_member_with_default (body, "resource", NULL);
  if (role == NULL)
    {
      bad_request (req, "'role' is required.");
      return;
    }
  if (streq (role, "atlassian/org-admin") || streq (role, "atlassian/site-admin"))
    {
      guint8 bit = streq (role, "atlassian/org-admin") ? SB_ROLE_ORG_ADMIN : SB_ROLE_SITE_ADMIN;

      if (assign)
        user->roles |= bit;
      else
        user->roles &= ~bit;
      org->version++;
      respond_no_content (req);
      return;
    }
  if (resource == NULL)
    {
      bad_request (req, "'resource' is required for this role.");
      return;
    }
  if ((product = _sb_org_lookup_resource (org, resource)) < 0)
    {
      _sb_respond_errors (req->msg, 404, "ADMIN-UAM-404-1", "Not Found", "Resource not found.");
      return;
    }
  if (user->account_status != SB_ACCOUNT_STATUS_ACTIVE && assign)
    {
      _sb_respond_errors (req->msg, 400, "ADMIN-UAM-400-2", "Bad Request", "The user is not active.");
      return;
    }
  if (streq (role, "atlassian/user"))
    {
      if (assign)
        {
          user->direct_products |= 1 << product;
          _sb_org_recompute_products (org, user);
        }
      else
        revoke_product (org, user, product);
      org->version++;
    }
  else if (!streq (role, "atlassian/admin") && !streq (role, "atlassian/guest") &&
           !streq (role, "atlassian/basic") && !streq (role, "atlassian/user-access-admin"))
    {
      bad_request (req, "Unknown role.");
      return;
    }
  respond_no_content (req);
}

/* /admin/v2/orgs/{orgId}/directories, /workspaces */

static void
handle_directories (SbRequest *req)
{
  SbOrg *org = req->self->org;
  Fields f = { NULL, req };
  const char *cursor = query_get (req, "cursor");
  guint limit;
  GString *out;

  if (!check_method (req, "GET") || !fields_get_limit (&f, 100, 20, &limit))
    return;
  if (cursor != NULL)
    {
      bad_cursor (req);
      return;
    }
  out = g_string_new ("{\"data\":[{\"directoryId\":");
  _sb_json_append_string (out, org->directory_id);
  g_string_append (out, ",\"name\":\"Acme Corporation directory\","
                   "\"icon\":\"https://admin.atlassian.example/icons/directory.svg\"}],\"links\":{\"self\":\"");
  {
    g_autofree char *self_cursor = make_cursor ('d', 0, 0, limit);
    g_string_append (out, self_cursor);
  }
  g_string_append (out, "\"}}");
  _sb_respond (req->msg, 200, out);
}

static void
handle_workspaces (SbRequest *req)
{
  SbOrg *org = req->self->org;
  g_autoptr(JsonObject) body = NULL;
  Fields f;
  guint limit, offset = 0, id;
  GString *out;
  guint end;

  if (!check_method (req, "POST") || (body = parse_body_object (req, TRUE)) == NULL)
    return;
  f.object = body;
  f.req = req;
  if (json_object_has_member (body, "cursor"))
    {
      const char *cursor = json_object_get_string_member_with_default (body, "cursor", NULL);

      if (json_object_get_size (body) != 1)
        {
          bad_request (req, "No other properties are allowed with 'cursor'.");
          return;
        }
      if (cursor == NULL || !parse_cursor (cursor, 'w', &id, &offset, &limit))
        {
          bad_cursor (req);
          return;
        }
    }
  else if (!fields_get_limit (&f, 1000, 20, &limit))
    return;

  end = MIN (SB_N_PRODUCTS, offset + limit);
  out = g_string_new ("{\"data\":[");
  for (guint p = offset; p < end; p++)
    {
      if (p > offset)
        g_string_append_c (out, ',');
      g_string_append_printf (out,
                              "{\"id\":\"%s\",\"type\":\"workspace\",\"attributes\":{\"name\":\"acme\","
                              "\"typeKey\":\"%s\",\"type\":\"%s\",\"hostUrl\":\"%s\",\"status\":\"online\","
                              "\"sandbox\":{\"type\":\"NONE\"},\"createdAt\":\"%s\",\"capacity\":null,"
                              "\"usage\":null},\"links\":{\"self\":\"%s/admin/v2/orgs/%s/workspaces/%s\"}}",
                              org->workspace_ids[p], _sb_workspace_type (p), _sb_workspace_type (p),
                              org->host, org->workspace_created[p],
                              req->self->url, org->org_id, org->workspace_ids[p]);
    }
  g_string_append (out, "],\"links\":{\"self\":\"");
  {
    g_autofree char *self_cursor = make_cursor ('w', 0, offset, limit);
    g_string_append (out, self_cursor);
  }
  g_string_append_c (out, '"');
  if (end < SB_N_PRODUCTS)
    {
      g_autofree char *next = make_cursor ('w', 0, end, limit);
      g_string_append_printf (out, ",\"next\":\"%s\"", next);
    }
  g_string_append_printf (out, "},\"meta\":{\"pageSize\":%u,\"startIndex\":%u,\"endIndex\":%d,"
                          "\"total\":%u}}",
                          limit, offset, (int) end - 1, (guint) SB_N_PRODUCTS);
  _sb_respond (req->msg, 200, out);
}

/* /admin/v2/orgs/{orgId}/directories/{directoryId}/users… */

static void
handle_users_search (SbRequest *req)
{
  RosterSandbox *self = req->self;
  SbOrg *org = self->org;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GString) sig = g_string_new (NULL);
  g_autofree char *cursor = NULL;
  SbFilter filter;
  SbQuery *query;
  Fields f;
  guint limit, offset = 0, expand = 0, end;
  GArray *indices;
  GString *out;

  if (!check_method (req, "POST") || (body = parse_body_object (req, TRUE)) == NULL)
    return;
  f.object = body;
  f.req = req;

  if (!fields_get_string (&f, "cursor", &cursor))
    return;

  if (cursor != NULL)
    {
      guint id, cursor_limit;

      if (!parse_cursor (cursor, 'u', &id, &offset, &cursor_limit) || id >= self->queries->len)
        {
          bad_cursor (req);
          return;
        }
      query = g_ptr_array_index (self->queries, id);
      if (!fields_get_limit (&f, 100, cursor_limit, &limit))
        return;
      expand = query->expand;
      if (json_object_has_member (body, "expand") && !parse_expand (&f, &expand))
        return;
    }
  else
    {
      _sb_filter_init (&filter);
      if (!fields_get_limit (&f, 100, 50, &limit) || !parse_expand (&f, &expand) ||
          !parse_user_filter (&f, &filter, sig))
        {
          _sb_filter_clear (&filter);
          return;
        }
      query = ensure_query (self, sig->str, &filter, expand);
    }

  /* The knob of roster_sandbox_shift_page_after() (the lock is held here). */
  if (self->shift_page_after == 0 && offset > 0)
    {
      offset--;
      self->shift_page_after = -1;
    }
  else if (self->shift_page_after > 0)
    self->shift_page_after--;

  indices = query_indices (self, query);
  end = MIN (indices->len, offset + limit);
  out = g_string_sized_new (1024 + (gsize) limit * 700);
  g_string_append (out, "{\"data\":[");
  for (guint i = offset; i < end; i++)
    {
      if (i > offset)
        g_string_append_c (out, ',');
      _sb_append_user_json (org, out, &g_array_index (org->users, SbUser,
                                                      g_array_index (indices, guint, i)),
                            expand, FALSE);
    }
  g_string_append (out, "],\"links\":{\"self\":\"");
  {
    g_autofree char *self_cursor = make_cursor ('u', query->id, offset, limit);
    g_string_append (out, self_cursor);
  }
  g_string_append_c (out, '"');
  if (end < indices->len)
    {
      g_autofree char *next = make_cursor ('u', query->id, end, limit);
      g_string_append_printf (out, ",\"next\":\"%s\"", next);
    }
  if (offset > 0)
    {
      g_autofree char *prev = make_cursor ('u', query->id, offset > limit ? offset - limit : 0, limit);
      g_string_append_printf (out, ",\"prev\":\"%s\"", prev);
    }
  g_string_append (out, "}}");
  _sb_respond (req->msg, 200, out);
}

static void
handle_users_count (SbRequest *req)
{
  RosterSandbox *self = req->self;
  g_autoptr(GString) sig = g_string_new (NULL);
  SbFilter filter;
  SbQuery *query;
  Fields f = { NULL, req };
  GString *out;

  if (!check_method (req, "GET"))
    return;
  _sb_filter_init (&filter);
  if (!parse_user_filter (&f, &filter, sig))
    {
      _sb_filter_clear (&filter);
      return;
    }
  query = ensure_query (self, sig->str, &filter, 0);
  out = g_string_new (NULL);
  g_string_append_printf (out, "{\"count\":%u}", query_indices (self, query)->len);
  _sb_respond (req->msg, 200, out);
}

static void
handle_users_stats (SbRequest *req)
{
  SbOrg *org = req->self->org;
  guint counts[3] = { 0 };
  guint org_admins = 0, site_admins = 0, users = 0;
  GString *out;

  if (!check_method (req, "GET"))
    return;
  for (guint i = 0; i < org->users->len; i++)
    {
      SbUser *user = &g_array_index (org->users, SbUser, i);

      counts[user->account_status]++;
      if (user->roles & SB_ROLE_ORG_ADMIN)
        org_admins++;
      if (user->roles & SB_ROLE_SITE_ADMIN)
        site_admins++;
      if (user->products)
        users++;
    }
  out = g_string_new (NULL);
  g_string_append_printf (out,
                          "{\"accountStatus\":[{\"status\":\"active\",\"count\":%u},"
                          "{\"status\":\"inactive\",\"count\":%u},{\"status\":\"closed\",\"count\":%u}],"
                          "\"roles\":[{\"roleId\":\"atlassian/org-admin\",\"count\":%u},"
                          "{\"roleId\":\"atlassian/site-admin\",\"count\":%u},"
                          "{\"roleId\":\"atlassian/user\",\"count\":%u}]}",
                          counts[0], counts[1], counts[2], org_admins, site_admins, users);
  _sb_respond (req->msg, 200, out);
}

static void
handle_user_get (SbRequest  *req,
                 const char *account_id)
{
  SbOrg *org = req->self->org;
  SbUser *user;
  GString *out;

  if (!check_method (req, "GET"))
    return;
  if ((user = _sb_org_lookup_user (org, account_id)) == NULL)
    {
      user_not_found (req);
      return;
    }
  out = g_string_new ("{\"data\":");
  _sb_append_user_json (org, out, user, SB_EXPAND_COUNTS, TRUE);
  g_string_append_c (out, '}');
  _sb_respond (req->msg, 200, out);
}

static void
handle_user_lifecycle (SbRequest  *req,
                       const char *account_id,
                       gboolean    suspend)
{
  SbOrg *org = req->self->org;
  SbUser *user;

  if (!check_method (req, "POST"))
    return;
  if ((user = _sb_org_lookup_user (org, account_id)) == NULL)
    {
      user_not_found (req);
      return;
    }
  if (user->account_status != SB_ACCOUNT_STATUS_ACTIVE)
    {
      _sb_respond_errors (req->msg, 400, "ADMIN-400-27", "Bad Request",
                          "The user's account is deactivated or closed; its access can't be changed.");
      return;
    }
  if (user->membership == SB_MEMBERSHIP_NONE)
    {
      _sb_respond_errors (req->msg, 400, "ADMIN-400-28", "Bad Request",
                          "The user is not a member of this directory.");
      return;
    }
  if (suspend && user->membership != SB_MEMBERSHIP_SUSPENDED)
    {
      user->membership = SB_MEMBERSHIP_SUSPENDED;
      org->version++;
    }
  else if (!suspend && user->membership != SB_MEMBERSHIP_ACTIVE)
    {
      user->membership = SB_MEMBERSHIP_ACTIVE;
      org->version++;
    }
  respond_no_content (req);
}

static void
handle_user_role_assignments (SbRequest  *req,
                              const char *account_id)
{
  SbOrg *org = req->self->org;
  SbUser *user;
  GString *out;
  gboolean first = TRUE;

  if (!check_method (req, "GET"))
    return;
  if ((user = _sb_org_lookup_user (org, account_id)) == NULL)
    {
      user_not_found (req);
      return;
    }
  out = g_string_new ("{\"data\":[");
  for (guint p = 0; p < SB_N_PRODUCTS; p++)
    {
      gboolean direct = (user->direct_products & (1 << p)) != 0;

      if (!(user->products & (1 << p)))
        continue;
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      g_string_append_printf (out,
                              "{\"resourceId\":\"%s\",\"resourceOwner\":\"%s\",\"directoryId\":\"%s\","
                              "\"userDirectoryStatus\":\"%s\",\"roleAssignments\":[{\"role\":"
                              "\"atlassian/user\",\"roleAssignmentMethods\":[\"%s\"]}],"
                              "\"roles\":[\"atlassian/user\"]}",
                              org->workspace_ids[p], _sb_workspace_type (p), org->directory_id,
                              _sb_membership_to_string (user->membership),
                              direct ? "direct" : "group_direct");
    }
  g_string_append (out, "],\"links\":{}}");
  _sb_respond (req->msg, 200, out);
}

/* Groups */

static void
handle_groups_search (SbRequest *req)
{
  RosterSandbox *self = req->self;
  SbOrg *org = self->org;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) saved = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *search_term = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GPtrArray) account_ids = NULL;
  g_autoptr(GPtrArray) expand = NULL;
  gboolean with_counts = FALSE;
  guint limit, offset = 0, body_id = 0, n_matched = 0, n_written = 0;
  guint64 account_groups = 0;
  gboolean more = FALSE;
  JsonObject *filters;
  Fields f;
  GString *out;

  if (!check_method (req, "POST") || (body = parse_body_object (req, TRUE)) == NULL)
    return;
  f.object = body;
  f.req = req;
  if (!fields_get_string (&f, "cursor", &cursor))
    return;

  if (cursor != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      guint cursor_limit;

      if (!parse_cursor (cursor, 'g', &body_id, &offset, &cursor_limit) ||
          body_id >= self->saved_body_list->len ||
          !json_parser_load_from_data (parser, g_ptr_array_index (self->saved_body_list, body_id), -1, NULL))
        {
          bad_cursor (req);
          return;
        }
      if (!fields_get_limit (&f, 100, cursor_limit, &limit))
        return;
      saved = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
      filters = saved;
    }
  else
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      g_autofree char *text = NULL;
      gpointer id;

      if (!fields_get_limit (&f, 100, 20, &limit))
        return;
      saved = json_object_new ();
      {
        GList *members = json_object_get_members (body);

        for (GList *l = members; l; l = l->next)
          if (!streq (l->data, "limit") && !streq (l->data, "cursor"))
            json_object_set_member (saved, l->data,
                                    json_node_copy (json_object_get_member (body, l->data)));
        g_list_free (members);
      }
      json_node_set_object (node, saved);
      text = json_to_string (node, FALSE);
      if (g_hash_table_lookup_extended (self->saved_bodies, text, NULL, &id))
        body_id = GPOINTER_TO_UINT (id);
      else
        {
          body_id = self->saved_body_list->len;
          g_ptr_array_add (self->saved_body_list, g_strdup (text));
          g_hash_table_insert (self->saved_bodies,
                               g_ptr_array_index (self->saved_body_list, body_id),
                               GUINT_TO_POINTER (body_id));
        }
      filters = saved;
    }

  f.object = filters;
  if (!fields_get_string (&f, "searchTerm", &search_term) ||
      !fields_get_strings (&f, "groupNames", &names) ||
      !fields_get_strings (&f, "groupIds", &ids) ||
      !fields_get_strings (&f, "accountIds", &account_ids) ||
      !fields_get_strings (&f, "expand", &expand))
    return;
  if (names != NULL && (search_term != NULL || ids != NULL))
    {
      bad_request (req, "'groupNames' cannot be combined with 'searchTerm' or 'groupIds'.");
      return;
    }
  if (!check_max (req, names, "groupNames", 100) || !check_max (req, ids, "groupIds", 10) ||
      !check_max (req, account_ids, "accountIds", 10))
    return;
  if (expand != NULL)
    for (guint i = 0; i < expand->len; i++)
      {
        const char *v = g_ptr_array_index (expand, i);

        if (streq (v, "counts.users") || streq (v, "counts.resources"))
          with_counts = TRUE;
        else
          {
            bad_request (req, "Unknown expand value.");
            return;
          }
      }
  if (account_ids != NULL)
    for (guint i = 0; i < account_ids->len; i++)
      {
        SbUser *user = _sb_org_lookup_user (org, g_ptr_array_index (account_ids, i));
        if (user != NULL)
          account_groups |= user->groups;
      }

  out = g_string_new ("{\"data\":[");
  for (guint g = 0; g < org->groups->len; g++)
    {
      SbGroup *group = g_ptr_array_index (org->groups, g);
      gboolean match = TRUE;

      if (search_term != NULL)
        {
          g_autofree char *a = g_utf8_casefold (group->name, -1);
          g_autofree char *b = g_utf8_casefold (search_term, -1);
          match = strstr (a, b) != NULL;
        }
      if (match && names != NULL)
        {
          match = FALSE;
          for (guint i = 0; i < names->len; i++)
            if (g_ascii_strcasecmp (g_ptr_array_index (names, i), group->name) == 0)
              match = TRUE;
        }
      if (match && ids != NULL)
        {
          match = FALSE;
          for (guint i = 0; i < ids->len; i++)
            if (_sb_org_lookup_group (org, g_ptr_array_index (ids, i)) == (int) g)
              match = TRUE;
        }
      if (match && account_ids != NULL)
        match = (account_groups & (G_GUINT64_CONSTANT (1) << g)) != 0;
      if (!match)
        continue;
      if (n_matched++ < offset)
        continue;
      if (n_written == limit)
        {
          more = TRUE;
          break;
        }
      if (n_written++ > 0)
        g_string_append_c (out, ',');
      _sb_append_group_json (org, out, g, with_counts);
    }
  g_string_append (out, "],\"links\":{\"self\":\"");
  {
    g_autofree char *self_cursor = make_cursor ('g', body_id, offset, limit);
    g_string_append (out, self_cursor);
  }
  g_string_append_c (out, '"');
  if (more)
    {
      g_autofree char *next = make_cursor ('g', body_id, offset + limit, limit);
      g_string_append_printf (out, ",\"next\":\"%s\"", next);
    }
  g_string_append (out, "}}");
  _sb_respond (req->msg, 200, out);
}

static void
handle_groups_count (SbRequest *req)
{
  GString *out;

  if (!check_method (req, "GET"))
    return;
  out = g_string_new (NULL);
  g_string_append_printf (out, "{\"count\":%u}", req->self->org->groups->len);
  _sb_respond (req->msg, 200, out);
}

static void
handle_group_get (SbRequest *req,
                  int        group)
{
  GString *out;

  if (!check_method (req, "GET"))
    return;
  out = g_string_new ("{\"data\":");
  _sb_append_group_json (req->self->org, out, group, TRUE);
  g_string_append_c (out, '}');
  _sb_respond (req->msg, 200, out);
}

static gboolean
check_group_modifiable (SbRequest *req,
                        int        group)
{
  SbGroup *g = g_ptr_array_index (req->self->org->groups, group);

  if (g->external_synced)
    {
      _sb_respond_errors (req->msg, 403, "ADMIN-403-6", "Forbidden",
                          "This group is synced from an external directory and can't be changed here.");
      return FALSE;
    }
  return TRUE;
}

static void
handle_membership_add (SbRequest *req,
                       int        group)
{
  SbOrg *org = req->self->org;
  g_autoptr(JsonObject) body = NULL;
  guint64 bit = G_GUINT64_CONSTANT (1) << group;
  SbUser *user;

  if (!check_method (req, "POST") || (body = parse_body_object (req, FALSE)) == NULL)
    return;
  if (!check_group_modifiable (req, group))
    return;
  user = _sb_org_lookup_user (org, json_object_get_string_member_with_default (body, "accountId", NULL));
  if (user == NULL)
    {
      user_not_found (req);
      return;
    }
  if (user->groups & bit)
    {
      _sb_respond_errors (req->msg, 409, "ADMIN-409-28", "Conflict",
                          "The user is already a member of the group.");
      return;
    }
  user->groups |= bit;
  _sb_org_recompute_products (org, user);
  org->version++;
  respond_no_content (req);
}

static void
handle_membership_remove (SbRequest  *req,
                          int         group,
                          const char *account_id)
{
  SbOrg *org = req->self->org;
  guint64 bit = G_GUINT64_CONSTANT (1) << group;
  SbUser *user;

  if (!check_method (req, "DELETE") || !check_group_modifiable (req, group))
    return;
  user = _sb_org_lookup_user (org, account_id);
  if (user == NULL || !(user->groups & bit))
    {
      _sb_respond_errors (req->msg, 404, "ADMIN-404-8", "Not Found",
                          user ? "The user is not a member of the group." : "User not found.");
      return;
    }
  user->groups &= ~bit;
  _sb_org_recompute_products (org, user);
  org->version++;
  respond_no_content (req);
}

static void
handle_group_role_assignments (SbRequest *req,
                               int        group)
{
  SbOrg *org = req->self->org;
  SbGroup *g = g_ptr_array_index (org->groups, group);
  GString *out;
  gboolean first = TRUE;

  if (!check_method (req, "GET"))
    return;
  out = g_string_new ("{\"data\":[");
  for (guint p = 0; p < SB_N_PRODUCTS; p++)
    {
      gboolean user = (g->user_products & (1 << p)) != 0;
      gboolean admin = (g->admin_products & (1 << p)) != 0;

      if (!user && !admin)
        continue;
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      g_string_append_printf (out, "{\"resourceId\":\"%s\",\"resourceOwner\":\"%s\",\"roles\":[%s%s%s],"
                              "\"defaultRole\":\"atlassian/user\"}",
                              org->workspace_ids[p], _sb_workspace_type (p),
                              user ? "\"atlassian/user\"" : "", user && admin ? "," : "",
                              admin ? "\"atlassian/admin\"" : "");
    }
  g_string_append (out, "],\"links\":{}}");
  _sb_respond (req->msg, 200, out);
}

static void
handle_group_role_change (SbRequest  *req,
                          int         group,
                          const char *action)
{
  SbOrg *org = req->self->org;
  SbGroup *g = g_ptr_array_index (org->groups, group);
  g_autoptr(JsonObject) body = NULL;
  gboolean assign = streq (action, "assign");
  const char *role, *resource;
  int product;

  if (!assign && !streq (action, "revoke"))
    {
      respond_not_found (req->msg);
      return;
    }
  if (!check_method (req, "POST") || (body = parse_body_object (req, FALSE)) == NULL)
    return;
  role = json_object_get_string_member_with_default (body, "roleId", NULL);
  resource = json_object_get_string_member_with_default (body, "resourceId", NULL);
  if (role == NULL || resource == NULL)
    {
      bad_request (req, "'resourceId' and 'roleId' are required.");
      return;
    }
  if ((product = _sb_org_lookup_resource (org, resource)) < 0)
    {
      _sb_respond_errors (req->msg, 404, "ADMIN-404-11", "Not Found", "Resource not found.");
      return;
    }
  if (streq (role, "atlassian/user"))
    {
      if (assign)
        g->user_products |= 1 << product;
      else
        g->user_products &= ~(1 << product);
      for (guint i = 0; i < org->users->len; i++)
        {
          SbUser *user = &g_array_index (org->users, SbUser, i);

          if (user->groups & (G_GUINT64_CONSTANT (1) << group))
            _sb_org_recompute_products (org, user);
        }
    }
  else if (streq (role, "atlassian/admin"))
    {
      if (assign)
        g->admin_products |= 1 << product;
      else
        g->admin_products &= ~(1 << product);
    }
  else
    {
      bad_request (req, "Unknown role.");
      return;
    }
  org->version++;
  if (assign)
    soup_server_message_set_status (req->msg, 200, NULL);
  else
    respond_no_content (req);
}

/* User management: /users/{accountId}/manage… */

static void
um_error (SbRequest  *req,
          guint       status,
          const char *body)
{
  _sb_respond_literal (req->msg, status, body);
}

static void
route_user_management (SbRequest  *req,
                       char      **p,
                       guint       n)
{
  SbOrg *org = req->self->org;
  SbUser *user;

  /* p[0] = "users", p[1] = id, p[2] = "manage", … */
  if (n < 3 || !streq (p[2], "manage"))
    {
      respond_not_found (req->msg);
      return;
    }
  if (req->limited)
    {
      um_error (req, 403, "{\"key\":\"forbidden\"}");
      return;
    }
  user = _sb_org_lookup_user (org, p[1]);
  if (user == NULL)
    {
      um_error (req, 404, "{\"key\":\"accountNotFound\"}");
      return;
    }

  if (n == 3)
    {
      GString *out;
      gboolean managed = _sb_user_is_managed (org, user);

      if (!check_method (req, "GET"))
        return;
      if (!managed)
        {
          um_error (req, 403, "{\"key\":\"forbidden.targetUnverified\"}");
          return;
        }
      out = g_string_new (NULL);
      g_string_append_printf (out,
                              "{\"profile.write\":{\"allowed\":%s%s},"
                              "\"profile.write.email\":{\"allowed\":%s%s},"
                              "\"lifecycle.enablement\":{\"allowed\":true},"
                              "\"lifecycle.delete\":{\"allowed\":%s%s},"
                              "\"apiToken.read\":{\"allowed\":true},"
                              "\"apiToken.delete\":{\"allowed\":true}}",
                              user->synced ? "false" : "true",
                              user->synced ? ",\"reason\":{\"key\":\"externalDirectory.scim\"}" : "",
                              user->synced ? "false" : "true",
                              user->synced ? ",\"reason\":{\"key\":\"externalDirectory.scim\"}" : "",
                              user->synced ? "false" : "true",
                              user->synced ? ",\"reason\":{\"key\":\"externalDirectory.scim\"}" : "");
      _sb_respond (req->msg, 200, out);
      return;
    }

  if (n == 4 && streq (p[3], "profile"))
    {
      GString *out;

      if (!check_method (req, "GET"))
        return;
      if (!_sb_user_is_managed (org, user))
        {
          um_error (req, 403, "{\"key\":\"forbidden.targetUnverified\"}");
          return;
        }
      out = g_string_new ("{\"account\":{\"account_id\":");
      _sb_json_append_string (out, user->account_id);
      g_string_append_printf (out, ",\"account_status\":\"%s\",\"account_type\":\"%s\"",
                              _sb_account_status_to_string (user->account_status),
                              _sb_account_type_to_string (user->account_type));
      g_string_append (out, ",\"email\":");
      _sb_json_append_string (out, user->email ? user->email : "");
      g_string_append (out, ",\"name\":");
      _sb_json_append_string (out, user->name);
      g_string_append (out, ",\"nickname\":");
      _sb_json_append_string (out, user->nickname);
      g_string_append_printf (out, ",\"picture\":\"https://avatar-management.example/avatar/%s\","
                              "\"zoneinfo\":\"%s\",\"locale\":\"en-US\",\"extended_profile\":{",
                              user->account_id, user->time_zone);
      g_string_append (out, "\"organization\":");
      _sb_json_append_string (out, org->org_name);
      if (user->job_title)
        {
          g_string_append (out, ",\"job_title\":");
          _sb_json_append_string (out, user->job_title);
        }
      if (user->department)
        {
          g_string_append (out, ",\"department\":");
          _sb_json_append_string (out, user->department);
        }
      g_string_append (out, "}}}");
      _sb_respond (req->msg, 200, out);
      return;
    }

  if (n == 5 && streq (p[3], "lifecycle") && (streq (p[4], "disable") || streq (p[4], "enable")))
    {
      gboolean disable = streq (p[4], "disable");

      if (!check_method (req, "POST"))
        return;
      if (!_sb_user_is_managed (org, user))
        {
          um_error (req, 403, "{\"key\":\"forbidden.targetUnverified\"}");
          return;
        }
      if (user->account_status == SB_ACCOUNT_STATUS_CLOSED)
        {
          g_autoptr(GString) body = g_string_new ("{\"key\":\"conflict.lifecycleErrors\",\"context\":{\"accountId\":");
          _sb_json_append_string (body, user->account_id);
          g_string_append (body, ",\"message\":\"The account is scheduled for deletion.\","
                           "\"errorCodes\":[{\"code\":\"account.closed\","
                           "\"message\":\"The account is scheduled for deletion.\"}]}}");
          um_error (req, 409, body->str);
          return;
        }
      if (disable && user->account_status != SB_ACCOUNT_STATUS_INACTIVE)
        {
          user->account_status = SB_ACCOUNT_STATUS_INACTIVE;
          user->deactivated_on_ms = g_get_real_time () / 1000;
          org->version++;
        }
      else if (!disable && user->account_status != SB_ACCOUNT_STATUS_ACTIVE)
        {
          user->account_status = SB_ACCOUNT_STATUS_ACTIVE;
          user->deactivated_on_ms = 0;
          org->version++;
        }
      respond_no_content (req);
      return;
    }

  respond_not_found (req->msg);
}

/* Admin routing */

static gboolean
is_retired_v1 (SbRequest  *req,
               char      **p,
               guint       n)
{
  /* p[0] = "v1", p[1] = "orgs", p[2] = org id */
  if (n >= 5 && streq (p[3], "directory") && streq (p[4], "groups"))
    return TRUE;
  if (n == 5 && (streq (p[3], "users") || streq (p[3], "groups")) &&
      (streq (p[4], "search") || streq (p[4], "invite")))
    return TRUE;
  if (n == 6 && streq (p[3], "directory") && streq (p[4], "users") && streq (req->method, "DELETE"))
    return TRUE;
  if (n == 7 && streq (p[3], "directory") && streq (p[4], "users") &&
      (streq (p[6], "suspend-access") || streq (p[6], "restore-access")))
    return TRUE;
  return FALSE;
}

static void
route_directory (SbRequest  *req,
                 char      **p,
                 guint       n)
{
  SbOrg *org = req->self->org;
  int group;

  /* p[0] = "v2", "orgs", org, "directories", dir, kind, … */
  if (!streq (p[4], "-") && !streq (p[4], org->directory_id))
    {
      _sb_respond_errors (req->msg, 404, "ADMIN-404-3", "Not Found", "Directory not found.");
      return;
    }

  if (streq (p[5], "users"))
    {
      if (n == 7 && streq (p[6], "search"))
        handle_users_search (req);
      else if (n == 7 && streq (p[6], "count"))
        handle_users_count (req);
      else if (n == 7 && streq (p[6], "stats"))
        handle_users_stats (req);
      else if (n == 7)
        handle_user_get (req, p[6]);
      else if (n == 8 && streq (p[7], "suspend"))
        handle_user_lifecycle (req, p[6], TRUE);
      else if (n == 8 && streq (p[7], "restore"))
        handle_user_lifecycle (req, p[6], FALSE);
      else if (n == 8 && streq (p[7], "role-assignments"))
        handle_user_role_assignments (req, p[6]);
      else
        respond_not_found (req->msg);
      return;
    }

  if (streq (p[5], "groups"))
    {
      if (n == 7 && streq (p[6], "search"))
        {
          handle_groups_search (req);
          return;
        }
      if (n == 7 && streq (p[6], "count"))
        {
          handle_groups_count (req);
          return;
        }
      if (n < 7)
        {
          respond_not_found (req->msg);
          return;
        }
      if ((group = _sb_org_lookup_group (org, p[6])) < 0)
        {
          group_not_found (req);
          return;
        }
      if (n == 7)
        handle_group_get (req, group);
      else if (n == 8 && streq (p[7], "memberships"))
        handle_membership_add (req, group);
      else if (n == 9 && streq (p[7], "memberships"))
        handle_membership_remove (req, group, p[8]);
      else if (n == 8 && streq (p[7], "role-assignments"))
        handle_group_role_assignments (req, group);
      else if (n == 9 && streq (p[7], "role-assignments"))
        handle_group_role_change (req, group, p[8]);
      else
        respond_not_found (req->msg);
      return;
    }

  respond_not_found (req->msg);
}

static void
route_admin (SbRequest  *req,
             char      **p,
             guint       n)
{
  if (n < 2 || !streq (p[1], "orgs") || (!streq (p[0], "v1") && !streq (p[0], "v2")))
    {
      respond_not_found (req->msg);
      return;
    }

  if (streq (p[0], "v1"))
    {
      if (n == 2)
        {
          handle_orgs_list (req);
          return;
        }
      if (is_retired_v1 (req, p, n))
        {
          respond_not_found (req->msg);
          return;
        }
      if (!check_org (req, p[2]))
        return;
      if (n == 3)
        handle_org_get (req);
      else if (n == 4 && streq (p[3], "domains"))
        handle_domains (req);
      else if (n == 7 && streq (p[3], "directory") && streq (p[4], "users") &&
               streq (p[6], "last-active-dates"))
        handle_last_active (req, p[5]);
      else if (n == 7 && streq (p[3], "users") && streq (p[5], "roles"))
        handle_user_roles (req, p[4], p[6]);
      else
        respond_not_found (req->msg);
      return;
    }

  /* v2 */
  if (n < 4)
    {
      respond_not_found (req->msg);
      return;
    }
  if (!check_org (req, p[2]))
    return;
  if (n == 4 && streq (p[3], "directories"))
    handle_directories (req);
  else if (n == 4 && streq (p[3], "workspaces"))
    handle_workspaces (req);
  else if (n >= 6 && streq (p[3], "directories"))
    route_directory (req, p, n);
  else
    respond_not_found (req->msg);
}

void
_sb_route (SbRequest *req)
{
  g_auto(GStrv) parts = NULL;
  guint n;

  parts = g_strsplit (req->path + (req->path[0] == '/' ? 1 : 0), "/", -1);
  n = g_strv_length (parts);
  /* Tolerate one trailing slash. */
  if (n > 0 && *parts[n - 1] == '\0')
    {
      g_free (parts[n - 1]);
      parts[n - 1] = NULL;
      n--;
    }
  for (guint i = 0; i < n; i++)
    {
      char *decoded;

      if (*parts[i] == '\0' || (decoded = g_uri_unescape_string (parts[i], NULL)) == NULL)
        {
          respond_not_found (req->msg);
          return;
        }
      g_free (parts[i]);
      parts[i] = decoded;
    }

  if (n >= 1 && streq (parts[0], "admin"))
    route_admin (req, parts + 1, n - 1);
  else if (n >= 2 && streq (parts[0], "users"))
    route_user_management (req, parts, n);
  else
    respond_not_found (req->msg);
}
