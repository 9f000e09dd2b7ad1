/* rosterctl-audit.c — `rosterctl audit [verify]`: the hash-chained audit trail. */
#define G_LOG_DOMAIN "rosterctl"

#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <gio/gunixoutputstream.h>

#include "roster-audit.h"
#include "roster-export.h"
#include "roster-store.h"
#include "rosterctl.h"

static void
print_ids (const char *label,
           GArray     *ids)
{
  if (ids == NULL || ids->len == 0)
    return;
  g_print ("%s:", label);
  for (guint i = 0; i < ids->len; i++)
    g_print (" %" G_GINT64_FORMAT, g_array_index (ids, gint64, i));
  g_print ("\n");
}

static int
audit_verify (RosterContext *context)
{
  g_autoptr(RosterAuditReport) report = NULL;
  g_autoptr(GError) error = NULL;

  report = roster_store_audit_verify_sync (roster_context_get_store (context), &error);
  if (report == NULL)
    return rosterctl_error (error);

  if (roster_audit_report_is_intact (report))
    {
      g_print (_("Audit trail intact: %u entries checked.\n"), report->n_checked);
      return ROSTERCTL_EXIT_OK;
    }

  g_print (_("Audit trail BROKEN: %u entries checked.\n"), report->n_checked);
  print_ids (_("Edited entries"), report->edited_ids);
  print_ids (_("Deleted entries"), report->deleted_ids);
  print_ids (_("Broken links after"), report->broken_link_ids);
  if (report->truncated)
    {
      /* Numbers as text: a 64-bit format macro would cut the message for xgettext. */
      g_autofree char *head = g_strdup_printf ("%" G_GINT64_FORMAT, report->head_id);
      g_autofree char *last = g_strdup_printf ("%" G_GINT64_FORMAT, report->last_id);

      g_print (_("The newest entries were removed: the chain head is entry %s but the last entry is %s.\n"),
               head, last);
    }
  return ROSTERCTL_EXIT_ERROR;
}

int
rosterctl_cmd_audit (int    argc,
                     char **argv)
{
  g_autoptr(GOptionContext) option_context = NULL;
  g_autoptr(RosterContext) context = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *format_opt = NULL;
  g_autofree char *action = NULL;
  g_autofree char *since = NULL;
  g_autofree char *until = NULL;
  g_autofree char *user = NULL;
  int limit = 0;
  RosterctlFormat format = ROSTERCTL_FORMAT_TABLE;
  RosterAuditFilter filter = { 0 };
  const GOptionEntry entries_opt[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_opt, N_("table, csv or json"), N_("FORMAT") },
    { "action", 'a', 0, G_OPTION_ARG_STRING, &action, N_("Only this action (e.g. bulk-suspend, key-save)"), N_("ACTION") },
    { "since", 0, 0, G_OPTION_ARG_STRING, &since, N_("From this date or time (ISO 8601, UTC)"), N_("DATE") },
    { "until", 0, 0, G_OPTION_ARG_STRING, &until, N_("Before this date or time (ISO 8601, UTC)"), N_("DATE") },
    { "user", 'u', 0, G_OPTION_ARG_STRING, &user, N_("OS user or target containing TEXT"), N_("TEXT") },
    { "limit", 'n', 0, G_OPTION_ARG_INT, &limit, N_("Only the newest N entries"), N_("N") },
    { NULL }
  };

  option_context = g_option_context_new (_("[verify] — show, export or verify the audit trail"));
  g_option_context_add_main_entries (option_context, entries_opt, GETTEXT_PACKAGE);
  if (!g_option_context_parse (option_context, &argc, &argv, &error))
    return rosterctl_usage_error ("%s", error->message);
  if (!rosterctl_parse_format (format_opt, TRUE, &format))
    return rosterctl_usage_error (_("unknown format “%s” (expected table, csv or json)"), format_opt);
  if (argc > 2 || (argc == 2 && !g_str_equal (argv[1], "verify")))
    return rosterctl_usage_error (_("usage: rosterctl audit [verify] [--format csv|json] [--action A] [--since DATE]"));
  if (limit < 0)
    return rosterctl_usage_error (_("--limit takes a positive number"));

  context = rosterctl_open_context (FALSE, &error);
  if (context == NULL)
    return rosterctl_error (error);

  if (argc == 2)
    return audit_verify (context);

  filter.action = action;
  filter.text = user;
  filter.from_time = since;
  filter.to_time = until;
  filter.limit = limit;
  entries = roster_store_audit_list_sync (roster_context_get_store (context), &filter, &error);
  if (entries == NULL)
    return rosterctl_error (error);

  switch (format)
    {
    case ROSTERCTL_FORMAT_CSV:
    case ROSTERCTL_FORMAT_JSON:
      {
        g_autoptr(GOutputStream) out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);

        if (!roster_audit_write_entries (out, format == ROSTERCTL_FORMAT_CSV ? ROSTER_EXPORT_CSV
                                                                           : ROSTER_EXPORT_JSON,
                                         entries, NULL, &error))
          return rosterctl_error (error);
      }
      break;

    case ROSTERCTL_FORMAT_TABLE:
    default:
      g_print ("%-6s %-24s %-10s %-18s %-40s %-10s %-4s %s\n", "ID", "TIME", "USER", "ACTION",
               "TARGET", "OUTCOME", "HTTP", "JOB");
      for (guint i = 0; i < entries->len; i++)
        {
          const RosterAuditEntry *e = g_ptr_array_index (entries, i);
          g_autofree char *status = roster_audit_entry_get_http_status (e) != 0
                                    ? g_strdup_printf ("%u", roster_audit_entry_get_http_status (e))
                                    : g_strdup ("-");

          g_print ("%-6" G_GINT64_FORMAT " %-24s %-10s %-18s %-40s %-10s %-4s %s\n",
                   roster_audit_entry_get_id (e), roster_audit_entry_get_time (e),
                   roster_audit_entry_get_os_user (e) ?: "-", roster_audit_entry_get_action (e),
                   roster_audit_entry_get_target (e) ?: "-", roster_audit_entry_get_outcome (e) ?: "-",
                   status, roster_audit_entry_get_job_id (e) ?: "-");
        }
      break;
    }
  return ROSTERCTL_EXIT_OK;
}
