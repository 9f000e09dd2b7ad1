/* roster-users-page.c
 *
 * The users table. 100,000 rows stay smooth on GTK 4.8 because the model's
 * items are stable slots retargeted in place (roster-user-list-model.c), the
 * free text goes through the n-gram index with its typing stack, and sorting
 * permutes an index array here instead of running a GtkSortListModel.
 */
#define G_LOG_DOMAIN "roster-users-page"

#include "config.h"

#include <glib/gi18n.h>

#include "roster-application.h"
#include "roster-compat.h"
#include "roster-error.h"
#include "roster-export.h"
#include "roster-inactivity.h"
#include "roster-labels.h"
#include "roster-protected-model.h"
#include "roster-query.h"
#include "roster-search-index.h"
#include "roster-space-filter.h"
#include "roster-user-cell.h"
#include "roster-user-detail.h"
#include "roster-users-page.h"

typedef enum
{
  COL_SELECT,
  COL_NAME,
  COL_STATUS,
  COL_TYPE,
  COL_PRODUCTS,
  COL_LAST_ACTIVE,
  COL_INACTIVITY,
  N_COLUMNS
} Column;

typedef struct _ColumnInfo ColumnInfo;
typedef void (*CellUpdateFunc) (RosterUsersPage *self,
                                GtkWidget       *child,
                                RosterUserSlot  *slot);

struct _ColumnInfo
{
  RosterUsersPage *page;
  Column           column;
  CellUpdateFunc   update;
};

struct _RosterUsersPage
{
  AdwBin               parent_instance;

  /* Template widgets */
  GtkSearchEntry      *search_entry;
  GtkDropDown         *product_dropdown;
  GtkDropDown         *status_dropdown;
  GtkDropDown         *inactivity_dropdown;
  RosterSpaceFilter   *space_filter;
  GtkLabel            *query_error_label;
  GtkLabel            *count_label;
  GtkLabel            *selected_label;
  GtkToggleButton     *only_selected_button;
  GtkButton           *select_all_button;
  GtkButton           *clear_button;
  GtkPaned            *paned;
  GtkScrolledWindow   *scroller;
  GtkColumnView       *column_view;
  AdwStatusPage       *empty_page;
  RosterUserDetail    *detail;
  GtkRevealer         *action_revealer;
  GtkLabel            *action_label;

  /* Owned */
  RosterContext       *context;         /* (nullable) */
  RosterProtectedModel *protected_model; /* (nullable) */
  GSignalGroup        *context_signals;
  RosterUserSet       *set;             /* (nullable) */
  RosterSearchIndex   *index;           /* (nullable) */
  GCancellable        *index_cancellable;
  guint                index_idle_id;
  RosterUserListModel *model;
  GHashTable          *selected;        /* account id → NULL */
  guint               *order;           /* (nullable) every row in sort order */
  char                *query_error;     /* (nullable) */
  GObject             *probe_a;
  GObject             *probe_b;
  ColumnInfo           columns[N_COLUMNS];
  GHashTable          *last_active_texts; /* (nullable) last active (gint64) → text */
  gint64               last_active_texts_now;

  RosterThresholds     thresholds;
  gint64               now;
  guint                n_matches;
  gint64               last_filter_us;
  int                  sort_column;
  int                  probe_hit;
  guint                sort_descending : 1;
  guint                updating_cells : 1;
  guint                updating_quick : 1;
};

G_DEFINE_FINAL_TYPE (RosterUsersPage, roster_users_page, ADW_TYPE_BIN)

static const char *product_values[] = { NULL, "jira", "jsm", "confluence" };
static const char *status_values[] = { NULL, "active", "suspended", "deactivated", "not_invited", "for_deletion" };
static const char *inactivity_values[] = { NULL, "active", "warning", "overdue", "never" };

static void apply_query (RosterUsersPage *self,
                         gboolean         scroll_to_top);

static char *
format_last_active (gint64 last,
                    gint64 now)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *date = NULL;
  int days;

  if (last <= 0)
    return g_strdup (_("Never"));

  dt = g_date_time_new_from_unix_local (last);
  days = roster_inactivity_days (last, now);
  if (days == 0)
    return g_strdup (_("Today"));
  date = dt ? g_date_time_format (dt, "%x") : NULL;
  /* Translators: a date and the days since then, "03/14/2024 (92 days)". */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s (%d day)", "%s (%d days)", days),
                          date ? date : "", days);
}

/* Cells */

static void
update_select_cell (RosterUsersPage *self,
                    GtkWidget       *child,
                    RosterUserSlot  *slot)
{
  RosterUserSet *set = roster_user_slot_get_set (slot);
  const char *id = roster_user_set_get_account_id (set, roster_user_slot_get_row (slot));

  self->updating_cells = TRUE;
  gtk_check_button_set_active (GTK_CHECK_BUTTON (child), g_hash_table_contains (self->selected, id));
  self->updating_cells = FALSE;
}

static void
update_name_cell (RosterUsersPage *self,
                  GtkWidget       *child,
                  RosterUserSlot  *slot)
{
  RosterUserSet *set = roster_user_slot_get_set (slot);
  guint row = roster_user_slot_get_row (slot);
  const char *mail = roster_user_set_get_email (set, row);
  gboolean protected = self->protected_model != NULL &&
                       roster_protected_model_contains (self->protected_model,
                                                        roster_user_set_get_account_id (set, row));

  roster_user_cell_set_name (ROSTER_USER_CELL (child), roster_user_set_get_name (set, row),
                             mail ? mail : _("Email hidden"), protected);
}

static void
update_status_cell (RosterUsersPage *self,
                    GtkWidget       *child,
                    RosterUserSlot  *slot)
{
  RosterUserSet *set = roster_user_slot_get_set (slot);

  gtk_inscription_set_text (GTK_INSCRIPTION (child),
                            roster_status_label (roster_user_set_get_status (set, roster_user_slot_get_row (slot))));
}

static void
update_type_cell (RosterUsersPage *self,
                  GtkWidget       *child,
                  RosterUserSlot  *slot)
{
  RosterUserSet *set = roster_user_slot_get_set (slot);

  gtk_inscription_set_text (GTK_INSCRIPTION (child),
                            roster_account_type_label (roster_user_set_get_account_type (set, roster_user_slot_get_row (slot))));
}

static void
update_products_cell (RosterUsersPage *self,
                      GtkWidget       *child,
                      RosterUserSlot  *slot)
{
  RosterUserSet *set = roster_user_slot_get_set (slot);

  /* Chips keep their places and are drawn, not widgets: no relayout. */
  roster_user_cell_set_products (ROSTER_USER_CELL (child),
                                 roster_user_set_get_products (set, roster_user_slot_get_row (slot)));
}

static void
update_last_active_cell (RosterUsersPage *self,
                         GtkWidget       *child,
                         RosterUserSlot  *slot)
{
  RosterUserSet *set = roster_user_slot_get_set (slot);
  gint64 last = roster_user_set_get_last_active (set, roster_user_slot_get_row (slot));
  const char *text;

  /* Formatting a local date costs microseconds and runs for ~200 live rows per
   * query change; the texts are kept for a minute (they name whole days). */
  if (self->last_active_texts == NULL || self->now - self->last_active_texts_now > 60 ||
      self->now < self->last_active_texts_now || g_hash_table_size (self->last_active_texts) > 8192)
    {
      g_clear_pointer (&self->last_active_texts, g_hash_table_unref);
      self->last_active_texts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
      self->last_active_texts_now = self->now;
    }
  text = g_hash_table_lookup (self->last_active_texts, &last);
  if (text == NULL)
    {
      char *formatted = format_last_active (last, self->now);

      g_hash_table_insert (self->last_active_texts, g_memdup2 (&last, sizeof last), formatted);
      text = formatted;
    }
  gtk_inscription_set_text (GTK_INSCRIPTION (child), text);
}

static void
update_inactivity_cell (RosterUsersPage *self,
                        GtkWidget       *child,
                        RosterUserSlot  *slot)
{
  static const char *classes[] = { "level-active", "level-warning", "level-overdue", "level-never" };
  RosterUserSet *set = roster_user_slot_get_set (slot);
  RosterInactivityLevel level;
  guint shown;

  level = roster_inactivity_classify (&self->thresholds,
                                      roster_user_set_get_last_active (set, roster_user_slot_get_row (slot)),
                                      self->now);
  /* The pill is a fixed-size inscription: a new text or colour class only
   * redraws it. Most retargets keep the level, and then nothing changes. */
  shown = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (child), "roster-level"));
  if (shown == level + 1)
    return;
  gtk_inscription_set_text (GTK_INSCRIPTION (child), roster_inactivity_label (level));
  if (shown > 0 && shown - 1 < G_N_ELEMENTS (classes))
    gtk_widget_remove_css_class (child, classes[shown - 1]);
  if (level < G_N_ELEMENTS (classes))
    gtk_widget_add_css_class (child, classes[level]);
  g_object_set_data (G_OBJECT (child), "roster-level", GUINT_TO_POINTER (level + 1));
}

static void
select_toggled_cb (GtkCheckButton *check,
                   GtkListItem    *list_item)
{
  ColumnInfo *info = g_object_get_data (G_OBJECT (list_item), "roster-column");
  RosterUserSlot *slot = gtk_list_item_get_item (list_item);
  RosterUsersPage *self = info->page;
  const char *id;

  if (self->updating_cells || slot == NULL)
    return;

  id = roster_user_set_get_account_id (roster_user_slot_get_set (slot), roster_user_slot_get_row (slot));
  roster_users_page_set_selected (self, id, gtk_check_button_get_active (check));
}

static GtkWidget *
new_inscription (const char *css_class)
{
  GtkWidget *inscription = gtk_inscription_new (NULL);

  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (inscription),
                                     GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (inscription), 6);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (inscription), 14);
  gtk_widget_set_valign (inscription, GTK_ALIGN_CENTER);
  if (css_class != NULL)
    gtk_widget_add_css_class (inscription, css_class);
  return inscription;
}

static void
cell_setup_cb (GtkSignalListItemFactory *factory,
               GObject                  *object,
               ColumnInfo               *info)
{
  GtkListItem *list_item = GTK_LIST_ITEM (object);
  GtkWidget *child = NULL;

  g_object_set_data (object, "roster-column", info);

  switch (info->column)
    {
    case COL_SELECT:
      child = gtk_check_button_new ();
      gtk_widget_set_halign (child, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Select user"), -1);
      g_signal_connect (child, "toggled", G_CALLBACK (select_toggled_cb), list_item);
      break;

    case COL_NAME:
      child = roster_user_cell_new_name (_("Protected: bulk changes skip this account"),
                                         _("Protected"));
      break;

    case COL_PRODUCTS:
      {
        const char *short_names[] = { _("J"), _("JSM"), _("C") };
        const char *names[] = { _("Jira"), _("Jira Service Management"), _("Confluence") };

        G_STATIC_ASSERT (G_N_ELEMENTS (names) == ROSTER_N_PRODUCTS);
        child = roster_user_cell_new_products (G_N_ELEMENTS (names), short_names, names,
                                               _("No products"));
      }
      break;

    case COL_INACTIVITY:
      {
        guint widest = 0;

        for (guint level = 0; level <= ROSTER_INACTIVITY_NEVER; level++)
          widest = MAX (widest, g_utf8_strlen (roster_inactivity_label (level), -1));
        child = gtk_inscription_new (NULL);
        gtk_inscription_set_min_chars (GTK_INSCRIPTION (child), widest);
        gtk_inscription_set_nat_chars (GTK_INSCRIPTION (child), widest);
        gtk_inscription_set_xalign (GTK_INSCRIPTION (child), 0.5);
        gtk_inscription_set_text_overflow (GTK_INSCRIPTION (child),
                                           GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
        gtk_widget_add_css_class (child, "roster-pill");
        gtk_widget_set_halign (child, GTK_ALIGN_START);
        gtk_widget_set_valign (child, GTK_ALIGN_CENTER);
      }
      break;

    case COL_STATUS:
    case COL_TYPE:
    case COL_LAST_ACTIVE:
      child = new_inscription (info->column == COL_LAST_ACTIVE ? "numeric" : NULL);
      break;

    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }

  gtk_list_item_set_child (list_item, child);
}

static void
slot_changed_cb (RosterUserSlot *slot,
                 GtkListItem    *list_item)
{
  ColumnInfo *info = g_object_get_data (G_OBJECT (list_item), "roster-column");
  info->update (info->page, gtk_list_item_get_child (list_item), slot);
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory,
              GObject                  *object,
              ColumnInfo               *info)
{
  GtkListItem *list_item = GTK_LIST_ITEM (object);
  RosterUserSlot *slot = gtk_list_item_get_item (list_item);
  gulong handler;

  roster_user_slot_hold (slot);
  handler = g_signal_connect (slot, "changed", G_CALLBACK (slot_changed_cb), list_item);
  g_object_set_data (object, "roster-handler", GSIZE_TO_POINTER (handler));
  info->update (info->page, gtk_list_item_get_child (list_item), slot);
}

static void
cell_unbind_cb (GtkSignalListItemFactory *factory,
                GObject                  *object,
                ColumnInfo               *info)
{
  GtkListItem *list_item = GTK_LIST_ITEM (object);
  RosterUserSlot *slot = gtk_list_item_get_item (list_item);
  gulong handler = GPOINTER_TO_SIZE (g_object_get_data (object, "roster-handler"));

  if (slot == NULL)
    return;
  if (handler != 0)
    g_signal_handler_disconnect (slot, handler);
  g_object_set_data (object, "roster-handler", NULL);
  roster_user_slot_release (slot);
}

/* Sorting: the column view only tells which header was clicked. The probe
 * sorters record which column the view consults first, and the sign of the
 * result gives the direction; no GtkSortListModel ever compares 100k items. */

static int
probe_compare (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  ColumnInfo *info = user_data;

  if (info->page->probe_hit < 0)
    info->page->probe_hit = info->column;
  return GTK_ORDERING_SMALLER;
}

static int
compare_uint (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  guint ua = *(const guint *) a, ub = *(const guint *) b;

  return ua < ub ? -1 : (ua > ub);
}

static int
compare_by_key (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  const gint64 *keys = user_data;
  guint ra = *(const guint *) a, rb = *(const guint *) b;

  if (keys[ra] != keys[rb])
    return keys[ra] < keys[rb] ? -1 : 1;
  return ra < rb ? -1 : (ra > rb);
}

static void
rebuild_order (RosterUsersPage *self)
{
  g_autofree gint64 *keys = NULL;
  guint n;

  g_clear_pointer (&self->order, g_free);

  if (self->set == NULL || self->sort_column < 0 ||
      (self->sort_column == COL_NAME && !self->sort_descending))
    return;

  n = roster_user_set_get_n_users (self->set);
  self->order = g_new (guint, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    self->order[i] = i;

  if (self->sort_column != COL_NAME)
    {
      keys = g_new (gint64, MAX (n, 1));
      for (guint i = 0; i < n; i++)
        {
          switch (self->sort_column)
            {
            case COL_SELECT:
              keys[i] = g_hash_table_contains (self->selected, roster_user_set_get_account_id (self->set, i)) ? 0 : 1;
              break;
            case COL_STATUS:
              keys[i] = roster_user_set_get_status (self->set, i);
              break;
            case COL_TYPE:
              keys[i] = roster_user_set_get_account_type (self->set, i);
              break;
            case COL_PRODUCTS:
              keys[i] = roster_user_set_get_products (self->set, i);
              break;
            case COL_LAST_ACTIVE:
              keys[i] = roster_user_set_get_last_active (self->set, i);
              break;
            case COL_INACTIVITY:
            default:
              {
                gint64 last = roster_user_set_get_last_active (self->set, i);
                keys[i] = last <= 0 ? G_MAXINT64 : self->now - last;
              }
              break;
            }
        }
      g_qsort_with_data (self->order, n, sizeof (guint), compare_by_key, keys);
    }

  if (self->sort_descending)
    for (guint i = 0, j = n ? n - 1 : 0; i < j; i++, j--)
      {
        guint tmp = self->order[i];

        self->order[i] = self->order[j];
        self->order[j] = tmp;
      }
}

static void
sorter_changed_cb (RosterUsersPage *self)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (self->column_view);
  int result;

  self->probe_hit = -1;
  result = gtk_sorter_compare (sorter, self->probe_a, self->probe_b);
  self->sort_column = self->probe_hit;
  self->sort_descending = result == GTK_ORDERING_LARGER;

  rebuild_order (self);
  apply_query (self, TRUE);
}

static void
add_column (RosterUsersPage *self,
            Column           column,
            CellUpdateFunc   update,
            const char      *title,
            gboolean         expand,
            int              fixed_width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) view_column = NULL;
  ColumnInfo *info = &self->columns[column];

  info->page = self;
  info->column = column;
  info->update = update;

  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), info);
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), info);
  g_signal_connect (factory, "unbind", G_CALLBACK (cell_unbind_cb), info);

  view_column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (view_column, expand);
  gtk_column_view_column_set_resizable (view_column, column != COL_SELECT);
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (view_column, fixed_width);
  if (column != COL_SELECT)
    {
      g_autoptr(GtkSorter) sorter = GTK_SORTER (gtk_custom_sorter_new (probe_compare, info, NULL));

      gtk_column_view_column_set_sorter (view_column, sorter);
    }
  gtk_column_view_append_column (self->column_view, view_column);
}

/* Filtering */

/* TRUE when the query text is a single unquoted, unnegated word without a field:
 * its parse is one free-text term. */
static gboolean
is_single_word (const char *raw_text)
{
  const char *p = raw_text;

  while (g_ascii_isspace (*p))
    p++;
  if (*p == '-' || *p == '\0')
    return FALSE;
  for (; *p != '\0'; p++)
    if (*p == ':' || *p == '"')
      return FALSE;
    else if (g_ascii_isspace (*p))
      {
        while (g_ascii_isspace (*p))
          p++;
        return *p == '\0';
      }
  return TRUE;
}

static guint
filter_rows (RosterUsersPage   *self,
             const RosterQuery *query,
             const char        *raw_text,
             guint             *out_rows)
{
  RosterQueryContext ctx = { 0 };
  const char *text;
  guint n = roster_user_set_get_n_users (self->set);
  guint k = 0;

  ctx.now_unix = self->now;
  ctx.thresholds = self->thresholds;
  ctx.space_members = roster_space_filter_get_members (self->space_filter);

  if (roster_query_is_empty (query))
    {
      for (guint i = 0; i < n; i++)
        out_rows[i] = i;
      return n;
    }

  text = roster_query_get_text (query);
  if (self->index != NULL && text != NULL && is_single_word (raw_text))
    {
      const guint *rows = NULL;

      /* One free-text word (most keystrokes): the index's answer is exact. */
      k = roster_search_index_lookup (self->index, text, &rows);
      memcpy (out_rows, rows, sizeof (guint) * k);
      return k;
    }

  /* Several terms: the index narrows by the longest word, each row checks the rest. */
  return roster_query_filter_with_index (query, self->set, self->index, &ctx, out_rows);
}

static void
update_selection_labels (RosterUsersPage *self)
{
  guint n = g_hash_table_size (self->selected);
  g_autofree char *count = roster_format_count (n);
  g_autofree char *text = NULL;

  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s selected", "%s selected", n), count);
  gtk_label_set_label (self->selected_label, text);
  gtk_label_set_label (self->action_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->selected_label), n > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->clear_button), n > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->only_selected_button),
                            n > 0 || gtk_toggle_button_get_active (self->only_selected_button));
  gtk_revealer_set_reveal_child (self->action_revealer, n > 0);
}

static void
update_count_label (RosterUsersPage *self)
{
  guint total = self->set ? roster_user_set_get_n_users (self->set) : 0;
  g_autofree char *matches = roster_format_count (self->n_matches);
  g_autofree char *all = roster_format_count (total);
  g_autofree char *text = NULL;

  if (self->set == NULL)
    text = g_strdup (_("No users loaded yet"));
  else if (self->n_matches == total)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s user", "%s users", total), all);
  else
    /* Translators: "1,234 of 100,000 users" */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s of %s user", "%s of %s users", total),
                            matches, all);
  gtk_label_set_label (self->count_label, text);
}

static void
sync_quick_filters (RosterUsersPage *self,
                    const char      *text)
{
  struct { GtkDropDown *dropdown; const char *field; const char **values; guint n; } quick[] = {
    { self->product_dropdown, "product", product_values, G_N_ELEMENTS (product_values) },
    { self->status_dropdown, "status", status_values, G_N_ELEMENTS (status_values) },
    { self->inactivity_dropdown, "inactivity", inactivity_values, G_N_ELEMENTS (inactivity_values) },
  };

  self->updating_quick = TRUE;
  for (guint q = 0; q < G_N_ELEMENTS (quick); q++)
    {
      g_autofree char *value = roster_query_text_get_field (text, quick[q].field);
      guint selected = 0;

      for (guint i = 1; value != NULL && i < quick[q].n; i++)
        if (g_ascii_strcasecmp (value, quick[q].values[i]) == 0)
          selected = i;
      gtk_drop_down_set_selected (quick[q].dropdown, selected);
    }
  self->updating_quick = FALSE;
  roster_space_filter_set_query (self->space_filter, text);
}

static void
space_chosen_cb (RosterUsersPage   *self,
                 const char        *key,
                 RosterSpaceFilter *filter)
{
  g_autofree char *text = NULL;

  text = roster_query_text_set_field (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)),
                                      "space", key);
  roster_users_page_set_query (self, text);
}

static void
space_members_changed_cb (RosterUsersPage *self)
{
  apply_query (self, FALSE);
}

static void
apply_query (RosterUsersPage *self,
             gboolean         scroll_to_top)
{
  g_autoptr(RosterQuery) query = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint *rows = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  guint n_users, n;
  gint64 filter_start;

  sync_quick_filters (self, text);

  if (self->set == NULL)
    {
      self->n_matches = 0;
      update_count_label (self);
      return;
    }

  filter_start = g_get_monotonic_time ();
  query = roster_query_parse (text, &error);
  g_clear_pointer (&self->query_error, g_free);
  if (query == NULL)
    {
      self->query_error = g_strdup (error->message);
      gtk_label_set_label (self->query_error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->query_error_label), TRUE);
      gtk_widget_add_css_class (GTK_WIDGET (self->search_entry), "error");
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->query_error_label), FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->search_entry), "error");

  self->now = g_get_real_time () / G_USEC_PER_SEC;
  n_users = roster_user_set_get_n_users (self->set);
  rows = g_new (guint, MAX (n_users, 1));
  n = filter_rows (self, query, text, rows);

  if (gtk_toggle_button_get_active (self->only_selected_button))
    {
      guint k = 0;

      for (guint i = 0; i < n; i++)
        if (g_hash_table_contains (self->selected, roster_user_set_get_account_id (self->set, rows[i])))
          rows[k++] = rows[i];
      n = k;
    }

  if (self->order != NULL && n > 0)
    {
      g_autofree guint8 *hit = g_new0 (guint8, n_users);
      guint k = 0;

      for (guint i = 0; i < n; i++)
        hit[rows[i]] = 1;
      for (guint i = 0; i < n_users && k < n; i++)
        if (hit[self->order[i]])
          rows[k++] = self->order[i];
    }

  self->n_matches = n;
  self->last_filter_us = g_get_monotonic_time () - filter_start;
  update_count_label (self);

  /* Never shrink to 0 rows: that transition is the slowest one on GTK 4.8.
   * The previous rows stay behind the empty state instead. */
  if (n == 0 && n_users > 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->empty_page), TRUE);
      gtk_widget_set_can_target (GTK_WIDGET (self->column_view), FALSE);
      gtk_widget_set_can_focus (GTK_WIDGET (self->column_view), FALSE);
      return;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->empty_page), n_users == 0);
  gtk_widget_set_can_target (GTK_WIDGET (self->column_view), TRUE);
  gtk_widget_set_can_focus (GTK_WIDGET (self->column_view), TRUE);
  roster_user_list_model_set_rows (self->model, self->set, rows, n);

  if (scroll_to_top)
    {
      GtkAdjustment *vadj = gtk_scrolled_window_get_vadjustment (self->scroller);

      gtk_adjustment_set_value (vadj, gtk_adjustment_get_lower (vadj));
    }
}

static void
search_changed_cb (RosterUsersPage *self)
{
  apply_query (self, TRUE);
}

static void
stop_search_cb (RosterUsersPage *self)
{
  if (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))[0] != '\0')
    roster_users_page_set_query (self, "");
  else
    roster_users_page_clear_selection (self);
}

static void
quick_filter_changed_cb (RosterUsersPage *self,
                         GParamSpec      *pspec,
                         GtkDropDown     *dropdown)
{
  const char *field;
  const char **values;
  g_autofree char *text = NULL;
  guint selected;

  if (self->updating_quick)
    return;

  if (dropdown == self->product_dropdown)
    field = "product", values = product_values;
  else if (dropdown == self->status_dropdown)
    field = "status", values = status_values;
  else
    field = "inactivity", values = inactivity_values;

  selected = gtk_drop_down_get_selected (dropdown);
  text = roster_query_text_set_field (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)),
                                      field, selected == GTK_INVALID_LIST_POSITION ? NULL : values[selected]);
  roster_users_page_set_query (self, text);
}

static void
only_selected_toggled_cb (RosterUsersPage *self)
{
  update_selection_labels (self);
  apply_query (self, TRUE);
}

static void
select_all_clicked_cb (RosterUsersPage *self)
{
  roster_users_page_select_all_matching (self);
}

static void
clear_clicked_cb (RosterUsersPage *self)
{
  roster_users_page_clear_selection (self);
}

static void
show_detail_for_row (RosterUsersPage *self,
                     guint            row)
{
  g_autoptr(RosterUser) user = roster_user_set_dup_user (self->set, row);

  roster_user_detail_set_user (self->detail, user,
                               self->context ? roster_context_get_org_id (self->context) : NULL,
                               &self->thresholds);
  gtk_widget_set_visible (GTK_WIDGET (self->detail), TRUE);
}

static void
row_activated_cb (RosterUsersPage *self,
                  guint            position)
{
  guint n;
  const guint *rows = roster_user_list_model_get_rows (self->model, &n);

  if (self->set == NULL || position >= n || self->n_matches == 0)
    return;
  show_detail_for_row (self, rows[position]);
}

static void
detail_close_cb (RosterUsersPage *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->detail), FALSE);
}

/* Index */

static void
build_index_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  RosterSearchIndex *index = roster_search_index_new (task_data);

  g_task_return_pointer (task, index, (GDestroyNotify) roster_search_index_free);
}

static void
build_index_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  RosterUsersPage *self = ROSTER_USERS_PAGE (object);
  RosterSearchIndex *index;

  index = g_task_propagate_pointer (G_TASK (result), NULL);
  if (index == NULL)
    return;
  if (roster_search_index_get_set (index) != self->set)
    {
      roster_search_index_free (index);
      return;
    }
  g_clear_pointer (&self->index, roster_search_index_free);
  self->index = index;
}

static gboolean
start_index_build (gpointer data)
{
  RosterUsersPage *self = data;
  g_autoptr(GTask) task = NULL;

  self->index_idle_id = 0;
  self->index_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->index_cancellable, build_index_cb, NULL);
  g_task_set_source_tag (task, start_index_build);
  g_task_set_task_data (task, roster_user_set_ref (self->set), (GDestroyNotify) roster_user_set_unref);
  g_task_run_in_thread (task, build_index_thread);

  return G_SOURCE_REMOVE;
}

static void
context_users_changed_cb (RosterUsersPage *self)
{
  RosterUserSet *set = self->context ? roster_context_get_users (self->context) : NULL;

  if (set == self->set)
    return;

  g_cancellable_cancel (self->index_cancellable);
  g_clear_object (&self->index_cancellable);
  g_clear_handle_id (&self->index_idle_id, g_source_remove);
  g_clear_pointer (&self->index, roster_search_index_free);
  g_clear_pointer (&self->set, roster_user_set_unref);
  if (set != NULL)
    self->set = roster_user_set_ref (set);

  rebuild_order (self);
  apply_query (self, FALSE);
  update_selection_labels (self);

  if (self->set == NULL)
    return;

  /* The index is built once the list has been drawn: until then a query scans
   * the set directly (same rows, a little slower), and the first frame does not
   * wait for, or share memory peaks with, the indexing thread. */
  self->index_idle_id = g_idle_add_full (G_PRIORITY_LOW, start_index_build, self, NULL);
}

static void
context_thresholds_changed_cb (RosterUsersPage *self)
{
  if (self->context != NULL)
    roster_context_get_thresholds (self->context, &self->thresholds);
  if (self->sort_column == COL_INACTIVITY)
    rebuild_order (self);
  apply_query (self, FALSE);
  roster_user_list_model_refresh (self->model);
}

/* Export: the rows are written by the core's writer (roster-export.h) in a worker
 * thread; the file is opened and closed asynchronously around it. */

typedef struct
{
  RosterUserSet      *set;
  guint              *rows;
  guint               n_rows;
  char               *query;
  char               *org;
  RosterExportFormat  format;
  RosterThresholds    thresholds;
  gint64              now;
  GFileOutputStream  *stream;
  char               *path;
} ExportData;

static void
export_data_free (ExportData *data)
{
  g_clear_pointer (&data->set, roster_user_set_unref);
  g_clear_pointer (&data->rows, g_free);
  g_clear_pointer (&data->query, g_free);
  g_clear_pointer (&data->org, g_free);
  g_clear_object (&data->stream);
  g_clear_pointer (&data->path, g_free);
  g_free (data);
}

static void
export_closed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ExportData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  RosterUsersPage *self = g_task_get_source_object (task);
  g_autofree char *detail = NULL;

  if (!g_output_stream_close_finish (G_OUTPUT_STREAM (object), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Exports are administrative actions too: what left the app, and where to. */
  detail = g_strdup_printf ("%u users, %s, query: %s", data->n_rows,
                            data->format == ROSTER_EXPORT_JSON ? "JSON" : "CSV",
                            data->query != NULL && *data->query != '\0' ? data->query : "(none)");
  if (self->context != NULL)
    roster_context_audit (self->context, "export", data->path, "done", 0, NULL, detail);
  g_task_return_int (task, data->n_rows);
}

static void
export_written_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ExportData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!roster_export_users_finish (result, &error))
    {
      /* Do not leave a half-written file in place of the old one. */
      g_autoptr(GCancellable) abort = g_cancellable_new ();

      g_cancellable_cancel (abort);
      g_output_stream_close (G_OUTPUT_STREAM (data->stream), abort, NULL);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_output_stream_close_async (G_OUTPUT_STREAM (data->stream), G_PRIORITY_DEFAULT,
                               g_task_get_cancellable (task), export_closed_cb,
                               g_object_ref (task));
}

static void
export_opened_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ExportData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  RosterExportMeta meta = { 0 };

  data->stream = g_file_replace_finish (G_FILE (object), result, &error);
  if (data->stream == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  meta.query = data->query;
  meta.org = data->org;
  meta.exported_at = data->now;
  roster_export_users_async (G_OUTPUT_STREAM (data->stream), data->format, data->set,
                             data->rows, data->n_rows, NULL, &meta, &data->thresholds,
                             data->now, g_task_get_cancellable (task), export_written_cb,
                             g_object_ref (task));
}

void
roster_users_page_export_to_file_async (RosterUsersPage     *self,
                                        GFile               *file,
                                        RosterExportFormat   format,
                                        gboolean             selection_only,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportData *data;

  g_return_if_fail (ROSTER_IS_USERS_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_users_page_export_to_file_async);

  if (self->set == NULL)
    {
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT,
                               "No users loaded");
      return;
    }

  data = g_new0 (ExportData, 1);
  data->set = roster_user_set_ref (self->set);
  data->format = format;
  data->thresholds = self->thresholds;
  data->now = g_get_real_time () / G_USEC_PER_SEC;
  data->path = g_file_get_path (file);
  data->query = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  if (self->context != NULL)
    data->org = g_strdup (roster_context_get_org_name (self->context));

  if (selection_only)
    {
      GHashTableIter iter;
      gpointer key;
      guint k = 0;

      data->rows = g_new (guint, MAX (g_hash_table_size (self->selected), 1));
      g_hash_table_iter_init (&iter, self->selected);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          int row = roster_user_set_lookup (self->set, key);

          if (row >= 0)
            data->rows[k++] = row;
        }
      data->n_rows = k;
      g_qsort_with_data (data->rows, k, sizeof (guint), compare_uint, NULL);
    }
  else
    {
      guint n = 0;
      const guint *rows = roster_user_list_model_get_rows (self->model, &n);

      if (self->n_matches == 0)
        n = 0;
      data->rows = g_memdup2 (rows, sizeof (guint) * MAX (n, 1));
      data->n_rows = n;
    }

  g_task_set_task_data (task, data, (GDestroyNotify) export_data_free);
  g_file_replace_async (file, NULL, FALSE,
                        G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                        G_PRIORITY_DEFAULT, cancellable, export_opened_cb,
                        g_object_ref (task));
}

gssize
roster_users_page_export_to_file_finish (RosterUsersPage  *self,
                                         GAsyncResult     *result,
                                         GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  return g_task_propagate_int (G_TASK (result), error);
}

static void
toast (RosterUsersPage *self,
       const char      *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  RosterUsersPage *self = ROSTER_USERS_PAGE (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gssize n;

  n = roster_users_page_export_to_file_finish (self, result, &error);
  if (n < 0)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      text = roster_describe_error (error);
    }
  else
    {
      g_autofree char *count = roster_format_count (n);

      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Exported %s user", "Exported %s users", n),
                              count);
    }
  toast (self, text);
}

static void
export_file_chosen_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(RosterUsersPage) self = user_data;
  g_autoptr(GFile) file = NULL;
  g_autofree char *basename = NULL;
  RosterExportFormat format;

  file = roster_compat_choose_save_file_finish (result, NULL);
  if (file == NULL)
    return;

  basename = g_file_get_basename (file);
  format = basename && g_str_has_suffix (basename, ".json") ? ROSTER_EXPORT_JSON : ROSTER_EXPORT_CSV;
  roster_users_page_export_to_file_async (self, file, format,
                                          g_hash_table_size (self->selected) > 0,
                                          NULL, export_done_cb, NULL);
}

void
roster_users_page_export (RosterUsersPage *self)
{
  GtkRoot *root;

  g_return_if_fail (ROSTER_IS_USERS_PAGE (self));

  if (self->set == NULL)
    return;

  root = gtk_widget_get_root (GTK_WIDGET (self));
  roster_compat_choose_save_file_async (GTK_WINDOW (root),
                                        g_hash_table_size (self->selected) > 0
                                          ? _("Export Selected Users")
                                          : _("Export Matching Users"),
                                        "users.csv", NULL, export_file_chosen_cb,
                                        g_object_ref (self));
}

/* GObject */

static void
roster_users_page_dispose (GObject *object)
{
  RosterUsersPage *self = ROSTER_USERS_PAGE (object);

  g_cancellable_cancel (self->index_cancellable);
  g_clear_object (&self->index_cancellable);
  g_clear_handle_id (&self->index_idle_id, g_source_remove);
  if (self->context_signals != NULL)
    g_signal_group_set_target (self->context_signals, NULL);
  g_clear_object (&self->context_signals);
  g_clear_object (&self->context);
  if (self->protected_model != NULL)
    g_signal_handlers_disconnect_by_data (self->protected_model, self);
  g_clear_object (&self->protected_model);

  gtk_widget_dispose_template (GTK_WIDGET (self), ROSTER_TYPE_USERS_PAGE);

  g_clear_object (&self->model);
  g_clear_pointer (&self->index, roster_search_index_free);
  g_clear_pointer (&self->set, roster_user_set_unref);

  G_OBJECT_CLASS (roster_users_page_parent_class)->dispose (object);
}

static void
roster_users_page_finalize (GObject *object)
{
  RosterUsersPage *self = ROSTER_USERS_PAGE (object);

  g_clear_pointer (&self->selected, g_hash_table_unref);
  g_clear_pointer (&self->order, g_free);
  g_clear_pointer (&self->query_error, g_free);
  g_clear_pointer (&self->last_active_texts, g_hash_table_unref);
  g_clear_object (&self->probe_a);
  g_clear_object (&self->probe_b);

  G_OBJECT_CLASS (roster_users_page_parent_class)->finalize (object);
}

static gboolean
escape_cb (GtkWidget *widget,
           GVariant  *args,
           gpointer   user_data)
{
  RosterUsersPage *self = ROSTER_USERS_PAGE (widget);

  if (gtk_widget_get_visible (GTK_WIDGET (self->detail)) && g_hash_table_size (self->selected) == 0)
    gtk_widget_set_visible (GTK_WIDGET (self->detail), FALSE);
  else
    roster_users_page_clear_selection (self);
  return TRUE;
}

static void
roster_users_page_class_init (RosterUsersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = roster_users_page_dispose;
  object_class->finalize = roster_users_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/ui/roster-users-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RosterUsersPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, RosterUsersPage, product_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RosterUsersPage, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RosterUsersPage, inactivity_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RosterUsersPage, query_error_label);
  gtk_widget_class_bind_template_child (widget_class, RosterUsersPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, RosterUsersPage, selected_label);
  gtk_widget_class_bind_template_child (widget_class, RosterUsersPage, only_selected_button);
  gtk_widget_class_bind_template_child (widget_class, RosterUsersPage, select_all_button);
  gtk_widget_class_bind_template_child (widget_class, RosterUsersPage, clear_button);
  gtk_widget_class_bind_template_child (widget_class, RosterUsersPage, paned);
  gtk_widget_class_bind_template_child (widget_class, RosterUsersPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, RosterUsersPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, RosterUsersPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, RosterUsersPage, detail);
  gtk_widget_class_bind_template_child (widget_class, RosterUsersPage, action_revealer);
  gtk_widget_class_bind_template_child (widget_class, RosterUsersPage, action_label);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, quick_filter_changed_cb);
  gtk_widget_class_bind_template_child (widget_class, RosterUsersPage, space_filter);
  gtk_widget_class_bind_template_callback (widget_class, space_chosen_cb);
  gtk_widget_class_bind_template_callback (widget_class, space_members_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, only_selected_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, select_all_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, clear_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, detail_close_cb);

  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, escape_cb, NULL);

  g_type_ensure (ROSTER_TYPE_USER_DETAIL);
  g_type_ensure (ROSTER_TYPE_SPACE_FILTER);
}

static void
set_dropdown_strings (GtkDropDown       *dropdown,
                      const char *const *strings)
{
  g_autoptr(GtkStringList) list = gtk_string_list_new (strings);

  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (list));
}

static void
roster_users_page_init (RosterUsersPage *self)
{
  const char *products[] = { _("All Products"), _("Jira"), _("Jira Service Management"), _("Confluence"), NULL };
  const char *statuses[] = { _("Any Status"), _("Active"), _("Suspended"), _("Deactivated"), _("Not invited"),
                             _("Pending deletion"), NULL };
  const char *levels[] = { _("Any Activity"), _("Active"), _("Warning"), _("Overdue"), _("Never active"), NULL };
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->selected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->thresholds.warning_days = ROSTER_DEFAULT_WARNING_DAYS;
  self->thresholds.overdue_days = ROSTER_DEFAULT_OVERDUE_DAYS;
  self->now = g_get_real_time () / G_USEC_PER_SEC;
  self->sort_column = -1;
  self->probe_a = g_object_new (G_TYPE_OBJECT, NULL);
  self->probe_b = g_object_new (G_TYPE_OBJECT, NULL);

  self->updating_quick = TRUE;
  set_dropdown_strings (self->product_dropdown, products);
  set_dropdown_strings (self->status_dropdown, statuses);
  set_dropdown_strings (self->inactivity_dropdown, levels);
  self->updating_quick = FALSE;

  self->model = roster_user_list_model_new ();
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (selection));

  add_column (self, COL_SELECT, update_select_cell, NULL, FALSE, 48);
  add_column (self, COL_NAME, update_name_cell, _("Name"), TRUE, -1);
  add_column (self, COL_STATUS, update_status_cell, _("Status"), FALSE, 130);
  add_column (self, COL_TYPE, update_type_cell, _("Account Type"), FALSE, 120);
  add_column (self, COL_PRODUCTS, update_products_cell, _("Products"), FALSE, 130);
  add_column (self, COL_LAST_ACTIVE, update_last_active_cell, _("Last Active"), FALSE, 190);
  add_column (self, COL_INACTIVITY, update_inactivity_cell, _("Inactivity"), FALSE, 130);

  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (sorter_changed_cb), self, G_CONNECT_SWAPPED);

  self->context_signals = g_signal_group_new (ROSTER_TYPE_CONTEXT);
  g_signal_group_connect_object (self->context_signals, "notify::users",
                                 G_CALLBACK (context_users_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->context_signals, "thresholds-changed",
                                 G_CALLBACK (context_thresholds_changed_cb), self, G_CONNECT_SWAPPED);

  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->column_view));
  update_selection_labels (self);
  update_count_label (self);
}

/* Public API */

void
roster_users_page_set_context (RosterUsersPage *self,
                               RosterContext   *context)
{
  g_return_if_fail (ROSTER_IS_USERS_PAGE (self));

  if (g_set_object (&self->context, context))
    {
      g_signal_group_set_target (self->context_signals, context);
      g_hash_table_remove_all (self->selected);
      gtk_widget_set_visible (GTK_WIDGET (self->detail), FALSE);
      if (context != NULL)
        roster_context_get_thresholds (context, &self->thresholds);
    }
  roster_space_filter_set_context (self->space_filter, context);
  context_users_changed_cb (self);
}

static void
protected_changed_cb (RosterUsersPage *self)
{
  /* Only the shield icons change: retarget the live rows in place. */
  roster_user_list_model_refresh (self->model);
}

void
roster_users_page_set_protected_model (RosterUsersPage      *self,
                                       RosterProtectedModel *model)
{
  g_return_if_fail (ROSTER_IS_USERS_PAGE (self));

  if (self->protected_model == model)
    return;
  if (self->protected_model != NULL)
    g_signal_handlers_disconnect_by_data (self->protected_model, self);
  g_set_object (&self->protected_model, model);
  if (model != NULL)
    g_signal_connect_object (model, "changed", G_CALLBACK (protected_changed_cb), self,
                             G_CONNECT_SWAPPED);
  roster_user_detail_set_protected_model (self->detail, model);
  roster_user_list_model_refresh (self->model);
}

gint64
roster_users_page_get_last_filter_time (RosterUsersPage *self)
{
  g_return_val_if_fail (ROSTER_IS_USERS_PAGE (self), 0);

  return self->last_filter_us;
}

gboolean
roster_users_page_is_index_ready (RosterUsersPage *self)
{
  g_return_val_if_fail (ROSTER_IS_USERS_PAGE (self), FALSE);

  return self->index != NULL;
}

RosterUserDetail *
roster_users_page_get_detail (RosterUsersPage *self)
{
  g_return_val_if_fail (ROSTER_IS_USERS_PAGE (self), NULL);

  return self->detail;
}

void
roster_users_page_set_query (RosterUsersPage *self,
                             const char      *query)
{
  g_return_if_fail (ROSTER_IS_USERS_PAGE (self));

  if (query == NULL)
    query = "";

  /* Block the delayed search-changed: the query is applied right away. */
  g_signal_handlers_block_by_func (self->search_entry, search_changed_cb, self);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), query);
  gtk_editable_set_position (GTK_EDITABLE (self->search_entry), -1);
  g_signal_handlers_unblock_by_func (self->search_entry, search_changed_cb, self);
  apply_query (self, TRUE);
}

const char *
roster_users_page_get_query (RosterUsersPage *self)
{
  g_return_val_if_fail (ROSTER_IS_USERS_PAGE (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
}

void
roster_users_page_focus_search (RosterUsersPage *self)
{
  g_return_if_fail (ROSTER_IS_USERS_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
selection_changed (RosterUsersPage *self)
{
  update_selection_labels (self);
  roster_user_list_model_refresh (self->model);
  if (gtk_toggle_button_get_active (self->only_selected_button))
    apply_query (self, FALSE);
}

void
roster_users_page_select_all_matching (RosterUsersPage *self)
{
  guint n;
  const guint *rows;

  g_return_if_fail (ROSTER_IS_USERS_PAGE (self));

  if (self->set == NULL || self->n_matches == 0)
    return;

  rows = roster_user_list_model_get_rows (self->model, &n);
  for (guint i = 0; i < n; i++)
    g_hash_table_add (self->selected, g_strdup (roster_user_set_get_account_id (self->set, rows[i])));
  selection_changed (self);
}

void
roster_users_page_clear_selection (RosterUsersPage *self)
{
  g_return_if_fail (ROSTER_IS_USERS_PAGE (self));

  if (g_hash_table_size (self->selected) == 0)
    return;
  g_hash_table_remove_all (self->selected);
  gtk_toggle_button_set_active (self->only_selected_button, FALSE);
  selection_changed (self);
}

void
roster_users_page_set_selected (RosterUsersPage *self,
                                const char      *account_id,
                                gboolean         selected)
{
  g_return_if_fail (ROSTER_IS_USERS_PAGE (self));
  g_return_if_fail (account_id != NULL);

  if (selected == g_hash_table_contains (self->selected, account_id))
    return;
  if (selected)
    g_hash_table_add (self->selected, g_strdup (account_id));
  else
    g_hash_table_remove (self->selected, account_id);
  update_selection_labels (self);
}

gboolean
roster_users_page_is_selected (RosterUsersPage *self,
                               const char      *account_id)
{
  g_return_val_if_fail (ROSTER_IS_USERS_PAGE (self), FALSE);

  return g_hash_table_contains (self->selected, account_id);
}

guint
roster_users_page_get_n_selected (RosterUsersPage *self)
{
  g_return_val_if_fail (ROSTER_IS_USERS_PAGE (self), 0);

  return g_hash_table_size (self->selected);
}

/* The selected account ids, for the bulk actions (order unspecified). */
char **
roster_users_page_dup_selected_ids (RosterUsersPage *self)
{
  GHashTableIter iter;
  gpointer key;
  GPtrArray *ids;

  g_return_val_if_fail (ROSTER_IS_USERS_PAGE (self), NULL);

  ids = g_ptr_array_sized_new (g_hash_table_size (self->selected) + 1);
  g_hash_table_iter_init (&iter, self->selected);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (ids, g_strdup (key));
  g_ptr_array_add (ids, NULL);
  return (char **) g_ptr_array_free (ids, FALSE);
}

void
roster_users_page_set_show_only_selected (RosterUsersPage *self,
                                          gboolean         only_selected)
{
  g_return_if_fail (ROSTER_IS_USERS_PAGE (self));

  update_selection_labels (self);
  gtk_toggle_button_set_active (self->only_selected_button, only_selected);
}

guint
roster_users_page_get_n_matches (RosterUsersPage *self)
{
  g_return_val_if_fail (ROSTER_IS_USERS_PAGE (self), 0);

  return self->n_matches;
}

RosterUserListModel *
roster_users_page_get_model (RosterUsersPage *self)
{
  g_return_val_if_fail (ROSTER_IS_USERS_PAGE (self), NULL);

  return self->model;
}

const char *
roster_users_page_get_query_error (RosterUsersPage *self)
{
  g_return_val_if_fail (ROSTER_IS_USERS_PAGE (self), NULL);

  return self->query_error;
}

static void
scroll_to_position (RosterUsersPage *self,
                    guint            position)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LIST_VIEW (child))
        {
          gtk_widget_activate_action (child, "list.scroll-to-item", "u", position);
          return;
        }
    }
}

void
roster_users_page_show_account (RosterUsersPage *self,
                                const char      *account_id)
{
  int row, position;

  g_return_if_fail (ROSTER_IS_USERS_PAGE (self));

  if (self->set == NULL || account_id == NULL)
    return;
  row = roster_user_set_lookup (self->set, account_id);
  if (row < 0)
    return;

  position = self->n_matches > 0 ? roster_user_list_model_find_row (self->model, row) : -1;
  if (position < 0)
    {
      gtk_toggle_button_set_active (self->only_selected_button, FALSE);
      roster_users_page_set_query (self, "");
      position = roster_user_list_model_find_row (self->model, row);
    }
  if (position >= 0)
    scroll_to_position (self, position);
  show_detail_for_row (self, row);
}

void
roster_users_page_show_accounts (RosterUsersPage   *self,
                                 const char *const *account_ids)
{
  g_return_if_fail (ROSTER_IS_USERS_PAGE (self));

  g_hash_table_remove_all (self->selected);
  for (guint i = 0; account_ids != NULL && account_ids[i] != NULL; i++)
    g_hash_table_add (self->selected, g_strdup (account_ids[i]));

  update_selection_labels (self);
  roster_user_list_model_refresh (self->model);
  g_signal_handlers_block_by_func (self->only_selected_button, only_selected_toggled_cb, self);
  gtk_toggle_button_set_active (self->only_selected_button, TRUE);
  g_signal_handlers_unblock_by_func (self->only_selected_button, only_selected_toggled_cb, self);
  update_selection_labels (self);
  roster_users_page_set_query (self, "");
}
