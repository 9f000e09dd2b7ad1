/* roster-bulk-job.c
 *
 * The journaled execution of a bulk plan.
 *
 * Journal protocol (tables jobs / job_targets, see roster-store.c):
 *   1. create: the job row and one 'pending' row per target, with its
 *      before-state, in one transaction, before any write is sent;
 *   2. before a request leaves, its row gets the message "in-flight" (committed
 *      before the request is sent);
 *   3. after the answer, one transaction sets 'done' or 'failed' (status,
 *      message) AND appends the target's audit entry.
 * A resume never sends a 'done' target again, and re-reads every "in-flight"
 * target from the API first: if it already is in the target state it is marked
 * done ("already applied") without a write. So a job killed at any point
 * completes every target exactly once. While a job runs, jobs.message holds
 * "pid N" of its runner (set with the start audit entry in one transaction),
 * so a second live process cannot run the same job at the same time; a row
 * left "running" by a dead process is resumable.
 *
 * Pacing: a concurrency window (AIMD: +1 after a window of successes, halved
 * when a 429 is seen in the transport statistics) and, when the API sends
 * X-RateLimit-Remaining/-Reset, a per-window budget: the job never sends more
 * than the remaining requests of the current window and waits for the reset
 * otherwise, so 429s stay rare and the transport's Retry-After handling is the
 * exception, not the pacing.
 */
#define G_LOG_DOMAIN "roster-bulk"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "roster-bulk.h"
#include "roster-admin-api.h"
#include "roster-audit.h"
#include "roster-bulk-private.h"
#include "roster-error.h"
#include "roster-http.h"
#include "roster-store-private.h"

#define MAX_WINDOW_DEFAULT 16

typedef struct
{
  guint                  seq;
  char                  *account_id;
  char                  *name;
  char                  *email;
  RosterBulkTargetState  state;
  guint                  http_status;
  char                  *message;
  char                  *before;
  guint                  in_flight_marked : 1;  /* the journal says it may have been sent */
  guint                  busy : 1;              /* being handled by this run */
  guint                  changed_now : 1;       /* done by this run: refresh the cache */
  guint                  answer_lost : 1;       /* failed without an HTTP answer in this run */
} JobTarget;

static void
job_target_free (JobTarget *t)
{
  g_free (t->account_id);
  g_free (t->name);
  g_free (t->email);
  g_free (t->message);
  g_free (t->before);
  g_free (t);
}

struct _RosterBulkJob
{
  GObject             parent_instance;

  RosterContext      *context;        /* (owned) */
  RosterStore        *store;          /* (owned) */
  RosterAdminApi     *api;            /* (owned) */
  char               *id;
  RosterBulkSpec      spec;
  char               *undo_of;        /* (nullable) */
  gint64              created_at;
  guint               canary;
  guint               max_window;
  RosterBulkJobState  state;
  GPtrArray          *targets;        /* (owned) element-type JobTarget, in seq order */
  GHashTable         *by_id;          /* account id → JobTarget (borrowed) */
  guint               n_done;
  guint               n_failed;
  guint               n_skipped;

  /* Run state. */
  GTask              *run_task;       /* (owned) (nullable) */
  GCancellable       *run_cancellable;/* (nullable) borrowed from the task */
  gulong              cancel_handler;
  GHashTable         *protected_ids;  /* (owned) (nullable) */
  char               *self_id;
  guint               next;
  guint               in_flight;
  guint               pending_ops;
  guint               canary_stop;    /* finished-count at which to pause; 0 = none */
  guint               window;
  guint               successes;
  guint64             last_n_429;
  guint64             base_n_429;
  guint               timeout_id;
  int                 rl_limit;
  int                 rl_budget;      /* G_MAXINT = unknown */
  gint64              rl_reset_ms;
  gint64              run_started_us;
  guint               run_completed;
  guint               pause_requested : 1;
  guint               cancel_requested : 1;
  guint               finishing : 1;
  guint               prepared : 1;       /* protected set read and in-flight targets re-checked */
  guint               rechecking : 1;     /* re-reading targets whose answer was lost */
};

G_DEFINE_FINAL_TYPE (RosterBulkJob, roster_bulk_job, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_N_DONE,
  PROP_N_FAILED,
  PROP_N_SKIPPED,
  PROP_N_TOTAL,
  N_PROPS
};

enum {
  PROGRESS,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void pump (RosterBulkJob *self);

/* ------------------------------------------------------------------------- */
/* Journal operations on the store thread                                     */

typedef enum
{
  OP_JOB_STATE,      /* jobs.state = state_nick; audit */
  OP_MARK_IN_FLIGHT, /* job_targets.message = in-flight (pending only) */
  OP_CLEAR_IN_FLIGHT,
  OP_TARGET,         /* job_targets.state/http/message; audit */
} OpKind;

typedef struct
{
  OpKind   kind;
  char    *job_id;
  char    *account_id;
  char    *state_nick;
  guint    http_status;
  char    *message;
  char    *audit_action;  /* (nullable) no audit when NULL */
  char    *audit_target;
  char    *audit_outcome;
  char    *audit_detail;
} JournalOp;

static void
journal_op_free (JournalOp *op)
{
  g_free (op->job_id);
  g_free (op->account_id);
  g_free (op->state_nick);
  g_free (op->message);
  g_free (op->audit_action);
  g_free (op->audit_target);
  g_free (op->audit_outcome);
  g_free (op->audit_detail);
  g_free (op);
}

static gboolean
step_bound (sqlite3     *db,
            const char  *sql,
            JournalOp   *op,
            GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if ((rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL)) != SQLITE_OK)
    return _roster_store_fail (error, db, rc, "Writing the bulk-job journal");
  /* ?1 job, ?2 account, ?3 state, ?4 http, ?5 message, ?6 now */
  if (sqlite3_bind_parameter_count (stmt) >= 1)
    _roster_store_bind_text (stmt, 1, op->job_id);
  if (sqlite3_bind_parameter_count (stmt) >= 2)
    _roster_store_bind_text (stmt, 2, op->account_id);
  if (sqlite3_bind_parameter_count (stmt) >= 3)
    _roster_store_bind_text (stmt, 3, op->state_nick);
  if (sqlite3_bind_parameter_count (stmt) >= 4)
    sqlite3_bind_int (stmt, 4, op->http_status);
  if (sqlite3_bind_parameter_count (stmt) >= 5)
    _roster_store_bind_text (stmt, 5, op->message);
  if (sqlite3_bind_parameter_count (stmt) >= 6)
    sqlite3_bind_int64 (stmt, 6, g_get_real_time () / G_USEC_PER_SEC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _roster_store_fail (error, db, rc, "Writing the bulk-job journal");
  return TRUE;
}

static gboolean
journal_op_func (sqlite3   *db,
                 gpointer   data,
                 gpointer  *out_result,
                 GError   **error)
{
  JournalOp *op = data;
  const char *sql = NULL;

  if (!_roster_store_exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;

  switch (op->kind)
    {
    case OP_JOB_STATE:
      sql = "UPDATE jobs SET state = ?3, updated_at = ?6, message = ?5 WHERE id = ?1 AND ?2 IS NULL AND ?4 >= 0";
      break;
    case OP_MARK_IN_FLIGHT:
      sql = "UPDATE job_targets SET message = ?5, updated_at = ?6"
            " WHERE job_id = ?1 AND account_id = ?2 AND state = 'pending' AND ?3 IS NULL AND ?4 >= 0";
      break;
    case OP_CLEAR_IN_FLIGHT:
      sql = "UPDATE job_targets SET message = NULL, updated_at = ?6"
            " WHERE job_id = ?1 AND account_id = ?2 AND state = 'pending'"
            " AND ?3 IS NULL AND ?4 >= 0 AND ?5 IS NULL";
      break;
    case OP_TARGET:
      /* Never downgrade a row that is already done. */
      sql = "UPDATE job_targets SET state = ?3, http_status = ?4, message = ?5, updated_at = ?6"
            " WHERE job_id = ?1 AND account_id = ?2 AND state != 'done'";
      break;
    default:
      g_assert_not_reached ();
    }

  if (!step_bound (db, sql, op, error))
    goto fail;
  if (op->kind == OP_JOB_STATE || op->kind == OP_TARGET)
    {
      if (!step_bound (db, "UPDATE jobs SET updated_at = ?6 WHERE id = ?1 AND ?2 IS NULL"
                           " AND ?3 IS NULL AND ?4 >= 0 AND ?5 IS NULL",
                       &(JournalOp) { .job_id = op->job_id }, error))
        goto fail;
    }
  if (op->audit_action != NULL)
    {
      g_autoptr(RosterAuditEntry) entry = NULL;

      entry = roster_audit_entry_new (op->audit_action, op->audit_target, op->audit_outcome,
                                      op->http_status, op->job_id, op->audit_detail);
      if (!roster_audit_append (db, entry, error))
        goto fail;
    }
  if (!_roster_store_exec (db, "COMMIT", error))
    goto fail;

  *out_result = GINT_TO_POINTER (TRUE);
  return TRUE;

fail:
  _roster_store_exec (db, "ROLLBACK", NULL);
  return FALSE;
}

static char *
audit_action_for (RosterBulkAction action)
{
  return g_strconcat ("bulk-", roster_bulk_action_to_string (action), NULL);
}

/* ------------------------------------------------------------------------- */
/* GObject                                                                    */

static void
roster_bulk_job_dispose (GObject *object)
{
  RosterBulkJob *self = ROSTER_BULK_JOB (object);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_object (&self->api);
  g_clear_object (&self->store);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (roster_bulk_job_parent_class)->dispose (object);
}

static void
roster_bulk_job_finalize (GObject *object)
{
  RosterBulkJob *self = ROSTER_BULK_JOB (object);

  g_free (self->id);
  g_free (self->undo_of);
  g_free (self->self_id);
  _roster_bulk_spec_clear (&self->spec);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->targets, g_ptr_array_unref);
  g_clear_pointer (&self->protected_ids, g_hash_table_unref);

  G_OBJECT_CLASS (roster_bulk_job_parent_class)->finalize (object);
}

static void
roster_bulk_job_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  RosterBulkJob *self = ROSTER_BULK_JOB (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_uint (value, self->state);
      break;
    case PROP_N_DONE:
      g_value_set_uint (value, self->n_done);
      break;
    case PROP_N_FAILED:
      g_value_set_uint (value, self->n_failed);
      break;
    case PROP_N_SKIPPED:
      g_value_set_uint (value, self->n_skipped);
      break;
    case PROP_N_TOTAL:
      g_value_set_uint (value, self->targets->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
roster_bulk_job_class_init (RosterBulkJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = roster_bulk_job_dispose;
  object_class->finalize = roster_bulk_job_finalize;
  object_class->get_property = roster_bulk_job_get_property;

  properties[PROP_STATE] =
    g_param_spec_uint ("state", NULL, NULL, 0, ROSTER_BULK_JOB_FINISHED, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_DONE] =
    g_param_spec_uint ("n-done", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_FAILED] =
    g_param_spec_uint ("n-failed", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_SKIPPED] =
    g_param_spec_uint ("n-skipped", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_TOTAL] =
    g_param_spec_uint ("n-total", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT);
}

static void
roster_bulk_job_init (RosterBulkJob *self)
{
  self->targets = g_ptr_array_new_with_free_func ((GDestroyNotify) job_target_free);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->state = ROSTER_BULK_JOB_PENDING;
  self->max_window = MAX_WINDOW_DEFAULT;
  self->rl_limit = -1;
  self->rl_budget = G_MAXINT;
}

static RosterBulkJob *
job_new (RosterContext *context)
{
  RosterBulkJob *self = g_object_new (ROSTER_TYPE_BULK_JOB, NULL);

  self->context = g_object_ref (context);
  self->store = g_object_ref (roster_context_get_store (context));
  self->api = g_object_ref (roster_context_get_admin_api (context));
  return self;
}

static void
job_add_target (RosterBulkJob *self,
                JobTarget     *t)
{
  g_ptr_array_add (self->targets, t);
  g_hash_table_insert (self->by_id, t->account_id, t);
  switch (t->state)
    {
    case ROSTER_BULK_TARGET_DONE: self->n_done++; break;
    case ROSTER_BULK_TARGET_FAILED: self->n_failed++; break;
    case ROSTER_BULK_TARGET_SKIPPED: self->n_skipped++; break;
    case ROSTER_BULK_TARGET_PENDING:
    default: break;
    }
}

static char *
spec_to_params (RosterBulkJob *self,
                gboolean       override_cap)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  if (self->spec.product < ROSTER_N_PRODUCTS)
    {
      json_builder_set_member_name (b, "product");
      json_builder_add_string_value (b, roster_product_to_string (self->spec.product));
    }
  if (self->spec.method != NULL)
    {
      json_builder_set_member_name (b, "method");
      json_builder_add_string_value (b, self->spec.method);
    }
  if (self->spec.resource_id != NULL)
    {
      json_builder_set_member_name (b, "resource_id");
      json_builder_add_string_value (b, self->spec.resource_id);
    }
  if (self->spec.group_id != NULL)
    {
      json_builder_set_member_name (b, "group_id");
      json_builder_add_string_value (b, self->spec.group_id);
    }
  if (self->undo_of != NULL)
    {
      json_builder_set_member_name (b, "undo_of");
      json_builder_add_string_value (b, self->undo_of);
    }
  json_builder_set_member_name (b, "override_cap");
  json_builder_add_boolean_value (b, override_cap);
  json_builder_set_member_name (b, "max_concurrent");
  json_builder_add_int_value (b, self->max_window);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

static void
params_to_spec (RosterBulkJob *self,
                const char    *params)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;
  const char *s;

  self->spec.product = ROSTER_PRODUCT_OTHER;
  if (params == NULL || !json_parser_load_from_data (parser, params, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  o = json_node_get_object (json_parser_get_root (parser));
  if ((s = json_object_get_string_member_with_default (o, "product", NULL)) != NULL)
    self->spec.product = roster_product_from_string (s);
  self->spec.method = g_strdup (json_object_get_string_member_with_default (o, "method", NULL));
  self->spec.resource_id = g_strdup (json_object_get_string_member_with_default (o, "resource_id", NULL));
  self->spec.group_id = g_strdup (json_object_get_string_member_with_default (o, "group_id", NULL));
  self->undo_of = g_strdup (json_object_get_string_member_with_default (o, "undo_of", NULL));
  self->max_window = CLAMP (json_object_get_int_member_with_default (o, "max_concurrent",
                                                                      MAX_WINDOW_DEFAULT), 1, 64);
}

/* ------------------------------------------------------------------------- */
/* Create                                                                     */

typedef struct
{
  RosterBulkJob *job;
  char          *params;
  char          *os_user;
} CreateData;

static void
create_data_free (CreateData *cd)
{
  g_clear_object (&cd->job);
  g_free (cd->params);
  g_free (cd->os_user);
  g_free (cd);
}

static gboolean
create_func (sqlite3   *db,
             gpointer   data,
             gpointer  *out_result,
             GError   **error)
{
  CreateData *cd = data;
  RosterBulkJob *job = cd->job;
  sqlite3_stmt *stmt = NULL;
  g_autoptr(RosterAuditEntry) entry = NULL;
  g_autofree char *detail = NULL;
  int rc;

  if (!_roster_store_exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;

  if ((rc = sqlite3_prepare_v2 (db, "INSERT INTO jobs (id, action, params, state, created_at,"
                                " updated_at, n_targets, canary, os_user, message)"
                                " VALUES (?1, ?2, ?3, 'pending', ?4, ?4, ?5, ?6, ?7, NULL)",
                                -1, &stmt, NULL)) != SQLITE_OK)
    goto fail_rc;
  _roster_store_bind_text (stmt, 1, job->id);
  _roster_store_bind_text (stmt, 2, roster_bulk_action_to_string (job->spec.action));
  _roster_store_bind_text (stmt, 3, cd->params);
  sqlite3_bind_int64 (stmt, 4, job->created_at);
  sqlite3_bind_int (stmt, 5, job->targets->len);
  sqlite3_bind_int (stmt, 6, job->canary);
  _roster_store_bind_text (stmt, 7, cd->os_user);
  rc = sqlite3_step (stmt);
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (rc != SQLITE_DONE)
    goto fail_rc;

  if ((rc = sqlite3_prepare_v2 (db, "INSERT INTO job_targets (job_id, seq, account_id, state,"
                                " http_status, message, before_state, updated_at)"
                                " VALUES (?1, ?2, ?3, 'pending', 0, NULL, ?4, ?5)",
                                -1, &stmt, NULL)) != SQLITE_OK)
    goto fail_rc;
  for (guint i = 0; i < job->targets->len; i++)
    {
      JobTarget *t = g_ptr_array_index (job->targets, i);
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *before = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "before");
      json_builder_add_string_value (b, t->before);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, t->name);
      json_builder_set_member_name (b, "email");
      json_builder_add_string_value (b, t->email);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      before = json_generator_to_data (gen, NULL);

      sqlite3_reset (stmt);
      _roster_store_bind_text (stmt, 1, job->id);
      sqlite3_bind_int (stmt, 2, t->seq);
      _roster_store_bind_text (stmt, 3, t->account_id);
      _roster_store_bind_text (stmt, 4, before);
      sqlite3_bind_int64 (stmt, 5, job->created_at);
      if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
        goto fail_rc;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  detail = g_strdup_printf ("%u targets%s%s", job->targets->len,
                            job->undo_of != NULL ? "; undo of " : "",
                            job->undo_of != NULL ? job->undo_of : "");
  entry = roster_audit_entry_new ("bulk-job-create", roster_bulk_action_to_string (job->spec.action),
                                  "pending", 0, job->id, detail);
  if (!roster_audit_append (db, entry, error))
    goto fail;
  if (!_roster_store_exec (db, "COMMIT", error))
    goto fail;

  *out_result = g_object_ref (job);
  return TRUE;

fail_rc:
  g_clear_pointer (&stmt, sqlite3_finalize);
  _roster_store_fail (error, db, rc, "Writing the bulk-job journal");
fail:
  _roster_store_exec (db, "ROLLBACK", NULL);
  return FALSE;
}

/* Completes a task with the RosterBulkJob a store function returned. */
static void
store_job_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  RosterBulkJob *job;

  job = roster_store_run_finish (ROSTER_STORE (object), result, &error);
  if (job == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, job, g_object_unref);
}

void
roster_bulk_job_create_async (RosterContext              *context,
                              RosterBulkPlan             *plan,
                              const RosterBulkJobOptions *options,
                              GCancellable               *cancellable,
                              GAsyncReadyCallback         callback,
                              gpointer                    user_data)
{
  g_autoptr(GTask) task = NULL;
  RosterBulkSpec *spec;
  RosterBulkJob *job;
  CreateData *cd;
  GPtrArray *targets;
  gboolean override_cap = options != NULL && options->override_cap;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");

  g_return_if_fail (ROSTER_IS_CONTEXT (context));
  g_return_if_fail (ROSTER_IS_BULK_PLAN (plan));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_bulk_job_create_async);

  if (roster_bulk_plan_exceeds_cap (plan) && !override_cap)
    {
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT,
                               _("%u users would change, more than the limit of %u per batch; "
                                 "confirm the override to go ahead"),
                               roster_bulk_plan_get_count (plan, ROSTER_BULK_CLASS_WILL_CHANGE),
                               roster_bulk_plan_get_cap (plan));
      return;
    }
  if (roster_bulk_plan_get_count (plan, ROSTER_BULK_CLASS_WILL_CHANGE) == 0)
    {
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT,
                               _("Nothing to change: no target would change"));
      return;
    }

  job = job_new (context);
  spec = _roster_bulk_plan_get_spec (plan);
  job->spec.action = spec->action;
  job->spec.product = spec->product;
  job->spec.method = g_strdup (spec->method);
  job->spec.resource_id = g_strdup (spec->resource_id);
  job->spec.group_id = g_strdup (spec->group_id);
  job->undo_of = g_strdup (_roster_bulk_plan_get_undo_of (plan));
  job->id = g_strdup_printf ("%s-%04x", stamp, g_random_int_range (0, 0x10000));
  job->created_at = g_date_time_to_unix (now);
  job->canary = options != NULL ? options->canary : 0;
  if (options != NULL && options->max_concurrent > 0)
    job->max_window = MIN (options->max_concurrent, 64);

  targets = roster_bulk_plan_get_targets (plan);
  for (guint i = 0; i < targets->len; i++)
    {
      RosterBulkTarget *pt = g_ptr_array_index (targets, i);
      JobTarget *t;

      if (pt->klass != ROSTER_BULK_CLASS_WILL_CHANGE)
        continue;
      t = g_new0 (JobTarget, 1);
      t->seq = job->targets->len;
      t->account_id = g_strdup (pt->account_id);
      t->name = g_strdup (pt->name);
      t->email = g_strdup (pt->email);
      t->before = g_strdup (pt->before);
      t->state = ROSTER_BULK_TARGET_PENDING;
      job_add_target (job, t);
    }

  cd = g_new0 (CreateData, 1);
  cd->job = job;
  cd->params = spec_to_params (job, override_cap);
  cd->os_user = g_strdup (g_get_user_name ());
  roster_store_run_async (job->store, create_func, cd, (GDestroyNotify) create_data_free,
                          cancellable, store_job_cb, g_steal_pointer (&task));
}

RosterBulkJob *
roster_bulk_job_create_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  RosterContext              *context;
  RosterBulkPlan             *plan;
  const RosterBulkJobOptions *options;
  const char                 *job_id;
  GCancellable               *cancellable;
  RosterBulkJob              *job;
  GError                     *error;
  gboolean                    done;
} JobSync;

static void
job_sync_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  JobSync *js = user_data;

  js->job = g_task_propagate_pointer (G_TASK (result), &js->error);
  js->done = TRUE;
}

static void
create_sync_start (gpointer data)
{
  JobSync *js = data;

  roster_bulk_job_create_async (js->context, js->plan, js->options, js->cancellable,
                                job_sync_cb, js);
}

RosterBulkJob *
roster_bulk_job_create_sync (RosterContext              *context,
                             RosterBulkPlan             *plan,
                             const RosterBulkJobOptions *options,
                             GCancellable               *cancellable,
                             GError                    **error)
{
  JobSync js = { context, plan, options, NULL, cancellable, NULL, NULL, FALSE };

  _roster_bulk_run_private (create_sync_start, &js, &js.done);
  if (js.error != NULL)
    g_propagate_error (error, js.error);
  return js.job;
}

/* ------------------------------------------------------------------------- */
/* Load                                                                       */

typedef struct
{
  RosterBulkJob *job;
} LoadData;

static void
load_data_free (LoadData *ld)
{
  g_clear_object (&ld->job);
  g_free (ld);
}

static gboolean
load_func (sqlite3   *db,
           gpointer   data,
           gpointer  *out_result,
           GError   **error)
{
  LoadData *ld = data;
  RosterBulkJob *job = ld->job;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if ((rc = sqlite3_prepare_v2 (db, "SELECT action, params, state, created_at, canary"
                                " FROM jobs WHERE id = ?1", -1, &stmt, NULL)) != SQLITE_OK)
    return _roster_store_fail (error, db, rc, "Reading the bulk-job journal");
  _roster_store_bind_text (stmt, 1, job->id);
  if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
    {
      sqlite3_finalize (stmt);
      if (rc != SQLITE_DONE)
        return _roster_store_fail (error, db, rc, "Reading the bulk-job journal");
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_NOT_FOUND, _("No bulk job “%s”"), job->id);
      return FALSE;
    }
  if (!roster_bulk_action_from_string ((const char *) sqlite3_column_text (stmt, 0), &job->spec.action))
    {
      sqlite3_finalize (stmt);
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_CACHE, _("Bulk job “%s” has an unknown action"),
                   job->id);
      return FALSE;
    }
  params_to_spec (job, (const char *) sqlite3_column_text (stmt, 1));
  if (!_roster_bulk_job_state_from_string ((const char *) sqlite3_column_text (stmt, 2), &job->state))
    job->state = ROSTER_BULK_JOB_PAUSED;
  /* Not running in this object: a "running" row was interrupted (or is run
   * elsewhere, which run_async refuses). */
  if (job->state == ROSTER_BULK_JOB_RUNNING)
    job->state = ROSTER_BULK_JOB_PAUSED;
  job->created_at = sqlite3_column_int64 (stmt, 3);
  job->canary = sqlite3_column_int (stmt, 4);
  sqlite3_finalize (stmt);

  if ((rc = sqlite3_prepare_v2 (db, "SELECT seq, account_id, state, http_status, message, before_state"
                                " FROM job_targets WHERE job_id = ?1 ORDER BY seq",
                                -1, &stmt, NULL)) != SQLITE_OK)
    return _roster_store_fail (error, db, rc, "Reading the bulk-job journal");
  _roster_store_bind_text (stmt, 1, job->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JobTarget *t = g_new0 (JobTarget, 1);
      const char *before = (const char *) sqlite3_column_text (stmt, 5);
      g_autoptr(JsonParser) parser = json_parser_new ();

      t->seq = sqlite3_column_int (stmt, 0);
      t->account_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      t->state = _roster_bulk_target_state_from_string ((const char *) sqlite3_column_text (stmt, 2));
      t->http_status = sqlite3_column_int (stmt, 3);
      t->message = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      if (t->state == ROSTER_BULK_TARGET_PENDING && g_strcmp0 (t->message, ROSTER_BULK_IN_FLIGHT) == 0)
        {
          t->in_flight_marked = TRUE;
          g_clear_pointer (&t->message, g_free);
        }
      if (before != NULL && json_parser_load_from_data (parser, before, -1, NULL) &&
          JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          JsonObject *o = json_node_get_object (json_parser_get_root (parser));

          t->before = g_strdup (json_object_get_string_member_with_default (o, "before", NULL));
          t->name = g_strdup (json_object_get_string_member_with_default (o, "name", NULL));
          t->email = g_strdup (json_object_get_string_member_with_default (o, "email", NULL));
        }
      job_add_target (job, t);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _roster_store_fail (error, db, rc, "Reading the bulk-job journal");

  *out_result = g_object_ref (job);
  return TRUE;
}

void
roster_bulk_job_load_async (RosterContext       *context,
                            const char          *job_id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;
  LoadData *ld;

  g_return_if_fail (ROSTER_IS_CONTEXT (context));
  g_return_if_fail (job_id != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_bulk_job_load_async);
  if (roster_context_get_store (context) == NULL)
    {
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_FAILED, _("No organization is open"));
      g_object_unref (task);
      return;
    }
  ld = g_new0 (LoadData, 1);
  ld->job = job_new (context);
  ld->job->id = g_strdup (job_id);
  roster_store_run_async (ld->job->store, load_func, ld, (GDestroyNotify) load_data_free,
                          cancellable, store_job_cb, task);
}

RosterBulkJob *
roster_bulk_job_load_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
load_sync_start (gpointer data)
{
  JobSync *js = data;

  roster_bulk_job_load_async (js->context, js->job_id, js->cancellable, job_sync_cb, js);
}

RosterBulkJob *
roster_bulk_job_load_sync (RosterContext  *context,
                           const char     *job_id,
                           GCancellable   *cancellable,
                           GError        **error)
{
  JobSync js = { context, NULL, NULL, job_id, cancellable, NULL, NULL, FALSE };

  _roster_bulk_run_private (load_sync_start, &js, &js.done);
  if (js.error != NULL)
    g_propagate_error (error, js.error);
  return js.job;
}

/* ------------------------------------------------------------------------- */
/* Undo                                                                       */

typedef struct
{
  RosterContext *context;
  char          *job_id;
} UndoData;

static void
undo_data_free (UndoData *ud)
{
  g_clear_object (&ud->context);
  g_free (ud->job_id);
  g_free (ud);
}

static void
undo_created_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  RosterBulkJob *job = roster_bulk_job_create_finish (result, &error);

  if (job == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, job, g_object_unref);
}

static void
undo_plan_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  UndoData *ud = g_task_get_task_data (task);
  g_autoptr(RosterBulkPlan) plan = NULL;
  RosterBulkJobOptions options = { 0, TRUE, 0 };
  GError *error = NULL;

  plan = roster_bulk_plan_new_finish (result, &error);
  if (plan == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (roster_bulk_plan_get_count (plan, ROSTER_BULK_CLASS_WILL_CHANGE) == 0)
    {
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT,
                               _("Nothing to undo: the targets of job %s are no longer in the "
                                 "state it left them in"), ud->job_id);
      return;
    }
  _roster_bulk_plan_set_undo_of (plan, ud->job_id);
  /* The undo reverses exactly what the job did, so the cap was already
   * confirmed for it. */
  roster_bulk_job_create_async (ud->context, plan, &options, g_task_get_cancellable (task),
                                undo_created_cb, g_object_ref (task));
}

static void
undo_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  UndoData *ud = g_task_get_task_data (task);
  g_autoptr(RosterBulkJob) job = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  GError *error = NULL;

  job = roster_bulk_job_load_finish (result, &error);
  if (job == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < job->targets->len; i++)
    {
      JobTarget *t = g_ptr_array_index (job->targets, i);

      if (t->state == ROSTER_BULK_TARGET_DONE)
        g_ptr_array_add (ids, t->account_id);
    }
  g_ptr_array_add (ids, NULL);
  if (ids->len == 1)
    {
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT,
                               _("Nothing to undo: job %s changed no user"), ud->job_id);
      return;
    }
  roster_bulk_plan_new_async (ud->context, roster_bulk_action_get_inverse (job->spec.action),
                              job->spec.product, (const char * const *) ids->pdata,
                              g_task_get_cancellable (task), undo_plan_cb, g_object_ref (task));
}

void
roster_bulk_job_new_undo_async (RosterContext       *context,
                                const char          *job_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  UndoData *ud;

  g_return_if_fail (ROSTER_IS_CONTEXT (context));
  g_return_if_fail (job_id != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_bulk_job_new_undo_async);
  ud = g_new0 (UndoData, 1);
  ud->context = g_object_ref (context);
  ud->job_id = g_strdup (job_id);
  g_task_set_task_data (task, ud, (GDestroyNotify) undo_data_free);
  roster_bulk_job_load_async (context, job_id, cancellable, undo_loaded_cb, g_steal_pointer (&task));
}

RosterBulkJob *
roster_bulk_job_new_undo_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
undo_sync_start (gpointer data)
{
  JobSync *js = data;

  roster_bulk_job_new_undo_async (js->context, js->job_id, js->cancellable, job_sync_cb, js);
}

RosterBulkJob *
roster_bulk_job_new_undo_sync (RosterContext  *context,
                               const char     *job_id,
                               GCancellable   *cancellable,
                               GError        **error)
{
  JobSync js = { context, NULL, NULL, job_id, cancellable, NULL, NULL, FALSE };

  _roster_bulk_run_private (undo_sync_start, &js, &js.done);
  if (js.error != NULL)
    g_propagate_error (error, js.error);
  return js.job;
}

/* ------------------------------------------------------------------------- */
/* Run                                                                        */

typedef void (*AfterFunc) (RosterBulkJob *self,
                           JobTarget     *t,
                           gboolean       ok);

typedef struct
{
  RosterBulkJob *self;  /* (owned) */
  JobTarget     *t;     /* (nullable) borrowed from self->targets */
  AfterFunc      after;
} OpCtx;

static guint
n_finished (RosterBulkJob *self)
{
  return self->n_done + self->n_failed + self->n_skipped;
}

static void
journal_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  OpCtx *ctx = user_data;
  RosterBulkJob *self = ctx->self;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = roster_store_run_finish (ROSTER_STORE (object), result, &error) != NULL;
  if (!ok)
    {
      g_warning ("Bulk job %s: the journal could not be written: %s", self->id, error->message);
      if (self->run_task != NULL && g_task_get_task_data (self->run_task) == NULL)
        g_task_set_task_data (self->run_task, g_error_copy (error), (GDestroyNotify) g_error_free);
    }
  self->pending_ops--;
  if (ctx->after != NULL)
    ctx->after (self, ctx->t, ok);
  pump (self);
  g_object_unref (self);
  g_free (ctx);
}

static void
journal_submit (RosterBulkJob *self,
                JournalOp     *op,
                JobTarget     *t,
                AfterFunc      after)
{
  OpCtx *ctx = g_new0 (OpCtx, 1);

  ctx->self = g_object_ref (self);
  ctx->t = t;
  ctx->after = after;
  op->job_id = g_strdup (self->id);
  self->pending_ops++;
  roster_store_run_async (self->store, journal_op_func, op, (GDestroyNotify) journal_op_free,
                          NULL, journal_cb, ctx);
}

static gboolean
journal_failed (RosterBulkJob *self)
{
  return self->run_task != NULL && g_task_get_task_data (self->run_task) != NULL;
}

static void
emit_progress (RosterBulkJob *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_DONE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FAILED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SKIPPED]);
  g_signal_emit (self, signals[PROGRESS], 0, self->n_done + self->n_skipped, self->n_failed,
                 self->targets->len);
}

static void
after_finish_target (RosterBulkJob *self,
                     JobTarget     *t,
                     gboolean       ok)
{
  t->busy = FALSE;
}

/* Journals the outcome of one target and its audit entry in one transaction. */
static void
finish_target (RosterBulkJob         *self,
               JobTarget             *t,
               RosterBulkTargetState  state,
               guint                  http_status,
               const char            *message,
               const char            *outcome)
{
  JournalOp *op = g_new0 (JournalOp, 1);

  g_assert (t->state == ROSTER_BULK_TARGET_PENDING);

  t->state = state;
  t->http_status = http_status;
  g_free (t->message);
  t->message = g_strdup (message);
  t->in_flight_marked = FALSE;
  t->busy = TRUE;
  switch (state)
    {
    case ROSTER_BULK_TARGET_DONE:
      self->n_done++;
      t->changed_now = TRUE;
      break;
    case ROSTER_BULK_TARGET_FAILED:
      self->n_failed++;
      break;
    case ROSTER_BULK_TARGET_SKIPPED:
      self->n_skipped++;
      break;
    case ROSTER_BULK_TARGET_PENDING:
    default:
      g_assert_not_reached ();
    }
  self->run_completed++;

  op->kind = OP_TARGET;
  op->account_id = g_strdup (t->account_id);
  op->state_nick = g_strdup (roster_bulk_target_state_to_string (state));
  op->http_status = http_status;
  op->message = g_strdup (message);
  op->audit_action = audit_action_for (self->spec.action);
  op->audit_target = g_strdup (t->account_id);
  op->audit_outcome = g_strdup (outcome);
  if (self->spec.product < ROSTER_N_PRODUCTS)
    op->audit_detail = g_strdup_printf ("%s%s%s", roster_product_to_string (self->spec.product),
                                        message != NULL ? ": " : "", message != NULL ? message : "");
  else
    op->audit_detail = g_strdup (message);
  journal_submit (self, op, t, after_finish_target);
  emit_progress (self);
}

static guint64
count_429 (RosterBulkJob *self)
{
  RosterHttpStats a = { 0 }, b = { 0 };

  roster_http_get_stats (roster_admin_api_get_http (self->api), &a);
  roster_http_get_stats (roster_admin_api_get_user_management_http (self->api), &b);
  return a.n_429 + b.n_429;
}

static void
adapt_window (RosterBulkJob *self)
{
  guint64 n_429 = count_429 (self);

  if (n_429 > self->last_n_429)
    {
      self->window = MAX (1, self->window / 2);
      self->successes = 0;
      self->last_n_429 = n_429;
    }
  else if (++self->successes >= self->window)
    {
      self->window = MIN (self->window + 1, self->max_window);
      self->successes = 0;
    }
}

static void
note_rate_limit (RosterBulkJob            *self,
                 const RosterHttpResponse *response)
{
  int avail;

  if (response->rate_limit_remaining < 0 || response->rate_limit_reset < 0)
    return;
  if (response->rate_limit_limit > 0)
    self->rl_limit = response->rate_limit_limit;
  /* Requests still in flight may not be counted in this answer yet. */
  avail = response->rate_limit_remaining - (int) self->in_flight;
  if (response->rate_limit_reset > self->rl_reset_ms + 100)
    {
      self->rl_reset_ms = response->rate_limit_reset;
      self->rl_budget = avail;
    }
  else if (response->rate_limit_reset >= self->rl_reset_ms - 100)
    {
      /* The same window; our own estimate of its end (taken when the window
       * rolled over) is early by the time the first request took to arrive. */
      self->rl_budget = MIN (self->rl_budget, avail);
      self->rl_reset_ms = MAX (self->rl_reset_ms, response->rate_limit_reset);
    }
}

static gboolean
pace_timeout_cb (gpointer data)
{
  RosterBulkJob *self = data;

  self->timeout_id = 0;
  pump (self);
  return G_SOURCE_REMOVE;
}

/* TRUE when one more request may leave now (and takes it from the budget);
 * otherwise schedules a pump at the next rate-limit window. */
static gboolean
pace_allows (RosterBulkJob *self)
{
  gint64 now_ms;
  GSource *source;

  if (self->rl_budget > 0)
    {
      if (self->rl_budget != G_MAXINT)
        self->rl_budget--;
      return TRUE;
    }
  now_ms = g_get_real_time () / 1000;
  if (now_ms >= self->rl_reset_ms + 5)
    {
      /* A new window: its first answer will correct the estimate. Requests
       * still in flight may be counted in it when the server is slow. */
      self->rl_budget = MAX (self->rl_limit - (int) self->in_flight, 1) - 1;
      self->rl_reset_ms = now_ms + 1000;
      return TRUE;
    }
  if (self->timeout_id == 0)
    {
      source = g_timeout_source_new ((guint) (self->rl_reset_ms + 5 - now_ms));
      g_source_set_callback (source, pace_timeout_cb, self, NULL);
      g_source_set_name (source, "[roster] bulk pacing");
      self->timeout_id = g_source_attach (source, g_task_get_context (self->run_task));
      g_source_unref (source);
    }
  return FALSE;
}

/* The write endpoints answer 204 with no body, or a small JSON object. */
static gboolean
write_answer_is_api (RosterHttpResponse *response)
{
  g_autoptr(JsonParser) parser = NULL;
  gsize length;
  const char *data = g_bytes_get_data (response->body, &length);

  if (length == 0)
    return TRUE;
  if (length > 64 * 1024)
    return FALSE;

  parser = json_parser_new_immutable ();
  return json_parser_load_from_data (parser, data, (gssize) length, NULL) &&
         json_parser_get_root (parser) != NULL;
}

static void
request_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  OpCtx *ctx = user_data;
  RosterBulkJob *self = ctx->self;
  JobTarget *t = ctx->t;
  g_autoptr(RosterHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  response = roster_http_request_finish (ROSTER_HTTP (object), result, &error);
  self->in_flight--;
  if (response != NULL && !write_answer_is_api (response))
    {
      /* A 2xx that is not the API's answer (an HTML login or proxy page,
       * garbage) proves nothing: the write may or may not have happened. */
      note_rate_limit (self, response);
      finish_target (self, t, ROSTER_BULK_TARGET_FAILED, response->status,
                     "The answer to the change is not the API's (not JSON)", "failed");
      t->answer_lost = TRUE;
    }
  else if (response != NULL)
    {
      note_rate_limit (self, response);
      finish_target (self, t, ROSTER_BULK_TARGET_DONE, response->status, NULL, "done");
    }
  else
    {
      guint status = roster_http_error_get_status (error);

      finish_target (self, t, ROSTER_BULK_TARGET_FAILED, status, error->message, "failed");
      /* The write may have been applied before the connection was lost, or
       * answered by something that is not the API. */
      t->answer_lost = status == 0 ||
                       g_error_matches (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
    }
  adapt_window (self);
  pump (self);
  g_object_unref (self);
  g_free (ctx);
}

static char *
seg (const char *value)
{
  return g_uri_escape_string (value, NULL, FALSE);
}

static void
send_request (RosterBulkJob *self,
              JobTarget     *t)
{
  const char *org_id = roster_context_get_org_id (self->context);
  const char *dir_id = roster_context_get_directory_id (self->context);
  g_autofree char *org = seg (org_id);
  g_autofree char *dir = seg (dir_id != NULL ? dir_id : "");
  g_autofree char *acc = seg (t->account_id);
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) body = NULL;
  RosterHttp *http = roster_admin_api_get_http (self->api);
  const char *method = "POST";
  gboolean by_group = g_strcmp0 (self->spec.method, "group") == 0;
  OpCtx *ctx;

  switch (self->spec.action)
    {
    case ROSTER_BULK_ACTION_SUSPEND:
    case ROSTER_BULK_ACTION_RESTORE:
      path = g_strdup_printf ("/v2/orgs/%s/directories/%s/users/%s/%s", org, dir, acc,
                              self->spec.action == ROSTER_BULK_ACTION_SUSPEND ? "suspend" : "restore");
      break;
    case ROSTER_BULK_ACTION_DISABLE_ACCOUNT:
    case ROSTER_BULK_ACTION_ENABLE_ACCOUNT:
      http = roster_admin_api_get_user_management_http (self->api);
      path = g_strdup_printf ("/users/%s/manage/lifecycle/%s", acc,
                              self->spec.action == ROSTER_BULK_ACTION_DISABLE_ACCOUNT ? "disable" : "enable");
      break;
    case ROSTER_BULK_ACTION_GRANT_PRODUCT:
    case ROSTER_BULK_ACTION_REVOKE_PRODUCT:
      if (by_group)
        {
          g_autofree char *group = seg (self->spec.group_id);

          if (self->spec.action == ROSTER_BULK_ACTION_GRANT_PRODUCT)
            {
              path = g_strdup_printf ("/v2/orgs/%s/directories/%s/groups/%s/memberships", org, dir, group);
              body = json_node_init_object (json_node_alloc (), json_object_new ());
              json_object_set_string_member (json_node_get_object (body), "accountId", t->account_id);
            }
          else
            {
              method = "DELETE";
              path = g_strdup_printf ("/v2/orgs/%s/directories/%s/groups/%s/memberships/%s",
                                      org, dir, group, acc);
            }
        }
      else
        {
          path = g_strdup_printf ("/v1/orgs/%s/users/%s/roles/%s", org, acc,
                                  self->spec.action == ROSTER_BULK_ACTION_GRANT_PRODUCT ? "assign" : "revoke");
          body = json_node_init_object (json_node_alloc (), json_object_new ());
          json_object_set_string_member (json_node_get_object (body), "role", "atlassian/user");
          json_object_set_string_member (json_node_get_object (body), "resource", self->spec.resource_id);
        }
      break;
    case ROSTER_N_BULK_ACTIONS:
    default:
      g_assert_not_reached ();
    }

  ctx = g_new0 (OpCtx, 1);
  ctx->self = g_object_ref (self);
  ctx->t = t;
  /* No cancellable: a request that left is always waited for and journaled. */
  roster_http_request_async (http, method, path, body, ROSTER_HTTP_FLAGS_RAW, NULL, request_cb, ctx);
}

static void
after_mark (RosterBulkJob *self,
            JobTarget     *t,
            gboolean       ok)
{
  if (!ok)
    {
      t->busy = FALSE;
      self->in_flight--;
      return;
    }
  t->in_flight_marked = TRUE;
  send_request (self, t);
}

static void
launch (RosterBulkJob *self,
        JobTarget     *t)
{
  JournalOp *op = g_new0 (JournalOp, 1);

  t->busy = TRUE;
  self->in_flight++;
  op->kind = OP_MARK_IN_FLIGHT;
  op->account_id = g_strdup (t->account_id);
  op->message = g_strdup (ROSTER_BULK_IN_FLIGHT);
  journal_submit (self, op, t, after_mark);
}

static JobTarget *
next_pending (RosterBulkJob *self)
{
  for (; self->next < self->targets->len; self->next++)
    {
      JobTarget *t = g_ptr_array_index (self->targets, self->next);

      if (t->state == ROSTER_BULK_TARGET_PENDING && !t->busy)
        return t;
    }
  return NULL;
}

static gboolean
has_pending (RosterBulkJob *self)
{
  for (guint i = 0; i < self->targets->len; i++)
    if (((JobTarget *) g_ptr_array_index (self->targets, i))->state == ROSTER_BULK_TARGET_PENDING)
      return TRUE;
  return FALSE;
}

static RosterStatus
status_after (RosterBulkJob *self,
              JobTarget     *t)
{
  switch (self->spec.action)
    {
    case ROSTER_BULK_ACTION_SUSPEND:
      return ROSTER_STATUS_SUSPENDED;
    case ROSTER_BULK_ACTION_DISABLE_ACCOUNT:
      return ROSTER_STATUS_DEACTIVATED;
    case ROSTER_BULK_ACTION_ENABLE_ACCOUNT:
      if (t->before != NULL && g_str_has_suffix (t->before, "/suspended"))
        return ROSTER_STATUS_SUSPENDED;
      if (t->before != NULL && g_str_has_suffix (t->before, "/no_membership"))
        return ROSTER_STATUS_NOT_INVITED;
      return ROSTER_STATUS_ACTIVE;
    case ROSTER_BULK_ACTION_RESTORE:
    case ROSTER_BULK_ACTION_GRANT_PRODUCT:
    case ROSTER_BULK_ACTION_REVOKE_PRODUCT:
    case ROSTER_N_BULK_ACTIONS:
    default:
      return ROSTER_STATUS_ACTIVE;
    }
}

/* The Users list reflects the new states without a resync. Users missing from
 * the cache are simply not there to update. */
static void
update_cache (RosterBulkJob *self)
{
  for (guint i = 0; i < self->targets->len; i++)
    {
      JobTarget *t = g_ptr_array_index (self->targets, i);

      if (!t->changed_now)
        continue;
      t->changed_now = FALSE;
      if (roster_bulk_action_needs_product (self->spec.action))
        {
          if (self->spec.resource_id != NULL)
            roster_store_update_user_product_async (self->store, t->account_id, self->spec.product,
                                                    self->spec.resource_id,
                                                    self->spec.action == ROSTER_BULK_ACTION_GRANT_PRODUCT,
                                                    NULL, NULL, NULL);
        }
      else
        roster_store_update_user_status_async (self->store, t->account_id, status_after (self, t),
                                               NULL, NULL, NULL);
    }
}

static void
after_final_state (RosterBulkJob *self,
                   JobTarget     *t,
                   gboolean       ok)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->run_task);
  GError *error = g_task_get_task_data (task);

  self->finishing = FALSE;
  if (self->cancel_handler != 0)
    {
      g_cancellable_disconnect (self->run_cancellable, self->cancel_handler);
      self->cancel_handler = 0;
    }
  self->run_cancellable = NULL;
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);

  if (error != NULL)
    g_task_return_error (task, g_error_copy (error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
finish_run (RosterBulkJob *self)
{
  JournalOp *op = g_new0 (JournalOp, 1);
  RosterBulkJobState state;
  const char *audit;

  self->finishing = TRUE;
  g_clear_handle_id (&self->timeout_id, g_source_remove);

  if (!has_pending (self))
    state = ROSTER_BULK_JOB_FINISHED, audit = "bulk-job-finish";
  else if (self->cancel_requested)
    state = ROSTER_BULK_JOB_CANCELLED, audit = "bulk-job-cancel";
  else if (self->pause_requested || journal_failed (self))
    state = ROSTER_BULK_JOB_PAUSED, audit = "bulk-job-pause";
  else if (self->canary_stop > 0 && n_finished (self) >= self->canary_stop)
    state = ROSTER_BULK_JOB_CANARY_PAUSED, audit = "bulk-job-canary";
  else
    state = ROSTER_BULK_JOB_PAUSED, audit = "bulk-job-pause";

  update_cache (self);

  self->state = state;
  op->kind = OP_JOB_STATE;
  op->state_nick = g_strdup (roster_bulk_job_state_to_string (state));
  op->audit_action = g_strdup (audit);
  op->audit_target = g_strdup (roster_bulk_action_to_string (self->spec.action));
  op->audit_outcome = g_strdup (roster_bulk_job_state_to_string (state));
  op->audit_detail = g_strdup_printf ("done %u, failed %u, skipped %u, pending %u of %u",
                                      self->n_done, self->n_failed, self->n_skipped,
                                      roster_bulk_job_get_n_pending (self), self->targets->len);
  journal_submit (self, op, NULL, after_final_state);
}

static void
lost_answers_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  RosterBulkJob *self = user_data;
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(GError) error = NULL;

  users = roster_admin_api_get_users_by_ids_finish (ROSTER_ADMIN_API (object), result, &error);
  for (guint i = 0; users != NULL && i < users->len; i++)
    {
      g_autoptr(RosterUser) user = roster_user_new_from_json (g_ptr_array_index (users, i), NULL);
      JobTarget *t = user != NULL ? g_hash_table_lookup (self->by_id, roster_user_get_account_id (user)) : NULL;

      if (t == NULL || !t->answer_lost || t->state != ROSTER_BULK_TARGET_FAILED ||
          !_roster_bulk_user_in_target_state (&self->spec, user))
        continue;
      /* Applied after all: journal and audit it as done. */
      t->state = ROSTER_BULK_TARGET_PENDING;
      self->n_failed--;
      self->run_completed--;
      finish_target (self, t, ROSTER_BULK_TARGET_DONE, 0,
                     _("Applied (confirmed by re-reading after the connection was lost)"), "done");
    }
  for (guint i = 0; i < self->targets->len; i++)
    ((JobTarget *) g_ptr_array_index (self->targets, i))->answer_lost = FALSE;
  self->rechecking = FALSE;
  pump (self);
  g_object_unref (self);
}

/* Targets whose request got no answer may have been changed anyway: re-read
 * them once before the run ends. TRUE when a re-read was started. */
static gboolean
recheck_lost_answers (RosterBulkJob *self)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  for (guint i = 0; i < self->targets->len; i++)
    {
      JobTarget *t = g_ptr_array_index (self->targets, i);

      if (t->answer_lost && t->state == ROSTER_BULK_TARGET_FAILED)
        g_ptr_array_add (ids, t->account_id);
    }
  if (ids->len == 0)
    return FALSE;
  g_ptr_array_add (ids, NULL);
  self->rechecking = TRUE;
  roster_admin_api_get_users_by_ids_async (self->api, roster_context_get_org_id (self->context),
                                           roster_context_get_directory_id (self->context),
                                           (const char * const *) ids->pdata, NULL,
                                           lost_answers_cb, g_object_ref (self));
  return TRUE;
}

static void
pump (RosterBulkJob *self)
{
  gboolean stopping;

  if (self->run_task == NULL || self->finishing || !self->prepared ||
      self->state != ROSTER_BULK_JOB_RUNNING)
    return;

  stopping = self->pause_requested || self->cancel_requested || journal_failed (self);
  if (stopping)
    g_clear_handle_id (&self->timeout_id, g_source_remove);

  while (!stopping && self->in_flight < self->window)
    {
      JobTarget *t;

      if (self->canary_stop > 0 && n_finished (self) + self->in_flight >= self->canary_stop)
        break;
      if ((t = next_pending (self)) == NULL)
        break;
      if ((self->protected_ids != NULL && g_hash_table_contains (self->protected_ids, t->account_id)) ||
          g_strcmp0 (self->self_id, t->account_id) == 0)
        {
          /* Protected after the plan was made: never written. */
          finish_target (self, t, ROSTER_BULK_TARGET_SKIPPED, 0, _("Protected account"),
                         "skipped-protected");
          continue;
        }
      if (self->timeout_id != 0 || !pace_allows (self))
        break;
      launch (self, t);
    }

  if (self->in_flight == 0 && self->pending_ops == 0 && !self->rechecking &&
      (stopping || next_pending (self) == NULL ||
       (self->canary_stop > 0 && n_finished (self) >= self->canary_stop)))
    {
      if (!recheck_lost_answers (self))
        finish_run (self);
    }
}

typedef struct
{
  GHashTable *protected_ids;
  char       *self_id;
} RunPrep;

static void
run_prep_free (RunPrep *rp)
{
  g_clear_pointer (&rp->protected_ids, g_hash_table_unref);
  g_free (rp->self_id);
  g_free (rp);
}

/* Whether another live process on this machine is running the job: the
 * journal row of a running job carries "pid N" of its runner. A row left
 * "running" by a process that died (kill -9) names a dead pid. */
gboolean
_roster_bulk_runner_is_alive (const char *state,
                              const char *message)
{
  guint64 pid;

  if (g_strcmp0 (state, "running") != 0 || message == NULL || !g_str_has_prefix (message, "pid "))
    return FALSE;
  if (!g_ascii_string_to_unsigned (message + 4, 10, 1, G_MAXINT, &pid, NULL))
    return FALSE;
  if ((pid_t) pid == getpid ())
    return FALSE;
  return kill ((pid_t) pid, 0) == 0 || errno == EPERM;
}

/* In one transaction: refuses a job another live process is running, marks it
 * running (with this pid) and audits the start; reads the protected accounts. */
static gboolean
run_prep_func (sqlite3   *db,
               gpointer   data,
               gpointer  *out_result,
               GError   **error)
{
  JournalOp *start = data;
  RunPrep *rp = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autofree char *state = NULL;
  g_autofree char *message = NULL;
  int rc;

  if (!_roster_store_exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;

  if ((rc = sqlite3_prepare_v2 (db, "SELECT state, message FROM jobs WHERE id = ?1", -1, &stmt, NULL)) != SQLITE_OK)
    goto fail_rc;
  _roster_store_bind_text (stmt, 1, start->job_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      state = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      message = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (_roster_bulk_runner_is_alive (state, message))
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_CONFLICT,
                   _("Bulk job %s is being run by another Roster process (%s)"), start->job_id, message);
      goto fail;
    }

  if (!step_bound (db, "UPDATE jobs SET state = ?3, updated_at = ?6, message = ?5 WHERE id = ?1"
                       " AND ?2 IS NULL AND ?4 >= 0", start, error))
    goto fail;
  {
    g_autoptr(RosterAuditEntry) entry = roster_audit_entry_new (start->audit_action, start->audit_target,
                                                                start->audit_outcome, 0, start->job_id,
                                                                start->audit_detail);

    if (!roster_audit_append (db, entry, error))
      goto fail;
  }

  rp = g_new0 (RunPrep, 1);
  rp->protected_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if ((rc = sqlite3_prepare_v2 (db, "SELECT account_id FROM protected_accounts", -1, &stmt, NULL)) != SQLITE_OK)
    goto fail_rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_add (rp->protected_ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (rc != SQLITE_DONE)
    goto fail_rc;
  rp->self_id = _roster_bulk_read_self_id (db);

  if (!_roster_store_exec (db, "COMMIT", error))
    goto fail;
  *out_result = rp;
  return TRUE;

fail_rc:
  g_clear_pointer (&stmt, sqlite3_finalize);
  _roster_store_fail (error, db, rc, "Starting the bulk job");
fail:
  g_clear_pointer (&rp, run_prep_free);
  _roster_store_exec (db, "ROLLBACK", NULL);
  return FALSE;
}

static void
run_fail (RosterBulkJob *self,
          GError        *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->run_task);

  if (self->cancel_handler != 0)
    g_cancellable_disconnect (self->run_cancellable, self->cancel_handler);
  self->cancel_handler = 0;
  self->run_cancellable = NULL;
  self->state = ROSTER_BULK_JOB_PAUSED;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_task_return_error (task, error);
}

static void
recheck_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  RosterBulkJob *self = user_data;
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(GHashTable) fresh = NULL;
  GError *error = NULL;

  users = roster_admin_api_get_users_by_ids_finish (ROSTER_ADMIN_API (object), result, &error);
  if (users == NULL)
    {
      /* Without the current state nothing that may have been sent is resent. */
      g_prefix_error (&error, _("Could not re-check the targets that were in flight: "));
      run_fail (self, error);
      g_object_unref (self);
      return;
    }

  fresh = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  for (guint i = 0; i < users->len; i++)
    {
      RosterUser *user = roster_user_new_from_json (g_ptr_array_index (users, i), NULL);

      if (user != NULL)
        g_hash_table_replace (fresh, (gpointer) roster_user_get_account_id (user), user);
    }

  for (guint i = 0; i < self->targets->len; i++)
    {
      JobTarget *t = g_ptr_array_index (self->targets, i);
      RosterUser *user;

      if (t->state != ROSTER_BULK_TARGET_PENDING || !t->in_flight_marked)
        continue;
      user = g_hash_table_lookup (fresh, t->account_id);
      if (user == NULL)
        finish_target (self, t, ROSTER_BULK_TARGET_FAILED, 0, _("No such user in the directory"),
                       "failed");
      else if (_roster_bulk_user_in_target_state (&self->spec, user))
        finish_target (self, t, ROSTER_BULK_TARGET_DONE, 0, _("Already applied (re-checked after an interruption)"),
                       "done");
      else
        {
          JournalOp *op = g_new0 (JournalOp, 1);

          op->kind = OP_CLEAR_IN_FLIGHT;
          op->account_id = g_strdup (t->account_id);
          t->in_flight_marked = FALSE;
          journal_submit (self, op, NULL, NULL);
        }
    }
  self->prepared = TRUE;
  pump (self);
  g_object_unref (self);
}

static void
run_prep_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  RosterBulkJob *self = user_data;
  g_autoptr(GPtrArray) marked = g_ptr_array_new ();
  GError *error = NULL;
  RunPrep *rp;

  rp = roster_store_run_finish (ROSTER_STORE (object), result, &error);
  if (rp == NULL)
    {
      run_fail (self, error);
      g_object_unref (self);
      return;
    }
  g_clear_pointer (&self->protected_ids, g_hash_table_unref);
  self->protected_ids = g_steal_pointer (&rp->protected_ids);
  g_free (self->self_id);
  self->self_id = g_steal_pointer (&rp->self_id);
  run_prep_free (rp);

  for (guint i = 0; i < self->targets->len; i++)
    {
      JobTarget *t = g_ptr_array_index (self->targets, i);

      if (t->state == ROSTER_BULK_TARGET_PENDING && t->in_flight_marked)
        g_ptr_array_add (marked, t->account_id);
    }
  g_ptr_array_add (marked, NULL);

  if (marked->len > 1)
    {
      roster_admin_api_get_users_by_ids_async (self->api, roster_context_get_org_id (self->context),
                                               roster_context_get_directory_id (self->context),
                                               (const char * const *) marked->pdata, NULL,
                                               recheck_cb, self);
      return;
    }
  self->prepared = TRUE;
  pump (self);
  g_object_unref (self);
}

static gboolean
pump_idle_cb (gpointer data)
{
  pump (ROSTER_BULK_JOB (data));
  return G_SOURCE_REMOVE;
}

static void
run_cancelled_cb (GCancellable *cancellable,
                  gpointer      user_data)
{
  RosterBulkJob *self = user_data;

  self->cancel_requested = TRUE;
  g_main_context_invoke_full (g_task_get_context (self->run_task), G_PRIORITY_DEFAULT,
                              pump_idle_cb, g_object_ref (self), g_object_unref);
}

void
roster_bulk_job_run_async (RosterBulkJob       *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;
  JournalOp *op;
  gboolean resumed = FALSE;

  g_return_if_fail (ROSTER_IS_BULK_JOB (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_bulk_job_run_async);
  g_task_set_check_cancellable (task, FALSE);

  if (self->run_task != NULL)
    {
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_FAILED,
                               _("Bulk job %s is already running"), self->id);
      g_object_unref (task);
      return;
    }
  if (self->state == ROSTER_BULK_JOB_FINISHED && !has_pending (self))
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  self->run_task = task;
  self->prepared = FALSE;
  self->pause_requested = FALSE;
  self->cancel_requested = FALSE;
  self->next = 0;
  self->window = MIN (ROSTER_BULK_DEFAULT_CONCURRENCY, self->max_window);
  self->successes = 0;
  self->last_n_429 = self->base_n_429 = count_429 (self);
  self->run_started_us = g_get_monotonic_time ();
  self->run_completed = 0;
  self->canary_stop = (self->canary > 0 && n_finished (self) < self->canary) ? self->canary : 0;
  resumed = n_finished (self) > 0;
  for (guint i = 0; i < self->targets->len && !resumed; i++)
    resumed = ((JobTarget *) g_ptr_array_index (self->targets, i))->in_flight_marked;

  self->state = ROSTER_BULK_JOB_RUNNING;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);

  op = g_new0 (JournalOp, 1);
  op->kind = OP_JOB_STATE;
  op->job_id = g_strdup (self->id);
  op->state_nick = g_strdup ("running");
  op->message = g_strdup_printf ("pid %d", (int) getpid ());
  op->audit_action = g_strdup ("bulk-job-start");
  op->audit_target = g_strdup (roster_bulk_action_to_string (self->spec.action));
  op->audit_outcome = g_strdup (resumed ? "resumed" : "started");
  op->audit_detail = g_strdup_printf ("%u pending of %u", roster_bulk_job_get_n_pending (self),
                                      self->targets->len);
  roster_store_run_async (self->store, run_prep_func, op, (GDestroyNotify) journal_op_free, NULL,
                          run_prep_cb, g_object_ref (self));

  if (cancellable != NULL)
    {
      self->run_cancellable = cancellable;
      self->cancel_handler = g_cancellable_connect (cancellable, G_CALLBACK (run_cancelled_cb),
                                                    self, NULL);
    }
}

gboolean
roster_bulk_job_run_finish (RosterBulkJob  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (ROSTER_IS_BULK_JOB (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct
{
  RosterBulkJob *job;
  GCancellable  *cancellable;
  gboolean       ok;
  GError        *error;
  gboolean       done;
} RunSync;

static void
run_sync_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  RunSync *rs = user_data;

  rs->ok = roster_bulk_job_run_finish (ROSTER_BULK_JOB (object), result, &rs->error);
  rs->done = TRUE;
}

static void
run_sync_start (gpointer data)
{
  RunSync *rs = data;

  roster_bulk_job_run_async (rs->job, rs->cancellable, run_sync_cb, rs);
}

gboolean
roster_bulk_job_run_sync (RosterBulkJob  *self,
                          GCancellable   *cancellable,
                          GError        **error)
{
  RunSync rs = { self, cancellable, FALSE, NULL, FALSE };

  g_return_val_if_fail (ROSTER_IS_BULK_JOB (self), FALSE);

  _roster_bulk_run_private (run_sync_start, &rs, &rs.done);
  if (rs.error != NULL)
    g_propagate_error (error, rs.error);
  return rs.ok;
}

void
roster_bulk_job_pause (RosterBulkJob *self)
{
  g_return_if_fail (ROSTER_IS_BULK_JOB (self));

  if (self->run_task == NULL)
    return;
  self->pause_requested = TRUE;
  pump (self);
}

void
roster_bulk_job_cancel (RosterBulkJob *self)
{
  JournalOp *op;

  g_return_if_fail (ROSTER_IS_BULK_JOB (self));

  if (self->run_task != NULL)
    {
      self->cancel_requested = TRUE;
      pump (self);
      return;
    }
  if (self->state == ROSTER_BULK_JOB_FINISHED || self->state == ROSTER_BULK_JOB_CANCELLED)
    return;

  self->state = ROSTER_BULK_JOB_CANCELLED;
  op = g_new0 (JournalOp, 1);
  op->kind = OP_JOB_STATE;
  op->state_nick = g_strdup ("cancelled");
  op->audit_action = g_strdup ("bulk-job-cancel");
  op->audit_target = g_strdup (roster_bulk_action_to_string (self->spec.action));
  op->audit_outcome = g_strdup ("cancelled");
  op->audit_detail = g_strdup_printf ("done %u, failed %u, skipped %u, pending %u of %u",
                                      self->n_done, self->n_failed, self->n_skipped,
                                      roster_bulk_job_get_n_pending (self), self->targets->len);
  journal_submit (self, op, NULL, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

const char *
roster_bulk_job_get_id (RosterBulkJob *self)
{
  g_return_val_if_fail (ROSTER_IS_BULK_JOB (self), NULL);
  return self->id;
}

RosterBulkAction
roster_bulk_job_get_action (RosterBulkJob *self)
{
  g_return_val_if_fail (ROSTER_IS_BULK_JOB (self), 0);
  return self->spec.action;
}

RosterProduct
roster_bulk_job_get_product (RosterBulkJob *self)
{
  g_return_val_if_fail (ROSTER_IS_BULK_JOB (self), ROSTER_PRODUCT_OTHER);
  return self->spec.product;
}

RosterBulkJobState
roster_bulk_job_get_state (RosterBulkJob *self)
{
  g_return_val_if_fail (ROSTER_IS_BULK_JOB (self), ROSTER_BULK_JOB_PENDING);
  return self->state;
}

guint
roster_bulk_job_get_canary (RosterBulkJob *self)
{
  g_return_val_if_fail (ROSTER_IS_BULK_JOB (self), 0);
  return self->canary;
}

gint64
roster_bulk_job_get_created_at (RosterBulkJob *self)
{
  g_return_val_if_fail (ROSTER_IS_BULK_JOB (self), 0);
  return self->created_at;
}

guint
roster_bulk_job_get_n_total (RosterBulkJob *self)
{
  g_return_val_if_fail (ROSTER_IS_BULK_JOB (self), 0);
  return self->targets->len;
}

guint
roster_bulk_job_get_n_done (RosterBulkJob *self)
{
  g_return_val_if_fail (ROSTER_IS_BULK_JOB (self), 0);
  return self->n_done;
}

guint
roster_bulk_job_get_n_failed (RosterBulkJob *self)
{
  g_return_val_if_fail (ROSTER_IS_BULK_JOB (self), 0);
  return self->n_failed;
}

guint
roster_bulk_job_get_n_skipped (RosterBulkJob *self)
{
  g_return_val_if_fail (ROSTER_IS_BULK_JOB (self), 0);
  return self->n_skipped;
}

guint
roster_bulk_job_get_n_pending (RosterBulkJob *self)
{
  g_return_val_if_fail (ROSTER_IS_BULK_JOB (self), 0);
  return self->targets->len - n_finished (self);
}

int
roster_bulk_job_get_eta_seconds (RosterBulkJob *self)
{
  gint64 elapsed;

  g_return_val_if_fail (ROSTER_IS_BULK_JOB (self), -1);

  if (self->run_task == NULL || self->run_completed == 0)
    return -1;
  elapsed = g_get_monotonic_time () - self->run_started_us;
  return (int) ((double) elapsed / G_USEC_PER_SEC / self->run_completed *
                roster_bulk_job_get_n_pending (self) + 0.5);
}

guint
roster_bulk_job_get_window (RosterBulkJob *self)
{
  g_return_val_if_fail (ROSTER_IS_BULK_JOB (self), 0);
  return self->window;
}

guint
roster_bulk_job_get_n_rate_limited (RosterBulkJob *self)
{
  g_return_val_if_fail (ROSTER_IS_BULK_JOB (self), 0);
  return (guint) (count_429 (self) - self->base_n_429);
}

GPtrArray *
roster_bulk_job_dup_results (RosterBulkJob *self)
{
  GPtrArray *results;

  g_return_val_if_fail (ROSTER_IS_BULK_JOB (self), NULL);

  results = g_ptr_array_new_full (self->targets->len, (GDestroyNotify) roster_bulk_result_free);
  for (guint i = 0; i < self->targets->len; i++)
    {
      JobTarget *t = g_ptr_array_index (self->targets, i);
      RosterBulkResult *r = g_new0 (RosterBulkResult, 1);

      r->seq = t->seq;
      r->account_id = g_strdup (t->account_id);
      r->name = g_strdup (t->name);
      r->email = g_strdup (t->email);
      r->state = t->state;
      r->http_status = t->http_status;
      r->message = g_strdup (t->message);
      r->before = g_strdup (t->before);
      g_ptr_array_add (results, r);
    }
  return results;
}

static const char * const result_columns[] = {
  "seq", "account_id", "name", "email", "state", "http_status", "message", NULL
};

static char *
result_cell (guint    index,
             guint    column,
             gpointer user_data)
{
  GPtrArray *results = user_data;
  RosterBulkResult *r = g_ptr_array_index (results, index);

  switch (column)
    {
    case 0: return g_strdup_printf ("%u", r->seq + 1);
    case 1: return g_strdup (r->account_id);
    case 2: return g_strdup (r->name);
    case 3: return g_strdup (r->email);
    case 4: return g_strdup (roster_bulk_target_state_to_string (r->state));
    case 5: return r->http_status != 0 ? g_strdup_printf ("%u", r->http_status) : NULL;
    case 6: return g_strdup (r->message);
    default: return NULL;
    }
}

gboolean
roster_bulk_job_write_results (RosterBulkJob       *self,
                               RosterExportFormat   format,
                               GOutputStream       *out,
                               GCancellable        *cancellable,
                               GError             **error)
{
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonGenerator) gen = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (ROSTER_IS_BULK_JOB (self), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);

  results = roster_bulk_job_dup_results (self);
  if (format == ROSTER_EXPORT_CSV)
    return roster_table_write_csv (out, result_columns, results->len, result_cell, results, NULL,
                                   cancellable, error);

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "job");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, self->id);
  json_builder_set_member_name (b, "action");
  json_builder_add_string_value (b, roster_bulk_action_to_string (self->spec.action));
  json_builder_set_member_name (b, "product");
  if (self->spec.product < ROSTER_N_PRODUCTS)
    json_builder_add_string_value (b, roster_product_to_string (self->spec.product));
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, roster_bulk_job_state_to_string (self->state));
  json_builder_set_member_name (b, "created_at");
  json_builder_add_int_value (b, self->created_at);
  json_builder_set_member_name (b, "undo_of");
  if (self->undo_of != NULL)
    json_builder_add_string_value (b, self->undo_of);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "counts");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "total");
  json_builder_add_int_value (b, self->targets->len);
  json_builder_set_member_name (b, "done");
  json_builder_add_int_value (b, self->n_done);
  json_builder_set_member_name (b, "failed");
  json_builder_add_int_value (b, self->n_failed);
  json_builder_set_member_name (b, "skipped");
  json_builder_add_int_value (b, self->n_skipped);
  json_builder_set_member_name (b, "pending");
  json_builder_add_int_value (b, roster_bulk_job_get_n_pending (self));
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "results");
  json_builder_begin_array (b);
  for (guint i = 0; i < results->len; i++)
    {
      RosterBulkResult *r = g_ptr_array_index (results, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "account_id");
      json_builder_add_string_value (b, r->account_id);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, r->name);
      json_builder_set_member_name (b, "email");
      json_builder_add_string_value (b, r->email);
      json_builder_set_member_name (b, "state");
      json_builder_add_string_value (b, roster_bulk_target_state_to_string (r->state));
      json_builder_set_member_name (b, "http_status");
      json_builder_add_int_value (b, r->http_status);
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, r->message);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  gen = json_generator_new ();
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, root);
  if (!json_generator_to_stream (gen, out, cancellable, error))
    return FALSE;
  return g_output_stream_write_all (out, "\n", 1, NULL, cancellable, error);
}
