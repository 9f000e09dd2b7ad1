/* roster-async.c: running an async call to completion on a private main context;
 * the priority of background threads. */
#define G_LOG_DOMAIN "roster-async"

#include "config.h"

#include <errno.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "roster-async-private.h"

void
_roster_sync_call_begin (RosterSyncCall *call)
{
  g_assert (call->context == NULL);

  call->context = g_main_context_new ();
  g_main_context_push_thread_default (call->context);
}

void
_roster_sync_call_done (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  RosterSyncCall *call = user_data;

  call->result = g_object_ref (result);
}

GAsyncResult *
_roster_sync_call_wait (RosterSyncCall *call)
{
  g_assert (call->context != NULL);

  while (call->result == NULL)
    g_main_context_iteration (call->context, TRUE);
  g_main_context_pop_thread_default (call->context);
  return call->result;
}

void
_roster_sync_call_clear (RosterSyncCall *call)
{
  g_clear_object (&call->result);
  g_clear_pointer (&call->context, g_main_context_unref);
}

void
_roster_thread_set_background (void)
{
#ifdef __linux__
  /* Nice 10 of 19: still well ahead of batch work; a thread may always lower
   * its own priority, so this needs no privilege. */
  if (setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), 10) != 0)
    g_debug ("Could not lower the priority of a background thread: %s", g_strerror (errno));
#endif
}
