/* roster-welcome-page.h */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ROSTER_TYPE_WELCOME_PAGE (roster_welcome_page_get_type ())

G_DECLARE_FINAL_TYPE (RosterWelcomePage, roster_welcome_page, ROSTER, WELCOME_PAGE, AdwBin)

G_END_DECLS
