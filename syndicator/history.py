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
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .config import ChannelConfig, Config
from .files import remove_document, write_atomic
from .model import Article
from .render import archive, feeds

log = logging.getLogger(__name__)

MANIFEST = ".pages.json"


@dataclass
class ChannelOutput:
    """What a pass writes for one channel."""

    documents: dict[Path, tuple[bytes, datetime]] = field(default_factory=dict)
    stale: list[Path] = field(default_factory=list)  # archive files to delete
    manifest_path: Path | None = None
    manifest: dict[str, str] = field(default_factory=dict)

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
        if not self.manifest and not self.manifest_path.exists():
            return
        data = json.dumps(self.manifest, sort_keys=True, indent=0).encode()
        write_atomic(self.manifest_path, data)


def page_signature(page: archive.ArchivePage) -> str:
    """Everything a page's bytes depend on besides the configuration."""
    data = [
        page.prev,
        page.next,
        [(a.id, a.published_at.isoformat(), a.updated_at.isoformat()) for a in page.items],
    ]
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()[:32]


def _read_manifest(path: Path) -> dict[str, str]:
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
) -> ChannelOutput:
    """The documents of ``channel`` given every due article (newest first).

    :param force: render every archive page, whatever the manifest says.
    """
    ctx = feeds.context_for(config, channel)
    items = [a for a in due if channel.matches(a)]
    plan = archive.plan_channel(
        ctx, items, limit=config.channel_limit(channel), max_bytes=config.feeds.max_bytes
    )
    result = ChannelOutput()
    updated = feeds.feed_updated(plan.current)
    for filename, data in plan.documents.items():
        result.documents[output / channel.name / filename] = (data, updated)

    root = output / channel.name / feeds.ARCHIVE_DIR
    result.manifest_path = root / MANIFEST
    known = {} if force else _read_manifest(result.manifest_path)
    for page in plan.archives:
        signature = page_signature(page)
        result.manifest[page.key] = signature
        folder = root / page.key
        complete = all((folder / name).exists() for name in feeds.FORMATS)
        if complete and known.get(page.key) == signature:
            continue
        page_updated = feeds.feed_updated(page.items)
        for filename, data in archive.render_archive_page(ctx, page).items():
            if len(data) > config.feeds.max_bytes:
                log.warning(
                    "history: %s/%s/%s is %d bytes, over feeds.max_bytes: a day's page "
                    "is never split",
                    channel.name,
                    page.key,
                    filename,
                    len(data),
                )
            result.documents[folder / filename] = (data, page_updated)
    if root.is_dir():
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            if folder.name not in result.manifest:
                result.stale += [folder / name for name in feeds.FORMATS]
    return result
