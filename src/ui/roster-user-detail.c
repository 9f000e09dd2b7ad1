/* roster-user-detail.c */
#define G_LOG_DOMAIN "roster-user-detail"

#include "config.h"

#include <glib/gi18n.h>

#include "roster-compat.h"
#include "roster-labels.h"
#include "roster-user-detail.h"

struct _RosterUserDetail
{
  AdwBin               parent_instance;

  /* Template widgets */
  AdwPreferencesPage  *page;
  AdwPreferencesGroup *identity_group;
  AdwActionRow        *status_row;
  AdwActionRow        *type_row;
  AdwActionRow        *inactivity_row;
  AdwActionRow        *protected_row;
  AdwPreferencesGroup *products_group;
  AdwPreferencesGroup *groups_group;
  GtkLinkButton       *admin_link;

  RosterUser          *user;          /* (owned) (nullable) */
  GPtrArray           *dynamic_rows;  /* (owned) rows added per user: (group, row) pairs */
};

G_DEFINE_FINAL_TYPE (RosterUserDetail, roster_user_detail, ADW_TYPE_BIN)

enum {
  CLOSE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
close_clicked_cb (RosterUserDetail *self)
{
  g_signal_emit (self, signals[CLOSE], 0);
}

static gboolean
activate_link_cb (GtkLinkButton    *button,
                  RosterUserDetail *self)
{
  roster_compat_show_uri (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                          gtk_link_button_get_uri (button));
  return TRUE;
}

static void
add_row (RosterUserDetail    *self,
         AdwPreferencesGroup *group,
         const char          *title,
         const char          *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->dynamic_rows, group);
  g_ptr_array_add (self->dynamic_rows, row);
}

static void
clear_rows (RosterUserDetail *self)
{
  for (guint i = 0; i + 1 < self->dynamic_rows->len; i += 2)
    adw_preferences_group_remove (g_ptr_array_index (self->dynamic_rows, i),
                                  g_ptr_array_index (self->dynamic_rows, i + 1));
  g_ptr_array_set_size (self->dynamic_rows, 0);
}

static char *
describe_last_active (gint64 last,
                      gint64 now)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *date = NULL;
  int days;

  if (last <= 0)
    return g_strdup (_("Never active"));
  dt = g_date_time_new_from_unix_local (last);
  date = g_date_time_format (dt, "%x");
  days = roster_inactivity_days (last, now);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Last active %s, %d day ago",
                                       "Last active %s, %d days ago", days),
                          date, days);
}

static void
roster_user_detail_dispose (GObject *object)
{
  RosterUserDetail *self = ROSTER_USER_DETAIL (object);

  g_clear_pointer (&self->dynamic_rows, g_ptr_array_unref);
  g_clear_object (&self->user);
  gtk_widget_dispose_template (GTK_WIDGET (self), ROSTER_TYPE_USER_DETAIL);

  G_OBJECT_CLASS (roster_user_detail_parent_class)->dispose (object);
}

static void
roster_user_detail_class_init (RosterUserDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = roster_user_detail_dispose;

  signals[CLOSE] = g_signal_new ("close", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/ui/roster-user-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, RosterUserDetail, page);
  gtk_widget_class_bind_template_child (widget_class, RosterUserDetail, identity_group);
  gtk_widget_class_bind_template_child (widget_class, RosterUserDetail, status_row);
  gtk_widget_class_bind_template_child (widget_class, RosterUserDetail, type_row);
  gtk_widget_class_bind_template_child (widget_class, RosterUserDetail, inactivity_row);
  gtk_widget_class_bind_template_child (widget_class, RosterUserDetail, protected_row);
  gtk_widget_class_bind_template_child (widget_class, RosterUserDetail, products_group);
  gtk_widget_class_bind_template_child (widget_class, RosterUserDetail, groups_group);
  gtk_widget_class_bind_template_child (widget_class, RosterUserDetail, admin_link);
  gtk_widget_class_bind_template_callback (widget_class, close_clicked_cb);
}

static void
roster_user_detail_init (RosterUserDetail *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->dynamic_rows = g_ptr_array_new ();
  g_signal_connect (self->admin_link, "activate-link", G_CALLBACK (activate_link_cb), self);
}

void
roster_user_detail_set_user (RosterUserDetail       *self,
                             RosterUser             *user,
                             const char             *org_id,
                             const RosterThresholds *thresholds)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  GPtrArray *products, *groups;
  g_autofree char *uri = NULL;
  g_autofree char *inactive = NULL;
  RosterInactivityLevel level;

  g_return_if_fail (ROSTER_IS_USER_DETAIL (self));
  g_return_if_fail (ROSTER_IS_USER (user));

  g_set_object (&self->user, user);
  clear_rows (self);

  adw_preferences_group_set_title (self->identity_group, roster_user_get_name (user));
  adw_preferences_group_set_description (self->identity_group,
                                         roster_user_get_email (user) ? roster_user_get_email (user)
                                                                      : _("Email hidden"));
  adw_action_row_set_subtitle (self->status_row, roster_status_label (roster_user_get_status (user)));
  adw_action_row_set_subtitle (self->type_row,
                               roster_account_type_label (roster_user_get_account_type (user)));
  level = roster_inactivity_classify (thresholds, roster_user_get_last_active (user), now);
  inactive = describe_last_active (roster_user_get_last_active (user), now);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->inactivity_row), roster_inactivity_label (level));
  adw_action_row_set_subtitle (self->inactivity_row, inactive);
  /* TODO: protected accounts need the store API for them. */
  adw_action_row_set_subtitle (self->protected_row, "—");

  products = roster_user_get_products (user);
  for (guint i = 0; products != NULL && i < products->len; i++)
    {
      RosterProductAccess *access = g_ptr_array_index (products, i);
      g_autofree char *text = describe_last_active (access->last_active, now);

      add_row (self, self->products_group, roster_product_label (access->product), text);
    }
  if (products == NULL || products->len == 0)
    add_row (self, self->products_group, _("No product access"), NULL);

  groups = roster_user_get_groups (user);
  for (guint i = 0; groups != NULL && i < groups->len; i++)
    {
      RosterGroupRef *ref = g_ptr_array_index (groups, i);

      add_row (self, self->groups_group, ref->name, NULL);
    }
  if (groups == NULL || groups->len == 0)
    add_row (self, self->groups_group, _("Not in any group"), NULL);

  uri = g_strdup_printf ("https://admin.atlassian.com/o/%s/users/%s", org_id ? org_id : "",
                         roster_user_get_account_id (user));
  gtk_link_button_set_uri (self->admin_link, uri);
}

RosterUser *
roster_user_detail_get_user (RosterUserDetail *self)
{
  g_return_val_if_fail (ROSTER_IS_USER_DETAIL (self), NULL);

  return self->user;
}
