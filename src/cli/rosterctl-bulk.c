/* rosterctl-bulk.c — bulk actions, protected accounts and the job journal.
 *
 * suspend|restore            directory access (v2): "Deactivate/Reactivate access" in the app
 * deactivate|reactivate      the managed Atlassian account (lifecycle)
 * grant|revoke --product P   product access (role, or the access group chosen in Settings)
 *
 * Every command plans first (current state from the API), prints the plan, and
 * writes only with --yes or a "y" typed at a terminal. The safety rules
 * (protected accounts, never twice, re-check on resume) are the core's.
 */
#define G_LOG_DOMAIN "rosterctl"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>

#include "roster-bulk.h"
#include "roster-id-file.h"
#include "roster-query.h"
#include "roster-store.h"
#include "rosterctl.h"

/* ------------------------------------------------------------------------- */
/* Helpers                                                                    */

static gboolean
stdin_is_terminal (void)
{
  if (g_strcmp0 (g_getenv ("ROSTERCTL_ASSUME_TTY"), "1") == 0)
    return TRUE;
  return isatty (STDIN_FILENO);
}

/* Asks on stderr, reads y/N from stdin. */
static gboolean
ask (const char *question)
{
  char line[64];

  g_printerr ("%s [y/N] ", question);
  if (fgets (line, sizeof line, stdin) == NULL)
    return FALSE;
  g_strstrip (line);
  return g_ascii_strcasecmp (line, "y") == 0 || g_ascii_strcasecmp (line, "yes") == 0;
}

/* Confirms a write: --yes, or a "y" at a terminal. Returns an exit code, or -1
 * to go ahead. */
static int
confirm_write (gboolean    yes,
               const char *question)
{
  if (yes)
    return -1;
  if (!stdin_is_terminal ())
    {
      g_printerr (_("rosterctl: refusing to write without confirmation: standard input is not "
                    "a terminal. Pass --yes to go ahead (or --dry-run to only see the plan).\n"));
      return ROSTERCTL_EXIT_USAGE;
    }
  if (!ask (question))
    {
      g_printerr (_("Nothing was changed.\n"));
      return ROSTERCTL_EXIT_ERROR;
    }
  return -1;
}

static const char *
or_dash (const char *s)
{
  return s != NULL && *s != '\0' ? s : "-";
}

static void
print_plan (RosterBulkPlan *plan,
            gboolean        all_targets)
{
  RosterBulkAction action = roster_bulk_plan_get_action (plan);
  GPtrArray *targets = roster_bulk_plan_get_targets (plan);

  g_print ("%s", roster_bulk_action_get_title (action));
  if (roster_bulk_plan_get_product (plan) < ROSTER_N_PRODUCTS)
    {
      g_print (" ");
      /* Translators: after the action's title: the product ("jira") and how access is
       * changed ("role" or "group"), e.g. "(jira, by role)". */
      g_print (_("(%s, by %s)"), roster_product_to_string (roster_bulk_plan_get_product (plan)),
               roster_bulk_plan_get_method (plan));
    }
  g_print (": %s\n", roster_bulk_action_get_description (action));
  for (guint k = 0; k < ROSTER_N_BULK_CLASSES; k++)
    g_print ("%s%s: %u", k == 0 ? "" : ", ", roster_bulk_class_get_title (k),
             roster_bulk_plan_get_count (plan, k));
  g_print ("\n");
  if (roster_bulk_plan_exceeds_cap (plan))
    g_print (_("More than the limit of %u users per batch (setting bulk-cap): pass --override-cap.\n"),
             roster_bulk_plan_get_cap (plan));
  g_print ("\n%-12s %-40s %-28s %-32s %s\n", "CLASS", "ACCOUNT_ID", "NAME", "EMAIL", "REASON");
  for (guint i = 0; i < targets->len; i++)
    {
      RosterBulkTarget *t = g_ptr_array_index (targets, i);

      if (!all_targets && t->klass == ROSTER_BULK_CLASS_WILL_CHANGE && i >= 200)
        continue;
      g_print ("%-12s %-40s %-28s %-32s %s\n", roster_bulk_class_to_string (t->klass),
               t->account_id, or_dash (t->name), or_dash (t->email), or_dash (t->reason));
    }
}

static void
print_results (RosterBulkJob *job,
               gboolean       failed_only)
{
  g_autoptr(GPtrArray) results = roster_bulk_job_dup_results (job);

  g_print ("%-8s %-40s %-28s %-8s %-5s %s\n", "STATE", "ACCOUNT_ID", "NAME", "TARGET", "HTTP", "MESSAGE");
  for (guint i = 0; i < results->len; i++)
    {
      RosterBulkResult *r = g_ptr_array_index (results, i);
      g_autofree char *status = r->http_status ? g_strdup_printf ("%u", r->http_status) : g_strdup ("-");

      if (failed_only && r->state != ROSTER_BULK_TARGET_FAILED)
        continue;
      g_print ("%-8s %-40s %-28s %-8u %-5s %s\n", roster_bulk_target_state_to_string (r->state),
               r->account_id, or_dash (r->name), r->seq + 1, status, or_dash (r->message));
    }
}

typedef struct
{
  RosterBulkJob *job;
  gboolean       done;
  gboolean       ok;
  GError        *error;
  gboolean       tty;
  gint64         last_print;
  guint          sigint_id;
} RunState;

static void
progress_cb (RosterBulkJob *job,
             guint          n_done,
             guint          n_failed,
             guint          n_total,
             gpointer       user_data)
{
  RunState *rs = user_data;
  gint64 now = g_get_monotonic_time ();
  int eta;

  if (now - rs->last_print < (rs->tty ? 100000 : 2 * G_USEC_PER_SEC) && n_done + n_failed < n_total)
    return;
  rs->last_print = now;
  eta = roster_bulk_job_get_eta_seconds (job);
  g_printerr ("%s%u/%u done, %u failed", rs->tty ? "\r" : "", n_done, n_total, n_failed);
  if (eta >= 0)
    g_printerr (_(", about %d s left"), eta);
  g_printerr (rs->tty ? "   " : "\n");
}

static gboolean
sigint_cb (gpointer user_data)
{
  RunState *rs = user_data;

  g_printerr (_("\nStopping after the requests in flight; resume with “rosterctl jobs resume %s”.\n"),
              roster_bulk_job_get_id (rs->job));
  roster_bulk_job_cancel (rs->job);
  rs->sigint_id = 0;
  return G_SOURCE_REMOVE;
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  RunState *rs = user_data;

  rs->ok = roster_bulk_job_run_finish (ROSTER_BULK_JOB (object), result, &rs->error);
  rs->done = TRUE;
}

static gboolean
run_job_once (RosterBulkJob  *job,
              GError        **error)
{
  RunState rs = { 0 };
  gulong handler;

  rs.job = job;
  rs.tty = isatty (STDERR_FILENO);
  handler = g_signal_connect (job, "progress", G_CALLBACK (progress_cb), &rs);
  rs.sigint_id = g_unix_signal_add (SIGINT, sigint_cb, &rs);
  roster_bulk_job_run_async (job, NULL, run_cb, &rs);
  rosterctl_wait (&rs.done);
  g_clear_handle_id (&rs.sigint_id, g_source_remove);
  g_signal_handler_disconnect (job, handler);
  if (rs.tty)
    g_printerr ("\n");
  if (!rs.ok)
    {
      g_propagate_error (error, rs.error);
      return FALSE;
    }
  return TRUE;
}

/* Runs a job to its end, handling the canary pause. Returns the exit code. */
static int
run_job (RosterContext   *context,
         RosterBulkJob   *job,
         gboolean         yes,
         RosterctlFormat  format)
{
  RosterStore *store = roster_context_get_store (context);
  g_autoptr(GError) error = NULL;

  g_printerr (_("Job %s: %u targets.\n"), roster_bulk_job_get_id (job), roster_bulk_job_get_n_total (job));

  for (;;)
    {
      RosterBulkJobState state;

      if (!run_job_once (job, &error))
        return rosterctl_error (error);
      state = roster_bulk_job_get_state (job);
      if (state != ROSTER_BULK_JOB_CANARY_PAUSED)
        break;

      g_printerr (_("Canary: %u of %u targets ran (%u failed).\n"),
                  roster_bulk_job_get_n_done (job) + roster_bulk_job_get_n_skipped (job) +
                  roster_bulk_job_get_n_failed (job),
                  roster_bulk_job_get_n_total (job), roster_bulk_job_get_n_failed (job));
      if (format != ROSTERCTL_FORMAT_JSON)
        print_results (job, FALSE);
      if (yes)
        {
          if (roster_bulk_job_get_n_failed (job) > 0)
            {
              g_printerr (_("The canary had failures: stopping. Resume with “rosterctl jobs resume %s”.\n"),
                          roster_bulk_job_get_id (job));
              return ROSTERCTL_EXIT_PARTIAL;
            }
          continue;
        }
      if (!stdin_is_terminal ())
        return ROSTERCTL_EXIT_USAGE;
      {
        g_autofree char *q = g_strdup_printf (_("Continue with the remaining %u?"),
                                              roster_bulk_job_get_n_pending (job));

        if (!ask (q))
          {
            roster_bulk_job_cancel (job);
            g_printerr (_("Stopped after the canary. Resume with “rosterctl jobs resume %s”.\n"),
                        roster_bulk_job_get_id (job));
            /* Let the journal write of the cancel land. */
            roster_store_close (store);
            return ROSTERCTL_EXIT_ERROR;
          }
      }
    }

  if (format == ROSTERCTL_FORMAT_JSON)
    {
      g_autoptr(GOutputStream) out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);

      if (!roster_bulk_job_write_results (job, ROSTER_EXPORT_JSON, out, NULL, &error))
        return rosterctl_error (error);
    }

  g_printerr (_("Job %s %s: %u done, %u skipped, %u failed, %u pending.\n"),
              roster_bulk_job_get_id (job),
              roster_bulk_job_state_to_string (roster_bulk_job_get_state (job)),
              roster_bulk_job_get_n_done (job), roster_bulk_job_get_n_skipped (job),
              roster_bulk_job_get_n_failed (job), roster_bulk_job_get_n_pending (job));

  if (roster_bulk_job_get_n_failed (job) > 0)
    {
      if (format != ROSTERCTL_FORMAT_JSON)
        {
          g_print (_("Failed targets:\n"));
          print_results (job, TRUE);
        }
      return ROSTERCTL_EXIT_PARTIAL;
    }
  if (roster_bulk_job_get_state (job) != ROSTER_BULK_JOB_FINISHED)
    {
      g_printerr (_("Resume with “rosterctl jobs resume %s”.\n"), roster_bulk_job_get_id (job));
      return ROSTERCTL_EXIT_ERROR;
    }
  return ROSTERCTL_EXIT_OK;
}

static gboolean
add_file_targets (GPtrArray   *targets,
                  const char  *path,
                  GError     **error)
{
  g_autofree char *data = NULL;
  g_auto(GStrv) entries = NULL;
  gsize length;

  if (g_strcmp0 (path, "-") == 0)
    {
      g_autoptr(GInputStream) in = g_unix_input_stream_new (STDIN_FILENO, FALSE);
      g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();

      if (g_output_stream_splice (mem, in, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, error) < 0)
        return FALSE;
      length = g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (mem));
      data = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (mem));
    }
  else if (!g_file_get_contents (path, &data, &length, error))
    return FALSE;

  entries = roster_id_file_parse (data != NULL ? data : "", data != NULL ? length : 0, error);
  if (entries == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  for (guint i = 0; entries[i] != NULL; i++)
    g_ptr_array_add (targets, g_strdup (entries[i]));
  return TRUE;
}

static gboolean
add_query_targets (RosterContext  *context,
                   GPtrArray      *targets,
                   const char     *text,
                   GError        **error)
{
  g_autoptr(RosterQuery) query = NULL;
  RosterQueryContext qctx = { 0 };
  g_autofree guint *rows = NULL;
  RosterUserSet *set;
  guint n_rows;

  query = roster_query_parse (text, error);
  if (query == NULL)
    return FALSE;
  if (roster_context_get_users (context) == NULL && !rosterctl_sync (context, FALSE, error))
    return FALSE;
  set = roster_context_get_users (context);
  qctx.now_unix = g_get_real_time () / G_USEC_PER_SEC;
  roster_context_get_thresholds (context, &qctx.thresholds);
  rows = g_new (guint, MAX (1, roster_user_set_get_n_users (set)));
  n_rows = roster_query_filter (query, set, &qctx, rows);
  for (guint i = 0; i < n_rows; i++)
    g_ptr_array_add (targets, g_strdup (roster_user_set_get_account_id (set, rows[i])));
  return TRUE;
}

/* ------------------------------------------------------------------------- */
/* suspend | restore | deactivate | reactivate | grant | revoke               */

static int
run_bulk (RosterBulkAction   action,
          const char        *usage,
          int                argc,
          char             **argv)
{
  g_autoptr(GOptionContext) option_context = NULL;
  g_autoptr(RosterContext) context = NULL;
  g_autoptr(RosterBulkPlan) plan = NULL;
  g_autoptr(RosterBulkJob) job = NULL;
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *question = NULL;
  gboolean dry_run = FALSE, yes = FALSE, override_cap = FALSE;
  int canary = 0;
  int max_concurrent = 0;
  g_autofree char *format_opt = NULL;
  g_autofree char *from_file = NULL;
  g_autofree char *query = NULL;
  g_autofree char *product_opt = NULL;
  RosterProduct product = ROSTER_PRODUCT_OTHER;
  RosterctlFormat format = ROSTERCTL_FORMAT_TABLE;
  RosterBulkJobOptions options = { 0 };
  int code;
  const GOptionEntry entries[] = {
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run, N_("Print the plan and send no write"), NULL },
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &yes, N_("Do not ask for confirmation"), NULL },
    { "canary", 0, 0, G_OPTION_ARG_INT, &canary, N_("Run the first N targets, then pause"), N_("N") },
    { "override-cap", 0, 0, G_OPTION_ARG_NONE, &override_cap, N_("Allow more users than the bulk-cap setting"), NULL },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_opt, N_("table or json"), N_("FORMAT") },
    { "from-file", 'f', 0, G_OPTION_ARG_FILENAME, &from_file, N_("Account ids or emails, one per line, or a CSV with an account_id or email column (- = stdin)"), N_("FILE") },
    { "query", 'q', 0, G_OPTION_ARG_STRING, &query, N_("Target the cached users matching an advanced search query"), N_("QUERY") },
    { "product", 'p', 0, G_OPTION_ARG_STRING, &product_opt, N_("jira, jsm or confluence (grant and revoke)"), N_("PRODUCT") },
    { "concurrency", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &max_concurrent, N_("Upper bound of concurrent requests"), N_("N") },
    { NULL }
  };

  option_context = g_option_context_new (usage);
  g_option_context_set_summary (option_context, roster_bulk_action_get_description (action));
  g_option_context_add_main_entries (option_context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (option_context, &argc, &argv, &error))
    return rosterctl_usage_error ("%s", error->message);
  if (!rosterctl_parse_format (format_opt, TRUE, &format) || format == ROSTERCTL_FORMAT_CSV)
    return rosterctl_usage_error (_("unknown format “%s” (expected table or json)"), format_opt);
  if (canary < 0 || max_concurrent < 0)
    return rosterctl_usage_error (_("--canary and --concurrency take a positive number"));
  if (roster_bulk_action_needs_product (action))
    {
      if (product_opt == NULL)
        return rosterctl_usage_error (_("--product jira|jsm|confluence is required"));
      product = roster_product_from_string (product_opt);
      if (product >= ROSTER_N_PRODUCTS ||
          (!g_str_equal (product_opt, "jira") && !g_str_equal (product_opt, "jsm") &&
           !g_str_equal (product_opt, "confluence")))
        return rosterctl_usage_error (_("unknown product “%s” (expected jira, jsm or confluence)"),
                                      product_opt);
    }
  else if (product_opt != NULL)
    return rosterctl_usage_error (_("--product only applies to grant and revoke"));

  for (int i = 1; i < argc; i++)
    g_ptr_array_add (targets, g_strdup (argv[i]));
  if (from_file != NULL && !add_file_targets (targets, from_file, &error))
    return rosterctl_usage_error ("%s", error->message);
  if (targets->len == 0 && query == NULL)
    return rosterctl_usage_error (_("no targets: give account ids, --from-file FILE or --query QUERY"));

  context = rosterctl_open_context (TRUE, &error);
  if (context == NULL)
    return rosterctl_error (error);
  if (query != NULL && !add_query_targets (context, targets, query, &error))
    return error->code == ROSTER_ERROR_INVALID_ARGUMENT ? rosterctl_usage_error ("%s", error->message)
                                                        : rosterctl_error (error);
  if (targets->len == 0)
    {
      g_printerr (_("No user matches; nothing to do.\n"));
      return ROSTERCTL_EXIT_OK;
    }
  /* Emails are resolved through the cache: fill it on first use. */
  for (guint i = 0; i < targets->len && roster_context_get_users (context) == NULL; i++)
    {
      if (roster_id_file_is_email (g_ptr_array_index (targets, i)) &&
          !rosterctl_sync (context, FALSE, &error))
        return rosterctl_error (error);
    }
  g_ptr_array_add (targets, NULL);

  plan = roster_bulk_plan_new_sync (context, action, product, (const char * const *) targets->pdata,
                                    NULL, &error);
  if (plan == NULL)
    return rosterctl_error (error);

  if (format == ROSTERCTL_FORMAT_JSON && dry_run)
    {
      g_autoptr(JsonNode) node = roster_bulk_plan_to_json (plan);

      rosterctl_print_json (node);
    }
  else if (format == ROSTERCTL_FORMAT_JSON)
    {
      for (guint k = 0; k < ROSTER_N_BULK_CLASSES; k++)
        g_printerr ("%s%s: %u", k == 0 ? "" : ", ", roster_bulk_class_get_title (k),
                    roster_bulk_plan_get_count (plan, k));
      g_printerr ("\n");
    }
  else
    print_plan (plan, TRUE);

  if (dry_run)
    {
      g_printerr (_("Dry run: nothing was sent.\n"));
      return ROSTERCTL_EXIT_OK;
    }
  if (roster_bulk_plan_get_count (plan, ROSTER_BULK_CLASS_WILL_CHANGE) == 0)
    {
      g_printerr (_("Nothing to change.\n"));
      return ROSTERCTL_EXIT_OK;
    }
  if (roster_bulk_plan_exceeds_cap (plan) && !override_cap)
    {
      g_printerr (_("rosterctl: %u users would change, more than the limit of %u per batch. "
                    "Pass --override-cap to go ahead, or raise it with "
                    "“rosterctl config set bulk-cap N”.\n"),
                  roster_bulk_plan_get_count (plan, ROSTER_BULK_CLASS_WILL_CHANGE),
                  roster_bulk_plan_get_cap (plan));
      return ROSTERCTL_EXIT_USAGE;
    }

  question = roster_bulk_plan_dup_confirmation (plan);
  if ((code = confirm_write (yes, question)) >= 0)
    return code;

  options.canary = canary;
  options.override_cap = override_cap;
  options.max_concurrent = max_concurrent;
  job = roster_bulk_job_create_sync (context, plan, &options, NULL, &error);
  if (job == NULL)
    return rosterctl_error (error);
  return run_job (context, job, yes, format);
}

int
rosterctl_cmd_suspend (int argc, char **argv)
{
  return run_bulk (ROSTER_BULK_ACTION_SUSPEND, _("ACCOUNT_ID… — suspend directory access (billing stops; roles and groups are kept)"), argc, argv);
}

int
rosterctl_cmd_restore (int argc, char **argv)
{
  return run_bulk (ROSTER_BULK_ACTION_RESTORE, _("ACCOUNT_ID… — restore suspended directory access"), argc, argv);
}

int
rosterctl_cmd_deactivate (int argc, char **argv)
{
  return run_bulk (ROSTER_BULK_ACTION_DISABLE_ACCOUNT, _("ACCOUNT_ID… — deactivate managed Atlassian accounts"), argc, argv);
}

int
rosterctl_cmd_reactivate (int argc, char **argv)
{
  return run_bulk (ROSTER_BULK_ACTION_ENABLE_ACCOUNT, _("ACCOUNT_ID… — reactivate managed Atlassian accounts"), argc, argv);
}

int
rosterctl_cmd_grant (int argc, char **argv)
{
  return run_bulk (ROSTER_BULK_ACTION_GRANT_PRODUCT, _("--product PRODUCT ACCOUNT_ID… — grant product access"), argc, argv);
}

int
rosterctl_cmd_revoke (int argc, char **argv)
{
  return run_bulk (ROSTER_BULK_ACTION_REVOKE_PRODUCT, _("--product PRODUCT ACCOUNT_ID… — remove product access"), argc, argv);
}

/* ------------------------------------------------------------------------- */
/* protect                                                                    */

int
rosterctl_cmd_protect (int    argc,
                       char **argv)
{
  g_autoptr(GOptionContext) option_context = NULL;
  g_autoptr(RosterContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *note = NULL;
  g_autofree char *format_opt = NULL;
  RosterctlFormat format = ROSTERCTL_FORMAT_TABLE;
  RosterStore *store;
  const char *verb;
  const GOptionEntry entries[] = {
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, N_("Why the account is protected (add)"), N_("TEXT") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_opt, N_("table, csv or json (list)"), N_("FORMAT") },
    { NULL }
  };

  option_context = g_option_context_new (_("add|remove|list [ACCOUNT_ID…] — accounts bulk actions never touch"));
  g_option_context_add_main_entries (option_context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (option_context, &argc, &argv, &error))
    return rosterctl_usage_error ("%s", error->message);
  if (!rosterctl_parse_format (format_opt, TRUE, &format))
    return rosterctl_usage_error (_("unknown format “%s” (expected table, csv or json)"), format_opt);
  verb = argc > 1 ? argv[1] : "list";
  if (!g_str_equal (verb, "add") && !g_str_equal (verb, "remove") && !g_str_equal (verb, "list"))
    return rosterctl_usage_error (_("usage: rosterctl protect add|remove|list [ACCOUNT_ID…]"));
  if (!g_str_equal (verb, "list") && argc < 3)
    return rosterctl_usage_error (_("usage: rosterctl protect %s ACCOUNT_ID…"), verb);

  context = rosterctl_open_context (FALSE, &error);
  if (context == NULL)
    return rosterctl_error (error);
  store = roster_context_get_store (context);

  if (g_str_equal (verb, "list"))
    {
      g_autoptr(GPtrArray) list = roster_store_list_protected_sync (store, &error);

      if (list == NULL)
        return rosterctl_error (error);
      if (format == ROSTERCTL_FORMAT_JSON)
        {
          g_autoptr(JsonBuilder) b = json_builder_new ();
          g_autoptr(JsonNode) root = NULL;

          json_builder_begin_array (b);
          for (guint i = 0; i < list->len; i++)
            {
              RosterProtectedAccount *p = g_ptr_array_index (list, i);

              json_builder_begin_object (b);
              json_builder_set_member_name (b, "account_id");
              json_builder_add_string_value (b, p->account_id);
              json_builder_set_member_name (b, "reason");
              json_builder_add_string_value (b, p->reason);
              json_builder_set_member_name (b, "note");
              json_builder_add_string_value (b, p->note);
              json_builder_set_member_name (b, "added_at");
              json_builder_add_int_value (b, p->added_at);
              json_builder_end_object (b);
            }
          json_builder_end_array (b);
          root = json_builder_get_root (b);
          rosterctl_print_json (root);
        }
      else
        {
          if (format == ROSTERCTL_FORMAT_TABLE)
            g_print ("%-40s %-10s %s\n", "ACCOUNT_ID", "REASON", "NOTE");
          else
            g_print ("account_id,reason,note\n");
          for (guint i = 0; i < list->len; i++)
            {
              RosterProtectedAccount *p = g_ptr_array_index (list, i);

              if (format == ROSTERCTL_FORMAT_TABLE)
                g_print ("%-40s %-10s %s\n", p->account_id, p->reason, or_dash (p->note));
              else
                {
                  g_autofree char *n = roster_export_csv_escape (p->note != NULL ? p->note : "");

                  g_print ("%s,%s,%s\n", p->account_id, p->reason, n);
                }
            }
        }
      return ROSTERCTL_EXIT_OK;
    }

  for (int i = 2; i < argc; i++)
    {
      gboolean ok;

      if (g_str_equal (verb, "add"))
        ok = roster_store_add_protected_sync (store, argv[i], note, &error);
      else
        {
          ok = roster_store_remove_protected_sync (store, argv[i], &error);
          if (ok == FALSE && error == NULL)
            {
              g_printerr (_("%s was not protected.\n"), argv[i]);
              continue;
            }
        }
      if (!ok)
        return rosterctl_error (error);
      roster_context_audit (context, g_str_equal (verb, "add") ? "protect-add" : "protect-remove",
                            argv[i], "done", 0, NULL, note);
    }
  return ROSTERCTL_EXIT_OK;
}

/* ------------------------------------------------------------------------- */
/* jobs                                                                       */

static void
print_jobs (GPtrArray       *jobs,
            RosterctlFormat  format)
{
  if (format == ROSTERCTL_FORMAT_JSON)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (b);
      for (guint i = 0; i < jobs->len; i++)
        {
          RosterBulkJobInfo *j = g_ptr_array_index (jobs, i);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "id");
          json_builder_add_string_value (b, j->id);
          json_builder_set_member_name (b, "action");
          json_builder_add_string_value (b, roster_bulk_action_to_string (j->action));
          json_builder_set_member_name (b, "product");
          if (j->product < ROSTER_N_PRODUCTS)
            json_builder_add_string_value (b, roster_product_to_string (j->product));
          else
            json_builder_add_null_value (b);
          json_builder_set_member_name (b, "state");
          json_builder_add_string_value (b, roster_bulk_job_state_to_string (j->state));
          json_builder_set_member_name (b, "created_at");
          json_builder_add_int_value (b, j->created_at);
          json_builder_set_member_name (b, "total");
          json_builder_add_int_value (b, j->n_total);
          json_builder_set_member_name (b, "done");
          json_builder_add_int_value (b, j->n_done);
          json_builder_set_member_name (b, "failed");
          json_builder_add_int_value (b, j->n_failed);
          json_builder_set_member_name (b, "pending");
          json_builder_add_int_value (b, j->n_pending);
          json_builder_set_member_name (b, "undo_of");
          json_builder_add_string_value (b, j->undo_of);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      root = json_builder_get_root (b);
      rosterctl_print_json (root);
      return;
    }

  g_print ("%-22s %-16s %-10s %-14s %-20s %6s %6s %6s %6s\n", "JOB", "ACTION", "PRODUCT", "STATE",
           "CREATED", "TOTAL", "DONE", "FAILED", "LEFT");
  for (guint i = 0; i < jobs->len; i++)
    {
      RosterBulkJobInfo *j = g_ptr_array_index (jobs, i);
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (j->created_at);
      g_autofree char *when = g_date_time_format (dt, "%Y-%m-%d %H:%M:%S");

      g_print ("%-22s %-16s %-10s %-14s %-20s %6u %6u %6u %6u\n", j->id,
               roster_bulk_action_to_string (j->action),
               j->product < ROSTER_N_PRODUCTS ? roster_product_to_string (j->product) : "-",
               roster_bulk_job_state_to_string (j->state), when, j->n_total, j->n_done,
               j->n_failed, j->n_pending);
    }
}

int
rosterctl_cmd_jobs (int    argc,
                    char **argv)
{
  g_autoptr(GOptionContext) option_context = NULL;
  g_autoptr(RosterContext) context = NULL;
  g_autoptr(RosterBulkJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *format_opt = NULL;
  gboolean yes = FALSE, unfinished = FALSE;
  RosterctlFormat format = ROSTERCTL_FORMAT_TABLE;
  const char *verb;
  const GOptionEntry entries[] = {
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &yes, N_("Do not ask for confirmation (resume, undo)"), NULL },
    { "unfinished", 'u', 0, G_OPTION_ARG_NONE, &unfinished, N_("Only jobs that can be resumed (list)"), NULL },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_opt, N_("table, csv (show) or json"), N_("FORMAT") },
    { NULL }
  };

  option_context = g_option_context_new (_("[list|show JOB|resume JOB|undo JOB|cancel JOB] — the bulk-job journal"));
  g_option_context_add_main_entries (option_context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (option_context, &argc, &argv, &error))
    return rosterctl_usage_error ("%s", error->message);
  if (!rosterctl_parse_format (format_opt, TRUE, &format))
    return rosterctl_usage_error (_("unknown format “%s” (expected table, csv or json)"), format_opt);

  verb = argc > 1 ? argv[1] : "list";
  if (g_str_equal (verb, "list"))
    {
      g_autoptr(GPtrArray) jobs = NULL;

      if (argc > 2)
        return rosterctl_usage_error (_("usage: rosterctl jobs list [--unfinished]"));
      context = rosterctl_open_context (FALSE, &error);
      if (context == NULL)
        return rosterctl_error (error);
      jobs = roster_bulk_list_jobs_sync (roster_context_get_store (context), unfinished, &error);
      if (jobs == NULL)
        return rosterctl_error (error);
      print_jobs (jobs, format);
      return ROSTERCTL_EXIT_OK;
    }

  if (!g_str_equal (verb, "show") && !g_str_equal (verb, "resume") &&
      !g_str_equal (verb, "undo") && !g_str_equal (verb, "cancel"))
    return rosterctl_usage_error (_("unknown jobs command “%s” (expected list, show, resume, undo or cancel)"), verb);
  if (argc != 3)
    return rosterctl_usage_error (_("usage: rosterctl jobs %s JOB"), verb);

  context = rosterctl_open_context (!g_str_equal (verb, "show"), &error);
  if (context == NULL)
    return rosterctl_error (error);
  job = roster_bulk_job_load_sync (context, argv[2], NULL, &error);
  if (job == NULL)
    return rosterctl_error (error);

  if (g_str_equal (verb, "show"))
    {
      if (format == ROSTERCTL_FORMAT_TABLE)
        {
          g_print (_("Job %s: %s, %s; %u done, %u skipped, %u failed, %u pending of %u\n"),
                   roster_bulk_job_get_id (job), roster_bulk_action_get_title (roster_bulk_job_get_action (job)),
                   roster_bulk_job_state_to_string (roster_bulk_job_get_state (job)),
                   roster_bulk_job_get_n_done (job), roster_bulk_job_get_n_skipped (job),
                   roster_bulk_job_get_n_failed (job), roster_bulk_job_get_n_pending (job),
                   roster_bulk_job_get_n_total (job));
          print_results (job, FALSE);
        }
      else
        {
          g_autoptr(GOutputStream) out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);

          if (!roster_bulk_job_write_results (job, format == ROSTERCTL_FORMAT_CSV ? ROSTER_EXPORT_CSV
                                                                                   : ROSTER_EXPORT_JSON,
                                              out, NULL, &error))
            return rosterctl_error (error);
        }
      return ROSTERCTL_EXIT_OK;
    }

  if (g_str_equal (verb, "cancel"))
    {
      roster_bulk_job_cancel (job);
      roster_store_close (roster_context_get_store (context));
      return ROSTERCTL_EXIT_OK;
    }

  if (g_str_equal (verb, "resume"))
    {
      g_autofree char *q = NULL;
      int code;

      if (roster_bulk_job_get_n_pending (job) == 0)
        {
          g_printerr (_("Job %s has nothing left to do.\n"), roster_bulk_job_get_id (job));
          return roster_bulk_job_get_n_failed (job) > 0 ? ROSTERCTL_EXIT_PARTIAL : ROSTERCTL_EXIT_OK;
        }
      q = g_strdup_printf (_("Resume job %s (%s, %u targets left)?"), roster_bulk_job_get_id (job),
                           roster_bulk_action_get_title (roster_bulk_job_get_action (job)),
                           roster_bulk_job_get_n_pending (job));
      if ((code = confirm_write (yes, q)) >= 0)
        return code;
      return run_job (context, job, TRUE, format);
    }

  /* undo */
  {
    g_autoptr(RosterBulkJob) undo = NULL;
    g_autofree char *q = NULL;
    int code;

    g_clear_object (&job);
    undo = roster_bulk_job_new_undo_sync (context, argv[2], NULL, &error);
    if (undo == NULL)
      return rosterctl_error (error);
    q = g_strdup_printf (_("Undo job %s: %s for %u users?"), argv[2],
                         roster_bulk_action_get_title (roster_bulk_job_get_action (undo)),
                         roster_bulk_job_get_n_total (undo));
    if ((code = confirm_write (yes, q)) >= 0)
      {
        roster_bulk_job_cancel (undo);
        roster_store_close (roster_context_get_store (context));
        return code;
      }
    return run_job (context, undo, TRUE, format);
  }
}

/* ------------------------------------------------------------------------- */
/* config bulk-cap / access-group-PRODUCT                                     */

gboolean
rosterctl_bulk_config_handles (const char *key)
{
  return g_strcmp0 (key, ROSTER_BULK_SETTING_CAP) == 0 ||
         g_strcmp0 (key, "access-group-jira") == 0 ||
         g_strcmp0 (key, "access-group-jsm") == 0 ||
         g_strcmp0 (key, "access-group-confluence") == 0;
}

int
rosterctl_bulk_config (const char *verb,
                       const char *key,
                       const char *value)
{
  g_autoptr(RosterContext) context = NULL;
  g_autoptr(GError) error = NULL;
  RosterStore *store;
  guint64 n;

  if (g_str_equal (verb, "set") && value == NULL)
    return rosterctl_usage_error (_("usage: rosterctl config set %s VALUE"), key);
  if (g_str_equal (verb, "set") && g_str_equal (key, ROSTER_BULK_SETTING_CAP) &&
      !g_ascii_string_to_unsigned (value, 10, 1, 1000000, &n, NULL))
    return rosterctl_usage_error (_("“%s” is not a number of users between 1 and 1000000"), value);

  context = rosterctl_open_context (FALSE, &error);
  if (context == NULL)
    return rosterctl_error (error);
  store = roster_context_get_store (context);

  if (g_str_equal (verb, "get"))
    {
      g_autofree char *current = roster_store_get_setting_sync (store, key, &error);

      if (error != NULL)
        return rosterctl_error (error);
      if (g_str_equal (key, ROSTER_BULK_SETTING_CAP))
        g_print ("%u\n", roster_bulk_get_cap_sync (store));
      else
        g_print ("%s\n", current != NULL ? current : "");
      return ROSTERCTL_EXIT_OK;
    }

  /* An empty access group goes back to granting by role. */
  if (!roster_store_set_setting_sync (store, key, *value != '\0' ? value : NULL, &error))
    return rosterctl_error (error);
  roster_context_audit (context, "config-set", key, "done", 0, NULL, value);
  return ROSTERCTL_EXIT_OK;
}
