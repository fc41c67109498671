"""Write search/data/traditional_chars.txt: the character folding of 繁简通搜.

    .venv/bin/python scripts/make_fold_table.py

Each CJK ideograph (U+3400..U+4DBF, U+4E00..U+9FFF) is converted on its own
with OpenCC ``t2s``, then ``tw2s``, then ``hk2s`` (the first that changes it).
A character is folded when the result is one character (one-to-many
conversions are skipped: folding must keep the length of the text) and the
character is not an ordinary simplified character itself: those in GB 2312
stay, except the few whose simplified use is marginal (後, 於, ...; see
FOLD_ANYWAY).  A chain (A -> B, B -> C) folds A to C.

The table is part of the index format: changing it needs a new
search.schema.SCHEMA_VERSION.  OpenCC is the reference converter; the table
is committed so that the index does not depend on the installed version.
"""

from __future__ import annotations

from pathlib import Path

import opencc

OUT = Path(__file__).resolve().parent.parent / "search" / "data" / "traditional_chars.txt"
#: GB 2312 characters that are still folded: in simplified text they are rare
#: variants of their target (之後/之后, 對於/对于, 什麽/什么).
FOLD_ANYWAY = set("後於夥徵摺菸醣麽榘拚")


def is_simplified(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def table() -> dict[str, str]:
    converters = [opencc.OpenCC(name) for name in ("t2s", "tw2s", "hk2s")]
    folds = {}
    for code in [*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000)]:
        char = chr(code)
        for converter in converters:
            result = converter.convert(char)
            if result != char:
                if len(result) == 1 and (char in FOLD_ANYWAY or not is_simplified(char)):
                    folds[char] = result
                break
    return {a: folds.get(b, b) for a, b in folds.items()}


def main() -> None:
    folds = table()
    lines = [f"{a}{b}\n" for a, b in sorted(folds.items())]
    header = "# traditional -> simplified character folding, written by scripts/make_fold_table.py\n"
    OUT.write_text(header + "".join(lines), encoding="utf-8")
    print(f"{OUT}: {len(lines)} characters")


if __name__ == "__main__":
    main()
