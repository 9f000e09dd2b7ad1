/* roster-sandbox-server.c
 *
 * RosterSandbox: the SoupServer on its own thread and GMainContext, the knobs
 * (rate limit, latency, faults, stop-after), the request log and the state
 * inspection functions for tests.
 */
#define G_LOG_DOMAIN "roster-sandbox"

#include "config.h"

#include <math.h>
#include <string.h>

#include "roster-sandbox-private.h"

G_DEFINE_FINAL_TYPE (RosterSandbox, roster_sandbox, G_TYPE_OBJECT)

#define HUGE_BODY_SIZE (50 * 1024 * 1024)
#define SLOW_PIECES 10
#define SLOW_INTERVAL_MS 200

typedef struct
{
  RosterSandbox      *self;
  SoupServerMessage  *msg;
  RosterSandboxFault  fault;
  gint64              time_us;
} Pending;

typedef struct
{
  SoupServerMessage *msg;
  GBytes            *body;
  guint              piece;
  gboolean           finished;
} Slow;

typedef struct
{
  GIOStream *stream;
  GBytes    *bytes;
} Truncated;

static void
pending_free (Pending *pending)
{
  g_clear_object (&pending->msg);
  g_free (pending);
}

void
roster_sandbox_request_free (RosterSandboxRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->method);
  g_free (request->path);
  g_free (request->query);
  g_free (request->body);
  g_free (request);
}

static RosterSandboxRequest *
request_copy (const RosterSandboxRequest *src)
{
  RosterSandboxRequest *copy = g_new0 (RosterSandboxRequest, 1);

  copy->method = g_strdup (src->method);
  copy->path = g_strdup (src->path);
  copy->query = g_strdup (src->query);
  copy->body = g_strdup (src->body);
  copy->status = src->status;
  copy->time_us = src->time_us;
  copy->client_port = src->client_port;
  return copy;
}

/* Called with the lock held. */
static void
log_request (RosterSandbox     *self,
             SoupServerMessage *msg,
             guint              status,
             gint64             time_us)
{
  RosterSandboxRequest *request = g_new0 (RosterSandboxRequest, 1);
  GUri *uri = soup_server_message_get_uri (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  GSocketAddress *remote;

  request->method = g_strdup (soup_server_message_get_method (msg));
  request->path = g_strdup (g_uri_get_path (uri));
  request->query = g_strdup (g_uri_get_query (uri));
  if (body->length > 0 && body->data != NULL)
    request->body = g_strndup (body->data, body->length);
  request->status = status;
  request->time_us = time_us;
  remote = soup_server_message_get_remote_address (msg);
  if (G_IS_INET_SOCKET_ADDRESS (remote))
    request->client_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (remote));
  g_ptr_array_add (self->requests, request);
}

static void
log_request_locked (RosterSandbox     *self,
                    SoupServerMessage *msg,
                    guint              status,
                    gint64             time_us)
{
  g_mutex_lock (&self->lock);
  log_request (self, msg, status, time_us);
  g_mutex_unlock (&self->lock);
}

/* Responses */

static void
set_status (SoupServerMessage *msg,
            guint              status)
{
  /* libsoup 3.2 has no reason phrase for 429. */
  soup_server_message_set_status (msg, status, status == 429 ? "Too Many Requests" : NULL);
}

void
_sb_respond (SoupServerMessage *msg,
             guint              status,
             GString           *body)
{
  gsize len = body->len;
  char *data = g_string_free (body, FALSE);

  set_status (msg, status);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, data, len);
}

void
_sb_respond_literal (SoupServerMessage *msg,
                     guint              status,
                     const char        *body)
{
  set_status (msg, status);
  if (body == NULL)
    return;
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

void
_sb_respond_errors (SoupServerMessage *msg,
                    guint              status,
                    const char        *code,
                    const char        *title,
                    const char        *detail)
{
  g_autofree char *id = g_uuid_string_random ();
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "{\"errors\":[{\"id\":\"%s\",\"status\":\"%u\",\"code\":", id, status);
  _sb_json_append_string (out, code);
  g_string_append (out, ",\"title\":");
  _sb_json_append_string (out, title);
  g_string_append (out, ",\"detail\":");
  _sb_json_append_string (out, detail);
  g_string_append (out, "}]}");
  _sb_respond (msg, status, out);
}

static void
drop_connection (SoupServerMessage *msg)
{
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);
}

static gboolean
disconnect_idle_cb (gpointer data)
{
  RosterSandbox *self = data;

  if (self->server != NULL)
    soup_server_disconnect (self->server);
  return G_SOURCE_REMOVE;
}

/* Called with the lock held. */
static void
stop_listening (RosterSandbox *self)
{
  GSource *source;

  if (self->stopped)
    return;
  self->stopped = TRUE;
  source = g_idle_source_new ();
  g_source_set_callback (source, disconnect_idle_cb, self, NULL);
  g_source_attach (source, self->context);
  g_source_unref (source);
}

/* Called with the lock held. */
static RosterSandboxFault
pick_fault (RosterSandbox *self,
            const char    *path)
{
  RosterSandboxFault fault = self->fault;

  if (fault == ROSTER_SANDBOX_FAULT_NONE)
    return fault;
  if (self->fault_path != NULL && strstr (path, self->fault_path) == NULL)
    return ROSTER_SANDBOX_FAULT_NONE;
  if (self->fault_probability >= 0)
    return g_rand_double (self->fault_rand) < self->fault_probability ? fault : ROSTER_SANDBOX_FAULT_NONE;
  if (self->fault_unlimited)
    return fault;
  if (self->fault_count > 0)
    {
      self->fault_count--;
      if (self->fault_count == 0)
        self->fault = ROSTER_SANDBOX_FAULT_NONE;
      return fault;
    }
  return ROSTER_SANDBOX_FAULT_NONE;
}

/* Called with the lock held. Adds X-RateLimit-* for the current window. */
static void
add_rate_headers (RosterSandbox      *self,
                  SoupMessageHeaders *headers,
                  gint64              now_us,
                  gboolean            limited,
                  gboolean            with_retry_after)
{
  gint64 reset_in_us = MAX (0, self->rate_window_start_us + G_USEC_PER_SEC - now_us);
  gint64 reset_ms = (g_get_real_time () + reset_in_us) / 1000;
  char buf[40];
  char num[32];

  g_snprintf (num, sizeof num, "%u", self->rate_limit);
  soup_message_headers_replace (headers, "X-RateLimit-Limit", num);
  g_snprintf (num, sizeof num, "%u",
              self->rate_window_count >= self->rate_limit ? 0 : self->rate_limit - self->rate_window_count);
  soup_message_headers_replace (headers, "X-RateLimit-Remaining", num);
  _sb_format_time (buf, reset_ms, TRUE);
  soup_message_headers_replace (headers, "X-RateLimit-Reset", buf);
  if (limited && with_retry_after)
    {
      g_snprintf (num, sizeof num, "%d", (int) MAX (1, (reset_in_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC));
      soup_message_headers_replace (headers, "Retry-After", num);
    }
}

static void
add_fake_rate_headers (SoupMessageHeaders *headers,
                       gboolean            with_retry_after)
{
  char buf[40];

  soup_message_headers_replace (headers, "X-RateLimit-Limit", "100");
  soup_message_headers_replace (headers, "X-RateLimit-Remaining", "0");
  _sb_format_time (buf, g_get_real_time () / 1000 + 1000, TRUE);
  soup_message_headers_replace (headers, "X-RateLimit-Reset", buf);
  if (with_retry_after)
    soup_message_headers_replace (headers, "Retry-After", "1");
}

/* Fault bodies */

static GBytes *
ensure_huge_body (RosterSandbox *self)
{
  if (self->huge_body == NULL)
    {
      GString *out = g_string_sized_new (HUGE_BODY_SIZE + 256);
      const char *item = "{\"accountId\":\"557058:00000000-0000-4000-8000-000000000000\","
                         "\"accountType\":\"atlassian\",\"status\":\"active\",\"name\":\"Padding\"}";
      gboolean first = TRUE;

      g_string_append (out, "{\"data\":[");
      while (out->len < HUGE_BODY_SIZE)
        {
          if (!first)
            g_string_append_c (out, ',');
          first = FALSE;
          g_string_append (out, item);
        }
      g_string_append (out, "],\"links\":{}}");
      self->huge_body = g_string_free_to_bytes (out);
    }
  return g_bytes_ref (self->huge_body);
}

static gboolean
slow_tick_cb (gpointer data)
{
  Slow *slow = data;
  SoupMessageBody *body;
  gsize total, start, end;

  if (slow->finished)
    return G_SOURCE_REMOVE;

  body = soup_server_message_get_response_body (slow->msg);
  total = g_bytes_get_size (slow->body);
  start = total * slow->piece / SLOW_PIECES;
  end = total * (slow->piece + 1) / SLOW_PIECES;
  if (end > start)
    soup_message_body_append (body, SOUP_MEMORY_COPY,
                              (const char *) g_bytes_get_data (slow->body, NULL) + start, end - start);
  slow->piece++;
  if (slow->piece >= SLOW_PIECES)
    {
      soup_message_body_complete (body);
      soup_server_message_unpause (slow->msg);
      return G_SOURCE_REMOVE;
    }
  soup_server_message_unpause (slow->msg);
  return G_SOURCE_CONTINUE;
}

static void
slow_finished_cb (SoupServerMessage *msg,
                  Slow              *slow)
{
  slow->finished = TRUE;
}

static void
slow_free (gpointer data)
{
  Slow *slow = data;

  g_signal_handlers_disconnect_by_data (slow->msg, slow);
  g_object_unref (slow->msg);
  g_bytes_unref (slow->body);
  g_free (slow);
}

static void
start_slow_body (RosterSandbox     *self,
                 SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  Slow *slow = g_new0 (Slow, 1);
  GSource *source;

  slow->msg = g_object_ref (msg);
  slow->body = soup_message_body_flatten (body);
  soup_message_body_truncate (body);
  soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                     SOUP_ENCODING_CHUNKED);
  g_signal_connect (msg, "finished", G_CALLBACK (slow_finished_cb), slow);

  source = g_timeout_source_new (SLOW_INTERVAL_MS);
  g_source_set_callback (source, slow_tick_cb, slow, slow_free);
  g_source_attach (source, self->context);
  g_source_unref (source);
}

static void
truncated_written_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      data)
{
  Truncated *t = data;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, NULL);
  g_io_stream_close (t->stream, NULL, NULL);
  g_object_unref (t->stream);
  g_bytes_unref (t->bytes);
  g_free (t);
}

static void
send_truncated (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  g_autoptr(GBytes) full = soup_message_body_flatten (body);
  GString *out = g_string_new (NULL);
  gsize len = g_bytes_get_size (full);
  Truncated *t;

  g_string_append_printf (out,
                          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                          "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n", len);
  g_string_append_len (out, g_bytes_get_data (full, NULL), len / 2);

  t = g_new0 (Truncated, 1);
  t->stream = soup_server_message_steal_connection (msg);
  t->bytes = g_string_free_to_bytes (out);
  if (t->stream == NULL)
    {
      g_bytes_unref (t->bytes);
      g_free (t);
      return;
    }
  g_output_stream_write_all_async (g_io_stream_get_output_stream (t->stream),
                                   g_bytes_get_data (t->bytes, NULL), g_bytes_get_size (t->bytes),
                                   G_PRIORITY_DEFAULT, NULL, truncated_written_cb, t);
}

/* Request processing */

static const char *
bearer_token (SoupServerMessage *msg)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");

  if (auth == NULL || g_ascii_strncasecmp (auth, "Bearer ", 7) != 0)
    return NULL;
  return auth + 7;
}

static void
respond_unauthorized (SoupServerMessage *msg,
                      const char        *path)
{
  if (g_str_has_prefix (path, "/users/"))
    _sb_respond_literal (msg, SOUP_STATUS_UNAUTHORIZED, "{\"key\":\"unauthorized\"}");
  else
    _sb_respond_literal (msg, SOUP_STATUS_UNAUTHORIZED, "{\"code\":401,\"message\":\"Unauthorized\"}");
}

static void
process (RosterSandbox      *self,
         SoupServerMessage  *msg,
         RosterSandboxFault  fault,
         gint64              time_us)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));
  const char *token;
  gint64 now_us = g_get_monotonic_time ();
  gboolean rate_on;

  switch (fault)
    {
    case ROSTER_SANDBOX_FAULT_500:
      _sb_respond_errors (msg, 500, "ADMIN-500-1", "Internal Server Error",
                          "An unexpected error occurred.");
      log_request_locked (self, msg, 500, time_us);
      return;

    case ROSTER_SANDBOX_FAULT_502:
      _sb_respond_literal (msg, 502, "{\"code\":502,\"message\":\"Bad Gateway\"}");
      log_request_locked (self, msg, 502, time_us);
      return;

    case ROSTER_SANDBOX_FAULT_503:
      _sb_respond_literal (msg, 503, "{\"code\":503,\"message\":\"Service Unavailable\"}");
      soup_message_headers_replace (headers, "Retry-After", "1");
      log_request_locked (self, msg, 503, time_us);
      return;

    case ROSTER_SANDBOX_FAULT_429:
    case ROSTER_SANDBOX_FAULT_429_NO_RETRY_AFTER:
      _sb_respond_literal (msg, 429, "{\"code\":429,\"message\":\"Rate limit exceeded\"}");
      add_fake_rate_headers (headers, fault == ROSTER_SANDBOX_FAULT_429);
      log_request_locked (self, msg, 429, time_us);
      return;

    case ROSTER_SANDBOX_FAULT_DROP:
      log_request_locked (self, msg, 0, time_us);
      drop_connection (msg);
      return;

    case ROSTER_SANDBOX_FAULT_MALFORMED:
      _sb_respond_literal (msg, 200, "{\"data\":[{\"accountId\":\"712020:0b1c\",\"name\":\"Trunc");
      log_request_locked (self, msg, 200, time_us);
      return;

    case ROSTER_SANDBOX_FAULT_WRONG_CONTENT_TYPE:
      {
        static const char page[] =
          "<!DOCTYPE html><html><head><title>Log in with Atlassian account</title></head>"
          "<body><form action=\"/login\" method=\"post\"><input name=\"username\">"
          "<button>Continue</button></form></body></html>";

        soup_server_message_set_status (msg, 200, NULL);
        soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_STATIC,
                                          page, strlen (page));
        log_request_locked (self, msg, 200, time_us);
        return;
      }

    case ROSTER_SANDBOX_FAULT_HUGE:
      {
        g_autoptr(GBytes) bytes = NULL;

        g_mutex_lock (&self->lock);
        bytes = ensure_huge_body (self);
        log_request (self, msg, 200, time_us);
        g_mutex_unlock (&self->lock);
        soup_server_message_set_status (msg, 200, NULL);
        soup_message_headers_set_content_type (headers, "application/json", NULL);
        soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
        return;
      }

    default:
      break;
    }

  g_mutex_lock (&self->lock);

  rate_on = self->rate_limit > 0;
  if (rate_on)
    {
      if (now_us - self->rate_window_start_us >= G_USEC_PER_SEC)
        {
          self->rate_window_start_us = now_us;
          self->rate_window_count = 0;
        }
      if (self->rate_window_count >= self->rate_limit)
        {
          _sb_respond_literal (msg, 429, "{\"code\":429,\"message\":\"Rate limit exceeded\"}");
          add_rate_headers (self, headers, now_us, TRUE, self->rate_retry_after);
          log_request (self, msg, 429, time_us);
          g_mutex_unlock (&self->lock);
          return;
        }
      self->rate_window_count++;
    }

  token = bearer_token (msg);
  if (_sb_products_owns_path (path))
    {
      SbRequest req = { 0 };

      req.self = self;
      req.msg = msg;
      req.method = soup_server_message_get_method (msg);
      req.path = path;
      req.query = _sb_parse_query (g_uri_get_query (soup_server_message_get_uri (msg)));
      _sb_products_route (&req);
      g_ptr_array_unref (req.query);
    }
  else if (token == NULL ||
      (g_strcmp0 (token, self->api_key) != 0 && g_strcmp0 (token, self->limited_api_key) != 0))
    {
      respond_unauthorized (msg, path);
    }
  else
    {
      SbRequest req = { 0 };
      SoupMessageBody *body = soup_server_message_get_request_body (msg);
      g_autoptr(GBytes) body_bytes = soup_message_body_flatten (body);
      g_autofree char *body_str = g_strndup (g_bytes_get_data (body_bytes, NULL),
                                             g_bytes_get_size (body_bytes));

      req.self = self;
      req.msg = msg;
      req.method = soup_server_message_get_method (msg);
      req.path = path;
      req.query = _sb_parse_query (g_uri_get_query (soup_server_message_get_uri (msg)));
      req.body = body_str;
      req.body_len = g_bytes_get_size (body_bytes);
      req.limited = g_strcmp0 (token, self->limited_api_key) == 0;
      _sb_route (&req);
      g_ptr_array_unref (req.query);
    }

  if (rate_on)
    add_rate_headers (self, headers, now_us, FALSE, FALSE);

  log_request (self, msg, soup_server_message_get_status (msg), time_us);
  g_mutex_unlock (&self->lock);

  if (fault == ROSTER_SANDBOX_FAULT_TRUNCATE)
    send_truncated (msg);
  else if (fault == ROSTER_SANDBOX_FAULT_SLOW)
    start_slow_body (self, msg);
}

static gboolean
latency_done_cb (gpointer data)
{
  Pending *pending = data;

  soup_server_message_unpause (pending->msg);
  process (pending->self, pending->msg, pending->fault, pending->time_us);
  return G_SOURCE_REMOVE;
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  RosterSandbox *self = user_data;
  RosterSandboxFault fault;
  gint64 time_us = g_get_monotonic_time ();
  guint latency;

  g_mutex_lock (&self->lock);
  if (!self->stopped && self->stop_after == 0)
    stop_listening (self);
  if (self->stopped)
    {
      log_request (self, msg, 0, time_us);
      g_mutex_unlock (&self->lock);
      drop_connection (msg);
      return;
    }
  if (self->stop_after > 0)
    self->stop_after--;

  fault = pick_fault (self, path);
  if (fault == ROSTER_SANDBOX_FAULT_STOP)
    {
      stop_listening (self);
      log_request (self, msg, 0, time_us);
      g_mutex_unlock (&self->lock);
      drop_connection (msg);
      return;
    }
  latency = self->latency_ms;
  g_mutex_unlock (&self->lock);

  if (latency > 0)
    {
      Pending *pending = g_new0 (Pending, 1);
      GSource *source;

      pending->self = self;
      pending->msg = g_object_ref (msg);
      pending->fault = fault;
      pending->time_us = time_us;
      soup_server_message_pause (msg);
      source = g_timeout_source_new (latency);
      g_source_set_callback (source, latency_done_cb, pending, (GDestroyNotify) pending_free);
      g_source_attach (source, self->context);
      g_source_unref (source);
      return;
    }

  process (self, msg, fault, time_us);
}

static gpointer
server_thread (gpointer data)
{
  RosterSandbox *self = data;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (self->context);

  self->server = soup_server_new ("server-header", "roster-sandbox", NULL);
  soup_server_add_handler (self->server, NULL, server_cb, self, NULL);

  if (soup_server_listen_local (self->server, self->port, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    {
      uris = soup_server_get_uris (self->server);
      if (uris != NULL)
        self->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
      g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
    }

  g_mutex_lock (&self->lock);
  if (error != NULL)
    self->start_error = g_steal_pointer (&error);
  self->start_done = TRUE;
  g_cond_broadcast (&self->start_cond);
  g_mutex_unlock (&self->lock);

  if (self->start_error == NULL)
    g_main_loop_run (self->loop);

  soup_server_disconnect (self->server);
  /* Let closing connections, latency timers and slow bodies finish and release
   * their messages and sockets. */
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_clear_object (&self->server);
  while (g_main_context_iteration (self->context, FALSE))
    ;

  g_main_context_pop_thread_default (self->context);
  return NULL;
}

static void
query_free (gpointer data)
{
  SbQuery *query = data;

  g_free (query->signature);
  _sb_filter_clear (&query->filter);
  g_clear_pointer (&query->indices, g_array_unref);
  g_free (query);
}

static char *
make_key (const char *prefix)
{
  GString *s = g_string_new (prefix);

  for (guint i = 0; i < 40; i++)
    g_string_append_c (s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"[g_random_int_range (0, 62)]);
  return g_string_free (s, FALSE);
}

static void
roster_sandbox_dispose (GObject *object)
{
  RosterSandbox *self = ROSTER_SANDBOX (object);

  roster_sandbox_stop (self);

  G_OBJECT_CLASS (roster_sandbox_parent_class)->dispose (object);
}

static void
roster_sandbox_finalize (GObject *object)
{
  RosterSandbox *self = ROSTER_SANDBOX (object);

  g_clear_pointer (&self->products, _sb_products_free);
  g_clear_pointer (&self->org, _sb_org_free);
  g_clear_pointer (&self->queries_by_signature, g_hash_table_unref);
  g_clear_pointer (&self->queries, g_ptr_array_unref);
  g_clear_pointer (&self->cached_queries, g_ptr_array_unref);
  g_clear_pointer (&self->saved_bodies, g_hash_table_unref);
  g_clear_pointer (&self->saved_body_list, g_ptr_array_unref);
  g_clear_pointer (&self->requests, g_ptr_array_unref);
  g_clear_pointer (&self->fault_rand, g_rand_free);
  g_clear_pointer (&self->huge_body, g_bytes_unref);
  g_clear_pointer (&self->start_error, g_error_free);
  g_free (self->fault_path);
  g_free (self->url);
  g_free (self->api_key);
  g_free (self->limited_api_key);
  g_free (self->site_email);
  g_free (self->site_token);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->start_cond);

  G_OBJECT_CLASS (roster_sandbox_parent_class)->finalize (object);
}

static void
roster_sandbox_class_init (RosterSandboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = roster_sandbox_dispose;
  object_class->finalize = roster_sandbox_finalize;
}

static void
roster_sandbox_init (RosterSandbox *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->start_cond);
  self->queries_by_signature = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, query_free);
  self->queries = g_ptr_array_new ();
  self->cached_queries = g_ptr_array_new ();
  self->saved_bodies = g_hash_table_new (g_str_hash, g_str_equal);
  self->saved_body_list = g_ptr_array_new_with_free_func (g_free);
  self->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) roster_sandbox_request_free);
  self->fault_probability = -1;
  self->stop_after = -1;
  self->shift_page_after = -1;
  self->api_key = make_key ("ATCTT3xFfGN0");
  self->limited_api_key = make_key ("ATCTT3xFfGL1");
  self->site_token = make_key ("ATATT3xFfGF0");
}

/* Public API */

RosterSandbox *
roster_sandbox_new (const RosterSandboxOptions *options)
{
  RosterSandbox *self = g_object_new (ROSTER_TYPE_SANDBOX, NULL);

  self->options.n_users = 2000;
  self->options.seed = 7;
  if (options != NULL)
    {
      self->options = *options;
      if (self->options.n_users == 0)
        self->options.n_users = 2000;
    }
  self->fault_rand = g_rand_new_with_seed (self->options.seed);
  return self;
}

gboolean
roster_sandbox_start (RosterSandbox  *self,
                      guint           port,
                      GError        **error)
{
  SbOrg *org;
  SbProducts *products;

  g_return_val_if_fail (ROSTER_IS_SANDBOX (self), FALSE);
  g_return_val_if_fail (self->thread == NULL, FALSE);

  org = _sb_org_generate (self->options.seed, self->options.n_users, self->options.now_unix);
  products = _sb_products_generate (org, self->options.seed, self->options.n_customers);

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->products, _sb_products_free);
  g_clear_pointer (&self->org, _sb_org_free);
  self->org = org;
  self->products = products;
  g_free (self->site_email);
  self->site_email = g_strdup_printf ("site-admin@%s", org->domains[0].name);
  self->stopped = FALSE;
  self->start_done = FALSE;
  g_clear_pointer (&self->start_error, g_error_free);
  g_mutex_unlock (&self->lock);

  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->port = port;
  self->thread = g_thread_new ("roster-sandbox", server_thread, self);

  g_mutex_lock (&self->lock);
  while (!self->start_done)
    g_cond_wait (&self->start_cond, &self->lock);
  g_mutex_unlock (&self->lock);

  if (self->start_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->start_error));
      roster_sandbox_stop (self);
      return FALSE;
    }
  return TRUE;
}

static gboolean
quit_loop_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
roster_sandbox_stop (RosterSandbox *self)
{
  g_autoptr(GSource) source = NULL;

  g_return_if_fail (ROSTER_IS_SANDBOX (self));

  if (self->thread == NULL)
    return;

  /* Quit from inside the server's own context: a g_main_loop_quit() from here
   * could land before the thread has entered g_main_loop_run() and be lost. */
  source = g_idle_source_new ();
  g_source_set_callback (source, quit_loop_cb, self->loop, NULL);
  g_source_attach (source, self->context);
  g_thread_join (self->thread);
  self->thread = NULL;
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
}

const char *
roster_sandbox_get_url (RosterSandbox *self)
{
  g_return_val_if_fail (ROSTER_IS_SANDBOX (self), NULL);
  return self->url;
}

char *
roster_sandbox_dup_admin_url (RosterSandbox *self)
{
  g_return_val_if_fail (ROSTER_IS_SANDBOX (self), NULL);
  return self->url ? g_strconcat (self->url, "/admin", NULL) : NULL;
}

const char *
roster_sandbox_get_org_id (RosterSandbox *self)
{
  g_return_val_if_fail (ROSTER_IS_SANDBOX (self), NULL);
  return self->org ? self->org->org_id : NULL;
}

const char *
roster_sandbox_get_org_name (RosterSandbox *self)
{
  g_return_val_if_fail (ROSTER_IS_SANDBOX (self), NULL);
  return self->org ? self->org->org_name : NULL;
}

const char *
roster_sandbox_get_directory_id (RosterSandbox *self)
{
  g_return_val_if_fail (ROSTER_IS_SANDBOX (self), NULL);
  return self->org ? self->org->directory_id : NULL;
}

const char *
roster_sandbox_get_api_key (RosterSandbox *self)
{
  g_return_val_if_fail (ROSTER_IS_SANDBOX (self), NULL);
  return self->api_key;
}

const char *
roster_sandbox_get_limited_api_key (RosterSandbox *self)
{
  g_return_val_if_fail (ROSTER_IS_SANDBOX (self), NULL);
  return self->limited_api_key;
}

const char *
roster_sandbox_get_cloud_id (RosterSandbox *self)
{
  g_return_val_if_fail (ROSTER_IS_SANDBOX (self), NULL);
  return self->org ? self->org->cloud_id : NULL;
}

const char *
roster_sandbox_get_workspace_id (RosterSandbox *self,
                                 const char    *product)
{
  g_return_val_if_fail (ROSTER_IS_SANDBOX (self), NULL);

  if (self->org == NULL || product == NULL)
    return NULL;
  if (strcmp (product, "jira") == 0)
    return self->org->workspace_ids[SB_PRODUCT_JIRA];
  if (strcmp (product, "jsm") == 0)
    return self->org->workspace_ids[SB_PRODUCT_JSM];
  if (strcmp (product, "confluence") == 0)
    return self->org->workspace_ids[SB_PRODUCT_CONFLUENCE];
  return NULL;
}

void
roster_sandbox_set_rate_limit (RosterSandbox *self,
                               guint          requests_per_second,
                               gboolean       with_retry_after)
{
  g_return_if_fail (ROSTER_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  self->rate_limit = requests_per_second;
  self->rate_retry_after = !!with_retry_after;
  self->rate_window_start_us = g_get_monotonic_time ();
  self->rate_window_count = 0;
  g_mutex_unlock (&self->lock);
}

void
roster_sandbox_set_latency (RosterSandbox *self,
                            guint          latency_ms)
{
  g_return_if_fail (ROSTER_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  self->latency_ms = latency_ms;
  g_mutex_unlock (&self->lock);
}

void
roster_sandbox_set_fault (RosterSandbox      *self,
                          RosterSandboxFault  fault,
                          const char         *path_contains,
                          guint               count)
{
  g_return_if_fail (ROSTER_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  self->fault = fault;
  g_free (self->fault_path);
  self->fault_path = g_strdup (path_contains);
  self->fault_count = count;
  self->fault_unlimited = count == 0;
  self->fault_probability = -1;
  g_mutex_unlock (&self->lock);
}

void
roster_sandbox_set_fault_rate (RosterSandbox      *self,
                               RosterSandboxFault  fault,
                               const char         *path_contains,
                               double              probability)
{
  g_return_if_fail (ROSTER_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  self->fault = fault;
  g_free (self->fault_path);
  self->fault_path = g_strdup (path_contains);
  self->fault_count = 0;
  self->fault_unlimited = FALSE;
  self->fault_probability = CLAMP (probability, 0.0, 1.0);
  g_mutex_unlock (&self->lock);
}

void
roster_sandbox_stop_after (RosterSandbox *self,
                           guint          n)
{
  g_return_if_fail (ROSTER_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  self->stop_after = (gint) MIN (n, (guint) G_MAXINT);
  g_mutex_unlock (&self->lock);
}

void
roster_sandbox_shift_page_after (RosterSandbox *self,
                                 guint          n)
{
  g_return_if_fail (ROSTER_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  self->shift_page_after = (gint) MIN (n, (guint) G_MAXINT);
  g_mutex_unlock (&self->lock);
}

GPtrArray *
roster_sandbox_dup_requests (RosterSandbox *self)
{
  GPtrArray *copy;

  g_return_val_if_fail (ROSTER_IS_SANDBOX (self), NULL);

  copy = g_ptr_array_new_with_free_func ((GDestroyNotify) roster_sandbox_request_free);
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->requests->len; i++)
    g_ptr_array_add (copy, request_copy (g_ptr_array_index (self->requests, i)));
  g_mutex_unlock (&self->lock);
  return copy;
}

void
roster_sandbox_clear_requests (RosterSandbox *self)
{
  g_return_if_fail (ROSTER_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  g_ptr_array_set_size (self->requests, 0);
  g_mutex_unlock (&self->lock);
}

guint
roster_sandbox_count_requests (RosterSandbox *self,
                               const char    *method,
                               const char    *path_contains)
{
  guint n = 0;

  g_return_val_if_fail (ROSTER_IS_SANDBOX (self), 0);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->requests->len; i++)
    {
      RosterSandboxRequest *request = g_ptr_array_index (self->requests, i);

      if (method != NULL && g_ascii_strcasecmp (method, request->method) != 0)
        continue;
      if (path_contains != NULL && strstr (request->path, path_contains) == NULL)
        continue;
      n++;
    }
  g_mutex_unlock (&self->lock);
  return n;
}

guint
roster_sandbox_get_n_users (RosterSandbox *self)
{
  guint n;

  g_return_val_if_fail (ROSTER_IS_SANDBOX (self), 0);

  g_mutex_lock (&self->lock);
  n = self->org ? self->org->users->len : self->options.n_users;
  g_mutex_unlock (&self->lock);
  return n;
}

guint
roster_sandbox_count_status (RosterSandbox *self,
                             const char    *status)
{
  int wanted;
  guint n = 0;

  g_return_val_if_fail (ROSTER_IS_SANDBOX (self), 0);

  wanted = _sb_status_from_string (status);
  if (wanted < 0)
    return 0;

  g_mutex_lock (&self->lock);
  if (self->org != NULL)
    for (guint i = 0; i < self->org->users->len; i++)
      if ((int) _sb_user_status (&g_array_index (self->org->users, SbUser, i)) == wanted)
        n++;
  g_mutex_unlock (&self->lock);
  return n;
}

char *
roster_sandbox_dup_user_status (RosterSandbox *self,
                                const char    *account_id)
{
  SbUser *user;
  char *ret = NULL;

  g_return_val_if_fail (ROSTER_IS_SANDBOX (self), NULL);

  g_mutex_lock (&self->lock);
  if (self->org != NULL && (user = _sb_org_lookup_user (self->org, account_id)))
    ret = g_strdup (_sb_status_to_string (_sb_user_status (user)));
  g_mutex_unlock (&self->lock);
  return ret;
}

static gboolean
user_is_kind (SbOrg        *org,
              const SbUser *user,
              const char   *kind)
{
  SbStatus status = _sb_user_status (user);
  gboolean person = user->account_type == SB_ACCOUNT_ATLASSIAN;

  if (strcmp (kind, "active") == 0)
    return person && status == SB_STATUS_ACTIVE;
  if (strcmp (kind, "suspended") == 0)
    return status == SB_STATUS_SUSPENDED;
  if (strcmp (kind, "deactivated") == 0)
    return status == SB_STATUS_DEACTIVATED;
  if (strcmp (kind, "org-admin") == 0)
    return (user->roles & SB_ROLE_ORG_ADMIN) != 0;
  if (strcmp (kind, "managed") == 0)
    return person && _sb_user_is_managed (org, user);
  if (strcmp (kind, "unmanaged") == 0)
    return person && !_sb_user_is_managed (org, user);
  if (strcmp (kind, "app") == 0)
    return user->account_type == SB_ACCOUNT_APP;
  if (strcmp (kind, "customer") == 0)
    return user->account_type == SB_ACCOUNT_CUSTOMER;
  if (strcmp (kind, "never-active") == 0)
    {
      if (!person || user->products == 0)
        return FALSE;
      for (guint p = 0; p < SB_N_PRODUCTS; p++)
        if (user->last_active_ms[p] != 0)
          return FALSE;
      return TRUE;
    }
  if (strcmp (kind, "jira") == 0)
    return (user->products & (1 << SB_PRODUCT_JIRA)) != 0;
  if (strcmp (kind, "jsm") == 0)
    return (user->products & (1 << SB_PRODUCT_JSM)) != 0;
  if (strcmp (kind, "confluence") == 0)
    return (user->products & (1 << SB_PRODUCT_CONFLUENCE)) != 0;
  if (strcmp (kind, "no-jira") == 0)
    return person && status == SB_STATUS_ACTIVE && !(user->products & (1 << SB_PRODUCT_JIRA));
  if (strcmp (kind, "all") == 0)
    return TRUE;
  return FALSE;
}

GStrv
roster_sandbox_dup_account_ids (RosterSandbox *self,
                                const char    *kind,
                                guint          max)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n = 0;

  g_return_val_if_fail (ROSTER_IS_SANDBOX (self), NULL);
  g_return_val_if_fail (kind != NULL, NULL);

  g_mutex_lock (&self->lock);
  if (self->org != NULL)
    for (guint i = 0; i < self->org->users->len && (max == 0 || n < max); i++)
      {
        SbUser *user = &g_array_index (self->org->users, SbUser, i);

        if (user_is_kind (self->org, user, kind))
          {
            g_strv_builder_add (builder, user->account_id);
            n++;
          }
      }
  g_mutex_unlock (&self->lock);
  return g_strv_builder_end (builder);
}
