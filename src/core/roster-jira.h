/* roster-jira.h
 *
 * Jira platform: application roles (product access in Jira's view) and the
 * groups that grant them, so Settings can offer, per product, the access group
 * used by grant/revoke "by group" (the org setting access-group-<product> holds
 * the chosen group id).
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "roster-site.h"
#include "roster-types.h"

G_BEGIN_DECLS

#define ROSTER_TYPE_APPLICATION_ROLE (roster_application_role_get_type ())
G_DECLARE_FINAL_TYPE (RosterApplicationRole, roster_application_role, ROSTER, APPLICATION_ROLE, GObject)

/* {"key":"jira-software","name":"Jira Software","groups":[…],"groupDetails":[{"groupId","name"}],
 *  "defaultGroups":[…],"defaultGroupsDetails":[…],"userCount":5} */
RosterApplicationRole *roster_application_role_new_from_json (JsonNode        *node,
                                                              GError         **error);
const char   *roster_application_role_get_key               (RosterApplicationRole *self);
const char   *roster_application_role_get_name              (RosterApplicationRole *self);
/* jira-software/jira-core/jira-product-discovery → JIRA, jira-servicedesk → JSM,
 * anything else → ROSTER_PRODUCT_OTHER. */
RosterProduct roster_application_role_get_product           (RosterApplicationRole *self);
/* Parallel arrays (NULL-terminated): the groups that grant the role. Ids are empty
 * strings when the site gave names only. */
const char * const *roster_application_role_get_group_ids   (RosterApplicationRole *self);
const char * const *roster_application_role_get_group_names (RosterApplicationRole *self);
const char * const *roster_application_role_get_default_group_ids   (RosterApplicationRole *self);
const char * const *roster_application_role_get_default_group_names (RosterApplicationRole *self);
/* -1 when not given. */
gint64        roster_application_role_get_user_count        (RosterApplicationRole *self);

/* A group Settings can offer as the access group of a product. */
typedef struct
{
  char     *group_id;
  char     *name;
  char     *role_key;     /* the application role it grants */
  gboolean  is_default;   /* one of the role's default groups */
} RosterAccessGroupCandidate;

void          roster_access_group_candidate_free            (RosterAccessGroupCandidate *candidate);

/* Pure: the groups granting a product's roles, default groups first, de-duplicated by
 * id (element-type RosterAccessGroupCandidate). */
GPtrArray    *roster_jira_access_group_candidates           (GPtrArray      *roles,
                                                              RosterProduct   product);

/* The org-setting name holding the chosen access group id ("access-group-jira", …). */
char         *roster_jira_access_group_setting              (RosterProduct   product);

#define ROSTER_TYPE_JIRA_API (roster_jira_api_get_type ())
G_DECLARE_FINAL_TYPE (RosterJiraApi, roster_jira_api, ROSTER, JIRA_API, GObject)

RosterJiraApi *roster_jira_api_new                           (RosterSite          *site);

/* GET /rest/api/3/applicationrole (needs Administer Jira). element-type RosterApplicationRole */
void          roster_jira_api_list_application_roles_async  (RosterJiraApi       *self,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
GPtrArray    *roster_jira_api_list_application_roles_finish (RosterJiraApi       *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);
GPtrArray    *roster_jira_api_list_application_roles_sync   (RosterJiraApi       *self,
                                                              GCancellable        *cancellable,
                                                              GError             **error);

G_END_DECLS
