from __future__ import annotations

from pathlib import Path

import pytest
from support.paths import ROOT

from syndicator.config import Config, find_config_path, load_config
from syndicator.errors import ConfigError


def test_load_config_minimal_file_gets_every_default(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[store]\nurl = "sqlite:///data/s.db"\n[output]\ndir = "out"\n'
        '[server]\nhost = "127.0.0.1"\nport = 9000\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.server.port == 9000
    assert config.scheduler.interval == 60
    assert config.site.timezone == "Asia/Shanghai"
    # Relative paths are anchored at the config file, not the working directory.
    assert config.store_url == f"sqlite:///{tmp_path / 'data' / 's.db'}"
    assert config.output_dir == tmp_path / "out"
    assert config.media_dir == tmp_path / "media"
    assert [c.name for c in config.channels] == ["all"]
    assert config.channels[0].title == "浙江工人日报"


def test_load_config_shipped_file_is_valid() -> None:
    config = load_config(ROOT / "config.toml")
    assert config.channel("all") is not None
    assert config.wechat.theme in ("neutral", "red")


@pytest.mark.parametrize(
    ("text", "field", "line"),
    [
        ('[server]\nhots = "x"\n', "server.hots", 2),
        ('[server]\nhost = "a"\nport = "eighty"\n', "server.port", 3),
        ("[scheduler]\nenabled = 1\n", "scheduler.enabled", 2),
        ("[nope]\nx = 1\n", "nope", 1),
        ('[feeds]\nhubs = "http://hub"\n', "feeds.hubs", 2),
        ('[channels.all]\ntitle = "x"\nlimt = 3\n', "channels.all.limt", 3),
        ('[site]\ntimezone = "Mars/Base"\n', "site.timezone", 2),
        ("[server]\nport = 99999\n", "server.port", 2),
        ('[channels.wechat]\ntitle = "x"\n', "channels.wechat", 1),
        ('[store]\nurl = "mysql://u@h/db"\n', "store.url", 2),
        ('[server]\nhost = "a"\nthreads = 0\n', "server.threads", 3),
        ('[output]\ndir = "out"\n[media]\ndir = "out/media"\n', "media.dir", 4),
    ],
)
def test_load_config_bad_key_names_key_and_line(
    tmp_path: Path, text: str, field: str, line: int
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.field == field
    assert info.value.line == line
    assert str(info.value).startswith(f"{path}:{line}: {field}: ")


def test_media_dir_may_not_hold_the_output_dir(tmp_path: Path) -> None:
    """The publish pass deletes files in its output dir: never among the photos."""
    path = tmp_path / "config.toml"
    path.write_text('[output]\ndir = "media/feeds"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="must not contain each other") as info:
        load_config(path)
    assert info.value.field == "media.dir"
    path.write_text('[output]\ndir = "out"\n[media]\ndir = "/srv/photos"\n', encoding="utf-8")
    assert load_config(path).media_dir == Path("/srv/photos")


def test_load_config_invalid_toml_names_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[server]\nport = = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.line == 2


def test_load_config_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "absent.toml")


def test_find_config_path_prefers_flag_then_env(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert find_config_path(None) is None  # no ./config.toml: all defaults
    monkeypatch.setenv("SYNDICATOR_CONFIG", "/etc/syndicator.toml")
    assert find_config_path(None) == Path("/etc/syndicator.toml")
    assert find_config_path("mine.toml") == Path("mine.toml")


def test_channel_matches_every_filter_given(articles, make_config, tmp_path: Path) -> None:

    config = make_config(
        tmp_path, channels={"economy": {"section": "经济", "tag": "杭州湾"}, "p1": {"page": 1}}
    )
    assert isinstance(config, Config)
    economy = config.channel("economy")
    p1 = config.channel("p1")
    assert [a.id for a in articles if economy.matches(a)] == ["zjgrrb-20210901-02-01"]
    assert [a.id for a in articles if p1.matches(a)] == [
        "zjgrrb-20210901-01-01",
        "zjgrrb-20210902-01-01",
    ]


@pytest.mark.parametrize("given", ["postgres://u@h/db", "postgresql://u@h/db"])
def test_bare_postgres_urls_mean_psycopg3(tmp_path: Path, given: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'[store]\nurl = "{given}"\n', encoding="utf-8")
    assert load_config(path).store_url == "postgresql+psycopg://u@h/db"
