"""Synonyms applied at query time: 谷歌 finds Google, k8s finds Kubernetes.

The synonyms file is plain UTF-8 text, one group of equivalent forms a line,
the forms separated by commas (``,`` or ``，``)::

    # brands in both scripts
    谷歌, Google
    红帽, Red Hat, RedHat

Blank lines and lines starting with ``#`` are ignored; a form is matched
after normalisation (case, width, traditional characters), so ``google``,
``Ｇｏｏｇｌｅ`` and ``GOOGLE`` are one form.  A form may be several words
(``Red Hat``): typed as consecutive words it is searched as the phrase.  A
form belongs to one group only.

A query word equal to a form is searched as that form OR each other form of
its group; the other forms' scores are scaled by
:data:`SYNONYM_BOOST`, so a
synonym ranks like the word, a little below the exact form.  The file is read
again when its modification time changes, so an edit takes effect in an open
Index without reindexing.  ``search/data/synonyms.txt`` is the default list
(tech brands and abbreviations); a site passes its own file to
``open_index(..., synonyms=path)``.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from dataclasses import replace
from pathlib import Path

from search.analysis import normalize
from search.errors import SearchError
from search.query import Clause, ParsedQuery, Word

logger = logging.getLogger(__name__)

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "synonyms.txt"
#: Longest form, in words, matched across consecutive query words.
MAX_FORM_WORDS = 4
#: Score factor of a synonym's matches against the exact
#: form's: a synonym ranks like the word typed, a little below it.
SYNONYM_BOOST = 0.9
_SEPARATOR = re.compile("[,，]")


class SynonymsError(SearchError, ValueError):
    """The synonyms file cannot be read or has a bad line; names the file and line."""


def _key(text: str) -> str:
    return " ".join(normalize(text).split())


def parse_groups(text: str, source: str) -> dict[str, tuple[str, ...]]:
    """Form (normalised) -> every form of its group (normalised, file order)."""
    groups: dict[str, tuple[str, ...]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        forms = [_key(f) for f in _SEPARATOR.split(line)]
        if any(not f for f in forms) or len(forms) < 2:
            raise SynonymsError(f"{source}:{number}: expected two or more forms separated by commas, got {line!r}")
        group = tuple(dict.fromkeys(forms))
        for form in group:
            if form in groups:
                raise SynonymsError(f"{source}:{number}: {form!r} is already in the group {groups[form]!r}")
            groups[form] = group
    return groups


class Synonyms:
    """The groups of one synonyms file, read again when the file changes."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path is not None else DEFAULT_FILE
        self._lock = threading.Lock()
        self._mtime: int | None = None
        self._groups: dict[str, tuple[str, ...]] = {}
        self._load(self._stat(), strict=True)

    def _stat(self) -> int:
        try:
            return os.stat(self.path).st_mtime_ns
        except OSError as error:
            raise SynonymsError(f"synonyms file {self.path}: {error.strerror or error}") from None

    def _load(self, mtime: int, strict: bool) -> None:
        try:
            text = self.path.read_text(encoding="utf-8")
            groups = parse_groups(text, str(self.path))
        except (OSError, UnicodeDecodeError, SynonymsError) as error:
            if strict:
                if isinstance(error, SynonymsError):
                    raise
                raise SynonymsError(f"synonyms file {self.path}: {error}") from None
            # An edit in progress or a bad line: keep the groups in use.
            logger.warning("synonyms file %s not reloaded: %s", self.path, error)
            self._mtime = mtime
            return
        self._groups, self._mtime = groups, mtime

    def groups(self) -> dict[str, tuple[str, ...]]:
        """The current groups (the file is read again if it changed)."""
        try:
            mtime = self._stat()
        except SynonymsError as error:
            logger.warning("%s; keeping the synonyms in use", error)
            return self._groups
        if mtime != self._mtime:
            with self._lock:
                if mtime != self._mtime:
                    self._load(mtime, strict=False)
        return self._groups

    def expand(self, parsed: ParsedQuery) -> ParsedQuery:
        """``parsed`` with each word (or run of consecutive words) equal to a
        form ORed with the other forms of its group."""
        groups = self.groups()
        if not groups:
            return parsed
        clauses: list[Clause] = []
        items = parsed.clauses
        i = 0
        while i < len(items):
            clause = items[i]
            run = _form_run(items, i, groups)
            if run:
                form, end = run
                clauses.append(Clause([_word(form, 1.0), *(_word(f, SYNONYM_BOOST) for f in groups[form] if f != form)],
                                      negated=clause.negated))
                i = end
                continue
            words = []
            for word in clause.words:
                words.append(word)
                group = groups.get(_key(word.text))
                if group and not word.phrase:
                    words.extend(_word(f, SYNONYM_BOOST) for f in group if f != _key(word.text))
            clauses.append(Clause(words, negated=clause.negated) if len(words) != len(clause.words) else clause)
            i += 1
        return replace(parsed, clauses=clauses)


def _word(form: str, boost: float) -> Word:
    return Word(form, phrase=" " in form, boost=boost)


def _form_run(clauses: list[Clause], start: int, groups) -> tuple[str, int] | None:
    """(form, end) when the single-word clauses start..end-1 (two or more)
    spell a form of several words, longest first: typed with spaces (Red
    Hat), or without, as words of an unspaced run (树莓派: 树莓, 派)."""
    for end in range(min(len(clauses), start + MAX_FORM_WORDS), start + 1, -1):
        run = clauses[start:end]
        if all(len(c.words) == 1 and not c.words[0].phrase and c.negated == run[0].negated for c in run):
            texts = [c.words[0].text for c in run]
            spans = [c.words[0].span for c in run]
            touching = None not in spans and all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
            for form in (_key(" ".join(texts)), _key("".join(texts)) if touching else None):
                if form in groups:
                    return form, end
    return None
