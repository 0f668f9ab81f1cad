"""The paper's own punctuation back: ASCII ``, : ; ? ! ( )`` beside Chinese become full-width.

The printed page sets ``，：；？！（）``. Text exports of e-paper PDFs often
turn them into their ASCII look-alikes, so a title reads ``开学,防疫先行``
in a feed and in the WeChat post. A mark is the paper's when it stands
next to a Chinese character (spaces aside); everything else stays as it
came: numbers (``1,000``, ``3:1``, ``10:30``), Latin text (``A:B``,
``Hello, world``), and web and mail addresses wherever they stand
(``http://x.cn/a?b=1``). Parentheses go in pairs: a pair that holds or
touches Chinese turns full-width on both sides, so ``(1)`` before a
sentence becomes ``（1）`` and never ``（1)``.

Spaces between a mark that turned full-width and its neighbours go too:
the full-width mark carries its own space (``昨日, 我省`` → ``昨日，我省``).

Only the e-paper importer applies this (``[ingest] fullwidth_punctuation``):
text that arrives as JSON is kept exactly as sent.
"""

from __future__ import annotations

import dataclasses
import re

from ..model import Article

#: ASCII mark → the paper's full-width mark.
FULL_WIDTH = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
_SENTENCE_MARKS = frozenset(",:;?!")
_SPACES = frozenset(" \t")

#: Han ideographs, kana, bopomofo, CJK symbols and full-width forms, the
#: supplementary ideographs: what counts as "Chinese" beside a mark.
_CJK = re.compile(
    "[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]"
)
#: Addresses keep every character: a URL's ``?`` and ``:`` are syntax.
_ADDRESS = re.compile(
    r"(?:[A-Za-z][A-Za-z0-9+.\-]*://|www\.)[!-~]+"
    r"|[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"
)


def is_cjk(char: str) -> bool:
    return bool(char) and _CJK.match(char) is not None


def fullwidth(text: str) -> tuple[str, int]:
    """``text`` with the marks beside Chinese made full-width, and how many were changed.

    A changed mark is Chinese to its neighbours (``一,(`` → ``一，（``), so
    the rules run again until nothing changes: the result is a fixed point.
    """
    total = 0
    while True:
        text, count = _one_round(text)
        if not count:
            return text, total
        total += count


def _one_round(text: str) -> tuple[str, int]:
    if not text or not any(c in FULL_WIDTH for c in text) or not _CJK.search(text):
        return text, 0
    chars = list(text)
    protected = bytearray(len(chars))
    for m in _ADDRESS.finditer(text):
        protected[m.start() : m.end()] = b"\1" * (m.end() - m.start())
    changed: set[int] = set()
    _sentence_marks(chars, protected, changed)
    _parentheses(chars, protected, changed)
    if not changed:
        return text, 0
    out = []
    for i, c in enumerate(chars):
        if c in _SPACES and _beside_changed(chars, changed, i):
            continue
        out.append(FULL_WIDTH[c] if i in changed else c)
    return "".join(out), len(changed)


def _neighbour(chars: list[str], i: int, step: int) -> str:
    """The first character from ``i`` in direction ``step`` that is not a space."""
    while 0 <= i < len(chars) and chars[i] in _SPACES:
        i += step
    return chars[i] if 0 <= i < len(chars) else ""


def _sentence_marks(chars: list[str], protected: bytearray, changed: set[int]) -> None:
    """A run of ``, : ; ? !`` (``好?!``) turns as one when either side of it is Chinese."""
    i = 0
    while i < len(chars):
        if chars[i] not in _SENTENCE_MARKS or protected[i]:
            i += 1
            continue
        end = i
        while end + 1 < len(chars) and chars[end + 1] in _SENTENCE_MARKS and not protected[end + 1]:
            end += 1
        if is_cjk(_neighbour(chars, i - 1, -1)) or is_cjk(_neighbour(chars, end + 1, 1)):
            changed.update(range(i, end + 1))
        i = end + 1


def _parentheses(chars: list[str], protected: bytearray, changed: set[int]) -> None:
    """Pairs turn together; a lone parenthesis turns when a neighbour is Chinese."""
    cjk_before = [0]  # cjk_before[k]: Chinese characters in chars[:k]
    for ch in chars:
        cjk_before.append(cjk_before[-1] + is_cjk(ch))
    open_at: list[int] = []
    lone: list[int] = []
    for i, c in enumerate(chars):
        if protected[i] or c not in "()":
            continue
        if c == "(":
            open_at.append(i)
        elif open_at:
            start = open_at.pop()
            inside = cjk_before[i] > cjk_before[start + 1]
            if (
                inside
                or is_cjk(_neighbour(chars, start - 1, -1))
                or is_cjk(_neighbour(chars, i + 1, 1))
            ):
                changed.update((start, i))
        else:
            lone.append(i)
    for i in (*open_at, *lone):
        if is_cjk(_neighbour(chars, i - 1, -1)) or is_cjk(_neighbour(chars, i + 1, 1)):
            changed.add(i)


def _beside_changed(chars: list[str], changed: set[int], i: int) -> bool:
    """Is the space at ``i`` part of the run of spaces touching a changed mark?"""
    for step in (-1, 1):
        j = i
        while 0 <= j < len(chars) and chars[j] in _SPACES:
            j += step
        if j in changed:
            return True
    return False


def fullwidth_article(article: Article) -> tuple[Article, int]:
    """The article with :func:`fullwidth` applied to every text a reader sees."""
    count = 0

    def fix(value: str | None) -> str | None:
        nonlocal count
        if not value:
            return value
        fixed, n = fullwidth(value)
        count += n
        return fixed

    body = tuple(
        dataclasses.replace(
            block, text=fix(block.text) or "", caption=fix(block.caption), credit=fix(block.credit)
        )
        for block in article.body
    )
    # The summary is often the lead itself: the same marks, counted once.
    same = {old.text: new.text for old, new in zip(article.body, body, strict=True)}
    summary = article.summary
    summary = same[summary] if summary in same else fix(summary)
    fixed = dataclasses.replace(
        article,
        title=fix(article.title) or article.title,
        kicker=fix(article.kicker),
        subtitle=fix(article.subtitle),
        summary=summary,
        byline=fix(article.byline),
        body=body,
    )
    return (fixed, count) if count else (article, 0)
