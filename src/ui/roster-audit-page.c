/* roster-audit-page.c
 *
 * The audit trail: the newest entries of the store's hash-chained log, filtered
 * by action, user or target text and date, and a check of the chain.
 */
#define G_LOG_DOMAIN "roster-audit-page"

#include "config.h"

#include <glib/gi18n.h>

#include "roster-application.h"
#include "roster-audit-page.h"
#include "roster-compat.h"
#include "roster-error.h"
#include "roster-window.h"

#define MAX_ENTRIES 500

struct _RosterAuditPage
{
  AdwBin          parent_instance;

  /* Template widgets */
  GtkSearchEntry *text_entry;
  GtkEntry       *action_entry;
  GtkEntry       *since_entry;
  GtkButton      *verify_button;
  GtkLabel       *status_label;
  GtkStack       *stack;
  GtkListBox     *list;

  RosterContext  *context;        /* (owned) (nullable) */
  GCancellable   *cancellable;    /* (owned) (nullable) the current load */
  int             n_entries;
  int             verified;
};

G_DEFINE_FINAL_TYPE (RosterAuditPage, roster_audit_page, ADW_TYPE_BIN)

static GtkWidget *
entry_row (const RosterAuditEntry *entry)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *outcome = gtk_label_new (roster_audit_entry_get_outcome (entry));
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autoptr(GDateTime) utc = g_date_time_new_from_iso8601 (roster_audit_entry_get_time (entry), NULL);
  g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;
  g_autofree char *when = local ? g_date_time_format (local, "%x %X") : NULL;
  const char *target = roster_audit_entry_get_target (entry);

  title = g_strdup_printf ("%s%s%s", roster_audit_entry_get_action (entry),
                           target ? " · " : "", target ? target : "");
  {
    GString *text = g_string_new (when ? when : roster_audit_entry_get_time (entry));
    const char *user = roster_audit_entry_get_os_user (entry);

    g_string_append_printf (text, " · %s", user ? user : "—");
    if (roster_audit_entry_get_http_status (entry) != 0)
      g_string_append_printf (text, " · HTTP %u", roster_audit_entry_get_http_status (entry));
    if (roster_audit_entry_get_job_id (entry) != NULL)
      g_string_append_printf (text, " · %s", roster_audit_entry_get_job_id (entry));
    subtitle = g_string_free (text, FALSE);
  }
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (roster_audit_entry_get_detail (entry) != NULL)
    gtk_widget_set_tooltip_text (row, roster_audit_entry_get_detail (entry));
  gtk_widget_add_css_class (outcome, "roster-pill");
  gtk_widget_set_valign (outcome, GTK_ALIGN_CENTER);
  if (g_strcmp0 (roster_audit_entry_get_outcome (entry), "failed") == 0)
    gtk_widget_add_css_class (outcome, "level-overdue");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), outcome);
  return row;
}

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(RosterAuditPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  GtkWidget *child;

  entries = roster_store_audit_list_finish (ROSTER_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);

  if (entries == NULL)
    {
      g_autofree char *text = roster_describe_error (error);

      self->n_entries = 0;
      gtk_label_set_label (self->status_label, text);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  /* Newest first. */
  for (guint i = entries->len; i > 0; i--)
    gtk_list_box_append (self->list, entry_row (g_ptr_array_index (entries, i - 1)));
  self->n_entries = entries->len;
  gtk_stack_set_visible_child_name (self->stack, entries->len > 0 ? "list" : "empty");
  if (entries->len >= MAX_ENTRIES)
    {
      g_autofree char *text = g_strdup_printf (_("The newest %u entries; narrow the filter to see older ones"),
                                               MAX_ENTRIES);
      gtk_label_set_label (self->status_label, text);
    }
  else
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u entry", "%u entries",
                                                            entries->len), entries->len);
      gtk_label_set_label (self->status_label, text);
    }
}

/* The filter of the entries shown; from_time is owned by the caller. */
static void
get_filter (RosterAuditPage   *self,
            RosterAuditFilter *filter,
            char             **from)
{
  const char *since = gtk_editable_get_text (GTK_EDITABLE (self->since_entry));

  filter->text = gtk_editable_get_text (GTK_EDITABLE (self->text_entry));
  filter->action = gtk_editable_get_text (GTK_EDITABLE (self->action_entry));
  if (since[0] != '\0')
    filter->from_time = *from = g_strdup_printf ("%sT00:00:00.000Z", since);
}

void
roster_audit_page_reload (RosterAuditPage *self)
{
  RosterStore *store;
  RosterAuditFilter filter = { 0 };
  g_autofree char *from = NULL;

  g_return_if_fail (ROSTER_IS_AUDIT_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  store = self->context ? roster_context_get_store (self->context) : NULL;
  if (store == NULL)
    {
      self->n_entries = 0;
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  get_filter (self, &filter, &from);
  filter.limit = MAX_ENTRIES;

  self->n_entries = -1;
  self->cancellable = g_cancellable_new ();
  gtk_label_set_label (self->status_label, _("Loading…"));
  roster_store_audit_list_async (store, &filter, self->cancellable, list_cb, g_object_ref (self));
}

static void
verify_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(RosterAuditPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterAuditReport) report = NULL;
  g_autofree char *text = NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->verify_button), TRUE);
  report = roster_store_audit_verify_finish (ROSTER_STORE (object), result, &error);
  if (report == NULL)
    {
      text = roster_describe_error (error);
    }
  else if (roster_audit_report_is_intact (report))
    {
      self->verified = 1;
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "The chain is intact: %u entry checked, none edited or deleted",
                                           "The chain is intact: %u entries checked, none edited or deleted",
                                           report->n_checked), report->n_checked);
    }
  else
    {
      self->verified = 0;
      text = g_strdup_printf (_("The chain is broken: %u edited, %u deleted, %u with a broken link%s"),
                              report->edited_ids->len, report->deleted_ids->len,
                              report->broken_link_ids->len,
                              report->truncated ? _(", newest entries missing") : "");
    }
  gtk_label_set_label (self->status_label, text);
}

void
roster_audit_page_verify (RosterAuditPage *self)
{
  RosterStore *store;

  g_return_if_fail (ROSTER_IS_AUDIT_PAGE (self));

  store = self->context ? roster_context_get_store (self->context) : NULL;
  if (store == NULL)
    return;
  self->verified = -1;
  gtk_widget_set_sensitive (GTK_WIDGET (self->verify_button), FALSE);
  gtk_label_set_label (self->status_label, _("Verifying the chain…"));
  roster_store_audit_verify_async (store, NULL, verify_cb, g_object_ref (self));
}

/* Export: every entry matching the filter (not only the newest shown), written
 * off the main thread, and the export itself audited. */

typedef struct
{
  GFile              *file;
  RosterExportFormat  format;
  GPtrArray          *entries;
} ExportData;

static void
export_data_free (gpointer data)
{
  ExportData *ed = data;

  g_clear_object (&ed->file);
  g_clear_pointer (&ed->entries, g_ptr_array_unref);
  g_free (ed);
}

static void
export_written_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RosterAuditPage *self = g_task_get_source_object (task);
  ExportData *ed = g_task_get_task_data (task);
  g_autofree char *path = g_file_get_path (ed->file);
  g_autofree char *detail = NULL;
  GError *error = NULL;

  if (!roster_audit_write_entries_finish (result, &error))
    {
      if (self->context != NULL)
        roster_context_audit (self->context, "export", path, "failed", 0, NULL, error->message);
      g_task_return_error (task, error);
      return;
    }

  detail = g_strdup_printf ("audit trail, %u entries, %s", ed->entries->len,
                            ed->format == ROSTER_EXPORT_CSV ? "CSV" : "JSON");
  if (self->context != NULL)
    roster_context_audit (self->context, "export", path, "done", 0, NULL, detail);
  g_task_return_int (task, ed->entries->len);
}

static void
export_opened_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ExportData *ed = g_task_get_task_data (task);
  g_autoptr(GFileOutputStream) out = NULL;
  GError *error = NULL;

  out = g_file_replace_finish (G_FILE (object), result, &error);
  if (out == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  {
    GCancellable *cancellable = g_task_get_cancellable (task);

    roster_audit_write_entries_async (G_OUTPUT_STREAM (out), ed->format, ed->entries, cancellable,
                                      export_written_cb, g_steal_pointer (&task));
  }
}

static void
export_listed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ExportData *ed = g_task_get_task_data (task);
  GError *error = NULL;

  ed->entries = roster_store_audit_list_finish (ROSTER_STORE (object), result, &error);
  if (ed->entries == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  {
    GCancellable *cancellable = g_task_get_cancellable (task);

    g_file_replace_async (ed->file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                          G_PRIORITY_DEFAULT, cancellable, export_opened_cb,
                          g_steal_pointer (&task));
  }
}

void
roster_audit_page_export_to_file_async (RosterAuditPage     *self,
                                        GFile               *file,
                                        RosterExportFormat   format,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *from = NULL;
  RosterAuditFilter filter = { 0 };
  RosterStore *store;
  ExportData *ed;

  g_return_if_fail (ROSTER_IS_AUDIT_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_audit_page_export_to_file_async);

  store = self->context ? roster_context_get_store (self->context) : NULL;
  if (store == NULL)
    {
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_FAILED, "No organization is open");
      return;
    }

  ed = g_new0 (ExportData, 1);
  ed->file = g_object_ref (file);
  ed->format = format;
  g_task_set_task_data (task, ed, export_data_free);

  get_filter (self, &filter, &from);
  roster_store_audit_list_async (store, &filter, cancellable, export_listed_cb,
                                 g_steal_pointer (&task));
}

int
roster_audit_page_export_to_file_finish (RosterAuditPage  *self,
                                         GAsyncResult     *result,
                                         GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return (int) g_task_propagate_int (G_TASK (result), error);
}

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  RosterAuditPage *self = ROSTER_AUDIT_PAGE (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GtkRoot *root;
  int n;

  n = roster_audit_page_export_to_file_finish (self, result, &error);
  if (n < 0)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      text = roster_describe_error (error);
    }
  else
    {
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Exported %d audit entry",
                                           "Exported %d audit entries", n), n);
    }

  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (ROSTER_IS_WINDOW (root))
    roster_window_add_toast (ROSTER_WINDOW (root), text);
}

static void
export_file_chosen_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(RosterAuditPage) self = user_data;
  g_autoptr(GFile) file = NULL;
  g_autofree char *basename = NULL;

  file = roster_compat_choose_save_file_finish (result, NULL);
  if (file == NULL)
    return;

  basename = g_file_get_basename (file);
  roster_audit_page_export_to_file_async (self, file,
                                          basename != NULL && g_str_has_suffix (basename, ".json")
                                            ? ROSTER_EXPORT_JSON : ROSTER_EXPORT_CSV,
                                          NULL, export_done_cb, NULL);
}

static void
roster_audit_page_export_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *param)
{
  RosterAuditPage *self = ROSTER_AUDIT_PAGE (widget);
  gboolean json = g_strcmp0 (g_variant_get_string (param, NULL), "json") == 0;
  GtkRoot *root = gtk_widget_get_root (widget);

  roster_compat_choose_save_file_async (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        _("Export Audit Trail"),
                                        json ? "roster-audit.json" : "roster-audit.csv",
                                        NULL, export_file_chosen_cb, g_object_ref (self));
}

static void
filter_changed_cb (RosterAuditPage *self)
{
  roster_audit_page_reload (self);
}

static void
reload_clicked_cb (RosterAuditPage *self)
{
  roster_audit_page_reload (self);
}

static void
verify_clicked_cb (RosterAuditPage *self)
{
  roster_audit_page_verify (self);
}

static void
roster_audit_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (roster_audit_page_parent_class)->map (widget);
  /* Entries are appended by other pages: show the current state when shown. */
  roster_audit_page_reload (ROSTER_AUDIT_PAGE (widget));
}

static void
roster_audit_page_dispose (GObject *object)
{
  RosterAuditPage *self = ROSTER_AUDIT_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);
  gtk_widget_dispose_template (GTK_WIDGET (self), ROSTER_TYPE_AUDIT_PAGE);

  G_OBJECT_CLASS (roster_audit_page_parent_class)->dispose (object);
}

static void
roster_audit_page_class_init (RosterAuditPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = roster_audit_page_dispose;
  widget_class->map = roster_audit_page_map;

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/ui/roster-audit-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RosterAuditPage, text_entry);
  gtk_widget_class_bind_template_child (widget_class, RosterAuditPage, action_entry);
  gtk_widget_class_bind_template_child (widget_class, RosterAuditPage, since_entry);
  gtk_widget_class_bind_template_child (widget_class, RosterAuditPage, verify_button);
  gtk_widget_class_bind_template_child (widget_class, RosterAuditPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, RosterAuditPage, stack);
  gtk_widget_class_bind_template_child (widget_class, RosterAuditPage, list);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, reload_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, verify_clicked_cb);

  gtk_widget_class_install_action (widget_class, "audit.export", "s",
                                   roster_audit_page_export_action);
}

static void
roster_audit_page_init (RosterAuditPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->verified = -1;
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

void
roster_audit_page_set_context (RosterAuditPage *self,
                               RosterContext   *context)
{
  g_return_if_fail (ROSTER_IS_AUDIT_PAGE (self));

  g_set_object (&self->context, context);
  self->verified = -1;
  gtk_label_set_label (self->status_label, "");
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) || context != NULL)
    roster_audit_page_reload (self);
}

int
roster_audit_page_get_n_entries (RosterAuditPage *self)
{
  g_return_val_if_fail (ROSTER_IS_AUDIT_PAGE (self), -1);

  return self->n_entries;
}

int
roster_audit_page_get_verified (RosterAuditPage *self)
{
  g_return_val_if_fail (ROSTER_IS_AUDIT_PAGE (self), -1);

  return self->verified;
}

GtkWidget *
roster_audit_page_get_text_entry (RosterAuditPage *self)
{
  g_return_val_if_fail (ROSTER_IS_AUDIT_PAGE (self), NULL);

  return GTK_WIDGET (self->text_entry);
}
