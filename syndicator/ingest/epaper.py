"""E-paper page text → articles.

Newsrooms feed us the text of one printed page, extracted from the e-paper
PDF or copied from the e-paper web site: one text block per line, headlines,
bylines, photo captions, masthead and footers all mixed, paragraphs cut
where a column ends. :func:`parse_page` turns that into
:class:`~syndicator.model.Article` objects in page order.

The work is done in small steps, each a pure function:

1. :func:`~.layout.split_lines` numbers the non-blank lines and refuses
   input that cannot be a page (too big, one enormous line);
2. :func:`_set_aside` removes lines that are no article — masthead, page
   labels, web chrome, footers — and collects the edition facts they print;
3. :func:`~.layout.shape_of` measures every remaining line once (headline-
   like? byline? credit? does it end a sentence?);
4. :func:`_group` walks the lines and starts a new article at each headline
   block; :func:`_split_signed` fixes articles that hold two bylines;
5. :func:`_build` turns each group into an Article: title block, byline
   and authors, paragraphs joined across column breaks, image blocks for
   photo captions.

The rule that decides article boundaries: a block of one to four short
headline-like lines starts an article when it is followed by something
that only opens an article — a byline, a dateline, a column label, a "■"
summary, a photo (a wide gap or a caption) — or when the previous article
is visibly over (it ended with a signature, or it was photo news). A short
line anywhere else is a subhead or the start of a paragraph. Nothing is
dropped silently: every non-blank line ends up in an article, in the
edition, or in ``ParsedFile.dropped`` with a reason, and lines the rules
had to guess about are reported as warnings with their line numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from ..errors import InputError
from ..model import Article, Author, Block, Edition, make_article_id, summarize
from . import Dropped, ImportOptions, ImportWarning, ParsedFile, bylines, layout, masthead
from .layout import Line, Shape

#: Characters a headline does not end on; a line ending on one continues
#: on the next line ("我市12人获" / "省五一劳动奖章").
_WRAP_ENDS = frozenset("的与和及或在为把将向对让被给从以于之并而至由获是、")
#: A paragraph cut by a column break often ends on a function word.
_FRAGMENT_ENDS = frozenset(
    "的了着过在与和及或为把将向对让被给从以于之并而至由获得是有个名位项家次使对"
)
_WRAP_STARTS = frozenset("的了着过们、，,。：:”’》）)")
_MAX_TITLE_LINES = 4
#: A subhead is short; a longer headline-like line in a body is prose cut by a column.
_SUBHEAD_MAX = 20


@dataclass
class _Notes:
    """What the parse had to set aside or guess, in input order."""

    source: str
    dropped: list[Dropped] = field(default_factory=list)
    warnings: list[ImportWarning] = field(default_factory=list)

    def drop(self, line: Line, reason: str) -> None:
        self.dropped.append(Dropped(line.no, line.text, reason))

    def warn(self, line: int | None, message: str) -> None:
        self.warnings.append(ImportWarning(line, message))


@dataclass
class _Page:
    """The content lines of a page with their shapes and layout facts."""

    lines: list[Line]
    shapes: list[Shape]
    wide: list[bool]  # a picture-sized gap before the line
    indented: bool  # paragraphs are marked by indentation

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

    def para_end(self, i: int, limit: int = 12) -> int:
        """Index of the line that ends the paragraph starting at ``i``."""
        j = i
        while j + 1 < len(self.lines) and j - i < limit and not self.shapes[j].terminal:
            if self.hard_start(j + 1):
                break
            j += 1
        return j

    def opens_article(self, i: int) -> bool:
        """Is line ``i`` something printed only at the top of an article?"""
        s = self.shapes[i]
        if s.lead or s.byline or s.summary or s.label or s.caption or s.credit or self.wide[i]:
            return True
        return self.shapes[self.para_end(i)].credit


@dataclass
class _Draft:
    """Indices of one article's headline lines and body lines."""

    title: list[int]
    body: list[int] = field(default_factory=list)


# -- entry point ---------------------------------------------------------------


def parse_page(text: str, *, source: str, options: ImportOptions) -> ParsedFile:
    """Parse the text of one e-paper page into articles.

    :param text: the page text (already decoded; any line endings).
    :param source: file name used in errors and warnings.
    :param options: paper, time zone, publish time, and overrides for the
        edition date and page number.
    :return: the edition, the articles in page order, the lines set aside
        with reasons, and warnings with line numbers.
    :raises InputError: empty or oversized input, or no edition date
        (neither in the masthead nor in ``options.edition``).
    """
    lines = layout.split_lines(text, source)
    if not lines:
        raise InputError("the page has no text", file=source)
    notes = _Notes(source)
    facts = masthead.Facts()
    content = _set_aside(lines, facts, notes, options)
    edition = _make_edition(facts, notes, options)
    page = options.page or facts.page or 1
    if options.page and facts.page and options.page != facts.page:
        notes.warn(None, f"the page label says page {facts.page}; using page {options.page}")
    parsed_page = _measure(content)
    drafts = _split_signed(_group(parsed_page, notes), parsed_page, notes)
    published_at = datetime.combine(edition.date, options.publish_time, tzinfo=options.tz)
    articles: list[Article] = []
    for draft in drafts:
        if not draft.title:
            for i in draft.body:
                notes.drop(parsed_page.lines[i], "no headline (continued from another page?)")
            first = parsed_page.lines[draft.body[0]].no
            notes.warn(first, "text before the first headline is not part of any article")
            continue
        articles.append(
            _build(
                draft,
                parsed_page,
                notes,
                options=options,
                edition=edition,
                page=page,
                page_name=facts.page_name,
                seq=len(articles) + 1,
                published_at=published_at,
                editor=facts.values.get("editor"),
            )
        )
    if not articles:
        notes.warn(None, "no articles found on the page")
    notes.dropped.sort(key=lambda d: d.line)
    notes.warnings.sort(key=lambda w: w.line or 0)
    return ParsedFile(
        source=source,
        edition=edition,
        articles=articles,
        dropped=notes.dropped,
        warnings=notes.warnings,
    )


# -- step 2: lines that are no article ----------------------------------------------


def _set_aside(
    lines: list[Line], facts: masthead.Facts, notes: _Notes, options: ImportOptions
) -> list[Line]:
    """Drop masthead, page labels, chrome and footers; return the rest.

    Page labels, chrome, 刊号/邮发代号/总第N号 and footer credits are
    dropped wherever they stand. Dates, addresses, slogans and the paper's
    name are masthead only in the run of such lines at the top of the page
    (or the bottom), where the masthead is printed.
    """
    fixed: dict[int, str] = {}
    for i, line in enumerate(lines):
        reason = _fixed_reason(line.text, facts)
        if reason:
            fixed[i] = reason
    top = _masthead_run(lines, fixed, options, range(len(lines)))
    bottom = _masthead_run(lines, fixed, options, range(len(lines) - 1, top, -1))
    slogan_taken = False
    content: list[Line] = []
    for i, line in enumerate(lines):
        if i in fixed:
            notes.drop(line, fixed[i])
        elif i <= top or i >= bottom:
            found = masthead.fact_line(line.text)
            if found:
                masthead.record_facts(found, facts)
            elif masthead.is_paper_name(line.text, options.paper_name):
                facts.paper_names.append(line.text)
            elif masthead.is_phone(line.text):
                facts.phones.append(line.text)
            elif not slogan_taken and _is_slogan(line.text):
                facts.put("slogan", line.text)
                slogan_taken = True
            else:
                facts.notes.append(line.text)
            notes.drop(line, "masthead" if i <= top else "footer")
        else:
            content.append(line)
    return content


def _fixed_reason(text: str, facts: masthead.Facts) -> str | None:
    label = masthead.page_label(text)
    if label:
        if facts.page is None:
            facts.page, facts.page_name = label
        return "page label"
    if masthead.chrome_kind(text, facts):
        return "chrome"
    found = masthead.fact_line(text)
    if found and all(kind in masthead.ANYWHERE for kind, _ in found):
        masthead.record_facts(found, facts)
        footer = {"hotline", "editor", "staff"}
        return "footer" if all(kind in footer for kind, _ in found) else "masthead"
    return None


def _masthead_run(
    lines: list[Line], fixed: dict[int, str], options: ImportOptions, order: range
) -> int:
    """Index of the last masthead line in the run starting at one end of the page.

    The run may hold short slogan-like lines between real masthead facts,
    but it ends at the last line that is certainly masthead: a headline
    right after the masthead must stay a headline.
    """
    last = order.start - order.step  # "nothing taken"
    for i in order:
        if i in fixed:
            continue
        text = lines[i].text
        if (
            masthead.fact_line(text)
            or masthead.is_paper_name(text, options.paper_name)
            or masthead.is_promo(text)
            or masthead.is_phone(text)
        ):
            last = i
            continue
        if layout.is_titlish(text) and not bylines.match_lead(text):
            continue
        break
    return last


def _is_slogan(text: str) -> bool:
    words = text.split()
    return len(words) >= 2 and sum(len(w) for w in words) >= 10 and not layout.has_inner_punct(text)


def _make_edition(facts: masthead.Facts, notes: _Notes, options: ImportOptions) -> Edition:
    printed: date | None = facts.values.get("date") or facts.values.get("chrome_date")
    when = options.edition or printed
    if when is None:
        raise InputError(
            "no edition date: the page prints none (such as 2021年8月30日); "
            "pass --edition YYYY-MM-DD",
            file=notes.source,
        )
    if options.edition and printed and options.edition != printed:
        notes.warn(None, f"the masthead date is {printed}; using --edition {options.edition}")
    for name in facts.paper_names:
        if name != options.paper_name:
            notes.warn(
                None, f"the masthead names {name!r}, but the paper is {options.paper_name!r}"
            )
    hotline = facts.values.get("hotline")
    phones = list(facts.phones)
    if hotline is None and facts.hotline_label and phones:
        hotline = phones.pop(0)
    values = {k: v for k, v in facts.values.items() if k in _EDITION_FIELDS}
    values.update(date=when, paper=options.paper_name, hotline=hotline)
    values["notes"] = tuple(facts.notes + phones)
    return Edition(**values)


_EDITION_FIELDS = frozenset(
    [
        "issue_number",
        "lunar_date",
        "weekday",
        "serial",
        "postal_code",
        "website",
        "email",
        "address",
        "zip_code",
        "slogan",
    ]
)


# -- step 3: measure lines ---------------------------------------------------------


def _measure(lines: list[Line]) -> _Page:
    shapes = [layout.shape_of(line.text) for line in lines]
    usual = layout.usual_gap(lines)
    # Only a page that separates blocks with blank lines can show a picture
    # as a wider gap; on a page without blank lines any gap is just a break.
    wide = [usual >= 1 and i > 0 and line.gap > usual for i, line in enumerate(lines)]
    long_lines = [line for line in lines if len(line.text) > layout.TITLE_MAX]
    indented = bool(long_lines) and sum(line.indent for line in long_lines) * 2 > len(long_lines)
    return _Page(lines, shapes, wide, indented)


# -- step 4: group lines into articles ----------------------------------------------


def _group(page: _Page, notes: _Notes) -> list[_Draft]:
    """Walk the lines once and start a draft article at each headline block."""
    drafts: list[_Draft] = []
    current: _Draft | None = None
    over = False  # the current article visibly ended
    boundary = True  # the previous line ended a paragraph
    has_byline = False
    para_start = 0
    lines, shapes = page.lines, page.shapes
    n = len(lines)
    i = 0
    while i < n:
        shape = shapes[i]
        if boundary and (shape.titlish or shape.label):
            j = i + 1
            while (
                j < n
                and (shapes[j].titlish or shapes[j].label)
                and not page.wide[j]
                and j - i < _MAX_TITLE_LINES + 2
            ):
                j += 1
            has_label = any(shapes[k].label for k in range(i, j))
            if has_label or (j < n and page.opens_article(j)) or current is None or over:
                run = list(range(i, j))
                if len(run) > _MAX_TITLE_LINES:
                    extra, run = run[:-_MAX_TITLE_LINES], run[-_MAX_TITLE_LINES:]
                    if current is None:
                        current = _Draft(title=[])
                        drafts.append(current)
                    current.body.extend(extra)
                    notes.warn(
                        lines[extra[0]].no,
                        f"{len(extra)} short lines before a headline kept as text of the "
                        "article above",
                    )
                current = _Draft(title=run)
                drafts.append(current)
                over, boundary, has_byline = False, True, False
                para_start = j
                i = j
                continue
        if current is None:
            current = _Draft(title=[])
            drafts.append(current)
        if boundary:
            para_start = i
        current.body.append(i)
        has_byline = has_byline or bool((shape.lead and shape.lead.named) or shape.byline)
        boundary = shape.terminal or (i + 1 < n and page.hard_start(i + 1))
        if boundary:
            header_caption = page.wide[para_start] and current.body[0] == para_start
            over = bool(
                (shape.signature and shape.terminal)
                or not current.title
                or (current.title and not has_byline and (shape.credit or header_caption))
            )
        i += 1
    return drafts


def _split_signed(drafts: list[_Draft], page: _Page, notes: _Notes) -> list[_Draft]:
    """Split articles that hold a named byline at the top *and* a signature below.

    Each article carries one byline. When an article opened with a named
    byline and, further down, a paragraph ends in a named signature
    ("（记者 王敏）") with no sidebar in between, an article without an
    opening byline was swallowed: its headline is one of the short lines
    in between. The most headline-like one is taken, and a warning says so.
    """
    out: list[_Draft] = []
    for draft in drafts:
        out.extend(_split_one(draft, page, notes) if draft.title else [draft])
    return out


def _split_one(draft: _Draft, page: _Page, notes: _Notes) -> list[_Draft]:
    shapes, lines = page.shapes, page.lines
    body = draft.body
    top = next(
        (
            k
            for k, i in enumerate(body[:4])
            if (shapes[i].lead and shapes[i].lead.named)
            or (shapes[i].byline and shapes[i].byline[1])
        ),
        None,
    )
    if top is None:
        return [draft]
    candidates: list[int] = []
    boundary = True
    for k in range(top + 1, len(body)):
        i = body[k]
        if shapes[i].sidebar:
            return [draft]
        if shapes[i].signature and shapes[i].terminal:
            sig = bylines.split_signature(lines[i].text)
            if sig and sig[2] and candidates:
                best = max(candidates, key=lambda c: (_title_score(body[c], page), -c))
                run = [best]
                while (
                    best + len(run) < k and len(run) < 3 and shapes[body[best + len(run)]].titlish
                ):
                    run.append(best + len(run))
                first = _Draft(title=draft.title, body=body[:best])
                second = _Draft(title=[body[c] for c in run], body=body[best + len(run) :])
                notes.warn(
                    lines[body[best]].no,
                    f"guessed that a new article starts here: the article above has a byline "
                    f"and line {lines[i].no} ends with another one",
                )
                return [first, *_split_one(second, page, notes)]
            if sig and sig[2]:
                return [draft]
        if boundary and shapes[i].titlish:
            candidates.append(k)
        boundary = shapes[i].terminal
    return [draft]


def _title_score(i: int, page: _Page) -> int:
    text = page.lines[i].text
    score = 0
    if layout.is_numbered(text) or text.endswith(("——", "：", ":")):
        score -= 3
    if layout.is_quoted(text):
        score -= 2
    if i + 1 < len(page.lines) and page.shapes[i + 1].titlish:
        score += 1
    if page.lines[i].gap > 1:
        score += 1
    return score


# -- step 5: build articles ----------------------------------------------------


@dataclass
class _Body:
    """An article's body while it is being built."""

    blocks: list[Block] = field(default_factory=list)
    byline: str | None = None
    byline_named: bool = False
    authors: list[Author] = field(default_factory=list)
    photographers: list[Author] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    @property
    def in_header(self) -> bool:
        return all(b.type == "image" for b in self.blocks)

    def add_byline(self, text: str, authors: tuple[Author, ...]) -> None:
        self.byline = text if self.byline is None else f"{self.byline} {text}"
        self.byline_named = self.byline_named or bool(authors)
        self.add_authors(authors)

    def add_authors(self, authors: tuple[Author, ...]) -> None:
        for author in authors:
            if author not in self.authors:
                self.authors.append(author)


def _build(
    draft: _Draft,
    pg: _Page,
    notes: _Notes,
    *,
    options: ImportOptions,
    edition: Edition,
    page: int,
    page_name: str | None,
    seq: int,
    published_at: datetime,
    editor: str | None,
) -> Article:
    """Turn one draft into an Article (see the module docstring)."""
    kicker, title, subtitle, tags = _title_block([pg.lines[i] for i in draft.title], notes)
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
        id=make_article_id(options.paper_id, edition.date, page, seq),
        edition=edition.date,
        title=title,
        published_at=published_at,
        updated_at=published_at,
        page=page,
        page_name=page_name,
        seq=seq,
        kicker=kicker,
        subtitle=subtitle,
        byline=body.byline,
        authors=tuple(body.authors),
        body=tuple(body.blocks),
        summary=summarize(lead or title),
        tags=tuple(body.tags),
        editor=editor,
        paper=edition.paper,
        status="published",
        extra={"lines": [first_line, last_line]},
    )


# -- title blocks ----------------------------------------------------------------


def _title_block(lines: list[Line], notes: _Notes) -> tuple[str | None, str, str | None, list[str]]:
    """Split a headline block into 引题 (kicker), 主题 (title) and 副题 (subtitle).

    Wrapped headlines are joined first ("我市12人获" / "省五一劳动奖章").
    Then: one line is the title, unless it starts with a kicker couplet
    ("小切口 大场景 我省公布…"); of two lines the shorter first line is the
    kicker, a second line starting with —— is the subtitle; three lines are
    kicker, title, subtitle. Column labels ("（社论）") become tags.
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
        return None, first, second, tags
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
    """ "小切口 大场景 我省公布…" → ("小切口 大场景", "我省公布…")."""
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

    kind: str  # "para", "subhead", "quote", "byline", "label", "credit"
    text: str
    idxs: list[int]


def _paragraphs(body: list[int], pg: _Page, notes: _Notes) -> list[_Unit]:
    """Join body lines into paragraphs across column breaks.

    A line that does not end a sentence continues on the next line, unless
    the next line can only start something (a byline, a label, an indented
    paragraph). A photo credit on its own line joins the caption above it
    with a space. Short headline-like lines at a paragraph start are
    subheads, quotes or the start of a paragraph (see :func:`_short_kind`).
    """
    lines, shapes = pg.lines, pg.shapes
    units: list[_Unit] = []
    k = 0
    while k < len(body):
        i = body[k]
        shape, text = shapes[i], lines[i].text
        kind = "para"
        if shape.byline:
            kind = "byline"
        elif shape.label:
            kind = "label"
        elif shape.credit_only:
            kind = "credit"
        elif shape.sidebar:
            kind = "subhead"
        elif shape.titlish:
            kind = _short_kind(k, body, pg, notes)
        idxs = [i]
        if kind == "para":
            while not shapes[idxs[-1]].terminal and k + 1 < len(body):
                nxt = body[k + 1]
                if pg.hard_start(nxt):
                    break
                joiner = " " if shapes[nxt].credit_only else ""
                text = (
                    layout.join_text(text + joiner, lines[nxt].text)
                    if joiner
                    else (layout.join_text(text, lines[nxt].text))
                )
                idxs.append(nxt)
                k += 1
        units.append(_Unit(kind, text, idxs))
        k += 1
    return units


def _short_kind(k: int, body: list[int], pg: _Page, notes: _Notes) -> str:
    """Subhead, quote or paragraph start: a short line at a paragraph start."""
    line = pg.lines[body[k]]
    text = line.text
    if layout.is_quoted(text):
        return "quote"
    if layout.is_numbered(text) or text.endswith("——") or layout.is_couplet(text):
        return "subhead"
    if k + 1 >= len(body) or text[-1] in "？！?!”":
        return "para"
    if pg.indented:
        return "para" if line.indent else "subhead"
    if (
        len(text) > _SUBHEAD_MAX
        or layout.has_inner_punct(text)
        or text[-1] in _FRAGMENT_ENDS
        or text[-1].isascii()
    ):
        return "para"
    notes.warn(line.no, f"short line {text!r} inside an article read as a subhead")
    return "subhead"


def _add_unit(unit: _Unit, body: _Body, pg: _Page, notes: _Notes, *, last: bool) -> None:
    """Add one unit to the body: byline, image, subhead, quote or paragraph."""
    first = unit.idxs[0]
    text = unit.text
    if unit.kind == "label":
        body.tags.append(pg.shapes[first].label or text)
        return
    if unit.kind in ("subhead", "quote"):
        body.blocks.append(Block(unit.kind, text=text))  # type: ignore[arg-type]
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
    credit = bylines.split_credit(text)
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


def _add_credit_line(text: str, body: _Body, line: Line, notes: _Notes) -> None:
    """A credit alone on a line ("本报记者 王敏 摄") belongs to the caption above it."""
    split = bylines.split_credit(text)
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
