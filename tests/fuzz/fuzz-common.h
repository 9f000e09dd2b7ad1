/* fuzz-common.h
 *
 * Shared bits of the libFuzzer targets: the entry point's prototype and a helper
 * that parses the input as JSON. A target is one LLVMFuzzerTestOneInput(); the
 * same file links either with libFuzzer (-Dfuzzing=true) or with replay.c, which
 * runs every file of its seed corpus as a regular test.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/* Criticals and warnings from the code under test are findings: make them abort,
 * so libFuzzer (and the replay test) report them with the input. */
static inline void
fuzz_init_once (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
      g_once_init_leave (&done, 1);
    }
}

/* As RosterHttp does before decoding: json-glib 1.6 accepts several top-level
 * values ("{}{}"), keeps the last and leaks the others, so such a body is not
 * handed to it. Same scan as json_has_trailing_data() in roster-http.c. */
static inline gboolean
fuzz_json_has_trailing_data (const char *data,
                             size_t      length)
{
  size_t i = 0;
  int depth = 0;
  gboolean in_string = FALSE;

  while (i < length && g_ascii_isspace (data[i]))
    i++;
  if (i < length && data[i] != '{' && data[i] != '[' && data[i] != '"')
    {
      while (i < length && !g_ascii_isspace (data[i]) && data[i] != '\0' &&
             strchr ("{}[]\",:", data[i]) == NULL)
        i++;
    }
  else
    {
      for (; i < length; i++)
        {
          char c = data[i];

          if (in_string)
            {
              if (c == '\\')
                i++;
              else if (c == '"')
                {
                  in_string = FALSE;
                  if (depth == 0)
                    {
                      i++;
                      break;
                    }
                }
            }
          else if (c == '"')
            in_string = TRUE;
          else if (c == '{' || c == '[')
            depth++;
          else if ((c == '}' || c == ']') && --depth <= 0)
            {
              i++;
              break;
            }
        }
    }
  while (i < length && g_ascii_isspace (data[i]))
    i++;
  return i < length;
}

/* Parses data as JSON; NULL when it is not one JSON value (that path belongs to
 * json-glib and RosterHttp). */
static inline JsonNode *
fuzz_parse_json (const uint8_t *data,
                 size_t         size)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();

  if (size > G_MAXSSIZE || fuzz_json_has_trailing_data ((const char *) data, size))
    return NULL;
  if (!json_parser_load_from_data (parser, (const char *) data, (gssize) size, NULL))
    return NULL;
  if (json_parser_get_root (parser) == NULL)
    return NULL;
  return json_node_ref (json_parser_get_root (parser));
}

/* A NUL-terminated copy of the input (embedded NULs cut the string, as a
 * header value or a query text would be cut). */
static inline char *
fuzz_dup_string (const uint8_t *data,
                 size_t         size)
{
  return g_strndup ((const char *) data, size);
}
