# Shared by scripts/run and scripts/test. Sourced, not run.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${EVENTD_BUILD_DIR:-$ROOT/build}
PG_BIN=/usr/lib/postgresql/15/bin
PG_DIR=$ROOT/var/pg          # the private cluster, kept between runs (ignored by git)
PG_PORT=${EVENTD_PG_PORT:-54320}

# Debian 12 packages the project needs; installed only when missing.
PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache git
  libboost1.81-all-dev libsoci-dev libpq-dev nlohmann-json3-dev libical-dev doctest-dev
  libsodium-dev libcli11-dev libhowardhinnant-date-dev tzdata
  libkainjow-mustache-dev libqrencode-dev   # the participant pages (templates, the calendar QR code)
  postgresql-15 postgresql-client-15
  python3 python3-vobject python3-icalendar python3-aiosmtpd curl libcurl4-openssl-dev
  openssl   # tests: certificates for the SMTP server over TLS, made at test time
  chromium fonts-dejavu-core
  clang-14 libclang-rt-14-dev llvm-14   # scripts/fuzz: libFuzzer, sanitizers, llvm-symbolizer
  nginx-light systemd                   # deploy/cluster and its test; systemd-analyze checks deploy/eventd.service
)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "==> installing: ${missing[*]}"
  # No system-wide cluster: the project runs its own under var/pg.
  as_root mkdir -p /etc/postgresql-common
  [ -f /etc/postgresql-common/createcluster.conf ] ||
    echo "create_main_cluster = false" | as_root tee /etc/postgresql-common/createcluster.conf >/dev/null
  apt_install_without_services "${missing[@]}"
}

# apt_install_without_services PACKAGE...: installs with no package's service started, e.g.
# nginx's package would start a system-wide nginx on port 80; the project starts its own
# (deploy/cluster, bench/run) on ports of its own. A policy-rc.d that refuses every start
# does it, and is removed afterwards unless it was there before.
apt_install_without_services() {
  local policy=/usr/sbin/policy-rc.d created=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null && as_root chmod +x "$policy" && created=1
  fi
  local status=0
  as_root apt-get update || status=$?
  if [ "$status" -eq 0 ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      -o Dpkg::Options::=--force-confold "$@" || status=$?
  fi
  if [ -n "$created" ]; then as_root rm -f "$policy"; fi
  return "$status"
}

# The npm tools of the contract tests (tools/contract: OpenAPI linter, JSON Schema validator,
# browser driver, TypeScript types and client), exactly as package-lock.json pins them. The
# machine image brings Node.js 20; Debian's own (18) is the fallback on a machine without
# any, and is older than the linter asks for.
install_contract_tools() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "==> installing Debian's nodejs and npm"
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm
  fi
  local dir=$ROOT/tools/contract
  # npm ci starts from scratch each time: skip it while node_modules matches the lock file.
  if ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.installed-lock.json"; then
    echo "==> npm ci in tools/contract"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$dir/package-lock.json" "$dir/node_modules/.installed-lock.json"
  fi
}

# build_in DIR TYPE [CMAKE ARGS...]: configures and builds one build directory.
build_in() {
  local dir=$1 type=$2
  shift 2
  echo "==> building ($type${*:+ $*}) in $dir"
  cmake -S "$ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "$@" >/dev/null
  cmake --build "$dir" -j"$(nproc)"
}

# build [TYPE [CMAKE ARGS...]]: the build the service runs from and the tests use.
build() {
  local type=${1:-RelWithDebInfo}
  [ $# -gt 0 ] && shift
  build_in "$BUILD_DIR" "$type" "$@"
}

# Runs a command as the postgres user when we are root (PostgreSQL refuses to run as root).
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# pg_start DIR PORT: initialises (once) and starts a private cluster on 127.0.0.1:PORT.
pg_start() {
  local dir=${1:-$PG_DIR} port=${2:-$PG_PORT}
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    echo "==> creating a private PostgreSQL cluster in $dir"
    as_pg "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if as_pg "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then return 0; fi
  as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgresql.log" -w -t 60 start \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c max_connections=300 -c fsync=${EVENTD_PG_FSYNC:-on}" >/dev/null
  echo "==> PostgreSQL running on 127.0.0.1:$port (data in $dir/data)"
}

pg_stop() {
  local dir=${1:-$PG_DIR}
  as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

# Creates the role and database `eventd` of the default EVENTD_DATABASE_URL.
pg_create_app_database() {
  local port=${1:-$PG_PORT}
  local psql=(psql -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1 -qtAX)
  "${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname='eventd'" | grep -q 1 ||
    "${psql[@]}" -c "CREATE ROLE eventd LOGIN"
  "${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname='eventd'" | grep -q 1 ||
    "${psql[@]}" -c "CREATE DATABASE eventd OWNER eventd ENCODING 'UTF8' TEMPLATE template0"
}
