#!/usr/bin/env bash
# Installs every Debian 12 package Inspel needs to build, test and run, skipping those already
# present, so `make run` and `make test` work on a fresh machine and cost nothing on a warm one.
# Usage: deploy/install-deps.sh [build|test|all]   (default: all)
set -euo pipefail

what=${1:-all}

build_packages=(
  build-essential cmake pkg-config
  libboost-dev libboost-test-dev
  libsqlite3-dev sqlite3
  libxapian-dev
  nlohmann-json3-dev
  libicu-dev
  libsodium-dev
  libtomlplusplus-dev
  libkainjow-mustache-dev
  libxlsxwriter-dev
)
# The browser tests drive Debian's chromium with playwright-core from npm. The intake benchmark
# (bench/intake) loads the server with wrk, reads the database with sqlite3 and builds the peer's
# better-sqlite3 from source when no prebuilt binary is at hand (python3, make, g++).
test_packages=(chromium nodejs npm python3 wrk curl)

case "$what" in
  build) wanted=("${build_packages[@]}") ;;
  test | all) wanted=("${build_packages[@]}" "${test_packages[@]}") ;;
  *) echo "usage: $0 [build|test|all]" >&2; exit 2 ;;
esac

missing=()
for p in "${wanted[@]}"; do
  # node may come from NodeSource or the image instead of Debian's nodejs package.
  if [[ $p == nodejs || $p == npm ]] && command -v "${p/nodejs/node}" >/dev/null 2>&1; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}" >&2
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [[ $what != build ]]; then
  # playwright-core and axe-core for the browser tests, pinned by tests/browser/package-lock.json.
  dir=$(cd "$(dirname "$0")/../tests/browser" 2>/dev/null && pwd) || exit 0
  # Again when the lock file changed since the last install (a pulled version bump): npm keeps its
  # own copy of the lock in node_modules/.package-lock.json, older than the new lock file.
  if [[ -f $dir/package.json && ( ! -d $dir/node_modules/playwright-core ||
        $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ) ]]; then
    echo "install-deps: npm ci in tests/browser" >&2
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  # fastify and better-sqlite3 for the peer of the intake benchmark, pinned by its package-lock.json.
  peer=$(cd "$(dirname "$0")/../bench/peers/fastify-intake" 2>/dev/null && pwd) || exit 0
  if [[ -f $peer/package.json && ( ! -d $peer/node_modules/better-sqlite3 ||
        $peer/package-lock.json -nt $peer/node_modules/.package-lock.json ) ]]; then
    echo "install-deps: npm ci in bench/peers/fastify-intake" >&2
    (cd "$peer" && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
