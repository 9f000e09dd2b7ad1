/* The user-set snapshot (<org-id>.users) as the store maps it at launch: any file
 * there must be used or refused, never crash the app. The target writes the checksum
 * the header should have (a random file would fail it and go no further) and asks
 * for the generation and schema the input names, so the bounds checks behind them
 * are what is fuzzed. A set that loads is read through every accessor. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "fuzz-common.h"
#include "roster-user-set-private.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterUserSet) set = NULL;
  g_autofree guint8 *copy = NULL;
  guint64 generation = 0, checksum;
  guint32 schema = 0;

  fuzz_init_once ();
  if (path == NULL)
    {
      int fd = g_file_open_tmp ("fuzz-snapshot-XXXXXX.users", &path, NULL);

      g_assert_cmpint (fd, >=, 0);
      close (fd);
    }

  copy = g_memdup2 (data, size);
  if (size >= ROSTER_USER_SET_SNAPSHOT_HEADER_SIZE)
    {
      checksum = _roster_user_set_snapshot_checksum (copy + ROSTER_USER_SET_SNAPSHOT_HEADER_SIZE,
                                                     size - ROSTER_USER_SET_SNAPSHOT_HEADER_SIZE);
      memcpy (copy + ROSTER_USER_SET_SNAPSHOT_CHECKSUM_OFFSET, &checksum, sizeof checksum);
      memcpy (&schema, copy + 12, sizeof schema);
      memcpy (&generation, copy + 16, sizeof generation);
    }
  g_assert_true (g_file_set_contents (path, (const char *) copy, size, NULL));

  set = _roster_user_set_load_snapshot (path, generation, schema, &error);
  if (set == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }
  g_assert_null (error);
  g_assert_true (_roster_user_set_is_mapped (set));

  for (guint i = 0; i < roster_user_set_get_n_users (set); i++)
    {
      const char *id = roster_user_set_get_account_id (set, i);
      const char * const *groups = roster_user_set_get_group_names (set, i);
      int row = roster_user_set_lookup (set, id);

      g_assert_nonnull (id);
      g_assert_nonnull (roster_user_set_get_name (set, i));
      g_assert_nonnull (roster_user_set_get_search_key (set, i));
      roster_user_set_get_email (set, i);
      roster_user_set_get_status (set, i);
      roster_user_set_get_products (set, i);
      roster_user_set_get_last_active (set, i);
      /* The checks keep every read inside the file, not the index consistent: a
       * crafted file (with its checksum) may repeat an id or misplace it in the
       * table, so the lookup may miss, but what it finds has that id. */
      g_assert_cmpint (row, >=, -1);
      if (row >= 0)
        g_assert_cmpstr (roster_user_set_get_account_id (set, row), ==, id);
      for (; *groups != NULL; groups++)
        g_assert_cmpuint (strlen (*groups), <, size);
      if (i < 4)
        {
          g_autoptr(RosterUser) user = roster_user_set_dup_user (set, i);
          g_assert_nonnull (user);
        }
    }
  for (guint g = 0; g < roster_user_set_get_n_groups (set); g++)
    g_assert_nonnull (roster_user_set_get_group (set, g));
  g_assert_cmpint (roster_user_set_lookup (set, "no such account"), ==, -1);

  return 0;
}
