/* roster-sandbox-org.c
 *
 * The sandbox organization's data model: status rules, look-ups, product access
 * recomputation, a fast JSON writer for users and groups, and the user filter
 * of the Admin API search.
 */
#define G_LOG_DOMAIN "roster-sandbox"

#include "config.h"

#include <string.h>
#include <time.h>

#include "roster-sandbox-private.h"

static const char *product_keys[SB_N_PRODUCTS] = {
  "jira-software", "jira-service-desk", "confluence",
};

static const char *workspace_types[SB_N_PRODUCTS] = {
  "jira-software", "jira-servicedesk", "confluence",
};

static const char *status_names[SB_N_STATUS] = {
  "active", "suspended", "not_invited", "deactivated", "for_deletion",
};

static const char *account_status_names[] = { "active", "inactive", "closed" };
static const char *membership_names[] = { "active", "suspended", "no_membership" };
static const char *account_type_names[] = { "atlassian", "app", "customer" };

void
_sb_org_free (SbOrg *org)
{
  if (org == NULL)
    return;

  g_free (org->org_id);
  g_free (org->org_name);
  g_free (org->directory_id);
  g_free (org->cloud_id);
  g_free (org->host);
  for (guint i = 0; i < SB_N_PRODUCTS; i++)
    {
      g_free (org->workspace_ids[i]);
      g_free (org->workspace_created[i]);
    }
  g_clear_pointer (&org->users, g_array_unref);
  g_clear_pointer (&org->user_index, g_hash_table_unref);
  g_clear_pointer (&org->email_index, g_hash_table_unref);
  if (org->groups != NULL)
    {
      for (guint i = 0; i < org->groups->len; i++)
        {
          SbGroup *group = g_ptr_array_index (org->groups, i);

          g_free (group->id);
          g_free (group);
        }
      g_ptr_array_unref (org->groups);
    }
  g_clear_pointer (&org->strings, g_string_chunk_free);
  g_free (org);
}

const char *
_sb_product_key (guint product)
{
  g_assert (product < SB_N_PRODUCTS);
  return product_keys[product];
}

const char *
_sb_workspace_type (guint product)
{
  g_assert (product < SB_N_PRODUCTS);
  return workspace_types[product];
}

SbStatus
_sb_user_status (const SbUser *user)
{
  /* Reference §9: the composite status follows accountStatus first. */
  if (user->account_status == SB_ACCOUNT_STATUS_CLOSED)
    return SB_STATUS_FOR_DELETION;
  if (user->account_status == SB_ACCOUNT_STATUS_INACTIVE)
    return SB_STATUS_DEACTIVATED;
  if (user->membership == SB_MEMBERSHIP_SUSPENDED)
    return SB_STATUS_SUSPENDED;
  if (user->membership == SB_MEMBERSHIP_NONE)
    return SB_STATUS_NOT_INVITED;
  return SB_STATUS_ACTIVE;
}

static int
lookup_name (const char *const *names,
             guint              n_names,
             const char        *str)
{
  if (str == NULL)
    return -1;
  for (guint i = 0; i < n_names; i++)
    if (strcmp (names[i], str) == 0)
      return i;
  return -1;
}

const char *
_sb_status_to_string (SbStatus status)
{
  g_assert (status < SB_N_STATUS);
  return status_names[status];
}

int
_sb_status_from_string (const char *str)
{
  return lookup_name (status_names, G_N_ELEMENTS (status_names), str);
}

const char *
_sb_account_status_to_string (guint status)
{
  g_assert (status < G_N_ELEMENTS (account_status_names));
  return account_status_names[status];
}

int
_sb_account_status_from_string (const char *str)
{
  return lookup_name (account_status_names, G_N_ELEMENTS (account_status_names), str);
}

const char *
_sb_membership_to_string (guint membership)
{
  g_assert (membership < G_N_ELEMENTS (membership_names));
  return membership_names[membership];
}

int
_sb_membership_from_string (const char *str)
{
  return lookup_name (membership_names, G_N_ELEMENTS (membership_names), str);
}

const char *
_sb_account_type_to_string (guint type)
{
  g_assert (type < G_N_ELEMENTS (account_type_names));
  return account_type_names[type];
}

gboolean
_sb_user_is_managed (const SbOrg  *org,
                     const SbUser *user)
{
  return user->domain != SB_NO_DOMAIN && org->domains[user->domain].verified;
}

SbUser *
_sb_org_lookup_user (SbOrg      *org,
                     const char *account_id)
{
  guint idx;

  if (account_id == NULL)
    return NULL;
  idx = GPOINTER_TO_UINT (g_hash_table_lookup (org->user_index, account_id));
  if (idx == 0)
    return NULL;
  return &g_array_index (org->users, SbUser, idx - 1);
}

int
_sb_org_lookup_group (SbOrg      *org,
                      const char *group_id)
{
  if (group_id == NULL)
    return -1;
  if (g_str_has_prefix (group_id, "ari:cloud:identity::group/"))
    group_id += strlen ("ari:cloud:identity::group/");
  for (guint i = 0; i < org->groups->len; i++)
    {
      SbGroup *group = g_ptr_array_index (org->groups, i);

      if (g_ascii_strcasecmp (group->id, group_id) == 0)
        return i;
    }
  return -1;
}

int
_sb_org_lookup_resource (SbOrg      *org,
                         const char *resource_id)
{
  if (resource_id == NULL)
    return -1;
  for (guint i = 0; i < SB_N_PRODUCTS; i++)
    if (strcmp (org->workspace_ids[i], resource_id) == 0)
      return i;
  return -1;
}

guint
_sb_group_count_users (SbOrg *org,
                       guint  group)
{
  guint64 bit = G_GUINT64_CONSTANT (1) << group;
  guint n = 0;

  for (guint i = 0; i < org->users->len; i++)
    if (g_array_index (org->users, SbUser, i).groups & bit)
      n++;
  return n;
}

/* Effective access = direct grants ∪ what the user's groups grant. A product
 * the user newly gets has no last-active date (never used since the grant);
 * one the user loses forgets its date. */
void
_sb_org_recompute_products (SbOrg  *org,
                            SbUser *user)
{
  guint8 products = user->direct_products;

  for (guint i = 0; i < org->groups->len; i++)
    {
      SbGroup *group = g_ptr_array_index (org->groups, i);

      if (user->groups & (G_GUINT64_CONSTANT (1) << i))
        products |= group->user_products;
    }

  for (guint p = 0; p < SB_N_PRODUCTS; p++)
    if (!(products & (1 << p)))
      user->last_active_ms[p] = 0;

  user->products = products;
}

/* JSON writing */

void
_sb_json_append_string (GString    *out,
                        const char *str)
{
  const char *run = str;
  const char *p;

  g_string_append_c (out, '"');
  for (p = str; *p; p++)
    {
      guchar c = (guchar) *p;

      if (c >= 0x20 && c != '"' && c != '\\')
        continue;

      g_string_append_len (out, run, p - run);
      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default: g_string_append_printf (out, "\\u%04x", c); break;
        }
      run = p + 1;
    }
  g_string_append_len (out, run, p - run);
  g_string_append_c (out, '"');
}

void
_sb_format_time (char     buf[40],
                 gint64   ms,
                 gboolean with_ms)
{
  time_t secs = (time_t) (ms / 1000);
  struct tm tm;

  gmtime_r (&secs, &tm);
  if (with_ms)
    g_snprintf (buf, 40, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, (int) (ms % 1000));
  else
    g_snprintf (buf, 40, "%04d-%02d-%02dT%02d:%02d:%02dZ",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void
_sb_format_date (char   buf[16],
                 gint64 ms)
{
  time_t secs = (time_t) (ms / 1000);
  struct tm tm;

  gmtime_r (&secs, &tm);
  g_snprintf (buf, 16, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static inline void
append_member (GString    *out,
               const char *key,
               const char *value)
{
  g_string_append_c (out, ',');
  g_string_append_c (out, '"');
  g_string_append (out, key);
  g_string_append (out, "\":");
  _sb_json_append_string (out, value);
}

static inline void
append_bool (GString    *out,
             const char *key,
             gboolean    value)
{
  g_string_append_c (out, ',');
  g_string_append_c (out, '"');
  g_string_append (out, key);
  g_string_append (out, value ? "\":true" : "\":false");
}

static guint
count_bits (guint64 v)
{
  return (guint) __builtin_popcountll (v);
}

void
_sb_append_user_json (SbOrg        *org,
                      GString      *out,
                      const SbUser *user,
                      guint         expand,
                      gboolean      details)
{
  char buf[40];

  g_string_append (out, "{\"accountId\":");
  _sb_json_append_string (out, user->account_id);
  append_member (out, "accountType", account_type_names[user->account_type]);
  append_member (out, "accountStatus", account_status_names[user->account_status]);
  append_member (out, "membershipStatus", membership_names[user->membership]);
  append_member (out, "status", status_names[_sb_user_status (user)]);
  append_member (out, "claimStatus", _sb_user_is_managed (org, user) ? "managed" : "unmanaged");
  if (user->account_type == SB_ACCOUNT_APP)
    g_string_append (out, ",\"managementSource\":null");
  else
    append_member (out, "managementSource", user->synced ? "synced" : "invited");
  append_member (out, "name", user->name);
  append_member (out, "nickname", user->nickname);
  if (user->email != NULL)
    {
      append_member (out, "email", user->email);
      append_bool (out, "emailVerified", user->email_verified);
    }
  else if (user->email_null)
    g_string_append (out, ",\"email\":null");
  append_bool (out, "mfaEnabled", user->mfa_enabled);
  _sb_format_time (buf, user->added_to_org_ms, TRUE);
  append_member (out, "addedToOrg", buf);
  if (details && user->deactivated_on_ms != 0)
    {
      _sb_format_time (buf, user->deactivated_on_ms, TRUE);
      append_member (out, "deactivatedOn", buf);
    }
  if (user->job_title != NULL)
    append_member (out, "jobTitle", user->job_title);
  if (user->department != NULL)
    append_member (out, "department", user->department);
  g_string_append (out, ",\"avatar\":\"https://avatar-management.example/avatar/");
  g_string_append (out, user->account_id);
  g_string_append (out, "\",\"picture\":\"https://avatar-management.example/avatar/");
  g_string_append (out, user->account_id);
  g_string_append (out, "\"");
  append_member (out, "timeZone", user->time_zone);

  if (expand & SB_EXPAND_PLATFORM_ROLES || details)
    {
      gboolean first = TRUE;

      g_string_append (out, ",\"platformRoles\":[");
      if (user->roles & SB_ROLE_ORG_ADMIN)
        {
          g_string_append (out, "\"atlassian/org-admin\"");
          first = FALSE;
        }
      if (user->roles & SB_ROLE_SITE_ADMIN)
        g_string_append (out, first ? "\"atlassian/site-admin\"" : ",\"atlassian/site-admin\"");
      g_string_append_c (out, ']');
    }

  if (expand & SB_EXPAND_PRODUCT_ACCESS)
    {
      gboolean first = TRUE;

      g_string_append (out, ",\"productAccess\":[");
      for (guint p = 0; p < SB_N_PRODUCTS; p++)
        {
          if (!(user->products & (1 << p)))
            continue;
          if (!first)
            g_string_append_c (out, ',');
          first = FALSE;
          g_string_append (out, "{\"id\":\"");
          g_string_append (out, org->workspace_ids[p]);
          g_string_append (out, "\",\"key\":\"");
          g_string_append (out, product_keys[p]);
          g_string_append_c (out, '"');
          if (user->last_active_ms[p] != 0)
            {
              _sb_format_time (buf, user->last_active_ms[p], TRUE);
              g_string_append (out, ",\"lastActiveTimestamp\":\"");
              g_string_append (out, buf);
              g_string_append_c (out, '"');
            }
          g_string_append_c (out, '}');
        }
      g_string_append_c (out, ']');
    }

  if (expand & SB_EXPAND_GROUPS)
    {
      gboolean first = TRUE;
      guint64 bits = user->groups;

      g_string_append (out, ",\"groups\":[");
      while (bits != 0)
        {
          guint i = (guint) __builtin_ctzll (bits);
          SbGroup *group = g_ptr_array_index (org->groups, i);

          bits &= bits - 1;
          if (!first)
            g_string_append_c (out, ',');
          first = FALSE;
          g_string_append (out, "{\"id\":\"ari:cloud:identity::group/");
          g_string_append (out, group->id);
          g_string_append (out, "\",\"name\":");
          _sb_json_append_string (out, group->name);
          g_string_append_c (out, '}');
        }
      g_string_append_c (out, ']');
    }

  if (expand & SB_EXPAND_COUNTS)
    g_string_append_printf (out, ",\"counts\":{\"resources\":%u}", count_bits (user->products));

  g_string_append (out, ",\"links\":{\"self\":\"");
  g_string_append (out, user->account_id);
  g_string_append (out, "\"}}");
}

void
_sb_append_group_json (SbOrg   *org,
                       GString *out,
                       guint    index,
                       gboolean with_counts)
{
  SbGroup *group = g_ptr_array_index (org->groups, index);

  g_string_append (out, "{\"id\":");
  _sb_json_append_string (out, group->id);
  append_member (out, "name", group->name);
  append_member (out, "description", group->description);
  append_member (out, "directoryId", org->directory_id);
  append_bool (out, "externalSynced", group->external_synced);
  append_member (out, "managedBy", group->external_synced ? "external" : "admins");
  g_string_append_printf (out,
                          ",\"managementAccess\":{\"readable\":true,\"modifiable\":%s,"
                          "\"deletable\":%s}",
                          group->external_synced ? "false" : "true",
                          group->external_synced || group->user_products ? "false" : "true");
  if (with_counts)
    {
      guint resources = count_bits (group->user_products | group->admin_products);

      g_string_append_printf (out, ",\"counts\":{\"users\":%u,\"resources\":%u}",
                              _sb_group_count_users (org, index), resources);
    }
  g_string_append (out, ",\"links\":{\"self\":");
  _sb_json_append_string (out, group->id);
  g_string_append (out, "}}");
}

/* Filters */

void
_sb_filter_init (SbFilter *filter)
{
  memset (filter, 0, sizeof *filter);
  filter->claim = -1;
  filter->mfa = -1;
}

void
_sb_filter_clear (SbFilter *filter)
{
  g_clear_pointer (&filter->search_term, g_free);
  g_clear_pointer (&filter->emails, g_ptr_array_unref);
  g_clear_pointer (&filter->account_ids, g_ptr_array_unref);
  g_clear_pointer (&filter->email_domains, g_ptr_array_unref);
}

static gboolean
str_in (GPtrArray  *array,
        const char *str)
{
  if (str == NULL)
    return FALSE;
  for (guint i = 0; i < array->len; i++)
    if (strcmp (g_ptr_array_index (array, i), str) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
email_in (GPtrArray  *array,
          const char *email)
{
  if (email == NULL)
    return FALSE;
  for (guint i = 0; i < array->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (array, i), email) == 0)
      return TRUE;
  return FALSE;
}

gboolean
_sb_filter_match (SbOrg          *org,
                  const SbFilter *filter,
                  const SbUser   *user)
{
  if (filter->status_mask && !(filter->status_mask & (1u << _sb_user_status (user))))
    return FALSE;
  if (filter->account_status_mask && !(filter->account_status_mask & (1u << user->account_status)))
    return FALSE;
  if (filter->membership_mask && !(filter->membership_mask & (1u << user->membership)))
    return FALSE;
  if (filter->claim >= 0 && (filter->claim == 0) != _sb_user_is_managed (org, user))
    return FALSE;
  if (filter->mfa >= 0 && (filter->mfa != 0) != (user->mfa_enabled != 0))
    return FALSE;
  if (filter->has_groups && !(filter->group_mask & user->groups))
    return FALSE;
  if (filter->has_resources && !(filter->resource_mask & user->products))
    return FALSE;
  if (filter->has_roles &&
      !((filter->role_platform_mask & user->roles) || (filter->role_user && user->products)))
    return FALSE;
  if (filter->account_ids && !str_in (filter->account_ids, user->account_id))
    return FALSE;
  if (filter->emails && !email_in (filter->emails, user->email))
    return FALSE;
  if (filter->email_domains)
    {
      const char *at = user->email ? strrchr (user->email, '@') : NULL;

      if (at == NULL || !email_in (filter->email_domains, at + 1))
        return FALSE;
    }
  if (filter->search_term && strstr (user->search_key, filter->search_term) == NULL)
    return FALSE;
  return TRUE;
}

char *
_sb_base64url_encode (const char *text)
{
  char *b64 = g_base64_encode ((const guchar *) text, strlen (text));
  char *p;

  for (p = b64; *p; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
      else if (*p == '=')
        {
          *p = '\0';
          break;
        }
    }
  return b64;
}

char *
_sb_base64url_decode (const char *text)
{
  g_autoptr(GString) s = NULL;
  guchar *raw;
  gsize len = 0;

  if (text == NULL || *text == '\0')
    return NULL;
  s = g_string_new (NULL);
  for (const char *p = text; *p; p++)
    {
      if (*p == '-')
        g_string_append_c (s, '+');
      else if (*p == '_')
        g_string_append_c (s, '/');
      else if (g_ascii_isalnum (*p))
        g_string_append_c (s, *p);
      else
        return NULL;
    }
  while (s->len % 4 != 0)
    g_string_append_c (s, '=');
  raw = g_base64_decode (s->str, &len);
  if (raw == NULL || len == 0 || memchr (raw, '\0', len) != NULL ||
      !g_utf8_validate ((const char *) raw, len, NULL))
    {
      g_free (raw);
      return NULL;
    }
  raw = g_realloc (raw, len + 1);
  raw[len] = '\0';
  return (char *) raw;
}
