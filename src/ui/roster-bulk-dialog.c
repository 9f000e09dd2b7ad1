/* roster-bulk-dialog.c
 *
 * One window for the whole bulk change: product choice (grant/revoke), the
 * plan computed from the API's current state, the preview with its
 * confirmation, then the run with progress, pause, stop and the canary stop,
 * ending on the per-user results.
 */
#define G_LOG_DOMAIN "roster-bulk-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "roster-application.h"
#include "roster-bulk-dialog.h"
#include "roster-compat.h"
#include "roster-error.h"
#include "roster-labels.h"

/* ------------------------------------------------------------------------- */
/* One row of the per-target lists (preview and results).                    */

#define ROSTER_TYPE_BULK_ROW (roster_bulk_row_get_type ())
G_DECLARE_FINAL_TYPE (RosterBulkRow, roster_bulk_row, ROSTER, BULK_ROW, GObject)

struct _RosterBulkRow
{
  GObject     parent_instance;

  char       *title;
  char       *subtitle;     /* (nullable) */
  char       *detail;       /* (nullable) */
  char       *badge;
  const char *badge_class;  /* a .roster-pill level class */
};

G_DEFINE_FINAL_TYPE (RosterBulkRow, roster_bulk_row, G_TYPE_OBJECT)

static void
roster_bulk_row_finalize (GObject *object)
{
  RosterBulkRow *self = ROSTER_BULK_ROW (object);

  g_free (self->title);
  g_free (self->subtitle);
  g_free (self->detail);
  g_free (self->badge);

  G_OBJECT_CLASS (roster_bulk_row_parent_class)->finalize (object);
}

static void
roster_bulk_row_class_init (RosterBulkRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = roster_bulk_row_finalize;
}

static void
roster_bulk_row_init (RosterBulkRow *self)
{
}

static RosterBulkRow *
roster_bulk_row_new (const char *name,
                     const char *email,
                     const char *account_id,
                     const char *badge,
                     const char *badge_class,
                     const char *detail)
{
  RosterBulkRow *self = g_object_new (ROSTER_TYPE_BULK_ROW, NULL);

  if (name != NULL && *name != '\0')
    {
      self->title = g_strdup (name);
      self->subtitle = g_strdup (email != NULL && *email != '\0' ? email : account_id);
    }
  else if (email != NULL && *email != '\0')
    {
      self->title = g_strdup (email);
      self->subtitle = g_strdup (account_id);
    }
  else
    {
      self->title = g_strdup (account_id);
    }
  self->badge = g_strdup (badge);
  self->badge_class = badge_class;
  self->detail = g_strdup (detail);
  return self;
}

/* ------------------------------------------------------------------------- */

struct _RosterBulkDialog
{
  AdwWindow         parent_instance;

  /* Template widgets */
  AdwToastOverlay  *toast_overlay;
  AdwWindowTitle   *window_title;
  GtkButton        *cancel_button;
  GtkButton        *confirm_button;
  GtkButton        *close_button;
  GtkMenuButton    *export_button;
  GtkStack         *stack;
  AdwPreferencesGroup *product_group;
  GtkListBox       *product_list;
  AdwStatusPage    *loading_page;
  GtkSpinner       *loading_spinner;
  AdwStatusPage    *error_page;
  GtkLabel         *meaning_label;
  GtkBox           *counts_box;
  GtkListView      *preview_view;
  AdwActionRow     *canary_row;
  GtkSpinButton    *canary_spin;
  GtkSwitch        *canary_switch;
  AdwActionRow     *cap_row;
  GtkCheckButton   *cap_check;
  GtkLabel         *run_title;
  GtkProgressBar   *progress_bar;
  GtkLabel         *progress_label;
  GtkLabel         *eta_label;
  GtkBox           *run_buttons;
  GtkButton        *pause_button;
  GtkButton        *stop_button;
  GtkRevealer      *canary_revealer;
  GtkLabel         *canary_label;
  GtkButton        *canary_stop_button;
  GtkButton        *canary_continue_button;
  GtkListView      *results_view;

  /* Owned */
  RosterContext    *context;        /* (owned) */
  GCancellable     *cancellable;    /* (owned) (nullable) */
  RosterBulkPlan   *plan;           /* (owned) (nullable) */
  RosterBulkJob    *job;            /* (owned) (nullable) */
  GListStore       *preview_rows;   /* (owned) element-type RosterBulkRow */
  GListStore       *result_rows;    /* (owned) element-type RosterBulkRow */
  char            **account_ids;    /* (owned) (nullable) */

  RosterBulkAction  action;
  RosterProduct     product;
  guint             n_changed_before;  /* done + skipped when the job came to this window */

  guint             from_job : 1;
  guint             is_undo : 1;
  guint             running : 1;
  guint             close_after_run : 1;
  guint             done_emitted : 1;
};

G_DEFINE_FINAL_TYPE (RosterBulkDialog, roster_bulk_dialog, ADW_TYPE_WINDOW)

enum {
  DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void update_run (RosterBulkDialog *self);
static void start_run  (RosterBulkDialog *self);
static void confirm_clicked_cb (RosterBulkDialog *self);

/* ------------------------------------------------------------------------- */
/* Words                                                                      */

static gboolean
action_is_destructive (RosterBulkAction action)
{
  return action == ROSTER_BULK_ACTION_SUSPEND ||
         action == ROSTER_BULK_ACTION_DISABLE_ACCOUNT ||
         action == ROSTER_BULK_ACTION_REVOKE_PRODUCT;
}

/* The confirm button: names the action and the number of users. */
static char *
dup_confirm_label (RosterBulkAction action,
                   RosterProduct    product,
                   guint            n)
{
  const char *p = roster_product_label (product);

  switch (action)
    {
    case ROSTER_BULK_ACTION_SUSPEND:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Deactivate Access for %u User",
                                           "Deactivate Access for %u Users", n), n);
    case ROSTER_BULK_ACTION_RESTORE:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Reactivate Access for %u User",
                                           "Reactivate Access for %u Users", n), n);
    case ROSTER_BULK_ACTION_DISABLE_ACCOUNT:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Deactivate %u Account",
                                           "Deactivate %u Accounts", n), n);
    case ROSTER_BULK_ACTION_ENABLE_ACCOUNT:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Reactivate %u Account",
                                           "Reactivate %u Accounts", n), n);
    case ROSTER_BULK_ACTION_GRANT_PRODUCT:
      /* Translators: the first is a product name (Jira, Confluence…). */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Grant %s to %u User",
                                           "Grant %s to %u Users", n), p, n);
    case ROSTER_BULK_ACTION_REVOKE_PRODUCT:
      /* Translators: the first is a product name (Jira, Confluence…). */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Revoke %s from %u User",
                                           "Revoke %s from %u Users", n), p, n);
    case ROSTER_N_BULK_ACTIONS:
    default:
      g_return_val_if_reached (NULL);
    }
}

static const char *
running_title (RosterBulkAction action)
{
  switch (action)
    {
    case ROSTER_BULK_ACTION_SUSPEND:         return _("Deactivating access…");
    case ROSTER_BULK_ACTION_RESTORE:         return _("Reactivating access…");
    case ROSTER_BULK_ACTION_DISABLE_ACCOUNT: return _("Deactivating accounts…");
    case ROSTER_BULK_ACTION_ENABLE_ACCOUNT:  return _("Reactivating accounts…");
    case ROSTER_BULK_ACTION_GRANT_PRODUCT:   return _("Granting product access…");
    case ROSTER_BULK_ACTION_REVOKE_PRODUCT:  return _("Revoking product access…");
    case ROSTER_N_BULK_ACTIONS:
    default:                                 return "";
    }
}

static const char *
class_pill (RosterBulkClass klass)
{
  switch (klass)
    {
    case ROSTER_BULK_CLASS_WILL_CHANGE: return "level-warning";
    case ROSTER_BULK_CLASS_ALREADY:     return "level-never";
    case ROSTER_BULK_CLASS_PROTECTED:   return "level-active";
    case ROSTER_BULK_CLASS_NOT_FOUND:
    case ROSTER_BULK_CLASS_NOT_ALLOWED:
    case ROSTER_N_BULK_CLASSES:
    default:                            return "level-overdue";
    }
}

static const char *
target_state_title (RosterBulkTargetState state)
{
  switch (state)
    {
    case ROSTER_BULK_TARGET_PENDING: return _("Not yet");
    case ROSTER_BULK_TARGET_DONE:    return _("Changed");
    case ROSTER_BULK_TARGET_FAILED:  return _("Failed");
    case ROSTER_BULK_TARGET_SKIPPED: return _("Already so");
    default:                         return "";
    }
}

static const char *
target_state_pill (RosterBulkTargetState state)
{
  switch (state)
    {
    case ROSTER_BULK_TARGET_DONE:    return "level-active";
    case ROSTER_BULK_TARGET_FAILED:  return "level-overdue";
    case ROSTER_BULK_TARGET_PENDING: return "level-warning";
    case ROSTER_BULK_TARGET_SKIPPED:
    default:                         return "level-never";
    }
}

static char *
dup_result_detail (const RosterBulkResult *r)
{
  if (r->http_status != 0 && r->message != NULL && *r->message != '\0')
    /* Translators: an HTTP status code, then the server's message. */
    return g_strdup_printf (_("HTTP %u · %s"), r->http_status, r->message);
  if (r->http_status != 0)
    return g_strdup_printf (_("HTTP %u"), r->http_status);
  return g_strdup (r->message);
}

static char *
dup_eta_text (int seconds)
{
  if (seconds < 0)
    return g_strdup (_("Estimating time left…"));
  if (seconds < 60)
    return g_strdup (_("Less than a minute left"));
  if (seconds < 3600)
    {
      guint minutes = (seconds + 59) / 60;

      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "About %u minute left",
                                           "About %u minutes left", minutes), minutes);
    }
  else
    {
      guint hours = (seconds + 1799) / 3600;

      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "About %u hour left",
                                           "About %u hours left", hours), hours);
    }
}

/* ------------------------------------------------------------------------- */
/* Lists                                                                      */

static void
row_setup_cb (GtkSignalListItemFactory *factory,
              GObject                  *object,
              gpointer                  user_data)
{
  GtkListItem *item = GTK_LIST_ITEM (object);
  GtkWidget *box, *text, *title, *subtitle, *detail, *badge;

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);

  text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_hexpand (text, TRUE);
  title = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (title, "heading");
  subtitle = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_box_append (GTK_BOX (text), title);
  gtk_box_append (GTK_BOX (text), subtitle);

  detail = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (detail), 1);
  gtk_label_set_ellipsize (GTK_LABEL (detail), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (detail), 32);
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_widget_add_css_class (detail, "caption");

  badge = gtk_label_new (NULL);
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (badge, "roster-pill");

  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (GTK_BOX (box), detail);
  gtk_box_append (GTK_BOX (box), badge);
  gtk_list_item_set_child (item, box);
  gtk_list_item_set_activatable (item, FALSE);
}

static void
row_bind_cb (GtkSignalListItemFactory *factory,
             GObject                  *object,
             gpointer                  user_data)
{
  GtkListItem *item = GTK_LIST_ITEM (object);
  RosterBulkRow *row = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *text = gtk_widget_get_first_child (box);
  GtkWidget *title = gtk_widget_get_first_child (text);
  GtkWidget *subtitle = gtk_widget_get_next_sibling (title);
  GtkWidget *detail = gtk_widget_get_next_sibling (text);
  GtkWidget *badge = gtk_widget_get_next_sibling (detail);

  gtk_label_set_label (GTK_LABEL (title), row->title);
  gtk_label_set_label (GTK_LABEL (subtitle), row->subtitle);
  gtk_widget_set_visible (subtitle, row->subtitle != NULL);
  gtk_label_set_label (GTK_LABEL (detail), row->detail);
  gtk_widget_set_tooltip_text (detail, row->detail);
  gtk_widget_set_visible (detail, row->detail != NULL);
  gtk_label_set_label (GTK_LABEL (badge), row->badge);
  gtk_widget_add_css_class (badge, row->badge_class);
}

static void
row_unbind_cb (GtkSignalListItemFactory *factory,
               GObject                  *object,
               gpointer                  user_data)
{
  GtkListItem *item = GTK_LIST_ITEM (object);
  RosterBulkRow *row = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *badge = gtk_widget_get_last_child (box);

  gtk_widget_remove_css_class (badge, row->badge_class);
}

static void
setup_list (GtkListView *view,
            GListStore  *store)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkNoSelection) selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (store)));

  g_signal_connect (factory, "setup", G_CALLBACK (row_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (row_bind_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (row_unbind_cb), NULL);
  gtk_list_view_set_factory (view, factory);
  gtk_list_view_set_model (view, GTK_SELECTION_MODEL (selection));
}

static void
fill_rows_from_results (RosterBulkDialog *self,
                        GListStore       *store,
                        gboolean          as_preview)
{
  g_autoptr(GPtrArray) results = roster_bulk_job_dup_results (self->job);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < results->len; i++)
    {
      const RosterBulkResult *r = g_ptr_array_index (results, i);
      g_autofree char *detail = NULL;

      if (as_preview && r->state != ROSTER_BULK_TARGET_PENDING)
        continue;
      if (as_preview)
        g_ptr_array_add (rows, roster_bulk_row_new (r->name, r->email, r->account_id,
                                                    roster_bulk_class_get_title (ROSTER_BULK_CLASS_WILL_CHANGE),
                                                    class_pill (ROSTER_BULK_CLASS_WILL_CHANGE),
                                                    NULL));
      else
        {
          detail = dup_result_detail (r);
          g_ptr_array_add (rows, roster_bulk_row_new (r->name, r->email, r->account_id,
                                                      target_state_title (r->state),
                                                      target_state_pill (r->state), detail));
        }
    }
  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)),
                       rows->pdata, rows->len);
}

/* ------------------------------------------------------------------------- */
/* Pages                                                                      */

static void
set_page (RosterBulkDialog *self,
          const char       *page)
{
  gboolean pre_run = !g_str_equal (page, "run");

  gtk_stack_set_visible_child_name (self->stack, page);
  gtk_spinner_set_spinning (self->loading_spinner, g_str_equal (page, "loading"));
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), pre_run);
  gtk_widget_set_visible (GTK_WIDGET (self->confirm_button), g_str_equal (page, "preview"));
  if (pre_run)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->close_button), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->export_button), FALSE);
    }
}

static void
clear_counts (RosterBulkDialog *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->counts_box))) != NULL)
    gtk_box_remove (self->counts_box, child);
}

static void
add_count (RosterBulkDialog *self,
           const char       *title,
           const char       *pill,
           guint             n)
{
  g_autofree char *count = roster_format_count (n);
  /* Translators: a class of the plan and its number of users, e.g. "Protected: 2". */
  g_autofree char *text = g_strdup_printf (_("%s: %s"), title, count);
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "roster-pill");
  gtk_widget_add_css_class (label, pill);
  gtk_box_append (self->counts_box, label);
}

static guint
n_will_change (RosterBulkDialog *self)
{
  if (self->plan != NULL)
    return roster_bulk_plan_get_count (self->plan, ROSTER_BULK_CLASS_WILL_CHANGE);
  if (self->job != NULL)
    return roster_bulk_job_get_n_pending (self->job);
  return 0;
}

static void
update_confirm (RosterBulkDialog *self)
{
  guint n = n_will_change (self);
  gboolean ok = n > 0;
  g_autofree char *label = NULL;

  if (self->plan != NULL && roster_bulk_plan_exceeds_cap (self->plan))
    ok = ok && gtk_check_button_get_active (self->cap_check);

  if (self->from_job && !self->is_undo)
    label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Resume for %u User",
                                          "Resume for %u Users", n), n);
  else
    label = dup_confirm_label (self->action, self->product, n);

  gtk_button_set_label (self->confirm_button, label);
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), ok);
  gtk_widget_remove_css_class (GTK_WIDGET (self->confirm_button), "destructive-action");
  gtk_widget_remove_css_class (GTK_WIDGET (self->confirm_button), "suggested-action");
  gtk_widget_add_css_class (GTK_WIDGET (self->confirm_button),
                            action_is_destructive (self->action) ? "destructive-action"
                                                                 : "suggested-action");
}

static void
update_canary_row (RosterBulkDialog *self)
{
  guint n = n_will_change (self);
  guint canary = (guint) gtk_spin_button_get_value_as_int (self->canary_spin);
  g_autofree char *subtitle = NULL;

  subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Change the first %u user, then pause so you can check the result",
                                           "Change the first %u users, then pause so you can check the results",
                                           canary),
                              canary);
  adw_action_row_set_subtitle (self->canary_row, subtitle);
  gtk_widget_set_sensitive (GTK_WIDGET (self->canary_spin), gtk_switch_get_active (self->canary_switch));
  gtk_widget_set_visible (GTK_WIDGET (self->canary_row), n > 1);
}

static void
show_preview_of_plan (RosterBulkDialog *self)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  GPtrArray *targets = roster_bulk_plan_get_targets (self->plan);
  guint n = roster_bulk_plan_get_count (self->plan, ROSTER_BULK_CLASS_WILL_CHANGE);
  g_autofree char *meaning = NULL;

  if (n == 0)
    meaning = g_strdup_printf ("%s\n\n%s", roster_bulk_action_get_description (self->action),
                               _("None of these users would change, so there is nothing to do."));
  else
    meaning = g_strdup (roster_bulk_action_get_description (self->action));
  gtk_label_set_label (self->meaning_label, meaning);

  clear_counts (self);
  for (RosterBulkClass k = 0; k < ROSTER_N_BULK_CLASSES; k++)
    if (k == ROSTER_BULK_CLASS_WILL_CHANGE || roster_bulk_plan_get_count (self->plan, k) > 0)
      add_count (self, roster_bulk_class_get_title (k), class_pill (k),
                 roster_bulk_plan_get_count (self->plan, k));

  /* Those that will change first, then the others by class, each in input order. */
  for (RosterBulkClass k = 0; k < ROSTER_N_BULK_CLASSES; k++)
    for (guint i = 0; i < targets->len; i++)
      {
        const RosterBulkTarget *t = g_ptr_array_index (targets, i);

        if (t->klass == k)
          g_ptr_array_add (rows, roster_bulk_row_new (t->name, t->email, t->account_id,
                                                      roster_bulk_class_get_title (t->klass),
                                                      class_pill (t->klass), t->reason));
      }
  g_list_store_splice (self->preview_rows, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->preview_rows)),
                       rows->pdata, rows->len);

  if (roster_bulk_plan_exceeds_cap (self->plan))
    {
      guint cap = roster_bulk_plan_get_cap (self->plan);
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;

      title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Change More Than %u User at Once",
                                            "Change More Than %u Users at Once", cap), cap);
      subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "%u user would change, above the limit per batch set in Settings",
                                               "%u users would change, above the limit per batch set in Settings",
                                               n), n);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->cap_row), title);
      adw_action_row_set_subtitle (self->cap_row, subtitle);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->cap_row), roster_bulk_plan_exceeds_cap (self->plan));

  /* A canary is worth it for bigger batches; it stays one click away for small ones. */
  gtk_switch_set_active (self->canary_switch, n > 2 * ROSTER_BULK_DEFAULT_CANARY);
  update_canary_row (self);
  update_confirm (self);
  set_page (self, "preview");
  gtk_widget_grab_focus (GTK_WIDGET (self->cancel_button));

  /* ROSTER_DEMO_BULK=run (screenshots, see RosterWindow). */
  if (g_object_get_data (G_OBJECT (self), "roster-demo-run") != NULL)
    {
      roster_bulk_dialog_set_canary (self, 3);
      confirm_clicked_cb (self);
    }
}

static void
show_preview_of_job (RosterBulkDialog *self)
{
  guint n = roster_bulk_job_get_n_pending (self->job);
  guint total = roster_bulk_job_get_n_total (self->job);
  guint finished = total - n;
  g_autofree char *extra = NULL;
  g_autofree char *meaning = NULL;

  if (self->is_undo)
    extra = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "This undoes exactly the change made to %u user by the earlier job, as a new job.",
                                          "This undoes exactly the changes made to %u users by the earlier job, as a new job.",
                                          total), total);
  else
    extra = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "This job was interrupted with %u of %u user handled. Users already handled are not sent again; any that were in flight are re-checked first.",
                                          "This job was interrupted with %u of %u users handled. Users already handled are not sent again; any that were in flight are re-checked first.",
                                          total), finished, total);
  meaning = g_strdup_printf ("%s\n\n%s", roster_bulk_action_get_description (self->action), extra);
  gtk_label_set_label (self->meaning_label, meaning);

  clear_counts (self);
  add_count (self, roster_bulk_class_get_title (ROSTER_BULK_CLASS_WILL_CHANGE),
             class_pill (ROSTER_BULK_CLASS_WILL_CHANGE), n);
  if (finished > 0)
    add_count (self, _("Already handled"), "level-never", finished);

  fill_rows_from_results (self, self->preview_rows, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->cap_row), FALSE);
  /* The canary of a journaled job is fixed when it is created. */
  gtk_widget_set_visible (GTK_WIDGET (self->canary_row), FALSE);
  update_confirm (self);
  set_page (self, "preview");
}

static void
show_error (RosterBulkDialog *self,
            const GError     *error)
{
  g_autofree char *text = roster_describe_error (error);

  adw_status_page_set_description (self->error_page, text);
  set_page (self, "error");
}

static void
toast (RosterBulkDialog *self,
       const char       *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

/* ------------------------------------------------------------------------- */
/* Plan                                                                       */

static void
plan_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(RosterBulkDialog) self = user_data;
  g_autoptr(RosterBulkPlan) plan = NULL;
  g_autoptr(GError) error = NULL;

  plan = roster_bulk_plan_new_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  if (plan == NULL)
    {
      show_error (self, error);
      return;
    }
  g_set_object (&self->plan, plan);
  show_preview_of_plan (self);
}

static void
start_plan (RosterBulkDialog *self)
{
  guint n = g_strv_length (self->account_ids);
  g_autofree char *description = NULL;

  description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "Reading the current state of %u user from Atlassian. Nothing is changed yet.",
                                              "Reading the current state of %u users from Atlassian. Nothing is changed yet.",
                                              n), n);
  adw_status_page_set_description (self->loading_page, description);
  set_page (self, "loading");

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  roster_bulk_plan_new_async (self->context, self->action, self->product,
                              (const char * const *) self->account_ids, self->cancellable,
                              plan_cb, g_object_ref (self));
}

static void
choose_product (RosterBulkDialog *self,
                RosterProduct     product)
{
  self->product = product;
  adw_window_title_set_subtitle (self->window_title, roster_product_label (product));
  start_plan (self);
}

/* ------------------------------------------------------------------------- */
/* Run                                                                        */

static void
emit_done (RosterBulkDialog *self)
{
  gboolean changed = FALSE;

  if (self->done_emitted)
    return;
  self->done_emitted = TRUE;
  if (self->job != NULL)
    changed = roster_bulk_job_get_n_done (self->job) + roster_bulk_job_get_n_skipped (self->job) >
              self->n_changed_before;
  g_signal_emit (self, signals[DONE], 0, self->job, changed);
}

static void
update_run (RosterBulkDialog *self)
{
  RosterBulkJobState state;
  guint total, done, failed, skipped, handled;
  g_autofree char *progress = NULL;
  g_autofree char *eta = NULL;
  const char *title;

  if (self->job == NULL)
    return;

  state = roster_bulk_job_get_state (self->job);
  total = roster_bulk_job_get_n_total (self->job);
  done = roster_bulk_job_get_n_done (self->job);
  failed = roster_bulk_job_get_n_failed (self->job);
  skipped = roster_bulk_job_get_n_skipped (self->job);
  handled = done + failed + skipped;

  if (self->running)
    title = running_title (self->action);
  else if (state == ROSTER_BULK_JOB_CANARY_PAUSED)
    title = _("Paused After the First Users");
  else if (state == ROSTER_BULK_JOB_FINISHED)
    title = failed > 0 ? _("Finished With Failures") : _("Finished");
  else if (state == ROSTER_BULK_JOB_CANCELLED)
    title = _("Stopped");
  else
    title = _("Paused");
  gtk_label_set_label (self->run_title, title);

  gtk_progress_bar_set_fraction (self->progress_bar, total > 0 ? (double) handled / total : 1.0);

  if (failed > 0)
    /* Translators: "12 of 40 users handled, 3 failed" — the plural follows the total. */
    progress = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u user handled: %u changed, %u already so, %u failed",
                                             "%u of %u users handled: %u changed, %u already so, %u failed", total),
                                handled, total, done, skipped, failed);
  else
    progress = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u user handled: %u changed, %u already so",
                                             "%u of %u users handled: %u changed, %u already so", total),
                                handled, total, done, skipped);
  gtk_label_set_label (self->progress_label, progress);

  if (self->running)
    eta = dup_eta_text (roster_bulk_job_get_eta_seconds (self->job));
  gtk_label_set_label (self->eta_label, eta);

  gtk_widget_set_visible (GTK_WIDGET (self->run_buttons),
                          self->running || state == ROSTER_BULK_JOB_PAUSED);
  gtk_button_set_label (self->pause_button, self->running ? _("_Pause") : _("_Resume"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->pause_button), !self->close_after_run);

  if (state == ROSTER_BULK_JOB_CANARY_PAUSED && !self->running)
    {
      guint left = roster_bulk_job_get_n_pending (self->job);
      g_autofree char *text = NULL;
      g_autofree char *cont = NULL;

      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "The first users were changed. Check their results below, then continue with the %u user left or stop here.",
                                           "The first users were changed. Check their results below, then continue with the %u users left or stop here.",
                                           left), left);
      cont = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "_Continue With %u User",
                                           "_Continue With %u Users", left), left);
      gtk_label_set_label (self->canary_label, text);
      gtk_button_set_label (self->canary_continue_button, cont);
    }
  gtk_revealer_set_reveal_child (self->canary_revealer,
                                 state == ROSTER_BULK_JOB_CANARY_PAUSED && !self->running);

  gtk_widget_set_visible (GTK_WIDGET (self->close_button), !self->running);
  gtk_widget_set_visible (GTK_WIDGET (self->export_button), !self->running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "bulk.export", !self->running);
}

static void
job_progress_cb (RosterBulkDialog *self,
                 guint             n_done,
                 guint             n_failed,
                 guint             n_total,
                 RosterBulkJob    *job)
{
  update_run (self);
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(RosterBulkDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  self->running = FALSE;
  if (!roster_bulk_job_run_finish (ROSTER_BULK_JOB (object), result, &error))
    {
      g_autofree char *text = roster_describe_error (error);

      g_warning ("Bulk job %s: %s", roster_bulk_job_get_id (self->job), error->message);
      toast (self, text);
    }

  if (self->close_after_run)
    {
      emit_done (self);
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  fill_rows_from_results (self, self->result_rows, FALSE);
  update_run (self);
}

static void
start_run (RosterBulkDialog *self)
{
  self->running = TRUE;
  set_page (self, "run");
  fill_rows_from_results (self, self->result_rows, FALSE);
  update_run (self);
  roster_bulk_job_run_async (self->job, NULL, run_cb, g_object_ref (self));
}

static void
set_job (RosterBulkDialog *self,
         RosterBulkJob    *job)
{
  g_set_object (&self->job, job);
  self->action = roster_bulk_job_get_action (job);
  self->product = roster_bulk_job_get_product (job);
  self->n_changed_before = roster_bulk_job_get_n_done (job) + roster_bulk_job_get_n_skipped (job);
  g_signal_connect_object (job, "progress", G_CALLBACK (job_progress_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (job, "notify::state", G_CALLBACK (update_run), self, G_CONNECT_SWAPPED);
}

static void
job_create_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(RosterBulkDialog) self = user_data;
  g_autoptr(RosterBulkJob) job = NULL;
  g_autoptr(GError) error = NULL;

  job = roster_bulk_job_create_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  if (job == NULL)
    {
      g_autofree char *text = roster_describe_error (error);

      gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), TRUE);
      toast (self, text);
      return;
    }
  set_job (self, job);
  start_run (self);
}

/* ------------------------------------------------------------------------- */
/* Callbacks                                                                  */

static void
confirm_clicked_cb (RosterBulkDialog *self)
{
  RosterBulkJobOptions options = { 0 };

  if (!gtk_widget_get_sensitive (GTK_WIDGET (self->confirm_button)))
    return;

  if (self->job != NULL)
    {
      start_run (self);
      return;
    }
  g_return_if_fail (self->plan != NULL);

  if (gtk_widget_get_visible (GTK_WIDGET (self->canary_row)) && gtk_switch_get_active (self->canary_switch))
    options.canary = (guint) gtk_spin_button_get_value_as_int (self->canary_spin);
  options.override_cap = gtk_check_button_get_active (self->cap_check);

  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), FALSE);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  roster_bulk_job_create_async (self->context, self->plan, &options, self->cancellable,
                                job_create_cb, g_object_ref (self));
}

static void
cancel_clicked_cb (RosterBulkDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static void
close_clicked_cb (RosterBulkDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static void
retry_clicked_cb (RosterBulkDialog *self)
{
  start_plan (self);
}

static void
product_row_activated_cb (RosterBulkDialog *self,
                          GtkListBoxRow    *row)
{
  choose_product (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "product")));
}

static void
canary_changed_cb (RosterBulkDialog *self)
{
  update_canary_row (self);
}

static void
cap_toggled_cb (RosterBulkDialog *self)
{
  update_confirm (self);
}

static void
pause_clicked_cb (RosterBulkDialog *self)
{
  if (self->job == NULL)
    return;
  if (self->running)
    {
      roster_bulk_job_pause (self->job);
      gtk_widget_set_sensitive (GTK_WIDGET (self->pause_button), FALSE);
      gtk_label_set_label (self->eta_label, _("Pausing after the requests in flight…"));
    }
  else
    {
      start_run (self);
    }
}

static void
stop_response_cb (RosterBulkDialog *self,
                  const char       *response,
                  AdwMessageDialog *dialog)
{
  if (g_strcmp0 (response, "stop") != 0 || self->job == NULL)
    return;
  roster_bulk_job_cancel (self->job);
  if (!self->running)
    {
      fill_rows_from_results (self, self->result_rows, FALSE);
      update_run (self);
    }
}

static void
stop_clicked_cb (RosterBulkDialog *self)
{
  GtkWidget *dialog;
  guint left;

  if (self->job == NULL)
    return;
  left = roster_bulk_job_get_n_pending (self->job);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Stop This Bulk Change?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  g_dngettext (GETTEXT_PACKAGE,
                                               "The %u user not reached yet stays as it is. Users already changed stay changed; you can undo them afterwards.",
                                               "The %u users not reached yet stay as they are. Users already changed stay changed; you can undo them afterwards.",
                                               left),
                                  left);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep Going"),
                                    "stop", _("_Stop"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "stop",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (stop_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
canary_stop_clicked_cb (RosterBulkDialog *self)
{
  if (self->job == NULL)
    return;
  roster_bulk_job_cancel (self->job);
  fill_rows_from_results (self, self->result_rows, FALSE);
  update_run (self);
}

static void
canary_continue_clicked_cb (RosterBulkDialog *self)
{
  if (self->job != NULL && !self->running)
    start_run (self);
}

/* Export */

static void
export_saved_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(RosterBulkDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  g_autofree char *path = g_file_get_path (G_FILE (object));

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not save the results: %s"), error->message);

      toast (self, text);
      return;
    }
  roster_context_audit (self->context, "export", path, "done", 0,
                        self->job != NULL ? roster_bulk_job_get_id (self->job) : NULL,
                        "bulk job results");
  toast (self, _("Results saved"));
}

static GBytes *
serialize_results (RosterBulkDialog    *self,
                   RosterExportFormat   format,
                   GError             **error)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

  if (!roster_bulk_job_write_results (self->job, format, out, NULL, error) ||
      !g_output_stream_close (out, NULL, error))
    return NULL;
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static RosterExportFormat
format_for_file (GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);

  return name != NULL && g_str_has_suffix (name, ".json") ? ROSTER_EXPORT_JSON : ROSTER_EXPORT_CSV;
}

static void
export_chosen_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(RosterBulkDialog) self = user_data;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  file = roster_compat_choose_save_file_finish (result, &error);
  if (file == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }
  /* The results are already in memory: serializing them is quick; the file
   * write is asynchronous. */
  bytes = serialize_results (self, format_for_file (file), &error);
  if (bytes == NULL)
    {
      toast (self, error->message);
      return;
    }
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       NULL, export_saved_cb, g_object_ref (self));
}

static void
roster_bulk_dialog_export_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *param)
{
  RosterBulkDialog *self = ROSTER_BULK_DIALOG (widget);
  const char *format = g_variant_get_string (param, NULL);
  g_autofree char *name = NULL;

  if (self->job == NULL)
    return;
  name = g_strdup_printf ("roster-bulk-%s.%s", roster_bulk_job_get_id (self->job),
                          g_str_equal (format, "json") ? "json" : "csv");
  roster_compat_choose_save_file_async (GTK_WINDOW (self), _("Export Results"), name, NULL,
                                        export_chosen_cb, g_object_ref (self));
}

/* ------------------------------------------------------------------------- */
/* Overrides                                                                  */

static gboolean
roster_bulk_dialog_close_request (GtkWindow *window)
{
  RosterBulkDialog *self = ROSTER_BULK_DIALOG (window);

  /* Closing during a run pauses the job (it stays journaled and resumable)
   * and closes once the requests in flight have ended. */
  if (self->running)
    {
      self->close_after_run = TRUE;
      roster_bulk_job_pause (self->job);
      update_run (self);
      return TRUE;
    }

  g_cancellable_cancel (self->cancellable);
  /* An undo job is journaled before it is shown: declining it closes it, audited. */
  if (self->is_undo && self->job != NULL &&
      roster_bulk_job_get_state (self->job) == ROSTER_BULK_JOB_PENDING)
    roster_bulk_job_cancel (self->job);

  emit_done (self);
  return GTK_WINDOW_CLASS (roster_bulk_dialog_parent_class)->close_request (window);
}

static void
roster_bulk_dialog_dispose (GObject *object)
{
  RosterBulkDialog *self = ROSTER_BULK_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->plan);
  g_clear_object (&self->job);
  g_clear_object (&self->context);

  gtk_widget_dispose_template (GTK_WIDGET (self), ROSTER_TYPE_BULK_DIALOG);

  G_OBJECT_CLASS (roster_bulk_dialog_parent_class)->dispose (object);
}

static void
roster_bulk_dialog_finalize (GObject *object)
{
  RosterBulkDialog *self = ROSTER_BULK_DIALOG (object);

  g_clear_object (&self->preview_rows);
  g_clear_object (&self->result_rows);
  g_strfreev (self->account_ids);

  G_OBJECT_CLASS (roster_bulk_dialog_parent_class)->finalize (object);
}

static void
roster_bulk_dialog_class_init (RosterBulkDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = roster_bulk_dialog_dispose;
  object_class->finalize = roster_bulk_dialog_finalize;
  window_class->close_request = roster_bulk_dialog_close_request;

  /**
   * RosterBulkDialog::done:
   * @job: (nullable): the job, when one was created or given
   * @changed: whether this window's runs changed or confirmed any user
   *
   * Emitted once, when the window closes.
   */
  signals[DONE] =
    g_signal_new ("done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, ROSTER_TYPE_BULK_JOB, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/ui/roster-bulk-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, confirm_button);
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, close_button);
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, export_button);
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, product_group);
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, product_list);
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, loading_page);
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, error_page);
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, meaning_label);
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, counts_box);
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, preview_view);
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, canary_row);
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, canary_spin);
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, canary_switch);
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, cap_row);
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, cap_check);
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, run_title);
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, progress_label);
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, eta_label);
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, run_buttons);
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, pause_button);
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, stop_button);
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, canary_revealer);
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, canary_label);
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, canary_stop_button);
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, canary_continue_button);
  gtk_widget_class_bind_template_child (widget_class, RosterBulkDialog, results_view);
  gtk_widget_class_bind_template_callback (widget_class, confirm_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, close_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, retry_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, product_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, canary_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, cap_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, pause_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, canary_stop_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, canary_continue_clicked_cb);

  gtk_widget_class_install_action (widget_class, "bulk.export", "s",
                                   roster_bulk_dialog_export_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
roster_bulk_dialog_init (RosterBulkDialog *self)
{
  const RosterProduct products[] = { ROSTER_PRODUCT_JIRA, ROSTER_PRODUCT_JSM,
                                     ROSTER_PRODUCT_CONFLUENCE };

  gtk_widget_init_template (GTK_WIDGET (self));

  self->preview_rows = g_list_store_new (ROSTER_TYPE_BULK_ROW);
  self->result_rows = g_list_store_new (ROSTER_TYPE_BULK_ROW);
  setup_list (self->preview_view, self->preview_rows);
  setup_list (self->results_view, self->result_rows);
  self->product = ROSTER_PRODUCT_OTHER;

  for (guint i = 0; i < G_N_ELEMENTS (products); i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), roster_product_label (products[i]));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (arrow), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Choose"), -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);
      g_object_set_data (G_OBJECT (row), "product", GUINT_TO_POINTER (products[i]));
      gtk_list_box_append (self->product_list, row);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "bulk.export", FALSE);
}

/* ------------------------------------------------------------------------- */
/* Public API                                                                 */

RosterBulkDialog *
roster_bulk_dialog_new (GtkWindow          *parent,
                        RosterContext      *context,
                        RosterBulkAction    action,
                        RosterProduct       product,
                        const char * const *account_ids)
{
  RosterBulkDialog *self;

  g_return_val_if_fail (ROSTER_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (action < ROSTER_N_BULK_ACTIONS, NULL);
  g_return_val_if_fail (account_ids != NULL, NULL);

  self = g_object_new (ROSTER_TYPE_BULK_DIALOG, "transient-for", parent, NULL);
  self->context = g_object_ref (context);
  self->action = action;
  self->account_ids = g_strdupv ((char **) account_ids);
  gtk_window_set_title (GTK_WINDOW (self), roster_bulk_action_get_title (action));
  adw_window_title_set_title (self->window_title, roster_bulk_action_get_title (action));

  if (roster_bulk_action_needs_product (action) && product >= ROSTER_N_PRODUCTS)
    {
      guint n = g_strv_length (self->account_ids);
      g_autofree char *description = NULL;

      description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                  "%s\n\nChoose the product for the %u selected user.",
                                                  "%s\n\nChoose the product for the %u selected users.",
                                                  n),
                                     roster_bulk_action_get_description (action), n);
      adw_preferences_group_set_description (self->product_group, description);
      set_page (self, "product");
    }
  else if (roster_bulk_action_needs_product (action))
    choose_product (self, product);
  else
    start_plan (self);

  return self;
}

RosterBulkDialog *
roster_bulk_dialog_new_for_job (GtkWindow     *parent,
                                RosterContext *context,
                                RosterBulkJob *job,
                                gboolean       is_undo)
{
  RosterBulkDialog *self;
  g_autofree char *title = NULL;

  g_return_val_if_fail (ROSTER_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (ROSTER_IS_BULK_JOB (job), NULL);

  self = g_object_new (ROSTER_TYPE_BULK_DIALOG, "transient-for", parent, NULL);
  self->context = g_object_ref (context);
  self->from_job = TRUE;
  self->is_undo = !!is_undo;
  set_job (self, job);

  if (is_undo)
    title = g_strdup_printf (_("Undo: %s"), roster_bulk_action_get_title (self->action));
  else
    title = g_strdup_printf (_("Resume: %s"), roster_bulk_action_get_title (self->action));
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, title);
  if (roster_bulk_action_needs_product (self->action))
    adw_window_title_set_subtitle (self->window_title, roster_product_label (self->product));

  show_preview_of_job (self);
  return self;
}

const char *
roster_bulk_dialog_get_page (RosterBulkDialog *self)
{
  g_return_val_if_fail (ROSTER_IS_BULK_DIALOG (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

RosterBulkPlan *
roster_bulk_dialog_get_plan (RosterBulkDialog *self)
{
  g_return_val_if_fail (ROSTER_IS_BULK_DIALOG (self), NULL);

  return self->plan;
}

RosterBulkJob *
roster_bulk_dialog_get_job (RosterBulkDialog *self)
{
  g_return_val_if_fail (ROSTER_IS_BULK_DIALOG (self), NULL);

  return self->job;
}

gboolean
roster_bulk_dialog_is_running (RosterBulkDialog *self)
{
  g_return_val_if_fail (ROSTER_IS_BULK_DIALOG (self), FALSE);

  return self->running;
}

void
roster_bulk_dialog_choose_product (RosterBulkDialog *self,
                                   RosterProduct     product)
{
  g_return_if_fail (ROSTER_IS_BULK_DIALOG (self));
  g_return_if_fail (product < ROSTER_N_PRODUCTS);

  choose_product (self, product);
}

void
roster_bulk_dialog_set_canary (RosterBulkDialog *self,
                               guint             canary)
{
  g_return_if_fail (ROSTER_IS_BULK_DIALOG (self));

  if (canary > 0)
    gtk_spin_button_set_value (self->canary_spin, canary);
  gtk_switch_set_active (self->canary_switch, canary > 0);
}

void
roster_bulk_dialog_set_override_cap (RosterBulkDialog *self,
                                     gboolean          override_cap)
{
  g_return_if_fail (ROSTER_IS_BULK_DIALOG (self));

  gtk_check_button_set_active (self->cap_check, override_cap);
}

const char *
roster_bulk_dialog_get_confirm_label (RosterBulkDialog *self)
{
  g_return_val_if_fail (ROSTER_IS_BULK_DIALOG (self), NULL);

  return gtk_button_get_label (self->confirm_button);
}

void
roster_bulk_dialog_confirm (RosterBulkDialog *self)
{
  g_return_if_fail (ROSTER_IS_BULK_DIALOG (self));

  if (g_str_equal (roster_bulk_dialog_get_page (self), "preview"))
    confirm_clicked_cb (self);
  else if (self->job != NULL && !self->running &&
           roster_bulk_job_get_state (self->job) == ROSTER_BULK_JOB_CANARY_PAUSED)
    canary_continue_clicked_cb (self);
}

guint
roster_bulk_dialog_get_n_rows (RosterBulkDialog *self)
{
  g_return_val_if_fail (ROSTER_IS_BULK_DIALOG (self), 0);

  if (g_str_equal (roster_bulk_dialog_get_page (self), "run"))
    return g_list_model_get_n_items (G_LIST_MODEL (self->result_rows));
  return g_list_model_get_n_items (G_LIST_MODEL (self->preview_rows));
}

gboolean
roster_bulk_dialog_write_results (RosterBulkDialog  *self,
                                  GFile             *file,
                                  GError           **error)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (ROSTER_IS_BULK_DIALOG (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (self->job == NULL)
    {
      g_set_error_literal (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT, "No job yet");
      return FALSE;
    }
  bytes = serialize_results (self, format_for_file (file), error);
  if (bytes == NULL)
    return FALSE;
  return g_file_replace_contents (file, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                  NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error);
}
