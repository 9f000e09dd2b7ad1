/* roster-types.h
 *
 * Small enums shared by the domain objects, the store, the query syntax and the UI.
 * Each has a stable lowercase nick used in JSON, CSV, the store and the query syntax.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  ROSTER_PRODUCT_JIRA,
  ROSTER_PRODUCT_JSM,
  ROSTER_PRODUCT_CONFLUENCE,
  ROSTER_N_PRODUCTS,
  ROSTER_PRODUCT_OTHER = ROSTER_N_PRODUCTS,
} RosterProduct;

/* The composite `status` of the Admin API v2. */
typedef enum
{
  ROSTER_STATUS_ACTIVE,
  ROSTER_STATUS_SUSPENDED,
  ROSTER_STATUS_NOT_INVITED,
  ROSTER_STATUS_DEACTIVATED,
  ROSTER_STATUS_FOR_DELETION,
  ROSTER_STATUS_UNKNOWN,
} RosterStatus;

typedef enum
{
  ROSTER_ACCOUNT_TYPE_ATLASSIAN,
  ROSTER_ACCOUNT_TYPE_APP,
  ROSTER_ACCOUNT_TYPE_CUSTOMER,
  ROSTER_ACCOUNT_TYPE_UNKNOWN,
} RosterAccountType;

typedef enum
{
  ROSTER_CLAIM_MANAGED,
  ROSTER_CLAIM_UNMANAGED,
} RosterClaim;

typedef enum
{
  ROSTER_INACTIVITY_ACTIVE,
  ROSTER_INACTIVITY_WARNING,
  ROSTER_INACTIVITY_OVERDUE,
  ROSTER_INACTIVITY_NEVER,
} RosterInactivityLevel;

/* "jira", "jsm", "confluence"; NULL for OTHER. */
const char           *roster_product_to_string      (RosterProduct product);
/* Accepts the short nicks and the API keys: jira-software, jira-core,
 * jira-work-management, jira-product-discovery → JIRA; jira-service-desk,
 * jira-servicedesk → JSM; confluence → CONFLUENCE; anything else → OTHER. */
RosterProduct         roster_product_from_string    (const char *str);
const char           *roster_status_to_string       (RosterStatus status);
RosterStatus          roster_status_from_string     (const char *str);
const char           *roster_account_type_to_string (RosterAccountType type);
RosterAccountType     roster_account_type_from_string (const char *str);
const char           *roster_claim_to_string        (RosterClaim claim);
const char           *roster_inactivity_to_string   (RosterInactivityLevel level);
gboolean              roster_inactivity_from_string (const char            *str,
                                                     RosterInactivityLevel *out_level);

G_END_DECLS
