"""What a correction changed, small enough to keep: the audit trail's before and after.

Only the top-level fields that differ are kept. The body, which may be
thousands of characters, becomes plain text and is cut to the stretch
that changed with a little context around it, so an entry stays a few
hundred characters whatever the article's length. ``updated_at`` is left
out: it moves with every correction and says nothing about what changed.
"""

from __future__ import annotations

import json
from typing import Any

from .article import Article, Block

#: Characters of unchanged text kept on each side of a change.
CONTEXT = 20
#: The longest value kept for one field; longer ones are cut with "…".
LIMIT = 300
ELLIPSIS = "…"
IGNORED = frozenset({"updated_at"})


def article_changes(old: Article, new: Article) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(before, after)``: the fields that differ, with their old and new values.

    Both are empty when nothing a reader sees (or the status) changed.
    """
    a, b = old.to_dict(), new.to_dict()
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key in sorted(set(a) | set(b), key=lambda k: (k not in a, k)):
        if key in IGNORED or a.get(key) == b.get(key):
            continue
        if key == "body":
            before[key], after[key] = text_change(body_text(old.body), body_text(new.body))
        else:
            before[key], after[key] = _compact(a.get(key)), _compact(b.get(key))
    return before, after


def body_text(body: tuple[Block, ...]) -> str:
    """The body as plain text, one line per block; a picture shows as ``[图 src]``."""
    lines = []
    for block in body:
        if block.type == "image":
            lines.append(" ".join(p for p in (f"[图 {block.src or ''}]", block.plain) if p))
        else:
            lines.append(block.plain)
    return "\n".join(lines)


def text_change(old: str, new: str, *, context: int = CONTEXT) -> tuple[str, str]:
    """The stretch of ``old`` and ``new`` that differs, with ``context`` characters around.

    ``("…上午召开的会议…", "…下午召开的会议…")``; a stretch longer than
    :data:`LIMIT` is cut. When only markup differs (a link's address) the
    texts are equal, and both sides say so.
    """
    if old == new:
        return "(markup only)", "(markup only)"
    prefix = 0
    shortest = min(len(old), len(new))
    while prefix < shortest and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < shortest - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    start = max(0, prefix - context)
    return _window(old, start, suffix, context), _window(new, start, suffix, context)


def _window(text: str, start: int, suffix: int, context: int) -> str:
    end = min(len(text), len(text) - suffix + context)
    piece = text[start:end]
    if len(piece) > LIMIT:
        piece, end = piece[:LIMIT], start + LIMIT
    return (ELLIPSIS if start else "") + piece + (ELLIPSIS if end < len(text) else "")


def _compact(value: Any) -> Any:
    """A value as it is, unless it is long: then its text (or JSON) cut to :data:`LIMIT`."""
    if isinstance(value, str):
        return value if len(value) <= LIMIT else value[:LIMIT] + ELLIPSIS
    if value is None or isinstance(value, bool | int | float):
        return value
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value if len(text) <= LIMIT else text[:LIMIT] + ELLIPSIS
