"""What a pass must write and record, worked out before any file is touched.

Two ways to the same :class:`PassPlan`: :func:`plan_everything` compares
every due article with the store's bookkeeping (a first pass, a forced
one, a change of settings); :func:`plan_changes` reads only what was
written since the last pass and what fell due since its clock, so a
pass in a big store costs what changed, not what exists. Nothing here
writes a file or commits anything: :mod:`.publish` does that, files first.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from .. import store
from ..config import ChannelConfig, Config
from ..model import Article
from ..render import feeds
from . import channel_files, deadline, floors, wechat_files

FEED_FILES = tuple(feeds.FORMATS)
#: Files earlier releases wrote beside the channels and this one does not.
RETIRED = ("feed.xsl",)


@dataclass
class PassReport:
    """What one pass did; printed by ``syndicator publish``."""

    clock: datetime
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.written or self.deleted)

    def to_dict(self) -> dict[str, object]:
        return {
            "clock": self.clock.isoformat(),
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "channels": self.channels,
            "written": self.written,
            "deleted": self.deleted,
        }

    def summary(self) -> str:
        if not self.changed_anything:
            rendered = f"{len(self.channels)} channels rendered, " if self.channels else ""
            return f"nothing new: {rendered}every feed is up to date"
        return (
            f"{len(self.added)} new, {len(self.changed)} corrected, "
            f"{len(self.removed)} removed; {len(self.written)} files written "
            f"({', '.join(self.channels) or 'no channel'})"
        )


def feed_path(output_dir: Path, channel: str, filename: str) -> Path:
    return output_dir / channel / filename


@dataclass
class PassPlan:
    """Everything a pass writes and records, worked out before any file is touched."""

    report: PassReport
    documents: dict[Path, tuple[bytes, datetime]] = field(default_factory=dict)
    outputs: list[channel_files.ChannelOutput] = field(default_factory=list)
    export: wechat_files.Export = field(default_factory=wechat_files.Export)
    #: Files to delete that no channel or WeChat post accounts for.
    remove: list[Path] = field(default_factory=list)
    #: Document floors this pass sets (:mod:`.floors`), recorded with its bookkeeping.
    floors: floors.DocumentFloors = field(default_factory=dict)
    states: list[store.PublishedState] = field(default_factory=list)
    #: The store revision the plan covers; the render fingerprint it was made
    #: with, and the one the store held (both recorded by the commit).
    revision: int = 0
    fingerprint: str = ""
    stored_fingerprint: str | None = None


T = TypeVar("T")

#: ``progress(step, done, total)``: how far a long pass is (``syndicator publish``'s bars).
Progress = Callable[[str, int, int], None]


def no_progress(_step: str, _done: int, _total: int) -> None:
    return None


def counted(items: list[T], step: str, progress: Progress) -> Iterator[T]:
    for done, item in enumerate(items, 1):
        progress(step, done, len(items))
        yield item


def channel_complete(output: Path, channel: ChannelConfig) -> bool:
    """Whether a channel's feed files are on disk and its manifest knows its items."""
    return all(
        feed_path(output, channel.name, f).exists() for f in FEED_FILES
    ) and channel_files.can_update(output, channel)


def outputs_complete(config: Config) -> bool:
    """Whether an output dir holds everything a pass writes, as far as a look can tell.

    Every channel complete, the OPML and the WeChat folder
    (a single lost WeChat file comes back with ``--force``). The one
    definition: the pass trusts its bookkeeping only when this holds, and a
    follower whose dir is at the store's generation re-renders when it does not.
    """
    output = config.output_dir
    return (
        (output / "opml.xml").exists()
        and (output / wechat_files.DIRECTORY).is_dir()
        and all(channel_complete(output, c) for c in config.channels)
    )


def plan_everything(
    engine: Engine, config: Config, *, now: datetime, force: bool, progress: Progress = no_progress
) -> PassPlan:
    """Compare every due article with the bookkeeping; render what that shows changed."""
    report = PassReport(clock=now)
    output = config.output_dir
    with engine.connect() as conn:
        due_states = store.due_states(conn, now)
        published = store.published_states(conn)
        stored_floors = store.get_document_floors(conn)

    deadline.check("comparing due articles")
    _compare(report, due_states, published)

    touched = set(report.added) | set(report.changed)
    affected: set[str] = set()
    for article_id in report.removed:
        affected.update(published[article_id].channels)
    affected |= {c.name for c in config.channels if not channel_complete(output, c)}
    if force:
        affected |= {c.name for c in config.channels}

    # WeChat posts of new and changed articles, and of any whose files are missing.
    wechat_wanted = (
        set(due_states) if force else touched | wechat_files.missing_posts(output, due_states)
    )

    due: list[Article] = []
    if touched or affected or wechat_wanted:
        with engine.connect() as conn:
            due = store.list_due(conn, now)
        deadline.check("reading due articles")
    by_id = {a.id: a for a in due}
    memberships = {a.id: tuple(c.name for c in config.channels if c.matches(a)) for a in due}
    for article_id in touched:
        affected.update(memberships.get(article_id, ()))
    for article_id in report.changed:
        affected.update(published[article_id].channels)

    def listed(ids: Sequence[str]) -> dict[str, datetime]:
        return {i: _first_published(published.get(i), now) for i in ids}

    plan = PassPlan(report)
    gone: dict[str, date] = {}
    if report.removed:
        with engine.connect() as conn:
            gone = {
                i: s.article.edition for i, s in store.get_articles(conn, report.removed).items()
            }
    plan.floors = floors.new_floors(
        config,
        clock=now,
        taken_out={
            **{i: (gone[i], published[i].channels) for i in report.removed if i in gone},
            **_left_channels(report.changed, published, memberships, by_id),
        },
        put_back={i: (by_id[i].edition, memberships[i]) for i in report.added if i in by_id},
    )
    all_floors = floors.merge(stored_floors, plan.floors)

    # Render everything first: if any renderer fails, no file is touched.
    channels = [c for c in config.channels if c.name in affected]
    for done, channel in enumerate(channels, 1):
        deadline.check(f"rendering channel {channel.name}")
        plan.outputs.append(
            channel_files.channel_output(
                config,
                channel,
                due,
                output,
                force=force,
                listed=listed,
                floors=floors.channel_floors(all_floors, channel.name),
            )
        )
        plan.documents.update(plan.outputs[-1].documents)
        progress("rendering channels", done, len(channels))
    report.channels = sorted(affected & {c.name for c in config.channels})
    opml_updated = max((d[1] for d in plan.documents.values()), default=feeds.EPOCH)
    plan.documents[output / "opml.xml"] = (feeds.render_opml(config), opml_updated)
    # Earlier releases wrote an XSL stylesheet for browsers; browsers now get
    # a page from the server (web.feedpage), and the file goes.
    plan.remove += [output / name for name in RETIRED if (output / name).exists()]
    stray = wechat_files.stray_posts(output, due_states)
    _export(plan, config, by_id, wechat_wanted, progress, stray=stray)
    plan.states = [
        store.PublishedState(
            article_id=i,
            content_hash=due_states[i].content_hash,
            updated_at=due_states[i].updated_at,
            channels=memberships.get(i, ()),
        )
        for i in sorted(touched)
        if i in by_id
    ]
    return plan


def plan_changes(
    engine: Engine, config: Config, *, now: datetime, revision: int, since: datetime
) -> PassPlan | None:
    """Render only what the writes since ``revision`` and the articles due since
    ``since`` affect, reading those articles and the affected channels' newest
    items and archive days; the store's size does not enter into it."""
    report = PassReport(clock=now)
    output = config.output_dir
    with engine.connect() as conn:
        candidates = store.changed_since(conn, revision) | store.due_between(conn, since, now)
        stored = store.get_articles(conn, candidates)
        published = store.published_for(conn, candidates)
        stored_floors = store.get_document_floors(conn)
    due = {i: s for i, s in stored.items() if s.status == "published" and s.published_at <= now}
    _compare(report, due, published)
    if any(i not in stored for i in report.removed):
        return None  # a row deleted under us: only the full comparison knows its channels
    touched = set(report.added) | set(report.changed)
    memberships = {
        i: tuple(c.name for c in config.channels if c.matches(due[i].article)) for i in touched
    }
    dirty: dict[str, set] = {}
    for i in touched:
        for name in memberships[i]:
            dirty.setdefault(name, set()).add(due[i].article.edition)
    for i in [*report.changed, *report.removed]:
        for name in published[i].channels:
            dirty.setdefault(name, set()).add(stored[i].article.edition)

    plan = PassPlan(report)
    plan.floors = floors.new_floors(
        config,
        clock=now,
        taken_out={
            **{i: (stored[i].article.edition, published[i].channels) for i in report.removed},
            **_left_channels(
                report.changed, published, memberships, {i: due[i].article for i in touched}
            ),
        },
        put_back={i: (due[i].article.edition, memberships[i]) for i in report.added},
    )
    all_floors = floors.merge(stored_floors, plan.floors)
    with engine.connect() as conn:
        for channel in config.channels:
            if channel.name not in dirty:
                continue
            deadline.check(f"rendering channel {channel.name}")
            plan.outputs.append(
                channel_files.update_channel(
                    config,
                    channel,
                    output,
                    window=functools.partial(_newest, conn, now, channel),
                    edition=functools.partial(_in_edition, conn, now, channel),
                    dirty=dirty[channel.name],
                    listed=functools.partial(_listed, conn, now),
                    floors=floors.channel_floors(all_floors, channel.name),
                )
            )
            plan.documents.update(plan.outputs[-1].documents)
    report.channels = sorted(dirty)
    _export(plan, config, {i: due[i].article for i in touched}, touched)
    plan.states = [
        store.PublishedState(i, due[i].content_hash, due[i].updated_at, memberships[i])
        for i in sorted(touched)
    ]
    return plan


def _compare(
    report: PassReport, due: Mapping[str, Any], published: Mapping[str, store.PublishedState]
) -> None:
    """Sort the ids into added, removed, and changed (its text or its time moved)."""
    report.added = sorted(set(due) - set(published))
    report.removed = sorted(set(published) - set(due))
    report.changed = sorted(
        i
        for i in set(due) & set(published)
        if due[i].content_hash != published[i].content_hash
        or due[i].updated_at != published[i].updated_at
    )


def _left_channels(
    changed: Sequence[str],
    published: Mapping[str, store.PublishedState],
    memberships: Mapping[str, Sequence[str]],
    articles: Mapping[str, Article],
) -> dict[str, tuple[date, tuple[str, ...]]]:
    """Corrected articles that no longer match channels they were in: taken out of those."""
    out = {}
    for article_id in changed:
        left = set(published[article_id].channels) - set(memberships.get(article_id, ()))
        if left and article_id in articles:
            out[article_id] = (articles[article_id].edition, tuple(sorted(left)))
    return out


def _first_published(state: store.PublishedState | None, now: datetime) -> datetime:
    """An article first published by this pass is listed at its clock."""
    if state is None or state.first_published_at is None:
        return now
    return state.first_published_at


def _in_edition(
    conn: sa.Connection, now: datetime, channel: ChannelConfig, day: date
) -> list[Article]:
    """The channel's due articles of the edition of ``day``."""
    return [a for a in store.due_in_edition(conn, now, day) if channel.matches(a)]


def _listed(conn: sa.Connection, now: datetime, ids: Sequence[str]) -> dict[str, datetime]:
    """When each of ``ids`` was first published (``now`` for one that is new)."""
    return {**dict.fromkeys(ids, now), **store.first_published(conn, ids)}


def _newest(conn: sa.Connection, now: datetime, channel: ChannelConfig, n: int) -> list[Article]:
    """The channel's ``n`` newest due articles: a walk down the index until found."""
    out: list[Article] = []
    for article in store.iter_due(conn, now, chunk=max(n, 50)):
        if channel.matches(article):
            out.append(article)
            if len(out) >= n:
                break
    return out


def _export(
    plan: PassPlan,
    config: Config,
    by_id: dict[str, Article],
    wanted: set[str],
    progress: Progress = no_progress,
    stray: set[str] | frozenset[str] = frozenset(),
) -> None:
    """The WeChat files of ``wanted`` articles, and those of removed (or
    ``stray``: on disk but not due) ones to delete."""
    output = config.output_dir
    plan.export = wechat_files.plan_export(
        config,
        output,
        by_id,
        wanted,
        sorted(set(plan.report.removed) | stray),
        progress=lambda done, total: progress("rendering WeChat posts", done, total),
    )
    plan.documents.update(
        {path: (data, a.updated_at) for path, (data, a) in plan.export.documents.items()}
    )
