# Sourced by scripts/real-cloudlet: writes cloudlet N's configuration files under <dir>/etc.
# All services listen on 127.0.0.1 only (base port 20000 + 10·N), use SQLite files under
# <dir>/data and RabbitMQ vhost clN. The settings that each fix a gotcha of the notes carry its
# number in a comment.

# secrets_load_or_create: admin and service passwords, kept across --reuse restarts.
secrets_load_or_create() {
  local f=$CL_ETC/secrets.env
  if [ ! -f "$f" ]; then
    mkdir -p "$CL_ETC"
    umask 077
    {
      echo "ADMIN_PASSWORD=admin-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
      echo "SERVICE_PASSWORD=service-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    } >"$f"
    umask 022
  fi
  # shellcheck disable=SC1090
  . "$f"
  ADMIN_PASSWORD=${P2PSTACK_REAL_ADMIN_PASSWORD:-$ADMIN_PASSWORD}
}

# auth_section USER: keystoneauth password settings for a service user; authtoken_section USER:
# the same as keystonemiddleware's [keystone_authtoken].
auth_section() {
  cat <<INI
auth_url = $CL_AUTH_URL
auth_type = password
user_domain_name = Default
project_domain_name = Default
project_name = service
username = $1
password = $SERVICE_PASSWORD
region_name = RegionOne
INI
}

authtoken_section() {
  cat <<INI
[keystone_authtoken]
www_authenticate_uri = $CL_AUTH_URL
service_token_roles_required = true
$(auth_section "$1")
INI
}

write_configs() {
  local d
  for d in keystone keystone/fernet-keys keystone/credential-keys nova placement glance neutron neutron/plugins/ml2; do
    mkdir -p "$CL_ETC/$d"
  done
  mkdir -p "$CL_DATA"/{nova/instances,nova/locks,glance/images,glance/staging,glance/tasks,glance/locks,neutron/locks} "$CL_LOG" "$CL_RUN" "$CL_BIN" "$CL_PYLIB"
  cp "$LIB/os-run.py" "$CL_BIN/os-run"
  chmod 755 "$CL_BIN/os-run"
  rm -rf "${CL_PYLIB:?}"/*
  cp -r "$LIB/pylib/." "$CL_PYLIB/"
  cp "$LIB/paste/nova-api-paste.ini" "$CL_ETC/nova/api-paste.ini"
  cp "$LIB/paste/neutron-api-paste.ini" "$CL_ETC/neutron/api-paste.ini"
  cp "$LIB/paste/glance-api-paste.ini" "$CL_ETC/glance/glance-api-paste.ini"

  cat >"$CL_ETC/keystone/keystone.conf" <<INI
[DEFAULT]
debug = false
use_stderr = true

[database]
connection = sqlite:///$CL_DATA/keystone.sqlite

[token]
provider = fernet

[fernet_tokens]
key_repository = $CL_ETC/keystone/fernet-keys

[fernet_receipts]
key_repository = $CL_ETC/keystone/fernet-keys

[credential]
key_repository = $CL_ETC/keystone/credential-keys

# gotcha 5: without a cache every request costs about a second on this CPU
[cache]
enabled = true
backend = dogpile.cache.memory

# gotcha 5: cheap password hashing (test-only)
[identity]
password_hash_rounds = 4

# federation: OIDC through the mapped plugin ("openid" protocol), claims as HTTP_OIDC_* (notes, last section)
[auth]
methods = password,token,openid,mapped,application_credential

[federation]
remote_id_attribute = HTTP_OIDC_ISS

[openid]
remote_id_attribute = HTTP_OIDC_ISS
INI

  cat >"$CL_ETC/placement/placement.conf" <<INI
[DEFAULT]
debug = false
use_stderr = true

[placement_database]
connection = sqlite:///$CL_DATA/placement.sqlite

[api]
auth_strategy = keystone

$(authtoken_section placement)
INI

  cat >"$CL_ETC/nova/nova.conf" <<INI
[DEFAULT]
debug = false
host = $CL_NAME
my_ip = 127.0.0.1
state_path = $CL_DATA/nova
instances_path = $CL_DATA/nova/instances
transport_url = $CL_TRANSPORT_URL
compute_driver = ${CLOUDLET_COMPUTE_DRIVER:-fake.MediumFakeDriver}
enabled_apis = osapi_compute
osapi_compute_listen = 127.0.0.1
osapi_compute_listen_port = $PORT_NOVA
osapi_compute_workers = 1
metadata_workers = 1
# gotcha 9: no random 0-60 s delay before the periodic tasks (resource reporting) start
periodic_fuzzy_delay = 0
# gotcha 12
graceful_shutdown_timeout = 5
# the fake virt driver plugs nothing, so no vif-plugged event will come
vif_plugging_is_fatal = false
vif_plugging_timeout = 0
cpu_allocation_ratio = ${CLOUDLET_CPU_ALLOCATION_RATIO:-16.0}
ram_allocation_ratio = ${CLOUDLET_RAM_ALLOCATION_RATIO:-1.5}
disk_allocation_ratio = ${CLOUDLET_DISK_ALLOCATION_RATIO:-1.0}

[api]
auth_strategy = keystone

[wsgi]
api_paste_config = $CL_ETC/nova/api-paste.ini

[oslo_concurrency]
lock_path = $CL_DATA/nova/locks

[oslo_messaging_notifications]
driver = noop

# gotcha 9: map new compute hosts within seconds, no nova-manage discover_hosts step.
# One process each: a worker forked after the parent opened a SQLite file in WAL mode gets
# "disk I/O error" (the default is one worker per CPU).
[scheduler]
discover_hosts_in_cells_interval = 5
workers = 1

[conductor]
workers = 1

$(authtoken_section nova)

[placement]
$(auth_section placement)
valid_interfaces = public

[neutron]
$(auth_section neutron)
valid_interfaces = public

[glance]
valid_interfaces = public

[cinder]
os_region_name = RegionOne

[vnc]
enabled = false

[service_user]
send_service_user_token = false
INI

  # The databases in a file of their own, given to every nova service but nova-compute, which
  # must not touch them (with [api_database] set it logs "No DB access allowed" at start).
  cat >"$CL_ETC/nova/nova-db.conf" <<INI
[api_database]
connection = sqlite:///$CL_DATA/nova_api.sqlite

[database]
connection = sqlite:///$CL_DATA/nova_cell1.sqlite
INI

  cat >"$CL_ETC/glance/glance-api.conf" <<INI
[DEFAULT]
debug = false
bind_host = 127.0.0.1
bind_port = $PORT_GLANCE
# one process (no forked workers)
workers = 0
enabled_backends = fs:file
node_staging_uri = file://$CL_DATA/glance/staging
image_cache_dir = $CL_DATA/glance/cache
graceful_shutdown_timeout = 5

[database]
connection = sqlite:///$CL_DATA/glance.sqlite

[glance_store]
default_backend = fs

[fs]
filesystem_store_datadir = $CL_DATA/glance/images/

[os_glance_staging_store]
filesystem_store_datadir = $CL_DATA/glance/staging/

[os_glance_tasks_store]
filesystem_store_datadir = $CL_DATA/glance/tasks/

# web-download from the services node's image store (any loopback port; Glance allows only
# ports 80 and 443 by default). An operator lists the store's host and port here instead.
[import_filtering_opts]
allowed_schemes = ['http', 'https']
allowed_ports = []

[oslo_concurrency]
lock_path = $CL_DATA/glance/locks

[paste_deploy]
flavor = keystone
config_file = $CL_ETC/glance/glance-api-paste.ini

$(authtoken_section glance)
INI

  cat >"$CL_ETC/neutron/neutron.conf" <<INI
[DEFAULT]
debug = false
host = $CL_NAME
state_path = $CL_DATA/neutron
bind_host = 127.0.0.1
bind_port = $PORT_NEUTRON
core_plugin = ml2
service_plugins = router
auth_strategy = keystone
transport_url = $CL_TRANSPORT_URL
api_paste_config = $CL_ETC/neutron/api-paste.ini
# one process (notes, "Later finding"); os-run keeps the RPC worker in it too
api_workers = 0
rpc_workers = 0
rpc_state_report_workers = 0
# gotcha 7: no DHCP agent runs
dhcp_agent_notification = false
notify_nova_on_port_status_changes = true
notify_nova_on_port_data_changes = true
# gotcha 12
graceful_shutdown_timeout = 5

[database]
connection = sqlite:///$CL_DATA/neutron.sqlite

[oslo_concurrency]
lock_path = $CL_DATA/neutron/locks

[oslo_messaging_notifications]
driver = noop

$(authtoken_section neutron)

[nova]
$(auth_section nova)
endpoint_type = public
INI

  cat >"$CL_ETC/neutron/plugins/ml2/ml2_conf.ini" <<INI
# gotcha 7: the cloudlet_fake mechanism driver (in <dir>/pylib) binds every port; no L2 agent
[ml2]
type_drivers = flat,vlan,vxlan
tenant_network_types = vxlan
mechanism_drivers = cloudlet_fake
extension_drivers = port_security

[ml2_type_flat]
flat_networks = *

[ml2_type_vxlan]
vni_ranges = 1:1000

[securitygroup]
enable_security_group = true
INI

  write_client_files
}

# write_client_files: clouds.yaml and an openrc for the admin user, for the openstack CLI.
write_client_files() {
  cat >"$CL_DIR/clouds.yaml" <<YAML
clouds:
  $CL_NAME:
    auth:
      auth_url: $CL_AUTH_URL
      username: admin
      password: $ADMIN_PASSWORD
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    identity_api_version: 3
    interface: public
YAML
  cat >"$CL_DIR/openrc" <<RC
export OS_AUTH_URL=$CL_AUTH_URL
export OS_IDENTITY_API_VERSION=3
export OS_USERNAME=admin
export OS_PASSWORD=$ADMIN_PASSWORD
export OS_PROJECT_NAME=admin
export OS_USER_DOMAIN_NAME=Default
export OS_PROJECT_DOMAIN_NAME=Default
export OS_REGION_NAME=RegionOne
export OS_INTERFACE=public
RC
  chmod 600 "$CL_DIR/clouds.yaml" "$CL_DIR/openrc"
}
