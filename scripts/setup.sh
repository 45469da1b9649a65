#!/usr/bin/env bash
# Sets up a fresh Debian machine for elfdelta: the Debian tools the differential tests compare against, pnpm
# (pinned), the workspace's dependencies, and a build. Then runs elfdelta on a bundled example.
# Safe to re-run: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=12.4.2
# Debian packages the tests use: reference readers (llvm-readobj-19, readelf, pahole), compilers that built
# test-objects/ (only needed to regenerate them), and the cross libc.a archives used as real-world corpus.
DEBIAN_PACKAGES=(
  llvm-19 lld-19 binutils pahole elfutils zstd
  libc6-dev-i386-cross libc6-dev-armhf-cross libc6-dev-arm64-cross libc6-dev-ppc64el-cross
  libc6-dev-ppc64-cross libc6-dev-s390x-cross libc6-dev-riscv64-cross libc6-dev
)

missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian packages: ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages (the differential tests need them): ${missing[*]}" >&2
  fi
fi

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  npm install -g --silent "pnpm@$PNPM_VERSION" >/dev/null 2>&1 || true
fi
PNPM="pnpm"
[ "$($PNPM --version 2>/dev/null || true)" = "$PNPM_VERSION" ] || PNPM="npx -y pnpm@$PNPM_VERSION"

$PNPM install --frozen-lockfile
$PNPM run build

if [ "${ELFDELTA_SETUP_QUIET:-}" != 1 ]; then
  example=test-objects/out/x86_64-gcc/scenarios/struct-member-inserted-middle
  echo
  echo "\$ pnpm elfdelta diff $example/orig.fs.o $example/patched.fs.o"
  node packages/cli/dist/bin.js diff "$example/orig.fs.o" "$example/patched.fs.o" || true
fi
