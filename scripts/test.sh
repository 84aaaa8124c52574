#!/usr/bin/env bash
# The README's test command: on a fresh Debian machine with Node 20, installs what the tests need
# (Debian packages, then `npm ci`) and runs `npm test`. .ci/run calls it. Already installed
# packages are not fetched again; VIGIL_TEST_NO_INSTALL=1 skips both installs.
set -euo pipefail
cd "$(dirname "$0")/.."

# ffmpeg: ingest and clips; mosquitto: the external-broker tests; GStreamer's RTSP server (driven
# by scripts/peers/rtsp-server.py under /usr/bin/python3): the real RTSP peer of the camera tests;
# openssl: `npm run token -- cert` (the local CA); iproute2 and util-linux: the discovery test's
# private network namespace; chromium: the real browser of the console tests (playwright-core
# drives it and never downloads one).
PACKAGES=(ffmpeg mosquitto ca-certificates chromium python3-gi gir1.2-gst-rtsp-server-1.0
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  gstreamer1.0-plugins-ugly iproute2 util-linux openssl)

install_debian_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "[vigil] installing Debian packages the tests need: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

if [ "${VIGIL_TEST_NO_INSTALL:-}" != "1" ]; then
  install_debian_packages
  npm ci --no-audit --no-fund
fi
npm test
