"""The publish pass: what is due, what changed, which files to rewrite.

A pass compares the articles due *now* with what the feeds held after the
previous pass (the store's ``published`` table). Only channels touched by
a new, corrected or withdrawn article are rendered again, and a file is
only replaced when its bytes differ. The bookkeeping is committed after
the files are in place, so a pass that dies half-way is simply redone.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from .. import store
from ..config import ChannelConfig, Config
from ..model import Article
from . import checkpoints, deadline
from .output_files import remove_document, write_documents
from .plan import (
    PassPlan,
    PassReport,
    Progress,
    counted,
    no_progress,
    outputs_complete,
    plan_changes,
    plan_everything,
)

log = logging.getLogger(__name__)


@functools.cache
def code_fingerprint() -> str:
    """A digest of the package's code and templates, read once per process.

    A new release that renders differently (a new archive page, another
    date in a feed, a changed template) must re-render what the last one
    wrote: the changes-only pass would otherwise mend only the documents
    it happens to touch, and followers, which render everything, would
    serve other bytes than the publisher. The version number alone is not
    bumped for every such change; the code itself is the honest measure.
    """
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent.parent  # the whole syndicator package
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".html", ".css", ".js") and path.is_file():
            digest.update(str(path.relative_to(package)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def render_fingerprint(config: Config) -> str:
    """A digest of the code and the settings that shape output; a change
    re-renders everything."""
    data = {
        "code": code_fingerprint(),
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

    Three steps, in this order (announced through :mod:`.checkpoints`):
    :func:`plan_pass` reads and renders, :func:`write_plan` puts the files
    in place, :func:`commit_plan` records what they now hold. The order is
    the crash-safety: a pass killed before the commit leaves bookkeeping
    that still lacks its articles, so the next pass renders them again.

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
    plan = plan_pass(engine, config, now=now, force=force, record=record, progress=progress)
    deadline.check("about to write")  # the last point at which nothing is touched
    checkpoints.reach("planned", documents=len(plan.documents))
    write_plan(config, plan, progress)
    checkpoints.reach("files-written", written=len(plan.report.written))
    if not record:
        return plan.report
    commit_plan(engine, plan, started=started, finished=datetime.now(now.tzinfo), instance=instance)
    checkpoints.reach("committed")
    if plan.report.changed_anything:
        log.info("publish pass: %s", plan.report.summary())
    return plan.report


def plan_pass(
    engine: Engine,
    config: Config,
    *,
    now: datetime,
    force: bool = False,
    record: bool = True,
    progress: Progress = no_progress,
) -> PassPlan:
    """What the pass must write and record; reads the store, touches nothing.

    Usually only what changed since the last pass is read (:func:`plan_changes`);
    a first pass, ``force``, a change of settings, a clock that went back or
    output files gone make it compare every due article instead
    (:func:`plan_everything`).
    """
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
        if now >= since and outputs_complete(config):
            plan = plan_changes(engine, config, now=now, revision=int(covered), since=since)
    if plan is None:
        plan = plan_everything(engine, config, now=now, force=force, progress=progress)
    plan.revision, plan.fingerprint, plan.stored_fingerprint = revision, current_fp, fingerprint
    return plan


def write_plan(config: Config, plan: PassPlan, progress: Progress = no_progress) -> None:
    """Put the plan's files in place, each atomically, and delete what it removes."""
    report, output = plan.report, config.output_dir
    documents = counted(sorted(plan.documents.items()), "writing files", progress)
    written = write_documents(
        output,
        ((p, data, when) for p, (data, when) in documents),
        on_replace=lambda done, total: checkpoints.reach("replaced", done=done, total=total),
    )
    report.written += [str(path.relative_to(output)) for path in written]
    for path in [*plan.export.remove, *plan.remove]:
        if remove_document(path):
            report.deleted.append(str(path.relative_to(output)))
    for out in plan.outputs:
        report.deleted += [str(p.relative_to(output)) for p in out.remove_stale()]
        out.save_manifest()


def commit_plan(
    engine: Engine,
    plan: PassPlan,
    *,
    started: datetime,
    finished: datetime,
    instance: str | None = None,
) -> None:
    """Record in one transaction what the plan's files now hold.

    Call it only once :func:`write_plan` has returned: this is what makes
    the next pass treat the plan's articles as published and skip them,
    so committed before the files, a crash in between would lose them
    (``tests/publish/test_fault_order.py`` shows it).
    """
    report, now = plan.report, plan.report.clock
    refingerprinted = plan.stored_fingerprint != plan.fingerprint
    with store.transaction(engine) as conn:
        store.record_published(conn, plan.states, report.removed, now=now)
        store.raise_document_floors(conn, plan.floors)
        if refingerprinted:
            store.set_meta(conn, "render_fingerprint", plan.fingerprint)
        if report.added or report.changed or report.removed or refingerprinted:
            store.bump_generation(conn, clock=now, made_at=finished)
        store.record_last_pass(conn, finished_at=finished, instance=instance)
        store.set_meta(conn, COVERED_REVISION, str(plan.revision))
        store.set_meta(conn, COVERED_CLOCK, now.isoformat())
        store.forget_changes(conn, plan.revision)
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
