/* roster-sandbox-private.h
 *
 * Internals shared by the sandbox sources: the generated organization (compact
 * structs, no JSON trees), the JSON writer, the user filter and the server
 * object itself.
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "roster-sandbox.h"

G_BEGIN_DECLS

enum
{
  SB_PRODUCT_JIRA,
  SB_PRODUCT_JSM,
  SB_PRODUCT_CONFLUENCE,
  SB_N_PRODUCTS,
};

typedef enum
{
  SB_ACCOUNT_ATLASSIAN,
  SB_ACCOUNT_APP,
  SB_ACCOUNT_CUSTOMER,
} SbAccountType;

typedef enum
{
  SB_ACCOUNT_STATUS_ACTIVE,
  SB_ACCOUNT_STATUS_INACTIVE,
  SB_ACCOUNT_STATUS_CLOSED,
} SbAccountStatus;

typedef enum
{
  SB_MEMBERSHIP_ACTIVE,
  SB_MEMBERSHIP_SUSPENDED,
  SB_MEMBERSHIP_NONE,
} SbMembership;

typedef enum
{
  SB_STATUS_ACTIVE,
  SB_STATUS_SUSPENDED,
  SB_STATUS_NOT_INVITED,
  SB_STATUS_DEACTIVATED,
  SB_STATUS_FOR_DELETION,
  SB_N_STATUS,
} SbStatus;

enum
{
  SB_ROLE_ORG_ADMIN  = 1 << 0,
  SB_ROLE_SITE_ADMIN = 1 << 1,
};

enum
{
  SB_EXPAND_PRODUCT_ACCESS = 1 << 0,
  SB_EXPAND_GROUPS         = 1 << 1,
  SB_EXPAND_PLATFORM_ROLES = 1 << 2,
  SB_EXPAND_COUNTS         = 1 << 3,
};

#define SB_NO_DOMAIN 0xff
#define SB_MAX_GROUPS 64

typedef struct
{
  const char *name;
  gboolean    verified;
  const char *id;
} SbDomain;

typedef struct
{
  /* Strings live in the org's GStringChunk or in static tables. */
  const char *account_id;
  const char *name;
  const char *nickname;
  const char *email;          /* (nullable) */
  const char *search_key;     /* casefolded "name\nemail" */
  const char *job_title;      /* (nullable) */
  const char *department;     /* (nullable) */
  const char *time_zone;
  gint64      added_to_org_ms;
  gint64      deactivated_on_ms;            /* 0 = never */
  gint64      last_active_ms[SB_N_PRODUCTS]; /* 0 = never active */
  guint64     groups;                       /* bit i = member of group i */
  guint8      account_type;
  guint8      account_status;
  guint8      membership;
  guint8      products;                     /* effective access, bit per product */
  guint8      direct_products;              /* granted to the user, not through a group */
  guint8      domain;                       /* index in the domain table or SB_NO_DOMAIN */
  guint8      roles;
  guint       email_null : 1;               /* no email: null member rather than absent */
  guint       email_verified : 1;
  guint       mfa_enabled : 1;
  guint       synced : 1;                   /* managementSource synced */
} SbUser;

typedef struct
{
  char       *id;            /* uuid */
  const char *name;
  const char *description;
  guint8      user_products;  /* products on which it grants atlassian/user */
  guint8      admin_products; /* products on which it grants atlassian/admin */
  gboolean    external_synced;
} SbGroup;

typedef struct
{
  guint32       seed;
  gint64        now_ms;
  char         *org_id;
  char         *org_name;
  char         *directory_id;
  char         *cloud_id;
  char         *host;
  char         *workspace_ids[SB_N_PRODUCTS];
  char         *workspace_created[SB_N_PRODUCTS];
  SbDomain      domains[6];
  guint         n_domains;
  GStringChunk *strings;
  GArray       *users;       /* SbUser */
  GHashTable   *user_index;  /* account id → index + 1 */
  GHashTable   *email_index; /* lowercase email → index + 1, built on first use */
  GPtrArray    *groups;      /* SbGroup */
  guint64       version;     /* bumped on every mutation */
} SbOrg;

/* A parsed user filter (search body or count query). */
typedef struct
{
  char     *search_term;      /* casefolded, (nullable) */
  GPtrArray *emails;          /* lowercased, (nullable) */
  GPtrArray *account_ids;     /* (nullable) */
  GPtrArray *email_domains;   /* lowercased, (nullable) */
  guint     status_mask;      /* 0 = any */
  guint     account_status_mask;
  guint     membership_mask;
  int       claim;            /* -1 any, 0 managed, 1 unmanaged */
  int       mfa;              /* -1 any */
  gboolean  has_groups;
  guint64   group_mask;
  gboolean  has_resources;
  guint8    resource_mask;
  gboolean  has_roles;
  guint8    role_platform_mask;
  gboolean  role_user;        /* atlassian/user: any product */
} SbFilter;

/* roster-sandbox-generator.c */
SbOrg      *_sb_org_generate             (guint32 seed,
                                          guint   n_users,
                                          gint64  now_unix);

/* roster-sandbox-org.c */
void        _sb_org_free                 (SbOrg *org);
const char *_sb_product_key              (guint product);
const char *_sb_workspace_type           (guint product);
SbStatus    _sb_user_status              (const SbUser *user);
const char *_sb_status_to_string         (SbStatus status);
int         _sb_status_from_string       (const char *str);
const char *_sb_account_status_to_string (guint status);
int         _sb_account_status_from_string (const char *str);
const char *_sb_membership_to_string     (guint membership);
int         _sb_membership_from_string   (const char *str);
const char *_sb_account_type_to_string   (guint type);
gboolean    _sb_user_is_managed          (const SbOrg *org,
                                          const SbUser *user);
SbUser     *_sb_org_lookup_user          (SbOrg      *org,
                                          const char *account_id);
int         _sb_org_lookup_group         (SbOrg      *org,
                                          const char *group_id);
int         _sb_org_lookup_resource      (SbOrg      *org,
                                          const char *resource_id);
guint       _sb_group_count_users        (SbOrg *org,
                                          guint  group);
void        _sb_org_recompute_products   (SbOrg  *org,
                                          SbUser *user);
void        _sb_json_append_string       (GString    *out,
                                          const char *str);
void        _sb_format_time              (char   buf[40],
                                          gint64 ms,
                                          gboolean with_ms);
void        _sb_format_date              (char   buf[16],
                                          gint64 ms);
void        _sb_append_user_json         (SbOrg        *org,
                                          GString      *out,
                                          const SbUser *user,
                                          guint         expand,
                                          gboolean      details);
void        _sb_append_group_json        (SbOrg   *org,
                                          GString *out,
                                          guint    group,
                                          gboolean with_counts);
void        _sb_filter_init              (SbFilter *filter);
void        _sb_filter_clear             (SbFilter *filter);
gboolean    _sb_filter_match             (SbOrg          *org,
                                          const SbFilter *filter,
                                          const SbUser   *user);
char       *_sb_base64url_encode         (const char *text);
char       *_sb_base64url_decode         (const char *text);

/* The server object, shared with the route handlers in roster-sandbox-admin.c. */
typedef struct
{
  guint     id;
  char     *signature;   /* canonical filter text */
  SbFilter  filter;
  guint     expand;
  guint64   last_used;
  GArray   *indices;     /* guint user indices, valid for `version` */
  guint64   version;
} SbQuery;

struct _RosterSandbox
{
  GObject       parent_instance;

  RosterSandboxOptions options;

  /* Guards the org, the queries and everything below it. */
  GMutex        lock;
  SbOrg        *org;
  GHashTable   *queries_by_signature; /* signature → SbQuery (owned) */
  GPtrArray    *queries;               /* SbQuery (borrowed), by id */
  GPtrArray    *cached_queries;        /* SbQuery (borrowed) holding indices */
  guint64       query_clock;
  GHashTable   *saved_bodies;          /* "g:…" signature → id */
  GPtrArray    *saved_body_list;       /* char *, by id */

  /* Knobs, request log; also under `lock`. */
  guint         rate_limit;
  gboolean      rate_retry_after;
  gint64        rate_window_start_us;
  guint         rate_window_count;
  guint         latency_ms;
  RosterSandboxFault fault;
  char         *fault_path;
  guint         fault_count;           /* remaining; 0 = unlimited */
  gboolean      fault_unlimited;
  double        fault_probability;     /* < 0 = count mode */
  GRand        *fault_rand;
  gint          stop_after;            /* -1 = never */
  gint          shift_page_after;      /* users search pages left before a shift; -1 = none */
  gboolean      stopped;
  GPtrArray    *requests;              /* RosterSandboxRequest */
  GBytes       *huge_body;

  /* Thread. */
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  GCond         start_cond;
  gboolean      start_done;
  GError       *start_error;
  guint         port;                  /* requested; 0 = any */

  char         *url;
  char         *api_key;
  char         *limited_api_key;

  /* Product sites (roster-sandbox-products.c), under `lock`. */
  struct _SbProducts *products;        /* (owned) (nullable) before start */
  char         *site_email;
  char         *site_token;
};

/* roster-sandbox-admin.c: route one authenticated request; called with `lock` held. */
typedef struct
{
  RosterSandbox     *self;
  SoupServerMessage *msg;
  const char        *method;
  const char        *path;
  GPtrArray         *query;   /* alternating key, value (owned strings) */
  const char        *body;
  gsize              body_len;
  gboolean           limited;
} SbRequest;

void        _sb_route                    (SbRequest *req);
void        _sb_respond                  (SoupServerMessage *msg,
                                          guint              status,
                                          GString           *body);
void        _sb_respond_literal          (SoupServerMessage *msg,
                                          guint              status,
                                          const char        *body);
void        _sb_respond_errors           (SoupServerMessage *msg,
                                          guint              status,
                                          const char        *code,
                                          const char        *title,
                                          const char        *detail);
GPtrArray  *_sb_parse_query              (const char *query);

/* roster-sandbox-products.c: Jira, JSM and Confluence on the same server. */
typedef struct _SbProducts SbProducts;

SbProducts *_sb_products_generate        (SbOrg  *org,
                                          guint32 seed,
                                          guint   n_customers);
void        _sb_products_free            (SbProducts *products);
/* TRUE when the path belongs to a product site (/rest/…, /wiki/…, /ex/…). */
gboolean    _sb_products_owns_path       (const char *path);
/* Checks Basic auth and routes; called with `lock` held. */
void        _sb_products_route           (SbRequest *req);

G_END_DECLS
