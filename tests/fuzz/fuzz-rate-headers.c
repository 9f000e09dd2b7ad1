/* Retry-After (delta-seconds or HTTP-date) and X-RateLimit-Reset (ISO 8601 or
 * epoch seconds). The same value goes to both parsers, with a fixed "now". */
#include "config.h"

#include "fuzz-common.h"
#include "roster-http.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *value = NULL;
  gint64 delay_ms = -1, reset_ms = -1;
  /* 2026-03-26T16:00:00Z */
  const gint64 now_ms = G_GINT64_CONSTANT (1774540800000);

  fuzz_init_once ();
  value = fuzz_dup_string (data, size);

  if (roster_http_parse_retry_after (value, now_ms, &delay_ms))
    g_assert_cmpint (delay_ms, >=, 0);
  (void) roster_http_parse_retry_after (value, 0, &delay_ms);
  (void) roster_http_parse_retry_after (value, G_MAXINT64 / 2, &delay_ms);
  (void) roster_http_parse_rate_limit_reset (value, &reset_ms);
  return 0;
}
