/* roster-welcome-page.c */
#define G_LOG_DOMAIN "roster-welcome-page"

#include "config.h"

#include <glib/gi18n.h>

#include "roster-welcome-page.h"

struct _RosterWelcomePage
{
  AdwBin parent_instance;
};

G_DEFINE_FINAL_TYPE (RosterWelcomePage, roster_welcome_page, ADW_TYPE_BIN)

static void
roster_welcome_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), ROSTER_TYPE_WELCOME_PAGE);

  G_OBJECT_CLASS (roster_welcome_page_parent_class)->dispose (object);
}

static void
roster_welcome_page_class_init (RosterWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = roster_welcome_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               APP_PATH "/ui/roster-welcome-page.ui");
}

static void
roster_welcome_page_init (RosterWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
