#!/usr/bin/env bash
# docker-compose and caddy from Debian's packages, only to validate deploy/ in tests/test_deploy_files.py
# (no Docker engine is needed: `docker-compose config` reads the file). CI runs this as root.
set -euo pipefail
if command -v docker-compose >/dev/null 2>&1 && command -v caddy >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deploy-checkers: not root, skipping (the deploy tests will skip with a reason)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends docker-compose caddy >/dev/null
