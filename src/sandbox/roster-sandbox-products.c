/* roster-sandbox-products.c
 *
 * The product sites of the sandbox on the same server as the Admin API:
 * Jira platform (/rest/api/3), Jira Service Management (/rest/servicedeskapi)
 * and Confluence (/wiki/api/v2, /wiki/rest/api), with Basic auth, the real
 * envelopes, paging schemes and error bodies. The gateway forms
 * /ex/jira/{cloudId}/… and /ex/confluence/{cloudId}/… are accepted as well.
 *
 * The data is generated from the seed, consistently with the organization:
 * service desks with portal customers (overlapping across desks, some only
 * reachable through organizations, some with private emails), customer
 * organizations, and Confluence spaces granted to the org's groups and users.
 */
#define G_LOG_DOMAIN "roster-sandbox"

#include "config.h"

#include <string.h>

#include "roster-sandbox-private.h"

#define JSM_MAX_LIMIT       50
#define JIRA_USERS_MAX      1000
#define JIRA_MEMBERS_MAX    50
#define CF2_MAX_LIMIT       250
#define CF1_MAX_LIMIT       200

typedef struct
{
  const char *account_id;
  const char *name;
  const char *email;       /* (nullable) private */
  const char *time_zone;
  gboolean    active;
} SbCustomer;

typedef struct
{
  char     *id;
  char     *key;
  char     *name;
  guint     project_id;
  gboolean  readable;
  GArray   *direct;        /* guint customer indices */
  GArray   *orgs;          /* guint organization indices */
} SbDesk;

typedef struct
{
  char   *id;
  char   *uuid;
  char   *name;
  GArray *members;         /* guint customer indices */
} SbCustOrg;

enum
{
  GRANT_USER,
  GRANT_GROUP,
  GRANT_ROLE,
};

typedef struct
{
  guint8      kind;
  guint       index;       /* user or group index */
  const char *operation;
  const char *target;
} SbGrant;

typedef struct
{
  char       *id;
  char       *key;
  char       *name;
  const char *type;
  GArray     *grants;      /* SbGrant */
} SbSpace;

struct _SbProducts
{
  GStringChunk *strings;
  GArray       *customers;  /* SbCustomer */
  GPtrArray    *desks;      /* SbDesk */
  GPtrArray    *orgs;       /* SbCustOrg */
  GPtrArray    *spaces;     /* SbSpace */
  int           myself;     /* index of the token's user in the org */
};

/* Generation */

static const char *customer_first[] = {
  "Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Avery", "Jamie", "Quinn",
  "Chloé", "Mateo", "Søren", "Aiko", "Nikolai", "Fatima", "Priya", "Oluwaseun", "Ingrid", "Zoë",
};
static const char *customer_first_ascii[] = {
  "alex", "sam", "jordan", "taylor", "morgan", "casey", "riley", "avery", "jamie", "quinn",
  "chloe", "mateo", "soren", "aiko", "nikolai", "fatima", "priya", "oluwaseun", "ingrid", "zoe",
};
static const char *customer_last[] = {
  "Fischer", "Okafor", "Nakamura", "Silva", "Novak", "Haddad", "Lindqvist", "Moreau", "Kowalski",
  "Brennan", "Østergaard", "Núñez", "Petrenko", "Adeyemi", "Takahashi", "Rossi",
};
static const char *customer_last_ascii[] = {
  "fischer", "okafor", "nakamura", "silva", "novak", "haddad", "lindqvist", "moreau", "kowalski",
  "brennan", "ostergaard", "nunez", "petrenko", "adeyemi", "takahashi", "rossi",
};
static const char *customer_domains[] = {
  "globex.example", "initech.example", "umbrella.example", "gmail.example", "hooli.example",
  "wayne.example", "stark.example",
};
static const char *customer_zones[] = {
  "Europe/Paris", "America/Chicago", "Asia/Tokyo", "Australia/Sydney", "Africa/Lagos", "UTC",
};

static const struct { const char *key; const char *name; } desk_specs[] = {
  { "HELP", "Help Center" }, { "IT", "IT Service Desk" }, { "HR", "People Services" },
  { "FAC", "Facilities" }, { "CS", "Customer Support" }, { "BILL", "Billing" },
  { "SEC", "Security Requests" }, { "OPS", "Operations" }, { "FIN", "Finance Desk" },
  { "MKT", "Marketing Requests" }, { "SALES", "Sales Desk" }, { "DEV", "Developer Support" },
  { "PAY", "Payroll" }, { "SHIP", "Shipping" }, { "HW", "Hardware" }, { "NET", "Network" },
  { "DATA", "Data Requests" }, { "APP", "App Support" }, { "WEB", "Website" },
  { "EDU", "Training" },
};

static const char *org_words_a[] = {
  "Atlas", "Blue", "Northern", "Silver", "Harbor", "Summit", "Pioneer", "Crescent", "Maple",
  "Cedar", "Orbit", "Granite", "Café", "Zenith", "Lumière",
};
static const char *org_words_b[] = {
  "Coffee Co", "Logistics", "Health", "Robotics", "Foods", "Analytics", "Bank", "Studios",
  "Energy", "Labs", "Outfitters",
};

static const struct { const char *key; const char *name; const char *group; } space_specs[] = {
  { "ENG", "Engineering", "engineering" },
  { "SALES", "Sales Playbook", "sales" },
  { "SUP", "Support Knowledge Base", "support" },
  { "FIN", "Finance", "finance" },
  { "MKT", "Marketing", "marketing" },
  { "PEOPLE", "People Team", "people" },
  { "ALL", "Company Home", "confluence-users" },
  { "KB", "Knowledge Base", "confluence-users" },
  { "OKTA", "Staff Handbook", "okta-all-staff" },
  { "ADMIN", "Confluence Admins", "confluence-administrators" },
  { "ARCH", "Architecture", NULL },
  { "BOARD", "Board Room", NULL },
  { "LAUNCH", "Launch 2026", NULL },
  { "DESIGN", "Design System", NULL },
  { "LEGAL", "Legal", NULL },
  { "OPS", "Operations Runbooks", "engineering" },
  { "SEC", "Security", NULL },
  { "DATA", "Data Platform", "engineering" },
  { "TRAIN", "Training", "confluence-users" },
  { "EVENTS", "Events", "marketing" },
};

static guint
add_customer_org (SbProducts *p,
                  GRand      *rand,
                  guint       n)
{
  SbCustOrg *org = g_new0 (SbCustOrg, 1);
  guint a = n % G_N_ELEMENTS (org_words_a);
  guint b = (n / G_N_ELEMENTS (org_words_a) + n) % G_N_ELEMENTS (org_words_b);
  guint round = n / (G_N_ELEMENTS (org_words_a) * G_N_ELEMENTS (org_words_b));
  guint32 w[4];

  for (guint i = 0; i < 4; i++)
    w[i] = g_rand_int (rand);
  org->id = g_strdup_printf ("%u", n + 1);
  org->uuid = g_strdup_printf ("%08x-%04x-4%03x-%04x-%04x%08x", w[0], w[1] >> 16, w[1] & 0xfff,
                               0x8000 | (w[2] & 0x3fff), w[2] >> 16, w[3]);
  if (round == 0)
    org->name = g_strdup_printf ("%s %s", org_words_a[a], org_words_b[b]);
  else
    org->name = g_strdup_printf ("%s %s %u", org_words_a[a], org_words_b[b], round + 1);
  org->members = g_array_new (FALSE, FALSE, sizeof (guint));
  g_ptr_array_add (p->orgs, org);
  return p->orgs->len - 1;
}

static void
array_add_unique (GArray *array,
                  guint   value)
{
  for (guint i = 0; i < array->len; i++)
    if (g_array_index (array, guint, i) == value)
      return;
  g_array_append_val (array, value);
}

static int
find_group (SbOrg      *org,
            const char *name)
{
  for (guint i = 0; i < org->groups->len; i++)
    if (g_strcmp0 (((SbGroup *) g_ptr_array_index (org->groups, i))->name, name) == 0)
      return i;
  return -1;
}

static void
add_grant (SbSpace    *space,
           guint8      kind,
           guint       index,
           gboolean    with_write)
{
  SbGrant grant = { kind, index, "read", "space" };

  g_array_append_val (space->grants, grant);
  if (with_write)
    {
      SbGrant write = { kind, index, "create", "page" };
      SbGrant blog = { kind, index, "create", "blogpost" };

      g_array_append_val (space->grants, write);
      g_array_append_val (space->grants, blog);
    }
}

static void
generate_customers (SbProducts *p,
                    SbOrg      *org,
                    GRand      *rand,
                    guint       n_customers)
{
  GString *tmp = g_string_new (NULL);
  guint n_desks, n_readable;
  guint shared_org;
  SbDesk *locked;
  GHashTable *used;

  n_readable = n_customers >= 2000 ? 20 : CLAMP (n_customers / 100, 4, 20);
  n_desks = n_readable + 1;

  for (guint d = 0; d < n_desks; d++)
    {
      SbDesk *desk = g_new0 (SbDesk, 1);

      desk->id = g_strdup_printf ("%u", d + 1);
      if (d < n_readable)
        {
          desk->key = g_strdup (desk_specs[d].key);
          desk->name = g_strdup (desk_specs[d].name);
          desk->readable = TRUE;
        }
      else
        {
          /* A desk the site token is not an agent on: listed, but 403 on its data. */
          desk->key = g_strdup ("VIP");
          desk->name = g_strdup ("Executive Support");
          desk->readable = FALSE;
        }
      desk->project_id = 10000 + d;
      desk->direct = g_array_new (FALSE, FALSE, sizeof (guint));
      desk->orgs = g_array_new (FALSE, FALSE, sizeof (guint));
      g_ptr_array_add (p->desks, desk);
    }

  /* Each desk has two to four organizations of its own; one more is shared by the
   * first two desks, and the locked desk has one. */
  for (guint d = 0; d < n_desks; d++)
    {
      SbDesk *desk = g_ptr_array_index (p->desks, d);
      guint n = d < n_readable ? 2 + g_rand_int_range (rand, 0, 3) : 1;

      for (guint i = 0; i < n; i++)
        {
          guint o = add_customer_org (p, rand, p->orgs->len);
          g_array_append_val (desk->orgs, o);
        }
    }
  shared_org = add_customer_org (p, rand, p->orgs->len);
  g_array_append_val (((SbDesk *) g_ptr_array_index (p->desks, 0))->orgs, shared_org);
  g_array_append_val (((SbDesk *) g_ptr_array_index (p->desks, 1))->orgs, shared_org);
  locked = g_ptr_array_index (p->desks, n_readable);

  used = g_hash_table_new (g_direct_hash, g_direct_equal);
  while (p->customers->len < n_customers)
    {
      SbCustomer customer = { 0 };
      guint c = p->customers->len;
      SbDesk *desk;
      double r;
      guint d;

      /* Most customers are portal-only accounts; some are people of the org. */
      if (g_rand_double (rand) < 0.06 && org->users->len > 0)
        {
          const SbUser *user = &g_array_index (org->users, SbUser,
                                               g_rand_int_range (rand, 0, org->users->len));

          customer.account_id = user->account_id;
          customer.name = user->name;
          customer.email = user->email;
          customer.time_zone = user->time_zone;
          customer.active = user->account_status == SB_ACCOUNT_STATUS_ACTIVE;
          /* The same person twice would be a duplicate customer: skip. */
          if (!g_hash_table_add (used, (gpointer) user))
            continue;
        }
      else
        {
          guint fi = g_rand_int_range (rand, 0, G_N_ELEMENTS (customer_first));
          guint li = g_rand_int_range (rand, 0, G_N_ELEMENTS (customer_last));
          guint32 w[4];

          for (guint i = 0; i < 4; i++)
            w[i] = g_rand_int (rand);
          g_string_printf (tmp, "qm:%08x-%04x-4%03x-%04x-%04x%08x:%08x%04x", w[0], w[1] >> 16,
                           w[1] & 0xfff, 0x8000 | (w[2] & 0x3fff), w[2] >> 16, w[3],
                           c * 2654435761u, c & 0xffff);
          customer.account_id = g_string_chunk_insert (p->strings, tmp->str);
          g_string_printf (tmp, "%s %s", customer_first[fi], customer_last[li]);
          customer.name = g_string_chunk_insert_const (p->strings, tmp->str);
          /* About one in sixteen hides the email (privacy settings). */
          if (g_rand_int_range (rand, 0, 16) != 0)
            {
              g_string_printf (tmp, "%s.%s.%u@%s", customer_first_ascii[fi], customer_last_ascii[li],
                               c, customer_domains[g_rand_int_range (rand, 0,
                                                                     G_N_ELEMENTS (customer_domains))]);
              customer.email = g_string_chunk_insert (p->strings, tmp->str);
            }
          customer.time_zone = customer_zones[g_rand_int_range (rand, 0, G_N_ELEMENTS (customer_zones))];
          customer.active = g_rand_int_range (rand, 0, 40) != 0;
        }
      g_array_append_val (p->customers, customer);

      d = g_rand_int_range (rand, 0, n_readable);
      desk = g_ptr_array_index (p->desks, d);
      r = g_rand_double (rand);
      if (r < 0.65)
        g_array_append_val (desk->direct, c);
      else
        {
          guint o = g_array_index (desk->orgs, guint, g_rand_int_range (rand, 0, desk->orgs->len));

          g_array_append_val (((SbCustOrg *) g_ptr_array_index (p->orgs, o))->members, c);
          if (r >= 0.85)
            g_array_append_val (desk->direct, c);
        }
      /* Customers who raise requests on a second desk. */
      if (g_rand_double (rand) < 0.12)
        {
          SbDesk *other = g_ptr_array_index (p->desks, g_rand_int_range (rand, 0, n_readable));

          array_add_unique (other->direct, c);
        }
      if (g_rand_double (rand) < 0.03)
        array_add_unique (((SbCustOrg *) g_ptr_array_index (p->orgs, shared_org))->members, c);
      if (c % 50 == 7)
        g_array_append_val (locked->direct, c);
    }

  g_hash_table_unref (used);
  g_string_free (tmp, TRUE);
}

static void
generate_spaces (SbProducts *p,
                 SbOrg      *org,
                 GRand      *rand,
                 guint32     seed)
{
  guint n_spaces = 15 + seed % 26;
  guint n_team = MIN (n_spaces, G_N_ELEMENTS (space_specs));
  int cf_users = find_group (org, "confluence-users");
  int cf_admins = find_group (org, "confluence-administrators");
  guint personal = 0;

  for (guint i = 0; i < n_spaces; i++)
    {
      SbSpace *space = g_new0 (SbSpace, 1);

      space->id = g_strdup_printf ("%u", 98304 + i * 65);
      space->grants = g_array_new (FALSE, FALSE, sizeof (SbGrant));

      if (i < n_team)
        {
          space->key = g_strdup (space_specs[i].key);
          space->name = g_strdup (space_specs[i].name);
          space->type = "global";
          if (space_specs[i].group != NULL)
            {
              int g = find_group (org, space_specs[i].group);

              if (g >= 0)
                add_grant (space, GRANT_GROUP, g, TRUE);
            }
          /* A few named people on top, and the admins group everywhere. */
          for (guint k = 0, n = g_rand_int_range (rand, 0, 12); k < n && org->users->len > 0; k++)
            add_grant (space, GRANT_USER, g_rand_int_range (rand, 0, org->users->len), k % 2);
          if (cf_admins >= 0)
            add_grant (space, GRANT_GROUP, cf_admins, TRUE);
          /* A write-only principal in the list: not a read grant, so not a member. */
          if (i % 4 == 1 && cf_users >= 0 && g_strcmp0 (space_specs[i].group, "confluence-users") != 0)
            {
              SbGrant grant = { GRANT_GROUP, cf_users, "create", "comment" };

              g_array_append_val (space->grants, grant);
            }
          if (i % 5 == 2)
            {
              SbGrant role = { GRANT_ROLE, 0, "read", "space" };

              g_array_append_val (space->grants, role);
            }
        }
      else
        {
          const SbUser *owner = NULL;

          /* Personal spaces of Confluence users. */
          for (; personal < org->users->len; personal++)
            {
              owner = &g_array_index (org->users, SbUser, personal);
              if ((owner->products & (1 << SB_PRODUCT_CONFLUENCE)) &&
                  owner->account_type == SB_ACCOUNT_ATLASSIAN)
                break;
              owner = NULL;
            }
          if (owner == NULL)
            {
              space->key = g_strdup_printf ("X%u", i);
              space->name = g_strdup_printf ("Archive %u", i);
              space->type = "global";
            }
          else
            {
              g_autofree char *compact = g_strdup (owner->account_id);

              g_strdelimit (compact, ":-", '_');
              space->key = g_strdup_printf ("~%s", compact);
              space->name = g_strdup (owner->name);
              space->type = "personal";
              add_grant (space, GRANT_USER, personal, TRUE);
              personal++;
            }
        }
      g_ptr_array_add (p->spaces, space);
    }
}

SbProducts *
_sb_products_generate (SbOrg  *org,
                       guint32 seed,
                       guint   n_customers)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed ^ 0x5eed5a1e);
  SbProducts *p = g_new0 (SbProducts, 1);

  if (n_customers == 0)
    n_customers = MAX (200, org->users->len / 4);

  p->strings = g_string_chunk_new (1 << 20);
  p->customers = g_array_sized_new (FALSE, TRUE, sizeof (SbCustomer), n_customers);
  p->desks = g_ptr_array_new ();
  p->orgs = g_ptr_array_new ();
  p->spaces = g_ptr_array_new ();
  p->myself = -1;

  for (guint i = 0; i < org->users->len; i++)
    if (g_array_index (org->users, SbUser, i).roles & SB_ROLE_SITE_ADMIN)
      {
        p->myself = i;
        break;
      }

  generate_customers (p, org, rand, n_customers);
  generate_spaces (p, org, rand, seed);
  return p;
}

void
_sb_products_free (SbProducts *p)
{
  if (p == NULL)
    return;
  for (guint i = 0; i < p->desks->len; i++)
    {
      SbDesk *desk = g_ptr_array_index (p->desks, i);

      g_free (desk->id);
      g_free (desk->key);
      g_free (desk->name);
      g_array_unref (desk->direct);
      g_array_unref (desk->orgs);
      g_free (desk);
    }
  for (guint i = 0; i < p->orgs->len; i++)
    {
      SbCustOrg *o = g_ptr_array_index (p->orgs, i);

      g_free (o->id);
      g_free (o->uuid);
      g_free (o->name);
      g_array_unref (o->members);
      g_free (o);
    }
  for (guint i = 0; i < p->spaces->len; i++)
    {
      SbSpace *s = g_ptr_array_index (p->spaces, i);

      g_free (s->id);
      g_free (s->key);
      g_free (s->name);
      g_array_unref (s->grants);
      g_free (s);
    }
  g_ptr_array_unref (p->desks);
  g_ptr_array_unref (p->orgs);
  g_ptr_array_unref (p->spaces);
  g_array_unref (p->customers);
  g_string_chunk_free (p->strings);
  g_free (p);
}

/* Requests */

typedef enum
{
  SITE_JIRA,
  SITE_JSM,
  SITE_CONFLUENCE,
} Site;

typedef struct
{
  SbRequest   *req;
  RosterSandbox *self;
  SbProducts  *p;
  SbOrg       *org;
  Site         site;
  char        *prefix;     /* gateway prefix ("" or "/ex/jira/{cloudId}") */
  char       **parts;      /* path parts after the site prefix */
  guint        n;
} Ctx;

static const char *
query_get (SbRequest  *req,
           const char *key)
{
  for (guint i = 0; i + 1 < req->query->len; i += 2)
    if (g_strcmp0 (g_ptr_array_index (req->query, i), key) == 0)
      return g_ptr_array_index (req->query, i + 1);
  return NULL;
}

static void
append_str_or_null (GString    *out,
                    const char *str)
{
  if (str == NULL)
    g_string_append (out, "null");
  else
    _sb_json_append_string (out, str);
}

static void
respond_error (Ctx        *ctx,
               guint       status,
               const char *message)
{
  GString *out = g_string_new (NULL);

  switch (ctx->site)
    {
    case SITE_JSM:
      g_string_append (out, "{\"errorMessage\":");
      _sb_json_append_string (out, message);
      g_string_append (out, ",\"i18nErrorMessage\":{\"i18nKey\":\"sd.sandbox.error\",\"parameters\":[]}}");
      break;
    case SITE_CONFLUENCE:
      if (ctx->n > 0 && g_strcmp0 (ctx->parts[0], "rest") == 0)
        {
          g_string_append_printf (out, "{\"statusCode\":%u,\"message\":", status);
          _sb_json_append_string (out, message);
          g_string_append (out, ",\"data\":{\"authorized\":false,\"valid\":false,\"successful\":false,\"errors\":[]}}");
        }
      else
        {
          g_string_append_printf (out, "{\"errors\":[{\"status\":%u,\"code\":\"%s\",\"title\":", status,
                                  status == 404 ? "NOT_FOUND" : status == 400 ? "INVALID_REQUEST_PARAMETER" :
                                  status == 401 ? "UNAUTHORIZED" : "FORBIDDEN");
          _sb_json_append_string (out, message);
          g_string_append (out, ",\"detail\":null}]}");
        }
      break;
    case SITE_JIRA:
    default:
      g_string_append (out, "{\"errorMessages\":[");
      _sb_json_append_string (out, message);
      g_string_append (out, "],\"errors\":{}}");
      break;
    }
  _sb_respond (ctx->req->msg, status, out);
}

static gboolean
parse_uint_param (Ctx        *ctx,
                  const char *name,
                  guint       fallback,
                  guint      *out)
{
  const char *value = query_get (ctx->req, name);
  guint64 v;

  *out = fallback;
  if (value == NULL || *value == '\0')
    return TRUE;
  if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT32, &v, NULL))
    {
      g_autofree char *message = g_strdup_printf ("The value of “%s” is not a number: %s", name, value);

      respond_error (ctx, 400, message);
      return FALSE;
    }
  *out = (guint) v;
  return TRUE;
}

static const SbUser *
user_at (Ctx  *ctx,
         guint index)
{
  return &g_array_index (ctx->org->users, SbUser, index);
}

static void
append_jira_user (Ctx          *ctx,
                  GString      *out,
                  const SbUser *user)
{
  g_string_append (out, "{\"self\":");
  {
    g_autofree char *self_url = g_strdup_printf ("%s%s/rest/api/3/user?accountId=%s",
                                                 ctx->self->url, ctx->prefix, user->account_id);
    _sb_json_append_string (out, self_url);
  }
  g_string_append (out, ",\"accountId\":");
  _sb_json_append_string (out, user->account_id);
  g_string_append_printf (out, ",\"accountType\":\"%s\"", _sb_account_type_to_string (user->account_type));
  g_string_append (out, ",\"emailAddress\":");
  append_str_or_null (out, user->email_null ? NULL : user->email);
  g_string_append (out, ",\"displayName\":");
  _sb_json_append_string (out, user->name);
  g_string_append_printf (out, ",\"active\":%s,\"timeZone\":",
                          user->account_status == SB_ACCOUNT_STATUS_ACTIVE ? "true" : "false");
  _sb_json_append_string (out, user->time_zone);
  g_string_append (out, ",\"locale\":\"en_US\"}");
}

/* Jira */

static void
jira_myself (Ctx *ctx)
{
  GString *out = g_string_new (NULL);

  if (ctx->p->myself < 0)
    {
      g_string_free (out, TRUE);
      respond_error (ctx, 404, "No such user");
      return;
    }
  append_jira_user (ctx, out, user_at (ctx, ctx->p->myself));
  /* The email the token belongs to, whatever the directory says. */
  _sb_respond (ctx->req->msg, 200, out);
}

static void
append_group_details (Ctx     *ctx,
                      GString *out,
                      int     *groups,
                      guint    n_groups)
{
  g_string_append_c (out, '[');
  for (guint i = 0; i < n_groups; i++)
    {
      SbGroup *group = g_ptr_array_index (ctx->org->groups, groups[i]);

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, "{\"groupId\":");
      _sb_json_append_string (out, group->id);
      g_string_append (out, ",\"name\":");
      _sb_json_append_string (out, group->name);
      g_string_append (out, "}");
    }
  g_string_append_c (out, ']');
}

static void
append_group_names (Ctx     *ctx,
                    GString *out,
                    int     *groups,
                    guint    n_groups)
{
  g_string_append_c (out, '[');
  for (guint i = 0; i < n_groups; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      _sb_json_append_string (out, ((SbGroup *) g_ptr_array_index (ctx->org->groups, groups[i]))->name);
    }
  g_string_append_c (out, ']');
}

static void
jira_application_roles (Ctx *ctx)
{
  static const struct { const char *key; const char *name; const char *groups[3]; int product; } roles[] = {
    { "jira-software", "Jira Software", { "jira-software-users", "site-admins", NULL }, SB_PRODUCT_JIRA },
    { "jira-servicedesk", "Jira Service Management", { "jira-servicemanagement-users", "site-admins", NULL }, SB_PRODUCT_JSM },
    { "jira-product-discovery", "Jira Product Discovery", { NULL }, -1 },
  };
  GString *out = g_string_new ("[");

  for (guint r = 0; r < G_N_ELEMENTS (roles); r++)
    {
      int groups[3];
      guint n_groups = 0;
      guint users = 0;

      for (guint i = 0; roles[r].groups[i] != NULL; i++)
        {
          int g = find_group (ctx->org, roles[r].groups[i]);

          if (g >= 0)
            groups[n_groups++] = g;
        }
      if (roles[r].product >= 0)
        for (guint i = 0; i < ctx->org->users->len; i++)
          if (user_at (ctx, i)->products & (1 << roles[r].product))
            users++;

      if (r > 0)
        g_string_append_c (out, ',');
      g_string_append_printf (out, "{\"key\":\"%s\",\"name\":\"%s\",\"groups\":", roles[r].key, roles[r].name);
      append_group_names (ctx, out, groups, n_groups);
      g_string_append (out, ",\"groupDetails\":");
      append_group_details (ctx, out, groups, n_groups);
      /* The default group is the product's own users group. */
      g_string_append (out, ",\"defaultGroups\":");
      append_group_names (ctx, out, groups, MIN (n_groups, 1));
      g_string_append (out, ",\"defaultGroupsDetails\":");
      append_group_details (ctx, out, groups, MIN (n_groups, 1));
      g_string_append_printf (out, ",\"selectedByDefault\":false,\"numberOfSeats\":%u,\"remainingSeats\":%u,"
                              "\"userCount\":%u,\"userCountDescription\":\"%u users\","
                              "\"hasUnlimitedSeats\":false,\"platform\":false}",
                              users + 100, 100, users, users);
    }
  g_string_append_c (out, ']');
  _sb_respond (ctx->req->msg, 200, out);
}

static void
jira_users_search (Ctx *ctx)
{
  guint start, max;
  GString *out;

  if (!parse_uint_param (ctx, "startAt", 0, &start) ||
      !parse_uint_param (ctx, "maxResults", 50, &max))
    return;
  max = MIN (max, JIRA_USERS_MAX);

  out = g_string_new ("[");
  for (guint i = start, k = 0; i < ctx->org->users->len && k < max; i++, k++)
    {
      if (k > 0)
        g_string_append_c (out, ',');
      append_jira_user (ctx, out, user_at (ctx, i));
    }
  g_string_append_c (out, ']');
  _sb_respond (ctx->req->msg, 200, out);
}

static void
jira_group_member (Ctx *ctx)
{
  const char *group_id = query_get (ctx->req, "groupId");
  const char *inactive = query_get (ctx->req, "includeInactiveUsers");
  gboolean with_inactive = g_strcmp0 (inactive, "true") == 0;
  guint start, max, total = 0, written = 0;
  guint64 bit;
  GString *values, *out;
  int g;

  if (!parse_uint_param (ctx, "startAt", 0, &start) ||
      !parse_uint_param (ctx, "maxResults", 50, &max))
    return;
  max = CLAMP (max, 1, JIRA_MEMBERS_MAX);
  if (group_id == NULL || (g = _sb_org_lookup_group (ctx->org, group_id)) < 0)
    {
      respond_error (ctx, 404, "The specified group was not found.");
      return;
    }
  bit = G_GUINT64_CONSTANT (1) << g;

  values = g_string_new (NULL);
  for (guint i = 0; i < ctx->org->users->len; i++)
    {
      const SbUser *user = user_at (ctx, i);

      if (!(user->groups & bit))
        continue;
      if (!with_inactive && user->account_status != SB_ACCOUNT_STATUS_ACTIVE)
        continue;
      if (total >= start && written < max)
        {
          if (written > 0)
            g_string_append_c (values, ',');
          append_jira_user (ctx, values, user);
          written++;
        }
      total++;
    }

  out = g_string_new (NULL);
  g_string_append_printf (out, "{\"self\":\"%s%s/rest/api/3/group/member?groupId=%s&startAt=%u&maxResults=%u\","
                          "\"maxResults\":%u,\"startAt\":%u,\"total\":%u,\"isLast\":%s",
                          ctx->self->url, ctx->prefix, group_id, start, max, max, start, total,
                          start + written >= total ? "true" : "false");
  if (start + written < total)
    g_string_append_printf (out, ",\"nextPage\":\"%s%s/rest/api/3/group/member?groupId=%s&startAt=%u&maxResults=%u\"",
                            ctx->self->url, ctx->prefix, group_id, start + written, max);
  g_string_append (out, ",\"values\":[");
  g_string_append_len (out, values->str, values->len);
  g_string_append (out, "]}");
  g_string_free (values, TRUE);
  _sb_respond (ctx->req->msg, 200, out);
}

static void
route_jira (Ctx *ctx)
{
  /* parts: rest api 3 … */
  if (ctx->n < 4 || g_strcmp0 (ctx->parts[1], "api") != 0 || g_strcmp0 (ctx->parts[2], "3") != 0)
    {
      respond_error (ctx, 404, "Not found");
      return;
    }
  if (g_strcmp0 (ctx->req->method, "GET") != 0)
    {
      respond_error (ctx, 405, "Method not allowed");
      return;
    }
  if (ctx->n == 4 && g_str_equal (ctx->parts[3], "myself"))
    jira_myself (ctx);
  else if (ctx->n == 4 && g_str_equal (ctx->parts[3], "applicationrole"))
    jira_application_roles (ctx);
  else if (ctx->n == 5 && g_str_equal (ctx->parts[3], "users") && g_str_equal (ctx->parts[4], "search"))
    jira_users_search (ctx);
  else if (ctx->n == 4 && g_str_equal (ctx->parts[3], "users"))
    jira_users_search (ctx);
  else if (ctx->n == 5 && g_str_equal (ctx->parts[3], "group") && g_str_equal (ctx->parts[4], "member"))
    jira_group_member (ctx);
  else
    respond_error (ctx, 404, "Not found");
}

/* JSM */

typedef void (*AppendItem) (Ctx     *ctx,
                            GString *out,
                            guint    index);

static void
jsm_page (Ctx        *ctx,
          const char *path,
          GArray     *indices,   /* (nullable) NULL = 0..n-1 */
          guint       n,
          AppendItem  append)
{
  guint start, limit, size;
  GString *out;

  if (!parse_uint_param (ctx, "start", 0, &start) ||
      !parse_uint_param (ctx, "limit", JSM_MAX_LIMIT, &limit))
    return;
  /* The server caps the limit; clients must trust size. */
  limit = CLAMP (limit, 1, JSM_MAX_LIMIT);
  if (indices != NULL)
    n = indices->len;
  size = start < n ? MIN (limit, n - start) : 0;

  out = g_string_new (NULL);
  g_string_append_printf (out, "{\"_expands\":[],\"size\":%u,\"start\":%u,\"limit\":%u,\"isLastPage\":%s,"
                          "\"_links\":{\"base\":\"%s%s/rest/servicedeskapi\",\"context\":\"\"",
                          size, start, limit, start + size >= n ? "true" : "false",
                          ctx->self->url, ctx->prefix);
  if (start + size < n)
    g_string_append_printf (out, ",\"next\":\"%s%s/rest/servicedeskapi/%s?start=%u&limit=%u\"",
                            ctx->self->url, ctx->prefix, path, start + size, limit);
  if (start > 0)
    g_string_append_printf (out, ",\"prev\":\"%s%s/rest/servicedeskapi/%s?start=%u&limit=%u\"",
                            ctx->self->url, ctx->prefix, path, start > limit ? start - limit : 0, limit);
  g_string_append (out, "},\"values\":[");
  for (guint i = 0; i < size; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append (ctx, out, indices ? g_array_index (indices, guint, start + i) : start + i);
    }
  g_string_append (out, "]}");
  _sb_respond (ctx->req->msg, 200, out);
}

static void
append_desk (Ctx     *ctx,
             GString *out,
             guint    index)
{
  SbDesk *desk = g_ptr_array_index (ctx->p->desks, index);

  g_string_append_printf (out, "{\"id\":\"%s\",\"projectId\":\"%u\",\"projectName\":", desk->id, desk->project_id);
  _sb_json_append_string (out, desk->name);
  g_string_append_printf (out, ",\"projectKey\":\"%s\",\"projectTypeKey\":\"service_desk\","
                          "\"_links\":{\"self\":\"%s%s/rest/servicedeskapi/servicedesk/%s\"}}",
                          desk->key, ctx->self->url, ctx->prefix, desk->id);
}

static void
append_customer (Ctx     *ctx,
                 GString *out,
                 guint    index)
{
  const SbCustomer *c = &g_array_index (ctx->p->customers, SbCustomer, index);

  g_string_append (out, "{\"accountId\":");
  _sb_json_append_string (out, c->account_id);
  g_string_append (out, ",\"displayName\":");
  _sb_json_append_string (out, c->name);
  g_string_append (out, ",\"emailAddress\":");
  append_str_or_null (out, c->email);
  g_string_append_printf (out, ",\"active\":%s,\"timeZone\":", c->active ? "true" : "false");
  _sb_json_append_string (out, c->time_zone);
  g_string_append_printf (out, ",\"_links\":{\"jiraRest\":\"%s%s/rest/api/2/user?accountId=%s\","
                          "\"self\":\"%s%s/rest/api/2/user?accountId=%s\"}}",
                          ctx->self->url, ctx->prefix, c->account_id,
                          ctx->self->url, ctx->prefix, c->account_id);
}

static void
append_cust_org (Ctx     *ctx,
                 GString *out,
                 guint    index)
{
  SbCustOrg *o = g_ptr_array_index (ctx->p->orgs, index);

  g_string_append_printf (out, "{\"id\":\"%s\",\"uuid\":\"%s\",\"name\":", o->id, o->uuid);
  _sb_json_append_string (out, o->name);
  g_string_append_printf (out, ",\"scimManaged\":false,\"created\":{\"iso8601\":\"2024-05-02T10:00:00+0000\","
                          "\"jira\":\"2024-05-02T10:00:00.000+0000\",\"friendly\":\"02/May/24 10:00 AM\","
                          "\"epochMillis\":1714644000000},"
                          "\"_links\":{\"self\":\"%s%s/rest/servicedeskapi/organization/%s\"}}",
                          ctx->self->url, ctx->prefix, o->id);
}

static SbDesk *
lookup_desk (SbProducts *p,
             const char *id)
{
  const char *key = id;

  if (g_str_has_prefix (id, "projectKey:"))
    key = id + strlen ("projectKey:");
  if (g_str_has_prefix (id, "serviceDeskId:"))
    id += strlen ("serviceDeskId:");
  for (guint i = 0; i < p->desks->len; i++)
    {
      SbDesk *desk = g_ptr_array_index (p->desks, i);

      if (g_strcmp0 (desk->id, id) == 0 || g_strcmp0 (desk->key, key) == 0)
        return desk;
      if (g_str_has_prefix (id, "projectId:") && desk->project_id == strtoul (id + 10, NULL, 10))
        return desk;
    }
  return NULL;
}

static SbCustOrg *
lookup_cust_org (SbProducts *p,
                 const char *id)
{
  guint64 v;

  if (!g_ascii_string_to_unsigned (id, 10, 1, p->orgs->len, &v, NULL))
    return NULL;
  return g_ptr_array_index (p->orgs, v - 1);
}

static void
route_jsm (Ctx *ctx)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (ctx->req->msg);
  char **parts = ctx->parts + 2;   /* after rest servicedeskapi */
  guint n = ctx->n - 2;
  g_autofree char *path = NULL;

  if (g_strcmp0 (ctx->req->method, "GET") != 0)
    {
      respond_error (ctx, 405, "Method not allowed");
      return;
    }
  if (n == 1 && g_str_equal (parts[0], "servicedesk"))
    {
      jsm_page (ctx, "servicedesk", NULL, ctx->p->desks->len, append_desk);
      return;
    }
  if (n == 1 && g_str_equal (parts[0], "organization"))
    {
      jsm_page (ctx, "organization", NULL, ctx->p->orgs->len, append_cust_org);
      return;
    }
  if (n >= 2 && g_str_equal (parts[0], "servicedesk"))
    {
      SbDesk *desk = lookup_desk (ctx->p, parts[1]);

      if (desk == NULL)
        {
          respond_error (ctx, 404, "The service desk does not exist.");
          return;
        }
      if (n == 2)
        {
          GString *out = g_string_new (NULL);

          append_desk (ctx, out, g_ptr_array_find (ctx->p->desks, desk, &n) ? n : 0);
          _sb_respond (ctx->req->msg, 200, out);
          return;
        }
      if (n == 3 && g_str_equal (parts[2], "customer"))
        {
          const char *flag = soup_message_headers_get_one (headers, "X-ExperimentalApi");

          if (g_strcmp0 (flag, "opt-in") != 0)
            {
              respond_error (ctx, 412, "This API is experimental. Experimental APIs are not guaranteed to be "
                             "stable within the preview period. You must set the header "
                             "'X-ExperimentalApi: opt-in' to opt into using this API.");
              return;
            }
          if (!desk->readable)
            {
              respond_error (ctx, 403, "You do not have permission to view the customers of this service desk.");
              return;
            }
          path = g_strdup_printf ("servicedesk/%s/customer", desk->id);
          jsm_page (ctx, path, desk->direct, 0, append_customer);
          return;
        }
      if (n == 3 && g_str_equal (parts[2], "organization"))
        {
          if (!desk->readable)
            {
              respond_error (ctx, 403, "You are not an agent on this service desk.");
              return;
            }
          path = g_strdup_printf ("servicedesk/%s/organization", desk->id);
          jsm_page (ctx, path, desk->orgs, 0, append_cust_org);
          return;
        }
    }
  if (n >= 2 && g_str_equal (parts[0], "organization"))
    {
      SbCustOrg *o = lookup_cust_org (ctx->p, parts[1]);

      if (o == NULL)
        {
          respond_error (ctx, 404, "The organization does not exist.");
          return;
        }
      if (n == 2)
        {
          GString *out = g_string_new (NULL);

          append_cust_org (ctx, out, (guint) (strtoul (o->id, NULL, 10) - 1));
          _sb_respond (ctx->req->msg, 200, out);
          return;
        }
      if (n == 3 && g_str_equal (parts[2], "user"))
        {
          path = g_strdup_printf ("organization/%s/user", o->id);
          jsm_page (ctx, path, o->members, 0, append_customer);
          return;
        }
    }
  respond_error (ctx, 404, "Not found");
}

/* Confluence */

static SbSpace *
lookup_space (SbProducts *p,
              const char *id_or_key)
{
  for (guint i = 0; i < p->spaces->len; i++)
    {
      SbSpace *space = g_ptr_array_index (p->spaces, i);

      if (g_strcmp0 (space->id, id_or_key) == 0 || g_strcmp0 (space->key, id_or_key) == 0)
        return space;
    }
  return NULL;
}

static gboolean
parse_cf_cursor (Ctx   *ctx,
                 guint *out)
{
  const char *cursor = query_get (ctx->req, "cursor");
  g_autofree char *decoded = NULL;
  guint64 v;

  *out = 0;
  if (cursor == NULL || *cursor == '\0')
    return TRUE;
  decoded = _sb_base64url_decode (cursor);
  if (decoded == NULL || !g_str_has_prefix (decoded, "o:") ||
      !g_ascii_string_to_unsigned (decoded + 2, 10, 0, G_MAXUINT32, &v, NULL))
    {
      respond_error (ctx, 400, "Invalid cursor");
      return FALSE;
    }
  *out = (guint) v;
  return TRUE;
}

/* Ends a v2 page: _links.next (site-relative) and the Link header. */
static void
finish_cf2_page (Ctx        *ctx,
                 GString    *out,
                 const char *path,
                 const char *extra_query,
                 guint       next_offset,
                 gboolean    has_next,
                 guint       limit)
{
  g_string_append (out, "],\"_links\":{");
  if (has_next)
    {
      g_autofree char *raw = g_strdup_printf ("o:%u", next_offset);
      g_autofree char *cursor = _sb_base64url_encode (raw);
      g_autofree char *next = g_strdup_printf ("/wiki/api/v2/%s?%s%scursor=%s&limit=%u", path,
                                               extra_query ? extra_query : "",
                                               extra_query ? "&" : "", cursor, limit);
      g_autofree char *link = g_strdup_printf ("<%s>; rel=\"next\", <%s%s/wiki>; rel=\"base\"",
                                               next, ctx->self->url, ctx->prefix);

      g_string_append (out, "\"next\":");
      _sb_json_append_string (out, next);
      g_string_append_c (out, ',');
      soup_message_headers_replace (soup_server_message_get_response_headers (ctx->req->msg),
                                    "Link", link);
    }
  g_string_append_printf (out, "\"base\":\"%s%s/wiki\"}}", ctx->self->url, ctx->prefix);
  _sb_respond (ctx->req->msg, 200, out);
}

static void
cf_spaces (Ctx *ctx)
{
  const char *keys = query_get (ctx->req, "keys");
  g_auto(GStrv) wanted = keys ? g_strsplit (keys, ",", -1) : NULL;
  g_autofree char *extra = NULL;
  guint offset, limit, written = 0, i;
  GString *out;

  if (!parse_cf_cursor (ctx, &offset) || !parse_uint_param (ctx, "limit", 25, &limit))
    return;
  if (limit < 1 || limit > CF2_MAX_LIMIT)
    {
      respond_error (ctx, 400, "limit must be between 1 and 250");
      return;
    }
  if (keys != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (keys, ",", FALSE);
      extra = g_strdup_printf ("keys=%s", escaped);
    }

  out = g_string_new ("{\"results\":[");
  for (i = offset; i < ctx->p->spaces->len && written < limit; i++)
    {
      SbSpace *space = g_ptr_array_index (ctx->p->spaces, i);

      if (wanted != NULL && !g_strv_contains ((const char * const *) wanted, space->key))
        continue;
      if (written++ > 0)
        g_string_append_c (out, ',');
      g_string_append_printf (out, "{\"id\":\"%s\",\"key\":", space->id);
      _sb_json_append_string (out, space->key);
      g_string_append (out, ",\"name\":");
      _sb_json_append_string (out, space->name);
      g_string_append_printf (out, ",\"type\":\"%s\",\"status\":\"current\",\"authorId\":", space->type);
      _sb_json_append_string (out, ctx->p->myself >= 0 ? user_at (ctx, ctx->p->myself)->account_id : "");
      g_string_append_printf (out, ",\"createdAt\":\"2024-01-02T03:04:05.000Z\",\"homepageId\":\"%s1\","
                              "\"spaceOwnerId\":null,\"description\":null,\"icon\":null,"
                              "\"_links\":{\"webui\":\"/spaces/", space->id);
      g_string_append (out, space->key);
      g_string_append (out, "\"}}");
    }
  /* Another matching space after this page? */
  {
    gboolean more = FALSE;

    for (guint k = i; k < ctx->p->spaces->len && !more; k++)
      more = wanted == NULL ||
        g_strv_contains ((const char * const *) wanted, ((SbSpace *) g_ptr_array_index (ctx->p->spaces, k))->key);
    finish_cf2_page (ctx, out, "spaces", extra, i, more, limit);
  }
}

static void
cf_space_permissions (Ctx     *ctx,
                      SbSpace *space)
{
  guint offset, limit, i;
  g_autofree char *path = NULL;
  GString *out;

  if (!parse_cf_cursor (ctx, &offset) || !parse_uint_param (ctx, "limit", 25, &limit))
    return;
  if (limit < 1 || limit > CF2_MAX_LIMIT)
    {
      respond_error (ctx, 400, "limit must be between 1 and 250");
      return;
    }

  out = g_string_new ("{\"results\":[");
  for (i = offset; i < space->grants->len && i < offset + limit; i++)
    {
      const SbGrant *grant = &g_array_index (space->grants, SbGrant, i);
      const char *principal;

      if (i > offset)
        g_string_append_c (out, ',');
      g_string_append_printf (out, "{\"id\":\"%s%04u\",\"principal\":{\"type\":\"%s\",\"id\":", space->id, i,
                              grant->kind == GRANT_USER ? "user" : grant->kind == GRANT_GROUP ? "group" : "role");
      if (grant->kind == GRANT_USER)
        principal = user_at (ctx, grant->index)->account_id;
      else if (grant->kind == GRANT_GROUP)
        principal = ((SbGroup *) g_ptr_array_index (ctx->org->groups, grant->index))->id;
      else
        principal = "ari:cloud:confluence::role/product/member";
      _sb_json_append_string (out, principal);
      g_string_append_printf (out, "},\"operation\":{\"key\":\"%s\",\"targetType\":\"%s\"}}",
                              grant->operation, grant->target);
    }
  path = g_strdup_printf ("spaces/%s/permissions", space->id);
  finish_cf2_page (ctx, out, path, NULL, i, i < space->grants->len, limit);
}

static void
cf_group_members (Ctx        *ctx,
                  const char *group_id)
{
  guint start, limit, total = 0, written = 0;
  guint64 bit;
  GString *out;
  int g;

  if (!parse_uint_param (ctx, "start", 0, &start) || !parse_uint_param (ctx, "limit", 200, &limit))
    return;
  if (limit > CF1_MAX_LIMIT)
    {
      respond_error (ctx, 400, "The limit must not be greater than 200");
      return;
    }
  if (limit == 0)
    limit = CF1_MAX_LIMIT;
  if ((g = _sb_org_lookup_group (ctx->org, group_id)) < 0)
    {
      respond_error (ctx, 404, "No group found with id");
      return;
    }
  bit = G_GUINT64_CONSTANT (1) << g;

  out = g_string_new ("{\"results\":[");
  for (guint i = 0; i < ctx->org->users->len; i++)
    {
      const SbUser *user = user_at (ctx, i);

      if (!(user->groups & bit))
        continue;
      if (total >= start && written < limit)
        {
          if (written++ > 0)
            g_string_append_c (out, ',');
          g_string_append (out, "{\"type\":\"known\",\"accountId\":");
          _sb_json_append_string (out, user->account_id);
          g_string_append_printf (out, ",\"accountType\":\"%s\",\"email\":",
                                  _sb_account_type_to_string (user->account_type));
          append_str_or_null (out, user->email_null ? NULL : user->email);
          g_string_append (out, ",\"publicName\":");
          _sb_json_append_string (out, user->nickname);
          g_string_append (out, ",\"displayName\":");
          _sb_json_append_string (out, user->name);
          g_string_append (out, ",\"isExternalCollaborator\":false}");
        }
      total++;
    }
  g_string_append_printf (out, "],\"start\":%u,\"limit\":%u,\"size\":%u,\"totalSize\":%u,\"_links\":{",
                          start, limit, written, total);
  if (start + written < total)
    g_string_append_printf (out, "\"next\":\"/rest/api/group/%s/membersByGroupId?start=%u&limit=%u\",",
                            group_id, start + written, limit);
  g_string_append_printf (out, "\"base\":\"%s%s/wiki\",\"context\":\"/wiki\"}}", ctx->self->url, ctx->prefix);
  _sb_respond (ctx->req->msg, 200, out);
}

static void
route_confluence (Ctx *ctx)
{
  char **parts = ctx->parts;
  guint n = ctx->n;

  /* parts[0] == "wiki" */
  if (g_strcmp0 (ctx->req->method, "GET") != 0)
    {
      respond_error (ctx, 405, "Method not allowed");
      return;
    }
  if (n >= 4 && g_str_equal (parts[1], "api") && g_str_equal (parts[2], "v2") &&
      g_str_equal (parts[3], "spaces"))
    {
      SbSpace *space;

      ctx->parts++;
      ctx->n--;
      if (n == 4)
        {
          cf_spaces (ctx);
          return;
        }
      if ((space = lookup_space (ctx->p, parts[4])) == NULL || strcmp (space->id, parts[4]) != 0)
        {
          respond_error (ctx, 404, "Space not found");
          return;
        }
      if (n == 6 && g_str_equal (parts[5], "permissions"))
        {
          cf_space_permissions (ctx, space);
          return;
        }
    }
  else if (n == 6 && g_str_equal (parts[1], "rest") && g_str_equal (parts[2], "api") &&
           g_str_equal (parts[3], "group") && g_str_equal (parts[5], "membersByGroupId"))
    {
      ctx->parts++;
      ctx->n--;
      cf_group_members (ctx, parts[4]);
      return;
    }
  respond_error (ctx, 404, "Not found");
}

/* Entry points */

gboolean
_sb_products_owns_path (const char *path)
{
  return g_str_has_prefix (path, "/rest/") || g_str_has_prefix (path, "/wiki/") ||
         g_str_has_prefix (path, "/ex/");
}

static gboolean
check_basic_auth (RosterSandbox     *self,
                  SoupServerMessage *msg)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");
  g_autofree guchar *decoded = NULL;
  g_autofree char *expected = NULL;
  gsize len = 0;

  if (auth == NULL || g_ascii_strncasecmp (auth, "Basic ", 6) != 0)
    return FALSE;
  decoded = g_base64_decode (auth + 6, &len);
  expected = g_strdup_printf ("%s:%s", self->site_email, self->site_token);
  return decoded != NULL && len == strlen (expected) && memcmp (decoded, expected, len) == 0;
}

void
_sb_products_route (SbRequest *req)
{
  RosterSandbox *self = req->self;
  g_auto(GStrv) parts = NULL;
  Ctx ctx = { 0 };
  guint n, skip = 0;

  ctx.req = req;
  ctx.self = self;
  ctx.p = self->products;
  ctx.org = self->org;
  ctx.prefix = g_strdup ("");

  parts = g_strsplit (req->path + 1, "/", -1);
  n = g_strv_length (parts);
  if (n > 0 && *parts[n - 1] == '\0')
    {
      g_free (parts[n - 1]);
      parts[--n] = NULL;
    }
  for (guint i = 0; i < n; i++)
    {
      char *decoded = g_uri_unescape_string (parts[i], NULL);

      if (decoded == NULL)
        decoded = g_strdup ("");
      g_free (parts[i]);
      parts[i] = decoded;
    }

  /* Gateway form: /ex/{jira|confluence}/{cloudId}/… */
  if (n >= 1 && g_str_equal (parts[0], "ex"))
    {
      if (n < 4 || (!g_str_equal (parts[1], "jira") && !g_str_equal (parts[1], "confluence")) ||
          g_strcmp0 (parts[2], self->org->cloud_id) != 0)
        {
          _sb_respond_literal (req->msg, 404, "{\"code\":404,\"message\":\"Cloud id not found\"}");
          g_free (ctx.prefix);
          return;
        }
      g_free (ctx.prefix);
      ctx.prefix = g_strdup_printf ("/ex/%s/%s", parts[1], parts[2]);
      skip = 3;
    }
  ctx.parts = parts + skip;
  ctx.n = n - skip;

  if (ctx.n >= 1 && g_str_equal (ctx.parts[0], "wiki"))
    ctx.site = SITE_CONFLUENCE;
  else if (ctx.n >= 2 && g_str_equal (ctx.parts[0], "rest") && g_str_equal (ctx.parts[1], "servicedeskapi"))
    ctx.site = SITE_JSM;
  else
    ctx.site = SITE_JIRA;

  if (!check_basic_auth (self, req->msg))
    {
      respond_error (&ctx, 401, "Client must be authenticated to access this resource.");
    }
  else if (ctx.p == NULL)
    {
      respond_error (&ctx, 503, "The site is starting");
    }
  else if (skip > 0 && (ctx.site == SITE_CONFLUENCE) != g_str_equal (parts[1], "confluence"))
    {
      respond_error (&ctx, 404, "Not found");
    }
  else
    {
      switch (ctx.site)
        {
        case SITE_CONFLUENCE:
          route_confluence (&ctx);
          break;
        case SITE_JSM:
          route_jsm (&ctx);
          break;
        case SITE_JIRA:
        default:
          if (ctx.n >= 1 && g_str_equal (ctx.parts[0], "rest"))
            route_jira (&ctx);
          else
            respond_error (&ctx, 404, "Not found");
          break;
        }
    }
  g_free (ctx.prefix);
}

/* Public ground truth */

const char *
roster_sandbox_get_site_email (RosterSandbox *self)
{
  g_return_val_if_fail (ROSTER_IS_SANDBOX (self), NULL);
  return self->site_email;
}

const char *
roster_sandbox_get_site_token (RosterSandbox *self)
{
  g_return_val_if_fail (ROSTER_IS_SANDBOX (self), NULL);
  return self->site_token;
}

GStrv
roster_sandbox_dup_project_keys (RosterSandbox *self)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  GStrv keys;

  g_return_val_if_fail (ROSTER_IS_SANDBOX (self), NULL);

  g_mutex_lock (&self->lock);
  for (guint i = 0; self->products && i < self->products->desks->len; i++)
    g_strv_builder_add (builder, ((SbDesk *) g_ptr_array_index (self->products->desks, i))->key);
  g_mutex_unlock (&self->lock);
  keys = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return keys;
}

gboolean
roster_sandbox_project_is_readable (RosterSandbox *self,
                                    const char    *project_key)
{
  SbDesk *desk;
  gboolean readable;

  g_return_val_if_fail (ROSTER_IS_SANDBOX (self), FALSE);

  g_mutex_lock (&self->lock);
  desk = self->products ? lookup_desk (self->products, project_key) : NULL;
  readable = desk != NULL && desk->readable;
  g_mutex_unlock (&self->lock);
  return readable;
}

static int
compare_str (gconstpointer a,
             gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

GHashTable *
roster_sandbox_dup_project_customers (RosterSandbox *self,
                                      const char    *project_key)
{
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                       (GDestroyNotify) g_ptr_array_unref);
  GHashTable *result = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
  GHashTableIter iter;
  gpointer key, value;
  SbDesk *desk;

  g_return_val_if_fail (ROSTER_IS_SANDBOX (self), NULL);

  g_mutex_lock (&self->lock);
  desk = self->products ? lookup_desk (self->products, project_key) : NULL;
  if (desk != NULL)
    {
      SbProducts *p = self->products;

      for (guint i = 0; i < desk->direct->len; i++)
        {
          const SbCustomer *c = &g_array_index (p->customers, SbCustomer, g_array_index (desk->direct, guint, i));

          if (!g_hash_table_contains (names, c->account_id))
            g_hash_table_insert (names, (gpointer) c->account_id, g_ptr_array_new ());
        }
      for (guint i = 0; i < desk->orgs->len; i++)
        {
          SbCustOrg *o = g_ptr_array_index (p->orgs, g_array_index (desk->orgs, guint, i));

          for (guint k = 0; k < o->members->len; k++)
            {
              const SbCustomer *c = &g_array_index (p->customers, SbCustomer,
                                                    g_array_index (o->members, guint, k));
              GPtrArray *list = g_hash_table_lookup (names, c->account_id);

              if (list == NULL)
                g_hash_table_insert (names, (gpointer) c->account_id, (list = g_ptr_array_new ()));
              g_ptr_array_add (list, o->name);
            }
        }
      g_hash_table_iter_init (&iter, names);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          GPtrArray *list = value;
          GStrv strv = g_new0 (char *, list->len + 1);

          g_ptr_array_sort (list, compare_str);
          for (guint i = 0; i < list->len; i++)
            strv[i] = g_strdup (g_ptr_array_index (list, i));
          g_hash_table_insert (result, g_strdup (key), strv);
        }
    }
  g_mutex_unlock (&self->lock);
  return result;
}

GStrv
roster_sandbox_dup_project_direct_ids (RosterSandbox *self,
                                       const char    *project_key)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  SbDesk *desk;
  GStrv ids;

  g_return_val_if_fail (ROSTER_IS_SANDBOX (self), NULL);

  g_mutex_lock (&self->lock);
  desk = self->products ? lookup_desk (self->products, project_key) : NULL;
  for (guint i = 0; desk != NULL && i < desk->direct->len; i++)
    g_strv_builder_add (builder, g_array_index (self->products->customers, SbCustomer,
                                                g_array_index (desk->direct, guint, i)).account_id);
  g_mutex_unlock (&self->lock);
  ids = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return ids;
}

guint
roster_sandbox_get_n_customers (RosterSandbox *self)
{
  guint n;

  g_return_val_if_fail (ROSTER_IS_SANDBOX (self), 0);

  g_mutex_lock (&self->lock);
  n = self->products ? self->products->customers->len : 0;
  g_mutex_unlock (&self->lock);
  return n;
}

GStrv
roster_sandbox_dup_space_keys (RosterSandbox *self)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  GStrv keys;

  g_return_val_if_fail (ROSTER_IS_SANDBOX (self), NULL);

  g_mutex_lock (&self->lock);
  for (guint i = 0; self->products && i < self->products->spaces->len; i++)
    g_strv_builder_add (builder, ((SbSpace *) g_ptr_array_index (self->products->spaces, i))->key);
  g_mutex_unlock (&self->lock);
  keys = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return keys;
}

GStrv
roster_sandbox_dup_space_member_ids (RosterSandbox *self,
                                     const char    *space_key)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GStrvBuilder *builder = g_strv_builder_new ();
  SbSpace *space;
  GStrv ids;

  g_return_val_if_fail (ROSTER_IS_SANDBOX (self), NULL);

  g_mutex_lock (&self->lock);
  space = self->products ? lookup_space (self->products, space_key) : NULL;
  for (guint i = 0; space != NULL && i < space->grants->len; i++)
    {
      const SbGrant *grant = &g_array_index (space->grants, SbGrant, i);

      if (g_strcmp0 (grant->operation, "read") != 0 || g_strcmp0 (grant->target, "space") != 0)
        continue;
      if (grant->kind == GRANT_USER)
        g_hash_table_add (seen, (gpointer) g_array_index (self->org->users, SbUser, grant->index).account_id);
      else if (grant->kind == GRANT_GROUP)
        {
          guint64 bit = G_GUINT64_CONSTANT (1) << grant->index;

          for (guint k = 0; k < self->org->users->len; k++)
            if (g_array_index (self->org->users, SbUser, k).groups & bit)
              g_hash_table_add (seen, (gpointer) g_array_index (self->org->users, SbUser, k).account_id);
        }
    }
  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, seen);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      g_strv_builder_add (builder, key);
  }
  g_mutex_unlock (&self->lock);
  ids = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return ids;
}
