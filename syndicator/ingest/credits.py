"""Photo credits at the end of a caption: "…精神。毛朝阳 姚磊 姜璐摄".

A credit names photographers the way a byline names reporters, so the
names are read by :func:`~.bylines.scan_people`; what is particular to a
credit is where it starts (after the caption's last full stop, in
brackets, or after a space) and the agency that sent a photo ("新华社发").
"""

from __future__ import annotations

import re

from ..model import Author
from .bylines import HAN, MAX_BYLINE, scan_people

_SPACE_RE = re.compile(r"\s+")
_CREDIT_END_RE = re.compile(r"(?:摄影报道|摄影|摄|供图)\s*[）)]?$")
_CREDIT_BRACKET_RE = re.compile(r"[（(]([^（）()]{1,50})[）)]$")
_SENT_BY_RE = re.compile(rf"(?<![{HAN}])(?:新华社|中新社|[{HAN}]{{2,6}}(?:社|网|报))发\s*$")
_CREDIT_CUT = "。！？!?；;”"


def split_credit(text: str) -> tuple[str, str, tuple[Author, ...]] | None:
    """Split a photo caption from the credit at its end.

    "…重要讲话精神。毛朝阳 姚磊 姜璐摄" → ("…重要讲话精神。",
    "毛朝阳 姚磊 姜璐摄", photographers). The credit starts after the last
    full stop, or is bracketed ("（A B 摄）"), or follows the caption after
    a space ("…入学 李强 摄"). The caption is ``""`` when the whole text is
    a credit. Photographers get the role 摄.
    """
    if not _CREDIT_END_RE.search(text[-8:]):
        return None
    tail = text[-MAX_BYLINE:]
    offset = len(text) - len(tail)
    b = _CREDIT_BRACKET_RE.search(tail)
    if b is not None:
        people = scan_people(b.group(1))
        if people is not None and people.photo:
            cut = offset + b.start()
            # "新华社发（王飞摄）": the agency that sent the photo is part of the credit.
            sent = _SENT_BY_RE.search(text, max(0, cut - 16), cut)
            if sent is not None:
                cut = sent.start()
            return text[:cut].rstrip(), text[cut:].strip(), people.authors("摄")
    cut = max(tail.rfind(ch) for ch in _CREDIT_CUT)
    if cut >= 0:
        people = scan_people(tail[cut + 1 :])
        if people is not None and people.photo:
            return (
                text[: offset + cut + 1].rstrip(),
                tail[cut + 1 :].strip(),
                people.authors("摄"),
            )
    elif offset == 0:
        people = scan_people(text)
        if people is not None and people.photo:
            return "", text.strip(), people.authors("摄")
    # No full stop before it: the credit is the longest run of names set off
    # by a space ("…大会现场 王敏 摄").
    start = cut + 1
    for space in _SPACE_RE.finditer(tail, start):
        if offset + space.start() == 0:
            continue
        people = scan_people(tail[space.end() :])
        if people is not None and people.photo:
            cut_at = offset + space.start()
            return text[:cut_at].rstrip(), tail[space.end() :].strip(), people.authors("摄")
    return None
