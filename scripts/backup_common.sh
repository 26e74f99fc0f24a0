# Shared by scripts/backup and scripts/restore (sourced, not run).
# shellcheck shell=bash

DUMP="database.dump"
FILES="private-files.tar"
MANIFEST="manifest.txt"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The value of setting $1 as the app sees it: the environment first, then the project's .env,
# then the default $2. A relative path is taken from the project folder, as scripts/run does.
setting() {
  local name="$1" default="$2" value=""
  if [ -n "${!name+x}" ]; then
    value="${!name}"
  elif [ -f "$ROOT/.env" ]; then
    value="$(sed -n -E "s/^(export[[:space:]]+)?$name=(.*)$/\2/p" "$ROOT/.env" | tail -n 1)"
    value="${value%\"}"; value="${value#\"}"; value="${value%\'}"; value="${value#\'}"
  fi
  value="${value:-$default}"
  case "$name:$value" in
    PRIVATE_STORAGE_ROOT:/*|PRIVATE_STORAGE_ROOT:) ;;
    PRIVATE_STORAGE_ROOT:*) value="$ROOT/$value" ;;
  esac
  printf '%s' "$value"
}

require_postgres() {
  case "$1" in
    postgres://*|postgresql://*) ;;
    "") die "DATABASE_URL is not set: the app is on its embedded SQLite database, which these
       scripts do not back up (it is for development; stop the app and copy var/ instead).
       Set DATABASE_URL=postgres://user@host:5432/name." ;;
    sqlite:*) die "DATABASE_URL is SQLite ($1): backups are for PostgreSQL only (the embedded
       SQLite database is for development; stop the app and copy var/ instead)." ;;
    *) die "DATABASE_URL must be a PostgreSQL URL (postgres://user@host:5432/name), not: $(redacted "$1")" ;;
  esac
}

# The URL without its password, for messages and the manifest.
redacted() { printf '%s' "$1" | sed -E 's#(://[^:/@]+):[^@]*@#\1:***@#'; }
