# Sourced by scripts/real-cloudlet: starts the services of cloudlet N, each in its own session
# with its PID in <dir>/run/<name>.pid and its log in <dir>/log/<name>.log.
# Keystone and Placement run under uwsgi with one worker and one thread (gotcha 4) and
# "Connection: close" (gotcha 3); the eventlet services run through the os-run launcher
# (gotchas 1, 4b), neutron as a single process ("Later finding").

UWSGI=/usr/bin/uwsgi_python3

uwsgi_service() {
  local name=$1 port=$2 wsgi_file=$3 envvar=$4
  start_service "$CL_RUN" "$name" "$CL_LOG/$name.log" \
    "$UWSGI" --master --processes 1 --threads 1 --die-on-term --need-app \
    --http-socket "127.0.0.1:$port" --wsgi-file "$wsgi_file" \
    --env "$envvar" --chdir "$CL_DATA" --buffer-size 65535 \
    --add-header "Connection: close" --procname-prefix "$CL_NAME-" --disable-logging
}

eventlet_service() {
  local name=$1 entry=$2
  shift 2
  start_service "$CL_RUN" "$name" "$CL_LOG/$name.log" \
    env PYTHONDONTWRITEBYTECODE=1 "$PY" "$CL_BIN/os-run" "$entry" "$name" "$@"
}

start_keystone() {
  uwsgi_service keystone "$PORT_KEYSTONE" /usr/bin/keystone-wsgi-public \
    "OS_KEYSTONE_CONFIG_FILES=$CL_ETC/keystone/keystone.conf"
}

start_placement() {
  uwsgi_service placement "$PORT_PLACEMENT" /usr/bin/placement-api \
    "OS_PLACEMENT_CONFIG_DIR=$CL_ETC/placement"
}

start_glance() {
  eventlet_service glance-api glance.cmd.api:main --config-file "$CL_ETC/glance/glance-api.conf"
}

start_neutron() {
  start_service "$CL_RUN" neutron-server "$CL_LOG/neutron-server.log" \
    env PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$CL_PYLIB" OS_RUN_NEUTRON_ONE_PROCESS=1 \
    "$PY" "$CL_BIN/os-run" neutron.cmd.eventlet.server:main neutron-server \
    --config-file "$CL_ETC/neutron/neutron.conf" \
    --config-file "$CL_ETC/neutron/plugins/ml2/ml2_conf.ini"
}

start_nova() {
  local what=$1
  local NOVA_DB_CONF=(--config-file "$CL_ETC/nova/nova.conf" --config-file "$CL_ETC/nova/nova-db.conf")
  case "$what" in
    api) eventlet_service nova-api nova.cmd.api:main "${NOVA_DB_CONF[@]}" ;;
    conductor) eventlet_service nova-conductor nova.cmd.conductor:main "${NOVA_DB_CONF[@]}" ;;
    scheduler) eventlet_service nova-scheduler nova.cmd.scheduler:main "${NOVA_DB_CONF[@]}" ;;
    compute) eventlet_service nova-compute nova.cmd.compute:main --config-file "$CL_ETC/nova/nova.conf" ;;
  esac
}

# cloudlet_env: the variables cloudlet-api.py reads.
cloudlet_env() {
  export CL_N CL_NAME CL_DIR CL_ETC CL_DATA CL_LOG CL_RUN CL_JSON CL_VHOST CL_TRANSPORT_URL
  export PORT_KEYSTONE PORT_NOVA PORT_PLACEMENT PORT_GLANCE PORT_NEUTRON RABBIT_PORT
  export ADMIN_PASSWORD SERVICE_PASSWORD
}

cloudlet_api() {
  ( cloudlet_env; PYTHONDONTWRITEBYTECODE=1 "$PY" "$LIB/cloudlet-api.py" "$@" )
}

HTTP_WAIT=${P2PSTACK_REAL_HTTP_WAIT:-240}
SCHEDULABLE_WAIT=${P2PSTACK_REAL_SCHEDULABLE_WAIT:-420}

# services_start FRESH(0|1)
services_start() {
  local fresh=$1 t
  t=$SECONDS
  start_keystone
  wait_http "http://127.0.0.1:$PORT_KEYSTONE/v3" "$HTTP_WAIT" keystone "$CL_RUN/keystone.pid"
  if [ "$fresh" = 1 ]; then
    cloudlet_api catalog >>"$CL_LOG/cloudlet-api.log" 2>&1 || die "catalog registration failed; see $CL_LOG/cloudlet-api.log"
    log "keystone up and catalog registered in $((SECONDS - t)) s"
  else
    log "keystone up in $((SECONDS - t)) s"
  fi
  t=$SECONDS
  start_placement
  start_nova conductor
  start_nova scheduler
  start_nova api
  start_glance
  start_neutron
  wait_http "http://127.0.0.1:$PORT_PLACEMENT/" "$HTTP_WAIT" placement "$CL_RUN/placement.pid"
  # nova-compute reports its resource provider at start; placement must answer by then
  start_nova compute
  wait_http "http://127.0.0.1:$PORT_NOVA/" "$HTTP_WAIT" nova-api "$CL_RUN/nova-api.pid"
  wait_http "http://127.0.0.1:$PORT_GLANCE/" "$HTTP_WAIT" glance-api "$CL_RUN/glance-api.pid"
  wait_http "http://127.0.0.1:$PORT_NEUTRON/" "$HTTP_WAIT" neutron-server "$CL_RUN/neutron-server.pid"
  local name
  for name in nova-conductor nova-scheduler nova-compute; do
    pid_alive "$(cat "$CL_RUN/$name.pid")" || die "$name exited; see $CL_LOG/$name.log"
  done
  log "APIs answering after $((SECONDS - t)) s; waiting until schedulable"
  cloudlet_api wait-schedulable "$SCHEDULABLE_WAIT" >>"$CL_LOG/cloudlet-api.log" 2>&1 ||
    die "cloudlet $CL_N is not schedulable; see $CL_LOG/cloudlet-api.log and the service logs"
  log "schedulable after $((SECONDS - t)) s"
  if [ "$fresh" = 1 ]; then
    t=$SECONDS
    cloudlet_api seed >>"$CL_LOG/cloudlet-api.log" 2>&1 || die "seeding failed; see $CL_LOG/cloudlet-api.log"
    log "seeded (flavors m1.tiny/m1.small, image cirros-fake, network private) in $((SECONDS - t)) s"
  fi
}
