"""``init``, ``import``, ``publish`` and ``withdraw``: the newsroom's everyday commands."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import click

from ..config import Config
from ..errors import InputError, SyndicatorError
from .base import BadInput, State, _dump, _now, cli, pass_state
from .progress import PassProgress, progress_bar

if TYPE_CHECKING:
    from ..ingest.parsed import Format


@cli.command()
@pass_state
def init(state: State) -> None:
    """Create the store's tables and the output directory.

    Safe to run again: existing data is kept.

    Example: syndicator --config config.toml init
    """
    state.engine()
    state.config.output_dir.mkdir(parents=True, exist_ok=True)
    click.echo(f"store ready: {state.config.store_url}")
    click.echo(f"output directory: {state.config.output_dir}")


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
    "--edition", "edition", help="Edition date YYYY-MM-DD, when the page does not print it."
)
@click.option(
    "--page", type=click.IntRange(min=1), help="Page number, when the page does not print it."
)
@click.option(
    "--encoding", help="Text encoding of e-paper files (default: detect UTF-8 or GB18030)."
)
@click.option("--dry-run", is_flag=True, help="Parse and check only; write nothing.")
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
    as_json: bool,
) -> None:
    """Import e-paper page texts or JSON article files.

    All files are parsed before anything is written, and all are saved in
    one transaction: a bad file leaves the store untouched. Re-importing a
    page changes nothing; a corrected page updates the articles in place.

    Example: syndicator import --dry-run --json demo/zjgrrb-2021-08-30-p1.txt
    """
    from .. import store
    from ..ingest import ImportOptions, load_file

    config = state.config
    if edition is not None:
        try:
            edition_date: date | None = date.fromisoformat(edition)
        except ValueError:
            raise BadInput(f"--edition: not a date: {edition!r} (use YYYY-MM-DD)") from None
    else:
        edition_date = None
    options = ImportOptions(
        paper_id=config.site.paper_id,
        paper_name=config.site.title,
        tz=config.tz,
        publish_time=config.ingest.publish_clock,
        edition=edition_date,
        page=page,
        encoding=encoding or config.ingest.encoding,
    )
    parsed = []
    for path in progress_bar(paths, "parsing"):
        try:
            result = load_file(path, options, fmt)
        except InputError as exc:
            raise BadInput(str(exc)) from None
        for warning in result.warnings:
            where = f"{path}:{warning.line}" if warning.line else path
            click.echo(f"{where}: warning: {warning.message}", err=True)
        parsed.append(result)

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
                for a in p.articles:
                    kicker = f"［{a.kicker}］" if a.kicker else ""
                    click.echo(f"  {a.id}  {kicker}{a.title}")
        return

    engine = state.engine()
    reports = []
    now = _now(config)
    with store.transaction(engine) as conn:
        for p in progress_bar(parsed, "saving"):
            if p.edition is not None:
                store.save_edition(conn, p.edition)
            reports.append(
                (p.source, store.save_articles(conn, p.articles, now=now, stated=p.stated))
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
    from ..model.fields import parse_datetime
    from ..publish.cluster import publish_or_follow

    config = state.config
    if now_text:
        try:
            now = parse_datetime(now_text, "--now")
        except InputError as exc:
            raise BadInput(str(exc)) from None
    else:
        now = _now(config)
    engine = state.engine()
    _warn_if_clock_goes_back(engine, now)
    progress = PassProgress()
    try:
        outcome = publish_or_follow(
            engine,
            config,
            now=now,
            force=force,
            wait=60.0,
            follow=False,
            clean=True,
            progress=progress,
        )
    except SyndicatorError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        progress.close()
    if outcome.report is None:
        raise click.ClickException(
            "another instance has been running a pass for a minute; try again later"
        )
    report = outcome.report
    _ping_hubs(config, report.written)
    if as_json:
        _dump(report.to_dict())
        return
    click.echo(report.summary())
    for path in report.written:
        click.echo(f"  wrote {path}")


def _warn_if_clock_goes_back(engine: Any, now: datetime) -> None:
    """``publish --now`` before the last pass's clock rewinds the live feeds."""
    from .. import store
    from ..publish import COVERED_CLOCK

    with engine.connect() as conn:
        last = store.get_meta(conn, COVERED_CLOCK)
    if last and now < datetime.fromisoformat(last):
        click.echo(
            f"warning: --now is before the last pass's clock ({last}): the live feeds"
            " will show the store as of then until the next pass",
            err=True,
        )


def _ping_hubs(config: Config, written: list[str]) -> None:
    """WebSub pings for a one-off pass: wait a little, then leave the rest."""
    from ..integrations.websub import Pinger, changed_topics

    topics = changed_topics(config, written)
    if not (config.feeds.hubs and topics):
        return
    pinger = Pinger.from_config(config).start()
    pinger.publish(topics)
    if not pinger.wait_idle(timeout=30):
        click.echo("warning: some WebSub hubs were not reached; see the log", err=True)
    pinger.stop(timeout=1)


@cli.command()
@click.argument("article_id")
@pass_state
def withdraw(state: State, article_id: str) -> None:
    """Withdraw an article: it leaves every feed on the next pass.

    Example: syndicator withdraw zjgrrb-20210830-01-03
    """
    from .. import store

    with store.transaction(state.engine()) as conn:
        if not store.set_status(conn, article_id, "withdrawn"):
            raise BadInput(f"no article with id {article_id!r}")
    click.echo(f"{article_id}: withdrawn; it leaves the feeds on the next pass")
