#!/usr/bin/env bash
# Installs what the test suite needs beyond the Rust toolchain: Debian packages (Chromium for
# the dashboard tests, xmllint and the GraphML schema for strict GraphML), the Python packages
# that read exports back, and the npm packages that drive Chromium. Safe to run again: each
# step is skipped when what it installs is already there.
set -euo pipefail
cd "$(dirname "$0")/../.."

debs=(chromium libxml2-utils libjgrapht-java unzip gzip zstd openjdk-17-jre-headless)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python3 -m pip install --quiet --disable-pip-version-check -r tests/setup/requirements.txt

if [ -f tests/browser/package.json ]; then
  (cd tests/browser && npm ci --silent --no-audit --no-fund)
fi
