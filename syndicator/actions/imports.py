"""Importing from the desk: parse uploads, show what the import would do, then save it.

The browser import is a dry run first and a save second. :func:`parse_uploads`
reads the uploaded files (no temporary files), :func:`.import_preview.preview_import` tells
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

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import PurePosixPath

from sqlalchemy.engine import Connection, Engine

from .. import store
from ..errors import InputError
from ..ingest import (
    Format,
    ImportOptions,
    MissingFactError,
    ParsedFile,
    load_bytes,
)
from .articles import refuse_shared_ids, save_parsed


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
    # Every change waits for 这是更正 here (``check``), replacements too: the
    # preview flagged them and showed the difference, and the person said so.
    return save_parsed(engine, parsed, now=now, actor=actor, before_commit=check, replace=True)
