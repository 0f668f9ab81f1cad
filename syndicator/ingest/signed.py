"""Split a draft article that holds two bylines into two articles.

Grouping (:mod:`.grouping`) starts an article only where a headline is
followed by something printed at the top of an article. An article whose
headline is followed by plain text (no byline, no picture) is then read
as more of the article above it. Its signature gives it away: one
article carries one byline, so a named byline at the top and a named
signature further down mean a headline was missed in between.
"""

from __future__ import annotations

from . import bylines, layout
from .grouping import Draft, Notes, Page


def split_signed(drafts: list[Draft], page: Page, notes: Notes) -> list[Draft]:
    """Split articles that hold a named byline at the top *and* a signature below.

    Each article carries one byline. When an article opened with a named
    byline and, further down, a paragraph ends in a named signature
    ("（记者 王敏）") with no sidebar in between, an article without an
    opening byline was swallowed: its headline is one of the short lines
    in between. The most headline-like one is taken, and a warning says so.
    """
    out: list[Draft] = []
    for draft in drafts:
        while draft.title:
            split = _split_once(draft, page, notes)
            if split is None:
                break
            out.append(split[0])
            draft = split[1]
        out.append(draft)
    return out


def _split_once(draft: Draft, page: Page, notes: Notes) -> tuple[Draft, Draft] | None:
    shapes, lines = page.shapes, page.lines
    body = draft.body
    top = next(
        (
            k
            for k, i in enumerate(body[:4])
            if ((lead := shapes[i].lead) and lead.named)
            or ((byline := shapes[i].byline) and byline[1])
        ),
        None,
    )
    if top is None:
        return None
    best: tuple[int, int] | None = None  # (score, -position): higher is better
    boundary = True
    for k in range(top + 1, len(body)):
        i = body[k]
        if shapes[i].sidebar:
            return None
        if shapes[i].signature and shapes[i].terminal:
            sig = bylines.split_signature(lines[i].text)
            if sig is not None and sig[2]:
                if best is None:
                    return None
                at = -best[1]
                run = [at]
                while at + len(run) < k and len(run) < 3 and shapes[body[at + len(run)]].titlish:
                    run.append(at + len(run))
                notes.warn(
                    lines[body[at]].no,
                    "guessed that a new article starts here: the article above has a byline "
                    f"and line {lines[i].no} ends with another one",
                )
                first = Draft(title=draft.title, body=body[:at])
                second = Draft(title=[body[c] for c in run], body=body[at + len(run) :])
                return first, second
        if boundary and shapes[i].titlish:
            candidate = (_title_score(i, page), -k)
            if best is None or candidate > best:
                best = candidate
        boundary = not page.continues(i)
    return None


def _title_score(i: int, page: Page) -> int:
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
