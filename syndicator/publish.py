"""The publish pass: what is due, what changed, which files to rewrite.

A pass compares the articles due *now* with what the feeds held after the
previous pass (the store's ``published`` table). Only channels touched by
a new, corrected or withdrawn article are rendered again, and a file is
only replaced when its bytes differ. The bookkeeping is committed after
the files are in place, so a pass that dies half-way is simply redone.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from . import history, store, wechat_export
from .config import ChannelConfig, Config
from .files import remove_document, write_document
from .model import Article
from .render import feeds

log = logging.getLogger(__name__)

FEED_FILES = tuple(feeds.FORMATS)


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
            return "nothing new: every feed is up to date"
        return (
            f"{len(self.added)} new, {len(self.changed)} corrected, "
            f"{len(self.removed)} removed; {len(self.written)} files written "
            f"({', '.join(self.channels) or 'no channel'})"
        )


def feed_path(output_dir: Path, channel: str, filename: str) -> Path:
    return output_dir / channel / filename


def render_fingerprint(config: Config) -> str:
    """A digest of the settings that shape output; a change re-renders everything."""
    from . import __version__

    data = {
        "version": __version__,
        "site": config.site.__dict__,
        "feeds": config.feeds.__dict__,
        "interval": config.scheduler.interval,
        "channels": [c.__dict__ for c in config.channels],
        "wechat": config.wechat.__dict__,
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def select_channel(config: Config, channel: ChannelConfig, due: Sequence[Article]) -> list[Article]:
    """The newest items of one channel, within its limit; ``due`` is newest first."""
    limit = config.channel_limit(channel)
    return [a for a in due if channel.matches(a)][:limit]


def run_pass(
    engine: Engine,
    config: Config,
    *,
    now: datetime,
    force: bool = False,
    record: bool = True,
    instance: str | None = None,
) -> PassReport:
    """Bring every feed file up to date with the store as of ``now``.

    :param now: the pass's clock; injected so that tests and ``publish
        --now`` can ask "what is due at 07:00?" without waiting.
    :param force: render every channel even if nothing seems to have changed
        (after a template or config change, or a wiped output directory).
    :param record: commit the bookkeeping. ``False`` is an instance that
        did not publish catching its own output dir up with the store
        (``cluster``): it writes files and nothing else, so outputs with
        side effects (pings, pushes) belong behind ``record``.
    :param instance: who ran the pass, kept with its record.
    """
    if now.tzinfo is None:
        raise ValueError("run_pass needs an aware datetime")
    started = datetime.now(now.tzinfo)
    report = PassReport(clock=now)
    output = config.output_dir
    with engine.connect() as conn:
        due_states = store.due_states(conn, now)
        published = store.published_states(conn)
        fingerprint = conn.execute(
            sa.select(store.meta.c.value).where(store.meta.c.key == "render_fingerprint")
        ).scalar()
    current_fp = render_fingerprint(config)
    force = force or fingerprint != current_fp

    report.added = sorted(set(due_states) - set(published))
    report.removed = sorted(set(published) - set(due_states))
    report.changed = sorted(
        i
        for i in set(due_states) & set(published)
        if due_states[i].content_hash != published[i].content_hash
        or due_states[i].updated_at != published[i].updated_at
    )

    touched = set(report.added) | set(report.changed)
    affected: set[str] = set()
    for article_id in report.removed:
        affected.update(published[article_id].channels)
    missing = {
        c.name
        for c in config.channels
        if not all(feed_path(output, c.name, f).exists() for f in FEED_FILES)
    }
    affected |= missing
    if force:
        affected |= {c.name for c in config.channels}

    # WeChat posts of new and changed articles, and of any whose files are missing.
    wechat_wanted = (
        set(due_states) if force else touched | wechat_export.missing_posts(output, due_states)
    )

    due: list[Article] = []
    if touched or affected or wechat_wanted:
        with engine.connect() as conn:
            due = store.list_due(conn, now)
    by_id = {a.id: a for a in due}
    memberships = {a.id: tuple(c.name for c in config.channels if c.matches(a)) for a in due}
    for article_id in touched:
        affected.update(memberships.get(article_id, ()))
    for article_id in report.changed:
        affected.update(published[article_id].channels)

    # Render everything first: if any renderer fails, no file is touched.
    documents: dict[Path, tuple[bytes, datetime]] = {}
    outputs: list[history.ChannelOutput] = []
    for channel in config.channels:
        if channel.name not in affected:
            continue
        outputs.append(history.channel_output(config, channel, due, output, force=force))
        documents.update(outputs[-1].documents)
    report.channels = sorted(affected & {c.name for c in config.channels})
    opml_updated = max((d[1] for d in documents.values()), default=feeds.EPOCH)
    documents[output / "opml.xml"] = (feeds.render_opml(config), opml_updated)
    documents[output / feeds.STYLESHEET] = (feeds.stylesheet(), feeds.EPOCH)
    export = wechat_export.plan_export(config, output, by_id, wechat_wanted, report.removed)
    documents.update({path: (data, a.updated_at) for path, (data, a) in export.documents.items()})

    for path, (data, updated) in sorted(documents.items()):
        if write_document(path, data, modified=updated):
            report.written.append(str(path.relative_to(output)))
    for path in export.remove:
        if remove_document(path):
            report.deleted.append(str(path.relative_to(output)))
    for out in outputs:
        report.deleted += [str(p.relative_to(output)) for p in out.remove_stale()]
        out.save_manifest()

    finished = datetime.now(now.tzinfo)
    if not record:
        return report
    states = [
        store.PublishedState(
            article_id=i,
            content_hash=due_states[i].content_hash,
            updated_at=due_states[i].updated_at,
            channels=memberships.get(i, ()),
        )
        for i in sorted(touched)
        if i in by_id
    ]
    with store.transaction(engine) as conn:
        store.record_published(conn, states, report.removed, now=now)
        if fingerprint != current_fp:
            _set_meta(conn, "render_fingerprint", current_fp)
        if report.added or report.changed or report.removed or fingerprint != current_fp:
            store.bump_generation(conn, clock=now)
        store.record_last_pass(conn, finished_at=finished, instance=instance)
        if report.changed_anything:
            store.record_pass(
                conn,
                started_at=started,
                finished_at=finished,
                clock=now,
                added=len(report.added),
                changed=len(report.changed),
                removed=len(report.removed),
                files=len(report.written),
                instance=instance,
            )
    if report.changed_anything:
        log.info("publish pass: %s", report.summary())
    return report


def _set_meta(conn: sa.Connection, key: str, value: str) -> None:
    updated = conn.execute(
        store.meta.update().where(store.meta.c.key == key).values(value=value)
    ).rowcount
    if not updated:
        conn.execute(store.meta.insert().values(key=key, value=value))
