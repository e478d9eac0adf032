#!/usr/bin/env bash
# Installs what the browser tests need, idempotently: Debian's Chromium and playwright-core (from package-lock.json)
# to drive it. Needs root for the first run (apt-get). A second run with nothing to do returns at once.
set -euo pipefail
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive

if [[ ! -x /usr/bin/chromium ]]; then
  echo "browser: installing Debian's chromium" >&2
  apt-get install -y -q --no-install-recommends chromium >&2 || { apt-get update -q >&2 && apt-get install -y -q --no-install-recommends chromium >&2; }
fi
# npm ci only when the lock changed since the last install.
if ! cmp -s package-lock.json node_modules/.condobot-installed-lock 2>/dev/null; then
  echo "browser: installing playwright-core" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
  cp package-lock.json node_modules/.condobot-installed-lock
fi
