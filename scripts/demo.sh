#!/bin/sh
# Installs, builds the widget and console, and starts the relay with the demo shop
# on SQLite (./.parley/demo.db). Prints the URLs and the admin login.
set -eu
cd "$(dirname "$0")/.."
PNPM="npx -y pnpm@12.4.2"
$PNPM install --frozen-lockfile
$PNPM build
export PARLEY_DATABASE="${PARLEY_DATABASE:-.parley/demo.db}"
export PARLEY_LOG_LEVEL="${PARLEY_LOG_LEVEL:-warn}"
exec node packages/relay/bin/parley-relay.js --demo "$@"
