/* roster-labels.h
 *
 * Translated, human words for the core's enums, shared by every page.
 */
#pragma once

#include <glib.h>

#include "roster-inactivity.h"
#include "roster-types.h"

G_BEGIN_DECLS

const char *roster_status_label       (RosterStatus          status);
const char *roster_account_type_label (RosterAccountType     type);
const char *roster_inactivity_label   (RosterInactivityLevel level);
const char *roster_product_label      (RosterProduct         product);

G_END_DECLS
