"""Group the lines of a page into draft articles.

After the masthead and chrome are set aside (:mod:`.epaper`), every line is
measured once (:func:`measure`) and the lines are walked in order
(:func:`group_lines`): a block of one to four short headline-like lines
starts an article when it is followed by something printed only at the top
of an article — a byline, a dateline, a column label, a "■" summary, a
photo (a wide gap, a caption or a credit) — or when the article before it
is visibly over (it ended with a signature, or it was photo news). On a
page without blank lines photo news shows no picture gap: a short headline
over one paragraph that opens like a news lead ("昨日，…") with the next
headline right after it is taken as a story too, with a warning. Any
other short line is a subhead or the start of a paragraph, decided later
in :mod:`.articles`. :func:`.signed.split_signed` then splits an article
that holds two bylines. The result is a list of :class:`Draft` objects:
line indices only, no text is changed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from . import bylines, credits, layout
from .layout import Line, Shape
from .parsed import Dropped, ImportWarning

#: A headline block has at most kicker, two wrapped title lines, subtitle.
MAX_TITLE_LINES = 4
#: A subhead is short; a longer headline-like line in a body is prose cut by a column.
SUBHEAD_MAX = 20


@dataclass
class Notes:
    """What the parse had to set aside or guess, in input order."""

    source: str
    dropped: list[Dropped] = field(default_factory=list)
    warnings: list[ImportWarning] = field(default_factory=list)

    def drop(self, line: Line, reason: str) -> None:
        self.dropped.append(Dropped(line.no, line.text, reason))

    def warn(self, line: int | None, message: str) -> None:
        self.warnings.append(ImportWarning(line, message))


@dataclass
class Page:
    """The content lines of a page with their shapes and layout facts."""

    lines: list[Line]
    shapes: list[Shape]
    wide: list[bool]  # a picture-sized gap before the line
    indented: bool  # paragraphs are marked by indentation
    width: int | None = None  # the column width of hard-wrapped text
    in_field: list[bool] = field(default_factory=list)  # part of a label-value line
    gapped: bool = False  # blank lines separate the text blocks

    def fills_column(self, i: int) -> bool:
        """Was line ``i`` cut by a hard wrap (it fills the column) rather than ended?"""
        return self.width is not None and layout.display_width(self.lines[i].text) >= self.width - 3

    def hard_start(self, i: int) -> bool:
        """Does line ``i`` begin a new block even after an unfinished line?"""
        s = self.shapes[i]
        return bool(
            s.lead
            or s.byline
            or s.label
            or s.sidebar
            or s.summary
            or (self.indented and self.lines[i].indent)
        )

    def continues(self, i: int) -> bool:
        """Does the paragraph of line ``i`` go on in line ``i + 1`` (a column break)?

        It does when line ``i`` does not end a sentence, unless the next
        line can only start something, the line is a short salutation
        ending in a colon, or a colon introduces a numbered list
        ("如下倡议:" / "一、…"). A label-value line ("咨询电话：…") is
        printed on a line of its own: nothing joins it before or after,
        unless hard wrapping cut it. And a short line that reads complete
        stands alone when the next line opens like a news lead ("开学,防疫
        先行" / "昨日,…"): a column does not break a sentence there.
        """
        if self.shapes[i].terminal or i + 1 >= len(self.lines) or self.hard_start(i + 1):
            return False
        text = self.lines[i].text
        if (self.in_field[i] or self.shapes[i + 1].field) and not self.fills_column(i):
            return False
        if layout.opens_like_lead(self.lines[i + 1].text) and self.stands_alone(i):
            return False
        if text[-1] in "：:":
            # A salutation ("全省广大职工朋友们:") or a colon before a list stands alone.
            return len(text) > 16 and not layout.is_numbered(self.lines[i + 1].text)
        return True

    def stands_alone(self, i: int) -> bool:
        """Is line ``i`` short, headline-like and complete, as a subhead or headline is?"""
        text = self.lines[i].text
        return (
            self.shapes[i].titlish
            and len(text) <= SUBHEAD_MAX
            and layout.reads_complete(text)
            and not self.fills_column(i)
        )

    def para_end(self, i: int, limit: int = 12) -> int:
        """Index of the line that ends the paragraph starting at ``i``."""
        j = i
        while j - i < limit and self.continues(j):
            j += 1
        return j

    def opens_article(self, i: int) -> bool:
        """Is line ``i`` something printed only at the top of an article?"""
        s = self.shapes[i]
        if s.lead or s.byline or s.summary or s.label or s.caption or s.credit or self.wide[i]:
            return True
        end = self.para_end(i)
        if end == i or not self.lines[end].text.endswith(("摄", "摄影", "报道", "供图", "）", ")")):
            return False
        # A photo caption whose credit wraps onto the next line ("…本报记者 周" / "琳 摄").
        return credits.split_credit(join_lines(list(range(i, end + 1)), self)) is not None


@dataclass
class Draft:
    """Indices of one article's headline lines and body lines."""

    title: list[int]
    body: list[int] = field(default_factory=list)


# -- measure lines ---------------------------------------------------------


def measure(lines: list[Line]) -> Page:
    """Shape every line once and learn the page's layout.

    Three layout facts change how lines read: indented paragraphs (then an
    indented line is never a headline), text hard-wrapped at a column
    width (then a full-width line is never a headline) and blank lines
    between blocks (then a wider gap marks where a picture stood).
    """
    shapes = [layout.shape_of(line.text) for line in lines]
    shapes = _fields_over_leads(lines, shapes)
    usual = layout.usual_gap(lines)
    long_lines = [line for line in lines if len(line.text) > layout.TITLE_MAX]
    indented = bool(long_lines) and sum(line.indent for line in long_lines) * 2 > len(long_lines)
    if indented:
        # Where paragraphs are indented, headlines are the lines that are not.
        shapes = [
            replace(shape, titlish=False) if line.indent and shape.titlish else shape
            for line, shape in zip(lines, shapes, strict=True)
        ]
    width = layout.wrap_width(lines)
    if width is not None:
        # In hard-wrapped text a line that fills the column is never a headline.
        shapes = [
            replace(shape, titlish=False)
            if shape.titlish and layout.display_width(line.text) >= width - 3
            else shape
            for line, shape in zip(lines, shapes, strict=True)
        ]
    # Only a page that separates blocks with blank lines can show a picture
    # as a wider gap; on a page without blank lines any gap is just a break.
    wide = [usual >= 1 and i > 0 and line.gap > usual for i, line in enumerate(lines)]
    page = Page(lines, shapes, wide, indented, width, gapped=usual >= 1)
    # A label-value line goes on while hard wrapping cut it ("报名地址：…浙江" / "工人日报社302室").
    for i, shape in enumerate(shapes):
        page.in_field.append(
            shape.field or (i > 0 and page.in_field[-1] and page.fills_column(i - 1))
        )
    return page


def _fields_over_leads(lines: list[Line], shapes: list[Shape]) -> list[Shape]:
    """Let a label-value line right above a lead or byline be a headline again.

    "报名时间：即日起至9月30日" is a datum inside a notice, so it is never
    joined to the lines around it; but set over "本报讯 记者王敏报道 …" it
    is the headline of the story that lead opens. Being a field only stops
    joining; it must not hide a headline, or the next article, byline and
    all, silently becomes body text of the one above.
    """
    out = list(shapes)
    for i, shape in enumerate(shapes[:-1]):
        after = shapes[i + 1]
        if shape.field and (after.lead or after.byline) and layout.is_titlish(lines[i].text):
            out[i] = replace(shape, titlish=True)
    return out


# -- group lines into articles ----------------------------------------------


def group_lines(page: Page, notes: Notes) -> list[Draft]:
    """Walk the lines once and start a draft article at each headline block."""
    drafts: list[Draft] = []
    current: Draft | None = None
    over = False  # the current article visibly ended
    boundary = True  # the previous line ended a paragraph
    has_byline = False
    para_start = 0
    lines, shapes = page.lines, page.shapes
    n = len(lines)
    i = 0
    while i < n:
        shape = shapes[i]
        if not boundary and shape.titlish and _headline_then_byline(page, i):
            notes.warn(
                lines[i].no,
                "the paragraph above does not end a sentence, but a headline and a byline "
                "follow: a new article starts here",
            )
            boundary = True
        if boundary and (shape.titlish or shape.label):
            j = i + 1
            while (
                j < n
                and (shapes[j].titlish or shapes[j].label)
                and not page.wide[j]
                and j - i < MAX_TITLE_LINES + 2
            ):
                j += 1
            if j - i > 1 and lines[j - 1].text[-1] in "：:":
                j -= 1  # "全省广大职工朋友们:" opens the body; a kicker's colon never ends a block
            labels = [shapes[k].label for k in range(i, j)]
            has_label = any(map(layout.is_known_label, labels)) or (
                any(labels) and not all(labels)  # "【工会之声】" above a headline
            )
            opens = has_label or (j < n and page.opens_article(j)) or current is None or over
            if not opens and _lone_story(page, i, j):
                notes.warn(
                    lines[i].no,
                    f"{lines[i].text!r} read as the headline of a story without a byline "
                    "(photo news?): one paragraph that opens like a news lead is under it, "
                    "then the next article",
                )
                opens = True
            if opens and _cut_sentence_ends_block(page, i, j):
                notes.warn(
                    lines[j - 1].no,
                    f"{lines[j - 1].text!r} holds a comma and is followed by plain text: read as "
                    "the start of a paragraph cut by a column break, not as a headline",
                )
                j -= 1
                opens = j > i
            if opens:
                run = list(range(i, j))
                if len(run) > MAX_TITLE_LINES:
                    extra, run = run[:-MAX_TITLE_LINES], run[-MAX_TITLE_LINES:]
                    if current is None:
                        current = Draft(title=[])
                        drafts.append(current)
                    current.body.extend(extra)
                    notes.warn(
                        lines[extra[0]].no,
                        f"{len(extra)} short lines before a headline kept as text of the "
                        "article above",
                    )
                current = Draft(title=run, body=_take_note(current, page))
                drafts.append(current)
                over, boundary, has_byline = False, True, False
                para_start = j
                i = j
                continue
        if current is None:
            current = Draft(title=[])
            drafts.append(current)
        if boundary:
            para_start = i
        current.body.append(i)
        has_byline = has_byline or bool((shape.lead and shape.lead.named) or shape.byline)
        boundary = not page.continues(i)
        if boundary:
            header_caption = page.wide[para_start] and current.body[0] == para_start
            over = bool(
                (shape.terminal and _ends_signed(page, para_start, i))
                # Text after "（上接第1版）" goes on: a line there is no headline.
                or (not current.title and not layout.is_jump_in(lines[i].text))
                or (current.title and not has_byline and (shape.credit or header_caption))
            )
        i += 1
    return drafts


def _headline_then_byline(page: Page, i: int) -> bool:
    """Are lines from ``i`` one to three headline lines and then a byline?

    A column break never puts a headline and a byline in the middle of a
    paragraph, so this ends the paragraph above even without a full stop.
    """
    j = i
    while j < len(page.lines) and j - i < 3 and page.shapes[j].titlish:
        j += 1
    if j == len(page.lines) or page.wide[j]:
        return False
    shape = page.shapes[j]
    return bool(shape.lead or shape.byline or layout.is_known_label(shape.label))


def _lone_story(page: Page, i: int, j: int) -> bool:
    """Are lines ``i..j-1`` the headline of a story of one paragraph, with no byline?

    Photo news is a headline and a caption. Where blank lines are missing,
    no picture gap shows it; what remains is a short headline after a
    finished paragraph, one paragraph that opens like a news lead
    ("昨日，…"), and right after it the next article's headline. A subhead
    is followed by more of its article, not by another headline. Where
    blank lines separate the blocks, photo news shows its picture gap, so
    a short line over a lead there is a subhead ("赛程更紧凑" / "近日，…")
    and this guess is not made.
    """
    if page.gapped or j - i > 2 or j >= len(page.lines):
        return False
    if not layout.opens_like_lead(page.lines[j].text):
        return False
    for k in range(i, j):
        text = page.lines[k].text
        if (
            not page.shapes[k].titlish
            or layout.is_numbered(text)
            or text.endswith(("——", "：", ":"))
        ):
            return False
    return _headline_at(page, page.para_end(j) + 1)


def _cut_sentence_ends_block(page: Page, i: int, j: int) -> bool:
    """Is the last line of the headline block ``i..j-1`` prose cut by a column break?

    "女职工权益保护,既是法律要求,也是" / "企业社会责任。…": a line holding a
    comma is a clause of a sentence when plain text, not a byline or a lead,
    follows it, and either it ends on a function word (no headline ends
    so) or another headline line stands above it. Headlines with a comma
    ("果然,他们得了首金") are followed by their byline, lead or picture.
    """
    last = j - 1
    if j >= len(page.lines) or page.hard_start(j) or page.opens_article(j):
        return False
    text, after = page.lines[last].text, page.lines[j].text
    if (
        text[-1] in "？！?!”：:"
        or not layout.has_inner_punct(text[:-1])
        or layout.opens_like_lead(after)
    ):
        return False
    return last > i or not layout.reads_complete(text)


def _headline_at(page: Page, k: int) -> bool:
    """Does a headline block that opens an article start at line ``k``?"""
    j = k
    while j < len(page.lines) and j - k < MAX_TITLE_LINES and page.shapes[j].titlish:
        j += 1
    return k < j < len(page.lines) and page.opens_article(j)


def _take_note(previous: Draft | None, page: Page) -> list[int]:
    """Move an editor's note ("编者按：…") that precedes a headline into its article."""
    if previous is None or len(previous.body) < 2:
        return []
    body = previous.body
    k = len(body) - 1
    while k > 0 and len(body) - k <= 12:
        if page.lines[body[k]].text.startswith(("编者按", "编者的话", "【编者按】")):
            moved = body[k:]
            del body[k:]
            return moved
        if not page.continues(body[k - 1]):
            break  # reached the start of the last paragraph
        k -= 1
    return []


def _ends_signed(page: Page, start: int, end: int) -> bool:
    """Does the paragraph of lines ``start..end`` end with a signature?"""
    if page.shapes[end].signature:
        return True
    if end == start or page.lines[end].text[-1] not in "）)":
        return False
    # "…要求。（记者 陈晓东" / "通讯员 周  琳）": a signature cut by a column.
    return bylines.split_signature(join_lines(list(range(start, end + 1)), page)) is not None


# -- joining lines --------------------------------------------------------------


def join_lines(idxs: list[int], pg: Page) -> str:
    """The text of lines joined across column breaks (in linear time)."""
    pieces = [pg.lines[idxs[0]].text]
    for nxt in idxs[1:]:
        text = pg.lines[nxt].text
        before, after = pieces[-1][-1], text[0]
        if pg.shapes[nxt].credit_only or (
            before.isascii() and before.isalpha() and after.isascii() and after.isalpha()
        ):
            pieces.append(" ")
        pieces.append(text)
    return "".join(pieces)
