#!/bin/sh
# Installs what the tests need and runs every check CI runs: lint, types, build,
# bundle sizes, unit + relay + browser tests. Works on a machine with only Node 20
# and npm; installs Debian's chromium when run as root with apt, else says how.
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

$PNPM install --frozen-lockfile
$PNPM lint
$PNPM typecheck
$PNPM build
$PNPM size
PARLEY_CHROMIUM="$CHROMIUM" $PNPM test
