"""What every importer takes and returns: options in, a :class:`ParsedFile` out.

A module of its own so the importers and the package's dispatcher can all
import it without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from typing import Any, Literal
from zoneinfo import ZoneInfo

from ..model import Article, Edition

Format = Literal["auto", "epaper", "json"]


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "edition": self.edition.to_dict() if self.edition else None,
            "articles": [a.to_dict() for a in self.articles],
            "dropped": [d.to_dict() for d in self.dropped],
            "warnings": [w.to_dict() for w in self.warnings],
        }


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
