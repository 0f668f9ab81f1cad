"""How much of each field an article may carry: the one table of input limits.

Every repeated field (tags, authors, blocks, images, tables, an edition's
notes) and every text field has a ceiling here, checked where input enters
(the JSON importer, hence the ingest API and the desk's edit form, and
the e-paper importer), before any other work is done on the input. A
newspaper article is far below each of them; what they stop is one
request that would make every later step (cleaning, the store, each
feed format, WeChat) do work without end, as a POST of 300,000 tags
once did. The table limits live with the table model (:mod:`.cells`).

The store does not check these again when it reads an article back: what
is saved already passed, and a limit lowered later must not make a pass
fail on old articles.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..errors import InputError
from .cells import MAX_TABLE_CELLS, MAX_TABLE_ROWS

#: Articles in one file or one API request.
MAX_ARTICLES = 2_000
#: Repeated fields of one article: how many items each may hold.
MAX_ITEMS: dict[str, int] = {
    "tags": 100,
    "authors": 100,
    "body": 2_000,
}
#: Blocks of one kind within ``body``.
MAX_IMAGES = 200
MAX_TABLES = 50
#: An edition's ``notes``.
MAX_NOTES = 100
#: Characters of each text field. Headlines, names and labels are short on
#: paper; a paragraph of a long report runs to a few thousand characters.
MAX_CHARS: dict[str, int] = {
    "paper": 200,
    "page_name": 200,
    "kicker": 500,
    "title": 500,
    "subtitle": 500,
    "byline": 1_000,
    "summary": 5_000,
    "section": 100,
    "source_url": 2_048,
    "editor": 200,
    "cover": 2_048,
    "tags[]": 100,
    "authors[].name": 100,
    "authors[].role": 50,
    "body[].text": 100_000,
    "body[].html": 200_000,
    "body[].src": 2_048,
    "body[].caption": 5_000,
    "body[].credit": 500,
    "body[].rows[][]": 1_000,
    "edition.notes[]": 1_000,
}
#: Characters of all of an article's text together: a whole printed page
#: holds about 10,000 characters, an e-paper file at most 500,000.
MAX_ARTICLE_CHARS = 500_000
#: Characters of the ``extra`` object, written out as JSON.
MAX_EXTRA_CHARS = 16_384


def check_count(value: Any, limit: int, field: str, what: str) -> None:
    """Refuse a list longer than ``limit``; other values are left to the type checks."""
    if isinstance(value, list | tuple) and len(value) > limit:
        raise InputError(f"{len(value):,} {what}; at most {limit:,}", field=field)


def check_article_limits(data: Mapping[str, Any]) -> None:
    """Refuse an article (dictionary form) over any limit, naming the field.

    Works on raw input before its types are checked: only lists and
    strings are measured, anything else is left to
    :func:`~.fields.article_from_dict`, which says what type it wants.
    Counts are checked before any item is looked at, so a list of a
    million tags costs one ``len``.

    :raises InputError: ``tags: 300,000 items; at most 100``.
    """
    if not isinstance(data, Mapping):
        return
    for name, limit in MAX_ITEMS.items():
        check_count(data.get(name), limit, name, "items")
    total = 0
    for name, value in data.items():
        if isinstance(value, str) and name in MAX_CHARS:
            total += _check_text(value, MAX_CHARS[name], name)
    tags = data.get("tags")
    if isinstance(tags, list):
        for i, tag in enumerate(tags):
            total += _check_text(tag, MAX_CHARS["tags[]"], f"tags[{i}]")
    authors = data.get("authors")
    if isinstance(authors, list):
        for i, author in enumerate(authors):
            if isinstance(author, str):
                author = {"name": author}
            if isinstance(author, Mapping):
                for key in ("name", "role"):
                    limit = MAX_CHARS[f"authors[].{key}"]
                    total += _check_text(author.get(key), limit, f"authors[{i}].{key}")
    body = data.get("body")
    if isinstance(body, list):
        total += _check_body(body)
    if total > MAX_ARTICLE_CHARS:
        raise InputError(
            f"{total:,} characters of text in all; an article may have at most "
            f"{MAX_ARTICLE_CHARS:,}: split it",
            field="body",
        )
    extra = data.get("extra")
    if isinstance(extra, Mapping):
        size = len(json.dumps(extra, ensure_ascii=False, default=str))
        if size > MAX_EXTRA_CHARS:
            raise InputError(
                f"{size:,} characters as JSON; at most {MAX_EXTRA_CHARS:,}", field="extra"
            )


def check_edition_limits(data: Any) -> None:
    """Refuse an edition (dictionary form) with too many or too long notes.

    :raises InputError: naming the field within the edition (``notes[3]``).
    """
    if not isinstance(data, Mapping):
        return
    notes = data.get("notes")
    check_count(notes, MAX_NOTES, "notes", "notes")
    if isinstance(notes, list):
        for i, note in enumerate(notes):
            _check_text(note, MAX_CHARS["edition.notes[]"], f"notes[{i}]")
    for name, value in data.items():
        if isinstance(value, str):
            _check_text(value, MAX_CHARS["paper"], name)


def _check_body(body: list[Any]) -> int:
    """Check each block's text fields and the counts of images and tables; the characters."""
    total = images = tables = 0
    for i, block in enumerate(body):
        where = f"body[{i}]"
        if isinstance(block, str):  # a paragraph given as its text
            total += _check_text(block, MAX_CHARS["body[].text"], where)
            continue
        if not isinstance(block, Mapping):
            continue
        kind = block.get("type")
        images += kind == "image"
        tables += kind == "table" or (kind is None and "rows" in block)
        if images > MAX_IMAGES:
            raise InputError(f"more than {MAX_IMAGES} images in one article", field=where)
        if tables > MAX_TABLES:
            raise InputError(f"more than {MAX_TABLES} tables in one article", field=where)
        for key in ("text", "html", "src", "caption", "credit"):
            total += _check_text(block.get(key), MAX_CHARS[f"body[].{key}"], f"{where}.{key}")
        rows = block.get("rows")
        if isinstance(rows, list):
            total += _check_rows(rows, f"{where}.rows")
    return total


def _check_rows(rows: list[Any], where: str) -> int:
    """Bound a table's rows and cells before any cell is built (see :mod:`.cells`)."""
    if len(rows) > MAX_TABLE_ROWS:  # the words of :func:`.cells.table_problem`
        raise InputError(
            f"{len(rows):,} rows; a table may have at most {MAX_TABLE_ROWS}", field=where
        )
    cells = sum(len(row) for row in rows if isinstance(row, list))
    if cells > MAX_TABLE_CELLS:
        raise InputError(
            f"{cells:,} cells; a table may have at most {MAX_TABLE_CELLS:,}", field=where
        )
    total = 0
    limit = MAX_CHARS["body[].rows[][]"]
    for r, row in enumerate(rows):
        if not isinstance(row, list):
            continue
        for c, cell in enumerate(row):
            text = cell.get("text") if isinstance(cell, Mapping) else cell
            total += _check_text(text, limit, f"{where}[{r}][{c}]")
    return total


def _check_text(value: Any, limit: int, field: str) -> int:
    """The length of a text value, refused over ``limit``; 0 for what is not text."""
    if not isinstance(value, str):
        return 0
    if len(value) > limit:
        raise InputError(f"{len(value):,} characters; at most {limit:,}", field=field)
    return len(value)
