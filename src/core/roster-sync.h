/* roster-sync.h
 *
 * Admin API → store. Pages every user of the organization (users search with
 * productAccess and groups), parses each page on a worker thread and stages it,
 * while the next page is already on the wire; then swaps the staging tables in
 * one transaction. A failed or cancelled sync aborts the staging and leaves the
 * previous cache as it was.
 */
#pragma once

#include <gio/gio.h>

#include "roster-store.h"

G_BEGIN_DECLS

typedef struct _RosterAdminApi RosterAdminApi;

#define ROSTER_TYPE_SYNC (roster_sync_get_type ())

G_DECLARE_FINAL_TYPE (RosterSync, roster_sync, ROSTER, SYNC, GObject)

/* Emits "progress" (guint pages, guint users, guint total) on the caller's
 * main context after each staged page; total is 0 when the count is unknown. */
RosterSync *roster_sync_new            (RosterAdminApi      *api,
                                        RosterStore         *store,
                                        const char          *org_id,
                                        const char          *directory_id);
/* Users per page (1..100, default 100). */
void        roster_sync_set_page_size  (RosterSync          *self,
                                        guint                page_size);
void        roster_sync_run_async      (RosterSync          *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
/* out_users (nullable): the synced user set, frozen, or NULL when it has to be
 * loaded from the store (see roster_store_sync_commit_finish()). */
gboolean    roster_sync_run_finish     (RosterSync          *self,
                                        GAsyncResult        *result,
                                        RosterSyncInfo      *out_info,
                                        RosterUserSet      **out_users,
                                        GError             **error);

/* Finds the cursor in `"links":{…"next":"…"}` at the end of a users search
 * body without parsing the whole page, so the next request can start at once.
 * The full parse later checks that it agrees. Returns NULL when there is none
 * or the body does not look like a users search page. */
char       *roster_sync_peek_next_cursor (const char        *body,
                                          gsize              length);

G_END_DECLS
