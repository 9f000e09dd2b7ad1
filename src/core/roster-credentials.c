/* roster-credentials.c
 *
 * Secrets in the system keyring through libsecret, under the project schema
 * io.github.rosterapp.Roster.Secret with attributes `kind` ("admin-api-key" or
 * "site-token") and `account` (org id, or site URL + email). No secret ever
 * reaches a log line or an error message.
 */
#define G_LOG_DOMAIN "roster-credentials"

#include "config.h"

#include <libsecret/secret.h>

#include "roster-credentials.h"
#include "roster-error.h"

struct _RosterCredentials
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (RosterCredentials, roster_credentials, G_TYPE_OBJECT)

static const SecretSchema roster_secret_schema = {
  .name = "io.github.rosterapp.Roster.Secret",
  .flags = SECRET_SCHEMA_NONE,
  .attributes = {
    { .name = "kind", .type = SECRET_SCHEMA_ATTRIBUTE_STRING },
    { .name = "account", .type = SECRET_SCHEMA_ATTRIBUTE_STRING },
    { .name = NULL, .type = 0 },
  },
};

static const char *
kind_to_string (RosterSecretKind kind)
{
  return kind == ROSTER_SECRET_SITE_TOKEN ? "site-token" : "admin-api-key";
}

/* libsecret errors carry D-Bus and service text, never the secret; keep the
 * cancelled error as it is and turn everything else into ROSTER_ERROR_KEYRING. */
static GError *
keyring_error (GError     *error,
               const char *what)
{
  GError *mapped;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;

  mapped = g_error_new (ROSTER_ERROR, ROSTER_ERROR_KEYRING,
                        "%s failed: %s", what, error->message);
  g_error_free (error);
  return mapped;
}

static void
store_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, keyring_error (error, "Saving the secret in the keyring"));
  else
    g_task_return_boolean (task, TRUE);
}

void
roster_credentials_store_async (RosterCredentials   *self,
                                RosterSecretKind     kind,
                                const char          *account,
                                const char          *label,
                                const char          *secret,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ROSTER_IS_CREDENTIALS (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_credentials_store_async);

  if (account == NULL || *account == '\0' || secret == NULL || *secret == '\0')
    {
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT,
                               "An account and a non-empty secret are required");
      return;
    }

  secret_password_store (&roster_secret_schema, SECRET_COLLECTION_DEFAULT,
                         label != NULL ? label : "Roster",
                         secret, cancellable, store_cb, g_steal_pointer (&task),
                         "kind", kind_to_string (kind),
                         "account", account,
                         NULL);
}

gboolean
roster_credentials_store_finish (RosterCredentials  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (ROSTER_IS_CREDENTIALS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lookup_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *secret;

  secret = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, keyring_error (error, "Reading the secret from the keyring"));
  else
    g_task_return_pointer (task, secret, (GDestroyNotify) secret_password_free);
}

void
roster_credentials_lookup_async (RosterCredentials   *self,
                                 RosterSecretKind     kind,
                                 const char          *account,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ROSTER_IS_CREDENTIALS (self));
  g_return_if_fail (account != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_credentials_lookup_async);

  secret_password_lookup (&roster_secret_schema, cancellable, lookup_cb, g_steal_pointer (&task),
                          "kind", kind_to_string (kind),
                          "account", account,
                          NULL);
}

char *
roster_credentials_lookup_finish (RosterCredentials  *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  g_return_val_if_fail (ROSTER_IS_CREDENTIALS (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
clear_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gboolean removed;

  removed = secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, keyring_error (error, "Removing the secret from the keyring"));
  else
    g_task_return_boolean (task, removed);
}

void
roster_credentials_clear_async (RosterCredentials   *self,
                                RosterSecretKind     kind,
                                const char          *account,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ROSTER_IS_CREDENTIALS (self));
  g_return_if_fail (account != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_credentials_clear_async);

  secret_password_clear (&roster_secret_schema, cancellable, clear_cb, g_steal_pointer (&task),
                         "kind", kind_to_string (kind),
                         "account", account,
                         NULL);
}

gboolean
roster_credentials_clear_finish (RosterCredentials  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (ROSTER_IS_CREDENTIALS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
roster_credentials_store_sync (RosterCredentials  *self,
                               RosterSecretKind    kind,
                               const char         *account,
                               const char         *label,
                               const char         *secret,
                               GCancellable       *cancellable,
                               GError            **error)
{
  GError *local_error = NULL;

  g_return_val_if_fail (ROSTER_IS_CREDENTIALS (self), FALSE);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);

  if (account == NULL || *account == '\0' || secret == NULL || *secret == '\0')
    {
      g_set_error_literal (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT,
                           "An account and a non-empty secret are required");
      return FALSE;
    }

  if (!secret_password_store_sync (&roster_secret_schema, SECRET_COLLECTION_DEFAULT,
                                   label != NULL ? label : "Roster", secret,
                                   cancellable, &local_error,
                                   "kind", kind_to_string (kind),
                                   "account", account,
                                   NULL))
    {
      g_propagate_error (error, keyring_error (local_error, "Saving the secret in the keyring"));
      return FALSE;
    }

  return TRUE;
}

char *
roster_credentials_lookup_sync (RosterCredentials  *self,
                                RosterSecretKind    kind,
                                const char         *account,
                                GCancellable       *cancellable,
                                GError            **error)
{
  GError *local_error = NULL;
  char *secret;

  g_return_val_if_fail (ROSTER_IS_CREDENTIALS (self), NULL);
  g_return_val_if_fail (account != NULL, NULL);

  secret = secret_password_lookup_sync (&roster_secret_schema, cancellable, &local_error,
                                        "kind", kind_to_string (kind),
                                        "account", account,
                                        NULL);
  if (local_error != NULL)
    {
      g_propagate_error (error, keyring_error (local_error, "Reading the secret from the keyring"));
      return NULL;
    }

  return secret;
}

gboolean
roster_credentials_clear_sync (RosterCredentials  *self,
                               RosterSecretKind    kind,
                               const char         *account,
                               GCancellable       *cancellable,
                               GError            **error)
{
  GError *local_error = NULL;
  gboolean removed;

  g_return_val_if_fail (ROSTER_IS_CREDENTIALS (self), FALSE);
  g_return_val_if_fail (account != NULL, FALSE);

  removed = secret_password_clear_sync (&roster_secret_schema, cancellable, &local_error,
                                        "kind", kind_to_string (kind),
                                        "account", account,
                                        NULL);
  if (local_error != NULL)
    {
      g_propagate_error (error, keyring_error (local_error, "Removing the secret from the keyring"));
      return FALSE;
    }

  return removed;
}

GStrv
roster_credentials_list_accounts_sync (RosterCredentials  *self,
                                       RosterSecretKind    kind,
                                       GCancellable       *cancellable,
                                       GError            **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GError *local_error = NULL;
  GList *items;

  g_return_val_if_fail (ROSTER_IS_CREDENTIALS (self), NULL);

  /* Attributes only: no secret is loaded or unlocked for listing. */
  items = secret_password_search_sync (&roster_secret_schema, SECRET_SEARCH_ALL,
                                       cancellable, &local_error,
                                       "kind", kind_to_string (kind),
                                       NULL);
  if (local_error != NULL)
    {
      g_propagate_error (error, keyring_error (local_error, "Searching the keyring"));
      return NULL;
    }

  for (GList *l = items; l != NULL; l = l->next)
    {
      g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (l->data);
      const char *account = g_hash_table_lookup (attributes, "account");

      if (account != NULL && !g_hash_table_contains (seen, account))
        {
          g_strv_builder_add (builder, account);
          g_hash_table_add (seen, g_strdup (account));
        }
    }
  g_list_free_full (items, g_object_unref);

  return g_strv_builder_end (builder);
}

void
roster_credentials_free_secret (char *secret)
{
  if (secret != NULL)
    secret_password_free (secret);
}

static void
roster_credentials_class_init (RosterCredentialsClass *klass)
{
}

static void
roster_credentials_init (RosterCredentials *self)
{
}

RosterCredentials *
roster_credentials_new (void)
{
  return g_object_new (ROSTER_TYPE_CREDENTIALS, NULL);
}
