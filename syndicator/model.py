"""The content model: one shape that every input produces and every output reads.

Everything here is plain data with no IO, so importers, the store and the
renderers can share it without importing each other. Values are frozen:
an :class:`Article` that changes is a new object with a new content hash.

The dictionary form (:meth:`Article.to_dict` / :meth:`Article.from_dict`) is
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

from .errors import InputError

Status = Literal["draft", "published", "withdrawn"]
BlockType = Literal["paragraph", "subhead", "image", "quote"]

STATUSES: tuple[str, ...] = ("draft", "published", "withdrawn")
BLOCK_TYPES: tuple[str, ...] = ("paragraph", "subhead", "image", "quote")


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
    printed ``credit`` ("毛朝阳 姚磊 姜璐摄").
    """

    type: BlockType
    text: str = ""
    html: str | None = None
    src: str | None = None
    caption: str | None = None
    credit: str | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.type == "image":
            out: dict[str, Any] = {"type": "image", "src": self.src}
            out["caption"] = self.caption
            out["credit"] = self.credit
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

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Edition:
        known = {f.name for f in dataclasses.fields(cls)}
        for key in data:
            if key not in known:
                raise InputError(f"unknown edition field {key!r}", field=key)
        values = dict(data)
        values["date"] = parse_date(values.get("date"), "date")
        if not isinstance(values.get("paper"), str) or not values["paper"].strip():
            raise InputError("required text is missing", field="paper")
        values["notes"] = tuple(values.get("notes") or ())
        return cls(**values)


@dataclass(frozen=True, slots=True)
class Article:
    """One article as printed, plus what syndication needs to track it.

    ``id`` is stable across re-imports and corrections: it is derived from
    where the article sits (paper, edition, page, order), never from its
    text, so fixing a typo cannot turn one article into two.
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
        """The JSON import format; :meth:`from_dict` reads it back."""
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
        if self.extra:
            out["extra"] = dict(self.extra)
        return out

    @classmethod
    def from_dict(cls, data: Any) -> Article:
        """Validate ``data`` and build an article.

        :raises InputError: naming the first wrong field (dotted path).
        """
        return _article_from_dict(data)


# -- validation --------------------------------------------------------------

_ARTICLE_FIELDS: dict[str, str] = {
    # name -> kind understood by _check
    "id": "str",
    "paper": "str?",
    "edition": "date",
    "page": "int",
    "page_name": "str?",
    "seq": "int",
    "kicker": "str?",
    "title": "str",
    "subtitle": "str?",
    "byline": "str?",
    "authors": "list",
    "body": "list",
    "summary": "str?",
    "section": "str?",
    "tags": "list",
    "source_url": "str?",
    "editor": "str?",
    "status": "str",
    "published_at": "datetime",
    "updated_at": "datetime?",
    "extra": "dict",
}
_REQUIRED = ("id", "edition", "title", "published_at")


def parse_date(value: Any, name: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise InputError("expected a date such as 2021-08-30", field=name)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"not a date: {value!r} (use YYYY-MM-DD)", field=name) from None


def parse_datetime(value: Any, name: str) -> datetime:
    """Parse ISO 8601 with an offset; a naive time is an error, never UTC."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise InputError(
                f"not a date-time: {value!r} (use ISO 8601, e.g. 2021-08-30T06:00:00+08:00)",
                field=name,
            ) from None
    else:
        raise InputError("expected an ISO 8601 date-time string", field=name)
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise InputError(f"naive date-time {value!s}: add an offset such as +08:00", field=name)
    return parsed


def _text(value: Any, name: str, *, optional: bool) -> str | None:
    if value is None:
        if optional:
            return None
        raise InputError("required text is missing", field=name)
    if not isinstance(value, str):
        raise InputError(f"expected text, got {type(value).__name__}", field=name)
    value = value.strip()
    if not value:
        if optional:
            return None
        raise InputError("required text is empty", field=name)
    return value


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"expected a whole number, got {value!r}", field=name)
    if value < 0:
        raise InputError("must not be negative", field=name)
    return value


def _authors(value: Any) -> tuple[Author, ...]:
    if not isinstance(value, list):
        raise InputError("expected a list of {name, role}", field="authors")
    out = []
    for i, item in enumerate(value):
        where = f"authors[{i}]"
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict):
            raise InputError("expected {name, role}", field=where)
        extra = set(item) - {"name", "role"}
        if extra:
            raise InputError(f"unknown author field {sorted(extra)[0]!r}", field=where)
        name = _text(item.get("name"), f"{where}.name", optional=False)
        role = _text(item.get("role"), f"{where}.role", optional=True)
        out.append(Author(name=name or "", role=role))
    return tuple(out)


_BLOCK_KEYS = {
    "paragraph": {"type", "text", "html"},
    "subhead": {"type", "text", "html"},
    "quote": {"type", "text", "html"},
    "image": {"type", "src", "caption", "credit"},
}


def _blocks(value: Any) -> tuple[Block, ...]:
    if not isinstance(value, list):
        raise InputError("expected a list of blocks", field="body")
    out = []
    for i, item in enumerate(value):
        where = f"body[{i}]"
        if isinstance(item, str):
            item = {"type": "paragraph", "text": item}
        if not isinstance(item, dict):
            raise InputError("expected a block object", field=where)
        kind = item.get("type", "paragraph")
        if kind not in _BLOCK_KEYS:
            raise InputError(
                f"unknown block type {kind!r} (use {', '.join(BLOCK_TYPES)})", field=f"{where}.type"
            )
        extra = set(item) - _BLOCK_KEYS[kind]
        if extra:
            raise InputError(
                f"unknown field for a {kind} block", field=f"{where}.{sorted(extra)[0]}"
            )
        if kind == "image":
            src = _text(item.get("src"), f"{where}.src", optional=True)
            caption = _text(item.get("caption"), f"{where}.caption", optional=True)
            credit = _text(item.get("credit"), f"{where}.credit", optional=True)
            if not (src or caption):
                raise InputError("an image needs a src or a caption", field=where)
            out.append(Block("image", src=src, caption=caption, credit=credit))
        else:
            html = _text(item.get("html"), f"{where}.html", optional=True)
            text = _text(item.get("text"), f"{where}.text", optional=html is not None)
            out.append(Block(kind, text=text or "", html=html))
    return tuple(out)


def _article_from_dict(data: Any) -> Article:
    if not isinstance(data, dict):
        raise InputError(f"expected an article object, got {type(data).__name__}")
    for key in data:
        if key not in _ARTICLE_FIELDS:
            raise InputError(f"unknown article field {key!r}", field=str(key))
    for key in _REQUIRED:
        if data.get(key) in (None, ""):
            raise InputError("required field is missing", field=key)
    published_at = parse_datetime(data["published_at"], "published_at")
    updated_raw = data.get("updated_at")
    updated_at = published_at if updated_raw is None else parse_datetime(updated_raw, "updated_at")
    if updated_at < published_at:
        raise InputError("is earlier than published_at", field="updated_at")
    tags = data.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        raise InputError("expected a list of non-empty strings", field="tags")
    extra = data.get("extra") or {}
    if not isinstance(extra, dict):
        raise InputError("expected an object", field="extra")
    status = data.get("status", "published")
    if status not in STATUSES:
        raise InputError(f"must be one of {', '.join(STATUSES)}, got {status!r}", field="status")
    article_id = _text(data["id"], "id", optional=False) or ""
    if not _valid_id(article_id):
        raise InputError(
            f"{article_id!r} is not a valid id (letters, digits, '-', '_', '.'; at most 120)",
            field="id",
        )
    return Article(
        id=article_id,
        paper=_text(data.get("paper"), "paper", optional=True),
        edition=parse_date(data["edition"], "edition"),
        page=_int(data.get("page", 1), "page"),
        page_name=_text(data.get("page_name"), "page_name", optional=True),
        seq=_int(data.get("seq", 1), "seq"),
        kicker=_text(data.get("kicker"), "kicker", optional=True),
        title=_text(data["title"], "title", optional=False) or "",
        subtitle=_text(data.get("subtitle"), "subtitle", optional=True),
        byline=_text(data.get("byline"), "byline", optional=True),
        authors=_authors(data.get("authors") or []),
        body=_blocks(data.get("body") or []),
        summary=_text(data.get("summary"), "summary", optional=True),
        section=_text(data.get("section"), "section", optional=True),
        tags=tuple(t.strip() for t in tags),
        source_url=_text(data.get("source_url"), "source_url", optional=True),
        editor=_text(data.get("editor"), "editor", optional=True),
        status=status,
        published_at=published_at,
        updated_at=updated_at,
        extra=extra,
    )


def _valid_id(value: str) -> bool:
    return 0 < len(value) <= 120 and all(c.isascii() and (c.isalnum() or c in "-_.") for c in value)


def release_time(edition_at: datetime, page: int, seq: int) -> datetime:
    """When the ``seq``-th article of ``page`` of an edition released at ``edition_at`` is due.

    A printed edition goes out at one moment, but feed readers sort by
    time, and entries sharing a timestamp come out in any order (and trip
    validators' duplicate-``updated`` checks). So within that same second
    the lead story of page 1 is the newest and the rest follow in page
    order, a millisecond apart: readers show the paper's order, and no
    article is due before the edition's time.
    """
    rank = (max(page, 1) - 1) * 100 + max(seq, 1) - 1
    return edition_at + timedelta(milliseconds=max(0, 999 - rank))


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
