/* roster-user.h
 *
 * One user of the organization, as the Admin API v2 users search returns it
 * (with expand productAccess and groups). Immutable once built.
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "roster-types.h"

G_BEGIN_DECLS

/* last_active is unix seconds (UTC), or 0 when the user has access but was never active. */
typedef struct
{
  char          *key;          /* API key, e.g. "jira-software", "confluence" */
  char          *resource_id;  /* workspace ARI */
  RosterProduct  product;
  gint64         last_active;
} RosterProductAccess;

typedef struct
{
  char *id;    /* bare group UUID (the ari:cloud:identity::group/ prefix stripped) */
  char *name;
} RosterGroupRef;

#define ROSTER_TYPE_USER (roster_user_get_type ())

G_DECLARE_FINAL_TYPE (RosterUser, roster_user, ROSTER, USER, GObject)

/* Parses one element of the users search `data` array. Fails with
 * ROSTER_ERROR_INVALID_RESPONSE naming the member when the shape is wrong
 * (accountId missing or not a string, productAccess not an array, …).
 * Unknown members are ignored; optional ones may be missing or null. */
RosterUser          *roster_user_new_from_json        (JsonNode    *node,
                                                       GError     **error);

const char          *roster_user_get_account_id       (RosterUser  *self);
const char          *roster_user_get_name             (RosterUser  *self);
/* NULL when hidden by the user's privacy settings. */
const char          *roster_user_get_email            (RosterUser  *self);
const char          *roster_user_get_nickname         (RosterUser  *self);
RosterAccountType    roster_user_get_account_type     (RosterUser  *self);
RosterStatus         roster_user_get_status           (RosterUser  *self);
/* accountStatus (active/inactive/closed) and membershipStatus (active/suspended/no_membership). */
const char          *roster_user_get_account_status   (RosterUser  *self);
const char          *roster_user_get_membership_status (RosterUser *self);
RosterClaim          roster_user_get_claim            (RosterUser  *self);
/* "invited", "synced", … as the API says; NULL when absent. */
const char          *roster_user_get_management_source (RosterUser *self);
/* unix seconds, 0 when unknown */
gint64               roster_user_get_added_to_org     (RosterUser  *self);
const char * const  *roster_user_get_platform_roles   (RosterUser  *self);
gboolean             roster_user_is_org_admin         (RosterUser  *self);
/* Billable: status active and access to at least one product, not an app/customer account. */
gboolean             roster_user_is_billable          (RosterUser  *self);
/* (element-type RosterProductAccess) (transfer none) */
GPtrArray           *roster_user_get_products         (RosterUser  *self);
/* (element-type RosterGroupRef) (transfer none) */
GPtrArray           *roster_user_get_groups           (RosterUser  *self);
/* Newest last_active over all products; 0 when never active or no access. */
gint64               roster_user_get_last_active      (RosterUser  *self);
gboolean             roster_user_has_product          (RosterUser  *self,
                                                       RosterProduct product);
/* Writes the object of `rosterctl users --format json` (see README):
 * account_id, name, email, account_type, status, claim, products[], last_active,
 * days_inactive, inactivity. now and the levels come from the caller. */
void                 roster_user_to_json              (RosterUser  *self,
                                                       JsonBuilder *builder,
                                                       gint64       now_unix,
                                                       guint        warning_days,
                                                       guint        overdue_days);

/* Builder used by the store when it loads a cached user (no JSON involved). */
RosterUser          *roster_user_new                  (const char         *account_id,
                                                       const char         *name,
                                                       const char         *email,
                                                       RosterAccountType   account_type,
                                                       RosterStatus        status,
                                                       RosterClaim         claim);
void                 roster_user_add_product          (RosterUser         *self,
                                                       const char         *key,
                                                       const char         *resource_id,
                                                       gint64              last_active);
void                 roster_user_add_group            (RosterUser         *self,
                                                       const char         *id,
                                                       const char         *name);
/* Adds one platform role id (e.g. "atlassian/org-admin"); org admin follows from it. */
void                 roster_user_add_platform_role    (RosterUser         *self,
                                                       const char         *role);

/* Parses a whole users search page: fills `users` (element-type RosterUser) and returns
 * the next cursor (owned, NULL on the last page). Fails on any malformed element:
 * a page is taken whole or not at all. */
gboolean             roster_users_page_parse          (JsonNode    *root,
                                                       GPtrArray   *users,
                                                       char       **out_next_cursor,
                                                       GError     **error);

/* The same from the raw body, without a JSON tree: a strict single-pass reader
 * (RFC 8259, UTF-8 checked, escapes and surrogate pairs decoded, nesting bounded)
 * that gives exactly what roster_users_page_parse() gives for a well-formed page
 * and ROSTER_ERROR_INVALID_RESPONSE for anything malformed or cut short. Strings
 * containing \u0000 are refused. A member given twice counts once, the last one,
 * but every occurrence must be well-formed. */
gboolean             roster_users_page_parse_bytes    (const char  *data,
                                                       gsize        length,
                                                       GPtrArray   *users,
                                                       char       **out_next_cursor,
                                                       GError     **error);

void                 roster_product_access_free       (RosterProductAccess *access);
void                 roster_group_ref_free            (RosterGroupRef      *ref);

G_END_DECLS
