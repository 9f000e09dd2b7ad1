/* roster-error.h
 *
 * One error domain for the whole core. Messages are for developers and logs and
 * are not translated; the UI maps codes to translated text.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ROSTER_ERROR (roster_error_quark ())

typedef enum
{
  ROSTER_ERROR_FAILED,
  ROSTER_ERROR_NETWORK,           /* transport: DNS, refused, reset, timeout, TLS */
  ROSTER_ERROR_UNAUTHORIZED,      /* 401: key missing, wrong or expired */
  ROSTER_ERROR_FORBIDDEN,         /* 403: key lacks the rights (not an org admin key, scope) */
  ROSTER_ERROR_NOT_FOUND,         /* 404 */
  ROSTER_ERROR_CONFLICT,          /* 409: licence limit, already a member, lifecycle not eligible */
  ROSTER_ERROR_PRECONDITION,      /* 412: e.g. JSM experimental header missing */
  ROSTER_ERROR_RATE_LIMITED,      /* 429 after the retries ran out */
  ROSTER_ERROR_SERVER,            /* 5xx after the retries ran out */
  ROSTER_ERROR_BAD_REQUEST,       /* other 4xx */
  ROSTER_ERROR_INVALID_RESPONSE,  /* malformed, truncated or wrongly shaped body */
  ROSTER_ERROR_INSECURE_URL,      /* http:// to a host that is not loopback, or a bad URL */
  ROSTER_ERROR_NO_API_KEY,        /* no key configured */
  ROSTER_ERROR_CACHE,             /* SQLite: read-only, disk full, corrupt, schema too new */
  ROSTER_ERROR_INVALID_ARGUMENT,  /* bad user input: query syntax, thresholds, file */
  ROSTER_ERROR_PROTECTED,         /* a write to a protected account was refused */
  ROSTER_ERROR_KEYRING,           /* the secret service failed or is missing */
} RosterErrorCode;

GQuark roster_error_quark (void);

const char *roster_error_code_to_string (RosterErrorCode code);

G_END_DECLS
