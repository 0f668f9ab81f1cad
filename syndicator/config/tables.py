"""Frozen dataclasses from TOML tables, with errors that name key and line.

Generic: :mod:`.config` declares the sections and their checks; this
module only turns a parsed table into a dataclass of the declared types,
and finds the line of a dotted key in the TOML text, so that a bad value
is reported where it was written.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Mapping
from typing import Any

from ..errors import ConfigError


def build(cls: type, values: Mapping[str, Any], where: str, skip: tuple[str, ...] = ()) -> Any:
    """An instance of the dataclass ``cls`` from a TOML table at ``where``.

    Every key must be a field and every value of the field's type (an int
    is taken for a float, a bool never for an int); ``skip`` names fields
    passed through as they are.

    :raises ConfigError: naming the dotted key (``feeds.limit``).
    """
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    kwargs = {}
    for key, value in values.items():
        dotted = f"{where}.{key}"
        if key not in known:
            raise ConfigError(
                f"unknown key (known: {', '.join(sorted(known - set(skip)))})", field=dotted
            )
        kwargs[key] = _coerce(value, hints[key], dotted) if key not in skip else value
    return cls(**kwargs)


_TYPE_NAMES = {str: "text", int: "an integer", bool: "true or false", float: "a number"}


def _coerce(value: Any, hint: Any, dotted: str) -> Any:
    origin = typing.get_origin(hint)
    if origin is Mapping:  # a table of tables, checked by whoever resolves it
        if not isinstance(value, Mapping):
            raise ConfigError(f"expected a table, got {_describe(value)}", field=dotted)
        return dict(value)
    if origin in (types.UnionType, typing.Union):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return _coerce(value, args[0], dotted)
    if origin is tuple:
        (item,) = {a for a in typing.get_args(hint) if a is not Ellipsis}
        if not isinstance(value, list):
            raise ConfigError(f"expected a list, got {_describe(value)}", field=dotted)
        return tuple(_coerce(v, item, f"{dotted}[{i}]") for i, v in enumerate(value))
    ok = isinstance(value, hint) and not (hint is int and isinstance(value, bool))
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not ok:
        raise ConfigError(
            f"expected {_TYPE_NAMES.get(hint, hint.__name__)}, got {_describe(value)}", field=dotted
        )
    return value


def _describe(value: Any) -> str:
    kind = {
        str: "text",
        int: "an integer",
        bool: "a boolean",
        float: "a number",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)
    return f"{kind} {value!r}" if not isinstance(value, dict | list) else kind


def toml_error_line(message: str) -> int | None:
    """The line number in a :class:`tomllib.TOMLDecodeError` message."""
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def find_key_line(text: str, dotted: str | None) -> int | None:
    """Best-effort line of ``section.key`` in TOML text, for error messages."""
    if not dotted:
        return None
    parts = re.sub(r"\[\d+\]$", "", dotted).split(".")
    table, key = parts[:-1], parts[-1]
    current: list[str] = []
    header = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
    assign = re.compile(r"^\s*([A-Za-z0-9_\-\"]+)\s*=")
    table_line = None
    for number, line in enumerate(text.splitlines(), start=1):
        m = header.match(line)
        if m:
            current = [p.strip().strip('"') for p in m.group(1).split(".")]
            if current == parts:
                table_line = number
            continue
        m = assign.match(line)
        if m and current == table and m.group(1).strip('"') == key:
            return number
    return table_line
