"""Search quality on the LCTT corpus: the library against plain Whoosh + jieba.

    .venv/bin/python bench/relevance.py --corpus /work/shared/corpus/lctt \\
        --index /tmp/lctt_index --peers-dir /tmp/peers

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

``--reader FILE`` (default: ../shared/eval/reader_dev.tsv, when it exists)
runs the reader-written known-item queries (``query<TAB>kind<TAB>style<TAB>
path``) on the library, bm25s, tantivy and plain Whoosh + jieba
(bench/peers.py) in the same run and prints MRR@10, success@1, success@10
and the queries with no result, in all, by kind and by style, as a Markdown
table; ``--ranks FILE`` writes each query's rank per engine.
``--reader-only`` runs only that part.  ``--engines`` picks the engines
(``--engines library``: the library alone, a fast run).  The peers' indexes
(the baseline's included) are kept in ``--peers-dir`` and built there when
absent.
"""

from __future__ import annotations

import argparse
import contextlib
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
from search.markdown_text import markdown_to_text

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


def scores(ranks: list[int | None]) -> tuple[float, float, float]:
    """MRR@10, success@1 and success@10 of the targets' ranks (None: not in the top 10)."""
    n = len(ranks)
    return sum(1 / r for r in ranks if r) / n, sum(1 for r in ranks if r == 1) / n, sum(1 for r in ranks if r) / n


def figures(ranks: list[int | None], zero: int) -> str:
    mrr, s1, s10 = scores(ranks)
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


def evaluate(rows, library, baseline=None, texts: dict[str, str] | None = None, show_misses: bool = True) -> None:
    """The query parts on the library and, unless it is None, the baseline."""
    names = ["library", "baseline"] if baseline is not None else ["library"]
    ranks = {name: defaultdict(list) for name in names}
    zeros = {name: defaultdict(int) for name in names}
    precisions = {name: defaultdict(list) for name in names}
    misses = []
    for kind, query, target in rows:
        results = library.search(query, per_page=K)
        found = {"library": [hit.path for hit in results]}
        if baseline is not None:
            found["baseline"] = baseline.search(query, K)
        if target.startswith("judge:"):
            for name, paths in found.items():
                precisions[name][kind].append(precision(paths, target[6:], texts))
                zeros[name][kind] += not paths
            continue
        for name, paths in found.items():
            rank = rank_of(paths, target)
            ranks[name][kind].append(rank)
            ranks[name]["all"].append(rank)
            if not paths:
                zeros[name][kind] += 1
                zeros[name]["all"] += 1
        if rank_of(found["library"], target) is None:
            misses.append(f"  {kind:9s} {query}  (total {results.total}, relaxed {results.relaxed})")
    ranked = ["all"] if ranks["library"]["all"] else []  # none in a part of onelang queries only
    for kind in [*ranked, *sorted(k for k in ranks["library"] if k != "all")]:
        print(f"{kind:9s} n={len(ranks['library'][kind]):3d}")
        for name in names:
            print(f"   {name:9s} {figures(ranks[name][kind], zeros[name][kind])}")
    for kind in sorted(precisions["library"]):
        print(f"{kind:9s} n={len(precisions['library'][kind]):3d}")
        for name in names:
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


def reader_ranks(rows, engines: dict) -> tuple[dict, dict, list[list[str]]]:
    """Each engine's ranks and queries with no result per group (all, kind,
    style), and the ranks file's rows (query, kind, style, rank per engine)."""
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
        lines.append(line)
    return ranks, zero, lines


def write_ranks(path: Path, engines: dict, lines: list[list[str]]) -> None:
    rows = [["query", "kind", "style", *engines], *lines]
    path.write_text("".join("\t".join(row) + "\n" for row in rows), encoding="utf-8")


def cell(ranks: list[int | None], zero: int) -> str:
    """MRR@10 / success@1 / success@10, queries with no result."""
    mrr, s1, s10 = scores(ranks)
    return f"{mrr:.3f} / {s1:.2f} / {s10:.2f}, {zero}"


def reader_table(rows, engines: dict, ranks_file: Path | None) -> None:
    """The reader-written queries on every engine: a Markdown table of
    MRR@10 / s@1 / s@10 and the queries with no result, by kind and style."""
    ranks, zero, lines = reader_ranks(rows, engines)
    if ranks_file:
        write_ranks(ranks_file, engines, lines)
    groups = ["all"] + sorted({kind for _, kind, _, _ in rows}) + sorted({style for _, _, style, _ in rows})
    print(f"reader-written queries ({len(rows)}): MRR@10 / success@1 / success@10, queries with no result")
    print("| queries | " + " | ".join(engines) + " |")
    print("|---|" + "---|" * len(engines))
    for group in groups:
        count = len(ranks[next(iter(engines))][group])
        print(f"| {group} ({count}) | " + " | ".join(cell(ranks[name][group], zero[name][group]) for name in engines) + " |")


#: The engines --engines names, in the table's order: the library, then the peers.
ENGINES = ("library", "bm25s", "tantivy", "whoosh")
PEERS = {"bm25s": peers.Bm25s, "tantivy": peers.Tantivy}
BASELINE = "plain Whoosh + jieba"


def built(name: str, seconds: float | None) -> None:
    if seconds is not None:
        print(f"{name} index built in {seconds:.0f} s")


def open_baseline(args, documents) -> plain_whoosh.Baseline:
    """Plain Whoosh + jieba, its index built in --baseline-index when absent."""
    built("baseline", peers.build_once(args.baseline_index, lambda path: plain_whoosh.build(documents(), path)))
    return plain_whoosh.Baseline(args.baseline_index)


def open_peer(name: str, args, documents):
    """The peer ``name``, its index built in --peers-dir when absent."""
    folder = args.peers_dir / name
    built(name, peers.build_once(folder, lambda path: PEERS[name].build(documents(), path)))
    return PEERS[name](folder)


def reader_engines(args, library, baseline, documents) -> dict:
    """Column name -> search (query -> top relpaths) of each engine picked."""
    engines = {"zhsearch": lambda q: [hit.path for hit in library.search(q, per_page=K)]}
    for name in args.engines:
        if name in PEERS:
            engines[name] = open_peer(name, args, documents).search
    if baseline is not None:
        engines[BASELINE] = baseline.search
    return engines


def engine_list(value: str) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in ENGINES]
    if unknown or "library" not in names:
        raise argparse.ArgumentTypeError(f"a comma-separated list of {', '.join(ENGINES)}, with library")
    return names


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", required=True, type=Path)
    parser.add_argument("--index", required=True, help="the library's index of the corpus (reindex)")
    parser.add_argument("--engines", type=engine_list, default=list(ENGINES),
                        help=f"comma-separated engines to run (default: {','.join(ENGINES)}; whoosh is plain "
                             "Whoosh + jieba, the baseline); --engines library runs the library alone")
    parser.add_argument("--peers-dir", type=Path, default=Path("/tmp/zhsearch_peers"),
                        help="where the peers' indexes are kept, one folder each; built when absent")
    parser.add_argument("--baseline-index", type=Path,
                        help="plain Whoosh index; built if absent (default: PEERS_DIR/plain_whoosh)")
    parser.add_argument("--queries", type=Path, action="append",
                        help="query files (repeatable); default: relevance_queries.tsv and eval_dev.tsv")
    parser.add_argument("--heldout", nargs="?", const=1, type=int, choices=(1, 2, 3, 4),
                        help="only this held-out part (1: eval_heldout.tsv, 2: eval_heldout2.tsv, "
                             "3: eval_heldout3.tsv, 4: eval_heldout4.tsv; once, at the end of tuning); "
                             "misses are not listed")
    parser.add_argument("--probes", type=Path, default=DATA / "literal_probes.txt")
    parser.add_argument("--no-literal", action="store_true", help="skip the literal-substring recall")
    parser.add_argument("--no-regional", action="store_true",
                        help="without the Taiwan/HK vocabulary step (open_index(regional=False))")
    parser.add_argument("--reader", type=Path, default=READER_SET if READER_SET.exists() else None,
                        help=f"reader-written queries (query, kind, style, relpath; default {READER_SET})")
    parser.add_argument("--reader-only", action="store_true", help="run only the reader-written queries")
    parser.add_argument("--ranks", type=Path, help="write each reader query's rank per engine to this TSV file")
    args = parser.parse_args(argv)
    if args.reader_only and not args.reader:
        parser.error(f"--reader-only: no reader-written queries (give --reader FILE; {READER_SET} is absent)")
    if args.heldout and (args.reader_only or args.ranks):
        parser.error("--reader-only and --ranks run the reader-written queries, which a held-out run skips")
    if args.heldout:
        args.queries = [DATA / ("eval_heldout.tsv" if args.heldout == 1 else f"eval_heldout{args.heldout}.tsv")]
    elif not args.queries:
        args.queries = [DATA / "relevance_queries.tsv", DATA / "eval_dev.tsv"]
    args.baseline_index = args.baseline_index or args.peers_dir / "plain_whoosh"
    return args


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    documents = functools.cache(lambda: plain_whoosh.load_corpus(args.corpus))
    options = {"regional": False} if args.no_regional else {}
    with contextlib.ExitStack() as stack:
        library = stack.enter_context(search.open_index(args.index, warm=False, **options))
        baseline = stack.enter_context(open_baseline(args, documents)) if "whoosh" in args.engines else None
        if args.reader and not args.heldout:  # a held-out run measures its part alone
            rows = read_tsv(args.reader, "query<TAB>kind<TAB>style<TAB>relpath", header=False)
            reader_table(rows, reader_engines(args, library, baseline, documents), args.ranks)
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
