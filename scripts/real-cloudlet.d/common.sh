# Sourced by scripts/real-cloudlet: paths, ports, logging and the process helpers every other
# part uses. Each service runs in its own session (setsid), so its PID is also its process group
# and `stop` can signal the whole group, forked workers included (notes, gotcha 12).

PY=/usr/bin/python3            # Debian's python; pyenv's python3 cannot see dist-packages (gotcha 2)
SCRATCH=${P2PSTACK_REAL_DIR:-/tmp/p2pstack-real}
RABBIT_PORT=20999
RABBIT_DIST_PORT=20998
RABBIT_NODE=cloudlet@localhost
STOP_GRACE_SECONDS=${P2PSTACK_REAL_STOP_GRACE:-15}

log() { printf '[real-cloudlet %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }

# cloudlet_vars N: sets the per-cloudlet variables used everywhere else.
cloudlet_vars() {
  local n=$1
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -le 98 ] || die "cloudlet number must be 0..98, got '$n'"
  CL_N=$n
  CL_NAME=cloudlet$n
  CL_DIR=$SCRATCH/cloudlet-$n
  CL_ETC=$CL_DIR/etc
  CL_DATA=$CL_DIR/data
  CL_LOG=$CL_DIR/log
  CL_RUN=$CL_DIR/run
  CL_BIN=$CL_DIR/bin
  CL_PYLIB=$CL_DIR/pylib
  CL_JSON=$CL_DIR/cloudlet.json
  CL_BASE=$((20000 + 10 * n))
  PORT_KEYSTONE=$CL_BASE
  PORT_NOVA=$((CL_BASE + 1))
  PORT_PLACEMENT=$((CL_BASE + 2))
  PORT_GLANCE=$((CL_BASE + 3))
  PORT_NEUTRON=$((CL_BASE + 4))
  CL_VHOST=cl$n
  CL_TRANSPORT_URL="rabbit://guest:guest@127.0.0.1:$RABBIT_PORT/$CL_VHOST"
  CL_AUTH_URL="http://127.0.0.1:$PORT_KEYSTONE/v3"
}

# pid_alive PID: true if the process exists and is not a zombie.
pid_alive() {
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [[ "$state" != Z* ]]
}

# start_service RUNDIR NAME LOGFILE CMD...: runs CMD in a new session, records its PID.
start_service() {
  local rundir=$1 name=$2 logfile=$3
  shift 3
  mkdir -p "$rundir" "$(dirname "$logfile")"
  # Without job control a background job is not a group leader, so setsid does not fork and
  # $! is the PID of the new session (= process group) leader.
  setsid "$@" </dev/null >>"$logfile" 2>&1 &
  local pid=$!
  echo "$pid" >"$rundir/$name.pid"
  local pgid
  pgid=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ') || true
  if [ -n "$pgid" ] && [ "$pgid" != "$pid" ]; then
    log "warning: $name (pid $pid) is in process group $pgid, not its own"
  fi
}

# stop_pidfiles FILE...: TERM to each recorded process group, KILL after the grace period.
stop_pidfiles() {
  local f pid pids=() waited=0
  for f in "$@"; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    if [[ "$pid" =~ ^[0-9]+$ ]] && pid_alive "$pid"; then
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  while [ ${#pids[@]} -gt 0 ] && [ "$waited" -lt $((STOP_GRACE_SECONDS * 2)) ]; do
    local left=()
    for pid in "${pids[@]}"; do
      if pid_alive "$pid" || pgrp_alive "$pid"; then left+=("$pid"); fi
    done
    pids=("${left[@]+"${left[@]}"}")
    [ ${#pids[@]} -gt 0 ] || break
    sleep 0.5
    waited=$((waited + 1))
  done
  for pid in "${pids[@]+"${pids[@]}"}"; do
    log "killing process group $pid (did not stop within ${STOP_GRACE_SECONDS}s)"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  done
  for f in "$@"; do rm -f "$f"; done
}

# pgrp_alive PGID: true if any live (non-zombie) process is still in that process group.
pgrp_alive() {
  ps -e -o pgid=,stat= 2>/dev/null | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}

# wait_http URL SECONDS NAME [PIDFILE]: waits until URL answers (any HTTP status below 500).
wait_http() {
  local url=$1 limit=$2 name=$3 pidfile=${4:-} t=0 code
  while :; do
    code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$url" 2>/dev/null) || code=000
    if [ "$code" != 000 ] && [ "$code" -lt 500 ]; then return 0; fi
    if [ -n "$pidfile" ] && ! pid_alive "$(cat "$pidfile")"; then
      die "$name exited while starting; see its log in $CL_LOG"
    fi
    [ "$t" -lt "$limit" ] || die "$name did not answer on $url within ${limit}s; see $CL_LOG"
    sleep 1
    t=$((t + 1))
  done
}

# cloudlet_running N: true if any recorded service of cloudlet N is alive.
cloudlet_running() {
  local f dir=$SCRATCH/cloudlet-$1/run
  for f in "$dir"/*.pid; do
    [ -f "$f" ] || continue
    if pid_alive "$(cat "$f")"; then return 0; fi
  done
  return 1
}

# running_cloudlets: the numbers of the cloudlets with a live service.
running_cloudlets() {
  local d n
  for d in "$SCRATCH"/cloudlet-*; do
    [ -d "$d" ] || continue
    n=${d##*/cloudlet-}
    [[ "$n" =~ ^[0-9]+$ ]] || continue
    if cloudlet_running "$n"; then echo "$n"; fi
  done
}
