"""The site owner's commands: ``zhsearch-serve`` (also ``python -m web``) runs
gunicorn with the project's settings (web/serving.py); ``zhsearch-log`` sums
up a search log."""

from __future__ import annotations

import os
from pathlib import Path

import click

from web.search_log import summarize
from web.settings import SERVER_SETTINGS, SETTINGS, SettingError, checked, from_environment, server_settings

_BY_NAME = {s.name: s for s in SETTINGS + SERVER_SETTINGS}
CONTEXT = {"help_option_names": ["-h", "--help"]}


def _setting_option(name: str, *flags: str, metavar: str, help: str):
    """An option that sets the setting ``name`` (checked by its own rule)."""
    setting = _BY_NAME[name]

    def check(ctx, param, value):
        if value is None:
            return None
        try:
            return setting.check(value)
        except ValueError as exc:
            raise click.BadParameter(f"{value!r}: expected {exc}") from None

    return click.option(
        *flags, name.lower(), metavar=metavar, callback=check,
        help=f"{help}  [default: {setting.default}; environment {setting.variable}]",
    )


@click.command(context_settings=CONTEXT)
@_setting_option("INDEX_DIR", "--index", metavar="DIR", help="Index folder written by reindex.")
@_setting_option("BIND", "--bind", "-b", metavar="HOST:PORT", help="Address to listen on (or unix:PATH).")
@_setting_option("WORKERS", "--workers", "-w", metavar="N", help="Worker processes.")
@_setting_option("SEARCH_LOG", "--search-log", metavar="FILE", help="Append one JSON line per search to FILE.")
@click.version_option(package_name="zhsearch", message="%(prog)s %(version)s")
def serve(index_dir, bind, workers, search_log):
    """Serve the search site with gunicorn and the project's settings
    (web/serving.py).  Every ZHSEARCH_* variable of the web front end
    applies (README); the options override them.  Stop with Ctrl-C or SIGTERM.

    Example:

        zhsearch-serve --index /srv/zhsearch/index --bind 127.0.0.1:8000 --workers 2
    """
    chosen = {"INDEX_DIR": index_dir, "BIND": bind, "WORKERS": workers, "SEARCH_LOG": search_log}
    environment = dict(os.environ)
    for name, value in chosen.items():
        if value is not None:
            environment[_BY_NAME[name].variable] = str(value)
    try:  # one check of every setting, with a plain error line
        server = server_settings(environment)
        config = checked(from_environment(environment))
    except SettingError as exc:
        raise click.ClickException(str(exc)) from None
    from web.serving import Server

    Server(config, server).run()


@click.command(context_settings=CONTEXT)
@click.argument("log_file", envvar="ZHSEARCH_SEARCH_LOG",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--top", "-n", default=20, show_default=True, type=click.IntRange(min=1),
              help="Queries listed in each table.")
def search_log(log_file, top):
    """Print the most frequent queries of a search log (ZHSEARCH_SEARCH_LOG)
    and the most frequent ones that found nothing.  Turning a page is not
    counted as a search; queries differing in letter case count as one.

    Example:

        zhsearch-log /var/log/zhsearch/searches.jsonl --top 10
    """
    try:
        with log_file.open(encoding="utf-8", errors="replace") as lines:
            summary = summarize(lines)
    except OSError as exc:
        raise click.ClickException(f"cannot read {log_file}: {exc.strerror or exc}") from None
    if summary.bad_lines:
        shown = ", ".join(map(str, summary.bad_lines[:5])) + (", …" if len(summary.bad_lines) > 5 else "")
        click.echo(f"warning {log_file}: {len(summary.bad_lines)} lines are not search lines (line {shown})",
                   err=True)
    if not summary.searches:
        click.echo(f"{log_file}: no searches logged")
        return
    click.echo(f"{log_file}: {summary.searches} searches from {summary.first} to {summary.last}, "
               f"{summary.zero_results} found nothing")
    _print_table("Most frequent queries", summary.queries, top)
    _print_table("Most frequent queries that found nothing", summary.zero_queries, top)


def _print_table(title: str, counts, top: int) -> None:
    click.echo(f"\n{title}:")
    if not counts:
        click.echo("  (none)")
    for query, count in counts.most_common(top):
        click.echo(f"{count:8d}  {query}")
