/* roster-pager.h
 *
 * Pure helpers (no I/O) for the pagination schemes of the Atlassian APIs.
 * A caller fetches a page, hands its decoded root (and Link header) to
 * roster_pager_next(), and asks for the next page with what it returns, until
 * state.done. Malformed pages and pages that do not advance fail with
 * ROSTER_ERROR_INVALID_RESPONSE instead of looping forever.
 *
 *   g_auto(RosterPagerState) state = ROSTER_PAGER_STATE_INIT;
 *   roster_pager_state_init (&state, ROSTER_PAGER_ADMIN_CURSOR);
 *   while (!state.done) {
 *     …fetch with cursor…
 *     items = roster_pager_get_items (state.scheme, root, &error);
 *     if (!roster_pager_next (&state, root, response->link_next, &cursor, &error)) break;
 *   }
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  /* Admin v2 lists and searches, v1 last-active-dates: {"data":[…],"links":{"next":"<cursor>"}}.
   * out_next is the opaque cursor (for ?cursor= or the "cursor" body member). */
  ROSTER_PAGER_ADMIN_CURSOR,
  /* Admin v1 lists (/orgs, /orgs/{id}/users, /domains, /events):
   * links.next is a full URL; out_next is that URL (GET it as is). */
  ROSTER_PAGER_ADMIN_URL,
  /* Jira PageBean {"startAt","maxResults","total","isLast","nextPage","values":[…]}, or a
   * bare array (Jira /users/search: the page is short or empty at the end). out_next is
   * nextPage when given; otherwise NULL and state->next_start is the next startAt. */
  ROSTER_PAGER_PAGE_BEAN,
  /* JSM {"start","limit","size","isLastPage","_links":{"next"},"values":[…]}.
   * out_next is _links.next when given; state->next_start is always start + size. */
  ROSTER_PAGER_JSM,
  /* Confluence v2 {"results":[…],"_links":{"next"}} and the Link header (preferred), and
   * v1 {"results","start","limit","size","_links"}. out_next is site-relative
   * ("/wiki/api/v2/…"): the caller prefixes the site origin. */
  ROSTER_PAGER_CONFLUENCE,
} RosterPagerScheme;

typedef struct
{
  RosterPagerScheme scheme;
  gboolean          done;        /* the last page has been seen */
  guint             n_pages;     /* pages accepted so far */
  guint64           n_items;     /* items on those pages */
  gint64            next_start;  /* offset schemes: the start of the next page */
  guint             page_size;   /* (optional, set by the caller) requested page size,
                                  * used to detect the short last page of bare arrays */
  /*< private >*/
  GHashTable       *seen;        /* next tokens already handed out */
} RosterPagerState;

#define ROSTER_PAGER_STATE_INIT { 0 }

void        roster_pager_state_init  (RosterPagerState   *state,
                                      RosterPagerScheme   scheme);
void        roster_pager_state_clear (RosterPagerState   *state);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RosterPagerState, roster_pager_state_clear)

/* The items of a page ("data", "values" or "results"; a bare array for PAGE_BEAN),
 * borrowed from root. Fails with ROSTER_ERROR_INVALID_RESPONSE naming the member. */
JsonArray  *roster_pager_get_items   (RosterPagerScheme   scheme,
                                      JsonNode           *root,
                                      GError            **error);

/* Accepts one page. On TRUE, either state->done is set (and *out_next NULL) or
 * *out_next holds the next cursor/URL (owned), or — offset schemes without a
 * next link — *out_next is NULL and state->next_start is where the next page starts.
 * link_header: the rel="next" target of the Link header (RosterHttpResponse.link_next). */
gboolean    roster_pager_next        (RosterPagerState   *state,
                                      JsonNode           *root,
                                      const char         *link_next,
                                      char              **out_next,
                                      GError            **error);

G_END_DECLS
