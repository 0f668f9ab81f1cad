"""JSON article files: one article object, a list of them, or a dry-run document.

The accepted shape is exactly :meth:`Article.to_dict`, so what
``import --dry-run --json`` prints can be edited and imported back. Errors
name the line of the offending field: the standard ``json`` module only
knows positions while parsing, so a small walk over the text records where
each article and each of its keys starts.
"""

from __future__ import annotations

import json
from datetime import datetime, time
from typing import Any

import nh3

from ..errors import InputError
from ..model import Article, Edition, article_from_dict, edition_from_dict, release_time
from ..model.fields import parse_date, whole_number
from ..model.limits import MAX_ARTICLES, check_article_limits, check_edition_limits
from .htmltable import holds_table, table_block
from .parsed import ImportOptions, ParsedFile
from .sanitize import clean_text, sanitize_item, xml_safe_tree

_DECODER = json.JSONDecoder()

#: Inline markup a paragraph's ``html`` may keep; everything else is text.
INLINE_TAGS = {"a", "strong", "b", "em", "i", "br", "sup", "sub", "span", "u", "s"}

#: Deepest nesting of lists and objects a file may have. An article is a
#: few levels deep (a table block's rows of cells about six); the cap keeps
#: every recursive walk after parsing (cleaning, validation) far from
#: Python's recursion limit, which ``json.loads`` alone stays under.
MAX_DEPTH = 64


def parse_json(text: str, *, source: str, options: ImportOptions) -> ParsedFile:
    """Validate a JSON article file; the first problem raises with its line.

    :raises InputError: ``file:line: articles[2].title: required field is missing``.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"malformed JSON: {exc.msg} (column {exc.colno})", file=source, line=exc.lineno
        ) from None
    except RecursionError:
        raise InputError(
            f"JSON nested too deeply (more than {MAX_DEPTH} levels)", file=source, line=1
        ) from None
    if _depth(data) > MAX_DEPTH:
        raise InputError(
            f"JSON nested too deeply (more than {MAX_DEPTH} levels)", file=source, line=1
        )
    data = xml_safe_tree(data)  # before any field is read: no feed can carry a NUL
    positions = _Positions(text)
    edition = None
    if isinstance(data, dict) and "articles" in data:
        items = data.get("articles")
        prefix = "articles"
        root = positions.first_value()
        offset = positions.value_offset(root, "articles")
        if data.get("edition") is not None:
            edition = _edition(data["edition"], options, source, positions, root)
        if not isinstance(items, list):
            raise InputError(
                "expected a list of articles",
                file=source,
                line=positions.line_of(offset),
                field="articles",
            )
    elif isinstance(data, list):
        items, prefix, offset = data, "", positions.first_value()
    elif isinstance(data, dict):
        items, prefix, offset = [data], None, None
    else:
        raise InputError("expected an article object or a list of them", file=source, line=1)
    if not items:
        raise InputError("no articles in file", file=source, line=1)
    if len(items) > MAX_ARTICLES:
        raise InputError(
            f"{len(items):,} articles; at most {MAX_ARTICLES:,} in one file or request: split it",
            file=source,
            line=1,
            field=prefix or None,
        )
    if edition is not None:
        # The edition's date is the date of every article that names none.
        day = edition.date.isoformat()
        items = [
            {"edition": day, **item} if isinstance(item, dict) and "edition" not in item else item
            for item in items
        ]

    starts = positions.element_offsets(offset) if offset is not None else [positions.first_value()]
    articles: list[Article] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        start = starts[index] if index < len(starts) else 0
        where = f"{prefix}[{index}]" if prefix is not None else ""
        try:
            article = _article(item, options)
        except InputError as exc:
            line = positions.line_of(positions.key_offset(start, exc.field or ""))
            raise exc.located(file=source, line=line, prefix=where or None) from None
        if article.id in seen:
            raise InputError(
                f"duplicate id {article.id!r} (also article {seen[article.id]})",
                file=source,
                line=positions.line_of(start),
                field=f"{where}.id".lstrip("."),
            )
        seen[article.id] = index
        articles.append(article)
    stated = frozenset(
        a.id
        for a, item in zip(articles, items, strict=True)
        if isinstance(item, dict) and "status" in item
    )
    pages = {a.page for a in articles}
    # The id is the article's own, never made of its page: a JSON article
    # without a page sits on page 1 (for order) and overwrites nothing.
    paged = all(isinstance(item, dict) and "page" in item for item in items)
    return ParsedFile(
        source=source,
        edition=edition,
        articles=articles,
        stated=stated,
        page=pages.pop() if len(pages) == 1 else None,
        origins={"edition": "stated", "page": "stated" if paged else "defaulted"},
    )


def _edition(
    value: Any, options: ImportOptions, source: str, positions: _Positions, root: int
) -> Edition:
    """The edition of ``{"edition": …, "articles": […]}``: a date, or a dry run's object."""
    if isinstance(value, str):
        try:
            return Edition(date=parse_date(value, "edition"), paper=options.paper_name)
        except InputError as exc:
            line = positions.line_of(positions.key_offset(root, "edition"))
            raise exc.located(file=source, line=line) from None
    if not isinstance(value, dict):
        line = positions.line_of(positions.key_offset(root, "edition"))
        raise InputError(
            "expected a date such as 2021-08-30 or an edition object",
            file=source,
            line=line,
            field="edition",
        )
    try:
        check_edition_limits(value)
        return edition_from_dict(value)
    except InputError as exc:
        line = positions.line_of(positions.key_offset(root, f"edition.{exc.field}"))
        raise exc.located(file=source, line=line, prefix="edition") from None


def _depth(data: Any) -> int:
    """How deeply lists and objects nest in ``data``; iterative, so any depth is safe."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            level += 1
            deepest = max(deepest, level)
            if level > MAX_DEPTH:
                return level
            stack.extend((v, level) for v in value if isinstance(v, list | dict))
    return deepest


def _article(item: Any, options: ImportOptions) -> Article:
    if isinstance(item, dict):
        check_article_limits(item)  # before any work that grows with the input
        item = dict(item)
        if item.get("edition") is not None and "published_at" not in item:
            # A bare edition date means "due when the paper comes out", in
            # page order like the e-paper importer (see release_time). The
            # fields it is made of are checked first, so that a wrong one is
            # named, not the published_at that could not be made of it.
            day = parse_date(item["edition"], "edition")
            page = whole_number(item.get("page", 1), "page")
            seq = whole_number(item.get("seq", 1), "seq")
            edition_at = datetime.combine(day, options.publish_time or time(6), options.tz)
            item["published_at"] = release_time(edition_at, page, seq).isoformat()
        if item.get("paper") is None and options.paper_name:
            item["paper"] = options.paper_name
        # Plain-text fields first: a table's cells are read from its HTML
        # afterwards, entities decoded once, so that text the author encoded
        # (``&lt;b&gt;``) stays text instead of being decoded again and stripped.
        item = sanitize_item(item)
        if isinstance(item.get("body"), list):
            item["body"] = [_clean_block(b, f"body[{i}]") for i, b in enumerate(item["body"])]
    return article_from_dict(item)


def _clean_block(block: Any, where: str) -> Any:
    """Sanitise a block's inline HTML and derive its plain text.

    Hostile markup never reaches a renderer: nh3 keeps only inline tags,
    ``http(s)``/``mailto`` links and no attributes but ``href``/``title``.
    Table markup would lose its tags that way and run its cells together,
    so a table block's ``html``, or a text block whose ``html`` is a table,
    becomes rows of cells instead (:mod:`.htmltable`).
    """
    if not isinstance(block, dict) or not isinstance(block.get("html"), str):
        return block
    if block.get("type") == "table" or holds_table(block["html"]):
        return table_block(dict(block, type="table"), where)
    cleaned = nh3.clean(
        block["html"],
        tags=INLINE_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    ).strip()
    out = dict(block, html=cleaned)
    if not out.get("text"):
        out["text"] = clean_text(html_to_text(cleaned))
    return out


def html_to_text(fragment: str) -> str:
    """The words of an inline HTML fragment, entities decoded, tags dropped."""
    from lxml import html as lxml_html

    if not fragment.strip():
        return ""
    node = lxml_html.fragment_fromstring(fragment, create_parent="div")
    for br in node.iter("br"):
        br.tail = "\n" + (br.tail or "")
    return node.text_content().strip()


class _Positions:
    """Offsets of array elements and object keys in the JSON text, for error lines."""

    def __init__(self, text: str) -> None:
        self.text = text

    def line_of(self, offset: int | None) -> int | None:
        if offset is None:
            return None
        return self.text.count("\n", 0, offset) + 1

    def _skip(self, i: int) -> int:
        while i < len(self.text) and self.text[i] in " \t\r\n":
            i += 1
        return i

    def first_value(self) -> int:
        return self._skip(0)

    def _object_keys(self, start: int) -> dict[str, tuple[int, int]]:
        """Map key -> (key offset, value offset) for the object at ``start``."""
        i = self._skip(start)
        out: dict[str, tuple[int, int]] = {}
        if i >= len(self.text) or self.text[i] != "{":
            return out
        i = self._skip(i + 1)
        while i < len(self.text) and self.text[i] == '"':
            key_at = i
            key, i = _DECODER.raw_decode(self.text, i)
            i = self._skip(i)
            i = self._skip(i + 1)  # the colon
            value_at = i
            _, i = _DECODER.raw_decode(self.text, i)
            out.setdefault(key, (key_at, value_at))
            i = self._skip(i)
            if i < len(self.text) and self.text[i] == ",":
                i = self._skip(i + 1)
        return out

    def value_offset(self, start: int, key: str) -> int:
        """Offset of the value of ``key`` in the object at ``start``."""
        return self._object_keys(start).get(key, (start, start))[1]

    def element_offsets(self, start: int) -> list[int]:
        """Offsets of the elements of the array whose value starts at ``start``."""
        i = self._skip(start)
        out: list[int] = []
        if i >= len(self.text) or self.text[i] != "[":
            return out
        i = self._skip(i + 1)
        while i < len(self.text) and self.text[i] != "]":
            out.append(i)
            _, i = _DECODER.raw_decode(self.text, i)
            i = self._skip(i)
            if i < len(self.text) and self.text[i] == ",":
                i = self._skip(i + 1)
        return out

    def key_offset(self, start: int, field: str) -> int:
        """Offset of a dotted field (``body[2].text``) within the object at ``start``.

        Falls back to the deepest part that exists, so a missing key points
        at its object.
        """
        best = start
        current = start
        for part in _split_field(field):
            if isinstance(part, int):
                elements = self.element_offsets(current)
                if part >= len(elements):
                    return best
                current = best = elements[part]
            else:
                keys = self._object_keys(current)
                if part not in keys:
                    return best
                best = keys[part][0]
                current = keys[part][1]
        return best


def _split_field(field: str) -> list[str | int]:
    parts: list[str | int] = []
    for chunk in field.replace("]", "").split("."):
        if not chunk:
            continue
        name, *indexes = chunk.split("[")
        if name:
            parts.append(name)
        parts.extend(int(i) for i in indexes if i.isdigit())
    return parts
