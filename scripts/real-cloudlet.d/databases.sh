# Sourced by scripts/real-cloudlet: the SQLite databases of a cloudlet.
# Building the schemas takes the longest part of a first start, so schema-only databases are
# built once per set of package versions in <scratch>/cloudlet-template/<hash> and copied into
# each new cloudlet (gotcha 13). Every database is put in WAL mode, which is stored in the file,
# so readers never block the writer (gotcha 4). Per cloudlet only keystone-manage bootstrap and
# two nova-manage cell_v2 calls remain; fernet and credential keys are written directly.

DB_FILES="keystone placement nova_api nova_cell0 nova_cell1 glance neutron"

template_hash() {
  {
    dpkg-query -W -f='${Package} ${Version}\n' python3-keystone python3-nova python3-glance \
      python3-neutron python3-placement python3-oslo.db python3-sqlalchemy 2>/dev/null
    declare -f template_build
  } | sha256sum | cut -c1-16
}

template_build() {
  local dir=$1 tmp=$1.building.$$ t0=$SECONDS
  log "building the schema template in $dir (first cloudlet on this machine; takes a while)"
  rm -rf "$tmp"
  mkdir -p "$tmp/etc" "$tmp/log"
  local -a osrun=(env PYTHONDONTWRITEBYTECODE=1 "$PY" "$LIB/os-run.py")
  cat >"$tmp/etc/keystone.conf" <<INI
[database]
connection = sqlite:///$tmp/keystone.sqlite
INI
  cat >"$tmp/etc/placement.conf" <<INI
[placement_database]
connection = sqlite:///$tmp/placement.sqlite
INI
  cat >"$tmp/etc/nova.conf" <<INI
[api_database]
connection = sqlite:///$tmp/nova_api.sqlite
[database]
connection = sqlite:///$tmp/nova_cell1.sqlite
INI
  cat >"$tmp/etc/glance-api.conf" <<INI
[database]
connection = sqlite:///$tmp/glance.sqlite
INI
  cat >"$tmp/etc/neutron.conf" <<INI
[DEFAULT]
core_plugin = ml2
service_plugins = router
[database]
connection = sqlite:///$tmp/neutron.sqlite
INI
  local pids=() names=()
  ( cd "$tmp" && /usr/bin/keystone-manage --config-file "$tmp/etc/keystone.conf" db_sync ) \
    >"$tmp/log/keystone.log" 2>&1 &
  pids+=($!); names+=(keystone)
  ( cd "$tmp" && /usr/bin/placement-manage --config-file "$tmp/etc/placement.conf" db sync ) \
    >"$tmp/log/placement.log" 2>&1 &
  pids+=($!); names+=(placement)
  ( cd "$tmp" && "${osrun[@]}" nova.cmd.manage:main nova-manage --config-file "$tmp/etc/nova.conf" api_db sync &&
      "${osrun[@]}" nova.cmd.manage:main nova-manage --config-file "$tmp/etc/nova.conf" db sync ) \
    >"$tmp/log/nova.log" 2>&1 &
  pids+=($!); names+=(nova)
  wait_all "$tmp/log" pids names
  pids=(); names=()
  ( cd "$tmp" && "${osrun[@]}" glance.cmd.manage:main glance-manage --config-file "$tmp/etc/glance-api.conf" db_sync ) \
    >"$tmp/log/glance.log" 2>&1 &
  pids+=($!); names+=(glance)
  # gotcha 6: neutron's migrations cannot ALTER constraints on SQLite: create_all, then stamp
  ( cd "$tmp" && $PY -c 'import sys, sqlalchemy
from neutron.db.migration.models import head
engine = sqlalchemy.create_engine(sys.argv[1])
head.get_metadata().create_all(engine)' "sqlite:///$tmp/neutron.sqlite" &&
      "${osrun[@]}" neutron.db.migration.cli:main neutron-db-manage --config-file "$tmp/etc/neutron.conf" stamp heads ) \
    >"$tmp/log/neutron.log" 2>&1 &
  pids+=($!); names+=(neutron)
  wait_all "$tmp/log" pids names
  cp "$tmp/nova_cell1.sqlite" "$tmp/nova_cell0.sqlite"
  local f
  for f in $DB_FILES; do
    [ -s "$tmp/$f.sqlite" ] || die "template: $f.sqlite was not built; see $tmp/log"
    $PY -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.execute("PRAGMA journal_mode=WAL"); c.execute("PRAGMA wal_checkpoint(TRUNCATE)"); c.close()' "$tmp/$f.sqlite"
    rm -f "$tmp/$f.sqlite-wal" "$tmp/$f.sqlite-shm"
  done
  rm -rf "$dir"
  mv "$tmp" "$dir"
  log "schema template built in $((SECONDS - t0)) s"
}

# wait_all LOGDIR PIDS_ARRAY NAMES_ARRAY: waits for background jobs, dies on the first failure.
wait_all() {
  local logdir=$1
  local -n _pids=$2 _names=$3
  local i failed=""
  for i in "${!_pids[@]}"; do
    if ! wait "${_pids[$i]}"; then failed="$failed ${_names[$i]}"; fi
  done
  [ -z "$failed" ] || die "failed:$failed; see the logs in $logdir"
}

template_ensure() {
  local root=$SCRATCH/cloudlet-template hash
  hash=$(template_hash)
  TEMPLATE_DIR=$root/$hash
  mkdir -p "$root"
  exec 9>"$root/.lock"
  flock 9
  if [ ! -s "$TEMPLATE_DIR/neutron.sqlite" ]; then template_build "$TEMPLATE_DIR"; fi
  flock -u 9
  exec 9>&-
}

write_keys() {
  local d
  for d in fernet-keys credential-keys; do
    rm -rf "${CL_ETC:?}/keystone/$d"
    mkdir -p "$CL_ETC/keystone/$d"
    chmod 700 "$CL_ETC/keystone/$d"
    # as `keystone-manage fernet_setup` would: key 0 (staged) and key 1 (primary)
    $PY -c 'import sys
from cryptography.fernet import Fernet
for name in ("0", "1"):
    with open(sys.argv[1] + "/" + name, "wb") as f:
        f.write(Fernet.generate_key())' "$CL_ETC/keystone/$d"
    chmod 600 "$CL_ETC/keystone/$d"/*
  done
}

# databases_fresh: copies the template and bootstraps keystone and the nova cells.
databases_fresh() {
  local t0=$SECONDS f
  template_ensure
  for f in $DB_FILES; do
    cp "$TEMPLATE_DIR/$f.sqlite" "$CL_DATA/$f.sqlite"
  done
  write_keys
  local -a osrun=(env PYTHONDONTWRITEBYTECODE=1 "$PY" "$CL_BIN/os-run")
  local pids=() names=()
  ( cd "$CL_DATA" && /usr/bin/keystone-manage --config-file "$CL_ETC/keystone/keystone.conf" bootstrap \
      --bootstrap-password "$ADMIN_PASSWORD" \
      --bootstrap-username admin --bootstrap-project-name admin --bootstrap-role-name admin \
      --bootstrap-service-name keystone --bootstrap-region-id RegionOne \
      --bootstrap-admin-url "$CL_AUTH_URL" --bootstrap-public-url "$CL_AUTH_URL" \
      --bootstrap-internal-url "$CL_AUTH_URL" ) >"$CL_LOG/keystone-bootstrap.log" 2>&1 &
  pids+=($!); names+=(keystone-bootstrap)
  # gotcha 10: explicit cell database URLs
  ( cd "$CL_DATA" &&
      "${osrun[@]}" nova.cmd.manage:main nova-manage --config-file "$CL_ETC/nova/nova.conf" --config-file "$CL_ETC/nova/nova-db.conf" cell_v2 map_cell0 \
        --database_connection "sqlite:///$CL_DATA/nova_cell0.sqlite" &&
      "${osrun[@]}" nova.cmd.manage:main nova-manage --config-file "$CL_ETC/nova/nova.conf" --config-file "$CL_ETC/nova/nova-db.conf" cell_v2 create_cell \
        --name cell1 --database_connection "sqlite:///$CL_DATA/nova_cell1.sqlite" \
        --transport-url "$CL_TRANSPORT_URL" ) >"$CL_LOG/nova-cells.log" 2>&1 &
  pids+=($!); names+=(nova-cells)
  wait_all "$CL_LOG" pids names
  log "databases ready in $((SECONDS - t0)) s"
}
