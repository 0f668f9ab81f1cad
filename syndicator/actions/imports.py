"""Importing from the desk: parse uploads, show what the import would do, then save it.

The browser import is a dry run first and a save second. :func:`parse_uploads`
reads the uploaded files (no temporary files), :func:`preview_import` tells
for every article what it holds and what saving it would do to the store
(``new``, ``unchanged`` or ``changed``, with the difference field by field
and a line diff of the body), and :func:`save_import` saves it as
:func:`~.articles.save_parsed` does, refusing to change stored articles
unless the person said this is a correction.

A page that prints no page number or date is refused with a
:class:`~syndicator.ingest.MissingFactError` naming the facts to ask for;
the desk asks, then parses again with them in the options of that file.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Any

from sqlalchemy.engine import Connection, Engine

from .. import store
from ..errors import InputError
from ..ingest import (
    Dropped,
    Format,
    ImportOptions,
    ImportWarning,
    MissingFactError,
    Origin,
    ParsedFile,
    load_bytes,
)
from ..model import Article, Block
from .articles import refuse_shared_ids, save_parsed

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


class CorrectionRequired(InputError):
    """Saving would change articles already stored, and nobody said it is a correction.

    :param ids: the articles that would change.
    """

    def __init__(self, ids: Sequence[str], *, file: str | None = None) -> None:
        shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
        count = f"{len(ids)} article{'' if len(ids) == 1 else 's'}"
        super().__init__(
            f"the import would change {count} already stored ({shown}): "
            "confirm that it is a correction",
            file=file,
        )
        self.ids = tuple(ids)

    def located(
        self, *, file: str | None = None, line: int | None = None, prefix: str | None = None
    ) -> CorrectionRequired:
        return CorrectionRequired(self.ids, file=self.file or file)


# -- parsing uploads ---------------------------------------------------------------


def parse_uploads(
    files: Sequence[tuple[str, bytes]],
    options: ImportOptions,
    fmt: Format = "auto",
    *,
    options_by_file: Mapping[str, ImportOptions] | None = None,
) -> list[ParsedFile]:
    """Parse uploaded files, each a (file name, content) pair, before anything is saved.

    Every file is parsed even when one lacks its page number or date, so
    that one :class:`MissingFactError` names them all (``files``) and the
    desk asks for everything at once.

    :param options: how to import (from :func:`.articles.import_options`).
    :param options_by_file: options for particular files, by their name:
        what a person stated for that page (``replace(options, page=2)``).
    :raises MissingFactError: pages print no page number or date and
        nobody stated it; ``files`` maps each such file to what it lacks.
    :raises InputError: naming the uploaded file (and line, field) of the
        first other problem; or two uploads of one name or of one article.
    """
    if not files:
        raise InputError("no file uploaded")
    chosen = options_by_file or {}
    names = [upload_name(name) for name, _ in files]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise InputError("two uploaded files have this name: rename one", file=name)
    parsed: list[ParsedFile] = []
    lacking: list[MissingFactError] = []
    for name, (_, data) in zip(names, files, strict=True):
        try:
            parsed.append(load_bytes(data, name, chosen.get(name, options), fmt))
        except MissingFactError as exc:
            lacking.append(exc)
    if lacking:
        first = lacking[0]
        raise MissingFactError(
            first.message,
            file=first.file,
            missing=first.missing,
            files={name: facts for exc in lacking for name, facts in exc.files.items()},
        )
    refuse_shared_ids(parsed)
    return parsed


def upload_name(name: str) -> str:
    """The file's own name: browsers may send a path ("C:\\fakepath\\p1.txt")."""
    base = PurePosixPath(name.replace("\\", "/")).name.strip()
    return base or "upload"


# -- the preview ---------------------------------------------------------------------


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
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
    if fate == "changed" and stored is not None:
        old = stored.article.replace(status=stored.status)
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


# -- the save --------------------------------------------------------------------------


def save_import(
    engine: Engine,
    parsed: Sequence[ParsedFile],
    *,
    now: datetime,
    actor: str,
    correction: bool,
) -> list[tuple[str, store.SaveReport]]:
    """Save a previewed import: all files in one transaction, or nothing.

    The check and the save are one transaction, so an article another
    person saved since the preview is not corrected unasked either.

    :param actor: who imports (the desk's user): what the audit trail records.
    :param correction: the person confirmed that changing stored articles
        is a correction; without it such an import is refused.
    :raises CorrectionRequired: it would change stored articles and
        ``correction`` is false; nothing is saved.
    :raises StoreError: when the store is down, locked or keeps losing.
    """

    def check(conn: Connection, reports: list[tuple[str, store.SaveReport]]) -> None:
        changed = [i for _, report in reports for i in report.changed]
        if changed and not correction:
            first = next(src for src, report in reports if report.changed)
            raise CorrectionRequired(changed, file=first)

    # save_parsed audits every new and corrected article, in the same transaction.
    return save_parsed(engine, parsed, now=now, actor=actor, before_commit=check)
