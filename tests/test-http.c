/* test-http.c: RosterHttp parsers and behaviour over real loopback HTTP.
 *
 * The transport cases use a small scripted SoupServer on its own thread (so
 * that _sync calls work and the client's loop never serves the server). Each
 * request to a path containing "/script" takes the next scripted answer.
 */
#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "roster-error.h"
#include "roster-http.h"
#include "roster-pager.h"

/* Scripted server */

typedef struct
{
  guint       status;
  char       *body;
  char       *content_type;
  char       *retry_after;
  char       *rate_limit_reset;
  guint       delay_ms;
  gboolean    drop;
  goffset     huge;           /* send a body of this many bytes */
  gboolean    chunked;        /* without a Content-Length */
} Answer;

typedef struct
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  char         *url;

  GMutex        mutex;
  GCond         cond;
  GQueue        script;        /* Answer* */
  GPtrArray    *log;           /* "path" of each request, in arrival order */
  GArray       *times;         /* gint64 monotonic µs of each arrival */
  GPtrArray    *auth;          /* Authorization value of each request */
  char         *last_accept;
  char         *last_user_agent;
  char         *last_experimental;
  char         *last_body;
  guint         in_flight;
  guint         max_in_flight;
  guint         default_delay_ms;
  gboolean      ready;
} TestServer;

static void
answer_free (Answer *answer)
{
  g_free (answer->body);
  g_free (answer->content_type);
  g_free (answer->retry_after);
  g_free (answer->rate_limit_reset);
  g_free (answer);
}

static void
script (TestServer *ts,
        guint       status,
        const char *body,
        const char *retry_after,
        const char *reset)
{
  Answer *answer = g_new0 (Answer, 1);

  answer->status = status;
  answer->body = g_strdup (body);
  answer->retry_after = g_strdup (retry_after);
  answer->rate_limit_reset = g_strdup (reset);
  g_mutex_lock (&ts->mutex);
  g_queue_push_tail (&ts->script, answer);
  g_mutex_unlock (&ts->mutex);
}

static Answer *
script_full (TestServer *ts,
             guint       status,
             const char *body)
{
  Answer *answer = g_new0 (Answer, 1);

  answer->status = status;
  answer->body = g_strdup (body);
  g_mutex_lock (&ts->mutex);
  g_queue_push_tail (&ts->script, answer);
  g_mutex_unlock (&ts->mutex);
  return answer;
}

typedef struct
{
  TestServer        *ts;
  SoupServerMessage *msg;
} Delayed;

static void
finished_cb (SoupServerMessage *msg,
             TestServer        *ts)
{
  g_mutex_lock (&ts->mutex);
  ts->in_flight--;
  g_mutex_unlock (&ts->mutex);
}

static gboolean
unpause_cb (gpointer data)
{
  Delayed *d = data;

  soup_server_message_unpause (d->msg);
  return G_SOURCE_REMOVE;
}

/* Also runs when the server stops before the delay is over. */
static void
delayed_free (gpointer data)
{
  Delayed *d = data;

  g_object_unref (d->msg);
  g_free (d);
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  TestServer *ts = user_data;
  SoupMessageHeaders *req_headers = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SoupMessageBody *req_body = soup_server_message_get_request_body (msg);
  Answer *answer = NULL;
  guint delay_ms;
  const char *auth;

  g_mutex_lock (&ts->mutex);
  g_ptr_array_add (ts->log, g_strdup (path));
  {
    gint64 now = g_get_monotonic_time ();
    g_array_append_val (ts->times, now);
  }
  auth = soup_message_headers_get_one (req_headers, "Authorization");
  g_ptr_array_add (ts->auth, g_strdup (auth ? auth : ""));
  g_free (ts->last_accept);
  ts->last_accept = g_strdup (soup_message_headers_get_one (req_headers, "Accept"));
  g_free (ts->last_user_agent);
  ts->last_user_agent = g_strdup (soup_message_headers_get_one (req_headers, "User-Agent"));
  g_free (ts->last_experimental);
  ts->last_experimental = g_strdup (soup_message_headers_get_one (req_headers,
                                                                  "X-ExperimentalApi"));
  g_free (ts->last_body);
  ts->last_body = req_body->length ? g_strndup (req_body->data, req_body->length) : NULL;
  ts->in_flight++;
  ts->max_in_flight = MAX (ts->max_in_flight, ts->in_flight);
  if (strstr (path, "/script"))
    answer = g_queue_pop_head (&ts->script);
  delay_ms = ts->default_delay_ms;
  g_mutex_unlock (&ts->mutex);

  g_signal_connect (msg, "finished", G_CALLBACK (finished_cb), ts);

  soup_message_headers_replace (headers, "X-RateLimit-Limit", "100");
  soup_message_headers_replace (headers, "X-RateLimit-Remaining", "42");
  soup_message_headers_replace (headers, "X-RateLimit-Reset", "2026-03-26T16:00Z");

  if (answer == NULL)
    {
      g_autofree char *body = g_strdup_printf ("{\"path\":\"%s\",\"ok\":true}", path);

      soup_message_headers_replace (headers, "Link",
                                    "</v1/x?page=1>; rel=\"prev\", </v1/x?page=3>; rel=\"next\"");
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                        body, strlen (body));
      soup_server_message_set_status (msg, 200, NULL);
    }
  else if (answer->drop)
    {
      GIOStream *io = soup_server_message_steal_connection (msg);

      g_io_stream_close (io, NULL, NULL);
      g_object_unref (io);
      answer_free (answer);
      g_mutex_lock (&ts->mutex);
      ts->in_flight--;
      g_mutex_unlock (&ts->mutex);
      return;
    }
  else
    {
      if (answer->retry_after)
        soup_message_headers_replace (headers, "Retry-After", answer->retry_after);
      if (answer->rate_limit_reset)
        soup_message_headers_replace (headers, "X-RateLimit-Reset", answer->rate_limit_reset);
      else if (answer->status == 429)
        soup_message_headers_remove (headers, "X-RateLimit-Reset");
      if (answer->huge > 0)
        {
          char *data = g_malloc0 (answer->huge);

          soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                            data, answer->huge);
        }
      else if (answer->body)
        soup_server_message_set_response (msg,
                                          answer->content_type ? answer->content_type
                                                               : "application/json",
                                          SOUP_MEMORY_COPY, answer->body,
                                          strlen (answer->body));
      if (answer->chunked)
        {
          soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
          soup_message_body_complete (soup_server_message_get_response_body (msg));
        }
      soup_server_message_set_status (msg, answer->status, NULL);
      if (answer->delay_ms)
        delay_ms = answer->delay_ms;
      answer_free (answer);
    }

  if (delay_ms > 0)
    {
      Delayed *d = g_new0 (Delayed, 1);
      GSource *source = g_timeout_source_new (delay_ms);

      d->ts = ts;
      d->msg = g_object_ref (msg);
      soup_server_message_pause (msg);
      g_source_set_callback (source, unpause_cb, d, delayed_free);
      g_source_attach (source, ts->context);
      g_source_unref (source);
    }
}

static gpointer
server_thread (gpointer data)
{
  TestServer *ts = data;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (ts->context);
  ts->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (ts->server, NULL, server_cb, ts, NULL);
  soup_server_listen_local (ts->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (ts->server);
  {
    g_autofree char *s = g_uri_to_string (uris->data);
    gsize len = strlen (s);

    if (len > 0 && s[len - 1] == '/')
      s[len - 1] = '\0';
    ts->url = g_steal_pointer (&s);
  }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_mutex_lock (&ts->mutex);
  ts->ready = TRUE;
  g_cond_signal (&ts->cond);
  g_mutex_unlock (&ts->mutex);

  g_main_loop_run (ts->loop);

  soup_server_disconnect (ts->server);
  g_clear_object (&ts->server);
  g_main_context_pop_thread_default (ts->context);
  return NULL;
}

static TestServer *
test_server_new (void)
{
  TestServer *ts = g_new0 (TestServer, 1);

  g_mutex_init (&ts->mutex);
  g_cond_init (&ts->cond);
  g_queue_init (&ts->script);
  ts->log = g_ptr_array_new_with_free_func (g_free);
  ts->auth = g_ptr_array_new_with_free_func (g_free);
  ts->times = g_array_new (FALSE, FALSE, sizeof (gint64));
  ts->context = g_main_context_new ();
  ts->loop = g_main_loop_new (ts->context, FALSE);
  ts->thread = g_thread_new ("test-server", server_thread, ts);

  g_mutex_lock (&ts->mutex);
  while (!ts->ready)
    g_cond_wait (&ts->cond, &ts->mutex);
  g_mutex_unlock (&ts->mutex);

  return ts;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
test_server_free (TestServer *ts)
{
  GSource *source = g_idle_source_new ();

  g_source_set_callback (source, quit_cb, ts->loop, NULL);
  g_source_attach (source, ts->context);
  g_source_unref (source);
  g_thread_join (ts->thread);

  g_queue_clear_full (&ts->script, (GDestroyNotify) answer_free);
  g_ptr_array_unref (ts->log);
  g_ptr_array_unref (ts->auth);
  g_array_unref (ts->times);
  g_main_loop_unref (ts->loop);
  g_main_context_unref (ts->context);
  g_free (ts->url);
  g_free (ts->last_accept);
  g_free (ts->last_user_agent);
  g_free (ts->last_experimental);
  g_free (ts->last_body);
  g_mutex_clear (&ts->mutex);
  g_cond_clear (&ts->cond);
  g_free (ts);
}

static guint
test_server_count (TestServer *ts)
{
  guint n;

  g_mutex_lock (&ts->mutex);
  n = ts->log->len;
  g_mutex_unlock (&ts->mutex);
  return n;
}

static RosterHttp *
new_http (TestServer *ts)
{
  g_autoptr(GError) error = NULL;
  RosterHttp *http = roster_http_new (ts->url, &error);

  g_assert_no_error (error);
  roster_http_set_retry_policy (http, 4, 20, 300);
  return http;
}

/* Waiting for async results */

typedef struct
{
  GAsyncResult *result;
  gint64        done_at;
} Waiter;

static void
waiter_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Waiter *w = user_data;

  w->result = g_object_ref (result);
  w->done_at = g_get_monotonic_time ();
}

static gboolean
timeout_guard_cb (gpointer data)
{
  g_error ("test timed out");
  return G_SOURCE_REMOVE;
}

static void
wait_for (Waiter *waiters,
          guint   n)
{
  guint guard = g_timeout_add_seconds (20, timeout_guard_cb, NULL);

  for (guint i = 0; i < n; i++)
    while (waiters[i].result == NULL)
      g_main_context_iteration (NULL, TRUE);
  g_source_remove (guard);
}

static RosterHttpResponse *
request_wait (RosterHttp    *http,
              const char    *method,
              const char    *path,
              JsonNode      *body,
              RosterHttpFlags flags,
              GCancellable  *cancellable,
              GError       **error)
{
  Waiter w = { NULL };
  RosterHttpResponse *response;

  roster_http_request_async (http, method, path, body, flags, cancellable, waiter_cb, &w);
  wait_for (&w, 1);
  response = roster_http_request_finish (http, w.result, error);
  g_object_unref (w.result);
  return response;
}

/* Pure parsers */

static void
test_parse_retry_after (void)
{
  gint64 delay = -1;
  gint64 now_ms = (gint64) 1445412480 * 1000; /* Wed, 21 Oct 2015 07:28:00 GMT */

  g_assert_true (roster_http_parse_retry_after ("120", now_ms, &delay));
  g_assert_cmpint (delay, ==, 120000);
  g_assert_true (roster_http_parse_retry_after ("  5 ", now_ms, &delay));
  g_assert_cmpint (delay, ==, 5000);
  g_assert_true (roster_http_parse_retry_after ("0", now_ms, &delay));
  g_assert_cmpint (delay, ==, 0);

  g_assert_true (roster_http_parse_retry_after ("Wed, 21 Oct 2015 07:28:10 GMT", now_ms, &delay));
  g_assert_cmpint (delay, ==, 10000);
  /* A date in the past means "now". */
  g_assert_true (roster_http_parse_retry_after ("Wed, 21 Oct 2015 07:00:00 GMT", now_ms, &delay));
  g_assert_cmpint (delay, ==, 0);
  /* RFC 850 form. */
  g_assert_true (roster_http_parse_retry_after ("Wednesday, 21-Oct-15 07:28:01 GMT", now_ms, &delay));
  g_assert_cmpint (delay, ==, 1000);
  /* Far future still parses, without overflow. */
  g_assert_true (roster_http_parse_retry_after ("Fri, 31 Dec 9999 23:59:59 GMT", now_ms, &delay));
  g_assert_cmpint (delay, >, (gint64) 250000000000000);

  g_assert_false (roster_http_parse_retry_after (NULL, now_ms, &delay));
  g_assert_false (roster_http_parse_retry_after ("", now_ms, &delay));
  g_assert_false (roster_http_parse_retry_after ("   ", now_ms, &delay));
  g_assert_false (roster_http_parse_retry_after ("-1", now_ms, &delay));
  g_assert_false (roster_http_parse_retry_after ("1.5", now_ms, &delay));
  g_assert_false (roster_http_parse_retry_after ("soon", now_ms, &delay));
  g_assert_false (roster_http_parse_retry_after ("99999999999999999999999999", now_ms, &delay));
  g_assert_false (roster_http_parse_retry_after ("9223372036854775807", now_ms, &delay));
  g_assert_false (roster_http_parse_retry_after ("Wed, 99 Foo 2015 99:99:99 GMT", now_ms, &delay));
  g_assert_false (roster_http_parse_retry_after ("0x10", now_ms, &delay));
}

static void
test_parse_rate_limit_reset (void)
{
  gint64 ms = -1;
  const gint64 base = (gint64) 1774540800 * 1000; /* 2026-03-26T16:00:00Z */

  g_assert_true (roster_http_parse_rate_limit_reset ("2026-03-26T16:00Z", &ms));
  g_assert_cmpint (ms, ==, base);
  g_assert_true (roster_http_parse_rate_limit_reset ("2026-03-26T16:00:30Z", &ms));
  g_assert_cmpint (ms, ==, base + 30000);
  g_assert_true (roster_http_parse_rate_limit_reset ("2026-03-26T16:00:30.250Z", &ms));
  g_assert_cmpint (ms, ==, base + 30250);
  g_assert_true (roster_http_parse_rate_limit_reset ("2026-03-26T18:00+02:00", &ms));
  g_assert_cmpint (ms, ==, base);
  g_assert_true (roster_http_parse_rate_limit_reset ("2026-03-26T11:00:00-05:00", &ms));
  g_assert_cmpint (ms, ==, base);
  /* No zone: UTC. */
  g_assert_true (roster_http_parse_rate_limit_reset ("2026-03-26T16:00:00", &ms));
  g_assert_cmpint (ms, ==, base);
  g_assert_true (roster_http_parse_rate_limit_reset (" 1774540800 ", &ms));
  g_assert_cmpint (ms, ==, base);
  g_assert_true (roster_http_parse_rate_limit_reset ("1774540800123", &ms));
  g_assert_cmpint (ms, ==, base + 123);
  g_assert_true (roster_http_parse_rate_limit_reset ("9999-12-31T23:59Z", &ms));
  g_assert_cmpint (ms, >, base);

  g_assert_false (roster_http_parse_rate_limit_reset (NULL, &ms));
  g_assert_false (roster_http_parse_rate_limit_reset ("", &ms));
  g_assert_false (roster_http_parse_rate_limit_reset ("tomorrow", &ms));
  g_assert_false (roster_http_parse_rate_limit_reset ("2026-13-40T99:99Z", &ms));
  g_assert_false (roster_http_parse_rate_limit_reset ("2026-03-26T", &ms));
  g_assert_false (roster_http_parse_rate_limit_reset ("T16:00Z", &ms));
  g_assert_false (roster_http_parse_rate_limit_reset ("-5", &ms));
  g_assert_false (roster_http_parse_rate_limit_reset ("123456789012345678901234567890", &ms));
  g_assert_false (roster_http_parse_rate_limit_reset ("10000-01-01T00:00Z", &ms));
}

static void
test_parse_link (void)
{
  struct { const char *in; const char *out; } cases[] = {
    { "<https://x/a?cursor=1>; rel=\"next\"", "https://x/a?cursor=1" },
    { "</p?c=1>; rel=\"prev\", </p?c=3>; rel=\"next\"", "/p?c=3" },
    { "</p?c=3>;rel=next", "/p?c=3" },
    { "  < /spaced >  ;  rel = \"next\"  ", "/spaced" },
    { "</a>; rel=\"last\", </b>; title=\"x,y\"; rel=\"prev next\"", "/b" },
    { "</a>; REL=\"NEXT\"", "/a" },
    { "</a,b>; rel=\"next\"", "/a,b" },
    { "</first>; rel=\"next\", </second>; rel=\"next\"", "/first" },
    { "</a>; rel=\"nextpage\"", NULL },
    { "</a>; rel=\"prev\"", NULL },
    { "</a>", NULL },
    { "<>; rel=next", NULL },
    { "garbage, </ok>; rel=next", "/ok" },
    { "</a; rel=next", NULL },
    { "", NULL },
    { ";;;,,,<<<>>>", NULL },
    { "</a>; rel=\"next", "/a" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *next = roster_http_parse_link_next (cases[i].in);

      g_assert_cmpstr (next, ==, cases[i].out);
    }
  g_assert_null (roster_http_parse_link_next (NULL));
}

static void
check_error_body (const char *body,
                  const char *expected)
{
  g_autofree char *text = roster_http_parse_error_body (body, body ? strlen (body) : 0);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_parse_error_body (void)
{
  check_error_body ("{\"errors\":[{\"id\":\"1\",\"status\":\"404\",\"code\":\"ADMIN-404-8\","
                    "\"title\":\"User not found\",\"detail\":\"User not found\"}]}",
                    "ADMIN-404-8: User not found");
  check_error_body ("{\"errors\":[{\"code\":\"ADMIN-UAM-409-3\",\"title\":\"Conflict\","
                    "\"detail\":\"Licence limit reached\"},{\"title\":\"Second\"}]}",
                    "ADMIN-UAM-409-3: Conflict (Licence limit reached); Second");
  check_error_body ("{\"errors\":[{\"status\":404,\"code\":404,\"title\":\"Gone\",\"detail\":null}]}",
                    "404: Gone");
  check_error_body ("{\"errorMessages\":[\"Group does not exist\"],\"errors\":{}}",
                    "Group does not exist");
  check_error_body ("{\"errorMessages\":[],\"errors\":{\"accountId\":\"is required\"}}",
                    "accountId: is required");
  check_error_body ("{\"errorMessage\":\"Customer not found\",\"i18nErrorMessage\":{\"i18nKey\":\"x\"}}",
                    "Customer not found");
  check_error_body ("{\"code\":429,\"message\":\"Rate limit exceeded\"}", "Rate limit exceeded");
  check_error_body ("{\"timestamp\":\"x\",\"status\":403,\"error\":\"Forbidden\","
                    "\"message\":\"Access denied\"}", "Access denied");
  check_error_body ("{\"status\":403,\"error\":\"Forbidden\"}", "Forbidden");
  check_error_body ("{\"key\":\"forbidden.targetUnverified\"}", "forbidden.targetUnverified");
  check_error_body ("{\"key\":\"conflict.lifecycleErrors\",\"context\":{\"message\":\"Not eligible\"}}",
                    "conflict.lifecycleErrors: Not eligible");
  check_error_body ("{\"key\":\"forbidden.action\",\"context\":{\"allowed\":false,"
                    "\"reason\":{\"key\":\"authPolicy.saml\"}}}",
                    "forbidden.action: authPolicy.saml");
  check_error_body ("{\"statusCode\":404,\"message\":\"No space\",\"data\":{\"errors\":[]}}",
                    "No space");
  check_error_body ("{\"message\":\"line one\\nline\\ttwo\"}", "line one line two");

  /* Nothing useful. */
  check_error_body (NULL, NULL);
  check_error_body ("", NULL);
  check_error_body ("<html><body>Bad gateway</body></html>", NULL);
  check_error_body ("[1,2,3]", NULL);
  check_error_body ("{}", NULL);
  check_error_body ("{\"errors\":\"weird\",\"message\":7}", NULL);
  check_error_body ("{\"errors\":[null, 3, []]}", NULL);
  check_error_body ("{\"errors\":[{\"title\":", NULL);
  /* One JSON value only: json-glib would take the last of several and leak the rest. */
  check_error_body ("{\"message\":\"first\"}{\"message\":\"second\"}", NULL);
  check_error_body ("{\"message\":\"}{\"} \n{}", NULL);
  check_error_body ("[1] 2", NULL);
  check_error_body (" {\"message\":\"a \\\" b}\"} \r\n\t", "a \" b}");

  /* Long text is bounded. */
  {
    g_autoptr(GString) big = g_string_new ("{\"message\":\"");
    g_autofree char *text = NULL;

    for (int i = 0; i < 10000; i++)
      g_string_append (big, "ab");
    g_string_append (big, "\"}");
    text = roster_http_parse_error_body (big->str, big->len);
    g_assert_nonnull (text);
    g_assert_cmpuint (strlen (text), <, 1000);
  }
}

static void
test_loopback (void)
{
  g_assert_true (roster_http_is_loopback_host ("127.0.0.1"));
  g_assert_true (roster_http_is_loopback_host ("127.5.6.7"));
  g_assert_true (roster_http_is_loopback_host ("::1"));
  g_assert_true (roster_http_is_loopback_host ("[::1]"));
  g_assert_true (roster_http_is_loopback_host ("localhost"));
  g_assert_true (roster_http_is_loopback_host ("LocalHost"));
  g_assert_false (roster_http_is_loopback_host ("128.0.0.1"));
  g_assert_false (roster_http_is_loopback_host ("127.0.0.1.evil.example"));
  g_assert_false (roster_http_is_loopback_host ("localhost.evil.example"));
  g_assert_false (roster_http_is_loopback_host ("127.1"));
  g_assert_false (roster_http_is_loopback_host ("10.0.0.1"));
  g_assert_false (roster_http_is_loopback_host ("example.com"));
  g_assert_false (roster_http_is_loopback_host (""));
  g_assert_false (roster_http_is_loopback_host (NULL));
}

static void
test_insecure_url (void)
{
  const char *refused[] = {
    "http://example.com", "http://example.com/admin", "ftp://127.0.0.1/", "not a url",
    "http://", "https://user:pw@example.com/admin", "http://10.0.0.1:8080",
    "https://example.com/admin?x=1", "",
  };
  const char *accepted[] = {
    "https://api.atlassian.com/admin", "https://api.atlassian.com/admin/",
    "http://127.0.0.1:8080/admin", "http://localhost:1", "http://[::1]:9/x",
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RosterHttp) http = roster_http_new (refused[i], &error);

      g_assert_null (http);
      g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INSECURE_URL);
    }

  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RosterHttp) http = roster_http_new (accepted[i], &error);

      g_assert_no_error (error);
      g_assert_nonnull (http);
      g_assert_false (g_str_has_suffix (roster_http_get_base_url (http), "/"));
      g_assert_finalize_object (g_steal_pointer (&http));
    }
}

static void
test_error_status (void)
{
  g_autoptr(GError) plain = g_error_new (ROSTER_ERROR, ROSTER_ERROR_NETWORK, "HTTP is down");
  g_autoptr(GError) other = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, "HTTP 404 x");

  g_assert_cmpuint (roster_http_error_get_status (NULL), ==, 0);
  g_assert_cmpuint (roster_http_error_get_status (plain), ==, 0);
  g_assert_cmpuint (roster_http_error_get_status (other), ==, 0);
}

/* Over HTTP */

static void
test_request_basics (void)
{
  TestServer *ts = test_server_new ();
  g_autoptr(RosterHttp) http = new_http (ts);
  g_autoptr(RosterHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = json_from_string ("{\"a\":[1,2]}", NULL);
  RosterHttpStats stats;

  roster_http_set_bearer_token (http, "s3cret-token");
  response = request_wait (http, "POST", "/v2/things/search", body,
                           ROSTER_HTTP_FLAGS_EXPERIMENTAL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (response);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_nonnull (response->json);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (response->json), "ok"));
  g_assert_cmpstr (response->link_next, ==, "/v1/x?page=3");
  g_assert_cmpint (response->rate_limit_limit, ==, 100);
  g_assert_cmpint (response->rate_limit_remaining, ==, 42);
  g_assert_cmpint (response->rate_limit_reset, ==, (gint64) 1774540800 * 1000);
  g_assert_cmpuint (response->n_retries, ==, 0);

  g_assert_cmpstr (g_ptr_array_index (ts->auth, 0), ==, "Bearer s3cret-token");
  g_assert_cmpstr (ts->last_accept, ==, "application/json");
  g_assert_true (g_str_has_prefix (ts->last_user_agent, "Roster/"));
  g_assert_cmpstr (ts->last_experimental, ==, "opt-in");
  g_assert_cmpstr (ts->last_body, ==, "{\"a\":[1,2]}");
  g_assert_cmpstr (g_ptr_array_index (ts->log, 0), ==, "/v2/things/search");

  /* Copy keeps everything. */
  {
    g_autoptr(RosterHttpResponse) copy = roster_http_response_copy (response);

    g_assert_cmpstr (copy->link_next, ==, response->link_next);
    g_assert_true (json_node_equal (copy->json, response->json));
    g_assert_true (g_bytes_equal (copy->body, response->body));
  }

  /* Basic auth; absolute URL on the same origin is followed. */
  {
    g_autofree char *abs = g_strconcat (ts->url, "/v1/abs", NULL);
    g_autoptr(RosterHttpResponse) r2 = NULL;

    roster_http_set_basic_auth (http, "me@example.com", "tok");
    r2 = request_wait (http, "GET", abs, NULL, 0, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (g_ptr_array_index (ts->auth, 1), ==, "Basic bWVAZXhhbXBsZS5jb206dG9r");
    g_assert_cmpstr (g_ptr_array_index (ts->log, 1), ==, "/v1/abs");
  }

  roster_http_get_stats (http, &stats);
  g_assert_cmpuint (stats.n_requests, ==, 2);
  g_assert_cmpuint (stats.n_retries, ==, 0);
  g_assert_cmpuint (stats.bytes_received, >, 0);

  g_assert_finalize_object (g_steal_pointer (&http));
  test_server_free (ts);
}

static void
test_foreign_link_refused (void)
{
  TestServer *ts = test_server_new ();
  g_autoptr(RosterHttp) http = new_http (ts);
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterHttpResponse) response = NULL;
  const char *bad[] = {
    "https://evil.example.com/v1/orgs?cursor=x",
    "http://127.0.0.2:1/v1/orgs",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      response = request_wait (http, "GET", bad[i], NULL, 0, NULL, &error);
      g_assert_null (response);
      g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INSECURE_URL);
      g_clear_error (&error);
    }
  /* Another port on the same host is another origin. */
  {
    g_autofree char *other = g_strdup_printf ("%s9/x", ts->url);

    response = request_wait (http, "GET", other, NULL, 0, NULL, &error);
    g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INSECURE_URL);
  }
  g_assert_cmpuint (test_server_count (ts), ==, 0);

  g_assert_finalize_object (g_steal_pointer (&http));
  test_server_free (ts);
}

static void
test_empty_and_raw (void)
{
  TestServer *ts = test_server_new ();
  g_autoptr(RosterHttp) http = new_http (ts);
  g_autoptr(GError) error = NULL;
  RosterHttpResponse *response;

  script (ts, 204, NULL, NULL, NULL);
  response = request_wait (http, "POST", "/script/suspend", NULL, ROSTER_HTTP_FLAGS_NO_RETRY,
                           NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 204);
  g_assert_null (response->json);
  g_assert_nonnull (response->body);
  g_assert_cmpuint (g_bytes_get_size (response->body), ==, 0);
  roster_http_response_free (response);

  script_full (ts, 200, "not json at all")->content_type = g_strdup ("text/plain");
  response = request_wait (http, "GET", "/script/raw", NULL, ROSTER_HTTP_FLAGS_RAW, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (response->json);
  g_assert_cmpuint (g_bytes_get_size (response->body), ==, strlen ("not json at all"));
  roster_http_response_free (response);

  g_assert_finalize_object (g_steal_pointer (&http));
  test_server_free (ts);
}

static void
test_large_body_in_thread (void)
{
  TestServer *ts = test_server_new ();
  g_autoptr(RosterHttp) http = new_http (ts);
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterHttpResponse) response = NULL;
  g_autoptr(GString) big = g_string_new ("{\"data\":[");

  for (int i = 0; i < 20000; i++)
    g_string_append_printf (big, "%s{\"accountId\":\"id-%d\",\"name\":\"Nämé %d\"}",
                            i ? "," : "", i, i);
  g_string_append (big, "]}");
  g_assert_cmpuint (big->len, >, 256 * 1024);
  script (ts, 200, big->str, NULL, NULL);

  response = request_wait (http, "GET", "/script/big", NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_node_get_object (response->json), "data")), ==, 20000);

  g_assert_finalize_object (g_steal_pointer (&http));
  test_server_free (ts);
}

static void
test_retry_429_retry_after (void)
{
  TestServer *ts = test_server_new ();
  g_autoptr(RosterHttp) http = new_http (ts);
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterHttpResponse) response = NULL;
  RosterHttpStats stats;
  gint64 start = g_get_monotonic_time ();

  script (ts, 429, "{\"code\":429,\"message\":\"Too many\"}", "1", NULL);
  script (ts, 200, "{\"v\":2}", NULL, NULL);

  response = request_wait (http, "GET", "/script/a", NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->n_retries, ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (response->json), "v"), ==, 2);
  /* Retry-After 1 s, capped at the 300 ms max delay, jitter ≥ 0.7. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 200 * 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2000 * 1000);

  roster_http_get_stats (http, &stats);
  g_assert_cmpuint (stats.n_requests, ==, 2);
  g_assert_cmpuint (stats.n_retries, ==, 1);
  g_assert_cmpuint (stats.n_429, ==, 1);

  g_assert_finalize_object (g_steal_pointer (&http));
  test_server_free (ts);
}

static void
test_retry_429_reset (void)
{
  TestServer *ts = test_server_new ();
  g_autoptr(RosterHttp) http = new_http (ts);
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterHttpResponse) response = NULL;
  g_autoptr(GDateTime) soon = NULL;
  g_autofree char *reset = NULL;
  gint64 start;

  /* Reset 2 s ahead: the wait is taken from it (and capped at max delay),
   * not from the 20 ms exponential base. */
  roster_http_set_retry_policy (http, 4, 1, 400);
  soon = g_date_time_new_from_unix_utc (g_get_real_time () / G_USEC_PER_SEC + 2);
  reset = g_date_time_format_iso8601 (soon);
  script (ts, 429, "{\"code\":429,\"message\":\"Too many\"}", NULL, reset);
  script (ts, 200, "{}", NULL, NULL);

  start = g_get_monotonic_time ();
  response = request_wait (http, "GET", "/script/b", NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->n_retries, ==, 1);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 250 * 1000);

  g_assert_finalize_object (g_steal_pointer (&http));
  test_server_free (ts);
}

static void
test_retry_503_burst (void)
{
  TestServer *ts = test_server_new ();
  g_autoptr(RosterHttp) http = new_http (ts);
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterHttpResponse) response = NULL;
  RosterHttpStats stats;

  script (ts, 503, "<html>busy</html>", NULL, NULL);
  script (ts, 502, NULL, NULL, NULL);
  script (ts, 504, NULL, NULL, NULL);
  script (ts, 200, "{\"ok\":1}", NULL, NULL);

  response = request_wait (http, "GET", "/script/c", NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->n_retries, ==, 3);
  roster_http_get_stats (http, &stats);
  g_assert_cmpuint (stats.n_5xx, ==, 3);
  g_assert_cmpuint (test_server_count (ts), ==, 4);

  g_assert_finalize_object (g_steal_pointer (&http));
  test_server_free (ts);
}

static void
test_retries_exhausted (void)
{
  TestServer *ts = test_server_new ();
  g_autoptr(RosterHttp) http = new_http (ts);
  g_autoptr(GError) error = NULL;
  RosterHttpResponse *response;

  roster_http_set_retry_policy (http, 2, 5, 20);
  for (int i = 0; i < 3; i++)
    script (ts, 429, "{\"code\":429,\"message\":\"Rate limit exceeded\"}", NULL, NULL);
  response = request_wait (http, "GET", "/script/d", NULL, 0, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_RATE_LIMITED);
  g_assert_cmpuint (roster_http_error_get_status (error), ==, 429);
  g_assert_nonnull (strstr (error->message, "Rate limit exceeded"));
  g_assert_cmpuint (test_server_count (ts), ==, 3);
  g_clear_error (&error);

  for (int i = 0; i < 3; i++)
    script (ts, 503, NULL, NULL, NULL);
  response = request_wait (http, "GET", "/script/e", NULL, 0, NULL, &error);
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_SERVER);
  g_assert_cmpuint (roster_http_error_get_status (error), ==, 503);
  g_assert_cmpuint (test_server_count (ts), ==, 6);
  g_clear_error (&error);

  /* 500 is not retried. */
  script (ts, 500, "{\"errors\":[{\"code\":\"ADMIN-500-1\",\"title\":\"Internal\"}]}", NULL, NULL);
  response = request_wait (http, "GET", "/script/f", NULL, 0, NULL, &error);
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_SERVER);
  g_assert_cmpuint (roster_http_error_get_status (error), ==, 500);
  g_assert_nonnull (strstr (error->message, "ADMIN-500-1: Internal"));
  g_assert_cmpuint (test_server_count (ts), ==, 7);
  g_clear_error (&error);

  /* NO_RETRY writes are never resent. */
  script (ts, 503, NULL, NULL, NULL);
  response = request_wait (http, "POST", "/script/g", NULL, ROSTER_HTTP_FLAGS_NO_RETRY, NULL,
                           &error);
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_SERVER);
  g_assert_cmpuint (test_server_count (ts), ==, 8);
  g_clear_error (&error);

  g_assert_finalize_object (g_steal_pointer (&http));
  test_server_free (ts);
}

static void
test_status_mapping (void)
{
  TestServer *ts = test_server_new ();
  g_autoptr(RosterHttp) http = new_http (ts);
  struct { guint status; const char *body; int code; const char *text; } cases[] = {
    { 400, "{\"errors\":[{\"code\":\"ADMIN-400-1\",\"title\":\"Bad cursor\"}]}",
      ROSTER_ERROR_BAD_REQUEST, "ADMIN-400-1: Bad cursor" },
    { 401, "{\"code\":401,\"message\":\"Unauthorized\"}", ROSTER_ERROR_UNAUTHORIZED, "Unauthorized" },
    { 403, "{\"key\":\"forbidden\"}", ROSTER_ERROR_FORBIDDEN, "forbidden" },
    { 404, "{\"errorMessages\":[\"No user\"]}", ROSTER_ERROR_NOT_FOUND, "No user" },
    { 409, "{\"errors\":[{\"code\":\"ADMIN-409-3\",\"title\":\"Licence\"}]}", ROSTER_ERROR_CONFLICT,
      "ADMIN-409-3" },
    { 412, "{\"errorMessage\":\"Experimental\"}", ROSTER_ERROR_PRECONDITION, "Experimental" },
    { 418, NULL, ROSTER_ERROR_BAD_REQUEST, "HTTP 418 from GET" },
    { 501, "<html>", ROSTER_ERROR_SERVER, "Not Implemented" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RosterHttpResponse) response = NULL;

      script (ts, cases[i].status, cases[i].body, NULL, NULL);
      response = request_wait (http, "GET", "/script/status", NULL, 0, NULL, &error);
      g_assert_null (response);
      g_assert_error (error, ROSTER_ERROR, cases[i].code);
      g_assert_cmpuint (roster_http_error_get_status (error), ==, cases[i].status);
      g_assert_nonnull (strstr (error->message, cases[i].text));
      g_assert_nonnull (strstr (error->message, "/script/status"));
    }

  g_assert_finalize_object (g_steal_pointer (&http));
  test_server_free (ts);
}

static void
test_dropped_connection (void)
{
  TestServer *ts = test_server_new ();
  g_autoptr(RosterHttp) http = new_http (ts);
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterHttpResponse) response = NULL;
  RosterHttpStats stats;

  script_full (ts, 200, NULL)->drop = TRUE;
  script (ts, 200, "{\"after\":\"drop\"}", NULL, NULL);
  response = request_wait (http, "GET", "/script/drop", NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->n_retries, ==, 1);
  roster_http_get_stats (http, &stats);
  g_assert_cmpuint (stats.n_transport_errors, ==, 1);

  /* Out of retries: a network error without a status. libsoup itself resends
   * once when a reused keep-alive connection turns out closed, so script
   * enough drops for both layers. */
  roster_http_set_retry_policy (http, 1, 5, 10);
  for (int i = 0; i < 4; i++)
    script_full (ts, 200, NULL)->drop = TRUE;
  g_clear_pointer (&response, roster_http_response_free);
  response = request_wait (http, "GET", "/script/drop2", NULL, 0, NULL, &error);
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_NETWORK);
  g_assert_cmpuint (roster_http_error_get_status (error), ==, 0);

  g_assert_finalize_object (g_steal_pointer (&http));
  test_server_free (ts);
}

/* Bodies of many sizes come back whole, with a Content-Length (read in
 * place) and without one (the buffer grows). */
static void
test_body_sizes (void)
{
  TestServer *ts = test_server_new ();
  g_autoptr(RosterHttp) http = new_http (ts);
  const gsize sizes[] = { 2, 100, 65535, 65536, 65537, 131072, 300000, 1048577 };

  for (guint chunked = 0; chunked < 2; chunked++)
    for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(RosterHttpResponse) response = NULL;
        g_autoptr(GString) body = g_string_new ("\"");
        Answer *a;
        gsize length;
        const char *data;

        while (body->len < sizes[i] - 1)
          g_string_append_c (body, 'a' + body->len % 26);
        g_string_append_c (body, '"');
        a = script_full (ts, 200, body->str);
        a->chunked = chunked;

        response = request_wait (http, "GET", "/script/sizes", NULL, 0, NULL, &error);
        g_assert_no_error (error);
        data = g_bytes_get_data (response->body, &length);
        g_assert_cmpmem (data, length, body->str, body->len);
        g_assert_cmpuint (strlen (json_node_get_string (response->json)), ==, body->len - 2);
      }

  g_assert_finalize_object (g_steal_pointer (&http));
  test_server_free (ts);
}

static void
test_bad_bodies (void)
{
  TestServer *ts = test_server_new ();
  g_autoptr(RosterHttp) http = new_http (ts);
  struct { const char *body; const char *type; } cases[] = {
    { "{\"data\":[{\"accountId\":\"a\"},{\"acc", NULL },
    { "this is not json", NULL },
    { "<!DOCTYPE html><html><body>Log in to Atlassian</body></html>", "text/html" },
    { "{\"ok\":true}", "text/html; charset=utf-8" },
    { "{\"data\":[],\"links\":{}}{\"data\":[],\"links\":{}}", NULL },
    { "[] []", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RosterHttpResponse) response = NULL;
      Answer *a = script_full (ts, 200, cases[i].body);

      a->content_type = g_strdup (cases[i].type);
      response = request_wait (http, "GET", "/script/v2/users", NULL, 0, NULL, &error);
      g_assert_null (response);
      g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
      g_assert_true (g_str_has_prefix (error->message,
                                       "Response from /script/v2/users is not valid JSON"));
    }

  /* A huge body is refused from its Content-Length. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(RosterHttpResponse) response = NULL;

    script_full (ts, 200, NULL)->huge = 40 * 1024 * 1024;
    response = request_wait (http, "GET", "/script/huge", NULL, 0, NULL, &error);
    g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
    g_assert_nonnull (strstr (error->message, "larger than"));
  }

  /* Without a length to go by, it is refused once it has grown too large. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(RosterHttpResponse) response = NULL;
    Answer *a = script_full (ts, 200, NULL);

    a->huge = 40 * 1024 * 1024;
    a->chunked = TRUE;
    response = request_wait (http, "GET", "/script/huge-chunked", NULL, ROSTER_HTTP_FLAGS_RAW,
                             NULL, &error);
    g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
    g_assert_nonnull (strstr (error->message, "larger than"));
  }

  g_assert_finalize_object (g_steal_pointer (&http));
  test_server_free (ts);
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (void)
{
  TestServer *ts = test_server_new ();
  g_autoptr(RosterHttp) http = new_http (ts);

  /* Mid-request: the server takes 3 s. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(GError) error = NULL;
    g_autoptr(RosterHttpResponse) response = NULL;
    gint64 start = g_get_monotonic_time ();

    script_full (ts, 200, "{}")->delay_ms = 3000;
    g_timeout_add (50, cancel_cb, cancellable);
    response = request_wait (http, "GET", "/script/slow", NULL, 0, cancellable, &error);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpint (g_get_monotonic_time () - start, <, 1000 * 1000);
  }

  /* Mid-backoff: a 10 s Retry-After under a 5 s cap. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(GError) error = NULL;
    g_autoptr(RosterHttpResponse) response = NULL;
    gint64 start = g_get_monotonic_time ();
    guint before = test_server_count (ts);

    roster_http_set_retry_policy (http, 4, 5000, 5000);
    script (ts, 503, NULL, "10", NULL);
    g_timeout_add (150, cancel_cb, cancellable);
    response = request_wait (http, "GET", "/script/backoff", NULL, 0, cancellable, &error);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpint (g_get_monotonic_time () - start, <, 1000 * 1000);
    g_assert_cmpuint (test_server_count (ts), ==, before + 1);
  }

  /* Already cancelled: nothing is sent. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(GError) error = NULL;
    g_autoptr(RosterHttpResponse) response = NULL;
    guint before = test_server_count (ts);

    g_cancellable_cancel (cancellable);
    response = request_wait (http, "GET", "/v1/x", NULL, 0, cancellable, &error);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpuint (test_server_count (ts), ==, before);
  }

  g_assert_finalize_object (g_steal_pointer (&http));
  test_server_free (ts);
}

static void
test_concurrency_bound (void)
{
  TestServer *ts = test_server_new ();
  g_autoptr(RosterHttp) http = new_http (ts);
  Waiter waiters[24] = { { NULL } };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  ts->default_delay_ms = 30;
  roster_http_set_max_concurrent (http, 3);
  g_assert_cmpuint (roster_http_get_max_concurrent (http), ==, 3);

  for (guint i = 0; i < G_N_ELEMENTS (waiters); i++)
    {
      g_autofree char *path = g_strdup_printf ("/v1/n/%02u", i);

      /* One queued request is cancelled while waiting for a slot. */
      roster_http_request_async (http, "GET", path, NULL, 0, i == 20 ? cancellable : NULL,
                                 waiter_cb, &waiters[i]);
    }
  g_cancellable_cancel (cancellable);
  wait_for (waiters, G_N_ELEMENTS (waiters));

  for (guint i = 0; i < G_N_ELEMENTS (waiters); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RosterHttpResponse) response = roster_http_request_finish (http, waiters[i].result,
                                                                          &error);

      if (i == 20)
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      else
        g_assert_no_error (error);
      g_object_unref (waiters[i].result);
    }

  g_assert_cmpuint (ts->max_in_flight, ==, 3);
  g_assert_cmpuint (test_server_count (ts), ==, G_N_ELEMENTS (waiters) - 1);
  /* FIFO: requests reached the server in the order they were queued
   * (within the slots that start together). */
  for (guint i = 3; i < ts->log->len; i++)
    {
      const char *a = g_ptr_array_index (ts->log, i - 3);
      const char *b = g_ptr_array_index (ts->log, i);

      g_assert_cmpstr (a, <, b);
    }

  g_assert_finalize_object (g_steal_pointer (&http));
  test_server_free (ts);
}

static void
test_queue_pauses_after_429 (void)
{
  TestServer *ts = test_server_new ();
  g_autoptr(RosterHttp) http = new_http (ts);
  Waiter waiters[4] = { { NULL } };
  gint64 t_429;

  roster_http_set_max_concurrent (http, 2);
  roster_http_set_retry_policy (http, 4, 20, 300);
  /* First request: 429 with Retry-After 1 s → capped 300 ms (≥ 210 ms with jitter). */
  script (ts, 429, "{\"code\":429,\"message\":\"slow down\"}", "1", NULL);
  script (ts, 200, "{\"retried\":true}", NULL, NULL);

  roster_http_request_async (http, "GET", "/script/first", NULL, 0, NULL, waiter_cb, &waiters[0]);
  /* Second goes out at the same time, slowly, so it is still in flight. */
  roster_http_request_async (http, "GET", "/v1/slow", NULL, 0, NULL, waiter_cb, &waiters[1]);
  roster_http_request_async (http, "GET", "/v1/third", NULL, 0, NULL, waiter_cb, &waiters[2]);
  roster_http_request_async (http, "GET", "/v1/fourth", NULL, 0, NULL, waiter_cb, &waiters[3]);
  wait_for (waiters, G_N_ELEMENTS (waiters));

  for (guint i = 0; i < G_N_ELEMENTS (waiters); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RosterHttpResponse) response = roster_http_request_finish (http, waiters[i].result,
                                                                          &error);
      g_assert_no_error (error);
      g_object_unref (waiters[i].result);
    }

  /* Arrivals: first (429) and slow together; after the pause: first again,
   * third and fourth. Nothing may start within the pause. */
  g_assert_cmpuint (ts->log->len, ==, 5);
  t_429 = g_array_index (ts->times, gint64, 0);
  for (guint i = 2; i < 5; i++)
    g_assert_cmpint (g_array_index (ts->times, gint64, i) - t_429, >=, 200 * 1000);
  {
    guint n_first = 0;

    for (guint i = 0; i < 5; i++)
      n_first += g_strcmp0 (g_ptr_array_index (ts->log, i), "/script/first") == 0;
    g_assert_cmpuint (n_first, ==, 2);
  }

  g_assert_finalize_object (g_steal_pointer (&http));
  test_server_free (ts);
}

static void
test_sync (void)
{
  TestServer *ts = test_server_new ();
  g_autoptr(RosterHttp) http = new_http (ts);
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterHttpResponse) response = NULL;

  script (ts, 503, NULL, NULL, NULL);
  script (ts, 200, "{\"sync\":true}", NULL, NULL);
  response = roster_http_request_sync (http, "GET", "/script/sync", NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->n_retries, ==, 1);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (response->json), "sync"));

  g_clear_pointer (&response, roster_http_response_free);
  response = roster_http_request_sync (http, "GET", "/script/missing-after", NULL, 0, NULL, &error);
  g_assert_no_error (error);

  /* And async again afterwards on the main context. */
  g_clear_pointer (&response, roster_http_response_free);
  response = request_wait (http, "GET", "/v1/after-sync", NULL, 0, NULL, &error);
  g_assert_no_error (error);

  g_assert_finalize_object (g_steal_pointer (&http));
  test_server_free (ts);
}

static void
test_timeout (void)
{
  TestServer *ts = test_server_new ();
  g_autoptr(RosterHttp) http = new_http (ts);
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterHttpResponse) response = NULL;
  gint64 start = g_get_monotonic_time ();

  roster_http_set_timeout (http, 1);
  roster_http_set_retry_policy (http, 0, 10, 10);
  script_full (ts, 200, "{}")->delay_ms = 4000;
  response = request_wait (http, "GET", "/script/stall", NULL, 0, NULL, &error);
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_NETWORK);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3000 * 1000);

  g_assert_finalize_object (g_steal_pointer (&http));
  test_server_free (ts);
}

static void
test_throughput (void)
{
  TestServer *ts = test_server_new ();
  g_autoptr(RosterHttp) http = new_http (ts);
  enum { N = 400 };
  Waiter *waiters = g_new0 (Waiter, N);
  gint64 start = g_get_monotonic_time ();
  double seconds;

  for (guint i = 0; i < N; i++)
    roster_http_request_async (http, "GET", "/v1/fast", NULL, 0, NULL, waiter_cb, &waiters[i]);
  wait_for (waiters, N);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  for (guint i = 0; i < N; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RosterHttpResponse) r = roster_http_request_finish (http, waiters[i].result,
                                                                   &error);
      g_assert_no_error (error);
      g_object_unref (waiters[i].result);
    }
  g_test_message ("%d requests over loopback with 4 in flight: %.0f requests/s", N, N / seconds);
  g_free (waiters);

  g_assert_finalize_object (g_steal_pointer (&http));
  test_server_free (ts);
}

/* Pager */

typedef struct
{
  const char *page;
  const char *link;      /* Link header rel=next, or NULL */
  gboolean    ok;
  gboolean    done;
  const char *next;      /* expected out_next */
  gint64      next_start;
} PageStep;

static void
run_pages (RosterPagerScheme  scheme,
           guint              page_size,
           const PageStep    *steps,
           guint              n_steps)
{
  g_auto(RosterPagerState) state = ROSTER_PAGER_STATE_INIT;

  roster_pager_state_init (&state, scheme);
  state.page_size = page_size;

  for (guint i = 0; i < n_steps; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) root = json_from_string (steps[i].page, NULL);
      g_autofree char *next = NULL;
      gboolean ok;

      ok = roster_pager_next (&state, root, steps[i].link, &next, &error);
      if (!steps[i].ok)
        {
          g_assert_false (ok);
          g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
          return;
        }
      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_cmpint (state.done, ==, steps[i].done);
      g_assert_cmpstr (next, ==, steps[i].next);
      if (!steps[i].done && steps[i].next_start >= 0)
        g_assert_cmpint (state.next_start, ==, steps[i].next_start);
    }
}

static void
test_pager_admin (void)
{
  const PageStep cursor[] = {
    { "{\"data\":[{\"a\":1},{\"a\":2}],\"links\":{\"self\":\"x\",\"next\":\"kloHX\"}}", NULL,
      TRUE, FALSE, "kloHX", -1 },
    { "{\"data\":[{\"a\":3}],\"links\":{\"next\":\"c2\"}}", NULL, TRUE, FALSE, "c2", -1 },
    { "{\"data\":[],\"links\":{\"self\":\"x\"}}", NULL, TRUE, TRUE, NULL, -1 },
  };
  const PageStep odd[] = {
    /* next null, then no links at all: both end the list. */
    { "{\"data\":[{\"a\":1}],\"links\":{\"next\":null}}", NULL, TRUE, TRUE, NULL, -1 },
  };
  const PageStep empty_next[] = {
    { "{\"data\":[{\"a\":1}],\"links\":{\"next\":\"\"}}", NULL, TRUE, TRUE, NULL, -1 },
  };
  const PageStep no_links[] = {
    { "{\"data\":[]}", NULL, TRUE, TRUE, NULL, -1 },
  };
  const PageStep events[] = {
    { "{\"data\":[{}],\"links\":{},\"meta\":{\"next\":\"ev2\"}}", NULL, TRUE, FALSE, "ev2", -1 },
  };
  const PageStep loop[] = {
    { "{\"data\":[{}],\"links\":{\"next\":\"same\"}}", NULL, TRUE, FALSE, "same", -1 },
    { "{\"data\":[{}],\"links\":{\"next\":\"other\"}}", NULL, TRUE, FALSE, "other", -1 },
    { "{\"data\":[{}],\"links\":{\"next\":\"same\"}}", NULL, FALSE, FALSE, NULL, -1 },
  };
  const PageStep bad_data[] = { { "{\"data\":{},\"links\":{}}", NULL, FALSE, FALSE, NULL, -1 } };
  const PageStep no_data[] = { { "{\"links\":{\"next\":\"x\"}}", NULL, FALSE, FALSE, NULL, -1 } };
  const PageStep bad_next[] = { { "{\"data\":[],\"links\":{\"next\":5}}", NULL, FALSE, FALSE, NULL, -1 } };
  const PageStep bad_links[] = { { "{\"data\":[],\"links\":[]}", NULL, FALSE, FALSE, NULL, -1 } };
  const PageStep not_object[] = { { "[1,2]", NULL, FALSE, FALSE, NULL, -1 } };
  const PageStep url[] = {
    { "{\"data\":[{}],\"links\":{\"next\":\"https://api.atlassian.com/admin/v1/orgs?cursor=2\"}}",
      NULL, TRUE, FALSE, "https://api.atlassian.com/admin/v1/orgs?cursor=2", -1 },
    { "{\"data\":[{}],\"links\":{}}", NULL, TRUE, TRUE, NULL, -1 },
  };
  const PageStep url_not_url[] = {
    { "{\"data\":[{}],\"links\":{\"next\":\"justacursor\"}}", NULL, FALSE, FALSE, NULL, -1 },
  };

  run_pages (ROSTER_PAGER_ADMIN_CURSOR, 0, cursor, G_N_ELEMENTS (cursor));
  run_pages (ROSTER_PAGER_ADMIN_CURSOR, 0, odd, G_N_ELEMENTS (odd));
  run_pages (ROSTER_PAGER_ADMIN_CURSOR, 0, empty_next, G_N_ELEMENTS (empty_next));
  run_pages (ROSTER_PAGER_ADMIN_CURSOR, 0, no_links, G_N_ELEMENTS (no_links));
  run_pages (ROSTER_PAGER_ADMIN_CURSOR, 0, events, G_N_ELEMENTS (events));
  run_pages (ROSTER_PAGER_ADMIN_CURSOR, 0, loop, G_N_ELEMENTS (loop));
  run_pages (ROSTER_PAGER_ADMIN_CURSOR, 0, bad_data, G_N_ELEMENTS (bad_data));
  run_pages (ROSTER_PAGER_ADMIN_CURSOR, 0, no_data, G_N_ELEMENTS (no_data));
  run_pages (ROSTER_PAGER_ADMIN_CURSOR, 0, bad_next, G_N_ELEMENTS (bad_next));
  run_pages (ROSTER_PAGER_ADMIN_CURSOR, 0, bad_links, G_N_ELEMENTS (bad_links));
  run_pages (ROSTER_PAGER_ADMIN_CURSOR, 0, not_object, G_N_ELEMENTS (not_object));
  run_pages (ROSTER_PAGER_ADMIN_URL, 0, url, G_N_ELEMENTS (url));
  run_pages (ROSTER_PAGER_ADMIN_URL, 0, url_not_url, G_N_ELEMENTS (url_not_url));

  /* NULL root and a page after the last one. */
  {
    g_auto(RosterPagerState) state = ROSTER_PAGER_STATE_INIT;
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) root = json_from_string ("{\"data\":[]}", NULL);
    g_autofree char *next = NULL;

    roster_pager_state_init (&state, ROSTER_PAGER_ADMIN_CURSOR);
    g_assert_false (roster_pager_next (&state, NULL, NULL, &next, &error));
    g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
    g_clear_error (&error);
    g_assert_true (roster_pager_next (&state, root, NULL, &next, &error));
    g_assert_true (state.done);
    g_assert_false (roster_pager_next (&state, root, NULL, &next, &error));
    g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
  }
}

static void
test_pager_page_bean (void)
{
  const PageStep good[] = {
    { "{\"startAt\":0,\"maxResults\":2,\"total\":5,\"isLast\":false,\"values\":[1,2]}", NULL,
      TRUE, FALSE, NULL, 2 },
    { "{\"startAt\":2,\"maxResults\":2,\"total\":5,\"isLast\":false,\"values\":[3,4],"
      "\"nextPage\":\"https://x/rest/api/3/group/bulk?startAt=4\"}", NULL,
      TRUE, FALSE, "https://x/rest/api/3/group/bulk?startAt=4", 4 },
    { "{\"startAt\":4,\"maxResults\":2,\"total\":5,\"isLast\":true,\"values\":[5]}", NULL,
      TRUE, TRUE, NULL, -1 },
  };
  const PageStep no_is_last[] = {
    { "{\"startAt\":0,\"maxResults\":2,\"values\":[1,2]}", NULL, TRUE, FALSE, NULL, 2 },
    { "{\"startAt\":2,\"maxResults\":2,\"values\":[3]}", NULL, TRUE, TRUE, NULL, -1 },
  };
  const PageStep by_total[] = {
    { "{\"startAt\":0,\"values\":[1,2],\"total\":2}", NULL, TRUE, TRUE, NULL, -1 },
  };
  const PageStep stuck[] = {
    { "{\"startAt\":0,\"maxResults\":2,\"isLast\":false,\"values\":[1,2]}", NULL, TRUE, FALSE, NULL, 2 },
    { "{\"startAt\":0,\"maxResults\":2,\"isLast\":false,\"values\":[1,2]}", NULL, FALSE, FALSE, NULL, -1 },
  };
  const PageStep empty_not_last[] = {
    { "{\"startAt\":0,\"isLast\":false,\"values\":[]}", NULL, FALSE, FALSE, NULL, -1 },
  };
  const PageStep bare[] = {
    { "[1,2,3]", NULL, TRUE, FALSE, NULL, 3 },
    { "[4,5,6]", NULL, TRUE, FALSE, NULL, 6 },
    { "[7]", NULL, TRUE, TRUE, NULL, -1 },
  };
  const PageStep bare_empty[] = {
    { "[1,2,3]", NULL, TRUE, FALSE, NULL, 3 },
    { "[]", NULL, TRUE, TRUE, NULL, -1 },
  };
  const PageStep bad_types[] = {
    { "{\"startAt\":\"0\",\"values\":[1]}", NULL, FALSE, FALSE, NULL, -1 },
  };
  const PageStep bad_is_last[] = {
    { "{\"isLast\":\"no\",\"values\":[1]}", NULL, FALSE, FALSE, NULL, -1 },
  };
  const PageStep negative[] = {
    { "{\"startAt\":-5,\"values\":[1]}", NULL, FALSE, FALSE, NULL, -1 },
  };
  const PageStep overflow[] = {
    { "{\"startAt\":9223372036854775807,\"isLast\":false,\"values\":[1]}", NULL,
      FALSE, FALSE, NULL, -1 },
  };
  const PageStep no_values[] = { { "{\"startAt\":0}", NULL, FALSE, FALSE, NULL, -1 } };

  run_pages (ROSTER_PAGER_PAGE_BEAN, 0, good, G_N_ELEMENTS (good));
  run_pages (ROSTER_PAGER_PAGE_BEAN, 0, no_is_last, G_N_ELEMENTS (no_is_last));
  run_pages (ROSTER_PAGER_PAGE_BEAN, 0, by_total, G_N_ELEMENTS (by_total));
  run_pages (ROSTER_PAGER_PAGE_BEAN, 0, stuck, G_N_ELEMENTS (stuck));
  run_pages (ROSTER_PAGER_PAGE_BEAN, 0, empty_not_last, G_N_ELEMENTS (empty_not_last));
  run_pages (ROSTER_PAGER_PAGE_BEAN, 3, bare, G_N_ELEMENTS (bare));
  run_pages (ROSTER_PAGER_PAGE_BEAN, 0, bare_empty, G_N_ELEMENTS (bare_empty));
  run_pages (ROSTER_PAGER_PAGE_BEAN, 0, bad_types, G_N_ELEMENTS (bad_types));
  run_pages (ROSTER_PAGER_PAGE_BEAN, 0, bad_is_last, G_N_ELEMENTS (bad_is_last));
  run_pages (ROSTER_PAGER_PAGE_BEAN, 0, negative, G_N_ELEMENTS (negative));
  run_pages (ROSTER_PAGER_PAGE_BEAN, 0, overflow, G_N_ELEMENTS (overflow));
  run_pages (ROSTER_PAGER_PAGE_BEAN, 0, no_values, G_N_ELEMENTS (no_values));
}

static void
test_pager_jsm (void)
{
  const PageStep good[] = {
    { "{\"size\":2,\"start\":0,\"limit\":2,\"isLastPage\":false,\"_links\":{\"next\":"
      "\"https://x/rest/servicedeskapi/servicedesk/1/customer?start=2&limit=2\"},\"values\":[{},{}]}",
      NULL, TRUE, FALSE, "https://x/rest/servicedeskapi/servicedesk/1/customer?start=2&limit=2", 2 },
    /* The server capped limit at 1: trust size. */
    { "{\"size\":1,\"start\":2,\"limit\":50,\"isLastPage\":false,\"values\":[{}]}", NULL,
      TRUE, FALSE, NULL, 3 },
    { "{\"size\":1,\"start\":3,\"limit\":50,\"isLastPage\":true,\"values\":[{}]}", NULL,
      TRUE, TRUE, NULL, -1 },
  };
  const PageStep no_is_last[] = {
    { "{\"size\":0,\"start\":0,\"limit\":50,\"values\":[]}", NULL, TRUE, TRUE, NULL, -1 },
  };
  const PageStep stuck[] = {
    { "{\"size\":0,\"start\":0,\"limit\":50,\"isLastPage\":false,\"values\":[]}", NULL,
      FALSE, FALSE, NULL, -1 },
  };
  const PageStep repeat[] = {
    { "{\"size\":2,\"start\":0,\"isLastPage\":false,\"values\":[{},{}]}", NULL, TRUE, FALSE, NULL, 2 },
    { "{\"size\":2,\"start\":0,\"isLastPage\":false,\"values\":[{},{}]}", NULL, FALSE, FALSE, NULL, -1 },
  };
  const PageStep bad[] = {
    { "{\"size\":2,\"isLastPage\":false,\"values\":\"x\"}", NULL, FALSE, FALSE, NULL, -1 },
  };

  run_pages (ROSTER_PAGER_JSM, 0, good, G_N_ELEMENTS (good));
  run_pages (ROSTER_PAGER_JSM, 0, no_is_last, G_N_ELEMENTS (no_is_last));
  run_pages (ROSTER_PAGER_JSM, 0, stuck, G_N_ELEMENTS (stuck));
  run_pages (ROSTER_PAGER_JSM, 0, repeat, G_N_ELEMENTS (repeat));
  run_pages (ROSTER_PAGER_JSM, 0, bad, G_N_ELEMENTS (bad));
}

static void
test_pager_confluence (void)
{
  const PageStep good[] = {
    { "{\"results\":[{}],\"_links\":{\"next\":\"/wiki/api/v2/spaces?cursor=a\",\"base\":\"https://x/wiki\"}}",
      NULL, TRUE, FALSE, "/wiki/api/v2/spaces?cursor=a", -1 },
    /* The Link header wins over the body. */
    { "{\"results\":[{}],\"_links\":{\"next\":\"/wiki/api/v2/spaces?cursor=b\"}}",
      "/wiki/api/v2/spaces?cursor=B", TRUE, FALSE, "/wiki/api/v2/spaces?cursor=B", -1 },
    { "{\"results\":[{}],\"_links\":{}}", "/wiki/api/v2/spaces?cursor=c", TRUE, FALSE,
      "/wiki/api/v2/spaces?cursor=c", -1 },
    { "{\"results\":[{}],\"_links\":{\"base\":\"https://x/wiki\"}}", NULL, TRUE, TRUE, NULL, -1 },
  };
  const PageStep loop[] = {
    { "{\"results\":[{}],\"_links\":{\"next\":\"/n\"}}", NULL, TRUE, FALSE, "/n", -1 },
    { "{\"results\":[{}],\"_links\":{\"next\":\"/n\"}}", NULL, FALSE, FALSE, NULL, -1 },
  };
  const PageStep empty_with_next[] = {
    { "{\"results\":[],\"_links\":{\"next\":\"/n\"}}", NULL, FALSE, FALSE, NULL, -1 },
  };
  const PageStep no_results[] = { { "{\"_links\":{}}", NULL, FALSE, FALSE, NULL, -1 } };

  run_pages (ROSTER_PAGER_CONFLUENCE, 0, good, G_N_ELEMENTS (good));
  run_pages (ROSTER_PAGER_CONFLUENCE, 0, loop, G_N_ELEMENTS (loop));
  run_pages (ROSTER_PAGER_CONFLUENCE, 0, empty_with_next, G_N_ELEMENTS (empty_with_next));
  run_pages (ROSTER_PAGER_CONFLUENCE, 0, no_results, G_N_ELEMENTS (no_results));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/roster/http/parse/retry-after", test_parse_retry_after);
  g_test_add_func ("/roster/http/parse/rate-limit-reset", test_parse_rate_limit_reset);
  g_test_add_func ("/roster/http/parse/link", test_parse_link);
  g_test_add_func ("/roster/http/parse/error-body", test_parse_error_body);
  g_test_add_func ("/roster/http/loopback", test_loopback);
  g_test_add_func ("/roster/http/insecure-url", test_insecure_url);
  g_test_add_func ("/roster/http/error-status", test_error_status);
  g_test_add_func ("/roster/http/basics", test_request_basics);
  g_test_add_func ("/roster/http/foreign-link", test_foreign_link_refused);
  g_test_add_func ("/roster/http/empty-and-raw", test_empty_and_raw);
  g_test_add_func ("/roster/http/large-body", test_large_body_in_thread);
  g_test_add_func ("/roster/http/retry/429-retry-after", test_retry_429_retry_after);
  g_test_add_func ("/roster/http/retry/429-reset", test_retry_429_reset);
  g_test_add_func ("/roster/http/retry/503-burst", test_retry_503_burst);
  g_test_add_func ("/roster/http/retry/exhausted", test_retries_exhausted);
  g_test_add_func ("/roster/http/status-mapping", test_status_mapping);
  g_test_add_func ("/roster/http/retry/dropped-connection", test_dropped_connection);
  g_test_add_func ("/roster/http/bad-bodies", test_bad_bodies);
  g_test_add_func ("/roster/http/body-sizes", test_body_sizes);
  g_test_add_func ("/roster/http/cancel", test_cancel);
  g_test_add_func ("/roster/http/concurrency-bound", test_concurrency_bound);
  g_test_add_func ("/roster/http/queue-pauses-after-429", test_queue_pauses_after_429);
  g_test_add_func ("/roster/http/sync", test_sync);
  g_test_add_func ("/roster/http/timeout", test_timeout);
  g_test_add_func ("/roster/http/throughput", test_throughput);

  g_test_add_func ("/roster/pager/admin", test_pager_admin);
  g_test_add_func ("/roster/pager/page-bean", test_pager_page_bean);
  g_test_add_func ("/roster/pager/jsm", test_pager_jsm);
  g_test_add_func ("/roster/pager/confluence", test_pager_confluence);

  return g_test_run ();
}
