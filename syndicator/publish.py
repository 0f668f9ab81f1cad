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
from datetime import datetime

from sqlalchemy.engine import Engine

from . import history, store, wechat_export
from .config import ChannelConfig, Config
from .files import remove_document, write_documents
from .model import Article
from .passplan import (
    FEED_FILES,
    PassPlan,
    PassReport,
    Progress,
    counted,
    feed_path,
    no_progress,
    plan_changes,
    plan_everything,
)
from .render import feeds

__all__ = ["FEED_FILES", "PassPlan", "PassReport", "Progress", "feed_path", "run_pass"]

log = logging.getLogger(__name__)


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


#: The store revision and the clock the last pass covered (``meta`` keys).
COVERED_REVISION = "published_revision"
COVERED_CLOCK = "published_clock"


def run_pass(
    engine: Engine,
    config: Config,
    *,
    now: datetime,
    force: bool = False,
    record: bool = True,
    instance: str | None = None,
    progress: Progress | None = None,
) -> PassReport:
    """Bring every feed file up to date with the store as of ``now``.

    Usually only what changed since the last pass is read (:func:`plan_changes`);
    a first pass, ``force``, a change of settings, a clock that went back or
    output files gone make it compare every due article instead
    (:func:`plan_everything`).

    :param now: the pass's clock; injected so that tests and ``publish
        --now`` can ask "what is due at 07:00?" without waiting.
    :param force: render every channel even if nothing seems to have changed
        (after a template or config change, or a wiped output directory).
    :param record: commit the bookkeeping. ``False`` is an instance that
        did not publish catching its own output dir up with the store
        (``cluster``): it writes files and nothing else, so outputs with
        side effects (pings, pushes) belong behind ``record``.
    :param instance: who ran the pass, kept with its record.
    :param progress: told how far rendering and writing are.
    """
    progress = progress or no_progress
    if now.tzinfo is None:
        raise ValueError("run_pass needs an aware datetime")
    started = datetime.now(now.tzinfo)
    with engine.connect() as conn:
        fingerprint = store.get_meta(conn, "render_fingerprint")
        revision = store.get_revision(conn)
        covered = store.get_meta(conn, COVERED_REVISION)
        last_clock = store.get_meta(conn, COVERED_CLOCK)
    current_fp = render_fingerprint(config)
    force = force or fingerprint != current_fp
    plan = None
    if record and not force and covered is not None and last_clock is not None:
        since = datetime.fromisoformat(last_clock)
        if now >= since and _outputs_complete(config):
            plan = plan_changes(engine, config, now=now, revision=int(covered), since=since)
    if plan is None:
        plan = plan_everything(engine, config, now=now, force=force, progress=progress)
    report = plan.report
    output = config.output_dir

    documents = counted(sorted(plan.documents.items()), "writing files", progress)
    written = write_documents(output, ((p, data, when) for p, (data, when) in documents))
    report.written += [str(path.relative_to(output)) for path in written]
    for path in plan.export.remove:
        if remove_document(path):
            report.deleted.append(str(path.relative_to(output)))
    for out in plan.outputs:
        report.deleted += [str(p.relative_to(output)) for p in out.remove_stale()]
        out.save_manifest()

    finished = datetime.now(now.tzinfo)
    if not record:
        return report
    with store.transaction(engine) as conn:
        store.record_published(conn, plan.states, report.removed, now=now)
        if fingerprint != current_fp:
            store.set_meta(conn, "render_fingerprint", current_fp)
        if report.added or report.changed or report.removed or fingerprint != current_fp:
            store.bump_generation(conn, clock=now)
        store.record_last_pass(conn, finished_at=finished, instance=instance)
        store.set_meta(conn, COVERED_REVISION, str(revision))
        store.set_meta(conn, COVERED_CLOCK, now.isoformat())
        store.forget_changes(conn, revision)
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


def _outputs_complete(config: Config) -> bool:
    """Every channel's feeds and manifest, the OPML, the stylesheet and the WeChat
    folder are on disk (a single lost WeChat file comes back with ``--force``)."""
    output = config.output_dir
    if not (output / "opml.xml").exists() or not (output / feeds.STYLESHEET).exists():
        return False
    if not (output / wechat_export.DIRECTORY).is_dir():
        return False
    return all(
        feed_path(output, c.name, f).exists() for c in config.channels for f in FEED_FILES
    ) and all(history.can_update(output, c) for c in config.channels)
