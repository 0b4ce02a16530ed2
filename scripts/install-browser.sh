#!/usr/bin/env bash
# Chromium from Debian's own packages, for the review pack's browser test (tests/test_review_browser.py).
# Nothing is downloaded by Playwright: the test drives /usr/bin/chromium. CI runs this as root.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-browser: not root, skipping (the browser test will skip with a reason)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
chromium --version
