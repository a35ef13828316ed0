#!/usr/bin/env bash
# Installs what a fresh machine lacks for streamscore, and nothing when it is all there:
# system packages (redis-server, a JDK, Maven, and Chromium for the drift page's browser
# test), node_modules, the compiled CLI and the Apache Kafka jars (from Maven Central, cached
# outside the repository).
# Safe to run again; `npm run demo` and `npm test` run it first.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
# The browser test drives Debian's Chromium at this path (playwright-core downloads none).
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    echo "streamscore: missing ${missing[*]}; install with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "bootstrap: apt-get install ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# npm ci only when the lock file changed since the last install.
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.streamscore-lock.sha256
if [[ ! -f $stamp || $(cat "$stamp") != "$lock_sum" ]]; then
  echo "bootstrap: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" >"$stamp"
fi

npm run --silent build
node bin/streamscore.js dev fetch >&2
