/* roster-bulk-dialog.h
 *
 * The bulk change window: re-reads the targets' current state (the plan),
 * shows what would change and why, asks for a confirmation that names the
 * number of users, then runs the journaled job with progress, pause, cancel
 * and the canary stop, and ends on the per-user results (exportable).
 */
#pragma once

#include <adwaita.h>

#include "roster-bulk.h"
#include "roster-context.h"

G_BEGIN_DECLS

#define ROSTER_TYPE_BULK_DIALOG (roster_bulk_dialog_get_type ())

G_DECLARE_FINAL_TYPE (RosterBulkDialog, roster_bulk_dialog, ROSTER, BULK_DIALOG, AdwWindow)

/* A new change for these accounts. For GRANT/REVOKE_PRODUCT with
 * ROSTER_PRODUCT_OTHER, the dialog first asks which product. */
RosterBulkDialog *roster_bulk_dialog_new           (GtkWindow          *parent,
                                                    RosterContext      *context,
                                                    RosterBulkAction    action,
                                                    RosterProduct       product,
                                                    const char * const *account_ids);
/* A journaled job that has not run to its end: an undo job (built by the
 * engine) or an interrupted one to resume. It is shown for confirmation first;
 * cancelling an undo marks it cancelled, cancelling a resume leaves it as is. */
RosterBulkDialog *roster_bulk_dialog_new_for_job   (GtkWindow          *parent,
                                                    RosterContext      *context,
                                                    RosterBulkJob      *job,
                                                    gboolean            is_undo);

/* "product", "loading", "error", "preview" or "run". */
const char       *roster_bulk_dialog_get_page      (RosterBulkDialog   *self);
/* (nullable) the plan, once computed. */
RosterBulkPlan   *roster_bulk_dialog_get_plan      (RosterBulkDialog   *self);
/* (nullable) the job, once created (or the one given). */
RosterBulkJob    *roster_bulk_dialog_get_job       (RosterBulkDialog   *self);
/* TRUE while a run of the job is in progress. */
gboolean          roster_bulk_dialog_is_running    (RosterBulkDialog   *self);
/* Chooses the product (the "product" page), as a click on its row does. */
void              roster_bulk_dialog_choose_product (RosterBulkDialog  *self,
                                                    RosterProduct       product);
/* The canary option of the preview (0 = off). */
void              roster_bulk_dialog_set_canary    (RosterBulkDialog   *self,
                                                    guint               canary);
void              roster_bulk_dialog_set_override_cap (RosterBulkDialog *self,
                                                    gboolean            override_cap);
/* The confirm button's label ("Deactivate access for 42 users"). */
const char       *roster_bulk_dialog_get_confirm_label (RosterBulkDialog *self);
/* Presses the confirm button (preview), or Continue after the canary. */
void              roster_bulk_dialog_confirm       (RosterBulkDialog   *self);
/* Number of rows in the per-target list of the current page. */
guint             roster_bulk_dialog_get_n_rows    (RosterBulkDialog   *self);
/* Writes the results without the file chooser (tests). */
gboolean          roster_bulk_dialog_write_results (RosterBulkDialog   *self,
                                                    GFile              *file,
                                                    GError            **error);

G_END_DECLS
