"""The command line: exit codes, one-line errors, all-or-nothing imports."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from support.paths import DATA, SAMPLE_PAGE

from syndicator import store
from syndicator.cli import cli

COMMANDS = ["init", "import", "publish", "serve", "run", "wechat", "withdraw", "user", "audit"]


def _invoke(runner, config_file: Path, *args: str):
    return runner.invoke(cli, ["--config", str(config_file), *args], catch_exceptions=False)


def _store_digest(config_file: Path) -> str:
    """A digest of every row of every table: equal digests, equal stores."""
    from syndicator.config import load_config

    engine = store.create_store_engine(load_config(config_file).store_url)
    store.init_schema(engine)
    h = hashlib.sha256()
    with engine.connect() as conn:
        for table in store.metadata.sorted_tables:
            rows = conn.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
            h.update(repr(rows).encode())
    engine.dispose()
    return h.hexdigest()


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(runner, command: str) -> None:
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert "Usage:" in result.output


def test_init_creates_store_and_output(runner, config_file, tmp_path) -> None:
    result = _invoke(runner, config_file, "init")
    assert result.exit_code == 0
    assert (tmp_path / "store.db").exists()
    assert (tmp_path / "feeds").is_dir()


@pytest.mark.parametrize(
    "args",
    [
        ["init", "--config", "{cfg}"],
        ["init", "--config={cfg}", "-v"],
        ["--log-format", "json", "init", "--config", "{cfg}"],
        ["import", "--format", "json", "--config", "{cfg}", "{data}"],
        ["wechat", "check", "--config", "{cfg}", "{data}"],
    ],
)
def test_global_options_may_follow_the_command(runner, config_file, tmp_path, args) -> None:
    """``syndicator init --config x`` works like ``syndicator --config x init``."""
    filled = [a.format(cfg=config_file, data=DATA / "articles.json") for a in args]
    result = runner.invoke(cli, filled)
    assert "No such option" not in result.output, result.output
    if args[0] == "wechat":  # a JSON file is not a WeChat fragment: the checker says so
        assert result.exit_code == 1 and "WeChat rules broken" in result.output
    else:
        assert result.exit_code == 0, result.output
        assert (tmp_path / "store.db").exists()  # the config given after the command was used


def test_a_file_named_like_an_option_after_double_dash_stays_put(runner, config_file) -> None:
    result = runner.invoke(cli, ["--config", str(config_file), "import", "--", "--config"])
    assert result.exit_code == 2 and "--config" in result.output


def test_import_json_then_reimport_adds_nothing(runner, config_file) -> None:
    path = str(DATA / "articles.json")
    first = _invoke(runner, config_file, "import", path)
    assert first.exit_code == 0, first.output
    assert "3 new, 0 corrected, 0 unchanged" in first.output
    digest = _store_digest(config_file)
    second = _invoke(runner, config_file, "import", path)
    assert "0 new, 0 corrected, 3 unchanged" in second.output
    assert _store_digest(config_file) == digest


def test_import_dry_run_json_round_trips_and_writes_nothing(runner, config_file, tmp_path) -> None:
    _invoke(runner, config_file, "init")
    before = _store_digest(config_file)
    result = _invoke(
        runner, config_file, "import", "--dry-run", "--json", str(DATA / "articles.json")
    )
    assert result.exit_code == 0
    assert _store_digest(config_file) == before
    doc = json.loads(result.output)
    assert len(doc["articles"]) == 3
    assert "杭州湾" in result.output  # Chinese unescaped
    # What the dry run prints is valid input.
    again = tmp_path / "again.json"
    again.write_text(result.output, encoding="utf-8")
    imported = _invoke(runner, config_file, "import", str(again))
    assert imported.exit_code == 0, imported.output
    assert "3 new" in imported.output


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    good = json.loads((DATA / "articles.json").read_text(encoding="utf-8"))
    cases: dict[str, tuple[Path, str]] = {}

    def put(name: str, data: bytes | str, expect: str) -> None:
        path = tmp_path / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        cases[name] = (path, expect)

    put("empty.txt", b"", "empty")
    put("blank.txt", "\n\n  \n", "empty")
    put("binary.txt", bytes(range(256)) * 20, "binary")
    put("malformed.json", '[{"id": "a",\n "title": "x"\n', "malformed JSON")
    missing_title = [dict(good[1])]
    del missing_title[0]["title"]
    put("notitle.json", json.dumps(missing_title, ensure_ascii=False, indent=2), "title")
    naive = [dict(good[1], published_at="2021-09-01T06:00:00")]
    put("naive.json", json.dumps(naive, ensure_ascii=False, indent=2), "naive")
    return cases


@pytest.mark.parametrize(
    "name", ["empty.txt", "blank.txt", "binary.txt", "malformed.json", "notitle.json", "naive.json"]
)
def test_import_bad_input_exits_2_and_store_unchanged(runner, config_file, tmp_path, name) -> None:
    _invoke(runner, config_file, "import", str(DATA / "articles.json"))
    before = _store_digest(config_file)
    path, expect = _bad_inputs(tmp_path)[name]
    # The bad file comes after a good one: nothing of either may be written.
    fresh = tmp_path / "fresh.json"
    fresh.write_text(
        json.dumps([dict(json.loads((DATA / "articles.json").read_text())[0], id="fresh-1")]),
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["--config", str(config_file), "import", str(fresh), str(path)])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"Error: {path}")
    assert expect in lines[0]
    assert _store_digest(config_file) == before


def test_import_error_names_line_and_field(runner, config_file, tmp_path) -> None:
    path = _bad_inputs(tmp_path)["notitle.json"][0]
    result = runner.invoke(cli, ["--config", str(config_file), "import", str(path)])
    assert f"{path}:2: [0].title: required field is missing" in result.output
    path = _bad_inputs(tmp_path)["naive.json"][0]
    result = runner.invoke(cli, ["--config", str(config_file), "import", str(path)])
    text = path.read_text(encoding="utf-8").splitlines()
    line = next(i for i, t in enumerate(text, 1) if '"published_at"' in t)
    assert f"{path}:{line}: [0].published_at: naive" in result.output


def test_bad_config_exits_2_naming_key(runner, tmp_path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[server]\nport = "x"\n', encoding="utf-8")
    result = runner.invoke(cli, ["--config", str(path), "init"])
    assert result.exit_code == 2
    assert f"{path}:2: server.port: expected an integer" in result.output


def test_publish_prints_changes_then_nothing(runner, config_file, tmp_path) -> None:
    _invoke(runner, config_file, "import", str(DATA / "articles.json"))
    result = _invoke(runner, config_file, "publish", "--now", "2021-09-01T12:00:00+08:00")
    assert result.exit_code == 0
    assert "2 new, 0 corrected, 0 removed" in result.output
    assert "wrote all/rss.xml" in result.output
    again = _invoke(runner, config_file, "publish", "--now", "2021-09-01T12:01:00+08:00")
    assert "nothing new" in again.output
    naive = runner.invoke(
        cli, ["--config", str(config_file), "publish", "--now", "2021-09-01T12:00"]
    )
    assert naive.exit_code == 2


def test_withdraw_then_publish_removes(runner, config_file, tmp_path) -> None:
    _invoke(runner, config_file, "import", str(DATA / "articles.json"))
    _invoke(runner, config_file, "publish", "--now", "2021-09-01T12:00:00+08:00")
    result = _invoke(runner, config_file, "withdraw", "zjgrrb-20210901-01-01")
    assert result.exit_code == 0
    report = _invoke(runner, config_file, "publish", "--json", "--now", "2021-09-01T12:05:00+08:00")
    assert json.loads(report.output)["removed"] == ["zjgrrb-20210901-01-01"]
    missing = runner.invoke(cli, ["--config", str(config_file), "withdraw", "nope"])
    assert missing.exit_code == 2


def test_wechat_prints_html_or_payload(runner, config_file) -> None:
    _invoke(runner, config_file, "import", str(DATA / "articles.json"))
    html = _invoke(runner, config_file, "wechat", "zjgrrb-20210901-02-01")
    assert html.output.startswith("<section style=")
    payload = json.loads(
        _invoke(runner, config_file, "wechat", "zjgrrb-20210901-02-01", "--json").output
    )
    assert payload["title"] == "杭州湾新区一批重大项目集中开工"
    assert payload["content"] == html.output.rstrip("\n")
    missing = runner.invoke(cli, ["--config", str(config_file), "wechat", "nope"])
    assert missing.exit_code == 2


def test_import_sample_page_dry_run_writes_nothing(runner, config_file) -> None:
    _invoke(runner, config_file, "init")
    before = _store_digest(config_file)
    result = _invoke(
        runner, config_file, "import", "--dry-run", "--json", "--page", "1", str(SAMPLE_PAGE)
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["edition"]["date"] == "2021-08-30"
    assert len(doc["articles"]) == 8
    assert _store_digest(config_file) == before


def test_reimporting_a_page_keeps_a_withdrawn_article_out(runner, config_file) -> None:
    """``make run`` imports the demo page on every start; a withdrawal stays."""

    assert _invoke(runner, config_file, "import", "--page", "1", str(SAMPLE_PAGE)).exit_code == 0
    assert _invoke(runner, config_file, "withdraw", "zjgrrb-20210830-01-08").exit_code == 0
    again = _invoke(runner, config_file, "import", "--page", "1", str(SAMPLE_PAGE))
    assert "0 new, 0 corrected, 8 unchanged" in again.output
    dry = _invoke(runner, config_file, "publish", "--json")
    report = json.loads(dry.output)
    assert "zjgrrb-20210830-01-08" not in report["added"]


def test_a_json_import_saying_published_brings_a_withdrawn_article_back(
    runner, config_file, tmp_path
) -> None:
    article = json.loads((DATA / "articles.json").read_text(encoding="utf-8"))[0]
    path = tmp_path / "one.json"
    path.write_text(json.dumps(article, ensure_ascii=False), encoding="utf-8")
    assert _invoke(runner, config_file, "import", str(path)).exit_code == 0
    assert _invoke(runner, config_file, "withdraw", article["id"]).exit_code == 0
    assert (
        "0 new, 0 corrected, 1 unchanged"
        in _invoke(runner, config_file, "import", str(path)).output
    )
    path.write_text(json.dumps({**article, "status": "published"}, ensure_ascii=False), "utf-8")
    assert (
        "0 new, 1 corrected, 0 unchanged"
        in _invoke(runner, config_file, "import", str(path)).output
    )


def test_publish_warns_when_now_goes_back_before_the_last_pass(runner, config_file) -> None:
    assert _invoke(runner, config_file, "import", str(DATA / "articles.json")).exit_code == 0
    first = _invoke(runner, config_file, "publish", "--now", "2021-09-03T12:00:00+08:00")
    assert first.exit_code == 0 and "warning" not in first.stderr
    back = _invoke(runner, config_file, "publish", "--now", "2021-09-01T12:00:00+08:00")
    assert back.exit_code == 0
    assert "warning: --now is before the last pass's clock" in back.stderr
