/* roster-sandbox.h
 *
 * A stand-in for Atlassian Cloud: a SoupServer on loopback serving the Admin API
 * (/admin/v1/…, /admin/v2/…), the user-management API (/users/{id}/manage/…) and,
 * later, the Jira/JSM/Confluence routes, with the real paths, auth, JSON shapes,
 * status codes, error bodies, pagination and rate-limit headers. Its organization
 * is generated from a seed; mutations change its state.
 *
 * The server runs on its own thread with its own GMainContext, so the caller's
 * main loop (and blocking _sync calls) never starve it. All public calls are
 * thread-safe.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct
{
  guint   n_users;        /* default 2000 */
  guint32 seed;           /* default 7 */
  /* The current time the generated last-active dates are relative to (unix s);
   * 0 = now. Tests fix it so classifications are stable. */
  gint64  now_unix;
  /* Distinct JSM customers spread over the service desks; 0 = n_users / 4
   * (at least 200). The number of desks grows with it, up to 20. */
  guint   n_customers;
} RosterSandboxOptions;

typedef enum
{
  ROSTER_SANDBOX_FAULT_NONE,
  ROSTER_SANDBOX_FAULT_500,             /* 500 with an Admin error body */
  ROSTER_SANDBOX_FAULT_502,
  ROSTER_SANDBOX_FAULT_503,             /* with Retry-After: 1 */
  ROSTER_SANDBOX_FAULT_429,             /* 429 with X-RateLimit-* and Retry-After */
  ROSTER_SANDBOX_FAULT_429_NO_RETRY_AFTER, /* 429 with X-RateLimit-Reset only */
  ROSTER_SANDBOX_FAULT_DROP,            /* close the connection without a response */
  ROSTER_SANDBOX_FAULT_TRUNCATE,        /* 200 with the JSON body cut in half */
  ROSTER_SANDBOX_FAULT_MALFORMED,       /* 200 with a body that is not JSON */
  ROSTER_SANDBOX_FAULT_WRONG_CONTENT_TYPE, /* 200 text/html login page */
  ROSTER_SANDBOX_FAULT_SLOW,            /* the body dribbles out over ~2 s */
  ROSTER_SANDBOX_FAULT_HUGE,            /* a 50 MB body */
  ROSTER_SANDBOX_FAULT_STOP,            /* the server stops answering (listener closed) */
} RosterSandboxFault;

/* One request as the sandbox saw it (for tests: "was this account ever written?"). */
typedef struct
{
  char  *method;
  char  *path;          /* without the query */
  char  *query;         /* (nullable) */
  char  *body;          /* (nullable) */
  guint  status;        /* what the sandbox answered */
  gint64 time_us;       /* monotonic */
  guint  client_port;   /* the client's end of the connection: one per connection */
} RosterSandboxRequest;

#define ROSTER_TYPE_SANDBOX (roster_sandbox_get_type ())

G_DECLARE_FINAL_TYPE (RosterSandbox, roster_sandbox, ROSTER, SANDBOX, GObject)

RosterSandbox *roster_sandbox_new                (const RosterSandboxOptions *options);
/* Generates the org and listens on 127.0.0.1 (port 0 = any). */
gboolean       roster_sandbox_start              (RosterSandbox  *self,
                                                  guint           port,
                                                  GError        **error);
void           roster_sandbox_stop               (RosterSandbox  *self);

/* "http://127.0.0.1:PORT" (no trailing slash). The Admin API base is
 * "<url>/admin"; user management is "<url>" (paths /users/{id}/manage/…). */
const char    *roster_sandbox_get_url            (RosterSandbox  *self);
char          *roster_sandbox_dup_admin_url      (RosterSandbox  *self);
const char    *roster_sandbox_get_org_id         (RosterSandbox  *self);
const char    *roster_sandbox_get_org_name       (RosterSandbox  *self);
const char    *roster_sandbox_get_directory_id   (RosterSandbox  *self);
/* The org admin API key accepted as Bearer. */
const char    *roster_sandbox_get_api_key        (RosterSandbox  *self);
/* A second key that is valid but sees no org (→ 403 on org routes). */
const char    *roster_sandbox_get_limited_api_key (RosterSandbox *self);

/* The cloud id of the site and the workspace ARI of a product ("jira", "jsm",
 * "confluence"), as POST /admin/v2/orgs/{orgId}/workspaces lists them. */
const char    *roster_sandbox_get_cloud_id       (RosterSandbox  *self);
const char    *roster_sandbox_get_workspace_id   (RosterSandbox  *self,
                                                  const char     *product);

/* Knobs. rate: requests per second over a 1 s window, 0 = unlimited.
 * with_retry_after: whether 429s carry Retry-After (otherwise X-RateLimit-Reset only). */
void           roster_sandbox_set_rate_limit     (RosterSandbox  *self,
                                                  guint           requests_per_second,
                                                  gboolean        with_retry_after);
void           roster_sandbox_set_latency        (RosterSandbox  *self,
                                                  guint           latency_ms);
/* The next `count` requests whose path contains `path_contains` (NULL = any) get
 * `fault`; count 0 = every matching request until cleared with FAULT_NONE. */
void           roster_sandbox_set_fault          (RosterSandbox      *self,
                                                  RosterSandboxFault  fault,
                                                  const char         *path_contains,
                                                  guint               count);
/* Fault with probability 0..1 for every matching request (seeded, repeatable). */
void           roster_sandbox_set_fault_rate     (RosterSandbox      *self,
                                                  RosterSandboxFault  fault,
                                                  const char         *path_contains,
                                                  double              probability);
/* Stop answering after `n` more requests (a server that dies mid-job). */
void           roster_sandbox_stop_after         (RosterSandbox  *self,
                                                  guint           n);
/* Once, after `n` more users search pages: the next page starts one user early,
 * as when an account is added ahead of the cursor during a sync; that page
 * repeats the last account of the one before. */
void           roster_sandbox_shift_page_after   (RosterSandbox  *self,
                                                  guint           n);

/* Request log (every request since start or the last clear). */
GPtrArray     *roster_sandbox_dup_requests       (RosterSandbox  *self);  /* element-type RosterSandboxRequest */
void           roster_sandbox_clear_requests     (RosterSandbox  *self);
guint          roster_sandbox_count_requests     (RosterSandbox  *self,
                                                  const char     *method,
                                                  const char     *path_contains);
void           roster_sandbox_request_free       (RosterSandboxRequest *request);

/* State inspection for tests: counts as the API would report them. */
guint          roster_sandbox_get_n_users        (RosterSandbox  *self);
/* Number of users with that composite status ("active", "suspended", …). */
guint          roster_sandbox_count_status       (RosterSandbox  *self,
                                                  const char     *status);
/* Composite status of one user, NULL when unknown. */
char          *roster_sandbox_dup_user_status    (RosterSandbox  *self,
                                                  const char     *account_id);
/* Account ids of users matching a simple predicate, for tests that need targets:
 * kind is one of "active", "suspended", "deactivated", "org-admin", "managed",
 * "unmanaged", "app", "never-active", "jira", "jsm", "confluence" (also "customer",
 * "no-jira" = active people without Jira, "all"). "active", "managed", "unmanaged"
 * and "never-active" only name people (accountType atlassian). max 0 = no limit. */
GStrv          roster_sandbox_dup_account_ids    (RosterSandbox  *self,
                                                  const char     *kind,
                                                  guint           max);

/* Product sites (Jira /rest/api/3, JSM /rest/servicedeskapi, Confluence /wiki/…) on
 * the same URL; the gateway forms /ex/jira/{cloudId}/… and /ex/confluence/{cloudId}/…
 * are accepted too. Basic auth with this email and API token. */
const char    *roster_sandbox_get_site_email     (RosterSandbox  *self);
const char    *roster_sandbox_get_site_token     (RosterSandbox  *self);

/* JSM ground truth. Project keys of every desk (readable or not), in desk order. */
GStrv          roster_sandbox_dup_project_keys   (RosterSandbox  *self);
/* Whether the site token may read the desk's customers (FALSE → 403). */
gboolean       roster_sandbox_project_is_readable (RosterSandbox *self,
                                                  const char     *project_key);
/* A project's customers: its direct customers ∪ the members of its organizations.
 * Hash table account id → GStrv of the names of the project's organizations the
 * customer belongs to, sorted (empty when only direct). */
GHashTable    *roster_sandbox_dup_project_customers (RosterSandbox *self,
                                                  const char     *project_key);
/* The account ids on the desk's own customer list. */
GStrv          roster_sandbox_dup_project_direct_ids (RosterSandbox *self,
                                                  const char     *project_key);
guint          roster_sandbox_get_n_customers    (RosterSandbox  *self);

/* Confluence ground truth: space keys, and the account ids that may read a space
 * (direct read grants ∪ members of groups with a read grant). */
GStrv          roster_sandbox_dup_space_keys     (RosterSandbox  *self);
GStrv          roster_sandbox_dup_space_member_ids (RosterSandbox *self,
                                                  const char     *space_key);

G_END_DECLS
