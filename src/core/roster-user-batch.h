/* roster-user-batch.h
 *
 * Users as flat records: what a users search page becomes on the sync's parse
 * thread and what the store stages, without a GObject, an array or an
 * allocation per user. Every string of a batch lives in one string chunk;
 * the records point into it and into the batch's arrays of products, groups
 * and platform roles.
 *
 * Built on one thread, then handed over (reference-counted, read-only once
 * handed over). roster_user_batch_dup_user() gives the full RosterUser of a
 * record, equal to what roster_user_new_from_json() makes of the same JSON.
 */
#pragma once

#include <glib.h>

#include "roster-types.h"
#include "roster-user.h"

G_BEGIN_DECLS

typedef struct
{
  const char    *key;          /* (nullable) the API's product key, e.g. "jira-software" */
  const char    *resource_id;  /* (nullable) */
  RosterProduct  product;
  gint64         last_active;  /* unix seconds; 0 when never active */
} RosterBatchProduct;

typedef struct
{
  const char        *account_id;
  const char        *name;               /* (nullable) */
  const char        *email;              /* (nullable) NULL when hidden */
  const char        *nickname;           /* (nullable) */
  const char        *account_status;     /* (nullable) */
  const char        *membership_status;  /* (nullable) */
  const char        *management_source;  /* (nullable) */

  /* Ranges of the batch's products, groups and roles arrays. */
  guint              first_product;
  guint              n_products;
  guint              first_group;
  guint              n_groups;
  guint              first_role;
  guint              n_roles;

  gint64             added_to_org;
  gint64             last_active;        /* newest over the products; 0 never */

  RosterAccountType  account_type;
  RosterStatus       status;
  RosterClaim        claim;
  gboolean           org_admin;
  gboolean           billable;

  /* Made ahead by roster_user_set_prepare_batch() (when set_ready). */
  const char        *search_key;
  guint32            account_hash;

  /* Made ahead by roster_store_prepare_batch() (when store_ready): the packed
   * columns, NULL when empty. */
  const char        *packed_products;
  const char        *packed_groups;
  const char        *packed_roles;
} RosterBatchUser;

typedef struct
{
  GStringChunk *strings;   /* (owned) every string the records point to */
  GArray       *users;     /* (owned) RosterBatchUser */
  GArray       *products;  /* (owned) RosterBatchProduct */
  GArray       *groups;    /* (owned) RosterGroupRef, strings in the chunk (not owned) */
  GPtrArray    *roles;     /* (owned) const char *, in the chunk */

  /* The resource ids met last, kept once in the chunk: every product entry of
   * a site points at the same string, so a reader can compare pointers. */
  const char   *recent_resources[4];
  guint         next_recent;

  /* What was made ahead on the parse thread, so that the store's thread,
   * which stages and builds the set, has less to do. */
  gboolean      set_ready;
  gboolean      store_ready;
} RosterUserBatch;

RosterUserBatch       *roster_user_batch_new          (void);
RosterUserBatch       *roster_user_batch_ref          (RosterUserBatch *self);
void                   roster_user_batch_unref        (RosterUserBatch *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RosterUserBatch, roster_user_batch_unref)

static inline guint
roster_user_batch_get_n_users (RosterUserBatch *self)
{
  return self->users->len;
}

static inline const RosterBatchUser *
roster_user_batch_get_user (RosterUserBatch *self,
                            guint            i)
{
  return &g_array_index (self->users, RosterBatchUser, i);
}

static inline const RosterBatchProduct *
roster_user_batch_get_products (RosterUserBatch       *self,
                                const RosterBatchUser *user)
{
  /* The arrays have no storage until their first element. */
  if (user->n_products == 0)
    return NULL;
  return &g_array_index (self->products, RosterBatchProduct, user->first_product);
}

static inline const RosterGroupRef *
roster_user_batch_get_groups (RosterUserBatch       *self,
                              const RosterBatchUser *user)
{
  if (user->n_groups == 0)
    return NULL;
  return &g_array_index (self->groups, RosterGroupRef, user->first_group);
}

static inline const char * const *
roster_user_batch_get_roles (RosterUserBatch       *self,
                             const RosterBatchUser *user)
{
  if (user->n_roles == 0)
    return NULL;
  return (const char * const *) self->roles->pdata + user->first_role;
}

/* Appends a copy of a user (tests, callers that hold objects). */
void                   roster_user_batch_add_user     (RosterUserBatch *self,
                                                       RosterUser      *user);
RosterUser            *roster_user_batch_dup_user     (RosterUserBatch *self,
                                                       guint            i);

/* The users search page reader (see roster_users_page_parse_bytes()) appending
 * to a batch. On failure the batch holds what it held before. */
gboolean               roster_users_page_parse_batch  (const char      *data,
                                                       gsize            length,
                                                       RosterUserBatch *batch,
                                                       char           **out_next_cursor,
                                                       GError         **error);

G_END_DECLS
