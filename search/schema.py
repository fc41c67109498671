"""The index schema: field names and field types shared by writer and reader.

The field types below are pickled into the index, so their import paths are
part of the on-disk format (see :data:`SCHEMA_VERSION`).
"""

from __future__ import annotations

from array import array
from itertools import accumulate

import numpy as np
from whoosh import fields, formats
from whoosh.analysis import LowercaseFilter

from search.analysis import ChineseTokenizer, normalize, word_positions

#: Bumped whenever the fields or their analysis change; stored in the index.
SCHEMA_VERSION = 12  # 2: a literal file per segment (search.text_file); 3: traditional folded; alt text,
# link titles, footnotes; c and r are words; 4: a leading dot is part of a word (.net, .bashrc);
# 5: the English words of spelling hints are in the literal file, not a field; 6: so is the Markdown;
# 7: the literal file's dense posting lists are bitmaps; 8: postings hold frequencies, the field weights apply
# at query time (search.score); 9: smaller posting blocks, short posting lists inlined (search.whoosh_adapter);
# 10: literal records compressed with a dictionary per segment (search.text_file); 11: the literal file's
# pairs include a Latin letter or digit next to a CJK character; 12: a literal record's text and Markdown are
# frames of their own

#: Text fields searched by free text, with their BM25F weights (applied at
#: query time, search.score: the postings hold plain frequencies).
TEXT_FIELDS = {"title": 10.0, "tags_text": 3.0, "summary": 1.0, "body": 1.0}

#: The text fields whose text the literal files hold (search.document.joined_text).
LITERAL_FIELDS = ("title", "summary", "body")

#: Separator of the values in multi-valued column fields (``tag_values``).
VALUE_SEPARATOR = "\x1f"


class CompactPositions(formats.Positions):
    """Positions stored as a typecode byte plus a packed array of deltas.

    Whoosh's own Positions format pickles each list behind a 4-byte count:
    about 13 bytes for a word that occurs once; this takes 2 or 3.
    """

    def encode(self, poslist):
        deltas = [b - a for a, b in zip([0, *poslist], poslist)]
        top = max(deltas)
        code = "B" if top < 0x100 else "H" if top < 0x10000 else "I"
        return code.encode("ascii") + array(code, deltas).tobytes()

    def decode_positions(self, valuestring):
        deltas = array(chr(valuestring[0]))
        deltas.frombytes(valuestring[1:])
        return list(accumulate(deltas))

    def decode_many(self, valuestrings: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
        """(row, position) of every position of a list of encoded values
        (the row: the value's index), decoded with numpy a typecode at a
        time; rows in no particular order."""
        rows, positions = [], []
        codes = np.frombuffer(bytes(v[0] for v in valuestrings), dtype=np.uint8)
        for code in np.unique(codes).tolist():
            group = np.flatnonzero(codes == code)
            size = np.dtype(chr(code)).itemsize  # array's typecodes, as numpy's: native order
            chosen = [valuestrings[i] for i in group.tolist()]
            counts = (np.fromiter(map(len, chosen), dtype=np.int64, count=len(chosen)) - 1) // size
            totals = np.cumsum(np.frombuffer(b"".join(v[1:] for v in chosen), dtype=chr(code)), dtype=np.int64)
            before = np.concatenate(([0], totals))[np.cumsum(counts) - counts]  # each value's deltas add up from 0
            rows.append(np.repeat(group, counts))
            positions.append(totals - np.repeat(before, counts))
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(rows), np.concatenate(positions)

    def decode_frequency(self, valuestring):
        return (len(valuestring) - 1) // array(chr(valuestring[0])).itemsize

    def decode_weight(self, valuestring):
        return self.decode_frequency(valuestring)  # postings hold frequencies (the field weights: search.score)


class WordsField(fields.TEXT):
    """A TEXT field analysed into words with :class:`ChineseTokenizer`.

    ``index`` computes the postings straight from :func:`word_positions`
    instead of streaming Token objects through the analyzer: same result,
    a fraction of the cost, which matters for a whole archive.
    """

    def __init__(self, stored: bool = False, phrase: bool = True):
        super().__init__(analyzer=ChineseTokenizer() | LowercaseFilter(), phrase=phrase, stored=stored)
        if phrase:
            self.format = CompactPositions()

    def index(self, value, **kwargs):
        return _postings(self.format, word_positions(normalize(value)))


def _postings(fmt, positions: dict[str, list[int]]):
    encode = fmt.encode
    return [(term.encode("utf-8"), len(plist), float(len(plist)), encode(plist)) for term, plist in positions.items()]


def build_schema() -> fields.Schema:
    """A new instance of the article schema."""
    return fields.Schema(
        # identity and change detection
        key=fields.ID(stored=True, unique=True, sortable=True),
        path=fields.ID(stored=True, unique=True, sortable=True),
        id=fields.ID(stored=True, sortable=True),
        fingerprint=fields.COLUMN(),
        # text, searched by free text
        title=WordsField(stored=True),
        tags_text=WordsField(),
        summary=WordsField(stored=True),
        body=WordsField(),
        # facets and filters
        tag=fields.KEYWORD(commas=True, scorable=True),
        tag_values=fields.COLUMN(),
        category=fields.ID(stored=True, sortable=True),
        author=fields.KEYWORD(commas=True, lowercase=True),
        date=fields.DATETIME(stored=True, sortable=True),
        views=fields.NUMERIC(int, bits=64, stored=True, sortable=True),
        # shown on result and article pages
        tags=fields.STORED(),
        authors=fields.STORED(),
        meta=fields.STORED(),
    )
