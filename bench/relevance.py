"""Search quality on the LCTT corpus: the library against plain Whoosh + jieba.

    .venv/bin/python bench/relevance.py --corpus /work/shared/corpus/lctt \\
        --index /tmp/lctt_index --baseline-index /tmp/plain_index

Runs bench/data/relevance_queries.tsv (kind, query, target relpath) and the
dev part of the evaluation sets (bench/data/eval_dev.tsv, made by
bench/make_queries.py) on both engines in the same run and prints MRR@10,
success@1, success@10 and the zero-result count, in total and per kind.
``--heldout`` runs bench/data/eval_heldout.tsv instead (``--heldout 2``:
eval_heldout2.tsv, the second held-out part; ``--heldout 3``: eval_heldout3.tsv, one-letter
languages only; ``--heldout 4``: eval_heldout4.tsv, the fourth): measure it once, at the end
of tuning, never while tuning.  A target ``judge:C`` (kind onelang)
is judged by rule (:func:`judged_relevant`) and measured as precision@10.  Then the literal-substring recall
over bench/data/literal_probes.txt: the truth for a probe is every document
whose normalised title, summary or plain text contains it, found by scanning
the files; recall is the share of those the library returns.
The baseline index is built (plain_whoosh.build) if its folder is absent.

``--reader FILE`` (default: ../shared/eval/reader_dev.tsv, when it exists)
runs the reader-written known-item queries (``query<TAB>kind<TAB>style<TAB>
path``) on the library, plain Whoosh + jieba, bm25s and tantivy (bench/peers.py;
their indexes are built in ``--peers-dir`` when absent) in the same run and
prints MRR@10, success@1, success@10 and the queries with no result, in all,
by kind and by style, as a Markdown table; ``--ranks FILE`` writes each
query's rank per engine.  ``--reader-only`` runs only that part.
"""

from __future__ import annotations

import argparse
import functools
import re
import sys
from collections import defaultdict
from pathlib import Path

import frontmatter
import peers
import plain_whoosh

import search
from search.analysis import normalize
from search.text import markdown_to_text

DATA = Path(__file__).resolve().parent / "data"
READER_SET = Path(__file__).resolve().parents[2] / "shared" / "eval" / "reader_dev.tsv"
K = 10


def read_tsv(path: Path, columns: str = "kind<TAB>query<TAB>relpath", header: bool = True) -> list[tuple[str, ...]]:
    """The rows of a tab-separated file of ``columns`` (after its header line)."""
    rows = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines[1:] if header else lines, start=2 if header else 1):
        if line.strip():
            parts = line.split("\t")
            if len(parts) != columns.count("<TAB>") + 1:
                raise ValueError(f"{path}:{number}: expected {columns}")
            rows.append(tuple(parts))
    return rows


def figures(ranks: list[int | None], zero: int) -> str:
    n = len(ranks)
    mrr = sum(1 / r for r in ranks if r) / n
    s1 = sum(1 for r in ranks if r == 1) / n
    s10 = sum(1 for r in ranks if r) / n
    return f"MRR@10 {mrr:.3f}  s@1 {s1:.2f}  s@10 {s10:.2f}  zero {zero}"


#: An article is about the language X when its normalised text names it as a
#: word of its own directly before 语言 ("C 语言", "R语言"); C++ and C# are
#: other languages and do not count.
_LANGUAGE = "(?<![0-9a-z_+#.\\-]){} ?语言"


def judged_relevant(language: str, text: str) -> bool:
    return re.search(_LANGUAGE.format(re.escape(language.lower())), text) is not None


def rank_of(paths: list[str], target: str) -> int | None:
    return paths.index(target) + 1 if target in paths[:K] else None


def precision(paths: list[str], language: str, texts: dict[str, str]) -> float:
    return sum(judged_relevant(language, texts[p]) for p in paths[:K]) / K


def evaluate(rows, library, baseline, texts: dict[str, str] | None = None, show_misses: bool = True) -> None:
    ranks = {"library": defaultdict(list), "baseline": defaultdict(list)}
    zeros = {"library": defaultdict(int), "baseline": defaultdict(int)}
    precisions = {"library": defaultdict(list), "baseline": defaultdict(list)}
    misses = []
    for kind, query, target in rows:
        results = library.search(query, per_page=K)
        ours = [hit.path for hit in results]
        theirs = baseline.search(query, K)
        if target.startswith("judge:"):
            for name, paths in (("library", ours), ("baseline", theirs)):
                precisions[name][kind].append(precision(paths, target[6:], texts))
                zeros[name][kind] += not paths
            continue
        for name, paths in (("library", ours), ("baseline", theirs)):
            rank = rank_of(paths, target)
            ranks[name][kind].append(rank)
            ranks[name]["all"].append(rank)
            if not paths:
                zeros[name][kind] += 1
                zeros[name]["all"] += 1
        if rank_of(ours, target) is None:
            misses.append(f"  {kind:9s} {query}  (total {results.total}, relaxed {results.relaxed})")
    ranked = ["all"] if ranks["library"]["all"] else []  # none in a part of onelang queries only
    for kind in [*ranked, *sorted(k for k in ranks["library"] if k != "all")]:
        print(f"{kind:9s} n={len(ranks['library'][kind]):3d}")
        for name in ("library", "baseline"):
            print(f"   {name:9s} {figures(ranks[name][kind], zeros[name][kind])}")
    for kind in sorted(precisions["library"]):
        print(f"{kind:9s} n={len(precisions['library'][kind]):3d}")
        for name in ("library", "baseline"):
            values = precisions[name][kind]
            print(f"   {name:9s} precision@{K} {sum(values) / len(values):.3f}  zero {zeros[name][kind]}")
    print(f"library misses (target not in the top {K}): {len(misses)}")
    if show_misses:
        print("\n".join(misses))


def corpus_texts(corpus: Path) -> dict[str, str]:
    """relpath -> normalised title, summary and plain text of every file."""
    texts = {}
    for relpath in plain_whoosh.list_corpus(corpus):
        post = frontmatter.load(corpus / relpath)
        meta = post.metadata
        text = f"{meta.get('title') or ''}\n{meta.get('summary') or ''}\n{markdown_to_text(post.content)}"
        texts[relpath] = normalize(text)
    return texts


def all_paths(library, query: str) -> set[str]:
    found, page = set(), 1
    while True:
        results = library.search(query, per_page=50, page=page, facets=[])
        found.update(hit.path for hit in results)
        if page >= results.pages:
            return found
        page += 1


def literal_recall(texts: dict[str, str], probes: list[str], library) -> None:
    total_truth = total_found = 0
    worst = []
    for probe in probes:
        needle = normalize(probe)
        truth = {path for path, text in texts.items() if needle in text}
        found = all_paths(library, probe) & truth
        total_truth += len(truth)
        total_found += len(found)
        if len(found) < len(truth):
            worst.append(f"  {probe}: {len(found)}/{len(truth)}")
    print(f"literal-substring recall over {len(probes)} probes: {total_found}/{total_truth} = "
          f"{total_found / max(1, total_truth):.3f}")
    print("\n".join(worst))


def reader_table(rows, engines: dict, ranks_file: Path | None) -> None:
    """The reader-written queries on every engine: a Markdown table of
    MRR@10 / s@1 / s@10 and the queries with no result, by kind and style."""
    groups = ["all"] + sorted({kind for _, kind, _, _ in rows}) + sorted({style for _, _, style, _ in rows})
    ranks = {name: defaultdict(list) for name in engines}
    zero = {name: defaultdict(int) for name in engines}
    lines = []
    for query, kind, style, target in rows:
        line = [query, kind, style]
        for name, search_top in engines.items():
            paths = search_top(query)
            rank = rank_of(paths, target)
            line.append("" if rank is None else str(rank))
            for group in ("all", kind, style):
                ranks[name][group].append(rank)
                zero[name][group] += not paths
        lines.append("\t".join(line))
    if ranks_file:
        ranks_file.write_text("query\tkind\tstyle\t" + "\t".join(engines) + "\n" + "\n".join(lines) + "\n",
                              encoding="utf-8")
    print(f"reader-written queries ({len(rows)}): MRR@10 / success@1 / success@10, queries with no result")
    print("| queries | " + " | ".join(engines) + " |")
    print("|---|" + "---|" * len(engines))
    for group in groups:
        cells = []
        for name in engines:
            found = ranks[name][group]
            mrr = sum(1 / r for r in found if r) / len(found)
            cells.append(f"{mrr:.3f} / {sum(r == 1 for r in found) / len(found):.2f} / "
                         f"{sum(1 for r in found if r) / len(found):.2f}, {zero[name][group]}")
        print(f"| {group} ({len(ranks[next(iter(engines))][group])}) | " + " | ".join(cells) + " |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", required=True, type=Path)
    parser.add_argument("--index", required=True, help="the library's index of the corpus (reindex)")
    parser.add_argument("--baseline-index", required=True, help="plain Whoosh index; built if absent")
    parser.add_argument("--queries", type=Path, action="append",
                        help="query files (repeatable); default: relevance_queries.tsv and eval_dev.tsv")
    parser.add_argument("--heldout", nargs="?", const=1, type=int, choices=(1, 2, 3, 4),
                        help="run a held-out part only (1: eval_heldout.tsv, 2: eval_heldout2.tsv, 3: eval_heldout3.tsv, 4: eval_heldout4.tsv; "
                             "once, at the "
                             "end of tuning); misses are not listed")
    parser.add_argument("--probes", type=Path, default=DATA / "literal_probes.txt")
    parser.add_argument("--no-literal", action="store_true", help="skip the literal-substring recall")
    parser.add_argument("--no-regional", action="store_true",
                        help="without the Taiwan/HK vocabulary step (open_index(regional=False))")
    parser.add_argument("--reader", type=Path, default=READER_SET if READER_SET.exists() else None,
                        help=f"reader-written queries (query, kind, style, relpath; default {READER_SET})")
    parser.add_argument("--reader-only", action="store_true", help="run only the reader-written queries")
    parser.add_argument("--peers-dir", type=Path, default=Path("/tmp/zhsearch_peers"),
                        help="where the bm25s and tantivy indexes are kept (built when absent)")
    parser.add_argument("--ranks", type=Path, help="write each reader query's rank per engine to this TSV file")
    args = parser.parse_args(argv)
    if args.reader_only and not args.reader:
        parser.error(f"--reader-only: no reader-written queries (give --reader FILE; {READER_SET} is absent)")
    if args.heldout:
        args.queries = [DATA / ("eval_heldout.tsv" if args.heldout == 1 else f"eval_heldout{args.heldout}.tsv")]
    elif not args.queries:
        args.queries = [DATA / "relevance_queries.tsv", DATA / "eval_dev.tsv"]
    if not Path(args.baseline_index).exists():
        seconds = plain_whoosh.build(plain_whoosh.load_corpus(args.corpus), args.baseline_index)
        print(f"baseline index built in {seconds:.0f} s")
    options = {"regional": False} if args.no_regional else {}
    with search.open_index(args.index, warm=False, **options) as library, plain_whoosh.Baseline(args.baseline_index) as baseline:
        if args.reader and not args.heldout:  # a held-out run measures its part alone
            documents = functools.cache(lambda: plain_whoosh.load_corpus(args.corpus))
            others = [peers.Bm25s(args.peers_dir / "bm25s"), peers.Tantivy(args.peers_dir / "tantivy")]
            for peer in others:
                peer.open(documents)
            engines = {"zhsearch": lambda q: [hit.path for hit in library.search(q, per_page=K)],
                       **{peer.name: peer.search for peer in others}, "plain Whoosh + jieba": baseline.search}
            reader_table(read_tsv(args.reader, "query<TAB>kind<TAB>style<TAB>relpath", header=False), engines, args.ranks)
        if args.reader_only:
            return 0
        rows = [row for path in args.queries for row in read_tsv(path)]
        texts = corpus_texts(args.corpus)
        evaluate(rows, library, baseline, texts, show_misses=not args.heldout)
        if not args.no_literal:
            literal_recall(texts, plain_whoosh.read_queries(args.probes), library)
    return 0


if __name__ == "__main__":
    sys.exit(main())
