/* roster-application.c */
#define G_LOG_DOMAIN "roster-application"

#include "config.h"

#include <glib/gi18n.h>

#include "roster-application.h"
#include "roster-compat.h"
#include "roster-error.h"
#include "roster-window.h"

#define DEMO_N_USERS 5000
#define DEMO_N_CUSTOMERS 3000
#define DEMO_SEED    7

struct _RosterApplication
{
  AdwApplication     parent_instance;

  RosterContext     *context;     /* (owned) */
  RosterSettings    *settings;    /* (owned) */
  RosterSandbox     *sandbox;     /* (owned) (nullable) */
  GCancellable      *cancellable; /* (owned) (nullable) */
  char              *start_page;  /* (owned) (nullable) */
  char              *start_org;   /* (owned) (nullable) --org */
  char              *start_url;   /* (owned) (nullable) --admin-url */

  guint              demo_n_users;
  gint64             demo_now;
  guint              demo : 1;
  guint              start_demo : 1;
};

G_DEFINE_FINAL_TYPE (RosterApplication, roster_application, ADW_TYPE_APPLICATION)

enum {
  ORG_OPENED,
  OPEN_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

char *
roster_format_count (guint n)
{
  return g_strdup_printf ("%'u", n);
}

void
roster_bench_mark (const char *what)
{
  static int enabled = -1;

  if (enabled < 0)
    enabled = g_getenv ("ROSTER_BENCH") != NULL;
  if (enabled)
    g_print ("roster-bench: mark %s monotonic_us=%" G_GINT64_FORMAT "\n", what, g_get_monotonic_time ());
}

char *
roster_describe_error (const GError *error)
{
  if (error == NULL)
    return g_strdup (_("Something went wrong"));

  if (error->domain == ROSTER_ERROR)
    {
      switch ((RosterErrorCode) error->code)
        {
        case ROSTER_ERROR_NETWORK:
          return g_strdup (_("Cannot reach Atlassian. Check your network connection and try again."));
        case ROSTER_ERROR_UNAUTHORIZED:
          return g_strdup (_("The API key was not accepted. Check that it is complete and has not expired."));
        case ROSTER_ERROR_FORBIDDEN:
          return g_strdup (_("The API key has no access to an organization. Create the key as an organization admin."));
        case ROSTER_ERROR_NOT_FOUND:
          return g_strdup (_("The organization or user was not found. It may have been removed."));
        case ROSTER_ERROR_CONFLICT:
          return g_strdup (_("Atlassian refused the change because of the current state (for example a licence limit)."));
        case ROSTER_ERROR_PRECONDITION:
          return g_strdup (_("Atlassian refused the request because a precondition was not met."));
        case ROSTER_ERROR_RATE_LIMITED:
          return g_strdup (_("Atlassian is limiting requests right now. Wait a minute and try again."));
        case ROSTER_ERROR_SERVER:
          return g_strdup (_("Atlassian had a server problem. Try again later."));
        case ROSTER_ERROR_BAD_REQUEST:
          return g_strdup (_("Atlassian rejected the request."));
        case ROSTER_ERROR_INVALID_RESPONSE:
          return g_strdup (_("Atlassian sent an answer Roster does not understand. Check the Admin API URL."));
        case ROSTER_ERROR_INSECURE_URL:
          return g_strdup (_("The Admin API URL must start with https://."));
        case ROSTER_ERROR_NO_API_KEY:
          return g_strdup (_("No API key is saved for this organization. Connect it again."));
        case ROSTER_ERROR_CACHE:
          return g_strdup (_("The local copy of the organization could not be read or written. Check the free disk space."));
        case ROSTER_ERROR_INVALID_ARGUMENT:
          return g_strdup (error->message);
        case ROSTER_ERROR_PROTECTED:
          return g_strdup (_("This account is protected and was not changed."));
        case ROSTER_ERROR_KEYRING:
          return g_strdup (_("The system keyring is not available. Unlock it or install a secret service."));
        case ROSTER_ERROR_FAILED:
        default:
          break;
        }
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    return g_strdup (_("Permission denied"));
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
    return g_strdup (_("The disk is full"));

  return g_strdup_printf (_("Something went wrong: %s"), error->message);
}

static RosterWindow *
get_window (RosterApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (ROSTER_IS_WINDOW (window))
    return ROSTER_WINDOW (window);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (ROSTER_IS_WINDOW (l->data))
      return l->data;

  return NULL;
}

/* The demo organization's product site: the same in-process sandbox, used as it
 * is (nothing goes to the store or the keyring). */
static void
set_demo_site (RosterApplication *self)
{
  g_autoptr(RosterSite) site = NULL;
  g_autoptr(GError) error = NULL;

  if (self->sandbox == NULL)
    return;
  site = roster_site_new (roster_sandbox_get_url (self->sandbox),
                          roster_sandbox_get_site_email (self->sandbox), &error);
  if (site == NULL)
    {
      g_warning ("The demo site is not usable: %s", error->message);
      return;
    }
  roster_site_set_token (site, roster_sandbox_get_site_token (self->sandbox));
  roster_context_set_site (self->context, site);
}

static void
context_open_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(RosterApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  roster_bench_mark ("org-open-finished");
  if (!roster_context_open_finish (ROSTER_CONTEXT (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_signal_emit (self, signals[OPEN_FAILED], 0, error);
      return;
    }

  if (!self->demo)
    roster_settings_set_current_org (self->settings, roster_context_get_org_id (self->context));
  else
    set_demo_site (self);

  g_signal_emit (self, signals[ORG_OPENED], 0);
}

static void
reset_context (RosterApplication *self)
{
  g_autoptr(RosterCredentials) credentials = NULL;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (self->context == NULL || roster_context_is_open (self->context))
    {
      g_clear_object (&self->context);
      credentials = roster_credentials_new ();
      self->context = roster_context_new (credentials);
    }
}

void
roster_application_open_demo (RosterApplication *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *admin_url = NULL;

  g_return_if_fail (ROSTER_IS_APPLICATION (self));

  reset_context (self);
  self->demo = TRUE;

  if (self->sandbox == NULL)
    {
      RosterSandboxOptions options = {
        .n_users = self->demo_n_users ? self->demo_n_users : DEMO_N_USERS,
        .seed = DEMO_SEED,
        .now_unix = self->demo_now,
        .n_customers = DEMO_N_CUSTOMERS,
      };

      self->sandbox = roster_sandbox_new (&options);
      if (!roster_sandbox_start (self->sandbox, 0, &error))
        {
          g_clear_object (&self->sandbox);
          g_signal_emit (self, signals[OPEN_FAILED], 0, error);
          return;
        }
    }

  admin_url = roster_sandbox_dup_admin_url (self->sandbox);
  roster_context_open_async (self->context,
                             admin_url,
                             roster_sandbox_get_org_id (self->sandbox),
                             roster_sandbox_get_api_key (self->sandbox),
                             self->cancellable,
                             context_open_cb,
                             g_object_ref (self));
}

void
roster_application_open_org (RosterApplication *self,
                             const char        *admin_url,
                             const char        *org_id)
{
  g_return_if_fail (ROSTER_IS_APPLICATION (self));
  g_return_if_fail (org_id != NULL);

  reset_context (self);
  self->demo = FALSE;

  if (admin_url == NULL || admin_url[0] == '\0')
    admin_url = ROSTER_DEFAULT_ADMIN_API_URL;
  roster_settings_set_admin_url (self->settings, admin_url);

  /* Automation (benchmarks, kiosks): the key may come from the environment, as for
   * rosterctl; it is never written anywhere. Otherwise the keyring has it. */
  roster_context_open_async (self->context, admin_url, org_id,
                             self->start_org != NULL ? g_getenv ("ROSTER_ADMIN_API_KEY") : NULL,
                             self->cancellable, context_open_cb, g_object_ref (self));
}

void
roster_application_close_org (RosterApplication *self)
{
  g_return_if_fail (ROSTER_IS_APPLICATION (self));

  if (!self->demo)
    roster_settings_set_current_org (self->settings, "");
  self->demo = FALSE;
  reset_context (self);
}

static void
roster_application_quit_action (GSimpleAction *action,
                                GVariant      *param,
                                gpointer       user_data)
{
  RosterApplication *self = user_data;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; )
    {
      GtkWindow *window = l->data;

      l = l->next;
      gtk_window_close (window);
    }
  g_application_quit (G_APPLICATION (self));
}

static void
roster_application_about_action (GSimpleAction *action,
                                 GVariant      *param,
                                 gpointer       user_data)
{
  RosterApplication *self = user_data;

  roster_compat_show_about (GTK_WINDOW (get_window (self)));
}

static void
roster_application_demo_action (GSimpleAction *action,
                                GVariant      *param,
                                gpointer       user_data)
{
  RosterApplication *self = user_data;
  RosterWindow *window = get_window (self);

  if (window != NULL)
    roster_window_show_loading (window);
  roster_application_open_demo (self);
}

static void
roster_application_connect_action (GSimpleAction *action,
                                   GVariant      *param,
                                   gpointer       user_data)
{
  RosterApplication *self = user_data;
  RosterWindow *window = get_window (self);

  if (window != NULL)
    roster_window_show_connect_dialog (window);
}

static void
roster_application_show_users_action (GSimpleAction *action,
                                      GVariant      *param,
                                      gpointer       user_data)
{
  RosterApplication *self = user_data;
  RosterWindow *window = get_window (self);
  g_autofree const char **ids = NULL;

  if (window == NULL)
    return;

  ids = g_variant_get_strv (param, NULL);
  roster_window_show_accounts (window, ids);
  gtk_window_present (GTK_WINDOW (window));
}

static void
roster_application_show_query_action (GSimpleAction *action,
                                      GVariant      *param,
                                      gpointer       user_data)
{
  RosterApplication *self = user_data;
  RosterWindow *window = get_window (self);

  if (window == NULL)
    return;

  roster_window_set_page (window, "users");
  roster_window_set_query (window, g_variant_get_string (param, NULL));
  gtk_window_present (GTK_WINDOW (window));
}

static const GActionEntry app_actions[] = {
  { "quit", roster_application_quit_action },
  { "about", roster_application_about_action },
  { "demo", roster_application_demo_action },
  { "connect", roster_application_connect_action },
  { "show-accounts", roster_application_show_users_action, "as" },
  { "show-query", roster_application_show_query_action, "s" },
};

static int
roster_application_handle_local_options (GApplication *app,
                                         GVariantDict *options)
{
  RosterApplication *self = ROSTER_APPLICATION (app);
  const char *page = NULL;
  gint32 n_users = 0;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("roster %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (g_variant_dict_contains (options, "demo"))
    self->start_demo = TRUE;

  if (g_variant_dict_lookup (options, "page", "&s", &page))
    {
      g_free (self->start_page);
      self->start_page = g_strdup (page);
    }

  if (g_variant_dict_lookup (options, "org", "&s", &page))
    {
      g_free (self->start_org);
      self->start_org = g_strdup (page);
    }
  if (g_variant_dict_lookup (options, "admin-url", "&s", &page))
    {
      g_free (self->start_url);
      self->start_url = g_strdup (page);
    }

  if (g_variant_dict_lookup (options, "demo-users", "i", &n_users) && n_users > 0)
    self->demo_n_users = n_users;

  return -1;
}

static void
roster_application_activate (GApplication *app)
{
  RosterApplication *self = ROSTER_APPLICATION (app);
  RosterWindow *window = get_window (self);
  g_autofree char *org_id = NULL;

  if (window != NULL)
    {
      gtk_window_present (GTK_WINDOW (window));
      return;
    }

  roster_bench_mark ("activate");
  org_id = self->start_org ? g_strdup (self->start_org)
                           : roster_settings_dup_current_org (self->settings);

  /* Start opening the organization before building the window: the store opens and
   * reads the cache on its own thread meanwhile. The result always arrives through
   * the main loop, after the window is there to receive it. */
  if (!self->start_demo && org_id != NULL && org_id[0] != '\0')
    {
      g_autofree char *admin_url = self->start_url ? g_strdup (self->start_url)
                                                   : roster_settings_dup_admin_url (self->settings);

      roster_application_open_org (self, admin_url, org_id);
    }

  window = roster_window_new (self);
  roster_bench_mark ("window-created");
  if (self->start_page != NULL)
    roster_window_set_page (window, self->start_page);
  gtk_window_present (GTK_WINDOW (window));
  roster_bench_mark ("window-presented");

  if (self->start_demo)
    {
      roster_window_show_loading (window);
      roster_application_open_demo (self);
    }
  else if (org_id != NULL && org_id[0] != '\0')
    {
      roster_window_show_loading (window);
    }
  else
    {
      roster_window_show_welcome (window);
    }
}

static void
roster_application_startup (GApplication *app)
{
  RosterApplication *self = ROSTER_APPLICATION (app);
  static const char *quit_accels[] = { "<Primary>q", NULL };
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "win.refresh", { "<Primary>r", "F5", NULL } },
    { "win.find", { "<Primary>f", NULL } },
    { "win.select-all", { "<Primary>a", NULL } },
    { "win.export", { "<Primary>e", NULL } },
    { "win.show-help-overlay", { "<Primary>question", "<Primary>slash", NULL } },
  };

  roster_bench_mark ("startup");
  G_APPLICATION_CLASS (roster_application_parent_class)->startup (app);
  roster_bench_mark ("startup-gtk-done");

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action,
                                           accels[i].accels);
}

static void
roster_application_shutdown (GApplication *app)
{
  RosterApplication *self = ROSTER_APPLICATION (app);

  g_cancellable_cancel (self->cancellable);
  if (self->sandbox != NULL)
    roster_sandbox_stop (self->sandbox);

  G_APPLICATION_CLASS (roster_application_parent_class)->shutdown (app);
}

static void
roster_application_dispose (GObject *object)
{
  RosterApplication *self = ROSTER_APPLICATION (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);
  g_clear_object (&self->sandbox);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (roster_application_parent_class)->dispose (object);
}

static void
roster_application_finalize (GObject *object)
{
  RosterApplication *self = ROSTER_APPLICATION (object);

  g_clear_pointer (&self->start_page, g_free);
  g_clear_pointer (&self->start_org, g_free);
  g_clear_pointer (&self->start_url, g_free);

  G_OBJECT_CLASS (roster_application_parent_class)->finalize (object);
}

static void
roster_application_class_init (RosterApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = roster_application_dispose;
  object_class->finalize = roster_application_finalize;
  app_class->activate = roster_application_activate;
  app_class->startup = roster_application_startup;
  app_class->shutdown = roster_application_shutdown;
  app_class->handle_local_options = roster_application_handle_local_options;

  signals[ORG_OPENED] = g_signal_new ("org-opened", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[OPEN_FAILED] = g_signal_new ("open-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
roster_application_init (RosterApplication *self)
{
  static const GOptionEntry entries[] = {
    { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Open the demo organization (a local stand-in for Atlassian Cloud)"), NULL },
    { "demo-users", 0, 0, G_OPTION_ARG_INT, NULL,
      N_("Number of users in the demo organization"), N_("COUNT") },
    { "page", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Page to show: dashboard, users, customers or settings"), N_("PAGE") },
    { "org", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Open this organization (its key from the keyring, or ROSTER_ADMIN_API_KEY)"), N_("ORG-ID") },
    { "admin-url", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Admin API base URL for --org"), N_("URL") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version"), NULL },
    { NULL }
  };
  g_autoptr(RosterCredentials) credentials = roster_credentials_new ();

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  self->settings = roster_settings_new ();
  self->context = roster_context_new (credentials);
  self->cancellable = g_cancellable_new ();
}

RosterApplication *
roster_application_new (void)
{
  return g_object_new (ROSTER_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", APP_PATH,
                       NULL);
}

RosterContext *
roster_application_get_context (RosterApplication *self)
{
  g_return_val_if_fail (ROSTER_IS_APPLICATION (self), NULL);

  return self->context;
}

RosterSettings *
roster_application_get_settings (RosterApplication *self)
{
  g_return_val_if_fail (ROSTER_IS_APPLICATION (self), NULL);

  return self->settings;
}

gboolean
roster_application_is_demo (RosterApplication *self)
{
  g_return_val_if_fail (ROSTER_IS_APPLICATION (self), FALSE);

  return self->demo;
}

RosterSandbox *
roster_application_get_sandbox (RosterApplication *self)
{
  g_return_val_if_fail (ROSTER_IS_APPLICATION (self), NULL);

  return self->sandbox;
}

void
roster_application_set_demo_options (RosterApplication *self,
                                     guint              n_users,
                                     gint64             now_unix)
{
  g_return_if_fail (ROSTER_IS_APPLICATION (self));

  self->demo_n_users = n_users;
  self->demo_now = now_unix;
}
