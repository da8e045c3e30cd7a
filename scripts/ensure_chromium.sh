#!/usr/bin/env bash
# Make sure headless Chromium is there for tests/test_browser_reports.py (Debian's package).
# Installs it with apt-get when missing and we are root; otherwise says what to run.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing chromium (Debian package) for the browser test ..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq chromium >/dev/null
    command -v chromium >/dev/null 2>&1 && exit 0
fi
echo "chromium is not installed and could not be installed here; run: sudo apt-get install -y chromium" >&2
exit 1
