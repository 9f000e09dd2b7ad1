/* rosterctl.h — shared by the rosterctl command files. */
#pragma once

#include <gio/gio.h>

#include "roster-context.h"
#include "roster-error.h"

G_BEGIN_DECLS

enum {
  ROSTERCTL_EXIT_OK = 0,
  ROSTERCTL_EXIT_ERROR = 1,
  ROSTERCTL_EXIT_USAGE = 2,
  ROSTERCTL_EXIT_PARTIAL = 3,
};

typedef struct
{
  const char *name;
  const char *summary;
  int (*run) (int argc, char **argv);
} RosterctlCommand;

typedef enum
{
  ROSTERCTL_FORMAT_TABLE,
  ROSTERCTL_FORMAT_CSV,
  ROSTERCTL_FORMAT_JSON,
} RosterctlFormat;

int         rosterctl_usage_error     (const char   *format,
                                       ...) G_GNUC_PRINTF (1, 2);
int         rosterctl_error           (const GError *error);
const char *rosterctl_describe_error  (const GError *error);

/* rosterctl-common.c */
gboolean       rosterctl_parse_format   (const char      *text,
                                         gboolean         allow_table,
                                         RosterctlFormat *out_format);
/* Resolves org, URL and key from the environment, the CLI config and the keyring,
 * and opens the context (offline from the cache when the network is down). */
RosterContext *rosterctl_open_context   (gboolean         need_network,
                                         GError         **error);
char          *rosterctl_dup_admin_url  (void);
char          *rosterctl_dup_org_id     (void);
gboolean       rosterctl_config_save    (const char      *org_id,
                                         const char      *admin_url,
                                         GError         **error);
gboolean       rosterctl_config_forget  (GError         **error);
/* Spins the default main context until *done is TRUE. */
void           rosterctl_wait           (gboolean        *done);
/* Runs one async call to completion on the default main context: pass
 * rosterctl_result_cb and a GAsyncResult *slot (initially NULL) to the
 * _async call, then hand rosterctl_wait_result (&slot) to its _finish.
 * The slot holds a reference; free it with g_autoptr. */
void           rosterctl_result_cb      (GObject         *object,
                                         GAsyncResult    *result,
                                         gpointer         user_data);
GAsyncResult  *rosterctl_wait_result    (GAsyncResult   **slot);
/* Reads a secret line from standard input, or from the terminal without echo
 * after @prompt: at most @max_len bytes, white space stripped. An empty line is
 * a ROSTER_ERROR_NO_API_KEY error saying @empty_message. The buffer is wiped. */
char          *rosterctl_read_secret    (const char      *prompt,
                                         gsize            max_len,
                                         const char      *empty_message,
                                         GError         **error);
/* Wipes and frees a secret (nullable). */
void           rosterctl_secret_free    (char            *secret);
/* Prints @node as indented JSON and a newline on standard output. */
void           rosterctl_print_json     (JsonNode        *node);
/* Runs a sync with progress on stderr. */
gboolean       rosterctl_sync           (RosterContext   *context,
                                         gboolean         quiet,
                                         GError         **error);

int rosterctl_cmd_login  (int argc, char **argv);
int rosterctl_cmd_logout (int argc, char **argv);
int rosterctl_cmd_org    (int argc, char **argv);
int rosterctl_cmd_sync   (int argc, char **argv);
int rosterctl_cmd_users  (int argc, char **argv);
int rosterctl_cmd_config (int argc, char **argv);

/* rosterctl-products.c */
typedef struct _RosterSite RosterSite;
RosterSite *rosterctl_open_site              (GError             **error);
GHashTable *rosterctl_resolve_space_members  (const char * const  *keys,
                                              GError             **error);
int rosterctl_cmd_site          (int argc, char **argv);
int rosterctl_cmd_projects      (int argc, char **argv);
int rosterctl_cmd_customers     (int argc, char **argv);
int rosterctl_cmd_organizations (int argc, char **argv);
int rosterctl_cmd_spaces        (int argc, char **argv);

/* rosterctl-bulk.c */
int rosterctl_cmd_suspend    (int argc, char **argv);
int rosterctl_cmd_restore    (int argc, char **argv);
int rosterctl_cmd_deactivate (int argc, char **argv);
int rosterctl_cmd_reactivate (int argc, char **argv);
int rosterctl_cmd_grant      (int argc, char **argv);
int rosterctl_cmd_revoke     (int argc, char **argv);
int rosterctl_cmd_protect    (int argc, char **argv);
int rosterctl_cmd_jobs       (int argc, char **argv);
/* `config get|set bulk-cap|access-group-PRODUCT` */
gboolean rosterctl_bulk_config_handles (const char *key);
int      rosterctl_bulk_config         (const char *verb,
                                        const char *key,
                                        const char *value);

/* rosterctl-audit.c */
int rosterctl_cmd_audit      (int argc, char **argv);

G_END_DECLS
