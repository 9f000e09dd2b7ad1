/* The cursor peek at the end of a users search body (a scan, not a parse). */
#include "config.h"

#include "fuzz-common.h"
#include "roster-sync.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *peeked = NULL;

  fuzz_init_once ();
  peeked = roster_sync_peek_next_cursor ((const char *) data, size);
  if (peeked != NULL)
    g_assert_cmpuint (strlen (peeked), <=, size);
  return 0;
}
