/* JSM items: the first byte picks the parser (service desk, customer, customer
 * organization); parsed customers and organizations also go through the merge. */
#include "config.h"

#include "fuzz-common.h"
#include "roster-jsm.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  fuzz_init_once ();
  if (size < 1)
    return 0;
  root = fuzz_parse_json (data + 1, size - 1);
  if (root == NULL)
    return 0;

  switch (data[0] % 3)
    {
    case 0:
      {
        g_autoptr(RosterServiceDesk) desk = roster_service_desk_new_from_json (root, &error);

        g_assert_true ((desk == NULL) == (error != NULL));
        if (desk != NULL)
          {
            (void) roster_service_desk_get_id (desk);
            (void) roster_service_desk_get_project_key (desk);
            (void) roster_service_desk_get_project_name (desk);
          }
      }
      break;

    case 1:
      {
        g_autoptr(RosterCustomer) customer = roster_customer_new_from_json (root, &error);

        g_assert_true ((customer == NULL) == (error != NULL));
        if (customer != NULL)
          {
            g_autoptr(GPtrArray) direct = g_ptr_array_new_with_free_func (g_object_unref);
            g_autoptr(GPtrArray) orgs = g_ptr_array_new_with_free_func (g_object_unref);
            g_autoptr(GPtrArray) members = g_ptr_array_new_with_free_func (
                (GDestroyNotify) g_ptr_array_unref);
            g_autoptr(GPtrArray) merged = NULL;

            (void) roster_customer_get_search_key (customer);
            (void) roster_customer_get_email (customer);
            g_ptr_array_add (direct, g_object_ref (customer));
            merged = roster_jsm_merge_customers (direct, orgs, members);
            g_assert_cmpuint (merged->len, ==, 1);
          }
      }
      break;

    default:
      {
        g_autoptr(RosterCustomerOrg) org = roster_customer_org_new_from_json (root, &error);

        g_assert_true ((org == NULL) == (error != NULL));
        if (org != NULL)
          {
            (void) roster_customer_org_get_id (org);
            (void) roster_customer_org_get_name (org);
          }
      }
      break;
    }
  return 0;
}
