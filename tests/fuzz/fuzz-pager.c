/* The pagination schemes. Input: a scheme byte, a page-size byte, then the
 * rel="next" target of the Link header on the first line (empty: none), then the
 * page's JSON. The same page is offered up to three times, as a server that
 * repeats itself would, to exercise the loop detection. */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "roster-error.h"
#include "roster-pager.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_auto(RosterPagerState) state = ROSTER_PAGER_STATE_INIT;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *link = NULL;
  const uint8_t *newline, *json;
  RosterPagerScheme scheme;

  fuzz_init_once ();
  if (size < 2)
    return 0;
  scheme = (RosterPagerScheme) (data[0] % (ROSTER_PAGER_CONFLUENCE + 1));
  newline = memchr (data + 2, '\n', size - 2);
  if (newline == NULL)
    return 0;
  if (newline > data + 2)
    link = g_strndup ((const char *) data + 2, newline - (data + 2));
  json = newline + 1;
  root = fuzz_parse_json (json, size - (json - data));
  if (root == NULL)
    return 0;

  roster_pager_state_init (&state, scheme);
  state.page_size = data[1];

  for (guint round = 0; round < 3 && !state.done; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *next = NULL;
      JsonArray *items;
      guint64 n_before = state.n_items;

      items = roster_pager_get_items (scheme, root, &error);
      if (items == NULL)
        {
          g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
          break;
        }

      if (!roster_pager_next (&state, root, link, &next, &error))
        {
          g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE);
          g_assert_null (next);
          break;
        }
      g_assert_no_error (error);
      g_assert_cmpuint (state.n_items, >=, n_before);
      if (state.done)
        g_assert_null (next);
    }
  return 0;
}
