"""The project's gunicorn settings (web/serving.py) as a configuration file,
for plain gunicorn; ``zhsearch-serve`` hands the same settings to gunicorn
itself.  Plain gunicorn serves the app as ``zhsearch-serve`` does with:

    ZHSEARCH_INDEX_DIR=index_data gunicorn -c python:web.gunicorn_conf 'web:create_app()'

ZHSEARCH_BIND (default 127.0.0.1:8000), ZHSEARCH_WORKERS (default 2),
ZHSEARCH_ACCESS_LOG and ZHSEARCH_LOG_LEVEL set the server (SERVER_SETTINGS in
web/settings.py); the app reads the other ZHSEARCH_* variables.  All of them
are checked here, so a bad value stops the start with one line naming it.  Put
a reverse proxy (nginx) in front for the Internet: sync workers serve one
request at a time and should not wait on slow clients (docs/deploy.md).
"""

import os
import sys

from web.serving import options
from web.settings import SettingError, checked, from_environment, server_settings

try:
    _server = server_settings(os.environ)
    checked(from_environment(os.environ))
except SettingError as exc:
    sys.exit(f"Error: {exc}")

# gunicorn reads its settings from this module's names (web/serving.py has them, with their reasons).
globals().update(options(_server))
