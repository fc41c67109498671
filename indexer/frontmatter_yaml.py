"""Splitting an article into YAML front matter and Markdown body, safely.

The split is python-frontmatter's; the YAML is loaded with PyYAML's safe
loader (never one that constructs Python objects) and with explicit limits,
so a hostile file costs a bounded amount of memory and time:

* front matter longer than :data:`MAX_CHARS` is refused before parsing;
* libyaml refuses nesting deeper than 1000 levels;
* aliases are shared, not copied, while loading: the loaded value is then
  walked as if expanded, and refused beyond :data:`MAX_VALUES` values or
  :data:`MAX_DEPTH` levels ("billion laughs", self-referencing aliases).
"""

from __future__ import annotations

from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

#: Largest front matter read, in characters (a real one is well under 10,000).
MAX_CHARS = 1_000_000
#: Most values (scalars, lists, mappings) the front matter may expand to.
MAX_VALUES = 200_000
#: Deepest nesting of lists and mappings accepted.
MAX_DEPTH = 64

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_HANDLER = YAMLHandler()


class FrontMatterError(ValueError):
    """The front matter cannot be read; the message says why."""


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """``(metadata, body)`` of an article's text.

    Text without front matter is all body.  Front matter that is valid YAML
    but not a mapping (a Markdown thematic break ``---`` opening the file can
    look like front matter) counts as body too.
    """
    stripped = text.lstrip()
    if not _HANDLER.detect(stripped):
        return {}, text
    try:
        source, body = _HANDLER.split(stripped)
    except ValueError:
        return {}, text  # an opening "---" with no closing one
    data = load_yaml(source)
    if data is None:
        return {}, body
    if not isinstance(data, dict):
        return {}, text
    return data, body


def load_yaml(source: str) -> Any:
    """The value of the YAML ``source``, within the limits above."""
    if len(source) > MAX_CHARS:
        raise FrontMatterError(
            f"front matter too long: {len(source):,} characters (at most {MAX_CHARS:,})"
        )
    try:
        data = yaml.load(source, Loader=_LOADER)  # noqa: S506 - a safe loader
    except yaml.constructor.ConstructorError as exc:
        raise FrontMatterError(f"front matter uses a YAML tag that is not allowed: {_describe(exc)}") from None
    except yaml.YAMLError as exc:
        raise FrontMatterError(f"front matter is not valid YAML: {_describe(exc)}") from None
    except RecursionError:
        raise FrontMatterError("front matter is nested too deeply") from None
    _check_size(data)
    return data


def _check_size(data: Any) -> None:
    budget = MAX_VALUES
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        budget -= 1
        if budget < 0:
            raise FrontMatterError(
                f"front matter expands to more than {MAX_VALUES:,} values (YAML alias bomb?)"
            )
        if depth > MAX_DEPTH:
            raise FrontMatterError(f"front matter is nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for pair in value.items() for item in pair)
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def _describe(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if mark is None:
        return problem
    # Lines are counted from the file's first line, the opening "---".
    return f"{problem} (line {mark.line + 2}, column {mark.column + 1})"
