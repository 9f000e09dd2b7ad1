/* roster-access-groups.c */
#define G_LOG_DOMAIN "roster-access-groups"

#include "config.h"

#include <glib/gi18n.h>

#include "roster-access-groups.h"
#include "roster-admin-api.h"
#include "roster-application.h"
#include "roster-error.h"
#include "roster-jira.h"
#include "roster-labels.h"
#include "roster-org.h"

typedef struct
{
  AdwComboRow   *row;
  GtkStringList *names;    /* "Product role (default)", then groups */
  GPtrArray     *ids;      /* char*, parallel to names; [0] = NULL */
  char          *choice;   /* (nullable) stored group id */
  guint          loaded : 1;
} Product;

struct _RosterAccessGroups
{
  AdwPreferencesGroup  parent_instance;

  /* Template widgets */
  AdwComboRow         *jira_row;
  AdwComboRow         *jsm_row;
  AdwComboRow         *confluence_row;

  /* Owned */
  RosterContext       *context;       /* (nullable) */
  GSignalGroup        *context_signals;
  GCancellable        *cancellable;   /* (nullable) loads of this context and site */
  Product              products[ROSTER_N_PRODUCTS];

  guint                generation;
  guint                updating : 1;
};

G_DEFINE_FINAL_TYPE (RosterAccessGroups, roster_access_groups, ADW_TYPE_PREFERENCES_GROUP)

typedef struct
{
  RosterAccessGroups *self;     /* (owned) */
  guint               generation;
  RosterProduct       product;
  char               *value;    /* (owned) (nullable) */
  char               *previous; /* (owned) (nullable) */
} Call;

static Call *
call_new (RosterAccessGroups *self,
          RosterProduct       product)
{
  Call *call = g_new0 (Call, 1);

  call->self = g_object_ref (self);
  call->generation = self->generation;
  call->product = product;
  return call;
}

static void
call_free (Call *call)
{
  g_object_unref (call->self);
  g_free (call->value);
  g_free (call->previous);
  g_free (call);
}

static gboolean
call_is_stale (Call         *call,
               const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
         call->generation != call->self->generation ||
         call->self->products[0].names == NULL;  /* disposed */
}

static void
toast (RosterAccessGroups *self,
       const char         *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

static void
select_choice (RosterAccessGroups *self,
               Product            *p)
{
  guint index = 0;

  for (guint i = 1; p->choice != NULL && i < p->ids->len; i++)
    if (g_strcmp0 (g_ptr_array_index (p->ids, i), p->choice) == 0)
      index = i;

  /* A stored group the site no longer lists is still shown as chosen. */
  if (p->choice != NULL && index == 0)
    {
      g_autofree char *label = g_strdup_printf (_("%s (not listed)"), p->choice);

      self->updating = TRUE;
      gtk_string_list_append (p->names, label);
      self->updating = FALSE;
      g_ptr_array_add (p->ids, g_strdup (p->choice));
      index = p->ids->len - 1;
    }

  self->updating = TRUE;
  adw_combo_row_set_selected (p->row, index);
  self->updating = FALSE;
}

/* Replaces the candidates of one product (names and ids NULL = only the default). */
static void
set_candidates (RosterAccessGroups *self,
                Product            *p,
                GPtrArray          *names,
                GPtrArray          *ids)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (p->names));

  self->updating = TRUE;
  g_ptr_array_set_size (p->ids, 1);
  if (names != NULL)
    {
      g_ptr_array_add (names, NULL);
      gtk_string_list_splice (p->names, 1, n - 1, (const char * const *) names->pdata);
      for (guint i = 0; i < ids->len; i++)
        g_ptr_array_add (p->ids, g_strdup (g_ptr_array_index (ids, i)));
    }
  else
    {
      gtk_string_list_splice (p->names, 1, n - 1, NULL);
    }
  self->updating = FALSE;
  select_choice (self, p);
}

static void
set_row_state (Product    *p,
               const char *subtitle,
               gboolean    sensitive)
{
  adw_action_row_set_subtitle (ADW_ACTION_ROW (p->row), subtitle ? subtitle : "");
  gtk_widget_set_sensitive (GTK_WIDGET (p->row), sensitive);
}

static char *
describe_load_error (const GError *error)
{
  if (g_error_matches (error, ROSTER_ERROR, ROSTER_ERROR_FORBIDDEN) ||
      g_error_matches (error, ROSTER_ERROR, ROSTER_ERROR_UNAUTHORIZED))
    return g_strdup (_("The groups could not be read: the account needs Jira administration rights"));
  if (g_error_matches (error, ROSTER_ERROR, ROSTER_ERROR_NETWORK))
    return g_strdup (_("The groups could not be read: the site cannot be reached"));
  return g_strdup (_("The groups could not be read"));
}

/* Jira and JSM: the groups of their application roles. */

static void
roles_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Call *call = user_data;
  RosterAccessGroups *self = call->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) roles = NULL;
  static const RosterProduct jira_products[] = { ROSTER_PRODUCT_JIRA, ROSTER_PRODUCT_JSM };

  roles = roster_jira_api_list_application_roles_finish (ROSTER_JIRA_API (object), result, &error);
  if (call_is_stale (call, error))
    {
      call_free (call);
      return;
    }

  for (guint k = 0; k < G_N_ELEMENTS (jira_products); k++)
    {
      Product *p = &self->products[jira_products[k]];
      g_autoptr(GPtrArray) candidates = NULL;
      g_autoptr(GPtrArray) names = NULL;
      g_autoptr(GPtrArray) ids = NULL;

      if (roles == NULL)
        {
          g_autofree char *text = describe_load_error (error);

          set_candidates (self, p, NULL, NULL);
          set_row_state (p, text, FALSE);
          continue;
        }

      candidates = roster_jira_access_group_candidates (roles, jira_products[k]);
      names = g_ptr_array_new_with_free_func (g_free);
      ids = g_ptr_array_new ();
      for (guint i = 0; i < candidates->len; i++)
        {
          RosterAccessGroupCandidate *c = g_ptr_array_index (candidates, i);

          if (c->group_id == NULL || c->group_id[0] == '\0')
            continue;
          g_ptr_array_add (names, c->is_default
                                    /* Translators: a group that new users of the product get. */
                                    ? g_strdup_printf (_("%s (default group)"), c->name)
                                    : g_strdup (c->name));
          g_ptr_array_add (ids, c->group_id);
        }
      set_candidates (self, p, names, ids);
      p->loaded = TRUE;
      set_row_state (p, ids->len == 0 ? _("The site lists no group for this product") : NULL, TRUE);
    }
  call_free (call);
}

/* Confluence: the organization's groups. */

static void
groups_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Call *call = user_data;
  RosterAccessGroups *self = call->self;
  Product *p = &self->products[ROSTER_PRODUCT_CONFLUENCE];
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) ids = NULL;

  groups = roster_admin_api_search_groups_finish (ROSTER_ADMIN_API (object), result, &error);
  if (call_is_stale (call, error))
    {
      call_free (call);
      return;
    }

  if (groups == NULL)
    {
      g_autofree char *text = roster_describe_error (error);

      set_candidates (self, p, NULL, NULL);
      set_row_state (p, text, FALSE);
      call_free (call);
      return;
    }

  names = g_ptr_array_new_with_free_func (g_free);
  ids = g_ptr_array_new ();
  for (guint i = 0; i < groups->len; i++)
    {
      RosterGroup *group = g_ptr_array_index (groups, i);

      /* Groups synced from an identity provider cannot be changed here. */
      if (roster_group_get_external_synced (group))
        continue;
      g_ptr_array_add (names, g_strdup (roster_group_get_name (group)));
      g_ptr_array_add (ids, (gpointer) roster_group_get_id (group));
    }
  set_candidates (self, p, names, ids);
  p->loaded = TRUE;
  set_row_state (p, NULL, TRUE);
  call_free (call);
}

static void
setting_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Call *call = user_data;
  RosterAccessGroups *self = call->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;
  Product *p = &self->products[call->product];

  value = roster_store_get_setting_finish (ROSTER_STORE (object), result, &error);
  if (call_is_stale (call, error))
    {
      call_free (call);
      return;
    }
  g_free (p->choice);
  p->choice = value != NULL && value[0] != '\0' ? g_steal_pointer (&value) : NULL;
  select_choice (self, p);
  call_free (call);
}

static void
reload (RosterAccessGroups *self)
{
  gboolean open = self->context != NULL && roster_context_is_open (self->context);
  RosterSite *site = open ? roster_context_get_site (self->context) : NULL;

  if (self->products[0].names == NULL)  /* disposed */
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->generation++;

  for (guint i = 0; i < ROSTER_N_PRODUCTS; i++)
    {
      Product *p = &self->products[i];

      g_clear_pointer (&p->choice, g_free);
      p->loaded = FALSE;
      set_candidates (self, p, NULL, NULL);
      set_row_state (p, open ? _("Loading groups…") : NULL, FALSE);
      if (open)
        {
          g_autofree char *key = roster_jira_access_group_setting (i);

          roster_store_get_setting_async (roster_context_get_store (self->context), key,
                                          self->cancellable, setting_loaded_cb, call_new (self, i));
        }
    }
  if (!open)
    return;

  if (site != NULL)
    {
      g_autoptr(RosterJiraApi) jira = roster_jira_api_new (site);

      roster_jira_api_list_application_roles_async (jira, self->cancellable, roles_cb,
                                                    call_new (self, ROSTER_PRODUCT_JIRA));
    }
  else
    {
      const char *text = _("Connect the product site above to list the groups of Jira’s product roles");

      set_row_state (&self->products[ROSTER_PRODUCT_JIRA], text, FALSE);
      set_row_state (&self->products[ROSTER_PRODUCT_JSM], text, FALSE);
    }

  roster_admin_api_search_groups_async (roster_context_get_admin_api (self->context),
                                        roster_context_get_org_id (self->context),
                                        roster_context_get_directory_id (self->context),
                                        NULL, NULL, self->cancellable, groups_cb,
                                        call_new (self, ROSTER_PRODUCT_CONFLUENCE));
}

/* Choosing */

static void
setting_saved_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Call *call = user_data;
  RosterAccessGroups *self = call->self;
  Product *p = &self->products[call->product];
  g_autoptr(GError) error = NULL;
  const char *product = roster_product_to_string (call->product);

  if (!roster_store_set_setting_finish (ROSTER_STORE (object), result, &error))
    {
      g_autofree char *text = NULL;

      if (call_is_stale (call, error))
        {
          call_free (call);
          return;
        }
      text = roster_describe_error (error);
      toast (self, text);
      /* Show what is still stored. */
      g_free (p->choice);
      p->choice = g_strdup (call->previous);
      select_choice (self, p);
      call_free (call);
      return;
    }

  if (self->context != NULL)
    {
      g_autofree char *detail = call->value
        ? g_strdup_printf ("Access group for %s: %s (was %s)", product, call->value,
                           call->previous ? call->previous : "product role")
        : g_strdup_printf ("Access group for %s: product role (was %s)", product,
                           call->previous ? call->previous : "product role");

      roster_context_audit (self->context, "access-group-set", product, "done", 0, NULL, detail);
    }

  if (call->generation == self->generation)
    {
      g_autofree char *text = NULL;

      if (call->value != NULL)
        /* Translators: "Jira: grants now add users to jira-software-users". */
        text = g_strdup_printf (_("%s: grants now add users to %s"),
                                roster_product_label (call->product),
                                gtk_string_list_get_string (p->names, adw_combo_row_get_selected (p->row)));
      else
        text = g_strdup_printf (_("%s: grants now use the product role"),
                                roster_product_label (call->product));
      toast (self, text);
    }
  call_free (call);
}

static void
row_selected_cb (RosterAccessGroups *self,
                 GParamSpec         *pspec,
                 AdwComboRow        *row)
{
  Product *p = NULL;
  RosterProduct product = ROSTER_PRODUCT_OTHER;
  guint selected;
  const char *id;
  g_autofree char *key = NULL;
  Call *call;

  if (self->updating || self->context == NULL || !roster_context_is_open (self->context))
    return;
  for (guint i = 0; i < ROSTER_N_PRODUCTS; i++)
    if (self->products[i].row == row)
      p = &self->products[i], product = i;
  if (p == NULL || !p->loaded)
    return;

  selected = adw_combo_row_get_selected (row);
  id = selected < p->ids->len ? g_ptr_array_index (p->ids, selected) : NULL;
  if (g_strcmp0 (id, p->choice) == 0)
    return;

  call = call_new (self, product);
  call->value = g_strdup (id);
  call->previous = g_strdup (p->choice);
  g_free (p->choice);
  p->choice = g_strdup (id);

  key = roster_jira_access_group_setting (product);
  roster_store_set_setting_async (roster_context_get_store (self->context), key, id, NULL,
                                  setting_saved_cb, call);
}

/* Overrides */

static void
roster_access_groups_dispose (GObject *object)
{
  RosterAccessGroups *self = ROSTER_ACCESS_GROUPS (object);

  /* Answers still on their way find themselves stale. */
  self->generation++;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->context_signals != NULL)
    g_signal_group_set_target (self->context_signals, NULL);
  g_clear_object (&self->context_signals);
  g_clear_object (&self->context);
  gtk_widget_dispose_template (GTK_WIDGET (self), ROSTER_TYPE_ACCESS_GROUPS);
  for (guint i = 0; i < ROSTER_N_PRODUCTS; i++)
    g_clear_object (&self->products[i].names);

  G_OBJECT_CLASS (roster_access_groups_parent_class)->dispose (object);
}

static void
roster_access_groups_finalize (GObject *object)
{
  RosterAccessGroups *self = ROSTER_ACCESS_GROUPS (object);

  for (guint i = 0; i < ROSTER_N_PRODUCTS; i++)
    {
      g_clear_pointer (&self->products[i].ids, g_ptr_array_unref);
      g_clear_pointer (&self->products[i].choice, g_free);
    }

  G_OBJECT_CLASS (roster_access_groups_parent_class)->finalize (object);
}

static void
roster_access_groups_class_init (RosterAccessGroupsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = roster_access_groups_dispose;
  object_class->finalize = roster_access_groups_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/ui/roster-access-groups.ui");
  gtk_widget_class_bind_template_child (widget_class, RosterAccessGroups, jira_row);
  gtk_widget_class_bind_template_child (widget_class, RosterAccessGroups, jsm_row);
  gtk_widget_class_bind_template_child (widget_class, RosterAccessGroups, confluence_row);
}

/* The rows' own item factories: AdwComboRow's default one caps a choice at 20
 * characters, which cut "Product role (default)" and group names short in
 * several languages although the row had room for them. The popup's items
 * carry the check mark of the selected choice, as the default ones do. */
static GtkWidget *
choice_label_new (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  return label;
}

static void
choice_setup_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  gtk_list_item_set_child (item, choice_label_new ());
}

static void
choice_bind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  GtkStringObject *choice = gtk_list_item_get_item (item);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)),
                       gtk_string_object_get_string (choice));
}

static void
update_check (GtkListItem *item)
{
  AdwComboRow *row = g_object_get_data (G_OBJECT (item), "roster-combo-row");
  GtkWidget *box = gtk_list_item_get_child (item);

  gtk_widget_set_opacity (gtk_widget_get_last_child (box),
                          row != NULL && adw_combo_row_get_selected (row) ==
                                         gtk_list_item_get_position (item) ? 1.0 : 0.0);
}

static void
popup_setup_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");

  gtk_box_append (GTK_BOX (box), choice_label_new ());
  gtk_accessible_update_state (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
  gtk_box_append (GTK_BOX (box), check);
  gtk_list_item_set_child (item, box);
}

static void
popup_bind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               AdwComboRow              *row)
{
  GtkStringObject *choice = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);

  gtk_label_set_label (GTK_LABEL (gtk_widget_get_first_child (box)),
                       gtk_string_object_get_string (choice));
  g_object_set_data (G_OBJECT (item), "roster-combo-row", row);
  g_signal_connect_object (row, "notify::selected", G_CALLBACK (update_check), item,
                           G_CONNECT_SWAPPED);
  update_check (item);
}

static void
popup_unbind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 AdwComboRow              *row)
{
  g_signal_handlers_disconnect_by_func (row, update_check, item);
  g_object_set_data (G_OBJECT (item), "roster-combo-row", NULL);
}

static void
set_choice_factories (AdwComboRow *row)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkListItemFactory) popup = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (choice_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (choice_bind_cb), NULL);
  adw_combo_row_set_factory (row, factory);

  g_signal_connect (popup, "setup", G_CALLBACK (popup_setup_cb), NULL);
  g_signal_connect (popup, "bind", G_CALLBACK (popup_bind_cb), row);
  g_signal_connect (popup, "unbind", G_CALLBACK (popup_unbind_cb), row);
  adw_combo_row_set_list_factory (row, popup);
}

static void
roster_access_groups_init (RosterAccessGroups *self)
{
  AdwComboRow *rows[ROSTER_N_PRODUCTS];
  const char *first[] = { NULL, NULL };

  gtk_widget_init_template (GTK_WIDGET (self));

  rows[ROSTER_PRODUCT_JIRA] = self->jira_row;
  rows[ROSTER_PRODUCT_JSM] = self->jsm_row;
  rows[ROSTER_PRODUCT_CONFLUENCE] = self->confluence_row;
  first[0] = _("Product role (default)");

  for (guint i = 0; i < ROSTER_N_PRODUCTS; i++)
    {
      Product *p = &self->products[i];

      p->row = rows[i];
      p->names = gtk_string_list_new (first);
      p->ids = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (p->ids, NULL);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (p->row), roster_product_label (i));
      set_choice_factories (p->row);
      adw_combo_row_set_model (p->row, G_LIST_MODEL (p->names));
      gtk_widget_set_sensitive (GTK_WIDGET (p->row), FALSE);
      g_signal_connect_object (p->row, "notify::selected", G_CALLBACK (row_selected_cb), self,
                               G_CONNECT_SWAPPED);
    }

  self->context_signals = g_signal_group_new (ROSTER_TYPE_CONTEXT);
  g_signal_group_connect_object (self->context_signals, "notify::site",
                                 G_CALLBACK (reload), self, G_CONNECT_SWAPPED);
}

/* Public API */

void
roster_access_groups_set_context (RosterAccessGroups *self,
                                  RosterContext      *context)
{
  g_return_if_fail (ROSTER_IS_ACCESS_GROUPS (self));
  g_return_if_fail (!context || ROSTER_IS_CONTEXT (context));

  if (g_set_object (&self->context, context))
    g_signal_group_set_target (self->context_signals, context);
  reload (self);
}

guint
roster_access_groups_get_n_candidates (RosterAccessGroups *self,
                                       RosterProduct       product)
{
  g_return_val_if_fail (ROSTER_IS_ACCESS_GROUPS (self), 0);
  g_return_val_if_fail (product < ROSTER_N_PRODUCTS, 0);

  return self->products[product].loaded ? self->products[product].ids->len - 1 : 0;
}

const char *
roster_access_groups_get_choice (RosterAccessGroups *self,
                                 RosterProduct       product)
{
  g_return_val_if_fail (ROSTER_IS_ACCESS_GROUPS (self), NULL);
  g_return_val_if_fail (product < ROSTER_N_PRODUCTS, NULL);

  return self->products[product].choice;
}
