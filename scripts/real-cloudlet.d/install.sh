# Sourced by scripts/real-cloudlet: `install` — Debian's OpenStack libraries, RabbitMQ and uwsgi.
# Only python3-* library packages (no daemon packages, no dbconfig, no Apache): the launcher
# (os-run) calls the entry points itself (notes, gotcha 1). A temporary policy-rc.d keeps apt
# from starting a system-wide RabbitMQ (gotcha 11).

RC_PACKAGES="python3-keystone python3-nova python3-glance python3-neutron python3-placement
python3-openstackclient rabbitmq-server uwsgi-core uwsgi-plugin-python3"

missing_packages() {
  local p missing=""
  for p in $RC_PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
      missing="$missing $p"
    fi
  done
  echo "$missing"
}

cmd_install() {
  local missing sudo="" own_policy=0
  missing=$(missing_packages)
  if [ -z "${missing// /}" ]; then
    log "install: all packages already installed"
    return 0
  fi
  [ "$(id -u)" = 0 ] || sudo="sudo"
  log "install: missing:$missing"
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# temporary, written by p2pstack scripts/real-cloudlet\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
  fi
  local rc=0
  # shellcheck disable=SC2086
  if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing; then
    log "install: apt-get install failed; running apt-get update and retrying"
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $sudo apt-get update -q &&
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing || rc=$?
  fi
  if [ "$own_policy" = 1 ]; then $sudo rm -f /usr/sbin/policy-rc.d; fi
  [ "$rc" = 0 ] || die "install: apt-get failed ($rc)"
  missing=$(missing_packages)
  [ -z "${missing// /}" ] || die "install: still missing:$missing"
  log "install: done"
}
