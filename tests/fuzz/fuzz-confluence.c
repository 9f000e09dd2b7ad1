/* Confluence spaces, and the site URL forms (both read outside input). The
 * first byte picks: even → a space JSON, odd → a site URL. */
#include "config.h"

#include "fuzz-common.h"
#include "roster-confluence.h"
#include "roster-error.h"
#include "roster-site.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;

  fuzz_init_once ();
  if (size < 1)
    return 0;

  if (data[0] % 2 == 0)
    {
      g_autoptr(JsonNode) root = fuzz_parse_json (data + 1, size - 1);
      g_autoptr(RosterSpace) space = NULL;

      if (root == NULL)
        return 0;
      space = roster_space_new_from_json (root, &error);
      g_assert_true ((space == NULL) == (error != NULL));
      if (space != NULL)
        {
          (void) roster_space_get_key (space);
          (void) roster_space_get_name (space);
          (void) roster_space_get_space_type (space);
        }
    }
  else
    {
      g_autofree char *url = fuzz_dup_string (data + 1, size - 1);
      g_autofree char *site = NULL, *jira = NULL, *confluence = NULL;

      if (roster_site_parse_url (url, &site, &jira, &confluence, &error))
        {
          g_assert_nonnull (site);
          g_assert_true (g_str_has_prefix (site, "https://") || g_str_has_prefix (site, "http://"));
        }
      else
        g_assert_nonnull (error);
    }
  return 0;
}
