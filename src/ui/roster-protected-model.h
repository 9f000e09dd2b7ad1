/* roster-protected-model.h
 *
 * The protected accounts of the open organization as the UI sees them: a set of
 * account ids with their reason, loaded from the store and changed through it
 * (every change audited). The settings page, the users list and the detail pane
 * share one, owned by the window; "changed" is emitted after every load, add
 * and remove.
 */
#pragma once

#include <gio/gio.h>

#include "roster-context.h"

G_BEGIN_DECLS

#define ROSTER_TYPE_PROTECTED_MODEL (roster_protected_model_get_type ())

G_DECLARE_FINAL_TYPE (RosterProtectedModel, roster_protected_model, ROSTER, PROTECTED_MODEL, GObject)

RosterProtectedModel *roster_protected_model_new          (void);
/* Reloads from the context's store (asynchronously); NULL empties the set. */
void                  roster_protected_model_set_context  (RosterProtectedModel *self,
                                                           RosterContext        *context);
void                  roster_protected_model_reload       (RosterProtectedModel *self);
gboolean              roster_protected_model_is_loaded    (RosterProtectedModel *self);
gboolean              roster_protected_model_contains     (RosterProtectedModel *self,
                                                           const char           *account_id);
/* ROSTER_PROTECTED_REASON_* or NULL when not protected. */
const char           *roster_protected_model_get_reason   (RosterProtectedModel *self,
                                                           const char           *account_id);
/* (element-type RosterProtectedAccount) (transfer none), ordered by account id. */
GPtrArray            *roster_protected_model_get_accounts (RosterProtectedModel *self);

/* Adds or removes a protection in the store, audits it, then reloads. Completes
 * once the set reflects the change. */
void                  roster_protected_model_set_protected_async  (RosterProtectedModel *self,
                                                                   const char           *account_id,
                                                                   gboolean              protect,
                                                                   GCancellable         *cancellable,
                                                                   GAsyncReadyCallback   callback,
                                                                   gpointer              user_data);
gboolean              roster_protected_model_set_protected_finish (RosterProtectedModel *self,
                                                                   GAsyncResult         *result,
                                                                   GError              **error);

G_END_DECLS
