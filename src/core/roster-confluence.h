/* roster-confluence.h
 *
 * Confluence spaces (v2, cursor paging through the Link header or _links.next,
 * both site-relative) and who may read them: the space's permission assignments
 * with operation read/space, resolved to account ids — users named directly
 * plus the members of the groups named (v1 membersByGroupId, limit ≤ 200).
 * Role principals (role-based space access) are not expanded here.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "roster-site.h"

G_BEGIN_DECLS

#define ROSTER_TYPE_SPACE (roster_space_get_type ())
G_DECLARE_FINAL_TYPE (RosterSpace, roster_space, ROSTER, SPACE, GObject)

/* {"id":"98306","key":"ENG","name":"Engineering","type":"global","status":"current"} */
RosterSpace *roster_space_new_from_json  (JsonNode     *node,
                                          GError      **error);
const char  *roster_space_get_id         (RosterSpace  *self);
const char  *roster_space_get_key        (RosterSpace  *self);
const char  *roster_space_get_name       (RosterSpace  *self);
/* "global", "personal", "collaboration", "knowledge_base", … */
const char  *roster_space_get_space_type (RosterSpace  *self);
const char  *roster_space_get_status     (RosterSpace  *self);

/* Who may read one space. */
typedef struct
{
  RosterSpace *space;        /* (owned) */
  GHashTable  *members;      /* (owned) set of account ids (direct ∪ expanded groups) */
  GPtrArray   *user_ids;     /* (owned) account ids granted directly */
  GPtrArray   *group_ids;    /* (owned) group ids granted */
  guint        n_roles;      /* role principals seen (not expanded) */
} RosterSpaceAccess;

void         roster_space_access_free    (RosterSpaceAccess *access);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RosterSpaceAccess, roster_space_access_free)

#define ROSTER_TYPE_CONFLUENCE_API (roster_confluence_api_get_type ())
G_DECLARE_FINAL_TYPE (RosterConfluenceApi, roster_confluence_api, ROSTER, CONFLUENCE_API, GObject)

RosterConfluenceApi *roster_confluence_api_new          (RosterSite           *site);
/* Page sizes: v2 lists (1–250, default 250) and v1 group members (1–200, default 200). */
void         roster_confluence_api_set_page_sizes       (RosterConfluenceApi  *self,
                                                         guint                 v2_limit,
                                                         guint                 v1_limit);

/* element-type RosterSpace */
void         roster_confluence_api_list_spaces_async    (RosterConfluenceApi  *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
GPtrArray   *roster_confluence_api_list_spaces_finish   (RosterConfluenceApi  *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

/* Resolves each space key (case-insensitive; ROSTER_ERROR_NOT_FOUND for an unknown key)
 * to its readers. Groups shared by several spaces are expanded once. Returns
 * element-type RosterSpaceAccess in the order of keys. */
void         roster_confluence_api_resolve_spaces_async (RosterConfluenceApi  *self,
                                                         const char * const   *keys,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
GPtrArray   *roster_confluence_api_resolve_spaces_finish (RosterConfluenceApi *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

/* Blocking twins. */
GPtrArray   *roster_confluence_api_list_spaces_sync     (RosterConfluenceApi  *self,
                                                         GCancellable         *cancellable,
                                                         GError              **error);
GPtrArray   *roster_confluence_api_resolve_spaces_sync  (RosterConfluenceApi  *self,
                                                         const char * const   *keys,
                                                         GCancellable         *cancellable,
                                                         GError              **error);

/* For RosterQueryContext.space_members: upper-case key → the access's member set
 * (a new reference of each set). */
GHashTable  *roster_space_access_to_query_members       (GPtrArray            *accesses);

G_END_DECLS
