#!/usr/bin/env bash
# Installs the project, indexes the bundled sample articles (or the folder given
# as the first argument), then serves the search page (zhsearch-serve: gunicorn).
#   ./scripts/demo.sh                      # the sample articles
#   ./scripts/demo.sh ~/archive/posts      # your own archive
# ZHSEARCH_INDEX_DIR (default index_data), ZHSEARCH_BIND (default 127.0.0.1:8000)
# and ZHSEARCH_WORKERS (default 2) change where the index lives and how it is served.
set -euo pipefail
cd "$(dirname "$0")/.."
articles="${1:-samples/articles}"
./scripts/install.sh
export ZHSEARCH_INDEX_DIR="${ZHSEARCH_INDEX_DIR:-index_data}"
.venv/bin/reindex "$articles" --index "$ZHSEARCH_INDEX_DIR" --allow-delete  # another folder replaces the last one
bind="${ZHSEARCH_BIND:-127.0.0.1:8000}"
echo "搜索页面 / Search page: http://$bind/   (Ctrl-C to stop)"
exec .venv/bin/zhsearch-serve --index "$ZHSEARCH_INDEX_DIR" --bind "$bind"
