/* roster-bar-chart.c */
#define G_LOG_DOMAIN "roster-bar-chart"

#include "config.h"

#include <glib/gi18n.h>

#include "roster-application.h"
#include "roster-bar-chart.h"
#include "roster-compat.h"

#define ROW_HEIGHT   30
#define BAR_HEIGHT   10
#define LABEL_WIDTH  170
#define VALUE_WIDTH  110
#define LEGEND_HEIGHT 28

struct _RosterBarChart
{
  GtkWidget  parent_instance;

  GStrv      labels;
  guint     *values_a;
  guint     *values_b;   /* (nullable) */
  guint      n;
  char      *series_a;
  char      *series_b;
  char      *description;
};

G_DEFINE_FINAL_TYPE (RosterBarChart, roster_bar_chart, GTK_TYPE_WIDGET)

static void
get_colors (RosterBarChart *self,
            GdkRGBA        *fg,
            GdkRGBA        *a,
            GdkRGBA        *b)
{
  roster_compat_widget_get_color (GTK_WIDGET (self), fg);

  if (!roster_compat_widget_lookup_color (GTK_WIDGET (self), "accent_bg_color", a))
    gdk_rgba_parse (a, "#3584e4");
  if (!roster_compat_widget_lookup_color (GTK_WIDGET (self), "success_color", b))
    gdk_rgba_parse (b, "#26a269");
}

static int
append_text (RosterBarChart *self,
             GtkSnapshot    *snapshot,
             const char     *text,
             float           x,
             float           y,
             int             width,
             gboolean        right_align,
             const GdkRGBA  *color)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  int text_width, text_height;

  pango_layout_set_width (layout, width * PANGO_SCALE);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  if (right_align)
    pango_layout_set_alignment (layout, PANGO_ALIGN_RIGHT);
  pango_layout_get_pixel_size (layout, &text_width, &text_height);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y - text_height / 2.0f));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
  g_object_unref (layout);
  return text_width;
}

static void
append_bar (GtkSnapshot   *snapshot,
            float          x,
            float          y,
            float          width,
            float          height,
            const GdkRGBA *color)
{
  GskRoundedRect rect;

  if (width <= 0)
    return;
  gsk_rounded_rect_init_from_rect (&rect, &GRAPHENE_RECT_INIT (x, y, width, height),
                                   MIN (height / 2, width / 2));
  gtk_snapshot_push_rounded_clip (snapshot, &rect);
  gtk_snapshot_append_color (snapshot, color, &GRAPHENE_RECT_INIT (x, y, width, height));
  gtk_snapshot_pop (snapshot);
}

static void
roster_bar_chart_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  RosterBarChart *self = ROSTER_BAR_CHART (widget);
  int width = gtk_widget_get_width (widget);
  float bars_x = LABEL_WIDTH + 8;
  float bars_w = MAX (10, width - bars_x - VALUE_WIDTH - 8);
  GdkRGBA fg, color_a, color_b, track, dim;
  guint max = 1;

  get_colors (self, &fg, &color_a, &color_b);
  track = fg;
  /* The empty part of each bar must stay visible with the high-contrast style. */
  track.alpha *= adw_style_manager_get_high_contrast (adw_style_manager_get_default ()) ? 0.3f : 0.08f;
  dim = fg;
  dim.alpha *= 0.7f;

  for (guint i = 0; i < self->n; i++)
    {
      max = MAX (max, self->values_a[i]);
      if (self->values_b)
        max = MAX (max, self->values_b[i]);
    }

  for (guint i = 0; i < self->n; i++)
    {
      float y = i * ROW_HEIGHT;
      float center = y + ROW_HEIGHT / 2.0f;
      g_autofree char *value_text = NULL;

      append_text (self, snapshot, self->labels[i], 0, center, LABEL_WIDTH, FALSE, &fg);

      if (self->values_b != NULL)
        {
          g_autofree char *a = roster_format_count (self->values_a[i]);
          g_autofree char *b = roster_format_count (self->values_b[i]);

          append_bar (snapshot, bars_x, center - BAR_HEIGHT - 1, bars_w, BAR_HEIGHT, &track);
          append_bar (snapshot, bars_x, center - BAR_HEIGHT - 1,
                      bars_w * self->values_a[i] / max, BAR_HEIGHT, &color_a);
          append_bar (snapshot, bars_x, center + 1, bars_w, BAR_HEIGHT, &track);
          append_bar (snapshot, bars_x, center + 1,
                      bars_w * self->values_b[i] / max, BAR_HEIGHT, &color_b);
          value_text = g_strdup_printf ("%s / %s", b, a);
        }
      else
        {
          append_bar (snapshot, bars_x, center - BAR_HEIGHT / 2.0f, bars_w, BAR_HEIGHT + 2, &track);
          append_bar (snapshot, bars_x, center - BAR_HEIGHT / 2.0f,
                      bars_w * self->values_a[i] / max, BAR_HEIGHT + 2, &color_a);
          value_text = roster_format_count (self->values_a[i]);
        }
      append_text (self, snapshot, value_text, width - VALUE_WIDTH, center, VALUE_WIDTH, TRUE, &dim);
    }

  if (self->series_a != NULL && self->values_b != NULL)
    {
      float y = self->n * ROW_HEIGHT + LEGEND_HEIGHT / 2.0f;
      int used;

      append_bar (snapshot, 0, y - 5, 10, 10, &color_a);
      used = append_text (self, snapshot, self->series_a, 16, y, MAX (40, width / 2 - 24), FALSE, &dim);
      append_bar (snapshot, 16 + used + 24, y - 5, 10, 10, &color_b);
      append_text (self, snapshot, self->series_b, 16 + used + 40, y,
                   MAX (40, width - used - 56), FALSE, &dim);
    }
}

static void
roster_bar_chart_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  RosterBarChart *self = ROSTER_BAR_CHART (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = LABEL_WIDTH + VALUE_WIDTH + 80;
      *natural = LABEL_WIDTH + VALUE_WIDTH + 300;
    }
  else
    {
      *minimum = *natural = self->n * ROW_HEIGHT + (self->values_b ? LEGEND_HEIGHT : 0);
    }
}

static void
roster_bar_chart_css_changed (GtkWidget         *widget,
                              GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (roster_bar_chart_parent_class)->css_changed (widget, change);
  gtk_widget_queue_draw (widget);
}

static void
roster_bar_chart_finalize (GObject *object)
{
  RosterBarChart *self = ROSTER_BAR_CHART (object);

  g_clear_pointer (&self->labels, g_strfreev);
  g_clear_pointer (&self->values_a, g_free);
  g_clear_pointer (&self->values_b, g_free);
  g_clear_pointer (&self->series_a, g_free);
  g_clear_pointer (&self->series_b, g_free);
  g_clear_pointer (&self->description, g_free);

  G_OBJECT_CLASS (roster_bar_chart_parent_class)->finalize (object);
}

static void
roster_bar_chart_class_init (RosterBarChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = roster_bar_chart_finalize;
  widget_class->snapshot = roster_bar_chart_snapshot;
  widget_class->measure = roster_bar_chart_measure;
  widget_class->css_changed = roster_bar_chart_css_changed;

  gtk_widget_class_set_css_name (widget_class, "barchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
roster_bar_chart_init (RosterBarChart *self)
{
}

void
roster_bar_chart_set_data (RosterBarChart    *self,
                           const char *const *labels,
                           const guint       *values_a,
                           const guint       *values_b,
                           guint              n,
                           const char        *series_a,
                           const char        *series_b)
{
  g_autoptr(GString) description = g_string_new (NULL);

  g_return_if_fail (ROSTER_IS_BAR_CHART (self));

  g_clear_pointer (&self->labels, g_strfreev);
  g_clear_pointer (&self->values_a, g_free);
  g_clear_pointer (&self->values_b, g_free);
  g_free (self->series_a);
  g_free (self->series_b);

  self->labels = g_strdupv ((char **) labels);
  self->values_a = g_memdup2 (values_a, sizeof (guint) * MAX (n, 1));
  self->values_b = values_b ? g_memdup2 (values_b, sizeof (guint) * MAX (n, 1)) : NULL;
  self->n = n;
  self->series_a = g_strdup (series_a);
  self->series_b = g_strdup (series_b);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *a = roster_format_count (values_a[i]);

      if (i > 0)
        g_string_append (description, "; ");
      if (values_b != NULL)
        {
          g_autofree char *b = roster_format_count (values_b[i]);

          g_string_append_printf (description, "%s: %s %s, %s %s", labels[i], a,
                                  series_a ? series_a : "", b, series_b ? series_b : "");
        }
      else
        {
          g_string_append_printf (description, "%s: %s", labels[i], a);
        }
    }

  g_free (self->description);
  self->description = g_string_free (g_steal_pointer (&description), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  self->description, -1);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

const char *
roster_bar_chart_get_description (RosterBarChart *self)
{
  g_return_val_if_fail (ROSTER_IS_BAR_CHART (self), NULL);

  return self->description;
}
