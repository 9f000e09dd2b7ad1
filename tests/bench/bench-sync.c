/* bench-sync.c — sync of a large sandbox org against a raw fetch of the same pages.
 *
 *   bench-sync [--users N] [--rounds R]
 *
 * The raw fetch walks the same users search pages with the same client, taking
 * only the cursor from each body (no JSON parse, no store). The sync does
 * everything: parse, stage in SQLite (building the user set on the way), swap,
 * and hand the frozen set to the context. Each round runs both, one after the
 * other; the summary gives the best of each and the median of the rounds'
 * ratios (the machine's speed drifts between rounds). */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "roster-admin-api.h"
#include "roster-context.h"
#include "roster-sandbox.h"
#include "roster-sync.h"

typedef struct
{
  gboolean done;
  gboolean ok;
  GError  *error;
  char    *cursor;
  guint    pages;
  guint64  bytes;
} Waiter;

static void
wait_for (Waiter *w)
{
  while (!w->done)
    g_main_context_iteration (NULL, TRUE);
}

static void
page_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Waiter *w = user_data;
  g_autoptr(RosterHttpResponse) response = NULL;
  gsize length;
  const char *data;

  response = roster_admin_api_search_users_page_finish (ROSTER_ADMIN_API (object), result, &w->error);
  g_clear_pointer (&w->cursor, g_free);
  if (response != NULL)
    {
      data = g_bytes_get_data (response->body, &length);
      w->cursor = roster_sync_peek_next_cursor (data, length);
      w->bytes += length;
      w->pages++;
    }
  w->done = TRUE;
}

static double
raw_fetch (RosterSandbox *sandbox,
           guint         *out_pages,
           guint64       *out_bytes)
{
  g_autofree char *admin_url = roster_sandbox_dup_admin_url (sandbox);
  g_autoptr(GError) error = NULL;
  g_autoptr(RosterAdminApi) api = roster_admin_api_new (admin_url, roster_sandbox_get_api_key (sandbox), &error);
  Waiter w = { 0 };
  gint64 start = g_get_monotonic_time ();

  g_assert_no_error (error);
  do
    {
      g_autofree char *cursor = g_steal_pointer (&w.cursor);

      w.done = FALSE;
      roster_admin_api_search_users_page_async (api, roster_sandbox_get_org_id (sandbox),
                                                roster_sandbox_get_directory_id (sandbox),
                                                NULL, cursor, 100, ROSTER_HTTP_FLAGS_RAW,
                                                NULL, page_cb, &w);
      wait_for (&w);
      g_assert_no_error (w.error);
    }
  while (w.cursor != NULL);

  *out_pages = w.pages;
  *out_bytes = w.bytes;
  return (g_get_monotonic_time () - start) / 1e6;
}

static void
open_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Waiter *w = user_data;

  w->ok = roster_context_open_finish (ROSTER_CONTEXT (object), result, &w->error);
  w->done = TRUE;
}

static void
sync_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Waiter *w = user_data;

  w->ok = roster_context_sync_finish (ROSTER_CONTEXT (object), result, &w->error);
  w->done = TRUE;
}

static GHashTable *thread_cpu (void);

/* Measures until the synced set is in the context; *out_threads is taken
 * then, before the store's thread ends with the context. */
static double
full_sync (RosterSandbox  *sandbox,
           guint          *out_users,
           GHashTable    **out_threads)
{
  g_autofree char *admin_url = roster_sandbox_dup_admin_url (sandbox);
  g_autoptr(RosterContext) context = roster_context_new (NULL);
  Waiter w = { 0 };
  gint64 start;
  double elapsed;

  roster_context_open_async (context, admin_url, roster_sandbox_get_org_id (sandbox),
                             roster_sandbox_get_api_key (sandbox), NULL, open_cb, &w);
  wait_for (&w);
  g_assert_no_error (w.error);

  memset (&w, 0, sizeof w);
  start = g_get_monotonic_time ();
  roster_context_sync_async (context, NULL, sync_cb, &w);
  wait_for (&w);
  g_assert_no_error (w.error);

  elapsed = (g_get_monotonic_time () - start) / 1e6;
  *out_threads = thread_cpu ();
  *out_users = roster_user_set_get_n_users (roster_context_get_users (context));
  return elapsed;
}

/* CPU seconds used by the whole process (every thread, the in-process sandbox too). */
static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/* CPU seconds per thread name (worker pools add up), from /proc. */
static GHashTable *
thread_cpu (void)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *tid;
  long ticks = sysconf (_SC_CLK_TCK);

  while (dir != NULL && (tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *comm_path = g_strdup_printf ("/proc/self/task/%s/comm", tid);
      g_autofree char *stat_path = g_strdup_printf ("/proc/self/task/%s/stat", tid);
      g_autofree char *comm = NULL, *stat = NULL;
      const char *fields;
      unsigned long utime = 0, stime = 0;
      double *total;

      if (!g_file_get_contents (comm_path, &comm, NULL, NULL) ||
          !g_file_get_contents (stat_path, &stat, NULL, NULL) ||
          (fields = strrchr (stat, ')')) == NULL ||
          sscanf (fields + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
                  &utime, &stime) != 2)
        continue;
      g_strstrip (comm);
      if (g_str_has_prefix (comm, "pool-"))
        comm[strlen ("pool")] = '\0';
      total = g_hash_table_lookup (table, comm);
      if (total == NULL)
        {
          total = g_new0 (double, 1);
          g_hash_table_insert (table, g_strdup (comm), total);
        }
      *total += (double) (utime + stime) / ticks;
    }

  return table;
}

static void
print_thread_cpu (GHashTable *before,
                  GHashTable *after)
{
  GHashTableIter iter;
  gpointer key, value;

  g_print ("    CPU by thread:");
  g_hash_table_iter_init (&iter, after);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      double *was = g_hash_table_lookup (before, key);
      double used = *(double *) value - (was != NULL ? *was : 0);

      if (used >= 0.01)
        g_print (" %s %.2f s", (const char *) key, used);
    }
  g_print ("\n");
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) option_context = g_option_context_new ("— sync benchmark");
  g_autoptr(RosterSandbox) sandbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  RosterSandboxOptions options = { 100000, 7, 0 };
  int users = 100000;
  int rounds = 3;
  double best_raw = G_MAXDOUBLE, best_sync = G_MAXDOUBLE;
  g_autoptr(GArray) ratios = g_array_new (FALSE, FALSE, sizeof (double));
  const GOptionEntry entries[] = {
    { "users", 0, 0, G_OPTION_ARG_INT, &users, "Users in the sandbox org", "N" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Rounds of each measurement", "R" },
    { NULL }
  };

  g_option_context_add_main_entries (option_context, entries, NULL);
  if (!g_option_context_parse (option_context, &argc, &argv, &error))
    g_error ("%s", error->message);

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  data_dir = g_dir_make_tmp ("roster-bench-XXXXXX", NULL);
  g_setenv ("ROSTER_DATA_DIR", data_dir, TRUE);

  options.n_users = users;
  sandbox = roster_sandbox_new (&options);
  if (!roster_sandbox_start (sandbox, 0, &error))
    g_error ("%s", error->message);

  g_print ("sandbox: %u users\n", roster_sandbox_get_n_users (sandbox));

  /* Unmeasured: the first walk over the pages is slower than the next ones
   * (the sandbox's and the client's first allocations, cold caches). */
  {
    guint pages = 0;
    guint64 bytes = 0;

    raw_fetch (sandbox, &pages, &bytes);
  }

  for (int r = 0; r < rounds; r++)
    {
      guint pages = 0, synced = 0;
      guint64 bytes = 0;
      g_autoptr(GHashTable) threads0 = thread_cpu ();
      double cpu0 = cpu_seconds ();
      double raw = raw_fetch (sandbox, &pages, &bytes);
      double cpu1 = cpu_seconds ();
      g_autoptr(GHashTable) threads1 = thread_cpu ();
      g_autoptr(GHashTable) threads2 = NULL;
      double sync = full_sync (sandbox, &synced, &threads2);
      double cpu2 = cpu_seconds ();

      g_assert_cmpuint (synced, ==, roster_sandbox_get_n_users (sandbox));
      g_print ("round %d: raw fetch %.3f s (%u pages, %.1f MB, CPU %.2f s), "
               "sync %.3f s (%u users, CPU %.2f s with the store's work after it), ratio %.3f\n",
               r + 1, raw, pages, bytes / 1e6, cpu1 - cpu0, sync, synced, cpu2 - cpu1, sync / raw);
      print_thread_cpu (threads0, threads1);
      print_thread_cpu (threads1, threads2);
      best_raw = MIN (best_raw, raw);
      best_sync = MIN (best_sync, sync);
      {
        double ratio = sync / raw;

        g_array_append_val (ratios, ratio);
      }
    }

  g_array_sort (ratios, compare_doubles);
  g_print ("best: raw fetch %.3f s, sync %.3f s, ratio %.3f; median ratio of the rounds %.3f "
           "(target ≤ 1.25; sync target < 10 s)\n",
           best_raw, best_sync, best_sync / best_raw,
           ratios->len > 0 ? g_array_index (ratios, double, ratios->len / 2) : 0.0);

  roster_sandbox_stop (sandbox);

  /* The cache of 100,000 users is over 100 MB: leave nothing behind. */
  {
    g_autoptr(GDir) dir = g_dir_open (data_dir, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (data_dir, name, NULL);

        g_unlink (path);
      }
    g_rmdir (data_dir);
  }

  return 0;
}
