/* roster-org.h
 *
 * Small immutable domain objects of the Admin API, each with a pure parser:
 * RosterOrg, RosterDirectory, RosterDomain, RosterWorkspace, RosterGroup.
 * Parsers accept the item itself or its {"data":{…}} envelope, check every
 * member's type, and fail with ROSTER_ERROR_INVALID_RESPONSE naming the member.
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "roster-types.h"

G_BEGIN_DECLS

#define ROSTER_TYPE_ORG (roster_org_get_type ())
G_DECLARE_FINAL_TYPE (RosterOrg, roster_org, ROSTER, ORG, GObject)

/* {"id":"…","type":"orgs","attributes":{"name":"…"}} */
RosterOrg       *roster_org_new_from_json         (JsonNode      *node,
                                                   GError       **error);
const char      *roster_org_get_id                (RosterOrg     *self);
const char      *roster_org_get_name              (RosterOrg     *self);

#define ROSTER_TYPE_DIRECTORY (roster_directory_get_type ())
G_DECLARE_FINAL_TYPE (RosterDirectory, roster_directory, ROSTER, DIRECTORY, GObject)

/* {"directoryId":"…","name":"…"} */
RosterDirectory *roster_directory_new_from_json   (JsonNode         *node,
                                                   GError          **error);
const char      *roster_directory_get_id          (RosterDirectory  *self);
const char      *roster_directory_get_name        (RosterDirectory  *self);

#define ROSTER_TYPE_DOMAIN (roster_domain_get_type ())
G_DECLARE_FINAL_TYPE (RosterDomain, roster_domain, ROSTER, DOMAIN, GObject)

/* {"id":"…","attributes":{"name":"example.com","claim":{"type":"dns","status":"verified"}}} */
RosterDomain    *roster_domain_new_from_json      (JsonNode      *node,
                                                   GError       **error);
const char      *roster_domain_get_id             (RosterDomain  *self);
const char      *roster_domain_get_name           (RosterDomain  *self);
/* "verified", "unverified", …; NULL when not given. */
const char      *roster_domain_get_claim_status   (RosterDomain  *self);
const char      *roster_domain_get_claim_type     (RosterDomain  *self);
gboolean         roster_domain_is_verified        (RosterDomain  *self);

#define ROSTER_TYPE_WORKSPACE (roster_workspace_get_type ())
G_DECLARE_FINAL_TYPE (RosterWorkspace, roster_workspace, ROSTER, WORKSPACE, GObject)

/* {"id":"<ARI>","attributes":{"name","typeKey","hostUrl","status"}} */
RosterWorkspace *roster_workspace_new_from_json   (JsonNode         *node,
                                                   GError          **error);
/* The resource ARI used as resourceId / resource in role calls. */
const char      *roster_workspace_get_id          (RosterWorkspace  *self);
const char      *roster_workspace_get_name        (RosterWorkspace  *self);
const char      *roster_workspace_get_type_key    (RosterWorkspace  *self);
const char      *roster_workspace_get_host_url    (RosterWorkspace  *self);
const char      *roster_workspace_get_status      (RosterWorkspace  *self);
RosterProduct    roster_workspace_get_product     (RosterWorkspace  *self);
/* typeKey → product ("jira-software" → JIRA, "jira-servicedesk" → JSM, …). */
RosterProduct    roster_workspace_type_key_to_product (const char   *type_key);

#define ROSTER_TYPE_GROUP (roster_group_get_type ())
G_DECLARE_FINAL_TYPE (RosterGroup, roster_group, ROSTER, GROUP, GObject)

/* {"id":"<uuid>" (an "ari:cloud:identity::group/" prefix is stripped),"name","description",
 *  "externalSynced","managementAccess":{"modifiable"},"counts":{"users"}} */
RosterGroup     *roster_group_new_from_json       (JsonNode      *node,
                                                   GError       **error);
const char      *roster_group_get_id              (RosterGroup   *self);
const char      *roster_group_get_name            (RosterGroup   *self);
const char      *roster_group_get_description     (RosterGroup   *self);
gboolean         roster_group_get_external_synced (RosterGroup   *self);
/* FALSE for IdP-synced groups or when managementAccess.modifiable is false. */
gboolean         roster_group_get_modifiable      (RosterGroup   *self);
/* counts.users, or -1 when the page was not expanded with counts.users. */
gint64           roster_group_get_n_users         (RosterGroup   *self);

G_END_DECLS
