/* roster-user-set.h
 *
 * A compact, immutable table of many users (100,000+), built once from the store
 * or from parsed pages: one string pool and fixed-size records, no GObject per row.
 * The UI list, the query filter, the dashboard statistics and the CLI read from it;
 * a full RosterUser is made on demand for one row (detail pane, bulk plan).
 *
 * Reference-counted boxed type; safe to read from several threads once built.
 */
#pragma once

#include <glib-object.h>

#include "roster-types.h"
#include "roster-user.h"
#include "roster-user-batch.h"

G_BEGIN_DECLS

#define ROSTER_TYPE_USER_SET (roster_user_set_get_type ())

typedef struct _RosterUserSet RosterUserSet;

GType              roster_user_set_get_type          (void) G_GNUC_CONST;
RosterUserSet     *roster_user_set_ref               (RosterUserSet *self);
void               roster_user_set_unref             (RosterUserSet *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RosterUserSet, roster_user_set_unref)

/* Building: append users, then freeze. Only the builder's thread may call these. */
RosterUserSet     *roster_user_set_new               (void);
void               roster_user_set_append            (RosterUserSet *self,
                                                      RosterUser    *user);
/* Makes the search keys of a batch ahead, on any thread (the sync's parse
 * thread), for roster_user_set_append_batch(). */
void               roster_user_set_prepare_batch     (RosterUserBatch *batch);
/* User i of a batch (no RosterUser made): what a sync stages. FALSE, and
 * nothing appended, when the account is already in the set (the first row of
 * an account stays, whatever the way it was appended). */
gboolean           roster_user_set_append_batch      (RosterUserSet   *self,
                                                      RosterUserBatch *batch,
                                                      guint            i);
/* Raw rows, for loading 100k cached users without a GObject per row. */
typedef struct
{
  const char         *account_id;
  const char         *name;
  const char         *email;         /* (nullable) */
  RosterStatus        status;
  RosterAccountType   account_type;
  RosterClaim         claim;
  gboolean            org_admin;
  gboolean            billable;
  /* Per product: -1 no access, 0 access but never active, else unix seconds. */
  gint64              last_active[ROSTER_N_PRODUCTS];
  const char * const *group_names;   /* (nullable) NULL-terminated */
  const char * const *group_ids;     /* (nullable) parallel to group_names; entries may be "" */
} RosterUserRow;

void               roster_user_set_append_row        (RosterUserSet       *self,
                                                      const RosterUserRow *row);
/* The resource id (workspace ARI) of each product, for roster_user_set_dup_user(). */
void               roster_user_set_set_resource_id   (RosterUserSet *self,
                                                      RosterProduct  product,
                                                      const char    *resource_id);

/* Sorts by folded name (then account id), builds the search keys and indexes. */
void               roster_user_set_freeze            (RosterUserSet *self);

guint              roster_user_set_get_n_users       (RosterUserSet *self);
/* Row index of an account id, or -1. O(1). */
int                roster_user_set_lookup            (RosterUserSet *self,
                                                      const char    *account_id);

const char        *roster_user_set_get_account_id    (RosterUserSet *self, guint i);
const char        *roster_user_set_get_name          (RosterUserSet *self, guint i);
/* NULL when hidden. */
const char        *roster_user_set_get_email         (RosterUserSet *self, guint i);
RosterStatus       roster_user_set_get_status        (RosterUserSet *self, guint i);
RosterAccountType  roster_user_set_get_account_type  (RosterUserSet *self, guint i);
RosterClaim        roster_user_set_get_claim         (RosterUserSet *self, guint i);
gboolean           roster_user_set_is_org_admin      (RosterUserSet *self, guint i);
gboolean           roster_user_set_is_billable       (RosterUserSet *self, guint i);
/* Bit (1 << RosterProduct) per product the user has access to. */
guint              roster_user_set_get_products      (RosterUserSet *self, guint i);
/* Unix seconds; 0 = access but never active; -1 = no access to that product. */
gint64             roster_user_set_get_product_last_active (RosterUserSet *self,
                                                      guint          i,
                                                      RosterProduct  product);
/* Newest over the products; 0 when never active. */
gint64             roster_user_set_get_last_active   (RosterUserSet *self, guint i);
/* Group names of the user (NULL-terminated, owned by the set). */
const char * const *roster_user_set_get_group_names  (RosterUserSet *self, guint i);
/* Name + email folded for search: NFKD, marks stripped, lowercase. */
const char        *roster_user_set_get_search_key    (RosterUserSet *self, guint i);
/* A full object for one row. */
RosterUser        *roster_user_set_dup_user          (RosterUserSet *self, guint i);

/* Interned group names: pointer-equal to the entries of get_group_names(), so a caller
 * can resolve a name once and compare pointers per row. */
guint              roster_user_set_get_n_groups      (RosterUserSet *self);
const char        *roster_user_set_get_group         (RosterUserSet *self,
                                                      guint          index);
/* The bare group id when one was seen (users appended from RosterUser), else NULL. */
const char        *roster_user_set_get_group_id      (RosterUserSet *self,
                                                      guint          index);
const char        *roster_user_set_get_resource_id   (RosterUserSet *self,
                                                      RosterProduct  product);
gboolean           roster_user_set_is_frozen         (RosterUserSet *self);
/* Bytes held by the set (pool, records, groups, hash table), for diagnostics. */
gsize              roster_user_set_get_memory_size   (RosterUserSet *self);

/* Folds a string the way the search keys are folded (for queries). */
char              *roster_fold_for_search            (const char    *text);

G_END_DECLS
