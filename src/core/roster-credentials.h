/* roster-credentials.h
 *
 * Secrets live only in the system keyring (libsecret; the file/portal backend
 * inside Flatpak). Nothing here writes a secret anywhere else, logs it or puts
 * it in an error message.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  ROSTER_SECRET_ADMIN_API_KEY,   /* keyed by org id */
  ROSTER_SECRET_SITE_TOKEN,      /* keyed by site URL + email */
} RosterSecretKind;

#define ROSTER_TYPE_CREDENTIALS (roster_credentials_get_type ())

G_DECLARE_FINAL_TYPE (RosterCredentials, roster_credentials, ROSTER, CREDENTIALS, GObject)

RosterCredentials *roster_credentials_new           (void);

void      roster_credentials_store_async   (RosterCredentials   *self,
                                            RosterSecretKind     kind,
                                            const char          *account,
                                            const char          *label,
                                            const char          *secret,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean  roster_credentials_store_finish  (RosterCredentials   *self,
                                            GAsyncResult        *result,
                                            GError             **error);
/* Completes with NULL and no error when there is no such secret. The returned
 * string is in non-pageable memory where possible; free it with
 * roster_credentials_free_secret(). */
void      roster_credentials_lookup_async  (RosterCredentials   *self,
                                            RosterSecretKind     kind,
                                            const char          *account,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
char     *roster_credentials_lookup_finish (RosterCredentials   *self,
                                            GAsyncResult        *result,
                                            GError             **error);
/* Completes TRUE when something was removed. */
void      roster_credentials_clear_async   (RosterCredentials   *self,
                                            RosterSecretKind     kind,
                                            const char          *account,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean  roster_credentials_clear_finish  (RosterCredentials   *self,
                                            GAsyncResult        *result,
                                            GError             **error);

/* Blocking twins for rosterctl and tests. */
gboolean  roster_credentials_store_sync    (RosterCredentials   *self,
                                            RosterSecretKind     kind,
                                            const char          *account,
                                            const char          *label,
                                            const char          *secret,
                                            GCancellable        *cancellable,
                                            GError             **error);
char     *roster_credentials_lookup_sync   (RosterCredentials   *self,
                                            RosterSecretKind     kind,
                                            const char          *account,
                                            GCancellable        *cancellable,
                                            GError             **error);
gboolean  roster_credentials_clear_sync    (RosterCredentials   *self,
                                            RosterSecretKind     kind,
                                            const char          *account,
                                            GCancellable        *cancellable,
                                            GError             **error);
/* The orgs that have a key stored (for first-run detection). */
GStrv     roster_credentials_list_accounts_sync (RosterCredentials *self,
                                            RosterSecretKind     kind,
                                            GCancellable        *cancellable,
                                            GError             **error);

void      roster_credentials_free_secret   (char                *secret);

G_END_DECLS
