"""Front-matter values, as loose as they come, to the types an Article holds.

Each function takes whatever YAML produced (or ``None``) and returns a clean
value; they raise ``ValueError`` only for a value that cannot be understood,
and the caller decides what that costs (a date it cannot read is dropped
with a warning, the article is still indexed).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

#: Dates with an offset are converted to this zone and kept as wall-clock
#: time, like the archive's own dates (Beijing time, written without offset).
ARCHIVE_TIMEZONE = timezone(timedelta(hours=8))

_LIST_SEPARATORS = re.compile(r"[,，、;；]")
_SLASH_DATE = re.compile(
    r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?"
)
_CHINESE_DATE = re.compile(
    r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?"
    r"(?:\s*(\d{1,2})\s*[:：点时]\s*(\d{1,2})?\s*分?(?:\s*[:：]?\s*(\d{1,2})\s*秒?)?)?"
)
_DIGITS = re.compile(r"-?\d+(?:\.\d+)?")
#: An epoch number larger than this is in milliseconds (1e11 s is year 5138).
_MILLISECONDS_FROM = 10**11


def text(value: Any) -> str:
    """A single line of text: strings stripped, numbers written out, nothing else."""
    if value is None or isinstance(value, (list, dict, bool)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def text_list(value: Any) -> list[str]:
    """The strings of a list-ish value: a list (nested lists flattened, nulls
    dropped) or a string of values separated by ``,``, ``，``, ``、`` or ``;``.
    Order is kept and repeats are dropped."""
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            stack.extend(reversed(list(item.keys())))  # {"Linux": null}: a tag written as a key
        elif isinstance(item, str):
            found.extend(_LIST_SEPARATORS.split(item))
        else:
            found.append(text(item))
    seen: set[str] = set()
    result = []
    for name in (" ".join(item.split()) for item in found):
        if name and name not in seen:
            seen.add(name)
            result.append(name)
    return result


def identifier(value: Any) -> str | None:
    """An article id: a string or an integer, written as text; None if absent."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (list, dict)):
        raise ValueError(f"an id must be a number or a string, got a {type(value).__name__}")
    return text(value) or None


def integer(value: Any) -> int:
    """A count: an int, a float or a numeric string; 0 if absent or empty."""
    if value is None or value == "" or isinstance(value, bool):
        return 0
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip().replace(",", "")):
        return int(float(value.strip().replace(",", "")))
    raise ValueError(f"expected a number, got {value!r}")


def flag(value: Any) -> bool:
    """A yes/no value: YAML booleans, numbers, or true/yes/1/是 strings."""
    if isinstance(value, str):
        return value.strip().lower() in {"true", "yes", "y", "on", "1", "是"}
    return bool(value)


def timestamp(value: Any) -> datetime | None:
    """A date: YAML dates and datetimes, epoch seconds or milliseconds, or a
    string such as ``2019-05-01 12:30:00``, ``2019/05/01``,
    ``2019-05-01T12:30:00+08:00`` or ``2019年5月1日``.  None if absent."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return _naive(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, (int, float)):
        return _from_epoch(value)
    if isinstance(value, str):
        return _parse_date(value.strip())
    raise ValueError(f"expected a date, got {value!r}")


def _naive(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(ARCHIVE_TIMEZONE).replace(tzinfo=None)


def _from_epoch(number: float) -> datetime:
    seconds = number / 1000 if abs(number) >= _MILLISECONDS_FROM else number
    try:
        return _naive(datetime.fromtimestamp(seconds, tz=timezone.utc))
    except (OverflowError, OSError, ValueError):
        raise ValueError(f"epoch time out of range: {number!r}") from None


def _parse_date(value: str) -> datetime | None:
    if not value:
        return None
    if _DIGITS.fullmatch(value):
        return _from_epoch(float(value))
    try:
        return _naive(datetime.fromisoformat(value))
    except ValueError:
        pass
    match = _SLASH_DATE.fullmatch(value) or _CHINESE_DATE.fullmatch(value)
    if match:
        parts = [int(part) if part else 0 for part in match.groups()]
        try:
            return datetime(*parts)
        except ValueError:
            pass
    raise ValueError(f"not a date: {value!r}")
