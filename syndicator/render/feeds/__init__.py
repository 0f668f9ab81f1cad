"""Feed documents: RSS 2.0, Atom 1.0, JSON Feed 1.1, OPML and RFC 5005 archives.

:mod:`.documents` renders a channel, :mod:`.context` holds what its
documents share (URLs, times, links), :mod:`.archive` splits items
between the feed and its archive pages, :mod:`.fragments` reuses the
bytes of unchanged items, :mod:`.feedext` adds what feedgen lacks.
"""

from .context import (
    ARCHIVE_DIR,
    EPOCH,
    FORMATS,
    ORIGIN,
    FeedContext,
    Listed,
    article_guid,
    context_for,
    feed_updated,
    listed_updated,
)
from .documents import (
    render_atom,
    render_channel,
    render_json_feed,
    render_opml,
    render_rss,
    render_xml_reference,
)

__all__ = [
    "ARCHIVE_DIR",
    "EPOCH",
    "FORMATS",
    "ORIGIN",
    "FeedContext",
    "Listed",
    "article_guid",
    "context_for",
    "feed_updated",
    "listed_updated",
    "render_atom",
    "render_channel",
    "render_json_feed",
    "render_opml",
    "render_rss",
    "render_xml_reference",
]
