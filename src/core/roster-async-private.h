/* roster-async-private.h
 *
 * The blocking twins (`_sync`) of the core's async calls: the call runs on a
 * private main context, pushed as the thread default, until it completes.
 *
 *   g_auto(RosterSyncCall) call = { NULL };
 *
 *   _roster_sync_call_begin (&call);
 *   roster_foo_async (self, cancellable, _roster_sync_call_done, &call);
 *   return roster_foo_finish (self, _roster_sync_call_wait (&call), error);
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  GMainContext *context;  /* (owned) */
  GAsyncResult *result;   /* (owned) (nullable) */
} RosterSyncCall;

/* Makes the private context and pushes it. */
void          _roster_sync_call_begin (RosterSyncCall *call);
/* The GAsyncReadyCallback to hand the async call, with @call as its user data. */
void          _roster_sync_call_done  (GObject        *source,
                                       GAsyncResult   *result,
                                       gpointer        user_data);
/* Iterates the context until the call completed, pops it and returns the
 * result (borrowed: it lives as long as @call). */
GAsyncResult *_roster_sync_call_wait  (RosterSyncCall *call);
void          _roster_sync_call_clear (RosterSyncCall *call);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RosterSyncCall, _roster_sync_call_clear)

/* Lowers the scheduling priority of the calling thread (and of that thread
 * only), for the core's own background threads: the store's worker and the
 * sync's parser yield the CPU to the main loop (the UI, the HTTP client)
 * whenever both want it. Best effort; Linux only. */
void          _roster_thread_set_background (void);

/* A sync's helpers (its parser, and the store's worker while it stages) share
 * one CPU, the last the process may use, so that the thread running the HTTP
 * client and the UI keeps another: measured on two cores, a sync of 100,000
 * users went from 1.40 to 1.20 times the raw fetch. The first call keeps the
 * thread's CPUs to give them back; nothing happens with a single CPU. Best
 * effort; Linux only. */
void          _roster_thread_enter_sync_cpu (void);
void          _roster_thread_leave_sync_cpu (void);

G_END_DECLS
