#!/usr/bin/env bash
# Installs what the project needs into ./.venv; with --test, also the test tools,
# Debian's Chromium for the browser tests and nginx for the replica tests. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=false
[ "${1:-}" = "--test" ] && with_tests=true

# Chromium runs the browser tests; the font lets its screenshots show Chinese; nginx
# balances two servers in tests/test_replicas.py, which runs its own nginx with a configuration of its own.
if $with_tests && { [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/truetype/wqy ] || [ ! -x /usr/sbin/nginx ]; }; then
    if command -v apt-get >/dev/null 2>&1; then
        sudo_cmd=""
        [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo_cmd="sudo"
        echo "Installing Debian's chromium, a Chinese font and nginx for the tests..." >&2
        $sudo_cmd apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium fonts-wqy-microhei nginx >/dev/null
    else
        echo "warning: no apt-get; browser and nginx tests will be skipped" >&2
    fi
fi

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip 2>/dev/null || true
if $with_tests; then
    .venv/bin/python -m pip install --quiet -e ".[test]"
else
    .venv/bin/python -m pip install --quiet -e .
fi
