/* rosterctl-org.c — `rosterctl org`: the organization at a glance. */
#define G_LOG_DOMAIN "rosterctl"

#include "config.h"

#include <glib/gi18n.h>

#include "roster-org.h"
#include "rosterctl.h"

static void
print_json (RosterOrgDetails *d)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, d->org_id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, d->org_name);
  json_builder_set_member_name (b, "users");
  json_builder_add_int_value (b, (gint64) d->n_users);

  json_builder_set_member_name (b, "directories");
  json_builder_begin_array (b);
  for (guint i = 0; d->directories != NULL && i < d->directories->len; i++)
    {
      RosterDirectory *dir = g_ptr_array_index (d->directories, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, roster_directory_get_id (dir));
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, roster_directory_get_name (dir));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "domains");
  json_builder_begin_array (b);
  for (guint i = 0; d->domains != NULL && i < d->domains->len; i++)
    {
      RosterDomain *domain = g_ptr_array_index (d->domains, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, roster_domain_get_name (domain));
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, roster_domain_get_claim_status (domain));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "products");
  json_builder_begin_array (b);
  for (guint i = 0; d->workspaces != NULL && i < d->workspaces->len; i++)
    {
      RosterWorkspace *ws = g_ptr_array_index (d->workspaces, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "resource_id");
      json_builder_add_string_value (b, roster_workspace_get_id (ws));
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, roster_workspace_get_name (ws));
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, roster_workspace_get_type_key (ws));
      json_builder_set_member_name (b, "host");
      json_builder_add_string_value (b, roster_workspace_get_host_url (ws));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  if (d->stats != NULL)
    {
      json_builder_set_member_name (b, "stats");
      json_builder_add_value (b, json_node_copy (d->stats));
    }
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  rosterctl_print_json (root);
}

static void
print_text (RosterOrgDetails *d)
{
  g_print ("%-14s %s\n", _("Name:"), d->org_name);
  g_print ("%-14s %s\n", _("Id:"), d->org_id);
  g_print ("%-14s %" G_GUINT64_FORMAT "\n", _("Users:"), d->n_users);

  for (guint i = 0; d->directories != NULL && i < d->directories->len; i++)
    {
      RosterDirectory *dir = g_ptr_array_index (d->directories, i);

      g_print ("%-14s %s (%s)\n", i == 0 ? _("Directories:") : "",
               roster_directory_get_name (dir), roster_directory_get_id (dir));
    }

  for (guint i = 0; d->domains != NULL && i < d->domains->len; i++)
    {
      RosterDomain *domain = g_ptr_array_index (d->domains, i);

      g_print ("%-14s %s (%s)\n", i == 0 ? _("Domains:") : "",
               roster_domain_get_name (domain), roster_domain_get_claim_status (domain));
    }

  for (guint i = 0; d->workspaces != NULL && i < d->workspaces->len; i++)
    {
      RosterWorkspace *ws = g_ptr_array_index (d->workspaces, i);

      g_print ("%-14s %s — %s (%s)\n", i == 0 ? _("Products:") : "",
               roster_workspace_get_type_key (ws), roster_workspace_get_name (ws),
               roster_workspace_get_host_url (ws));
    }
}

int
rosterctl_cmd_org (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) option_context = NULL;
  g_autoptr(RosterContext) context = NULL;
  g_autoptr(RosterOrgDetails) details = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *format_opt = NULL;
  RosterctlFormat format = ROSTERCTL_FORMAT_TABLE;
  g_autoptr(GAsyncResult) result = NULL;
  const GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_opt, N_("table or json"), N_("FORMAT") },
    { NULL }
  };

  option_context = g_option_context_new (_("— show the organization"));
  g_option_context_add_main_entries (option_context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (option_context, &argc, &argv, &error))
    return rosterctl_usage_error ("%s", error->message);
  if (!rosterctl_parse_format (format_opt, TRUE, &format) || format == ROSTERCTL_FORMAT_CSV)
    return rosterctl_usage_error (_("unknown format “%s” (expected table or json)"), format_opt);

  context = rosterctl_open_context (TRUE, &error);
  if (context == NULL)
    return rosterctl_error (error);

  roster_context_load_org_details_async (context, NULL, rosterctl_result_cb, &result);
  details = roster_context_load_org_details_finish (context, rosterctl_wait_result (&result),
                                                    &error);
  if (details == NULL)
    return rosterctl_error (error);

  if (format == ROSTERCTL_FORMAT_JSON)
    print_json (details);
  else
    print_text (details);

  return ROSTERCTL_EXIT_OK;
}
