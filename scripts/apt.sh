#!/usr/bin/env bash
# apt for the set-up scripts (sourced by scripts/setup.sh): every apt-get call waits for a
# package lock another program holds (an unattended upgrade, a package manager window)
# instead of failing at once, and says what it waits for. Defines functions only.
#   APT_LOCK_TIMEOUT  seconds to wait for the lock (default 600)
#   APT_LOCK_FILES    the lock files apt and dpkg take (default: Debian's)

APT_LOCK_TIMEOUT="${APT_LOCK_TIMEOUT:-600}"
APT_LOCK_FILES="${APT_LOCK_FILES:-/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock /var/cache/apt/archives/lock}"

# The program holding one of the lock files open, as "name (process N)"; nothing when free.
# (apt and dpkg hold a lock file open exactly while they hold its lock.)
apt_lock_holder() {
  local lock names=() fd pid
  for lock in $APT_LOCK_FILES; do names+=(-o -lname "$lock"); done
  fd="$(as_root find /proc/[0-9]*/fd -mindepth 1 -maxdepth 1 \( "${names[@]:1}" \) \
          -print -quit 2>/dev/null || true)"
  [ -n "$fd" ] || return 0
  pid="${fd#/proc/}"
  pid="${pid%%/*}"
  echo "$(as_root cat "/proc/$pid/comm" 2>/dev/null || echo "a program") (process $pid)"
}

# apt-get as root, non-interactive, after waiting (with a message) for a held lock; apt's
# own DPkg::Lock::Timeout covers a lock taken in between.
apt_get() {
  local holder waited=0
  holder="$(apt_lock_holder)"
  if [ -n "$holder" ]; then
    log "Waiting for the package lock: $holder is installing or updating packages" \
        "(up to ${APT_LOCK_TIMEOUT}s; APT_LOCK_TIMEOUT changes it)"
    while [ -n "$holder" ] && [ "$waited" -lt "$APT_LOCK_TIMEOUT" ]; do
      sleep 2
      waited=$((waited + 2))
      holder="$(apt_lock_holder)"
    done
    [ -z "$holder" ] && log "The package lock is free: going on"
  fi
  as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get -o DPkg::Lock::Timeout="$APT_LOCK_TIMEOUT" "$@"
}
