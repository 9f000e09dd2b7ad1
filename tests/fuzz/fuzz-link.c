/* The Link header: the target of the first rel="next". */
#include "config.h"

#include "fuzz-common.h"
#include "roster-http.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *value = NULL;
  g_autofree char *next = NULL;

  fuzz_init_once ();
  value = fuzz_dup_string (data, size);
  next = roster_http_parse_link_next (value);
  if (next != NULL)
    g_assert_cmpuint (strlen (next), <=, strlen (value));
  return 0;
}
