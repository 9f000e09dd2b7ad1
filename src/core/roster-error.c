/* roster-error.c */
#define G_LOG_DOMAIN "roster-error"

#include "config.h"

#include "roster-error.h"

G_DEFINE_QUARK (roster-error-quark, roster_error)

const char *
roster_error_code_to_string (RosterErrorCode code)
{
  switch (code)
    {
    case ROSTER_ERROR_FAILED: return "failed";
    case ROSTER_ERROR_NETWORK: return "network";
    case ROSTER_ERROR_UNAUTHORIZED: return "unauthorized";
    case ROSTER_ERROR_FORBIDDEN: return "forbidden";
    case ROSTER_ERROR_NOT_FOUND: return "not-found";
    case ROSTER_ERROR_CONFLICT: return "conflict";
    case ROSTER_ERROR_PRECONDITION: return "precondition-failed";
    case ROSTER_ERROR_RATE_LIMITED: return "rate-limited";
    case ROSTER_ERROR_SERVER: return "server";
    case ROSTER_ERROR_BAD_REQUEST: return "bad-request";
    case ROSTER_ERROR_INVALID_RESPONSE: return "invalid-response";
    case ROSTER_ERROR_INSECURE_URL: return "insecure-url";
    case ROSTER_ERROR_NO_API_KEY: return "no-api-key";
    case ROSTER_ERROR_CACHE: return "cache";
    case ROSTER_ERROR_INVALID_ARGUMENT: return "invalid-argument";
    case ROSTER_ERROR_PROTECTED: return "protected";
    case ROSTER_ERROR_KEYRING: return "keyring";
    default: return "unknown";
    }
}
