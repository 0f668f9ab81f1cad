"""Themes of WeChat posts: the built-ins and the rules for overriding them.

A theme is a small table of colours and sizes. Two are built in, a neutral
one and one in the paper's red; ``[wechat.themes.NAME]`` tables in
config.toml override a built-in key by key, or define a new theme that
starts from ``base``. Values end up inside inline ``style`` attributes, so
they are checked strictly here, at load time, where an error can still
name the file and line: a colour is ``#rgb`` or ``#rrggbb`` (nothing that
could smuggle more CSS in), and text colours are never pure black, which
the WeChat editor drops.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import ConfigError


@dataclass(frozen=True)
class Theme:
    """Colours and sizes of a WeChat post (the defaults are the neutral theme)."""

    text: str = "#333333"  # body text
    title: str = "#222222"  # 主题
    accent: str = "#576b95"  # subheads, WeChat links, the quote bar
    muted: str = "#888888"  # 引题, 副题, captions, references, footer
    rule: str = "#e5e5e5"  # horizontal rules
    font_size: int = 16
    title_size: int = 22
    small_size: int = 14
    line_height: float = 1.75
    letter_spacing: float = 0.5


BUILTIN_THEMES: dict[str, Theme] = {
    "neutral": Theme(),
    "red": Theme(title="#b4161b", accent="#b4161b", rule="#e8b4b6"),
}

#: Keys whose value is used as a text ``color`` (so pure black is refused).
TEXT_COLOURS = ("text", "title", "accent", "muted")
_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")
_BLACK = {"#000", "#000000"}
_RANGES: dict[str, tuple[float, float]] = {
    "font_size": (12, 24),
    "title_size": (14, 36),
    "small_size": (10, 20),
    "line_height": (1.0, 3.0),
    "letter_spacing": (0.0, 5.0),
}


def resolve_themes(tables: Mapping[str, Any], where: str = "wechat.themes") -> dict[str, Theme]:
    """The built-in themes with the newsroom's tables applied.

    :param tables: ``{name: {key: value}}`` as read from TOML. A table named
        after a built-in overrides it; any other name starts from its
        ``base`` key (default ``neutral``).
    :raises ConfigError: naming ``wechat.themes.NAME.KEY``.
    """
    themes = dict(BUILTIN_THEMES)
    for name, table in tables.items():
        at = f"{where}.{name}"
        if not isinstance(table, Mapping):
            raise ConfigError("expected a table of colours and sizes", field=at)
        values = dict(table)
        base_name = values.pop("base", name if name in BUILTIN_THEMES else "neutral")
        if base_name not in BUILTIN_THEMES:
            raise ConfigError(
                f"unknown base theme {base_name!r} (use {' or '.join(BUILTIN_THEMES)})",
                field=f"{at}.base",
            )
        changes = {key: _check(key, value, f"{at}.{key}") for key, value in values.items()}
        themes[name] = dataclasses.replace(BUILTIN_THEMES[base_name], **changes)
    return themes


def _check(key: str, value: Any, at: str) -> Any:
    fields = {f.name: f.type for f in dataclasses.fields(Theme)}
    if key not in fields:
        known = ", ".join(["base", *fields])
        raise ConfigError(f"unknown key (known: {known})", field=at)
    default = getattr(Theme(), key)
    if isinstance(default, str):
        if not isinstance(value, str) or not _COLOUR.fullmatch(value):
            raise ConfigError(f'expected a colour such as "#333333", got {value!r}', field=at)
        if key in TEXT_COLOURS and value.lower() in _BLACK:
            raise ConfigError(
                "pure black text is dropped by the WeChat editor; use a dark grey such as #333333",
                field=at,
            )
        return value
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if not numeric or (isinstance(default, int) and not isinstance(value, int)):
        kind = "a whole number of pixels" if isinstance(default, int) else "a number"
        raise ConfigError(f"expected {kind}, got {value!r}", field=at)
    low, high = _RANGES[key]
    if not low <= value <= high:
        raise ConfigError(f"must be between {low:g} and {high:g}", field=at)
    return type(default)(value)
