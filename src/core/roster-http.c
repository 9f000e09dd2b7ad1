/* roster-http.c
 *
 * One SoupSession with a FIFO queue in front of it. At most max_concurrent
 * requests are in flight; the others wait in order. A request that gets a
 * 429/502/503/504 or a transport error is put back at the head of the queue
 * after a jittered wait; a 429 also pauses the whole queue for that wait,
 * because the Admin API limits are per organization, not per request.
 *
 * Secrets: the Authorization value lives in one field, is set on each message
 * and is never part of a log line or an error message.
 */
#define G_LOG_DOMAIN "roster-http"

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "roster-async-private.h"
#include "roster-error.h"
#include "roster-http.h"
#include "roster-json-private.h"

#define MAX_BODY_SIZE          (32 * 1024 * 1024)
#define THREAD_PARSE_THRESHOLD (64 * 1024)
#define READ_CHUNK_SIZE        (64 * 1024)
/* The least room a read is given: libsoup's chunked decoder needs more than
 * its boundary ("\r\n") in one read. */
#define READ_MIN_ROOM          4096
#define SESSION_MAX_CONNS      64
#define MAX_ERROR_TEXT         600

struct _RosterHttp
{
  GObject          parent_instance;

  SoupSession     *session;        /* (owned) */
  GUri            *base_uri;       /* (owned) */
  char            *base_url;       /* (owned) without trailing slash */
  char            *auth_header;    /* (owned) (nullable) secret: never log */

  GQueue           queue;          /* GTask* waiting for a slot, FIFO */
  GSource         *resume_source;  /* (owned) (nullable) end of a 429 pause */
  gint64           paused_until;   /* monotonic µs; 0 = not paused */

  RosterHttpStats  stats;

  guint            in_flight;
  guint            max_concurrent;
  guint            max_retries;
  guint            base_delay_ms;
  guint            max_delay_ms;
  guint            timeout_seconds;
};

G_DEFINE_FINAL_TYPE (RosterHttp, roster_http, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (RosterHttpResponse, roster_http_response,
                     roster_http_response_copy, roster_http_response_free)

typedef struct
{
  char               *method;         /* (owned) */
  char               *url;            /* (owned) absolute */
  char               *path;           /* (owned) path for messages, no query */
  GBytes             *body;           /* (owned) (nullable) */
  RosterHttpFlags     flags;
  guint               n_retries;

  SoupMessage        *msg;            /* (owned) (nullable) current attempt */
  GInputStream       *stream;         /* (owned) (nullable) */
  guint8             *buffer;         /* (owned) (nullable) the body read so far */
  gsize               buffer_len;
  gsize               buffer_size;
  GSource            *wait_source;    /* (owned) (nullable) backoff timer */
  GSource            *cancel_source;  /* (owned) (nullable) while queued or waiting */
  RosterHttpResponse *response;       /* (owned) (nullable) while decoding */
  gboolean            queued;
  gboolean            reading_body;   /* the failure cut a body short */
} Request;

static void pump          (RosterHttp *self);

static void
buffer_clear (Request *req)
{
  g_clear_pointer (&req->buffer, g_free);
  req->buffer_len = req->buffer_size = 0;
}

/* The body read so far, as bytes; the request's buffer is then empty. */
static GBytes *
buffer_steal (Request *req)
{
  GBytes *bytes;

  if (req->buffer == NULL)
    return g_bytes_new (NULL, 0);
  bytes = g_bytes_new_take (g_steal_pointer (&req->buffer), req->buffer_len);
  req->buffer_len = req->buffer_size = 0;
  return bytes;
}
static void enqueue       (GTask      *task,
                           gboolean    at_head);

static void
destroy_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static void
request_free (gpointer data)
{
  Request *req = data;

  destroy_source (&req->wait_source);
  destroy_source (&req->cancel_source);
  g_clear_object (&req->stream);
  g_clear_object (&req->msg);
  buffer_clear (req);
  g_clear_pointer (&req->response, roster_http_response_free);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_free (req->method);
  g_free (req->url);
  g_free (req->path);
  g_free (req);
}

/* Response boxed type */

RosterHttpResponse *
roster_http_response_copy (const RosterHttpResponse *response)
{
  RosterHttpResponse *copy;

  g_return_val_if_fail (response != NULL, NULL);

  copy = g_new0 (RosterHttpResponse, 1);
  *copy = *response;
  copy->body = response->body ? g_bytes_ref (response->body) : NULL;
  copy->json = response->json ? json_node_copy (response->json) : NULL;
  copy->link_next = g_strdup (response->link_next);

  return copy;
}

void
roster_http_response_free (RosterHttpResponse *response)
{
  if (response == NULL)
    return;

  g_clear_pointer (&response->body, g_bytes_unref);
  g_clear_pointer (&response->json, json_node_unref);
  g_clear_pointer (&response->link_next, g_free);
  g_free (response);
}

/* Pure helpers */

gboolean
roster_http_is_loopback_host (const char *host)
{
  g_autofree char *bare = NULL;
  g_autoptr(GInetAddress) address = NULL;
  gsize len;

  if (host == NULL || *host == '\0')
    return FALSE;

  len = strlen (host);
  if (host[0] == '[' && len > 2 && host[len - 1] == ']')
    bare = g_strndup (host + 1, len - 2);
  else
    bare = g_strdup (host);

  if (g_ascii_strcasecmp (bare, "localhost") == 0 ||
      g_ascii_strcasecmp (bare, "localhost.") == 0)
    return TRUE;

  /* inet_pton-strict: "127.1" or "127.0.0.1.example.com" are not addresses. */
  address = g_inet_address_new_from_string (bare);
  if (address == NULL)
    return FALSE;

  return g_inet_address_get_is_loopback (address);
}

static gboolean
is_all_digits (const char *s)
{
  if (*s == '\0')
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

gboolean
roster_http_parse_retry_after (const char *value,
                               gint64      now_unix_ms,
                               gint64     *out_delay_ms)
{
  g_autofree char *copy = NULL;
  g_autoptr(GDateTime) date = NULL;
  guint64 seconds;
  gint64 delay;

  if (value == NULL)
    return FALSE;

  copy = g_strstrip (g_strdup (value));

  if (is_all_digits (copy))
    {
      /* Bounded so that seconds * 1000 can never overflow. */
      if (!g_ascii_string_to_unsigned (copy, 10, 0, G_MAXINT64 / 1000, &seconds, NULL))
        return FALSE;
      if (out_delay_ms)
        *out_delay_ms = (gint64) seconds * 1000;
      return TRUE;
    }

  if (*copy == '\0' || strlen (copy) > 64)
    return FALSE;

  date = soup_date_time_new_from_http_string (copy);
  if (date == NULL)
    return FALSE;

  delay = g_date_time_to_unix (date) * 1000 - now_unix_ms;
  if (out_delay_ms)
    *out_delay_ms = MAX (delay, 0);

  return TRUE;
}

/* GLib's ISO 8601 parser needs seconds; the rate-limit header is documented
 * as "2026-03-26T16:00Z", so "HH:MM" is widened to "HH:MM:00". */
static char *
widen_iso8601_minutes (const char *value)
{
  const char *t = strchr (value, 'T');
  const char *p;

  if (t == NULL)
    t = strchr (value, 't');
  if (t == NULL)
    return NULL;

  p = t + 1;
  if (g_ascii_isdigit (p[0]) && g_ascii_isdigit (p[1]) && p[2] == ':' &&
      g_ascii_isdigit (p[3]) && g_ascii_isdigit (p[4]) &&
      (p[5] == '\0' || p[5] == 'Z' || p[5] == 'z' || p[5] == '+' || p[5] == '-'))
    return g_strdup_printf ("%.*s:00%s", (int) (p + 5 - value), value, p + 5);

  return NULL;
}

gboolean
roster_http_parse_rate_limit_reset (const char *value,
                                    gint64     *out_unix_ms)
{
  g_autofree char *copy = NULL;
  g_autofree char *widened = NULL;
  g_autoptr(GTimeZone) utc = NULL;
  g_autoptr(GDateTime) date = NULL;
  guint64 number;

  if (value == NULL)
    return FALSE;

  copy = g_strstrip (g_strdup (value));
  if (*copy == '\0' || strlen (copy) > 64)
    return FALSE;

  if (is_all_digits (copy))
    {
      if (!g_ascii_string_to_unsigned (copy, 10, 0, G_MAXINT64 / 1000, &number, NULL))
        return FALSE;
      /* Epoch seconds; a value this large can only be milliseconds. */
      if (number >= G_GUINT64_CONSTANT (100000000000))
        {
          if (out_unix_ms)
            *out_unix_ms = (gint64) number;
        }
      else if (out_unix_ms)
        *out_unix_ms = (gint64) number * 1000;
      return TRUE;
    }

  utc = g_time_zone_new_utc ();
  date = g_date_time_new_from_iso8601 (copy, utc);
  if (date == NULL && (widened = widen_iso8601_minutes (copy)))
    date = g_date_time_new_from_iso8601 (widened, utc);
  if (date == NULL)
    return FALSE;

  if (out_unix_ms)
    *out_unix_ms = g_date_time_to_unix (date) * 1000 +
                   g_date_time_get_microsecond (date) / 1000;

  return TRUE;
}

static const char *
skip_spaces (const char *p)
{
  while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
    p++;
  return p;
}

static gboolean
rel_has_next (const char *rel,
              gsize       len)
{
  g_autofree char *copy = g_strndup (rel, len);
  g_auto(GStrv) tokens = g_strsplit_set (copy, " \t", -1);

  for (guint i = 0; tokens[i]; i++)
    if (g_ascii_strcasecmp (tokens[i], "next") == 0)
      return TRUE;

  return FALSE;
}

char *
roster_http_parse_link_next (const char *value)
{
  const char *p;

  if (value == NULL)
    return NULL;

  p = value;
  while (*p)
    {
      const char *url_start;
      const char *url_end;
      gboolean is_next = FALSE;

      p = skip_spaces (p);
      if (*p == ',')
        {
          p++;
          continue;
        }
      if (*p != '<')
        {
          /* Garbage: skip to the next link. */
          while (*p && *p != ',')
            p++;
          continue;
        }

      url_start = p + 1;
      url_end = strchr (url_start, '>');
      if (url_end == NULL)
        return NULL;
      p = url_end + 1;

      /* Parameters: ; name=value or ; name="value" until a top-level comma. */
      while (*p && *p != ',')
        {
          const char *name_start;
          const char *name_end;
          const char *val_start = NULL;
          gsize val_len = 0;

          p = skip_spaces (p);
          if (*p != ';')
            {
              while (*p && *p != ',' && *p != ';')
                p++;
              continue;
            }
          p = skip_spaces (p + 1);
          name_start = p;
          while (*p && *p != '=' && *p != ';' && *p != ',' && *p != ' ' && *p != '\t')
            p++;
          name_end = p;
          p = skip_spaces (p);
          if (*p == '=')
            {
              p = skip_spaces (p + 1);
              if (*p == '"')
                {
                  val_start = ++p;
                  while (*p && *p != '"')
                    p++;
                  val_len = p - val_start;
                  if (*p == '"')
                    p++;
                }
              else
                {
                  val_start = p;
                  while (*p && *p != ';' && *p != ',' && *p != ' ' && *p != '\t')
                    p++;
                  val_len = p - val_start;
                }
            }

          if (name_end - name_start == 3 &&
              g_ascii_strncasecmp (name_start, "rel", 3) == 0 &&
              val_start != NULL && rel_has_next (val_start, val_len))
            is_next = TRUE;
        }

      if (is_next)
        {
          g_autofree char *url = g_strndup (url_start, url_end - url_start);

          g_strstrip (url);
          if (*url != '\0')
            return g_steal_pointer (&url);
        }
    }

  return NULL;
}

static void
append_part (GString    *out,
             const char *text)
{
  if (text == NULL || *text == '\0')
    return;
  if (out->len > 0)
    g_string_append (out, "; ");
  g_string_append (out, text);
}

/* A scalar member as text ("ADMIN-404-8" or 404). */
static char *
object_dup_scalar (JsonObject *object,
                   const char *member)
{
  JsonNode *node = _roster_json_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (node));
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    default:
      return NULL;
    }
}

static void
append_error_item (GString  *out,
                   JsonNode *item)
{
  JsonObject *object;
  JsonObject *message_object;
  g_autofree char *code = NULL;
  const char *title;
  const char *detail;
  const char *message;
  g_autoptr(GString) one = g_string_new (NULL);

  if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
    {
      append_part (out, json_node_get_string (item));
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (item))
    return;

  object = json_node_get_object (item);
  code = object_dup_scalar (object, "code");
  title = _roster_json_peek_string (object, "title");
  detail = _roster_json_peek_string (object, "detail");
  message = _roster_json_peek_string (object, "message");
  /* Confluence v1: {"message":{"translation":"…"}} */
  if (message == NULL && (message_object = _roster_json_peek_object (object, "message")))
    message = _roster_json_peek_string (message_object, "translation");

  if (title == NULL)
    title = message;
  if (title != NULL && detail != NULL && g_strcmp0 (title, detail) != 0)
    g_string_printf (one, "%s (%s)", title, detail);
  else if (title != NULL || detail != NULL)
    g_string_assign (one, title ? title : detail);

  if (code != NULL && one->len > 0)
    {
      g_string_prepend (one, ": ");
      g_string_prepend (one, code);
    }
  else if (code != NULL)
    g_string_assign (one, code);

  append_part (out, one->str);
}

/* Makes the text one printable line of bounded length. */
static char *
sanitize_line (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_new (NULL);
  gboolean space = FALSE;

  for (const char *p = valid; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || g_unichar_isspace (c))
        {
          space = out->len > 0;
          continue;
        }
      if (out->len >= MAX_ERROR_TEXT)
        {
          g_string_append (out, "…");
          break;
        }
      if (space)
        g_string_append_c (out, ' ');
      space = FALSE;
      g_string_append_unichar (out, c);
    }

  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }

  return g_string_free (out, FALSE);
}

/* json-glib 1.6 accepts several top-level values ("{}{}"), keeps the last one and
 * leaks the others. A response body is one JSON value: anything but white space
 * after it makes the body invalid, checked before json-glib sees it. */
static gboolean
json_has_trailing_data (const char *data,
                        gsize       length)
{
  gsize i = 0;
  int depth = 0;
  gboolean in_string = FALSE;

  while (i < length && g_ascii_isspace (data[i]))
    i++;

  if (i < length && data[i] != '{' && data[i] != '[' && data[i] != '"')
    {
      /* A bare scalar runs up to white space or a structural character. */
      while (i < length && !g_ascii_isspace (data[i]) && data[i] != '\0' &&
             strchr ("{}[]\",:", data[i]) == NULL)
        i++;
    }
  else
    {
      for (; i < length; i++)
        {
          char c = data[i];

          if (in_string)
            {
              if (c == '\\')
                i++;
              else if (c == '"')
                {
                  in_string = FALSE;
                  if (depth == 0)
                    {
                      i++;
                      break;
                    }
                }
            }
          else if (c == '"')
            in_string = TRUE;
          else if (c == '{' || c == '[')
            depth++;
          else if ((c == '}' || c == ']') && --depth <= 0)
            {
              i++;
              break;
            }
        }
    }

  while (i < length && g_ascii_isspace (data[i]))
    i++;

  return i < length;
}

char *
roster_http_parse_error_body (const char *body,
                              gsize       length)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GString) out = NULL;
  JsonNode *root;
  JsonObject *object;
  JsonNode *node;
  const char *text;

  if (body == NULL || length == 0 || length > G_MAXSSIZE)
    return NULL;

  if (json_has_trailing_data (body, length))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, body, (gssize) length, NULL))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  out = g_string_new (NULL);

  /* Jira: errorMessages[] plus errors{field: message}. */
  if (json_object_has_member (object, "errorMessages") &&
      JSON_NODE_HOLDS_ARRAY (node = json_object_get_member (object, "errorMessages")))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        append_error_item (out, json_array_get_element (array, i));
    }

  if (json_object_has_member (object, "errors"))
    {
      node = json_object_get_member (object, "errors");
      if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);

          for (guint i = 0; i < json_array_get_length (array); i++)
            append_error_item (out, json_array_get_element (array, i));
        }
      else if (JSON_NODE_HOLDS_OBJECT (node))
        {
          JsonObject *fields = json_node_get_object (node);
          JsonObjectIter iter;
          const char *name;
          JsonNode *value;

          json_object_iter_init (&iter, fields);
          while (json_object_iter_next (&iter, &name, &value))
            {
              if (JSON_NODE_HOLDS_VALUE (value) &&
                  json_node_get_value_type (value) == G_TYPE_STRING)
                {
                  g_autofree char *pair = g_strdup_printf ("%s: %s", name,
                                                           json_node_get_string (value));
                  append_part (out, pair);
                }
            }
        }
    }

  if (out->len == 0 && (text = _roster_json_peek_string (object, "errorMessage")))
    append_part (out, text);

  if (out->len == 0 && (text = _roster_json_peek_string (object, "message")))
    append_part (out, text);

  if (out->len == 0 && (text = _roster_json_peek_string (object, "key")))
    {
      JsonObject *context = _roster_json_peek_object (object, "context");
      const char *context_message = _roster_json_peek_string (context, "message");
      JsonObject *reason = _roster_json_peek_object (context, "reason");
      const char *reason_key = _roster_json_peek_string (reason, "key");

      if (context_message)
        g_string_printf (out, "%s: %s", text, context_message);
      else if (reason_key)
        g_string_printf (out, "%s: %s", text, reason_key);
      else
        append_part (out, text);
    }

  /* Spring-style {"error":"Forbidden"} without a message. */
  if (out->len == 0 && (text = _roster_json_peek_string (object, "error")))
    append_part (out, text);

  if (out->len == 0)
    return NULL;

  return sanitize_line (out->str);
}

/* Status mapping and the status carried by an error.
 *
 * Errors that stem from an HTTP status have messages that start with
 * "HTTP <status> ", which roster_http_error_get_status() reads back. That
 * survives g_error_copy() and every hop through GTask, unlike a side table. */

static RosterErrorCode
code_for_status (guint status)
{
  switch (status)
    {
    case 401: return ROSTER_ERROR_UNAUTHORIZED;
    case 403: return ROSTER_ERROR_FORBIDDEN;
    case 404: return ROSTER_ERROR_NOT_FOUND;
    case 409: return ROSTER_ERROR_CONFLICT;
    case 412: return ROSTER_ERROR_PRECONDITION;
    case 429: return ROSTER_ERROR_RATE_LIMITED;
    default:
      if (status >= 500)
        return ROSTER_ERROR_SERVER;
      if (status >= 400)
        return ROSTER_ERROR_BAD_REQUEST;
      return ROSTER_ERROR_INVALID_RESPONSE;
    }
}

static GError *
error_for_status (guint       status,
                  const char *reason,
                  const char *method,
                  const char *path,
                  GBytes     *body)
{
  g_autofree char *text = NULL;
  gconstpointer data = NULL;
  gsize length = 0;

  if (body != NULL)
    data = g_bytes_get_data (body, &length);
  text = roster_http_parse_error_body (data, length);
  if (text == NULL)
    text = g_strdup (reason && *reason ? reason : soup_status_get_phrase (status));

  return g_error_new (ROSTER_ERROR, code_for_status (status), "HTTP %u from %s %s: %s",
                      status, method, path, text ? text : "");
}

guint
roster_http_error_get_status (const GError *error)
{
  const char *p;
  guint status = 0;

  if (error == NULL || error->domain != ROSTER_ERROR || error->message == NULL)
    return 0;
  if (!g_str_has_prefix (error->message, "HTTP "))
    return 0;

  p = error->message + 5;
  for (int i = 0; i < 3; i++)
    {
      if (!g_ascii_isdigit (p[i]))
        return 0;
      status = status * 10 + (p[i] - '0');
    }
  if (p[3] != ' ')
    return 0;

  return status >= 100 ? status : 0;
}

/* URLs */

static int
uri_effective_port (GUri *uri)
{
  int port = g_uri_get_port (uri);

  if (port > 0)
    return port;
  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0)
    return 443;
  return 80;
}

static GUri *
parse_and_check_url (const char  *url,
                     GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *scheme;
  const char *host;

  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED | G_URI_FLAGS_SCHEME_NORMALIZE, &local_error);
  if (uri == NULL)
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INSECURE_URL,
                   "Not a valid URL: %s", local_error->message);
      return NULL;
    }

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  if (host == NULL || *host == '\0')
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INSECURE_URL, "The URL has no host");
      return NULL;
    }
  if (g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INSECURE_URL,
                   "Credentials in the URL are not accepted");
      return NULL;
    }

  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return g_steal_pointer (&uri);

  if (g_ascii_strcasecmp (scheme, "http") == 0)
    {
      if (roster_http_is_loopback_host (host))
        return g_steal_pointer (&uri);
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INSECURE_URL,
                   "Refusing plain http:// to %s: only https:// is allowed "
                   "for hosts that are not loopback", host);
      return NULL;
    }

  g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INSECURE_URL,
               "Unsupported URL scheme “%s”", scheme);
  return NULL;
}

static char *
resolve_url (RosterHttp  *self,
             const char  *path_or_url,
             char       **out_path,
             GError     **error)
{
  g_autofree char *url = NULL;
  g_autoptr(GUri) uri = NULL;

  if (path_or_url == NULL || *path_or_url == '\0')
    url = g_strdup (self->base_url);
  else if (strstr (path_or_url, "://") != NULL)
    url = g_strdup (path_or_url);
  else if (path_or_url[0] == '/')
    url = g_strconcat (self->base_url, path_or_url, NULL);
  else
    url = g_strconcat (self->base_url, "/", path_or_url, NULL);

  if (!(uri = parse_and_check_url (url, error)))
    return NULL;

  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), g_uri_get_scheme (self->base_uri)) != 0 ||
      g_ascii_strcasecmp (g_uri_get_host (uri), g_uri_get_host (self->base_uri)) != 0 ||
      uri_effective_port (uri) != uri_effective_port (self->base_uri))
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INSECURE_URL,
                   "Refusing to follow a link to another host (%s)", g_uri_get_host (uri));
      return NULL;
    }

  if (out_path)
    *out_path = g_strdup (g_uri_get_path (uri));

  return g_steal_pointer (&url);
}

/* The queue */

static gint64
compute_wait_ms (RosterHttp *self,
                 SoupMessage *msg,
                 guint        n_retries)
{
  SoupMessageHeaders *headers = msg ? soup_message_get_response_headers (msg) : NULL;
  gint64 now_ms = g_get_real_time () / 1000;
  gint64 wait_ms = -1;
  gint64 reset_ms;
  double jittered;

  if (headers != NULL)
    {
      if (!roster_http_parse_retry_after (soup_message_headers_get_one (headers, "Retry-After"),
                                          now_ms, &wait_ms))
        wait_ms = -1;
      if (wait_ms < 0 &&
          roster_http_parse_rate_limit_reset (soup_message_headers_get_one (headers,
                                                                            "X-RateLimit-Reset"),
                                              &reset_ms))
        wait_ms = MAX (reset_ms - now_ms, 0);
    }

  if (wait_ms < 0)
    {
      wait_ms = self->base_delay_ms;
      for (guint i = 0; i < n_retries && wait_ms < self->max_delay_ms; i++)
        wait_ms *= 2;
      wait_ms = MIN (wait_ms, (gint64) self->max_delay_ms);
    }

  wait_ms = MIN (wait_ms, (gint64) self->max_delay_ms);
  jittered = (double) wait_ms * g_random_double_range (0.7, 1.3);
  wait_ms = MIN ((gint64) jittered, (gint64) self->max_delay_ms);

  return MAX (wait_ms, 0);
}

static gboolean
resume_cb (gpointer user_data)
{
  RosterHttp *self = user_data;

  g_clear_pointer (&self->resume_source, g_source_unref);
  pump (self);

  return G_SOURCE_REMOVE;
}

static void
finish_task (GTask *task)
{
  RosterHttp *self = g_task_get_source_object (task);

  /* A new slot may be free; whatever the callback queues runs after pump. */
  pump (self);
}

static void
return_error (GTask  *task,
              GError *error)
{
  g_task_return_error (task, error);
  finish_task (task);
}

static gboolean
queued_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  GTask *task = user_data;
  RosterHttp *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);

  g_object_ref (task);

  if (req->queued)
    {
      req->queued = FALSE;
      if (g_queue_remove (&self->queue, task))
        g_object_unref (task);
    }
  destroy_source (&req->wait_source);
  destroy_source (&req->cancel_source);

  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled");
  g_object_unref (task);

  return G_SOURCE_REMOVE;
}

static void
watch_cancellation (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (cancellable == NULL || req->cancel_source != NULL)
    return;

  req->cancel_source = g_cancellable_source_new (cancellable);
  g_source_set_callback (req->cancel_source, G_SOURCE_FUNC (queued_cancelled_cb),
                         g_object_ref (task), g_object_unref);
  g_source_attach (req->cancel_source, g_task_get_context (task));
}

static gboolean
retry_timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);

  g_clear_pointer (&req->wait_source, g_source_unref);
  destroy_source (&req->cancel_source);
  enqueue (task, TRUE);

  return G_SOURCE_REMOVE;
}

static void
schedule_retry (GTask    *task,
                gint64    wait_ms,
                gboolean  pause_queue)
{
  RosterHttp *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);

  req->n_retries++;
  self->stats.n_retries++;

  if (pause_queue)
    {
      gint64 until = g_get_monotonic_time () + wait_ms * 1000;

      self->paused_until = MAX (self->paused_until, until);
    }

  g_debug ("Retrying %s %s in %" G_GINT64_FORMAT " ms (retry %u)",
           req->method, req->path, wait_ms, req->n_retries);

  g_assert (req->wait_source == NULL);
  req->wait_source = g_timeout_source_new ((guint) MIN (wait_ms, G_MAXUINT));
  g_source_set_callback (req->wait_source, retry_timeout_cb, g_object_ref (task), g_object_unref);
  g_source_attach (req->wait_source, g_task_get_context (task));
  watch_cancellation (task);
}

static gboolean
is_retryable_status (guint status)
{
  return status == 429 || status == 502 || status == 503 || status == 504;
}

static gboolean
content_type_is_json (SoupMessage *msg)
{
  const char *type;

  type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);
  if (type == NULL)
    return TRUE;   /* Be lenient with a missing type; the parser decides. */

  return g_ascii_strcasecmp (type, "application/json") == 0 ||
         g_ascii_strcasecmp (type, "text/json") == 0 ||
         g_str_has_suffix (type, "+json");
}

static gboolean
decode_json (RosterHttpResponse  *response,
             const char          *path,
             GError             **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  gconstpointer data;
  gsize length;

  data = g_bytes_get_data (response->body, &length);
  if (json_has_trailing_data (data, length))
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                   "Response from %s is not valid JSON: more than one value", path);
      return FALSE;
    }
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local_error))
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                   "Response from %s is not valid JSON: %s", path, local_error->message);
      return FALSE;
    }

  response->json = json_parser_steal_root (parser);
  return TRUE;
}

static void
decode_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Request *req = task_data;
  GError *error = NULL;

  if (!decode_json (req->response, req->path, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&req->response),
                           (GDestroyNotify) roster_http_response_free);
}

/* Back on the request's context: hands the decoded body to the request. The
 * decoding runs as a task of its own, without the client as source object:
 * the pool thread lets go of a task only after its callback may have run, and
 * the client must be free to go as soon as its request has answered. */
static void
decode_done_cb (GObject      *source_object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RosterHttpResponse *response;
  GError *error = NULL;

  response = g_task_propagate_pointer (G_TASK (result), &error);
  if (response == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, response, (GDestroyNotify) roster_http_response_free);
}

static void
parse_int_header (SoupMessageHeaders *headers,
                  const char         *name,
                  int                *out)
{
  const char *value = soup_message_headers_get_one (headers, name);
  gint64 number;

  *out = -1;
  if (value != NULL && g_ascii_string_to_signed (value, 10, 0, G_MAXINT, &number, NULL))
    *out = (int) number;
}

static void
complete_success (GTask *task)
{
  RosterHttp *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  SoupMessageHeaders *headers = soup_message_get_response_headers (req->msg);
  RosterHttpResponse *response;
  gsize length;

  response = g_new0 (RosterHttpResponse, 1);
  response->status = soup_message_get_status (req->msg);
  response->body = buffer_steal (req);
  response->n_retries = req->n_retries;
  response->link_next = roster_http_parse_link_next (soup_message_headers_get_one (headers,
                                                                                 "Link"));
  parse_int_header (headers, "X-RateLimit-Limit", &response->rate_limit_limit);
  parse_int_header (headers, "X-RateLimit-Remaining", &response->rate_limit_remaining);
  if (!roster_http_parse_rate_limit_reset (soup_message_headers_get_one (headers,
                                                                         "X-RateLimit-Reset"),
                                           &response->rate_limit_reset))
    response->rate_limit_reset = -1;

  length = g_bytes_get_size (response->body);

  if ((req->flags & ROSTER_HTTP_FLAGS_RAW) != 0 || length == 0)
    {
      g_task_return_pointer (task, response, (GDestroyNotify) roster_http_response_free);
      finish_task (task);
      return;
    }

  if (!content_type_is_json (req->msg))
    {
      const char *type = soup_message_headers_get_content_type (headers, NULL);

      roster_http_response_free (response);
      return_error (task, g_error_new (ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                                       "Response from %s is not valid JSON: "
                                       "the server sent %s (a login page or a proxy?)",
                                       req->path, type));
      return;
    }

  if (length > THREAD_PARSE_THRESHOLD)
    {
      g_autoptr(GTask) decode = NULL;

      req->response = response;
      /* The slot is already free; the result comes back on the task's context. */
      decode = g_task_new (NULL, g_task_get_cancellable (task), decode_done_cb,
                           g_object_ref (task));
      g_task_set_source_tag (decode, decode_in_thread);
      g_task_set_task_data (decode, req, NULL);
      g_task_run_in_thread (decode, decode_in_thread);
      pump (self);
      return;
    }

  {
    GError *error = NULL;

    if (!decode_json (response, req->path, &error))
      {
        roster_http_response_free (response);
        return_error (task, error);
        return;
      }
  }

  g_task_return_pointer (task, response, (GDestroyNotify) roster_http_response_free);
  finish_task (task);
}

/* One attempt is over (the slot is already released). */
static void
attempt_done (GTask *task)
{
  RosterHttp *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  guint status = soup_message_get_status (req->msg);
  gboolean may_retry;

  g_debug ("%s %s → %u", req->method, req->path, status);

  if (status == 429)
    self->stats.n_429++;
  else if (status >= 500)
    self->stats.n_5xx++;

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      complete_success (task);
      return;
    }

  may_retry = (req->flags & ROSTER_HTTP_FLAGS_NO_RETRY) == 0 &&
              req->n_retries < self->max_retries &&
              is_retryable_status (status);

  if (may_retry)
    {
      gint64 wait_ms = compute_wait_ms (self, req->msg, req->n_retries);

      buffer_clear (req);
      schedule_retry (task, wait_ms, status == 429);
      pump (self);
      return;
    }

  {
    g_autoptr(GBytes) body = buffer_steal (req);

    return_error (task, error_for_status (status, soup_message_get_reason_phrase (req->msg),
                                          req->method, req->path, body));
  }
}

static void
attempt_failed (GTask  *task,
                GError *error)
{
  RosterHttp *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  gboolean may_retry;

  buffer_clear (req);
  g_clear_object (&req->stream);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      return_error (task, error);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    {
      g_error_free (error);
      finish_task (task);
      return;
    }

  if (error->domain == ROSTER_ERROR)
    {
      return_error (task, error);
      return;
    }

  self->stats.n_transport_errors++;

  /* TLS failures are never retried or ignored. */
  may_retry = error->domain != G_TLS_ERROR &&
              (req->flags & ROSTER_HTTP_FLAGS_NO_RETRY) == 0 &&
              req->n_retries < self->max_retries;

  g_debug ("%s %s failed: %s", req->method, req->path, error->message);

  if (may_retry)
    {
      g_error_free (error);
      schedule_retry (task, compute_wait_ms (self, NULL, req->n_retries), FALSE);
      pump (self);
      return;
    }

  /* A body cut short is retried like any transport failure; when that keeps
   * happening the response itself is the problem. */
  if (req->reading_body || (req->msg != NULL && soup_message_get_status (req->msg) != 0))
    return_error (task, g_error_new (ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                                     "Response from %s was truncated: %s",
                                     req->path, error->message));
  else
    return_error (task, g_error_new (ROSTER_ERROR, ROSTER_ERROR_NETWORK,
                                     "Network error for %s %s: %s",
                                     req->method, req->path, error->message));
  g_error_free (error);
}

static void read_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data);

/* Reads the next part of the body straight into the buffer, which grows
 * (to a little past the limit at most, to notice a body over it) only when
 * nearly full: with the length announced, the body is read in place with no
 * copy. */
static void
read_next (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  /* Not g_task_get_cancellable (task) inline: argument order is unspecified. */
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (req->buffer_size - req->buffer_len < READ_MIN_ROOM)
    {
      req->buffer_size = MIN (MAX (req->buffer_size * 2, READ_CHUNK_SIZE),
                              (gsize) MAX_BODY_SIZE + READ_MIN_ROOM);
      req->buffer = g_realloc (req->buffer, req->buffer_size);
    }

  g_input_stream_read_async (req->stream, req->buffer + req->buffer_len,
                             req->buffer_size - req->buffer_len, G_PRIORITY_DEFAULT,
                             cancellable, read_cb, task);
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RosterHttp *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  GError *error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  if (n < 0)
    {
      self->in_flight--;
      attempt_failed (task, error);
      return;
    }

  if (n == 0)
    {
      self->in_flight--;
      g_clear_object (&req->stream);
      attempt_done (task);
      return;
    }

  self->stats.bytes_received += n;
  req->buffer_len += n;

  if (req->buffer_len > MAX_BODY_SIZE)
    {
      self->in_flight--;
      /* Closing an unfinished body also drops the connection. */
      g_input_stream_close_async (req->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      g_clear_object (&req->stream);
      attempt_failed (task, g_error_new (ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                                         "Response from %s is larger than %d MB",
                                         req->path, MAX_BODY_SIZE / (1024 * 1024)));
      return;
    }

  read_next (g_steal_pointer (&task));
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RosterHttp *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  SoupMessageHeaders *headers;
  GError *error = NULL;

  req->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (req->stream == NULL)
    {
      self->in_flight--;
      attempt_failed (task, error);
      return;
    }

  headers = soup_message_get_response_headers (req->msg);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > MAX_BODY_SIZE)
    {
      self->in_flight--;
      g_input_stream_close_async (req->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      attempt_failed (task, g_error_new (ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                                         "Response from %s is larger than %d MB",
                                         req->path, MAX_BODY_SIZE / (1024 * 1024)));
      return;
    }

  /* The announced length and room for the read that finds the end (a
   * compressed body is longer once decoded, and grows the buffer). */
  buffer_clear (req);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    {
      req->buffer_size = (gsize) soup_message_headers_get_content_length (headers) + READ_MIN_ROOM;
      req->buffer = g_malloc (req->buffer_size);
    }
  read_next (g_steal_pointer (&task));
}

static void
start_attempt (GTask *task)
{
  RosterHttp *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  GMainContext *context = g_task_get_context (task);
  GMainContext *current = g_main_context_get_thread_default ();
  SoupMessageHeaders *headers;
  gboolean push;

  destroy_source (&req->cancel_source);

  if (g_task_return_error_if_cancelled (task))
    return;

  g_clear_object (&req->msg);
  req->reading_body = FALSE;
  req->msg = soup_message_new (req->method, req->url);
  if (req->msg == NULL)
    {
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_INSECURE_URL,
                               "Cannot build a request for %s", req->path);
      return;
    }

  /* Soup sends a POST on a connection of its own unless told it may be sent
   * again. A users search is a POST: as a read it reuses an idle keep-alive
   * connection instead of a new TCP and TLS handshake per page. */
  if (req->flags & ROSTER_HTTP_FLAGS_READ)
    soup_message_add_flags (req->msg, SOUP_MESSAGE_IDEMPOTENT);

  headers = soup_message_get_request_headers (req->msg);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (self->auth_header != NULL)
    soup_message_headers_replace (headers, "Authorization", self->auth_header);
  if (req->flags & ROSTER_HTTP_FLAGS_EXPERIMENTAL)
    soup_message_headers_replace (headers, "X-ExperimentalApi", "opt-in");
  if (req->body != NULL)
    soup_message_set_request_body_from_bytes (req->msg, "application/json", req->body);

  self->in_flight++;
  self->stats.n_requests++;

  /* Soup calls back on the thread-default context of the call: make it the
   * task's own, even when a request of another context freed the slot. */
  if (current == NULL)
    current = g_main_context_default ();
  push = context != current;
  if (push)
    g_main_context_push_thread_default (context);
  soup_session_send_async (self->session, req->msg, G_PRIORITY_DEFAULT,
                           g_task_get_cancellable (task), send_cb, g_object_ref (task));
  if (push)
    g_main_context_pop_thread_default (context);
}

static void
pump (RosterHttp *self)
{
  if (self->paused_until != 0)
    {
      gint64 now = g_get_monotonic_time ();

      if (now < self->paused_until)
        {
          /* The context it was attached to (a finished _sync call) may be gone. */
          if (self->resume_source != NULL && g_source_is_destroyed (self->resume_source))
            g_clear_pointer (&self->resume_source, g_source_unref);
          if (self->resume_source == NULL)
            {
              guint ms = (guint) ((self->paused_until - now + 999) / 1000);

              self->resume_source = g_timeout_source_new (ms);
              g_source_set_callback (self->resume_source, resume_cb, self, NULL);
              g_source_attach (self->resume_source, g_main_context_get_thread_default ());
            }
          return;
        }
      self->paused_until = 0;
    }

  while (self->in_flight < self->max_concurrent && self->queue.length > 0)
    {
      GTask *task = g_queue_pop_head (&self->queue);
      Request *req = g_task_get_task_data (task);

      req->queued = FALSE;
      start_attempt (task);
      g_object_unref (task);
    }
}

static void
enqueue (GTask    *task,
         gboolean  at_head)
{
  RosterHttp *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);

  req->queued = TRUE;
  if (at_head)
    g_queue_push_head (&self->queue, g_object_ref (task));
  else
    g_queue_push_tail (&self->queue, g_object_ref (task));

  watch_cancellation (task);
  pump (self);
}

/* GObject */

static void
roster_http_dispose (GObject *object)
{
  RosterHttp *self = (RosterHttp *) object;

  /* Queued tasks hold a ref on self, so the queue is empty by now. */
  g_warn_if_fail (self->queue.length == 0);
  destroy_source (&self->resume_source);

  G_OBJECT_CLASS (roster_http_parent_class)->dispose (object);
}

static void
roster_http_finalize (GObject *object)
{
  RosterHttp *self = (RosterHttp *) object;

  if (self->auth_header != NULL)
    {
      memset (self->auth_header, 0, strlen (self->auth_header));
      g_clear_pointer (&self->auth_header, g_free);
    }
  g_clear_object (&self->session);
  g_clear_pointer (&self->base_uri, g_uri_unref);
  g_clear_pointer (&self->base_url, g_free);

  G_OBJECT_CLASS (roster_http_parent_class)->finalize (object);
}

static void
roster_http_class_init (RosterHttpClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = roster_http_dispose;
  object_class->finalize = roster_http_finalize;
}

static void
roster_http_init (RosterHttp *self)
{
  g_queue_init (&self->queue);
  self->max_concurrent = 4;
  self->max_retries = 4;
  self->base_delay_ms = 1000;
  self->max_delay_ms = 30000;
  self->timeout_seconds = 60;
}

/* Public API */

RosterHttp *
roster_http_new (const char  *base_url,
                 GError     **error)
{
  g_autoptr(RosterHttp) self = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *url = NULL;
  gsize len;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (base_url == NULL)
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INSECURE_URL, "No URL given");
      return NULL;
    }

  url = g_strstrip (g_strdup (base_url));
  len = strlen (url);
  while (len > 0 && url[len - 1] == '/')
    url[--len] = '\0';

  if (!(uri = parse_and_check_url (url, error)))
    return NULL;
  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INSECURE_URL,
                   "A base URL cannot have a query or a fragment");
      return NULL;
    }

  self = g_object_new (ROSTER_TYPE_HTTP, NULL);
  self->base_uri = g_steal_pointer (&uri);
  self->base_url = g_steal_pointer (&url);
  /* The queue bounds concurrency; the session must never be the bottleneck.
   * No accept-certificate handler anywhere: TLS errors fail the request. */
  self->session = g_object_new (SOUP_TYPE_SESSION,
                                "max-conns", SESSION_MAX_CONNS,
                                "max-conns-per-host", SESSION_MAX_CONNS,
                                "user-agent", "Roster/" PACKAGE_VERSION,
                                "timeout", self->timeout_seconds,
                                "idle-timeout", self->timeout_seconds,
                                NULL);

  return g_steal_pointer (&self);
}

const char *
roster_http_get_base_url (RosterHttp *self)
{
  g_return_val_if_fail (ROSTER_IS_HTTP (self), NULL);

  return self->base_url;
}

static void
set_auth_header (RosterHttp *self,
                 char       *value)
{
  if (self->auth_header != NULL)
    {
      memset (self->auth_header, 0, strlen (self->auth_header));
      g_free (self->auth_header);
    }
  self->auth_header = value;
}

void
roster_http_set_bearer_token (RosterHttp *self,
                              const char *token)
{
  g_return_if_fail (ROSTER_IS_HTTP (self));

  set_auth_header (self, token && *token ? g_strconcat ("Bearer ", token, NULL) : NULL);
}

void
roster_http_set_basic_auth (RosterHttp *self,
                            const char *user,
                            const char *password)
{
  g_autofree char *pair = NULL;
  g_autofree char *encoded = NULL;

  g_return_if_fail (ROSTER_IS_HTTP (self));

  if (user == NULL || password == NULL)
    {
      set_auth_header (self, NULL);
      return;
    }

  pair = g_strconcat (user, ":", password, NULL);
  encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
  set_auth_header (self, g_strconcat ("Basic ", encoded, NULL));
  memset (pair, 0, strlen (pair));
  memset (encoded, 0, strlen (encoded));
}

void
roster_http_set_max_concurrent (RosterHttp *self,
                                guint       max_concurrent)
{
  g_return_if_fail (ROSTER_IS_HTTP (self));

  self->max_concurrent = CLAMP (max_concurrent, 1, SESSION_MAX_CONNS);
  pump (self);
}

guint
roster_http_get_max_concurrent (RosterHttp *self)
{
  g_return_val_if_fail (ROSTER_IS_HTTP (self), 0);

  return self->max_concurrent;
}

void
roster_http_set_retry_policy (RosterHttp *self,
                              guint       max_retries,
                              guint       base_delay_ms,
                              guint       max_delay_ms)
{
  g_return_if_fail (ROSTER_IS_HTTP (self));

  self->max_retries = max_retries;
  self->base_delay_ms = base_delay_ms;
  self->max_delay_ms = MAX (max_delay_ms, base_delay_ms);
}

void
roster_http_set_timeout (RosterHttp *self,
                         guint       timeout_seconds)
{
  g_return_if_fail (ROSTER_IS_HTTP (self));

  self->timeout_seconds = timeout_seconds;
  g_object_set (self->session,
                "timeout", timeout_seconds,
                "idle-timeout", timeout_seconds,
                NULL);
}

void
roster_http_get_stats (RosterHttp      *self,
                       RosterHttpStats *stats)
{
  g_return_if_fail (ROSTER_IS_HTTP (self));
  g_return_if_fail (stats != NULL);

  *stats = self->stats;
}

void
roster_http_request_async (RosterHttp          *self,
                           const char          *method,
                           const char          *path_or_url,
                           JsonNode            *body,
                           RosterHttpFlags      flags,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Request *req;

  g_return_if_fail (ROSTER_IS_HTTP (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_http_request_async);
  g_task_set_check_cancellable (task, FALSE);

  req = g_new0 (Request, 1);
  req->method = g_ascii_strup (method, -1);
  req->flags = flags;
  g_task_set_task_data (task, req, request_free);

  req->url = resolve_url (self, path_or_url, &req->path, &error);
  if (req->url == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (body != NULL)
    {
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      char *text;
      gsize length;

      json_generator_set_root (generator, body);
      text = json_generator_to_data (generator, &length);
      req->body = g_bytes_new_take (text, length);
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  enqueue (task, FALSE);
}

RosterHttpResponse *
roster_http_request_finish (RosterHttp    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (ROSTER_IS_HTTP (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

RosterHttpResponse *
roster_http_request_sync (RosterHttp       *self,
                          const char       *method,
                          const char       *path_or_url,
                          JsonNode         *body,
                          RosterHttpFlags   flags,
                          GCancellable     *cancellable,
                          GError          **error)
{
  g_auto(RosterSyncCall) call = { NULL };

  g_return_val_if_fail (ROSTER_IS_HTTP (self), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  _roster_sync_call_begin (&call);
  roster_http_request_async (self, method, path_or_url, body, flags, cancellable,
                             _roster_sync_call_done, &call);
  return roster_http_request_finish (self, _roster_sync_call_wait (&call), error);
}
