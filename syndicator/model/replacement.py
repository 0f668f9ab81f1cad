"""Is a "correction" really another article? Title and text both replaced wholesale.

An article's id is made of where it was printed (paper, date, page,
order), so a page imported under the wrong number or date brings new
articles under old ids. Saved, it would "correct" the stored articles
with unrelated ones and no one would notice: the counts say ``1
corrected``. A real correction keeps most of the article: a typo in the
title, a fixed paragraph, a new photo. Here two texts are alike when
they share enough of their character pairs (the Dice coefficient of
their bigram multisets), which is linear in their length and works on
Chinese, which has no spaces to split words at.
"""

from __future__ import annotations

from collections import Counter

from .article import Article

#: Below this likeness (0–1) a title, and a text, count as replaced.
ALIKE = 0.5


def likeness(a: str, b: str) -> float:
    """1.0 for equal texts, near 0 for unrelated ones (bigram Dice coefficient)."""
    a, b = "".join(a.split()), "".join(b.split())
    if a == b:
        return 1.0
    if len(a) < 2 or len(b) < 2:
        return 0.0
    pairs_a = Counter(a[i : i + 2] for i in range(len(a) - 1))
    pairs_b = Counter(b[i : i + 2] for i in range(len(b) - 1))
    shared = sum((pairs_a & pairs_b).values())
    return 2 * shared / (sum(pairs_a.values()) + sum(pairs_b.values()))


def is_replacement(stored: Article, incoming: Article) -> bool:
    """Does ``incoming`` replace the title *and* the text of ``stored``?"""
    if likeness(stored.title, incoming.title) >= ALIKE:
        return False
    old, new = stored.plain_text, incoming.plain_text
    if not old and not new:
        return True
    return likeness(old, new) < ALIKE
