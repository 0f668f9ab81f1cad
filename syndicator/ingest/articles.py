"""Build an :class:`~syndicator.model.Article` from a draft's lines.

A draft (:mod:`.grouping`) knows which lines are its headline block and
which its body. Here the headline block becomes kicker/title/subtitle,
body lines are joined into paragraphs across column breaks, and each
paragraph becomes a block: the lead loses its byline to ``Article.byline``,
captions become image blocks with their credit split off, short lines
become subheads or quotes, signatures fill the byline when the lead had
none. Whatever is guessed is reported through :class:`~.grouping.Notes`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..model import Article, Author, Block, Edition, make_article_id, release_time, summarize
from . import bylines, credits, layout
from .grouping import SUBHEAD_MAX, Draft, Notes, Page, join_lines
from .layout import Line
from .parsed import ImportOptions

#: Characters a headline does not end on; a line ending on one continues
#: on the next line ("我市12人获" / "省五一劳动奖章").
_WRAP_ENDS = frozenset("的与和及或在为把将向对让被给从以于之并而至由获是、批项条种些")
_WRAP_STARTS = frozenset("的了着过们、，,。：:”’》）)")


# -- articles ----------------------------------------------------


@dataclass
class _Body:
    """An article's body while it is being built."""

    blocks: list[Block] = field(default_factory=list)
    byline: str | None = None
    byline_named: bool = False
    authors: list[Author] = field(default_factory=list)
    photographers: list[Author] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    names: set[str] = field(default_factory=set)

    @property
    def in_header(self) -> bool:
        return all(b.type == "image" for b in self.blocks)

    def add_byline(self, text: str, authors: tuple[Author, ...]) -> None:
        self.byline = text if self.byline is None else f"{self.byline} {text}"
        self.byline_named = self.byline_named or bool(authors)
        self.add_authors(authors)

    def add_authors(self, authors: tuple[Author, ...]) -> None:
        """Add people once each: a reporter who also took the photo keeps the first role."""
        for author in authors:
            if author.name not in self.names:
                self.authors.append(author)
                self.names.add(author.name)


@dataclass(frozen=True)
class PageInfo:
    """What every article of one page shares."""

    options: ImportOptions
    edition: Edition
    page: int
    page_name: str | None
    published_at: datetime
    editor: str | None


def build_article(draft: Draft, pg: Page, notes: Notes, info: PageInfo, seq: int) -> Article:
    """Turn one draft into an Article (see the module docstring)."""
    kicker, title, subtitle, tags = split_title_block([pg.lines[i] for i in draft.title], notes)
    body = _Body(tags=tags)
    units = _paragraphs(draft.body, pg, notes)
    for pos, unit in enumerate(units):
        _add_unit(unit, body, pg, notes, last=pos == len(units) - 1)
    credits = [b.credit for b in body.blocks if b.type == "image" and b.credit]
    if body.byline is None and credits:
        body.byline = credits[0]
    body.add_authors(tuple(body.photographers))
    if not body.blocks:
        notes.warn(pg.lines[draft.title[0]].no, f"the headline {title!r} has no text under it")
    lead = next((b.text for b in body.blocks if b.type == "paragraph"), None) or next(
        (b.caption for b in body.blocks if b.type == "image" and b.caption), None
    )
    first_line = pg.lines[draft.title[0]].no
    last_line = pg.lines[(draft.body or draft.title)[-1]].no
    return Article(
        id=make_article_id(info.options.paper_id, info.edition.date, info.page, seq),
        edition=info.edition.date,
        title=title,
        published_at=release_time(info.published_at, info.page, seq),
        updated_at=release_time(info.published_at, info.page, seq),
        page=info.page,
        page_name=info.page_name,
        seq=seq,
        kicker=kicker,
        subtitle=subtitle,
        byline=body.byline,
        authors=tuple(body.authors),
        body=tuple(body.blocks),
        summary=summarize(lead or title),
        tags=tuple(body.tags),
        editor=info.editor,
        paper=info.edition.paper,
        status="published",
        extra={"lines": [first_line, last_line]},
    )


# -- title blocks ----------------------------------------------------------------


def split_title_block(
    lines: list[Line], notes: Notes
) -> tuple[str | None, str, str | None, list[str]]:
    """Split a headline block into 引题 (kicker), 主题 (title) and 副题 (subtitle).

    Wrapped headlines are joined first ("我市12人获" / "省五一劳动奖章").
    Then: one line is the title, unless it starts with a kicker couplet
    ("小切口 大场景 我省公布…"). Of two lines, a second line starting with
    —— is the subtitle; a first line that is shorter (or a couplet, or ends
    in a colon) is the kicker; a shorter second line finishes a wrapped
    title. Three lines are kicker, title, subtitle. Column labels
    ("（社论）") become tags.
    """
    tags: list[str] = []
    texts: list[str] = []
    for line in lines:
        label = layout.column_label(line.text)
        if label:
            tags.append(label)
        elif texts and _wrapped(texts[-1], line.text):
            texts[-1] = layout.join_text(texts[-1], line.text)
        else:
            texts.append(line.text)
    if not texts:
        return None, tags[0], None, tags
    if len(texts) == 1:
        kicker, title = _shared_kicker(texts[0])
        return kicker, title, None, tags
    first, second = texts[0], texts[1]
    if len(texts) == 2:
        if second.startswith(("—", "－")):
            return None, first, second, tags
        if (
            first.endswith(("——", "：", ":"))
            or layout.is_couplet(first)
            or len(first) <= len(second)
        ):
            return first, second, None, tags
        # A shorter second line without a dash is the rest of a wrapped
        # headline ("全国冬季农业生产" / "全面展开"), not a subtitle.
        return None, layout.join_text(first, second), None, tags
    if len(texts) > 3:
        notes.warn(
            lines[0].no,
            f"a headline block of {len(texts)} lines; the last ones are read as the subtitle",
        )
    return first, second, " ".join(texts[2:]), tags


def _wrapped(first: str, second: str) -> bool:
    """Is ``second`` the rest of a headline that wrapped after ``first``?"""
    if first[-1] in _WRAP_ENDS or second[0] in _WRAP_STARTS:
        return True
    if first.count("“") > first.count("”") or first.count("《") > first.count("》"):
        return True
    return first[-1].isdigit() and (second[0].isdigit() or second[0] in "年月日号%万亿元个名人家")


def _shared_kicker(text: str) -> tuple[str | None, str]:
    """Split a kicker couplet off a headline: "小切口 大场景 我省公布…" → kicker, title."""
    parts = text.split()
    if len(parts) >= 3 and len(parts[0]) == len(parts[1]) and 2 <= len(parts[0]) <= 7:
        rest = text.split(None, 2)[2]
        head = text[: len(text) - len(rest)].strip()
        if len(rest) > len(parts[0]) and not layout.has_inner_punct(head):
            return head, rest
    return None, text


# -- paragraphs -------------------------------------------------------------------


@dataclass
class _Unit:
    """One paragraph-sized piece of a body: its kind, text and lines."""

    kind: str  # "para", "line" (a paragraph of one line), "subhead", "quote", "byline", ...
    text: str
    idxs: list[int]


def _paragraphs(body: list[int], pg: Page, notes: Notes) -> list[_Unit]:
    """Join body lines into paragraphs across column breaks.

    A line that does not end a sentence continues on the next line, unless
    the next line can only start something (a byline, a label, an indented
    paragraph). A photo credit on its own line joins the caption above it
    with a space. Short headline-like lines at a paragraph start are
    subheads, quotes or the start of a paragraph (see :func:`_short_kind`).
    """
    lines, shapes = pg.lines, pg.shapes
    units: list[_Unit] = []
    # short_after[k]: every line after body[k] is headline-like (a sign-off).
    short_after = [True] * len(body)
    for k in range(len(body) - 2, -1, -1):
        short_after[k] = short_after[k + 1] and shapes[body[k + 1]].titlish
    k = 0
    while k < len(body):
        i = body[k]
        shape, text = shapes[i], lines[i].text
        kind = "para"
        if shape.byline:
            kind = "byline"
        elif shape.label:
            kind = "label" if layout.is_known_label(shape.label) else "subhead"
        elif shape.credit_only:
            kind = "credit"
        elif shape.sidebar:
            kind = "subhead"
        elif shape.titlish:
            kind = _short_kind(i, pg, notes, last=short_after[k])
        idxs = [i]
        if kind == "para":
            while k + 1 < len(body) and body[k + 1] == idxs[-1] + 1 and pg.continues(idxs[-1]):
                idxs.append(body[k + 1])
                k += 1
            text = join_lines(idxs, pg)
        units.append(_Unit(kind, text, idxs))
        k += 1
    return units


def _short_kind(i: int, pg: Page, notes: Notes, *, last: bool) -> str:
    """Subhead, quote or paragraph start: a short line at a paragraph start.

    ``last`` says only short lines follow it in the article. A headline-like
    line kept in an article as a subhead may be the headline of an article
    the grouping missed, so it is reported with its line unless its form
    says subhead (numbered, ending in ——). So is a short line that reads
    complete and is joined to the next line as the start of a paragraph.
    """
    line = pg.lines[i]
    text = line.text
    if last:
        return "line"  # a subhead is followed by text; short lines at the end are a sign-off
    if layout.is_quoted(text):
        return "quote"
    if layout.is_numbered(text) or text.endswith("——"):
        return "subhead"
    if text[-1] in "？！?!”" and not layout.is_couplet(text):
        return "para"
    if pg.indented and line.indent:
        return "para"
    if not pg.indented and not layout.is_couplet(text):
        if len(text) > SUBHEAD_MAX or not layout.reads_complete(text):
            return "para"
        if layout.has_inner_punct(text) and pg.continues(i):
            notes.warn(
                line.no,
                f"short line {text!r} joined to the line after it as one paragraph; "
                "it may be a subhead or a headline",
            )
            return "para"
    notes.warn(line.no, f"short line {text!r} inside an article read as a subhead")
    return "subhead"


def _add_unit(unit: _Unit, body: _Body, pg: Page, notes: Notes, *, last: bool) -> None:
    """Add one unit to the body: byline, image, subhead, quote or paragraph."""
    first = unit.idxs[0]
    text = unit.text
    if unit.kind == "label":
        body.tags.append(pg.shapes[first].label or text)
        return
    if unit.kind in ("subhead", "quote"):
        body.blocks.append(Block("subhead" if unit.kind == "subhead" else "quote", text=text))
        return
    if unit.kind == "byline":
        printed, authors = pg.shapes[first].byline or (text, ())
        if body.byline is None or body.in_header:
            body.add_byline(printed, authors)
        else:
            body.add_authors(authors)
            body.blocks.append(Block("paragraph", text=text))
        return
    if unit.kind == "credit":
        _add_credit_line(text, body, pg.lines[first], notes)
        return
    lead = bylines.match_lead(text) if pg.shapes[first].lead else None
    if lead is not None:
        if body.byline_named:
            body.add_authors(lead.authors)
        else:
            body.add_byline(lead.byline, lead.authors)
            text = lead.rest
            if not text:
                return
    credit = credits.split_credit(text)
    if credit is not None and credit[0]:
        caption, printed, photographers = credit
        body.blocks.append(Block("image", caption=caption, credit=printed))
        body.photographers.extend(photographers)
        return
    if pg.shapes[first].caption or (pg.wide[first] and (body.in_header or last)):
        body.blocks.append(Block("image", caption=text))
        return
    if pg.wide[first]:
        notes.warn(
            pg.lines[first].no,
            "text after a picture-sized gap read as a paragraph, not a photo caption",
        )
    signature = bylines.split_signature(text)
    if signature is not None and not body.byline_named:
        before, printed, authors = signature
        if authors or body.byline is None:
            body.add_byline(printed, authors)
            text = before
    elif signature is not None:
        body.add_authors(signature[2])
    if text:
        body.blocks.append(Block("paragraph", text=text))


def _add_credit_line(text: str, body: _Body, line: Line, notes: Notes) -> None:
    """A credit alone on a line ("本报记者 王敏 摄") belongs to the caption above it."""
    split = credits.split_credit(text)
    photographers = split[2] if split else ()
    body.photographers.extend(photographers)
    previous = body.blocks[-1] if body.blocks else None
    if previous is not None and previous.type == "image" and previous.credit is None:
        body.blocks[-1] = Block("image", caption=previous.caption, credit=text)
    elif previous is not None and previous.type == "paragraph":
        if len(previous.text) > 150:
            notes.warn(
                line.no, "photo credit after a long paragraph: the paragraph is read as the caption"
            )
        body.blocks[-1] = Block("image", caption=previous.text, credit=text)
    else:
        body.add_byline(text, tuple(photographers))
