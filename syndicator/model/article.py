"""The content model: one shape that every input produces and every output reads.

Everything here is plain data with no IO, so importers, the store and the
renderers can share it without importing each other. Values are frozen:
an :class:`Article` that changes is a new object with a new content hash.

The dictionary form (:meth:`Article.to_dict` / :func:`.fields.article_from_dict`) is
the JSON import format and what ``import --dry-run --json`` prints, so the
two always round-trip.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from ..errors import InputError
from .cells import Rows, head_rows

Status = Literal["draft", "published", "withdrawn"]
BlockType = Literal["paragraph", "subhead", "image", "quote", "table"]

STATUSES: tuple[str, ...] = ("draft", "published", "withdrawn")
BLOCK_TYPES: tuple[str, ...] = ("paragraph", "subhead", "image", "quote", "table")


@dataclass(frozen=True, slots=True)
class Author:
    """A person named in a byline, with the role printed before the name.

    Roles are the newspaper's own words (记者, 通讯员, 摄, 编辑); ``None``
    when the byline prints a bare name ("本报讯 杜志华报道").
    """

    name: str
    role: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role}


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of an article body.

    ``text`` is always plain text: it is what digests, hashes and the
    "nothing lost" checks read. ``html`` optionally carries sanitised
    inline markup (links, emphasis) for the same paragraph; renderers
    prefer it when present. Images carry ``src`` (may be ``None`` for
    e-paper text, where only the caption survives), ``caption`` and the
    printed ``credit`` ("毛朝阳 姚磊 姜璐摄"). Tables carry ``rows`` of
    :class:`Cell` and may have a ``caption`` (the title printed above) and a
    ``credit`` (制表, 数据来源); leading rows of header cells are the head.
    An image's ``length`` is its file's size in bytes when known (a photo
    from the media store), for feed enclosures; left out of the dictionary
    form when unknown, so articles without it hash as they always did.
    """

    type: BlockType
    text: str = ""
    html: str | None = None
    src: str | None = None
    caption: str | None = None
    credit: str | None = None
    rows: Rows = ()
    length: int | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.type == "image":
            out: dict[str, Any] = {"type": "image", "src": self.src}
            out["caption"] = self.caption
            out["credit"] = self.credit
            if self.length is not None:
                out["length"] = self.length
            return out
        if self.type == "table":
            head = head_rows(self.rows)
            out = {"type": "table", "caption": self.caption, "credit": self.credit}
            if head:
                out["head"] = head
            out["rows"] = [
                [cell.to_dict(in_head=r < head) for cell in row] for r, row in enumerate(self.rows)
            ]
            return out
        out = {"type": self.type, "text": self.text}
        if self.html is not None:
            out["html"] = self.html
        return out

    @property
    def plain(self) -> str:
        """The block's words as a reader sees them, captions included."""
        if self.type == "image":
            return " ".join(p for p in (self.caption, self.credit) if p)
        if self.type == "table":
            lines = [" ".join(c.text for c in row if c.text) for row in self.rows]
            return "\n".join(p for p in (self.caption, *lines, self.credit) if p)
        return self.text


@dataclass(frozen=True, slots=True)
class Edition:
    """One day's paper: the facts printed in its masthead.

    Only ``date`` and ``paper`` are required; the rest are whatever the
    masthead printed, kept so that nothing on the page is lost.
    """

    date: date
    paper: str
    issue_number: int | None = None  # 总第11905号
    lunar_date: str | None = None  # 辛丑年七月廿三
    weekday: str | None = None  # 星期一
    serial: str | None = None  # 国内统一刊号 CN33-0018
    postal_code: str | None = None  # 邮发代号 31-2
    website: str | None = None
    email: str | None = None
    address: str | None = None
    zip_code: str | None = None
    slogan: str | None = None
    hotline: str | None = None
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out


@dataclass(frozen=True, slots=True)
class Article:
    """One article as printed, plus what syndication needs to track it.

    ``id`` is stable across re-imports and corrections: it is derived from
    where the article sits (paper, edition, page, order), never from its
    text, so fixing a typo cannot turn one article into two. ``cover`` is
    the ``src`` of the image the newsroom chose as the WeChat cover (one of
    the body's images); unset, the first picture is the cover.
    """

    id: str
    edition: date
    title: str
    published_at: datetime
    updated_at: datetime
    page: int = 1
    page_name: str | None = None
    seq: int = 1
    kicker: str | None = None
    subtitle: str | None = None
    byline: str | None = None
    authors: tuple[Author, ...] = ()
    body: tuple[Block, ...] = ()
    summary: str | None = None
    section: str | None = None
    tags: tuple[str, ...] = ()
    source_url: str | None = None
    editor: str | None = None  # 责任编辑
    paper: str | None = None
    status: Status = "published"
    cover: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        for name in ("published_at", "updated_at"):
            value = getattr(self, name)
            if value.tzinfo is None or value.utcoffset() is None:
                raise InputError("naive datetime; give an offset such as +08:00", field=name)
        if self.status not in STATUSES:
            raise InputError(f"must be one of {', '.join(STATUSES)}", field="status")

    # -- derived -----------------------------------------------------------

    @property
    def plain_text(self) -> str:
        """The body's words joined by newlines (for digests and checks)."""
        return "\n".join(b.plain for b in self.body if b.plain)

    @property
    def lead_text(self) -> str:
        """The first paragraph: in news writing, the summary of the story."""
        return next((b.text for b in self.body if b.type == "paragraph" and b.text), "")

    def digest(self, limit: int = 120) -> str:
        """The summary if given, else the lead (or caption), cut at a sentence end."""
        source = self.summary or self.lead_text or self.plain_text or self.title
        return summarize(source, limit)

    @property
    def images(self) -> tuple[Block, ...]:
        return tuple(b for b in self.body if b.type == "image")

    def content_hash(self) -> str:
        """A digest of everything a reader can see.

        Status and ``updated_at`` are left out: they change *because* the
        content did, and a re-import that only restates them is no change.
        Times are hashed in UTC so the same instant written with another
        offset is the same article.
        """
        data = self.to_dict()
        for key in ("status", "updated_at", "extra"):
            data.pop(key, None)
        data["published_at"] = self.published_at.astimezone(UTC).isoformat()
        canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def replace(self, **changes: Any) -> Article:
        return dataclasses.replace(self, **changes)

    # -- dictionary form ---------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The JSON import format; :func:`.fields.article_from_dict` reads it back."""
        out: dict[str, Any] = {
            "id": self.id,
            "paper": self.paper,
            "edition": self.edition.isoformat(),
            "page": self.page,
            "page_name": self.page_name,
            "seq": self.seq,
            "kicker": self.kicker,
            "title": self.title,
            "subtitle": self.subtitle,
            "byline": self.byline,
            "authors": [a.to_dict() for a in self.authors],
            "body": [b.to_dict() for b in self.body],
            "summary": self.summary,
            "section": self.section,
            "tags": list(self.tags),
            "source_url": self.source_url,
            "editor": self.editor,
            "status": self.status,
            "published_at": self.published_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }
        if self.cover is not None:  # only when chosen: older articles hash as before
            out["cover"] = self.cover
        if self.extra:
            out["extra"] = dict(self.extra)
        return out


def release_time(edition_at: datetime, page: int, seq: int) -> datetime:
    """When the ``seq``-th article of ``page`` of an edition released at ``edition_at`` is due.

    A printed edition goes out at one moment, but the store and the feeds
    list articles newest first, and articles sharing a time come out in
    any order. So within that same second the lead story of page 1 is the
    newest and the rest follow in page order, a microsecond apart (room
    for 1,000 pages of 1,000 articles), and no article is due before the
    edition's time. Feed readers keep whole seconds only: the feeds print
    these times by a rule of their own that keeps the order in whole
    seconds (``render.times``), leaving this one, which stored articles
    were saved with and their content hashes include, as it is.
    """
    rank = (max(page, 1) - 1) * 1000 + max(seq, 1) - 1
    return edition_at + timedelta(microseconds=max(0, 999_999 - rank))


def make_article_id(paper_id: str, edition: date, page: int, seq: int) -> str:
    """The stable id of the ``seq``-th article on a page: ``zjgrrb-20210830-01-03``."""
    return f"{paper_id}-{edition:%Y%m%d}-{page:02d}-{seq:02d}"


SENTENCE_ENDS = "。！？!?…"


def summarize(text: str, limit: int = 120) -> str:
    """Cut ``text`` at the last sentence end that fits in ``limit`` characters.

    Used for feed summaries and WeChat digests: a summary that stops
    mid-sentence reads like an error, so it is cut at 。！？ (or a closing
    quote right after one). Only when the first sentence alone is too long
    is it cut at a comma, and only as a last resort mid-word with "…".
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    best = -1
    for i, ch in enumerate(text[:limit]):
        if ch in SENTENCE_ENDS:
            end = i + 1
            if end < len(text) and text[end] in "”’」』" and end < limit:
                end += 1
            best = end
    if best > 0:
        return text[:best]
    for i in range(limit - 2, 0, -1):
        if text[i] in "，,；;：:":
            return text[:i] + "…"
    return text[: limit - 1] + "…"


def sort_for_feed(articles: Iterable[Article]) -> list[Article]:
    """Newest first; ties broken by page and order so output is stable."""
    return sorted(
        articles,
        key=lambda a: (-a.published_at.timestamp(), a.edition, a.page, a.seq, a.id),
    )
