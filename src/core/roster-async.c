/* roster-async.c: running an async call to completion on a private main context;
 * the priority and CPU of background threads. */
#define _GNU_SOURCE
#define G_LOG_DOMAIN "roster-async"

#include "config.h"

#include <errno.h>
#ifdef __linux__
#include <sched.h>
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

#ifdef __linux__
/* The last CPU the process could use when first asked, or -1 with only one. */
static int
sync_cpu (void)
{
  static gsize once = 0;
  static int cpu = -1;

  if (g_once_init_enter (&once))
    {
      cpu_set_t set;
      int n = 0, last = -1;

      if (sched_getaffinity (0, sizeof set, &set) == 0)
        for (int i = 0; i < CPU_SETSIZE; i++)
          if (CPU_ISSET (i, &set))
            {
              last = i;
              n++;
            }
      cpu = n >= 2 ? last : -1;
      g_once_init_leave (&once, 1);
    }

  return cpu;
}

static __thread gboolean thread_pinned;
static __thread cpu_set_t thread_cpus;
#endif

void
_roster_thread_enter_sync_cpu (void)
{
#ifdef __linux__
  int cpu = sync_cpu ();
  cpu_set_t set;

  if (cpu < 0 || thread_pinned)
    return;
  if (sched_getaffinity (0, sizeof thread_cpus, &thread_cpus) != 0)
    return;
  CPU_ZERO (&set);
  CPU_SET (cpu, &set);
  if (sched_setaffinity (0, sizeof set, &set) == 0)
    thread_pinned = TRUE;
  else
    g_debug ("Could not move a sync helper to CPU %d: %s", cpu, g_strerror (errno));
#endif
}

void
_roster_thread_leave_sync_cpu (void)
{
#ifdef __linux__
  if (!thread_pinned)
    return;
  if (sched_setaffinity (0, sizeof thread_cpus, &thread_cpus) != 0)
    g_debug ("Could not give a sync helper its CPUs back: %s", g_strerror (errno));
  thread_pinned = FALSE;
#endif
}
