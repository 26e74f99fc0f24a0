# Shared by scripts/backup and scripts/restore (sourced, not run).
# shellcheck shell=bash

# The parts of a backup folder. Both parts are encrypted with age; the manifest lists their
# SHA-256 and is signed (ssh-keygen -Y sign, Ed25519) into the signature beside it.
DUMP="database.dump.age"
FILES="private-files.tar.age"
MANIFEST="manifest.txt"
SIGNATURE="manifest.txt.sig"
# The signature's namespace: a signature made for anything else (a git commit, a file signed
# with the same key for another purpose) never verifies as a backup manifest's.
NAMESPACE="cpc-backup"
# A backup folder's name: its UTC time, to the second.
BACKUP_NAME='^cpc-backup-[0-9]{8}T[0-9]{6}Z$'
# Rows that are ephemeral and secret: sessions, API tokens, sign-in attempts (django-axes).
# Their tables are in the dump, their rows are not; after a restore everyone signs in again.
EXCLUDED_TABLE_DATA=(django_session authtoken_token axes_accessattempt axes_accesslog
                     axes_accessfailurelog)

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

require_tools() {
  local tool hint
  for tool in "$@"; do
    case "$tool" in
      age|age-keygen) hint="apt-get install age" ;;
      ssh-keygen) hint="apt-get install openssh-client" ;;
      *) hint="apt-get install postgresql-client" ;;
    esac
    command -v "$tool" >/dev/null || die "$tool is missing (Debian: $hint)."
  done
}

# The URL without its password, for messages and the manifest.
redacted() { printf '%s' "$1" | sed -E 's#(://[^:/@]+):[^@]*@#\1:***@#'; }

# Checks the backup folder $1 against the public key in the file $2, before anything reads
# the manifest's content: first the manifest's signature, then each encrypted part's SHA-256
# against the (now trusted) manifest. Dies with the reason on the first failure.
verify_backup() {
  local backup="$1" verify_key="$2" part keys allowed sums expected actual
  [ -n "$verify_key" ] || die "BACKUP_VERIFY_KEY is not set: the path of the public key (ssh-ed25519) that signs this deployment's backups. It is configured on the restoring host, never taken from the backup."
  [ -f "$verify_key" ] || die "BACKUP_VERIFY_KEY: no file $verify_key."
  # One key a line (ssh-ed25519 AAAA... [comment]); several while a signing key is rotated.
  keys="$(grep -E '^ssh-ed25519 ' "$verify_key" | awk '{print $1 " " $2}')" || true
  [ -n "$keys" ] || die "BACKUP_VERIFY_KEY ($verify_key) holds no ssh-ed25519 public key."
  for part in "$MANIFEST" "$SIGNATURE"; do
    [ -f "$backup/$part" ] || die "$backup has no $part: not a signed backup written by scripts/backup. Nothing restored."
  done

  # ssh-keygen -Y verify trusts only the keys of an allowed-signers file: these keys, for
  # this namespace alone.
  allowed="$(mktemp)"
  printf '%s\n' "$keys" | while read -r key; do
    printf '%s namespaces="%s" %s\n' "$NAMESPACE" "$NAMESPACE" "$key"
  done >"$allowed"
  if ! ssh-keygen -Y verify -f "$allowed" -I "$NAMESPACE" -n "$NAMESPACE" \
       -s "$backup/$SIGNATURE" <"$backup/$MANIFEST" >/dev/null 2>&1; then
    rm -f "$allowed"
    die "The manifest's signature does not verify with BACKUP_VERIFY_KEY ($verify_key): the manifest was changed, or signed by another key. Nothing restored."
  fi
  rm -f "$allowed"

  sums="$(sed -n '/^\[sha256\]$/,/^\[/{/^\[/d;p}' "$backup/$MANIFEST")"
  for part in "$DUMP" "$FILES"; do
    expected="$(printf '%s\n' "$sums" | awk -v name="$part" '$2 == name {print $1}')"
    [[ "$expected" =~ ^[0-9a-f]{64}$ ]] || die "The signed manifest lists no SHA-256 for $part. Nothing restored."
    [ -f "$backup/$part" ] || die "$backup has no $part, which the signed manifest lists. Nothing restored."
    actual="$(sha256sum <"$backup/$part" | cut -d' ' -f1)"
    [ "$actual" = "$expected" ] || die "$part does not match the signed manifest (it is damaged or was replaced). Nothing restored."
  done
}
