/* bench-bulk.c — 1,000 suspends against the sandbox limited to R requests/s.
 *
 *   bench-bulk [--targets N] [--rate R] [--no-retry-after]
 *
 * Prints the throughput of the journaled job (targets per second of wall time,
 * from the first request to the job's end) as a fraction of the rate limit,
 * and the 429 answers the sandbox gave. Target: fraction ≥ 0.95, 429s rare. */
#include "config.h"

#include <string.h>

#include "roster-admin-api.h"
#include "roster-bulk.h"
#include "roster-context.h"
#include "roster-sandbox.h"

typedef struct
{
  gboolean done;
  gboolean ok;
  GError  *error;
} Waiter;

static void
wait_for (Waiter *w)
{
  while (!w->done)
    g_main_context_iteration (NULL, TRUE);
}

static void
open_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Waiter *w = user_data;

  w->ok = roster_context_open_finish (ROSTER_CONTEXT (object), result, &w->error);
  w->done = TRUE;
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  Waiter *w = user_data;

  w->ok = roster_bulk_job_run_finish (ROSTER_BULK_JOB (object), result, &w->error);
  w->done = TRUE;
}

static guint
count_status (RosterSandbox *sandbox,
              guint          status,
              const char    *path_contains)
{
  g_autoptr(GPtrArray) log = roster_sandbox_dup_requests (sandbox);
  guint n = 0;

  for (guint i = 0; i < log->len; i++)
    {
      RosterSandboxRequest *r = g_ptr_array_index (log, i);

      if (r->status == status && (path_contains == NULL || strstr (r->path, path_contains) != NULL))
        n++;
    }
  return n;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) option_context = g_option_context_new ("— bulk suspend benchmark");
  g_autoptr(RosterSandbox) sandbox = NULL;
  g_autoptr(RosterContext) context = NULL;
  g_autoptr(RosterBulkPlan) plan = NULL;
  g_autoptr(RosterBulkJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autofree char *data_dir = NULL;
  g_autofree char *admin_url = NULL;
  g_auto(GStrv) active = NULL;
  g_auto(GStrv) admins = NULL;
  RosterSandboxOptions options = { 3000, 7, 0 };
  RosterBulkJobOptions job_options = { 0, TRUE, 0 };
  int targets = 1000;
  int rate = 50;
  gboolean no_retry_after = FALSE;
  Waiter w = { 0 };
  gint64 start, end;
  double seconds, throughput;
  guint n_429, n_posts;
  const GOptionEntry entries[] = {
    { "targets", 0, 0, G_OPTION_ARG_INT, &targets, "Users to suspend", "N" },
    { "rate", 0, 0, G_OPTION_ARG_INT, &rate, "Sandbox rate limit (requests per second)", "R" },
    { "no-retry-after", 0, 0, G_OPTION_ARG_NONE, &no_retry_after, "429s carry X-RateLimit-Reset only", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (option_context, entries, NULL);
  if (!g_option_context_parse (option_context, &argc, &argv, &error))
    g_error ("%s", error->message);

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  data_dir = g_dir_make_tmp ("roster-bench-XXXXXX", NULL);
  g_setenv ("ROSTER_DATA_DIR", data_dir, TRUE);

  options.n_users = MAX (3000, targets * 3);
  sandbox = roster_sandbox_new (&options);
  if (!roster_sandbox_start (sandbox, 0, &error))
    g_error ("%s", error->message);

  admin_url = roster_sandbox_dup_admin_url (sandbox);
  context = roster_context_new (NULL);
  roster_context_open_async (context, admin_url, roster_sandbox_get_org_id (sandbox),
                             roster_sandbox_get_api_key (sandbox), NULL, open_cb, &w);
  wait_for (&w);
  if (!w.ok)
    g_error ("%s", w.error->message);

  active = roster_sandbox_dup_account_ids (sandbox, "active", 0);
  admins = roster_sandbox_dup_account_ids (sandbox, "org-admin", 0);
  for (guint i = 0; active[i] != NULL && ids->len < (guint) targets; i++)
    if (!g_strv_contains ((const char * const *) admins, active[i]))
      g_ptr_array_add (ids, active[i]);
  g_ptr_array_add (ids, NULL);
  g_assert_cmpuint (ids->len - 1, ==, (guint) targets);

  plan = roster_bulk_plan_new_sync (context, ROSTER_BULK_ACTION_SUSPEND, ROSTER_PRODUCT_OTHER,
                                    (const char * const *) ids->pdata, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (roster_bulk_plan_get_count (plan, ROSTER_BULK_CLASS_WILL_CHANGE), ==, (guint) targets);
  job = roster_bulk_job_create_sync (context, plan, &job_options, NULL, &error);
  g_assert_no_error (error);

  roster_sandbox_set_rate_limit (sandbox, rate, !no_retry_after);
  roster_sandbox_clear_requests (sandbox);
  /* Start in a fresh window, as a job started by hand would. */
  g_usleep (1100 * 1000);

  w = (Waiter) { 0 };
  start = g_get_monotonic_time ();
  roster_bulk_job_run_async (job, NULL, run_cb, &w);
  wait_for (&w);
  end = g_get_monotonic_time ();
  g_assert_no_error (w.error);

  seconds = (end - start) / (double) G_USEC_PER_SEC;
  throughput = roster_bulk_job_get_n_done (job) / seconds;
  n_429 = count_status (sandbox, 429, NULL);
  n_posts = roster_sandbox_count_requests (sandbox, "POST", "/suspend");

  g_print ("suspends: %u done, %u failed of %d in %.2f s; %u POSTs sent (%u answered 429)\n",
           roster_bulk_job_get_n_done (job), roster_bulk_job_get_n_failed (job), targets, seconds,
           n_posts, n_429);
  g_print ("throughput: %.2f req/s = %.3f of the %d req/s limit (target >= 0.95); 429s: %u "
           "(transport saw %u)%s\n",
           throughput, throughput / rate, rate, n_429, roster_bulk_job_get_n_rate_limited (job),
           no_retry_after ? " [429 without Retry-After]" : "");

  if (g_getenv ("BENCH_BULK_TRACE") != NULL)
    {
      g_autoptr(GPtrArray) log = roster_sandbox_dup_requests (sandbox);
      gint64 t0 = log->len > 0 ? ((RosterSandboxRequest *) g_ptr_array_index (log, 0))->time_us : 0;

      for (guint i = 0; i < log->len; i++)
        {
          RosterSandboxRequest *r = g_ptr_array_index (log, i);

          if (r->status == 429)
            g_print ("429 at %.3f s (request %u)\n", (r->time_us - t0) / 1e6, i);
        }
    }

  g_clear_object (&job);
  g_clear_object (&context);
  roster_sandbox_stop (sandbox);
  return 0;
}
