/* roster-site.h
 *
 * The connection to one Atlassian site's product APIs (Jira, JSM, Confluence):
 * the site URL, the account email and its API token (Basic auth). Two URL forms
 * are accepted and each product's base URL is derived from what was given:
 *
 *   https://<site>.atlassian.net                    → Jira/JSM https://<site>.atlassian.net
 *                                                     Confluence https://<site>.atlassian.net
 *   https://api.atlassian.com/ex/jira/{cloudId}     → Jira/JSM …/ex/jira/{cloudId}
 *   (or …/ex/confluence/{cloudId})                    Confluence …/ex/confluence/{cloudId}
 *
 * Product paths keep their usual prefixes (/rest/api/3, /rest/servicedeskapi,
 * /wiki/api/v2, /wiki/rest/api), so Confluence's site-relative next links
 * ("/wiki/api/v2/…") are simply appended to the Confluence base. Plain http is
 * accepted for loopback hosts only (the sandbox).
 *
 * The token lives in memory and in the keyring (ROSTER_SECRET_SITE_TOKEN, keyed
 * by roster_site_dup_account()), nowhere else.
 */
#pragma once

#include <gio/gio.h>

#include "roster-credentials.h"
#include "roster-http.h"

G_BEGIN_DECLS

#define ROSTER_TYPE_SITE (roster_site_get_type ())

G_DECLARE_FINAL_TYPE (RosterSite, roster_site, ROSTER, SITE, GObject)

/* Pure: checks and normalises a site URL and derives the product bases.
 * A bare host ("acme.atlassian.net") gets https://. Fails with
 * ROSTER_ERROR_INSECURE_URL for http:// to a host that is not loopback, and with
 * ROSTER_ERROR_INVALID_ARGUMENT for anything that is not a site or gateway URL. */
gboolean     roster_site_parse_url           (const char    *url,
                                              char         **out_site_url,
                                              char         **out_jira_base,
                                              char         **out_confluence_base,
                                              GError       **error);

/* email must look like an address (ROSTER_ERROR_INVALID_ARGUMENT otherwise). */
RosterSite  *roster_site_new                 (const char    *url,
                                              const char    *email,
                                              GError       **error);
/* From ROSTER_SITE_URL, ROSTER_SITE_EMAIL and ROSTER_SITE_TOKEN: NULL without an
 * error when ROSTER_SITE_URL is unset. The token (if set) is applied. */
RosterSite  *roster_site_new_from_environment (GError      **error);

const char  *roster_site_get_url             (RosterSite    *self);
const char  *roster_site_get_email           (RosterSite    *self);
const char  *roster_site_get_jira_url        (RosterSite    *self);
const char  *roster_site_get_confluence_url  (RosterSite    *self);
gboolean     roster_site_is_gateway          (RosterSite    *self);
/* The keyring account: "<site url> <email>". */
char        *roster_site_dup_account         (RosterSite    *self);

/* Kept in memory only; sets Basic auth on both product clients. */
void         roster_site_set_token           (RosterSite    *self,
                                              const char    *token);
gboolean     roster_site_has_token           (RosterSite    *self);

/* The product transports (borrowed). Jira and JSM share one. */
RosterHttp  *roster_site_get_jira_http       (RosterSite    *self);
RosterHttp  *roster_site_get_confluence_http (RosterSite    *self);
/* Passed to both transports (tests and benchmarks shorten the delays). */
void         roster_site_set_retry_policy    (RosterSite    *self,
                                              guint          max_retries,
                                              guint          base_delay_ms,
                                              guint          max_delay_ms);
void         roster_site_set_max_concurrent  (RosterSite    *self,
                                              guint          max_concurrent);

/* GET /rest/api/3/myself. Errors are rephrased for an admin:
 * ROSTER_ERROR_UNAUTHORIZED (email or token wrong), _FORBIDDEN (the account may not
 * use the site's API), _NOT_FOUND (no Jira site at that URL), _NO_API_KEY (no token
 * set), _NETWORK, _INVALID_RESPONSE (something that is not a site answered). On
 * success the account id and display name are known. */
void         roster_site_validate_async      (RosterSite          *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean     roster_site_validate_finish     (RosterSite          *self,
                                              GAsyncResult        *result,
                                              GError             **error);
gboolean     roster_site_validate_sync       (RosterSite          *self,
                                              GCancellable        *cancellable,
                                              GError             **error);
const char  *roster_site_get_account_id      (RosterSite    *self);
const char  *roster_site_get_display_name    (RosterSite    *self);

/* Keyring: store the token under dup_account(), read it back into the site (TRUE when
 * found), or delete it. */
gboolean     roster_site_save_token_sync     (RosterSite         *self,
                                              RosterCredentials  *credentials,
                                              const char         *token,
                                              GCancellable       *cancellable,
                                              GError            **error);
gboolean     roster_site_load_token_sync     (RosterSite         *self,
                                              RosterCredentials  *credentials,
                                              GCancellable       *cancellable,
                                              GError            **error);
gboolean     roster_site_forget_token_sync   (RosterSite         *self,
                                              RosterCredentials  *credentials,
                                              GCancellable       *cancellable,
                                              GError            **error);
void         roster_site_load_token_async    (RosterSite          *self,
                                              RosterCredentials   *credentials,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
/* TRUE when a token was found and applied. */
gboolean     roster_site_load_token_finish   (RosterSite          *self,
                                              GAsyncResult        *result,
                                              GError             **error);
void         roster_site_save_token_async    (RosterSite          *self,
                                              RosterCredentials   *credentials,
                                              const char          *token,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean     roster_site_save_token_finish   (RosterSite          *self,
                                              GAsyncResult        *result,
                                              GError             **error);

G_END_DECLS
