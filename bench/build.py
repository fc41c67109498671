"""Index build: zhsearch's ``reindex`` against plain Whoosh + jieba, same files, same run.

Each build runs in a fresh process (``python -m indexer ... --full`` for ours,
``plain_whoosh.build`` for the baseline); a sampler adds up the resident
memory of the process and all its children every 50 ms, so the peak RSS
covers the forked writer processes too.  Then, on our index: a reindex after
changing one file, and one with nothing to do, each timed end to end
(process start included), as a user would type them.

    python bench/build.py --corpus /work/shared/corpus/lctt            # the whole corpus
    python bench/build.py --limit 1000 --rounds 3                       # a quick run

The corpus is never modified: the files are linked into a temporary folder,
and the file "changed" for the incremental run is a copy replacing its link.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import plain_whoosh
from measure import MB, TreeMemory, folder_mb

REPO = Path(__file__).resolve().parent.parent


def link_corpus(corpus: Path, limit: int | None, folder: Path) -> list[str]:
    """Link the first ``limit`` files of ``corpus`` (path order) into ``folder``."""
    relpaths = plain_whoosh.list_corpus(corpus)[:limit]
    for relpath in relpaths:
        link = folder / relpath
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink((corpus / relpath).resolve(), link)
    return relpaths


def run_measured(command: list[str]) -> dict:
    """Run ``command``; its wall time, CPU time (children included) and peak tree RSS."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with TreeMemory(process.pid) as memory:
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    out, err = process.stdout.read(), process.stderr.read()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {process.returncode}:\n{err[-2000:]}")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_mb": memory.peak_rss_mb,
            "peak_pss_mb": memory.peak_pss_mb, "stdout": out}


def ours(folder: Path, index_dir: Path, jobs: int | None, full: bool = True) -> dict:
    command = [sys.executable, "-m", "indexer", str(folder), "--index", str(index_dir), "--quiet"]
    if full:
        command.append("--full")
    if jobs:
        command += ["--jobs", str(jobs)]
    return run_measured(command)


BASELINE = (
    "import sys, json; sys.path.insert(0, 'bench'); import plain_whoosh as p; "
    "docs = p.load_corpus(sys.argv[1], None); seconds = p.build(docs, sys.argv[2]); "
    "print(json.dumps({'build_s': seconds, 'text_mb': p.text_mb(docs)}))"
)


def baseline(folder: Path, index_dir: Path) -> dict:
    figures = run_measured([sys.executable, "-c", BASELINE, str(folder), str(index_dir)])
    figures.update(json.loads(figures.pop("stdout")))
    return figures


def change_one_file(folder: Path, relpath: str) -> None:
    """Replace the link of ``relpath`` by a copy with one more line."""
    link = folder / relpath
    text = link.read_text(encoding="utf-8", errors="replace")
    link.unlink()
    link.write_text(text + "\n基准测试追加的一行。\n", encoding="utf-8")


def median(rows: list[dict], key: str) -> float:
    return statistics.median(row[key] for row in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=os.environ.get("ZHSEARCH_CORPUS"), help="corpus folder (ZHSEARCH_CORPUS)")
    parser.add_argument("--limit", type=int, help="only the first N files (path order)")
    parser.add_argument("--rounds", type=int, default=1, help="builds of each kind; medians are printed")
    parser.add_argument("--jobs", type=int, help="reindex --jobs (default: all cores)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the plain Whoosh build")
    parser.add_argument("--tmpdir", help="where indexes are built (default: the system temp folder)")
    args = parser.parse_args(argv)
    if not args.corpus:
        parser.error("give --corpus or set ZHSEARCH_CORPUS")
    corpus = Path(args.corpus)
    with tempfile.TemporaryDirectory(dir=args.tmpdir, prefix="zhsearch-build-") as tmp:
        tmp = Path(tmp)
        relpaths = link_corpus(corpus, args.limit, tmp / "articles")
        corpus_mb = sum((corpus / r).stat().st_size for r in relpaths) / MB
        print(f"{len(relpaths)} files, {corpus_mb:.1f} MB; {os.cpu_count()} cores; rounds={args.rounds}")
        our_rows, base_rows = [], []
        for round_number in range(args.rounds):
            shutil.rmtree(tmp / "ours", ignore_errors=True)
            our_rows.append(ours(tmp / "articles", tmp / "ours", args.jobs))
            our_rows[-1]["index_mb"] = folder_mb(tmp / "ours")
            if not args.no_baseline:
                shutil.rmtree(tmp / "base", ignore_errors=True)
                base_rows.append(baseline(tmp / "articles", tmp / "base"))
                base_rows[-1]["index_mb"] = folder_mb(tmp / "base")
            print(f"round {round_number + 1}: ours {our_rows[-1]['wall_s']:.1f} s"
                  + (f", baseline {base_rows[-1]['wall_s']:.1f} s" if base_rows else ""), flush=True)
        change_one_file(tmp / "articles", relpaths[len(relpaths) // 2])
        one = ours(tmp / "articles", tmp / "ours", args.jobs, full=False)
        nothing = ours(tmp / "articles", tmp / "ours", args.jobs, full=False)
        report(corpus_mb, our_rows, base_rows, one, nothing)
    return 0


def report(corpus_mb: float, our_rows: list[dict], base_rows: list[dict], one: dict, nothing: dict) -> None:
    print()
    print("| | ours (reindex --full) | plain Whoosh + jieba | ratio |")
    print("|---|---|---|---|")
    for label, key, unit in [("build wall (process)", "wall_s", "s"), ("build CPU (children incl.)", "cpu_s", "s"),
                             ("peak RSS (process tree)", "peak_mb", "MB"), ("peak PSS (process tree)", "peak_pss_mb", "MB"), ("index size", "index_mb", "MB")]:
        mine = median(our_rows, key)
        theirs = median(base_rows, key) if base_rows else None
        ratio = f"{mine / theirs:.2f}" if theirs else "-"
        print(f"| {label} | {mine:.1f} {unit} | " + (f"{theirs:.1f} {unit}" if theirs else "-") + f" | {ratio} |")
    if base_rows:
        print(f"| baseline build() only (no parse, no jieba load) | | {median(base_rows, 'build_s'):.1f} s | |")
    print()
    print(f"index size / corpus size: {median(our_rows, 'index_mb') / corpus_mb:.2f}")
    print(f"reindex after changing one file: {one['wall_s']:.2f} s end to end ({one['peak_mb']:.0f} MB peak)")
    print(f"reindex with nothing to do: {nothing['wall_s']:.2f} s end to end")


if __name__ == "__main__":
    sys.exit(main())
