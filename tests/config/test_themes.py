"""WeChat themes: two built in, overridden key by key from config.toml."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.paths import ROOT

from syndicator.config import config_from_dict, load_config
from syndicator.config.themes import BUILTIN_THEMES, Theme
from syndicator.errors import ConfigError


def test_builtin_themes_are_neutral_and_the_papers_red() -> None:
    assert set(BUILTIN_THEMES) == {"neutral", "red"}
    assert BUILTIN_THEMES["neutral"] == Theme()
    assert BUILTIN_THEMES["red"].title == "#b4161b"


def test_shipped_config_shows_each_builtin_theme_as_it_is() -> None:
    """The tables in config.toml document the defaults: they must not drift."""
    import tomllib

    tables = tomllib.loads((ROOT / "config.toml").read_text(encoding="utf-8"))["wechat"]["themes"]
    assert set(tables) == set(BUILTIN_THEMES)
    for name, table in tables.items():
        assert Theme(**table) == BUILTIN_THEMES[name], name
    assert load_config(ROOT / "config.toml").wechat.themes == BUILTIN_THEMES


def test_theme_override_changes_only_the_keys_given(tmp_path: Path) -> None:
    config = config_from_dict(
        {"wechat": {"theme": "red", "themes": {"red": {"accent": "#8a1014", "font_size": 17}}}},
        root=tmp_path,
    )
    theme = config.wechat.current_theme
    assert (theme.accent, theme.font_size) == ("#8a1014", 17)
    assert theme.title == BUILTIN_THEMES["red"].title
    assert config.wechat.themes["neutral"] == BUILTIN_THEMES["neutral"]


def test_new_theme_starts_from_its_base(tmp_path: Path) -> None:
    config = config_from_dict(
        {"wechat": {"theme": "night", "themes": {"night": {"base": "red", "text": "#444444"}}}},
        root=tmp_path,
    )
    assert config.wechat.current_theme == Theme(
        **{**BUILTIN_THEMES["red"].__dict__, "text": "#444444"}
    )


@pytest.mark.parametrize(
    ("toml", "field", "line", "words"),
    [
        ('[wechat]\ntheme = "blue"\n', "wechat.theme", 2, "unknown theme 'blue'"),
        ('[wechat.themes.red]\ntext = "#000000"\n', "wechat.themes.red.text", 2, "pure black"),
        ('[wechat.themes.red]\naccent = "red;position:absolute"\n', "accent", 2, "colour"),
        ('[wechat.themes.red]\ncolour = "#333"\n', "wechat.themes.red.colour", 2, "unknown key"),
        ("[wechat.themes.red]\nfont_size = 15.5\n", "font_size", 2, "whole number"),
        ("[wechat.themes.red]\nfont_size = 60\n", "font_size", 2, "between 12 and 24"),
        ('[wechat.themes.x]\nbase = "blue"\n', "wechat.themes.x.base", 2, "unknown base"),
        ('[wechat]\nthemes = "red"\n', "wechat.themes", 2, "expected a table"),
        ('[wechat]\napi_base = "ftp://x"\n', "wechat.api_base", 2, "http"),
    ],
)
def test_bad_theme_names_file_line_and_key(
    tmp_path: Path, toml: str, field: str, line: int, words: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert field in (info.value.field or "")
    assert info.value.line == line
    assert words in str(info.value)
