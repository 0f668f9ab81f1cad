"""What every importer takes and returns: options in, a :class:`ParsedFile` out.

A module of its own so the importers and the package's dispatcher can all
import it without importing each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any, Literal
from zoneinfo import ZoneInfo

from ..errors import InputError
from ..model import Article, Edition

Format = Literal["auto", "epaper", "json"]

#: Where a page's number or edition date came from: ``printed`` in the file
#: (第N版, the masthead's date), ``stated`` by a person (``--page``/``--edition``,
#: the fields of a JSON article) or ``defaulted`` (a JSON article without a
#: ``page`` is on page 1). An e-paper page never defaults either: its
#: articles' ids are made of both, so a guess would overwrite another page.
Origin = Literal["printed", "stated", "named", "defaulted"]

#: The facts of a page that a person may have to give: ``--edition``, ``--page``.
FACTS: tuple[str, ...] = ("edition", "page")


@dataclass(frozen=True)
class Dropped:
    """A non-blank input line that is deliberately not part of any article."""

    line: int
    text: str
    reason: str  # "masthead", "page label", "chrome", "footer", ...

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "text": self.text, "reason": self.reason}


@dataclass(frozen=True)
class ImportWarning:
    """Something the importer was unsure of, with where it was."""

    line: int | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "message": self.message}


@dataclass
class ParsedFile:
    """What one input file holds."""

    source: str
    edition: Edition | None = None
    articles: list[Article] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    warnings: list[ImportWarning] = field(default_factory=list)
    #: Articles whose input names their ``status`` (JSON): only those may
    #: bring a withdrawn article back (see ``store.save_articles``).
    stated: frozenset[str] = frozenset()
    #: The page all the file's articles are on (an e-paper page always has
    #: one; a JSON file only when every article names the same page).
    page: int | None = None
    #: Where ``"edition"`` (the date) and ``"page"`` came from, so that a
    #: dry run can show it and nobody mistakes a default for a printed fact.
    origins: Mapping[str, Origin] = field(default_factory=dict)
    #: ASCII marks beside Chinese made full-width (e-paper pages; ``None``: not applied).
    punctuation: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "source": self.source,
            "edition": self.edition.to_dict() if self.edition else None,
            "articles": [a.to_dict() for a in self.articles],
            "dropped": [d.to_dict() for d in self.dropped],
            "warnings": [w.to_dict() for w in self.warnings],
        }
        if self.page is not None:
            out["page"] = self.page
        if self.origins:
            out["origins"] = dict(self.origins)
        if self.punctuation is not None:
            out["punctuation"] = self.punctuation
        return out


class MissingFactError(InputError):
    """A page lacks a fact that only a person can give: its page number or its date.

    The CLI prints it as one line naming the option to pass; the desk reads
    :attr:`missing` to ask for exactly those facts in a form, and parses
    again with them in :class:`ImportOptions` (``page=``, ``edition=``).

    :param missing: the facts the page lacks, of :data:`FACTS`, in that order.
    :param files: every file lacking facts, with the facts each lacks, when
        several files were parsed together (at least this error's own).
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
        missing: tuple[str, ...] = (),
        files: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        missing = missing or ((field,) if field else ())
        if field is None and len(missing) == 1:
            field = missing[0]  # one fact: the API names it; the message names several
        super().__init__(message, file=file, line=line, field=field)
        self.missing = missing
        self.files: dict[str, tuple[str, ...]] = dict(files or {})
        if file is not None:
            self.files.setdefault(file, missing)

    def located(
        self, *, file: str | None = None, line: int | None = None, prefix: str | None = None
    ) -> MissingFactError:
        moved = super().located(file=file, line=line, prefix=prefix)
        return MissingFactError(
            moved.message,
            file=moved.file,
            line=moved.line,
            field=moved.field,
            missing=self.missing,
            files=self.files,
        )


@dataclass(frozen=True)
class ImportOptions:
    """Settings an importer needs from the configuration and the command line."""

    paper_id: str = "zjgrrb"
    paper_name: str = "浙江工人日报"
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    publish_time: time = time(6, 0)
    edition: date | None = None
    page: int | None = None
    encoding: str | None = None  # None or "auto": detect
    #: A page's number from its file name, when the page prints none (the
    #: first group that matches is the number); ``None`` or "": never.
    page_pattern: str | None = None
    #: The paper's own 版名 besides the common ones (:data:`.pagenames.PAGE_NAMES`).
    page_names: tuple[str, ...] = ()
    #: E-paper text: ASCII ``, : ; ? ! ( )`` beside Chinese become full-width.
    fullwidth_punctuation: bool = True
