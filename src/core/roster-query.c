/* roster-query.c
 *
 * The query is a list of terms that must all hold. Free-text terms are folded like
 * the user set's search keys and matched as substrings of them; the structured terms
 * read the set's columns. roster_query_filter_with_index() lets the n-gram index
 * narrow the rows for the longest free-text term first.
 */
#define G_LOG_DOMAIN "roster-query"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "roster-error.h"
#include "roster-query.h"
#include "roster-search-index.h"

typedef enum
{
  TERM_TEXT,
  TERM_EMAIL,
  TERM_DOMAIN,
  TERM_STATUS,
  TERM_PRODUCT,
  TERM_INACTIVE_MORE,    /* days > n (or >= with or_equal) */
  TERM_INACTIVE_LESS,
  TERM_NEVER,
  TERM_TYPE,
  TERM_GROUP,
  TERM_BILLABLE,
  TERM_INACTIVITY,
  TERM_ADMIN,
  TERM_SPACE,
} TermKind;

typedef struct
{
  TermKind  kind;
  gboolean  negated;
  gboolean  flag;       /* yes/no terms; or_equal for inactive */
  int       number;     /* enum value or days */
  char     *text;       /* (owned) (nullable) folded text, domain, group casefold, space key */
} Term;

struct _RosterQuery
{
  GArray    *terms;     /* Term */
  char      *text;      /* (owned) (nullable) positive free text, folded, space-joined */
  GPtrArray *spaces;    /* (owned) NULL-terminated space keys */
};

/* Tokens ------------------------------------------------------------------------- */

typedef struct
{
  char     *raw;        /* the token as written, quotes included */
  char     *field;      /* (nullable) lower-case field name */
  char     *value;      /* value (or free text) without quotes */
  gboolean  negated;
} Token;

static void
token_free (Token *token)
{
  g_free (token->raw);
  g_free (token->field);
  g_free (token->value);
  g_free (token);
}

static gboolean
is_field_name (const char *start,
               gsize       len)
{
  if (len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalpha (start[i]) && start[i] != '_')
      return FALSE;
  return TRUE;
}

/* Splits text into tokens. strict: an unterminated quote is an error; else the quote
 * runs to the end (the editing helpers never fail). */
static GPtrArray *
tokenize (const char  *text,
          gboolean     strict,
          GError     **error)
{
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) token_free);
  const char *p = text != NULL ? text : "";

  for (;;)
    {
      const char *start, *body, *colon = NULL;
      GString *value;
      Token *token;
      gboolean in_quotes = FALSE, seen_quote = FALSE, is_field = FALSE;

      while (*p != '\0' && g_ascii_isspace (*p))
        p++;
      if (*p == '\0')
        break;

      start = p;
      body = (*p == '-') ? p + 1 : p;
      value = g_string_new (NULL);

      for (p = body; *p != '\0' && (in_quotes || !g_ascii_isspace (*p)); p++)
        {
          if (*p == '"')
            {
              in_quotes = !in_quotes;
              seen_quote = TRUE;
              continue;
            }
          if (*p == ':' && colon == NULL && !seen_quote)
            {
              /* "status:x" is a field; "712020:abc" (an account id) stays text. */
              colon = p;
              if (is_field_name (body, colon - body))
                {
                  is_field = TRUE;
                  g_string_truncate (value, 0);
                  continue;
                }
            }
          g_string_append_c (value, *p);
        }

      if (in_quotes && strict)
        {
          g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT,
                       "Unterminated quote in “%.*s”", (int) (p - start), start);
          g_string_free (value, TRUE);
          return NULL;
        }

      if (body == p)
        {
          /* A lone "-": nothing to negate. */
          g_string_free (value, TRUE);
          continue;
        }

      token = g_new0 (Token, 1);
      token->raw = g_strndup (start, p - start);
      token->negated = body != start;
      if (is_field)
        token->field = g_ascii_strdown (body, colon - body);
      token->value = g_string_free (value, FALSE);
      g_ptr_array_add (tokens, token);
    }

  return g_steal_pointer (&tokens);
}

/* Parsing ------------------------------------------------------------------------- */

static gboolean
parse_yes_no (const char *value,
              gboolean   *out)
{
  if (g_ascii_strcasecmp (value, "yes") == 0 || g_ascii_strcasecmp (value, "true") == 0)
    *out = TRUE;
  else if (g_ascii_strcasecmp (value, "no") == 0 || g_ascii_strcasecmp (value, "false") == 0)
    *out = FALSE;
  else
    return FALSE;
  return TRUE;
}

static gboolean
term_error (GError     **error,
            const char  *format,
            ...) G_GNUC_PRINTF (2, 3);

static gboolean
term_error (GError     **error,
            const char  *format,
            ...)
{
  va_list args;
  char *message;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT, message);
  g_free (message);
  return FALSE;
}

static gboolean
parse_term (const Token  *token,
            Term         *term,
            GError      **error)
{
  const char *field = token->field;
  const char *value = token->value;

  memset (term, 0, sizeof *term);
  term->negated = token->negated;

  if (field == NULL)
    {
      term->kind = TERM_TEXT;
      term->text = roster_fold_for_search (value);
      return TRUE;
    }

  if (value[0] == '\0')
    return term_error (error, "Missing value after “%s:”", field);

  if (strcmp (field, "email") == 0)
    {
      term->kind = TERM_EMAIL;
      term->text = roster_fold_for_search (value);
    }
  else if (strcmp (field, "domain") == 0)
    {
      term->kind = TERM_DOMAIN;
      term->text = g_ascii_strdown (value[0] == '@' ? value + 1 : value, -1);
    }
  else if (strcmp (field, "status") == 0)
    {
      RosterStatus status = roster_status_from_string (value);

      if (status == ROSTER_STATUS_UNKNOWN)
        return term_error (error, "Unknown status “%s” (expected active, suspended, "
                           "not_invited, deactivated or for_deletion)", value);
      term->kind = TERM_STATUS;
      term->number = status;
    }
  else if (strcmp (field, "product") == 0)
    {
      RosterProduct product = roster_product_from_string (value);

      if (product >= ROSTER_N_PRODUCTS)
        return term_error (error, "Unknown product “%s” (expected jira, jsm or confluence)",
                           value);
      term->kind = TERM_PRODUCT;
      term->number = product;
    }
  else if (strcmp (field, "inactive") == 0)
    {
      const char *digits = value;
      char *end = NULL;
      long days;

      if (value[0] == '>')
        term->kind = TERM_INACTIVE_MORE;
      else if (value[0] == '<')
        term->kind = TERM_INACTIVE_LESS;
      else
        return term_error (error, "“inactive:%s”: expected >N or <N (days), e.g. inactive:>90",
                           value);
      digits++;
      if (*digits == '=')
        {
          term->flag = TRUE;
          digits++;
        }
      days = g_ascii_isdigit (*digits) ? strtol (digits, &end, 10) : -1;
      if (days < 0 || end == NULL || *end != '\0' || days > 100000)
        return term_error (error, "“inactive:%s”: expected a number of days after %c, "
                           "e.g. inactive:>90", value, value[0]);
      term->number = (int) days;
    }
  else if (strcmp (field, "never") == 0 || strcmp (field, "billable") == 0 ||
           strcmp (field, "admin") == 0)
    {
      if (!parse_yes_no (value, &term->flag))
        return term_error (error, "“%s:%s”: expected yes or no", field, value);
      term->kind = field[0] == 'n' ? TERM_NEVER : field[0] == 'b' ? TERM_BILLABLE : TERM_ADMIN;
    }
  else if (strcmp (field, "type") == 0)
    {
      RosterAccountType type = roster_account_type_from_string (value);

      if (type == ROSTER_ACCOUNT_TYPE_UNKNOWN)
        return term_error (error, "Unknown account type “%s” (expected atlassian, app or "
                           "customer)", value);
      term->kind = TERM_TYPE;
      term->number = type;
    }
  else if (strcmp (field, "group") == 0)
    {
      term->kind = TERM_GROUP;
      term->text = g_utf8_casefold (value, -1);
    }
  else if (strcmp (field, "inactivity") == 0)
    {
      RosterInactivityLevel level;

      if (!roster_inactivity_from_string (value, &level))
        return term_error (error, "Unknown inactivity “%s” (expected active, warning, overdue "
                           "or never)", value);
      term->kind = TERM_INACTIVITY;
      term->number = level;
    }
  else if (strcmp (field, "space") == 0)
    {
      term->kind = TERM_SPACE;
      term->text = g_ascii_strup (value, -1);
    }
  else
    return term_error (error, "Unknown filter “%s:” (expected email, domain, status, product, "
                       "inactive, never, type, group, billable, inactivity, admin or space)",
                       field);

  return TRUE;
}

static void
clear_term (Term *term)
{
  g_clear_pointer (&term->text, g_free);
}

RosterQuery *
roster_query_parse (const char  *text,
                    GError     **error)
{
  g_autoptr(RosterQuery) query = NULL;
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GString) free_text = g_string_new (NULL);

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  tokens = tokenize (text, TRUE, error);
  if (tokens == NULL)
    return NULL;

  query = g_new0 (RosterQuery, 1);
  query->terms = g_array_new (FALSE, FALSE, sizeof (Term));
  g_array_set_clear_func (query->terms, (GDestroyNotify) clear_term);
  query->spaces = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < tokens->len; i++)
    {
      Term term;

      if (!parse_term (g_ptr_array_index (tokens, i), &term, error))
        return NULL;

      /* Free text that folds to nothing (only marks) would match everything. */
      if (term.kind == TERM_TEXT && term.text[0] == '\0')
        {
          clear_term (&term);
          continue;
        }

      if (term.kind == TERM_TEXT && !term.negated)
        {
          if (free_text->len > 0)
            g_string_append_c (free_text, ' ');
          g_string_append (free_text, term.text);
        }
      if (term.kind == TERM_SPACE && !g_ptr_array_find_with_equal_func (query->spaces, term.text,
                                                                        g_str_equal, NULL))
        g_ptr_array_add (query->spaces, g_strdup (term.text));

      g_array_append_val (query->terms, term);
    }

  g_ptr_array_add (query->spaces, NULL);
  if (free_text->len > 0)
    query->text = g_strdup (free_text->str);

  return g_steal_pointer (&query);
}

void
roster_query_free (RosterQuery *query)
{
  if (query == NULL)
    return;

  g_array_unref (query->terms);
  g_ptr_array_unref (query->spaces);
  g_free (query->text);
  g_free (query);
}

gboolean
roster_query_is_empty (const RosterQuery *query)
{
  g_return_val_if_fail (query != NULL, TRUE);
  return query->terms->len == 0;
}

const char *
roster_query_get_text (const RosterQuery *query)
{
  g_return_val_if_fail (query != NULL, NULL);
  return query->text;
}

const char * const *
roster_query_get_spaces (const RosterQuery *query)
{
  g_return_val_if_fail (query != NULL, NULL);
  return (const char * const *) query->spaces->pdata;
}

/* Evaluation ------------------------------------------------------------------------ */

/* Per-term data resolved once per filter run. */
typedef struct
{
  GPtrArray  *groups;    /* (nullable) interned group name pointers matching a group term */
  GHashTable *members;   /* (nullable) (unowned) space members */
} Resolved;

static gboolean
group_matches_slow (RosterUserSet *set,
                    guint          row,
                    const char    *folded)
{
  for (const char * const *g = roster_user_set_get_group_names (set, row); *g != NULL; g++)
    {
      g_autofree char *name = g_utf8_casefold (*g, -1);

      if (strcmp (name, folded) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
eval_term (const Term               *term,
           const Resolved           *resolved,
           RosterUserSet            *set,
           guint                     row,
           const RosterQueryContext *context)
{
  switch (term->kind)
    {
    case TERM_TEXT:
      return strstr (roster_user_set_get_search_key (set, row), term->text) != NULL;

    case TERM_EMAIL:
      {
        const char *key = roster_user_set_get_search_key (set, row);
        const char *email = strchr (key, '\n');

        return email != NULL && email[1] != '\0' && strstr (email + 1, term->text) != NULL;
      }

    case TERM_DOMAIN:
      {
        const char *email = roster_user_set_get_email (set, row);
        const char *at = email != NULL ? strrchr (email, '@') : NULL;

        return at != NULL && g_ascii_strcasecmp (at + 1, term->text) == 0;
      }

    case TERM_STATUS:
      return roster_user_set_get_status (set, row) == (RosterStatus) term->number;

    case TERM_PRODUCT:
      return (roster_user_set_get_products (set, row) & (1u << term->number)) != 0;

    case TERM_INACTIVE_MORE:
    case TERM_INACTIVE_LESS:
      {
        int days = roster_inactivity_days (roster_user_set_get_last_active (set, row),
                                           context->now_unix);

        if (days < 0)
          return FALSE;
        if (term->kind == TERM_INACTIVE_MORE)
          return term->flag ? days >= term->number : days > term->number;
        return term->flag ? days <= term->number : days < term->number;
      }

    case TERM_NEVER:
      return (roster_user_set_get_last_active (set, row) <= 0) == term->flag;

    case TERM_TYPE:
      return roster_user_set_get_account_type (set, row) == (RosterAccountType) term->number;

    case TERM_GROUP:
      if (resolved != NULL && resolved->groups != NULL)
        {
          for (const char * const *g = roster_user_set_get_group_names (set, row); *g; g++)
            for (guint k = 0; k < resolved->groups->len; k++)
              if (*g == g_ptr_array_index (resolved->groups, k))
                return TRUE;
          return FALSE;
        }
      return group_matches_slow (set, row, term->text);

    case TERM_BILLABLE:
      return roster_user_set_is_billable (set, row) == term->flag;

    case TERM_INACTIVITY:
      return roster_inactivity_classify (&context->thresholds,
                                         roster_user_set_get_last_active (set, row),
                                         context->now_unix) ==
             (RosterInactivityLevel) term->number;

    case TERM_ADMIN:
      return roster_user_set_is_org_admin (set, row) == term->flag;

    case TERM_SPACE:
      {
        GHashTable *members = NULL;

        if (resolved != NULL)
          members = resolved->members;
        else if (context->space_members != NULL)
          members = g_hash_table_lookup (context->space_members, term->text);

        return members != NULL &&
               g_hash_table_contains (members, roster_user_set_get_account_id (set, row));
      }

    default:
      g_assert_not_reached ();
    }
}

static gboolean
eval_all (const RosterQuery        *query,
          const Resolved           *resolved,
          RosterUserSet            *set,
          guint                     row,
          const RosterQueryContext *context)
{
  for (guint i = 0; i < query->terms->len; i++)
    {
      const Term *term = &g_array_index (query->terms, Term, i);

      if (eval_term (term, resolved ? &resolved[i] : NULL, set, row, context) == term->negated)
        return FALSE;
    }

  return TRUE;
}

gboolean
roster_query_matches (const RosterQuery        *query,
                      RosterUserSet            *set,
                      guint                     row,
                      const RosterQueryContext *context)
{
  g_return_val_if_fail (query != NULL, FALSE);
  g_return_val_if_fail (set != NULL, FALSE);
  g_return_val_if_fail (context != NULL, FALSE);
  g_return_val_if_fail (row < roster_user_set_get_n_users (set), FALSE);

  return eval_all (query, NULL, set, row, context);
}

static Resolved *
resolve_terms (const RosterQuery        *query,
               RosterUserSet            *set,
               const RosterQueryContext *context)
{
  Resolved *resolved = g_new0 (Resolved, MAX (query->terms->len, 1));

  for (guint i = 0; i < query->terms->len; i++)
    {
      const Term *term = &g_array_index (query->terms, Term, i);

      if (term->kind == TERM_GROUP)
        {
          resolved[i].groups = g_ptr_array_new ();
          for (guint g = 0; g < roster_user_set_get_n_groups (set); g++)
            {
              const char *name = roster_user_set_get_group (set, g);
              g_autofree char *folded = g_utf8_casefold (name, -1);

              if (strcmp (folded, term->text) == 0)
                g_ptr_array_add (resolved[i].groups, (gpointer) name);
            }
        }
      else if (term->kind == TERM_SPACE && context->space_members != NULL)
        resolved[i].members = g_hash_table_lookup (context->space_members, term->text);
    }

  return resolved;
}

static void
free_resolved (const RosterQuery *query,
               Resolved          *resolved)
{
  for (guint i = 0; i < query->terms->len; i++)
    g_clear_pointer (&resolved[i].groups, g_ptr_array_unref);
  g_free (resolved);
}

guint
roster_query_filter_with_index (const RosterQuery        *query,
                                RosterUserSet            *set,
                                RosterSearchIndex        *index,
                                const RosterQueryContext *context,
                                guint                    *out_rows)
{
  const Term *longest = NULL;
  Resolved *resolved;
  guint n = 0;

  g_return_val_if_fail (query != NULL, 0);
  g_return_val_if_fail (set != NULL, 0);
  g_return_val_if_fail (context != NULL, 0);
  g_return_val_if_fail (out_rows != NULL, 0);

  if (index != NULL && roster_search_index_get_set (index) != set)
    {
      g_warning ("Search index belongs to another user set; filtering without it");
      index = NULL;
    }

  if (index != NULL)
    for (guint i = 0; i < query->terms->len; i++)
      {
        const Term *term = &g_array_index (query->terms, Term, i);

        if (term->kind == TERM_TEXT && !term->negated &&
            (longest == NULL || strlen (term->text) > strlen (longest->text)))
          longest = term;
      }

  resolved = resolve_terms (query, set, context);

  if (longest != NULL)
    {
      const guint *candidates = NULL;
      guint n_candidates = roster_search_index_lookup (index, longest->text, &candidates);

      /* The index answered the longest text term exactly; check the rest per row. */
      for (guint i = 0; i < n_candidates; i++)
        if (eval_all (query, resolved, set, candidates[i], context))
          out_rows[n++] = candidates[i];
    }
  else
    {
      guint n_users = roster_user_set_get_n_users (set);

      for (guint row = 0; row < n_users; row++)
        if (eval_all (query, resolved, set, row, context))
          out_rows[n++] = row;
    }

  free_resolved (query, resolved);
  return n;
}

guint
roster_query_filter (const RosterQuery        *query,
                     RosterUserSet            *set,
                     const RosterQueryContext *context,
                     guint                    *out_rows)
{
  return roster_query_filter_with_index (query, set, NULL, context, out_rows);
}

/* Editing helpers ------------------------------------------------------------------- */

static char *
quote_value (const char *value)
{
  g_autoptr(GString) clean = g_string_new (NULL);
  gboolean needs_quotes = FALSE;

  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        continue;   /* the syntax has no escape for quotes */
      if (g_ascii_isspace (*p))
        needs_quotes = TRUE;
      g_string_append_c (clean, *p);
    }

  if (needs_quotes)
    return g_strdup_printf ("\"%s\"", clean->str);
  return g_strdup (clean->str);
}

char *
roster_query_text_set_field (const char *text,
                             const char *field,
                             const char *value)
{
  g_autoptr(GPtrArray) tokens = NULL;
  g_autofree char *field_lower = NULL;
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (field != NULL, NULL);

  field_lower = g_ascii_strdown (field[0] == '-' ? field + 1 : field, -1);
  tokens = tokenize (text, FALSE, NULL);

  for (guint i = 0; i < tokens->len; i++)
    {
      const Token *token = g_ptr_array_index (tokens, i);

      if (g_strcmp0 (token->field, field_lower) == 0)
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, token->raw);
    }

  if (value != NULL)
    {
      g_autofree char *quoted = quote_value (value);

      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append_printf (out, "%s:%s", field_lower, quoted);
    }

  return g_string_free (out, FALSE);
}

char *
roster_query_text_get_field (const char *text,
                             const char *field)
{
  g_autoptr(GPtrArray) tokens = NULL;
  g_autofree char *field_lower = NULL;

  g_return_val_if_fail (field != NULL, NULL);

  field_lower = g_ascii_strdown (field, -1);
  tokens = tokenize (text, FALSE, NULL);

  for (guint i = 0; i < tokens->len; i++)
    {
      const Token *token = g_ptr_array_index (tokens, i);

      if (!token->negated && g_strcmp0 (token->field, field_lower) == 0)
        return g_strdup (token->value);
    }

  return NULL;
}
