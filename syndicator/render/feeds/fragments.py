"""Each item's serialised bytes, kept and reused while the article is unchanged.

A channel's documents are mostly the same items pass after pass: one new
article leaves 49 of 50 items as they were. Building an item with feedgen
and lxml costs far more than copying its bytes, so each item is rendered
once per format and kept here, keyed by article id, format and site
settings (all an item's bytes depend on), and checked against the article
itself (dataclass equality: every field a reader sees). A document is then
its skeleton (the channel's head and tail, built by feedgen with no
items) with the kept items spliced in. The bytes are exactly those of
feedgen building the whole document (a test compares them), so ETags do
not change, and the renderers stay pure: the cache is a memo, with no
clock and no store.

Memory is bounded: past ``max_bytes``, the least recently used items go.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import cast

from ...model import Article

#: How an item opens and closes in each pretty-printed XML format, and what
#: follows the last item (feedgen puts items last in both).
XML_ITEMS = {
    "rss.xml": (b"    <item>", b"    </item>\n", b"  </channel>\n</rss>\n"),
    "atom.xml": (b"  <entry>", b"  </entry>\n", b"</feed>\n"),
}
MAX_BYTES = 32 * 1024 * 1024


class FragmentCache:
    """Items' bytes by ``(article id, format, context key)``, LRU within a byte budget."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple[str, str, Hashable], tuple[Article, bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def items(
        self,
        articles: Sequence[Article],
        fmt: str,
        context: Hashable,
        render: Callable[[Sequence[Article]], list[bytes]],
    ) -> list[bytes]:
        """The fragments of ``articles`` in order; ``render`` makes the missing ones."""
        out: list[bytes | None] = []
        missing: list[int] = []
        with self._lock:
            for i, article in enumerate(articles):
                key = (article.id, fmt, context)
                known = self._items.get(key)
                if known is not None and known[0] == article:
                    self._items.move_to_end(key)
                    out.append(known[1])
                else:
                    out.append(None)
                    missing.append(i)
            self.hits += len(articles) - len(missing)
            self.misses += len(missing)
        if missing:
            fresh = render([articles[i] for i in missing])
            if len(fresh) != len(missing):
                raise AssertionError(f"{fmt}: {len(fresh)} items rendered for {len(missing)}")
            with self._lock:
                for i, data in zip(missing, fresh, strict=True):
                    out[i] = data
                    self._put((articles[i].id, fmt, context), articles[i], data)
        return cast(list[bytes], out)  # every None was filled from ``fresh``

    def _put(self, key: tuple[str, str, Hashable], article: Article, data: bytes) -> None:
        old = self._items.pop(key, None)
        if old is not None:
            self._bytes -= len(old[1])
        self._items[key] = (article, data)
        self._bytes += len(data)
        while self._bytes > self.max_bytes and len(self._items) > 1:
            _, (_, dropped) = self._items.popitem(last=False)
            self._bytes -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


def split_items(document: bytes, fmt: str) -> list[bytes]:
    """The item fragments of a pretty-printed RSS or Atom document, in order.

    Text and attribute values never hold a raw ``<``, so the opening tag
    at its indentation and the closing tag delimit each item exactly.
    """
    opening, closing, _tail = XML_ITEMS[fmt]
    out = []
    start = document.find(b"\n" + opening)
    while start != -1:
        stop = document.index(b"\n" + closing, start) + 1 + len(closing)
        out.append(document[start + 1 : stop])
        start = document.find(b"\n" + opening, stop - 1)
    return out


def splice_items(skeleton: bytes, items: Sequence[bytes], fmt: str) -> bytes:
    """A document with no items, and the items put where feedgen puts them."""
    tail = XML_ITEMS[fmt][2]
    if not skeleton.endswith(tail):
        raise AssertionError(f"{fmt}: unexpected document tail {skeleton[-40:]!r}")
    head = skeleton[: -len(tail)]
    return b"".join((head, *items, tail))
