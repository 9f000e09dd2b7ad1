/* roster-application.h */
#pragma once

#include <adwaita.h>

#include "roster-context.h"
#include "roster-sandbox.h"
#include "roster-settings.h"

G_BEGIN_DECLS

#define ROSTER_TYPE_APPLICATION (roster_application_get_type ())

G_DECLARE_FINAL_TYPE (RosterApplication, roster_application, ROSTER, APPLICATION, AdwApplication)

RosterApplication *roster_application_new               (void);
RosterContext     *roster_application_get_context       (RosterApplication *self);
RosterSettings    *roster_application_get_settings      (RosterApplication *self);
gboolean           roster_application_is_demo           (RosterApplication *self);
/* (nullable) the in-process demo organization, once started. */
RosterSandbox     *roster_application_get_sandbox       (RosterApplication *self);
/* Starts the demo sandbox in-process and opens its organization (the demo key is
 * never stored). Emits "org-opened" or "open-failed". */
void               roster_application_open_demo         (RosterApplication *self);
/* Opens an organization whose key is in the keyring. */
void               roster_application_open_org          (RosterApplication *self,
                                                         const char        *admin_url,
                                                         const char        *org_id);
/* Forgets the current organization (after a key delete or a data wipe). */
void               roster_application_close_org         (RosterApplication *self);
/* Test hooks: size and clock of the demo organization (before open_demo). */
void               roster_application_set_demo_options  (RosterApplication *self,
                                                         guint              n_users,
                                                         gint64             now_unix);

/* The one place ROSTER_ERROR codes become translated, actionable text. */
char              *roster_describe_error                (const GError      *error);
/* "1,234" with the locale's grouping. */
char              *roster_format_count                  (guint              n);
/* ROSTER_BENCH=1: prints "roster-bench: mark WHAT monotonic_us=N" (startup timing). */
void               roster_bench_mark                    (const char        *what);

G_END_DECLS
