"""The ``reindex`` command (also ``python -m indexer``).

Exit status: 0 when the index is committed (or had nothing to write), 1
for a mistake that stopped the build (``click.ClickException``), 2 for a bad
option (``click.UsageError``), :data:`EXIT_SKIPPED` with ``--strict`` when
files were skipped, :data:`EXIT_INTERRUPTED` for Ctrl-C (the index keeps its
last committed state).  The ``--strict`` policy is the command's; the library
only reports.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from indexer.build import BuildReport, build_index
from indexer.errors import IndexerError
from indexer.publish import publish
from search.indexing import SearchError

#: A ``--strict`` build that skipped files (the index is committed).
EXIT_SKIPPED = 3
#: Interrupted by Ctrl-C (128 + SIGINT, as shells report it).
EXIT_INTERRUPTED = 130


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("articles_dir", envvar="ZHSEARCH_ARTICLES_DIR", type=click.Path(path_type=Path))
@click.option("--index", "index_dir", envvar="ZHSEARCH_INDEX_DIR", default="index_data",
              show_default=True, type=click.Path(path_type=Path), help="Index folder.")
@click.option("--full", is_flag=True, help="Rebuild the whole index instead of updating it.")
@click.option("--jobs", "-j", envvar="ZHSEARCH_JOBS", type=click.IntRange(min=1),
              help="Processes that analyse and write.  [default: all cores]")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary; problems are still shown.")
@click.option("--report", "report_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the summary to this file as JSON.")
@click.option("--strict", is_flag=True, help=f"Exit with status {EXIT_SKIPPED} if any file was skipped.")
@click.option("--allow-delete", is_flag=True,
              help="Let the build delete all, or more than half, of the indexed articles.")
@click.option("--user-dict", "user_dict", envvar="ZHSEARCH_USER_DICT",
              type=click.Path(path_type=Path), help="jieba user dictionary (then use --full once).")
@click.option("--merge/--no-merge", default=None,
              help="Then merge the index into one segment: faster searches, a smaller index, a longer build.  "
                   "[default: after a full build]")
@click.option("--scheduler", envvar="ZHSEARCH_SCHEDULER", metavar="ADDRESS",
              help="Analyse and write on the Dask cluster of this scheduler (tcp://HOST:8786) instead of --jobs "
                   "local processes; the index folder must be on storage its workers share.")
@click.option("--publish", "replicas", multiple=True, metavar="DEST", type=click.Path(path_type=Path),
              help="Then copy the committed index to this replica folder, the TOC last (repeat for several).")
@click.option("--verbose", "-v", is_flag=True, help="Log debugging details.")
@click.version_option(package_name="zhsearch", prog_name="reindex")
@click.pass_context
def main(ctx, articles_dir, index_dir, full, jobs, quiet, report_file, strict, allow_delete, user_dict, merge,
         scheduler, replicas, verbose):
    """Index the *.md articles under ARTICLES_DIR (recursively).

    Only added, changed and deleted files are written, unless --full.
    Unreadable files are skipped and listed; the exit status is still 0
    (3 with --strict).  Errors exit with 1, bad options with 2, Ctrl-C with
    130.  Every option can be set from the environment (ZHSEARCH_INDEX_DIR,
    ZHSEARCH_ARTICLES_DIR, ZHSEARCH_JOBS, ZHSEARCH_USER_DICT,
    ZHSEARCH_SCHEDULER).

    With --publish DEST, the committed index is then copied to each replica
    folder DEST, the TOC last, so that servers reading DEST switch to it
    without seeing a half copy; a failed publish exits 1 (the index is
    committed, the replica keeps the generation it had).

    Example:

        reindex articles/ --index index_data --publish /srv/replica1
    """
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(levelname)s: %(message)s", stream=sys.stderr)
    try:
        report = build_index(articles_dir, index_dir, full=full, jobs=jobs, allow_delete=allow_delete,
                             user_dictionary=user_dict, progress=not quiet and sys.stderr.isatty(), merge=merge,
                             scheduler=scheduler)
    except (IndexerError, SearchError) as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        click.echo("Interrupted: the index keeps its last committed state.", err=True)
        ctx.exit(EXIT_INTERRUPTED)
    if report_file is not None:
        _write_report(report, report_file)
    _print_problems(report)
    if not quiet:
        _print_summary(report)
    for replica in replicas:
        _publish(ctx, report.index_dir, replica, quiet)
    if strict and report.skipped:
        ctx.exit(EXIT_SKIPPED)


def _publish(ctx, index_dir: str, replica: Path, quiet: bool) -> None:
    try:
        published = publish(index_dir, replica)
    except IndexerError as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        click.echo(f"Interrupted: the replica {replica} keeps the generation it had.", err=True)
        ctx.exit(EXIT_INTERRUPTED)
    if not quiet:
        click.echo(f"Published generation {published.generation} to {published.destination}: "
                   f"{len(published.copied)} files copied ({published.copied_bytes / 1e6:.1f} MB), "
                   f"{len(published.removed)} removed.")


def _write_report(report: BuildReport, path: Path) -> None:
    try:
        path.write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write the report {path}: {exc.strerror or exc}") from None


def _print_problems(report: BuildReport) -> None:
    for path, reason in report.skipped:
        click.echo(f"skipped {path}: {reason}", err=True)
    for path, message in report.warnings:
        click.echo(f"warning {path}: {message}", err=True)
    for article_id, paths in report.duplicates:
        click.echo(f"duplicate id {article_id}: {', '.join(paths)} ({paths[0]} keeps it)", err=True)
    for paths in report.identical:
        click.echo(f"identical files: {', '.join(paths)} (the same bytes; each is indexed)", err=True)


def _print_summary(report: BuildReport) -> None:
    kind = "rebuilt" if report.full else "updated"
    merged = ", merged" if report.merged else ""
    click.echo(f"Index {report.index_dir} {kind}{merged} in {report.elapsed_s:.1f} s: {report.documents} documents, "
               f"{report.segments} segment{'s' if report.segments != 1 else ''}.")
    click.echo(
        f"added {len(report.added)}, updated {len(report.updated)}, deleted {len(report.deleted)}, "
        f"unchanged {report.unchanged}, skipped {len(report.skipped)}, "
        f"duplicate ids {len(report.duplicates)}, identical files {sum(map(len, report.identical))}"
    )
