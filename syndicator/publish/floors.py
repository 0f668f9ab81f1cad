"""A feed document's time never goes back: the floor a withdrawal leaves under it.

A document's ``updated`` (RSS ``lastBuildDate``, Atom ``updated``) and the
file's mtime, which servers send as ``Last-Modified``, are its newest
item's time (and when its items were first listed, ``render.feeds``). Take
the newest item out (a withdrawal, an embargo moved later, a deletion, an
article that left the channel) and that time goes *back* to the next
newest item's; take out an older one and it stays put although the
document changed. Either way a reader polling with ``If-Modified-Since``
is told nothing changed, and a reader comparing ``updated`` sees the feed
grow older. Putting an article back (a restore) into an archive page has
the same problem: its times are old.

So the pass that takes an item out of a document, or puts one back into
an archive page, records the document's *floor* in the store: its own
clock, or one second past the document's previous time when the clock is
not later (``publish --now`` in the past). Every instance renders the
document's ``updated`` as at least its floor, so the document's time moves
forward with the withdrawal and a follower writes the same bytes as the
publisher. Floors only rise (``store.raise_document_floors``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from ..config import ChannelConfig, Config
from ..render import feeds
from ..render.feeds.archive import CURRENT
from . import channel_files

#: ``{(channel, document): time}``, as the store keeps them.
DocumentFloors = dict[tuple[str, str], datetime]


def channel_floors(floors: Mapping[tuple[str, str], datetime], channel: str) -> dict[str, datetime]:
    """One channel's floors by document key, for :mod:`.channel_files`."""
    return {document: at for (name, document), at in floors.items() if name == channel}


def merge(*many: Mapping[tuple[str, str], datetime]) -> DocumentFloors:
    """The highest floor of each document among ``many``."""
    out: DocumentFloors = {}
    for floors in many:
        for key, at in floors.items():
            if key not in out or at > out[key]:
                out[key] = at
    return out


def _previous_time(paths: Iterable[Path]) -> datetime | None:
    """The document's time as served now: the newest mtime of its files, in whole seconds."""
    stamps = []
    for path in paths:
        try:
            stamps.append(int(path.stat().st_mtime))
        except OSError:
            continue
    return datetime.fromtimestamp(max(stamps), UTC) if stamps else None


def _document_files(output: Path, channel: str, document: str) -> list[Path]:
    folder = output / channel
    if document != CURRENT:
        folder = folder / feeds.ARCHIVE_DIR / document
    return [folder / name for name in feeds.FORMATS]


def floor_at(output: Path, channel: str, document: str, clock: datetime) -> datetime:
    """The pass's clock, or a second past the document's present time if that is later."""
    previous = _previous_time(_document_files(output, channel, document))
    if previous is not None and clock <= previous:
        return previous + timedelta(seconds=1)
    return clock


def new_floors(
    config: Config,
    *,
    clock: datetime,
    taken_out: Mapping[str, tuple[date, Iterable[str]]],
    put_back: Mapping[str, tuple[date, Iterable[str]]],
) -> DocumentFloors:
    """The floors a pass sets, read from the channels' manifests as the last pass left them.

    :param taken_out: articles leaving channels: ``{id: (edition, channel names)}``.
    :param put_back: articles entering channels, as ``taken_out``.

    An article taken out of a channel lowers the subscription document when
    it was among its items (or when the manifest is lost: then it may have
    been), and its edition's archive page when the channel has one. An
    article put back raises the subscription document itself (it is listed
    at the pass's clock), but not an archive page it returns to, nor the
    archive's start page, which is dated by the oldest archived day: an
    article older than that day moves it back.
    """
    output = config.output_dir
    manifests: dict[str, dict] = {}

    def manifest(channel: ChannelConfig) -> dict:
        if channel.name not in manifests:
            path = output / channel.name / feeds.ARCHIVE_DIR / channel_files.MANIFEST
            manifests[channel.name] = channel_files.read_manifest(path)
        return manifests[channel.name]

    wanted: set[tuple[str, str]] = set()
    for moves, leaving in ((taken_out, True), (put_back, False)):
        for article_id, (edition, names) in moves.items():
            for name in names:
                channel = config.channel(name)
                if channel is None:
                    continue
                known = manifest(channel)
                listed = known.get(channel_files.CURRENT)
                if leaving and (
                    not isinstance(listed, list) or any(row[0] == article_id for row in listed)
                ):
                    wanted.add((name, CURRENT))
                if edition.isoformat() in known:
                    wanted.add((name, edition.isoformat()))
                days = [key for key in known if key[:1].isdigit()]
                if not leaving and days and edition.isoformat() < min(days):
                    # A day older than the oldest archived one may get a page:
                    # the start page, dated by that day, would go back.
                    wanted.add((name, feeds.ORIGIN))
    return {
        (name, document): floor_at(output, name, document, clock)
        for name, document in sorted(wanted)
    }
