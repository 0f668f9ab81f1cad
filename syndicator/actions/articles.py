"""Articles in and out of the store: import files, post from a CMS, withdraw, restore,
change the embargo.

A correction is no use case of its own: importing or posting an article
whose id is stored already corrects it in place (same GUID, a new
``updated_at``), whichever door it came through.

Every change is written to the audit trail (who, when, what, before and
after) in the transaction that makes it; ``actor`` names who asked (a
desk user's name, ``cli:<OS user>``, ``api``), ``system`` when nobody said.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TypeVar

from sqlalchemy.engine import Connection, Engine

from .. import store
from ..config import Config
from ..errors import InputError, NotFoundError, StoreError
from ..ingest import Format, ImportOptions, ParsedFile, load_file, parse_json
from ..model import Article
from ..model.changes import article_changes
from ..model.replacement import is_replacement

T = TypeVar("T")

#: How often a save that lost a race to a concurrent writer runs again.
SAVE_ATTEMPTS = 3


def _unchanged(items: Iterable[T], _step: str) -> Iterable[T]:
    return items


#: Wraps an iterable to show progress (the CLI's bars); named by its step.
Progress = Callable[[Iterable[T], str], Iterable[T]]
#: Runs inside a save's transaction with its reports, before the commit.
BeforeCommit = Callable[[Connection, list[tuple[str, store.SaveReport]]], None]


def import_options(
    config: Config,
    *,
    edition: date | None = None,
    page: int | None = None,
    encoding: str | None = None,
) -> ImportOptions:
    """What an importer needs from the configuration, plus what a person stated."""
    return ImportOptions(
        paper_id=config.site.paper_id,
        paper_name=config.site.title,
        tz=config.tz,
        publish_time=config.ingest.publish_clock,
        edition=edition,
        page=page,
        encoding=encoding or config.ingest.encoding,
        fullwidth_punctuation=config.ingest.fullwidth_punctuation,
        page_pattern=config.ingest.page_from_name,
        page_names=config.ingest.page_names,
    )


def parse_files(
    paths: Sequence[str | Path],
    options: ImportOptions,
    fmt: Format = "auto",
    *,
    progress: Progress = _unchanged,
) -> list[ParsedFile]:
    """Parse every file before anything is saved: one bad file stops them all.

    :raises MissingFactError: a page prints no page number or date and
        ``options`` states none.
    :raises InputError: naming file, line and field of the first problem,
        or two files bringing the same article.
    """
    parsed = [load_file(path, options, fmt) for path in progress(paths, "parsing")]
    refuse_shared_ids(parsed)
    return parsed


def refuse_shared_ids(parsed: Sequence[ParsedFile]) -> None:
    """Refuse files of one import that bring the same article id.

    Saved together, the later file would silently "correct" the earlier
    one's article: two pages given the same ``--page``, or the same file
    twice. The editor, not the order of the files, must decide.

    :raises InputError: naming the later file and the article's id.
    """
    seen: dict[str, int] = {}
    for index, p in enumerate(parsed):
        for article in p.articles:
            first = seen.setdefault(article.id, index)
            if first != index:
                raise InputError(
                    f"article {article.id!r} also comes from {parsed[first].source}: two files "
                    "cannot fill the same place (is --page right for both?)",
                    file=p.source,
                    field="id",
                )


def parse_posted(text: str, config: Config, *, source: str = "<request>") -> ParsedFile:
    """An API body: exactly what ``import`` takes in a JSON file.

    :raises InputError: naming the field (and line) of the first problem.
    """
    return parse_json(text, source=source, options=import_options(config))


def save_parsed(
    engine: Engine,
    parsed: Sequence[ParsedFile],
    *,
    now: datetime,
    progress: Progress = _unchanged,
    actor: str = "system",
    before_commit: BeforeCommit | None = None,
    replace: bool = False,
) -> list[tuple[str, store.SaveReport]]:
    """Save parsed files in one transaction: all of them, or none.

    A transaction that lost a race (another writer inserted the same new
    id, or the database broke a deadlock) was rolled back whole, so it
    simply runs again, up to :data:`SAVE_ATTEMPTS` times.

    Each new article gets an ``import`` entry in the audit trail, each
    changed one a ``correct`` entry with the fields that changed.

    :param before_commit: called inside the transaction with what the save
        did, before it commits: it may write more (an audit record) or
        raise to take the whole save back (a correction nobody confirmed).
    :param replace: a person said that articles whose title and text are
        both replaced are corrections all the same (``--correct``); without
        it such an import is refused (:class:`ReplacementRefused`).
    :return: each file's source and what its articles were: new,
        corrected or unchanged.
    :raises StoreError: when the store is down, locked or keeps losing.
    """
    for attempt in range(1, SAVE_ATTEMPTS + 1):
        try:
            with store.transaction(engine) as conn:
                reports = []
                for p in progress(parsed, "saving"):
                    if p.edition is not None:
                        store.save_edition(conn, p.edition)
                    known = store.get_articles(conn, [a.id for a in p.articles])
                    if not replace:
                        _refuse_replacements(p, known)
                    saved = store.save_articles(conn, p.articles, now=now, stated=p.stated)
                    _audit_saved(conn, p, known, saved, actor=actor, now=now)
                    reports.append((p.source, saved))
                if before_commit is not None:
                    before_commit(conn, reports)
                return reports
        except StoreError as exc:
            if not exc.retryable or attempt == SAVE_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


class ReplacementRefused(InputError):
    """An import would put other articles under stored ids: not a correction.

    :param pairs: ``(id, stored title, incoming title)`` of each one.
    """

    def __init__(self, pairs: Sequence[tuple[str, str, str]], *, file: str | None = None) -> None:
        first_id, old, new = pairs[0]
        more = f" and {len(pairs) - 1} more" if len(pairs) > 1 else ""
        super().__init__(
            f"{first_id}{more}: the title and text would be replaced wholesale "
            f"(「{old}」 → 「{new}」): is this another page or another day? "
            "Check the page number and date; if it really is a correction, say so (--correct)",
            file=file,
        )
        self.pairs = tuple(pairs)

    def located(
        self, *, file: str | None = None, line: int | None = None, prefix: str | None = None
    ) -> ReplacementRefused:
        return ReplacementRefused(self.pairs, file=self.file or file)


def _refuse_replacements(parsed: ParsedFile, known: Mapping[str, store.StoredArticle]) -> None:
    pairs = [
        (a.id, known[a.id].article.title, a.title)
        for a in parsed.articles
        if a.id in known and is_replacement(known[a.id].article, a)
    ]
    if pairs:
        raise ReplacementRefused(pairs, file=parsed.source)


def get_article(engine: Engine, article_id: str) -> Article:
    """:raises NotFoundError: when no article has that id."""
    with engine.connect() as conn:
        article = store.get_article(conn, article_id)
    if article is None:
        raise NotFoundError(f"no article with id {article_id!r}")
    return article


def _audit_saved(
    conn: Connection,
    parsed: ParsedFile,
    known: dict[str, store.StoredArticle],
    saved: store.SaveReport,
    *,
    actor: str,
    now: datetime,
) -> None:
    """One entry per new article (``import``) and per changed one (``correct``)."""
    given = {a.id: a for a in parsed.articles}
    for article_id in saved.added:
        article = given[article_id]
        after = {"title": article.title, "page": article.page, "seq": article.seq}
        store.record_audit(
            conn,
            at=now,
            actor=actor,
            action="import",
            article_id=article_id,
            note=parsed.source,
            after=after,
        )
    if not saved.changed:
        return
    now_stored = store.get_articles(conn, saved.changed)
    for article_id in saved.changed:
        before, after = article_changes(known[article_id].article, now_stored[article_id].article)
        store.record_audit(
            conn,
            at=now,
            actor=actor,
            action="correct",
            article_id=article_id,
            note=parsed.source,
            before=before,
            after=after,
        )


def withdraw_article(
    engine: Engine,
    article_id: str,
    *,
    actor: str = "system",
    reason: str | None = None,
    now: datetime | None = None,
) -> None:
    """Withdraw an article: it leaves every feed on the next pass.

    :param reason: why, kept in the audit trail.
    :raises NotFoundError: when no article has that id.
    """
    reason = reason.strip() if reason else None
    _set_status(
        engine, article_id, "withdrawn", "withdraw", actor=actor, note=reason or None, now=now
    )


def restore_article(
    engine: Engine, article_id: str, *, actor: str = "system", now: datetime | None = None
) -> None:
    """Publish a withdrawn article (or a draft) again: it returns on the next pass.

    :raises NotFoundError: when no article has that id.
    """
    _set_status(engine, article_id, "published", "restore", actor=actor, note=None, now=now)


def _set_status(
    engine: Engine,
    article_id: str,
    status: str,
    action: str,
    *,
    actor: str,
    note: str | None,
    now: datetime | None,
) -> None:
    """Change the status and record it, in one transaction; a status already
    held is written again (a pass re-checks the article) but not recorded."""
    at = now or datetime.now(UTC)
    with store.transaction(engine) as conn:
        old = store.get_status(conn, article_id, lock=True)
        if old is None:
            raise NotFoundError(f"no article with id {article_id!r}")
        store.set_status(conn, article_id, status)
        if old != status:
            store.record_audit(
                conn,
                at=at,
                actor=actor,
                action=action,
                article_id=article_id,
                note=note,
                before={"status": old},
                after={"status": status},
            )


def set_embargo(
    engine: Engine, article_id: str, published_at: datetime, *, actor: str, now: datetime
) -> Article:
    """Move an article's publish time: it appears in the feeds from then on.

    The article keeps its id (and so its GUID); the store's revision moves,
    so a running scheduler re-plans at once. An article nobody has seen yet
    takes the new time as its ``updated`` too; one already in the feeds is
    a correction, with a fresh ``updated``.

    :return: the article as stored now.
    :raises NotFoundError: when no article has that id.
    :raises InputError: (field ``published_at``) for a time without an offset.
    """
    if published_at.tzinfo is None or published_at.utcoffset() is None:
        raise InputError("naive datetime; give an offset such as +08:00", field="published_at")
    with store.transaction(engine) as conn:
        stored = store.get_articles(conn, [article_id]).get(article_id)
        if stored is None:
            raise NotFoundError(f"no article with id {article_id!r}")
        old = stored.article
        if old.published_at == published_at:
            return old
        seen = stored.status == "published" and stored.published_at <= now
        updated_at = max(old.updated_at, published_at) if seen else published_at
        moved = old.replace(published_at=published_at, updated_at=updated_at)
        store.save_articles(conn, [moved], now=now)
        store.record_audit(
            conn,
            at=now,
            actor=actor,
            action="embargo",
            article_id=article_id,
            before={"published_at": old.published_at.isoformat()},
            after={"published_at": published_at.isoformat()},
        )
        saved = store.get_article(conn, article_id)
    assert saved is not None
    return saved
