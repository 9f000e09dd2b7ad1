/* test-credentials.c: secrets in the real gnome-keyring (run under
 * dbus-run-session with an unlocked login keyring, as tools/test.sh does). */
#include "config.h"

#include <libsecret/secret.h>
#include <string.h>

#include "roster-credentials.h"
#include "roster-error.h"
#include "roster-store.h"

#define ORG_ID "8a7b6c5d-0000-4000-8000-roster-test"

static gboolean
keyring_available (void)
{
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") != NULL)
    return TRUE;

  if (g_strcmp0 (g_getenv ("ROSTER_REQUIRE_KEYRING"), "1") == 0)
    g_error ("ROSTER_REQUIRE_KEYRING=1 but there is no session bus");
  g_test_skip ("no session bus; run under tools/test.sh for the keyring tests");
  return FALSE;
}

/* A made-up secret, unique per run, that no file should ever contain. */
static char *
make_secret (const char *tag)
{
  return g_strdup_printf ("ATATT-test-%s-%08x%08x", tag, g_random_int (), g_random_int ());
}

static void
test_store_lookup_clear (void)
{
  g_autoptr(RosterCredentials) creds = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret1 = make_secret ("one");
  g_autofree char *secret2 = make_secret ("two");
  g_auto(GStrv) accounts = NULL;
  char *found;

  if (!keyring_available ())
    return;

  creds = roster_credentials_new ();

  found = roster_credentials_lookup_sync (creds, ROSTER_SECRET_ADMIN_API_KEY, ORG_ID, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (found);

  g_assert_true (roster_credentials_store_sync (creds, ROSTER_SECRET_ADMIN_API_KEY, ORG_ID,
                                                "Roster admin API key", secret1, NULL, &error));
  g_assert_no_error (error);
  found = roster_credentials_lookup_sync (creds, ROSTER_SECRET_ADMIN_API_KEY, ORG_ID, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, secret1);
  roster_credentials_free_secret (found);

  /* The same kind + account replaces the secret. */
  g_assert_true (roster_credentials_store_sync (creds, ROSTER_SECRET_ADMIN_API_KEY, ORG_ID,
                                                "Roster admin API key", secret2, NULL, &error));
  found = roster_credentials_lookup_sync (creds, ROSTER_SECRET_ADMIN_API_KEY, ORG_ID, NULL, &error);
  g_assert_cmpstr (found, ==, secret2);
  roster_credentials_free_secret (found);

  /* Kinds do not mix. */
  found = roster_credentials_lookup_sync (creds, ROSTER_SECRET_SITE_TOKEN, ORG_ID, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (found);

  accounts = roster_credentials_list_accounts_sync (creds, ROSTER_SECRET_ADMIN_API_KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char * const *) accounts, ORG_ID));
  g_assert_cmpuint (g_strv_length (accounts), ==, 1);
  g_clear_pointer (&accounts, g_strfreev);

  /* It really is in the default collection of the secret service. */
  {
    g_autoptr(SecretService) service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
    g_autoptr(SecretCollection) collection = NULL;
    g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
    GList *items;
    SecretSchema schema = { .name = "io.github.rosterapp.Roster.Secret",
                            .flags = SECRET_SCHEMA_NONE,
                            .attributes = { { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
                                            { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
                                            { NULL, 0 } } };

    g_assert_no_error (error);
    collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                   SECRET_COLLECTION_NONE, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (collection);

    g_hash_table_insert (attributes, "kind", "admin-api-key");
    g_hash_table_insert (attributes, "account", ORG_ID);
    items = secret_service_search_sync (service, &schema, attributes, SECRET_SEARCH_ALL,
                                        NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_length (items), ==, 1);
    g_assert_true (g_str_has_prefix (g_dbus_proxy_get_object_path (items->data),
                                     g_dbus_proxy_get_object_path (G_DBUS_PROXY (collection))));
    g_list_free_full (items, g_object_unref);
  }

  g_assert_true (roster_credentials_clear_sync (creds, ROSTER_SECRET_ADMIN_API_KEY, ORG_ID,
                                                NULL, &error));
  g_assert_no_error (error);
  g_assert_false (roster_credentials_clear_sync (creds, ROSTER_SECRET_ADMIN_API_KEY, ORG_ID,
                                                 NULL, &error));
  g_assert_no_error (error);
  found = roster_credentials_lookup_sync (creds, ROSTER_SECRET_ADMIN_API_KEY, ORG_ID, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (found);

  accounts = roster_credentials_list_accounts_sync (creds, ROSTER_SECRET_ADMIN_API_KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_strv_contains ((const char * const *) accounts, ORG_ID));

  g_assert_false (roster_credentials_store_sync (creds, ROSTER_SECRET_ADMIN_API_KEY, ORG_ID,
                                                 NULL, "", NULL, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT);

  g_assert_finalize_object (g_steal_pointer (&creds));
}

typedef struct
{
  GAsyncResult *result;
} AsyncWait;

static void
async_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  AsyncWait *wait = user_data;
  wait->result = g_object_ref (result);
}

static GAsyncResult *
wait_result (AsyncWait *wait)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (wait->result == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  return wait->result;
}

static void
test_async (void)
{
  g_autoptr(RosterCredentials) creds = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = make_secret ("async");
  const char *account = "https://example.atlassian.net admin@example.com";
  AsyncWait w = { 0 };
  char *found;

  if (!keyring_available ())
    return;

  creds = roster_credentials_new ();

  roster_credentials_store_async (creds, ROSTER_SECRET_SITE_TOKEN, account, "Roster site token",
                                  secret, NULL, async_cb, &w);
  g_assert_true (roster_credentials_store_finish (creds, wait_result (&w), &error));
  g_assert_no_error (error);
  g_clear_object (&w.result);

  roster_credentials_lookup_async (creds, ROSTER_SECRET_SITE_TOKEN, account, NULL, async_cb, &w);
  found = roster_credentials_lookup_finish (creds, wait_result (&w), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, secret);
  roster_credentials_free_secret (found);
  g_clear_object (&w.result);

  roster_credentials_clear_async (creds, ROSTER_SECRET_SITE_TOKEN, account, NULL, async_cb, &w);
  g_assert_true (roster_credentials_clear_finish (creds, wait_result (&w), &error));
  g_clear_object (&w.result);

  roster_credentials_clear_async (creds, ROSTER_SECRET_SITE_TOKEN, account, NULL, async_cb, &w);
  g_assert_false (roster_credentials_clear_finish (creds, wait_result (&w), &error));
  g_assert_no_error (error);
  g_clear_object (&w.result);

  roster_credentials_lookup_async (creds, ROSTER_SECRET_SITE_TOKEN, account, NULL, async_cb, &w);
  found = roster_credentials_lookup_finish (creds, wait_result (&w), &error);
  g_assert_no_error (error);
  g_assert_null (found);
  g_clear_object (&w.result);

  g_assert_finalize_object (g_steal_pointer (&creds));
}

static gboolean
contains_bytes (const char *haystack,
                gsize       len,
                const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (haystack + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

/* The key goes to the keyring and nowhere near the store file. */
static void
test_secret_not_in_store (void)
{
  g_autoptr(RosterCredentials) creds = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = make_secret ("store");
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(RosterAuditEntry) entry = roster_audit_entry_new ("key-stored", ORG_ID, "ok", 0,
                                                              NULL, NULL);
  g_autoptr(RosterAuditEntry) stored = NULL;
  RosterStore *store;
  gsize len;

  if (!keyring_available ())
    return;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  path = g_build_filename (g_get_user_data_dir (), "org.db", NULL);
  store = roster_store_new (path);
  g_assert_true (roster_store_open_sync (store, NULL, &error));

  creds = roster_credentials_new ();
  g_assert_true (roster_credentials_store_sync (creds, ROSTER_SECRET_ADMIN_API_KEY, ORG_ID,
                                                "Roster admin API key", secret, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (roster_store_set_meta_sync (store, "org_id", ORG_ID, &error));
  stored = roster_store_audit_append_sync (store, entry, &error);
  g_assert_nonnull (stored);
  roster_store_close (store);
  g_assert_finalize_object (store);

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_false (contains_bytes (contents, len, secret));
  g_assert_true (contains_bytes (contents, len, ORG_ID));

  g_assert_true (roster_credentials_clear_sync (creds, ROSTER_SECRET_ADMIN_API_KEY, ORG_ID,
                                                NULL, &error));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/roster/credentials/store-lookup-clear", test_store_lookup_clear);
  g_test_add_func ("/roster/credentials/async", test_async);
  g_test_add_func ("/roster/credentials/secret-not-in-store", test_secret_not_in_store);

  return g_test_run ();
}
