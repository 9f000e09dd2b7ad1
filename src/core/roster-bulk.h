/* roster-bulk.h
 *
 * Bulk actions an admin can trust: a RosterBulkPlan classifies every target
 * from its CURRENT state (re-read from the Admin API, never the cache), then a
 * RosterBulkJob executes the plan's "will change" targets with a journal in the
 * store (job_targets) and one audit entry per target, written in the same
 * transaction as the journal row.
 *
 * Safety rules enforced here, for the app and rosterctl alike:
 *  - a protected account (store's protected accounts; org admins by default)
 *    and the admin's own account are never written;
 *  - a target that is done is never sent again; a target that was in flight
 *    when the process died is re-read from the API before anything is resent;
 *  - more "will change" targets than the cap (setting "bulk-cap", default 500)
 *    need an explicit override.
 *
 * Threading: all async calls complete on the thread-default main context of
 * the caller; signals are emitted there too. _sync variants are for rosterctl
 * and tests (never the GTK main thread).
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "roster-context.h"
#include "roster-export.h"
#include "roster-types.h"

G_BEGIN_DECLS

/* Org settings (roster_store_get/set_setting) read by the engine. */
#define ROSTER_BULK_SETTING_CAP                 "bulk-cap"
#define ROSTER_BULK_SETTING_ACCESS_GROUP_PREFIX "access-group-"  /* + "jira" | "jsm" | "confluence" */
/* Store meta key (optional): the account id of the admin running Roster. */
#define ROSTER_BULK_META_SELF_ACCOUNT_ID        "self_account_id"

#define ROSTER_BULK_DEFAULT_CAP         500
#define ROSTER_BULK_DEFAULT_CANARY      5
#define ROSTER_BULK_DEFAULT_CONCURRENCY 4

/* ------------------------------------------------------------------------- */
/* Actions                                                                    */

typedef enum
{
  ROSTER_BULK_ACTION_SUSPEND,          /* v2 directory suspend: "Deactivate access" in the app */
  ROSTER_BULK_ACTION_RESTORE,          /* v2 directory restore: "Reactivate access" */
  ROSTER_BULK_ACTION_DISABLE_ACCOUNT,  /* lifecycle/disable (managed): "Deactivate account" */
  ROSTER_BULK_ACTION_ENABLE_ACCOUNT,   /* lifecycle/enable (managed): "Reactivate account" */
  ROSTER_BULK_ACTION_GRANT_PRODUCT,    /* role atlassian/user on the workspace, or access group */
  ROSTER_BULK_ACTION_REVOKE_PRODUCT,
  ROSTER_N_BULK_ACTIONS
} RosterBulkAction;

/* Stable nicks stored in the journal and audit: "suspend", "restore",
 * "disable-account", "enable-account", "grant-product", "revoke-product". */
const char       *roster_bulk_action_to_string       (RosterBulkAction  action);
gboolean          roster_bulk_action_from_string     (const char       *nick,
                                                      RosterBulkAction *out_action);
/* Translated short title ("Deactivate access") and meaning ("Billing stops;
 * roles and groups are kept…") for the UI and rosterctl. */
const char       *roster_bulk_action_get_title       (RosterBulkAction  action);
const char       *roster_bulk_action_get_description (RosterBulkAction  action);
/* suspend↔restore, disable↔enable, grant↔revoke. */
RosterBulkAction  roster_bulk_action_get_inverse     (RosterBulkAction  action);
/* TRUE for GRANT/REVOKE_PRODUCT (a RosterProduct must be given). */
gboolean          roster_bulk_action_needs_product   (RosterBulkAction  action);

/* ------------------------------------------------------------------------- */
/* Plan                                                                       */

typedef enum
{
  ROSTER_BULK_CLASS_WILL_CHANGE,
  ROSTER_BULK_CLASS_ALREADY,       /* already in the requested state */
  ROSTER_BULK_CLASS_PROTECTED,     /* protected account or the admin's own */
  ROSTER_BULK_CLASS_NOT_FOUND,     /* unknown id, or an email not in the cache */
  ROSTER_BULK_CLASS_NOT_ALLOWED,   /* unmanaged for lifecycle, app/customer, synced group, … */
  ROSTER_N_BULK_CLASSES
} RosterBulkClass;

/* "will-change", "already", "protected", "not-found", "not-allowed". */
const char       *roster_bulk_class_to_string        (RosterBulkClass   klass);
/* Translated ("Will change", "Already so", "Protected", "Not found", "Not allowed"). */
const char       *roster_bulk_class_get_title        (RosterBulkClass   klass);

#define ROSTER_TYPE_BULK_TARGET (roster_bulk_target_get_type ())

/* One classified target of a plan (read-only for callers). */
typedef struct
{
  char            *account_id;  /* the id; for an unresolved email, the email itself */
  char            *name;        /* (nullable) */
  char            *email;       /* (nullable) */
  RosterBulkClass  klass;
  char            *reason;      /* (nullable) translated explanation, e.g. "Org admin (protected)" */
  char            *before;      /* (nullable) before-state nick, e.g. "active", "has-access" */
} RosterBulkTarget;

GType             roster_bulk_target_get_type        (void) G_GNUC_CONST;
RosterBulkTarget *roster_bulk_target_copy            (const RosterBulkTarget *target);
void              roster_bulk_target_free            (RosterBulkTarget       *target);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RosterBulkTarget, roster_bulk_target_free)

#define ROSTER_TYPE_BULK_PLAN (roster_bulk_plan_get_type ())

G_DECLARE_FINAL_TYPE (RosterBulkPlan, roster_bulk_plan, ROSTER, BULK_PLAN, GObject)

/* targets: account ids or emails (emails are resolved through the cached users
 * of the context; duplicates are dropped). product is ignored unless
 * roster_bulk_action_needs_product(). Reads protected accounts, the cap and
 * access-group settings from the store, the workspaces (for GRANT/REVOKE by
 * role) and the targets' current state from the API. Sends no write. */
void              roster_bulk_plan_new_async         (RosterContext       *context,
                                                      RosterBulkAction     action,
                                                      RosterProduct        product,
                                                      const char * const  *targets,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
RosterBulkPlan   *roster_bulk_plan_new_finish        (GAsyncResult        *result,
                                                      GError             **error);
RosterBulkPlan   *roster_bulk_plan_new_sync          (RosterContext       *context,
                                                      RosterBulkAction     action,
                                                      RosterProduct        product,
                                                      const char * const  *targets,
                                                      GCancellable        *cancellable,
                                                      GError             **error);

RosterBulkAction  roster_bulk_plan_get_action        (RosterBulkPlan      *self);
RosterProduct     roster_bulk_plan_get_product       (RosterBulkPlan      *self);
/* "role" or "group" for product actions (how access is given), else NULL. */
const char       *roster_bulk_plan_get_method        (RosterBulkPlan      *self);
/* All targets in input order. (element-type RosterBulkTarget) (transfer none) */
GPtrArray        *roster_bulk_plan_get_targets       (RosterBulkPlan      *self);
guint             roster_bulk_plan_get_n_targets     (RosterBulkPlan      *self);
guint             roster_bulk_plan_get_count         (RosterBulkPlan      *self,
                                                      RosterBulkClass      klass);
guint             roster_bulk_plan_get_cap           (RosterBulkPlan      *self);
/* TRUE when the WILL_CHANGE count is above the cap. */
gboolean          roster_bulk_plan_exceeds_cap       (RosterBulkPlan      *self);
/* Translated one-line question naming the count: "Suspend access of 12 users?" */
char             *roster_bulk_plan_dup_confirmation  (RosterBulkPlan      *self);
/* {"action","product","counts":{class:n},"targets":[{account_id,name,email,class,reason}]} */
JsonNode         *roster_bulk_plan_to_json           (RosterBulkPlan      *self);

/* ------------------------------------------------------------------------- */
/* Job                                                                        */

typedef enum
{
  ROSTER_BULK_JOB_PENDING,        /* journaled, not started */
  ROSTER_BULK_JOB_RUNNING,
  ROSTER_BULK_JOB_PAUSED,         /* paused by the admin (or interrupted): resumable */
  ROSTER_BULK_JOB_CANARY_PAUSED,  /* the canary targets ran; waiting for continue or stop */
  ROSTER_BULK_JOB_CANCELLED,      /* stopped; remaining targets stay pending (resumable) */
  ROSTER_BULK_JOB_FINISHED,       /* every target done, failed or skipped */
} RosterBulkJobState;

/* "pending", "running", "paused", "canary-paused", "cancelled", "finished". */
const char       *roster_bulk_job_state_to_string    (RosterBulkJobState  state);

typedef enum
{
  ROSTER_BULK_TARGET_PENDING,
  ROSTER_BULK_TARGET_DONE,
  ROSTER_BULK_TARGET_FAILED,
  ROSTER_BULK_TARGET_SKIPPED,     /* found already in the target state on re-check */
} RosterBulkTargetState;

const char       *roster_bulk_target_state_to_string (RosterBulkTargetState state);

#define ROSTER_TYPE_BULK_RESULT (roster_bulk_result_get_type ())

/* One row of a job's per-target result list. */
typedef struct
{
  guint                  seq;
  char                  *account_id;
  char                  *name;         /* (nullable) */
  char                  *email;        /* (nullable) */
  RosterBulkTargetState  state;
  guint                  http_status;  /* 0 = no HTTP answer / no request */
  char                  *message;      /* (nullable) error text or "already applied" */
  char                  *before;       /* (nullable) before-state nick */
} RosterBulkResult;

GType             roster_bulk_result_get_type        (void) G_GNUC_CONST;
RosterBulkResult *roster_bulk_result_copy            (const RosterBulkResult *result);
void              roster_bulk_result_free            (RosterBulkResult       *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RosterBulkResult, roster_bulk_result_free)

typedef struct
{
  guint    canary;          /* run this many targets, then CANARY_PAUSED; 0 = no canary */
  gboolean override_cap;    /* required when the plan exceeds its cap */
  guint    max_concurrent;  /* upper bound of the adaptive window; 0 = default */
} RosterBulkJobOptions;

#define ROSTER_TYPE_BULK_JOB (roster_bulk_job_get_type ())

/* Properties (read-only, notified on the caller's context): "state"
 * (RosterBulkJobState as guint), "n-done", "n-failed", "n-skipped", "n-total".
 * Signal "progress" (guint n_done, guint n_failed, guint n_total) after each
 * target; n_done counts done + skipped. */
G_DECLARE_FINAL_TYPE (RosterBulkJob, roster_bulk_job, ROSTER, BULK_JOB, GObject)

/* Journals a new job from the plan's WILL_CHANGE targets (state pending, with
 * each target's before-state) and audits its creation. Fails with
 * ROSTER_ERROR_INVALID_ARGUMENT when the plan exceeds its cap without override_cap, or
 * has nothing to change. options: (nullable). No write is sent. */
void              roster_bulk_job_create_async       (RosterContext              *context,
                                                      RosterBulkPlan             *plan,
                                                      const RosterBulkJobOptions *options,
                                                      GCancellable               *cancellable,
                                                      GAsyncReadyCallback         callback,
                                                      gpointer                    user_data);
RosterBulkJob    *roster_bulk_job_create_finish      (GAsyncResult               *result,
                                                      GError                    **error);
RosterBulkJob    *roster_bulk_job_create_sync        (RosterContext              *context,
                                                      RosterBulkPlan             *plan,
                                                      const RosterBulkJobOptions *options,
                                                      GCancellable               *cancellable,
                                                      GError                    **error);

/* Loads a journaled job (to resume, show or undo it). ROSTER_ERROR_NOT_FOUND
 * for an unknown id. */
void              roster_bulk_job_load_async         (RosterContext       *context,
                                                      const char          *job_id,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
RosterBulkJob    *roster_bulk_job_load_finish        (GAsyncResult        *result,
                                                      GError             **error);
RosterBulkJob    *roster_bulk_job_load_sync          (RosterContext       *context,
                                                      const char          *job_id,
                                                      GCancellable        *cancellable,
                                                      GError             **error);

/* Builds, from the current state (a new plan), a job that reverses exactly the
 * targets the given job changed (done, not skipped), and journals it. The new
 * job is not started. ROSTER_ERROR_INVALID_ARGUMENT when nothing changed. */
void              roster_bulk_job_new_undo_async     (RosterContext       *context,
                                                      const char          *job_id,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
RosterBulkJob    *roster_bulk_job_new_undo_finish    (GAsyncResult        *result,
                                                      GError             **error);
RosterBulkJob    *roster_bulk_job_new_undo_sync      (RosterContext       *context,
                                                      const char          *job_id,
                                                      GCancellable        *cancellable,
                                                      GError             **error);

/* Runs (or resumes) the job until it is FINISHED, PAUSED, CANARY_PAUSED or
 * CANCELLED; call it again to continue after a pause or the canary. Targets
 * already done are never sent again; targets found in flight from an earlier
 * run are re-read from the API first. A failed target does not stop the job.
 * Completes TRUE with the state reached (see roster_bulk_job_get_state), FALSE
 * only when the journal cannot be written (or the job is already running).
 * Cancelling `cancellable` is the same as roster_bulk_job_cancel(). After the
 * run the cached users are updated in the store (status / product access;
 * reload the context's user set to show them). Fails with ROSTER_ERROR_CONFLICT
 * when another live process is running the same job. */
void              roster_bulk_job_run_async          (RosterBulkJob       *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean          roster_bulk_job_run_finish         (RosterBulkJob       *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
gboolean          roster_bulk_job_run_sync           (RosterBulkJob       *self,
                                                      GCancellable        *cancellable,
                                                      GError             **error);

/* Stop launching requests; the run completes (PAUSED) once in-flight ones end. */
void              roster_bulk_job_pause              (RosterBulkJob       *self);
/* Like pause, but the job ends CANCELLED (audited). A job that is not running
 * is marked CANCELLED in the journal asynchronously. Cancelled jobs stay
 * resumable with run_async. */
void              roster_bulk_job_cancel             (RosterBulkJob       *self);

const char       *roster_bulk_job_get_id             (RosterBulkJob       *self);
RosterBulkAction  roster_bulk_job_get_action         (RosterBulkJob       *self);
RosterProduct     roster_bulk_job_get_product        (RosterBulkJob       *self);
RosterBulkJobState roster_bulk_job_get_state         (RosterBulkJob       *self);
guint             roster_bulk_job_get_canary         (RosterBulkJob       *self);
gint64            roster_bulk_job_get_created_at     (RosterBulkJob       *self);
guint             roster_bulk_job_get_n_total        (RosterBulkJob       *self);
guint             roster_bulk_job_get_n_done         (RosterBulkJob       *self);
guint             roster_bulk_job_get_n_failed       (RosterBulkJob       *self);
guint             roster_bulk_job_get_n_skipped      (RosterBulkJob       *self);
guint             roster_bulk_job_get_n_pending      (RosterBulkJob       *self);
/* Estimated seconds to finish from the recent pace; -1 when unknown. */
int               roster_bulk_job_get_eta_seconds    (RosterBulkJob       *self);
/* Current concurrency window of the adaptive pacing. */
guint             roster_bulk_job_get_window         (RosterBulkJob       *self);
/* 429 answers seen by this job's requests (including transport retries). */
guint             roster_bulk_job_get_n_rate_limited (RosterBulkJob       *self);

/* Snapshot of the per-target results in journal order.
 * (element-type RosterBulkResult) (transfer full) */
GPtrArray        *roster_bulk_job_dup_results        (RosterBulkJob       *self);
/* CSV columns: seq, account_id, name, email, state, http_status, message. JSON:
 * {"job":{id,action,product,state,created_at,counts},"results":[…]}. */
gboolean          roster_bulk_job_write_results      (RosterBulkJob       *self,
                                                      RosterExportFormat   format,
                                                      GOutputStream       *out,
                                                      GCancellable        *cancellable,
                                                      GError             **error);

/* ------------------------------------------------------------------------- */
/* Journal listing                                                            */

#define ROSTER_TYPE_BULK_JOB_INFO (roster_bulk_job_info_get_type ())

typedef struct
{
  char               *id;
  RosterBulkAction    action;
  RosterProduct       product;     /* ROSTER_PRODUCT_OTHER for non-product actions */
  RosterBulkJobState  state;
  gint64              created_at;  /* unix seconds */
  gint64              updated_at;
  guint               n_total;
  guint               n_done;      /* done + skipped */
  guint               n_failed;
  guint               n_pending;
  char               *os_user;     /* (nullable) */
  char               *undo_of;     /* (nullable) the job this one undoes */
} RosterBulkJobInfo;

GType              roster_bulk_job_info_get_type     (void) G_GNUC_CONST;
RosterBulkJobInfo *roster_bulk_job_info_copy         (const RosterBulkJobInfo *info);
void               roster_bulk_job_info_free         (RosterBulkJobInfo       *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RosterBulkJobInfo, roster_bulk_job_info_free)

/* Newest first. (element-type RosterBulkJobInfo) */
void              roster_bulk_list_jobs_async        (RosterStore         *store,
                                                      gboolean             unfinished_only,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
GPtrArray        *roster_bulk_list_jobs_finish       (RosterStore         *store,
                                                      GAsyncResult        *result,
                                                      GError             **error);
GPtrArray        *roster_bulk_list_jobs_sync         (RosterStore         *store,
                                                      gboolean             unfinished_only,
                                                      GError             **error);
/* Jobs not FINISHED (pending, paused, canary-paused, cancelled with targets
 * left). A job whose runner process died (kill -9, crash) is reported PAUSED;
 * RUNNING only while a live process runs it. */
GPtrArray        *roster_bulk_list_unfinished_jobs   (RosterStore         *store,
                                                      GError             **error);

/* The cap from the "bulk-cap" setting (default 500). */
guint             roster_bulk_get_cap_sync           (RosterStore         *store);

G_END_DECLS
