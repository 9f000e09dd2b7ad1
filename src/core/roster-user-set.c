/* roster-user-set.c
 *
 * Layout (36 bytes a row plus the strings):
 * - one growing string pool; records hold 32-bit offsets into it, so there is one
 *   allocation for all strings instead of four per user;
 * - fixed-size records in one array;
 * - group names interned once (a few hundred distinct names for 100k users); each user
 *   points at a NULL-terminated run in one shared array of interned name pointers, so
 *   get_group_names() needs no allocation and pointer equality identifies a group;
 * - an open-addressing table of row numbers for account id → row.
 * After roster_user_set_freeze() nothing changes, so readers on any thread are safe.
 */
#define G_LOG_DOMAIN "roster-user-set"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "roster-error.h"
#include "roster-user-set.h"
#include "roster-user-set-private.h"

#define NO_STRING G_MAXUINT32
#define FLAG_ORG_ADMIN 1
#define FLAG_BILLABLE  2

typedef struct
{
  guint32 account_id;
  guint32 name;
  guint32 email;        /* NO_STRING when hidden */
  guint32 search_key;   /* set on append */
  guint32 groups;       /* index of the first entry of the user's run in group_ptrs */
  guint8  status;
  guint8  account_type;
  guint8  claim;
  guint8  flags;
  /* Unix seconds (until 2106), 0 = access but never active, NO_ACCESS = no access. */
  guint32 last_active[ROSTER_N_PRODUCTS];
} Record;

#define NO_ACCESS G_MAXUINT32

static inline gint64
last_active_get (guint32 value)
{
  return value == NO_ACCESS ? -1 : (gint64) value;
}

struct _RosterUserSet
{
  gatomicrefcount  ref_count;

  /* The readers go through pool, recs and table, which point either at the
   * heap buffers below or into a mapped snapshot (roster-user-set-private.h). */
  const char      *pool;
  const Record    *recs;
  guint            n_records;
  const guint32   *table;         /* row + 1, 0 = empty; size table_mask + 1 */
  guint32          table_mask;

  char            *pool_buf;      /* (owned) (nullable) while building or heap-loaded */
  gsize            pool_len;
  gsize            pool_alloc;

  GArray          *records;       /* (owned) (nullable) Record, while building */
  guint32         *table_buf;     /* (owned) (nullable) */
  guint64         *build_table;   /* (owned) (nullable) while building: hash << 32 | append
                                   * order + 1, 0 = empty; size table_mask + 1 */
  GArray          *entries;       /* (owned) (nullable) SortEntry per record, while building */
  guint            n_sorted;      /* entries before this are sorted, in runs */
  guint            run_ends[32];  /* end of each sorted run, while building */
  guint            n_run_ends;
  struct _SortEntry *merge_buf;   /* (owned) (nullable) scratch for merging runs */
  gsize            merge_buf_len;
  GString         *fold_buf;      /* (owned) (nullable) a search key being made, while building */
  GMappedFile     *mapped;        /* (owned) (nullable) the snapshot the set reads from */
  const guint32   *group_runs;    /* (nullable) in mapped: group index + 1 runs, 0-ended */

  GPtrArray       *group_names;   /* (owned) interned names, owned strings */
  GPtrArray       *group_ids;     /* (owned) parallel to group_names, (nullable) bare ids */
  GHashTable      *group_index;   /* (owned) name (borrowed from group_names) → index + 1 */
  GPtrArray       *group_ptrs;    /* runs of interned name pointers, each ended by NULL;
                                   * made from group_runs on first use for a mapped set */
  gsize            group_ptrs_ready;
  guint            n_runs;

  char            *resource_ids[ROSTER_N_PRODUCTS];

  guint            frozen : 1;
};

G_DEFINE_BOXED_TYPE (RosterUserSet, roster_user_set, roster_user_set_ref, roster_user_set_unref)

/* Folding */

static gunichar
fold_special_letter (gunichar c)
{
  /* Letters that NFKD does not split into base + mark but that people type without
   * the stroke: "Łukasz" must be found by "lukasz". */
  switch (c)
    {
    case 0x0142: return 'l';   /* ł */
    case 0x00F8: return 'o';   /* ø */
    case 0x0111: return 'd';   /* đ */
    case 0x0127: return 'h';   /* ħ */
    case 0x0131: return 'i';   /* dotless ı */
    case 0x0167: return 't';   /* ŧ */
    case 0x0180: return 'b';   /* ƀ */
    default: return c;
    }
}

/* The full fold of valid UTF-8: NFKD, marks dropped, tabs and newlines made
 * spaces, case folded, a few stroked letters made plain. */
char *
_roster_fold_for_search_slow (const char *text)
{
  g_autofree char *decomposed = NULL;
  g_autofree char *folded = NULL;
  GString *stripped;
  GString *out;
  const char *p;

  decomposed = g_utf8_normalize (text, -1, G_NORMALIZE_NFKD);
  if (decomposed == NULL)
    return g_ascii_strdown (text, -1);

  stripped = g_string_sized_new (strlen (decomposed));
  for (p = decomposed; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);

      if (g_unichar_combining_class (c) != 0 ||
          type == G_UNICODE_NON_SPACING_MARK ||
          type == G_UNICODE_SPACING_MARK ||
          type == G_UNICODE_ENCLOSING_MARK)
        continue;
      if (c == '\n' || c == '\r' || c == '\t')
        c = ' ';
      g_string_append_unichar (stripped, c);
    }

  folded = g_utf8_casefold (stripped->str, stripped->len);
  g_string_free (stripped, TRUE);

  out = g_string_sized_new (strlen (folded));
  for (p = folded; *p != '\0'; p = g_utf8_next_char (p))
    g_string_append_unichar (out, fold_special_letter (g_utf8_get_char (p)));

  return g_string_free (out, FALSE);
}

/* Every step of the fold works character by character (canonical reordering
 * only moves marks, and marks are dropped), so the fold of a string is the
 * concatenation of the folds of its characters. Each thread remembers the
 * fold of the non-ASCII characters it has met: names repeat their alphabet,
 * and normalizing every name again was most of the cost of building a set. */
#define FOLD_CACHE_MAX 65536

static const char *
fold_char_cached (gunichar c)
{
  static GPrivate cache_key = G_PRIVATE_INIT ((GDestroyNotify) g_hash_table_unref);
  GHashTable *cache = g_private_get (&cache_key);
  char utf8[8];
  char *folded;

  if (cache == NULL)
    {
      cache = g_hash_table_new_full (NULL, NULL, NULL, g_free);
      g_private_set (&cache_key, cache);
    }

  folded = g_hash_table_lookup (cache, GUINT_TO_POINTER (c));
  if (folded != NULL || g_hash_table_size (cache) >= FOLD_CACHE_MAX)
    return folded;

  utf8[g_unichar_to_utf8 (c, utf8)] = '\0';
  folded = _roster_fold_for_search_slow (utf8);
  g_hash_table_insert (cache, GUINT_TO_POINTER (c), folded);
  return folded;
}

/* Appends the fold of text (NULL folds to nothing). */
static void
fold_append (GString    *out,
             const char *text)
{
  g_autofree char *valid = NULL;
  const char *p, *rest;
  gsize rest_start;

  if (text == NULL)
    return;

  for (p = text; *p != '\0' && (guchar) *p < 0x80; p++)
    g_string_append_c (out, (*p == '\n' || *p == '\r' || *p == '\t') ? ' ' : g_ascii_tolower (*p));
  if (*p == '\0')
    return;

  /* The fold of a string is the folds of its parts one after the other. */
  rest = p;
  rest_start = out->len;
  if (!g_utf8_validate (rest, -1, NULL))
    rest = valid = g_utf8_make_valid (rest, -1);

  for (p = rest; *p != '\0';)
    {
      guchar b = (guchar) *p;
      const char *folded;

      if (b < 0x80)
        {
          g_string_append_c (out, (b == '\n' || b == '\r' || b == '\t') ? ' ' : g_ascii_tolower (b));
          p++;
          continue;
        }

      folded = fold_char_cached (g_utf8_get_char (p));
      if (folded == NULL)
        {
          /* The cache is full: the rest the slow way. */
          g_autofree char *slow = _roster_fold_for_search_slow (rest);

          g_string_truncate (out, rest_start);
          g_string_append (out, slow);
          return;
        }
      g_string_append (out, folded);
      p = g_utf8_next_char (p);
    }
}

char *
roster_fold_for_search (const char *text)
{
  GString *out = g_string_sized_new (text != NULL ? strlen (text) + 8 : 1);

  fold_append (out, text);
  return g_string_free (out, FALSE);
}

/* Pool */

static guint32
pool_add (RosterUserSet *self,
          const char    *str)
{
  gsize len;
  guint32 offset;

  if (str == NULL)
    return NO_STRING;

  len = strlen (str) + 1;
  if (self->pool_len + len > self->pool_alloc)
    {
      gsize want = MAX (self->pool_alloc * 3 / 2, self->pool_len + len);

      want = MAX (want, 4096);
      g_assert (want < G_MAXUINT32);
      self->pool_buf = g_realloc (self->pool_buf, want);
      self->pool_alloc = want;
      self->pool = self->pool_buf;
    }

  offset = (guint32) self->pool_len;
  memcpy (self->pool_buf + offset, str, len);
  self->pool_len += len;
  return offset;
}

static inline const char *
pool_get (const RosterUserSet *self,
          guint32              offset)
{
  return offset == NO_STRING ? NULL : self->pool + offset;
}

static inline const Record *
get_record (RosterUserSet *self,
            guint          i)
{
  return &self->recs[i];
}

/* Runs of group-name pointers; for a mapped set they are made from the runs of group
 * indexes on first use, once, whichever thread asks first. */
static GPtrArray *
get_group_ptrs (RosterUserSet *self)
{
  if (g_once_init_enter (&self->group_ptrs_ready))
    {
      g_ptr_array_set_size (self->group_ptrs, self->n_runs);
      for (guint i = 0; i < self->n_runs; i++)
        self->group_ptrs->pdata[i] = self->group_runs[i] == 0
                                       ? NULL
                                       : g_ptr_array_index (self->group_names,
                                                            self->group_runs[i] - 1);
      g_once_init_leave (&self->group_ptrs_ready, 1);
    }

  return self->group_ptrs;
}

/* Refcounting */

RosterUserSet *
roster_user_set_new (void)
{
  RosterUserSet *self = g_new0 (RosterUserSet, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->records = g_array_new (FALSE, FALSE, sizeof (Record));
  self->group_names = g_ptr_array_new_with_free_func (g_free);
  self->group_ids = g_ptr_array_new_with_free_func (g_free);
  self->group_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->group_ptrs = g_ptr_array_new ();
  /* Entry 0 is the empty run shared by every user without groups. */
  g_ptr_array_add (self->group_ptrs, NULL);
  self->group_ptrs_ready = 1;

  return self;
}

RosterUserSet *
roster_user_set_ref (RosterUserSet *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
roster_user_set_unref (RosterUserSet *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->pool_buf);
  g_clear_pointer (&self->records, g_array_unref);
  g_clear_pointer (&self->mapped, g_mapped_file_unref);
  g_hash_table_unref (self->group_index);
  g_ptr_array_unref (self->group_ptrs);
  g_ptr_array_unref (self->group_names);
  g_ptr_array_unref (self->group_ids);
  g_free (self->table_buf);
  g_free (self->build_table);
  g_clear_pointer (&self->entries, g_array_unref);
  g_clear_pointer (&self->merge_buf, g_free);
  if (self->fold_buf != NULL)
    g_string_free (self->fold_buf, TRUE);
  for (guint p = 0; p < ROSTER_N_PRODUCTS; p++)
    g_free (self->resource_ids[p]);
  g_free (self);
}

/* Building */

static guint
intern_group (RosterUserSet *self,
              const char    *name,
              const char    *id)
{
  gpointer value;
  char *copy;

  if (g_hash_table_lookup_extended (self->group_index, name, NULL, &value))
    {
      guint index = GPOINTER_TO_UINT (value) - 1;

      if (id != NULL && g_ptr_array_index (self->group_ids, index) == NULL)
        g_ptr_array_index (self->group_ids, index) = g_strdup (id);
      return index;
    }

  copy = g_strdup (name);
  g_ptr_array_add (self->group_names, copy);
  g_ptr_array_add (self->group_ids, g_strdup (id));
  g_hash_table_insert (self->group_index, copy, GUINT_TO_POINTER (self->group_names->len));
  return self->group_names->len - 1;
}

/* Search keys: folded name, '\n', folded email. The newline cannot come from a
 * query (folding turns it into a space), so no match spans the two parts. Made
 * on append, so that a set built while a sync runs costs little to freeze. */
static guint32
add_search_key (RosterUserSet *self,
                guint32        name,
                guint32        email)
{
  if (self->fold_buf == NULL)
    self->fold_buf = g_string_sized_new (128);
  g_string_truncate (self->fold_buf, 0);
  fold_append (self->fold_buf, pool_get (self, name));
  g_string_append_c (self->fold_buf, '\n');
  fold_append (self->fold_buf, pool_get (self, email));

  return pool_add (self, self->fold_buf->str);
}

static guint32  hash_account_id    (const char    *str);
static gboolean building_find_slot (RosterUserSet *self,
                                    const char    *account_id,
                                    guint32        hash,
                                    guint32       *out_hash,
                                    guint32       *out_slot);
static void     building_add_entry (RosterUserSet *self,
                                    const Record  *record,
                                    guint32        index);

/* Groups come either from row->group_names/ids or, when refs is not NULL,
 * from n_refs contiguous references. The search key and the account id's
 * hash are made here unless given (search_key not NULL). FALSE, and nothing
 * appended, when the account id is already in the set: the first row of an
 * account stays. */
static gboolean
append_internal (RosterUserSet        *self,
                 const RosterUserRow  *row,
                 const RosterGroupRef *refs,
                 guint                 n_refs,
                 const char           *search_key,
                 guint32               account_hash)
{
  Record record = { 0 };
  guint n_groups = 0;
  guint32 hash, slot;

  if (search_key == NULL)
    account_hash = hash_account_id (row->account_id);
  if (!building_find_slot (self, row->account_id, account_hash, &hash, &slot))
    {
      g_debug ("Dropping repeated account id %s", row->account_id);
      return FALSE;
    }

  record.account_id = pool_add (self, row->account_id);
  record.name = pool_add (self, row->name != NULL ? row->name : "");
  record.email = (row->email != NULL && row->email[0] != '\0') ? pool_add (self, row->email)
                                                               : NO_STRING;
  record.search_key = search_key != NULL ? pool_add (self, search_key)
                                          : add_search_key (self, record.name, record.email);
  record.status = (guint8) row->status;
  record.account_type = (guint8) row->account_type;
  record.claim = (guint8) row->claim;
  record.flags = (row->org_admin ? FLAG_ORG_ADMIN : 0) | (row->billable ? FLAG_BILLABLE : 0);
  for (guint p = 0; p < ROSTER_N_PRODUCTS; p++)
    record.last_active[p] = row->last_active[p] < 0 ? NO_ACCESS
                                                    : (guint32) MIN (row->last_active[p], NO_ACCESS - 1);

  if (refs != NULL)
    n_groups = n_refs;
  else if (row->group_names != NULL)
    n_groups = g_strv_length ((char **) row->group_names);

  if (n_groups == 0)
    record.groups = 0;
  else
    {
      record.groups = self->group_ptrs->len;
      for (guint g = 0; g < n_groups; g++)
        {
          const char *name, *id = NULL;
          guint index;

          if (refs != NULL)
            {
              const RosterGroupRef *ref = &refs[g];

              /* A group without a readable name is still a membership: show its id. */
              name = ref->name != NULL ? ref->name : ref->id;
              id = ref->id;
            }
          else
            {
              name = row->group_names[g];
              if (row->group_ids != NULL && row->group_ids[g] != NULL && row->group_ids[g][0] != '\0')
                id = row->group_ids[g];
            }

          if (name == NULL)
            continue;

          index = intern_group (self, name, id);
          g_ptr_array_add (self->group_ptrs, g_ptr_array_index (self->group_names, index));
        }
      g_ptr_array_add (self->group_ptrs, NULL);
    }

  g_array_append_val (self->records, record);
  self->recs = (const Record *) (gpointer) self->records->data;
  self->n_records = self->records->len;

  self->build_table[slot] = ((guint64) hash << 32) | self->records->len;
  building_add_entry (self, &record, self->records->len - 1);
  return TRUE;
}

void
roster_user_set_append_row (RosterUserSet       *self,
                            const RosterUserRow *row)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->frozen);
  g_return_if_fail (row != NULL);
  g_return_if_fail (row->account_id != NULL);

  append_internal (self, row, NULL, 0, NULL, 0);
}

void
roster_user_set_append (RosterUserSet *self,
                        RosterUser    *user)
{
  g_autoptr(RosterUserBatch) batch = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->frozen);
  g_return_if_fail (ROSTER_IS_USER (user));

  batch = roster_user_batch_new ();
  roster_user_batch_add_user (batch, user);
  roster_user_set_append_batch (self, batch, 0);
}

gboolean
roster_user_set_append_batch (RosterUserSet   *self,
                              RosterUserBatch *batch,
                              guint            i)
{
  RosterUserRow row = { 0 };
  const RosterBatchUser *user;
  const RosterBatchProduct *products;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!self->frozen, FALSE);
  g_return_val_if_fail (batch != NULL, FALSE);
  g_return_val_if_fail (i < roster_user_batch_get_n_users (batch), FALSE);

  user = roster_user_batch_get_user (batch, i);
  row.account_id = user->account_id;
  row.name = user->name;
  row.email = user->email;
  row.status = user->status;
  row.account_type = user->account_type;
  row.claim = user->claim;
  row.org_admin = user->org_admin;
  row.billable = user->billable;
  for (guint p = 0; p < ROSTER_N_PRODUCTS; p++)
    row.last_active[p] = -1;

  products = roster_user_batch_get_products (batch, user);
  for (guint p = 0; p < user->n_products; p++)
    {
      const RosterBatchProduct *access = &products[p];

      if (access->product >= ROSTER_N_PRODUCTS)
        continue;
      row.last_active[access->product] = MAX (row.last_active[access->product],
                                              access->last_active);
      if (self->resource_ids[access->product] == NULL && access->resource_id != NULL)
        self->resource_ids[access->product] = g_strdup (access->resource_id);
    }

  return append_internal (self, &row, roster_user_batch_get_groups (batch, user), user->n_groups,
                          batch->set_ready ? user->search_key : NULL, user->account_hash);
}

void
roster_user_set_prepare_batch (RosterUserBatch *batch)
{
  g_autoptr(GString) key = NULL;

  g_return_if_fail (batch != NULL);

  if (batch->set_ready)
    return;

  key = g_string_sized_new (128);
  for (guint i = 0; i < batch->users->len; i++)
    {
      RosterBatchUser *user = &g_array_index (batch->users, RosterBatchUser, i);

      g_string_truncate (key, 0);
      fold_append (key, user->name != NULL ? user->name : "");
      g_string_append_c (key, '\n');
      fold_append (key, user->email);
      user->search_key = g_string_chunk_insert_len (batch->strings, key->str, key->len);
      user->account_hash = hash_account_id (user->account_id);
    }
  batch->set_ready = TRUE;
}

void
roster_user_set_set_resource_id (RosterUserSet *self,
                                 RosterProduct  product,
                                 const char    *resource_id)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->frozen);
  g_return_if_fail (product < ROSTER_N_PRODUCTS);

  g_free (self->resource_ids[product]);
  self->resource_ids[product] = g_strdup (resource_id);
}

/* Freezing */

typedef struct
{
  const char *pool;
  const Record *records;
} SortContext;

static int
compare_rows (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  const SortContext *ctx = user_data;
  const Record *ra = &ctx->records[*(const guint32 *) a];
  const Record *rb = &ctx->records[*(const guint32 *) b];
  const guchar *ka = (const guchar *) ctx->pool + ra->search_key;
  const guchar *kb = (const guchar *) ctx->pool + rb->search_key;

  /* The folded name is the key up to '\n'; treat '\n' as its end. */
  for (;;)
    {
      guchar ca = *ka == '\n' ? 0 : *ka;
      guchar cb = *kb == '\n' ? 0 : *kb;

      if (ca != cb)
        return ca < cb ? -1 : 1;
      if (ca == 0)
        break;
      ka++;
      kb++;
    }

  return strcmp (ctx->pool + ra->account_id, ctx->pool + rb->account_id);
}

/* The first sixteen bytes of the folded name, big-endian, and a hash of all
 * of it, so that most of the sort never touches the string pool: names often
 * come more than once, and long ones share their first sixteen bytes. */
typedef struct _SortEntry
{
  guint64 prefix[2];
  guint64 name_hash;     /* of the whole folded name */
  guint64 account;       /* first eight bytes of the account id, big-endian */
  guint32 account_more;  /* the next four: most ids begin "712020:" or "557058:" */
  guint32 index;
} SortEntry;

static void
make_sort_entry (SortEntry  *entry,
                 const char *key,
                 const char *account_id,
                 guint32     index)
{
  guint64 hash = 14695981039346656037u;   /* FNV-1a */
  guint i;

  entry->prefix[0] = entry->prefix[1] = entry->account = 0;
  entry->account_more = 0;
  for (i = 0; key[i] != '\0' && key[i] != '\n'; i++)
    {
      if (i < 16)
        entry->prefix[i / 8] = (entry->prefix[i / 8] << 8) | (guchar) key[i];
      hash = (hash ^ (guchar) key[i]) * 1099511628211u;
    }
  for (; i < 16; i++)
    entry->prefix[i / 8] <<= 8;
  entry->name_hash = hash;

  /* Padded with zeros past the end, which keeps strcmp()'s order. */
  for (i = 0; i < 12 && account_id[i] != '\0'; i++)
    {
      if (i < 8)
        entry->account = (entry->account << 8) | (guchar) account_id[i];
      else
        entry->account_more = (entry->account_more << 8) | (guchar) account_id[i];
    }
  for (; i < 12; i++)
    {
      if (i < 8)
        entry->account <<= 8;
      else
        entry->account_more <<= 8;
    }

  entry->index = index;
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  const SortEntry *ea = a;
  const SortEntry *eb = b;

  if (ea->prefix[0] != eb->prefix[0])
    return ea->prefix[0] < eb->prefix[0] ? -1 : 1;
  if (ea->prefix[1] != eb->prefix[1])
    return ea->prefix[1] < eb->prefix[1] ? -1 : 1;
  /* The same name (a name of up to sixteen bytes is all in the prefix; a
   * longer one is taken as the same when the hashes of all of it agree): the
   * account id decides. */
  if (ea->name_hash == eb->name_hash)
    {
      if (ea->account != eb->account)
        return ea->account < eb->account ? -1 : 1;
      if (ea->account_more != eb->account_more)
        return ea->account_more < eb->account_more ? -1 : 1;
    }
  return compare_rows (&ea->index, &eb->index, user_data);
}

/* For a run of entries whose names are all the same. */
static int
compare_accounts (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  const SortEntry *ea = a;
  const SortEntry *eb = b;
  const SortContext *ctx = user_data;

  if (ea->account != eb->account)
    return ea->account < eb->account ? -1 : 1;
  if (ea->account_more != eb->account_more)
    return ea->account_more < eb->account_more ? -1 : 1;
  return strcmp (ctx->pool + ctx->records[ea->index].account_id,
                 ctx->pool + ctx->records[eb->index].account_id);
}

static gboolean
same_name (const char *a,
           const char *b)
{
  for (;; a++, b++)
    {
      char ca = *a == '\n' ? '\0' : *a;
      char cb = *b == '\n' ? '\0' : *b;

      if (ca != cb)
        return FALSE;
      if (ca == '\0')
        return TRUE;
    }
}

/* Sorts by prefix with a least-significant-digit radix sort (stable, one byte
 * per pass, skipping bytes that are the same everywhere), then sorts the runs
 * of equal prefixes with the full comparison. Several times faster than a
 * comparison sort over the whole set: names share their first letters a lot. */
static void
sort_entries (SortEntry         *entries,
              guint              n,
              const SortContext *ctx)
{
  g_autofree SortEntry *buffer = g_new (SortEntry, MAX (n, 1));
  SortEntry *from = entries, *to = buffer;

  for (int pass = 0; pass < 16; pass++)
    {
      guint word = pass < 8 ? 1 : 0;
      guint shift = (pass % 8) * 8;
      guint count[256] = { 0 };
      guint offset = 0;
      gboolean one_value = FALSE;

      for (guint i = 0; i < n; i++)
        count[(from[i].prefix[word] >> shift) & 0xff]++;
      for (guint d = 0; d < 256; d++)
        {
          guint c = count[d];

          if (c == n)
            one_value = TRUE;
          count[d] = offset;
          offset += c;
        }
      if (one_value)
        continue;

      for (guint i = 0; i < n; i++)
        to[count[(from[i].prefix[word] >> shift) & 0xff]++] = from[i];

      {
        SortEntry *swap = from;

        from = to;
        to = swap;
      }
    }

  if (from != entries)
    memcpy (entries, from, n * sizeof (SortEntry));

  for (guint i = 0; i < n;)
    {
      guint j = i + 1;

      while (j < n && entries[j].prefix[0] == entries[i].prefix[0] &&
             entries[j].prefix[1] == entries[i].prefix[1])
        j++;
      if (j - i > 1)
        {
          const char *name = ctx->pool + ctx->records[entries[i].index].search_key;
          gboolean all_same = TRUE;

          /* Often the very same name (common names are common): then only
           * the account ids need comparing. */
          for (guint k = i + 1; k < j && all_same; k++)
            all_same = same_name (name, ctx->pool + ctx->records[entries[k].index].search_key);
          g_qsort_with_data (entries + i, j - i, sizeof (SortEntry),
                             all_same ? compare_accounts : compare_entries, (gpointer) ctx);
        }
      i = j;
    }
}

static guint32
hash_account_id (const char *str)
{
  /* FNV-1a, then a final mix so the low bits used by the mask are well spread. */
  guint32 h = 2166136261u;

  for (; *str != '\0'; str++)
    h = (h ^ (guchar) *str) * 16777619u;
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  return h;
}

/* While building, the account-id table holds each row's hash and append
 * order + 1, and grows before it is half full; freeze turns it into sorted
 * rows. A probe reads only the table until the hashes match. */
static void
building_table_grow (RosterUserSet *self)
{
  guint32 old_size = self->build_table != NULL ? self->table_mask + 1 : 0;
  guint32 size = old_size != 0 ? old_size * 2 : 1024;
  g_autofree guint64 *old = g_steal_pointer (&self->build_table);

  self->build_table = g_new0 (guint64, size);
  self->table_mask = size - 1;
  for (guint32 i = 0; i < old_size; i++)
    {
      guint32 slot;

      if (old[i] == 0)
        continue;
      slot = (guint32) (old[i] >> 32) & self->table_mask;
      while (self->build_table[slot] != 0)
        slot = (slot + 1) & self->table_mask;
      self->build_table[slot] = old[i];
    }
}

/* The free slot for a new account id, or FALSE when the id is in the set. */
static gboolean
building_find_slot (RosterUserSet *self,
                    const char    *account_id,
                    guint32        hash,
                    guint32       *out_hash,
                    guint32       *out_slot)
{
  guint32 slot;

  if (self->build_table == NULL || (self->records->len + 1) * 2 > self->table_mask + 1)
    building_table_grow (self);

  slot = hash & self->table_mask;
  while (self->build_table[slot] != 0)
    {
      guint64 entry = self->build_table[slot];

      if ((guint32) (entry >> 32) == hash &&
          strcmp (self->pool + g_array_index (self->records, Record,
                                              (guint32) entry - 1).account_id,
                  account_id) == 0)
        return FALSE;
      slot = (slot + 1) & self->table_mask;
    }

  *out_hash = hash;
  *out_slot = slot;
  return TRUE;
}

/* Merges the sorted runs [lo, mid) and [mid, hi) of the entries, copying the
 * shorter one aside. */
static void
merge_two_runs (RosterUserSet     *self,
                SortEntry         *entries,
                guint              lo,
                guint              mid,
                guint              hi,
                const SortContext *ctx)
{
  gsize shorter = MIN (mid - lo, hi - mid);
  SortEntry *buf;

  if (self->merge_buf_len < shorter)
    {
      g_free (self->merge_buf);
      self->merge_buf_len = MAX (shorter, self->merge_buf_len * 2);
      self->merge_buf = g_new (SortEntry, self->merge_buf_len);
    }
  buf = self->merge_buf;

  if (mid - lo <= hi - mid)
    {
      /* Forwards, the left run aside: k never passes j. */
      guint i = 0, n = mid - lo, j = mid, k = lo;

      memcpy (buf, entries + lo, n * sizeof (SortEntry));
      while (i < n && j < hi)
        {
          if (compare_entries (&entries[j], &buf[i], (gpointer) ctx) < 0)
            entries[k++] = entries[j++];
          else
            entries[k++] = buf[i++];
        }
      memcpy (entries + k, buf + i, (n - i) * sizeof (SortEntry));
    }
  else
    {
      /* Backwards, the right run aside: k never passes i. */
      guint n = hi - mid, i = mid, j = n, k = hi;

      memcpy (buf, entries + mid, n * sizeof (SortEntry));
      while (i > lo && j > 0)
        {
          if (compare_entries (&buf[j - 1], &entries[i - 1], (gpointer) ctx) < 0)
            entries[--k] = entries[--i];
          else
            entries[--k] = buf[--j];
        }
      memcpy (entries + k - j, buf, j * sizeof (SortEntry));
    }
}

/* Records the sorted run that ends at `end`, then merges the last two runs
 * while they are as long as each other (or, with `all`, until one is left).
 * Built on append, the runs double like a binary counter, so freeze has
 * little left to merge. */
static void
push_sorted_run (RosterUserSet *self,
                 guint          end,
                 gboolean       all)
{
  SortEntry *entries = (SortEntry *) (gpointer) self->entries->data;
  SortContext ctx = { self->pool, (const Record *) (gpointer) self->records->data };

  if (self->n_run_ends == 0 || self->run_ends[self->n_run_ends - 1] != end)
    {
      g_assert (self->n_run_ends < G_N_ELEMENTS (self->run_ends));
      self->run_ends[self->n_run_ends++] = end;
    }

  while (self->n_run_ends >= 2)
    {
      guint hi = self->run_ends[self->n_run_ends - 1];
      guint mid = self->run_ends[self->n_run_ends - 2];
      guint lo = self->n_run_ends >= 3 ? self->run_ends[self->n_run_ends - 3] : 0;

      if (!all && mid - lo != hi - mid)
        break;
      merge_two_runs (self, entries, lo, mid, hi, &ctx);
      self->run_ends[self->n_run_ends - 2] = hi;
      self->n_run_ends--;
    }
}

/* The sort entry of each row is made on append, like its search key; every
 * SORT_RUN of them is sorted then and merged with earlier runs (see
 * push_sorted_run()). A set built while a sync runs is then ready sooner
 * after its last page. */
#define SORT_RUN 8192

static void
building_add_entry (RosterUserSet *self,
                    const Record  *record,
                    guint32        index)
{
  SortEntry entry;

  if (self->entries == NULL)
    self->entries = g_array_new (FALSE, FALSE, sizeof (SortEntry));
  make_sort_entry (&entry, pool_get (self, record->search_key),
                   pool_get (self, record->account_id), index);
  g_array_append_val (self->entries, entry);

  if (self->entries->len - self->n_sorted == SORT_RUN)
    {
      SortContext ctx = { self->pool, (const Record *) (gpointer) self->records->data };

      sort_entries (&g_array_index (self->entries, SortEntry, self->n_sorted), SORT_RUN, &ctx);
      self->n_sorted += SORT_RUN;
      push_sorted_run (self, self->n_sorted, FALSE);
    }
}

/* Appends a string to a packed pool made by pack_strings(). */
static guint32
packed_add (GString    *pool,
            const char *str)
{
  guint32 offset = (guint32) pool->len;

  g_string_append_len (pool, str, strlen (str) + 1);
  return offset;
}

/* A copy of the strings laid out in row order: first each row's account id,
 * name and email, then all the search keys, with records pointing into it.
 * The snapshot is written so: the first screen of the list then reads a few
 * pages of the mapped pool instead of one page per row scattered over all of
 * it (each of those faults brings in its neighbours too), and building the
 * search index reads only the keys' part. Also leaves out strings no record
 * uses. Made when the snapshot is written, after the set is handed over,
 * rather than in freeze, which a sync waits for. */
static void
pack_strings (RosterUserSet  *self,
              char          **out_pool,
              gsize          *out_len,
              Record        **out_recs)
{
  GString *pool = g_string_sized_new (self->pool_len);
  Record *recs = g_memdup2 (self->recs, MAX ((gsize) self->n_records, 1) * sizeof (Record));

  for (guint i = 0; i < self->n_records; i++)
    {
      Record *record = &recs[i];

      record->account_id = packed_add (pool, self->pool + record->account_id);
      record->name = packed_add (pool, self->pool + record->name);
      if (record->email != NO_STRING)
        record->email = packed_add (pool, self->pool + record->email);
    }
  for (guint i = 0; i < self->n_records; i++)
    recs[i].search_key = packed_add (pool, self->pool + recs[i].search_key);

  *out_len = pool->len;
  *out_pool = g_string_free (pool, FALSE);
  *out_recs = recs;
}

void
roster_user_set_freeze (RosterUserSet *self)
{
  g_autofree SortEntry *order = NULL;
  g_autoptr(GArray) sorted = NULL;
  SortContext ctx;
  guint n;

  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->frozen);

  n = self->records->len;
  g_assert (self->entries == NULL || self->entries->len == n);

  if (self->entries != NULL)
    {
      ctx.pool = self->pool;
      ctx.records = (const Record *) (gpointer) self->records->data;
      sort_entries (&g_array_index (self->entries, SortEntry, self->n_sorted), n - self->n_sorted,
                    &ctx);
      if (n > 0)
        push_sorted_run (self, n, TRUE);
      order = (SortEntry *) (gpointer) g_array_free (g_steal_pointer (&self->entries), FALSE);
    }
  else
    {
      order = g_new (SortEntry, 1);
    }
  self->n_sorted = 0;
  self->n_run_ends = 0;
  g_clear_pointer (&self->merge_buf, g_free);
  self->merge_buf_len = 0;

  sorted = g_array_sized_new (FALSE, FALSE, sizeof (Record), n);
  for (guint i = 0; i < n; i++)
    g_array_append_val (sorted, g_array_index (self->records, Record, order[i].index));
  g_array_unref (self->records);
  self->records = g_steal_pointer (&sorted);
  self->recs = (const Record *) (gpointer) self->records->data;
  self->n_records = self->records->len;

  /* The account-id table built on append: from append order to sorted rows. */
  if (self->build_table == NULL)
    {
      self->table_buf = g_new0 (guint32, 16);
      self->table_mask = 15;
    }
  else
    {
      g_autofree guint32 *row_of = g_new (guint32, MAX (n, 1));

      for (guint i = 0; i < n; i++)
        row_of[order[i].index] = i;
      self->table_buf = g_new (guint32, self->table_mask + 1);
      for (guint32 slot = 0; slot <= self->table_mask; slot++)
        {
          guint32 entry = (guint32) self->build_table[slot];

          self->table_buf[slot] = entry != 0 ? row_of[entry - 1] + 1 : 0;
        }
      g_clear_pointer (&self->build_table, g_free);
    }
  self->table = self->table_buf;
  if (self->fold_buf != NULL)
    g_string_free (g_steal_pointer (&self->fold_buf), TRUE);

  /* Drop the pool's growth slack (the snapshot writer packs it tighter still). */
  if (self->pool_alloc > self->pool_len)
    {
      self->pool_buf = g_realloc (self->pool_buf, MAX (self->pool_len, 1));
      self->pool_alloc = MAX (self->pool_len, 1);
      self->pool = self->pool_buf;
    }
  self->recs = (const Record *) (gpointer) self->records->data;
  self->n_records = self->records->len;

  self->frozen = TRUE;
}

/* Reading */

gboolean
roster_user_set_is_frozen (RosterUserSet *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->frozen;
}

guint
roster_user_set_get_n_users (RosterUserSet *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_records;
}

int
roster_user_set_lookup (RosterUserSet *self,
                        const char    *account_id)
{
  guint32 slot;

  g_return_val_if_fail (self != NULL, -1);
  g_return_val_if_fail (self->frozen, -1);

  if (account_id == NULL)
    return -1;

  slot = hash_account_id (account_id) & self->table_mask;
  while (self->table[slot] != 0)
    {
      guint row = self->table[slot] - 1;

      if (strcmp (self->pool + get_record (self, row)->account_id, account_id) == 0)
        return (int) row;
      slot = (slot + 1) & self->table_mask;
    }

  return -1;
}

#define CHECK_ROW(self, i, val) \
  G_STMT_START { \
    g_return_val_if_fail ((self) != NULL, val); \
    g_return_val_if_fail ((i) < (self)->n_records, val); \
  } G_STMT_END

const char *
roster_user_set_get_account_id (RosterUserSet *self,
                                guint          i)
{
  CHECK_ROW (self, i, NULL);
  return pool_get (self, get_record (self, i)->account_id);
}

const char *
roster_user_set_get_name (RosterUserSet *self,
                          guint          i)
{
  CHECK_ROW (self, i, NULL);
  return pool_get (self, get_record (self, i)->name);
}

const char *
roster_user_set_get_email (RosterUserSet *self,
                           guint          i)
{
  CHECK_ROW (self, i, NULL);
  return pool_get (self, get_record (self, i)->email);
}

RosterStatus
roster_user_set_get_status (RosterUserSet *self,
                            guint          i)
{
  CHECK_ROW (self, i, ROSTER_STATUS_UNKNOWN);
  return (RosterStatus) get_record (self, i)->status;
}

RosterAccountType
roster_user_set_get_account_type (RosterUserSet *self,
                                  guint          i)
{
  CHECK_ROW (self, i, ROSTER_ACCOUNT_TYPE_UNKNOWN);
  return (RosterAccountType) get_record (self, i)->account_type;
}

RosterClaim
roster_user_set_get_claim (RosterUserSet *self,
                           guint          i)
{
  CHECK_ROW (self, i, ROSTER_CLAIM_UNMANAGED);
  return (RosterClaim) get_record (self, i)->claim;
}

gboolean
roster_user_set_is_org_admin (RosterUserSet *self,
                              guint          i)
{
  CHECK_ROW (self, i, FALSE);
  return (get_record (self, i)->flags & FLAG_ORG_ADMIN) != 0;
}

gboolean
roster_user_set_is_billable (RosterUserSet *self,
                             guint          i)
{
  CHECK_ROW (self, i, FALSE);
  return (get_record (self, i)->flags & FLAG_BILLABLE) != 0;
}

guint
roster_user_set_get_products (RosterUserSet *self,
                              guint          i)
{
  const Record *record;
  guint mask = 0;

  CHECK_ROW (self, i, 0);

  record = get_record (self, i);
  for (guint p = 0; p < ROSTER_N_PRODUCTS; p++)
    if (record->last_active[p] != NO_ACCESS)
      mask |= 1u << p;

  return mask;
}

gint64
roster_user_set_get_product_last_active (RosterUserSet *self,
                                         guint          i,
                                         RosterProduct  product)
{
  CHECK_ROW (self, i, -1);
  g_return_val_if_fail (product < ROSTER_N_PRODUCTS, -1);

  return last_active_get (get_record (self, i)->last_active[product]);
}

gint64
roster_user_set_get_last_active (RosterUserSet *self,
                                 guint          i)
{
  const Record *record;
  gint64 newest = 0;

  CHECK_ROW (self, i, 0);

  record = get_record (self, i);
  for (guint p = 0; p < ROSTER_N_PRODUCTS; p++)
    newest = MAX (newest, last_active_get (record->last_active[p]));

  return newest;
}

const char * const *
roster_user_set_get_group_names (RosterUserSet *self,
                                 guint          i)
{
  CHECK_ROW (self, i, NULL);
  return (const char * const *) &get_group_ptrs (self)->pdata[get_record (self, i)->groups];
}

guint
roster_user_set_get_n_groups (RosterUserSet *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->group_names->len;
}

const char *
roster_user_set_get_group (RosterUserSet *self,
                           guint          index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->group_names->len, NULL);
  return g_ptr_array_index (self->group_names, index);
}

const char *
roster_user_set_get_group_id (RosterUserSet *self,
                              guint          index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->group_ids->len, NULL);
  return g_ptr_array_index (self->group_ids, index);
}

const char *
roster_user_set_get_search_key (RosterUserSet *self,
                                guint          i)
{
  CHECK_ROW (self, i, NULL);
  g_return_val_if_fail (self->frozen, NULL);
  return pool_get (self, get_record (self, i)->search_key);
}

const char *
roster_user_set_get_resource_id (RosterUserSet *self,
                                 RosterProduct  product)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (product < ROSTER_N_PRODUCTS, NULL);
  return self->resource_ids[product];
}

RosterUser *
roster_user_set_dup_user (RosterUserSet *self,
                          guint          i)
{
  const Record *record;
  const char * const *groups;
  RosterUser *user;

  CHECK_ROW (self, i, NULL);

  record = get_record (self, i);
  user = roster_user_new (pool_get (self, record->account_id),
                          pool_get (self, record->name),
                          pool_get (self, record->email),
                          (RosterAccountType) record->account_type,
                          (RosterStatus) record->status,
                          (RosterClaim) record->claim);

  for (guint p = 0; p < ROSTER_N_PRODUCTS; p++)
    if (record->last_active[p] != NO_ACCESS)
      roster_user_add_product (user, roster_product_to_string (p), self->resource_ids[p],
                               record->last_active[p]);

  for (groups = roster_user_set_get_group_names (self, i); *groups != NULL; groups++)
    {
      gpointer value = g_hash_table_lookup (self->group_index, *groups);
      const char *id = NULL;

      if (value != NULL)
        id = g_ptr_array_index (self->group_ids, GPOINTER_TO_UINT (value) - 1);
      roster_user_add_group (user, id, *groups);
    }

  if (record->flags & FLAG_ORG_ADMIN)
    roster_user_add_platform_role (user, "atlassian/org-admin");

  return user;
}

gsize
roster_user_set_get_memory_size (RosterUserSet *self)
{
  gsize size;

  g_return_val_if_fail (self != NULL, 0);

  size = sizeof *self;
  size += MAX (self->pool_alloc, self->pool_len);
  size += (gsize) self->n_records * sizeof (Record);
  size += (gsize) MAX (self->group_ptrs->len, self->n_runs) * sizeof (gpointer);
  size += (gsize) (self->table_mask + 1) * sizeof (guint32);
  for (guint g = 0; g < self->group_names->len; g++)
    size += strlen (g_ptr_array_index (self->group_names, g)) + 1 + 3 * sizeof (gpointer);

  return size;
}

/* Snapshot ---------------------------------------------------------------- */

#define SNAPSHOT_MAGIC      "RSTRUSR"   /* 7 characters + NUL */
#define SNAPSHOT_BYTE_ORDER 0x01020304u

typedef struct
{
  char    magic[8];
  guint32 format_version;
  guint32 schema_version;
  guint64 generation;
  guint32 byte_order;      /* SNAPSHOT_BYTE_ORDER as written: another byte order is foreign */
  guint32 record_size;     /* sizeof (Record): another layout is foreign */
  guint32 n_records;
  guint32 table_size;
  guint32 n_runs;          /* entries of the group runs */
  guint32 n_groups;
  guint64 pool_len;
  guint64 strings_len;     /* group names and ids, then the resource ids */
  guint64 payload_len;
  guint64 checksum;        /* of the payload, see Checksum */
} SnapshotHeader;

G_STATIC_ASSERT (sizeof (SnapshotHeader) == ROSTER_USER_SET_SNAPSHOT_HEADER_SIZE);
G_STATIC_ASSERT (G_STRUCT_OFFSET (SnapshotHeader, checksum) ==
                 ROSTER_USER_SET_SNAPSHOT_CHECKSUM_OFFSET);

/* A 64-bit multiply-xorshift hash over 8-byte words in four lanes, so that it runs
 * at memory speed (about 3 ms for the 20 MB of 100,000 users); it only has to
 * catch a truncated, torn or damaged file, not an attacker. */
typedef struct
{
  guint64 lane[4];
  guint64 n_words;
} Checksum;

static void
checksum_init (Checksum *c)
{
  c->lane[0] = 0x243f6a8885a308d3ull;
  c->lane[1] = 0x13198a2e03707344ull;
  c->lane[2] = 0xa4093822299f31d0ull;
  c->lane[3] = 0x082efa98ec4e6c89ull;
  c->n_words = 0;
}

static inline guint64
mix_word (guint64 h,
          guint64 w)
{
  h ^= w;
  h *= 0x9e3779b97f4a7c15ull;
  return h ^ (h >> 29);
}

/* Hashes len bytes as if padded with zeros to a multiple of 8. */
static void
checksum_update (Checksum   *c,
                 const void *data,
                 gsize       len)
{
  const guchar *p = data;
  gsize n = len / 8;
  gsize i = 0;

  /* Word by word until the lanes line up, then four at a time. */
  while (i < n && (c->n_words & 3) != 0)
    {
      guint64 w;

      memcpy (&w, p + i * 8, 8);
      c->lane[c->n_words & 3] = mix_word (c->lane[c->n_words & 3], w);
      c->n_words++;
      i++;
    }
  for (; i + 4 <= n; i += 4)
    {
      guint64 w0, w1, w2, w3;

      memcpy (&w0, p + i * 8, 8);
      memcpy (&w1, p + i * 8 + 8, 8);
      memcpy (&w2, p + i * 8 + 16, 8);
      memcpy (&w3, p + i * 8 + 24, 8);
      c->lane[0] = mix_word (c->lane[0], w0);
      c->lane[1] = mix_word (c->lane[1], w1);
      c->lane[2] = mix_word (c->lane[2], w2);
      c->lane[3] = mix_word (c->lane[3], w3);
      c->n_words += 4;
    }
  for (; i < n; i++)
    {
      guint64 w;

      memcpy (&w, p + i * 8, 8);
      c->lane[c->n_words & 3] = mix_word (c->lane[c->n_words & 3], w);
      c->n_words++;
    }
  if (len % 8 != 0)
    {
      guint64 w = 0;

      memcpy (&w, p + n * 8, len % 8);
      c->lane[c->n_words & 3] = mix_word (c->lane[c->n_words & 3], w);
      c->n_words++;
    }
}

static guint64
checksum_finish (const Checksum *c)
{
  guint64 h = c->n_words;

  for (guint i = 0; i < 4; i++)
    h = mix_word (h, c->lane[i]);
  return h;
}

static inline gsize
pad8 (gsize len)
{
  return (len + 7) & ~(gsize) 7;
}

typedef struct
{
  int       fd;
  Checksum  sum;
  GError  **error;
  const char *path;
} Writer;

static gboolean
writer_put (Writer     *wr,
            const void *data,
            gsize       len,
            gboolean    hash)
{
  static const char zeros[8] = { 0 };
  const char *p = data;
  gsize left = len;

  if (hash)
    checksum_update (&wr->sum, data, len);

  while (left > 0)
    {
      gssize n = write (wr->fd, p, left);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int errsv = errno;

          g_set_error (wr->error, ROSTER_ERROR, ROSTER_ERROR_CACHE,
                       "Writing %s failed: %s", wr->path, g_strerror (errsv));
          return FALSE;
        }
      p += n;
      left -= n;
    }

  if (hash && pad8 (len) != len)
    return writer_put (wr, zeros, pad8 (len) - len, FALSE);
  return TRUE;
}

gboolean
_roster_user_set_write_snapshot (RosterUserSet  *self,
                                 const char     *path,
                                 guint64         generation,
                                 guint32         schema_version,
                                 GError        **error)
{
  g_autofree char *tmp = NULL;
  g_autofree guint32 *runs = NULL;
  g_autoptr(GString) strings = g_string_new (NULL);
  g_autofree char *pool = NULL;
  g_autofree Record *recs = NULL;
  gsize pool_len = 0;
  SnapshotHeader header = { { 0 }, };
  Writer wr = { -1, };
  guint n_runs;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->frozen, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  /* Group runs as group index + 1 (0 ends a run) instead of pointers. */
  n_runs = get_group_ptrs (self)->len;
  runs = g_new (guint32, MAX (n_runs, 1));
  for (guint i = 0; i < n_runs; i++)
    {
      const char *name = g_ptr_array_index (self->group_ptrs, i);

      runs[i] = name == NULL ? 0 : GPOINTER_TO_UINT (g_hash_table_lookup (self->group_index, name));
    }

  for (guint g = 0; g < self->group_names->len; g++)
    {
      const char *id = g_ptr_array_index (self->group_ids, g);

      g_string_append (strings, g_ptr_array_index (self->group_names, g));
      g_string_append_c (strings, '\0');
      g_string_append (strings, id != NULL ? id : "");
      g_string_append_c (strings, '\0');
    }
  for (guint p = 0; p < ROSTER_N_PRODUCTS; p++)
    {
      g_string_append (strings, self->resource_ids[p] != NULL ? self->resource_ids[p] : "");
      g_string_append_c (strings, '\0');
    }

  pack_strings (self, &pool, &pool_len, &recs);

  memcpy (header.magic, SNAPSHOT_MAGIC, sizeof header.magic);
  header.format_version = ROSTER_USER_SET_SNAPSHOT_FORMAT;
  header.schema_version = schema_version;
  header.generation = generation;
  header.byte_order = SNAPSHOT_BYTE_ORDER;
  header.record_size = sizeof (Record);
  header.n_records = self->n_records;
  header.table_size = self->table_mask + 1;
  header.n_runs = n_runs;
  header.n_groups = self->group_names->len;
  header.pool_len = pool_len;
  header.strings_len = strings->len;
  header.payload_len = pad8 (pool_len) +
                       pad8 ((gsize) self->n_records * sizeof (Record)) +
                       pad8 ((gsize) header.table_size * 4) +
                       pad8 ((gsize) n_runs * 4) +
                       pad8 (strings->len);

  /* A private temporary file renamed over the old one: a reader sees the old
   * snapshot or the new one, never half of one. */
  tmp = g_strdup_printf ("%s.XXXXXX", path);
  wr.fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
  wr.error = error;
  wr.path = tmp;
  if (wr.fd < 0)
    {
      int errsv = errno;

      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_CACHE,
                   "Creating %s failed: %s", tmp, g_strerror (errsv));
      return FALSE;
    }

  checksum_init (&wr.sum);
  if (!writer_put (&wr, &header, sizeof header, FALSE) ||
      !writer_put (&wr, pool, pool_len, TRUE) ||
      !writer_put (&wr, recs, (gsize) self->n_records * sizeof (Record), TRUE) ||
      !writer_put (&wr, self->table, (gsize) header.table_size * 4, TRUE) ||
      !writer_put (&wr, runs, (gsize) n_runs * 4, TRUE) ||
      !writer_put (&wr, strings->str, strings->len, TRUE))
    goto fail;

  header.checksum = checksum_finish (&wr.sum);
  if (lseek (wr.fd, 0, SEEK_SET) != 0 || !writer_put (&wr, &header, sizeof header, FALSE))
    goto fail;

  if (close (wr.fd) != 0)
    {
      int errsv = errno;

      wr.fd = -1;
      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_CACHE,
                   "Writing %s failed: %s", tmp, g_strerror (errsv));
      goto fail;
    }
  wr.fd = -1;

  if (g_rename (tmp, path) != 0)
    {
      int errsv = errno;

      g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_CACHE,
                   "Renaming %s failed: %s", tmp, g_strerror (errsv));
      goto fail;
    }

  return TRUE;

fail:
  if (wr.fd >= 0)
    close (wr.fd);
  g_unlink (tmp);
  return FALSE;
}

static gpointer
snapshot_invalid (GError     **error,
                  const char  *path,
                  const char  *why)
{
  g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_CACHE, "Ignoring the snapshot %s: %s", path, why);
  return NULL;
}

#define SNAPSHOT_CHUNK (1024 * 1024)

/* Drops the resident pages of the mapping from its start up to end. */
static void
release_pages (const char *start,
               const char *end)
{
  gsize page = sysconf (_SC_PAGESIZE);
  gsize len = (gsize) (end - start) / page * page;

  if (len > 0)
    madvise ((void *) start, len, MADV_DONTNEED);
}

static gboolean
string_ok (guint32 offset,
           gsize   pool_len)
{
  return offset < pool_len;
}

RosterUserSet *
_roster_user_set_load_snapshot (const char  *path,
                                guint64      generation,
                                guint32      schema_version,
                                GError     **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(RosterUserSet) set = NULL;
  SnapshotHeader header;
  const char *data, *payload, *strings, *p, *end;
  const Record *recs;
  const guint32 *table, *runs;
  gsize size, off;
  Checksum sum;
  guint n_table_rows = 0;

  g_return_val_if_fail (path != NULL, NULL);

  mapped = g_mapped_file_new (path, FALSE, error);
  if (mapped == NULL)
    return NULL;

  data = g_mapped_file_get_contents (mapped);
  size = g_mapped_file_get_length (mapped);
  if (data == NULL || size < sizeof header)
    return snapshot_invalid (error, path, "truncated header");
  memcpy (&header, data, sizeof header);

  if (memcmp (header.magic, SNAPSHOT_MAGIC, sizeof header.magic) != 0 ||
      header.byte_order != SNAPSHOT_BYTE_ORDER || header.record_size != sizeof (Record))
    return snapshot_invalid (error, path, "not a snapshot of this build");
  if (header.format_version != ROSTER_USER_SET_SNAPSHOT_FORMAT ||
      header.schema_version != schema_version)
    return snapshot_invalid (error, path, "another format or schema version");
  if (header.generation != generation)
    return snapshot_invalid (error, path, "stale (the cache changed since)");

  /* Sizes first, in 64 bits, so that nothing below can overflow. */
  if ((header.pool_len == 0 && header.n_records != 0) || header.pool_len > G_MAXUINT32 ||
      header.n_records >= G_MAXUINT32 / 2 ||
      header.table_size < 16 || (header.table_size & (header.table_size - 1)) != 0 ||
      header.table_size <= header.n_records ||
      header.n_runs == 0 || header.strings_len == 0 || header.strings_len > G_MAXUINT32 ||
      header.payload_len != pad8 (header.pool_len) +
                            pad8 ((guint64) header.n_records * sizeof (Record)) +
                            pad8 ((guint64) header.table_size * 4) +
                            pad8 ((guint64) header.n_runs * 4) +
                            pad8 (header.strings_len) ||
      header.payload_len != size - sizeof header)
    return snapshot_invalid (error, path, "truncated or inconsistent sizes");

  /* The checks read every page of the file once. Those are clean copies of the
   * page cache: give them back as the checks go (so the check never holds more than
   * a chunk resident) and let rows fault in again as they are read. */
  payload = data + sizeof header;
  checksum_init (&sum);
  for (gsize done = 0; done < header.payload_len; done += SNAPSHOT_CHUNK)
    {
      gsize len = MIN (SNAPSHOT_CHUNK, header.payload_len - done);

      checksum_update (&sum, payload + done, len);
      release_pages (data, payload + done + len);
    }
  if (checksum_finish (&sum) != header.checksum)
    return snapshot_invalid (error, path, "checksum mismatch");

  off = 0;
  p = payload;
  off += pad8 (header.pool_len);
  recs = (const Record *) (gconstpointer) (payload + off);
  off += pad8 ((gsize) header.n_records * sizeof (Record));
  table = (const guint32 *) (gconstpointer) (payload + off);
  off += pad8 ((gsize) header.table_size * 4);
  runs = (const guint32 *) (gconstpointer) (payload + off);
  off += pad8 ((gsize) header.n_runs * 4);
  strings = payload + off;

  /* Every offset must land in the pool, and the pool must end a string, so that
   * every read stops inside the file. */
  if (header.pool_len > 0 && p[header.pool_len - 1] != '\0')
    return snapshot_invalid (error, path, "bad string pool");
  for (guint i = 0; i < header.n_records; i++)
    {
      const Record *r = &recs[i];

      if (i % 16384 == 16383)
        release_pages (data, (const char *) r);

      if (!string_ok (r->account_id, header.pool_len) || !string_ok (r->name, header.pool_len) ||
          !string_ok (r->search_key, header.pool_len) ||
          (r->email != NO_STRING && !string_ok (r->email, header.pool_len)) ||
          r->groups >= header.n_runs ||
          r->status > ROSTER_STATUS_UNKNOWN || r->account_type > ROSTER_ACCOUNT_TYPE_UNKNOWN ||
          r->claim > ROSTER_CLAIM_UNMANAGED)
        return snapshot_invalid (error, path, "bad record");
    }
  for (guint i = 0; i < header.table_size; i++)
    {
      if (table[i] > header.n_records)
        return snapshot_invalid (error, path, "bad account index");
      n_table_rows += table[i] != 0;
    }
  if (n_table_rows != header.n_records)
    return snapshot_invalid (error, path, "bad account index");
  if (runs[0] != 0 || runs[header.n_runs - 1] != 0)
    return snapshot_invalid (error, path, "bad group runs");
  for (guint i = 0; i < header.n_runs; i++)
    if (runs[i] > header.n_groups)
      return snapshot_invalid (error, path, "bad group runs");
  if (strings[header.strings_len - 1] != '\0')
    return snapshot_invalid (error, path, "bad group names");

  release_pages (data, data + size);

  set = roster_user_set_new ();
  g_clear_pointer (&set->records, g_array_unref);
  set->pool = payload;
  set->pool_len = header.pool_len;
  set->recs = recs;
  set->n_records = header.n_records;
  set->table = table;
  set->table_mask = header.table_size - 1;
  set->group_runs = runs;

  end = strings + header.strings_len;
  p = strings;
  for (guint g = 0; g < header.n_groups; g++)
    {
      const char *name, *id;
      char *copy;

      if (p >= end)
        return snapshot_invalid (error, path, "bad group names");
      name = p;
      p += strlen (p) + 1;
      if (p >= end)
        return snapshot_invalid (error, path, "bad group names");
      id = p;
      p += strlen (p) + 1;

      copy = g_strdup (name);
      g_ptr_array_add (set->group_names, copy);
      g_ptr_array_add (set->group_ids, id[0] != '\0' ? g_strdup (id) : NULL);
      if (!g_hash_table_contains (set->group_index, copy))
        g_hash_table_insert (set->group_index, copy, GUINT_TO_POINTER (g + 1));
    }
  for (guint pr = 0; pr < ROSTER_N_PRODUCTS; pr++)
    {
      if (p >= end)
        return snapshot_invalid (error, path, "bad resource ids");
      set->resource_ids[pr] = p[0] != '\0' ? g_strdup (p) : NULL;
      p += strlen (p) + 1;
    }

  /* get_group_names() hands out runs of pointers, made from the runs of indexes when
   * first asked for (3 MB for 100,000 users that the list and its search never need). */
  set->n_runs = header.n_runs;
  set->group_ptrs_ready = 0;

  set->mapped = g_steal_pointer (&mapped);
  set->frozen = TRUE;
  return g_steal_pointer (&set);
}

guint64
_roster_user_set_snapshot_checksum (const void *payload,
                                    gsize       len)
{
  Checksum sum;

  checksum_init (&sum);
  checksum_update (&sum, payload, len);
  return checksum_finish (&sum);
}

gboolean
_roster_user_set_is_mapped (RosterUserSet *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->mapped != NULL;
}
