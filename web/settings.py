"""The settings of the web front end, each declared once with its default and
the rule its value must follow.

``create_app`` lays down the defaults, then the environment variables named
``ZHSEARCH_<NAME>`` (``ZHSEARCH_INDEX_DIR=/srv/index``), then the ``config``
dict, and checks every value before the app serves a request: a bad one stops
the start with a :class:`SettingError` naming the variable and what it
accepts.  ``SERVER_SETTINGS`` are gunicorn's (web/serving.py, for the
``zhsearch-serve`` command), read from the same kind of variables.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple
from urllib.parse import urlsplit

PREFIX = "ZHSEARCH_"


class SettingError(ValueError):
    """A setting has a value outside the ones it accepts."""


# Checks: each takes a value (a string from the environment, or a Python value
# from the config dict) and returns it in its working form, or raises
# ValueError with the accepted values.


def text(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("a non-empty text")
    return value.strip()


def optional_text(value) -> str:
    if not isinstance(value, str):
        raise ValueError("a text, or empty")
    return value.strip()


def integer(minimum: int) -> Callable[[Any], int]:
    def check(value) -> int:
        number = value
        if isinstance(value, str) and value.strip().isascii() and value.strip().lstrip("-").isdigit():
            number = int(value.strip())
        if isinstance(number, bool) or not isinstance(number, int) or number < minimum:
            raise ValueError(f"an integer ≥ {minimum}")
        return number

    check.__doc__ = f"an integer ≥ {minimum}"
    return check


def folder(value) -> str:
    """A folder path, made absolute (it need not exist yet)."""
    if not isinstance(value, (str, os.PathLike)) or not str(value).strip():
        raise ValueError("a folder path")
    path = os.path.abspath(os.path.expanduser(str(value).strip()))
    if os.path.exists(path) and not os.path.isdir(path):
        raise ValueError(f"a folder path; {path} is a file")
    return path


def _optional_path(value) -> str:
    """'' for an empty value, else the path made absolute."""
    if not isinstance(value, (str, os.PathLike)):
        raise ValueError("a file path, or empty for none")
    if not str(value).strip():
        return ""
    return os.path.abspath(os.path.expanduser(str(value).strip()))


def readable_file(value) -> str:
    """'' (none) or an existing file, made absolute."""
    path = _optional_path(value)
    if not path:
        return ""
    if not os.path.isfile(path) or not os.access(path, os.R_OK):
        raise ValueError(f"a readable file; {path} is not one")
    return path


def writable_file(value) -> str:
    """'' (off) or a file path, made absolute; its folder must exist."""
    path = _optional_path(value)
    if not path:
        return ""
    if os.path.isdir(path):
        raise ValueError(f"a file path, or empty for none; {path} is a folder")
    if not os.path.isdir(os.path.dirname(path)):
        raise ValueError(f"a file in an existing folder; {os.path.dirname(path)} does not exist")
    if not os.access(path if os.path.exists(path) else os.path.dirname(path), os.W_OK):
        raise ValueError(f"a file this user may write; {path} is not writable")
    return path


def web_url(value) -> str:
    """'' or an absolute http(s) URL."""
    if not isinstance(value, str):
        raise ValueError("an http(s) URL, or empty")
    value = value.strip()
    if value:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("an http(s) URL such as https://example.org, or empty")
    return value


def cors_origin(value) -> str:
    """'', '*' or an origin (scheme://host[:port])."""
    if not isinstance(value, str):
        raise ValueError("*, an origin such as https://example.org, or empty for none")
    value = value.strip()
    if value in ("", "*"):
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise ValueError("*, an origin such as https://example.org, or empty for none")
    return value.rstrip("/")


_HOST_PORT = re.compile(r"^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):(\d{1,5})$")


def bind_address(value) -> str:
    """HOST:PORT or unix:PATH, as gunicorn takes them."""
    if not isinstance(value, str):
        raise ValueError("HOST:PORT (127.0.0.1:8000) or unix:PATH")
    value = value.strip()
    if value.startswith("unix:") and len(value) > len("unix:"):
        return value
    match = _HOST_PORT.match(value)
    if not match or not 0 < int(match.group(2)) < 65536:
        raise ValueError("HOST:PORT (127.0.0.1:8000) or unix:PATH")
    return value


def choice(*allowed: str) -> Callable[[Any], str]:
    def check(value) -> str:
        if not isinstance(value, str) or value.strip().lower() not in allowed:
            raise ValueError("one of " + ", ".join(allowed))
        return value.strip().lower()

    return check


class Setting(NamedTuple):
    name: str
    default: Any
    help: str
    check: Callable[[Any], Any] = text

    @property
    def variable(self) -> str:
        return PREFIX + self.name


SETTINGS = (
    Setting("INDEX_DIR", "index_data", "Folder of the search index written by `reindex` (logged absolute)", folder),
    Setting("SITE_NAME", "文章搜索", "Site name shown in the page header and titles"),
    Setting("PER_PAGE", 10, "Results per page when the request does not say", integer(1)),
    Setting("MAX_PER_PAGE", 50, "Largest per_page a request may ask for", integer(1)),
    Setting("MAX_PAGE", 1000, "Largest page number a request may ask for", integer(1)),
    Setting("MAX_QUERY_LENGTH", 256, "Longest q accepted, in characters; longer answers 400", integer(1)),
    Setting("RELATED_LIMIT", 5, "Related articles listed under an article", integer(0)),
    Setting("SUGGEST_LIMIT", 8, "Suggestions returned by /api/suggest", integer(1)),
    Setting("FACET_LIMIT", 12, "Tag facet values shown in the sidebar before 'more'", integer(1)),
    Setting("API_CORS_ORIGIN", "*", "Access-Control-Allow-Origin of /api/ answers ('' sends none)", cors_origin),
    Setting(
        "ASSET_BASE_URL",
        "",
        "Prefix for site-relative image and link URLs in article Markdown, e.g. https://linux.cn ('' keeps them relative)",
        web_url,
    ),
    Setting("PAGE_MAX_AGE", 0, "Seconds browsers and proxies may reuse a page or API answer unasked (0: revalidate)",
            integer(0)),
    Setting("SYNONYMS", "", "A synonyms file (format: search/synonyms.py) used instead of the default list, "
            "reread when it changes; '' for the default list", readable_file),
    Setting("SEARCH_LOG", "", "File that gets one JSON line per search (no IP, no user agent); '' for none",
            writable_file),
)

SERVER_SETTINGS = (
    Setting("BIND", "127.0.0.1:8000", "Address gunicorn listens on", bind_address),
    Setting("WORKERS", 2, "Worker processes (one request at a time each)", integer(1)),
    Setting("ACCESS_LOG", "", "gunicorn access log file ('-' for stderr, '' for none)", optional_text),
    Setting("LOG_LEVEL", "info", "gunicorn log level", choice("debug", "info", "warning", "error", "critical")),
)


def defaults() -> dict[str, Any]:
    """Every app setting's default, by name."""
    return {setting.name: setting.default for setting in SETTINGS}


def from_environment(environ: Mapping[str, str], settings=SETTINGS) -> dict[str, str]:
    """The raw values that ``environ`` gives for ``settings``, by name."""
    return {s.name: environ[s.variable] for s in settings if s.variable in environ}


def checked(values: Mapping[str, Any], settings=SETTINGS) -> dict[str, Any]:
    """``values`` of ``settings`` (defaults for the missing ones) in their
    working form; raises SettingError naming the first bad one."""
    result = {}
    for setting in settings:
        value = values.get(setting.name, setting.default)
        try:
            result[setting.name] = setting.check(value)
        except ValueError as exc:
            raise SettingError(f"{setting.variable}={value!r} is not valid: expected {exc}") from None
    if settings is SETTINGS and result["PER_PAGE"] > result["MAX_PER_PAGE"]:
        raise SettingError(
            f"{PREFIX}PER_PAGE={result['PER_PAGE']} is not valid: expected at most "
            f"{PREFIX}MAX_PER_PAGE={result['MAX_PER_PAGE']}"
        )
    return result


def server_settings(environ: Mapping[str, str]) -> dict[str, Any]:
    """gunicorn's settings from ``environ``, checked."""
    return checked(from_environment(environ, SERVER_SETTINGS), SERVER_SETTINGS)
