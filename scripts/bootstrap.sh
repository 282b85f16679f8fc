#!/usr/bin/env bash
# Everything a fresh machine needs before `pnpm demo` or `pnpm test`: the Debian Python packages the
# differential tests use as oracles, pnpm itself, and the workspace's dependencies. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
/usr/bin/python3 -c 'import packaging, sys; sys.exit(0 if tuple(map(int, packaging.__version__.split(".")[:1])) >= (22,) else 1)' 2>/dev/null || need_apt+=(python3-packaging)
/usr/bin/python3 -c 'import installer' 2>/dev/null || need_apt+=(python3-installer)
/usr/bin/python3 -c 'import venv, ensurepip' 2>/dev/null || need_apt+=(python3-venv)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "bootstrap: please install ${need_apt[*]} (Debian packages) for the differential tests" >&2
  fi
fi

if ! command -v pnpm >/dev/null 2>&1; then
  npm install -g pnpm@9 >/dev/null 2>&1 || { echo "bootstrap: could not install pnpm" >&2; exit 1; }
fi
pnpm install --frozen-lockfile --reporter=silent
