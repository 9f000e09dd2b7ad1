/* test-query.c: the user set, the search index, the query language and the statistics. */
#include "config.h"

#include <malloc.h>
#include <string.h>

#include "roster-error.h"
#include "roster-query.h"
#include "roster-search-index.h"
#include "roster-stats.h"
#include "roster-user-set.h"
#include "roster-user-set-private.h"

#define DAY 86400
#define NOW ((gint64) 1780000000)

/* Synthetic users ------------------------------------------------------------------ */

static const char * const first_names[] = {
  "Martin", "Maria", "Marta", "Mark", "John", "Jane", "Johnson", "Emma", "Lukas", "Łukasz",
  "Zoë", "José", "Jürgen", "Müller", "Anna", "Ånne", "Sven", "Ola", "Ivan", "Олег", "李", "小龙",
  "Chloé", "Noah", "Liam", "Sofía", "Björn", "Ömer", "Ines", "Paul", "ǅemal", "Straße",
};
static const char * const last_names[] = {
  "Smith", "Johnson", "Müller", "Mueller", "Martinez", "Nowak", "Kowalski", "Wójcik", "Dubois",
  "García", "Rossi", "Ødegaard", "Zhang", "王", "Petrov", "Kim", "Nguyễn", "Brown", "Exarchos",
  "Lee", "O'Brien", "Sales",
};
static const char * const domains[] = {
  "example.com", "example.org", "sales.example.com", "partner.test", "exa.mple.net",
};
static const char * const group_pool[] = {
  "jira-users", "confluence-users", "Sales EMEA", "Sales US", "engineering", "Grüne Gruppe",
  "site-admins",
};

static void
make_row (GRand         *rand,
          guint          i,
          RosterUserRow *row,
          char         **out_strings,   /* 3 slots to free */
          const char   **groups)        /* room for 4 + NULL */
{
  const char *first = first_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (first_names))];
  const char *last = last_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (last_names))];
  guint n_groups = 0;

  out_strings[0] = g_strdup_printf ("712020:%08x-%04x", g_rand_int (rand), i);
  out_strings[1] = g_strdup_printf ("%s %s", first, last);
  if (g_rand_int_range (rand, 0, 10) == 0)
    out_strings[2] = NULL;   /* hidden */
  else
    out_strings[2] = g_strdup_printf ("user%u.%c@%s", i, 'a' + (i % 26),
                                      domains[g_rand_int_range (rand, 0, G_N_ELEMENTS (domains))]);

  memset (row, 0, sizeof *row);
  row->account_id = out_strings[0];
  row->name = out_strings[1];
  row->email = out_strings[2];
  row->status = (RosterStatus) (g_rand_int_range (rand, 0, 10) < 7 ? ROSTER_STATUS_ACTIVE
                                : g_rand_int_range (rand, 0, 5));
  row->account_type = (RosterAccountType) (g_rand_int_range (rand, 0, 20) == 0
                                           ? ROSTER_ACCOUNT_TYPE_APP
                                           : g_rand_int_range (rand, 0, 20) == 0
                                           ? ROSTER_ACCOUNT_TYPE_CUSTOMER
                                           : ROSTER_ACCOUNT_TYPE_ATLASSIAN);
  row->claim = g_rand_boolean (rand) ? ROSTER_CLAIM_MANAGED : ROSTER_CLAIM_UNMANAGED;
  row->org_admin = g_rand_int_range (rand, 0, 50) == 0;
  for (guint p = 0; p < ROSTER_N_PRODUCTS; p++)
    {
      int r = g_rand_int_range (rand, 0, 10);

      if (r < 4)
        row->last_active[p] = -1;
      else if (r == 4)
        row->last_active[p] = 0;
      else
        row->last_active[p] = NOW - g_rand_int_range (rand, 0, 400 * DAY);
    }
  row->billable = row->status == ROSTER_STATUS_ACTIVE &&
                  row->account_type == ROSTER_ACCOUNT_TYPE_ATLASSIAN &&
                  (row->last_active[0] >= 0 || row->last_active[1] >= 0 ||
                   row->last_active[2] >= 0);
  for (guint g = 0; g < G_N_ELEMENTS (group_pool) && n_groups < 4; g++)
    if (g_rand_int_range (rand, 0, 4) == 0)
      groups[n_groups++] = group_pool[g];
  groups[n_groups] = NULL;
  row->group_names = n_groups ? groups : NULL;
}

static RosterUserSet *
make_set (guint   n,
          guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  RosterUserSet *set = roster_user_set_new ();

  for (guint i = 0; i < n; i++)
    {
      RosterUserRow row;
      char *strings[3];
      const char *groups[8];

      make_row (rand, i, &row, strings, groups);
      roster_user_set_append_row (set, &row);
      for (guint s = 0; s < 3; s++)
        g_free (strings[s]);
    }

  roster_user_set_freeze (set);
  return set;
}

static void
add_row (RosterUserSet *set,
         const char    *id,
         const char    *name,
         const char    *email,
         RosterStatus   status,
         gint64         jira,
         gint64         jsm,
         gint64         confluence,
         const char   **groups)
{
  RosterUserRow row = { 0 };

  row.account_id = id;
  row.name = name;
  row.email = email;
  row.status = status;
  row.account_type = ROSTER_ACCOUNT_TYPE_ATLASSIAN;
  row.claim = ROSTER_CLAIM_MANAGED;
  row.last_active[ROSTER_PRODUCT_JIRA] = jira;
  row.last_active[ROSTER_PRODUCT_JSM] = jsm;
  row.last_active[ROSTER_PRODUCT_CONFLUENCE] = confluence;
  row.billable = status == ROSTER_STATUS_ACTIVE && (jira >= 0 || jsm >= 0 || confluence >= 0);
  row.group_names = groups;
  roster_user_set_append_row (set, &row);
}

/* User set ------------------------------------------------------------------------ */

static void
test_fold (void)
{
  static const struct { const char *in, *out; } cases[] = {
    { "Müller", "muller" },
    { "MÜLLER", "muller" },
    { "Łukasz Wójcik", "lukasz wojcik" },
    { "Zoë", "zoe" },
    { "Ødegaard", "odegaard" },
    { "Straße", "strasse" },
    { "ﬁne", "fine" },           /* NFKD splits the ligature */
    { "Ｊｏｈｎ", "john" },        /* full-width */
    { "李小龙", "李小龙" },
    { "José\nX", "jose x" },
    { "", "" },
    { "ABC def", "abc def" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *folded = roster_fold_for_search (cases[i].in);

      g_assert_cmpstr (folded, ==, cases[i].out);
    }
}

/* The fold remembers characters; it must give exactly what folding the whole
 * string at once gives, for every code point (the cache fills past its limit
 * along the way, so the path without it runs too). */
static void
test_fold_per_character (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint n_checked = 0;

  for (gunichar c = 0x80; c < 0x30000; c++)
    {
      if (c >= 0xd800 && c <= 0xdfff)
        continue;
      g_string_append_unichar (text, c);
      /* ASCII in between, and sometimes the controls that become spaces. */
      g_string_append_c (text, "Ab\tz"[c % 4]);

      if (text->len > 200 || c == 0x2ffff)
        {
          g_autofree char *fast = roster_fold_for_search (text->str);
          g_autofree char *slow = _roster_fold_for_search_slow (text->str);

          g_assert_cmpstr (fast, ==, slow);
          g_string_truncate (text, 0);
          n_checked++;
        }
    }
  g_assert_cmpuint (n_checked, >, 1000);
}

/* A frozen set is in the order of the folded name, then the account id, however
 * names and ids share their beginnings (the sort takes shortcuts for those). */
static void
test_user_set_order (void)
{
  const char *names[] = { "Ann", "ann", "Anna", "Ånna", "Anna Maria Johanna von Habsburg",
                          "Anna Maria Johanna von Habsburg-Lothringen", "Анна Каренина",
                          "Анна Каренина-Вронская", "李小龙", "", "Zoë", "zoe", "anna maria" };
  g_autoptr(RosterUserSet) set = roster_user_set_new ();
  GRand *rand = g_rand_new_with_seed (11);
  /* More than two of the runs sorted while appending, and a shorter last one. */
  guint n = 20000;

  for (guint i = 0; i < n; i++)
    {
      /* Half the ids share their first twelve bytes, like the real "712020:…" ones. */
      g_autofree char *account_id = g_strdup_printf ("%s%c%u-%08x", i % 2 ? "712020:" : "",
                                                     'a' + g_rand_int_range (rand, 0, 3),
                                                     g_rand_int_range (rand, 0, 50), i);
      RosterUserRow row = { 0 };

      row.account_id = account_id;
      row.name = names[g_rand_int_range (rand, 0, G_N_ELEMENTS (names))];
      for (guint p = 0; p < ROSTER_N_PRODUCTS; p++)
        row.last_active[p] = -1;
      roster_user_set_append_row (set, &row);
    }
  roster_user_set_freeze (set);
  g_rand_free (rand);

  g_assert_cmpuint (roster_user_set_get_n_users (set), ==, n);
  for (guint i = 1; i < n; i++)
    {
      g_autofree char *a = roster_fold_for_search (roster_user_set_get_name (set, i - 1));
      g_autofree char *b = roster_fold_for_search (roster_user_set_get_name (set, i));
      int by_name = strcmp (a, b);

      g_assert_cmpint (by_name, <=, 0);
      if (by_name == 0)
        g_assert_cmpint (strcmp (roster_user_set_get_account_id (set, i - 1),
                                 roster_user_set_get_account_id (set, i)), <, 0);
    }
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (roster_user_set_lookup (set, roster_user_set_get_account_id (set, i)), ==, i);
}

static void
test_user_set_basic (void)
{
  g_autoptr(RosterUserSet) set = roster_user_set_new ();
  g_autoptr(RosterUser) jane = NULL;
  g_autoptr(RosterUser) copy = NULL;
  const char *g1[] = { "Sales EMEA", "jira-users", NULL };
  const char *g2[] = { "jira-users", NULL };
  const char * const *names;
  const RosterGroupRef *ref;
  int row;

  jane = roster_user_new ("acc-jane", "Jane Doe", "jane@example.com",
                          ROSTER_ACCOUNT_TYPE_ATLASSIAN, ROSTER_STATUS_ACTIVE,
                          ROSTER_CLAIM_MANAGED);
  roster_user_add_product (jane, "jira-software", "ari:cloud:jira-software::site/1", 500);
  roster_user_add_product (jane, "jira-core", "ari:cloud:jira-core::site/1", 700);
  roster_user_add_product (jane, "bitbucket", NULL, 900);
  roster_user_add_group (jane, "ari:cloud:identity::group/g-sales", "Sales EMEA");
  roster_user_add_platform_role (jane, "atlassian/org-admin");

  add_row (set, "acc-zed", "Zed Último", NULL, ROSTER_STATUS_SUSPENDED, -1, 0, 100, g1);
  roster_user_set_append (set, jane);
  add_row (set, "acc-bob", "Bob", "bob@example.org", ROSTER_STATUS_ACTIVE, -1, -1, -1, g2);
  add_row (set, "acc-ann", "Ánn", "ann@example.org", ROSTER_STATUS_ACTIVE, 5, -1, -1, NULL);
  add_row (set, "acc-ann2", "ann", NULL, ROSTER_STATUS_ACTIVE, 5, -1, -1, NULL);
  /* A repeated account id keeps the first row. */
  add_row (set, "acc-bob", "Bob Again", NULL, ROSTER_STATUS_ACTIVE, -1, -1, -1, NULL);
  /* Also when it comes as a batch record: the append says so. */
  {
    g_autoptr(RosterUserBatch) batch = roster_user_batch_new ();
    g_autoptr(RosterUser) zed = roster_user_new ("acc-zed", "Zed Again", NULL,
                                                 ROSTER_ACCOUNT_TYPE_ATLASSIAN,
                                                 ROSTER_STATUS_ACTIVE, ROSTER_CLAIM_MANAGED);

    roster_user_batch_add_user (batch, zed);
    g_assert_false (roster_user_set_append_batch (set, batch, 0));
  }
  roster_user_set_set_resource_id (set, ROSTER_PRODUCT_CONFLUENCE, "ari:cloud:confluence::site/1");
  roster_user_set_freeze (set);

  g_assert_true (roster_user_set_is_frozen (set));
  g_assert_cmpuint (roster_user_set_get_n_users (set), ==, 5);

  /* Sorted by folded name, then account id. */
  g_assert_cmpstr (roster_user_set_get_account_id (set, 0), ==, "acc-ann");
  g_assert_cmpstr (roster_user_set_get_account_id (set, 1), ==, "acc-ann2");
  g_assert_cmpstr (roster_user_set_get_name (set, 2), ==, "Bob");
  g_assert_cmpstr (roster_user_set_get_name (set, 3), ==, "Jane Doe");
  g_assert_cmpstr (roster_user_set_get_name (set, 4), ==, "Zed Último");

  g_assert_cmpint (roster_user_set_lookup (set, "acc-zed"), ==, 4);
  g_assert_cmpint (roster_user_set_lookup (set, "acc-bob"), ==, 2);
  g_assert_cmpint (roster_user_set_lookup (set, "acc-nobody"), ==, -1);
  g_assert_cmpint (roster_user_set_lookup (set, NULL), ==, -1);

  g_assert_cmpstr (roster_user_set_get_search_key (set, 4), ==, "zed ultimo\n");
  g_assert_cmpstr (roster_user_set_get_search_key (set, 0), ==, "ann\nann@example.org");
  g_assert_null (roster_user_set_get_email (set, 4));

  row = roster_user_set_lookup (set, "acc-jane");
  g_assert_true (roster_user_set_is_org_admin (set, row));
  g_assert_true (roster_user_set_is_billable (set, row));
  g_assert_cmpuint (roster_user_set_get_products (set, row), ==, 1u << ROSTER_PRODUCT_JIRA);
  /* Two Jira keys merge into the newest; bitbucket is not one of ours. */
  g_assert_cmpint (roster_user_set_get_product_last_active (set, row, ROSTER_PRODUCT_JIRA), ==, 700);
  g_assert_cmpint (roster_user_set_get_product_last_active (set, row, ROSTER_PRODUCT_JSM), ==, -1);
  g_assert_cmpint (roster_user_set_get_last_active (set, row), ==, 700);

  row = roster_user_set_lookup (set, "acc-zed");
  g_assert_cmpint (roster_user_set_get_status (set, row), ==, ROSTER_STATUS_SUSPENDED);
  g_assert_cmpuint (roster_user_set_get_products (set, row), ==,
                    (1u << ROSTER_PRODUCT_JSM) | (1u << ROSTER_PRODUCT_CONFLUENCE));
  g_assert_cmpint (roster_user_set_get_last_active (set, row), ==, 100);
  names = roster_user_set_get_group_names (set, row);
  g_assert_cmpuint (g_strv_length ((char **) names), ==, 2);
  g_assert_cmpstr (names[0], ==, "Sales EMEA");
  /* Interned: the same pointer for every member of a group. */
  g_assert_true (names[1] == roster_user_set_get_group_names (set, 2)[0]);
  g_assert_null (roster_user_set_get_group_names (set, 0)[0]);
  g_assert_cmpuint (roster_user_set_get_n_groups (set), ==, 2);

  /* dup_user carries the products (with the recorded workspace ids) and group ids. */
  copy = roster_user_set_dup_user (set, roster_user_set_lookup (set, "acc-jane"));
  g_assert_cmpstr (roster_user_get_account_id (copy), ==, "acc-jane");
  g_assert_cmpstr (roster_user_get_email (copy), ==, "jane@example.com");
  g_assert_true (roster_user_is_org_admin (copy));
  g_assert_cmpuint (roster_user_get_products (copy)->len, ==, 1);
  g_assert_cmpstr (((RosterProductAccess *) g_ptr_array_index (roster_user_get_products (copy), 0))
                   ->resource_id, ==, "ari:cloud:jira-software::site/1");
  g_assert_cmpint (roster_user_get_last_active (copy), ==, 700);
  ref = g_ptr_array_index (roster_user_get_groups (copy), 0);
  g_assert_cmpstr (ref->id, ==, "g-sales");
  g_assert_cmpstr (ref->name, ==, "Sales EMEA");
  g_assert_finalize_object (g_steal_pointer (&copy));

  copy = roster_user_set_dup_user (set, roster_user_set_lookup (set, "acc-zed"));
  g_assert_cmpuint (roster_user_get_products (copy)->len, ==, 2);
  g_assert_cmpstr (((RosterProductAccess *) g_ptr_array_index (roster_user_get_products (copy), 1))
                   ->resource_id, ==, "ari:cloud:confluence::site/1");
}

static gpointer
read_all_rows (gpointer data)
{
  RosterUserSet *set = data;
  guint64 sum = 0;

  for (guint i = 0; i < roster_user_set_get_n_users (set); i++)
    {
      const char *id = roster_user_set_get_account_id (set, i);

      if (roster_user_set_lookup (set, id) == (int) i)
        sum += strlen (roster_user_set_get_search_key (set, i)) + i;
      for (const char * const *g = roster_user_set_get_group_names (set, i); *g; g++)
        sum += strlen (*g);
    }

  return GSIZE_TO_POINTER ((gsize) sum);
}

static void
test_user_set_threads (void)
{
  g_autoptr(RosterUserSet) set = make_set (3000, 7);
  gpointer expected = read_all_rows (set);
  GThread *threads[4];

  /* Readers on several threads see the same rows: no lazily built state. */
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    threads[t] = g_thread_new ("reader", read_all_rows, roster_user_set_ref (set));
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    {
      g_assert_true (g_thread_join (threads[t]) == expected);
      roster_user_set_unref (set);
    }
}

static gsize
heap_in_use (void)
{
  struct mallinfo2 info = mallinfo2 ();

  return info.uordblks + info.hblkhd;
}

static void
test_user_set_memory (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autoptr(RosterUserSet) set = NULL;
  g_autoptr(RosterSearchIndex) index = NULL;
  guint n = 100000;
  gsize before, after_set, after_index;
  gint64 start, t_append, t_freeze, t_index;
  char **strings = g_new (char *, n * 3);
  RosterUserRow *rows = g_new (RosterUserRow, n);
  const char **groups = g_new (const char *, n * 8);

  for (guint i = 0; i < n; i++)
    make_row (rand, i, &rows[i], &strings[i * 3], &groups[i * 8]);

  malloc_trim (0);
  before = heap_in_use ();
  start = g_get_monotonic_time ();
  set = roster_user_set_new ();
  for (guint i = 0; i < n; i++)
    roster_user_set_append_row (set, &rows[i]);
  t_append = g_get_monotonic_time () - start;
  start = g_get_monotonic_time ();
  roster_user_set_freeze (set);
  t_freeze = g_get_monotonic_time () - start;
  malloc_trim (0);
  after_set = heap_in_use ();

  start = g_get_monotonic_time ();
  index = roster_search_index_new (set);
  t_index = g_get_monotonic_time () - start;
  after_index = heap_in_use ();

  g_test_message ("user set, 100k: heap +%.1f MB (own count %.1f MB), append %.0f ms, "
                  "freeze %.0f ms", (after_set - before) / 1e6,
                  roster_user_set_get_memory_size (set) / 1e6, t_append / 1e3, t_freeze / 1e3);
  g_test_message ("search index, 100k: heap +%.1f MB (own count %.1f MB), build %.0f ms",
                  (after_index - after_set) / 1e6,
                  roster_search_index_get_memory_size (index) / 1e6, t_index / 1e3);

  g_assert_cmpuint (roster_user_set_get_n_users (set), ==, n);
  g_assert_cmpuint (after_set - before, <=, 35 * 1000 * 1000);

  for (guint i = 0; i < n * 3; i++)
    g_free (strings[i]);
  g_free (strings);
  g_free (rows);
  g_free (groups);
}

/* Search index --------------------------------------------------------------------- */

static guint
brute_force (RosterUserSet *set,
             const char    *folded,
             guint         *out)
{
  guint n = 0;

  for (guint i = 0; i < roster_user_set_get_n_users (set); i++)
    if (strstr (roster_user_set_get_search_key (set, i), folded) != NULL)
      out[n++] = i;

  return n;
}

static void
check_lookup (RosterSearchIndex *index,
              RosterUserSet     *set,
              const char        *text,
              guint             *scratch)
{
  g_autofree char *folded = roster_fold_for_search (text);
  const guint *rows = NULL;
  guint n = roster_search_index_lookup (index, folded, &rows);
  guint expected = brute_force (set, folded, scratch);

  if (n != expected)
    g_error ("query “%s”: index gave %u rows, scan %u", text, n, expected);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (rows[i], ==, scratch[i]);
}

static void
test_index_vs_scan (void)
{
  g_autoptr(RosterUserSet) set = make_set (4000, 3);
  g_autoptr(RosterSearchIndex) index = roster_search_index_new (set);
  g_autofree guint *scratch = g_new (guint, 4000);
  static const char * const sequence[] = {
    "m", "ma", "mar", "mart", "marti", "martin", "martin ", "martin s", "martin", "mar", "m", "",
    "e", "ex", "exa", "exam", "example", "example.com", "@example.org", "exa.mple", "ex", "",
    "zzz", "zzzq", "xq", "zz", "j", "jo", "joh", "john", "johnson", "johnson@", "sales",
    "1", "12", "123", "user12", "user1234.", "mü", "mu", "mül", "MÜLLER", "muller", "ł", "łukasz",
    "lukasz", "李", "李小", "小龙", "王", "олег", "ole", "nguyễn", "nguyen", "ø", "ødegaard",
    "strasse", "straße", "ǆ", "o'b", "\n", " ", "a", "ab", "abc", "@", ".", "@partner.test",
    "partner.test", "ines ", "jose", "josé", "garcia", "chloe", "sofia", "bjorn", "omer ",
  };

  for (guint round = 0; round < 2; round++)
    for (guint i = 0; i < G_N_ELEMENTS (sequence); i++)
      check_lookup (index, set, sequence[i], scratch);

  /* Random substrings of real keys, in random order (no typing stack help). */
  {
    g_autoptr(GRand) rand = g_rand_new_with_seed (5);

    for (guint i = 0; i < 500; i++)
      {
        const char *key = roster_user_set_get_search_key (set, g_rand_int_range (rand, 0, 4000));
        gsize len = strlen (key);
        guint start = g_rand_int_range (rand, 0, len);
        guint span = g_rand_int_range (rand, 1, 8);
        g_autofree char *sub = g_strndup (key + start, MIN (span, len - start));

        if (!g_utf8_validate (sub, -1, NULL) || strchr (sub, '\n') != NULL)
          continue;
        check_lookup (index, set, sub, scratch);
      }
  }

  roster_search_index_reset (index);
  check_lookup (index, set, "martin", scratch);
  g_assert_true (roster_search_index_get_set (index) == set);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
test_index_benchmark (void)
{
  g_autoptr(RosterUserSet) set = make_set (100000, 42);
  g_autoptr(RosterSearchIndex) index = NULL;
  static const char * const sequence[] = {
    "m", "ma", "mar", "mart", "marti", "martin", "marti", "mart", "mar", "ma", "m", "",
    "e", "ex", "exa", "zzz", "zzzq", "xq", "", "j", "jo", "joh", "john", "johns", "johnso",
    "johnson", "sales", "1", "12", "123", "mü", "mu", "example.org", "@partner.test", "",
    "e", "ex", "exa",
  };
  GArray *times = g_array_new (FALSE, FALSE, sizeof (double));
  double scan_total = 0;
  gint64 start;
  g_autofree guint *scratch = g_new (guint, 100000);

  start = g_get_monotonic_time ();
  index = roster_search_index_new (set);
  g_test_message ("index build, 100k users: %.0f ms, %.1f MB",
                  (g_get_monotonic_time () - start) / 1e3,
                  roster_search_index_get_memory_size (index) / 1e6);

  for (guint round = 0; round < 2; round++)
    for (guint i = 0; i < G_N_ELEMENTS (sequence); i++)
      {
        g_autofree char *folded = roster_fold_for_search (sequence[i]);
        const guint *rows;
        guint n;
        double ms;

        start = g_get_monotonic_time ();
        n = roster_search_index_lookup (index, folded, &rows);
        ms = (g_get_monotonic_time () - start) / 1e3;
        g_array_append_val (times, ms);

        start = g_get_monotonic_time ();
        g_assert_cmpuint (n, ==, brute_force (set, folded, scratch));
        scan_total += (g_get_monotonic_time () - start) / 1e3;
      }

  g_array_sort (times, compare_double);
  g_test_message ("index lookup, 100k users, %u queries: median %.3f ms, p90 %.3f ms, "
                  "worst %.3f ms (plain strstr scan: mean %.2f ms)",
                  times->len, g_array_index (times, double, times->len / 2),
                  g_array_index (times, double, times->len * 9 / 10),
                  g_array_index (times, double, times->len - 1), scan_total / times->len);
  g_array_unref (times);
}


/* Query ----------------------------------------------------------------------------- */

static RosterQueryContext
make_context (GHashTable *spaces)
{
  RosterQueryContext ctx = { NOW, { 60, 90 }, spaces };

  return ctx;
}

static void
test_query_parse (void)
{
  static const char * const good[] = {
    "", "   ", "jane", "\"jane doe\"", "-jane", "-\"jane doe\"", "email:example", "domain:example.com",
    "domain:@Example.COM", "status:active", "STATUS:Suspended", "status:not_invited",
    "status:for_deletion", "product:jira", "-product:confluence", "product:jira-software",
    "inactive:>90", "inactive:<30", "inactive:>=90", "inactive:<=0", "never:yes", "never:no",
    "type:app", "type:customer", "group:jira-users", "group:\"Sales EMEA\"",
    "-group:\"Sales EMEA\"", "billable:yes", "billable:false", "inactivity:overdue",
    "inactivity:never", "admin:yes", "admin:no", "space:ENG", "space:eng space:ENG",
    "712020:abc", "jane status:active -product:jsm inactive:>30 \"x y\"",
  };
  static const struct { const char *text, *needle; } bad[] = {
    { "status:frozen", "frozen" },
    { "status:", "status" },
    { "product:bitbucket", "bitbucket" },
    { "inactive:90", "inactive" },
    { "inactive:>", "inactive" },
    { "inactive:>abc", "abc" },
    { "inactive:>9x", "9x" },
    { "never:maybe", "never" },
    { "billable:1", "billable" },
    { "admin:sure", "admin" },
    { "type:robot", "robot" },
    { "inactivity:late", "late" },
    { "colour:red", "colour" },
    { "group:\"Sales EMEA", "quote" },
    { "jane \"doe", "quote" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RosterQuery) query = roster_query_parse (good[i], &error);

      g_test_message ("good: %s", good[i]);
      g_assert_no_error (error);
      g_assert_nonnull (query);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RosterQuery) query = roster_query_parse (bad[i].text, &error);

      g_test_message ("bad: %s → %s", bad[i].text, error ? error->message : "(no error)");
      g_assert_null (query);
      g_assert_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, bad[i].needle));
    }

  {
    g_autoptr(RosterQuery) query = roster_query_parse ("  ", NULL);

    g_assert_true (roster_query_is_empty (query));
    g_assert_null (roster_query_get_text (query));
    g_assert_null (roster_query_get_spaces (query)[0]);
  }
  {
    g_autoptr(RosterQuery) query =
      roster_query_parse ("Müller -smith \"Jane  Doe\" space:eng status:active space:Ops space:ENG",
                          NULL);

    g_assert_false (roster_query_is_empty (query));
    g_assert_cmpstr (roster_query_get_text (query), ==, "muller jane  doe");
    g_assert_cmpuint (g_strv_length ((char **) roster_query_get_spaces (query)), ==, 2);
    g_assert_cmpstr (roster_query_get_spaces (query)[0], ==, "ENG");
    g_assert_cmpstr (roster_query_get_spaces (query)[1], ==, "OPS");
  }
}

/* Reference predicates, written independently of the parser. */
typedef gboolean (*Predicate) (RosterUserSet *set, guint row, GHashTable *eng);

static int
days_of (RosterUserSet *set, guint row)
{
  gint64 last = roster_user_set_get_last_active (set, row);

  return last <= 0 ? -1 : (int) ((NOW - last) / DAY);
}

static gboolean
has_group (RosterUserSet *set, guint row, const char *name)
{
  for (const char * const *g = roster_user_set_get_group_names (set, row); *g; g++)
    if (g_ascii_strcasecmp (*g, name) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
key_has (RosterUserSet *set, guint row, const char *text)
{
  return strstr (roster_user_set_get_search_key (set, row), text) != NULL;
}

static gboolean
email_ends (RosterUserSet *set, guint row, const char *suffix)
{
  const char *email = roster_user_set_get_email (set, row);

  return email != NULL && g_str_has_suffix (email, suffix);
}

static gboolean p_all (RosterUserSet *s, guint r, GHashTable *e) { return TRUE; }
static gboolean p_mar (RosterUserSet *s, guint r, GHashTable *e) { return key_has (s, r, "mar"); }
static gboolean p_not_mar (RosterUserSet *s, guint r, GHashTable *e) { return !key_has (s, r, "mar"); }
static gboolean p_mul (RosterUserSet *s, guint r, GHashTable *e)
{ return key_has (s, r, "muller"); }
static gboolean p_active_jira (RosterUserSet *s, guint r, GHashTable *e)
{
  return roster_user_set_get_status (s, r) == ROSTER_STATUS_ACTIVE &&
         (roster_user_set_get_products (s, r) & (1 << ROSTER_PRODUCT_JIRA));
}
static gboolean p_no_conf_susp (RosterUserSet *s, guint r, GHashTable *e)
{
  return roster_user_set_get_status (s, r) == ROSTER_STATUS_SUSPENDED &&
         !(roster_user_set_get_products (s, r) & (1 << ROSTER_PRODUCT_CONFLUENCE));
}
static gboolean p_inactive90 (RosterUserSet *s, guint r, GHashTable *e) { return days_of (s, r) > 90; }
static gboolean p_inactive_lt30 (RosterUserSet *s, guint r, GHashTable *e)
{ int d = days_of (s, r); return d >= 0 && d < 30; }
static gboolean p_not_inactive90 (RosterUserSet *s, guint r, GHashTable *e) { return days_of (s, r) <= 90; }
static gboolean p_never (RosterUserSet *s, guint r, GHashTable *e) { return days_of (s, r) < 0; }
static gboolean p_type_app (RosterUserSet *s, guint r, GHashTable *e)
{ return roster_user_set_get_account_type (s, r) == ROSTER_ACCOUNT_TYPE_APP; }
static gboolean p_sales (RosterUserSet *s, guint r, GHashTable *e) { return has_group (s, r, "Sales EMEA"); }
static gboolean p_not_sales_billable (RosterUserSet *s, guint r, GHashTable *e)
{ return !has_group (s, r, "sales emea") && roster_user_set_is_billable (s, r); }
static gboolean p_overdue (RosterUserSet *s, guint r, GHashTable *e) { return days_of (s, r) >= 90; }
static gboolean p_warning (RosterUserSet *s, guint r, GHashTable *e)
{ int d = days_of (s, r); return d >= 60 && d < 90; }
static gboolean p_admin (RosterUserSet *s, guint r, GHashTable *e) { return roster_user_set_is_org_admin (s, r); }
static gboolean p_domain (RosterUserSet *s, guint r, GHashTable *e)
{ return email_ends (s, r, "@example.com"); }
static gboolean p_email_sales (RosterUserSet *s, guint r, GHashTable *e)
{
  const char *email = roster_user_set_get_email (s, r);
  return email != NULL && strstr (email, "sales") != NULL;
}
static gboolean p_hidden_email (RosterUserSet *s, guint r, GHashTable *e)
{ return roster_user_set_get_email (s, r) == NULL && key_has (s, r, "jo"); }
static gboolean p_space (RosterUserSet *s, guint r, GHashTable *e)
{ return g_hash_table_contains (e, roster_user_set_get_account_id (s, r)); }
static gboolean p_combo (RosterUserSet *s, guint r, GHashTable *e)
{
  return key_has (s, r, "jo") && key_has (s, r, "example") && !key_has (s, r, "johnson") &&
         roster_user_set_get_status (s, r) == ROSTER_STATUS_ACTIVE && days_of (s, r) > 30 &&
         !(roster_user_set_get_products (s, r) & (1 << ROSTER_PRODUCT_JSM));
}
static gboolean p_phrase (RosterUserSet *s, guint r, GHashTable *e)
{ return key_has (s, r, "martin smith"); }
static gboolean p_nothing (RosterUserSet *s, guint r, GHashTable *e) { return FALSE; }

static void
test_query_vs_brute_force (void)
{
  g_autoptr(RosterUserSet) set = make_set (5000, 9);
  g_autoptr(RosterSearchIndex) index = roster_search_index_new (set);
  g_autoptr(GHashTable) eng = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) spaces = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree guint *rows = g_new (guint, 5000);
  g_autofree guint *rows2 = g_new (guint, 5000);
  RosterQueryContext ctx;
  static const struct { const char *text; Predicate predicate; } cases[] = {
    { "", p_all },
    { "mar", p_mar },
    { "MAR", p_mar },
    { "-mar", p_not_mar },
    { "müller", p_mul },
    { "status:active product:jira", p_active_jira },
    { "status:suspended -product:confluence", p_no_conf_susp },
    { "inactive:>90", p_inactive90 },
    { "inactive:<30", p_inactive_lt30 },
    { "-inactive:>90", p_not_inactive90 },
    { "never:yes", p_never },
    { "-never:no", p_never },
    { "type:app", p_type_app },
    { "group:\"sales emea\"", p_sales },
    { "-group:\"Sales EMEA\" billable:yes", p_not_sales_billable },
    { "inactivity:overdue", p_overdue },
    { "inactivity:warning", p_warning },
    { "inactivity:never", p_never },
    { "admin:yes", p_admin },
    { "domain:example.com", p_domain },
    { "email:sales", p_email_sales },
    { "jo -email:@", p_hidden_email },
    { "space:eng", p_space },
    { "jo example -johnson status:active inactive:>30 -product:jsm", p_combo },
    { "\"martin smith\"", p_phrase },
    { "zzzq", p_nothing },
    { "group:nonexistent", p_nothing },
    { "space:nope", p_nothing },
  };

  for (guint i = 0; i < 5000; i += 7)
    g_hash_table_add (eng, (gpointer) roster_user_set_get_account_id (set, i));
  g_hash_table_insert (spaces, "ENG", eng);
  ctx = make_context (spaces);

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RosterQuery) query = roster_query_parse (cases[c].text, &error);
      guint n, n_indexed, expected = 0;

      g_assert_no_error (error);
      n = roster_query_filter (query, set, &ctx, rows);
      n_indexed = roster_query_filter_with_index (query, set, index, &ctx, rows2);

      for (guint r = 0; r < 5000; r++)
        {
          gboolean want = cases[c].predicate (set, r, eng);

          g_assert_cmpint (roster_query_matches (query, set, r, &ctx), ==, want);
          if (want)
            {
              g_assert_cmpuint (expected, <, n);
              g_assert_cmpuint (rows[expected], ==, r);
              g_assert_cmpuint (rows2[expected], ==, r);
              expected++;
            }
        }
      g_test_message ("%-60s %u rows", cases[c].text, n);
      g_assert_cmpuint (n, ==, expected);
      g_assert_cmpuint (n_indexed, ==, expected);
      if (cases[c].predicate != p_nothing && cases[c].predicate != p_all)
        g_assert_cmpuint (n, >, 0);
    }
}

static void
test_query_text_fields (void)
{
  static const struct { const char *text, *field, *value, *expected; } cases[] = {
    { "", "status", "active", "status:active" },
    { "jane", "status", "active", "jane status:active" },
    { "jane status:suspended x", "status", "active", "jane x status:active" },
    { "jane status:suspended -status:active", "status", NULL, "jane" },
    { "jane STATUS:active", "status", NULL, "jane" },
    { "group:\"Sales EMEA\" jane", "status", "active", "group:\"Sales EMEA\" jane status:active" },
    { "jane", "group", "Sales EMEA", "jane group:\"Sales EMEA\"" },
    { "group:old  jane", "group", "Sales \"EMEA\"", "jane group:\"Sales EMEA\"" },
    { "product:jira -product:jsm", "product", "confluence", "product:confluence" },
    { "\"unterminated", "status", "active", "\"unterminated status:active" },
    { "712020:abc", "status", "active", "712020:abc status:active" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = roster_query_text_set_field (cases[i].text, cases[i].field,
                                                          cases[i].value);

      g_assert_cmpstr (out, ==, cases[i].expected);
    }

  {
    g_autofree char *v1 = roster_query_text_get_field ("jane -status:active status:suspended",
                                                       "status");
    g_autofree char *v2 = roster_query_text_get_field ("group:\"Sales EMEA\"", "group");
    g_autofree char *v3 = roster_query_text_get_field ("jane", "group");
    g_autofree char *v4 = roster_query_text_get_field (NULL, "group");

    g_assert_cmpstr (v1, ==, "suspended");
    g_assert_cmpstr (v2, ==, "Sales EMEA");
    g_assert_null (v3);
    g_assert_null (v4);
  }

  /* What set_field writes parses back to the same value. */
  {
    g_autofree char *text = roster_query_text_set_field ("x", "group", "Grüne Gruppe");
    g_autofree char *value = roster_query_text_get_field (text, "group");
    g_autoptr(RosterQuery) query = roster_query_parse (text, NULL);

    g_assert_cmpstr (value, ==, "Grüne Gruppe");
    g_assert_nonnull (query);
  }
}

static void
test_query_benchmark (void)
{
  g_autoptr(RosterUserSet) set = make_set (100000, 42);
  g_autoptr(RosterSearchIndex) index = roster_search_index_new (set);
  g_autofree guint *rows = g_new (guint, 100000);
  RosterQueryContext ctx = make_context (NULL);
  static const char * const texts[] = {
    "status:active", "m", "ma", "mar", "mar status:active", "mar status:active inactive:>30",
    "inactivity:overdue billable:yes", "group:\"Sales EMEA\" -product:jsm", "e", "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(RosterQuery) query = roster_query_parse (texts[i], NULL);
      gint64 start = g_get_monotonic_time ();
      guint n = roster_query_filter_with_index (query, set, index, &ctx, rows);

      g_test_message ("filter 100k “%s”: %u rows in %.2f ms", texts[i], n,
                      (g_get_monotonic_time () - start) / 1e3);
    }
}


/* Statistics ------------------------------------------------------------------------ */

static RosterUserSet *
make_stats_set (gboolean previous)
{
  RosterUserSet *set = roster_user_set_new ();
  RosterUserRow row = { 0 };

  /*  id  status       products (days ago; N = never; - = no access)  billable
   *  a   active       jira 5, conf 40                                 yes  → active (5 d)
   *  b   active       jira 70                                         yes  → warning
   *  c   active       conf 200                                        yes  → overdue (200)
   *  d   active       jsm 95                                          yes  → overdue (95)
   *  e   suspended    jira 300                                        no   → overdue, not listed
   *  f   active       jira N                                          yes  → never
   *  g   deactivated  —                                               no   → never
   *  h   active (app) jira 100                                        no   → overdue, not listed
   *  i   for_deletion —                                               no
   *  j   not_invited  conf 10                                         no
   *  k   active       jsm 89                                          yes  → warning (89)
   */
  static const struct { const char *id; RosterStatus status; int jira, jsm, conf; gboolean app; }
  users[] = {
    { "a", ROSTER_STATUS_ACTIVE, 5, -1, 40, FALSE },
    { "b", ROSTER_STATUS_ACTIVE, 70, -1, -1, FALSE },
    { "c", ROSTER_STATUS_ACTIVE, -1, -1, 200, FALSE },
    { "d", ROSTER_STATUS_ACTIVE, -1, 95, -1, FALSE },
    { "e", ROSTER_STATUS_SUSPENDED, 300, -1, -1, FALSE },
    { "f", ROSTER_STATUS_ACTIVE, 0, -1, -1, FALSE },
    { "g", ROSTER_STATUS_DEACTIVATED, -1, -1, -1, FALSE },
    { "h", ROSTER_STATUS_ACTIVE, 100, -1, -1, TRUE },
    { "i", ROSTER_STATUS_FOR_DELETION, -1, -1, -1, FALSE },
    { "j", ROSTER_STATUS_NOT_INVITED, -1, -1, 10, FALSE },
    { "k", ROSTER_STATUS_ACTIVE, -1, 89, -1, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    {
      int days[3] = { users[i].jira, users[i].jsm, users[i].conf };
      gboolean any = FALSE;

      /* The previous snapshot, 10 days earlier: d (95 now) was 85 then, so it is newly
       * overdue; c was already overdue; "k" did not exist. */
      if (previous && strcmp (users[i].id, "k") == 0)
        continue;

      row.account_id = users[i].id;
      row.name = users[i].id;
      row.email = NULL;
      row.status = users[i].status;
      row.account_type = users[i].app ? ROSTER_ACCOUNT_TYPE_APP : ROSTER_ACCOUNT_TYPE_ATLASSIAN;
      for (guint p = 0; p < 3; p++)
        {
          row.last_active[p] = days[p] < 0 ? -1 : days[p] == 0 ? 0
                               : NOW - (gint64) days[p] * DAY - 60;
          any |= days[p] >= 0;
        }
      row.billable = users[i].status == ROSTER_STATUS_ACTIVE && any && !users[i].app;
      roster_user_set_append_row (set, &row);
    }

  roster_user_set_freeze (set);
  return set;
}

static void
test_stats (void)
{
  g_autoptr(RosterUserSet) set = make_stats_set (FALSE);
  RosterThresholds t = { 60, 90 };
  RosterStats stats;
  guint rows[16];
  guint n;

  roster_stats_compute (set, &t, NOW, &stats);
  g_assert_cmpuint (stats.total, ==, 11);
  g_assert_cmpuint (stats.active, ==, 7);
  g_assert_cmpuint (stats.suspended, ==, 1);
  g_assert_cmpuint (stats.deactivated, ==, 1);
  g_assert_cmpuint (stats.for_deletion, ==, 1);
  g_assert_cmpuint (stats.not_invited, ==, 1);
  g_assert_cmpuint (stats.billable, ==, 6);
  g_assert_cmpuint (stats.warning, ==, 2);        /* b, k */
  g_assert_cmpuint (stats.overdue, ==, 4);        /* c, d, e, h */
  g_assert_cmpuint (stats.never_active, ==, 3);   /* f, g, i */
  g_assert_cmpuint (stats.product_users[ROSTER_PRODUCT_JIRA], ==, 5);        /* a b e f h */
  g_assert_cmpuint (stats.product_active_30d[ROSTER_PRODUCT_JIRA], ==, 1);   /* a */
  g_assert_cmpuint (stats.product_users[ROSTER_PRODUCT_JSM], ==, 2);
  g_assert_cmpuint (stats.product_active_30d[ROSTER_PRODUCT_JSM], ==, 0);
  g_assert_cmpuint (stats.product_users[ROSTER_PRODUCT_CONFLUENCE], ==, 3);  /* a c j */
  g_assert_cmpuint (stats.product_active_30d[ROSTER_PRODUCT_CONFLUENCE], ==, 1);  /* j */
  g_assert_cmpuint (stats.histogram[ROSTER_STATS_BUCKET_0_30], ==, 2);     /* a j */
  g_assert_cmpuint (stats.histogram[ROSTER_STATS_BUCKET_30_60], ==, 0);
  g_assert_cmpuint (stats.histogram[ROSTER_STATS_BUCKET_60_90], ==, 2);    /* b k */
  g_assert_cmpuint (stats.histogram[ROSTER_STATS_BUCKET_90_180], ==, 2);   /* d h */
  g_assert_cmpuint (stats.histogram[ROSTER_STATS_BUCKET_180_PLUS], ==, 2); /* c e */
  g_assert_cmpuint (stats.histogram[ROSTER_STATS_BUCKET_NEVER], ==, 3);
  g_assert_cmpstr (roster_stats_bucket_to_string (ROSTER_STATS_BUCKET_180_PLUS), ==, "180+");

  /* Overdue first, most inactive first: c (200), d (95); then warning: k (89), b (70). */
  n = roster_stats_needs_attention (set, &t, NOW, rows);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpstr (roster_user_set_get_account_id (set, rows[0]), ==, "c");
  g_assert_cmpstr (roster_user_set_get_account_id (set, rows[1]), ==, "d");
  g_assert_cmpstr (roster_user_set_get_account_id (set, rows[2]), ==, "k");
  g_assert_cmpstr (roster_user_set_get_account_id (set, rows[3]), ==, "b");
}

static void
test_stats_newly_overdue (void)
{
  g_autoptr(RosterUserSet) set = make_stats_set (FALSE);
  g_autoptr(RosterUserSet) before = make_stats_set (TRUE);
  RosterThresholds t = { 60, 90 };
  guint rows[16];
  guint n;

  /* Ten days ago: d was at 85 days, h at 90 (already overdue), c/e long overdue. */
  n = roster_stats_newly_overdue (set, NOW, before, NOW - 10 * DAY, &t, rows);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpstr (roster_user_set_get_account_id (set, rows[0]), ==, "d");

  /* Same clock: nothing new. No previous set: everything overdue. */
  g_assert_cmpuint (roster_stats_newly_overdue (set, NOW, set, NOW, &t, rows), ==, 0);
  g_assert_cmpuint (roster_stats_newly_overdue (set, NOW, NULL, 0, &t, rows), ==, 4);
}

static void
test_stats_benchmark (void)
{
  g_autoptr(RosterUserSet) set = make_set (100000, 42);
  g_autofree guint *rows = g_new (guint, 100000);
  RosterThresholds t = { 60, 90 };
  RosterStats stats;
  gint64 start;
  double compute_ms, attention_ms;
  guint n;

  start = g_get_monotonic_time ();
  roster_stats_compute (set, &t, NOW, &stats);
  compute_ms = (g_get_monotonic_time () - start) / 1e3;
  start = g_get_monotonic_time ();
  n = roster_stats_needs_attention (set, &t, NOW, rows);
  attention_ms = (g_get_monotonic_time () - start) / 1e3;

  g_test_message ("stats over 100k: %.1f ms; needs attention (%u rows): %.1f ms",
                  compute_ms, n, attention_ms);
  g_assert_cmpuint (stats.total, ==, 100000);
  g_assert_cmpuint (stats.active + stats.suspended + stats.deactivated + stats.for_deletion +
                    stats.not_invited, ==, 100000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/roster/query/fold", test_fold);
  g_test_add_func ("/roster/query/fold-per-character", test_fold_per_character);
  g_test_add_func ("/roster/query/user-set-order", test_user_set_order);
  g_test_add_func ("/roster/query/user-set-basic", test_user_set_basic);
  g_test_add_func ("/roster/query/user-set-threads", test_user_set_threads);
  g_test_add_func ("/roster/query/user-set-memory", test_user_set_memory);
  g_test_add_func ("/roster/query/index-vs-scan", test_index_vs_scan);
  g_test_add_func ("/roster/query/index-benchmark", test_index_benchmark);
  g_test_add_func ("/roster/query/parse", test_query_parse);
  g_test_add_func ("/roster/query/vs-brute-force", test_query_vs_brute_force);
  g_test_add_func ("/roster/query/text-fields", test_query_text_fields);
  g_test_add_func ("/roster/query/filter-benchmark", test_query_benchmark);
  g_test_add_func ("/roster/query/stats", test_stats);
  g_test_add_func ("/roster/query/stats-newly-overdue", test_stats_newly_overdue);
  g_test_add_func ("/roster/query/stats-benchmark", test_stats_benchmark);

  return g_test_run ();
}
