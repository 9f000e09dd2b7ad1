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

/* Test entry points. Chooses the project with that key (FALSE when not listed). */
gboolean    roster_customers_page_select_project  (RosterCustomersPage *self,
                                                   const char          *project_key);
/* (nullable) the key of the project shown. */
const char *roster_customers_page_get_project_key (RosterCustomersPage *self);
/* The shown project's customers (direct ∪ organization members) and organizations. */
guint       roster_customers_page_get_n_customers (RosterCustomersPage *self);
guint       roster_customers_page_get_n_organizations (RosterCustomersPage *self);
/* Projects or customers are loading. */
gboolean    roster_customers_page_is_loading      (RosterCustomersPage *self);
/* The visible stack page: "connect" or "content". */
const char *roster_customers_page_get_state       (RosterCustomersPage *self);

G_END_DECLS
