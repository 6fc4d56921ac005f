#!/bin/sh
# Installs what the tests need and runs every check CI runs: lint, types, build,
# bundle sizes, unit + relay + browser tests. Works on a machine with only Node 20
# and npm; installs Debian's chromium, postgresql and redis-server when run as root
# with apt, else says how. (The tests start their own PostgreSQL and Redis on free
# ports in temporary directories; nothing needs to be running.)
set -eu
cd "$(dirname "$0")/.."
PNPM="npx -y pnpm@12.4.2"

CHROMIUM="${PARLEY_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test-all: installing Debian's chromium for the browser tests"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "test-all: the browser tests need Chromium at $CHROMIUM." >&2
    echo "  Install it (Debian/Ubuntu: sudo apt-get install chromium)," >&2
    echo "  or point PARLEY_CHROMIUM at a Chromium/Chrome binary, then run again." >&2
    exit 1
  fi
fi

PG_BIN="${PARLEY_PG_BIN:-/usr/lib/postgresql/15/bin}"
REDIS_SERVER="${PARLEY_REDIS_SERVER:-redis-server}"
if [ ! -x "$PG_BIN/initdb" ] || ! command -v "$REDIS_SERVER" >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test-all: installing Debian's postgresql and redis-server for the engine tests"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server >/dev/null
  else
    echo "test-all: the PostgreSQL and Redis tests need their server binaries:" >&2
    echo "  initdb and pg_ctl in $PG_BIN, and $REDIS_SERVER on PATH." >&2
    echo "  Install them (Debian/Ubuntu: sudo apt-get install postgresql redis-server)," >&2
    echo "  or point PARLEY_PG_BIN / PARLEY_REDIS_SERVER at them, then run again." >&2
    exit 1
  fi
fi

$PNPM install --frozen-lockfile
$PNPM lint
$PNPM typecheck
$PNPM build
$PNPM size
PARLEY_CHROMIUM="$CHROMIUM" $PNPM test
