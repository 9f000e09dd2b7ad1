/* Admin API domain objects: the first byte picks the parser (org, directory,
 * domain, workspace, group), the rest is the JSON item or its {"data":…} envelope. */
#include "config.h"

#include "fuzz-common.h"
#include "roster-org.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  GObject *object = NULL;

  fuzz_init_once ();
  if (size < 1)
    return 0;
  root = fuzz_parse_json (data + 1, size - 1);
  if (root == NULL)
    return 0;

  switch (data[0] % 5)
    {
    case 0:
      {
        RosterOrg *org = roster_org_new_from_json (root, &error);
        if (org != NULL)
          {
            g_assert_nonnull (roster_org_get_id (org));
            (void) roster_org_get_name (org);
          }
        object = (GObject *) org;
      }
      break;

    case 1:
      {
        RosterDirectory *directory = roster_directory_new_from_json (root, &error);
        if (directory != NULL)
          {
            g_assert_nonnull (roster_directory_get_id (directory));
            (void) roster_directory_get_name (directory);
          }
        object = (GObject *) directory;
      }
      break;

    case 2:
      {
        RosterDomain *domain = roster_domain_new_from_json (root, &error);
        if (domain != NULL)
          {
            g_assert_nonnull (roster_domain_get_id (domain));
            (void) roster_domain_get_name (domain);
            (void) roster_domain_get_claim_status (domain);
            (void) roster_domain_get_claim_type (domain);
            (void) roster_domain_is_verified (domain);
          }
        object = (GObject *) domain;
      }
      break;

    case 3:
      {
        RosterWorkspace *workspace = roster_workspace_new_from_json (root, &error);
        if (workspace != NULL)
          {
            g_assert_nonnull (roster_workspace_get_id (workspace));
            (void) roster_workspace_get_name (workspace);
            (void) roster_workspace_get_host_url (workspace);
            (void) roster_workspace_get_status (workspace);
            (void) roster_workspace_get_product (workspace);
            (void) roster_workspace_type_key_to_product (roster_workspace_get_type_key (workspace));
          }
        object = (GObject *) workspace;
      }
      break;

    default:
      {
        RosterGroup *group = roster_group_new_from_json (root, &error);
        if (group != NULL)
          {
            g_assert_nonnull (roster_group_get_id (group));
            (void) roster_group_get_name (group);
            (void) roster_group_get_description (group);
            (void) roster_group_get_external_synced (group);
            (void) roster_group_get_modifiable (group);
            (void) roster_group_get_n_users (group);
          }
        object = (GObject *) group;
      }
      break;
    }

  /* Exactly one of an object and an error. */
  g_assert_true ((object == NULL) == (error != NULL));
  g_clear_object (&object);
  return 0;
}
