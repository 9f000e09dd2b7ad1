/* roster-types.c */
#define G_LOG_DOMAIN "roster-types"

#include "config.h"

#include <string.h>

#include "roster-types.h"

const char *
roster_product_to_string (RosterProduct product)
{
  switch (product)
    {
    case ROSTER_PRODUCT_JIRA: return "jira";
    case ROSTER_PRODUCT_JSM: return "jsm";
    case ROSTER_PRODUCT_CONFLUENCE: return "confluence";
    case ROSTER_PRODUCT_OTHER:
    default: return NULL;
    }
}

RosterProduct
roster_product_from_string (const char *str)
{
  static const struct { const char *name; RosterProduct product; } map[] = {
    { "jira", ROSTER_PRODUCT_JIRA },
    { "jira-software", ROSTER_PRODUCT_JIRA },
    { "jira-core", ROSTER_PRODUCT_JIRA },
    { "jira-work-management", ROSTER_PRODUCT_JIRA },
    { "jira-product-discovery", ROSTER_PRODUCT_JIRA },
    { "jsm", ROSTER_PRODUCT_JSM },
    { "jira-service-desk", ROSTER_PRODUCT_JSM },
    { "jira-servicedesk", ROSTER_PRODUCT_JSM },
    { "jira-service-management", ROSTER_PRODUCT_JSM },
    { "confluence", ROSTER_PRODUCT_CONFLUENCE },
  };

  if (str == NULL)
    return ROSTER_PRODUCT_OTHER;

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_ascii_strcasecmp (str, map[i].name) == 0)
      return map[i].product;

  return ROSTER_PRODUCT_OTHER;
}

static const char * const status_names[] = {
  "active", "suspended", "not_invited", "deactivated", "for_deletion", "unknown",
};

const char *
roster_status_to_string (RosterStatus status)
{
  if ((guint) status >= G_N_ELEMENTS (status_names))
    status = ROSTER_STATUS_UNKNOWN;
  return status_names[status];
}

RosterStatus
roster_status_from_string (const char *str)
{
  if (str == NULL)
    return ROSTER_STATUS_UNKNOWN;

  for (guint i = 0; i < G_N_ELEMENTS (status_names); i++)
    if (g_ascii_strcasecmp (str, status_names[i]) == 0)
      return (RosterStatus) i;

  return ROSTER_STATUS_UNKNOWN;
}

static const char * const account_type_names[] = {
  "atlassian", "app", "customer", "unknown",
};

const char *
roster_account_type_to_string (RosterAccountType type)
{
  if ((guint) type >= G_N_ELEMENTS (account_type_names))
    type = ROSTER_ACCOUNT_TYPE_UNKNOWN;
  return account_type_names[type];
}

RosterAccountType
roster_account_type_from_string (const char *str)
{
  if (str == NULL)
    return ROSTER_ACCOUNT_TYPE_UNKNOWN;

  for (guint i = 0; i < G_N_ELEMENTS (account_type_names); i++)
    if (g_ascii_strcasecmp (str, account_type_names[i]) == 0)
      return (RosterAccountType) i;

  return ROSTER_ACCOUNT_TYPE_UNKNOWN;
}

const char *
roster_claim_to_string (RosterClaim claim)
{
  return claim == ROSTER_CLAIM_MANAGED ? "managed" : "unmanaged";
}

static const char * const inactivity_names[] = {
  "active", "warning", "overdue", "never",
};

const char *
roster_inactivity_to_string (RosterInactivityLevel level)
{
  if ((guint) level >= G_N_ELEMENTS (inactivity_names))
    return "unknown";
  return inactivity_names[level];
}

gboolean
roster_inactivity_from_string (const char            *str,
                               RosterInactivityLevel *out_level)
{
  if (str == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (inactivity_names); i++)
    if (g_ascii_strcasecmp (str, inactivity_names[i]) == 0)
      {
        *out_level = (RosterInactivityLevel) i;
        return TRUE;
      }

  return FALSE;
}
