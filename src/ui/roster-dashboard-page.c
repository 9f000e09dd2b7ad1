/* roster-dashboard-page.c */
#define G_LOG_DOMAIN "roster-dashboard-page"

#include "config.h"

#include <glib/gi18n.h>

#include "roster-application.h"
#include "roster-bar-chart.h"
#include "roster-dashboard-page.h"
#include "roster-inactivity.h"
#include "roster-stat-card.h"
#include "roster-stats.h"

#define N_ATTENTION  8

struct _RosterDashboardPage
{
  AdwBin          parent_instance;

  GtkLabel       *org_label;
  GtkLabel       *refreshed_label;
  GtkFlowBox     *cards_box;
  RosterStatCard *total_card;
  RosterStatCard *active_card;
  RosterStatCard *suspended_card;
  RosterStatCard *billable_card;
  RosterStatCard *warning_card;
  RosterStatCard *overdue_card;
  RosterStatCard *never_card;
  RosterBarChart *products_chart;
  RosterBarChart *inactivity_chart;
  GtkListBox     *attention_list;

  RosterContext  *context;          /* (owned) (nullable) */
  GSignalGroup   *context_signals;  /* (owned) */
  guint           tick_id;
  guint           rebuild_id;
};

G_DEFINE_FINAL_TYPE (RosterDashboardPage, roster_dashboard_page, ADW_TYPE_BIN)

static void
attention_row_activated_cb (RosterDashboardPage *self,
                            GtkListBoxRow       *row)
{
  const char *id = g_object_get_data (G_OBJECT (row), "account-id");

  if (id != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-user", "s", id);
}

static void
rebuild (RosterDashboardPage *self)
{
  RosterUserSet *set = self->context ? roster_context_get_users (self->context) : NULL;
  RosterThresholds thresholds = { ROSTER_DEFAULT_WARNING_DAYS, ROSTER_DEFAULT_OVERDUE_DAYS };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  RosterStats stats = { 0 };
  g_autofree guint *attention = NULL;
  guint n_attention = 0;
  GtkWidget *child;
  const char *product_labels[] = { _("Jira"), _("Jira Service Management"), _("Confluence"), NULL };
  const char *bucket_labels[] = { _("Under 30 days"), _("30–60 days"), _("60–90 days"), _("90–180 days"),
                                  _("180 days or more"), _("Never"), NULL };

  G_STATIC_ASSERT (G_N_ELEMENTS (bucket_labels) == ROSTER_STATS_N_BUCKETS + 1);

  g_clear_handle_id (&self->rebuild_id, g_source_remove);

  if (self->context != NULL)
    roster_context_get_thresholds (self->context, &thresholds);

  if (set != NULL)
    {
      roster_stats_compute (set, &thresholds, now, &stats);
      attention = g_new (guint, MAX (roster_user_set_get_n_users (set), 1));
      n_attention = roster_stats_needs_attention (set, &thresholds, now, attention);
    }

  roster_stat_card_set_value (self->total_card, stats.total);
  roster_stat_card_set_value (self->active_card, stats.active);
  roster_stat_card_set_value (self->suspended_card, stats.suspended + stats.deactivated);
  roster_stat_card_set_value (self->billable_card, stats.billable);
  roster_stat_card_set_value (self->warning_card, stats.warning);
  roster_stat_card_set_value (self->overdue_card, stats.overdue);
  roster_stat_card_set_value (self->never_card, stats.never_active);

  roster_bar_chart_set_data (self->products_chart, product_labels, stats.product_users,
                             stats.product_active_30d, ROSTER_N_PRODUCTS, _("With access"),
                             _("Active in the last 30 days"));
  roster_bar_chart_set_data (self->inactivity_chart, bucket_labels, stats.histogram, NULL,
                             ROSTER_STATS_N_BUCKETS, NULL, NULL);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->attention_list))) != NULL)
    gtk_list_box_remove (self->attention_list, child);

  for (guint i = 0; i < n_attention && i < N_ATTENTION; i++)
    {
      guint row = attention[i];
      gint64 last = roster_user_set_get_last_active (set, row);
      int days = roster_inactivity_days (last, now);
      gboolean overdue = roster_inactivity_classify (&thresholds, last, now) == ROSTER_INACTIVITY_OVERDUE;
      GtkWidget *action_row = adw_action_row_new ();
      GtkWidget *pill = gtk_label_new (NULL);
      const char *email = roster_user_set_get_email (set, row);
      g_autofree char *subtitle = NULL;

      subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · inactive for %d day",
                                               "%s · inactive for %d days", days),
                                  email ? email : _("Email hidden"), days);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (action_row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (action_row),
                                     roster_user_set_get_name (set, row));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (action_row), subtitle);
      gtk_label_set_label (GTK_LABEL (pill), overdue ? _("Overdue") : _("Warning"));
      gtk_widget_add_css_class (pill, "roster-pill");
      gtk_widget_add_css_class (pill, overdue ? "level-overdue" : "level-warning");
      gtk_widget_set_valign (pill, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (action_row), pill);
      {
        GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");

        /* Decorative: the row itself is announced and activated. */
        gtk_accessible_update_state (GTK_ACCESSIBLE (arrow), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE,
                                     -1);
        adw_action_row_add_suffix (ADW_ACTION_ROW (action_row), arrow);
      }
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (action_row), TRUE);
      g_object_set_data_full (G_OBJECT (action_row), "account-id",
                              g_strdup (roster_user_set_get_account_id (set, row)), g_free);
      gtk_list_box_append (self->attention_list, action_row);
    }

  gtk_label_set_label (self->org_label,
                       self->context && roster_context_get_org_name (self->context)
                         ? roster_context_get_org_name (self->context) : "");
  roster_dashboard_page_update_refreshed (self);
}

static gboolean
rebuild_idle_cb (gpointer user_data)
{
  RosterDashboardPage *self = user_data;

  self->rebuild_id = 0;
  rebuild (self);
  return G_SOURCE_REMOVE;
}

/* A new set of users is counted when the main loop has nothing else to do (after the
 * first frame at launch, which usually shows another page), or as soon as the page
 * is shown or its cards are read, whichever comes first. */
static void
queue_rebuild (RosterDashboardPage *self)
{
  if (self->rebuild_id == 0)
    self->rebuild_id = g_idle_add_full (G_PRIORITY_LOW, rebuild_idle_cb, self, NULL);
}

static void
flush_rebuild (RosterDashboardPage *self)
{
  if (self->rebuild_id != 0)
    rebuild (self);
}

static gboolean
tick_cb (gpointer user_data)
{
  roster_dashboard_page_update_refreshed (user_data);
  return G_SOURCE_CONTINUE;
}

static void
roster_dashboard_page_dispose (GObject *object)
{
  RosterDashboardPage *self = ROSTER_DASHBOARD_PAGE (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  if (self->context_signals != NULL)
    g_signal_group_set_target (self->context_signals, NULL);
  g_clear_object (&self->context_signals);
  g_clear_object (&self->context);
  gtk_widget_dispose_template (GTK_WIDGET (self), ROSTER_TYPE_DASHBOARD_PAGE);

  G_OBJECT_CLASS (roster_dashboard_page_parent_class)->dispose (object);
}

static void
roster_dashboard_page_class_init (RosterDashboardPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = roster_dashboard_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               APP_PATH "/ui/roster-dashboard-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RosterDashboardPage, org_label);
  gtk_widget_class_bind_template_child (widget_class, RosterDashboardPage, refreshed_label);
  gtk_widget_class_bind_template_child (widget_class, RosterDashboardPage, cards_box);
  gtk_widget_class_bind_template_child (widget_class, RosterDashboardPage, total_card);
  gtk_widget_class_bind_template_child (widget_class, RosterDashboardPage, active_card);
  gtk_widget_class_bind_template_child (widget_class, RosterDashboardPage, suspended_card);
  gtk_widget_class_bind_template_child (widget_class, RosterDashboardPage, billable_card);
  gtk_widget_class_bind_template_child (widget_class, RosterDashboardPage, warning_card);
  gtk_widget_class_bind_template_child (widget_class, RosterDashboardPage, overdue_card);
  gtk_widget_class_bind_template_child (widget_class, RosterDashboardPage, never_card);
  gtk_widget_class_bind_template_child (widget_class, RosterDashboardPage, products_chart);
  gtk_widget_class_bind_template_child (widget_class, RosterDashboardPage, inactivity_chart);
  gtk_widget_class_bind_template_child (widget_class, RosterDashboardPage, attention_list);
  gtk_widget_class_bind_template_callback (widget_class, attention_row_activated_cb);

  g_type_ensure (ROSTER_TYPE_STAT_CARD);
  g_type_ensure (ROSTER_TYPE_BAR_CHART);
}

static void
roster_dashboard_page_init (RosterDashboardPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->context_signals = g_signal_group_new (ROSTER_TYPE_CONTEXT);
  g_signal_group_connect_object (self->context_signals, "notify::users",
                                 G_CALLBACK (queue_rebuild), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "map", G_CALLBACK (flush_rebuild), NULL);
  g_signal_group_connect_object (self->context_signals, "thresholds-changed",
                                 G_CALLBACK (rebuild), self, G_CONNECT_SWAPPED);
  self->tick_id = g_timeout_add_seconds (30, tick_cb, self);
  rebuild (self);
}

void
roster_dashboard_page_set_context (RosterDashboardPage *self,
                                   RosterContext       *context)
{
  g_return_if_fail (ROSTER_IS_DASHBOARD_PAGE (self));

  if (g_set_object (&self->context, context))
    g_signal_group_set_target (self->context_signals, context);
  queue_rebuild (self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    flush_rebuild (self);
}

void
roster_dashboard_page_update_refreshed (RosterDashboardPage *self)
{
  gint64 synced = self->context ? roster_context_get_synced_at (self->context) : 0;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *text = NULL;
  g_autofree char *tooltip = NULL;
  gint64 minutes;

  g_return_if_fail (ROSTER_IS_DASHBOARD_PAGE (self));

  if (synced <= 0)
    {
      gtk_label_set_label (self->refreshed_label, _("Not refreshed yet"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->refreshed_label), NULL);
      return;
    }

  minutes = MAX (0, now - synced) / 60;
  if (minutes < 1)
    text = g_strdup (_("Refreshed just now"));
  else if (minutes < 60)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Refreshed %d minute ago",
                                         "Refreshed %d minutes ago", minutes), (int) minutes);
  else if (minutes < 24 * 60)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Refreshed %d hour ago",
                                         "Refreshed %d hours ago", minutes / 60), (int) (minutes / 60));
  else
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (synced);
      g_autofree char *date = g_date_time_format (dt, "%x");

      text = g_strdup_printf (_("Refreshed on %s"), date);
    }

  {
    g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (synced);

    tooltip = g_date_time_format (dt, "%c");
  }
  gtk_label_set_label (self->refreshed_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->refreshed_label), tooltip);
}

RosterStatCard *
roster_dashboard_page_get_card (RosterDashboardPage *self,
                                const char          *name)
{
  g_return_val_if_fail (ROSTER_IS_DASHBOARD_PAGE (self), NULL);

  flush_rebuild (self);
  if (g_str_equal (name, "total")) return self->total_card;
  if (g_str_equal (name, "active")) return self->active_card;
  if (g_str_equal (name, "suspended")) return self->suspended_card;
  if (g_str_equal (name, "billable")) return self->billable_card;
  if (g_str_equal (name, "warning")) return self->warning_card;
  if (g_str_equal (name, "overdue")) return self->overdue_card;
  if (g_str_equal (name, "never")) return self->never_card;
  return NULL;
}
