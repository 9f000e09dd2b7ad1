/* Users search page: JSON → roster_users_page_parse(). */
#include "config.h"

#include "fuzz-common.h"
#include "roster-user-set.h"
#include "roster-user.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *next = NULL;

  fuzz_init_once ();
  root = fuzz_parse_json (data, size);
  if (root == NULL)
    return 0;

  users = g_ptr_array_new_with_free_func (g_object_unref);
  if (roster_users_page_parse (root, users, &next, &error))
    {
      g_autoptr(RosterUserSet) set = roster_user_set_new ();

      g_assert_no_error (error);
      for (guint i = 0; i < users->len; i++)
        {
          RosterUser *user = g_ptr_array_index (users, i);

          g_assert_nonnull (roster_user_get_account_id (user));
          (void) roster_user_get_email (user);
          (void) roster_user_get_products (user);
          (void) roster_user_get_groups (user);
          roster_user_set_append (set, user);
        }
      /* What the parser accepted must also build a user set (the cache and the
       * list read from it). */
      roster_user_set_freeze (set);
      g_assert_cmpuint (roster_user_set_get_n_users (set), <=, users->len);
      for (guint i = 0; i < roster_user_set_get_n_users (set); i++)
        {
          g_autoptr(RosterUser) copy = roster_user_set_dup_user (set, i);

          g_assert_nonnull (roster_user_set_get_search_key (set, i));
          g_assert_nonnull (copy);
        }
    }
  else
    {
      g_assert_nonnull (error);
      g_assert_null (next);
      g_assert_cmpuint (users->len, ==, 0);
    }
  return 0;
}
