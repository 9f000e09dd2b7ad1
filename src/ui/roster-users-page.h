/* roster-users-page.h */
#pragma once

#include <adwaita.h>

#include "roster-context.h"
#include "roster-export.h"
#include "roster-protected-model.h"
#include "roster-user-detail.h"
#include "roster-user-list-model.h"

G_BEGIN_DECLS

#define ROSTER_TYPE_USERS_PAGE (roster_users_page_get_type ())

G_DECLARE_FINAL_TYPE (RosterUsersPage, roster_users_page, ROSTER, USERS_PAGE, AdwBin)

void                 roster_users_page_set_context          (RosterUsersPage   *self,
                                                             RosterContext     *context);
/* Puts text in the search entry and applies it at once (no typing delay). */
void                 roster_users_page_set_protected_model  (RosterUsersPage   *self,
                                                             RosterProtectedModel *model);
/* Microseconds the last query took to parse, filter and order (benchmarks). */
gint64               roster_users_page_get_last_filter_time (RosterUsersPage   *self);
/* TRUE once the n-gram search index has been built. */
gboolean             roster_users_page_is_index_ready       (RosterUsersPage   *self);
RosterUserDetail    *roster_users_page_get_detail           (RosterUsersPage   *self);
void                 roster_users_page_set_protected_model  (RosterUsersPage   *self,
                                                             RosterProtectedModel *model);
/* Microseconds the last query took to parse, filter and order (benchmarks). */
gint64               roster_users_page_get_last_filter_time (RosterUsersPage   *self);
/* TRUE once the n-gram search index has been built. */
gboolean             roster_users_page_is_index_ready       (RosterUsersPage   *self);
RosterUserDetail    *roster_users_page_get_detail           (RosterUsersPage   *self);
void                 roster_users_page_set_query            (RosterUsersPage   *self,
                                                             const char        *query);
const char          *roster_users_page_get_query            (RosterUsersPage   *self);
void                 roster_users_page_focus_search         (RosterUsersPage   *self);
void                 roster_users_page_select_all_matching  (RosterUsersPage   *self);
void                 roster_users_page_clear_selection      (RosterUsersPage   *self);
void                 roster_users_page_set_selected         (RosterUsersPage   *self,
                                                             const char        *account_id,
                                                             gboolean           selected);
gboolean             roster_users_page_is_selected          (RosterUsersPage   *self,
                                                             const char        *account_id);
guint                roster_users_page_get_n_selected       (RosterUsersPage   *self);
/* The selected account ids (bulk actions). (transfer full) */
char               **roster_users_page_dup_selected_ids     (RosterUsersPage   *self);
void                 roster_users_page_set_show_only_selected (RosterUsersPage *self,
                                                             gboolean           only_selected);
/* Matches of the current query (0 when nothing matches, even though the list
 * keeps its previous rows behind the empty state). */
guint                roster_users_page_get_n_matches        (RosterUsersPage   *self);
RosterUserListModel *roster_users_page_get_model            (RosterUsersPage   *self);
/* The query error shown under the entry, or NULL. */
const char          *roster_users_page_get_query_error      (RosterUsersPage   *self);
/* Opens the detail pane for one account and scrolls to it. */
void                 roster_users_page_show_account         (RosterUsersPage   *self,
                                                             const char        *account_id);
/* Selects exactly these accounts and shows only them. */
void                 roster_users_page_show_accounts        (RosterUsersPage   *self,
                                                             const char *const *account_ids);
/* Export with a file chooser (Ctrl+E): the selection when there is one, else the
 * matching rows; .json gives JSON, anything else CSV. */
void                 roster_users_page_export               (RosterUsersPage   *self);
/* Export without the chooser (tests). Completes with the number of rows written. */
void                 roster_users_page_export_to_file_async (RosterUsersPage   *self,
                                                             GFile             *file,
                                                             RosterExportFormat format,
                                                             gboolean           selection_only,
                                                             GCancellable      *cancellable,
                                                             GAsyncReadyCallback callback,
                                                             gpointer           user_data);
gssize               roster_users_page_export_to_file_finish (RosterUsersPage  *self,
                                                             GAsyncResult      *result,
                                                             GError           **error);

G_END_DECLS
