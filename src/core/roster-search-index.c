/* roster-search-index.c
 *
 * Gram ids: 0–255 are the 1-byte grams, 256–65791 the 2-byte grams, and trigrams get
 * ids from 65792 on, in order of first appearance, through a small open-addressing
 * table (24-bit trigram → id). Each gram's posting list holds the rows that contain it,
 * ascending, stored as LEB128 varints of the gaps: most gaps of common grams fit one
 * byte, so the postings take about a quarter of plain 32-bit lists.
 */
#define _GNU_SOURCE 1   /* memmem */
#define G_LOG_DOMAIN "roster-search-index"

#include "config.h"

#include <string.h>

#include "roster-search-index.h"

#define N_SHORT_GRAMS (256 + 65536)
#define MAX_STACK     48

typedef struct
{
  char  *query;    /* (owned) */
  guint *rows;     /* (owned) (nullable) NULL means all rows */
  guint  n_rows;
} StackEntry;

struct _RosterSearchIndex
{
  RosterUserSet *set;            /* (owned) */
  guint          n_rows;

  guint32       *tri_keys;       /* open addressing: trigram + 1, 0 = empty */
  guint32       *tri_ids;
  guint32        tri_mask;

  guint          n_grams;
  guint32       *counts;         /* (owned) rows per gram */
  guint64       *offsets;        /* (owned) n_grams + 1 byte offsets into postings */
  guint8        *postings;       /* (owned) */

  guint         *all_rows;       /* (owned) 0 … n_rows - 1 */
  GArray        *stack;          /* (owned) StackEntry */
};

static inline guint32
trigram_code (const guchar *p)
{
  return ((guint32) p[0] << 16) | ((guint32) p[1] << 8) | p[2];
}

static inline guint32
hash_trigram (guint32 code)
{
  code *= 0x9E3779B1u;
  return code ^ (code >> 15);
}

static void tri_grow (RosterSearchIndex *self);

/* Returns the id of a trigram, adding it when create is TRUE; G_MAXUINT32 if absent. */
static guint32
tri_lookup (RosterSearchIndex *self,
            guint32            code,
            gboolean           create)
{
  guint32 slot = hash_trigram (code) & self->tri_mask;

  while (self->tri_keys[slot] != 0)
    {
      if (self->tri_keys[slot] == code + 1)
        return self->tri_ids[slot];
      slot = (slot + 1) & self->tri_mask;
    }

  if (!create)
    return G_MAXUINT32;

  self->tri_keys[slot] = code + 1;
  self->tri_ids[slot] = self->n_grams++;

  if ((self->n_grams - N_SHORT_GRAMS) * 2 > self->tri_mask)
    tri_grow (self);

  return self->n_grams - 1;
}

static void
tri_grow (RosterSearchIndex *self)
{
  guint32 *old_keys = self->tri_keys;
  guint32 *old_ids = self->tri_ids;
  guint32 old_size = self->tri_mask + 1;

  self->tri_mask = old_size * 2 - 1;
  self->tri_keys = g_new0 (guint32, old_size * 2);
  self->tri_ids = g_new (guint32, old_size * 2);

  for (guint32 i = 0; i < old_size; i++)
    if (old_keys[i] != 0)
      {
        guint32 slot = hash_trigram (old_keys[i] - 1) & self->tri_mask;

        while (self->tri_keys[slot] != 0)
          slot = (slot + 1) & self->tri_mask;
        self->tri_keys[slot] = old_keys[i];
        self->tri_ids[slot] = old_ids[i];
      }

  g_free (old_keys);
  g_free (old_ids);
}

static inline guint
varint_size (guint32 v)
{
  return v < (1u << 7) ? 1 : v < (1u << 14) ? 2 : v < (1u << 21) ? 3 : v < (1u << 28) ? 4 : 5;
}

static inline guint8 *
varint_put (guint8  *p,
            guint32  v)
{
  while (v >= 0x80)
    {
      *p++ = (guint8) (v | 0x80);
      v >>= 7;
    }
  *p++ = (guint8) v;
  return p;
}

static guint
decode_list (RosterSearchIndex *self,
             guint32            gram,
             guint             *out)
{
  const guint8 *p = self->postings + self->offsets[gram];
  guint n = self->counts[gram];
  guint row = G_MAXUINT;   /* the first gap is row + 1 */

  for (guint i = 0; i < n; i++)
    {
      guint32 v = *p++;

      if (G_UNLIKELY (v & 0x80))
        {
          guint shift = 7;

          v &= 0x7f;
          for (;;)
            {
              guint32 b = *p++;

              v |= (b & 0x7f) << shift;
              if (!(b & 0x80))
                break;
              shift += 7;
            }
        }
      row += v;
      out[i] = row;
    }

  return n;
}

/* Calls func for each distinct gram id of one key (a per-gram stamp drops repeats).
 * Pass 1 counts, pass 2 writes. */
typedef struct
{
  guint32 *last_row;     /* row + 1 that last touched each gram */
  gsize    alloc;
} Stamps;

static void
stamps_ensure (Stamps *stamps,
               guint   n_grams)
{
  if (n_grams <= stamps->alloc)
    return;

  {
    gsize want = MAX (stamps->alloc * 2, (gsize) n_grams + 1024);

    stamps->last_row = g_renew (guint32, stamps->last_row, want);
    memset (stamps->last_row + stamps->alloc, 0, (want - stamps->alloc) * sizeof (guint32));
    stamps->alloc = want;
  }
}

static void
free_stack_entry (StackEntry *entry)
{
  g_free (entry->query);
  g_free (entry->rows);
}

RosterSearchIndex *
roster_search_index_new (RosterUserSet *set)
{
  RosterSearchIndex *self;
  Stamps stamps = { 0 };
  guint64 *sizes;
  guint n;

  g_return_val_if_fail (set != NULL, NULL);
  g_return_val_if_fail (roster_user_set_is_frozen (set), NULL);

  self = g_new0 (RosterSearchIndex, 1);
  self->set = roster_user_set_ref (set);
  self->n_rows = n = roster_user_set_get_n_users (set);
  self->stack = g_array_new (FALSE, FALSE, sizeof (StackEntry));
  g_array_set_clear_func (self->stack, (GDestroyNotify) free_stack_entry);
  self->tri_mask = 4096 - 1;
  self->tri_keys = g_new0 (guint32, self->tri_mask + 1);
  self->tri_ids = g_new (guint32, self->tri_mask + 1);
  self->n_grams = N_SHORT_GRAMS;

  self->all_rows = g_new (guint, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    self->all_rows[i] = i;

  /* Pass 1: ids, per-gram row counts and encoded sizes. last_row doubles as the
   * previous row of the list (for the gap). */
  stamps_ensure (&stamps, self->n_grams);
  sizes = g_new0 (guint64, stamps.alloc);
  self->counts = g_new0 (guint32, stamps.alloc);

#define VISIT_PASS1(gram_expr) \
  G_STMT_START { \
    guint32 gram_ = (gram_expr); \
    if (stamps.last_row[gram_] != row + 1) \
      { \
        sizes[gram_] += varint_size (row + 1 - stamps.last_row[gram_]); \
        stamps.last_row[gram_] = row + 1; \
        self->counts[gram_]++; \
      } \
  } G_STMT_END

  for (guint row = 0; row < n; row++)
    {
      const guchar *key = (const guchar *) roster_user_set_get_search_key (set, row);
      gsize len = strlen ((const char *) key);

      for (gsize i = 0; i < len; i++)
        {
          VISIT_PASS1 (key[i]);
          if (i + 1 < len)
            VISIT_PASS1 (256 + ((guint32) key[i] << 8 | key[i + 1]));
          if (i + 2 < len)
            {
              guint32 id = tri_lookup (self, trigram_code (key + i), TRUE);

              if (id >= stamps.alloc)
                {
                  gsize old = stamps.alloc;

                  stamps_ensure (&stamps, id + 1);
                  sizes = g_renew (guint64, sizes, stamps.alloc);
                  self->counts = g_renew (guint32, self->counts, stamps.alloc);
                  memset (sizes + old, 0, (stamps.alloc - old) * sizeof (guint64));
                  memset (self->counts + old, 0, (stamps.alloc - old) * sizeof (guint32));
                }
              VISIT_PASS1 (id);
            }
        }
    }
#undef VISIT_PASS1

  self->offsets = g_new (guint64, self->n_grams + 1);
  self->offsets[0] = 0;
  for (guint g = 0; g < self->n_grams; g++)
    self->offsets[g + 1] = self->offsets[g] + sizes[g];
  self->postings = g_malloc (MAX (self->offsets[self->n_grams], 1));
  self->counts = g_renew (guint32, self->counts, MAX (self->n_grams, 1));

  /* Pass 2: write the gaps; sizes[] now holds each list's write position. */
  for (guint g = 0; g < self->n_grams; g++)
    sizes[g] = self->offsets[g];
  memset (stamps.last_row, 0, stamps.alloc * sizeof (guint32));

#define VISIT_PASS2(gram_expr) \
  G_STMT_START { \
    guint32 gram_ = (gram_expr); \
    if (stamps.last_row[gram_] != row + 1) \
      { \
        sizes[gram_] = varint_put (self->postings + sizes[gram_], \
                                   row + 1 - stamps.last_row[gram_]) - self->postings; \
        stamps.last_row[gram_] = row + 1; \
      } \
  } G_STMT_END

  for (guint row = 0; row < n; row++)
    {
      const guchar *key = (const guchar *) roster_user_set_get_search_key (set, row);
      gsize len = strlen ((const char *) key);

      for (gsize i = 0; i < len; i++)
        {
          VISIT_PASS2 (key[i]);
          if (i + 1 < len)
            VISIT_PASS2 (256 + ((guint32) key[i] << 8 | key[i + 1]));
          if (i + 2 < len)
            VISIT_PASS2 (tri_lookup (self, trigram_code (key + i), FALSE));
        }
    }
#undef VISIT_PASS2

  g_free (sizes);
  g_free (stamps.last_row);

  return self;
}

void
roster_search_index_free (RosterSearchIndex *self)
{
  if (self == NULL)
    return;

  g_array_unref (self->stack);
  g_free (self->all_rows);
  g_free (self->postings);
  g_free (self->offsets);
  g_free (self->counts);
  g_free (self->tri_keys);
  g_free (self->tri_ids);
  roster_user_set_unref (self->set);
  g_free (self);
}

RosterUserSet *
roster_search_index_get_set (RosterSearchIndex *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->set;
}

void
roster_search_index_reset (RosterSearchIndex *self)
{
  g_return_if_fail (self != NULL);
  g_array_set_size (self->stack, 0);
}

static guint32
gram_for_short (RosterSearchIndex *self,
                const guchar      *q,
                gsize              len)
{
  if (len == 1)
    return q[0];
  if (len == 2)
    return 256 + ((guint32) q[0] << 8 | q[1]);
  return tri_lookup (self, trigram_code (q), FALSE);
}

/* Computes the rows for a query of 1+ bytes. candidates (nullable) is a superset to
 * start from (the previous result of a prefix). */
static guint *
compute (RosterSearchIndex *self,
         const char        *query,
         gsize              len,
         const guint       *candidates,
         guint              n_candidates,
         guint             *out_n)
{
  const guchar *q = (const guchar *) query;
  guint32 best_gram = G_MAXUINT32;
  guint best_count = G_MAXUINT;
  g_autofree guint *list = NULL;
  guint *rows;
  guint n_list, n = 0;

  if (len <= 3)
    {
      guint32 gram = gram_for_short (self, q, len);

      if (gram == G_MAXUINT32 || self->counts[gram] == 0)
        {
          *out_n = 0;
          return NULL;
        }
      rows = g_new (guint, self->counts[gram]);
      *out_n = decode_list (self, gram, rows);
      return rows;
    }

  /* The rarest trigram bounds the candidates; a missing one means no match. */
  for (gsize i = 0; i + 2 < len; i++)
    {
      guint32 gram = tri_lookup (self, trigram_code (q + i), FALSE);

      if (gram == G_MAXUINT32)
        {
          *out_n = 0;
          return NULL;
        }
      if (self->counts[gram] < best_count)
        {
          best_count = self->counts[gram];
          best_gram = gram;
        }
    }

  if (candidates == NULL || best_count < n_candidates)
    {
      list = g_new (guint, MAX (best_count, 1));
      n_list = decode_list (self, best_gram, list);
      candidates = list;
      n_candidates = n_list;
    }

  rows = g_new (guint, MAX (n_candidates, 1));
  for (guint i = 0; i < n_candidates; i++)
    {
      /* strstr finds the end of the key as it goes (no strlen pass first). */
      if (strstr (roster_user_set_get_search_key (self->set, candidates[i]), query) != NULL)
        rows[n++] = candidates[i];
    }

  *out_n = n;
  return rows;
}

guint
roster_search_index_lookup (RosterSearchIndex  *self,
                            const char         *folded_text,
                            const guint       **out_rows)
{
  StackEntry entry = { 0 };
  const guint *candidates = NULL;
  guint n_candidates = 0;
  gboolean have_prefix = FALSE;
  gsize len;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (out_rows != NULL, 0);

  if (folded_text == NULL)
    folded_text = "";
  len = strlen (folded_text);

  if (len == 0)
    {
      *out_rows = self->all_rows;
      return self->n_rows;
    }

  /* Pop entries that are not prefixes of the new query (a deletion or a new word). */
  while (self->stack->len > 0)
    {
      StackEntry *top = &g_array_index (self->stack, StackEntry, self->stack->len - 1);

      if (g_str_has_prefix (folded_text, top->query))
        {
          if (strcmp (top->query, folded_text) == 0)
            {
              *out_rows = top->rows != NULL ? top->rows : self->all_rows;
              return top->n_rows;
            }
          candidates = top->rows != NULL ? top->rows : self->all_rows;
          n_candidates = top->n_rows;
          have_prefix = TRUE;
          break;
        }
      g_array_set_size (self->stack, self->stack->len - 1);
    }

  entry.query = g_strdup (folded_text);
  /* Nothing matched the prefix: nothing can match the extension. */
  if (have_prefix && n_candidates == 0)
    entry.rows = NULL, entry.n_rows = 0;
  else
    entry.rows = compute (self, folded_text, len, candidates, n_candidates, &entry.n_rows);

  if (self->stack->len >= MAX_STACK)
    g_array_remove_index (self->stack, 0);
  g_array_append_val (self->stack, entry);

  *out_rows = entry.rows != NULL ? entry.rows : self->all_rows;
  return entry.n_rows;
}

gsize
roster_search_index_get_memory_size (RosterSearchIndex *self)
{
  gsize size;

  g_return_val_if_fail (self != NULL, 0);

  size = sizeof *self;
  size += self->offsets[self->n_grams];
  size += (gsize) self->n_grams * (sizeof (guint32) + sizeof (guint64));
  size += (gsize) (self->tri_mask + 1) * 2 * sizeof (guint32);
  size += (gsize) self->n_rows * sizeof (guint);
  for (guint i = 0; i < self->stack->len; i++)
    size += g_array_index (self->stack, StackEntry, i).n_rows * sizeof (guint);

  return size;
}
