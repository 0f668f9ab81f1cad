"""The import's dry run: what each article holds and what saving it would do.

For every article of the parsed files: its headings, first lines and
warnings, and its fate against the store (``new``, ``unchanged`` or
``changed``, with the difference field by field and a line diff of the
body), so a person can look before :func:`.imports.save_import` saves.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Engine

from .. import store
from ..ingest import Dropped, ImportWarning, Origin, ParsedFile
from ..model import Article, Block
from ..model.replacement import is_replacement

#: How many of an article's first blocks the preview shows, and how long each may be.
FIRST_LINES = 2
FIRST_LINE_CHARS = 120

#: The fields a correction may change, with the names the desk shows (in
#: the order it shows them); the body is compared as a line diff instead.
FIELD_LABELS: dict[str, str] = {
    "kicker": "引题",
    "title": "标题",
    "subtitle": "副题",
    "byline": "署名",
    "authors": "作者",
    "summary": "摘要",
    "section": "栏目",
    "tags": "标签",
    "edition": "出版日期",
    "page": "版次",
    "page_name": "版名",
    "seq": "版内顺序",
    "published_at": "发布时间",
    "status": "状态",
    "editor": "责任编辑",
    "paper": "报纸",
    "source_url": "原文链接",
}


@dataclass(frozen=True)
class FieldChange:
    """One field a correction changes, as the desk shows it."""

    field: str
    label: str
    before: str | None
    after: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "label": self.label,
            "before": self.before,
            "after": self.after,
        }


@dataclass(frozen=True)
class ArticlePreview:
    """One article of an import: what it holds, and what saving it would do.

    ``fate`` is ``new`` (not stored yet), ``unchanged`` (stored, the same)
    or ``changed`` (a correction of the stored article): then ``changes``
    lists the fields that differ and ``body_diff`` is a unified diff of
    the body's text, block by block (empty when only fields changed).
    """

    id: str
    page: int
    seq: int
    kicker: str | None
    title: str
    subtitle: str | None
    byline: str | None
    first_lines: tuple[str, ...]
    fate: store.Fate
    warnings: tuple[ImportWarning, ...] = ()
    lines: tuple[int, int] | None = None  # the article's first and last line in its file
    changes: tuple[FieldChange, ...] = ()
    body_diff: tuple[str, ...] = ()
    #: Title and text both replaced: another article under this id, most
    #: likely a wrong page number or date (:mod:`~syndicator.model.replacement`).
    replaced: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "page": self.page,
            "seq": self.seq,
            "kicker": self.kicker,
            "title": self.title,
            "subtitle": self.subtitle,
            "byline": self.byline,
            "first_lines": list(self.first_lines),
            "fate": self.fate,
            "warnings": [w.to_dict() for w in self.warnings],
            "lines": list(self.lines) if self.lines else None,
        }
        if self.fate == "changed":
            out["changes"] = [c.to_dict() for c in self.changes]
            out["body_diff"] = list(self.body_diff)
            out["replaced"] = self.replaced
        return out


@dataclass(frozen=True)
class FilePreview:
    """One file of an import: its page facts and where they came from, its articles.

    ``warnings`` are the ones about no single article (an article's own
    are on it); ``dropped`` are the lines set aside, with their reasons.
    """

    source: str
    edition: date | None
    page: int | None
    origins: Mapping[str, Origin]
    articles: tuple[ArticlePreview, ...]
    dropped: tuple[Dropped, ...] = ()
    warnings: tuple[ImportWarning, ...] = ()
    #: ASCII marks beside Chinese made full-width (e-paper pages only).
    punctuation: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "punctuation": self.punctuation,
            "edition": self.edition.isoformat() if self.edition else None,
            "page": self.page,
            "origins": dict(self.origins),
            "articles": [a.to_dict() for a in self.articles],
            "dropped": [d.to_dict() for d in self.dropped],
            "warnings": [w.to_dict() for w in self.warnings],
        }


@dataclass(frozen=True)
class ImportPreview:
    """What an import would do, file by file: the desk's dry run."""

    files: tuple[FilePreview, ...] = field(default_factory=tuple)

    @property
    def articles(self) -> list[ArticlePreview]:
        return [a for f in self.files for a in f.articles]

    @property
    def corrections(self) -> list[str]:
        """Ids of the stored articles the import would change."""
        return [a.id for a in self.articles if a.fate == "changed"]

    @property
    def needs_confirmation(self) -> bool:
        """Would the import change stored articles? Then a person must say it is a correction."""
        return bool(self.corrections)

    def counts(self) -> dict[str, int]:
        out = {"new": 0, "changed": 0, "unchanged": 0}
        for a in self.articles:
            out[a.fate] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types only, Chinese kept as it is (``ensure_ascii=False``)."""
        return {
            "files": [f.to_dict() for f in self.files],
            "counts": self.counts(),
            "needs_confirmation": self.needs_confirmation,
        }


def preview_import(engine: Engine, parsed: Sequence[ParsedFile]) -> ImportPreview:
    """Tell for every parsed article what saving it would do; write nothing.

    The fate comes from the same rule the save applies
    (:func:`store.fate_of`): a withdrawn article stays withdrawn unless
    its input states its status.

    :raises StoreError: when the store cannot be read.
    """
    ids = [a.id for p in parsed for a in p.articles]
    with engine.connect() as conn:
        stored = store.get_articles(conn, ids)
    return ImportPreview(tuple(_file_preview(p, stored) for p in parsed))


def _file_preview(parsed: ParsedFile, stored: Mapping[str, store.StoredArticle]) -> FilePreview:
    previews = []
    placed: set[int] = set()
    for article in parsed.articles:
        lines = _lines_of(article)
        own = tuple(
            w
            for w in parsed.warnings
            if lines is not None and w.line is not None and lines[0] <= w.line <= lines[1]
        )
        placed.update(id(w) for w in own)
        previews.append(_article_preview(article, stored.get(article.id), parsed.stated, own))
    edition = parsed.edition.date if parsed.edition else None
    if edition is None and parsed.articles:
        days = {a.edition for a in parsed.articles}
        edition = days.pop() if len(days) == 1 else None
    return FilePreview(
        source=parsed.source,
        edition=edition,
        page=parsed.page,
        origins=dict(parsed.origins),
        articles=tuple(previews),
        dropped=tuple(parsed.dropped),
        warnings=tuple(w for w in parsed.warnings if id(w) not in placed),
        punctuation=parsed.punctuation,
    )


def _lines_of(article: Article) -> tuple[int, int] | None:
    """The first and last input line of an e-paper article (JSON ones have none)."""
    lines = article.extra.get("lines")
    if (
        isinstance(lines, list | tuple)
        and len(lines) == 2
        and all(isinstance(n, int) for n in lines)
    ):
        return lines[0], lines[1]
    return None


def _article_preview(
    article: Article,
    stored: store.StoredArticle | None,
    stated: frozenset[str],
    warnings: tuple[ImportWarning, ...],
) -> ArticlePreview:
    before = (stored.content_hash, stored.status) if stored else None
    fate, saved = store.fate_of(article, article.content_hash(), before, stated)
    changes: tuple[FieldChange, ...] = ()
    body_diff: tuple[str, ...] = ()
    replaced = False
    if fate == "changed" and stored is not None:
        old = stored.article.replace(status=stored.status)
        replaced = is_replacement(old, saved)
        changes = field_changes(old, saved)
        body_diff = body_difference(old, saved)
        if not changes and not body_diff:
            changes = (FieldChange("body", "正文", "（格式、链接或图片地址）", "有改动"),)
    return ArticlePreview(
        id=article.id,
        page=article.page,
        seq=article.seq,
        kicker=article.kicker,
        title=article.title,
        subtitle=article.subtitle,
        byline=article.byline,
        first_lines=first_lines(article),
        fate=fate,
        warnings=warnings,
        lines=_lines_of(article),
        changes=changes,
        body_diff=body_diff,
        replaced=replaced,
    )


def first_lines(
    article: Article, count: int = FIRST_LINES, limit: int = FIRST_LINE_CHARS
) -> tuple[str, ...]:
    """The text of the article's first blocks (a caption for photo news), each cut to ``limit``."""
    out = []
    for block in article.body:
        text = " ".join(block.plain.split())
        if not text:
            continue
        out.append(text if len(text) <= limit else text[: limit - 1] + "…")
        if len(out) == count:
            break
    return tuple(out)


def field_changes(before: Article, after: Article) -> tuple[FieldChange, ...]:
    """The fields of :data:`FIELD_LABELS` that differ, as text (``None`` where empty)."""
    out = []
    for name, label in FIELD_LABELS.items():
        old, new = _shown(getattr(before, name)), _shown(getattr(after, name))
        if old != new:
            out.append(FieldChange(name, label, old, new))
    return tuple(out)


def _shown(value: Any) -> str | None:
    if value is None or value == ():
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple):
        return "、".join(_shown_item(v) for v in value)
    return str(value)


def _shown_item(value: Any) -> str:
    role = getattr(value, "role", None)
    name = getattr(value, "name", None)
    if name is not None:  # an Author
        return f"{role} {name}" if role else str(name)
    return str(value)


def body_difference(before: Article, after: Article) -> tuple[str, ...]:
    """A unified diff of the two bodies' text, one line per block (``[]`` if equal)."""
    diff = difflib.unified_diff(
        _body_lines(before), _body_lines(after), "before", "after", n=1, lineterm=""
    )
    return tuple(diff)


def _body_lines(article: Article) -> list[str]:
    return [_block_line(b) for b in article.body]


def _block_line(block: Block) -> str:
    text = " ".join(block.plain.split())
    if block.type == "image":
        return f"[图片] {text} {block.src or ''}".rstrip()
    if block.type == "subhead":
        return f"【{text}】"
    return text
