/* roster-customers-page.h
 *
 * The Customers page: choose a service desk project, see its customers (direct and
 * through organizations) and its organizations, search, export one or all projects.
 * Without a site it shows "Connect your site".
 */
#pragma once

#include <adwaita.h>

#include "roster-site.h"

G_BEGIN_DECLS

#define ROSTER_TYPE_CUSTOMERS_PAGE (roster_customers_page_get_type ())

G_DECLARE_FINAL_TYPE (RosterCustomersPage, roster_customers_page, ROSTER, CUSTOMERS_PAGE, AdwBin)

/* site: (nullable) the product-site connection with its token; NULL shows the
 * "Connect your site" status page. Setting a site loads its projects. */
void        roster_customers_page_set_site (RosterCustomersPage *self,
                                            RosterSite          *site);
RosterSite *roster_customers_page_get_site (RosterCustomersPage *self);

G_END_DECLS
