/* roster-user.c
 *
 * Parser and value object for one user of the Admin API v2 users search.
 */
#define G_LOG_DOMAIN "roster-user"

#include "config.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "roster-user.h"
#include "roster-user-batch.h"

#include "roster-error.h"
#include "roster-inactivity.h"
#include "roster-json-private.h"
#include "roster-user-private.h"

#define GROUP_ARI_PREFIX "ari:cloud:identity::group/"

struct _RosterUser
{
  GObject            parent_instance;

  char              *account_id;         /* (owned) */
  char              *name;               /* (owned) (nullable) */
  char              *email;              /* (owned) (nullable) */
  char              *nickname;           /* (owned) (nullable) */
  char              *account_status;     /* (owned) (nullable) */
  char              *membership_status;  /* (owned) (nullable) */
  char              *management_source;  /* (owned) (nullable) */
  GPtrArray         *platform_roles;     /* (owned) NULL-terminated strv storage */
  GPtrArray         *products;           /* (owned) RosterProductAccess */
  GPtrArray         *groups;             /* (owned) RosterGroupRef */

  gint64             added_to_org;
  gint64             last_active;

  RosterAccountType  account_type;
  RosterStatus       status;
  RosterClaim        claim;
  guint              org_admin : 1;
};

G_DEFINE_FINAL_TYPE (RosterUser, roster_user, G_TYPE_OBJECT)

/* Helpers */

void
roster_product_access_free (RosterProductAccess *access)
{
  if (access == NULL)
    return;
  g_free (access->key);
  g_free (access->resource_id);
  g_free (access);
}

void
roster_group_ref_free (RosterGroupRef *ref)
{
  if (ref == NULL)
    return;
  g_free (ref->id);
  g_free (ref->name);
  g_free (ref);
}

static inline int
parse_digits (const char *s,
              guint       n,
              gboolean   *ok)
{
  int v = 0;

  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (s[i]))
        {
          *ok = FALSE;
          return 0;
        }
      v = v * 10 + (s[i] - '0');
    }

  return v;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static gint64
days_from_civil (int y,
                 int m,
                 int d)
{
  gint64 era;
  int yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = (int) (y - era * 400);
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* Parses the ISO 8601 forms the Atlassian APIs use: "2025-11-06T23:07:29.936941226Z",
 * "2024-01-01T00:00:00.000Z", "2025-05-01T09:12:00+02:00", "2025-05-01". No
 * allocation: this runs for every product of every user during a sync. */
gboolean
_roster_parse_iso8601 (const char *str,
                       gint64     *out_unix)
{
  static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  gboolean ok = TRUE;
  int year, month, day, hour = 0, minute = 0, second = 0;
  int offset = 0;
  const char *p = str;

  if (str == NULL || strlen (str) < 10)
    return FALSE;

  year = parse_digits (p, 4, &ok);
  if (!ok || p[4] != '-')
    return FALSE;
  month = parse_digits (p + 5, 2, &ok);
  if (!ok || p[7] != '-')
    return FALSE;
  day = parse_digits (p + 8, 2, &ok);
  if (!ok || month < 1 || month > 12 || day < 1 || day > mdays[month - 1])
    return FALSE;
  p += 10;

  if (*p == 'T' || *p == 't' || *p == ' ')
    {
      p++;
      hour = parse_digits (p, 2, &ok);
      if (!ok || p[2] != ':')
        return FALSE;
      minute = parse_digits (p + 3, 2, &ok);
      if (!ok)
        return FALSE;
      p += 5;
      if (*p == ':')
        {
          second = parse_digits (p + 1, 2, &ok);
          if (!ok)
            return FALSE;
          p += 3;
          if (*p == '.' || *p == ',')
            {
              p++;
              if (!g_ascii_isdigit (*p))
                return FALSE;
              while (g_ascii_isdigit (*p))
                p++;
            }
        }
      /* 60 allows a leap second; it rolls into the next minute. */
      if (hour > 23 || minute > 59 || second > 60)
        return FALSE;

      if (*p == 'Z' || *p == 'z')
        p++;
      else if (*p == '+' || *p == '-')
        {
          int sign = *p == '-' ? -1 : 1;
          int oh, om;

          p++;
          oh = parse_digits (p, 2, &ok);
          if (!ok)
            return FALSE;
          p += 2;
          if (*p == ':')
            p++;
          om = parse_digits (p, 2, &ok);
          if (!ok || oh > 23 || om > 59)
            return FALSE;
          p += 2;
          offset = sign * (oh * 3600 + om * 60);
        }
    }

  if (*p != '\0')
    return FALSE;

  *out_unix = days_from_civil (year, month, day) * 86400
              + hour * 3600 + minute * 60 + second - offset;
  return TRUE;
}

static gboolean
invalid_member (GError     **error,
                const char  *member,
                const char  *expected)
{
  g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
               "Malformed user: member “%s” is not %s", member, expected);
  return FALSE;
}

/* Reads an optional string member: absent or null → NULL; any other type is an error. */
static gboolean
get_optional_string (JsonObject  *object,
                     const char  *member,
                     const char **out_value,
                     GError     **error)
{
  JsonNode *node = _roster_json_get_member (object, member);

  *out_value = NULL;

  if (node == NULL)
    return TRUE;

  if (!_roster_json_holds (node, G_TYPE_STRING))
    return invalid_member (error, member, "a string");

  *out_value = json_node_get_string (node);
  return TRUE;
}

/* Reads an optional array member: absent or null → NULL. */
static gboolean
get_optional_array (JsonObject  *object,
                    const char  *member,
                    JsonArray  **out_array,
                    GError     **error)
{
  JsonNode *node = _roster_json_get_member (object, member);

  *out_array = NULL;

  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return invalid_member (error, member, "an array");

  *out_array = json_node_get_array (node);
  return TRUE;
}

static RosterStatus
status_from_parts (const char *account_status,
                   const char *membership_status)
{
  if (account_status == NULL)
    return ROSTER_STATUS_UNKNOWN;
  if (g_strcmp0 (account_status, "inactive") == 0 || g_strcmp0 (account_status, "closed") == 0)
    return ROSTER_STATUS_DEACTIVATED;
  if (g_strcmp0 (membership_status, "suspended") == 0)
    return ROSTER_STATUS_SUSPENDED;
  if (g_strcmp0 (membership_status, "no_membership") == 0)
    return ROSTER_STATUS_NOT_INVITED;
  if (g_strcmp0 (account_status, "active") == 0 && g_strcmp0 (membership_status, "active") == 0)
    return ROSTER_STATUS_ACTIVE;
  return ROSTER_STATUS_UNKNOWN;
}

/* Atlassian bills active members with access to a product. App accounts (bots) and
 * JSM portal customers are free; an unknown type is counted to err on the side of
 * showing the cost. */
static gboolean
is_billable (RosterStatus      status,
             RosterAccountType account_type,
             guint             n_products)
{
  return status == ROSTER_STATUS_ACTIVE &&
         account_type != ROSTER_ACCOUNT_TYPE_APP &&
         account_type != ROSTER_ACCOUNT_TYPE_CUSTOMER &&
         n_products > 0;
}

static gboolean
is_org_admin_role (const char *role)
{
  return g_strcmp0 (role, "atlassian/org-admin") == 0 || g_strcmp0 (role, "org-admin") == 0;
}

static char *
format_iso8601 (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_seconds);

  if (dt == NULL)
    return NULL;

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

/* GObject */

static void
roster_user_finalize (GObject *object)
{
  RosterUser *self = (RosterUser *) object;

  g_clear_pointer (&self->account_id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->email, g_free);
  g_clear_pointer (&self->nickname, g_free);
  g_clear_pointer (&self->account_status, g_free);
  g_clear_pointer (&self->membership_status, g_free);
  g_clear_pointer (&self->management_source, g_free);
  g_clear_pointer (&self->platform_roles, g_ptr_array_unref);
  g_clear_pointer (&self->products, g_ptr_array_unref);
  g_clear_pointer (&self->groups, g_ptr_array_unref);

  G_OBJECT_CLASS (roster_user_parent_class)->finalize (object);
}

static void
roster_user_class_init (RosterUserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = roster_user_finalize;
}

static void
roster_user_init (RosterUser *self)
{
  self->platform_roles = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->platform_roles, NULL);
  self->products = g_ptr_array_new_with_free_func ((GDestroyNotify) roster_product_access_free);
  self->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) roster_group_ref_free);
  self->account_type = ROSTER_ACCOUNT_TYPE_UNKNOWN;
  self->status = ROSTER_STATUS_UNKNOWN;
  self->claim = ROSTER_CLAIM_UNMANAGED;
}

/* Parsing */

static gboolean
parse_products (RosterUser  *self,
                JsonArray   *array,
                GError     **error)
{
  guint n = json_array_get_length (array);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object;
      const char *key, *resource_id, *timestamp;
      gint64 last_active = 0;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid_member (error, "productAccess[]", "an object");
      object = json_node_get_object (node);

      if (!get_optional_string (object, "key", &key, error) ||
          !get_optional_string (object, "id", &resource_id, error) ||
          !get_optional_string (object, "lastActiveTimestamp", &timestamp, error))
        {
          g_prefix_error (error, "productAccess[%u]: ", i);
          return FALSE;
        }

      if (timestamp != NULL && timestamp[0] != '\0')
        {
          if (!_roster_parse_iso8601 (timestamp, &last_active))
            {
              g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                           "Malformed user: productAccess[%u] member “lastActiveTimestamp” "
                           "is not an ISO 8601 date (“%s”)", i, timestamp);
              return FALSE;
            }
          /* 0 means "never active"; a real timestamp at or before the epoch is not. */
          last_active = MAX (last_active, 1);
        }

      roster_user_add_product (self, key, resource_id, last_active);
    }

  return TRUE;
}

static gboolean
parse_groups (RosterUser  *self,
              JsonArray   *array,
              GError     **error)
{
  guint n = json_array_get_length (array);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object;
      const char *id, *name;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid_member (error, "groups[]", "an object");
      object = json_node_get_object (node);

      if (!get_optional_string (object, "id", &id, error) ||
          !get_optional_string (object, "name", &name, error))
        {
          g_prefix_error (error, "groups[%u]: ", i);
          return FALSE;
        }

      roster_user_add_group (self, id, name);
    }

  return TRUE;
}

static gboolean
parse_roles (RosterUser  *self,
             JsonArray   *array,
             GError     **error)
{
  guint n = json_array_get_length (array);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (!_roster_json_holds (node, G_TYPE_STRING))
        return invalid_member (error, "platformRoles[]", "a string");

      roster_user_add_platform_role (self, json_node_get_string (node));
    }

  return TRUE;
}

RosterUser *
roster_user_new_from_json (JsonNode  *node,
                           GError   **error)
{
  g_autoptr(RosterUser) self = NULL;
  JsonObject *object;
  const char *account_id, *name, *email, *nickname, *account_type, *account_status;
  const char *membership_status, *status, *claim, *management_source, *added;
  JsonArray *products, *groups, *roles;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                           "Malformed user: not a JSON object");
      return NULL;
    }
  object = json_node_get_object (node);

  if (!get_optional_string (object, "accountId", &account_id, error))
    return NULL;
  if (account_id == NULL || account_id[0] == '\0')
    {
      g_set_error_literal (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                           "Malformed user: member “accountId” is missing");
      return NULL;
    }

  if (!get_optional_string (object, "name", &name, error) ||
      !get_optional_string (object, "email", &email, error) ||
      !get_optional_string (object, "nickname", &nickname, error) ||
      !get_optional_string (object, "accountType", &account_type, error) ||
      !get_optional_string (object, "accountStatus", &account_status, error) ||
      !get_optional_string (object, "membershipStatus", &membership_status, error) ||
      !get_optional_string (object, "status", &status, error) ||
      !get_optional_string (object, "claimStatus", &claim, error) ||
      !get_optional_string (object, "managementSource", &management_source, error) ||
      !get_optional_string (object, "addedToOrg", &added, error) ||
      !get_optional_array (object, "productAccess", &products, error) ||
      !get_optional_array (object, "groups", &groups, error) ||
      !get_optional_array (object, "platformRoles", &roles, error))
    return NULL;

  self = g_object_new (ROSTER_TYPE_USER, NULL);
  self->account_id = g_strdup (account_id);
  self->name = g_strdup (name);
  /* An empty string is how some responses hide the address. */
  self->email = (email != NULL && email[0] != '\0') ? g_strdup (email) : NULL;
  self->nickname = g_strdup (nickname);
  self->account_status = g_strdup (account_status);
  self->membership_status = g_strdup (membership_status);
  self->management_source = g_strdup (management_source);
  self->account_type = account_type ? roster_account_type_from_string (account_type)
                                    : ROSTER_ACCOUNT_TYPE_UNKNOWN;
  self->status = status ? roster_status_from_string (status)
                        : status_from_parts (account_status, membership_status);
  self->claim = g_strcmp0 (claim, "managed") == 0 ? ROSTER_CLAIM_MANAGED : ROSTER_CLAIM_UNMANAGED;

  if (added != NULL && !_roster_parse_iso8601 (added, &self->added_to_org))
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                   "Malformed user: member “addedToOrg” is not an ISO 8601 date (“%s”)", added);
      return NULL;
    }

  if ((products != NULL && !parse_products (self, products, error)) ||
      (groups != NULL && !parse_groups (self, groups, error)) ||
      (roles != NULL && !parse_roles (self, roles, error)))
    return NULL;

  return g_steal_pointer (&self);
}

gboolean
roster_users_page_parse (JsonNode   *root,
                         GPtrArray  *users,
                         char      **out_next_cursor,
                         GError    **error)
{
  g_autoptr(GPtrArray) parsed = NULL;
  JsonObject *object;
  JsonNode *data, *links;
  const char *next = NULL;
  guint n;

  g_return_val_if_fail (users != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (out_next_cursor != NULL)
    *out_next_cursor = NULL;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                           "Malformed users page: not a JSON object");
      return FALSE;
    }
  object = json_node_get_object (root);

  data = json_object_get_member (object, "data");
  if (data == NULL || !JSON_NODE_HOLDS_ARRAY (data))
    {
      g_set_error_literal (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                           "Malformed users page: member “data” is missing or not an array");
      return FALSE;
    }

  links = _roster_json_get_member (object, "links");
  if (links != NULL)
    {
      if (!JSON_NODE_HOLDS_OBJECT (links))
        {
          g_set_error_literal (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                               "Malformed users page: member “links” is not an object");
          return FALSE;
        }
      if (!get_optional_string (json_node_get_object (links), "next", &next, error))
        {
          g_prefix_error (error, "links: ");
          return FALSE;
        }
    }

  n = json_array_get_length (json_node_get_array (data));
  parsed = g_ptr_array_new_full (n, g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (json_node_get_array (data), i);
      RosterUser *user = roster_user_new_from_json (element, error);

      if (user == NULL)
        {
          g_prefix_error (error, "data[%u]: ", i);
          return FALSE;
        }
      g_ptr_array_add (parsed, user);
    }

  for (guint i = 0; i < parsed->len; i++)
    g_ptr_array_add (users, g_object_ref (g_ptr_array_index (parsed, i)));

  if (out_next_cursor != NULL && next != NULL && next[0] != '\0')
    *out_next_cursor = g_strdup (next);

  return TRUE;
}

/* Direct page parser */

/* A strict, single-pass reader of the users search page that builds the users
 * straight from the bytes, without a JSON tree: at 100,000 users the tree costs
 * several times more than the transfer. It accepts exactly RFC 8259 JSON (UTF-8
 * checked, escapes and surrogate pairs decoded, numbers checked, nesting bounded)
 * and applies the same member checks as roster_user_new_from_json(). */

#define MAX_NESTING 128

typedef struct
{
  const char *start;
  const char *p;
  const char *end;
  GString    *scratch;   /* decoded strings that had escapes */
  int         depth;
} Lexer;

enum {
  CC_PLAIN,
  CC_QUOTE,
  CC_BACKSLASH,
  CC_CONTROL,
  CC_HIGH,
};

/* CC_PLAIN is 0: everything not listed is a plain byte inside a string. */
static const guint8 char_class[256] = {
  [0x00 ... 0x1f] = CC_CONTROL,
  ['"'] = CC_QUOTE,
  ['\\'] = CC_BACKSLASH,
  [0x80 ... 0xff] = CC_HIGH,
};

/* Whether eight bytes of a string hold nothing but plain bytes: no quote, no
 * backslash, no control character and no byte ≥ 0x80 (the classic
 * "has zero byte" bit tricks; exact for the question asked). */
#define BYTES_ONES  G_GUINT64_CONSTANT (0x0101010101010101)
#define BYTES_HIGHS G_GUINT64_CONSTANT (0x8080808080808080)

static inline gboolean
word_is_plain (guint64 v)
{
  guint64 quote = v ^ (BYTES_ONES * '"');
  guint64 backslash = v ^ (BYTES_ONES * '\\');
  guint64 special = ((quote - BYTES_ONES) & ~quote) |
                    ((backslash - BYTES_ONES) & ~backslash) |
                    ((v - BYTES_ONES * 0x20) & ~v) |
                    v;

  return (special & BYTES_HIGHS) == 0;
}

static gboolean
syntax_error (Lexer       *lx,
              GError     **error,
              const char  *what)
{
  if (lx->p >= lx->end)
    g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                 "Users page is not valid JSON: %s (the body ends early at byte %"
                 G_GSIZE_FORMAT ")", what, (gsize) (lx->end - lx->start));
  else
    g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                 "Users page is not valid JSON: %s at byte %" G_GSIZE_FORMAT,
                 what, (gsize) (lx->p - lx->start));
  return FALSE;
}

static inline void
lex_ws (Lexer *lx)
{
  while (lx->p < lx->end &&
         (*lx->p == ' ' || *lx->p == '\n' || *lx->p == '\r' || *lx->p == '\t'))
    lx->p++;
}

/* Consumes `c` after white space. */
static inline gboolean
lex_expect (Lexer  *lx,
            char    c)
{
  lex_ws (lx);
  if (lx->p < lx->end && *lx->p == c)
    {
      lx->p++;
      return TRUE;
    }
  return FALSE;
}

/* Checks one UTF-8 sequence starting at lx->p (a byte ≥ 0x80) and steps over it:
 * no overlong forms, no surrogates, nothing above U+10FFFF. */
static gboolean
lex_utf8 (Lexer *lx)
{
  const guchar *s = (const guchar *) lx->p;
  gsize avail = lx->end - lx->p;
  guint32 c;
  guint n;

  if (s[0] >= 0xc2 && s[0] <= 0xdf)
    n = 2, c = s[0] & 0x1f;
  else if (s[0] >= 0xe0 && s[0] <= 0xef)
    n = 3, c = s[0] & 0x0f;
  else if (s[0] >= 0xf0 && s[0] <= 0xf4)
    n = 4, c = s[0] & 0x07;
  else
    return FALSE;

  if (avail < n)
    return FALSE;

  for (guint i = 1; i < n; i++)
    {
      if ((s[i] & 0xc0) != 0x80)
        return FALSE;
      c = (c << 6) | (s[i] & 0x3f);
    }

  if ((n == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
      (n == 4 && (c < 0x10000 || c > 0x10ffff)))
    return FALSE;

  lx->p += n;
  return TRUE;
}

static int
hex4 (const char *s)
{
  int v = 0;

  for (int i = 0; i < 4; i++)
    {
      int d = g_ascii_xdigit_value (s[i]);

      if (d < 0)
        return -1;
      v = (v << 4) | d;
    }
  return v;
}

/* Reads a string (lx->p on the opening quote). Without escapes the result
 * points into the body (not NUL-terminated); with escapes into lx->scratch.
 * U+0000 is refused: the values end up in C strings. */
static gboolean
lex_string (Lexer       *lx,
            const char **out,
            gsize       *out_len,
            GError     **error)
{
  const char *begin;
  gboolean escaped = FALSE;

  g_assert (lx->p < lx->end && *lx->p == '"');

  begin = ++lx->p;
  for (;;)
    {
      guint8 cc = CC_PLAIN;

#ifdef __SSE2__
      /* Sixteen bytes at a time through the long plain runs (ids, dates, ARIs):
       * a quote, a backslash, or a byte below 0x20 or above 0x7f (both less
       * than 0x20 as signed bytes) stops the run. */
      while (lx->end - lx->p >= 16)
        {
          __m128i v = _mm_loadu_si128 ((const __m128i *) (gconstpointer) lx->p);
          __m128i special = _mm_or_si128 (_mm_or_si128 (_mm_cmpeq_epi8 (v, _mm_set1_epi8 ('"')),
                                                        _mm_cmpeq_epi8 (v, _mm_set1_epi8 ('\\'))),
                                          _mm_cmplt_epi8 (v, _mm_set1_epi8 (0x20)));
          int mask = _mm_movemask_epi8 (special);

          if (mask != 0)
            {
              lx->p += __builtin_ctz ((unsigned int) mask);
              break;
            }
          lx->p += 16;
        }
#endif
      /* Eight bytes at a time through the long plain runs (ids, dates, ARIs). */
      while (lx->end - lx->p >= 8)
        {
          guint64 v;

          memcpy (&v, lx->p, sizeof v);
          if (!word_is_plain (v))
            break;
          lx->p += 8;
        }
      while (lx->p < lx->end && (cc = char_class[(guchar) *lx->p]) == CC_PLAIN)
        lx->p++;

      if (lx->p >= lx->end)
        return syntax_error (lx, error, "unterminated string");

      if (cc == CC_QUOTE)
        break;

      if (cc == CC_HIGH)
        {
          if (!lex_utf8 (lx))
            return syntax_error (lx, error, "invalid UTF-8 in a string");
          continue;
        }

      if (cc == CC_CONTROL)
        return syntax_error (lx, error, "control character in a string");

      /* A backslash: copy what came before, then decode. */
      if (!escaped)
        {
          g_string_truncate (lx->scratch, 0);
          escaped = TRUE;
        }
      g_string_append_len (lx->scratch, begin, lx->p - begin);

      if (lx->end - lx->p < 2)
        {
          lx->p = lx->end;
          return syntax_error (lx, error, "unterminated escape");
        }

      switch (lx->p[1])
        {
        case '"': g_string_append_c (lx->scratch, '"'); lx->p += 2; break;
        case '\\': g_string_append_c (lx->scratch, '\\'); lx->p += 2; break;
        case '/': g_string_append_c (lx->scratch, '/'); lx->p += 2; break;
        case 'b': g_string_append_c (lx->scratch, '\b'); lx->p += 2; break;
        case 'f': g_string_append_c (lx->scratch, '\f'); lx->p += 2; break;
        case 'n': g_string_append_c (lx->scratch, '\n'); lx->p += 2; break;
        case 'r': g_string_append_c (lx->scratch, '\r'); lx->p += 2; break;
        case 't': g_string_append_c (lx->scratch, '\t'); lx->p += 2; break;
        case 'u':
          {
            int hi, lo;
            gunichar c;

            if (lx->end - lx->p < 6 || (hi = hex4 (lx->p + 2)) < 0)
              return syntax_error (lx, error, "bad \\u escape");
            lx->p += 6;
            c = hi;
            if (hi >= 0xd800 && hi <= 0xdbff)
              {
                if (lx->end - lx->p < 6 || lx->p[0] != '\\' || lx->p[1] != 'u' ||
                    (lo = hex4 (lx->p + 2)) < 0xdc00 || lo > 0xdfff)
                  return syntax_error (lx, error, "unpaired surrogate in a \\u escape");
                lx->p += 6;
                c = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
              }
            else if (hi >= 0xdc00 && hi <= 0xdfff)
              return syntax_error (lx, error, "unpaired surrogate in a \\u escape");
            else if (hi == 0)
              return syntax_error (lx, error, "\\u0000 in a string");
            g_string_append_unichar (lx->scratch, c);
          }
          break;
        default:
          lx->p++;
          return syntax_error (lx, error, "unknown escape");
        }
      begin = lx->p;
    }

  if (escaped)
    {
      g_string_append_len (lx->scratch, begin, lx->p - begin);
      *out = lx->scratch->str;
      *out_len = lx->scratch->len;
    }
  else
    {
      *out = begin;
      *out_len = lx->p - begin;
    }
  lx->p++; /* closing quote */
  return TRUE;
}

static gboolean
lex_number (Lexer   *lx,
            GError **error)
{
  const char *p = lx->p, *end = lx->end;

  if (p < end && *p == '-')
    p++;
  if (p >= end || !g_ascii_isdigit (*p))
    goto bad;
  if (*p == '0')
    p++;
  else
    while (p < end && g_ascii_isdigit (*p))
      p++;
  if (p < end && *p == '.')
    {
      p++;
      if (p >= end || !g_ascii_isdigit (*p))
        goto bad;
      while (p < end && g_ascii_isdigit (*p))
        p++;
    }
  if (p < end && (*p == 'e' || *p == 'E'))
    {
      p++;
      if (p < end && (*p == '+' || *p == '-'))
        p++;
      if (p >= end || !g_ascii_isdigit (*p))
        goto bad;
      while (p < end && g_ascii_isdigit (*p))
        p++;
    }
  /* A number runs into the next token only through a delimiter. */
  if (p < end && (g_ascii_isalnum (*p) || *p == '.' || *p == '-' || *p == '+' || *p == '"'))
    goto bad;
  lx->p = p;
  return TRUE;

bad:
  lx->p = p;
  return syntax_error (lx, error, "malformed number");
}

static gboolean
lex_literal (Lexer      *lx,
             const char *word,
             GError    **error)
{
  gsize n = strlen (word);

  if ((gsize) (lx->end - lx->p) < n || memcmp (lx->p, word, n) != 0)
    return syntax_error (lx, error, "unexpected character");
  lx->p += n;
  if (lx->p < lx->end && (g_ascii_isalnum (*lx->p) || *lx->p == '"'))
    return syntax_error (lx, error, "unexpected character");
  return TRUE;
}

static gboolean lex_skip_value (Lexer *lx, GError **error);

/* Steps to the next member of an object (lx->p just after '{' or after the
 * previous value). On success *out_key is the member name, with lx->p on its
 * value, or NULL at the closing brace. `first` tracks the commas. */
static gboolean
lex_next_member (Lexer       *lx,
                 gboolean    *first,
                 const char **out_key,
                 gsize       *out_len,
                 GError     **error)
{
  *out_key = NULL;
  *out_len = 0;
  lex_ws (lx);
  if (lx->p < lx->end && *lx->p == '}')
    {
      lx->p++;
      lx->depth--;
      return TRUE;
    }
  if (!*first)
    {
      if (lx->p >= lx->end || *lx->p != ',')
        return syntax_error (lx, error, "expected “,” or “}”");
      lx->p++;
      lex_ws (lx);
    }
  *first = FALSE;
  if (lx->p >= lx->end || *lx->p != '"')
    return syntax_error (lx, error, "expected a member name");
  if (!lex_string (lx, out_key, out_len, error))
    {
      *out_key = NULL;
      return FALSE;
    }
  if (!lex_expect (lx, ':'))
    {
      *out_key = NULL;
      return syntax_error (lx, error, "expected “:”");
    }
  lex_ws (lx);
  if (lx->p >= lx->end)
    {
      *out_key = NULL;
      return syntax_error (lx, error, "expected a value");
    }
  return TRUE;
}

/* Same for arrays (lx->p just after '['): on success either *out_done, or
 * lx->p is on the next element. */
static gboolean
lex_next_element (Lexer    *lx,
                  gboolean *first,
                  gboolean *out_done,
                  GError  **error)
{
  *out_done = FALSE;
  lex_ws (lx);
  if (*first && lx->p < lx->end && *lx->p == ']')
    {
      lx->p++;
      lx->depth--;
      *out_done = TRUE;
      return TRUE;
    }
  if (!*first)
    {
      if (lx->p < lx->end && *lx->p == ']')
        {
          lx->p++;
          lx->depth--;
          *out_done = TRUE;
          return TRUE;
        }
      if (lx->p >= lx->end || *lx->p != ',')
        return syntax_error (lx, error, "expected “,” or “]”");
      lx->p++;
      lex_ws (lx);
    }
  *first = FALSE;
  if (lx->p >= lx->end)
    return syntax_error (lx, error, "expected a value");
  return TRUE;
}

static gboolean
lex_open (Lexer   *lx,
          char     c,
          GError **error)
{
  g_assert (*lx->p == c);
  if (++lx->depth > MAX_NESTING)
    return syntax_error (lx, error, "nested too deeply");
  lx->p++;
  return TRUE;
}

static gboolean
lex_skip_value (Lexer   *lx,
                GError **error)
{
  lex_ws (lx);
  if (lx->p >= lx->end)
    return syntax_error (lx, error, "expected a value");

  switch (*lx->p)
    {
    case '"':
      {
        const char *s;
        gsize len;

        return lex_string (lx, &s, &len, error);
      }
    case '{':
      {
        gboolean first = TRUE;
        const char *key;
        gsize len;

        if (!lex_open (lx, '{', error))
          return FALSE;
        for (;;)
          {
            if (!lex_next_member (lx, &first, &key, &len, error))
              return FALSE;
            if (key == NULL)
              return TRUE;
            if (!lex_skip_value (lx, error))
              return FALSE;
          }
      }
    case '[':
      {
        gboolean first = TRUE, done = FALSE;

        if (!lex_open (lx, '[', error))
          return FALSE;
        for (;;)
          {
            if (!lex_next_element (lx, &first, &done, error))
              return FALSE;
            if (done)
              return TRUE;
            if (!lex_skip_value (lx, error))
              return FALSE;
          }
      }
    case 't':
      return lex_literal (lx, "true", error);
    case 'f':
      return lex_literal (lx, "false", error);
    case 'n':
      return lex_literal (lx, "null", error);
    default:
      return lex_number (lx, error);
    }
}

#define KEY_IS(key, len, lit) ((len) == sizeof (lit) - 1 && memcmp ((key), (lit), (len)) == 0)

/* An optional string member at lx->p: *out is the string (not NUL-terminated,
 * valid until the next read; see lex_string()) or NULL for null; anything
 * else is the same error as get_optional_string(). */
static gboolean
lex_optional_view (Lexer       *lx,
                   const char  *member,
                   const char **out,
                   gsize       *out_len,
                   GError     **error)
{
  *out = NULL;
  *out_len = 0;

  if (*lx->p == '"')
    return lex_string (lx, out, out_len, error);

  if (*lx->p == 'n')
    return lex_literal (lx, "null", error);

  return invalid_member (error, member, "a string");
}

/* The same, replacing *inout_value with a copy (or NULL). */
static gboolean
lex_optional_string (Lexer       *lx,
                     const char  *member,
                     char       **inout_value,
                     GError     **error)
{
  const char *s;
  gsize len;

  if (!lex_optional_view (lx, member, &s, &len, error))
    return FALSE;
  g_free (*inout_value);
  *inout_value = s != NULL ? g_strndup (s, len) : NULL;
  return TRUE;
}

/* Copies a string into the batch's chunk. With `recent`, an equal string
 * among the batch's recent resource ids is reused instead. */
static const char *
batch_insert (RosterUserBatch *batch,
              const char      *s,
              gsize            len,
              gboolean         recent)
{
  const char *copy;

  if (s == NULL)
    return NULL;
  if (!recent)
    return g_string_chunk_insert_len (batch->strings, s, len);

  for (guint i = 0; i < G_N_ELEMENTS (batch->recent_resources); i++)
    {
      const char *known = batch->recent_resources[i];

      if (known != NULL && strncmp (known, s, len) == 0 && known[len] == '\0')
        return known;
    }

  copy = g_string_chunk_insert_len (batch->strings, s, len);
  batch->recent_resources[batch->next_recent] = copy;
  batch->next_recent = (batch->next_recent + 1) % G_N_ELEMENTS (batch->recent_resources);
  return copy;
}

/* The same, the copy in the batch's chunk (see batch_insert()). */
static gboolean
lex_batch_string_full (Lexer            *lx,
                       RosterUserBatch  *batch,
                       const char       *member,
                       gboolean          recent,
                       const char      **inout_value,
                       GError          **error)
{
  const char *s;
  gsize len;

  if (!lex_optional_view (lx, member, &s, &len, error))
    return FALSE;
  *inout_value = batch_insert (batch, s, len, recent);
  return TRUE;
}

static gboolean
lex_batch_string (Lexer            *lx,
                  RosterUserBatch  *batch,
                  const char       *member,
                  const char      **inout_value,
                  GError          **error)
{
  return lex_batch_string_full (lx, batch, member, FALSE, inout_value, error);
}

/* An optional array member at lx->p: TRUE with *out_open when it is an array
 * (now opened), TRUE without for null. */
static gboolean
lex_optional_array (Lexer       *lx,
                    const char  *member,
                    gboolean    *out_open,
                    GError     **error)
{
  *out_open = FALSE;

  if (*lx->p == '[')
    {
      *out_open = TRUE;
      return lex_open (lx, '[', error);
    }

  if (*lx->p == 'n')
    return lex_literal (lx, "null", error);

  return invalid_member (error, member, "an array");
}

static gboolean
lex_products (Lexer            *lx,
              RosterUserBatch  *batch,
              RosterBatchUser  *user,
              GError          **error)
{
  gboolean first = TRUE, done, open;

  /* A repeated member: the last one counts. */
  user->first_product = batch->products->len;
  user->n_products = 0;
  user->last_active = 0;

  if (!lex_optional_array (lx, "productAccess", &open, error))
    return FALSE;

  for (guint i = 0; open; i++)
    {
      const char *timestamp = NULL;
      RosterBatchProduct product = { NULL, NULL, ROSTER_PRODUCT_OTHER, 0 };
      gboolean first_member = TRUE;

      if (!lex_next_element (lx, &first, &done, error))
        return FALSE;
      if (done)
        break;

      if (*lx->p != '{')
        return invalid_member (error, "productAccess[]", "an object");
      if (!lex_open (lx, '{', error))
        return FALSE;

      for (;;)
        {
          const char *name;
          gsize len;
          gboolean ok;

          if (!lex_next_member (lx, &first_member, &name, &len, error))
            return FALSE;
          if (name == NULL)
            break;

          if (KEY_IS (name, len, "key"))
            ok = lex_batch_string (lx, batch, "key", &product.key, error);
          else if (KEY_IS (name, len, "id"))
            ok = lex_batch_string_full (lx, batch, "id", TRUE, &product.resource_id, error);
          else if (KEY_IS (name, len, "lastActiveTimestamp"))
            ok = lex_batch_string (lx, batch, "lastActiveTimestamp", &timestamp, error);
          else
            ok = lex_skip_value (lx, error);

          if (!ok)
            {
              g_prefix_error (error, "productAccess[%u]: ", i);
              return FALSE;
            }
        }

      if (timestamp != NULL && timestamp[0] != '\0')
        {
          if (!_roster_parse_iso8601 (timestamp, &product.last_active))
            {
              g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                           "Malformed user: productAccess[%u] member “lastActiveTimestamp” "
                           "is not an ISO 8601 date (“%s”)", i, timestamp);
              return FALSE;
            }
          product.last_active = MAX (product.last_active, 1);
        }

      product.product = roster_product_from_string (product.key);
      g_array_append_val (batch->products, product);
      user->n_products++;
      user->last_active = MAX (user->last_active, product.last_active);
    }

  return TRUE;
}

static gboolean
lex_groups (Lexer            *lx,
            RosterUserBatch  *batch,
            RosterBatchUser  *user,
            GError          **error)
{
  gboolean first = TRUE, done, open;

  user->first_group = batch->groups->len;
  user->n_groups = 0;

  if (!lex_optional_array (lx, "groups", &open, error))
    return FALSE;

  for (guint i = 0; open; i++)
    {
      const char *id = NULL, *name = NULL;
      RosterGroupRef ref;
      gboolean first_member = TRUE;

      if (!lex_next_element (lx, &first, &done, error))
        return FALSE;
      if (done)
        break;

      if (*lx->p != '{')
        return invalid_member (error, "groups[]", "an object");
      if (!lex_open (lx, '{', error))
        return FALSE;

      for (;;)
        {
          const char *member;
          gsize len;
          gboolean ok;

          if (!lex_next_member (lx, &first_member, &member, &len, error))
            return FALSE;
          if (member == NULL)
            break;

          if (KEY_IS (member, len, "id"))
            ok = lex_batch_string (lx, batch, "id", &id, error);
          else if (KEY_IS (member, len, "name"))
            ok = lex_batch_string (lx, batch, "name", &name, error);
          else
            ok = lex_skip_value (lx, error);

          if (!ok)
            {
              g_prefix_error (error, "groups[%u]: ", i);
              return FALSE;
            }
        }

      if (id != NULL && g_str_has_prefix (id, GROUP_ARI_PREFIX))
        id += strlen (GROUP_ARI_PREFIX);
      ref.id = (char *) id;
      ref.name = (char *) name;
      g_array_append_val (batch->groups, ref);
      user->n_groups++;
    }

  return TRUE;
}

static gboolean
lex_roles (Lexer            *lx,
           RosterUserBatch  *batch,
           RosterBatchUser  *user,
           GError          **error)
{
  gboolean first = TRUE, done, open;

  user->first_role = batch->roles->len;
  user->n_roles = 0;
  user->org_admin = FALSE;

  if (!lex_optional_array (lx, "platformRoles", &open, error))
    return FALSE;

  while (open)
    {
      const char *role = NULL;

      if (!lex_next_element (lx, &first, &done, error))
        return FALSE;
      if (done)
        break;

      if (*lx->p != '"')
        return invalid_member (error, "platformRoles[]", "a string");
      if (!lex_batch_string (lx, batch, "platformRoles[]", &role, error))
        return FALSE;

      g_ptr_array_add (batch->roles, (gpointer) role);
      user->n_roles++;
      if (is_org_admin_role (role))
        user->org_admin = TRUE;
    }

  return TRUE;
}

static gboolean
lex_user (Lexer            *lx,
          RosterUserBatch  *batch,
          GError          **error)
{
  RosterBatchUser user = { 0 };
  const char *email = NULL, *account_type = NULL, *status = NULL;
  const char *claim = NULL, *added = NULL;
  gboolean first = TRUE;

  if (*lx->p != '{')
    {
      /* Keep the JSON error first, as the tree parser does. */
      if (!lex_skip_value (lx, error))
        return FALSE;
      g_set_error_literal (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                           "Malformed user: not a JSON object");
      return FALSE;
    }
  if (!lex_open (lx, '{', error))
    return FALSE;

  user.first_product = batch->products->len;
  user.first_group = batch->groups->len;
  user.first_role = batch->roles->len;

  for (;;)
    {
      const char *key;
      gsize len;
      gboolean ok;

      if (!lex_next_member (lx, &first, &key, &len, error))
        return FALSE;
      if (key == NULL)
        break;

      /* Dispatch on the name before reading the value: both may use the scratch. */
      switch (len)
        {
        case 4:
          if (memcmp (key, "name", 4) == 0)
            ok = lex_batch_string (lx, batch, "name", &user.name, error);
          else
            ok = lex_skip_value (lx, error);
          break;
        case 5:
          if (memcmp (key, "email", 5) == 0)
            ok = lex_batch_string (lx, batch, "email", &email, error);
          else
            ok = lex_skip_value (lx, error);
          break;
        case 6:
          if (memcmp (key, "status", 6) == 0)
            ok = lex_batch_string (lx, batch, "status", &status, error);
          else if (memcmp (key, "groups", 6) == 0)
            ok = lex_groups (lx, batch, &user, error);
          else
            ok = lex_skip_value (lx, error);
          break;
        case 8:
          if (memcmp (key, "nickname", 8) == 0)
            ok = lex_batch_string (lx, batch, "nickname", &user.nickname, error);
          else
            ok = lex_skip_value (lx, error);
          break;
        case 9:
          if (memcmp (key, "accountId", 9) == 0)
            ok = lex_batch_string (lx, batch, "accountId", &user.account_id, error);
          else
            ok = lex_skip_value (lx, error);
          break;
        case 10:
          if (memcmp (key, "addedToOrg", 10) == 0)
            ok = lex_batch_string (lx, batch, "addedToOrg", &added, error);
          else
            ok = lex_skip_value (lx, error);
          break;
        case 11:
          if (memcmp (key, "accountType", 11) == 0)
            ok = lex_batch_string (lx, batch, "accountType", &account_type, error);
          else if (memcmp (key, "claimStatus", 11) == 0)
            ok = lex_batch_string (lx, batch, "claimStatus", &claim, error);
          else
            ok = lex_skip_value (lx, error);
          break;
        case 13:
          if (memcmp (key, "accountStatus", 13) == 0)
            ok = lex_batch_string (lx, batch, "accountStatus", &user.account_status, error);
          else if (memcmp (key, "productAccess", 13) == 0)
            ok = lex_products (lx, batch, &user, error);
          else if (memcmp (key, "platformRoles", 13) == 0)
            ok = lex_roles (lx, batch, &user, error);
          else
            ok = lex_skip_value (lx, error);
          break;
        case 16:
          if (memcmp (key, "membershipStatus", 16) == 0)
            ok = lex_batch_string (lx, batch, "membershipStatus", &user.membership_status, error);
          else if (memcmp (key, "managementSource", 16) == 0)
            ok = lex_batch_string (lx, batch, "managementSource", &user.management_source, error);
          else
            ok = lex_skip_value (lx, error);
          break;
        default:
          ok = lex_skip_value (lx, error);
          break;
        }

      if (!ok)
        return FALSE;
    }

  if (user.account_id == NULL || user.account_id[0] == '\0')
    {
      g_set_error_literal (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                           "Malformed user: member “accountId” is missing");
      return FALSE;
    }

  /* An empty string is how some responses hide the address. */
  if (email != NULL && email[0] != '\0')
    user.email = email;
  user.account_type = account_type ? roster_account_type_from_string (account_type)
                                   : ROSTER_ACCOUNT_TYPE_UNKNOWN;
  user.status = status ? roster_status_from_string (status)
                       : status_from_parts (user.account_status, user.membership_status);
  user.claim = g_strcmp0 (claim, "managed") == 0 ? ROSTER_CLAIM_MANAGED : ROSTER_CLAIM_UNMANAGED;

  if (added != NULL && !_roster_parse_iso8601 (added, &user.added_to_org))
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                   "Malformed user: member “addedToOrg” is not an ISO 8601 date (“%s”)", added);
      return FALSE;
    }

  user.billable = is_billable (user.status, user.account_type, user.n_products);
  g_array_append_val (batch->users, user);
  return TRUE;
}

/* The lengths of a batch's arrays, to take a failed or repeated page back. */
typedef struct
{
  guint users;
  guint products;
  guint groups;
  guint roles;
} BatchMark;

static void
batch_mark (RosterUserBatch *batch,
            BatchMark       *mark)
{
  mark->users = batch->users->len;
  mark->products = batch->products->len;
  mark->groups = batch->groups->len;
  mark->roles = batch->roles->len;
}

static void
batch_rewind (RosterUserBatch *batch,
              const BatchMark *mark)
{
  g_array_set_size (batch->users, mark->users);
  g_array_set_size (batch->products, mark->products);
  g_array_set_size (batch->groups, mark->groups);
  g_ptr_array_set_size (batch->roles, mark->roles);
}

static gboolean
lex_page (Lexer            *lx,
          RosterUserBatch  *batch,
          char            **out_next,
          GError          **error)
{
  gboolean first = TRUE, have_data = FALSE;
  BatchMark mark;

  batch_mark (batch, &mark);

  lex_ws (lx);
  if (lx->p >= lx->end)
    return syntax_error (lx, error, "empty body");

  if (*lx->p != '{')
    {
      if (!lex_skip_value (lx, error))
        return FALSE;
      lex_ws (lx);
      if (lx->p < lx->end)
        return syntax_error (lx, error, "data after the value");
      g_set_error_literal (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                           "Malformed users page: not a JSON object");
      return FALSE;
    }
  if (!lex_open (lx, '{', error))
    return FALSE;

  for (;;)
    {
      const char *key;
      gsize len;

      if (!lex_next_member (lx, &first, &key, &len, error))
        return FALSE;
      if (key == NULL)
        break;

      if (KEY_IS (key, len, "data"))
        {
          gboolean first_element = TRUE, done;

          if (*lx->p != '[')
            {
              if (!lex_skip_value (lx, error))
                return FALSE;
              g_set_error_literal (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                                   "Malformed users page: member “data” is missing or not an array");
              return FALSE;
            }
          if (!lex_open (lx, '[', error))
            return FALSE;

          have_data = TRUE;
          batch_rewind (batch, &mark);
          for (guint i = 0;; i++)
            {
              if (!lex_next_element (lx, &first_element, &done, error))
                return FALSE;
              if (done)
                break;
              if (!lex_user (lx, batch, error))
                {
                  g_prefix_error (error, "data[%u]: ", i);
                  return FALSE;
                }
            }
        }
      else if (KEY_IS (key, len, "links"))
        {
          gboolean first_member = TRUE;

          g_clear_pointer (out_next, g_free);
          if (*lx->p == 'n')
            {
              if (!lex_literal (lx, "null", error))
                return FALSE;
              continue;
            }
          if (*lx->p != '{')
            {
              if (!lex_skip_value (lx, error))
                return FALSE;
              g_set_error_literal (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                                   "Malformed users page: member “links” is not an object");
              return FALSE;
            }
          if (!lex_open (lx, '{', error))
            return FALSE;
          for (;;)
            {
              const char *member;
              gsize member_len;

              if (!lex_next_member (lx, &first_member, &member, &member_len, error))
                return FALSE;
              if (member == NULL)
                break;
              if (KEY_IS (member, member_len, "next"))
                {
                  if (!lex_optional_string (lx, "next", out_next, error))
                    {
                      g_prefix_error (error, "links: ");
                      return FALSE;
                    }
                }
              else if (!lex_skip_value (lx, error))
                return FALSE;
            }
        }
      else if (!lex_skip_value (lx, error))
        {
          return FALSE;
        }
    }

  lex_ws (lx);
  if (lx->p < lx->end)
    return syntax_error (lx, error, "data after the value");

  if (!have_data)
    {
      g_set_error_literal (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                           "Malformed users page: member “data” is missing or not an array");
      return FALSE;
    }

  return TRUE;
}

gboolean
roster_users_page_parse_batch (const char       *data,
                               gsize             length,
                               RosterUserBatch  *batch,
                               char            **out_next_cursor,
                               GError          **error)
{
  g_autofree char *next = NULL;
  BatchMark mark;
  Lexer lx;
  gboolean ok;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (batch != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (out_next_cursor != NULL)
    *out_next_cursor = NULL;

  lx.start = lx.p = data != NULL ? data : "";
  lx.end = lx.start + length;
  lx.scratch = g_string_sized_new (128);
  lx.depth = 0;

  batch_mark (batch, &mark);
  ok = lex_page (&lx, batch, &next, error);
  g_string_free (lx.scratch, TRUE);

  if (!ok)
    {
      batch_rewind (batch, &mark);
      return FALSE;
    }

  if (out_next_cursor != NULL && next != NULL && next[0] != '\0')
    *out_next_cursor = g_steal_pointer (&next);

  return TRUE;
}

gboolean
roster_users_page_parse_bytes (const char  *data,
                               gsize        length,
                               GPtrArray   *users,
                               char       **out_next_cursor,
                               GError     **error)
{
  g_autoptr(RosterUserBatch) batch = NULL;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (users != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  batch = roster_user_batch_new ();
  if (!roster_users_page_parse_batch (data, length, batch, out_next_cursor, error))
    return FALSE;

  for (guint i = 0; i < batch->users->len; i++)
    g_ptr_array_add (users, roster_user_batch_dup_user (batch, i));

  return TRUE;
}

/* Batches */

RosterUserBatch *
roster_user_batch_new (void)
{
  RosterUserBatch *self = g_atomic_rc_box_new0 (RosterUserBatch);

  /* A page of 100 users holds some 20 KB of strings; the arrays grow as needed. */
  self->strings = g_string_chunk_new (16 * 1024);
  self->users = g_array_new (FALSE, FALSE, sizeof (RosterBatchUser));
  self->products = g_array_new (FALSE, FALSE, sizeof (RosterBatchProduct));
  self->groups = g_array_new (FALSE, FALSE, sizeof (RosterGroupRef));
  self->roles = g_ptr_array_new ();
  return self;
}

RosterUserBatch *
roster_user_batch_ref (RosterUserBatch *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_atomic_rc_box_acquire (self);
}

static void
batch_clear (gpointer data)
{
  RosterUserBatch *self = data;

  g_string_chunk_free (self->strings);
  g_array_unref (self->users);
  g_array_unref (self->products);
  g_array_unref (self->groups);
  g_ptr_array_unref (self->roles);
}

void
roster_user_batch_unref (RosterUserBatch *self)
{
  g_return_if_fail (self != NULL);
  g_atomic_rc_box_release_full (self, batch_clear);
}

static const char *
batch_intern (RosterUserBatch *self,
              const char      *s)
{
  return s != NULL ? g_string_chunk_insert (self->strings, s) : NULL;
}

void
roster_user_batch_add_user (RosterUserBatch *self,
                            RosterUser      *user)
{
  RosterBatchUser record = { 0 };

  g_return_if_fail (self != NULL);
  g_return_if_fail (ROSTER_IS_USER (user));

  record.account_id = batch_intern (self, user->account_id);
  record.name = batch_intern (self, user->name);
  record.email = batch_intern (self, user->email);
  record.nickname = batch_intern (self, user->nickname);
  record.account_status = batch_intern (self, user->account_status);
  record.membership_status = batch_intern (self, user->membership_status);
  record.management_source = batch_intern (self, user->management_source);
  record.added_to_org = user->added_to_org;
  record.last_active = user->last_active;
  record.account_type = user->account_type;
  record.status = user->status;
  record.claim = user->claim;
  record.org_admin = user->org_admin;
  record.billable = roster_user_is_billable (user);

  record.first_product = self->products->len;
  record.n_products = user->products->len;
  for (guint i = 0; i < user->products->len; i++)
    {
      const RosterProductAccess *access = g_ptr_array_index (user->products, i);
      RosterBatchProduct product;

      product.key = batch_intern (self, access->key);
      product.resource_id = batch_intern (self, access->resource_id);
      product.product = access->product;
      product.last_active = access->last_active;
      g_array_append_val (self->products, product);
    }

  record.first_group = self->groups->len;
  record.n_groups = user->groups->len;
  for (guint i = 0; i < user->groups->len; i++)
    {
      const RosterGroupRef *ref = g_ptr_array_index (user->groups, i);
      RosterGroupRef copy;

      copy.id = (char *) batch_intern (self, ref->id);
      copy.name = (char *) batch_intern (self, ref->name);
      g_array_append_val (self->groups, copy);
    }

  record.first_role = self->roles->len;
  for (guint i = 0; i + 1 < user->platform_roles->len; i++)
    {
      g_ptr_array_add (self->roles,
                       (gpointer) batch_intern (self, g_ptr_array_index (user->platform_roles, i)));
      record.n_roles++;
    }

  g_array_append_val (self->users, record);
}

RosterUser *
roster_user_batch_dup_user (RosterUserBatch *self,
                            guint            i)
{
  const RosterBatchUser *record;
  const RosterBatchProduct *products;
  const RosterGroupRef *groups;
  const char * const *roles;
  RosterUser *user;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (i < self->users->len, NULL);

  record = roster_user_batch_get_user (self, i);
  user = g_object_new (ROSTER_TYPE_USER, NULL);
  user->account_id = g_strdup (record->account_id);
  user->name = g_strdup (record->name);
  user->email = g_strdup (record->email);
  user->nickname = g_strdup (record->nickname);
  user->account_status = g_strdup (record->account_status);
  user->membership_status = g_strdup (record->membership_status);
  user->management_source = g_strdup (record->management_source);
  user->added_to_org = record->added_to_org;
  user->account_type = record->account_type;
  user->status = record->status;
  user->claim = record->claim;

  products = roster_user_batch_get_products (self, record);
  for (guint p = 0; p < record->n_products; p++)
    roster_user_add_product (user, products[p].key, products[p].resource_id,
                             products[p].last_active);

  /* The ids are already bare: copied as they are. */
  groups = roster_user_batch_get_groups (self, record);
  for (guint g = 0; g < record->n_groups; g++)
    {
      RosterGroupRef *ref = g_new0 (RosterGroupRef, 1);

      ref->id = g_strdup (groups[g].id);
      ref->name = g_strdup (groups[g].name);
      g_ptr_array_add (user->groups, ref);
    }

  roles = roster_user_batch_get_roles (self, record);
  for (guint r = 0; r < record->n_roles; r++)
    roster_user_add_platform_role (user, roles[r]);

  return user;
}

/* Building */

RosterUser *
roster_user_new (const char        *account_id,
                 const char        *name,
                 const char        *email,
                 RosterAccountType  account_type,
                 RosterStatus       status,
                 RosterClaim        claim)
{
  RosterUser *self;

  g_return_val_if_fail (account_id != NULL, NULL);

  self = g_object_new (ROSTER_TYPE_USER, NULL);
  self->account_id = g_strdup (account_id);
  self->name = g_strdup (name);
  self->email = (email != NULL && email[0] != '\0') ? g_strdup (email) : NULL;
  self->account_type = account_type;
  self->status = status;
  self->claim = claim;

  return self;
}

void
roster_user_add_product (RosterUser *self,
                         const char *key,
                         const char *resource_id,
                         gint64      last_active)
{
  RosterProductAccess *access;

  g_return_if_fail (ROSTER_IS_USER (self));

  access = g_new0 (RosterProductAccess, 1);
  access->key = g_strdup (key);
  access->resource_id = g_strdup (resource_id);
  access->product = roster_product_from_string (key);
  access->last_active = MAX (last_active, 0);
  g_ptr_array_add (self->products, access);

  self->last_active = MAX (self->last_active, access->last_active);
}

void
roster_user_add_group (RosterUser *self,
                       const char *id,
                       const char *name)
{
  RosterGroupRef *ref;

  g_return_if_fail (ROSTER_IS_USER (self));

  if (id != NULL && g_str_has_prefix (id, GROUP_ARI_PREFIX))
    id += strlen (GROUP_ARI_PREFIX);

  ref = g_new0 (RosterGroupRef, 1);
  ref->id = g_strdup (id);
  ref->name = g_strdup (name);
  g_ptr_array_add (self->groups, ref);
}

void
roster_user_add_platform_role (RosterUser *self,
                               const char *role)
{
  g_return_if_fail (ROSTER_IS_USER (self));
  g_return_if_fail (role != NULL);

  /* Keep the array NULL-terminated so it can be returned as a strv. */
  g_ptr_array_index (self->platform_roles, self->platform_roles->len - 1) = g_strdup (role);
  g_ptr_array_add (self->platform_roles, NULL);

  if (is_org_admin_role (role))
    self->org_admin = TRUE;
}

/* Getters */

const char *
roster_user_get_account_id (RosterUser *self)
{
  g_return_val_if_fail (ROSTER_IS_USER (self), NULL);
  return self->account_id;
}

const char *
roster_user_get_name (RosterUser *self)
{
  g_return_val_if_fail (ROSTER_IS_USER (self), NULL);
  return self->name;
}

const char *
roster_user_get_email (RosterUser *self)
{
  g_return_val_if_fail (ROSTER_IS_USER (self), NULL);
  return self->email;
}

const char *
roster_user_get_nickname (RosterUser *self)
{
  g_return_val_if_fail (ROSTER_IS_USER (self), NULL);
  return self->nickname;
}

RosterAccountType
roster_user_get_account_type (RosterUser *self)
{
  g_return_val_if_fail (ROSTER_IS_USER (self), ROSTER_ACCOUNT_TYPE_UNKNOWN);
  return self->account_type;
}

RosterStatus
roster_user_get_status (RosterUser *self)
{
  g_return_val_if_fail (ROSTER_IS_USER (self), ROSTER_STATUS_UNKNOWN);
  return self->status;
}

const char *
roster_user_get_account_status (RosterUser *self)
{
  g_return_val_if_fail (ROSTER_IS_USER (self), NULL);
  return self->account_status;
}

const char *
roster_user_get_membership_status (RosterUser *self)
{
  g_return_val_if_fail (ROSTER_IS_USER (self), NULL);
  return self->membership_status;
}

RosterClaim
roster_user_get_claim (RosterUser *self)
{
  g_return_val_if_fail (ROSTER_IS_USER (self), ROSTER_CLAIM_UNMANAGED);
  return self->claim;
}

const char *
roster_user_get_management_source (RosterUser *self)
{
  g_return_val_if_fail (ROSTER_IS_USER (self), NULL);
  return self->management_source;
}

gint64
roster_user_get_added_to_org (RosterUser *self)
{
  g_return_val_if_fail (ROSTER_IS_USER (self), 0);
  return self->added_to_org;
}

const char * const *
roster_user_get_platform_roles (RosterUser *self)
{
  g_return_val_if_fail (ROSTER_IS_USER (self), NULL);
  return (const char * const *) self->platform_roles->pdata;
}

gboolean
roster_user_is_org_admin (RosterUser *self)
{
  g_return_val_if_fail (ROSTER_IS_USER (self), FALSE);
  return self->org_admin;
}

gboolean
roster_user_is_billable (RosterUser *self)
{
  g_return_val_if_fail (ROSTER_IS_USER (self), FALSE);

  return is_billable (self->status, self->account_type, self->products->len);
}

GPtrArray *
roster_user_get_products (RosterUser *self)
{
  g_return_val_if_fail (ROSTER_IS_USER (self), NULL);
  return self->products;
}

GPtrArray *
roster_user_get_groups (RosterUser *self)
{
  g_return_val_if_fail (ROSTER_IS_USER (self), NULL);
  return self->groups;
}

gint64
roster_user_get_last_active (RosterUser *self)
{
  g_return_val_if_fail (ROSTER_IS_USER (self), 0);
  return self->last_active;
}

gboolean
roster_user_has_product (RosterUser    *self,
                         RosterProduct  product)
{
  g_return_val_if_fail (ROSTER_IS_USER (self), FALSE);

  for (guint i = 0; i < self->products->len; i++)
    {
      const RosterProductAccess *access = g_ptr_array_index (self->products, i);

      if (access->product == product)
        return TRUE;
    }

  return FALSE;
}

static void
add_timestamp_member (JsonBuilder *builder,
                      const char  *member,
                      gint64       unix_seconds)
{
  g_autofree char *iso = NULL;

  json_builder_set_member_name (builder, member);
  if (unix_seconds > 0 && (iso = format_iso8601 (unix_seconds)) != NULL)
    json_builder_add_string_value (builder, iso);
  else
    json_builder_add_null_value (builder);
}

void
roster_user_to_json (RosterUser  *self,
                     JsonBuilder *builder,
                     gint64       now_unix,
                     guint        warning_days,
                     guint        overdue_days)
{
  RosterThresholds thresholds = { warning_days, overdue_days };
  int days;

  g_return_if_fail (ROSTER_IS_USER (self));
  g_return_if_fail (JSON_IS_BUILDER (builder));

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "account_id");
  json_builder_add_string_value (builder, self->account_id);

  json_builder_set_member_name (builder, "name");
  if (self->name != NULL)
    json_builder_add_string_value (builder, self->name);
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "email");
  if (self->email != NULL)
    json_builder_add_string_value (builder, self->email);
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "account_type");
  json_builder_add_string_value (builder, roster_account_type_to_string (self->account_type));
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, roster_status_to_string (self->status));
  json_builder_set_member_name (builder, "claim");
  json_builder_add_string_value (builder, roster_claim_to_string (self->claim));

  json_builder_set_member_name (builder, "products");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->products->len; i++)
    {
      const RosterProductAccess *access = g_ptr_array_index (self->products, i);
      const char *nick = roster_product_to_string (access->product);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "key");
      if (access->key != NULL)
        json_builder_add_string_value (builder, access->key);
      else
        json_builder_add_null_value (builder);
      /* The short product nick of the query syntax (jira, jsm, confluence), or null. */
      json_builder_set_member_name (builder, "product");
      if (nick != NULL)
        json_builder_add_string_value (builder, nick);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "resource_id");
      if (access->resource_id != NULL)
        json_builder_add_string_value (builder, access->resource_id);
      else
        json_builder_add_null_value (builder);
      add_timestamp_member (builder, "last_active", access->last_active);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  add_timestamp_member (builder, "last_active", self->last_active);

  days = roster_inactivity_days (self->last_active, now_unix);
  json_builder_set_member_name (builder, "days_inactive");
  if (days >= 0)
    json_builder_add_int_value (builder, days);
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "inactivity");
  json_builder_add_string_value (builder,
                                 roster_inactivity_to_string (
                                   roster_inactivity_classify (&thresholds, self->last_active,
                                                               now_unix)));

  json_builder_end_object (builder);
}
