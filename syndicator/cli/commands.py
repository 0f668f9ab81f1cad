"""``init``, ``import``, ``publish`` and ``withdraw``: the newsroom's everyday commands."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import click

from ..model.fields import parse_datetime
from .base import BadInput, State, _dump, _now, cli, cli_actor, pass_state
from .progress import PassProgress, progress_bar

if TYPE_CHECKING:
    from ..ingest.parsed import Format


@cli.command()
@pass_state
def init(state: State) -> None:
    """Create the store's tables and the output directory.

    Safe to run again: existing data is kept. On a store without users it
    creates the desk's first user, admin, and prints its password once.

    Example: syndicator --config config.toml init
    """
    from ..actions.accounts import ensure_admin

    engine = state.engine()
    state.config.output_dir.mkdir(parents=True, exist_ok=True)
    click.echo(f"store ready: {state.config.store_url}")
    click.echo(f"output directory: {state.config.output_dir}")
    password = ensure_admin(engine, now=_now(state.config))
    if password is not None:
        click.echo(
            f"created user admin with password {password} (change it: syndicator user passwd admin)"
        )


@cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "epaper", "json"]),
    default="auto",
    show_default=True,
    help="Input format; auto picks json for .json files and text starting with { or [.",
)
@click.option(
    "--edition",
    "edition",
    help="Edition date YYYY-MM-DD: needed when the page prints none (never guessed).",
)
@click.option(
    "--page",
    type=click.IntRange(min=1),
    help="Page number: needed when the page prints no 第N版 (never guessed).",
)
@click.option(
    "--encoding", help="Text encoding of e-paper files (default: detect UTF-8 or GB18030)."
)
@click.option("--dry-run", is_flag=True, help="Parse and check only; write nothing.")
@click.option(
    "--correct",
    is_flag=True,
    help="Stored articles whose title and text both change are corrections all the same "
    "(without it such an import is refused: usually a wrong --page or --edition).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_state
def import_(
    state: State,
    paths: tuple[str, ...],
    fmt: Format,
    edition: str | None,
    page: int | None,
    encoding: str | None,
    dry_run: bool,
    correct: bool,
    as_json: bool,
) -> None:
    """Import e-paper page texts or JSON article files.

    All files are parsed before anything is written, and all are saved in
    one transaction: a bad file leaves the store untouched. Re-importing a
    page changes nothing; a corrected page updates the articles in place.
    A page that prints no page number or date is refused until --page or
    --edition gives it: its articles' ids are made of both.

    Example: syndicator import --dry-run --json --page 1 demo/zjgrrb-2021-08-30-p1.txt
    """
    from ..actions.articles import import_options, parse_files, save_parsed

    config = state.config
    if edition is not None:
        try:
            edition_date: date | None = date.fromisoformat(edition)
        except ValueError:
            raise BadInput(f"--edition: not a date: {edition!r} (use YYYY-MM-DD)") from None
    else:
        edition_date = None
    options = import_options(config, edition=edition_date, page=page, encoding=encoding)
    parsed = parse_files(paths, options, fmt, progress=progress_bar)
    for result in parsed:
        for warning in result.warnings:
            where = f"{result.source}:{warning.line}" if warning.line else result.source
            click.echo(f"{where}: warning: {warning.message}", err=True)

    if dry_run:
        if as_json:
            docs = [p.to_dict() for p in parsed]
            _dump(docs[0] if len(docs) == 1 else docs)
        else:
            for p in parsed:
                n = len(p.articles)
                click.echo(
                    f"{p.source}: {n} article{'' if n == 1 else 's'} (dry run, nothing written)"
                )
                if p.punctuation:
                    click.echo(f"  {p.punctuation} ASCII punctuation marks made full-width")
                for a in p.articles:
                    kicker = f"［{a.kicker}］" if a.kicker else ""
                    click.echo(f"  {a.id}  {kicker}{a.title}")
        return

    reports = save_parsed(
        state.engine(),
        parsed,
        now=_now(config),
        progress=progress_bar,
        actor=cli_actor(),
        replace=correct,
    )
    if as_json:
        _dump([{"source": src, **r.to_dict()} for src, r in reports])
        return
    for src, r in reports:
        click.echo(
            f"{src}: {len(r.added)} new, {len(r.changed)} corrected, {len(r.unchanged)} unchanged"
        )


@cli.command()
@click.option(
    "--now",
    "now_text",
    help="Run the pass as if it were this ISO 8601 time (with offset). It writes the live "
    "feeds: a time in the past takes out what was due since, until the next pass.",
)
@click.option("--force", is_flag=True, help="Render every channel even if nothing changed.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_state
def publish(state: State, now_text: str | None, force: bool, as_json: bool) -> None:
    """Run one publish pass now and print what changed.

    With several instances on one store, waits up to a minute for the pass
    another instance may be running.

    Example: syndicator publish --now 2021-08-30T06:00:00+08:00
    """
    from ..actions.passes import clock_rewinds, publish_now

    config = state.config
    now = parse_datetime(now_text, "--now") if now_text else _now(config)
    engine = state.engine()
    rewound = clock_rewinds(engine, now)
    if rewound:
        click.echo(
            f"warning: --now is before the last pass's clock ({rewound}): the live feeds"
            " will show the store as of then until the next pass",
            err=True,
        )
    progress = PassProgress()
    try:
        report, reached = publish_now(engine, config, now=now, force=force, progress=progress)
    finally:
        progress.close()
    if not reached:
        click.echo("warning: some WebSub hubs were not reached; see the log", err=True)
    if as_json:
        _dump(report.to_dict())
        return
    click.echo(report.summary())
    for path in report.written:
        click.echo(f"  wrote {path}")


@cli.command()
@click.argument("article_id")
@click.option("--reason", help="Why, for the audit trail (syndicator audit ID shows it).")
@pass_state
def withdraw(state: State, article_id: str, reason: str | None) -> None:
    """Withdraw an article: it leaves every feed on the next pass.

    Example: syndicator withdraw zjgrrb-20210830-01-03 --reason "稿件有误"
    """
    from ..actions.articles import withdraw_article

    withdraw_article(
        state.engine(), article_id, actor=cli_actor(), reason=reason, now=_now(state.config)
    )
    click.echo(f"{article_id}: withdrawn; it leaves the feeds on the next pass")


@cli.command()
@click.argument("article_id")
@pass_state
def restore(state: State, article_id: str) -> None:
    """Publish a withdrawn article again: it returns to the feeds on the next pass.

    Example: syndicator restore zjgrrb-20210830-01-03
    """
    from ..actions.articles import restore_article

    restore_article(state.engine(), article_id, actor=cli_actor(), now=_now(state.config))
    click.echo(f"{article_id}: published; it returns to the feeds on the next pass")
