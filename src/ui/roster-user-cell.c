/* roster-user-cell.c
 *
 * A query change retargets about 200 live rows on GTK 4.8 (docs/large-lists.md),
 * so a cell must be cheap to update and cheap to draw:
 * - one widget per cell (the name cell used to be two boxes, two inscriptions and
 *   an image; the products cell a box and three labels);
 * - setters compare first and only then copy the text, queue a redraw and update
 *   the accessible label; shaping happens in snapshot, for the visible cells only,
 *   in layouts kept per cell (re-shaped when the text or the width changed);
 * - the size comes from the font metrics, never from the text, so no row is
 *   re-measured when it shows another user;
 * - colours come from the cell's own style: the CSS colour of the cell (classes
 *   roster-name-cell / roster-chips-cell in style.css), dimmed for the email and
 *   faded for the chip backgrounds.
 */
#define G_LOG_DOMAIN "roster-user-cell"

#include "config.h"

#include "roster-compat.h"
#include "roster-user-cell.h"

#define MAX_CHIPS      4
#define SHIELD_SIZE    16
#define SHIELD_GAP     6
#define CHIP_GAP       4
#define CHIP_PAD_X     6
#define CHIP_PAD_Y     1
#define NAME_MIN_CHARS 6
#define NAME_NAT_CHARS 30
#define EMAIL_ALPHA    0.55f   /* Adwaita's dim-label */
#define CHIP_BG_ALPHA  0.18f

typedef enum
{
  KIND_NAME,
  KIND_PRODUCTS,
} Kind;

struct _RosterUserCell
{
  GtkWidget        parent_instance;

  Kind             kind;
  guint            pango_serial;     /* of the pango context the layouts were made for */

  /* KIND_NAME */
  char            *name;             /* (owned) */
  char            *email;            /* (owned) */
  char            *shield_tooltip;   /* (owned) */
  char            *shield_label;     /* (owned) */
  PangoLayout     *name_layout;      /* (owned) (nullable) made on first draw */
  PangoLayout     *email_layout;     /* (owned) (nullable) */
  GtkIconPaintable *shield;          /* (owned) (nullable) */
  graphene_rect_t  shield_rect;      /* where it was last drawn */
  gboolean         protected;

  /* KIND_PRODUCTS */
  guint            n_chips;
  guint            products;
  char            *chip_names[MAX_CHIPS];    /* (owned) */
  char            *chip_short[MAX_CHIPS];    /* (owned) */
  char            *none_label;               /* (owned) */
  PangoLayout     *chip_layouts[MAX_CHIPS];  /* (owned) (nullable) */
  int              chip_x[MAX_CHIPS + 1];    /* left edges, then the right end */
};

G_DEFINE_FINAL_TYPE (RosterUserCell, roster_user_cell, GTK_TYPE_WIDGET)

static PangoAttrList *
attrs_bold (double scale)
{
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  if (scale != 1.0)
    pango_attr_list_insert (attrs, pango_attr_scale_new (scale));
  return attrs;
}

static PangoLayout *
new_layout (RosterUserCell *self,
            const char     *text,
            PangoAttrList  *attrs)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);

  if (attrs != NULL)
    {
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }
  return layout;
}

/* Makes the layouts on first use and follows font changes of the widget. */
static void
ensure_layouts (RosterUserCell *self)
{
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));
  guint serial = pango_context_get_serial (context);

  if (self->kind == KIND_NAME)
    {
      if (self->name_layout == NULL)
        {
          self->name_layout = new_layout (self, self->name ? self->name : "", attrs_bold (1.0));
          self->email_layout = new_layout (self, self->email ? self->email : "", NULL);
          pango_layout_set_ellipsize (self->name_layout, PANGO_ELLIPSIZE_END);
          pango_layout_set_ellipsize (self->email_layout, PANGO_ELLIPSIZE_END);
          self->pango_serial = serial;
        }
    }
  else if (self->chip_layouts[0] == NULL)
    {
      for (guint i = 0; i < self->n_chips; i++)
        self->chip_layouts[i] = new_layout (self, self->chip_short[i], attrs_bold (1.0));
      self->pango_serial = serial;
    }

  if (serial != self->pango_serial)
    {
      self->pango_serial = serial;
      if (self->name_layout != NULL)
        {
          pango_layout_context_changed (self->name_layout);
          pango_layout_context_changed (self->email_layout);
        }
      for (guint i = 0; i < self->n_chips; i++)
        if (self->chip_layouts[i] != NULL)
          pango_layout_context_changed (self->chip_layouts[i]);
      g_clear_object (&self->shield);
    }
}

/* Height of one line of text in the widget's font, with the given attributes. */
static int
line_height (RosterUserCell *self,
             PangoAttrList  *attrs)
{
  PangoLayout *layout = new_layout (self, "Ag", attrs);
  int height;

  pango_layout_get_pixel_size (layout, NULL, &height);
  g_object_unref (layout);
  return height;
}

static int
char_width (RosterUserCell *self)
{
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));
  PangoFontMetrics *metrics = pango_context_get_metrics (context, NULL, NULL);
  int width = pango_font_metrics_get_approximate_char_width (metrics);

  pango_font_metrics_unref (metrics);
  return PANGO_PIXELS_CEIL (width);
}

static void
roster_user_cell_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  RosterUserCell *self = ROSTER_USER_CELL (widget);

  if (self->kind == KIND_NAME)
    {
      if (orientation == GTK_ORIENTATION_HORIZONTAL)
        {
          int cw = char_width (self);

          *minimum = cw * NAME_MIN_CHARS;
          *natural = cw * NAME_NAT_CHARS + SHIELD_SIZE + SHIELD_GAP;
        }
      else
        *minimum = *natural = MAX (line_height (self, attrs_bold (1.0)), SHIELD_SIZE) +
                              line_height (self, NULL);
      return;
    }

  /* Products: every chip has its place, so the size never depends on the row. */
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      int width = 0;

      for (guint i = 0; i < self->n_chips; i++)
        {
          PangoLayout *layout = new_layout (self, self->chip_short[i], attrs_bold (1.0));
          int w;

          pango_layout_get_pixel_size (layout, &w, NULL);
          g_object_unref (layout);
          width += w + 2 * CHIP_PAD_X + (i > 0 ? CHIP_GAP : 0);
        }
      *minimum = *natural = width;
    }
  else
    *minimum = *natural = line_height (self, attrs_bold (1.0)) + 2 * CHIP_PAD_Y;
}

static void
append_layout (GtkSnapshot   *snapshot,
               PangoLayout   *layout,
               float          x,
               float          y,
               const GdkRGBA *color)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
snapshot_name (RosterUserCell *self,
               GtkSnapshot    *snapshot,
               const GdkRGBA  *color)
{
  GtkWidget *widget = GTK_WIDGET (self);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  PangoRectangle name, email;
  int name_w, top_h, name_room, y;
  GdkRGBA dim = *color;

  /* The layouts get a width (to ellipsize), so a name written right to left would
   * align to the far side: place the logical extents instead. */
  name_room = width - (self->protected ? SHIELD_SIZE + SHIELD_GAP : 0);
  pango_layout_set_width (self->name_layout, MAX (name_room, 1) * PANGO_SCALE);
  pango_layout_set_width (self->email_layout, MAX (width, 1) * PANGO_SCALE);
  pango_layout_get_pixel_extents (self->name_layout, NULL, &name);
  pango_layout_get_pixel_extents (self->email_layout, NULL, &email);
  name_w = name.width;

  top_h = MAX (name.height, SHIELD_SIZE);
  y = MAX (0, (height - top_h - email.height) / 2);

  append_layout (snapshot, self->name_layout, (rtl ? width - name.width : 0) - name.x,
                 y + (top_h - name.height) / 2, color);
  dim.alpha *= EMAIL_ALPHA;
  append_layout (snapshot, self->email_layout, (rtl ? width - email.width : 0) - email.x,
                 y + top_h, &dim);

  if (self->protected)
    {
      float x = name_w + SHIELD_GAP;

      if (rtl)
        x = width - x - SHIELD_SIZE;
      self->shield_rect = GRAPHENE_RECT_INIT (x, y + (top_h - SHIELD_SIZE) / 2,
                                              SHIELD_SIZE, SHIELD_SIZE);
      if (self->shield == NULL)
        self->shield = gtk_icon_theme_lookup_icon (gtk_icon_theme_get_for_display (gtk_widget_get_display (widget)),
                                                   "security-high-symbolic", NULL, SHIELD_SIZE,
                                                   gtk_widget_get_scale_factor (widget),
                                                   gtk_widget_get_direction (widget), 0);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &self->shield_rect.origin);
      gtk_symbolic_paintable_snapshot_symbolic (GTK_SYMBOLIC_PAINTABLE (self->shield), snapshot,
                                                SHIELD_SIZE, SHIELD_SIZE, color, 1);
      gtk_snapshot_restore (snapshot);
    }
}

static void
snapshot_products (RosterUserCell *self,
                   GtkSnapshot    *snapshot,
                   const GdkRGBA  *color)
{
  GtkWidget *widget = GTK_WIDGET (self);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  GdkRGBA background = *color;
  int x = 0;

  background.alpha *= CHIP_BG_ALPHA;

  for (guint i = 0; i < self->n_chips; i++)
    {
      int w, h, chip_w, chip_h;

      pango_layout_get_pixel_size (self->chip_layouts[i], &w, &h);
      chip_w = w + 2 * CHIP_PAD_X;
      chip_h = h + 2 * CHIP_PAD_Y;
      self->chip_x[i] = x;

      if (self->products & (1u << i))
        {
          float cx = rtl ? width - x - chip_w : x;
          float cy = (height - chip_h) / 2;
          GskRoundedRect pill;

          gsk_rounded_rect_init_from_rect (&pill, &GRAPHENE_RECT_INIT (cx, cy, chip_w, chip_h),
                                           chip_h / 2.f);
          gtk_snapshot_push_rounded_clip (snapshot, &pill);
          gtk_snapshot_append_color (snapshot, &background, &pill.bounds);
          gtk_snapshot_pop (snapshot);
          append_layout (snapshot, self->chip_layouts[i], cx + CHIP_PAD_X, cy + CHIP_PAD_Y, color);
        }
      x += chip_w + CHIP_GAP;
    }
  self->chip_x[self->n_chips] = x;
}

static void
roster_user_cell_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  RosterUserCell *self = ROSTER_USER_CELL (widget);
  GdkRGBA color;

  ensure_layouts (self);
  roster_compat_widget_get_color (widget, &color);

  if (self->kind == KIND_NAME)
    snapshot_name (self, snapshot, &color);
  else
    snapshot_products (self, snapshot, &color);
}

static gboolean
roster_user_cell_query_tooltip (GtkWidget  *widget,
                                int         x,
                                int         y,
                                gboolean    keyboard,
                                GtkTooltip *tooltip)
{
  RosterUserCell *self = ROSTER_USER_CELL (widget);

  if (self->kind == KIND_NAME)
    {
      if (self->protected &&
          (keyboard || graphene_rect_contains_point (&self->shield_rect, &GRAPHENE_POINT_INIT (x, y))))
        {
          gtk_tooltip_set_text (tooltip, self->shield_tooltip);
          return TRUE;
        }
      return FALSE;
    }

  if (gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL)
    x = gtk_widget_get_width (widget) - x;
  for (guint i = 0; i < self->n_chips; i++)
    if ((self->products & (1u << i)) && x >= self->chip_x[i] &&
        x < self->chip_x[i + 1] - CHIP_GAP)
      {
        gtk_tooltip_set_text (tooltip, self->chip_names[i]);
        return TRUE;
      }
  return FALSE;
}

static void
roster_user_cell_direction_changed (GtkWidget        *widget,
                                    GtkTextDirection  previous)
{
  ROSTER_USER_CELL (widget)->pango_serial = 0;
  GTK_WIDGET_CLASS (roster_user_cell_parent_class)->direction_changed (widget, previous);
}

static void
roster_user_cell_finalize (GObject *object)
{
  RosterUserCell *self = ROSTER_USER_CELL (object);

  g_free (self->name);
  g_free (self->email);
  g_free (self->shield_tooltip);
  g_free (self->shield_label);
  g_clear_object (&self->name_layout);
  g_clear_object (&self->email_layout);
  g_clear_object (&self->shield);
  for (guint i = 0; i < MAX_CHIPS; i++)
    {
      g_free (self->chip_names[i]);
      g_free (self->chip_short[i]);
      g_clear_object (&self->chip_layouts[i]);
    }
  g_free (self->none_label);

  G_OBJECT_CLASS (roster_user_cell_parent_class)->finalize (object);
}

static void
roster_user_cell_class_init (RosterUserCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = roster_user_cell_finalize;
  widget_class->measure = roster_user_cell_measure;
  widget_class->snapshot = roster_user_cell_snapshot;
  widget_class->query_tooltip = roster_user_cell_query_tooltip;
  widget_class->direction_changed = roster_user_cell_direction_changed;

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
roster_user_cell_init (RosterUserCell *self)
{
}

GtkWidget *
roster_user_cell_new_name (const char *shield_tooltip,
                           const char *shield_label)
{
  RosterUserCell *self = g_object_new (ROSTER_TYPE_USER_CELL, NULL);

  self->kind = KIND_NAME;
  self->shield_tooltip = g_strdup (shield_tooltip);
  self->shield_label = g_strdup (shield_label);
  gtk_widget_add_css_class (GTK_WIDGET (self), "roster-name-cell");
  return GTK_WIDGET (self);
}

GtkWidget *
roster_user_cell_new_products (guint               n_products,
                               const char * const *short_names,
                               const char * const *names,
                               const char         *none_label)
{
  RosterUserCell *self = g_object_new (ROSTER_TYPE_USER_CELL, NULL);

  g_return_val_if_fail (n_products <= MAX_CHIPS, NULL);

  self->kind = KIND_PRODUCTS;
  self->n_chips = n_products;
  for (guint i = 0; i < n_products; i++)
    {
      self->chip_short[i] = g_strdup (short_names[i]);
      self->chip_names[i] = g_strdup (names[i]);
    }
  self->none_label = g_strdup (none_label);
  gtk_widget_add_css_class (GTK_WIDGET (self), "roster-chips-cell");
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->none_label, -1);
  return GTK_WIDGET (self);
}

void
roster_user_cell_set_name (RosterUserCell *self,
                           const char     *name,
                           const char     *email,
                           gboolean        protected)
{
  g_autofree char *label = NULL;

  g_return_if_fail (ROSTER_IS_USER_CELL (self) && self->kind == KIND_NAME);

  protected = !!protected;
  if (g_strcmp0 (self->name, name) == 0 && g_strcmp0 (self->email, email) == 0 &&
      self->protected == protected)
    return;

  if (g_strcmp0 (self->name, name) != 0)
    {
      g_free (self->name);
      self->name = g_strdup (name);
      if (self->name_layout != NULL)
        pango_layout_set_text (self->name_layout, name ? name : "", -1);
    }
  if (g_strcmp0 (self->email, email) != 0)
    {
      g_free (self->email);
      self->email = g_strdup (email);
      if (self->email_layout != NULL)
        pango_layout_set_text (self->email_layout, email ? email : "", -1);
    }
  if (self->protected != protected)
    {
      self->protected = protected;
      gtk_widget_set_has_tooltip (GTK_WIDGET (self), protected);
    }

  /* What a screen reader says for the cell: what is drawn. */
  label = g_strjoin (", ", name ? name : "", email ? email : "",
                     protected ? self->shield_label : NULL, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
roster_user_cell_set_products (RosterUserCell *self,
                               guint           products)
{
  g_autoptr(GString) label = NULL;

  g_return_if_fail (ROSTER_IS_USER_CELL (self) && self->kind == KIND_PRODUCTS);

  products &= (1u << self->n_chips) - 1;
  if (self->products == products)
    return;
  self->products = products;

  label = g_string_new (NULL);
  for (guint i = 0; i < self->n_chips; i++)
    if (products & (1u << i))
      {
        if (label->len > 0)
          g_string_append (label, ", ");
        g_string_append (label, self->chip_names[i]);
      }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  label->len > 0 ? label->str : self->none_label, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
