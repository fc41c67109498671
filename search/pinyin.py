"""The pinyin table of the typo hints, written into the index folder by the indexer.

It maps a character to its toneless pinyin (pypinyin's first reading), and a
pinyin key (a word's syllables joined, ``neihe``, or their initials, ``nh``)
to the dictionary words that sound so, most frequent first.  The words are
jieba's (with the index's user dictionary): 2 to 4 CJK characters seen at
least :data:`MIN_WORD_FREQ` times in its corpus.

Built from jieba's dictionary it takes a second or more and tens of MB of
Python objects per process, and importing pypinyin more.  So ``reindex``
writes it into the index folder (:data:`FILE`, compressed numpy arrays) and
a searching process loads it in milliseconds.  The file records the inputs
it was made from (:func:`inputs_key`); one made from others (another jieba,
pypinyin or user dictionary) is not used: the table is then built in memory.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import unicodedata
from collections import defaultdict
from importlib.metadata import version
from pathlib import Path

import numpy as np

from search.analysis import preload
from search.storage import saved_user_dictionary

logger = logging.getLogger(__name__)

#: The table's file in the index folder.
FILE = "pinyin_table.npz"
#: jieba dictionary words below this frequency are not offered as corrections.
MIN_WORD_FREQ = 20
#: Candidates of one pinyin key kept (most frequent in jieba's corpus first).
MAX_PER_KEY = 30
#: The words of the table, and the Chinese words a hint may correct.
CJK_WORD = re.compile(r"[\u4e00-\u9fff]{2,4}")
_FORMAT = 1  # bumped when the arrays or the rules above change
_ARRAYS = ("key", "char_codes", "char_readings", "readings",
           "full_keys", "full_starts", "full_words", "initial_keys", "initial_starts", "initial_words")


def inputs_key(index_dir: str | Path) -> str:
    """What the table of the index in ``index_dir`` is made from, as a digest:
    the jieba and pypinyin versions, the index's user dictionary, the rules."""
    digest = hashlib.sha256(f"{_FORMAT} {MIN_WORD_FREQ} {MAX_PER_KEY} ".encode())
    digest.update(f"jieba {version('jieba')} pypinyin {version('pypinyin')} ".encode())
    dictionary = saved_user_dictionary(index_dir)
    digest.update(dictionary.read_bytes() if dictionary is not None else b"")
    return digest.hexdigest()


def _toneless(reading: str) -> str:
    plain = unicodedata.normalize("NFKD", reading)
    return "".join(c for c in plain if c.isascii()).replace("u:", "v")


def _grouped(groups: dict[str, list[tuple[int, str]]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sorted keys, the start of each key's words, and the words."""
    keys = sorted(groups)
    words = [[w for _, w in sorted(groups[k], reverse=True)[:MAX_PER_KEY]] for k in keys]
    starts = np.cumsum([0, *map(len, words)], dtype=np.uint32)
    return np.array(keys, dtype=str), starts, np.array([w for ws in words for w in ws], dtype=str)


class PinyinTable:
    """Character -> toneless pinyin, and pinyin key -> dictionary words."""

    def __init__(self, arrays: dict[str, np.ndarray]):
        for name in _ARRAYS:
            setattr(self, name, arrays[name])

    @classmethod
    def build(cls, key: str = "") -> PinyinTable:
        """The table of jieba's dictionary as loaded in this process."""
        import jieba
        from pypinyin.pinyin_dict import (
            pinyin_dict,  # imported only to build: its import is slow
        )

        preload()
        codes = sorted(pinyin_dict)
        syllable = {chr(c): _toneless(pinyin_dict[c].split(",")[0]) for c in codes}
        readings = sorted(set(syllable.values()))
        full: dict[str, list[tuple[int, str]]] = defaultdict(list)
        initials: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for word, freq in jieba.dt.FREQ.items():
            if freq >= MIN_WORD_FREQ and 2 <= len(word) <= 4 and CJK_WORD.fullmatch(word):
                found = [syllable.get(c) for c in word]
                if all(found):
                    full["".join(found)].append((freq, word))
                    initials["".join(s[0] for s in found)].append((freq, word))
        arrays = {
            "key": np.array(key),
            "char_codes": np.array(codes, dtype=np.uint32),
            "char_readings": np.searchsorted(readings, [syllable[chr(c)] for c in codes]).astype(np.uint16),
            "readings": np.array(readings, dtype=str),
        }
        for name, groups in (("full", full), ("initial", initials)):
            arrays[f"{name}_keys"], arrays[f"{name}_starts"], arrays[f"{name}_words"] = _grouped(groups)
        return cls(arrays)

    @classmethod
    def load(cls, index_dir: str | Path) -> PinyinTable:
        """The table of the index in ``index_dir``: its file if that was made
        from this process's inputs, else built now."""
        key = inputs_key(index_dir)
        found = _stored(index_dir, key)
        if found is None:
            logger.info("no current %s in %s (reindex writes it): building the pinyin table", FILE, index_dir)
            return cls.build(key)
        return found

    def write(self, index_dir: str | Path) -> None:
        """Write the table into the index folder (atomically: a searcher reads
        either the old file or the new one)."""
        path = Path(index_dir) / FILE
        temporary = path.with_name(path.name + ".tmp")
        with open(temporary, "wb") as file:
            np.savez_compressed(file, **{name: getattr(self, name) for name in _ARRAYS})
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)

    def syllables(self, word: str) -> list[str] | None:
        """The toneless pinyin of each character, or None if one has none."""
        codes = np.array([ord(c) for c in word], dtype=np.uint32)
        at = np.searchsorted(self.char_codes, codes)
        if not len(codes) or at.max() >= len(self.char_codes) or (self.char_codes[at] != codes).any():
            return None
        return self.readings[self.char_readings[at]].tolist()

    def words(self, pinyin: str) -> list[str]:
        """The words whose full pinyin is ``pinyin`` (``neihe``)."""
        return _lookup(self.full_keys, self.full_starts, self.full_words, pinyin)

    def words_by_initials(self, initials: str) -> list[str]:
        """The words whose syllables start with these letters (``nh``)."""
        return _lookup(self.initial_keys, self.initial_starts, self.initial_words, initials)


def _lookup(keys: np.ndarray, starts: np.ndarray, words: np.ndarray, key: str) -> list[str]:
    at = int(np.searchsorted(keys, key))
    if at == len(keys) or keys[at] != key:
        return []
    return words[starts[at] : starts[at + 1]].tolist()


def _stored(index_dir: str | Path, key: str) -> PinyinTable | None:
    """The table in the index folder if it was made from the inputs ``key``."""
    path = Path(index_dir) / FILE
    try:
        with np.load(path, allow_pickle=False) as stored:
            if str(stored["key"]) == key:
                return PinyinTable({name: stored[name] for name in _ARRAYS})
    except FileNotFoundError:
        pass
    except (OSError, ValueError, KeyError) as exc:
        logger.warning("cannot read %s: %s", path, exc)
    return None


def is_current(index_dir: str | Path) -> bool:
    """Whether the index folder holds the table of this process's inputs."""
    return _stored(index_dir, inputs_key(index_dir)) is not None


def write_table(index_dir: str | Path) -> None:
    """Build the table and write it into the index folder; jieba must have
    the index's user dictionary loaded."""
    PinyinTable.build(inputs_key(index_dir)).write(index_dir)
