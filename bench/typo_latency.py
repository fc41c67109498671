"""Latency of "did you mean" on a full index, against Whoosh's own corrector.

    .venv/bin/python bench/typo_latency.py --index /tmp/lctt_index [--rounds 5]

Times search.spelling.SpellingHints.did_you_mean (the hint of a search) on misspelt
English words, homophone typos and typed pinyin, after one untimed pass (its
tables are built then, as Index.warm does), and Whoosh's corrector over
the body field's words (``searcher.corrector("body").suggest``, the kind of
hint this replaced) on the English words.  Prints p50/p95 and each query's
hint.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from plain_whoosh import summarize_ms  # noqa: E402

import search  # noqa: E402
from search.query import parse  # noqa: E402

ENGLISH = ["kubernets", "dokcer", "pyhton", "ubunut", "javascirpt", "sytemd", "nignx", "firefx"]
CHINESE = ["内和", "镜象", "容气", "编意", "数剧库", "防火强"]
PINYIN = ["neihe", "nh", "rongqi", "shujuku", "fanghuoqiang", "jingxiang"]


def _ms(samples: list[float]) -> str:
    figures = summarize_ms(samples)
    return f"p50 {figures['median_ms']:.2f} ms  p95 {figures['p95_ms']:.2f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    with search.open_index(args.index, warm=False) as index:
        typos = index._spelling  # the Index's own hints, as search() uses it
        with index.snapshot() as snap:
            searcher = snap.searcher
            started = time.perf_counter()
            typos.pinyin()
            print(f"pinyin table read (or built) in {time.perf_counter() - started:.2f} s")
            started = time.perf_counter()
            typos.vocabulary(searcher)
            print(f"English vocabulary read in {time.perf_counter() - started:.2f} s")
            for name, words in (("english", ENGLISH), ("homophone", CHINESE), ("pinyin", PINYIN)):
                samples = []
                for _ in range(args.rounds):
                    for word in words:
                        t = time.perf_counter()
                        typos.did_you_mean(searcher, word, parse(word))
                        samples.append(time.perf_counter() - t)
                hints = ", ".join(f"{w}->{typos.did_you_mean(searcher, w, parse(w))}" for w in words)
                print(f"{name:9s} {_ms(samples)}  {hints}")
            corrector = searcher.corrector("body")
            samples = []
            for word in ENGLISH:
                t = time.perf_counter()
                corrector.suggest(word, limit=1, maxdist=2)
                samples.append(time.perf_counter() - t)
            print(f"whoosh corrector (english, 1 round) {_ms(samples)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
