# Sourced by scripts/real-cloudlet: the RabbitMQ broker shared by all cloudlets (one vhost each).
# No systemd here, so the broker runs in the foreground under our own setsid, as the rabbitmq
# user, with its own mnesia/log dirs and loopback-only listeners. epmd is started by us, bound
# to 127.0.0.1, unless one is already listening (notes, gotcha 11). The broker (and our epmd)
# stop when the last cloudlet stops (gotcha 12).

RABBIT_DIR=$SCRATCH/cloudlet-rabbit
RABBIT_RUN=$RABBIT_DIR/run

# AS_RABBIT: command prefix that runs as the rabbitmq user when we are root (the erlang cookie
# and mnesia files belong to it); setpriv execs, so the recorded PID is the process itself.
if [ "$(id -u)" = 0 ]; then
  AS_RABBIT=(setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups)
else
  AS_RABBIT=()
fi

RABBIT_ENV=(
  "HOME=$RABBIT_DIR/home"
  ERL_EPMD_ADDRESS=127.0.0.1
  "RABBITMQ_NODENAME=$RABBIT_NODE"
  "RABBITMQ_CONFIG_FILE=$RABBIT_DIR/etc/rabbitmq.conf"
  "RABBITMQ_ADVANCED_CONFIG_FILE=$RABBIT_DIR/etc/advanced.config"
  "RABBITMQ_ENABLED_PLUGINS_FILE=$RABBIT_DIR/etc/enabled_plugins"
  "RABBITMQ_CONF_ENV_FILE=$RABBIT_DIR/etc/rabbitmq-env.conf"
  "RABBITMQ_MNESIA_BASE=$RABBIT_DIR/mnesia"
  "RABBITMQ_LOG_BASE=$RABBIT_DIR/log"
  "RABBITMQ_PID_FILE=$RABBIT_DIR/mnesia/rabbit.pid"
)

rabbitctl() {
  "${AS_RABBIT[@]}" env "${RABBIT_ENV[@]}" /usr/lib/rabbitmq/bin/rabbitmqctl -q -n "$RABBIT_NODE" "$@"
}

rabbit_running() {
  [ -f "$RABBIT_RUN/rabbitmq.pid" ] && pid_alive "$(cat "$RABBIT_RUN/rabbitmq.pid")"
}

port_listening() {
  [ "$(ss -H -ltn "sport = :$1" 2>/dev/null | wc -l)" -gt 0 ]
}

rabbit_start() {
  if rabbit_running; then return 0; fi
  local t0=$SECONDS t
  mkdir -p "$RABBIT_DIR"/{etc,home,mnesia,log} "$RABBIT_RUN"
  cat >"$RABBIT_DIR/etc/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$RABBIT_PORT
distribution.listener.interface = 127.0.0.1
distribution.listener.port_range.min = $RABBIT_DIST_PORT
distribution.listener.port_range.max = $RABBIT_DIST_PORT
loopback_users.guest = true
log.console = true
log.console.level = warning
log.file = false
CONF
  echo '[].' >"$RABBIT_DIR/etc/advanced.config"
  echo '[].' >"$RABBIT_DIR/etc/enabled_plugins"
  : >"$RABBIT_DIR/etc/rabbitmq-env.conf"
  if port_listening "$RABBIT_PORT"; then
    die "port $RABBIT_PORT is in use, but no broker of ours is recorded in $RABBIT_RUN"
  fi
  if [ "$(id -u)" = 0 ]; then chown -R rabbitmq:rabbitmq "$RABBIT_DIR"; fi
  if ! port_listening 4369; then
    start_service "$RABBIT_RUN" epmd "$RABBIT_DIR/log/epmd.log" \
      "${AS_RABBIT[@]}" /usr/bin/epmd -address 127.0.0.1 -port 4369
    t=0
    until port_listening 4369; do
      [ "$t" -lt 40 ] || die "epmd did not start; see $RABBIT_DIR/log/epmd.log"
      sleep 0.5; t=$((t + 1))
    done
  fi
  log "starting RabbitMQ ($RABBIT_NODE on 127.0.0.1:$RABBIT_PORT)"
  start_service "$RABBIT_RUN" rabbitmq "$RABBIT_DIR/log/rabbitmq-server.log" \
    "${AS_RABBIT[@]}" env "${RABBIT_ENV[@]}" /usr/lib/rabbitmq/bin/rabbitmq-server
  t=0
  until rabbitctl await_startup --timeout 5 >/dev/null 2>&1; do
    rabbit_running || die "RabbitMQ exited while starting; see $RABBIT_DIR/log"
    [ "$t" -lt 120 ] || die "RabbitMQ did not start within 120 s; see $RABBIT_DIR/log"
    sleep 1; t=$((t + 1))
  done
  log "RabbitMQ up in $((SECONDS - t0)) s"
}

# rabbit_fresh_vhost VHOST: an empty vhost for one cloudlet, guest allowed everywhere in it.
rabbit_fresh_vhost() {
  rabbitctl delete_vhost "$1" >/dev/null 2>&1 || true
  rabbitctl add_vhost "$1" >/dev/null
  rabbitctl set_permissions -p "$1" guest '.*' '.*' '.*' >/dev/null
}

rabbit_ensure_vhost() {
  if ! rabbitctl list_vhosts 2>/dev/null | grep -qx "$1"; then rabbit_fresh_vhost "$1"; fi
}

rabbit_stop() {
  if [ -f "$RABBIT_RUN/rabbitmq.pid" ]; then
    log "stopping RabbitMQ"
    stop_pidfiles "$RABBIT_RUN/rabbitmq.pid"
  fi
  if [ -f "$RABBIT_RUN/epmd.pid" ]; then
    stop_pidfiles "$RABBIT_RUN/epmd.pid"
  fi
}
