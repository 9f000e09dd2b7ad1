/* roster-customers-page.c */
#define G_LOG_DOMAIN "roster-customers-page"

#include "config.h"

#include <glib/gi18n.h>

#include "roster-customers-page.h"

struct _RosterCustomersPage
{
  AdwBin parent_instance;
};

G_DEFINE_FINAL_TYPE (RosterCustomersPage, roster_customers_page, ADW_TYPE_BIN)

static void
roster_customers_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), ROSTER_TYPE_CUSTOMERS_PAGE);

  G_OBJECT_CLASS (roster_customers_page_parent_class)->dispose (object);
}

static void
roster_customers_page_class_init (RosterCustomersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = roster_customers_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               APP_PATH "/ui/roster-customers-page.ui");
}

static void
roster_customers_page_init (RosterCustomersPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
