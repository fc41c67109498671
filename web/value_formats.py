"""How the web front end writes values: one rule each, for pages and API alike."""

from __future__ import annotations


def ymd(value) -> str:
    """A date as ``YYYY-MM-DD``; "" for none."""
    return value.strftime("%Y-%m-%d") if value else ""
