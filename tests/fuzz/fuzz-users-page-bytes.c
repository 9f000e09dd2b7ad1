/* Users search page: raw bytes → roster_users_page_parse_bytes(), the direct
 * reader the sync uses. Whatever it accepts, the json-glib tree parser must
 * accept too, with the same users and cursor. */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "roster-error.h"
#include "roster-user.h"

static void
assert_same_user (RosterUser *a,
                  RosterUser *b)
{
  GPtrArray *pa = roster_user_get_products (a), *pb = roster_user_get_products (b);
  GPtrArray *ga = roster_user_get_groups (a), *gb = roster_user_get_groups (b);
  const char * const *ra = roster_user_get_platform_roles (a);
  const char * const *rb = roster_user_get_platform_roles (b);

  g_assert_cmpstr (roster_user_get_account_id (a), ==, roster_user_get_account_id (b));
  g_assert_cmpstr (roster_user_get_name (a), ==, roster_user_get_name (b));
  g_assert_cmpstr (roster_user_get_email (a), ==, roster_user_get_email (b));
  g_assert_cmpstr (roster_user_get_nickname (a), ==, roster_user_get_nickname (b));
  g_assert_cmpint (roster_user_get_account_type (a), ==, roster_user_get_account_type (b));
  g_assert_cmpint (roster_user_get_status (a), ==, roster_user_get_status (b));
  g_assert_cmpint (roster_user_get_claim (a), ==, roster_user_get_claim (b));
  g_assert_cmpint (roster_user_get_added_to_org (a), ==, roster_user_get_added_to_org (b));
  g_assert_cmpint (roster_user_get_last_active (a), ==, roster_user_get_last_active (b));
  g_assert_cmpint (roster_user_is_org_admin (a), ==, roster_user_is_org_admin (b));
  g_assert_cmpuint (g_strv_length ((char **) ra), ==, g_strv_length ((char **) rb));
  g_assert_cmpuint (pa->len, ==, pb->len);
  for (guint i = 0; i < pa->len; i++)
    {
      const RosterProductAccess *x = g_ptr_array_index (pa, i), *y = g_ptr_array_index (pb, i);

      g_assert_cmpstr (x->key, ==, y->key);
      g_assert_cmpstr (x->resource_id, ==, y->resource_id);
      g_assert_cmpint (x->last_active, ==, y->last_active);
    }
  g_assert_cmpuint (ga->len, ==, gb->len);
  for (guint i = 0; i < ga->len; i++)
    {
      const RosterGroupRef *x = g_ptr_array_index (ga, i), *y = g_ptr_array_index (gb, i);

      g_assert_cmpstr (x->id, ==, y->id);
      g_assert_cmpstr (x->name, ==, y->name);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *next = NULL;
  /* An exact-size copy, so that a read past the end is caught by ASan. */
  g_autofree char *copy = g_memdup2 (data, size);

  fuzz_init_once ();

  if (roster_users_page_parse_bytes (copy, size, users, &next, &error))
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();
      g_autoptr(GPtrArray) tree = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(GError) tree_error = NULL;
      g_autofree char *tree_next = NULL;

      g_assert_no_error (error);
      g_assert_true (json_parser_load_from_data (parser, copy, size, &tree_error));
      g_assert_no_error (tree_error);
      g_assert_true (roster_users_page_parse (json_parser_get_root (parser), tree, &tree_next,
                                              &tree_error));
      g_assert_cmpstr (next, ==, tree_next);
      g_assert_cmpuint (users->len, ==, tree->len);
      for (guint i = 0; i < users->len; i++)
        assert_same_user (g_ptr_array_index (users, i), g_ptr_array_index (tree, i));
    }
  else
    {
      g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
      g_assert_null (next);
      g_assert_cmpuint (users->len, ==, 0);
    }

  return 0;
}
