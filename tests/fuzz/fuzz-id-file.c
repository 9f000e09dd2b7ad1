/* The target list of a bulk action: plain lists and CSVs with BOM, CRLF, quotes. */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "roster-id-file.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) entries = NULL;
  gsize total = 0;

  fuzz_init_once ();
  entries = roster_id_file_parse ((const char *) data, size, &error);
  if (entries == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }
  g_assert_null (error);
  for (guint i = 0; entries[i] != NULL; i++)
    {
      gsize len = strlen (entries[i]);

      /* Entries are trimmed, non-empty, valid UTF-8 and come from the input. */
      g_assert_cmpuint (len, >, 0);
      g_assert_false (g_ascii_isspace (entries[i][0]));
      g_assert_false (g_ascii_isspace (entries[i][len - 1]));
      g_assert_true (g_utf8_validate (entries[i], -1, NULL));
      total += len;
    }
  g_assert_cmpuint (total, <=, size);
  return 0;
}
