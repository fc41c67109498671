"""Error handlers: a JSON body under /api/ and /healthz, error.html elsewhere."""

from __future__ import annotations

from flask import render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from search import IncompatibleIndexError, IndexNotFoundError, QueryError
from web.api import error_response

NO_INDEX = "索引不存在，请先运行 reindex"
OLD_INDEX = "索引由不兼容的版本建立，请运行 reindex --full 重建"

# The Chinese wording of the statuses an HTML page may show.
_TITLES = {
    400: "请求参数有误",
    404: "页面不存在",
    405: "不支持该请求方法",
    500: "服务器内部错误",
    503: "服务暂不可用",
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def _error(status: int, api_message: str, page_message: str):
    if _wants_json():
        return error_response(status, api_message)
    title = _TITLES.get(status, "出错了")
    html = render_template("error.html", status=status, title=title, message=page_message)
    return html, status


def register_error_handlers(app) -> None:
    @app.errorhandler(QueryError)
    def bad_parameter(exc: QueryError):
        return _error(400, str(exc), f"参数 {exc.parameter} 的值无效：{exc.value!r}")

    @app.errorhandler(IndexNotFoundError)
    def no_index(exc: IndexNotFoundError):
        app.logger.warning("%s", exc)
        return _error(503, NO_INDEX, NO_INDEX)

    @app.errorhandler(IncompatibleIndexError)
    def old_index(exc: IncompatibleIndexError):
        app.logger.error("%s", exc)
        return _error(503, OLD_INDEX, OLD_INDEX)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if isinstance(exc, InternalServerError):
            return _error(500, "internal server error", "请稍后再试。")
        status = exc.code or 500
        custom = _custom_description(exc)
        return _error(status, custom or _api_message(exc), custom or _TITLES.get(status, exc.name))


def _custom_description(exc: HTTPException) -> str | None:
    """The description given to ``abort``, if any (not Werkzeug's default)."""
    if exc.description and exc.description != type(exc).description:
        return exc.description
    return None


def _api_message(exc: HTTPException) -> str:
    if exc.code == 404:
        return f"not found: {request.path}"
    if exc.code == 405:
        return f"method {request.method} not allowed on {request.path}"
    return exc.name.lower()
