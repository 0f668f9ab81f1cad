"""E-paper page text → articles.

Newsrooms feed us the text of one printed page, extracted from the e-paper
PDF or copied from the e-paper web site: one text block per line, headlines,
bylines, photo captions, masthead and footers all mixed, paragraphs cut
where a column ends. :func:`parse_page` turns that into
:class:`~syndicator.model.Article` objects in page order.

The work is done in small steps, each a pure function with one job:

1. :func:`~.layout.split_lines` numbers the non-blank lines and refuses
   input that cannot be a page (too big, one enormous line);
2. :func:`_set_aside` (here) removes lines that are no article — masthead,
   page labels, web chrome, footers — and collects the edition facts they
   print (:mod:`.masthead` recognises them);
3. :func:`~.grouping.measure` measures every remaining line once
   (headline-like? byline? credit? does it end a sentence?) with
   :func:`~.layout.shape_of`;
4. :func:`~.grouping.group_lines` walks the lines and starts a new article
   at each headline block; :func:`~.signed.split_signed` splits articles
   that hold two bylines;
5. :func:`~.articles.build_article` turns each group into an Article: title
   block, byline and authors (:mod:`.bylines`), paragraphs joined across
   column breaks, image blocks for photo captions.

Nothing is dropped silently: every non-blank line ends up in an article,
in the edition, or in ``ParsedFile.dropped`` with a reason, and lines the
rules had to guess about are reported as warnings with their line numbers.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import PurePath

from ..errors import InputError
from ..model import Article, Edition
from . import bylines, layout, masthead
from .articles import PageInfo, build_article
from .grouping import Notes, group_lines, measure
from .layout import Line
from .pagenames import is_page_name
from .parsed import ImportOptions, MissingFactError, ParsedFile
from .punctuation import fullwidth_article
from .signed import split_signed

#: The masthead (or the footer) is never longer than this many lines.
_MASTHEAD_LINES = 60


# -- entry point ---------------------------------------------------------------


def parse_page(text: str, *, source: str, options: ImportOptions) -> ParsedFile:
    """Parse the text of one e-paper page into articles.

    :param text: the page text (already decoded; any line endings).
    :param source: file name used in errors and warnings.
    :param options: paper, time zone, publish time, and overrides for the
        edition date and page number.
    :return: the edition, the articles in page order, the lines set aside
        with reasons, and warnings with line numbers.
    :raises MissingFactError: no edition date or no page number, neither
        printed on the page nor given in ``options``.
    :raises InputError: empty or oversized input, or two pages in one.
    """
    lines = layout.split_lines(text, source)
    if not lines:
        raise InputError("the page has no text", file=source)
    notes = Notes(source)
    facts = masthead.Facts()
    content = _set_aside(lines, facts, notes, options)
    named = page_from_name(source, options.page_pattern)
    _refuse_missing(facts, options, source, named)
    edition = _make_edition(facts, notes, options)
    page = options.page or facts.page or named
    assert page is not None  # _refuse_missing saw to it
    if named and facts.page and not options.page and named != facts.page:
        notes.warn(
            facts.where.get("page"),
            f"the file name says page {named}; the page prints page {facts.page}: "
            "using the printed one",
        )
    if options.page and facts.page and options.page != facts.page:
        notes.warn(
            facts.where.get("page"),
            f"the page label says page {facts.page}; using page {options.page}",
        )
    parsed_page = measure(content)
    drafts = split_signed(group_lines(parsed_page, notes), parsed_page, notes)
    info = PageInfo(
        options=options,
        edition=edition,
        page=page,
        page_name=facts.page_name,
        published_at=datetime.combine(edition.date, options.publish_time, tzinfo=options.tz),
        editor=facts.values.get("editor"),
    )
    articles: list[Article] = []
    for draft in drafts:
        if draft.title:
            article = build_article(draft, parsed_page, notes, info, len(articles) + 1)
            if article.body:
                articles.append(article)
                continue
            # A headline with nothing under it (a masthead's slogan over its
            # sponsor line, a box's label) is no article: nobody reads it in
            # a feed. build_article has warned; the lines are set aside.
            for i in (*draft.title, *draft.body):
                notes.drop(parsed_page.lines[i], "headline without text")
            continue
        for i in draft.body:
            notes.drop(parsed_page.lines[i], "no headline (continued from another page?)")
        first = parsed_page.lines[draft.body[0]].no
        notes.warn(first, "text before the first headline is not part of any article")
    if not articles:
        notes.warn(None, "no articles found on the page")
    punctuation = 0
    if options.fullwidth_punctuation:
        for i, article in enumerate(articles):
            articles[i], n = fullwidth_article(article)
            punctuation += n
    notes.dropped.sort(key=lambda d: d.line)
    notes.warnings.sort(key=lambda w: w.line or 0)
    return ParsedFile(
        source=source,
        edition=edition,
        articles=articles,
        dropped=notes.dropped,
        warnings=notes.warnings,
        page=page,
        punctuation=punctuation,
        origins={
            "edition": "stated" if options.edition else "printed",
            "page": "stated" if options.page else ("printed" if facts.page else "named"),
        },
    )


_ENCODING_SUFFIX = re.compile(r"\.(?:gb18030|gbk|gb2312|big5|utf-?8)$", re.IGNORECASE)


def page_from_name(source: str, pattern: str | None) -> int | None:
    """The page number a file's name gives by ``[ingest] page_from_name`` (``…-p2.txt`` → 2).

    The first group of the pattern that matched is the number; it is
    searched in the name without its folder and extension.
    """
    if not pattern:
        return None
    stem = _ENCODING_SUFFIX.sub("", PurePath(source).stem)
    m = re.search(pattern, stem)
    if m is None:
        return None
    number = next((g for g in m.groups() if g), None)
    return int(number) if number and number.isdigit() and 0 < int(number) < 1000 else None


def _refuse_missing(
    facts: masthead.Facts, options: ImportOptions, source: str, named: int | None
) -> None:
    """Refuse a page whose date or number is neither printed nor stated.

    Both make the articles' ids (``zjgrrb-20210830-01-03``): a page taken
    as page 1 because it prints no 第N版 would "correct" the real page 1's
    articles with its own, so no fact is ever guessed. One error names
    every fact that is lacking, so the desk can ask for them at once.
    """
    missing = []
    if options.edition is None and _printed_date(facts) is None:
        missing.append("edition")
    if options.page is None and facts.page is None and named is None:
        missing.append("page")
    if not missing:
        return
    lacking = {
        "edition": ("no edition date (such as 2021年8月30日)", "--edition YYYY-MM-DD"),
        "page": ("no page number (such as 第3版)", "--page N (or end the file name in -pN)"),
    }
    what = " and ".join(lacking[m][0] for m in missing)
    how = " and ".join(lacking[m][1] for m in missing)
    raise MissingFactError(
        f"the page prints {what}: give {how}", file=source, missing=tuple(missing)
    )


def _printed_date(facts: masthead.Facts) -> date | None:
    printed: date | None = facts.values.get("date") or facts.values.get("chrome_date")
    return printed


# -- step 2: lines that are no article ----------------------------------------------


def _set_aside(
    lines: list[Line], facts: masthead.Facts, notes: Notes, options: ImportOptions
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
            facts.locate(line.no)
    top = _masthead_run(lines, fixed, options, range(len(lines)))
    bottom = _masthead_run(lines, fixed, options, range(len(lines) - 1, top, -1))
    slogan_taken = False
    content: list[Line] = []
    for i, line in enumerate(lines):
        if i in fixed:
            notes.drop(line, fixed[i])
        elif i <= top and is_page_name(line.text, options.page_names):
            if facts.page_name is None:
                facts.page_name = "".join(line.text.split())
            facts.locate(line.no)
            notes.drop(line, "page name")
        elif i <= top or i >= bottom:
            found = masthead.fact_line(line.text)
            if found:
                masthead.record_facts(found, facts, line.no)
            elif masthead.is_page_number(line.text):
                if facts.page is None:
                    facts.page = int("".join(ch for ch in line.text if ch.isdigit()))
            elif masthead.is_paper_name(line.text, options.paper_name):
                facts.paper_names.append((line.text, line.no))
            elif masthead.is_phone(line.text):
                facts.phones.append(line.text)
            elif not slogan_taken and _is_slogan(line.text):
                facts.put("slogan", line.text)
                slogan_taken = True
            else:
                facts.notes.append(line.text)
            facts.locate(line.no)
            notes.drop(line, "masthead" if i <= top else "footer")
        else:
            content.append(line)
    _refuse_second_page(lines, content, facts, notes.source)
    _warn_inside(lines, fixed, content, notes)
    return content


def _refuse_second_page(
    lines: list[Line], content: list[Line], facts: masthead.Facts, source: str
) -> None:
    """Refuse a file holding two pages: a masthead date or page title inside the text.

    A page's masthead is printed above its articles. One found between
    article lines ("2021年9月6日 星期一", "浙江日报 - 第00003版:综合 -
    2021年05月03日", a page label naming another page) means a second page
    was pasted after the first: its masthead would end up in an article,
    and all its articles would get the first page's date and page, so
    wrong ids. Splitting the file is the editor's fix, not a guess.
    """
    if not content:
        return
    first, last = content[0].no, content[-1].no
    for i, line in enumerate(lines):
        if not first < line.no < last:
            continue
        text = line.text
        around = [lines[k].text for k in (i - 1, i + 1) if 0 <= k < len(lines)]
        label = masthead.page_label(text)
        if (
            masthead.is_masthead_date(text, around)
            or masthead.page_title(text) is not None
            or (label is not None and facts.page is not None and label[0] != facts.page)
        ):
            raise InputError(
                f"a second page starts here ({text!r} is a page's masthead or title): "
                "split the file into pages",
                file=source,
                line=line.no,
            )


def _warn_inside(
    lines: list[Line], fixed: dict[int, str], content: list[Line], notes: Notes
) -> None:
    """Report footer and masthead lines set aside between two lines of article text.

    Such lines are printed in the margins; one that an extraction put in
    the middle of the text ("咨询电话：…" / "新闻服务热线" / "托管班的老师…")
    may as well belong to the article, so an editor should look at it.
    """
    if not content:
        return
    first, last = content[0].no, content[-1].no
    for i, reason in fixed.items():
        if reason in ("footer", "masthead") and first < lines[i].no < last:
            notes.warn(
                lines[i].no,
                f"{lines[i].text!r} set aside as {reason}, but article text goes on after it",
            )


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
    for i in order[:_MASTHEAD_LINES]:
        text = lines[i].text
        if i in fixed:
            # Page labels and masthead facts belong to the masthead; chrome and
            # footers may sit anywhere (a web page's meta line under the headline).
            if fixed[i] in ("page label", "masthead"):
                last = i
            continue
        if masthead.is_page_number(text) or is_page_name(text, options.page_names):
            last = i
            continue
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
    """A slogan: two or more phrases, ten characters at least ("倾情关注劳动群体 …")."""
    words = text.split()
    han = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return len(words) >= 2 and han >= 10 and not layout.has_inner_punct(text)


def _make_edition(facts: masthead.Facts, notes: Notes, options: ImportOptions) -> Edition:
    printed = _printed_date(facts)
    when = options.edition or printed
    assert when is not None  # _refuse_missing saw to it
    if options.edition and printed and options.edition != printed:
        line = facts.where.get("date") or facts.where.get("chrome_date")
        notes.warn(line, f"the page is dated {printed}; using --edition {options.edition}")
    for name, line in facts.paper_names:
        if name != options.paper_name:
            notes.warn(
                line, f"the masthead names {name!r}, but the paper is {options.paper_name!r}"
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
