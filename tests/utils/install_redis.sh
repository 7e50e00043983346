#!/usr/bin/env bash
# The Redis server the shared-cache tests start on loopback (no Docker): Debian's redis-server, installed when missing.
set -eu
if command -v redis-server >/dev/null; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "redis-server is missing and installing it needs root: run 'sudo apt-get install redis-server', then again" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
install() { apt-get install -y --no-install-recommends redis-server >/dev/null 2>&1; }
install || { apt-get update >/dev/null 2>&1 && install; } || { echo "apt-get could not install redis-server" >&2; exit 1; }
redis-server --version
