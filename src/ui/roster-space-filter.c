/* roster-space-filter.c */
#define G_LOG_DOMAIN "roster-space-filter"

#include "config.h"

#include <glib/gi18n.h>

#include "roster-confluence.h"
#include "roster-error.h"
#include "roster-query.h"
#include "roster-space-filter.h"

/* Without the list of spaces a key is only known when the site answers: wait for
 * the typing to pause before asking about "E", "EN", "ENG". */
#define RESOLVE_DELAY_MS 400

struct _RosterSpaceFilter
{
  AdwBin               parent_instance;

  /* Template widgets */
  GtkDropDown         *dropdown;
  GtkBox              *status_box;
  GtkSpinner          *spinner;
  GtkImage            *error_image;
  GtkLabel            *status_label;

  /* Owned */
  RosterContext       *context;       /* (nullable) */
  GSignalGroup        *context_signals;
  RosterSite          *site;          /* (nullable) */
  RosterConfluenceApi *api;           /* (nullable) */
  GCancellable        *cancellable;   /* loads and resolutions of this site */
  GtkStringList       *names;         /* "Any space", then "KEY — Name" */
  GPtrArray           *spaces;        /* (nullable) RosterSpace, as listed */
  GHashTable          *members;       /* upper-case key → set of account ids */
  GHashTable          *errors;        /* upper-case key → message */
  GHashTable          *resolving;     /* upper-case key → NULL (in flight) */
  GStrv                keys;          /* (nullable) upper-case keys of the query */
  char                *error;         /* (nullable) shown for the query's keys */
  char                *text;          /* (nullable) the query text */

  guint                resolve_id;
  guint                updating : 1;
};

G_DEFINE_FINAL_TYPE (RosterSpaceFilter, roster_space_filter, ADW_TYPE_BIN)

enum {
  SPACE_CHOSEN,
  MEMBERS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  RosterSpaceFilter *self;  /* (owned) */
  RosterSite        *site;  /* (owned) the site asked */
  char              *key;   /* (owned) */
} Call;

static Call *
call_new (RosterSpaceFilter *self,
          const char        *key)
{
  Call *call = g_new0 (Call, 1);

  call->self = g_object_ref (self);
  call->site = g_object_ref (self->site);
  call->key = g_strdup (key);
  return call;
}

static void
call_free (Call *call)
{
  g_object_unref (call->self);
  g_object_unref (call->site);
  g_free (call->key);
  g_free (call);
}

static RosterSpace *
find_space (RosterSpaceFilter *self,
            const char        *key,
            guint             *out_index)
{
  for (guint i = 0; self->spaces != NULL && key != NULL && i < self->spaces->len; i++)
    {
      RosterSpace *space = g_ptr_array_index (self->spaces, i);

      if (g_ascii_strcasecmp (roster_space_get_key (space), key) == 0)
        {
          if (out_index)
            *out_index = i;
          return space;
        }
    }
  return NULL;
}

static void
update_status (RosterSpaceFilter *self)
{
  gboolean resolving = FALSE;
  const char *error = NULL;

  for (guint i = 0; self->keys != NULL && self->keys[i] != NULL; i++)
    {
      if (g_hash_table_contains (self->resolving, self->keys[i]))
        resolving = TRUE;
      else if (error == NULL)
        error = g_hash_table_lookup (self->errors, self->keys[i]);
    }
  if (!resolving && error == NULL && self->resolve_id != 0)
    resolving = TRUE;

  g_free (self->error);
  self->error = resolving ? NULL : g_strdup (error);

  gtk_widget_set_visible (GTK_WIDGET (self->status_box), resolving || self->error != NULL);
  gtk_spinner_set_spinning (self->spinner, resolving);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), resolving);
  gtk_widget_set_visible (GTK_WIDGET (self->error_image), !resolving && self->error != NULL);
  if (resolving)
    {
      gtk_label_set_text (self->status_label, _("Resolving space…"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_box), NULL);
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "dim-label");
    }
  else if (self->error != NULL)
    {
      gtk_label_set_text (self->status_label, self->error);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_box), self->error);
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
    }
}

static char *
describe_space_error (const char   *key,
                      const GError *error)
{
  if (g_error_matches (error, ROSTER_ERROR, ROSTER_ERROR_NOT_FOUND))
    /* Translators: a Confluence space key, "No space “ENG” on this site". */
    return g_strdup_printf (_("No space “%s” on this site"), key);
  if (g_error_matches (error, ROSTER_ERROR, ROSTER_ERROR_UNAUTHORIZED) ||
      g_error_matches (error, ROSTER_ERROR, ROSTER_ERROR_FORBIDDEN))
    return g_strdup_printf (_("The site account may not read the permissions of “%s”"), key);
  if (g_error_matches (error, ROSTER_ERROR, ROSTER_ERROR_NETWORK))
    return g_strdup_printf (_("Cannot reach the site to resolve “%s”"), key);
  return g_strdup_printf (_("Space “%s” could not be resolved"), key);
}

static void
resolve_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Call *call = user_data;
  RosterSpaceFilter *self = call->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accesses = NULL;

  accesses = roster_confluence_api_resolve_spaces_finish (ROSTER_CONFLUENCE_API (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || call->site != self->site)
    {
      call_free (call);
      return;
    }

  g_hash_table_remove (self->resolving, call->key);
  if (accesses == NULL)
    {
      g_debug ("Space %s not resolved: %s", call->key, error->message);
      g_hash_table_insert (self->errors, g_strdup (call->key),
                           describe_space_error (call->key, error));
    }
  else
    {
      g_autoptr(GHashTable) members = roster_space_access_to_query_members (accesses);
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, members);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          g_hash_table_insert (self->members, g_strdup (key), g_hash_table_ref (value));
        }
      /* A key the site knows under a different case still counts as resolved. */
      if (!g_hash_table_contains (self->members, call->key) && accesses->len == 1)
        {
          RosterSpaceAccess *access = g_ptr_array_index (accesses, 0);

          g_hash_table_insert (self->members, g_strdup (call->key),
                               g_hash_table_ref (access->members));
        }
    }

  update_status (self);
  g_signal_emit (self, signals[MEMBERS_CHANGED], 0);
  call_free (call);
}

static void
resolve_key (RosterSpaceFilter *self,
             const char        *key)
{
  const char *keys[] = { key, NULL };

  g_hash_table_add (self->resolving, g_strdup (key));
  roster_confluence_api_resolve_spaces_async (self->api, keys, self->cancellable, resolve_cb,
                                              call_new (self, key));
}

/* Starts what the query's keys need; with the list of spaces known, unknown keys
 * fail at once and known ones are asked now, otherwise after a pause. */
static void
resolve_pending (RosterSpaceFilter *self,
                 gboolean           now)
{
  if (self->api == NULL)
    return;

  for (guint i = 0; self->keys != NULL && self->keys[i] != NULL; i++)
    {
      const char *key = self->keys[i];

      if (g_hash_table_contains (self->members, key) || g_hash_table_contains (self->errors, key) ||
          g_hash_table_contains (self->resolving, key))
        continue;
      if (self->spaces != NULL && find_space (self, key, NULL) == NULL)
        {
          g_hash_table_insert (self->errors, g_strdup (key),
                               g_strdup_printf (_("No space “%s” on this site"), key));
          continue;
        }
      if (self->spaces != NULL || now)
        resolve_key (self, key);
    }
}

static gboolean
resolve_timeout_cb (gpointer user_data)
{
  RosterSpaceFilter *self = user_data;

  self->resolve_id = 0;
  resolve_pending (self, TRUE);
  update_status (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_resolve (RosterSpaceFilter *self)
{
  gboolean later = FALSE;

  resolve_pending (self, FALSE);
  /* resolve_pending() only notes that something waits; arm the timer here. */
  g_clear_handle_id (&self->resolve_id, g_source_remove);
  for (guint i = 0; self->api != NULL && self->keys != NULL && self->keys[i] != NULL; i++)
    if (!g_hash_table_contains (self->members, self->keys[i]) &&
        !g_hash_table_contains (self->errors, self->keys[i]) &&
        !g_hash_table_contains (self->resolving, self->keys[i]))
      later = TRUE;
  if (later)
    self->resolve_id = g_timeout_add (RESOLVE_DELAY_MS, resolve_timeout_cb, self);
  update_status (self);
}

static void
select_query_space (RosterSpaceFilter *self,
                    const char        *text)
{
  g_autofree char *value = text ? roster_query_text_get_field (text, "space") : NULL;
  guint index = 0;

  if (value != NULL && find_space (self, value, &index) != NULL)
    index++;
  else
    index = 0;

  self->updating = TRUE;
  gtk_drop_down_set_selected (self->dropdown, index);
  self->updating = FALSE;
}

static void
spaces_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Call *call = user_data;
  RosterSpaceFilter *self = call->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) spaces = NULL;
  g_autoptr(GPtrArray) names = NULL;

  spaces = roster_confluence_api_list_spaces_finish (ROSTER_CONFLUENCE_API (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || call->site != self->site)
    {
      call_free (call);
      return;
    }

  if (spaces == NULL)
    {
      call_free (call);
      /* The picker stays at "Any space"; typed space: terms still resolve. */
      g_debug ("Spaces not listed: %s", error->message);
      gtk_widget_set_sensitive (GTK_WIDGET (self->dropdown), FALSE);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->dropdown), _("The site’s spaces could not be listed"));
      return;
    }

  self->spaces = g_steal_pointer (&spaces);
  names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < self->spaces->len; i++)
    {
      RosterSpace *space = g_ptr_array_index (self->spaces, i);

      /* Translators: a Confluence space in the filter, "ENG — Engineering". */
      g_ptr_array_add (names, g_strdup_printf (_("%s — %s"), roster_space_get_key (space),
                                               roster_space_get_name (space)));
    }
  g_ptr_array_add (names, NULL);

  self->updating = TRUE;
  gtk_string_list_splice (self->names, 1, g_list_model_get_n_items (G_LIST_MODEL (self->names)) - 1,
                          (const char * const *) names->pdata);
  self->updating = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->dropdown), TRUE);
  select_query_space (self, self->text);
  /* Keys typed before the list came are now known or known to be wrong. */
  schedule_resolve (self);
  call_free (call);
}

static void
set_site (RosterSpaceFilter *self,
          RosterSite        *site)
{
  if (self->site == site)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->resolve_id, g_source_remove);
  g_set_object (&self->site, site);
  g_clear_object (&self->api);
  g_clear_pointer (&self->spaces, g_ptr_array_unref);
  g_hash_table_remove_all (self->members);
  g_hash_table_remove_all (self->errors);
  g_hash_table_remove_all (self->resolving);

  self->updating = TRUE;
  gtk_string_list_splice (self->names, 1, g_list_model_get_n_items (G_LIST_MODEL (self->names)) - 1, NULL);
  gtk_drop_down_set_selected (self->dropdown, 0);
  self->updating = FALSE;

  gtk_widget_set_visible (GTK_WIDGET (self), site != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->dropdown), FALSE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->dropdown), _("Confluence space"));

  if (site != NULL)
    {
      self->api = roster_confluence_api_new (site);
      self->cancellable = g_cancellable_new ();
      roster_confluence_api_list_spaces_async (self->api, self->cancellable, spaces_loaded_cb,
                                               call_new (self, NULL));
      schedule_resolve (self);
    }
  else
    {
      update_status (self);
    }
  /* Members of the old site no longer apply. */
  g_signal_emit (self, signals[MEMBERS_CHANGED], 0);
}

static void
context_site_changed_cb (RosterSpaceFilter *self)
{
  set_site (self, self->context != NULL && roster_context_is_open (self->context)
                    ? roster_context_get_site (self->context) : NULL);
}

static void
dropdown_selected_cb (RosterSpaceFilter *self)
{
  guint selected = gtk_drop_down_get_selected (self->dropdown);
  const char *key = NULL;

  if (self->updating)
    return;
  if (self->spaces != NULL && selected != GTK_INVALID_LIST_POSITION && selected > 0 &&
      selected - 1 < self->spaces->len)
    key = roster_space_get_key (g_ptr_array_index (self->spaces, selected - 1));
  g_signal_emit (self, signals[SPACE_CHOSEN], 0, key);
}

static void
roster_space_filter_dispose (GObject *object)
{
  RosterSpaceFilter *self = ROSTER_SPACE_FILTER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->resolve_id, g_source_remove);
  if (self->context_signals != NULL)
    g_signal_group_set_target (self->context_signals, NULL);
  g_clear_object (&self->context_signals);
  g_clear_object (&self->context);
  g_clear_object (&self->api);
  g_clear_object (&self->site);
  gtk_widget_dispose_template (GTK_WIDGET (self), ROSTER_TYPE_SPACE_FILTER);
  g_clear_object (&self->names);

  G_OBJECT_CLASS (roster_space_filter_parent_class)->dispose (object);
}

static void
roster_space_filter_finalize (GObject *object)
{
  RosterSpaceFilter *self = ROSTER_SPACE_FILTER (object);

  g_clear_pointer (&self->spaces, g_ptr_array_unref);
  g_clear_pointer (&self->members, g_hash_table_unref);
  g_clear_pointer (&self->errors, g_hash_table_unref);
  g_clear_pointer (&self->resolving, g_hash_table_unref);
  g_clear_pointer (&self->keys, g_strfreev);
  g_clear_pointer (&self->error, g_free);
  g_clear_pointer (&self->text, g_free);

  G_OBJECT_CLASS (roster_space_filter_parent_class)->finalize (object);
}

static void
roster_space_filter_class_init (RosterSpaceFilterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = roster_space_filter_dispose;
  object_class->finalize = roster_space_filter_finalize;

  /* (nullable) the key chosen in the drop-down, NULL for "Any space". */
  signals[SPACE_CHOSEN] = g_signal_new ("space-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* Resolved members changed: filter again. */
  signals[MEMBERS_CHANGED] = g_signal_new ("members-changed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/ui/roster-space-filter.ui");
  gtk_widget_class_bind_template_child (widget_class, RosterSpaceFilter, dropdown);
  gtk_widget_class_bind_template_child (widget_class, RosterSpaceFilter, status_box);
  gtk_widget_class_bind_template_child (widget_class, RosterSpaceFilter, spinner);
  gtk_widget_class_bind_template_child (widget_class, RosterSpaceFilter, error_image);
  gtk_widget_class_bind_template_child (widget_class, RosterSpaceFilter, status_label);
}

static void
roster_space_filter_init (RosterSpaceFilter *self)
{
  const char *any[] = { NULL, NULL };
  g_autoptr(GtkExpression) expression = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  any[0] = _("Any space");
  self->names = gtk_string_list_new (any);
  expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  gtk_drop_down_set_expression (self->dropdown, expression);
  gtk_drop_down_set_model (self->dropdown, G_LIST_MODEL (self->names));
  gtk_widget_set_sensitive (GTK_WIDGET (self->dropdown), FALSE);
  g_signal_connect_object (self->dropdown, "notify::selected", G_CALLBACK (dropdown_selected_cb),
                           self, G_CONNECT_SWAPPED);

  self->members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_hash_table_unref);
  self->errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->resolving = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  self->context_signals = g_signal_group_new (ROSTER_TYPE_CONTEXT);
  g_signal_group_connect_object (self->context_signals, "notify::site",
                                 G_CALLBACK (context_site_changed_cb), self, G_CONNECT_SWAPPED);
}

/* Public API */

void
roster_space_filter_set_context (RosterSpaceFilter *self,
                                 RosterContext     *context)
{
  g_return_if_fail (ROSTER_IS_SPACE_FILTER (self));
  g_return_if_fail (!context || ROSTER_IS_CONTEXT (context));

  if (g_set_object (&self->context, context))
    g_signal_group_set_target (self->context_signals, context);
  context_site_changed_cb (self);
}

static gboolean
mentions_space (const char *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p++)
    if (g_ascii_strncasecmp (p, "space:", 6) == 0)
      return TRUE;
  return FALSE;
}

void
roster_space_filter_set_query (RosterSpaceFilter *self,
                               const char        *text)
{
  g_autoptr(RosterQuery) query = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_if_fail (ROSTER_IS_SPACE_FILTER (self));

  if (g_strcmp0 (self->text, text) != 0)
    {
      g_free (self->text);
      self->text = g_strdup (text);
    }
  select_query_space (self, text);

  /* The common case (no space term) costs a scan of the text, no parse. */
  if (mentions_space (text))
    query = roster_query_parse (text, NULL);
  if (query != NULL)
    {
      const char * const *spaces = roster_query_get_spaces (query);

      for (guint i = 0; spaces != NULL && spaces[i] != NULL; i++)
        {
          g_autofree char *key = g_ascii_strup (spaces[i], -1);

          if (key[0] != '\0')
            g_strv_builder_add (builder, key);
        }
    }
  g_clear_pointer (&self->keys, g_strfreev);
  self->keys = g_strv_builder_end (builder);
  if (self->keys[0] == NULL)
    g_clear_pointer (&self->keys, g_strfreev);

  schedule_resolve (self);
}

GHashTable *
roster_space_filter_get_members (RosterSpaceFilter *self)
{
  g_return_val_if_fail (ROSTER_IS_SPACE_FILTER (self), NULL);

  return g_hash_table_size (self->members) > 0 ? self->members : NULL;
}

gboolean
roster_space_filter_is_resolving (RosterSpaceFilter *self)
{
  g_return_val_if_fail (ROSTER_IS_SPACE_FILTER (self), FALSE);

  for (guint i = 0; self->keys != NULL && self->keys[i] != NULL; i++)
    if (g_hash_table_contains (self->resolving, self->keys[i]))
      return TRUE;
  return self->keys != NULL && self->resolve_id != 0;
}

const char *
roster_space_filter_get_error (RosterSpaceFilter *self)
{
  g_return_val_if_fail (ROSTER_IS_SPACE_FILTER (self), NULL);

  return self->error;
}

guint
roster_space_filter_get_n_spaces (RosterSpaceFilter *self)
{
  g_return_val_if_fail (ROSTER_IS_SPACE_FILTER (self), 0);

  return self->spaces ? self->spaces->len : 0;
}
