/* roster-id-file.c
 *
 * The target list of a bulk action, from a plain list or a CSV. Pure: no I/O.
 */
#define G_LOG_DOMAIN "roster-id-file"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "roster-id-file.h"
#include "roster-error.h"

/* Splits data into records of fields (RFC 4180, with any line end). */
static gboolean
parse_records (const char  *p,
               const char  *end,
               GPtrArray   *records,
               GError     **error)
{
  GPtrArray *fields = g_ptr_array_new_with_free_func (g_free);
  GString *field = g_string_new (NULL);
  gboolean in_quotes = FALSE;
  gboolean was_quoted = FALSE;

  while (p < end)
    {
      char c = *p;

      if (in_quotes)
        {
          if (c == '"')
            {
              if (p + 1 < end && p[1] == '"')
                {
                  g_string_append_c (field, '"');
                  p += 2;
                  continue;
                }
              in_quotes = FALSE;
              p++;
              continue;
            }
          g_string_append_c (field, c);
          p++;
          continue;
        }

      if (c == '"' && field->len == 0 && !was_quoted)
        {
          in_quotes = TRUE;
          was_quoted = TRUE;
          p++;
          continue;
        }
      if (c == ',')
        {
          g_ptr_array_add (fields, g_string_free (g_steal_pointer (&field), FALSE));
          field = g_string_new (NULL);
          was_quoted = FALSE;
          p++;
          continue;
        }
      if (c == '\r' || c == '\n')
        {
          g_ptr_array_add (fields, g_string_free (g_steal_pointer (&field), FALSE));
          g_ptr_array_add (fields, NULL);
          g_ptr_array_add (records, g_ptr_array_free (fields, FALSE));
          fields = g_ptr_array_new_with_free_func (g_free);
          field = g_string_new (NULL);
          was_quoted = FALSE;
          if (c == '\r' && p + 1 < end && p[1] == '\n')
            p++;
          p++;
          continue;
        }
      g_string_append_c (field, c);
      p++;
    }

  if (in_quotes)
    {
      g_ptr_array_unref (fields);
      g_string_free (field, TRUE);
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT,
                   _("A quoted field is not closed"));
      return FALSE;
    }
  if (field->len > 0 || fields->len > 0 || was_quoted)
    {
      g_ptr_array_add (fields, g_string_free (g_steal_pointer (&field), FALSE));
      g_ptr_array_add (fields, NULL);
      g_ptr_array_add (records, g_ptr_array_free (fields, FALSE));
    }
  else
    {
      g_ptr_array_unref (fields);
      g_string_free (field, TRUE);
    }
  return TRUE;
}

static gboolean
record_is_blank_or_comment (char **record)
{
  const char *first;

  if (record[0] == NULL)
    return TRUE;
  first = record[0];
  while (g_ascii_isspace (*first))
    first++;
  if (*first == '#')
    return TRUE;
  for (guint i = 0; record[i] != NULL; i++)
    {
      const char *s = record[i];

      while (g_ascii_isspace (*s))
        s++;
      if (*s != '\0')
        return FALSE;
    }
  return TRUE;
}

gboolean
roster_id_file_is_email (const char *entry)
{
  const char *at;

  if (entry == NULL)
    return FALSE;
  at = strchr (entry, '@');
  return at != NULL && at != entry && at[1] != '\0';
}

char **
roster_id_file_parse (const char  *data,
                      gsize        length,
                      GError     **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  const char *p = data;
  const char *end = data + length;
  int column = 0;
  int fallback_column = -1;
  guint first = 0;
  gboolean is_csv = FALSE;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (data == NULL)
    data = p = end = "";
  if (!g_utf8_validate (data, length, NULL))
    {
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT,
                   _("The file is not valid UTF-8 text"));
      return NULL;
    }
  if (length >= 3 && memcmp (p, "\xef\xbb\xbf", 3) == 0)
    p += 3;
  if (!parse_records (p, end, records, error))
    return NULL;

  /* The first meaningful record decides: a header naming account_id or email
   * makes it a CSV; otherwise every record's first field is an entry. */
  while (first < records->len && record_is_blank_or_comment (g_ptr_array_index (records, first)))
    first++;
  if (first < records->len)
    {
      char **header = g_ptr_array_index (records, first);
      int email_column = -1, id_column = -1;

      for (guint i = 0; header[i] != NULL; i++)
        {
          g_autofree char *name = g_ascii_strdown (g_strstrip (header[i]), -1);

          if (g_str_equal (name, "account_id") || g_str_equal (name, "accountid") ||
              g_str_equal (name, "account id"))
            id_column = i;
          else if (g_str_equal (name, "email") || g_str_equal (name, "e-mail") ||
                   g_str_equal (name, "email address"))
            email_column = i;
        }
      if (id_column >= 0 || email_column >= 0)
        {
          is_csv = TRUE;
          column = id_column >= 0 ? id_column : email_column;
          fallback_column = id_column >= 0 ? email_column : -1;
          first++;
        }
      else if (g_strv_length (header) > 1 && !roster_id_file_is_email (header[0]) &&
               strchr (header[0], ':') == NULL)
        {
          g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT,
                       _("The CSV file has no “account_id” or “email” column"));
          return NULL;
        }
    }

  for (guint r = first; r < records->len; r++)
    {
      char **record = g_ptr_array_index (records, r);
      char *value;

      if (record_is_blank_or_comment (record))
        continue;
      if ((guint) column >= g_strv_length (record))
        continue;
      value = g_strstrip (g_strdup (record[column]));
      /* A CSV may carry an email where the id is empty: fall back to it. */
      if (*value == '\0' && is_csv && fallback_column >= 0 &&
          (guint) fallback_column < g_strv_length (record))
        {
          g_free (value);
          value = g_strstrip (g_strdup (record[fallback_column]));
        }
      if (*value == '\0')
        {
          g_free (value);
          continue;
        }
      g_ptr_array_add (out, value);
    }

  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}
