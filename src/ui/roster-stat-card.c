/* roster-stat-card.c */
#define G_LOG_DOMAIN "roster-stat-card"

#include "config.h"

#include <glib/gi18n.h>

#include "roster-application.h"
#include "roster-stat-card.h"

struct _RosterStatCard
{
  AdwBin    parent_instance;

  GtkLabel *value_label;
  GtkLabel *title_label;

  char     *title;
  char     *level;
  guint     value;
};

G_DEFINE_FINAL_TYPE (RosterStatCard, roster_stat_card, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_LEVEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_accessible (RosterStatCard *self)
{
  g_autofree char *value = roster_format_count (self->value);
  g_autofree char *label = g_strdup_printf ("%s: %s", self->title ? self->title : "", value);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
roster_stat_card_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  RosterStatCard *self = ROSTER_STAT_CARD (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_LEVEL:
      g_value_set_string (value, self->level);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
roster_stat_card_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  RosterStatCard *self = ROSTER_STAT_CARD (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_free (self->title);
      self->title = g_value_dup_string (value);
      gtk_label_set_label (self->title_label, self->title);
      update_accessible (self);
      break;
    case PROP_LEVEL:
      if (self->level != NULL)
        gtk_widget_remove_css_class (GTK_WIDGET (self->value_label), self->level);
      g_free (self->level);
      self->level = g_value_dup_string (value);
      if (self->level != NULL)
        gtk_widget_add_css_class (GTK_WIDGET (self->value_label), self->level);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
roster_stat_card_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), ROSTER_TYPE_STAT_CARD);

  G_OBJECT_CLASS (roster_stat_card_parent_class)->dispose (object);
}

static void
roster_stat_card_finalize (GObject *object)
{
  RosterStatCard *self = ROSTER_STAT_CARD (object);

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->level, g_free);

  G_OBJECT_CLASS (roster_stat_card_parent_class)->finalize (object);
}

static void
roster_stat_card_class_init (RosterStatCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = roster_stat_card_get_property;
  object_class->set_property = roster_stat_card_set_property;
  object_class->dispose = roster_stat_card_dispose;
  object_class->finalize = roster_stat_card_finalize;

  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL,
                                                G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /* A CSS class for the number: level-warning, level-overdue, … */
  properties[PROP_LEVEL] = g_param_spec_string ("level", NULL, NULL, NULL,
                                                G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/ui/roster-stat-card.ui");
  gtk_widget_class_bind_template_child (widget_class, RosterStatCard, value_label);
  gtk_widget_class_bind_template_child (widget_class, RosterStatCard, title_label);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
roster_stat_card_init (RosterStatCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
roster_stat_card_set_value (RosterStatCard *self,
                            guint           value)
{
  g_autofree char *text = NULL;

  g_return_if_fail (ROSTER_IS_STAT_CARD (self));

  self->value = value;
  text = roster_format_count (value);
  gtk_label_set_label (self->value_label, text);
  update_accessible (self);
}

guint
roster_stat_card_get_value (RosterStatCard *self)
{
  g_return_val_if_fail (ROSTER_IS_STAT_CARD (self), 0);

  return self->value;
}

const char *
roster_stat_card_get_title (RosterStatCard *self)
{
  g_return_val_if_fail (ROSTER_IS_STAT_CARD (self), NULL);

  return self->title;
}
