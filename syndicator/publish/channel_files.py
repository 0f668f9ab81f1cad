"""A channel's documents on disk: its feed and its RFC 5005 archive pages.

:mod:`.render.archive` decides which items go where; this module decides
which files a pass must write, rewrite or delete. A channel with years of
history has hundreds of archive pages, and nearly all of them are the same
as after the last pass, so each page's inputs (its items' ids and times,
its ``prev-archive``) are summed up in a signature kept beside the pages
(``archive/.pages.json``, not served). A page is rendered again only when
its signature changed or one of its files is missing; any setting that
shapes output forces every page (the pass's render fingerprint).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..config import ChannelConfig, Config
from ..model import Article
from ..render import feeds
from ..render.feeds import archive
from . import deadline
from .output_files import remove_document, write_atomic

log = logging.getLogger(__name__)

MANIFEST = ".pages.json"
#: The manifest's record of the subscription document's items: ``[[id, edition], …]``.
CURRENT = "@current"


@dataclass
class ChannelOutput:
    """What a pass writes for one channel."""

    documents: dict[Path, tuple[bytes, datetime]] = field(default_factory=dict)
    stale: list[Path] = field(default_factory=list)  # archive files to delete
    manifest_path: Path | None = None
    manifest: dict[str, Any] = field(default_factory=dict)
    #: The subscription document's update time: the manifest's mtime too, so
    #: every instance's output dir is the same down to file times.
    updated: datetime | None = None

    def remove_stale(self) -> list[Path]:
        """Delete archive pages that no longer exist; return the files removed."""
        removed = [path for path in self.stale if remove_document(path)]
        for folder in sorted({path.parent for path in self.stale}):
            with contextlib.suppress(OSError):  # not empty, or already gone
                folder.rmdir()
        return removed

    def save_manifest(self) -> None:
        """Record the pages' signatures; call only after the pages are written."""
        if self.manifest_path is None:
            return
        data = json.dumps(self.manifest, sort_keys=True, indent=0).encode()
        write_atomic(self.manifest_path, data, modified=self.updated)


def page_signature(page: archive.ArchivePage) -> str:
    """Everything a page's bytes depend on besides the configuration."""
    data: list[Any] = [
        page.prev,
        page.next,
        [(a.id, a.published_at.isoformat(), a.updated_at.isoformat()) for a in page.items],
    ]
    if page.floor is not None:  # only then: the signatures of other pages stay as they were
        data.append(page.floor.timestamp())  # the instant: read back from a store, it is in UTC
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()[:32]


def read_manifest(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def channel_output(
    config: Config,
    channel: ChannelConfig,
    due: Sequence[Article],
    output: Path,
    *,
    force: bool = False,
    listed: feeds.Listed | None = None,
    floors: archive.Floors | None = None,
) -> ChannelOutput:
    """The documents of ``channel`` given every due article (newest first).

    :param force: render every archive page, whatever the manifest says.
    :param listed: when articles were first published (the feed's ``updated``).
    :param floors: the least ``updated`` of the channel's documents (``publish.floors``).
    """
    ctx = feeds.context_for(config, channel)
    items = [a for a in due if channel.matches(a)]
    plan = archive.plan_channel(
        ctx,
        items,
        limit=config.channel_limit(channel),
        max_bytes=config.feeds.max_bytes,
        listed=listed,
        floors=floors,
    )
    result = ChannelOutput()
    updated = result.updated = plan.updated
    for filename, data in plan.documents.items():
        result.documents[output / channel.name / filename] = (data, updated)

    root = output / channel.name / feeds.ARCHIVE_DIR
    result.manifest_path = root / MANIFEST
    known = {} if force else read_manifest(result.manifest_path)
    result.manifest[CURRENT] = _current_record(plan.current)
    for page in plan.archives:
        _add_page(result, config, ctx, root, page, known)
    if root.is_dir():
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            if folder.name not in result.manifest:
                result.stale += [folder / name for name in feeds.FORMATS]
    return result


def _current_record(items: Iterable[Article]) -> list[list[str]]:
    return [[a.id, a.edition.isoformat()] for a in items]


def _add_page(
    result: ChannelOutput,
    config: Config,
    ctx: feeds.FeedContext,
    root: Path,
    page: archive.ArchivePage,
    known: dict[str, Any],
) -> None:
    """Record a page's signature; render it unless the manifest says it is on disk as is."""
    deadline.check(f"rendering archive page {ctx.channel.name}/{page.key}")
    signature = page_signature(page)
    result.manifest[page.key] = signature
    folder = root / page.key
    complete = all((folder / name).exists() for name in feeds.FORMATS)
    if complete and known.get(page.key) == signature:
        return
    page_updated = archive.page_updated(ctx, page)
    for filename, data in archive.render_archive_page(ctx, page).items():
        if len(data) > config.feeds.max_bytes:
            log.warning(
                "history: %s/%s/%s is %d bytes, over feeds.max_bytes: a day's page is never split",
                ctx.channel.name,
                page.key,
                filename,
                len(data),
            )
        result.documents[folder / filename] = (data, page_updated)


def can_update(output: Path, channel: ChannelConfig) -> bool:
    """Whether the channel's manifest knows its current items (else: render it whole)."""
    manifest = read_manifest(output / channel.name / feeds.ARCHIVE_DIR / MANIFEST)
    return isinstance(manifest.get(CURRENT), list)


def update_channel(
    config: Config,
    channel: ChannelConfig,
    output: Path,
    *,
    window: Callable[[int], list[Article]],
    edition: Callable[[date], list[Article]],
    dirty: Iterable[date],
    listed: feeds.Listed | None = None,
    floors: archive.Floors | None = None,
) -> ChannelOutput:
    """The documents of ``channel`` after a few articles changed, without reading the rest.

    :param window: the channel's newest ``n`` due items (newest first).
    :param edition: the channel's due items of one edition date (newest first).
    :param dirty: edition dates of the channel's new, changed or removed articles.
    :param floors: the least ``updated`` of the channel's documents (``publish.floors``).

    The archive pages that exist are the manifest's; a day's page can only
    appear, change or go when one of its articles changed (``dirty``) or
    crossed the edge of the subscription document, and its neighbours'
    ``prev``/``next`` links change only when a page appears or goes. Only
    those pages are read from the store and rendered; the result is what
    :func:`channel_output` gives from every article (a test compares).
    """
    ctx = feeds.context_for(config, channel)
    floors = floors or {}
    limit = config.channel_limit(channel)
    root = output / channel.name / feeds.ARCHIVE_DIR
    manifest_path = root / MANIFEST
    result = ChannelOutput(manifest_path=manifest_path)
    known = read_manifest(manifest_path)
    old_current = {i: date.fromisoformat(d) for i, d in known.get(CURRENT, [])}
    old_days = {k for k in known if not k.startswith("@") and k != feeds.ORIGIN}
    items = window(limit + 1)  # one more: is anything left out at all?
    days: dict[date, list[Article]] = {}

    def day_items(day: date) -> list[Article]:
        if day not in days:
            days[day] = edition(day)
        return days[day]

    count = min(limit, len(items))
    while True:
        current = items[:count]
        ids = {a.id for a in current}
        moved = {a.edition for a in current if a.id not in old_current}
        moved |= {d for i, d in old_current.items() if i not in ids}
        check = set(dirty) | moved
        if len(items) > count:
            check |= {a.edition for a in items[count:]}
        archived = {d.isoformat() for d in check if any(a.id not in ids for a in day_items(d))}
        keys = (old_days - {d.isoformat() for d in check}) | archived
        order = sorted(keys)
        prev = order[-1] if order else None
        updated = archive.at_least(
            feeds.listed_updated(current, listed), floors.get(archive.CURRENT)
        )
        documents = feeds.render_channel(ctx.for_current(prev, updated=updated), current)
        size = max(len(data) for data in documents.values())
        if size <= config.feeds.max_bytes or count <= 1:
            break
        count = min(count - 1, max(1, count * config.feeds.max_bytes // size))
    result.updated = updated
    for filename, data in documents.items():
        result.documents[output / channel.name / filename] = (data, updated)

    # Pages whose items may have changed, and the neighbours of pages that came or went.
    review = {d.isoformat() for d in check} & keys
    for gone_or_new in keys ^ old_days:
        at = bisect_left(order, gone_or_new)
        if at < len(order) and order[at] == gone_or_new:
            review.add(gone_or_new)
            neighbours = (at - 1, at + 1)
        else:
            neighbours = (at - 1, at)
        review |= {order[i] for i in neighbours if 0 <= i < len(order)}
    result.manifest = {k: v for k, v in known.items() if k in keys}
    result.manifest[CURRENT] = _current_record(current)
    chain = [feeds.ORIGIN, *order] if order else []  # oldest first, as plan_channel's
    for key in sorted(review, reverse=True):
        at = chain.index(key)
        page = archive.ArchivePage(
            key=key,
            items=tuple(day_items(date.fromisoformat(key))),
            prev=chain[at - 1],
            next=chain[at + 1] if at + 1 < len(chain) else None,
            floor=floors.get(key),
        )
        _add_page(result, config, ctx, root, page, known)
    if chain:  # its signature tells whether its next-archive moved
        origin = archive.ArchivePage(
            feeds.ORIGIN, (), None, chain[1], floor=floors.get(feeds.ORIGIN)
        )
        _add_page(result, config, ctx, root, origin, known)
    stale = old_days - keys
    if not chain and feeds.ORIGIN in known:
        stale.add(feeds.ORIGIN)
    for key in sorted(stale):
        result.stale += [root / key / name for name in feeds.FORMATS]
    return result
