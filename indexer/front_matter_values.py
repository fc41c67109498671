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

from dateutil import parser as dateutil_parser

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
#: A date written as a number: 20190501 is 2019-05-01 (as epoch seconds it
#: would be 1970-08-23, which no archive means).
_COMPACT_DATE = re.compile(r"(19|20)\d{6}")
#: Time zones named in dates, beyond UTC and GMT: CST is China Standard Time
#: (as ``date`` prints it on a server in China), not US Central.
_ZONES = {"CST": ARCHIVE_TIMEZONE}
#: Two defaults for dateutil's missing parts: a date whose year, month or day
#: comes out different under the two was missing it.
_DEFAULTS = (datetime(2001, 1, 1), datetime(2002, 2, 2))


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
    """A date: YAML dates and datetimes, ``YYYYMMDD`` numbers, epoch seconds
    or milliseconds, or a string such as ``2019-05-01 12:30:00``,
    ``2019/05/01``, ``2019-05-01T12:30:00+08:00``, ``2019年5月1日``, and
    whatever else python-dateutil reads as a full date (``2019-5-1``,
    ``Wed, 01 May 2019 12:30:00 +0800``, ``May 1, 2019``).  None if absent."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return _naive(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, int):
        return _compact_date(str(value)) or _from_epoch(value)
    if isinstance(value, float):
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


def _compact_date(digits: str) -> datetime | None:
    """The date of ``YYYYMMDD`` digits; None for other numbers (epoch times)."""
    if not _COMPACT_DATE.fullmatch(digits):
        return None
    try:
        return datetime.strptime(digits, "%Y%m%d")
    except ValueError:
        raise ValueError(f"not a date (as YYYYMMDD): {digits}") from None


def _parse_date(value: str) -> datetime | None:
    if not value:
        return None
    if _DIGITS.fullmatch(value):
        return _compact_date(value) or _from_epoch(float(value))
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
    return _naive(_dateutil_date(value))


def _dateutil_date(value: str) -> datetime:
    """``value`` read by python-dateutil, which must find a year, a month and a day in it."""
    try:
        first, second = (dateutil_parser.parse(value, default=d, tzinfos=_zone) for d in _DEFAULTS)
    except (dateutil_parser.ParserError, OverflowError, ValueError) as exc:
        detail = f" ({exc})" if isinstance(exc, _UnknownZone) else ""
        raise ValueError(f"not a date: {value!r}{detail}") from None
    if first.date() != second.date():
        raise ValueError(f"not a full date (year, month and day): {value!r}")
    return first


class _UnknownZone(ValueError):
    pass


def _zone(name: str | None, offset: int | None):
    """The time zone of a date that names one (dateutil's ``tzinfos`` hook)."""
    if offset is not None:
        return timezone(timedelta(seconds=offset))
    if name is None:
        return None
    if name in _ZONES:
        return _ZONES[name]
    raise _UnknownZone(f"unknown time zone {name}")
