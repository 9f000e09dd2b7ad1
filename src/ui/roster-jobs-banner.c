/* roster-jobs-banner.c */
#define G_LOG_DOMAIN "roster-jobs-banner"

#include "config.h"

#include <glib/gi18n.h>

#include "roster-application.h"
#include "roster-bulk.h"
#include "roster-jobs-banner.h"

struct _RosterJobsBanner
{
  AdwBin         parent_instance;

  /* Template widgets */
  GtkRevealer   *revealer;
  GtkLabel      *label;
  GtkButton     *discard_button;
  GtkButton     *resume_button;

  RosterContext *context;      /* (owned) (nullable) */
  GCancellable  *cancellable;  /* (owned) (nullable) */
  char          *job_id;       /* (owned) (nullable) the job offered */

  guint          loaded : 1;
};

G_DEFINE_FINAL_TYPE (RosterJobsBanner, roster_jobs_banner, ADW_TYPE_BIN)

enum {
  RESUME,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A job worth offering: stopped before its end, not by the admin's own Stop. */
static gboolean
is_resumable (const RosterBulkJobInfo *info)
{
  return info->n_pending > 0 &&
         info->state != ROSTER_BULK_JOB_CANCELLED &&
         info->state != ROSTER_BULK_JOB_FINISHED;
}

static void
show_job (RosterJobsBanner        *self,
          const RosterBulkJobInfo *info)
{
  g_autofree char *text = NULL;
  guint handled;

  g_clear_pointer (&self->job_id, g_free);
  if (info == NULL)
    {
      gtk_revealer_set_reveal_child (self->revealer, FALSE);
      return;
    }

  self->job_id = g_strdup (info->id);
  handled = info->n_done + info->n_failed;
  /* Translators: the first is a bulk action ("Deactivate access"), then "N of M done". */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "An interrupted bulk change (%s, %u of %u user done) can be resumed",
                                       "An interrupted bulk change (%s, %u of %u users done) can be resumed",
                                       info->n_total),
                          roster_bulk_action_get_title (info->action), handled, info->n_total);
  gtk_label_set_label (self->label, text);
  gtk_widget_set_sensitive (GTK_WIDGET (self->discard_button), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->resume_button), TRUE);
  gtk_revealer_set_reveal_child (self->revealer, TRUE);
}

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(RosterJobsBanner) self = user_data;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GError) error = NULL;
  const RosterBulkJobInfo *offer = NULL;

  jobs = roster_bulk_list_jobs_finish (ROSTER_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  self->loaded = TRUE;
  if (jobs == NULL)
    {
      g_warning ("Could not list the bulk jobs: %s", error->message);
      show_job (self, NULL);
      return;
    }

  /* Newest first: offer the most recent one. */
  for (guint i = 0; i < jobs->len && offer == NULL; i++)
    if (is_resumable (g_ptr_array_index (jobs, i)))
      offer = g_ptr_array_index (jobs, i);
  show_job (self, offer);
}

static void
resume_clicked_cb (RosterJobsBanner *self)
{
  g_autofree char *id = g_strdup (self->job_id);

  if (id == NULL)
    return;
  gtk_revealer_set_reveal_child (self->revealer, FALSE);
  g_signal_emit (self, signals[RESUME], 0, id);
}

static void
discard_load_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(RosterJobsBanner) self = user_data;
  g_autoptr(RosterBulkJob) job = NULL;
  g_autoptr(GError) error = NULL;

  job = roster_bulk_job_load_finish (result, &error);
  if (job == NULL)
    {
      g_warning ("Could not discard the bulk job: %s", error->message);
      roster_jobs_banner_reload (self);
      return;
    }
  /* Marks it cancelled in the journal, with an audit entry; queued on the
   * store before the listing below. */
  roster_bulk_job_cancel (job);
  roster_jobs_banner_reload (self);
}

static void
discard_clicked_cb (RosterJobsBanner *self)
{
  roster_jobs_banner_discard (self);
}

static void
roster_jobs_banner_dispose (GObject *object)
{
  RosterJobsBanner *self = ROSTER_JOBS_BANNER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);

  /* The revealer is both the bin's child and a template child: let the bin
   * drop it first, so it is not unparented twice. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), ROSTER_TYPE_JOBS_BANNER);

  G_OBJECT_CLASS (roster_jobs_banner_parent_class)->dispose (object);
}

static void
roster_jobs_banner_finalize (GObject *object)
{
  RosterJobsBanner *self = ROSTER_JOBS_BANNER (object);

  g_free (self->job_id);

  G_OBJECT_CLASS (roster_jobs_banner_parent_class)->finalize (object);
}

static void
roster_jobs_banner_class_init (RosterJobsBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = roster_jobs_banner_dispose;
  object_class->finalize = roster_jobs_banner_finalize;

  /**
   * RosterJobsBanner::resume:
   * @job_id: the journaled job to resume
   */
  signals[RESUME] =
    g_signal_new ("resume", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/ui/roster-jobs-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, RosterJobsBanner, revealer);
  gtk_widget_class_bind_template_child (widget_class, RosterJobsBanner, label);
  gtk_widget_class_bind_template_child (widget_class, RosterJobsBanner, discard_button);
  gtk_widget_class_bind_template_child (widget_class, RosterJobsBanner, resume_button);
  gtk_widget_class_bind_template_callback (widget_class, resume_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, discard_clicked_cb);
}

static void
roster_jobs_banner_init (RosterJobsBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
roster_jobs_banner_set_context (RosterJobsBanner *self,
                                RosterContext    *context)
{
  g_return_if_fail (ROSTER_IS_JOBS_BANNER (self));
  g_return_if_fail (!context || ROSTER_IS_CONTEXT (context));

  g_set_object (&self->context, context);
  roster_jobs_banner_reload (self);
}

void
roster_jobs_banner_reload (RosterJobsBanner *self)
{
  RosterStore *store;

  g_return_if_fail (ROSTER_IS_JOBS_BANNER (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->loaded = FALSE;

  store = self->context != NULL && roster_context_is_open (self->context)
          ? roster_context_get_store (self->context) : NULL;
  if (store == NULL)
    {
      self->loaded = TRUE;
      show_job (self, NULL);
      return;
    }

  self->cancellable = g_cancellable_new ();
  roster_bulk_list_jobs_async (store, TRUE, self->cancellable, list_cb, g_object_ref (self));
}

const char *
roster_jobs_banner_get_job_id (RosterJobsBanner *self)
{
  g_return_val_if_fail (ROSTER_IS_JOBS_BANNER (self), NULL);

  return self->job_id;
}

gboolean
roster_jobs_banner_is_loaded (RosterJobsBanner *self)
{
  g_return_val_if_fail (ROSTER_IS_JOBS_BANNER (self), FALSE);

  return self->loaded;
}

void
roster_jobs_banner_discard (RosterJobsBanner *self)
{
  g_return_if_fail (ROSTER_IS_JOBS_BANNER (self));

  if (self->job_id == NULL || self->context == NULL)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->discard_button), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->resume_button), FALSE);
  self->loaded = FALSE;
  roster_bulk_job_load_async (self->context, self->job_id, NULL, discard_load_cb,
                              g_object_ref (self));
}
