/* roster-audit-page.h */
#pragma once

#include <adwaita.h>

#include "roster-export.h"

#include "roster-context.h"

G_BEGIN_DECLS

#define ROSTER_TYPE_AUDIT_PAGE (roster_audit_page_get_type ())

G_DECLARE_FINAL_TYPE (RosterAuditPage, roster_audit_page, ROSTER, AUDIT_PAGE, AdwBin)

void     roster_audit_page_set_context (RosterAuditPage *self,
                                        RosterContext   *context);
void     roster_audit_page_reload      (RosterAuditPage *self);
void     roster_audit_page_verify      (RosterAuditPage *self);
/* Entries shown (after the last completed load), -1 while loading. */
int      roster_audit_page_get_n_entries (RosterAuditPage *self);
/* 1 intact, 0 broken, -1 not verified yet (after the last completed verify). */
int      roster_audit_page_get_verified  (RosterAuditPage *self);

/* The user/target filter entry (tests type into it). */
GtkWidget       *roster_audit_page_get_text_entry        (RosterAuditPage     *self);

/* Writes every entry matching the current filter; finishes with the number of
 * entries written, or -1 with error. */
void             roster_audit_page_export_to_file_async  (RosterAuditPage     *self,
                                                          GFile               *file,
                                                          RosterExportFormat   format,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
int              roster_audit_page_export_to_file_finish (RosterAuditPage     *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

G_END_DECLS
