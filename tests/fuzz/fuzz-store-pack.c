/* The packed list columns of the users table (products, groups): whatever a
 * damaged cache file holds, reading stays in bounds, and what was read packs
 * and reads back to the same fields. */
#include "config.h"

#include "fuzz-common.h"
#include "roster-store-private.h"

#define N_FIELDS 4

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *input = NULL;
  g_autoptr(GString) scratch = g_string_new (NULL);
  g_autoptr(GString) again_scratch = g_string_new (NULL);
  g_autoptr(GString) packed = g_string_new (NULL);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  const char *cursor;
  const char *fields[N_FIELDS];
  guint n = 0;

  fuzz_init_once ();
  input = fuzz_dup_string (data, size);

  cursor = input;
  while (_roster_store_unpack_next (&cursor, scratch, fields, N_FIELDS))
    {
      char **copy = g_new0 (char *, N_FIELDS + 1);

      g_assert_true (cursor >= input && cursor <= input + strlen (input));
      for (guint i = 0; i < N_FIELDS; i++)
        copy[i] = g_strdup (fields[i]);
      g_ptr_array_add (entries, copy);

      if (packed->len > 0)
        g_string_append_c (packed, '\n');
      for (guint i = 0; i < N_FIELDS; i++)
        {
          if (i > 0)
            g_string_append_c (packed, '\t');
          _roster_store_pack_field (packed, fields[i]);
        }
    }

  /* An entry of four empty fields packs to "\t\t\t": still an entry. */
  cursor = packed->str;
  while (_roster_store_unpack_next (&cursor, again_scratch, fields, N_FIELDS))
    {
      char **expected;

      g_assert_cmpuint (n, <, entries->len);
      expected = g_ptr_array_index (entries, n);
      for (guint i = 0; i < N_FIELDS; i++)
        g_assert_cmpstr (fields[i], ==, expected[i]);
      n++;
    }
  g_assert_cmpuint (n, ==, entries->len);

  return 0;
}
