"""Twelve-factor config: every key from ``SYNDICATOR_<SECTION>_<KEY>``; the environment wins."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from syndicator.config import load_config, read_config
from syndicator.config.environment import RESERVED
from syndicator.config.settings import _SECTIONS
from syndicator.errors import ConfigError


def _as_text(value: Any) -> str:
    """A value as an operator would write it in a variable."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple | list):
        return ",".join(_as_text(v) for v in value)
    if isinstance(value, Mapping):
        return "{}"
    return str(value)


def test_every_key_of_every_section_is_read_from_its_variable() -> None:
    """Generic over the sections: a key added later is covered without a word here."""
    defaults = load_config(None, environ={})
    environ, expected = {}, {}
    for section, cls in _SECTIONS.items():
        for f in dataclasses.fields(cls):
            var = f"SYNDICATOR_{section.upper()}_{f.name.upper()}"
            written = getattr(cls(), f.name)
            environ[var] = _as_text(written)
            expected[f"{section}.{f.name}"] = (var, getattr(getattr(defaults, section), f.name))
    read = read_config(None, environ=environ)
    for dotted, (var, value) in expected.items():
        section, key = dotted.split(".")
        assert read.overrides.origins[dotted] == var
        assert getattr(getattr(read.config, section), key) == value, dotted


def test_each_type_is_read_from_text_and_wins_over_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[server]\nport = 9000\nhost = "0.0.0.0"\n[feeds]\nhubs = ["https://file.example/"]\n',
        encoding="utf-8",
    )
    config = load_config(
        path,
        environ={
            "SYNDICATOR_SERVER_PORT": "9001",
            "SYNDICATOR_STORE_BUSY_TIMEOUT": "2.5",
            "SYNDICATOR_SCHEDULER_ENABLED": "no",
            "SYNDICATOR_WECHAT_LONG_TITLES": "TRUE",
            "SYNDICATOR_FEEDS_HUBS": " https://a.example/ , https://b.example/ ",
            "SYNDICATOR_SITE_TITLE": "浙江工人日报 测试",
        },
    )
    assert config.server.port == 9001
    assert config.server.host == "0.0.0.0"  # the file's, where the environment says nothing
    assert config.store.busy_timeout == 2.5
    assert config.scheduler.enabled is False
    assert config.wechat.long_titles is True
    assert config.feeds.hubs == ("https://a.example/", "https://b.example/")
    assert config.site.title == "浙江工人日报 测试"


@pytest.mark.parametrize(
    ("text", "hubs"),
    [
        ("", ()),
        ("https://a.example/", ("https://a.example/",)),
        (
            '["https://a.example/?x=1,2", "https://b.example/"]',
            ("https://a.example/?x=1,2", "https://b.example/"),
        ),
    ],
    ids=["empty", "one", "toml-array"],
)
def test_a_list_is_comma_separated_or_a_toml_array(text: str, hubs: tuple) -> None:
    assert load_config(None, environ={"SYNDICATOR_FEEDS_HUBS": text}).feeds.hubs == hubs


def test_database_url_and_port_are_the_platform_names_and_yield_to_ours() -> None:
    platform = {"DATABASE_URL": "postgres://u@db.internal/news", "PORT": "5000"}
    config = load_config(None, environ=platform)
    assert config.store_url == "postgresql+psycopg://u@db.internal/news"
    assert config.server.port == 5000
    ours = {**platform, "SYNDICATOR_STORE_URL": "sqlite:///x.db", "SYNDICATOR_SERVER_PORT": "5001"}
    config = load_config(None, environ=ours)
    assert config.store.url == "sqlite:///x.db" and config.server.port == 5001
    assert load_config(None, environ={"PORT": "", "DATABASE_URL": ""}).server.port == 8080


def test_channels_are_made_or_changed_by_their_variables(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[channels.local_news]\ntag = "杭州"\nlimit = 10\n', encoding="utf-8")
    config = load_config(
        path,
        environ={
            "SYNDICATOR_CHANNELS_LOCAL_NEWS_LIMIT": "20",
            "SYNDICATOR_CHANNELS_SPORTS_SECTION": "体育",
            "SYNDICATOR_CHANNELS_ALL_TITLE": "全部稿件",
        },
    )
    local, sports, everything = (config.channel(n) for n in ("local_news", "sports", "all"))
    assert (local.tag, local.limit) == ("杭州", 20)
    assert sports is not None and sports.section == "体育"
    assert everything is not None and everything.title == "全部稿件"


@pytest.mark.parametrize(
    ("environ", "line"),
    [
        (
            {"SYNDICATOR_SERVER_PORT": "abc"},
            "SYNDICATOR_SERVER_PORT: expected an integer, got text 'abc'",
        ),
        ({"SYNDICATOR_SERVER_PORT": "99999"}, "SYNDICATOR_SERVER_PORT: must be at most 65535"),
        ({"PORT": "http"}, "PORT: expected an integer, got text 'http'"),
        (
            {"SYNDICATOR_SCHEDULER_ENABLED": "maybe"},
            "SYNDICATOR_SCHEDULER_ENABLED: expected true or false",
        ),
        ({"SYNDICATOR_SERVER_PROT": "8081"}, "SYNDICATOR_SERVER_PROT: no key 'prot' in [server]"),
        (
            {"SYNDICATOR_FEEDS_HUBS": "https://a.example/,ftp://b"},
            "SYNDICATOR_FEEDS_HUBS[1]: must start with",
        ),
        ({"SYNDICATOR_FEEDS_HUBS": "[1, 2"}, "SYNDICATOR_FEEDS_HUBS: not a TOML value"),
        ({"DATABASE_URL": "mysql://u@h/db"}, "DATABASE_URL: unsupported store 'mysql'"),
        ({"SYNDICATOR_SITE_TIMEZONE": "Mars/Base"}, "SYNDICATOR_SITE_TIMEZONE: unknown time zone"),
        (
            {"SYNDICATOR_CHANNELS_WECHAT_TITLE": "x"},
            "SYNDICATOR_CHANNELS_WECHAT_TITLE: 'wechat' is taken",
        ),
        (
            {"SYNDICATOR_CHANNELS_SPORTS_PAGE": "one"},
            "SYNDICATOR_CHANNELS_SPORTS_PAGE: expected an integer",
        ),
        (
            {"SYNDICATOR_WECHAT_THEMES": "{ red = { colour = 1 } }"},
            "SYNDICATOR_WECHAT_THEMES (wechat.themes.red.colour): unknown key",
        ),
        (
            {"SYNDICATOR_SERVER_PORT": "1\nthreads = 3"},
            "SYNDICATOR_SERVER_PORT: expected an integer, got text '1\\nthreads = 3'",
        ),
        (
            {"SYNDICATOR_CHANNELS_SPORTS": "x"},
            "SYNDICATOR_CHANNELS_SPORTS: expected SYNDICATOR_CHANNELS_<NAME>_<KEY>",
        ),
    ],
)
def test_a_bad_value_names_the_variable_not_the_file(tmp_path: Path, environ, line: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[server]\nport = 9000\n[feeds]\nhubs = []\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path, environ=environ)
    assert str(info.value).startswith(line)
    assert info.value.file is None and "\n" not in str(info.value)


def test_names_read_elsewhere_and_other_words_are_not_keys() -> None:
    """The API token, WeChat credentials, the desk's key, the log format and the
    test switches share the prefix; none is a key, none is an error."""
    environ = {name: "x" for name in RESERVED} | {"SYNDICATOR_NOT_A_SECTION_KEY": "1"}
    read = read_config(None, environ=environ)
    assert read.overrides.origins == {}
    assert read.config == load_config(None, environ={})


def test_the_file_still_names_its_line_beside_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[server]\nthreads = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path, environ={"SYNDICATOR_SERVER_PORT": "9001"})
    assert str(info.value) == f"{path}:2: server.threads: must be at least 1"


def test_load_config_reads_the_process_environment(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SYNDICATOR_SERVER_PORT", "9002")
    assert load_config(None).server.port == 9002


@dataclasses.dataclass(frozen=True)
class _LaterSection:
    """A section as another change might add one: numbers in a list, a switch."""

    buckets: tuple[float, ...] = (0.1, 1.0)
    access_log: bool = False


def test_a_section_added_later_is_read_by_its_item_types() -> None:
    from syndicator.config.environment import read_overrides
    from syndicator.config.settings import ChannelConfig

    environ = {
        "SYNDICATOR_LATER_BUCKETS": "0.05, 0.5,2",
        "SYNDICATOR_LATER_ACCESS_LOG": "on",
    }
    found = read_overrides(environ, {"later": _LaterSection}, ChannelConfig)
    assert found.data == {"later": {"buckets": [0.05, 0.5, 2], "access_log": True}}
    with pytest.raises(ConfigError, match="no key 'acess_log' in \\[later\\]"):
        read_overrides({"SYNDICATOR_LATER_ACESS_LOG": "1"}, {"later": _LaterSection}, ChannelConfig)
