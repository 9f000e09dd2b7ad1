/* roster-window.h */
#pragma once

#include <adwaita.h>

#include "roster-audit-page.h"
#include "roster-protected-model.h"

#include "roster-application.h"

G_BEGIN_DECLS

#define ROSTER_TYPE_WINDOW (roster_window_get_type ())

G_DECLARE_FINAL_TYPE (RosterWindow, roster_window, ROSTER, WINDOW, AdwApplicationWindow)

typedef struct _RosterUsersPage RosterUsersPage;
typedef struct _RosterDashboardPage RosterDashboardPage;
typedef struct _RosterSettingsPage RosterSettingsPage;
typedef struct _RosterCustomersPage RosterCustomersPage;
typedef struct _RosterBulkDialog RosterBulkDialog;
typedef struct _RosterJobsBanner RosterJobsBanner;

RosterWindow        *roster_window_new                 (RosterApplication *application);
void                 roster_window_show_loading        (RosterWindow      *self);
void                 roster_window_show_welcome        (RosterWindow      *self);
void                 roster_window_show_connect_dialog (RosterWindow      *self);
/* "dashboard", "users", "customers", "settings"; unknown names are ignored. */
void                 roster_window_set_page            (RosterWindow      *self,
                                                        const char        *page);
const char          *roster_window_get_page            (RosterWindow      *self);
/* Shows the Users page filtered to these accounts (they become the selection). */
void                 roster_window_show_accounts       (RosterWindow      *self,
                                                        const char *const *account_ids);
/* Test and action entry point: puts text in the users search and applies it now. */
void                 roster_window_set_query           (RosterWindow      *self,
                                                        const char        *query);
void                 roster_window_add_toast           (RosterWindow      *self,
                                                        const char        *text);
void                 roster_window_show_error          (RosterWindow      *self,
                                                        const GError      *error);
/* Starts a sync of the open organization (win.refresh). */
void                 roster_window_refresh             (RosterWindow      *self);
gboolean             roster_window_is_syncing          (RosterWindow      *self);
/* "loading", "welcome" or "org". */
const char          *roster_window_get_mode            (RosterWindow      *self);

RosterUsersPage     *roster_window_get_users_page      (RosterWindow      *self);
RosterDashboardPage *roster_window_get_dashboard_page  (RosterWindow      *self);
RosterSettingsPage  *roster_window_get_settings_page   (RosterWindow      *self);
RosterAuditPage     *roster_window_get_audit_page      (RosterWindow      *self);
RosterCustomersPage *roster_window_get_customers_page  (RosterWindow      *self);
RosterProtectedModel *roster_window_get_protected_model (RosterWindow     *self);

/* (nullable) the open bulk change window. */
RosterBulkDialog    *roster_window_get_bulk_dialog     (RosterWindow      *self);
RosterJobsBanner    *roster_window_get_jobs_banner     (RosterWindow      *self);

G_END_DECLS
