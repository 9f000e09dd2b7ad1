/* roster-site-private.h
 *
 * The paged GET shared by the product clients (roster-jsm.c, roster-confluence.c,
 * roster-jira.c): walks every page of one list and parses its items.
 */
#pragma once

#include "roster-http.h"
#include "roster-pager.h"

G_BEGIN_DECLS

typedef enum
{
  ROSTER_SITE_PAGING_JSM,     /* ?start=&limit=; isLastPage; next start = start + size */
  ROSTER_SITE_PAGING_CF2,     /* ?limit=; then the site-relative next link (Link or _links) */
  ROSTER_SITE_PAGING_CF1,     /* ?start=&limit=; stop on a short page or without _links.next */
  ROSTER_SITE_PAGING_BEAN,    /* ?startAt=&maxResults=; Jira PageBean or a bare array */
} RosterSitePaging;

/* Returns a new item (owned) or NULL with error. NULL parser: the items are
 * collected as JsonNode references. */
typedef gpointer (*RosterSiteItemParser) (JsonNode  *node,
                                          GError   **error);

void       _roster_site_fetch_all_async  (RosterHttp           *http,
                                          const char           *path,
                                          RosterSitePaging      paging,
                                          guint                 page_size,
                                          RosterHttpFlags       flags,
                                          RosterSiteItemParser  parser,
                                          GDestroyNotify        item_free,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
/* The items (element-type as made by the parser), or NULL with error. */
GPtrArray *_roster_site_fetch_all_finish (GAsyncResult         *result,
                                          GError              **error);

G_END_DECLS
