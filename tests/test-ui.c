/* test-ui.c
 *
 * The GTK app against the in-process demo organization (the sandbox): first
 * run, filtering, selection, thresholds, export and the keyring round trip.
 * Runs under Xvfb (tools/test.sh); skips without a display unless
 * ROSTER_REQUIRE_DISPLAY=1.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "roster-bulk.h"
#include "roster-application.h"
#include "roster-dashboard-page.h"
#include "roster-query.h"
#include "roster-settings-page.h"
#include "roster-stat-card.h"
#include "roster-protected-group.h"
#include "roster-users-page.h"
#include "roster-window.h"

#define DEMO_USERS 3000
#define TIMEOUT_S  60

typedef struct
{
  RosterApplication *app;
  RosterWindow      *window;
} Fixture;

static gboolean
wait_until (gboolean (*cond) (gpointer), gpointer data)
{
  gint64 end = g_get_monotonic_time () + TIMEOUT_S * G_USEC_PER_SEC;

  while (!cond (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  return TRUE;
}

static gboolean
org_ready (gpointer data)
{
  Fixture *fx = data;
  RosterContext *ctx = roster_application_get_context (fx->app);

  return g_strcmp0 (roster_window_get_mode (fx->window), "org") == 0 &&
         !roster_window_is_syncing (fx->window) &&
         roster_context_get_users (ctx) != NULL &&
         g_list_model_get_n_items (G_LIST_MODEL (roster_users_page_get_model (
             roster_window_get_users_page (fx->window)))) > 0;
}

static char *system_data_dirs;

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* G_TEST_OPTION_ISOLATE_DIRS empties XDG_DATA_DIRS, where the icon theme and the
   * MIME database (needed to load SVG icons) live. */
  g_setenv ("XDG_DATA_DIRS", system_data_dirs, TRUE);

  static guint serial;
  g_autofree char *app_id = g_strdup_printf ("%s.Test%u", APP_ID, ++serial);

  fx->app = roster_application_new ();
  /* A fresh id per test: the previous app may still be exported on the bus. */
  g_application_set_application_id (G_APPLICATION (fx->app), app_id);
  g_application_set_flags (G_APPLICATION (fx->app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (fx->app), NULL, &error));
  g_assert_no_error (error);
  roster_application_set_demo_options (fx->app, DEMO_USERS, 0);
  fx->window = roster_window_new (fx->app);
  gtk_window_present (GTK_WINDOW (fx->window));
}

static void
fixture_open_demo (Fixture *fx)
{
  roster_window_show_loading (fx->window);
  roster_application_open_demo (fx->app);
  g_assert_true (wait_until (org_ready, fx));
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fx->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&fx->app);
}

static RosterUserSet *
users_of (Fixture *fx)
{
  return roster_context_get_users (roster_application_get_context (fx->app));
}

static guint
brute_force_count (Fixture    *fx,
                   const char *text)
{
  RosterUserSet *set = users_of (fx);
  g_autoptr(RosterQuery) query = roster_query_parse (text, NULL);
  RosterQueryContext ctx = { 0 };
  guint count = 0;

  g_assert_nonnull (query);
  ctx.now_unix = g_get_real_time () / G_USEC_PER_SEC;
  roster_context_get_thresholds (roster_application_get_context (fx->app), &ctx.thresholds);
  for (guint i = 0; i < roster_user_set_get_n_users (set); i++)
    if (roster_query_matches (query, set, i, &ctx))
      count++;
  return count;
}

static void
test_welcome_then_demo (Fixture       *fx,
                        gconstpointer  data)
{
  RosterUsersPage *page = roster_window_get_users_page (fx->window);

  /* First run: nothing configured. */
  roster_window_show_welcome (fx->window);
  g_assert_cmpstr (roster_window_get_mode (fx->window), ==, "welcome");

  g_action_group_activate_action (G_ACTION_GROUP (fx->app), "demo", NULL);
  g_assert_true (wait_until (org_ready, fx));

  roster_window_set_page (fx->window, "users");
  g_assert_cmpstr (roster_window_get_page (fx->window), ==, "users");
  g_assert_cmpuint (roster_user_set_get_n_users (users_of (fx)), ==, DEMO_USERS);
  g_assert_cmpuint (roster_users_page_get_n_matches (page), ==, DEMO_USERS);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (roster_users_page_get_model (page))),
                    ==, DEMO_USERS);
}

static void
test_filter_count (Fixture       *fx,
                   gconstpointer  data)
{
  RosterUsersPage *page = roster_window_get_users_page (fx->window);
  GListModel *model;
  const char *queries[] = { "status:active product:jira", "an", "inactive:>90 -product:jsm",
                            "type:app", "e" };

  fixture_open_demo (fx);
  roster_window_set_page (fx->window, "users");
  model = G_LIST_MODEL (roster_users_page_get_model (page));

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      guint expected = brute_force_count (fx, queries[i]);

      roster_window_set_query (fx->window, queries[i]);
      g_assert_cmpuint (roster_users_page_get_n_matches (page), ==, expected);
      if (expected > 0)
        g_assert_cmpuint (g_list_model_get_n_items (model), ==, expected);
      g_assert_null (roster_users_page_get_query_error (page));
    }

  /* Nothing matches: the count is 0 but the model never shrinks to 0 rows. */
  roster_window_set_query (fx->window, "zzzzqqqxx");
  g_assert_cmpuint (roster_users_page_get_n_matches (page), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (model), >, 0);

  /* A bad term is reported, and the rows stay as they were. */
  roster_window_set_query (fx->window, "status:frozen");
  g_assert_nonnull (roster_users_page_get_query_error (page));

  roster_window_set_query (fx->window, "");
  g_assert_cmpuint (roster_users_page_get_n_matches (page), ==, DEMO_USERS);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, DEMO_USERS);
}

static void
test_selection_persists (Fixture       *fx,
                         gconstpointer  data)
{
  RosterUsersPage *page = roster_window_get_users_page (fx->window);
  RosterUserListModel *model;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  const guint *rows;
  guint n;

  fixture_open_demo (fx);
  model = roster_users_page_get_model (page);

  roster_window_set_query (fx->window, "status:active");
  rows = roster_user_list_model_get_rows (model, &n);
  g_assert_cmpuint (n, >=, 2);
  first = g_strdup (roster_user_set_get_account_id (users_of (fx), rows[0]));
  second = g_strdup (roster_user_set_get_account_id (users_of (fx), rows[1]));
  roster_users_page_set_selected (page, first, TRUE);
  roster_users_page_set_selected (page, second, TRUE);
  g_assert_cmpuint (roster_users_page_get_n_selected (page), ==, 2);

  roster_window_set_query (fx->window, "zzzzqqqxx");
  roster_window_set_query (fx->window, "status:suspended");
  roster_window_set_query (fx->window, "");
  g_assert_true (roster_users_page_is_selected (page, first));
  g_assert_true (roster_users_page_is_selected (page, second));
  g_assert_cmpuint (roster_users_page_get_n_selected (page), ==, 2);

  /* Show only selected. */
  roster_users_page_set_show_only_selected (page, TRUE);
  g_assert_cmpuint (roster_users_page_get_n_matches (page), ==, 2);
  roster_users_page_set_show_only_selected (page, FALSE);

  /* Select all matching adds the matches to the selection. */
  roster_window_set_query (fx->window, "product:jsm");
  roster_users_page_select_all_matching (page);
  g_assert_cmpuint (roster_users_page_get_n_selected (page), >=,
                    roster_users_page_get_n_matches (page));
  roster_users_page_clear_selection (page);
  g_assert_cmpuint (roster_users_page_get_n_selected (page), ==, 0);
}

/* The dashboard counts every user by inactivity level (roster-stats.h). */
static guint
count_overdue (Fixture *fx)
{
  RosterUserSet *set = users_of (fx);
  RosterThresholds thresholds;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint count = 0;

  roster_context_get_thresholds (roster_application_get_context (fx->app), &thresholds);
  for (guint i = 0; i < roster_user_set_get_n_users (set); i++)
    if (roster_inactivity_classify (&thresholds, roster_user_set_get_last_active (set, i), now) ==
          ROSTER_INACTIVITY_OVERDUE)
      count++;
  return count;
}

/* The thresholds are saved in the cache off the main thread, then applied. */
static gboolean
thresholds_are_20_30 (gpointer data)
{
  Fixture *fx = data;
  RosterThresholds thresholds;

  roster_context_get_thresholds (roster_application_get_context (fx->app), &thresholds);
  return thresholds.warning_days == 20 && thresholds.overdue_days == 30;
}

static void
test_thresholds (Fixture       *fx,
                 gconstpointer  data)
{
  RosterDashboardPage *dashboard = roster_window_get_dashboard_page (fx->window);
  RosterSettingsPage *settings = roster_window_get_settings_page (fx->window);
  RosterStatCard *overdue;
  guint before, after;

  fixture_open_demo (fx);
  overdue = roster_dashboard_page_get_card (dashboard, "overdue");
  before = roster_stat_card_get_value (overdue);
  g_assert_cmpuint (before, ==, count_overdue (fx));

  roster_settings_page_set_thresholds (settings, 20, 30);
  g_assert_true (wait_until (thresholds_are_20_30, fx));
  g_assert_null (roster_settings_page_get_threshold_error (settings));
  after = roster_stat_card_get_value (overdue);
  g_assert_cmpuint (after, ==, count_overdue (fx));
  g_assert_cmpuint (after, >, before);

  /* Warning not below overdue: refused inline, nothing applied. */
  roster_settings_page_set_thresholds (settings, 50, 40);
  g_assert_nonnull (roster_settings_page_get_threshold_error (settings));
  g_assert_cmpuint (roster_stat_card_get_value (overdue), ==, after);
}

typedef struct
{
  gboolean done;
  gssize   n;
  GError  *error;
} ExportResult;

static void
export_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  ExportResult *res = user_data;

  res->n = roster_users_page_export_to_file_finish (ROSTER_USERS_PAGE (object), result, &res->error);
  res->done = TRUE;
}

static gboolean
export_done (gpointer data)
{
  return ((ExportResult *) data)->done;
}

static void
audit_export_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  ExportResult *res = user_data;

  res->n = roster_audit_page_export_to_file_finish (ROSTER_AUDIT_PAGE (object), result, &res->error);
  res->done = TRUE;
}

static void
test_export (Fixture       *fx,
             gconstpointer  data)
{
  RosterUsersPage *page = roster_window_get_users_page (fx->window);
  g_autofree char *csv_path = g_build_filename (g_get_tmp_dir (), "roster-ui-export.csv", NULL);
  g_autofree char *json_path = g_build_filename (g_get_tmp_dir (), "roster-ui-export.json", NULL);
  g_autoptr(GFile) csv = g_file_new_for_path (csv_path);
  g_autoptr(GFile) json = g_file_new_for_path (json_path);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  ExportResult res = { 0 };
  guint matches, n_lines = 0;
  JsonObject *root;

  fixture_open_demo (fx);
  roster_window_set_query (fx->window, "product:confluence status:active");
  matches = roster_users_page_get_n_matches (page);
  g_assert_cmpuint (matches, ==, brute_force_count (fx, "product:confluence status:active"));
  g_assert_cmpuint (matches, >, 0);

  roster_users_page_export_to_file_async (page, csv, ROSTER_EXPORT_CSV, FALSE, NULL, export_cb, &res);
  g_assert_true (wait_until (export_done, &res));
  g_assert_no_error (res.error);
  g_assert_cmpint (res.n, ==, matches);

  g_assert_true (g_file_get_contents (csv_path, &contents, NULL, &error));
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0' && strstr (lines[i], "# query:") == NULL)
      n_lines++;
  g_assert_cmpuint (n_lines, ==, matches + 1);  /* + header */
  g_assert_nonnull (strstr (contents, "product:confluence status:active"));

  /* The selection, as JSON. */
  roster_users_page_select_all_matching (page);
  roster_window_set_query (fx->window, "");
  memset (&res, 0, sizeof res);
  roster_users_page_export_to_file_async (page, json, ROSTER_EXPORT_JSON, TRUE, NULL, export_cb, &res);
  g_assert_true (wait_until (export_done, &res));
  g_assert_no_error (res.error);
  g_assert_cmpint (res.n, ==, matches);
  g_assert_true (json_parser_load_from_file (parser, json_path, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "users")), ==, matches);

  /* Both exports are in the audit trail, with where they went. */
  {
    RosterAuditFilter filter = { .action = "export" };
    g_autoptr(GPtrArray) entries = NULL;
    RosterStore *store = roster_context_get_store (roster_application_get_context (fx->app));

    entries = roster_store_audit_list_sync (store, &filter, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (entries->len, ==, 2);
    g_assert_cmpstr (roster_audit_entry_get_target (g_ptr_array_index (entries, 0)), ==, csv_path);
    g_assert_cmpstr (roster_audit_entry_get_target (g_ptr_array_index (entries, 1)), ==, json_path);
  }

  g_unlink (csv_path);
  g_unlink (json_path);
}

static void
key_status_changed_cb (RosterSettingsPage *page,
                       gboolean           *flag)
{
  *flag = TRUE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static void
test_keyring (Fixture       *fx,
              gconstpointer  data)
{
  RosterSettingsPage *settings = roster_window_get_settings_page (fx->window);
  RosterContext *ctx;
  RosterSandbox *sandbox;
  g_autoptr(GError) error = NULL;
  char *secret;
  gboolean changed = FALSE;

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL &&
      g_strcmp0 (g_getenv ("ROSTER_REQUIRE_KEYRING"), "1") != 0)
    {
      g_test_skip ("No session bus for the keyring");
      return;
    }

  fixture_open_demo (fx);
  ctx = roster_application_get_context (fx->app);
  sandbox = roster_application_get_sandbox (fx->app);
  g_signal_connect (settings, "key-status-changed", G_CALLBACK (key_status_changed_cb), &changed);

  roster_settings_page_save_key (settings, roster_sandbox_get_api_key (sandbox));
  g_assert_true (wait_until (flag_set, &changed));
  g_assert_nonnull (strstr (roster_settings_page_get_key_status (settings), "Acme"));
  secret = roster_credentials_lookup_sync (roster_context_get_credentials (ctx),
                                           ROSTER_SECRET_ADMIN_API_KEY,
                                           roster_context_get_org_id (ctx), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, roster_sandbox_get_api_key (sandbox));
  roster_credentials_free_secret (secret);

  changed = FALSE;
  roster_settings_page_delete_key (settings);
  g_assert_true (wait_until (flag_set, &changed));
  secret = roster_credentials_lookup_sync (roster_context_get_credentials (ctx),
                                           ROSTER_SECRET_ADMIN_API_KEY,
                                           roster_context_get_org_id (ctx), NULL, &error);
  g_assert_no_error (error);
  g_assert_null (secret);
  g_signal_handlers_disconnect_by_func (settings, key_status_changed_cb, &changed);
}

static gboolean
org_details_loaded (gpointer data)
{
  return roster_settings_page_get_org_details (data) != NULL;
}

static void
test_org_details (Fixture       *fx,
                  gconstpointer  data)
{
  RosterSettingsPage *settings = roster_window_get_settings_page (fx->window);
  RosterOrgDetails *details;

  fixture_open_demo (fx);
  g_assert_true (wait_until (org_details_loaded, settings));
  details = roster_settings_page_get_org_details (settings);
  g_assert_cmpstr (details->org_id, ==,
                   roster_context_get_org_id (roster_application_get_context (fx->app)));
  g_assert_cmpuint (details->n_users, ==, DEMO_USERS);
  g_assert_cmpuint (details->domains->len, >, 0);
  g_assert_cmpuint (details->workspaces->len, >, 0);
}

typedef struct
{
  gboolean done;
  gboolean ok;
} SetProtectedResult;

static void
set_protected_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  SetProtectedResult *res = user_data;
  g_autoptr(GError) error = NULL;

  res->ok = roster_protected_model_set_protected_finish (ROSTER_PROTECTED_MODEL (object), result, &error);
  g_assert_no_error (error);
  res->done = TRUE;
}

static gboolean
protected_loaded (gpointer data)
{
  return roster_protected_model_is_loaded (data);
}

static guint
count_audit (RosterStore *store,
             const char  *action,
             const char  *target)
{
  RosterAuditFilter filter = { 0 };
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  filter.action = action;
  filter.text = target;
  entries = roster_store_audit_list_sync (store, &filter, &error);
  g_assert_no_error (error);
  return entries->len;
}

typedef struct
{
  RosterProtectedGroup *group;
  guint                 n;
} RowsWait;

static gboolean
group_has_rows (gpointer data)
{
  RowsWait *wait = data;

  return roster_protected_group_get_n_rows (wait->group) == wait->n;
}

static void
test_protected (Fixture       *fx,
                gconstpointer  data)
{
  RosterProtectedModel *model = roster_window_get_protected_model (fx->window);
  RosterProtectedGroup *group =
    roster_settings_page_get_protected_group (roster_window_get_settings_page (fx->window));
  RosterUsersPage *page = roster_window_get_users_page (fx->window);
  RosterContext *ctx;
  RosterStore *store;
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) found = NULL;
  SetProtectedResult res = { 0 };
  const char *target = NULL;
  guint n_before;

  fixture_open_demo (fx);
  ctx = roster_application_get_context (fx->app);
  store = roster_context_get_store (ctx);
  g_assert_true (wait_until (protected_loaded, model));

  /* Org admins are protected by default after the sync; the group lists the store. */
  stored = roster_store_list_protected_sync (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, >, 0);
  /* (the model reloads after the sync that protected them) */
  g_assert_true (wait_until (group_has_rows, &(RowsWait) { group, stored->len }));
  n_before = stored->len;

  /* Add through the search of the add popover. */
  found = roster_protected_group_search (group, "a");
  g_assert_cmpuint (g_strv_length (found), >, 0);
  for (guint i = 0; found[i] != NULL && target == NULL; i++)
    if (!roster_protected_model_contains (model, found[i]))
      target = found[i];
  g_assert_nonnull (target);

  roster_protected_model_set_protected_async (model, target, TRUE, NULL, set_protected_cb, &res);
  g_assert_true (wait_until (flag_set, &res.done));
  g_assert_true (res.ok);
  g_assert_true (roster_store_is_protected_sync (store, target, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (roster_protected_group_get_n_rows (group), ==, n_before + 1);
  g_assert_cmpstr (roster_protected_model_get_reason (model, target), ==,
                   ROSTER_PROTECTED_REASON_MANUAL);

  /* The detail pane shows it. */
  roster_users_page_show_account (page, target);
  g_assert_true (roster_user_detail_get_protected (roster_users_page_get_detail (page)));

  /* Remove. */
  memset (&res, 0, sizeof res);
  roster_protected_model_set_protected_async (model, target, FALSE, NULL, set_protected_cb, &res);
  g_assert_true (wait_until (flag_set, &res.done));
  g_assert_false (roster_store_is_protected_sync (store, target, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (roster_protected_group_get_n_rows (group), ==, n_before);
  g_assert_false (roster_user_detail_get_protected (roster_users_page_get_detail (page)));

  /* Both changes are in the audit trail. */
  g_assert_cmpuint (count_audit (store, "protect.add", target), ==, 1);
  g_assert_cmpuint (count_audit (store, "protect.remove", target), ==, 1);
}

static gboolean
audit_loaded (gpointer data)
{
  return roster_audit_page_get_n_entries (data) >= 0;
}

static gboolean
audit_verified (gpointer data)
{
  return roster_audit_page_get_verified (data) >= 0;
}

typedef struct
{
  RosterStore *store;
  guint        cap;
} CapWait;

static gboolean
cap_stored (gpointer data)
{
  CapWait *w = data;

  return roster_bulk_get_cap_sync (w->store) == w->cap;
}

/* The bulk cap set in Settings is what the engine plans with. */
static void
test_bulk_cap_setting (Fixture       *fx,
                       gconstpointer  data)
{
  RosterSettingsPage *settings = roster_window_get_settings_page (fx->window);
  RosterStore *store;
  CapWait w;

  fixture_open_demo (fx);
  store = roster_context_get_store (roster_application_get_context (fx->app));
  g_assert_cmpuint (roster_bulk_get_cap_sync (store), ==, ROSTER_BULK_DEFAULT_CAP);

  gtk_spin_button_set_value (roster_settings_page_get_cap_spin (settings), 7);
  w.store = store;
  w.cap = 7;
  g_assert_true (wait_until (cap_stored, &w));
}

static void
test_audit_page (Fixture       *fx,
                 gconstpointer  data)
{
  RosterAuditPage *audit = roster_window_get_audit_page (fx->window);
  RosterContext *ctx;
  RosterStore *store;
  RosterAuditFilter filter = { 0 };
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  fixture_open_demo (fx);
  ctx = roster_application_get_context (fx->app);
  store = roster_context_get_store (ctx);
  roster_context_audit (ctx, "test.audit-page", "target-1", "ok", 0, NULL, NULL);
  roster_context_audit (ctx, "test.audit-page", "target-2", "failed", 500, NULL, NULL);

  roster_window_set_page (fx->window, "audit");
  entries = roster_store_audit_list_sync (store, &filter, &error);
  g_assert_no_error (error);
  roster_audit_page_reload (audit);
  g_assert_true (wait_until (audit_loaded, audit));
  g_assert_cmpint (roster_audit_page_get_n_entries (audit), ==, MIN (entries->len, 500));
  g_assert_cmpint (roster_audit_page_get_n_entries (audit), >=, 2);

  roster_audit_page_verify (audit);
  g_assert_true (wait_until (audit_verified, audit));
  g_assert_cmpint (roster_audit_page_get_verified (audit), ==, 1);

  /* Export what the filter shows, as CSV: a header and one row per entry. */
  {
    g_autoptr(GFile) file = NULL;
    g_autofree char *dir = g_dir_make_tmp ("roster-audit-XXXXXX", NULL);
    g_autofree char *path = g_build_filename (dir, "audit.csv", NULL);
    g_autofree char *contents = NULL;
    g_auto(GStrv) lines = NULL;
    g_autoptr(GPtrArray) after = NULL;
    ExportResult res = { 0 };

    gtk_editable_set_text (GTK_EDITABLE (roster_audit_page_get_text_entry (audit)), "target-");
    file = g_file_new_for_path (path);
    roster_audit_page_export_to_file_async (audit, file, ROSTER_EXPORT_CSV, NULL,
                                            audit_export_cb, &res);
    g_assert_true (wait_until (export_done, &res));
    g_assert_no_error (res.error);
    g_assert_cmpint (res.n, ==, 2);
    g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
    lines = g_strsplit (g_strstrip (contents), "\n", -1);
    g_assert_cmpuint (g_strv_length (lines), ==, 3);
    g_assert_true (g_str_has_prefix (lines[0], "id,time,os_user"));
    g_assert_nonnull (strstr (contents, "target-2"));

    /* The export itself is in the audit trail. */
    filter.action = "export";
    after = roster_store_audit_list_sync (store, &filter, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (after->len, ==, 1);
    g_assert_cmpstr (roster_audit_entry_get_target (g_ptr_array_index (after, 0)), ==, path);
  }
}


/* Bulk changes */

#include "roster-bulk-dialog.h"
#include "roster-jobs-banner.h"
#include "roster-sandbox.h"

/* Up to n ids of a sandbox kind that are not org admins. */
static GPtrArray *
pick_ids (RosterSandbox *sandbox,
          const char    *kind,
          guint          n)
{
  g_auto(GStrv) ids = roster_sandbox_dup_account_ids (sandbox, kind, 0);
  g_auto(GStrv) admins = roster_sandbox_dup_account_ids (sandbox, "org-admin", 0);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; ids[i] != NULL && out->len < n; i++)
    if (!g_strv_contains ((const char * const *) admins, ids[i]))
      g_ptr_array_add (out, g_strdup (ids[i]));
  g_assert_cmpuint (out->len, ==, n);
  return out;
}

typedef struct
{
  Fixture          *fx;
  RosterBulkDialog *not_this;  /* a dialog that was already handled */
} DialogWait;

static gboolean
dialog_on_page (gpointer data)
{
  DialogWait *wait = data;
  RosterBulkDialog *dialog = roster_window_get_bulk_dialog (wait->fx->window);
  const char *page;

  if (dialog == NULL || dialog == wait->not_this)
    return FALSE;
  page = roster_bulk_dialog_get_page (dialog);
  return g_strcmp0 (page, "preview") == 0 || g_strcmp0 (page, "error") == 0;
}

static gboolean
dialog_run_ended (gpointer data)
{
  RosterBulkDialog *dialog = data;
  RosterBulkJob *job = roster_bulk_dialog_get_job (dialog);

  return job != NULL && !roster_bulk_dialog_is_running (dialog) &&
         roster_bulk_job_get_state (job) != ROSTER_BULK_JOB_RUNNING &&
         roster_bulk_job_get_state (job) != ROSTER_BULK_JOB_PENDING;
}

static gboolean
dialog_gone (gpointer data)
{
  Fixture *fx = data;

  return roster_window_get_bulk_dialog (fx->window) == NULL;
}

static RosterStatus
cached_status (Fixture    *fx,
               const char *account_id)
{
  RosterUserSet *set = users_of (fx);
  int i = roster_user_set_lookup (set, account_id);

  g_assert_cmpint (i, >=, 0);
  return roster_user_set_get_status (set, i);
}

static void
assert_sandbox_status (RosterSandbox *sandbox,
                       const char    *account_id,
                       const char    *expected)
{
  g_autofree char *status = roster_sandbox_dup_user_status (sandbox, account_id);

  g_assert_cmpstr (status, ==, expected);
}

static RosterBulkDialog *
open_bulk (Fixture    *fx,
           const char *action)
{
  DialogWait wait = { fx, NULL };
  RosterBulkDialog *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.bulk-action", "s", action));
  g_assert_true (wait_until (dialog_on_page, &wait));
  dialog = roster_window_get_bulk_dialog (fx->window);
  g_assert_cmpstr (roster_bulk_dialog_get_page (dialog), ==, "preview");
  return dialog;
}

typedef struct
{
  Fixture       *fx;
  RosterUserSet *before;
} UsersWait;

static gboolean
users_replaced (gpointer data)
{
  UsersWait *w = data;

  return users_of (w->fx) != w->before;
}

static void
close_bulk (Fixture          *fx,
            RosterBulkDialog *dialog)
{
  RosterBulkJob *job = roster_bulk_dialog_get_job (dialog);
  UsersWait w = { fx, users_of (fx) };
  gboolean changed = job != NULL && roster_bulk_job_get_n_done (job) > 0;

  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (wait_until (dialog_gone, fx));
  /* The window reads the new states back from the store after a job that
   * changed something. */
  if (changed)
    g_assert_true (wait_until (users_replaced, &w));
}

static void
test_bulk_suspend_undo (Fixture       *fx,
                        gconstpointer  data)
{
  RosterUsersPage *page = roster_window_get_users_page (fx->window);
  RosterSandbox *sandbox;
  RosterBulkDialog *dialog, *undo_dialog;
  RosterBulkPlan *plan;
  RosterBulkJob *job;
  g_autoptr(GPtrArray) active = NULL;
  g_autoptr(GPtrArray) suspended = NULL;
  g_auto(GStrv) admins = NULL;
  g_autofree char *job_id = NULL;
  g_autofree char *admin_path = NULL;
  DialogWait wait = { fx, NULL };

  fixture_open_demo (fx);
  sandbox = roster_application_get_sandbox (fx->app);
  active = pick_ids (sandbox, "active", 3);
  suspended = pick_ids (sandbox, "suspended", 1);
  admins = roster_sandbox_dup_account_ids (sandbox, "org-admin", 1);
  g_assert_nonnull (admins[0]);

  roster_window_set_page (fx->window, "users");
  for (guint i = 0; i < active->len; i++)
    roster_users_page_set_selected (page, g_ptr_array_index (active, i), TRUE);
  roster_users_page_set_selected (page, g_ptr_array_index (suspended, 0), TRUE);
  roster_users_page_set_selected (page, admins[0], TRUE);
  g_assert_cmpuint (roster_users_page_get_n_selected (page), ==, 5);
  roster_sandbox_clear_requests (sandbox);

  /* Preview: the plan re-read from the API, nothing written. */
  dialog = open_bulk (fx, "deactivate-access");
  plan = roster_bulk_dialog_get_plan (dialog);
  g_assert_nonnull (plan);
  g_assert_cmpint (roster_bulk_plan_get_action (plan), ==, ROSTER_BULK_ACTION_SUSPEND);
  g_assert_cmpuint (roster_bulk_plan_get_count (plan, ROSTER_BULK_CLASS_WILL_CHANGE), ==, 3);
  g_assert_cmpuint (roster_bulk_plan_get_count (plan, ROSTER_BULK_CLASS_ALREADY), ==, 1);
  g_assert_cmpuint (roster_bulk_plan_get_count (plan, ROSTER_BULK_CLASS_PROTECTED), ==, 1);
  g_assert_cmpuint (roster_bulk_dialog_get_n_rows (dialog), ==, 5);
  g_assert_cmpstr (roster_bulk_dialog_get_confirm_label (dialog), ==, "Deactivate Access for 3 Users");
  /* (reads may be POSTs, such as the user search; no write is) */
  g_assert_cmpuint (roster_sandbox_count_requests (sandbox, "POST", "/suspend"), ==, 0);

  /* Run without a canary. */
  roster_bulk_dialog_set_canary (dialog, 0);
  roster_bulk_dialog_confirm (dialog);
  g_assert_true (wait_until (dialog_run_ended, dialog));
  job = roster_bulk_dialog_get_job (dialog);
  g_assert_cmpint (roster_bulk_job_get_state (job), ==, ROSTER_BULK_JOB_FINISHED);
  g_assert_cmpuint (roster_bulk_job_get_n_done (job), ==, 3);
  g_assert_cmpuint (roster_bulk_job_get_n_failed (job), ==, 0);
  g_assert_cmpstr (roster_bulk_dialog_get_page (dialog), ==, "run");
  g_assert_cmpuint (roster_bulk_dialog_get_n_rows (dialog), ==, 3);
  job_id = g_strdup (roster_bulk_job_get_id (job));

  for (guint i = 0; i < active->len; i++)
    assert_sandbox_status (sandbox, g_ptr_array_index (active, i), "suspended");
  /* The protected org admin never received a write. */
  admin_path = g_strdup_printf ("/users/%s/", admins[0]);
  g_assert_cmpuint (roster_sandbox_count_requests (sandbox, "POST", admin_path), ==, 0);
  g_assert_cmpuint (roster_sandbox_count_requests (sandbox, "POST", "/suspend"), ==, 3);

  /* After closing, the list shows the new states. */
  close_bulk (fx, dialog);
  for (guint i = 0; i < active->len; i++)
    g_assert_cmpint (cached_status (fx, g_ptr_array_index (active, i)), ==, ROSTER_STATUS_SUSPENDED);

  /* Undo (the toast's action): a new job with its own preview. */
  roster_sandbox_clear_requests (sandbox);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.bulk-undo", "s", job_id));
  g_assert_true (wait_until (dialog_on_page, &wait));
  undo_dialog = roster_window_get_bulk_dialog (fx->window);
  g_assert_cmpstr (roster_bulk_dialog_get_page (undo_dialog), ==, "preview");
  g_assert_cmpstr (roster_bulk_dialog_get_confirm_label (undo_dialog), ==, "Reactivate Access for 3 Users");
  g_assert_cmpuint (roster_sandbox_count_requests (sandbox, "POST", "/restore"), ==, 0);
  roster_bulk_dialog_confirm (undo_dialog);
  g_assert_true (wait_until (dialog_run_ended, undo_dialog));
  job = roster_bulk_dialog_get_job (undo_dialog);
  g_assert_cmpint (roster_bulk_job_get_state (job), ==, ROSTER_BULK_JOB_FINISHED);
  g_assert_cmpuint (roster_bulk_job_get_n_done (job), ==, 3);
  for (guint i = 0; i < active->len; i++)
    assert_sandbox_status (sandbox, g_ptr_array_index (active, i), "active");
  /* Exactly what changed: the already-suspended user stays suspended. */
  assert_sandbox_status (sandbox, g_ptr_array_index (suspended, 0), "suspended");
  g_assert_cmpuint (roster_sandbox_count_requests (sandbox, "POST", admin_path), ==, 0);
  close_bulk (fx, undo_dialog);
  for (guint i = 0; i < active->len; i++)
    g_assert_cmpint (cached_status (fx, g_ptr_array_index (active, i)), ==, ROSTER_STATUS_ACTIVE);
}

static gboolean
banner_loaded (gpointer data)
{
  return roster_jobs_banner_is_loaded (data);
}

static void
test_bulk_canary_resume (Fixture       *fx,
                         gconstpointer  data)
{
  RosterUsersPage *page = roster_window_get_users_page (fx->window);
  RosterJobsBanner *banner = roster_window_get_jobs_banner (fx->window);
  RosterSandbox *sandbox;
  RosterBulkDialog *dialog;
  RosterBulkJob *job;
  g_autoptr(GPtrArray) active = NULL;
  g_autofree char *job_id = NULL;
  g_autofree char *csv_path = g_build_filename (g_get_tmp_dir (), "roster-bulk-results.csv", NULL);
  g_autoptr(GFile) csv = g_file_new_for_path (csv_path);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  DialogWait wait = { fx, NULL };
  guint suspended = 0;

  fixture_open_demo (fx);
  g_assert_true (wait_until (banner_loaded, banner));
  g_assert_null (roster_jobs_banner_get_job_id (banner));
  sandbox = roster_application_get_sandbox (fx->app);
  active = pick_ids (sandbox, "active", 6);
  for (guint i = 0; i < active->len; i++)
    roster_users_page_set_selected (page, g_ptr_array_index (active, i), TRUE);

  /* Canary of 2: pauses after the first two. */
  dialog = open_bulk (fx, "deactivate-access");
  roster_bulk_dialog_set_canary (dialog, 2);
  roster_bulk_dialog_confirm (dialog);
  g_assert_true (wait_until (dialog_run_ended, dialog));
  job = roster_bulk_dialog_get_job (dialog);
  g_assert_cmpint (roster_bulk_job_get_state (job), ==, ROSTER_BULK_JOB_CANARY_PAUSED);
  g_assert_cmpuint (roster_bulk_job_get_n_done (job), ==, 2);
  for (guint i = 0; i < active->len; i++)
    {
      g_autofree char *status = roster_sandbox_dup_user_status (sandbox, g_ptr_array_index (active, i));

      suspended += g_strcmp0 (status, "suspended") == 0;
    }
  g_assert_cmpuint (suspended, ==, 2);
  job_id = g_strdup (roster_bulk_job_get_id (job));

  /* Results export (CSV): one line per target, plus the header. */
  g_assert_true (roster_bulk_dialog_write_results (dialog, csv, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &contents, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < active->len; i++)
    g_assert_nonnull (strstr (contents, g_ptr_array_index (active, i)));
  g_unlink (csv_path);

  /* Closing leaves the job interrupted: the banner offers it. */
  close_bulk (fx, dialog);
  g_assert_true (wait_until (banner_loaded, banner));
  g_assert_cmpstr (roster_jobs_banner_get_job_id (banner), ==, job_id);

  /* Resume from the banner: confirmation first, then the rest. */
  g_signal_emit_by_name (banner, "resume", job_id);
  g_assert_true (wait_until (dialog_on_page, &wait));
  dialog = roster_window_get_bulk_dialog (fx->window);
  g_assert_cmpstr (roster_bulk_dialog_get_confirm_label (dialog), ==, "Resume for 4 Users");
  roster_bulk_dialog_confirm (dialog);
  g_assert_true (wait_until (dialog_run_ended, dialog));
  job = roster_bulk_dialog_get_job (dialog);
  g_assert_cmpint (roster_bulk_job_get_state (job), ==, ROSTER_BULK_JOB_FINISHED);
  for (guint i = 0; i < active->len; i++)
    assert_sandbox_status (sandbox, g_ptr_array_index (active, i), "suspended");
  g_assert_cmpuint (roster_sandbox_count_requests (sandbox, "POST", "/suspend"), ==, 6);
  close_bulk (fx, dialog);
  g_assert_true (wait_until (banner_loaded, banner));
  g_assert_null (roster_jobs_banner_get_job_id (banner));
}

static void
test_bulk_discard (Fixture       *fx,
                   gconstpointer  data)
{
  RosterUsersPage *page = roster_window_get_users_page (fx->window);
  RosterJobsBanner *banner = roster_window_get_jobs_banner (fx->window);
  RosterSandbox *sandbox;
  RosterBulkDialog *dialog;
  g_autoptr(GPtrArray) active = NULL;
  g_autoptr(RosterBulkJob) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *job_id = NULL;
  RosterStore *store;

  fixture_open_demo (fx);
  sandbox = roster_application_get_sandbox (fx->app);
  store = roster_context_get_store (roster_application_get_context (fx->app));
  active = pick_ids (sandbox, "active", 4);
  for (guint i = 0; i < active->len; i++)
    roster_users_page_set_selected (page, g_ptr_array_index (active, i), TRUE);

  dialog = open_bulk (fx, "deactivate-access");
  roster_bulk_dialog_set_canary (dialog, 1);
  roster_bulk_dialog_confirm (dialog);
  g_assert_true (wait_until (dialog_run_ended, dialog));
  job_id = g_strdup (roster_bulk_job_get_id (roster_bulk_dialog_get_job (dialog)));
  close_bulk (fx, dialog);
  g_assert_true (wait_until (banner_loaded, banner));
  g_assert_cmpstr (roster_jobs_banner_get_job_id (banner), ==, job_id);

  /* Discard: cancelled in the journal, audited, no longer offered, nothing sent. */
  roster_sandbox_clear_requests (sandbox);
  roster_jobs_banner_discard (banner);
  g_assert_true (wait_until (banner_loaded, banner));
  g_assert_null (roster_jobs_banner_get_job_id (banner));
  loaded = roster_bulk_job_load_sync (roster_application_get_context (fx->app), job_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (roster_bulk_job_get_state (loaded), ==, ROSTER_BULK_JOB_CANCELLED);
  g_assert_cmpuint (roster_bulk_job_get_n_pending (loaded), ==, 3);
  g_assert_cmpuint (count_audit (store, "bulk-job-cancel", NULL), >=, 1);
  g_assert_cmpuint (roster_sandbox_count_requests (sandbox, "POST", "/suspend"), ==, 0);
}

/* GTK's own spinner icon is an SVG: without the gdk-pixbuf SVG loader
 * (librsvg2-common) it only warns, and that is not what is tested here. */
/* Product site: the Customers page, the space filter and the site form. */

#include "roster-customers-page.h"
#include "roster-site-group.h"
#include "roster-space-filter.h"

typedef struct
{
  RosterCustomersPage *page;
  const char          *key;
} CustomersWait;

static gboolean
customers_projects_listed (gpointer data)
{
  CustomersWait *w = data;

  return !roster_customers_page_is_loading (w->page) &&
         roster_customers_page_get_project_key (w->page) != NULL;
}

static gboolean
customers_project_shown (gpointer data)
{
  CustomersWait *w = data;

  return !roster_customers_page_is_loading (w->page) &&
         g_strcmp0 (roster_customers_page_get_project_key (w->page), w->key) == 0;
}

static void
test_customers_page (Fixture       *fx,
                     gconstpointer  data)
{
  RosterCustomersPage *page = roster_window_get_customers_page (fx->window);
  RosterSandbox *sandbox;
  g_auto(GStrv) keys = NULL;
  CustomersWait w = { page, NULL };
  guint n_checked = 0;

  fixture_open_demo (fx);
  sandbox = roster_application_get_sandbox (fx->app);
  g_assert_nonnull (roster_context_get_site (roster_application_get_context (fx->app)));
  g_assert_cmpstr (roster_customers_page_get_state (page), ==, "content");
  roster_window_set_page (fx->window, "customers");
  g_assert_true (wait_until (customers_projects_listed, &w));

  /* Two readable projects: the page shows each one's direct customers ∪ the
   * members of its organizations, de-duplicated, as the sandbox holds them. */
  keys = roster_sandbox_dup_project_keys (sandbox);
  for (guint i = 0; keys[i] != NULL && n_checked < 2; i++)
    {
      g_autoptr(GHashTable) expected = NULL;
      g_auto(GStrv) direct = NULL;

      if (!roster_sandbox_project_is_readable (sandbox, keys[i]))
        continue;
      expected = roster_sandbox_dup_project_customers (sandbox, keys[i]);
      direct = roster_sandbox_dup_project_direct_ids (sandbox, keys[i]);
      g_assert_true (roster_customers_page_select_project (page, keys[i]));
      w.key = keys[i];
      g_assert_true (wait_until (customers_project_shown, &w));
      g_assert_cmpuint (g_hash_table_size (expected), >, 0);
      g_assert_cmpuint (roster_customers_page_get_n_customers (page), ==, g_hash_table_size (expected));
      /* Some come only through organizations (the merge is really exercised). */
      g_assert_cmpuint (g_strv_length (direct), <, g_hash_table_size (expected));
      n_checked++;
    }
  g_assert_cmpuint (n_checked, ==, 2);

  /* Without a site the page asks for one. */
  roster_context_set_site (roster_application_get_context (fx->app), NULL);
  g_assert_cmpstr (roster_customers_page_get_state (page), ==, "connect");
}

typedef struct
{
  RosterUsersPage   *page;
  RosterSpaceFilter *filter;
} SpaceWait;

static gboolean
space_settled (gpointer data)
{
  SpaceWait *w = data;

  return roster_space_filter_get_n_spaces (w->filter) > 0 && !roster_space_filter_is_resolving (w->filter);
}

static RosterSpaceFilter *
find_space_filter (GtkWidget *widget)
{
  if (ROSTER_IS_SPACE_FILTER (widget))
    return ROSTER_SPACE_FILTER (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      RosterSpaceFilter *found = find_space_filter (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_space_filter (Fixture       *fx,
                   gconstpointer  data)
{
  RosterUsersPage *page = roster_window_get_users_page (fx->window);
  RosterSandbox *sandbox;
  g_auto(GStrv) keys = NULL;
  SpaceWait w = { page, NULL };
  guint n_checked = 0;

  fixture_open_demo (fx);
  sandbox = roster_application_get_sandbox (fx->app);
  w.filter = find_space_filter (GTK_WIDGET (page));
  g_assert_nonnull (w.filter);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (w.filter)));
  g_assert_true (wait_until (space_settled, &w));

  keys = roster_sandbox_dup_space_keys (sandbox);
  g_assert_cmpuint (roster_space_filter_get_n_spaces (w.filter), ==, g_strv_length (keys));
  for (guint i = 0; keys[i] != NULL && n_checked < 3; i++)
    {
      g_auto(GStrv) members = roster_sandbox_dup_space_member_ids (sandbox, keys[i]);
      g_autofree char *query = g_strdup_printf ("space:%s", keys[i]);
      g_autofree char *lower = g_ascii_strdown (query, -1);

      if (members[0] == NULL)
        continue;
      roster_window_set_query (fx->window, query);
      g_assert_true (wait_until (space_settled, &w));
      g_assert_null (roster_space_filter_get_error (w.filter));
      /* Exactly the direct grants ∪ the members of the granted groups. */
      g_assert_cmpuint (roster_users_page_get_n_matches (page), ==, g_strv_length (members));

      /* Cached per key (any case): no second resolution, same count at once. */
      roster_window_set_query (fx->window, "");
      roster_window_set_query (fx->window, lower);
      g_assert_false (roster_space_filter_is_resolving (w.filter));
      g_assert_cmpuint (roster_users_page_get_n_matches (page), ==, g_strv_length (members));
      n_checked++;
    }
  g_assert_cmpuint (n_checked, >, 0);

  /* An unknown space is an inline error and matches nobody. */
  roster_window_set_query (fx->window, "space:NOSUCHSPACE");
  g_assert_true (wait_until (space_settled, &w));
  g_assert_nonnull (roster_space_filter_get_error (w.filter));
  g_assert_nonnull (strstr (roster_space_filter_get_error (w.filter), "NOSUCHSPACE"));
  g_assert_cmpuint (roster_users_page_get_n_matches (page), ==, 0);

  roster_window_set_query (fx->window, "");
  g_assert_null (roster_space_filter_get_error (w.filter));
}

static void
site_finished_cb (RosterSiteGroup *group,
                  gboolean        *flag)
{
  *flag = TRUE;
}

static gboolean
site_flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static void
test_site_connect_errors (Fixture       *fx,
                          gconstpointer  data)
{
  RosterSettingsPage *settings = roster_window_get_settings_page (fx->window);
  RosterSiteGroup *group = roster_settings_page_get_site_group (settings);
  RosterSandbox *sandbox;
  RosterSite *site;
  gboolean done = FALSE;

  fixture_open_demo (fx);
  sandbox = roster_application_get_sandbox (fx->app);
  site = roster_context_get_site (roster_application_get_context (fx->app));
  g_assert_nonnull (strstr (roster_site_group_get_status (group), roster_sandbox_get_url (sandbox)));
  g_signal_connect (group, "finished", G_CALLBACK (site_finished_cb), &done);

  /* A wrong token fails validation, before anything reaches the keyring. */
  roster_site_group_connect (group, roster_sandbox_get_url (sandbox),
                             roster_sandbox_get_site_email (sandbox), "not-the-token");
  g_assert_true (wait_until (site_flag_set, &done));
  g_assert_nonnull (strstr (roster_site_group_get_message (group), "did not accept the email and API token"));
  /* The demo's site stays connected. */
  g_assert_true (roster_context_get_site (roster_application_get_context (fx->app)) == site);

  done = FALSE;
  roster_site_group_connect (group, "http://acme.atlassian.net", "admin@acme.example", "t");
  g_assert_true (wait_until (site_flag_set, &done));
  g_assert_nonnull (strstr (roster_site_group_get_message (group), "https://"));

  done = FALSE;
  roster_site_group_connect (group, "https://example.com/not/a/site", "admin@acme.example", "t");
  g_assert_true (wait_until (site_flag_set, &done));
  g_assert_nonnull (strstr (roster_site_group_get_message (group), "not a site URL"));

  done = FALSE;
  roster_site_group_connect (group, roster_sandbox_get_url (sandbox), "not-an-email", "t");
  g_assert_true (wait_until (site_flag_set, &done));
  g_assert_nonnull (strstr (roster_site_group_get_message (group), "email address"));

  g_signal_handlers_disconnect_by_func (group, site_finished_cb, &done);
}

static gboolean
fatal_log_cb (const char     *log_domain,
              GLogLevelFlags  log_level,
              const char     *message,
              gpointer        user_data)
{
  return !(log_level & G_LOG_LEVEL_WARNING && g_strcmp0 (log_domain, "Gtk") == 0 &&
           strstr (message, "Failed to load icon") != NULL);
}

int
main (int   argc,
      char *argv[])
{
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      if (g_strcmp0 (g_getenv ("ROSTER_REQUIRE_DISPLAY"), "1") == 0)
        {
          g_printerr ("No display, and ROSTER_REQUIRE_DISPLAY=1\n");
          return 1;
        }
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }

  /* Without a bus GTK warns about the accessibility bus, which is fatal here. */
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    g_setenv ("GTK_A11Y", "none", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  system_data_dirs = g_strdup (g_getenv ("XDG_DATA_DIRS") ? g_getenv ("XDG_DATA_DIRS")
                                                           : "/usr/local/share:/usr/share");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_log_set_fatal_handler (fatal_log_cb, NULL);
  gtk_init ();
  adw_init ();

  g_test_add ("/roster/ui/welcome-then-demo", Fixture, NULL, fixture_setup, test_welcome_then_demo,
              fixture_teardown);
  g_test_add ("/roster/ui/filter-count", Fixture, NULL, fixture_setup, test_filter_count,
              fixture_teardown);
  g_test_add ("/roster/ui/selection-persists", Fixture, NULL, fixture_setup,
              test_selection_persists, fixture_teardown);
  g_test_add ("/roster/ui/thresholds", Fixture, NULL, fixture_setup, test_thresholds,
              fixture_teardown);
  g_test_add ("/roster/ui/export", Fixture, NULL, fixture_setup, test_export, fixture_teardown);
  g_test_add ("/roster/ui/keyring", Fixture, NULL, fixture_setup, test_keyring, fixture_teardown);
  g_test_add ("/roster/ui/protected", Fixture, NULL, fixture_setup, test_protected,
              fixture_teardown);
  g_test_add ("/roster/ui/audit-page", Fixture, NULL, fixture_setup, test_audit_page,
              fixture_teardown);
  g_test_add ("/roster/ui/bulk-cap-setting", Fixture, NULL, fixture_setup, test_bulk_cap_setting,
              fixture_teardown);
  g_test_add ("/roster/ui/org-details", Fixture, NULL, fixture_setup, test_org_details,
              fixture_teardown);

  g_test_add ("/roster/ui/bulk-suspend-undo", Fixture, NULL, fixture_setup, test_bulk_suspend_undo,
              fixture_teardown);
  g_test_add ("/roster/ui/bulk-canary-resume", Fixture, NULL, fixture_setup,
              test_bulk_canary_resume, fixture_teardown);
  g_test_add ("/roster/ui/bulk-discard", Fixture, NULL, fixture_setup, test_bulk_discard,
              fixture_teardown);

  g_test_add ("/roster/ui/customers-page", Fixture, NULL, fixture_setup, test_customers_page,
              fixture_teardown);
  g_test_add ("/roster/ui/space-filter", Fixture, NULL, fixture_setup, test_space_filter,
              fixture_teardown);
  g_test_add ("/roster/ui/site-connect-errors", Fixture, NULL, fixture_setup,
              test_site_connect_errors, fixture_teardown);

  return g_test_run ();
}
