/* roster-test-utils.h — helpers shared by the test programs: waiting for an
 * async result, running rosterctl, and the keyring check. Core and GIO only
 * (no sandbox), since every test program links them. */
#pragma once

#include <gio/gio.h>

#include "roster-context.h"

G_BEGIN_DECLS

/* An async result in flight: the callbacks below fill it, roster_test_wait_for
 * spins the default main context until it is done. */
typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} RosterTestWaiter;

/* Fails the test when @w is not done within @timeout_seconds. */
void     roster_test_wait_for           (RosterTestWaiter    *w,
                                         guint                timeout_seconds);
/* GAsyncReadyCallbacks for RosterContext, with a RosterTestWaiter as user data. */
void     roster_test_context_open_cb    (GObject             *object,
                                         GAsyncResult        *result,
                                         gpointer             user_data);
void     roster_test_context_sync_cb    (GObject             *object,
                                         GAsyncResult        *result,
                                         gpointer             user_data);
/* A new RosterContext opened on @admin_url for @org_id with @api_key
 * (nullable: from the keyring); fails the test unless it opens. */
RosterContext *roster_test_open_context (const char       *admin_url,
                                         const char       *org_id,
                                         const char       *api_key,
                                         guint             timeout_seconds);
/* Runs a sync of @context to completion. */
gboolean roster_test_context_sync       (RosterContext       *context,
                                         guint                timeout_seconds,
                                         GError             **error);

/* Whether a session bus (for the keyring) is there; with
 * ROSTER_REQUIRE_KEYRING=1 its absence is fatal instead. */
gboolean roster_test_have_keyring       (void);

/* One run of a child process. */
typedef struct
{
  int   status;
  char *out;
  char *err;
} RosterTestRun;

void     roster_test_run_clear          (RosterTestRun       *run);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RosterTestRun, roster_test_run_clear)

/* $ROSTERCTL followed by the arguments up to NULL, NULL-terminated. */
GPtrArray *roster_test_rosterctl_argv   (va_list              args);
/* Sets each NAME=VALUE of @extra_env (nullable) on @launcher. */
void     roster_test_launcher_set_env   (GSubprocessLauncher *launcher,
                                         const char * const  *extra_env);
/* Spawns @argv from @launcher (which pipes stdin, stdout and stderr), writes
 * @stdin_text (nullable), and asserts the child exited; fills @run. */
void     roster_test_communicate        (GSubprocessLauncher *launcher,
                                         const char * const  *argv,
                                         const char          *stdin_text,
                                         RosterTestRun       *run);

G_END_DECLS
