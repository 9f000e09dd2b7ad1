/* roster-labels.c */
#define G_LOG_DOMAIN "roster-labels"

#include "config.h"

#include <glib/gi18n.h>

#include "roster-labels.h"

const char *
roster_status_label (RosterStatus status)
{
  switch (status)
    {
    case ROSTER_STATUS_ACTIVE: return _("Active");
    case ROSTER_STATUS_SUSPENDED: return _("Suspended");
    case ROSTER_STATUS_NOT_INVITED: return _("Not invited");
    case ROSTER_STATUS_DEACTIVATED: return _("Deactivated");
    case ROSTER_STATUS_FOR_DELETION: return _("Pending deletion");
    case ROSTER_STATUS_UNKNOWN:
    default: return _("Unknown");
    }
}

const char *
roster_account_type_label (RosterAccountType type)
{
  switch (type)
    {
    case ROSTER_ACCOUNT_TYPE_ATLASSIAN: return _("Atlassian");
    case ROSTER_ACCOUNT_TYPE_APP: return _("App");
    case ROSTER_ACCOUNT_TYPE_CUSTOMER: return _("Customer");
    case ROSTER_ACCOUNT_TYPE_UNKNOWN:
    default: return _("Unknown");
    }
}

const char *
roster_inactivity_label (RosterInactivityLevel level)
{
  switch (level)
    {
    case ROSTER_INACTIVITY_ACTIVE: return _("Active");
    case ROSTER_INACTIVITY_WARNING: return _("Warning");
    case ROSTER_INACTIVITY_OVERDUE: return _("Overdue");
    case ROSTER_INACTIVITY_NEVER:
    default: return _("Never active");
    }
}

const char *
roster_product_label (RosterProduct product)
{
  switch (product)
    {
    case ROSTER_PRODUCT_JIRA: return _("Jira");
    case ROSTER_PRODUCT_JSM: return _("Jira Service Management");
    case ROSTER_PRODUCT_CONFLUENCE: return _("Confluence");
    case ROSTER_PRODUCT_OTHER:
    default: return _("Other product");
    }
}
