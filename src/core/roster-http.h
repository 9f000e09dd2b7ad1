/* roster-http.h
 *
 * The one HTTP transport of the core: a SoupSession with a base URL, an auth
 * header, bounded concurrency, retries with jittered backoff that honour
 * Retry-After and X-RateLimit-Reset, JSON decoding and GCancellable everywhere.
 * TLS is required for every host that is not loopback.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  ROSTER_HTTP_FLAGS_NONE         = 0,
  ROSTER_HTTP_FLAGS_RAW          = 1 << 0, /* do not decode JSON; response->json stays NULL */
  ROSTER_HTTP_FLAGS_NO_RETRY     = 1 << 1, /* a non-idempotent write: never resend on its own */
  ROSTER_HTTP_FLAGS_EXPERIMENTAL = 1 << 2, /* adds X-ExperimentalApi: opt-in (JSM) */
  /* A read, even when sent as POST (a search): it may go on a kept-alive
   * connection, and soup may send it again when that connection turns out
   * closed. Writes go without it: each is sent once, on its own connection. */
  ROSTER_HTTP_FLAGS_READ         = 1 << 3,
} RosterHttpFlags;

#define ROSTER_TYPE_HTTP_RESPONSE (roster_http_response_get_type ())

typedef struct
{
  guint      status;               /* final HTTP status (2xx; errors come back as GError) */
  GBytes    *body;                 /* (owned) raw body, never NULL (may be empty) */
  JsonNode  *json;                 /* (owned) (nullable) decoded body, NULL for 204/RAW */
  char      *link_next;            /* (owned) (nullable) rel="next" target of a Link header */
  int        rate_limit_limit;     /* X-RateLimit-Limit, -1 when absent */
  int        rate_limit_remaining; /* X-RateLimit-Remaining, -1 when absent */
  gint64     rate_limit_reset;     /* X-RateLimit-Reset as unix time in ms, -1 when absent */
  guint      n_retries;            /* how many times this request was resent */
} RosterHttpResponse;

GType               roster_http_response_get_type (void) G_GNUC_CONST;
RosterHttpResponse *roster_http_response_copy     (const RosterHttpResponse *response);
void                roster_http_response_free     (RosterHttpResponse       *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RosterHttpResponse, roster_http_response_free)

/* Statistics for benchmarks and the adaptive bulk engine. */
typedef struct
{
  guint64 n_requests;      /* requests sent, including retries */
  guint64 n_retries;
  guint64 n_429;
  guint64 n_5xx;
  guint64 n_transport_errors;
  guint64 bytes_received;
} RosterHttpStats;

#define ROSTER_TYPE_HTTP (roster_http_get_type ())

G_DECLARE_FINAL_TYPE (RosterHttp, roster_http, ROSTER, HTTP, GObject)

/* Fails with ROSTER_ERROR_INSECURE_URL for a malformed URL or an http:// URL
 * whose host is not loopback (127.0.0.0/8, ::1, localhost). */
RosterHttp *roster_http_new                 (const char       *base_url,
                                             GError          **error);
const char *roster_http_get_base_url        (RosterHttp       *self);

/* The secret is kept in memory only (the header value is built per request). */
void        roster_http_set_bearer_token    (RosterHttp       *self,
                                             const char       *token);
void        roster_http_set_basic_auth      (RosterHttp       *self,
                                             const char       *user,
                                             const char       *password);
void        roster_http_set_max_concurrent  (RosterHttp       *self,
                                             guint             max_concurrent);
guint       roster_http_get_max_concurrent  (RosterHttp       *self);
/* max_retries 0 disables retries. Delays in ms; the defaults are 4, 1000 and 30000.
 * Tests and benchmarks lower the delays; the computed wait is always capped at max_delay_ms. */
void        roster_http_set_retry_policy    (RosterHttp       *self,
                                             guint             max_retries,
                                             guint             base_delay_ms,
                                             guint             max_delay_ms);
/* Per-request timeout in seconds (default 60). */
void        roster_http_set_timeout         (RosterHttp       *self,
                                             guint             timeout_seconds);
void        roster_http_get_stats           (RosterHttp       *self,
                                             RosterHttpStats  *stats);

/* path_or_url: a path appended to the base URL ("/v1/orgs"), or an absolute URL
 * (as found in links.next), which must be on the same scheme+host+port as the base URL.
 * query: (nullable) extra query parameters, appended as given (already encoded).
 * body: (nullable) JSON sent with Content-Type: application/json.
 * Non-2xx statuses complete with a ROSTER_ERROR whose message carries the API's own
 * error text (parsed from any of the Atlassian error shapes) and the status. */
void                roster_http_request_async  (RosterHttp          *self,
                                                const char          *method,
                                                const char          *path_or_url,
                                                JsonNode            *body,
                                                RosterHttpFlags      flags,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
RosterHttpResponse *roster_http_request_finish (RosterHttp          *self,
                                                GAsyncResult        *result,
                                                GError             **error);
/* For the CLI and tests only: runs the async call on a private main context. */
RosterHttpResponse *roster_http_request_sync   (RosterHttp          *self,
                                                const char          *method,
                                                const char          *path_or_url,
                                                JsonNode            *body,
                                                RosterHttpFlags      flags,
                                                GCancellable        *cancellable,
                                                GError             **error);

/* The HTTP status that caused an error returned by roster_http_request_finish(),
 * or 0 when there was none (transport error, cancelled). */
guint               roster_http_error_get_status (const GError *error);

/* Pure helpers (no I/O), fuzzed and unit-tested. */
gboolean    roster_http_is_loopback_host       (const char  *host);
/* Retry-After: delta-seconds or an HTTP-date. Returns TRUE and the delay in ms
 * (clamped to >= 0) relative to now_unix_ms; FALSE for anything unparsable. */
gboolean    roster_http_parse_retry_after      (const char  *value,
                                                gint64       now_unix_ms,
                                                gint64      *out_delay_ms);
/* X-RateLimit-Reset: ISO 8601 ("2026-03-26T16:00Z", with seconds, fractions or
 * offsets) or epoch seconds. Returns TRUE and the unix time in ms. */
gboolean    roster_http_parse_rate_limit_reset (const char  *value,
                                                gint64      *out_unix_ms);
/* Link header: returns the target of the first rel="next" link, or NULL. */
char       *roster_http_parse_link_next        (const char  *value);
/* Turns any Atlassian error body into one line ("ADMIN-404-8: User not found").
 * Returns NULL when nothing useful is in it. */
char       *roster_http_parse_error_body       (const char  *body,
                                                gsize        length);

G_END_DECLS
