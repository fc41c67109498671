"""The literal file of a segment: what the literal matcher reads, written at index time.

Every Whoosh segment of an index has one, ``<segment id>.lit`` (the segment's
own file-name prefix, so Whoosh deletes it with the segment), written by the
segment's writer before the commit publishes the segment (search.writer).
It holds, for the segment's documents (deleted ones included, as in Whoosh):

- a record per document, two zstd frames: its text part, the text
  (:func:`search.document.joined_text`) normalised, UTF-8, with the
  positions and characters that normalising changed and the Markdown's
  aside texts (:func:`search.markdown_text.aside_texts`, for snippets);
  then its Markdown
  (the article page's), compressed with the text part as its dictionary
  (raw content): the text is mostly the Markdown's, so the two take no more
  than compressed together, and verifying a literal match, ranking, or a
  snippet decompresses the text part alone, under half the record;
- the zstd dictionaries the text parts are compressed with: the writer of a
  segment trains one on its new documents (a quarter smaller records on the
  LCTT corpus than without), and a merge copies the records of the segments
  it merges together with their dictionaries, compressed as they were;
- CJK character -> sorted docnums and pair -> sorted docnums, a list of
  docnums, or a bitmap of the segment's documents where that is smaller (a
  character or pair in more than one document in 16, or 32); a pair is two
  CJK characters in a row, or a Latin letter or digit and a CJK character
  next to each other, spaces between or not (:func:`needle_keys`);
- the segment's English words (:data:`ENGLISH_WORD`, for spelling hints) ->
  sorted docnums.

Layout, little-endian: a header (magic, document count, docnum width, then
the offset and length of each section), then the sections, each aligned to 8
bytes, in the order of :data:`_SECTIONS`.  A reader memory-maps the file and
views each section as a numpy array in place (merges copy postings from
these views), but what a search reads it reads with ``pread``: the posting
lists it looks up, the records, the zstd dictionaries, the English words.
Pages of a map stay counted in a worker's resident memory once touched, with
their neighbours (the kernel maps a window around each page fault): a
benchmark's searches left a large share of the literal files in each
worker's RSS, most of it the sorted codes that each lookup's binary search
had probed.  Read, the pages stay in the page cache,
shared by every process, and out of RSS.  Opening a file reads nothing per
document.
"""

from __future__ import annotations

import functools
import mmap
import os
import re
import struct
import sys
import weakref
from pathlib import Path

import numpy as np
import zstandard

from search.analysis import CJK_RANGES as _CJK_RANGES
from search.analysis import CJK_RUN as _CJK_RUN
from search.analysis import normalize
from search.markdown_text import aside_texts

#: The extension of a segment's literal file (Whoosh names it "<segment id>.lit").
EXTENSION = ".lit"

_MAGIC = b"ZHLIT\x00\x00\x07"
#: The English words of a text (normalised: lower case) that spelling hints
#: know (search.spelling): unstemmed, three letters or more.
ENGLISH_WORD = re.compile(r"[a-z]{3,}")
#: (name, dtype) of each section; "docnum" is uint16 or uint32 (header).
_SECTIONS = (
    ("ends", "<u8"),  # end offset of each document's record within "records"
    ("char_codes", "<u4"),  # sorted CJK characters (code points)
    ("char_starts", "<u4"),  # character i's docnums: char_docs[starts[i]:starts[i + 1]]
    ("char_docs", "docnum"),
    ("char_dense_codes", "<u4"),  # sorted characters whose documents are a bitmap...
    ("char_dense_counts", "<u4"),  # ...of this many documents...
    ("char_dense_bits", "u1"),  # ...one row of ceil(count / 8) bytes each, little-endian bit order
    ("pair_codes", "<u4"),  # sorted pairs, first << 16 | second (both in the BMP)
    ("pair_starts", "<u4"),
    ("pair_docs", "docnum"),
    ("pair_dense_codes", "<u4"),
    ("pair_dense_counts", "<u4"),
    ("pair_dense_bits", "u1"),
    ("word_text", "u1"),  # the sorted English words, ASCII, each followed by "\n"
    ("word_starts", "<u4"),
    ("word_docs", "docnum"),
    ("dict_ends", "<u8"),  # end offset of each zstd dictionary within "dicts"
    ("dicts", "u1"),
    ("record_dicts", "<u2"),  # per document: 1 + the index of its record's dictionary, 0 for none
    ("records", "u1"),  # per document: text part size, zstd(lengths, text, positions, characters), zstd(Markdown)
)
_HEADER = struct.Struct(f"<8sQQ{2 * len(_SECTIONS)}Q")
_RECORD_HEAD = struct.Struct("<III")  # text bytes, changes, aside text bytes: a text part's start
_FRAME_SIZE = struct.Struct("<I")  # a record's start: the size of its text part's frame
#: Posting lists intersected per needle (its rarest): more rarely removes a candidate.
MAX_LISTS = 4
#: zstd's level: with a dictionary, 6 compresses these records 10 % better
#: than 3 at a third of 9's cost (LCTT corpus).
_LEVEL = 6
#: A segment's own dictionary is trained on its new documents when they have
#: this many bytes of records, and takes a hundredth of them, up to
#: :data:`DICTIONARY_SIZE` (larger ones gained under 1 %).
DICTIONARY_MIN_BYTES = 1 << 20
DICTIONARY_SIZE = 256_000
#: It is trained on about this many bytes of them, evenly spread (more
#: trained several times slower for no gain).
DICTIONARY_SAMPLE = 8 << 20

_EMPTY = np.zeros(0, dtype=np.uint32)


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype="<u4")


def _distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values (np.unique hashes: several times slower here)."""
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if len(values) else values


def _is_cjk(points: np.ndarray) -> np.ndarray:
    mask = np.zeros(len(points), dtype=bool)
    for lo, hi in _CJK_RANGES:
        mask |= (points >= lo) & (points <= hi)
    return mask


@functools.lru_cache(maxsize=1024)
def needle_keys(needle: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The distinct (characters, pairs) whose postings a normalised needle's
    documents all have, sorted: each CJK run of one character gives that
    character, each longer run its pairs; and each Latin letter or digit
    next to a CJK character, spaces between, gives their pair
    (:func:`_mixed_pairs`).  Kept: a needle is looked up in every segment."""
    chars, pairs = set(), set()
    for run in _CJK_RUN.findall(needle):
        if len(run) == 1:
            chars.add(ord(run))
        else:
            pairs.update(ord(run[i]) << 16 | ord(run[i + 1]) for i in range(len(run) - 1))
    points = _code_points(needle)
    pairs.update(_mixed_pairs(points, _is_cjk(points)).tolist())
    return tuple(sorted(chars)), tuple(sorted(pairs))


def _mixed_pairs(points: np.ndarray, cjk: np.ndarray) -> np.ndarray:
    """The codes of each ASCII letter or digit (normalised: lower case) and
    the CJK character after it, or of each CJK character and the letter or
    digit after it, with only spaces between (``c语言``, ``linux 内核``):
    ``first << 16 | second``, as a pair of CJK characters, never equal to
    one (a CJK character is above 0x3400, a letter below 0x80).  A CJK run
    says little of a needle that is a Latin word and a common CJK word;
    their meeting point is rare."""
    count = len(points)
    if not count or not cjk.any():
        return np.zeros(0, dtype=np.uint64)
    latin = ((points >= 0x30) & (points <= 0x39)) | ((points >= 0x61) & (points <= 0x7A))
    places = np.arange(count)
    solid = points != 0x20
    # the nearest character other than a space before and after each position (-1, count: none)
    before = np.concatenate(([-1], np.maximum.accumulate(np.where(solid, places, -1))[:-1]))
    after = np.concatenate((np.minimum.accumulate(np.where(solid, places, count)[::-1])[::-1][1:], [count]))
    first = cjk & (before >= 0)
    first[first] = latin[before[first]]
    last = cjk & (after < count)
    last[last] = latin[after[last]]
    codes = np.concatenate(((points[before[first]].astype(np.uint64) << np.uint64(16)) | points[first],
                            (points[last].astype(np.uint64) << np.uint64(16)) | points[after[last]]))
    return _distinct(codes)


#: One code in this many is kept in memory to search a literal file's codes
#: (:meth:`TextFile._find_code`): a pread of 4 kB finds the rest.
_CODES_STEP = 1024


class TextFileWriter:
    """Collects the documents of a new segment in docnum order, then writes its file.

    Documents come one by one (:meth:`add`) or, when Whoosh merges segments,
    as the live documents of an existing segment's file (:meth:`add_file`:
    their records and postings are copied, not computed again).
    """

    def __init__(self):
        self.count = 0
        self._parts: list[bytes] = []  # the new documents' text parts, uncompressed
        self._markdowns: list[bytes] = []
        self._copied: list[tuple[bytes, int]] = []  # merged documents' (record, 1 + index in _dictionaries or 0)
        self._dictionaries: dict[bytes, int] = {}  # the merged records' dictionaries -> 1 + index
        self._char_keys: list[np.ndarray] = []  # code << 32 | docnum, per part
        self._pair_keys: list[np.ndarray] = []
        self._words: dict[str, list[int]] = {}  # English word -> docnums, ascending

    def add(self, original: str, markdown: str = "") -> None:
        """Add the next document, given its text as written and its Markdown."""
        if self._copied:
            raise ValueError("new documents come before merged ones")
        text = normalize(original)
        points = _code_points(text)
        cjk = _is_cjk(points)
        doc = np.uint64(self.count)
        chars = _distinct(points[cjk]).astype(np.uint64)
        both = cjk[:-1] & cjk[1:]
        pairs = np.union1d(_distinct((points[:-1][both] << 16) | points[1:][both]).astype(np.uint64),
                           _mixed_pairs(points, cjk))
        self._char_keys.append((chars << np.uint64(32)) | doc)
        self._pair_keys.append((pairs << np.uint64(32)) | doc)
        for word in set(ENGLISH_WORD.findall(text)):
            self._words.setdefault(word, []).append(self.count)
        changed = np.flatnonzero(_code_points(original) != points).astype("<u4") if original != text else _EMPTY
        encoded = text.encode("utf-8")
        asides = "\n".join(sorted(aside_texts(markdown))).encode("utf-8")  # each on one line
        self._parts.append(
            _RECORD_HEAD.pack(len(encoded), len(changed), len(asides))
            + encoded
            + changed.tobytes()
            + _code_points(original)[changed].astype("<u4").tobytes()
            + asides
        )
        self._markdowns.append(markdown.encode("utf-8"))
        self.count += 1

    def add_file(self, source: TextFile, live: np.ndarray) -> None:
        """Add the documents ``live`` (sorted docnums) of an existing segment's file."""
        mapping = np.full(len(source), -1, dtype=np.int64)
        mapping[live] = np.arange(self.count, self.count + len(live))
        for keys, kind in ((self._char_keys, "char"), (self._pair_keys, "pair")):
            for codes, docs in source.all_postings(kind):
                new = mapping[docs]
                kept = new >= 0
                keys.append((codes[kept].astype(np.uint64) << np.uint64(32)) | new[kept].astype(np.uint64))
        starts = source.word_starts.tolist()
        for i, word in enumerate(source.words()):
            new = mapping[source.word_docs[starts[i] : starts[i + 1]]]
            if (new >= 0).any():
                self._words.setdefault(word, []).extend(new[new >= 0].tolist())
        numbers = {0: 0}  # the source's dictionary numbers -> ours, for those its live documents use
        for number in np.unique(source.record_dicts[live]).tolist():
            if number:
                numbers[number] = self._dictionaries.setdefault(source.dictionary(number), len(self._dictionaries) + 1)
        self._copied.extend((source.record(d), numbers[int(source.record_dicts[d])]) for d in live.tolist())
        self.count += len(live)

    def _records(self) -> tuple[list[bytes], list[bytes], np.ndarray]:
        """(records, dictionaries, 1 + each record's dictionary index or 0):
        the new documents compressed with a dictionary trained on them, the
        merged ones as they were, with theirs."""
        dictionaries = list(self._dictionaries)
        total = sum(map(len, self._parts))
        own = None
        if total >= DICTIONARY_MIN_BYTES:
            step = max(1, total // DICTIONARY_SAMPLE)
            try:
                own = zstandard.train_dictionary(min(DICTIONARY_SIZE, total // 100), self._parts[::step])
            except zstandard.ZstdError:  # too uniform to train on: compressed as they are
                pass
            else:
                dictionaries.append(own.as_bytes())
        compressor = zstandard.ZstdCompressor(level=_LEVEL, dict_data=own)
        records = [_record(compressor.compress(part), part, markdown) for part, markdown in zip(self._parts, self._markdowns)]
        used = [len(dictionaries) if own is not None else 0] * len(records)
        for record, number in self._copied:
            records.append(record)
            used.append(number)
        return records, dictionaries, np.array(used, dtype="<u2")

    def write(self, path: Path) -> None:
        """Write the file (flushed to disk before the commit that publishes it)."""
        docnum = "<u2" if self.count <= 1 << 16 else "<u4"
        sections = {}
        records, dictionaries, sections["record_dicts"] = self._records()
        sections["ends"] = np.cumsum([len(r) for r in records], dtype=np.uint64).astype("<u8")
        sections["dict_ends"] = np.cumsum([len(d) for d in dictionaries], dtype=np.uint64).astype("<u8")
        sections["dicts"] = np.frombuffer(b"".join(dictionaries), dtype="u1")
        row = (self.count + 7) // 8
        # a merge's keys are hundreds of MB at ten times the LCTT corpus: each
        # step frees what it read before the next one allocates
        for name, parts in (("char", self._char_keys), ("pair", self._pair_keys)):
            keys = np.empty(sum(map(len, parts)), dtype=np.uint64)
            at = 0
            for i, part in enumerate(parts):  # each part freed once copied
                keys[at : at + len(part)] = part
                at += len(part)
                parts[i] = None
            parts.clear()
            keys.sort()
            high = 1 if sys.byteorder == "little" else 0  # the half of each key that holds its code
            halves = keys.view(np.uint32).reshape(-1, 2)
            codes, docs = halves[:, high].astype("<u4"), halves[:, 1 - high].copy()
            del keys, halves
            first = np.flatnonzero(np.concatenate(([True], codes[1:] != codes[:-1]))) if len(codes) else _EMPTY
            counts = np.diff(np.append(first, len(codes)))
            dense = counts * np.dtype(docnum).itemsize > row  # a bitmap is smaller than the list
            listed = np.repeat(~dense, counts)
            unique = codes[first]
            sections[f"{name}_codes"] = unique[~dense]
            sections[f"{name}_starts"] = np.append(0, np.cumsum(counts[~dense])).astype("<u4")
            sections[f"{name}_docs"] = docs[listed].astype(docnum)
            bits = np.zeros((int(dense.sum()), row), dtype=np.uint8)
            rows, mapped = np.repeat(np.arange(len(bits), dtype=np.uint32), counts[dense]), docs[~listed]
            np.bitwise_or.at(bits, (rows, mapped >> 3), np.left_shift(np.uint8(1), (mapped & 7).astype(np.uint8)))
            sections[f"{name}_dense_codes"] = unique[dense]
            sections[f"{name}_dense_counts"] = counts[dense].astype("<u4")
            sections[f"{name}_dense_bits"] = bits.ravel()
            del codes, docs, bits
        words = sorted(self._words)
        sections["word_text"] = np.frombuffer("".join(f"{w}\n" for w in words).encode("ascii"), dtype="u1")
        sections["word_starts"] = np.cumsum([0] + [len(self._words[w]) for w in words]).astype("<u4")
        sections["word_docs"] = np.array([d for w in words for d in self._words[w]], dtype=docnum)
        offset = _HEADER.size
        layout = []
        blobs = []
        for name, _ in _SECTIONS:  # written as they are, not joined into copies
            pieces = records if name == "records" else [np.ascontiguousarray(sections[name]).view(np.uint8)]
            size = sum(map(len, pieces))
            offset += -offset % 8
            layout += [offset, size]
            blobs.append((offset, pieces))
            offset += size
        with open(path, "wb") as file:
            file.write(_HEADER.pack(_MAGIC, self.count, np.dtype(docnum).itemsize, *layout))
            for at, pieces in blobs:
                file.seek(at)
                file.writelines(pieces)
            file.flush()
            os.fsync(file.fileno())


class TextFile:
    """A segment's literal file, memory-mapped: its arrays are views of the
    map; a search reads it with ``pread`` (see the module doc)."""

    def __init__(self, path: Path):
        self.path = path
        self._fd = os.open(path, os.O_RDONLY)
        weakref.finalize(self, os.close, self._fd)  # readable after a commit deletes the file (POSIX)
        self._map = mmap.mmap(self._fd, 0, access=mmap.ACCESS_READ)
        magic, self.count, width, *layout = _HEADER.unpack_from(self._map)
        if magic != _MAGIC:
            raise ValueError(f"{path} is not a literal file of this version")
        docnum = self._docnum = {2: "<u2", 4: "<u4"}[width]
        self._row = (self.count + 7) // 8
        self._offsets: dict[str, int] = {}  # where each section starts, for _read
        for (name, dtype), offset, size in zip(_SECTIONS, layout[0::2], layout[1::2]):
            dtype = np.dtype(docnum if dtype == "docnum" else dtype)
            setattr(self, name, np.frombuffer(self._map, dtype=dtype, count=size // dtype.itemsize, offset=offset))
            self._offsets[name] = offset
        self._decompressors: dict[int, zstandard.ZstdDecompressor] = {}
        self._samples: dict[str, np.ndarray] = {}  # kind -> every _CODES_STEP-th code (_find_code)

    def words(self) -> list[str]:
        """The English words of the segment's documents, sorted."""
        return self._read("word_text", 0, len(self.word_text)).decode("ascii").split("\n")[:-1]

    def word_counts(self) -> dict[str, int]:
        """English word -> the number of the segment's documents having it
        (deleted ones included, as Whoosh's document frequencies)."""
        starts = np.frombuffer(self._read("word_starts", 0, self.word_starts.nbytes), dtype="<u4")
        return dict(zip(self.words(), np.diff(starts.astype(np.int64)).tolist()))

    def __len__(self) -> int:
        return self.count

    def dictionary(self, number: int) -> bytes:
        """zstd dictionary ``number`` (counted from 1: ``record_dicts`` holds 0 for none)."""
        start = int(self.dict_ends[number - 2]) if number > 1 else 0
        return self._read("dicts", start, int(self.dict_ends[number - 1]))

    def record(self, docnum: int) -> bytes:
        """The compressed record of a document (its dictionary: ``record_dicts[docnum]``)."""
        start = int(self.ends[docnum - 1]) if docnum else 0
        return self._read("records", start, int(self.ends[docnum]))

    def _read(self, section: str, start: int, end: int) -> bytes:
        """Bytes ``start:end`` of a section, read with ``pread``: what a
        search reads, whose pages would stay in the worker's RSS through the
        map (see the module doc)."""
        return os.pread(self._fd, end - start, self._offsets[section] + start)

    def text_part(self, docnum: int) -> bytes:
        """The decompressed text part of a document's record: read it with
        :func:`record_text` and :func:`record_texts`."""
        return self._text_part(int(self.record_dicts[docnum]), self.record(docnum))

    def _text_part(self, number: int, record: bytes) -> bytes:
        return self._decompressor(number).decompress(_frames(record)[0])

    def _decompressor(self, number: int) -> zstandard.ZstdDecompressor:
        """The decompressor of the records of dictionary ``number`` (0: none)."""
        decompressor = self._decompressors.get(number)
        if decompressor is None:
            decompressor = self._decompressors[number] = zstandard.ZstdDecompressor(
                dict_data=zstandard.ZstdCompressionDict(self.dictionary(number)) if number else None)
        return decompressor

    def text(self, docnum: int) -> bytes:
        """The normalised text of a document, UTF-8."""
        return record_text(self.text_part(docnum))

    def markdown(self, docnum: int, text_part: bytes | None = None) -> str:
        """The Markdown of a document (``text_part``: its text part, when the caller has it)."""
        record = self.record(docnum)
        frame = _frames(record)[1]
        if not frame:
            return ""
        if text_part is None:
            text_part = self._text_part(int(self.record_dicts[docnum]), record)
        prefix = zstandard.ZstdCompressionDict(text_part, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
        return zstandard.ZstdDecompressor(dict_data=prefix).decompress(frame).decode("utf-8")

    def texts(self, docnum: int) -> tuple[str, str]:
        """The text of a document as written, and normalised (of the same length)."""
        return record_texts(self.text_part(docnum))

    def postings(self, kind: str, code: int) -> np.ndarray:
        """The sorted docnums of a character (``kind="char"``) or pair code."""
        return self._docs(self._list(kind, code))

    def _list(self, kind: str, code: int) -> tuple[int, str, int, bool]:
        """(length, kind, where, whether a bitmap) of a code's posting list:
        ``where`` is the start of its docnums in ``<kind>_docs``, or its row
        of ``<kind>_dense_bits``; length 0 if it has none."""
        code = np.uint32(code)  # a Python int would have numpy convert a whole array to compare
        i = self._find_code(kind, code)
        if i >= 0:
            start, end = np.frombuffer(self._read(f"{kind}_starts", 4 * i, 4 * i + 8), dtype="<u4").tolist()
            return end - start, kind, start, False
        codes = getattr(self, f"{kind}_dense_codes")  # a few hundred: mapped
        i = int(np.searchsorted(codes, code))
        if i < len(codes) and codes[i] == code:
            return int(getattr(self, f"{kind}_dense_counts")[i]), kind, i, True
        return 0, kind, -1, False

    def _find_code(self, kind: str, code: np.uint32) -> int:
        """The index of ``code`` in ``<kind>_codes``, -1 if absent.  A binary
        search of the mapped array would leave most of its pages in the
        worker's RSS (see the module doc), so the file is searched with a copy of every :data:`_CODES_STEP`-th code, then one
        ``pread`` of the part of the codes it points to."""
        sample = self._samples.get(kind)
        if sample is None:
            codes = np.frombuffer(self._read(f"{kind}_codes", 0, getattr(self, f"{kind}_codes").nbytes), dtype="<u4")
            sample = self._samples[kind] = codes[::_CODES_STEP].copy()
        part = int(np.searchsorted(sample, code, side="right")) - 1
        if part < 0:
            return -1
        first = part * _CODES_STEP
        last = min(first + _CODES_STEP, len(getattr(self, f"{kind}_codes")))
        codes = np.frombuffer(self._read(f"{kind}_codes", 4 * first, 4 * last), dtype="<u4")
        i = int(np.searchsorted(codes, code))
        return first + i if i < len(codes) and codes[i] == code else -1

    def _bitmap(self, kind: str, row: int) -> np.ndarray:
        return np.frombuffer(self._read(f"{kind}_dense_bits", row * self._row, (row + 1) * self._row), dtype="u1")

    def _docs(self, found: tuple[int, str, int, bool]) -> np.ndarray:
        length, kind, where, dense = found
        if not length:
            return _EMPTY
        if dense:
            return np.flatnonzero(np.unpackbits(self._bitmap(kind, where), count=self.count, bitorder="little")
                                  ).astype(self._docnum)
        width = np.dtype(self._docnum).itemsize
        return np.frombuffer(self._read(f"{kind}_docs", where * width, (where + length) * width), dtype=self._docnum)

    def _intersect(self, docs: np.ndarray, found: tuple[int, str, int, bool]) -> np.ndarray:
        """The sorted ``docs`` that are in a posting list (a bitmap is tested bit by bit, not unpacked)."""
        _, kind, where, dense = found
        if not dense:
            return np.intersect1d(docs, self._docs(found), assume_unique=True)
        return docs[(self._bitmap(kind, where)[docs >> 3] >> (docs & 7).astype(np.uint8)) & 1 == 1]

    def all_postings(self, kind: str):
        """(codes, docnums) of every posting of ``kind``, in parts."""
        yield np.repeat(getattr(self, f"{kind}_codes"), np.diff(getattr(self, f"{kind}_starts").astype(np.int64))), \
            getattr(self, f"{kind}_docs").astype(np.int64)
        codes, bits = getattr(self, f"{kind}_dense_codes"), getattr(self, f"{kind}_dense_bits")
        for start in range(0, len(codes), 256):  # a bounded slice of the bitmaps at a time
            part = bits[start * self._row : (start + 256) * self._row].reshape(-1, self._row)
            rows, docs = np.nonzero(np.unpackbits(part, axis=1, count=self.count, bitorder="little"))
            yield codes[start + rows], docs.astype(np.int64)

    def find(self, needle: str, work: Work, known: np.ndarray | None = None) -> np.ndarray:
        """Sorted docnums whose text contains the normalised ``needle`` (which
        has CJK text): the documents having its :data:`MAX_LISTS` rarest
        characters and pairs, each verified, except for a needle that is one
        pair or one character (its postings are the answer) and for the documents of
        ``known`` (sorted docnums known to contain it).  Only the lengths of
        the other posting lists are read: verification is exact anyway, and
        the work stays bounded by the segment's size whatever the needle."""
        chars, pairs = needle_keys(needle)
        lists = [self._list("char", c) for c in chars] + [self._list("pair", p) for p in pairs]
        if not lists:
            return _EMPTY
        lists.sort(key=lambda found: found[0])
        found = self._docs(lists[0])
        work.postings += len(found)
        for other in lists[1:MAX_LISTS]:
            if not len(found):
                break
            work.postings += other[0]
            found = self._intersect(found, other)
        if len(needle) <= 2 and _CJK_RUN.fullmatch(needle):  # one CJK pair or character
            return found
        pattern = needle.encode("utf-8")
        sure = np.isin(found, known, assume_unique=True) if known is not None and len(known) else None
        unsure = found if sure is None else found[~sure]
        work.verified += len(unsure)
        verified = self._containing(unsure, pattern)
        return verified if sure is None else np.union1d(found[sure], verified).astype(np.uint32)

    def _containing(self, docs: np.ndarray, pattern: bytes) -> np.ndarray:
        """The ``docs`` whose normalised text contains ``pattern``: each
        record read and decompressed, the text searched in place (the
        records' offsets and dictionaries looked up for all at once)."""
        starts = np.where(docs > 0, self.ends[np.maximum(docs.astype(np.int64) - 1, 0)], 0).tolist()
        ends = self.ends[docs].tolist()
        numbers = self.record_dicts[docs].tolist()
        base, head = self._offsets["records"], _RECORD_HEAD.size
        kept = []
        for doc, start, end, number in zip(docs.tolist(), starts, ends, numbers):
            part = self._text_part(number, os.pread(self._fd, end - start, base + start))
            if part.find(pattern, head, head + _RECORD_HEAD.unpack_from(part)[0]) >= 0:
                kept.append(doc)
        return np.array(kept, dtype=np.uint32)


def _record(frame: bytes, part: bytes, markdown: bytes) -> bytes:
    """A document's record: the size of its text part's ``frame``, the
    frame, then its ``markdown`` compressed with the text ``part`` as dictionary."""
    if markdown:
        prefix = zstandard.ZstdCompressionDict(part, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
        markdown = zstandard.ZstdCompressor(level=_LEVEL, dict_data=prefix).compress(markdown)
    return _FRAME_SIZE.pack(len(frame)) + frame + markdown


def _frames(record: bytes) -> tuple[bytes, bytes]:
    """A record's two frames (:func:`_record`): its text part's, its Markdown's."""
    end = _FRAME_SIZE.size + _FRAME_SIZE.unpack_from(record)[0]
    return record[_FRAME_SIZE.size : end], record[end:]


def record_text(part: bytes) -> bytes:
    """The normalised text of a document's text part (TextFile.text_part), UTF-8."""
    size = _RECORD_HEAD.unpack_from(part)[0]
    return part[_RECORD_HEAD.size : _RECORD_HEAD.size + size]


def record_asides(part: bytes) -> frozenset[str]:
    """The aside texts (:func:`search.markdown_text.aside_texts`) of a document's text part."""
    size = _RECORD_HEAD.unpack_from(part)[2]
    return frozenset(part[len(part) - size :].decode("utf-8").split("\n")) if size else frozenset()


def record_texts(part: bytes) -> tuple[str, str]:
    """The text of a document's text part as written, and normalised (of the same length)."""
    size, changes, _ = _RECORD_HEAD.unpack_from(part)
    at = _RECORD_HEAD.size + size
    normalized = part[_RECORD_HEAD.size : at].decode("utf-8")
    if not changes:
        return normalized, normalized
    points = _code_points(normalized).copy()
    positions = np.frombuffer(part, dtype="<u4", count=changes, offset=at)
    points[positions] = np.frombuffer(part, dtype="<u4", count=changes, offset=at + 4 * changes)
    return points.tobytes().decode("utf-32-le"), normalized


class Work:
    """What literal matching did: postings read and candidates verified (a
    bound on a query's cost that does not depend on the machine)."""

    def __init__(self):
        self.postings = 0
        self.verified = 0

    def __repr__(self):
        return f"Work(postings={self.postings}, verified={self.verified})"
