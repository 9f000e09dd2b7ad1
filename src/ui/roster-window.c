/* roster-window.c */
#define G_LOG_DOMAIN "roster-window"

#include "config.h"

#include <glib/gi18n.h>
#include <malloc.h>
#include <stdlib.h>

#include "roster-audit-page.h"
#include "roster-bulk-dialog.h"
#include "roster-connect-dialog.h"
#include "roster-customers-page.h"
#include "roster-dashboard-page.h"
#include "roster-error.h"
#include "roster-inactivity.h"
#include "roster-jobs-banner.h"
#include "roster-settings-page.h"
#include "roster-stats.h"
#include "roster-users-page.h"
#include "roster-welcome-page.h"
#include "roster-window.h"

#define NARROW_WIDTH 640
#define MAX_NOTIFIED_IDS 2000

struct _RosterWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *title_stack;
  AdwWindowTitle       *window_title;
  AdwViewSwitcher      *switcher;
  GtkButton            *refresh_button;
  GtkRevealer          *progress_revealer;
  GtkSpinner           *progress_spinner;
  GtkLabel             *progress_label;
  GtkProgressBar       *progress_bar;
  GtkRevealer          *error_revealer;
  GtkLabel             *error_label;
  RosterJobsBanner     *jobs_banner;
  GtkStack             *main_stack;
  GtkSpinner           *loading_spinner;
  RosterWelcomePage    *welcome_page;
  AdwViewStack         *view_stack;
  RosterDashboardPage  *dashboard_page;
  RosterUsersPage      *users_page;
  RosterCustomersPage  *customers_page;
  RosterAuditPage      *audit_page;
  RosterSettingsPage   *settings_page;
  AdwViewSwitcherBar   *switcher_bar;

  /* Owned */
  RosterApplication    *application;      /* (owned) */
  RosterContext        *context;          /* (owned) (nullable) */
  GSignalGroup         *context_signals;  /* (owned) */
  GCancellable         *sync_cancellable; /* (owned) (nullable) */
  RosterProtectedModel *protected_model;  /* (owned) shared by the pages */
  /* Account ids that were overdue when a refresh started (interned in overdue_chunk):
   * a set of ids, not the whole previous user set, so that a refresh never holds two
   * sets of 100,000 users at once. */
  GHashTable           *overdue_before;   /* (owned) (nullable) */
  GStringChunk         *overdue_chunk;    /* (owned) (nullable) */
  RosterBulkDialog     *bulk_dialog;      /* (nullable) weak: the open bulk window */
  GCancellable         *bulk_cancellable; /* (owned) (nullable) loading an undo or resume */
  AdwToast             *undo_toast;       /* (nullable) weak */

  guint                 auto_refresh_id;
  guint                 narrow_idle_id;
  guint                 restoring : 1;
  guint                 narrow : 1;
  guint                 auto_refresh_running : 1;
};

G_DEFINE_FINAL_TYPE (RosterWindow, roster_window, ADW_TYPE_APPLICATION_WINDOW)

static void schedule_auto_refresh (RosterWindow *self);
static void demo_bulk (RosterWindow *self);

static void
update_actions (RosterWindow *self)
{
  gboolean open = self->context != NULL && roster_context_is_open (self->context);
  gboolean org_mode = g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "org") == 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.refresh",
                                 open && self->sync_cancellable == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.find", org_mode);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export", org_mode);
  gtk_widget_set_visible (GTK_WIDGET (self->refresh_button), org_mode);
  gtk_stack_set_visible_child_name (self->title_stack,
                                    org_mode && !self->narrow ? "switcher" : "title");
  adw_view_switcher_bar_set_reveal (self->switcher_bar, org_mode && self->narrow);
}

static void
set_mode (RosterWindow *self,
          const char   *mode)
{
  gtk_stack_set_visible_child_name (self->main_stack, mode);
  gtk_spinner_set_spinning (self->loading_spinner, g_str_equal (mode, "loading"));
  update_actions (self);
}

static void
clear_overdue_before (RosterWindow *self)
{
  g_clear_pointer (&self->overdue_before, g_hash_table_unref);
  g_clear_pointer (&self->overdue_chunk, g_string_chunk_free);
}

/* Remembers who is overdue now, before a refresh replaces the users. */
static void
remember_overdue (RosterWindow *self)
{
  RosterUserSet *users = roster_context_get_users (self->context);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  RosterThresholds thresholds;
  guint n;

  clear_overdue_before (self);
  if (users == NULL)
    return;

  roster_context_get_thresholds (self->context, &thresholds);
  n = roster_user_set_get_n_users (users);
  self->overdue_before = g_hash_table_new (g_str_hash, g_str_equal);
  self->overdue_chunk = g_string_chunk_new (4096);
  for (guint i = 0; i < n; i++)
    if (roster_inactivity_classify (&thresholds, roster_user_set_get_last_active (users, i), now) ==
          ROSTER_INACTIVITY_OVERDUE)
      g_hash_table_add (self->overdue_before,
                        g_string_chunk_insert (self->overdue_chunk,
                                               roster_user_set_get_account_id (users, i)));
}

static void
notify_newly_overdue (RosterWindow *self)
{
  g_autoptr(GHashTable) before = g_steal_pointer (&self->overdue_before);
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GNotification) notification = NULL;
  g_autofree guint *rows = NULL;
  g_autofree char *title = NULL;
  RosterThresholds thresholds;
  RosterUserSet *users;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint n = 0, n_users;

  if (before == NULL || self->context == NULL)
    {
      clear_overdue_before (self);
      return;
    }
  users = roster_context_get_users (self->context);
  if (users == NULL)
    {
      clear_overdue_before (self);
      return;
    }

  /* Overdue now and not overdue (or not there) before the refresh. */
  roster_context_get_thresholds (self->context, &thresholds);
  n_users = roster_user_set_get_n_users (users);
  rows = g_new (guint, MAX (n_users, 1));
  for (guint i = 0; i < n_users; i++)
    if (roster_inactivity_classify (&thresholds, roster_user_set_get_last_active (users, i), now) ==
          ROSTER_INACTIVITY_OVERDUE &&
        !g_hash_table_contains (before, roster_user_set_get_account_id (users, i)))
      rows[n++] = i;
  g_clear_pointer (&before, g_hash_table_unref);
  clear_overdue_before (self);

  if (n == 0 ||
      !roster_settings_get_notifications (roster_application_get_settings (self->application)))
    return;

  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u user became overdue",
                                        "%u users became overdue", n),
                           n);
  notification = g_notification_new (title);
  g_notification_set_body (notification,
                           _("They have not used any product for longer than the overdue threshold."));
  if (n <= MAX_NOTIFIED_IDS)
    {
      ids = g_ptr_array_sized_new (n + 1);
      for (guint i = 0; i < n; i++)
        g_ptr_array_add (ids, (gpointer) roster_user_set_get_account_id (users, rows[i]));
      g_ptr_array_add (ids, NULL);
      g_notification_set_default_action_and_target_value (
          notification, "app.show-accounts",
          g_variant_new_strv ((const char * const *) ids->pdata, -1));
    }
  else
    {
      g_notification_set_default_action_and_target (notification, "app.show-query", "s",
                                                    "inactivity:overdue");
    }
  g_application_send_notification (G_APPLICATION (self->application), "newly-overdue",
                                   notification);
}

static void
sync_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(RosterWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = roster_context_sync_finish (ROSTER_CONTEXT (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->sync_cancellable);
  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
  gtk_spinner_set_spinning (self->progress_spinner, FALSE);
  update_actions (self);

  if (!ok)
    {
      clear_overdue_before (self);
      roster_window_show_error (self, error);
      return;
    }

  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  roster_dashboard_page_update_refreshed (self->dashboard_page);
  /* A sync protects new org admins. */
  roster_protected_model_reload (self->protected_model);
  notify_newly_overdue (self);
  schedule_auto_refresh (self);
  demo_bulk (self);
}

static void
context_sync_progress_cb (RosterWindow  *self,
                          guint          pages,
                          guint          users,
                          guint          total,
                          RosterContext *context)
{
  g_autofree char *users_text = roster_format_count (users);
  g_autofree char *text = NULL;

  /* Translators: the first is a count of pages, the second the number of users so far. */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Fetched %u page, %s users",
                                       "Fetched %u pages, %s users", pages),
                          pages, users_text);
  gtk_label_set_label (self->progress_label, text);
  if (total > 0)
    gtk_progress_bar_set_fraction (self->progress_bar, MIN (1.0, (double) users / total));
  else
    gtk_progress_bar_pulse (self->progress_bar);
}

void
roster_window_refresh (RosterWindow *self)
{
  g_return_if_fail (ROSTER_IS_WINDOW (self));

  if (self->context == NULL || !roster_context_is_open (self->context))
    return;
  if (self->sync_cancellable != NULL)
    return;

  self->sync_cancellable = g_cancellable_new ();
  remember_overdue (self);

  gtk_label_set_label (self->progress_label, _("Refreshing…"));
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_spinner_set_spinning (self->progress_spinner, TRUE);
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  update_actions (self);

  roster_context_sync_async (self->context, self->sync_cancellable, sync_cb,
                             g_object_ref (self));
}

gboolean
roster_window_is_syncing (RosterWindow *self)
{
  g_return_val_if_fail (ROSTER_IS_WINDOW (self), FALSE);

  return self->sync_cancellable != NULL;
}

static gboolean
auto_refresh_cb (gpointer user_data)
{
  RosterWindow *self = user_data;

  self->auto_refresh_id = 0;
  roster_window_refresh (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_auto_refresh (RosterWindow *self)
{
  guint minutes;

  g_clear_handle_id (&self->auto_refresh_id, g_source_remove);

  minutes = roster_settings_get_refresh_interval (roster_application_get_settings (self->application));
  if (minutes == 0 || self->context == NULL || !roster_context_is_open (self->context))
    return;

  self->auto_refresh_id = g_timeout_add_seconds (minutes * 60, auto_refresh_cb, self);
}

static void
refresh_interval_changed_cb (RosterWindow *self)
{
  schedule_auto_refresh (self);
}

/* The product site follows the context (restored at open, connected or
 * forgotten in Settings, or the demo's). */
static void
customers_exported_cb (RosterWindow *self,
                       const char   *path,
                       const char   *detail)
{
  if (self->context != NULL)
    roster_context_audit (self->context, "export", path, "done", 0, NULL, detail);
}

static void
context_site_changed_cb (RosterWindow *self)
{
  RosterContext *context = self->context;

  roster_customers_page_set_site (self->customers_page,
                                  context != NULL && roster_context_is_open (context)
                                    ? roster_context_get_site (context) : NULL);
}

static void
set_context (RosterWindow  *self,
             RosterContext *context)
{
  gboolean demo = roster_application_is_demo (self->application);

  if (self->sync_cancellable != NULL)
    {
      g_cancellable_cancel (self->sync_cancellable);
      g_clear_object (&self->sync_cancellable);
      gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
    }

  g_set_object (&self->context, context);
  g_signal_group_set_target (self->context_signals, context);

  roster_dashboard_page_set_context (self->dashboard_page, context);
  roster_users_page_set_context (self->users_page, context);
  roster_settings_page_set_context (self->settings_page, context, demo);
  context_site_changed_cb (self);
  roster_audit_page_set_context (self->audit_page,
                                 context != NULL && roster_context_is_open (context) ? context : NULL);
  roster_jobs_banner_set_context (self->jobs_banner,
                                  context != NULL && roster_context_is_open (context) ? context : NULL);
  roster_protected_model_set_context (self->protected_model,
                                      context != NULL && roster_context_is_open (context) ? context : NULL);
  roster_protected_group_set_model (roster_settings_page_get_protected_group (self->settings_page),
                                    self->protected_model, context);

  if (context != NULL && roster_context_is_open (context))
    {
      const char *name = roster_context_get_org_name (context);
      g_autofree char *subtitle = NULL;

      if (demo)
        subtitle = g_strdup_printf (_("%s (demo)"), name ? name : "");
      adw_window_title_set_subtitle (self->window_title, demo ? subtitle : name);
    }
  else
    {
      adw_window_title_set_subtitle (self->window_title, NULL);
    }
}

/* ROSTER_BENCH=1: what the resident memory is made of when the list is shown:
 * anonymous (heap, stacks) vs file-backed (libraries, fonts, the mapped user-set
 * snapshot) pages, from /proc/self/smaps_rollup, and the heap in use (mallinfo2). */
static void
bench_print_memory (void)
{
  static const char * const keys[] = { "Rss:", "Anonymous:", "Pss_File:", "Pss_Anon:" };
  g_autofree char *rollup = NULL;
  g_autofree char *smaps = NULL;
  g_autoptr(GString) line = g_string_new ("roster-bench: memory");
  struct mallinfo2 info = mallinfo2 ();

  if (g_file_get_contents ("/proc/self/smaps_rollup", &rollup, NULL, NULL))
    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      {
        const char *at = strstr (rollup, keys[i]);
        g_autofree char *name = g_ascii_strdown (keys[i], strlen (keys[i]) - 1);

        if (at != NULL)
          g_string_append_printf (line, " %s_kb=%ld", name, strtol (at + strlen (keys[i]), NULL, 10));
      }
  g_string_append_printf (line, " heap_in_use_kb=%zu heap_arena_kb=%zu heap_mmap_kb=%zu",
                          info.uordblks / 1024, info.arena / 1024, info.hblkhd / 1024);

  /* The resident part of the mapped user-set snapshot (<org-id>.users). */
  if (g_file_get_contents ("/proc/self/smaps", &smaps, NULL, NULL))
    {
      const char *at = strstr (smaps, ".users\n");

      if (at != NULL && (at = strstr (at, "\nRss:")) != NULL)
        g_string_append_printf (line, " snapshot_rss_kb=%ld", strtol (at + 5, NULL, 10));
    }
  g_print ("%s\n", line->str);
}

/* ROSTER_BENCH=1: print when the first frame showing rows of the list has been
 * drawn (CLOCK_MONOTONIC µs, comparable with the launching process), then quit. */
static void
bench_after_paint_cb (GdkFrameClock *clock,
                      RosterWindow  *self)
{
  GListModel *model = G_LIST_MODEL (roster_users_page_get_model (self->users_page));
  g_autofree char *status = NULL;
  const char *hwm = NULL;

  if (g_list_model_get_n_items (model) == 0 ||
      !gtk_widget_get_mapped (GTK_WIDGET (self->users_page)))
    return;

  g_signal_handlers_disconnect_by_func (clock, bench_after_paint_cb, self);
  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    hwm = strstr (status, "VmHWM:");
  g_print ("roster-bench: first-frame-with-rows monotonic_us=%" G_GINT64_FORMAT " rows=%u vmhwm_kb=%ld\n",
           g_get_monotonic_time (), g_list_model_get_n_items (model),
           hwm ? strtol (hwm + 6, NULL, 10) : -1L);
  bench_print_memory ();
  g_application_quit (G_APPLICATION (self->application));
}

static void
app_org_opened_cb (RosterWindow      *self,
                   RosterApplication *application)
{
  RosterContext *context = roster_application_get_context (application);

  set_context (self, context);
  roster_bench_mark ("pages-have-context");
  set_mode (self, "org");

  if (g_getenv ("ROSTER_BENCH") != NULL && gtk_widget_get_frame_clock (GTK_WIDGET (self)) != NULL)
    {
      GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

      g_signal_connect_object (clock, "after-paint", G_CALLBACK (bench_after_paint_cb), self, 0);
      gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_PAINT);
    }

  if (roster_context_get_users (context) == NULL || roster_context_get_synced_at (context) == 0)
    roster_window_refresh (self);
  else
    schedule_auto_refresh (self);
}

static void
app_open_failed_cb (RosterWindow      *self,
                    const GError      *error,
                    RosterApplication *application)
{
  g_autofree char *text = roster_describe_error (error);

  set_context (self, NULL);
  set_mode (self, "welcome");
  roster_window_add_toast (self, text);
}

static void
error_dismiss_cb (RosterWindow *self)
{
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
}

static void
view_stack_page_changed_cb (RosterWindow *self)
{
  const char *name = adw_view_stack_get_visible_child_name (self->view_stack);

  if (name != NULL && !self->restoring)
    roster_settings_set_last_page (roster_application_get_settings (self->application), name);
}

static gboolean
update_narrow_idle_cb (gpointer user_data)
{
  RosterWindow *self = user_data;
  gboolean narrow = gtk_widget_get_width (GTK_WIDGET (self)) < NARROW_WIDTH;

  self->narrow_idle_id = 0;
  if (narrow != self->narrow)
    {
      self->narrow = narrow;
      update_actions (self);
    }
  return G_SOURCE_REMOVE;
}

static void
roster_window_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  RosterWindow *self = ROSTER_WINDOW (widget);

  GTK_WIDGET_CLASS (roster_window_parent_class)->size_allocate (widget, width, height, baseline);

  if ((width < NARROW_WIDTH) != self->narrow && self->narrow_idle_id == 0)
    self->narrow_idle_id = g_idle_add (update_narrow_idle_cb, self);
}

static gboolean
roster_window_close_request (GtkWindow *window)
{
  RosterWindow *self = ROSTER_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  roster_settings_set_window_size (roster_application_get_settings (self->application),
                                   width, height, gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (roster_window_parent_class)->close_request (window);
}

static void
roster_window_refresh_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *param)
{
  roster_window_refresh (ROSTER_WINDOW (widget));
}

static void
roster_window_find_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *param)
{
  RosterWindow *self = ROSTER_WINDOW (widget);

  roster_window_set_page (self, "users");
  roster_users_page_focus_search (self->users_page);
}

static void
roster_window_select_all_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *param)
{
  RosterWindow *self = ROSTER_WINDOW (widget);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  /* Ctrl+A keeps its text meaning inside an entry. */
  if (focus != NULL && GTK_IS_TEXT (focus))
    {
      gtk_editable_select_region (GTK_EDITABLE (focus), 0, -1);
      return;
    }

  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "users") == 0)
    roster_users_page_select_all_matching (self->users_page);
}

static void
roster_window_export_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *param)
{
  RosterWindow *self = ROSTER_WINDOW (widget);

  roster_window_set_page (self, "users");
  roster_users_page_export (self->users_page);
}

/* Bulk changes */

static void
bulk_dialog_done_cb (RosterWindow     *self,
                     RosterBulkJob    *job,
                     gboolean          changed,
                     RosterBulkDialog *dialog)
{
  /* The engine has written the new states to the store: reading them back is
   * enough, no resync with the API is needed. */
  if (changed && self->context != NULL)
    roster_context_reload_users_async (self->context, NULL, NULL, NULL);

  if (job != NULL && roster_bulk_job_get_n_done (job) > 0 &&
      (roster_bulk_job_get_state (job) == ROSTER_BULK_JOB_FINISHED ||
       roster_bulk_job_get_state (job) == ROSTER_BULK_JOB_CANCELLED))
    {
      guint n = roster_bulk_job_get_n_done (job);
      g_autofree char *title = NULL;
      AdwToast *toast;

      /* Translators: the first is a bulk action ("Deactivate access"). */
      title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s: %u user changed",
                                            "%s: %u users changed", n),
                               roster_bulk_action_get_title (roster_bulk_job_get_action (job)), n);
      toast = adw_toast_new (title);
      adw_toast_set_timeout (toast, 15);
      adw_toast_set_button_label (toast, _("_Undo"));
      adw_toast_set_action_name (toast, "win.bulk-undo");
      adw_toast_set_action_target_value (toast, g_variant_new_string (roster_bulk_job_get_id (job)));
      if (self->undo_toast != NULL)
        {
          g_object_remove_weak_pointer (G_OBJECT (self->undo_toast), (gpointer *) &self->undo_toast);
          adw_toast_dismiss (self->undo_toast);
        }
      self->undo_toast = toast;
      g_object_add_weak_pointer (G_OBJECT (toast), (gpointer *) &self->undo_toast);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }

  roster_jobs_banner_reload (self->jobs_banner);
}

static void
present_bulk_dialog (RosterWindow     *self,
                     RosterBulkDialog *dialog)
{
  if (self->bulk_dialog != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->bulk_dialog), (gpointer *) &self->bulk_dialog);
  self->bulk_dialog = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->bulk_dialog);
  g_signal_connect_object (dialog, "done", G_CALLBACK (bulk_dialog_done_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
bulk_ready (RosterWindow *self)
{
  if (self->context == NULL || !roster_context_is_open (self->context))
    return FALSE;
  if (self->bulk_dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->bulk_dialog));
      return FALSE;
    }
  /* A sync swaps the whole cache: a job's updates must not race it. */
  if (self->sync_cancellable != NULL)
    {
      roster_window_add_toast (self, _("Wait for the refresh to finish, then try again"));
      return FALSE;
    }
  return TRUE;
}

static void
roster_window_bulk_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *param)
{
  static const struct {
    const char       *name;
    RosterBulkAction  action;
  } names[] = {
    { "deactivate-access", ROSTER_BULK_ACTION_SUSPEND },
    { "reactivate-access", ROSTER_BULK_ACTION_RESTORE },
    { "deactivate-account", ROSTER_BULK_ACTION_DISABLE_ACCOUNT },
    { "reactivate-account", ROSTER_BULK_ACTION_ENABLE_ACCOUNT },
    { "grant-product", ROSTER_BULK_ACTION_GRANT_PRODUCT },
    { "revoke-product", ROSTER_BULK_ACTION_REVOKE_PRODUCT },
  };
  RosterWindow *self = ROSTER_WINDOW (widget);
  const char *name = g_variant_get_string (param, NULL);
  g_auto(GStrv) ids = NULL;
  RosterBulkAction action = ROSTER_N_BULK_ACTIONS;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (names[i].name, name) || g_str_equal (roster_bulk_action_to_string (names[i].action), name))
      action = names[i].action;
  g_return_if_fail (action < ROSTER_N_BULK_ACTIONS);

  if (!bulk_ready (self))
    return;
  ids = roster_users_page_dup_selected_ids (self->users_page);
  if (ids[0] == NULL)
    {
      roster_window_add_toast (self, _("Select the users to change first"));
      return;
    }
  present_bulk_dialog (self, roster_bulk_dialog_new (GTK_WINDOW (self), self->context, action,
                                                     ROSTER_PRODUCT_OTHER,
                                                     (const char * const *) ids));
}

static void
bulk_job_ready (RosterWindow *self,
                RosterBulkJob *job,
                GError        *error,
                gboolean       is_undo)
{
  g_clear_object (&self->bulk_cancellable);
  if (job == NULL)
    {
      g_autofree char *text = NULL;

      if (is_undo && g_error_matches (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT))
        text = g_strdup (_("Nothing to undo: that job changed no user"));
      else
        text = roster_describe_error (error);
      roster_window_add_toast (self, text);
      roster_jobs_banner_reload (self->jobs_banner);
      return;
    }
  if (self->bulk_dialog != NULL || self->context == NULL)
    {
      if (is_undo)
        roster_bulk_job_cancel (job);
      return;
    }
  present_bulk_dialog (self, roster_bulk_dialog_new_for_job (GTK_WINDOW (self), self->context,
                                                             job, is_undo));
}

static void
bulk_undo_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(RosterWindow) self = user_data;
  g_autoptr(RosterBulkJob) job = NULL;
  g_autoptr(GError) error = NULL;

  job = roster_bulk_job_new_undo_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  bulk_job_ready (self, job, error, TRUE);
}

static void
bulk_resume_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(RosterWindow) self = user_data;
  g_autoptr(RosterBulkJob) job = NULL;
  g_autoptr(GError) error = NULL;

  job = roster_bulk_job_load_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  bulk_job_ready (self, job, error, FALSE);
}

/* ROSTER_DEMO_BULK=preview|run (screenshots): selects a few demo users, among
 * them an org admin and a suspended one, and opens the bulk window on them;
 * "run" also confirms it with a canary of 3. */
static void
demo_bulk (RosterWindow *self)
{
  const char *mode = g_getenv ("ROSTER_DEMO_BULK");
  RosterUserSet *set = roster_context_get_users (self->context);
  guint n_active = 0, n_admin = 0, n_suspended = 0;

  if (mode == NULL || set == NULL || !roster_application_is_demo (self->application))
    return;
  g_unsetenv ("ROSTER_DEMO_BULK");
  for (guint i = 0; i < roster_user_set_get_n_users (set); i++)
    {
      gboolean person = roster_user_set_get_account_type (set, i) == ROSTER_ACCOUNT_TYPE_ATLASSIAN;
      RosterStatus status = roster_user_set_get_status (set, i);
      gboolean pick = FALSE;

      if (person && roster_user_set_is_org_admin (set, i))
        pick = n_admin++ < 1;
      else if (person && status == ROSTER_STATUS_SUSPENDED)
        pick = n_suspended++ < 1;
      else if (person && status == ROSTER_STATUS_ACTIVE)
        pick = n_active++ < 12;
      if (pick)
        roster_users_page_set_selected (self->users_page, roster_user_set_get_account_id (set, i), TRUE);
    }
  gtk_widget_activate_action (GTK_WIDGET (self), "win.bulk-action", "s", "deactivate-access");
  if (g_str_equal (mode, "run") && self->bulk_dialog != NULL)
    g_object_set_data (G_OBJECT (self->bulk_dialog), "roster-demo-run", GUINT_TO_POINTER (1));
}

static void
roster_window_bulk_undo_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *param)
{
  RosterWindow *self = ROSTER_WINDOW (widget);

  if (!bulk_ready (self) || self->bulk_cancellable != NULL)
    return;
  self->bulk_cancellable = g_cancellable_new ();
  /* The engine plans the reverse from the current state and journals it;
   * the window shows it for confirmation before anything is sent. */
  roster_bulk_job_new_undo_async (self->context, g_variant_get_string (param, NULL),
                                  self->bulk_cancellable, bulk_undo_cb, g_object_ref (self));
}

static void
jobs_banner_resume_cb (RosterWindow     *self,
                       const char       *job_id,
                       RosterJobsBanner *banner)
{
  if (!bulk_ready (self) || self->bulk_cancellable != NULL)
    {
      roster_jobs_banner_reload (banner);
      return;
    }
  self->bulk_cancellable = g_cancellable_new ();
  roster_bulk_job_load_async (self->context, job_id, self->bulk_cancellable, bulk_resume_cb,
                              g_object_ref (self));
}

static void
roster_window_show_user_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *param)
{
  RosterWindow *self = ROSTER_WINDOW (widget);

  roster_window_set_page (self, "users");
  roster_users_page_show_account (self->users_page, g_variant_get_string (param, NULL));
}

static void
roster_window_show_query_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *param)
{
  RosterWindow *self = ROSTER_WINDOW (widget);

  roster_window_set_page (self, "users");
  roster_window_set_query (self, g_variant_get_string (param, NULL));
}

static void
roster_window_close_org_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *param)
{
  RosterWindow *self = ROSTER_WINDOW (widget);

  g_clear_handle_id (&self->auto_refresh_id, g_source_remove);
  roster_application_close_org (self->application);
  roster_window_show_welcome (self);
}

static void
roster_window_dispose (GObject *object)
{
  RosterWindow *self = ROSTER_WINDOW (object);

  if (self->sync_cancellable != NULL)
    g_cancellable_cancel (self->sync_cancellable);
  g_clear_object (&self->sync_cancellable);
  g_clear_handle_id (&self->auto_refresh_id, g_source_remove);
  g_clear_handle_id (&self->narrow_idle_id, g_source_remove);
  clear_overdue_before (self);
  if (self->bulk_cancellable != NULL)
    g_cancellable_cancel (self->bulk_cancellable);
  g_clear_object (&self->bulk_cancellable);
  if (self->bulk_dialog != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->bulk_dialog), (gpointer *) &self->bulk_dialog);
      self->bulk_dialog = NULL;
    }
  /* libadwaita 1.2 warns when a toast with a button is still shown as the
   * overlay goes away. */
  if (self->undo_toast != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->undo_toast), (gpointer *) &self->undo_toast);
      adw_toast_dismiss (self->undo_toast);
      self->undo_toast = NULL;
    }
  if (self->protected_model != NULL)
    roster_protected_model_set_context (self->protected_model, NULL);
  g_clear_object (&self->protected_model);
  if (self->context_signals != NULL)
    g_signal_group_set_target (self->context_signals, NULL);
  g_clear_object (&self->context);
  g_clear_object (&self->context_signals);

  gtk_widget_dispose_template (GTK_WIDGET (self), ROSTER_TYPE_WINDOW);

  G_OBJECT_CLASS (roster_window_parent_class)->dispose (object);
}

static void
roster_window_finalize (GObject *object)
{
  RosterWindow *self = ROSTER_WINDOW (object);

  g_clear_object (&self->application);

  G_OBJECT_CLASS (roster_window_parent_class)->finalize (object);
}

static void
roster_window_class_init (RosterWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = roster_window_dispose;
  object_class->finalize = roster_window_finalize;
  widget_class->size_allocate = roster_window_size_allocate;
  window_class->close_request = roster_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/ui/roster-window.ui");
  gtk_widget_class_bind_template_child (widget_class, RosterWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, RosterWindow, title_stack);
  gtk_widget_class_bind_template_child (widget_class, RosterWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, RosterWindow, switcher);
  gtk_widget_class_bind_template_child (widget_class, RosterWindow, refresh_button);
  gtk_widget_class_bind_template_child (widget_class, RosterWindow, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, RosterWindow, progress_spinner);
  gtk_widget_class_bind_template_child (widget_class, RosterWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, RosterWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, RosterWindow, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, RosterWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, RosterWindow, jobs_banner);
  gtk_widget_class_bind_template_child (widget_class, RosterWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, RosterWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, RosterWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, RosterWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, RosterWindow, dashboard_page);
  gtk_widget_class_bind_template_child (widget_class, RosterWindow, users_page);
  gtk_widget_class_bind_template_child (widget_class, RosterWindow, customers_page);
  gtk_widget_class_bind_template_child (widget_class, RosterWindow, audit_page);
  gtk_widget_class_bind_template_child (widget_class, RosterWindow, settings_page);
  gtk_widget_class_bind_template_child (widget_class, RosterWindow, switcher_bar);
  gtk_widget_class_bind_template_callback (widget_class, error_dismiss_cb);
  gtk_widget_class_bind_template_callback (widget_class, view_stack_page_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, jobs_banner_resume_cb);

  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, roster_window_refresh_action);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, roster_window_find_action);
  gtk_widget_class_install_action (widget_class, "win.select-all", NULL,
                                   roster_window_select_all_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, roster_window_export_action);
  gtk_widget_class_install_action (widget_class, "win.bulk-action", "s", roster_window_bulk_action);
  gtk_widget_class_install_action (widget_class, "win.bulk-undo", "s", roster_window_bulk_undo_action);
  gtk_widget_class_install_action (widget_class, "win.show-user", "s",
                                   roster_window_show_user_action);
  gtk_widget_class_install_action (widget_class, "win.show-query", "s",
                                   roster_window_show_query_action);
  gtk_widget_class_install_action (widget_class, "win.close-org", NULL,
                                   roster_window_close_org_action);

  g_type_ensure (ROSTER_TYPE_WELCOME_PAGE);
  g_type_ensure (ROSTER_TYPE_DASHBOARD_PAGE);
  g_type_ensure (ROSTER_TYPE_USERS_PAGE);
  g_type_ensure (ROSTER_TYPE_AUDIT_PAGE);
  g_type_ensure (ROSTER_TYPE_CUSTOMERS_PAGE);
  g_type_ensure (ROSTER_TYPE_SETTINGS_PAGE);
  g_type_ensure (ROSTER_TYPE_JOBS_BANNER);
}

static void
roster_window_init (RosterWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->protected_model = roster_protected_model_new ();
  roster_users_page_set_protected_model (self->users_page, self->protected_model);
  self->context_signals = g_signal_group_new (ROSTER_TYPE_CONTEXT);
  g_signal_group_connect_object (self->context_signals, "sync-progress",
                                 G_CALLBACK (context_sync_progress_cb), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->context_signals, "notify::site",
                                 G_CALLBACK (context_site_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->customers_page, "exported",
                           G_CALLBACK (customers_exported_cb), self, G_CONNECT_SWAPPED);
}

RosterWindow *
roster_window_new (RosterApplication *application)
{
  RosterWindow *self;
  RosterSettings *settings;
  GSettings *gsettings;
  g_autofree char *page = NULL;
  int width, height;
  gboolean maximized;

  g_return_val_if_fail (ROSTER_IS_APPLICATION (application), NULL);

  self = g_object_new (ROSTER_TYPE_WINDOW, "application", application, NULL);
  self->application = g_object_ref (application);

  settings = roster_application_get_settings (application);
  roster_settings_get_window_size (settings, &width, &height, &maximized);
  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (maximized)
    gtk_window_maximize (GTK_WINDOW (self));

  self->restoring = TRUE;
  page = roster_settings_dup_last_page (settings);
  roster_window_set_page (self, page);
  self->restoring = FALSE;

  gsettings = roster_settings_get_gsettings (settings);
  if (gsettings != NULL)
    g_signal_connect_object (gsettings, "changed::refresh-interval",
                             G_CALLBACK (refresh_interval_changed_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (application, "org-opened", G_CALLBACK (app_org_opened_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (application, "open-failed", G_CALLBACK (app_open_failed_cb), self,
                           G_CONNECT_SWAPPED);

  if (g_strcmp0 (APP_ID, "io.github.rosterapp.Roster.Devel") == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  update_actions (self);
  return self;
}

void
roster_window_show_loading (RosterWindow *self)
{
  g_return_if_fail (ROSTER_IS_WINDOW (self));

  set_mode (self, "loading");
}

void
roster_window_show_welcome (RosterWindow *self)
{
  g_return_if_fail (ROSTER_IS_WINDOW (self));

  set_context (self, NULL);
  set_mode (self, "welcome");
}

static void
connect_dialog_connected_cb (RosterWindow        *self,
                             const char          *admin_url,
                             const char          *org_id,
                             RosterConnectDialog *dialog)
{
  set_mode (self, "loading");
  roster_application_open_org (self->application, admin_url, org_id);
}

void
roster_window_show_connect_dialog (RosterWindow *self)
{
  RosterConnectDialog *dialog;

  g_return_if_fail (ROSTER_IS_WINDOW (self));

  dialog = roster_connect_dialog_new (GTK_WINDOW (self),
                                      roster_application_get_context (self->application));
  g_signal_connect_object (dialog, "connected", G_CALLBACK (connect_dialog_connected_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
roster_window_set_page (RosterWindow *self,
                        const char   *page)
{
  g_return_if_fail (ROSTER_IS_WINDOW (self));

  if (page == NULL)
    return;
  if (adw_view_stack_get_child_by_name (self->view_stack, page) != NULL)
    adw_view_stack_set_visible_child_name (self->view_stack, page);
}

const char *
roster_window_get_page (RosterWindow *self)
{
  g_return_val_if_fail (ROSTER_IS_WINDOW (self), NULL);

  return adw_view_stack_get_visible_child_name (self->view_stack);
}

const char *
roster_window_get_mode (RosterWindow *self)
{
  g_return_val_if_fail (ROSTER_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->main_stack);
}

void
roster_window_show_accounts (RosterWindow      *self,
                             const char *const *account_ids)
{
  g_return_if_fail (ROSTER_IS_WINDOW (self));

  roster_window_set_page (self, "users");
  roster_users_page_show_accounts (self->users_page, account_ids);
}

void
roster_window_set_query (RosterWindow *self,
                         const char   *query)
{
  g_return_if_fail (ROSTER_IS_WINDOW (self));

  roster_users_page_set_query (self->users_page, query);
}

void
roster_window_add_toast (RosterWindow *self,
                         const char   *text)
{
  AdwToast *toast;

  g_return_if_fail (ROSTER_IS_WINDOW (self));

  toast = adw_toast_new (text);
  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
roster_window_show_error (RosterWindow *self,
                          const GError *error)
{
  g_autofree char *text = roster_describe_error (error);

  g_return_if_fail (ROSTER_IS_WINDOW (self));

  gtk_label_set_label (self->error_label, text);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
}

RosterUsersPage *
roster_window_get_users_page (RosterWindow *self)
{
  g_return_val_if_fail (ROSTER_IS_WINDOW (self), NULL);

  return self->users_page;
}

RosterDashboardPage *
roster_window_get_dashboard_page (RosterWindow *self)
{
  g_return_val_if_fail (ROSTER_IS_WINDOW (self), NULL);

  return self->dashboard_page;
}

RosterSettingsPage *
roster_window_get_settings_page (RosterWindow *self)
{
  g_return_val_if_fail (ROSTER_IS_WINDOW (self), NULL);

  return self->settings_page;
}

RosterProtectedModel *
roster_window_get_protected_model (RosterWindow *self)
{
  g_return_val_if_fail (ROSTER_IS_WINDOW (self), NULL);

  return self->protected_model;
}

RosterAuditPage *
roster_window_get_audit_page (RosterWindow *self)
{
  g_return_val_if_fail (ROSTER_IS_WINDOW (self), NULL);

  return self->audit_page;
}

RosterCustomersPage *
roster_window_get_customers_page (RosterWindow *self)
{
  g_return_val_if_fail (ROSTER_IS_WINDOW (self), NULL);

  return self->customers_page;
}

/* (nullable) the open bulk change window. */
RosterBulkDialog *
roster_window_get_bulk_dialog (RosterWindow *self)
{
  g_return_val_if_fail (ROSTER_IS_WINDOW (self), NULL);

  return self->bulk_dialog;
}

RosterJobsBanner *
roster_window_get_jobs_banner (RosterWindow *self)
{
  g_return_val_if_fail (ROSTER_IS_WINDOW (self), NULL);

  return self->jobs_banner;
}
