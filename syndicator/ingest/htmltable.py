"""Tables that arrive as HTML (a CMS export, a pasted spreadsheet) become table blocks.

A table inside a paragraph's inline HTML used to lose its tags to the
inline sanitiser, and its cells ran together ("甲乙丙丁"). Here the HTML is
first cleaned with nh3 down to the table tags alone, with ``colspan`` and
``rowspan`` as the only attributes (scripts and styles go with their
content, ``style``/``class``/handlers with the tags), and then read into
rows of plain-text cells, the form every renderer draws as a real table.

Paragraphs, list items and line breaks in a cell separate its words; text
the author escaped (``&lt;b&gt;``) is decoded once and stays text.

What cannot be a sane table is refused with the field named rather than
guessed at: a table nested in a cell, text around the table or a ``text``
field beside it, spans that are not small whole numbers, more cells than
:data:`~syndicator.model.MAX_TABLE_CELLS`.
"""

from __future__ import annotations

import re
from typing import Any

import nh3
from lxml import html as lxml_html

from ..errors import InputError
from ..model import MAX_TABLE_COLUMNS, MAX_TABLE_ROWS, Cell, table_problem

#: Tags inside a cell that end a line or a paragraph. Cleaning would strip
#: them and run their words together ("P1P2"), so they are kept through
#: cleaning and read as separators.
BREAKS = ("br", "p", "div", "li", "ul", "ol")
#: The only tags a table's HTML keeps: its structure, and the breaks in its cells.
TABLE_TAGS = {"table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", *BREAKS}
_SPANS = {"colspan", "rowspan"}
_SPAN_LIMITS = {"colspan": MAX_TABLE_COLUMNS, "rowspan": MAX_TABLE_ROWS}
_TABLE_MARKUP = re.compile(r"<\s*(table|thead|tbody|tfoot|tr|th|td)\b", re.IGNORECASE)


def holds_table(fragment: str) -> bool:
    """Whether an inline HTML fragment has table markup, even cells without a ``<table>``.

    Read before any cleaning: the inline sanitiser would drop these tags and
    leave only the cells' text, run together.
    """
    return _TABLE_MARKUP.search(fragment) is not None


def table_block(block: dict[str, Any], where: str) -> dict[str, Any]:
    """The dictionary form of a table block given as ``html``; other blocks as they are.

    :param block: ``{"type": "table", "html": "<table>…</table>", ...}``.
    :param where: the block's field path (``body[2]``), for errors.
    :raises InputError: naming ``body[2].html`` and saying what to change.
    """
    if not isinstance(block.get("html"), str):
        return block
    field = f"{where}.html"
    if "rows" in block:
        raise InputError("give the table's rows or its html, not both", field=field)
    root = _parse(_clean(block["html"]))
    tables = list(root.iter("table"))
    if not tables:
        raise InputError("no <table>: wrap the rows and cells in <table>…</table>", field=field)
    nested = next((t for t in tables if next(t.iterancestors("table"), None) is not None), None)
    if nested is not None:
        raise InputError(
            "a table inside a table cell: tables do not nest in a post;"
            " give the inner table a block of its own",
            field=field,
        )
    if len(tables) > 1:
        raise InputError(f"{len(tables)} tables in one block: give each its own", field=field)
    outside = _text_outside(root, tables[0])
    if outside:
        raise InputError(
            f"text beside the table ({outside[:40]!r}): a table is a block of its own;"
            " put the text in a paragraph block before or after it",
            field=field,
        )
    table = tables[0]
    rows = [_row(tr, r, field) for r, tr in enumerate(t for t in _rows(table) if len(t))]
    cells = tuple(tuple(Cell(**c) for c in row) for row in rows)
    problem = table_problem(cells)
    if problem:
        raise InputError(problem, field=field)
    _check_text(block, cells, where)
    out = {k: v for k, v in block.items() if k not in ("html", "text")}
    caption = " ".join(" ".join(c.text_content().split()) for c in table.iter("caption"))
    if caption:
        if isinstance(block.get("caption"), str) and block["caption"].strip():
            raise InputError(
                "the table has a <caption> and the block a caption: keep one", field=field
            )
        out["caption"] = caption
    out["rows"] = rows
    return out


def _check_text(block: dict[str, Any], rows: Any, where: str) -> None:
    """Refuse a ``text`` beside the table's ``html`` unless it is the table's own words.

    A CMS may send the table's words as ``text`` too (nothing is lost when
    that is dropped); anything else would vanish silently, so the sender
    is told to move it into a paragraph or the caption.
    """
    text = block.get("text")
    if not isinstance(text, str) or not text.strip():
        return
    words = "".join(cell.text for row in rows for cell in row)
    if "".join(text.split()) != "".join(words.split()):
        raise InputError(
            f"text beside the table's html ({text.strip()[:40]!r}) would be lost:"
            " put it in a paragraph block before or after the table, or in its caption",
            field=f"{where}.text",
        )


def _clean(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=TABLE_TAGS,
        attributes={"td": _SPANS, "th": _SPANS},
        link_rel=None,
        strip_comments=True,
    )


def _parse(cleaned: str) -> Any:
    return lxml_html.fragment_fromstring(cleaned, create_parent="div")


def _text_outside(root: Any, table: Any) -> str:
    """Words in ``root`` that are not inside ``table`` (which may sit in a ``<div>`` or ``<p>``)."""
    parent, tail = table.getparent(), table.tail
    index = parent.index(table)
    table.tail = None
    parent.remove(table)
    try:
        return " ".join((root.text_content() + " " + (tail or "")).split())
    finally:
        parent.insert(index, table)
        table.tail = tail


def _rows(table: Any) -> list[Any]:
    """The ``<tr>`` elements in the order a browser shows them: head, body, foot.

    ``<thead>`` and ``<tfoot>`` may stand anywhere in the markup (an old
    habit puts the foot before the body); the first of each is drawn at the
    top and at the bottom, any further ones in place, as plain row groups.
    """
    parts = list(table)
    head = next((p for p in parts if p.tag == "thead"), None)
    foot = next((p for p in parts if p.tag == "tfoot"), None)
    middle = [p for p in parts if p is not head and p is not foot]
    ordered = [p for p in (head, *middle, foot) if p is not None]
    return [tr for part in ordered for tr in part.iter("tr")]


def _row(tr: Any, r: int, field: str) -> list[dict[str, Any]]:
    """One ``<tr>`` as cells; every cell of a ``<thead>`` row is a header."""
    in_head = tr.getparent() is not None and tr.getparent().tag == "thead"
    out = []
    for c, td in enumerate(cell for cell in tr if cell.tag in ("td", "th")):
        for br in td.iter(*BREAKS):
            br.text = " " + (br.text or "")
            br.tail = " " + (br.tail or "")
        cell: dict[str, Any] = {
            "text": " ".join(td.text_content().split()),
            "header": in_head or td.tag == "th",
        }
        for name in ("colspan", "rowspan"):
            raw = td.get(name)
            if raw is not None:
                cell[name] = _span(raw, name, f"row {r + 1}, cell {c + 1}", field)
        out.append(cell)
    return out


def _span(raw: str, name: str, at: str, field: str) -> int:
    value = raw.strip()
    limit = _SPAN_LIMITS[name]
    if not (value.isascii() and value.isdigit() and len(value) < 4 and 1 <= int(value) <= limit):
        raise InputError(
            f"{at}: {name}={raw[:20]!r} is not a whole number from 1 to {limit}", field=field
        )
    return int(value)
