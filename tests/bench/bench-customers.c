/* bench-customers.c: export the customers and organizations of 20 JSM projects holding
 * 50,000 customers in all (sandbox on loopback), and compare with a raw fetch of the
 * same pages (HTTP + JSON decoding only: no domain objects, merge or file writing),
 * both through the same RosterHttp with the same concurrency.
 *
 *   bench-customers [N_CUSTOMERS] [ROUNDS]
 */
#include "config.h"

#include <glib/gstdio.h>

#include "roster-jsm.h"
#include "roster-sandbox.h"
#include "roster-site-private.h"
#include "roster-site.h"

typedef struct
{
  RosterHttp *http;
  guint       pending;
  guint64     n_items;
  GError     *error;
} Raw;

static void raw_orgs_cb (GObject *object, GAsyncResult *result, gpointer user_data);

static void
raw_items_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Raw *raw = user_data;
  g_autoptr(GPtrArray) items = NULL;
  GError *error = NULL;

  if (!(items = _roster_site_fetch_all_finish (result, &error)))
    {
      if (raw->error == NULL)
        raw->error = error;
      else
        g_error_free (error);
    }
  else
    raw->n_items += items->len;
  raw->pending--;
}

static void
raw_orgs_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Raw *raw = user_data;
  g_autoptr(GPtrArray) orgs = NULL;
  GError *error = NULL;

  if (!(orgs = _roster_site_fetch_all_finish (result, &error)))
    {
      if (raw->error == NULL)
        raw->error = error;
      else
        g_error_free (error);
      raw->pending--;
      return;
    }
  for (guint i = 0; i < orgs->len; i++)
    {
      JsonObject *org = json_node_get_object (g_ptr_array_index (orgs, i));
      g_autofree char *path = g_strdup_printf ("/rest/servicedeskapi/organization/%s/user",
                                               json_object_get_string_member (org, "id"));

      raw->pending++;
      _roster_site_fetch_all_async (raw->http, path, ROSTER_SITE_PAGING_JSM, 50, ROSTER_HTTP_FLAGS_NONE,
                                    NULL, NULL, NULL, raw_items_cb, raw);
    }
  raw->pending--;
}

static double
raw_fetch (RosterSite *site,
           GPtrArray  *desks,
           guint64    *out_items)
{
  Raw raw = { 0 };
  gint64 t0 = g_get_monotonic_time ();

  raw.http = roster_site_get_jira_http (site);
  for (guint i = 0; i < desks->len; i++)
    {
      const char *id = roster_service_desk_get_id (g_ptr_array_index (desks, i));
      g_autofree char *customers = g_strdup_printf ("/rest/servicedeskapi/servicedesk/%s/customer", id);
      g_autofree char *orgs = g_strdup_printf ("/rest/servicedeskapi/servicedesk/%s/organization", id);

      raw.pending += 2;
      _roster_site_fetch_all_async (raw.http, customers, ROSTER_SITE_PAGING_JSM, 50,
                                    ROSTER_HTTP_FLAGS_EXPERIMENTAL, NULL, NULL, NULL, raw_items_cb, &raw);
      _roster_site_fetch_all_async (raw.http, orgs, ROSTER_SITE_PAGING_JSM, 50, ROSTER_HTTP_FLAGS_NONE,
                                    NULL, NULL, NULL, raw_orgs_cb, &raw);
    }
  while (raw.pending > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (raw.error);
  *out_items = raw.n_items;
  return (g_get_monotonic_time () - t0) / 1e6;
}

typedef struct
{
  GAsyncResult *result;
  guint         n_progress;
} Wait;

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  ((Wait *) user_data)->result = g_object_ref (result);
}

static void
progress_cb (guint    n_done,
             guint    n_total,
             guint64  n_customers,
             gpointer user_data)
{
  ((Wait *) user_data)->n_progress++;
}

int
main (int   argc,
      char *argv[])
{
  RosterSandboxOptions options = { .n_users = 2000, .seed = 7, .n_customers = 50000 };
  g_autoptr(RosterSandbox) sandbox = NULL;
  g_autoptr(RosterSite) site = NULL;
  g_autoptr(RosterJsmApi) api = NULL;
  g_autoptr(GPtrArray) desks = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("roster-bench-customers-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "customers.csv", NULL);
  g_autofree char *org_path = g_build_filename (dir, "customers-organizations.csv", NULL);
  g_autoptr(GFile) target = g_file_new_for_path (path);
  guint rounds = 3;
  double best_export = G_MAXDOUBLE, best_raw = G_MAXDOUBLE;
  guint64 exported = 0, n_orgs = 0, raw_items = 0;
  RosterHttpStats stats_before, stats_after;
  guint64 export_requests = 0;

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  if (argc > 1)
    options.n_customers = (guint) g_ascii_strtoull (argv[1], NULL, 10);
  if (argc > 2)
    rounds = MAX (1, (guint) g_ascii_strtoull (argv[2], NULL, 10));

  sandbox = roster_sandbox_new (&options);
  g_assert_true (roster_sandbox_start (sandbox, 0, &error));
  site = roster_site_new (roster_sandbox_get_url (sandbox), roster_sandbox_get_site_email (sandbox), &error);
  g_assert_no_error (error);
  roster_site_set_token (site, roster_sandbox_get_site_token (sandbox));
  api = roster_jsm_api_new (site);

  desks = roster_jsm_api_list_service_desks_sync (api, NULL, &error);
  g_assert_no_error (error);
  /* The readable projects only (the sandbox also lists one the token cannot read). */
  for (guint i = desks->len; i-- > 0;)
    if (!roster_sandbox_project_is_readable (sandbox, roster_service_desk_get_project_key (g_ptr_array_index (desks, i))))
      g_ptr_array_remove_index (desks, i);

  for (guint r = 0; r < rounds; r++)
    {
      g_autoptr(RosterJsmExportSummary) summary = NULL;
      Wait wait = { 0 };
      gint64 t0;
      double t;

      roster_http_get_stats (roster_site_get_jira_http (site), &stats_before);
      t0 = g_get_monotonic_time ();
      roster_jsm_export_async (api, desks, ROSTER_EXPORT_CSV,
                               ROSTER_JSM_EXPORT_CUSTOMERS | ROSTER_JSM_EXPORT_ORGANIZATIONS,
                               target, FALSE, progress_cb, &wait, NULL, done_cb, &wait);
      while (wait.result == NULL)
        g_main_context_iteration (NULL, TRUE);
      summary = roster_jsm_export_finish (api, wait.result, &error);
      t = (g_get_monotonic_time () - t0) / 1e6;
      g_assert_no_error (error);
      g_clear_object (&wait.result);
      roster_http_get_stats (roster_site_get_jira_http (site), &stats_after);
      export_requests = stats_after.n_requests - stats_before.n_requests;
      exported = summary->n_customers;
      n_orgs = summary->n_organizations;
      g_assert_cmpuint (summary->n_projects, ==, desks->len);
      g_assert_cmpuint (wait.n_progress, ==, desks->len);
      best_export = MIN (best_export, t);

      t = raw_fetch (site, desks, &raw_items);
      best_raw = MIN (best_raw, t);
      g_print ("round %u: export %.3f s, raw fetch %.3f s\n", r + 1, (g_get_monotonic_time () - t0) / 1e6 - t, t);
    }

  g_print ("projects: %u; distinct customers in the sandbox: %u; customer rows exported: %" G_GUINT64_FORMAT
           " (merged per project); organizations: %" G_GUINT64_FORMAT "\n",
           desks->len, roster_sandbox_get_n_customers (sandbox), exported, n_orgs);
  g_print ("requests per export: %" G_GUINT64_FORMAT "; items fetched by the raw walk: %" G_GUINT64_FORMAT "\n",
           export_requests, raw_items);
  g_print ("export (fetch + merge + CSV of customers and organizations): %.3f s (best of %u)\n", best_export, rounds);
  g_print ("raw fetch of the same pages (HTTP + JSON decode):             %.3f s (best of %u)\n", best_raw, rounds);
  g_print ("ratio export / raw fetch: %.2f\n", best_export / best_raw);

  g_remove (path);
  g_remove (org_path);
  g_rmdir (dir);
  return 0;
}
