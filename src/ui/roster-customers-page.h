/* roster-customers-page.h */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ROSTER_TYPE_CUSTOMERS_PAGE (roster_customers_page_get_type ())

G_DECLARE_FINAL_TYPE (RosterCustomersPage, roster_customers_page, ROSTER, CUSTOMERS_PAGE, AdwBin)

G_END_DECLS
