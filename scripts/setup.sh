#!/usr/bin/env bash
# Installs everything CPC Oversight needs on a Debian or Ubuntu machine, once:
#   the system libraries WeasyPrint renders PDFs with, Python's venv module, fonts,
#   (for the tests) Debian's Chromium, poppler-utils, postgresql-client, age, openssh-client
#   and an unpacked nginx, then the virtualenv in .venv.
# Sourced by scripts/run and scripts/test with SETUP_MODE=run or SETUP_MODE=test.
# Each step is skipped when already done, so a second run starts in seconds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SETUP_MODE="${SETUP_MODE:-run}"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# apt_get: waits for a package lock another program holds, saying so (scripts/apt.sh).
source "$ROOT/scripts/apt.sh"

python_ok() {
  command -v python3 >/dev/null 2>&1 &&
    python3 -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null
}

missing_packages() {
  local wanted=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core
                fonts-liberation shared-mime-info curl)
  # postgresql-client: pg_dump and pg_restore for scripts/backup, scripts/restore and their test;
  # age (encryption) and openssh-client (ssh-keygen -Y: the manifest's signature) for the same.
  # gettext: makemessages and compilemessages (scripts/makemessages and the tests that check
  # the committed catalogues, tests/i18n).
  if [ "$SETUP_MODE" = test ]; then wanted+=(chromium poppler-utils postgresql-client age openssh-client
                                         gettext); fi
  # npm for axe-core (the browser tests' accessibility checks), when Node.js is not there.
  if [ "$SETUP_MODE" = test ] && ! command -v npm >/dev/null 2>&1; then wanted+=(npm); fi
  python_ok || wanted+=(python3 python3-venv python3-pip)
  local p
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

install_system_packages() {
  command -v apt-get >/dev/null 2>&1 || { log "Not a Debian/Ubuntu machine: skipping apt"; return; }
  local missing
  missing=$(missing_packages | tr '\n' ' ')
  if [ -n "${missing// /}" ]; then
    log "Installing system packages: $missing"
    apt_get update -qq
    # shellcheck disable=SC2086
    apt_get install -y -qq --no-install-recommends $missing >/dev/null
  fi
}

install_python_packages() {
  local extras="" stamp_file="$VENV/.cpc-installed"
  [ "$SETUP_MODE" = test ] && extras="[dev]"
  local want
  want="$(sha256sum "$ROOT/pyproject.toml" | cut -c1-16)$extras"
  if [ ! -x "$PY" ]; then
    log "Creating the virtualenv in .venv"
    python3 -m venv "$VENV"
  fi
  # A test install also covers the run install.
  if [ -f "$stamp_file" ] && { [ "$(cat "$stamp_file")" = "$want" ] ||
       { [ -z "$extras" ] && [ "$(cat "$stamp_file")" = "${want}[dev]" ]; }; }; then
    return
  fi
  log "Installing Python packages${extras:+ (with test tools)}"
  local pip_log="$VENV/pip-install.log"
  if ! { "$PY" -m pip install --quiet --upgrade pip &&
         "$PY" -m pip install --quiet -e "$ROOT$extras"; } >"$pip_log" 2>&1; then
    cat "$pip_log" >&2
    log "pip install failed (log above, kept in $pip_log)"
    return 1
  fi
  echo "$want" > "$stamp_file"
}

# axe-core and oidc-provider, pinned in package.json and package-lock.json, into node_modules (git-ignored).
install_test_node_packages() {
  [ "$SETUP_MODE" = test ] || return 0
  local want stamp_file="$ROOT/node_modules/.cpc-installed"
  want="$(cat "$ROOT/package.json" "$ROOT/package-lock.json" | sha256sum | cut -c1-16)"
  if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$want" ]; then return; fi
  log "Installing the test tools from npm (axe-core, oidc-provider)"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$want" > "$stamp_file"
}

# Debian's nginx binary, unpacked into .venv/nginx (no service is installed or started):
# tests/test_proxy_routing.py runs the Compose proxy's deploy/nginx.conf with it.
install_test_nginx() {
  [ "$SETUP_MODE" = test ] || return 0
  [ -x "$VENV/nginx/usr/sbin/nginx" ] && return 0
  command -v apt-get >/dev/null 2>&1 || { log "Not a Debian/Ubuntu machine: put nginx on PATH"; return 0; }
  log "Unpacking Debian's nginx into .venv/nginx (for the proxy's test)"
  local tmp
  tmp="$(mktemp -d)"
  # apt-get download takes no lock (it writes to the current folder, as this user).
  if ! (cd "$tmp" && apt-get -o DPkg::Lock::Timeout="$APT_LOCK_TIMEOUT" download -qq nginx \
          >/dev/null 2>&1); then
    apt_get update -qq || true
    (cd "$tmp" && apt-get -o DPkg::Lock::Timeout="$APT_LOCK_TIMEOUT" download -qq nginx \
       >/dev/null 2>&1) || true
  fi
  if ! dpkg-deb -x "$tmp"/nginx_*.deb "$VENV/nginx.partial" 2>/dev/null; then
    log "Could not fetch Debian's nginx: tests/test_proxy_routing.py will fail until it is here"
  else
    mv "$VENV/nginx.partial" "$VENV/nginx"
  fi
  rm -rf "$tmp" "$VENV/nginx.partial"
}

install_system_packages
install_python_packages
install_test_node_packages
install_test_nginx
export PATH="$VENV/bin:$PATH"
