#!/usr/bin/env bash
# A local PostgreSQL for CondoBot's Postgres provider and its tests: Debian's postgresql, one cluster on loopback, a
# `condobot` role (allowed to create databases, so each test can have its own) and a `condobot` database.
#
# Usage: local-postgres.sh [up|down|url]
#   up (default)  install postgresql if missing, start the cluster if it is not running (pg_ctlcluster, no systemd),
#                 create the role and database if missing, then print the connection string on stdout (everything
#                 else goes to stderr, so `export ConnectionStrings__CondoBot=$(local-postgres.sh)` works).
#   down          stop the cluster.
#   url           print the connection string without starting anything.
# Idempotent; needs root. The role's password is made once and kept in $PASSWORD_FILE (mode 600).
set -euo pipefail
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"
export DEBIAN_FRONTEND=noninteractive LC_ALL=C

readonly HOST=127.0.0.1
readonly PORT=${CONDOBOT_PG_PORT:-5432}
readonly ROLE=condobot
readonly DATABASE=condobot
readonly PASSWORD_FILE=/etc/condobot/postgres.password

log() { printf 'local-postgres.sh: %s\n' "$*" >&2; }
die() { printf 'local-postgres.sh: error: %s\n' "$*" >&2; exit 1; }
((EUID == 0)) || die "must run as root"

as_postgres() { runuser -u postgres -- "$@"; }
# The superuser logs in over the Unix socket (peer authentication), so it needs no password.
psql_admin() { as_postgres psql --no-psqlrc -v ON_ERROR_STOP=1 -q -h /var/run/postgresql -p "$PORT" -d postgres "$@"; }

install_server() {
  command -v pg_lsclusters >/dev/null && [[ -n $(pg_lsclusters -h 2>/dev/null) ]] && return
  log "installing postgresql"
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
}

# The first cluster Debian made (e.g. 15/main), listening on loopback only.
cluster() { pg_lsclusters -h | awk 'NR==1 {print $1, $2}'; }

start_cluster() {
  local version name
  read -r version name < <(cluster)
  [[ -n ${version:-} ]] || { log "creating cluster"; pg_createcluster 15 main >&2; read -r version name < <(cluster); }
  local conf=/etc/postgresql/$version/$name/postgresql.conf
  if ! grep -q '^# condobot$' "$conf"; then
    printf '# condobot\nlisten_addresses = %s\nport = %s\nmax_connections = 200\n' "'$HOST'" "$PORT" >>"$conf"
  fi
  if ! pg_lsclusters -h | awk -v v="$version" -v n="$name" '$1==v && $2==n {print $4}' | grep -q online; then
    log "starting cluster $version/$name"
    # Debian's /var/run/postgresql is made by systemd's tmpfiles on a booted system; make it ourselves.
    install -d -o postgres -g postgres -m 2775 /var/run/postgresql
    pg_ctlcluster "$version" "$name" start >&2
  fi
  for _ in $(seq 1 50); do
    as_postgres pg_isready -q -h "$HOST" -p "$PORT" && return
    sleep 0.2
  done
  die "the cluster did not accept connections on $HOST:$PORT"
}

password() {
  if [[ ! -s $PASSWORD_FILE ]]; then
    install -d -m 700 "$(dirname "$PASSWORD_FILE")"
    (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$PASSWORD_FILE")
  fi
  cat "$PASSWORD_FILE"
}

create_role_and_database() {
  local secret; secret=$(password)
  if [[ -z $(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'") ]]; then
    log "creating role $ROLE"
    psql_admin -c "CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$secret'"
  else
    psql_admin -c "ALTER ROLE $ROLE LOGIN CREATEDB PASSWORD '$secret'"
  fi
  if [[ -z $(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'") ]]; then
    log "creating database $DATABASE"
    psql_admin -c "CREATE DATABASE $DATABASE OWNER $ROLE"
  fi
}

url() { printf 'Host=%s;Port=%s;Database=%s;Username=%s;Password=%s\n' "$HOST" "$PORT" "$DATABASE" "$ROLE" "$(password)"; }

case "${1:-up}" in
  up) install_server; start_cluster; create_role_and_database; url ;;
  down) read -r version name < <(cluster); pg_ctlcluster "$version" "$name" stop >&2 || true ;;
  url) url ;;
  *) die "usage: $0 [up|down|url]" ;;
esac
