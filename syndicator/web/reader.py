"""What reader pages show: an edition's printed pages, an article's place, its corrections.

The views in :mod:`.pages` fetch articles; this module only arranges them
the way the paper printed them (by page, then by order on the page) and
words the facts a reader sees (第1版 要闻, 2021年8月30日, 更正于 …). It
reads neither the store nor the clock, so each rule has one home and a
test of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from ..model import Article
from ..render.corrections import correction_anchor, correction_note

#: A page name as e-paper sites print it: "第02版：经济", "第3版 要闻", "第1版".
_PAGE_PREFIX = re.compile(r"^\s*第\s*0*\d+\s*版\s*[：:·・\-—\s]*")


def page_name(article: Article) -> str | None:
    """The page's own name (版名), without the "第N版" the page number already says.

    ``page_name`` arrives as the e-paper prints it, "第02版：经济" as often
    as "经济"; printed twice it would read "第2版 第02版：经济".
    """
    if not article.page_name:
        return None
    name = _PAGE_PREFIX.sub("", article.page_name).strip()
    return name or None


@dataclass(frozen=True)
class PrintedPage:
    """One page (版) of an edition with its due articles in printed order."""

    edition: date
    number: int
    name: str | None
    articles: tuple[Article, ...]

    @property
    def label(self) -> str:
        """第1版 — how the paper numbers a page."""
        return f"第{self.number}版"

    @property
    def title(self) -> str:
        """第1版 要闻 (or 第1版 alone when the page has no name)."""
        return f"{self.label} {self.name}" if self.name else self.label

    @property
    def source_url(self) -> str | None:
        """The e-paper page, as its first article that names one says."""
        return next((a.source_url for a in self.articles if a.source_url), None)


def printed_pages(articles: Iterable[Article]) -> list[PrintedPage]:
    """Articles grouped by page, pages in number order, articles by their order on the page.

    The feeds list an edition newest first; a reader of the paper expects
    page 1's lead story first, whatever the publication times say.
    """
    ordered = sorted(articles, key=lambda a: (a.edition, a.page, a.seq, a.id))
    pages: list[PrintedPage] = []
    for article in ordered:
        if pages and pages[-1].number == article.page and pages[-1].edition == article.edition:
            last = pages[-1]
            name = last.name or page_name(article)
            pages[-1] = PrintedPage(last.edition, last.number, name, (*last.articles, article))
        else:
            pages.append(PrintedPage(article.edition, article.page, page_name(article), (article,)))
    return pages


def chinese_date(day: date) -> str:
    """2021年8月30日"""
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_time(moment: datetime, tz: tzinfo) -> str:
    """2021年8月30日 06:00, in the paper's time zone."""
    local = moment.astimezone(tz)
    return f"{chinese_date(local.date())} {local:%H:%M}"


@dataclass(frozen=True)
class CorrectionNote:
    """One correction as the article page prints it, under an ``id`` a link can point to."""

    text: str  # 更正：本文于2021年8月30日 15:20更正
    anchor: str  # corrected-20210830T072000Z

    @property
    def label(self) -> str:
        """更正 — the words before the colon, printed as the note's heading."""
        return self.text.partition("：")[0]

    @property
    def detail(self) -> str:
        return self.text.partition("：")[2]


def correction_notes(article: Article, tz: tzinfo) -> list[CorrectionNote]:
    """The correction notes to print with the article, newest first (today: the latest, or none).

    The very words and anchor of the feeds' content and item links
    (:mod:`syndicator.render.corrections`), so a reader who follows a
    corrected item from a feed lands on the note it read there.
    """
    text, anchor = correction_note(article, tz), correction_anchor(article)
    if text is None or anchor is None:
        return []
    return [CorrectionNote(text, anchor)]
