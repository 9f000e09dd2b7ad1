/* roster-settings-page.c */
#define G_LOG_DOMAIN "roster-settings-page"

#include "config.h"

#include <glib/gi18n.h>

#include "roster-access-groups.h"
#include "roster-application.h"
#include "roster-bulk.h"
#include "roster-error.h"
#include "roster-labels.h"
#include "roster-org.h"
#include "roster-settings-page.h"
#include "roster-site-group.h"

struct _RosterSettingsPage
{
  AdwBin               parent_instance;

  /* Template widgets */
  AdwActionRow        *key_status_row;
  GtkButton           *delete_key_button;
  AdwPasswordEntryRow *key_row;
  GtkLabel            *key_message_label;
  GtkSpinner          *key_spinner;
  GtkButton           *validate_button;
  GtkButton           *save_button;
  AdwActionRow        *org_name_row;
  AdwActionRow        *org_id_row;
  AdwActionRow        *users_row;
  AdwExpanderRow      *directories_row;
  AdwExpanderRow      *domains_row;
  AdwExpanderRow      *workspaces_row;
  AdwActionRow        *details_status_row;
  GtkStack            *details_status_stack;
  GtkSpinner          *details_spinner;
  GtkButton           *details_retry_button;
  AdwActionRow        *api_url_row;
  GtkSpinButton       *warning_spin;
  GtkSpinButton       *overdue_spin;
  GtkLabel            *threshold_error_label;
  GtkSpinButton       *interval_spin;
  GtkSpinButton       *cap_spin;
  GtkSwitch           *notifications_switch;
  GtkButton           *forget_button;
  RosterProtectedGroup *protected_group;
  RosterSiteGroup     *site_group;
  RosterAccessGroups  *access_groups;

  RosterContext       *context;       /* (owned) (nullable) */
  GSignalGroup        *context_signals;
  GCancellable        *cancellable;   /* (owned) (nullable) */
  GCancellable        *details_cancellable; /* (owned) (nullable) */
  RosterOrgDetails    *details;       /* (owned) (nullable) */
  GPtrArray           *detail_rows;   /* (owned) (expander, row) pairs added for details */
  char                *threshold_error;
  char                *key_status;

  guint                demo : 1;
  guint                has_key : 1;
  guint                loading : 1;
};

G_DEFINE_FINAL_TYPE (RosterSettingsPage, roster_settings_page, ADW_TYPE_BIN)

enum {
  KEY_STATUS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
toast (RosterSettingsPage *self,
       const char         *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

static const char *
or_dash (const char *text)
{
  return text && text[0] ? text : "—";
}

static void
set_key_status (RosterSettingsPage *self,
                gboolean            has_key)
{
  const char *org = self->context ? roster_context_get_org_name (self->context) : NULL;

  self->has_key = has_key;
  g_free (self->key_status);
  if (has_key)
    /* Translators: the key itself is never shown again, only this masked form. */
    self->key_status = g_strdup_printf (_("Key saved in the keyring for %s (••••••••)"), or_dash (org));
  else if (self->demo)
    self->key_status = g_strdup (_("Demo organization: its key is never stored"));
  else
    self->key_status = g_strdup (_("No key saved"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->key_status_row), self->key_status);
  gtk_widget_set_sensitive (GTK_WIDGET (self->delete_key_button), has_key);
  gtk_widget_set_sensitive (GTK_WIDGET (self->key_row), !self->demo);
}

static void
set_busy (RosterSettingsPage *self,
          gboolean            busy)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->key_row));
  gboolean has_text = text != NULL && text[0] != '\0';

  gtk_spinner_set_spinning (self->key_spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->validate_button), !busy && has_text && !self->demo);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), !busy && has_text && !self->demo);
}

static void
show_key_message (RosterSettingsPage *self,
                  const char         *text,
                  gboolean            error)
{
  gtk_label_set_label (self->key_message_label, text ? text : "");
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->key_message_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->key_message_label), "error");
}

static void
key_changed_cb (RosterSettingsPage *self)
{
  show_key_message (self, NULL, FALSE);
  set_busy (self, FALSE);
}

static void
reset_cancellable (RosterSettingsPage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
}

static void
validate_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(RosterSettingsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) orgs = NULL;
  gboolean found = FALSE;

  orgs = roster_context_validate_key_finish (ROSTER_CONTEXT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);

  if (orgs == NULL)
    {
      g_autofree char *text = roster_describe_error (error);

      show_key_message (self, text, TRUE);
      return;
    }

  for (guint i = 0; i < orgs->len; i++)
    if (g_strcmp0 (roster_org_get_id (g_ptr_array_index (orgs, i)),
                   roster_context_get_org_id (self->context)) == 0)
      found = TRUE;

  if (found)
    show_key_message (self, _("The key works for this organization"), FALSE);
  else
    show_key_message (self, _("The key is valid but cannot see this organization"), TRUE);
}

static void
validate_clicked_cb (RosterSettingsPage *self)
{
  if (self->context == NULL)
    return;
  reset_cancellable (self);
  set_busy (self, TRUE);
  roster_context_validate_key_async (self->context, roster_context_get_admin_url (self->context),
                                     gtk_editable_get_text (GTK_EDITABLE (self->key_row)),
                                     self->cancellable, validate_cb, g_object_ref (self));
}

static void
save_key_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(RosterSettingsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!roster_context_save_key_finish (ROSTER_CONTEXT (object), result, &error))
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      text = roster_describe_error (error);
      set_busy (self, FALSE);
      show_key_message (self, text, TRUE);
      g_signal_emit (self, signals[KEY_STATUS_CHANGED], 0);
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->key_row), "");
  set_busy (self, FALSE);
  set_key_status (self, TRUE);
  toast (self, _("API key saved in the keyring"));
  g_signal_emit (self, signals[KEY_STATUS_CHANGED], 0);
}

void
roster_settings_page_save_key (RosterSettingsPage *self,
                               const char         *api_key)
{
  g_return_if_fail (ROSTER_IS_SETTINGS_PAGE (self));

  if (self->context == NULL || api_key == NULL || api_key[0] == '\0')
    return;
  reset_cancellable (self);
  set_busy (self, TRUE);
  roster_context_save_key_async (self->context, roster_context_get_org_id (self->context),
                                 roster_context_get_org_name (self->context), api_key,
                                 self->cancellable, save_key_cb, g_object_ref (self));
}

static void
save_clicked_cb (RosterSettingsPage *self)
{
  roster_settings_page_save_key (self, gtk_editable_get_text (GTK_EDITABLE (self->key_row)));
}

static void
delete_key_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(RosterSettingsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!roster_context_delete_key_finish (ROSTER_CONTEXT (object), result, &error))
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      text = roster_describe_error (error);
      toast (self, text);
      g_signal_emit (self, signals[KEY_STATUS_CHANGED], 0);
      return;
    }

  set_key_status (self, FALSE);
  toast (self, _("The API key was removed from the keyring"));
  g_signal_emit (self, signals[KEY_STATUS_CHANGED], 0);
}

void
roster_settings_page_delete_key (RosterSettingsPage *self)
{
  g_return_if_fail (ROSTER_IS_SETTINGS_PAGE (self));

  if (self->context == NULL)
    return;
  reset_cancellable (self);
  roster_context_delete_key_async (self->context, self->cancellable, delete_key_cb,
                                   g_object_ref (self));
}

static void
delete_response_cb (AdwMessageDialog   *dialog,
                    const char         *response,
                    RosterSettingsPage *self)
{
  if (g_strcmp0 (response, "delete") == 0)
    roster_settings_page_delete_key (self);
}

static AdwMessageDialog *
confirm_dialog (RosterSettingsPage *self,
                const char         *heading,
                const char         *body,
                const char         *response_id,
                const char         *response_label)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    response_id, response_label,
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), response_id,
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  return ADW_MESSAGE_DIALOG (dialog);
}

static void
delete_key_clicked_cb (RosterSettingsPage *self)
{
  AdwMessageDialog *dialog;

  dialog = confirm_dialog (self, _("Delete the API Key?"),
                           _("The key is removed from the keyring. Roster keeps the cached users, "
                             "but cannot refresh them or make changes until you add a key again."),
                           "delete", _("_Delete Key"));
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
forget_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(RosterSettingsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!roster_context_forget_local_data_finish (ROSTER_CONTEXT (object), result, &error))
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      text = roster_describe_error (error);
      toast (self, text);
      return;
    }

  toast (self, _("Local data of the organization was deleted"));
  gtk_widget_activate_action (GTK_WIDGET (self), "win.close-org", NULL);
}

static void
forget_response_cb (AdwMessageDialog   *dialog,
                    const char         *response,
                    RosterSettingsPage *self)
{
  if (g_strcmp0 (response, "forget") != 0 || self->context == NULL)
    return;
  reset_cancellable (self);
  roster_context_forget_local_data_async (self->context, self->cancellable, forget_cb,
                                          g_object_ref (self));
}

static void
forget_clicked_cb (RosterSettingsPage *self)
{
  AdwMessageDialog *dialog;

  dialog = confirm_dialog (self, _("Forget Local Data?"),
                           _("The cached users, thresholds and settings of this organization are "
                             "deleted from this computer. The organization itself is not changed."),
                           "forget", _("_Forget"));
  g_signal_connect_object (dialog, "response", G_CALLBACK (forget_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_threshold_error (RosterSettingsPage *self,
                      const char         *message)
{
  g_clear_pointer (&self->threshold_error, g_free);
  self->threshold_error = g_strdup (message);
  gtk_label_set_label (self->threshold_error_label, self->threshold_error);
  gtk_widget_set_visible (GTK_WIDGET (self->threshold_error_label), TRUE);
}

static void
thresholds_saved_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(RosterSettingsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  /* Validated before: what can fail here is the cache, whose error says why. */
  if (!roster_context_set_thresholds_finish (ROSTER_CONTEXT (object), result, &error))
    show_threshold_error (self, error->message);
}

static void
thresholds_changed_cb (RosterSettingsPage *self)
{
  g_autoptr(GError) error = NULL;
  RosterThresholds thresholds;

  if (self->loading)
    return;

  thresholds.warning_days = gtk_spin_button_get_value_as_int (self->warning_spin);
  thresholds.overdue_days = gtk_spin_button_get_value_as_int (self->overdue_spin);

  if (!roster_thresholds_validate (thresholds.warning_days, thresholds.overdue_days, &error))
    {
      show_threshold_error (self, _("The overdue threshold must be later than the warning threshold."));
      return;
    }

  g_clear_pointer (&self->threshold_error, g_free);
  gtk_widget_set_visible (GTK_WIDGET (self->threshold_error_label), FALSE);
  if (self->context != NULL)
    roster_context_set_thresholds_async (self->context, &thresholds, NULL, thresholds_saved_cb,
                                         g_object_ref (self));
}

/* Organization details */

static void
add_detail_row (RosterSettingsPage *self,
                AdwExpanderRow     *expander,
                const char         *title,
                const char         *subtitle,
                const char         *icon_name,
                const char         *icon_tooltip)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title ? title : "—");
  if (subtitle != NULL && subtitle[0] != '\0')
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (icon_name != NULL)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name (icon_name);

      gtk_widget_set_tooltip_text (icon, icon_tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      icon_tooltip, -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
    }
  adw_expander_row_add_row (expander, row);
  g_ptr_array_add (self->detail_rows, expander);
  g_ptr_array_add (self->detail_rows, row);
}

static void
clear_detail_rows (RosterSettingsPage *self)
{
  for (guint i = 0; i + 1 < self->detail_rows->len; i += 2)
    adw_expander_row_remove (g_ptr_array_index (self->detail_rows, i),
                             g_ptr_array_index (self->detail_rows, i + 1));
  g_ptr_array_set_size (self->detail_rows, 0);
}

static void
set_details_status (RosterSettingsPage *self,
                    const char         *title,
                    const char         *subtitle,
                    gboolean            error)
{
  gtk_widget_set_visible (GTK_WIDGET (self->details_status_row), title != NULL);
  gtk_spinner_set_spinning (self->details_spinner, title != NULL && !error);
  gtk_widget_set_visible (GTK_WIDGET (self->details_retry_button), error);
  gtk_stack_set_visible_child_name (self->details_status_stack, error ? "error" : "loading");
  if (title == NULL)
    return;
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->details_status_row), title);
  adw_action_row_set_subtitle (self->details_status_row, subtitle ? subtitle : "");
}

/* Sums the users/stats object: {"accountStatus":[{"status","count"}],"roles":[{"roleId","count"}]}. */
static guint64
stats_count (JsonNode   *stats,
             const char *array,
             const char *key,
             const char *value)
{
  JsonObject *object;
  JsonArray *items;

  if (stats == NULL || !JSON_NODE_HOLDS_OBJECT (stats))
    return 0;
  object = json_node_get_object (stats);
  if (!json_object_has_member (object, array) ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, array)))
    return 0;
  items = json_object_get_array_member (object, array);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      JsonObject *item;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      item = json_node_get_object (node);
      if (g_strcmp0 (json_object_get_string_member_with_default (item, key, NULL), value) == 0)
        return json_object_get_int_member_with_default (item, "count", 0);
    }
  return 0;
}

static void
update_org (RosterSettingsPage *self)
{
  RosterUserSet *users = self->context ? roster_context_get_users (self->context) : NULL;
  RosterOrgDetails *details = self->details;
  g_autofree char *users_text = NULL;

  adw_action_row_set_subtitle (self->org_name_row,
                               or_dash (details ? details->org_name
                                        : self->context ? roster_context_get_org_name (self->context)
                                        : NULL));
  adw_action_row_set_subtitle (self->org_id_row,
                               or_dash (self->context ? roster_context_get_org_id (self->context) : NULL));
  adw_action_row_set_subtitle (self->api_url_row,
                               or_dash (self->context ? roster_context_get_admin_url (self->context) : NULL));

  if (details != NULL)
    {
      g_autofree char *total = roster_format_count (details->n_users);
      g_autofree char *active = roster_format_count (stats_count (details->stats, "accountStatus", "status", "active"));
      guint64 admins = stats_count (details->stats, "roles", "roleId", "atlassian/org-admin");
      g_autofree char *cached = users ? roster_format_count (roster_user_set_get_n_users (users)) : NULL;

      /* Translators: "1,234 in the directory, 1,200 active"; a second line may follow. */
      users_text = g_strdup_printf (_("%s in the directory, %s active"), total, active);
      if (admins > 0)
        {
          char *with_admins = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s, %u organization admin",
                                                            "%s, %u organization admins", admins),
                                               users_text, (guint) admins);
          g_free (users_text);
          users_text = with_admins;
        }
      if (cached != NULL)
        {
          char *with_cache = g_strdup_printf (_("%s\n%s cached on this computer"), users_text, cached);
          g_free (users_text);
          users_text = with_cache;
        }
    }
  else if (users != NULL)
    {
      g_autofree char *cached = roster_format_count (roster_user_set_get_n_users (users));

      users_text = g_strdup_printf (_("%s cached on this computer"), cached);
    }
  adw_action_row_set_subtitle (self->users_row, or_dash (users_text));

  clear_detail_rows (self);
  if (details == NULL)
    {
      adw_expander_row_set_subtitle (self->directories_row, "—");
      adw_expander_row_set_subtitle (self->domains_row, "—");
      adw_expander_row_set_subtitle (self->workspaces_row, "—");
      gtk_widget_set_sensitive (GTK_WIDGET (self->directories_row), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->domains_row), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->workspaces_row), FALSE);
      return;
    }

  /* Directories */
  {
    g_autofree char *subtitle = NULL;

    for (guint i = 0; details->directories && i < details->directories->len; i++)
      {
        RosterDirectory *dir = g_ptr_array_index (details->directories, i);

        add_detail_row (self, self->directories_row, roster_directory_get_name (dir),
                        roster_directory_get_id (dir), NULL, NULL);
      }
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u directory", "%u directories",
                                             details->directories ? details->directories->len : 0),
                                details->directories ? details->directories->len : 0);
    adw_expander_row_set_subtitle (self->directories_row, subtitle);
    gtk_widget_set_sensitive (GTK_WIDGET (self->directories_row),
                              details->directories && details->directories->len > 0);
  }

  /* Domains, verified first */
  {
    g_autofree char *subtitle = NULL;
    guint n = details->domains ? details->domains->len : 0;
    guint verified = 0;

    for (int pass = 0; pass < 2; pass++)
      for (guint i = 0; i < n; i++)
        {
          RosterDomain *domain = g_ptr_array_index (details->domains, i);
          gboolean is_verified = roster_domain_is_verified (domain);
          g_autofree char *how = NULL;

          if (is_verified != (pass == 0))
            continue;
          if (is_verified)
            {
              verified++;
              how = roster_domain_get_claim_type (domain)
                      ? g_strdup_printf (_("Verified by %s"), roster_domain_get_claim_type (domain))
                      : g_strdup (_("Verified"));
            }
          else
            {
              how = g_strdup_printf (_("Not verified (%s)"),
                                     or_dash (roster_domain_get_claim_status (domain)));
            }
          add_detail_row (self, self->domains_row, roster_domain_get_name (domain), how,
                          is_verified ? "emblem-ok-symbolic" : "dialog-warning-symbolic",
                          is_verified ? _("Verified") : _("Not verified"));
        }
    /* Translators: "2 verified of 3". */
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u verified of %u domain",
                                             "%u verified of %u domains", n),
                                verified, n);
    adw_expander_row_set_subtitle (self->domains_row, subtitle);
    gtk_widget_set_sensitive (GTK_WIDGET (self->domains_row), n > 0);
  }

  /* Workspaces: products with their site */
  {
    g_autoptr(GString) summary = g_string_new (NULL);
    guint n = details->workspaces ? details->workspaces->len : 0;

    for (guint i = 0; i < n; i++)
      {
        RosterWorkspace *ws = g_ptr_array_index (details->workspaces, i);
        RosterProduct product = roster_workspace_get_product (ws);
        const char *product_name = product == ROSTER_PRODUCT_OTHER
                                     ? roster_workspace_get_type_key (ws)
                                     : roster_product_label (product);
        const char *host = roster_workspace_get_host_url (ws);
        g_autofree char *subtitle = NULL;

        subtitle = g_strdup_printf ("%s%s%s", or_dash (host),
                                    roster_workspace_get_status (ws) ? " · " : "",
                                    roster_workspace_get_status (ws) ? roster_workspace_get_status (ws) : "");
        add_detail_row (self, self->workspaces_row, product_name ? product_name : roster_workspace_get_name (ws),
                        subtitle, NULL, NULL);
        if (product != ROSTER_PRODUCT_OTHER && strstr (summary->str, roster_product_label (product)) == NULL)
          {
            if (summary->len > 0)
              g_string_append (summary, ", ");
            g_string_append (summary, roster_product_label (product));
          }
      }
    adw_expander_row_set_subtitle (self->workspaces_row, summary->len > 0 ? summary->str : "—");
    gtk_widget_set_sensitive (GTK_WIDGET (self->workspaces_row), n > 0);
  }
}

static void
load_details_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(RosterSettingsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  RosterOrgDetails *details;

  details = roster_context_load_org_details_finish (ROSTER_CONTEXT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->details_cancellable);

  if (details == NULL)
    {
      g_autofree char *text = roster_describe_error (error);

      set_details_status (self, _("Organization details could not be loaded"), text, TRUE);
      return;
    }

  g_clear_pointer (&self->details, roster_org_details_free);
  self->details = details;
  set_details_status (self, NULL, NULL, FALSE);
  update_org (self);
}

static void
load_details (RosterSettingsPage *self)
{
  g_cancellable_cancel (self->details_cancellable);
  g_clear_object (&self->details_cancellable);

  if (self->context == NULL || !roster_context_is_open (self->context))
    {
      set_details_status (self, NULL, NULL, FALSE);
      return;
    }

  self->details_cancellable = g_cancellable_new ();
  set_details_status (self, _("Loading organization details…"), NULL, FALSE);
  roster_context_load_org_details_async (self->context, self->details_cancellable,
                                         load_details_cb, g_object_ref (self));
}

static void
details_retry_clicked_cb (RosterSettingsPage *self)
{
  load_details (self);
}

/* The bulk cap is an org setting in the store, read and written asynchronously;
 * the engine refuses a larger plan without an explicit override. */
static void
cap_loaded_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(RosterSettingsPage) self = user_data;
  g_autofree char *value = roster_store_get_setting_finish (ROSTER_STORE (object), result, NULL);
  guint64 cap = ROSTER_BULK_DEFAULT_CAP;

  if (value != NULL)
    g_ascii_string_to_unsigned (value, 10, 1, 100000, &cap, NULL);
  self->loading = TRUE;
  gtk_spin_button_set_value (self->cap_spin, cap);
  self->loading = FALSE;
}

static void
load_cap (RosterSettingsPage *self)
{
  RosterStore *store = self->context ? roster_context_get_store (self->context) : NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->cap_spin), store != NULL);
  if (store == NULL)
    return;
  roster_store_get_setting_async (store, ROSTER_BULK_SETTING_CAP, NULL, cap_loaded_cb,
                                  g_object_ref (self));
}

static void
cap_changed_cb (RosterSettingsPage *self)
{
  RosterStore *store = self->context ? roster_context_get_store (self->context) : NULL;
  g_autofree char *value = NULL;

  if (self->loading || store == NULL)
    return;

  value = g_strdup_printf ("%d", gtk_spin_button_get_value_as_int (self->cap_spin));
  roster_store_set_setting_async (store, ROSTER_BULK_SETTING_CAP, value, NULL, NULL, NULL);
  roster_context_audit (self->context, "config-set", ROSTER_BULK_SETTING_CAP, "done", 0, NULL, value);
}

static void
load_thresholds (RosterSettingsPage *self)
{
  RosterThresholds thresholds = { ROSTER_DEFAULT_WARNING_DAYS, ROSTER_DEFAULT_OVERDUE_DAYS };

  if (self->context != NULL)
    roster_context_get_thresholds (self->context, &thresholds);
  self->loading = TRUE;
  gtk_spin_button_set_value (self->warning_spin, thresholds.warning_days);
  gtk_spin_button_set_value (self->overdue_spin, thresholds.overdue_days);
  self->loading = FALSE;
}

static void
roster_settings_page_dispose (GObject *object)
{
  RosterSettingsPage *self = ROSTER_SETTINGS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->details_cancellable);
  g_clear_object (&self->details_cancellable);
  g_clear_pointer (&self->details, roster_org_details_free);
  if (self->context_signals != NULL)
    g_signal_group_set_target (self->context_signals, NULL);
  g_clear_object (&self->context_signals);
  g_clear_object (&self->context);
  gtk_widget_dispose_template (GTK_WIDGET (self), ROSTER_TYPE_SETTINGS_PAGE);

  G_OBJECT_CLASS (roster_settings_page_parent_class)->dispose (object);
}

static void
roster_settings_page_finalize (GObject *object)
{
  RosterSettingsPage *self = ROSTER_SETTINGS_PAGE (object);

  g_clear_pointer (&self->threshold_error, g_free);
  g_clear_pointer (&self->key_status, g_free);
  g_clear_pointer (&self->detail_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (roster_settings_page_parent_class)->finalize (object);
}

static void
roster_settings_page_class_init (RosterSettingsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = roster_settings_page_dispose;
  object_class->finalize = roster_settings_page_finalize;

  signals[KEY_STATUS_CHANGED] = g_signal_new ("key-status-changed", G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               APP_PATH "/ui/roster-settings-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RosterSettingsPage, key_status_row);
  gtk_widget_class_bind_template_child (widget_class, RosterSettingsPage, delete_key_button);
  gtk_widget_class_bind_template_child (widget_class, RosterSettingsPage, key_row);
  gtk_widget_class_bind_template_child (widget_class, RosterSettingsPage, key_message_label);
  gtk_widget_class_bind_template_child (widget_class, RosterSettingsPage, key_spinner);
  gtk_widget_class_bind_template_child (widget_class, RosterSettingsPage, validate_button);
  gtk_widget_class_bind_template_child (widget_class, RosterSettingsPage, save_button);
  gtk_widget_class_bind_template_child (widget_class, RosterSettingsPage, org_name_row);
  gtk_widget_class_bind_template_child (widget_class, RosterSettingsPage, org_id_row);
  gtk_widget_class_bind_template_child (widget_class, RosterSettingsPage, users_row);
  gtk_widget_class_bind_template_child (widget_class, RosterSettingsPage, directories_row);
  gtk_widget_class_bind_template_child (widget_class, RosterSettingsPage, domains_row);
  gtk_widget_class_bind_template_child (widget_class, RosterSettingsPage, workspaces_row);
  gtk_widget_class_bind_template_child (widget_class, RosterSettingsPage, details_status_row);
  gtk_widget_class_bind_template_child (widget_class, RosterSettingsPage, details_status_stack);
  gtk_widget_class_bind_template_child (widget_class, RosterSettingsPage, details_spinner);
  gtk_widget_class_bind_template_child (widget_class, RosterSettingsPage, details_retry_button);
  gtk_widget_class_bind_template_child (widget_class, RosterSettingsPage, api_url_row);
  gtk_widget_class_bind_template_child (widget_class, RosterSettingsPage, warning_spin);
  gtk_widget_class_bind_template_child (widget_class, RosterSettingsPage, overdue_spin);
  gtk_widget_class_bind_template_child (widget_class, RosterSettingsPage, threshold_error_label);
  gtk_widget_class_bind_template_child (widget_class, RosterSettingsPage, interval_spin);
  gtk_widget_class_bind_template_child (widget_class, RosterSettingsPage, cap_spin);
  gtk_widget_class_bind_template_child (widget_class, RosterSettingsPage, notifications_switch);
  gtk_widget_class_bind_template_child (widget_class, RosterSettingsPage, forget_button);
  gtk_widget_class_bind_template_child (widget_class, RosterSettingsPage, protected_group);
  gtk_widget_class_bind_template_child (widget_class, RosterSettingsPage, site_group);
  gtk_widget_class_bind_template_child (widget_class, RosterSettingsPage, access_groups);
  gtk_widget_class_bind_template_callback (widget_class, key_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, validate_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, delete_key_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, forget_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, thresholds_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, cap_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, details_retry_clicked_cb);

  g_type_ensure (ROSTER_TYPE_PROTECTED_GROUP);
  g_type_ensure (ROSTER_TYPE_SITE_GROUP);
  g_type_ensure (ROSTER_TYPE_ACCESS_GROUPS);
}

static void
roster_settings_page_init (RosterSettingsPage *self)
{
  GApplication *app = g_application_get_default ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->detail_rows = g_ptr_array_new ();

  self->context_signals = g_signal_group_new (ROSTER_TYPE_CONTEXT);
  g_signal_group_connect_object (self->context_signals, "notify::users",
                                 G_CALLBACK (update_org), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->context_signals, "thresholds-changed",
                                 G_CALLBACK (load_thresholds), self, G_CONNECT_SWAPPED);

  if (ROSTER_IS_APPLICATION (app))
    {
      GSettings *settings = roster_settings_get_gsettings (
          roster_application_get_settings (ROSTER_APPLICATION (app)));

      if (settings != NULL)
        {
          g_settings_bind (settings, "refresh-interval",
                           gtk_spin_button_get_adjustment (self->interval_spin), "value",
                           G_SETTINGS_BIND_DEFAULT);
          g_settings_bind (settings, "notifications", self->notifications_switch, "active",
                           G_SETTINGS_BIND_DEFAULT);
        }
    }

  set_key_status (self, FALSE);
  set_busy (self, FALSE);
}

void
roster_settings_page_set_context (RosterSettingsPage *self,
                                  RosterContext      *context,
                                  gboolean            demo)
{
  g_return_if_fail (ROSTER_IS_SETTINGS_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_set_object (&self->context, context);
  g_signal_group_set_target (self->context_signals, context);
  self->demo = !!demo;

  gtk_editable_set_text (GTK_EDITABLE (self->key_row), "");
  show_key_message (self, NULL, FALSE);
  /* An org that opened without a key given came from the keyring. */
  set_key_status (self, context != NULL && roster_context_is_open (context) && !demo);
  gtk_widget_set_sensitive (GTK_WIDGET (self->forget_button), context != NULL);
  set_busy (self, FALSE);
  if (self->details_cancellable != NULL || self->details == NULL ||
      g_strcmp0 (self->details->org_id, context ? roster_context_get_org_id (context) : NULL) != 0)
    {
      g_clear_pointer (&self->details, roster_org_details_free);
      load_details (self);
    }
  update_org (self);
  load_thresholds (self);
  load_cap (self);
  roster_site_group_set_context (self->site_group, context, demo);
  roster_access_groups_set_context (self->access_groups, context);
}

RosterProtectedGroup *
roster_settings_page_get_protected_group (RosterSettingsPage *self)
{
  g_return_val_if_fail (ROSTER_IS_SETTINGS_PAGE (self), NULL);

  return self->protected_group;
}

RosterOrgDetails *
roster_settings_page_get_org_details (RosterSettingsPage *self)
{
  g_return_val_if_fail (ROSTER_IS_SETTINGS_PAGE (self), NULL);

  return self->details;
}

void
roster_settings_page_set_thresholds (RosterSettingsPage *self,
                                     guint               warning_days,
                                     guint               overdue_days)
{
  g_return_if_fail (ROSTER_IS_SETTINGS_PAGE (self));

  self->loading = TRUE;
  gtk_spin_button_set_value (self->warning_spin, warning_days);
  self->loading = FALSE;
  gtk_spin_button_set_value (self->overdue_spin, overdue_days);
  thresholds_changed_cb (self);
}

const char *
roster_settings_page_get_threshold_error (RosterSettingsPage *self)
{
  g_return_val_if_fail (ROSTER_IS_SETTINGS_PAGE (self), NULL);

  return self->threshold_error;
}

const char *
roster_settings_page_get_key_status (RosterSettingsPage *self)
{
  g_return_val_if_fail (ROSTER_IS_SETTINGS_PAGE (self), NULL);

  return self->key_status;
}

RosterSiteGroup *
roster_settings_page_get_site_group (RosterSettingsPage *self)
{
  g_return_val_if_fail (ROSTER_IS_SETTINGS_PAGE (self), NULL);

  return self->site_group;
}

RosterAccessGroups *
roster_settings_page_get_access_groups (RosterSettingsPage *self)
{
  g_return_val_if_fail (ROSTER_IS_SETTINGS_PAGE (self), NULL);

  return self->access_groups;
}

GtkSpinButton *
roster_settings_page_get_cap_spin (RosterSettingsPage *self)
{
  g_return_val_if_fail (ROSTER_IS_SETTINGS_PAGE (self), NULL);

  return self->cap_spin;
}
