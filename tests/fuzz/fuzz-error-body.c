/* Error bodies of every Atlassian shape → one line. */
#include "config.h"

#include "fuzz-common.h"
#include "roster-http.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *line = NULL;

  fuzz_init_once ();
  line = roster_http_parse_error_body ((const char *) data, size);
  if (line != NULL)
    g_assert_true (g_utf8_validate (line, -1, NULL));
  return 0;
}
