"""``syndicator config``: the effective values, where each came from, no secret printed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.tokens import API_TOKEN

from syndicator.cli import cli
from syndicator.config.sources import MASK, mask_url, mask_value

SECRETS = {
    "SYNDICATOR_API_TOKEN": API_TOKEN,
    "SYNDICATOR_WECHAT_SECRET": "wechat-app-secret-value",
    "SYNDICATOR_SECRET_KEY": "desk-cookie-signing-key",
    "SYNDICATOR_METRICS_TOKEN": "metrics-scrape-token-value",
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        '[site]\ntitle = "浙江工人日报"\n'
        "[server]\n"
        'host = "127.0.0.1"\n'
        "port = 9000\n"
        '[store]\nurl = "postgresql+psycopg://news:db-password-1@db.internal/news"\n'
        '[channels.local]\ntag = "杭州"\n',
        encoding="utf-8",
    )
    return path


def _run(site: Path, *args: str, **env: str):
    return CliRunner().invoke(cli, ["--config", str(site), "config", *args], env=env)


def test_config_json_gives_each_value_and_its_source(site: Path) -> None:
    result = _run(site, "--json", SYNDICATOR_SERVER_PORT="9001", **SECRETS)
    assert result.exit_code == 0, result.output
    assert "浙江工人日报" in result.output  # ensure_ascii=False
    data = json.loads(result.output)
    settings = data["settings"]
    assert data["file"] == str(site)
    assert settings["server.port"] == {"value": 9001, "source": "env SYNDICATOR_SERVER_PORT"}
    assert settings["server.host"] == {"value": "127.0.0.1", "source": f"{site}:4"}
    assert settings["server.threads"] == {"value": 2, "source": "default"}
    assert settings["channels.local.tag"] == {"value": "杭州", "source": f"{site}:9"}
    assert settings["channels.all.limit"] == {"value": None, "source": "default"}
    assert settings["store.url"]["value"] == f"postgresql+psycopg://news:{MASK}@db.internal/news"
    environment = data["environment"]
    assert environment["SYNDICATOR_API_TOKEN"]["value"] == f"{MASK} ({len(API_TOKEN)} characters)"
    assert environment["SYNDICATOR_WECHAT_APPID"] == {"value": "unset", "source": "-"}


def test_config_table_prints_no_secret(site: Path) -> None:
    result = _run(site, SYNDICATOR_STORE_URL="sqlite:///x.db?password=in-query-9", **SECRETS)
    assert result.exit_code == 0, result.output
    for secret in [*SECRETS.values(), "db-password-1", "in-query-9"]:
        assert secret not in result.output
    lines = result.output.splitlines()
    row = next(line for line in lines if line.startswith("store.url "))
    assert row.split() == [
        "store.url",
        "env",
        "SYNDICATOR_STORE_URL",
        f'"sqlite:///x.db?password={MASK}"',
    ]
    row = next(line for line in lines if line.startswith("server.port "))
    assert row.split() == ["server.port", f"{site}:5", "9000"]


def test_config_shows_a_refused_token_without_it(site: Path) -> None:
    result = _run(site, "--json", SYNDICATOR_API_TOKEN="short-token")
    assert result.exit_code == 0
    value = json.loads(result.output)["environment"]["SYNDICATOR_API_TOKEN"]["value"]
    assert value.startswith("refused: too short (11 characters)")
    assert "short-token" not in result.output


def test_config_with_a_bad_variable_is_one_line_and_exit_2(site: Path) -> None:
    result = _run(site, SYNDICATOR_SERVER_PORT="abc")
    assert result.exit_code == 2
    assert result.output == "Error: SYNDICATOR_SERVER_PORT: expected an integer, got text 'abc'\n"


def test_config_without_a_file_shows_defaults_and_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["config", "--json"], env={"PORT": "5000"})
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["file"] is None
    assert data["settings"]["server.port"] == {"value": 5000, "source": "env PORT"}


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("token", "abc", MASK),  # any key named like a secret, e.g. a later [metrics] token
        ("client_secret", "abc", MASK),
        ("token", "", ""),  # unset stays visibly unset
        ("url", "postgres://u:p@h/db", f"postgres://u:{MASK}@h/db"),
        ("url", "sqlite:///syndicator.db", "sqlite:///syndicator.db"),
        ("hubs", ("https://u:p@hub.example/",), [f"https://u:{MASK}@hub.example/"]),
        ("title", "浙江工人日报", "浙江工人日报"),
        ("port", 8080, 8080),
    ],
)
def test_mask_value_hides_secrets_by_name_and_in_urls(name: str, value, shown) -> None:
    assert mask_value(name, value) == shown


def test_mask_url_keeps_what_is_not_a_password() -> None:
    url = "postgresql+psycopg://u@h:5432/db?sslmode=require&sslpassword=x"
    assert mask_url(url) == f"postgresql+psycopg://u@h:5432/db?sslmode=require&sslpassword={MASK}"
