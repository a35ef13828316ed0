#!/usr/bin/env bash
# Installs what a fresh machine lacks for streamscore, and nothing when it is all there:
# system packages (redis-server, a JDK, Maven, python3-venv, and Chromium for the drift page's
# browser test), node_modules, the compiled CLI, the Apache Kafka jars (from Maven Central) and
# the Python virtual environment (from PyPI), both cached outside the repository.
# Safe to run again; `npm run demo` and `npm test` run it first.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
# keytool makes the TLS keystore of the secured test broker; both come with the JRE.
{ command -v java && command -v keytool; } >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
# `python3 -m venv` needs ensurepip, which Debian ships in python3-venv.
python3 -c 'import ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
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
  # onnxruntime-node's install script would download CUDA libraries from NuGet; the CPU
  # execution provider ships inside the package. An environment variable rather than an .npmrc
  # setting, which npm warns about (as an unknown config) at the start of every npm command.
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" >"$stamp"
fi

npm run --silent build
node bin/streamscore.js dev fetch >&2
# The virtual environment of the bench's Python peer and of the fault tests' independent record
# counter (confluent-kafka): created once, then only checked while requirements.txt is unchanged.
node --input-type=module -e "
  import { homedir } from 'node:os';
  import { join } from 'node:path';
  import { ensurePythonEnvironment } from './dist/bench/python-environment.js';
  import { resolveCacheRootDir } from './dist/tools/devstack/index.js';
  await ensurePythonEnvironment({
    requirementsFile: 'bench/python/requirements.txt',
    cacheDir: join(resolveCacheRootDir(process.env, homedir()), 'bench'),
    print: (line) => console.error('bootstrap: ' + line),
  });
"
