/* roster-customers-page.c */
#define G_LOG_DOMAIN "roster-customers-page"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "roster-compat.h"
#include "roster-application.h"
#include "roster-customers-page.h"
#include "roster-jsm.h"

enum
{
  COL_NAME,
  COL_EMAIL,
  COL_ORGS,
  COL_DIRECT,
  COL_ORG_NAME,
  COL_ORG_MEMBERS,
};

struct _RosterCustomersPage
{
  AdwBin             parent_instance;

  /* Template widgets */
  GtkStack          *stack;
  GtkDropDown       *project_dropdown;
  GtkSearchEntry    *search_entry;
  GtkColumnView     *customers_view;
  GtkColumnView     *orgs_view;
  GtkRevealer       *progress_revealer;
  GtkProgressBar    *progress_bar;
  GtkLabel          *status_label;

  /* Owned */
  RosterSite        *site;          /* (nullable) */
  RosterJsmApi      *api;           /* (nullable) */
  GPtrArray         *desks;         /* (nullable) RosterServiceDesk */
  GtkStringList     *project_names;
  GListStore        *customers;     /* RosterCustomer */
  GListStore        *orgs;          /* RosterCustomerOrg */
  GtkCustomFilter   *filter;
  GtkFilterListModel *filtered;
  GCancellable      *cancellable;   /* loads */
  GCancellable      *export_cancellable;
  RosterJsmProject  *project;       /* (nullable) the shown project */
  char              *needle;        /* (nullable) casefolded search text */

  guint              generation;
};

G_DEFINE_FINAL_TYPE (RosterCustomersPage, roster_customers_page, ADW_TYPE_BIN)

enum {
  EXPORTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  RosterCustomersPage *self;    /* (owned) */
  guint                generation;
  RosterExportFormat   format;
  gboolean             all;
  char                *path;    /* (nullable) export destination */
} Call;

static Call *
call_new (RosterCustomersPage *self)
{
  Call *call = g_new0 (Call, 1);

  call->self = g_object_ref (self);
  call->generation = self->generation;
  return call;
}

static void
call_free (Call *call)
{
  g_object_unref (call->self);
  g_free (call->path);
  g_free (call);
}

static void
set_progress (RosterCustomersPage *self,
              const char          *text,
              double               fraction)
{
  gtk_revealer_set_reveal_child (self->progress_revealer, text != NULL);
  if (text == NULL)
    return;
  gtk_progress_bar_set_text (self->progress_bar, text);
  if (fraction < 0)
    gtk_progress_bar_pulse (self->progress_bar);
  else
    gtk_progress_bar_set_fraction (self->progress_bar, fraction);
}

static void
update_status (RosterCustomersPage *self)
{
  g_autofree char *text = NULL;
  guint n_shown, n_direct = 0, n_total;

  if (self->project == NULL)
    {
      gtk_label_set_text (self->status_label, "");
      return;
    }
  n_total = g_list_model_get_n_items (G_LIST_MODEL (self->customers));
  n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  for (guint i = 0; i < self->project->customers->len; i++)
    n_direct += roster_customer_get_direct (g_ptr_array_index (self->project->customers, i));

  /* Translators: counts of the shown project's customers and organizations. */
  text = g_strdup_printf (_("%u of %u customers (%u direct, %u only through organizations) · %u organizations"),
                          n_shown, n_total, n_direct, n_total - n_direct,
                          g_list_model_get_n_items (G_LIST_MODEL (self->orgs)));
  gtk_label_set_text (self->status_label, text);
}

static gboolean
customer_filter_func (gpointer item,
                      gpointer user_data)
{
  RosterCustomersPage *self = user_data;

  const char * const *orgs;

  if (self->needle == NULL)
    return TRUE;
  if (strstr (roster_customer_get_search_key (ROSTER_CUSTOMER (item)), self->needle) != NULL)
    return TRUE;
  /* Organization names match too ("which customers come through Atlas?"). */
  orgs = roster_customer_get_organizations (ROSTER_CUSTOMER (item));
  for (guint i = 0; orgs[i] != NULL; i++)
    {
      g_autofree char *folded = g_utf8_casefold (orgs[i], -1);

      if (strstr (folded, self->needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* Columns */

static void
label_setup_cb (GtkSignalListItemFactory *factory,
                GObject                  *object,
                gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (GTK_LIST_ITEM (object), label);
}

static void
label_bind_cb (GtkSignalListItemFactory *factory,
               GObject                  *object,
               gpointer                  user_data)
{
  GtkListItem *list_item = GTK_LIST_ITEM (object);
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (list_item));
  gpointer item = gtk_list_item_get_item (list_item);
  g_autofree char *text = NULL;

  switch (GPOINTER_TO_INT (user_data))
    {
    case COL_NAME:
      text = g_strdup (roster_customer_get_display_name (item));
      break;
    case COL_EMAIL:
      text = g_strdup (roster_customer_get_email (item) ? roster_customer_get_email (item) : _("Hidden"));
      break;
    case COL_ORGS:
      text = g_strjoinv (", ", (char **) roster_customer_get_organizations (item));
      break;
    case COL_DIRECT:
      text = g_strdup (roster_customer_get_direct (item) ? _("Yes") : _("No"));
      break;
    case COL_ORG_NAME:
      text = g_strdup (roster_customer_org_get_name (item));
      break;
    case COL_ORG_MEMBERS:
      text = g_strdup_printf ("%" G_GINT64_FORMAT, roster_customer_org_get_n_members (item));
      break;
    default:
      break;
    }
  gtk_label_set_text (label, text ? text : "");
}

static void
add_column (GtkColumnView *view,
            const char    *title,
            int            kind,
            gboolean       expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_signal_connect (factory, "setup", G_CALLBACK (label_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (label_bind_cb), GINT_TO_POINTER (kind));
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_append_column (view, column);
  g_object_unref (column);
}

/* Loading */

static void
show_project (RosterCustomersPage *self,
              RosterJsmProject    *project)
{
  g_clear_pointer (&self->project, roster_jsm_project_free);
  self->project = project;

  if (project->error != NULL)
    {
      g_list_store_remove_all (self->customers);
      g_list_store_remove_all (self->orgs);
      gtk_label_set_text (self->status_label, project->error->message);
      g_clear_pointer (&self->project, roster_jsm_project_free);
      return;
    }
  g_list_store_splice (self->customers, 0, g_list_model_get_n_items (G_LIST_MODEL (self->customers)),
                       project->customers->pdata, project->customers->len);
  g_list_store_splice (self->orgs, 0, g_list_model_get_n_items (G_LIST_MODEL (self->orgs)),
                       project->organizations->pdata, project->organizations->len);
  update_status (self);
}

static void
project_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Call *call = user_data;
  RosterCustomersPage *self = call->self;
  g_autoptr(GError) error = NULL;
  RosterJsmProject *project;

  project = roster_jsm_api_load_project_finish (ROSTER_JSM_API (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || call->generation != self->generation)
    {
      g_clear_pointer (&project, roster_jsm_project_free);
      call_free (call);
      return;
    }
  set_progress (self, NULL, 0);
  if (project == NULL)
    {
      project = g_new0 (RosterJsmProject, 1);
      project->error = g_steal_pointer (&error);
    }
  show_project (self, project);
  call_free (call);
}

static void
load_selected_project (RosterCustomersPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->project_dropdown);
  RosterServiceDesk *desk;

  if (self->api == NULL || self->desks == NULL || selected >= self->desks->len)
    return;
  desk = g_ptr_array_index (self->desks, selected);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->generation++;

  set_progress (self, _("Loading customers and organizations…"), -1);
  roster_jsm_api_load_project_async (self->api, desk, self->cancellable, project_loaded_cb, call_new (self));
}

static void
desks_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Call *call = user_data;
  RosterCustomersPage *self = call->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) desks = NULL;

  desks = roster_jsm_api_list_service_desks_finish (ROSTER_JSM_API (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || call->generation != self->generation)
    {
      call_free (call);
      return;
    }
  set_progress (self, NULL, 0);
  if (desks == NULL)
    {
      gtk_label_set_text (self->status_label, error->message);
      call_free (call);
      return;
    }

  g_clear_pointer (&self->desks, g_ptr_array_unref);
  self->desks = g_steal_pointer (&desks);
  {
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

    for (guint i = 0; i < self->desks->len; i++)
      {
        RosterServiceDesk *desk = g_ptr_array_index (self->desks, i);

        g_ptr_array_add (names, g_strdup_printf ("%s — %s", roster_service_desk_get_project_key (desk),
                                                 roster_service_desk_get_project_name (desk)));
      }
    g_ptr_array_add (names, NULL);
    gtk_string_list_splice (self->project_names, 0,
                            g_list_model_get_n_items (G_LIST_MODEL (self->project_names)),
                            (const char * const *) names->pdata);
  }
  if (self->desks->len == 0)
    gtk_label_set_text (self->status_label, _("This site has no service desk projects the account can see."));
  else
    {
      gtk_drop_down_set_selected (self->project_dropdown, 0);
      load_selected_project (self);
    }
  call_free (call);
}

/* Callbacks */

static void
project_dropdown_notify_selected_cb (RosterCustomersPage *self)
{
  load_selected_project (self);
}

static void
search_entry_search_changed_cb (RosterCustomersPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *old = g_steal_pointer (&self->needle);
  GtkFilterChange change = GTK_FILTER_CHANGE_DIFFERENT;

  self->needle = *text ? g_utf8_casefold (text, -1) : NULL;
  if (old != NULL && self->needle != NULL && strstr (self->needle, old) != NULL)
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (self->needle == NULL || (old != NULL && strstr (old, self->needle) != NULL))
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  gtk_filter_changed (GTK_FILTER (self->filter), change);
}

static void
filtered_items_changed_cb (RosterCustomersPage *self)
{
  update_status (self);
}

/* Export */

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Call *call = user_data;
  RosterCustomersPage *self = call->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterJsmExportSummary) summary = NULL;
  g_autofree char *text = NULL;

  if (call->all)
    summary = roster_jsm_export_finish (ROSTER_JSM_API (object), result, &error);
  else
    summary = roster_jsm_export_projects_finish (result, &error);

  set_progress (self, NULL, 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "customers.export-project", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "customers.export-all", TRUE);
  if (summary == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_text (self->status_label, error->message);
      call_free (call);
      return;
    }
  {
    g_autofree char *detail = g_strdup_printf ("customers: %" G_GUINT64_FORMAT ", organizations: %"
                                               G_GUINT64_FORMAT ", projects: %u, unreadable: %u",
                                               summary->n_customers, summary->n_organizations,
                                               summary->n_projects, summary->failed->len);

    g_signal_emit (self, signals[EXPORTED], 0, call->path, detail);
  }
  {
    /* Counts as text: a 64-bit format macro would cut the message for xgettext. */
    g_autofree char *customers = roster_format_count ((guint) MIN (summary->n_customers, G_MAXUINT));
    g_autofree char *organizations = roster_format_count ((guint) MIN (summary->n_organizations, G_MAXUINT));

    if (summary->failed->len > 0)
      text = g_strdup_printf (_("Exported %s customers of %u projects; %u projects could not be read"),
                              customers, summary->n_projects, summary->failed->len);
    else
      text = g_strdup_printf (_("Exported %s customers and %s organizations"),
                              customers, organizations);
  }
  gtk_label_set_text (self->status_label, text);
  call_free (call);
}

static void
export_progress_cb (guint    n_done,
                    guint    n_total,
                    guint64  n_customers,
                    gpointer user_data)
{
  RosterCustomersPage *self = user_data;
  g_autofree char *text = g_strdup_printf (_("Loading project %u of %u…"), MIN (n_done + 1, n_total), n_total);

  set_progress (self, text, n_total ? (double) n_done / n_total : 0);
}

static void
export_file_chosen_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Call *call = user_data;
  RosterCustomersPage *self = call->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = roster_compat_choose_save_file_finish (result, &error);

  if (file == NULL)
    {
      call_free (call);
      return;
    }

  call->path = g_file_get_path (file);
  g_cancellable_cancel (self->export_cancellable);
  g_clear_object (&self->export_cancellable);
  self->export_cancellable = g_cancellable_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "customers.export-project", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "customers.export-all", FALSE);

  if (call->all)
    {
      set_progress (self, _("Loading projects…"), 0);
      /* The page outlives the export (it holds a reference through the call). */
      roster_jsm_export_async (self->api, self->desks, call->format,
                               ROSTER_JSM_EXPORT_CUSTOMERS | ROSTER_JSM_EXPORT_ORGANIZATIONS, file, FALSE,
                               export_progress_cb, self, self->export_cancellable, export_done_cb, call);
    }
  else
    {
      g_autoptr(GPtrArray) one = g_ptr_array_new ();

      g_ptr_array_add (one, self->project);
      set_progress (self, _("Writing…"), -1);
      roster_jsm_export_projects_async (one, call->format,
                                        ROSTER_JSM_EXPORT_CUSTOMERS | ROSTER_JSM_EXPORT_ORGANIZATIONS, file,
                                        FALSE, self->export_cancellable, export_done_cb, call);
    }
}

static void
start_export (RosterCustomersPage *self,
              GVariant            *param,
              gboolean             all)
{
  Call *call;
  g_autofree char *name = NULL;
  const char *format = g_variant_get_string (param, NULL);

  if (self->api == NULL || self->desks == NULL || (!all && self->project == NULL))
    return;
  call = call_new (self);
  call->all = all;
  call->format = g_str_equal (format, "json") ? ROSTER_EXPORT_JSON : ROSTER_EXPORT_CSV;
  if (all)
    name = g_strdup_printf ("customers-all-projects.%s", format);
  else
    name = g_strdup_printf ("%s-customers.%s", roster_service_desk_get_project_key (self->project->desk), format);
  roster_compat_choose_save_file_async (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                        all ? _("Export Customers of All Projects") : _("Export Customers"),
                                        name, NULL, export_file_chosen_cb, call);
}

static void
roster_customers_page_export_project_action (GtkWidget  *widget,
                                             const char *action_name,
                                             GVariant   *param)
{
  start_export (ROSTER_CUSTOMERS_PAGE (widget), param, FALSE);
}

static void
roster_customers_page_export_all_action (GtkWidget  *widget,
                                         const char *action_name,
                                         GVariant   *param)
{
  start_export (ROSTER_CUSTOMERS_PAGE (widget), param, TRUE);
}

/* Overrides */

static void
roster_customers_page_dispose (GObject *object)
{
  RosterCustomersPage *self = ROSTER_CUSTOMERS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->export_cancellable);
  g_clear_object (&self->export_cancellable);
  /* The stack is both the bin's child and a template child: let the bin drop it
   * first, or it would unparent a widget the template already freed. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), ROSTER_TYPE_CUSTOMERS_PAGE);
  g_clear_object (&self->api);
  g_clear_object (&self->site);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->customers);
  g_clear_object (&self->orgs);
  g_clear_object (&self->project_names);

  G_OBJECT_CLASS (roster_customers_page_parent_class)->dispose (object);
}

static void
roster_customers_page_finalize (GObject *object)
{
  RosterCustomersPage *self = ROSTER_CUSTOMERS_PAGE (object);

  g_clear_pointer (&self->desks, g_ptr_array_unref);
  g_clear_pointer (&self->project, roster_jsm_project_free);
  g_free (self->needle);

  G_OBJECT_CLASS (roster_customers_page_parent_class)->finalize (object);
}

static void
roster_customers_page_class_init (RosterCustomersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  /* An export finished: (path, summary). The window writes it to the audit trail. */
  signals[EXPORTED] =
    g_signal_new ("exported",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  object_class->dispose = roster_customers_page_dispose;
  object_class->finalize = roster_customers_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               APP_PATH "/ui/roster-customers-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RosterCustomersPage, stack);
  gtk_widget_class_bind_template_child (widget_class, RosterCustomersPage, project_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RosterCustomersPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, RosterCustomersPage, customers_view);
  gtk_widget_class_bind_template_child (widget_class, RosterCustomersPage, orgs_view);
  gtk_widget_class_bind_template_child (widget_class, RosterCustomersPage, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, RosterCustomersPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, RosterCustomersPage, status_label);

  gtk_widget_class_install_action (widget_class, "customers.export-project", "s",
                                   roster_customers_page_export_project_action);
  gtk_widget_class_install_action (widget_class, "customers.export-all", "s",
                                   roster_customers_page_export_all_action);
}

static void
roster_customers_page_init (RosterCustomersPage *self)
{
  GtkNoSelection *selection;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->project_names = gtk_string_list_new (NULL);
  gtk_drop_down_set_model (self->project_dropdown, G_LIST_MODEL (self->project_names));

  self->customers = g_list_store_new (ROSTER_TYPE_CUSTOMER);
  self->orgs = g_list_store_new (ROSTER_TYPE_CUSTOMER_ORG);
  self->filter = gtk_custom_filter_new (customer_filter_func, self, NULL);
  self->filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->customers)),
                                              GTK_FILTER (g_object_ref (self->filter)));
  gtk_filter_list_model_set_incremental (self->filtered, TRUE);

  selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->filtered)));
  gtk_column_view_set_model (self->customers_view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
  selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->orgs)));
  gtk_column_view_set_model (self->orgs_view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);

  add_column (self->customers_view, _("Name"), COL_NAME, TRUE);
  add_column (self->customers_view, _("Email"), COL_EMAIL, TRUE);
  add_column (self->customers_view, _("Organizations"), COL_ORGS, TRUE);
  add_column (self->customers_view, _("Direct"), COL_DIRECT, FALSE);
  add_column (self->orgs_view, _("Organization"), COL_ORG_NAME, TRUE);
  add_column (self->orgs_view, _("Members"), COL_ORG_MEMBERS, FALSE);

  g_signal_connect_object (self->project_dropdown, "notify::selected",
                           G_CALLBACK (project_dropdown_notify_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->search_entry, "search-changed",
                           G_CALLBACK (search_entry_search_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->filtered, "items-changed",
                           G_CALLBACK (filtered_items_changed_cb), self, G_CONNECT_SWAPPED);

  gtk_stack_set_visible_child_name (self->stack, "connect");
}

/* Public API */

void
roster_customers_page_set_site (RosterCustomersPage *self,
                                RosterSite          *site)
{
  g_return_if_fail (ROSTER_IS_CUSTOMERS_PAGE (self));
  g_return_if_fail (!site || ROSTER_IS_SITE (site));

  if (self->site == site)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->generation++;
  g_set_object (&self->site, site);
  g_clear_object (&self->api);
  g_clear_pointer (&self->desks, g_ptr_array_unref);
  g_clear_pointer (&self->project, roster_jsm_project_free);
  g_list_store_remove_all (self->customers);
  g_list_store_remove_all (self->orgs);
  gtk_string_list_splice (self->project_names, 0, g_list_model_get_n_items (G_LIST_MODEL (self->project_names)),
                          NULL);

  if (site == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "connect");
      return;
    }

  self->api = roster_jsm_api_new (site);
  self->cancellable = g_cancellable_new ();
  gtk_stack_set_visible_child_name (self->stack, "content");
  gtk_label_set_text (self->status_label, "");
  set_progress (self, _("Loading service desk projects…"), -1);
  roster_jsm_api_list_service_desks_async (self->api, self->cancellable, desks_loaded_cb, call_new (self));
}

RosterSite *
roster_customers_page_get_site (RosterCustomersPage *self)
{
  g_return_val_if_fail (ROSTER_IS_CUSTOMERS_PAGE (self), NULL);
  return self->site;
}

gboolean
roster_customers_page_select_project (RosterCustomersPage *self,
                                      const char          *project_key)
{
  g_return_val_if_fail (ROSTER_IS_CUSTOMERS_PAGE (self), FALSE);
  g_return_val_if_fail (project_key != NULL, FALSE);

  for (guint i = 0; self->desks != NULL && i < self->desks->len; i++)
    if (g_strcmp0 (roster_service_desk_get_project_key (g_ptr_array_index (self->desks, i)),
                   project_key) == 0)
      {
        if (gtk_drop_down_get_selected (self->project_dropdown) == i)
          load_selected_project (self);
        else
          gtk_drop_down_set_selected (self->project_dropdown, i);
        return TRUE;
      }
  return FALSE;
}

const char *
roster_customers_page_get_project_key (RosterCustomersPage *self)
{
  g_return_val_if_fail (ROSTER_IS_CUSTOMERS_PAGE (self), NULL);

  return self->project ? roster_service_desk_get_project_key (self->project->desk) : NULL;
}

guint
roster_customers_page_get_n_customers (RosterCustomersPage *self)
{
  g_return_val_if_fail (ROSTER_IS_CUSTOMERS_PAGE (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->customers));
}

guint
roster_customers_page_get_n_organizations (RosterCustomersPage *self)
{
  g_return_val_if_fail (ROSTER_IS_CUSTOMERS_PAGE (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->orgs));
}

gboolean
roster_customers_page_is_loading (RosterCustomersPage *self)
{
  g_return_val_if_fail (ROSTER_IS_CUSTOMERS_PAGE (self), FALSE);

  return self->site != NULL && gtk_revealer_get_reveal_child (self->progress_revealer);
}

const char *
roster_customers_page_get_state (RosterCustomersPage *self)
{
  g_return_val_if_fail (ROSTER_IS_CUSTOMERS_PAGE (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}
