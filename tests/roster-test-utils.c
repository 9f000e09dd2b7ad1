/* roster-test-utils.c — helpers shared by the test programs. */
#include "config.h"

#include "roster-test-utils.h"

void
roster_test_wait_for (RosterTestWaiter *w,
                      guint             timeout_seconds)
{
  gint64 deadline = g_get_monotonic_time () + timeout_seconds * G_USEC_PER_SEC;

  while (!w->done)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
}

void
roster_test_context_open_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  RosterTestWaiter *w = user_data;

  w->ok = roster_context_open_finish (ROSTER_CONTEXT (object), result, &w->error);
  w->done = TRUE;
}

void
roster_test_context_sync_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  RosterTestWaiter *w = user_data;

  w->ok = roster_context_sync_finish (ROSTER_CONTEXT (object), result, &w->error);
  w->done = TRUE;
}

RosterContext *
roster_test_open_context (const char *admin_url,
                          const char *org_id,
                          const char *api_key,
                          guint       timeout_seconds)
{
  g_autoptr(RosterContext) context = roster_context_new (NULL);
  RosterTestWaiter w = { 0 };

  roster_context_open_async (context, admin_url, org_id, api_key, NULL,
                             roster_test_context_open_cb, &w);
  roster_test_wait_for (&w, timeout_seconds);
  g_assert_no_error (w.error);
  g_assert_true (w.ok);
  return g_steal_pointer (&context);
}

gboolean
roster_test_context_sync (RosterContext  *context,
                          guint           timeout_seconds,
                          GError        **error)
{
  RosterTestWaiter w = { 0 };

  roster_context_sync_async (context, NULL, roster_test_context_sync_cb, &w);
  roster_test_wait_for (&w, timeout_seconds);
  if (w.error != NULL)
    g_propagate_error (error, w.error);
  return w.ok;
}

gboolean
roster_test_have_keyring (void)
{
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") != NULL)
    return TRUE;
  if (g_strcmp0 (g_getenv ("ROSTER_REQUIRE_KEYRING"), "1") == 0)
    g_error ("ROSTER_REQUIRE_KEYRING=1 but there is no session bus");
  return FALSE;
}

void
roster_test_run_clear (RosterTestRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

GPtrArray *
roster_test_rosterctl_argv (va_list args)
{
  GPtrArray *argv = g_ptr_array_new ();
  const char *arg;

  g_ptr_array_add (argv, (gpointer) g_getenv ("ROSTERCTL"));
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  g_ptr_array_add (argv, NULL);
  return argv;
}

void
roster_test_launcher_set_env (GSubprocessLauncher *launcher,
                              const char * const  *extra_env)
{
  for (guint i = 0; extra_env != NULL && extra_env[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (extra_env[i], "=", 2);

      g_subprocess_launcher_setenv (launcher, kv[0], kv[1], TRUE);
    }
}

void
roster_test_communicate (GSubprocessLauncher *launcher,
                         const char * const  *argv,
                         const char          *stdin_text,
                         RosterTestRun       *run)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;

  proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, stdin_text != NULL ? stdin_text : "", NULL,
                                                &run->out, &run->err, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  run->status = g_subprocess_get_exit_status (proc);
}
