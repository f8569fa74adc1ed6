#!/bin/sh
# Headless Chromium for tests/test_browser.py: Debian's chromium and a CJK font (apt), Python playwright (pip).
# Playwright's own browser download cannot work here; the tests use executable_path=/usr/bin/chromium.
# Without recommends (upower, udev, notification-daemon, system-config-printer, libgl1-mesa-dri, fonts-liberation):
# headless Chromium needs none of them (it draws with its own SwiftShader); fonts-noto-cjk has the Latin glyphs too.
set -e
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk
fi
.venv/bin/python -m pip install -q playwright
