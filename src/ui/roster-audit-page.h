/* roster-audit-page.h */
#pragma once

#include <adwaita.h>

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

G_END_DECLS
