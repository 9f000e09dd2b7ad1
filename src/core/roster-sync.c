/* roster-sync.c
 *
 * The pipeline, per page:
 *
 *   fetch (main context) ──► peek the next cursor ──► fetch the next page at once
 *        └──────────────► parse on a worker thread ──► stage on the store thread
 *
 * Only one request is on the wire at a time (the cursor is sequential), but
 * parsing and storing overlap with the next request, so a sync costs little
 * more than the raw transfer. The peeked cursor is checked against the fully
 * parsed one; a page whose links could not be peeked is fetched after its
 * parse instead.
 */
#define G_LOG_DOMAIN "roster-sync"

#include "config.h"

#include <string.h>

#include "roster-admin-api.h"
#include "roster-async-private.h"
#include "roster-error.h"
#include "roster-http.h"
#include "roster-sync.h"
#include "roster-user.h"
#include "roster-user-batch.h"

#define DEFAULT_PAGE_SIZE 100
/* Pages fetched but not yet staged. Beyond this the next request waits, so a
 * fast server cannot pile up bodies and parsed users faster than we store them
 * (16 pages of 100 users are about 2 MB). */
#define MAX_PAGES_IN_PIPELINE 16
/* Parsed pages are staged this many at a time: one store transaction (and one
 * trip through the store's queue) per batch instead of per page. */
#define PAGES_PER_STAGE 4
/* The parser hands its pages back to the main context this many at a time
 * (each hand-over wakes the main thread, which also runs the fetches), or
 * sooner when they have waited this long (µs) for company: a slow server
 * still gets its progress shown. */
#define PARSE_GROUP_WAIT_US (100 * 1000)

struct _RosterSync
{
  GObject         parent_instance;

  RosterAdminApi *api;           /* (owned) */
  RosterStore    *store;         /* (owned) */
  char           *org_id;        /* (owned) */
  char           *directory_id;  /* (owned) */
  guint           page_size;
  guint           running : 1;
};

G_DEFINE_FINAL_TYPE (RosterSync, roster_sync, G_TYPE_OBJECT)

enum {
  PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  RosterSync   *self;          /* (owned) */
  GCancellable *cancellable;   /* (owned) internal, chained to the caller's */
  gulong        cancel_id;
  GCancellable *caller_cancellable; /* (owned) (nullable) */
  GError       *error;         /* (owned) (nullable) first error */
  guint         outstanding;   /* fetches + parses + stages in progress */
  guint         n_pages;
  guint         n_users;
  guint         total;
  guint         in_pipeline;   /* pages fetched and not yet staged */
  guint         next_fetch_seq;
  GPtrArray    *batch;         /* (owned) (nullable) parsed pages in page order, to stage next */
  guint         batch_pages;
  char         *deferred_cursor; /* (owned) (nullable) next fetch held back */
  gboolean      began;
  gboolean      fetching_done;
  gboolean      committing;
  RosterUserSet *users;        /* (owned) (nullable) what the commit handed back */
  GThreadPool  *parse_pool;    /* (owned) one thread of its own, at background priority */
  struct _ParsePipe *pipe;     /* (owned) the parse thread's side */
  gboolean      flush_sent;
  gint64        started;       /* monotonic µs, for the debug log */
  gint64        commit_started;
} SyncState;

/* A page on its way through the parse thread and back. Made and freed in
 * the main context; a PageWork without a body asks the parser to hand back
 * what it holds (the main context stops sending pages). */
typedef struct
{
  GTask     *task;           /* (owned) the sync */
  GBytes    *body;           /* (owned) (nullable) */
  char      *peeked_cursor;  /* (owned) (nullable) */
  gboolean   speculated;     /* the next fetch was already started */
  guint      seq;            /* page number, from 0 */
  RosterUserBatch *users;    /* (owned) (nullable) result */
  char      *next_cursor;    /* (owned) (nullable) result */
  GError    *error;          /* (owned) (nullable) result */
} PageWork;

/* The parse thread's side: the pages parsed and not yet handed back. Shared
 * by reference with that thread, which may still be returning from its last
 * page when the sync ends. */
typedef struct _ParsePipe
{
  GMainContext *context;     /* (owned) where the sync runs */
  GPtrArray    *group;       /* (owned) (nullable) PageWork, in page order */
  gint64        group_started;
} ParsePipe;

static void fetch_page (GTask      *task,
                        const char *cursor);
static void fetch_next (GTask      *task,
                        const char *cursor);
static void maybe_finish (GTask *task);
static void push_to_parser (GTask    *task,
                            PageWork *work);

static ParsePipe *
parse_pipe_new (GMainContext *context)
{
  ParsePipe *pipe = g_atomic_rc_box_new0 (ParsePipe);

  pipe->context = g_main_context_ref (context);
  return pipe;
}

static void
parse_pipe_clear (gpointer data)
{
  ParsePipe *pipe = data;

  /* Empty by then: every page went back to the main context. */
  g_assert (pipe->group == NULL);
  g_main_context_unref (pipe->context);
}

static ParsePipe *
parse_pipe_ref (ParsePipe *pipe)
{
  return g_atomic_rc_box_acquire (pipe);
}

static void
parse_pipe_unref (ParsePipe *pipe)
{
  g_atomic_rc_box_release_full (pipe, parse_pipe_clear);
}

static void
page_work_free (gpointer data)
{
  PageWork *work = data;

  g_clear_object (&work->task);
  g_clear_error (&work->error);
  g_clear_pointer (&work->body, g_bytes_unref);
  g_clear_pointer (&work->peeked_cursor, g_free);
  g_clear_pointer (&work->users, roster_user_batch_unref);
  g_clear_pointer (&work->next_cursor, g_free);
  g_free (work);
}

static void
sync_state_free (gpointer data)
{
  SyncState *state = data;

  if (state->caller_cancellable != NULL && state->cancel_id != 0)
    g_cancellable_disconnect (state->caller_cancellable, state->cancel_id);
  g_clear_object (&state->caller_cancellable);
  g_clear_object (&state->cancellable);
  g_clear_error (&state->error);
  g_clear_pointer (&state->deferred_cursor, g_free);
  g_clear_pointer (&state->users, roster_user_set_unref);
  g_clear_pointer (&state->batch, g_ptr_array_unref);
  /* Does not wait: every page came back, but the thread may still be
   * returning from the last one (it holds its own reference to the pipe). */
  if (state->parse_pool != NULL)
    g_thread_pool_free (g_steal_pointer (&state->parse_pool), TRUE, FALSE);
  g_clear_pointer (&state->pipe, parse_pipe_unref);
  g_clear_object (&state->self);
  g_free (state);
}

static void
fail (GTask  *task,
      GError *error)
{
  SyncState *state = g_task_get_task_data (task);

  if (state->error == NULL)
    {
      state->error = error;
      g_cancellable_cancel (state->cancellable);
      /* No page follows: the parser must not keep any waiting for company. */
      if (!state->flush_sent)
        {
          state->flush_sent = TRUE;
          push_to_parser (task, g_new0 (PageWork, 1));
        }
    }
  else
    {
      g_error_free (error);
    }
}

/* Skips JSON white space. */
static const char *
skip_ws (const char *p,
         const char *end)
{
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
    p++;
  return p;
}

static const char *
find_last (const char *haystack,
           gsize       length,
           const char *needle)
{
  gsize n = strlen (needle);

  if (length < n)
    return NULL;

  for (gsize i = length - n + 1; i-- > 0;)
    {
      if (memcmp (haystack + i, needle, n) == 0 &&
          (i == 0 || haystack[i - 1] != '\\'))
        return haystack + i;
    }

  return NULL;
}

char *
roster_sync_peek_next_cursor (const char *body,
                              gsize       length)
{
  const char *end = body + length;
  const char *links;
  const char *p;

  if (body == NULL)
    return NULL;

  links = find_last (body, length, "\"links\"");
  if (links == NULL)
    return NULL;

  p = skip_ws (links + strlen ("\"links\""), end);
  if (p >= end || *p != ':')
    return NULL;
  p = skip_ws (p + 1, end);
  if (p >= end || *p != '{')
    return NULL;

  /* Walk the members of the links object: only strings and null are expected. */
  p++;
  while (p < end)
    {
      const char *key;
      gsize key_len;

      p = skip_ws (p, end);
      if (p < end && *p == '}')
        return NULL;
      if (p >= end || *p != '"')
        return NULL;
      key = ++p;
      while (p < end && *p != '"' && *p != '\\')
        p++;
      if (p >= end || *p != '"')
        return NULL;
      key_len = p - key;
      p = skip_ws (p + 1, end);
      if (p >= end || *p != ':')
        return NULL;
      p = skip_ws (p + 1, end);
      if (p >= end)
        return NULL;

      if (*p == '"')
        {
          const char *value = ++p;

          while (p < end && *p != '"' && *p != '\\')
            p++;
          if (p >= end || *p != '"')
            return NULL; /* escapes or truncation: let the full parse decide */
          if (key_len == 4 && memcmp (key, "next", 4) == 0)
            return p > value ? g_strndup (value, p - value) : NULL;
          p++;
        }
      else if (end - p >= 4 && memcmp (p, "null", 4) == 0)
        {
          if (key_len == 4 && memcmp (key, "next", 4) == 0)
            return NULL;
          p += 4;
        }
      else
        {
          return NULL;
        }

      p = skip_ws (p, end);
      if (p < end && *p == ',')
        p++;
    }

  return NULL;
}

/* The parse thread: the direct reader (no JSON tree, which cost several
 * times the transfer), then what the store's thread would do next for each
 * user: that thread stages and builds the set, and it is the one the sync
 * waits for. */
static void
parse_page (PageWork *work)
{
  g_autoptr(RosterUserBatch) users = roster_user_batch_new ();
  gsize length;
  const char *data = g_bytes_get_data (work->body, &length);

  if (!roster_users_page_parse_batch (data, length, users, &work->next_cursor, &work->error))
    return;

  roster_user_set_prepare_batch (users);
  roster_store_prepare_batch (users);
  work->users = g_steal_pointer (&users);
}

static gboolean
parsed_pages_cb (gpointer user_data);

/* The parse pool's thread: parses one page, and hands the pages back to the
 * main context a group at a time (see PARSE_GROUP_WAIT_US). A page whose
 * next cursor the main context waits for, a failed one and a request to hand
 * back go at once. */
static void
parse_pool_func (gpointer data,
                 gpointer user_data)
{
  PageWork *work = data;
  ParsePipe *pipe = parse_pipe_ref (user_data);
  gboolean now = work->body == NULL || !work->speculated;
  gint64 time;

  /* Once per thread would do; the calls are cheap. The thread is the
   * sync's own, and ends with it. */
  _roster_thread_set_background ();
  _roster_thread_enter_sync_cpu ();

  if (work->body != NULL && !g_cancellable_is_cancelled (g_task_get_cancellable (work->task)))
    {
      parse_page (work);
      if (work->error != NULL)
        now = TRUE;
    }

  time = g_get_monotonic_time ();
  if (pipe->group == NULL)
    {
      pipe->group = g_ptr_array_new_with_free_func (page_work_free);
      pipe->group_started = time;
    }
  g_ptr_array_add (pipe->group, work);

  if (now || pipe->group->len >= PAGES_PER_STAGE ||
      time - pipe->group_started >= PARSE_GROUP_WAIT_US)
    g_main_context_invoke_full (pipe->context, G_PRIORITY_DEFAULT, parsed_pages_cb,
                                g_steal_pointer (&pipe->group),
                                (GDestroyNotify) g_ptr_array_unref);

  parse_pipe_unref (pipe);
}

/* Sends a page (or, without a body, a request to hand back what it holds)
 * to the parse thread. */
static void
push_to_parser (GTask    *task,
                PageWork *work)
{
  SyncState *state = g_task_get_task_data (task);

  work->task = g_object_ref (task);
  state->outstanding++;
  g_thread_pool_push (state->parse_pool, work, NULL);
}

typedef struct
{
  GTask *task;     /* (owned) */
  guint  n_pages;
} StageBatch;

static void
stage_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  StageBatch *sb = user_data;
  g_autoptr(GTask) task = sb->task;
  SyncState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  state->outstanding--;
  state->in_pipeline -= sb->n_pages;
  g_free (sb);

  if (!roster_store_sync_stage_finish (ROSTER_STORE (object), result, &error))
    fail (task, g_steal_pointer (&error));

  if (state->deferred_cursor != NULL && state->error == NULL &&
      state->in_pipeline < MAX_PAGES_IN_PIPELINE)
    {
      g_autofree char *cursor = g_steal_pointer (&state->deferred_cursor);

      fetch_page (task, cursor);
    }

  maybe_finish (task);
}

static void
flush_batch (GTask *task)
{
  SyncState *state = g_task_get_task_data (task);
  StageBatch *sb;

  if (state->batch_pages == 0)
    return;

  sb = g_new0 (StageBatch, 1);
  sb->task = g_object_ref (task);
  sb->n_pages = state->batch_pages;
  state->outstanding++;
  roster_store_sync_stage_batches_async (state->self->store, state->batch, state->cancellable,
                                         stage_cb, sb);
  g_clear_pointer (&state->batch, g_ptr_array_unref);
  state->batch_pages = 0;
}

/* Adds a parsed page to the batch (pages come back in page order, and a
 * later page wins when the API repeats an account) and stages full batches. */
static void
queue_parsed_page (GTask           *task,
                   RosterUserBatch *users)
{
  SyncState *state = g_task_get_task_data (task);

  if (state->batch == NULL)
    state->batch = g_ptr_array_new_with_free_func ((GDestroyNotify) roster_user_batch_unref);
  g_ptr_array_add (state->batch, users);
  state->batch_pages++;
  if (state->batch_pages >= PAGES_PER_STAGE)
    flush_batch (task);
}

static void
parsed_page (GTask    *task,
             PageWork *work)
{
  SyncState *state = g_task_get_task_data (task);

  state->outstanding--;

  /* A request to hand back, or a page dropped by a cancelled sync. */
  if (work->body == NULL || state->error != NULL)
    return;

  if (work->error != NULL)
    {
      fail (task, g_steal_pointer (&work->error));
      return;
    }

  if (work->users == NULL)
    {
      fail (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Sync was cancelled"));
      return;
    }

  if (work->speculated && g_strcmp0 (work->peeked_cursor, work->next_cursor) != 0)
    {
      fail (task, g_error_new (ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                               "Users page links are inconsistent"));
      return;
    }

  state->n_pages++;
  state->n_users += roster_user_batch_get_n_users (work->users);

  if (!work->speculated)
    {
      if (work->next_cursor != NULL)
        fetch_next (task, work->next_cursor);
      else
        state->fetching_done = TRUE;
    }

  queue_parsed_page (task, g_steal_pointer (&work->users));
}

/* The main context: a group of pages back from the parse thread. */
static gboolean
parsed_pages_cb (gpointer user_data)
{
  GPtrArray *group = user_data;
  /* Every page holds the sync's task; keep it past the last of them. */
  g_autoptr(GTask) task = g_object_ref (((PageWork *) g_ptr_array_index (group, 0))->task);
  SyncState *state = g_task_get_task_data (task);
  guint n_pages = state->n_pages;

  for (guint i = 0; i < group->len; i++)
    parsed_page (task, g_ptr_array_index (group, i));

  if (state->n_pages != n_pages)
    g_signal_emit (state->self, signals[PROGRESS], 0,
                   state->n_pages, state->n_users, MAX (state->total, state->n_users));

  maybe_finish (task);
  return G_SOURCE_REMOVE;
}

static void
page_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SyncState *state = g_task_get_task_data (task);
  g_autoptr(RosterHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  PageWork *work;
  gsize length;
  const char *data;

  state->outstanding--;

  response = roster_admin_api_search_users_page_finish (ROSTER_ADMIN_API (object), result, &error);
  if (response == NULL)
    {
      fail (task, g_steal_pointer (&error));
      maybe_finish (task);
      return;
    }

  if (state->error != NULL)
    {
      maybe_finish (task);
      return;
    }

  work = g_new0 (PageWork, 1);
  work->seq = state->next_fetch_seq++;
  work->body = g_bytes_ref (response->body);
  data = g_bytes_get_data (work->body, &length);
  work->peeked_cursor = roster_sync_peek_next_cursor (data, length);

  state->in_pipeline++;
  if (work->peeked_cursor != NULL)
    {
      work->speculated = TRUE;
      fetch_next (task, work->peeked_cursor);
    }

  push_to_parser (task, work);
}

static void
fetch_page (GTask      *task,
            const char *cursor)
{
  SyncState *state = g_task_get_task_data (task);
  RosterSync *self = state->self;

  state->outstanding++;
  roster_admin_api_search_users_page_async (self->api,
                                            self->org_id,
                                            self->directory_id,
                                            NULL,
                                            cursor,
                                            self->page_size,
                                            ROSTER_HTTP_FLAGS_RAW,
                                            state->cancellable,
                                            page_cb,
                                            g_object_ref (task));
}

/* Fetches now, or holds the cursor back while the pipeline is full. */
static void
fetch_next (GTask      *task,
            const char *cursor)
{
  SyncState *state = g_task_get_task_data (task);

  if (state->in_pipeline >= MAX_PAGES_IN_PIPELINE)
    {
      g_assert (state->deferred_cursor == NULL);
      state->deferred_cursor = g_strdup (cursor);
      return;
    }

  fetch_page (task, cursor);
}

static void
commit_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SyncState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!roster_store_sync_commit_finish (ROSTER_STORE (object), result, &state->users, &error))
    {
      roster_store_sync_abort (state->self->store);
      state->self->running = FALSE;
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  state->self->running = FALSE;
  g_debug ("Synced %u users in %u pages: %.3f s (pages done after %.3f s, commit %.3f s)",
           state->n_users, state->n_pages, (g_get_monotonic_time () - state->started) / 1e6,
           (state->commit_started - state->started) / 1e6,
           (g_get_monotonic_time () - state->commit_started) / 1e6);
  g_task_return_boolean (task, TRUE);
}

static void
maybe_finish (GTask *task)
{
  SyncState *state = g_task_get_task_data (task);

  if (state->outstanding > 0 || state->committing)
    return;

  if (state->error != NULL)
    {
      GError *error = g_steal_pointer (&state->error);

      if (state->began)
        roster_store_sync_abort (state->self->store);
      state->self->running = FALSE;

      /* The caller's cancellation is reported as such, not as the error of
       * whichever request noticed it first. */
      if (state->caller_cancellable != NULL &&
          g_cancellable_is_cancelled (state->caller_cancellable) &&
          !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_clear_error (&error);
          error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Sync was cancelled");
        }

      g_task_return_error (task, error);
      return;
    }

  if (!state->fetching_done)
    return;

  /* Everything is parsed: stage the last, partial batch first. */
  if (state->batch_pages > 0)
    {
      flush_batch (task);
      return;
    }

  state->committing = TRUE;
  state->commit_started = g_get_monotonic_time ();
  roster_store_sync_commit_async (state->self->store, state->n_pages, NULL,
                                  commit_cb, g_object_ref (task));
}

static void
count_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SyncState *state = g_task_get_task_data (task);
  guint64 count = 0;

  /* The count only feeds the progress display; a failure here is not fatal. */
  if (roster_admin_api_count_users_finish (ROSTER_ADMIN_API (object), result, &count, NULL))
    state->total = (guint) MIN (count, G_MAXUINT);
}

static void
begin_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SyncState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  state->outstanding--;

  if (!roster_store_sync_begin_finish (ROSTER_STORE (object), result, &error))
    {
      fail (task, g_steal_pointer (&error));
      maybe_finish (task);
      return;
    }

  state->began = TRUE;
  maybe_finish (task);
}

static void
caller_cancelled_cb (GCancellable *cancellable,
                     GCancellable *internal)
{
  g_cancellable_cancel (internal);
}

static void
roster_sync_dispose (GObject *object)
{
  RosterSync *self = (RosterSync *)object;

  g_clear_object (&self->api);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (roster_sync_parent_class)->dispose (object);
}

static void
roster_sync_finalize (GObject *object)
{
  RosterSync *self = (RosterSync *)object;

  g_clear_pointer (&self->org_id, g_free);
  g_clear_pointer (&self->directory_id, g_free);

  G_OBJECT_CLASS (roster_sync_parent_class)->finalize (object);
}

static void
roster_sync_class_init (RosterSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = roster_sync_dispose;
  object_class->finalize = roster_sync_finalize;

  signals[PROGRESS] =
    g_signal_new ("progress",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT);
}

static void
roster_sync_init (RosterSync *self)
{
  self->page_size = DEFAULT_PAGE_SIZE;
}

RosterSync *
roster_sync_new (RosterAdminApi *api,
                 RosterStore    *store,
                 const char     *org_id,
                 const char     *directory_id)
{
  RosterSync *self;

  g_return_val_if_fail (ROSTER_IS_ADMIN_API (api), NULL);
  g_return_val_if_fail (ROSTER_IS_STORE (store), NULL);
  g_return_val_if_fail (org_id != NULL, NULL);

  self = g_object_new (ROSTER_TYPE_SYNC, NULL);
  self->api = g_object_ref (api);
  self->store = g_object_ref (store);
  self->org_id = g_strdup (org_id);
  self->directory_id = g_strdup (directory_id != NULL ? directory_id : "-");

  return self;
}

void
roster_sync_set_page_size (RosterSync *self,
                           guint       page_size)
{
  g_return_if_fail (ROSTER_IS_SYNC (self));

  self->page_size = CLAMP (page_size, 1, 100);
}

void
roster_sync_run_async (RosterSync          *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SyncState *state;

  g_return_if_fail (ROSTER_IS_SYNC (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, roster_sync_run_async);
  /* The caller's cancellable is watched by hand so that the staging is
   * always aborted before the task completes. */
  g_task_set_check_cancellable (task, FALSE);

  if (self->running)
    {
      g_task_return_new_error (task, ROSTER_ERROR, ROSTER_ERROR_FAILED,
                               "A sync is already running");
      return;
    }

  state = g_new0 (SyncState, 1);
  state->started = g_get_monotonic_time ();
  /* One parser is enough (it is idle most of the time) and keeps the pages
   * in order; an exclusive thread, so that its lower priority ends with it. */
  state->pipe = parse_pipe_new (g_task_get_context (task));
  state->parse_pool = g_thread_pool_new (parse_pool_func, state->pipe, 1, TRUE, NULL);
  state->self = g_object_ref (self);
  state->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      state->caller_cancellable = g_object_ref (cancellable);
      state->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                                state->cancellable, NULL);
    }
  g_task_set_task_data (task, state, sync_state_free);
  self->running = TRUE;

  roster_admin_api_count_users_async (self->api, self->org_id, self->directory_id, NULL,
                                      state->cancellable, count_cb, g_object_ref (task));

  state->outstanding++;
  roster_store_sync_begin_async (self->store, state->cancellable, begin_cb, g_object_ref (task));
  fetch_page (task, NULL);
}

gboolean
roster_sync_run_finish (RosterSync      *self,
                        GAsyncResult    *result,
                        RosterSyncInfo  *out_info,
                        RosterUserSet  **out_users,
                        GError         **error)
{
  GTask *task;
  SyncState *state;

  g_return_val_if_fail (ROSTER_IS_SYNC (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  task = G_TASK (result);
  state = g_task_get_task_data (task);

  if (out_users != NULL)
    *out_users = NULL;

  if (!g_task_propagate_boolean (task, error))
    return FALSE;

  if (out_users != NULL)
    *out_users = g_steal_pointer (&state->users);

  if (out_info != NULL)
    {
      out_info->synced_at = g_get_real_time () / G_USEC_PER_SEC;
      out_info->n_users = state->n_users;
      out_info->n_pages = state->n_pages;
    }

  return TRUE;
}
