/* roster-org.c: the small Admin API domain objects and their parsers. */
#define G_LOG_DOMAIN "roster-org"

#include "config.h"

#include <string.h>

#include "roster-error.h"
#include "roster-json-private.h"
#include "roster-org.h"

#define GROUP_ARI_PREFIX "ari:cloud:identity::group/"

/* Admin API items; detail responses wrap the item: {"data":{…}}. */
static JsonObject *
unwrap_item (JsonNode    *node,
             const char  *what,
             GError     **error)
{
  JsonObject *object = _roster_json_item_object (node, what, error);
  JsonObject *data = _roster_json_peek_object (object, "data");

  return data != NULL ? data : object;
}

/* Read-only "id" and "name" properties, shared by all five types. */
enum { PROP_0, PROP_ID, PROP_NAME, N_PROPS };

#define DEFINE_ID_NAME_PROPERTIES(TypeName, type_name)                              \
  static void                                                                       \
  type_name##_get_property (GObject    *object,                                     \
                            guint       prop_id,                                    \
                            GValue     *value,                                      \
                            GParamSpec *pspec)                                      \
  {                                                                                 \
    TypeName *self = (TypeName *) object;                                           \
                                                                                    \
    switch (prop_id)                                                                \
      {                                                                             \
      case PROP_ID: g_value_set_string (value, self->id); break;                    \
      case PROP_NAME: g_value_set_string (value, self->name); break;                \
      default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);          \
      }                                                                             \
  }

static void
install_id_name (GObjectClass *object_class)
{
  GParamSpec *properties[N_PROPS] = { NULL, };

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

/* RosterOrg */

struct _RosterOrg
{
  GObject  parent_instance;
  char    *id;
  char    *name;
};

G_DEFINE_FINAL_TYPE (RosterOrg, roster_org, G_TYPE_OBJECT)
DEFINE_ID_NAME_PROPERTIES (RosterOrg, roster_org)

static void
roster_org_finalize (GObject *object)
{
  RosterOrg *self = (RosterOrg *) object;

  g_free (self->id);
  g_free (self->name);
  G_OBJECT_CLASS (roster_org_parent_class)->finalize (object);
}

static void
roster_org_class_init (RosterOrgClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = roster_org_finalize;
  object_class->get_property = roster_org_get_property;
  install_id_name (object_class);
}

static void
roster_org_init (RosterOrg *self)
{
}

RosterOrg *
roster_org_new_from_json (JsonNode  *node,
                          GError   **error)
{
  g_autoptr(RosterOrg) self = g_object_new (ROSTER_TYPE_ORG, NULL);
  JsonObject *object;
  JsonObject *attributes;

  if (!(object = unwrap_item (node, "organization", error)) ||
      !_roster_json_read_string (object, "organization", "id", ROSTER_JSON_REQUIRED,
                                 &self->id, error) ||
      !_roster_json_read_object (object, "organization", "attributes", &attributes, error) ||
      !_roster_json_read_string (attributes, "organization", "name", ROSTER_JSON_NONE,
                                 &self->name, error))
    return NULL;
  if (self->name == NULL)
    self->name = g_strdup ("");

  return g_steal_pointer (&self);
}

const char *
roster_org_get_id (RosterOrg *self)
{
  g_return_val_if_fail (ROSTER_IS_ORG (self), NULL);
  return self->id;
}

const char *
roster_org_get_name (RosterOrg *self)
{
  g_return_val_if_fail (ROSTER_IS_ORG (self), NULL);
  return self->name;
}

/* RosterDirectory */

struct _RosterDirectory
{
  GObject  parent_instance;
  char    *id;
  char    *name;
};

G_DEFINE_FINAL_TYPE (RosterDirectory, roster_directory, G_TYPE_OBJECT)
DEFINE_ID_NAME_PROPERTIES (RosterDirectory, roster_directory)

static void
roster_directory_finalize (GObject *object)
{
  RosterDirectory *self = (RosterDirectory *) object;

  g_free (self->id);
  g_free (self->name);
  G_OBJECT_CLASS (roster_directory_parent_class)->finalize (object);
}

static void
roster_directory_class_init (RosterDirectoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = roster_directory_finalize;
  object_class->get_property = roster_directory_get_property;
  install_id_name (object_class);
}

static void
roster_directory_init (RosterDirectory *self)
{
}

RosterDirectory *
roster_directory_new_from_json (JsonNode  *node,
                                GError   **error)
{
  g_autoptr(RosterDirectory) self = g_object_new (ROSTER_TYPE_DIRECTORY, NULL);
  JsonObject *object;

  if (!(object = unwrap_item (node, "directory", error)) ||
      !_roster_json_read_string (object, "directory", "directoryId", ROSTER_JSON_REQUIRED,
                                 &self->id, error) ||
      !_roster_json_read_string (object, "directory", "name", ROSTER_JSON_NONE, &self->name, error))
    return NULL;
  if (self->name == NULL)
    self->name = g_strdup ("");

  return g_steal_pointer (&self);
}

const char *
roster_directory_get_id (RosterDirectory *self)
{
  g_return_val_if_fail (ROSTER_IS_DIRECTORY (self), NULL);
  return self->id;
}

const char *
roster_directory_get_name (RosterDirectory *self)
{
  g_return_val_if_fail (ROSTER_IS_DIRECTORY (self), NULL);
  return self->name;
}

/* RosterDomain */

struct _RosterDomain
{
  GObject  parent_instance;
  char    *id;
  char    *name;
  char    *claim_type;
  char    *claim_status;
};

G_DEFINE_FINAL_TYPE (RosterDomain, roster_domain, G_TYPE_OBJECT)
DEFINE_ID_NAME_PROPERTIES (RosterDomain, roster_domain)

static void
roster_domain_finalize (GObject *object)
{
  RosterDomain *self = (RosterDomain *) object;

  g_free (self->id);
  g_free (self->name);
  g_free (self->claim_type);
  g_free (self->claim_status);
  G_OBJECT_CLASS (roster_domain_parent_class)->finalize (object);
}

static void
roster_domain_class_init (RosterDomainClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = roster_domain_finalize;
  object_class->get_property = roster_domain_get_property;
  install_id_name (object_class);
}

static void
roster_domain_init (RosterDomain *self)
{
}

RosterDomain *
roster_domain_new_from_json (JsonNode  *node,
                             GError   **error)
{
  g_autoptr(RosterDomain) self = g_object_new (ROSTER_TYPE_DOMAIN, NULL);
  JsonObject *object;
  JsonObject *attributes;
  JsonObject *claim;

  if (!(object = unwrap_item (node, "domain", error)) ||
      !_roster_json_read_string (object, "domain", "id", ROSTER_JSON_REQUIRED, &self->id, error) ||
      !_roster_json_read_object (object, "domain", "attributes", &attributes, error) ||
      !_roster_json_read_string (attributes, "domain", "name", ROSTER_JSON_REQUIRED,
                                 &self->name, error) ||
      !_roster_json_read_object (attributes, "domain", "claim", &claim, error) ||
      !_roster_json_read_string (claim, "domain claim", "type", ROSTER_JSON_NONE,
                                 &self->claim_type, error) ||
      !_roster_json_read_string (claim, "domain claim", "status", ROSTER_JSON_NONE,
                                 &self->claim_status, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
roster_domain_get_id (RosterDomain *self)
{
  g_return_val_if_fail (ROSTER_IS_DOMAIN (self), NULL);
  return self->id;
}

const char *
roster_domain_get_name (RosterDomain *self)
{
  g_return_val_if_fail (ROSTER_IS_DOMAIN (self), NULL);
  return self->name;
}

const char *
roster_domain_get_claim_status (RosterDomain *self)
{
  g_return_val_if_fail (ROSTER_IS_DOMAIN (self), NULL);
  return self->claim_status;
}

const char *
roster_domain_get_claim_type (RosterDomain *self)
{
  g_return_val_if_fail (ROSTER_IS_DOMAIN (self), NULL);
  return self->claim_type;
}

gboolean
roster_domain_is_verified (RosterDomain *self)
{
  g_return_val_if_fail (ROSTER_IS_DOMAIN (self), FALSE);
  return g_strcmp0 (self->claim_status, "verified") == 0;
}

/* RosterWorkspace */

struct _RosterWorkspace
{
  GObject  parent_instance;
  char    *id;
  char    *name;
  char    *type_key;
  char    *host_url;
  char    *status;
};

G_DEFINE_FINAL_TYPE (RosterWorkspace, roster_workspace, G_TYPE_OBJECT)
DEFINE_ID_NAME_PROPERTIES (RosterWorkspace, roster_workspace)

static void
roster_workspace_finalize (GObject *object)
{
  RosterWorkspace *self = (RosterWorkspace *) object;

  g_free (self->id);
  g_free (self->name);
  g_free (self->type_key);
  g_free (self->host_url);
  g_free (self->status);
  G_OBJECT_CLASS (roster_workspace_parent_class)->finalize (object);
}

static void
roster_workspace_class_init (RosterWorkspaceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = roster_workspace_finalize;
  object_class->get_property = roster_workspace_get_property;
  install_id_name (object_class);
}

static void
roster_workspace_init (RosterWorkspace *self)
{
}

RosterWorkspace *
roster_workspace_new_from_json (JsonNode  *node,
                                GError   **error)
{
  g_autoptr(RosterWorkspace) self = g_object_new (ROSTER_TYPE_WORKSPACE, NULL);
  JsonObject *object;
  JsonObject *attributes;

  if (!(object = unwrap_item (node, "workspace", error)) ||
      !_roster_json_read_string (object, "workspace", "id", ROSTER_JSON_REQUIRED,
                                 &self->id, error) ||
      !_roster_json_read_object (object, "workspace", "attributes", &attributes, error) ||
      !_roster_json_read_string (attributes, "workspace", "name", ROSTER_JSON_NONE,
                                 &self->name, error) ||
      !_roster_json_read_string (attributes, "workspace", "typeKey", ROSTER_JSON_NONE,
                                 &self->type_key, error) ||
      !_roster_json_read_string (attributes, "workspace", "hostUrl", ROSTER_JSON_NONE,
                                 &self->host_url, error) ||
      !_roster_json_read_string (attributes, "workspace", "status", ROSTER_JSON_NONE,
                                 &self->status, error))
    return NULL;
  if (self->name == NULL)
    self->name = g_strdup (self->host_url ? self->host_url : "");

  return g_steal_pointer (&self);
}

const char *
roster_workspace_get_id (RosterWorkspace *self)
{
  g_return_val_if_fail (ROSTER_IS_WORKSPACE (self), NULL);
  return self->id;
}

const char *
roster_workspace_get_name (RosterWorkspace *self)
{
  g_return_val_if_fail (ROSTER_IS_WORKSPACE (self), NULL);
  return self->name;
}

const char *
roster_workspace_get_type_key (RosterWorkspace *self)
{
  g_return_val_if_fail (ROSTER_IS_WORKSPACE (self), NULL);
  return self->type_key;
}

const char *
roster_workspace_get_host_url (RosterWorkspace *self)
{
  g_return_val_if_fail (ROSTER_IS_WORKSPACE (self), NULL);
  return self->host_url;
}

const char *
roster_workspace_get_status (RosterWorkspace *self)
{
  g_return_val_if_fail (ROSTER_IS_WORKSPACE (self), NULL);
  return self->status;
}

RosterProduct
roster_workspace_type_key_to_product (const char *type_key)
{
  return roster_product_from_string (type_key);
}

RosterProduct
roster_workspace_get_product (RosterWorkspace *self)
{
  g_return_val_if_fail (ROSTER_IS_WORKSPACE (self), ROSTER_PRODUCT_OTHER);
  return roster_workspace_type_key_to_product (self->type_key);
}

/* RosterGroup */

struct _RosterGroup
{
  GObject   parent_instance;
  char     *id;
  char     *name;
  char     *description;
  gint64    n_users;
  gboolean  external_synced;
  gboolean  modifiable;
};

G_DEFINE_FINAL_TYPE (RosterGroup, roster_group, G_TYPE_OBJECT)
DEFINE_ID_NAME_PROPERTIES (RosterGroup, roster_group)

static void
roster_group_finalize (GObject *object)
{
  RosterGroup *self = (RosterGroup *) object;

  g_free (self->id);
  g_free (self->name);
  g_free (self->description);
  G_OBJECT_CLASS (roster_group_parent_class)->finalize (object);
}

static void
roster_group_class_init (RosterGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = roster_group_finalize;
  object_class->get_property = roster_group_get_property;
  install_id_name (object_class);
}

static void
roster_group_init (RosterGroup *self)
{
  self->n_users = -1;
  self->modifiable = TRUE;
}

RosterGroup *
roster_group_new_from_json (JsonNode  *node,
                            GError   **error)
{
  g_autoptr(RosterGroup) self = g_object_new (ROSTER_TYPE_GROUP, NULL);
  JsonObject *object;
  JsonObject *access;
  JsonObject *counts;

  if (!(object = unwrap_item (node, "group", error)) ||
      !_roster_json_read_string (object, "group", "id", ROSTER_JSON_REQUIRED, &self->id, error) ||
      !_roster_json_read_string (object, "group", "name", ROSTER_JSON_REQUIRED,
                                 &self->name, error) ||
      !_roster_json_read_string (object, "group", "description", ROSTER_JSON_NONE,
                                 &self->description, error) ||
      !_roster_json_read_bool (object, "group", "externalSynced", &self->external_synced, error) ||
      !_roster_json_read_object (object, "group", "managementAccess", &access, error) ||
      !_roster_json_read_bool (access, "group", "modifiable", &self->modifiable, error) ||
      !_roster_json_read_object (object, "group", "counts", &counts, error) ||
      !_roster_json_read_int (counts, "group", "users", &self->n_users, error))
    return NULL;

  /* expand=groups on the user search gives ARIs; paths want the bare id. */
  if (g_str_has_prefix (self->id, GROUP_ARI_PREFIX))
    {
      char *bare = g_strdup (self->id + strlen (GROUP_ARI_PREFIX));

      g_free (self->id);
      self->id = bare;
      if (*self->id == '\0')
        {
          g_set_error (error, ROSTER_ERROR, ROSTER_ERROR_INVALID_RESPONSE,
                       "The “id” of a group is empty");
          return NULL;
        }
    }
  if (self->external_synced)
    self->modifiable = FALSE;

  return g_steal_pointer (&self);
}

const char *
roster_group_get_id (RosterGroup *self)
{
  g_return_val_if_fail (ROSTER_IS_GROUP (self), NULL);
  return self->id;
}

const char *
roster_group_get_name (RosterGroup *self)
{
  g_return_val_if_fail (ROSTER_IS_GROUP (self), NULL);
  return self->name;
}

const char *
roster_group_get_description (RosterGroup *self)
{
  g_return_val_if_fail (ROSTER_IS_GROUP (self), NULL);
  return self->description;
}

gboolean
roster_group_get_external_synced (RosterGroup *self)
{
  g_return_val_if_fail (ROSTER_IS_GROUP (self), FALSE);
  return self->external_synced;
}

gboolean
roster_group_get_modifiable (RosterGroup *self)
{
  g_return_val_if_fail (ROSTER_IS_GROUP (self), FALSE);
  return self->modifiable;
}

gint64
roster_group_get_n_users (RosterGroup *self)
{
  g_return_val_if_fail (ROSTER_IS_GROUP (self), -1);
  return self->n_users;
}
