"""The dictionary form of the content model, checked field by field.

JSON files, the ingest API and the store all hand articles over as
dictionaries; this is where such a dictionary becomes an
:class:`~syndicator.model.Article` or an :class:`InputError` naming the
first wrong field by its dotted path (``body[2].text``), so that the
importer can add the file and line.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from ..errors import InputError
from .article import BLOCK_TYPES, STATUSES, Article, Author, Block, Edition
from .cells import Cell, table_problem

#: Every field of the dictionary form, with the kind of value it takes.
ARTICLE_FIELDS: dict[str, str] = {
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
    "cover": "str?",
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
    if not YEARS[0] <= parsed.year <= YEARS[1]:
        raise InputError(f"{value!s} is out of range: years {YEARS[0]} to {YEARS[1]}", field=name)
    return parsed


#: Years a date may have: a newspaper's, with room; year 1 or 9999 would
#: overflow when moved to UTC or another zone.
YEARS = (1900, 9000)
#: The largest page, order on a page, or table span a field may hold (the
#: store's integers, and every sort, stay far from any limit).
MAX_NUMBER = 100_000
#: The largest image ``length`` in bytes (1 TB): any real picture is far
#: below; JSON readers that hold numbers as doubles keep it exact.
MAX_LENGTH = 1 << 40


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


def whole_number(value: Any, name: str) -> int:
    """A count or position from 0 to :data:`MAX_NUMBER` (``"4"`` is text, and said so)."""
    if isinstance(value, bool) or not isinstance(value, int):
        shown = f"text {value!r}" if isinstance(value, str) else repr(value)
        raise InputError(f"expected a whole number such as 4, got {shown}", field=name)
    if value < 0:
        raise InputError("must not be negative", field=name)
    if value > MAX_NUMBER:
        raise InputError(f"{value} is too large (at most {MAX_NUMBER:,})", field=name)
    return value


def _length(value: Any, name: str) -> int | None:
    """An image file's size in bytes, if given."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"expected a size in bytes, got {value!r}", field=name)
    if value < 0:
        raise InputError("must not be negative", field=name)
    if value > MAX_LENGTH:
        raise InputError(f"{value} bytes is too large for a picture", field=name)
    return value


def _cover(value: Any, body: tuple[Block, ...]) -> str | None:
    """The chosen cover: the ``src`` of one of the body's images, or nothing."""
    cover = _text(value, "cover", optional=True)
    if cover is None:
        return None
    if not any(b.type == "image" and b.src == cover for b in body):
        shown = cover if len(cover) <= 80 else cover[:80] + "…"
        raise InputError(
            f"{shown!r} is not the src of one of the article's images: "
            "the cover must be one of its pictures",
            field="cover",
        )
    return cover


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
    "image": {"type", "src", "caption", "credit", "length"},
    "table": {"type", "caption", "credit", "head", "rows"},
}
_CELL_KEYS = {"text", "header", "colspan", "rowspan"}


def _known_block_type(kind: Any) -> bool:
    """Whether ``kind`` names a block type (a list or an object names none, and has no hash)."""
    return isinstance(kind, str) and kind in _BLOCK_KEYS


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
        if not _known_block_type(kind):
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
            length = _length(item.get("length"), f"{where}.length")
            if length is not None and src is None:
                raise InputError("the length of an image without a src", field=f"{where}.length")
            out.append(Block("image", src=src, caption=caption, credit=credit, length=length))
        elif kind == "table":
            out.append(_table(item, where))
        else:
            html = _text(item.get("html"), f"{where}.html", optional=True)
            text = _text(item.get("text"), f"{where}.text", optional=html is not None)
            out.append(Block(kind, text=text or "", html=html))
    return tuple(out)


def _table(item: dict[str, Any], where: str) -> Block:
    """A table block: ``rows`` of cells, the first ``head`` rows being its header.

    A cell is its text, or ``{text, header, colspan, rowspan}`` when it is a
    header outside the head rows or spans several columns or rows.
    """
    caption = _text(item.get("caption"), f"{where}.caption", optional=True)
    credit = _text(item.get("credit"), f"{where}.credit", optional=True)
    head = whole_number(item.get("head", 0), f"{where}.head")
    value = item.get("rows")
    if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
        raise InputError("expected a list of rows, each a list of cells", field=f"{where}.rows")
    if head > len(value):
        raise InputError(f"{head} head rows, but the table has {len(value)}", field=f"{where}.head")
    rows = tuple(
        tuple(_cell(cell, f"{where}.rows[{r}][{c}]", r < head) for c, cell in enumerate(row))
        for r, row in enumerate(value)
    )
    problem = table_problem(rows)
    if problem:
        raise InputError(problem, field=f"{where}.rows")
    return Block("table", caption=caption, credit=credit, rows=rows)


def _cell(value: Any, where: str, in_head: bool) -> Cell:
    if isinstance(value, str):
        value = {"text": value}
    if not isinstance(value, dict):
        raise InputError(
            "expected a cell: its text or {text, header, colspan, rowspan}", field=where
        )
    extra = set(value) - _CELL_KEYS
    if extra:
        raise InputError("unknown field for a table cell", field=f"{where}.{sorted(extra)[0]}")
    text = _text(value.get("text", ""), f"{where}.text", optional=True) or ""
    header = value.get("header", in_head)
    if not isinstance(header, bool):
        raise InputError(f"expected true or false, got {header!r}", field=f"{where}.header")
    if in_head and not header:
        raise InputError("every cell of a head row is a header", field=f"{where}.header")
    spans = {}
    for name in ("colspan", "rowspan"):
        span = whole_number(value.get(name, 1), f"{where}.{name}")
        if span < 1:
            raise InputError("must be at least 1", field=f"{where}.{name}")
        spans[name] = span
    return Cell(text=" ".join(text.split()), header=header, **spans)


def article_from_dict(data: Any) -> Article:
    if not isinstance(data, dict):
        raise InputError(f"expected an article object, got {type(data).__name__}")
    for key in data:
        if key not in ARTICLE_FIELDS:
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
    if not valid_id(article_id):
        raise InputError(
            f"{article_id!r} is not a valid id (letters, digits, '-', '_', '.',"
            " starting with a letter or digit; at most 120)",
            field="id",
        )
    article = Article(
        id=article_id,
        paper=_text(data.get("paper"), "paper", optional=True),
        edition=parse_date(data["edition"], "edition"),
        page=whole_number(data.get("page", 1), "page"),
        page_name=_text(data.get("page_name"), "page_name", optional=True),
        seq=whole_number(data.get("seq", 1), "seq"),
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
    cover = _cover(data.get("cover"), article.body)
    return article if cover is None else article.replace(cover=cover)


def edition_from_dict(data: Mapping[str, Any]) -> Edition:
    """Validate ``data`` and build an edition: only ``date`` and ``paper`` are required.

    :raises InputError: naming the first unknown or wrong field.
    """
    if not isinstance(data, Mapping):
        raise InputError(f"expected an object of edition fields, got {type(data).__name__}")
    known = {f.name for f in dataclasses.fields(Edition)}
    for key in data:
        if key not in known:
            raise InputError(f"unknown edition field {key!r}", field=key)
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key == "issue_number":
            values[key] = None if value is None else whole_number(value, key)
        elif key not in ("date", "notes"):
            values[key] = _text(value, key, optional=True)
    values["date"] = parse_date(data.get("date"), "date")
    if not values.get("paper"):
        raise InputError("required text is missing", field="paper")
    notes = data.get("notes") or ()
    if not isinstance(notes, list | tuple):
        raise InputError(f"expected a list of texts, got {type(notes).__name__}", field="notes")
    texts = (_text(note, f"notes[{i}]", optional=True) for i, note in enumerate(notes))
    values["notes"] = tuple(text for text in texts if text)
    return Edition(**values)


def valid_id(value: str) -> bool:
    """Whether ``value`` can name an article's URL and files.

    It becomes a path segment (``/articles/<id>``, ``wechat/<id>.html``),
    so it must not start with a dot: ``..`` would climb a directory and
    ``.pages`` is the archive manifest's name.
    """
    return (
        0 < len(value) <= 120
        and value[0].isascii()
        and value[0].isalnum()
        and all(c.isascii() and (c.isalnum() or c in "-_.") for c in value)
    )
