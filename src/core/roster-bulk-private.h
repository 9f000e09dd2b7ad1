/* roster-bulk-private.h — shared between roster-bulk.c and roster-bulk-job.c. */
#pragma once

#include <sqlite3.h>

#include "roster-bulk.h"
#include "roster-user.h"

G_BEGIN_DECLS

/* The journal marks a pending target whose request may have left with this
 * message, so that a resume re-reads it before sending anything. */
#define ROSTER_BULK_IN_FLIGHT "in-flight"

typedef struct
{
  RosterBulkAction action;
  RosterProduct    product;
  char            *method;        /* (nullable) "role" | "group" */
  char            *resource_id;   /* (nullable) workspace ARI of the product */
  char            *group_id;      /* (nullable) access group (method "group") */
} RosterBulkSpec;

void                _roster_bulk_spec_clear            (RosterBulkSpec   *spec);

RosterBulkSpec     *_roster_bulk_plan_get_spec         (RosterBulkPlan   *plan);

gboolean            _roster_bulk_job_state_from_string (const char          *nick,
                                                        RosterBulkJobState  *out_state);
RosterBulkTargetState _roster_bulk_target_state_from_string (const char *nick);

/* On the store's thread: the account id of the admin running Roster, never the
 * target of a bulk change. ROSTER_BULK_META_SELF_ACCOUNT_ID when set, else the
 * cached user whose email is the product site's account email (an Admin API key
 * does not say whose it is; the site's API token does). NULL when unknown. */
char               *_roster_bulk_read_self_id          (sqlite3          *db);

/* Runs `start` (which starts an async op completing into *done) on a private
 * main context pushed as thread default, until *done. */
typedef void (*RosterBulkStartFunc) (gpointer data);
void                _roster_bulk_run_private           (RosterBulkStartFunc  start,
                                                        gpointer             data,
                                                        gboolean            *done);

/* Plans like roster_bulk_plan_new_async; undo_of (nullable) is kept for the job. */
void                _roster_bulk_plan_set_undo_of      (RosterBulkPlan   *plan,
                                                        const char       *job_id);
const char         *_roster_bulk_plan_get_undo_of      (RosterBulkPlan   *plan);

/* Which state a user is in, as the target's before nick. */
char               *_roster_bulk_describe_before       (const RosterBulkSpec *spec,
                                                        RosterUser           *user);

/* TRUE when the fresh user (JSON from get_users_by_ids) is already in the state
 * `spec` asks for. */
gboolean            _roster_bulk_user_in_target_state  (const RosterBulkSpec *spec,
                                                        RosterUser           *user);

/* TRUE when a journal row in state `state` with `message` "pid N" names a live
 * process other than this one (which then runs the job). */
gboolean            _roster_bulk_runner_is_alive       (const char           *state,
                                                        const char           *message);

G_END_DECLS
