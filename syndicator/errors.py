"""Exceptions shared by every layer.

Each names what failed and, where one exists, the fix. The CLI turns
:class:`InputError` into exit code 2 and everything else under
:class:`SyndicatorError` into exit code 1, so library code never calls
``sys.exit`` or prints.
"""

from __future__ import annotations


class SyndicatorError(Exception):
    """Base class for every error the project raises on purpose."""


class InputError(SyndicatorError):
    """Bad input from a user: a file, a field, a config key.

    The message reads ``file:line: field: what is wrong`` so an editor can
    jump straight to the spot; parts that are unknown are left out.

    :param message: what is wrong, ideally with the fix.
    :param file: the file (or ``<stdin>``/``<request>``) the input came from.
    :param line: 1-based line number within ``file``.
    :param field: dotted path of the offending field, e.g. ``articles[2].title``.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.field = field

    def located(
        self, *, file: str | None = None, line: int | None = None, prefix: str | None = None
    ) -> InputError:
        """Return a copy with location filled in where it was unknown.

        Validation code deep inside the model knows the field but not the
        file; the importer knows the file and line. This joins the two
        without either knowing about the other.
        """
        field = self.field
        if prefix:
            field = (
                f"{prefix}.{field}"
                if field and not field.startswith("[")
                else (f"{prefix}{field}" if field else prefix)
            )
        return type(self)(
            self.message,
            file=self.file or file,
            line=self.line or line,
            field=field,
        )

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [p for p in (where, self.field, self.message) if p]
        return one_line(": ".join(parts))


def one_line(text: str) -> str:
    """``text`` with line breaks and other unprintable characters escaped as in Python.

    A field name or value quoted from a hostile file may hold a CR or a
    newline; the message stays one line, as every CLI error must.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class ConfigError(InputError):
    """The configuration file is unreadable, has an unknown key or a wrong type."""


class StoreError(SyndicatorError):
    """The store could not be reached or holds something unexpected.

    ``sqlstate`` is the database's error code when it gave one.
    :attr:`retryable` says the transaction was rolled back whole because a
    concurrent writer won (the same new id inserted twice: ``lost_race``;
    a serialization failure or a deadlock: the SQLSTATE), so running it
    again may well succeed, unlike an outage. :attr:`unreachable` says no
    connection could be opened at all (the database is down or away).
    """

    #: PostgreSQL's "serialization failure" and "deadlock detected".
    RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})

    sqlstate: str | None = None
    lost_race: bool = False
    unreachable: bool = False

    @property
    def retryable(self) -> bool:
        return self.lost_race or self.sqlstate in self.RETRYABLE_SQLSTATES


class ServeError(SyndicatorError):
    """The server cannot start (its address is taken)."""


class NotFoundError(SyndicatorError):
    """A named object (article, channel) does not exist."""
