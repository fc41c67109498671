#!/usr/bin/env bash
# Installs everything the tests need, then runs the whole suite.
# Tests on the real LCTT corpus run when ../shared/corpus/lctt exists
# (or ZHSEARCH_CORPUS names another folder); they are skipped otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install.sh --test
if [ -z "${ZHSEARCH_CORPUS:-}" ] && [ -d ../shared/corpus/lctt ]; then
    ZHSEARCH_CORPUS="$(cd ../shared/corpus/lctt && pwd)"
    export ZHSEARCH_CORPUS
fi
# pytest exits 5 when it collected no test: that is a failure here too.
exec .venv/bin/python -m pytest -p no:cacheprovider "$@"
