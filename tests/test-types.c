/* test-types.c: enum nicks and the inactivity classification. */
#include "config.h"

#include "roster-error.h"
#include "roster-inactivity.h"
#include "roster-types.h"

#define DAY 86400

static void
test_products (void)
{
  g_assert_cmpstr (roster_product_to_string (ROSTER_PRODUCT_JIRA), ==, "jira");
  g_assert_cmpstr (roster_product_to_string (ROSTER_PRODUCT_JSM), ==, "jsm");
  g_assert_cmpstr (roster_product_to_string (ROSTER_PRODUCT_CONFLUENCE), ==, "confluence");
  g_assert_null (roster_product_to_string (ROSTER_PRODUCT_OTHER));

  g_assert_cmpint (roster_product_from_string ("jira-software"), ==, ROSTER_PRODUCT_JIRA);
  g_assert_cmpint (roster_product_from_string ("jira-core"), ==, ROSTER_PRODUCT_JIRA);
  g_assert_cmpint (roster_product_from_string ("jira-work-management"), ==, ROSTER_PRODUCT_JIRA);
  g_assert_cmpint (roster_product_from_string ("jira-product-discovery"), ==, ROSTER_PRODUCT_JIRA);
  g_assert_cmpint (roster_product_from_string ("JIRA"), ==, ROSTER_PRODUCT_JIRA);
  g_assert_cmpint (roster_product_from_string ("jira-servicedesk"), ==, ROSTER_PRODUCT_JSM);
  g_assert_cmpint (roster_product_from_string ("jira-service-desk"), ==, ROSTER_PRODUCT_JSM);
  g_assert_cmpint (roster_product_from_string ("jsm"), ==, ROSTER_PRODUCT_JSM);
  g_assert_cmpint (roster_product_from_string ("confluence"), ==, ROSTER_PRODUCT_CONFLUENCE);
  g_assert_cmpint (roster_product_from_string ("bitbucket"), ==, ROSTER_PRODUCT_OTHER);
  g_assert_cmpint (roster_product_from_string (""), ==, ROSTER_PRODUCT_OTHER);
  g_assert_cmpint (roster_product_from_string (NULL), ==, ROSTER_PRODUCT_OTHER);

  /* Every nick round-trips. */
  for (guint p = 0; p < ROSTER_N_PRODUCTS; p++)
    g_assert_cmpint (roster_product_from_string (roster_product_to_string (p)), ==, p);
}

static void
test_status_and_types (void)
{
  for (guint s = ROSTER_STATUS_ACTIVE; s <= ROSTER_STATUS_UNKNOWN; s++)
    g_assert_cmpint (roster_status_from_string (roster_status_to_string (s)), ==, s);
  g_assert_cmpstr (roster_status_to_string (ROSTER_STATUS_NOT_INVITED), ==, "not_invited");
  g_assert_cmpstr (roster_status_to_string (ROSTER_STATUS_FOR_DELETION), ==, "for_deletion");
  g_assert_cmpint (roster_status_from_string ("SUSPENDED"), ==, ROSTER_STATUS_SUSPENDED);
  g_assert_cmpint (roster_status_from_string ("frozen"), ==, ROSTER_STATUS_UNKNOWN);
  g_assert_cmpint (roster_status_from_string (NULL), ==, ROSTER_STATUS_UNKNOWN);
  g_assert_cmpstr (roster_status_to_string ((RosterStatus) 99), ==, "unknown");

  for (guint t = ROSTER_ACCOUNT_TYPE_ATLASSIAN; t <= ROSTER_ACCOUNT_TYPE_UNKNOWN; t++)
    g_assert_cmpint (roster_account_type_from_string (roster_account_type_to_string (t)), ==, t);
  g_assert_cmpint (roster_account_type_from_string ("robot"), ==, ROSTER_ACCOUNT_TYPE_UNKNOWN);
  g_assert_cmpint (roster_account_type_from_string (NULL), ==, ROSTER_ACCOUNT_TYPE_UNKNOWN);

  g_assert_cmpstr (roster_claim_to_string (ROSTER_CLAIM_MANAGED), ==, "managed");
  g_assert_cmpstr (roster_claim_to_string (ROSTER_CLAIM_UNMANAGED), ==, "unmanaged");
}

static void
test_inactivity_names (void)
{
  RosterInactivityLevel level = ROSTER_INACTIVITY_ACTIVE;

  for (guint l = ROSTER_INACTIVITY_ACTIVE; l <= ROSTER_INACTIVITY_NEVER; l++)
    {
      g_assert_true (roster_inactivity_from_string (roster_inactivity_to_string (l), &level));
      g_assert_cmpint (level, ==, l);
    }
  g_assert_true (roster_inactivity_from_string ("Overdue", &level));
  g_assert_cmpint (level, ==, ROSTER_INACTIVITY_OVERDUE);
  level = ROSTER_INACTIVITY_WARNING;
  g_assert_false (roster_inactivity_from_string ("late", &level));
  g_assert_cmpint (level, ==, ROSTER_INACTIVITY_WARNING);
  g_assert_false (roster_inactivity_from_string (NULL, &level));
  g_assert_cmpstr (roster_inactivity_to_string ((RosterInactivityLevel) 17), ==, "unknown");
}

static void
test_thresholds (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (roster_thresholds_validate (60, 90, NULL));
  g_assert_true (roster_thresholds_validate (1, 2, NULL));
  g_assert_true (roster_thresholds_validate (3649, 3650, NULL));

  g_assert_false (roster_thresholds_validate (0, 90, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (roster_thresholds_validate (90, 90, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (roster_thresholds_validate (90, 60, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (roster_thresholds_validate (60, 3651, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (roster_thresholds_validate (3651, 4000, &error));
  g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT);
}

static void
test_days_and_classify (void)
{
  const RosterThresholds t = { 60, 90 };
  const gint64 now = 1780000000;

  g_assert_cmpint (roster_inactivity_days (0, now), ==, -1);
  g_assert_cmpint (roster_inactivity_days (-5, now), ==, -1);
  g_assert_cmpint (roster_inactivity_days (now, now), ==, 0);
  g_assert_cmpint (roster_inactivity_days (now + 3600, now), ==, 0);  /* clock skew */
  g_assert_cmpint (roster_inactivity_days (now - DAY + 1, now), ==, 0);
  g_assert_cmpint (roster_inactivity_days (now - DAY, now), ==, 1);
  g_assert_cmpint (roster_inactivity_days (now - 59 * DAY - 1, now), ==, 59);

  g_assert_cmpint (roster_inactivity_classify (&t, 0, now), ==, ROSTER_INACTIVITY_NEVER);
  g_assert_cmpint (roster_inactivity_classify (&t, now, now), ==, ROSTER_INACTIVITY_ACTIVE);
  /* Boundaries: 59 days active, 60 warning, 89 warning, 90 overdue. */
  g_assert_cmpint (roster_inactivity_classify (&t, now - 60 * DAY + 1, now), ==,
                   ROSTER_INACTIVITY_ACTIVE);
  g_assert_cmpint (roster_inactivity_classify (&t, now - 60 * DAY, now), ==,
                   ROSTER_INACTIVITY_WARNING);
  g_assert_cmpint (roster_inactivity_classify (&t, now - 90 * DAY + 1, now), ==,
                   ROSTER_INACTIVITY_WARNING);
  g_assert_cmpint (roster_inactivity_classify (&t, now - 90 * DAY, now), ==,
                   ROSTER_INACTIVITY_OVERDUE);
  g_assert_cmpint (roster_inactivity_classify (&t, 1, now), ==, ROSTER_INACTIVITY_OVERDUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/roster/types/products", test_products);
  g_test_add_func ("/roster/types/status-and-types", test_status_and_types);
  g_test_add_func ("/roster/types/inactivity-names", test_inactivity_names);
  g_test_add_func ("/roster/types/thresholds", test_thresholds);
  g_test_add_func ("/roster/types/days-and-classify", test_days_and_classify);

  return g_test_run ();
}
