/* roster-site.c: the product-API connection of one site, and the paged GET
 * shared by the product clients. */
#define G_LOG_DOMAIN "roster-site"

#include "config.h"

#include <string.h>

#include "roster-async-private.h"
#include "roster-error.h"
#include "roster-json-private.h"
#include "roster-site.h"
#include "roster-site-private.h"

struct _RosterSite
{
  GObject     parent_instance;

  RosterHttp *jira_http;        /* (owned) */
  RosterHttp *confluence_http;  /* (owned) */

  char       *url;
  char       *email;
  char       *jira_url;
  char       *confluence_url;
  char       *account_id;       /* (nullable) after validation */
  char       *display_name;     /* (nullable) after validation */

  guint       has_token : 1;
  guint       gateway : 1;
};

G_DEFINE_FINAL_TYPE (RosterSite, roster_site, G_TYPE_OBJECT)

/* URL parsing */

static gboolean
invalid_url (GError     **error,
             const char  *url,
             const char  *why)
{
  g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT,
               "“%s” is not a site URL: %s. Use https://<your-site>.atlassian.net or "
               "https://api.atlassian.com/ex/jira/<cloud-id>", url, why);
  return FALSE;
}

gboolean
roster_site_parse_url (const char  *url,
                       char       **out_site_url,
                       char       **out_jira_base,
                       char       **out_confluence_base,
                       GError     **error)
{
  g_autofree char *text = NULL;
  g_autofree char *origin = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GUri) uri = NULL;
  g_auto(GStrv) parts = NULL;
  const char *scheme, *host;
  guint n = 0;
  int port;

  if (url == NULL || *(text = g_strstrip (g_strdup (url))) == '\0')
    return invalid_url (error, url ? url : "", "it is empty");

  /* A bare host is the common paste: assume https. */
  if (strstr (text, "://") == NULL)
    {
      char *with_scheme = g_strconcat ("https://", text, NULL);

      g_free (text);
      text = with_scheme;
    }

  if (!(uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL)))
    return invalid_url (error, url, "it cannot be parsed");

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  port = g_uri_get_port (uri);
  if (host == NULL || *host == '\0')
    return invalid_url (error, url, "it has no host name");
  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL ||
      g_uri_get_userinfo (uri) != NULL)
    return invalid_url (error, url, "it has a query, fragment or user name");
  if (g_ascii_strcasecmp (scheme, "http") == 0)
    {
      if (!roster_http_is_loopback_host (host))
        {
          g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INSECURE_URL,
                       "Refusing plain http:// to %s: the site must be reached over https://", host);
          return FALSE;
        }
    }
  else if (g_ascii_strcasecmp (scheme, "https") != 0)
    return invalid_url (error, url, "only https:// is supported");

  {
    g_autofree char *lower_host = g_ascii_strdown (host, -1);
    const char *lower_scheme = g_ascii_strcasecmp (scheme, "http") == 0 ? "http" : "https";
    gboolean ipv6 = strchr (lower_host, ':') != NULL;

    if (port > 0)
      origin = g_strdup_printf ("%s://%s%s%s:%d", lower_scheme, ipv6 ? "[" : "", lower_host,
                                ipv6 ? "]" : "", port);
    else
      origin = g_strdup_printf ("%s://%s%s%s", lower_scheme, ipv6 ? "[" : "", lower_host,
                                ipv6 ? "]" : "");
  }

  path = g_strdup (g_uri_get_path (uri));
  parts = g_strsplit (path, "/", -1);
  /* Keep the non-empty segments. */
  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      {
        char *segment = parts[i];

        parts[i] = NULL;
        parts[n] = segment;
        n++;
      }
    else
      {
        g_free (parts[i]);
        parts[i] = NULL;
      }

  if (n >= 1 && g_str_equal (parts[0], "ex"))
    {
      if (n < 3 || (!g_str_equal (parts[1], "jira") && !g_str_equal (parts[1], "confluence")))
        return invalid_url (error, url, "a gateway URL reads …/ex/jira/<cloud-id>");
      if (n > 4 || (n == 4 && !g_str_equal (parts[3], "wiki")))
        return invalid_url (error, url, "it has a path after the cloud id");
      for (const char *p = parts[2]; *p; p++)
        if (!g_ascii_isxdigit (*p) && *p != '-')
          return invalid_url (error, url, "the cloud id is not a UUID");

      if (out_site_url)
        *out_site_url = g_strdup_printf ("%s/ex/%s/%s", origin, parts[1], parts[2]);
      if (out_jira_base)
        *out_jira_base = g_strdup_printf ("%s/ex/jira/%s", origin, parts[2]);
      if (out_confluence_base)
        *out_confluence_base = g_strdup_printf ("%s/ex/confluence/%s", origin, parts[2]);
      return TRUE;
    }

  if (n > 1 || (n == 1 && !g_str_equal (parts[0], "wiki") && !g_str_equal (parts[0], "jira")))
    return invalid_url (error, url, "it has a path; give only the site address");
  if (g_ascii_strcasecmp (host, "api.atlassian.com") == 0)
    return invalid_url (error, url, "the gateway needs /ex/jira/<cloud-id>");

  if (out_site_url)
    *out_site_url = g_strdup (origin);
  if (out_jira_base)
    *out_jira_base = g_strdup (origin);
  if (out_confluence_base)
    *out_confluence_base = g_strdup (origin);
  return TRUE;
}

/* GObject */

static void
roster_site_finalize (GObject *object)
{
  RosterSite *self = ROSTER_SITE (object);

  g_clear_object (&self->jira_http);
  g_clear_object (&self->confluence_http);
  g_free (self->url);
  g_free (self->email);
  g_free (self->jira_url);
  g_free (self->confluence_url);
  g_free (self->account_id);
  g_free (self->display_name);

  G_OBJECT_CLASS (roster_site_parent_class)->finalize (object);
}

static void
roster_site_class_init (RosterSiteClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = roster_site_finalize;
}

static void
roster_site_init (RosterSite *self)
{
}

/* Public API */

RosterSite *
roster_site_new (const char  *url,
                 const char  *email,
                 GError     **error)
{
  g_autoptr(RosterSite) self = NULL;
  g_autofree char *site = NULL, *jira = NULL, *confluence = NULL;
  g_autofree char *trimmed = NULL;
  const char *at;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!roster_site_parse_url (url, &site, &jira, &confluence, error))
    return NULL;

  trimmed = g_strstrip (g_strdup (email ? email : ""));
  at = strchr (trimmed, '@');
  if (at == NULL || at == trimmed || at[1] == '\0' || strchr (trimmed, ' ') || strchr (trimmed, ':'))
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an email address: give the email of the account the API token belongs to",
                   trimmed);
      return NULL;
    }

  self = g_object_new (ROSTER_TYPE_SITE, NULL);
  if (!(self->jira_http = roster_http_new (jira, error)))
    return NULL;
  if (!(self->confluence_http = roster_http_new (confluence, error)))
    return NULL;
  self->url = g_steal_pointer (&site);
  self->email = g_steal_pointer (&trimmed);
  self->jira_url = g_steal_pointer (&jira);
  self->confluence_url = g_steal_pointer (&confluence);
  self->gateway = strstr (self->url, "/ex/") != NULL;

  return g_steal_pointer (&self);
}

RosterSite *
roster_site_new_from_environment (GError **error)
{
  const char *url = g_getenv ("ROSTER_SITE_URL");
  const char *email = g_getenv ("ROSTER_SITE_EMAIL");
  const char *token = g_getenv ("ROSTER_SITE_TOKEN");
  RosterSite *self;

  if (url == NULL || *url == '\0')
    return NULL;
  if (email == NULL || *email == '\0')
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT,
                   "ROSTER_SITE_URL is set but ROSTER_SITE_EMAIL is not");
      return NULL;
    }
  if (!(self = roster_site_new (url, email, error)))
    return NULL;
  if (token != NULL && *token != '\0')
    roster_site_set_token (self, token);
  return self;
}

const char *
roster_site_get_url (RosterSite *self)
{
  g_return_val_if_fail (ROSTER_IS_SITE (self), NULL);
  return self->url;
}

const char *
roster_site_get_email (RosterSite *self)
{
  g_return_val_if_fail (ROSTER_IS_SITE (self), NULL);
  return self->email;
}

const char *
roster_site_get_jira_url (RosterSite *self)
{
  g_return_val_if_fail (ROSTER_IS_SITE (self), NULL);
  return self->jira_url;
}

const char *
roster_site_get_confluence_url (RosterSite *self)
{
  g_return_val_if_fail (ROSTER_IS_SITE (self), NULL);
  return self->confluence_url;
}

gboolean
roster_site_is_gateway (RosterSite *self)
{
  g_return_val_if_fail (ROSTER_IS_SITE (self), FALSE);
  return self->gateway;
}

char *
roster_site_dup_account (RosterSite *self)
{
  g_return_val_if_fail (ROSTER_IS_SITE (self), NULL);
  return g_strdup_printf ("%s %s", self->url, self->email);
}

void
roster_site_set_token (RosterSite *self,
                       const char *token)
{
  g_return_if_fail (ROSTER_IS_SITE (self));

  self->has_token = token != NULL && *token != '\0';
  roster_http_set_basic_auth (self->jira_http, self->email, self->has_token ? token : NULL);
  roster_http_set_basic_auth (self->confluence_http, self->email, self->has_token ? token : NULL);
}

gboolean
roster_site_has_token (RosterSite *self)
{
  g_return_val_if_fail (ROSTER_IS_SITE (self), FALSE);
  return self->has_token;
}

RosterHttp *
roster_site_get_jira_http (RosterSite *self)
{
  g_return_val_if_fail (ROSTER_IS_SITE (self), NULL);
  return self->jira_http;
}

RosterHttp *
roster_site_get_confluence_http (RosterSite *self)
{
  g_return_val_if_fail (ROSTER_IS_SITE (self), NULL);
  return self->confluence_http;
}

void
roster_site_set_retry_policy (RosterSite *self,
                              guint       max_retries,
                              guint       base_delay_ms,
                              guint       max_delay_ms)
{
  g_return_if_fail (ROSTER_IS_SITE (self));
  roster_http_set_retry_policy (self->jira_http, max_retries, base_delay_ms, max_delay_ms);
  roster_http_set_retry_policy (self->confluence_http, max_retries, base_delay_ms, max_delay_ms);
}

void
roster_site_set_max_concurrent (RosterSite *self,
                                guint       max_concurrent)
{
  g_return_if_fail (ROSTER_IS_SITE (self));
  roster_http_set_max_concurrent (self->jira_http, max_concurrent);
  roster_http_set_max_concurrent (self->confluence_http, max_concurrent);
}

const char *
roster_site_get_account_id (RosterSite *self)
{
  g_return_val_if_fail (ROSTER_IS_SITE (self), NULL);
  return self->account_id;
}

const char *
roster_site_get_display_name (RosterSite *self)
{
  g_return_val_if_fail (ROSTER_IS_SITE (self), NULL);
  return self->display_name;
}

/* Validation */

static void
validate_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RosterSite *self = g_task_get_source_object (task);
  g_autoptr(RosterHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object_root;

  response = roster_http_request_finish (ROSTER_HTTP (object), result, &error);
  if (response == NULL)
    {
      if (g_error_matches (error, ROSTER_ERROR, ROSTER_ERROR_UNAUTHORIZED))
        g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_UNAUTHORIZED,
                                 "The site refused the email and API token (401): check that the "
                                 "token belongs to %s and has not expired or been revoked", self->email);
      else if (g_error_matches (error, ROSTER_ERROR, ROSTER_ERROR_FORBIDDEN))
        g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_FORBIDDEN,
                                 "The account %s may not use this site's API (403). A scoped token "
                                 "works only through https://api.atlassian.com/ex/jira/<cloud-id>",
                                 self->email);
      else if (g_error_matches (error, ROSTER_ERROR, ROSTER_ERROR_NOT_FOUND))
        g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_NOT_FOUND,
                                 "No Jira site answers at %s (404): check the site URL", self->url);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (response->json == NULL || !JSON_NODE_HOLDS_OBJECT (response->json) ||
      !json_object_has_member ((object_root = json_node_get_object (response->json)), "accountId") ||
      json_object_get_string_member_with_default (object_root, "accountId", NULL) == NULL)
    {
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                               "%s did not answer like an Atlassian site (no accountId in /myself)",
                               self->url);
      return;
    }

  g_free (self->account_id);
  self->account_id = g_strdup (json_object_get_string_member (object_root, "accountId"));
  g_free (self->display_name);
  self->display_name = g_strdup (json_object_get_string_member_with_default (object_root,
                                                                             "displayName", ""));
  g_task_return_boolean (task, TRUE);
}

void
roster_site_validate_async (RosterSite          *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ROSTER_IS_SITE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_site_validate_async);

  if (!self->has_token)
    {
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_NO_API_KEY,
                               "No API token for %s at %s", self->email, self->url);
      return;
    }

  roster_http_request_async (self->jira_http, "GET", "/rest/api/3/myself", NULL,
                             ROSTER_HTTP_FLAGS_NONE, cancellable, validate_cb,
                             g_steal_pointer (&task));
}

gboolean
roster_site_validate_finish (RosterSite    *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (ROSTER_IS_SITE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
roster_site_validate_sync (RosterSite    *self,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_auto(RosterSyncCall) call = { NULL };

  g_return_val_if_fail (ROSTER_IS_SITE (self), FALSE);

  _roster_sync_call_begin (&call);
  roster_site_validate_async (self, cancellable, _roster_sync_call_done, &call);

  return roster_site_validate_finish (self, _roster_sync_call_wait (&call), error);
}

/* Keyring */

gboolean
roster_site_save_token_sync (RosterSite         *self,
                             RosterCredentials  *credentials,
                             const char         *token,
                             GCancellable       *cancellable,
                             GError            **error)
{
  g_autofree char *account = NULL;
  g_autofree char *label = NULL;

  g_return_val_if_fail (ROSTER_IS_SITE (self), FALSE);
  g_return_val_if_fail (ROSTER_IS_CREDENTIALS (credentials), FALSE);

  account = roster_site_dup_account (self);
  label = g_strdup_printf ("Atlassian API token for %s on %s", self->email, self->url);
  if (!roster_credentials_store_sync (credentials, ROSTER_SECRET_SITE_TOKEN, account, label,
                                      token, cancellable, error))
    return FALSE;
  roster_site_set_token (self, token);
  return TRUE;
}

gboolean
roster_site_load_token_sync (RosterSite         *self,
                             RosterCredentials  *credentials,
                             GCancellable       *cancellable,
                             GError            **error)
{
  g_autofree char *account = NULL;
  char *token;

  g_return_val_if_fail (ROSTER_IS_SITE (self), FALSE);
  g_return_val_if_fail (ROSTER_IS_CREDENTIALS (credentials), FALSE);

  account = roster_site_dup_account (self);
  token = roster_credentials_lookup_sync (credentials, ROSTER_SECRET_SITE_TOKEN, account,
                                          cancellable, error);
  if (token == NULL)
    return FALSE;
  roster_site_set_token (self, token);
  roster_credentials_free_secret (token);
  return TRUE;
}

gboolean
roster_site_forget_token_sync (RosterSite         *self,
                               RosterCredentials  *credentials,
                               GCancellable       *cancellable,
                               GError            **error)
{
  g_autofree char *account = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean removed;

  g_return_val_if_fail (ROSTER_IS_SITE (self), FALSE);
  g_return_val_if_fail (ROSTER_IS_CREDENTIALS (credentials), FALSE);

  account = roster_site_dup_account (self);
  removed = roster_credentials_clear_sync (credentials, ROSTER_SECRET_SITE_TOKEN, account,
                                           cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  roster_site_set_token (self, NULL);
  return removed;
}

static void
load_token_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RosterSite *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  char *token;

  token = roster_credentials_lookup_finish (ROSTER_CREDENTIALS (object), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (token != NULL)
    {
      roster_site_set_token (self, token);
      roster_credentials_free_secret (token);
    }
  g_task_return_boolean (task, token != NULL);
}

void
roster_site_load_token_async (RosterSite          *self,
                              RosterCredentials   *credentials,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *account = NULL;

  g_return_if_fail (ROSTER_IS_SITE (self));
  g_return_if_fail (ROSTER_IS_CREDENTIALS (credentials));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_site_load_token_async);
  account = roster_site_dup_account (self);
  roster_credentials_lookup_async (credentials, ROSTER_SECRET_SITE_TOKEN, account, cancellable,
                                   load_token_cb, g_steal_pointer (&task));
}

gboolean
roster_site_load_token_finish (RosterSite    *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (ROSTER_IS_SITE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct
{
  char *token;
} SaveData;

static void
save_data_free (gpointer data)
{
  SaveData *save = data;

  if (save->token != NULL)
    {
      memset (save->token, 0, strlen (save->token));
      g_free (save->token);
    }
  g_free (save);
}

static void
save_token_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RosterSite *self = g_task_get_source_object (task);
  SaveData *save = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!roster_credentials_store_finish (ROSTER_CREDENTIALS (object), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  roster_site_set_token (self, save->token);
  g_task_return_boolean (task, TRUE);
}

void
roster_site_save_token_async (RosterSite          *self,
                              RosterCredentials   *credentials,
                              const char          *token,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *account = NULL;
  g_autofree char *label = NULL;
  SaveData *save;

  g_return_if_fail (ROSTER_IS_SITE (self));
  g_return_if_fail (ROSTER_IS_CREDENTIALS (credentials));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_site_save_token_async);
  save = g_new0 (SaveData, 1);
  save->token = g_strdup (token);
  g_task_set_task_data (task, save, save_data_free);

  account = roster_site_dup_account (self);
  label = g_strdup_printf ("Atlassian API token for %s on %s", self->email, self->url);
  roster_credentials_store_async (credentials, ROSTER_SECRET_SITE_TOKEN, account, label, token,
                                  cancellable, save_token_cb, g_steal_pointer (&task));
}

gboolean
roster_site_save_token_finish (RosterSite    *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (ROSTER_IS_SITE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The paged GET */

typedef struct
{
  RosterHttp           *http;      /* (owned) */
  char                 *path;      /* without paging parameters */
  RosterSitePaging      paging;
  guint                 page_size;
  RosterHttpFlags       flags;
  RosterSiteItemParser  parser;
  GPtrArray            *items;     /* (owned) */
  RosterPagerState      pager;
  gint64                start;
} FetchJob;

static void
fetch_job_free (gpointer data)
{
  FetchJob *job = data;

  g_clear_object (&job->http);
  g_free (job->path);
  g_clear_pointer (&job->items, g_ptr_array_unref);
  roster_pager_state_clear (&job->pager);
  g_free (job);
}

static void fetch_page_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data);

static void
fetch_page (GTask      *task,
            const char *next)
{
  FetchJob *job = g_task_get_task_data (task);
  g_autofree char *path = NULL;
  const char *sep = strchr (job->path, '?') ? "&" : "?";

  switch (job->paging)
    {
    case ROSTER_SITE_PAGING_JSM:
    case ROSTER_SITE_PAGING_CF1:
      path = g_strdup_printf ("%s%sstart=%" G_GINT64_FORMAT "&limit=%u", job->path, sep,
                              job->start, job->page_size);
      break;
    case ROSTER_SITE_PAGING_BEAN:
      path = g_strdup_printf ("%s%sstartAt=%" G_GINT64_FORMAT "&maxResults=%u", job->path, sep,
                              job->start, job->page_size);
      break;
    case ROSTER_SITE_PAGING_CF2:
    default:
      path = next ? g_strdup (next) : g_strdup_printf ("%s%slimit=%u", job->path, sep, job->page_size);
      break;
    }

  roster_http_request_async (job->http, "GET", path, NULL, job->flags,
                             g_task_get_cancellable (task), fetch_page_cb, task);
}

static void
fetch_page_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FetchJob *job = g_task_get_task_data (task);
  g_autoptr(RosterHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *next = NULL;
  RosterPagerScheme scheme;
  JsonArray *items;
  guint n_items;

  response = roster_http_request_finish (ROSTER_HTTP (object), result, &error);
  if (response == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  scheme = job->pager.scheme;
  if (!(items = roster_pager_get_items (scheme, response->json, &error)))
    {
      g_prefix_error (&error, "%s: ", job->path);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  n_items = json_array_get_length (items);
  for (guint i = 0; i < n_items; i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      gpointer item;

      if (job->parser == NULL)
        item = json_node_ref (node);
      else if (!(item = job->parser (node, &error)))
        {
          g_prefix_error (&error, "Item %u of %s: ", i, job->path);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_ptr_array_add (job->items, item);
    }

  if (job->paging == ROSTER_SITE_PAGING_CF1)
    {
      JsonObject *root = json_node_get_object (response->json);
      JsonObject *links = _roster_json_peek_object (root, "_links");
      gboolean has_next = links != NULL && json_object_has_member (links, "next");

      /* v1: a short or empty page, or no next link, is the last one. */
      if (n_items == 0 || n_items < job->page_size || !has_next)
        g_task_return_pointer (task, g_steal_pointer (&job->items), (GDestroyNotify) g_ptr_array_unref);
      else if (job->pager.n_pages++ > 100000)
        g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                                 "%s: too many pages", job->path);
      else
        {
          job->start += n_items;
          fetch_page (g_steal_pointer (&task), NULL);
        }
      return;
    }

  if (!roster_pager_next (&job->pager, response->json, response->link_next, &next, &error))
    {
      g_prefix_error (&error, "%s: ", job->path);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (job->pager.done)
    {
      g_task_return_pointer (task, g_steal_pointer (&job->items), (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  /* Offset schemes use the next start (JSM links may name the site rather than the
   * gateway); Confluence v2 uses the site-relative link as is. */
  job->start = job->pager.next_start;
  if (job->paging == ROSTER_SITE_PAGING_BEAN && job->pager.next_start <= 0)
    job->start += n_items;
  fetch_page (g_steal_pointer (&task), job->paging == ROSTER_SITE_PAGING_CF2 ? next : NULL);
}

void
_roster_site_fetch_all_async (RosterHttp           *http,
                              const char           *path,
                              RosterSitePaging      paging,
                              guint                 page_size,
                              RosterHttpFlags       flags,
                              RosterSiteItemParser  parser,
                              GDestroyNotify        item_free,
                              GCancellable         *cancellable,
                              GAsyncReadyCallback   callback,
                              gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  FetchJob *job;

  g_assert (ROSTER_IS_HTTP (http));

  task = g_task_new (http, cancellable, callback, user_data);
  g_task_set_source_tag (task, _roster_site_fetch_all_async);

  job = g_new0 (FetchJob, 1);
  job->http = g_object_ref (http);
  job->path = g_strdup (path);
  job->paging = paging;
  job->page_size = MAX (page_size, 1);
  job->flags = flags;
  job->parser = parser;
  job->items = g_ptr_array_new_with_free_func (parser ? item_free : (GDestroyNotify) json_node_unref);
  switch (paging)
    {
    case ROSTER_SITE_PAGING_JSM:
      roster_pager_state_init (&job->pager, ROSTER_PAGER_JSM);
      break;
    case ROSTER_SITE_PAGING_BEAN:
      roster_pager_state_init (&job->pager, ROSTER_PAGER_PAGE_BEAN);
      job->pager.page_size = job->page_size;
      break;
    case ROSTER_SITE_PAGING_CF1:
    case ROSTER_SITE_PAGING_CF2:
    default:
      roster_pager_state_init (&job->pager, ROSTER_PAGER_CONFLUENCE);
      break;
    }
  g_task_set_task_data (task, job, fetch_job_free);

  fetch_page (g_steal_pointer (&task), NULL);
}

GPtrArray *
_roster_site_fetch_all_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
