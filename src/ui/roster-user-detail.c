/* roster-user-detail.c */
#define G_LOG_DOMAIN "roster-user-detail"

#include "config.h"

#include <glib/gi18n.h>

#include "roster-compat.h"
#include "roster-labels.h"
#include "roster-application.h"
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
  GtkSwitch           *protected_switch;
  AdwPreferencesGroup *products_group;
  AdwPreferencesGroup *groups_group;
  GtkLinkButton       *admin_link;

  RosterUser          *user;          /* (owned) (nullable) */
  RosterProtectedModel *protected_model; /* (owned) (nullable) */
  GPtrArray           *dynamic_rows;  /* (owned) rows added per user: (group, row) pairs */
};

G_DEFINE_FINAL_TYPE (RosterUserDetail, roster_user_detail, ADW_TYPE_BIN)

enum {
  CLOSE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean protected_state_set_cb (RosterUserDetail *self,
                                        gboolean          state);

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
update_protected (RosterUserDetail *self)
{
  const char *account_id = self->user ? roster_user_get_account_id (self->user) : NULL;
  const char *reason = NULL;
  gboolean loaded = self->protected_model != NULL &&
                    roster_protected_model_is_loaded (self->protected_model);

  if (loaded)
    reason = roster_protected_model_get_reason (self->protected_model, account_id);

  g_signal_handlers_block_by_func (self->protected_switch, protected_state_set_cb, self);
  gtk_switch_set_state (self->protected_switch, reason != NULL);
  gtk_switch_set_active (self->protected_switch, reason != NULL);
  g_signal_handlers_unblock_by_func (self->protected_switch, protected_state_set_cb, self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->protected_switch), loaded && account_id != NULL);

  if (!loaded)
    adw_action_row_set_subtitle (self->protected_row, "—");
  else if (reason == NULL)
    adw_action_row_set_subtitle (self->protected_row, _("No: bulk changes can change this account"));
  else if (g_strcmp0 (reason, ROSTER_PROTECTED_REASON_ORG_ADMIN) == 0)
    adw_action_row_set_subtitle (self->protected_row, _("Yes, as an organization admin: bulk changes skip it"));
  else
    adw_action_row_set_subtitle (self->protected_row, _("Yes, added by you: bulk changes skip it"));
}

static void
protected_set_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(RosterUserDetail) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!roster_protected_model_set_protected_finish (ROSTER_PROTECTED_MODEL (object), result, &error))
    {
      GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
      g_autofree char *text = roster_describe_error (error);

      if (overlay != NULL)
        adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
    }
  update_protected (self);
}

static gboolean
protected_state_set_cb (RosterUserDetail *self,
                        gboolean          state)
{
  if (self->protected_model == NULL || self->user == NULL)
    return TRUE;
  /* The switch shows the new state once the store has it (update_protected). */
  gtk_widget_set_sensitive (GTK_WIDGET (self->protected_switch), FALSE);
  roster_protected_model_set_protected_async (self->protected_model,
                                              roster_user_get_account_id (self->user), state,
                                              NULL, protected_set_cb, g_object_ref (self));
  return TRUE;
}

static void
roster_user_detail_dispose (GObject *object)
{
  RosterUserDetail *self = ROSTER_USER_DETAIL (object);

  g_clear_pointer (&self->dynamic_rows, g_ptr_array_unref);
  g_clear_object (&self->user);
  if (self->protected_model != NULL)
    g_signal_handlers_disconnect_by_data (self->protected_model, self);
  g_clear_object (&self->protected_model);
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
  gtk_widget_class_bind_template_child (widget_class, RosterUserDetail, protected_switch);
  gtk_widget_class_bind_template_child (widget_class, RosterUserDetail, products_group);
  gtk_widget_class_bind_template_child (widget_class, RosterUserDetail, groups_group);
  gtk_widget_class_bind_template_child (widget_class, RosterUserDetail, admin_link);
  gtk_widget_class_bind_template_callback (widget_class, close_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, protected_state_set_cb);
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
  update_protected (self);

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

void
roster_user_detail_set_protected_model (RosterUserDetail     *self,
                                        RosterProtectedModel *model)
{
  g_return_if_fail (ROSTER_IS_USER_DETAIL (self));

  if (self->protected_model == model)
    return;
  if (self->protected_model != NULL)
    g_signal_handlers_disconnect_by_data (self->protected_model, self);
  g_set_object (&self->protected_model, model);
  if (model != NULL)
    g_signal_connect_object (model, "changed", G_CALLBACK (update_protected), self,
                             G_CONNECT_SWAPPED);
  update_protected (self);
}

gboolean
roster_user_detail_get_protected (RosterUserDetail *self)
{
  g_return_val_if_fail (ROSTER_IS_USER_DETAIL (self), FALSE);

  return gtk_switch_get_active (self->protected_switch);
}

RosterUser *
roster_user_detail_get_user (RosterUserDetail *self)
{
  g_return_val_if_fail (ROSTER_IS_USER_DETAIL (self), NULL);

  return self->user;
}
