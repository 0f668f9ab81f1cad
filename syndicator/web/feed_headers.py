"""What a feed file's responses say besides its bytes: WebSub ``Link`` headers and CORS.

WebSub (W3C Recommendation, section 4) says a publisher MUST advertise a
topic's hub(s) and the topic's own URL, preferably with HTTP ``Link``
headers: a subscriber may look at the headers only, and the headers work
whatever the body is (the feed, or the page a browser gets). The feeds
name their hubs in their bodies too (``atom:link rel="hub"``, JSON Feed
``hubs``). Each link is a header of its own, as the recommendation writes
them. Only a channel's subscription documents are topics; an archive page
has no hub (none is ever pinged for it, :mod:`..integrations.websub`), so it
carries ``rel="self"`` alone, as its body does.

CORS: a web-based feed reader runs in the reader's browser, and the
browser hides a response from its script unless the response says
``Access-Control-Allow-Origin``. The feeds and the OPML list are public,
carry no cookie-dependent content and are meant for every program, so they
say ``*``, and expose ``ETag`` (to poll with) and ``Link`` (the hub). Only
they do: the reader pages, the desk, the API and the WeChat files say
nothing, so no other site's script can read those through a visitor's
browser.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from ..config import Config
from ..render.feeds.context import ARCHIVE_DIR, FORMATS

HeaderPairs = tuple[tuple[str, str], ...]

CORS: HeaderPairs = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Expose-Headers", "ETag, Link"),
)
OPML = "opml.xml"


def link_header(url: str, rel: str) -> tuple[str, str]:
    return ("Link", f'<{url}>; rel="{rel}"')


def headers_for(config: Config, name: str) -> HeaderPairs:
    """The extra headers of ``/feeds/<name>`` (a path under the output dir, ``/``-separated)."""
    parts = name.split("/")
    if name == OPML:
        return CORS
    if parts[-1] not in FORMATS or config.channel(parts[0]) is None:
        return ()
    self_link = link_header(f"{config.site.base_url}/feeds/{name}", "self")
    if len(parts) == 2:  # <channel>/<file>: a WebSub topic
        return (*CORS, *(link_header(hub, "hub") for hub in config.feeds.hubs), self_link)
    if len(parts) == 4 and parts[1] == ARCHIVE_DIR:  # <channel>/archive/<day>/<file>
        return (*CORS, self_link)
    return ()


def feed_headers(config: Config) -> Callable[[str], HeaderPairs]:
    """``headers(path)`` for files under ``config.output_dir`` (a :class:`.DocumentCache` hook)."""
    root = os.path.abspath(config.output_dir)

    def headers(path: str) -> HeaderPairs:
        name = os.path.relpath(os.path.abspath(path), root)
        if name.startswith(".."):
            return ()
        return headers_for(config, name.replace(os.sep, "/"))

    return headers
