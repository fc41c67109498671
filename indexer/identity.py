"""Document keys: the front-matter id when it is unique, else a path key.

Among the files that share an id, the one whose relative path sorts first
keeps ``key = id``; every other one gets :func:`path_key`.  A file without an
id gets a path key too.  Path keys look like ``p-0123456789ab``; an id of that
very shape is not used as a key (its file gets its own path key), so a path
key never equals the key taken from an id.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

_PATH_KEY = re.compile(r"p-[0-9a-f]{12}")


def path_key(relpath: str) -> str:
    """A URL-safe key that depends only on the relative path."""
    return "p-" + hashlib.sha1(relpath.encode("utf-8")).hexdigest()[:12]


@dataclass
class KeyAssigner:
    """Assigns keys to files given in relative-path order (see module doc)."""

    holders: dict[str, str] = field(default_factory=dict)  # id -> relpath keeping it
    duplicates: dict[str, list[str]] = field(default_factory=dict)  # id -> all its paths

    def key(self, relpath: str, article_id: str | None) -> str:
        """The key of the file ``relpath`` with front-matter ``article_id``."""
        if article_id is None or _PATH_KEY.fullmatch(article_id):
            return path_key(relpath)
        holder = self.holders.setdefault(article_id, relpath)
        if holder == relpath:
            return article_id
        self.duplicates.setdefault(article_id, [holder]).append(relpath)
        return path_key(relpath)
