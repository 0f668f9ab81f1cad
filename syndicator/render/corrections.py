"""Whether readers are told an article was corrected, and in what words.

An article corrected after readers could see it (:func:`.times.corrected_at`)
says so in every format's content, and on the reader's page, with the
same note. The note tells the time the correction was made, to the
minute; the items' machine-readable modification time
(:func:`.times.shown_updated`) follows the page-order rule instead, a few
seconds (a minute a page) earlier, so that readers sorting by it keep the
page in order. A person reads the words, a program sorts by the metadata.
"""

from __future__ import annotations

from datetime import UTC, tzinfo

from ..model import Article
from .times import corrected_at

__all__ = ["corrected_at", "correction_anchor", "correction_note"]


def correction_note(article: Article, tz: tzinfo | None = None) -> str | None:
    """``更正：本文于2021年8月30日 09:15更正`` in local time, or ``None``.

    :param tz: the site's zone; ``None`` keeps the offset the time carries.
    """
    at = corrected_at(article)
    if at is None:
        return None
    local = at.astimezone(tz) if tz is not None else at
    return f"更正：本文于{local.year}年{local.month}月{local.day}日 {local:%H:%M}更正"


def correction_anchor(article: Article) -> str | None:
    """The fragment naming the article's latest correction: ``corrected-20210830T011500Z``.

    The feeds' item link ends with it, so that a reader which keeps an
    item by its id, title *and* link (sfeed merges on all three) sees a
    corrected item as new, while the GUID stays; the reader's page puts the
    correction note under this ``id``. In UTC, so that a change of the
    site's zone does not change every corrected item's link.
    """
    at = corrected_at(article)
    return None if at is None else f"corrected-{at.astimezone(UTC):%Y%m%dT%H%M%SZ}"
