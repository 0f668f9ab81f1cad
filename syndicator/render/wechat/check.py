"""Check any HTML against the rules of the WeChat Official Account editor.

The editor (and the ``draft/add`` API) silently strips what it does not
keep: other tags, ``class``/``id``, ``<style>``, CSS variables, layout CSS,
pure black text; links to anywhere but mp.weixin.qq.com are dead, and the
API refuses them (errcode 45166). Content must stay under 20,000 characters
and 1 MB. :func:`check_html` lists every place a fragment breaks one of
these rules, so that nothing is lost on paste or push without warning.

It reads the markup with the standard library's tokenizer, which reports
tags and attributes exactly as written (a forgiving tree builder would fix
some of the very mistakes we want to see). Pure: no IO.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from urllib.parse import urlsplit

#: Tags the editor keeps (``a`` only to WeChat posts, checked separately).
ALLOWED_TAGS = frozenset(
    {"section", "p", "span", "strong", "em", "br", "img", "blockquote", "sup", "hr", "a"}
    | {"h1", "h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td"}
)
VOID_TAGS = frozenset({"br", "img", "hr"})
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": frozenset({"style"}),
    "img": frozenset({"src", "alt"}),
    "a": frozenset({"href"}),
    "td": frozenset({"colspan", "rowspan"}),
    "th": frozenset({"colspan", "rowspan"}),
}
#: What each table part may hold directly; the editor's parser moves anything
#: else out of the table (text too), or drops cells that have no row.
TABLE_CHILDREN: dict[str, frozenset[str]] = {
    "table": frozenset({"thead", "tbody", "tr"}),
    "thead": frozenset({"tr"}),
    "tbody": frozenset({"tr"}),
    "tr": frozenset({"td", "th"}),
}
_TABLE_PARENTS = {
    child: frozenset(p for p, kids in TABLE_CHILDREN.items() if child in kids)
    for child in ("thead", "tbody", "tr", "td", "th")
}
MAX_SPANS = {"colspan": 1000, "rowspan": 65534}  # HTML's own clamps
#: The widest table a phone shows readably. A post is read in a column of
#: about 327 px (a 375 px phone, the reader's 16 px margins, the post's 8 px
#: padding), and the editor has no horizontal scroll: a fixed-layout table
#: shares that width among its columns. A cell must fit two characters at
#: the 14 px table size (most cells are a two-character word or a short
#: number: 杭州, 电工, 236): 28 px of text, 8 px of padding, 1 px of border,
#: about 37 px, and 327 / 37 is 8. Wider tables wrap every word one
#: character per line (the reviewer's 10-column screenshots) or spill off
#: the screen.
MAX_PHONE_COLUMNS = 8
WECHAT_LINK_HOSTS = frozenset({"mp.weixin.qq.com"})
MAX_CHARS = 20_000  # content must be *fewer* than this many characters
MAX_BYTES = 1_000_000  # and smaller than 1 MB
#: Distinct inline styles whose verdict is kept (see :func:`_style_verdict`).
STYLE_CACHE = 1024

_TAG_HINTS = {
    "script": "scripts are removed",
    "style": "<style> is removed: put every style inline",
    "div": "use <section> or <p>",
}
_BLACK = re.compile(
    r"^(black|#000|#000000|#000f|#000000ff"
    r"|rgb\(\s*0\s*,\s*0\s*,\s*0\s*\)|rgba\(\s*0\s*,\s*0\s*,\s*0\s*,\s*1(\.0*)?\s*\))$"
)
_LAYOUT_DISPLAY = {"flex", "inline-flex", "grid", "inline-grid"}


@dataclass(frozen=True)
class Problem:
    """One broken rule: which, what, and where (1-based line and column)."""

    rule: str  # structure, tag, attribute, style, colour, link, size, width
    message: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.line}:{self.column}: {self.rule}: {self.message}"


def is_wechat_link(url: str) -> bool:
    """An ``https``/``http`` link to a WeChat post: the only kind that stays live."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and host in WECHAT_LINK_HOSTS


def check_html(html: str) -> list[Problem]:
    """Every WeChat rule ``html`` breaks, in document order; empty when it is fine.

    Rules: one root ``<section>``, well-formed nesting and table parts where
    a table has them (structure); only the tags the editor keeps (tag); only
    ``style`` plus ``src``/``alt``, ``href``, ``colspan``/``rowspan`` (whole
    numbers) where they belong (attribute); no CSS
    variables, flex/grid, ``position`` or ``!important`` (style); an
    explicit, non-black colour on every ``<p>`` (colour); no link outside
    mp.weixin.qq.com (link); fewer than 20,000 characters and 1 MB (size);
    no table wider than :data:`MAX_PHONE_COLUMNS` columns, rowspans counted
    (width).
    """
    checker = _Checker()
    checker.feed(html)
    checker.close()
    problems = checker.finish()
    if len(html) >= MAX_CHARS:
        problems.append(
            Problem("size", f"{len(html):,} characters; WeChat takes fewer than {MAX_CHARS:,}")
        )
    size = len(html.encode("utf-8", "surrogatepass"))
    if size >= MAX_BYTES:
        problems.append(Problem("size", f"{size:,} bytes; WeChat takes less than 1 MB"))
    return problems


def parse_style(style: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Split an inline style into ``(property, value)`` pairs and malformed parts."""
    pairs, bad = [], []
    for part in style.split(";"):
        if not part.strip():
            continue
        prop, sep, value = part.partition(":")
        prop = prop.strip().lower()
        if not sep or not prop or not value.strip():
            bad.append(part.strip())
            continue
        pairs.append((prop, value.strip()))
    return pairs, bad


def style_problems(style: str) -> list[tuple[str, str]]:
    """``(rule, message)`` for each declaration the editor strips or mangles."""
    return _declaration_problems(*parse_style(style))


def _declaration_problems(pairs: list[tuple[str, str]], bad: list[str]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    out.extend(("style", f"malformed declaration {part!r}") for part in bad)
    for prop, value in pairs:
        low = value.lower()
        if prop.startswith("--") or "var(" in low:
            out.append(("style", f"CSS variable in {prop}: {value} (the editor strips them)"))
        if "!important" in low.replace(" ", ""):
            out.append(("style", f"!important in {prop} (the editor strips it)"))
        if prop == "display" and low.split("!")[0].strip() in _LAYOUT_DISPLAY:
            out.append(("style", f"display:{value} (flex and grid are stripped)"))
        elif prop.startswith(("flex", "grid")):
            out.append(("style", f"{prop} (flex and grid are stripped)"))
        elif prop == "position":
            out.append(("style", f"position:{value} (positioning is stripped)"))
        if "expression(" in low or "javascript:" in low:
            out.append(("style", f"script in CSS ({prop})"))
        if prop == "color" and _BLACK.match(low.split("!")[0].strip()):
            out.append(("colour", f"color:{value} is pure black, which the editor drops"))
    return out


@lru_cache(maxsize=STYLE_CACHE)
def _style_verdict(style: str) -> tuple[tuple[tuple[str, str], ...], bool]:
    """:func:`style_problems` of ``style``, and whether it sets ``color``; once per style.

    A post repeats its theme's few styles on every paragraph and span, and
    the desk checks every post of an edition each time it shows the day:
    reading each distinct style once makes the checker about three times
    faster. The answer depends on the string alone, so keeping it is safe.
    """
    pairs, bad = parse_style(style)
    return tuple(_declaration_problems(pairs, bad)), any(prop == "color" for prop, _ in pairs)


def _whole(value: str | None, limit: int) -> bool:
    text = (value or "").strip()
    return text.isascii() and text.isdigit() and len(text) <= 5 and 1 <= int(text) <= limit


class _Grid:
    """Columns of one table as a browser lays them out: rowspans hold their column below.

    A rowspan ends with its row group (``<thead>``/``<tbody>``), as in HTML.
    """

    def __init__(self, line: int, column: int) -> None:
        self.at = (line, column)
        self.width = 0
        self.covered: dict[int, int] = {}  # column -> rows (this one included) still held
        self.col: int | None = None  # next free column of the open row, if one is open

    def group(self) -> None:
        self.end_row()
        self.covered = {}

    def row(self) -> None:
        self.end_row()
        self.col = 0

    def cell(self, colspan: int, rowspan: int) -> None:
        if self.col is None:
            self.row()
        col = self.col or 0
        while self.covered.get(col, 0) > 0:
            col += 1
        for c in range(col, col + colspan):
            self.covered[c] = rowspan
        self.col = col + colspan

    def end_row(self) -> None:
        if self.col is None:
            return
        self.width = max(self.width, self.col, max(self.covered, default=-1) + 1)
        self.covered = {c: n - 1 for c, n in self.covered.items() if n > 1}
        self.col = None


def _span(value: str | None, name: str) -> int:
    """A span as a browser reads it; a malformed one (reported elsewhere) counts as 1."""
    return int((value or "").strip()) if _whole(value, MAX_SPANS[name]) else 1


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[Problem] = []
        self.stack: list[str] = []
        self.roots = 0
        self.tables: list[_Grid] = []

    def _add(self, rule: str, message: str) -> None:
        line, col = self.getpos()
        self.problems.append(Problem(rule, message, line, col + 1))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs)
        if tag not in VOID_TAGS:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs)
        if tag not in VOID_TAGS:
            self._add("structure", f"<{tag}/> is not a void element: write <{tag}></{tag}>")

    def _open(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.stack:
            self.roots += 1
            if tag != "section" or self.roots > 1:
                self._add("structure", f"<{tag}> outside the one root <section>")
        self._table_place(tag, self.stack[-1] if self.stack else None)
        self._grid_open(tag, dict(attrs))
        if tag not in ALLOWED_TAGS:
            hint = _TAG_HINTS.get(tag) or "the WeChat editor does not keep it"
            self._add("tag", f"<{tag}>: {hint}")
        allowed = ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(tag, frozenset())
        values = dict(attrs)
        for name, value in attrs:
            if name in ("class", "id"):
                self._add("attribute", f"<{tag} {name}>: classes and ids are stripped")
            elif name.startswith("on"):
                self._add("attribute", f"<{tag} {name}>: event handlers are removed")
            elif name not in allowed:
                self._add("attribute", f"<{tag} {name}>: not kept by the editor")
            elif name == "style":
                for rule, message in _style_verdict(value or "")[0]:
                    self._add(rule, f"<{tag}>: {message}")
            elif name in MAX_SPANS and not _whole(value, MAX_SPANS[name]):
                self._add(
                    "attribute",
                    f"<{tag} {name}={value!r}>: a whole number from 1 to {MAX_SPANS[name]}",
                )
        if tag == "p" and not _style_verdict(values.get("style") or "")[1]:
            self._add("colour", "<p> without an explicit color (the editor's default is lost)")
        if tag == "a":
            href = values.get("href")
            if not href:
                self._add("link", "<a> without href")
            elif not is_wechat_link(href):
                self._add(
                    "link",
                    f"link to {href[:200]}: only mp.weixin.qq.com links work "
                    "(draft/add answers 45166); make it text + [n] with a reference list",
                )
        if tag == "img":
            src = (values.get("src") or "").strip()
            if not src.lower().startswith(("http://", "https://")):
                self._add("attribute", f"<img src={src[:80]!r}>: needs an http(s) URL")

    def _table_place(self, tag: str, parent: str | None) -> None:
        if parent in TABLE_CHILDREN and tag not in TABLE_CHILDREN[parent]:
            allowed = "/".join(f"<{t}>" for t in sorted(TABLE_CHILDREN[parent]))
            self._add("structure", f"<{tag}> directly inside <{parent}>: only {allowed}")
        elif tag in _TABLE_PARENTS and parent not in _TABLE_PARENTS[tag]:
            where = "/".join(f"<{t}>" for t in sorted(_TABLE_PARENTS[tag]))
            self._add("structure", f"<{tag}> outside {where} (the editor drops or moves it)")

    def _grid_open(self, tag: str, attrs: dict[str, str | None]) -> None:
        if tag == "table":
            line, col = self.getpos()
            self.tables.append(_Grid(line, col + 1))
        elif not self.tables:
            return
        elif tag in ("thead", "tbody", "tfoot"):
            self.tables[-1].group()
        elif tag == "tr":
            self.tables[-1].row()
        elif tag in ("td", "th"):
            colspan = _span(attrs.get("colspan"), "colspan")
            self.tables[-1].cell(colspan, _span(attrs.get("rowspan"), "rowspan"))

    def _grid_close(self, tag: str) -> None:
        if tag == "tr" and self.tables:
            self.tables[-1].end_row()
        elif tag == "table" and self.tables:
            grid = self.tables.pop()
            grid.end_row()
            if grid.width > MAX_PHONE_COLUMNS:
                self.problems.append(
                    Problem(
                        "width",
                        f"<table> {grid.width} columns wide: a phone shows at most "
                        f"{MAX_PHONE_COLUMNS} readably; split it or turn it into a list",
                        *grid.at,
                    )
                )

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_TAGS:
            return
        if tag not in self.stack:
            self._add("structure", f"</{tag}> closes nothing")
            return
        while self.stack:
            open_tag = self.stack.pop()
            self._grid_close(open_tag)
            if open_tag == tag:
                break
            self._add("structure", f"<{open_tag}> is not closed before </{tag}>")

    def handle_data(self, data: str) -> None:
        if not self.stack and data.strip():
            self._add("structure", f"text outside the root <section>: {data.strip()[:40]!r}")
        elif self.stack and self.stack[-1] in TABLE_CHILDREN and data.strip():
            where = self.stack[-1]
            self._add("structure", f"text directly inside <{where}>: {data.strip()[:40]!r}")

    def handle_comment(self, data: str) -> None:
        self._add("tag", "HTML comment (the editor drops it)")

    def handle_decl(self, decl: str) -> None:
        self._add("structure", f"<!{decl[:20]}>: give a fragment, not a document")

    def handle_pi(self, data: str) -> None:
        self._add("structure", "processing instruction")

    def unknown_decl(self, data: str) -> None:
        self._add("structure", "CDATA or unknown declaration")

    def finish(self) -> list[Problem]:
        for tag in reversed(self.stack):
            self._add("structure", f"<{tag}> is never closed")
            self._grid_close(tag)
        if self.roots == 0:
            self._add("structure", "no root <section>")
        # A table's width is known at its end but reported at its start.
        return sorted(self.problems, key=lambda p: (p.line, p.column))
