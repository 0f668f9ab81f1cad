"""``syndicator user`` and ``syndicator audit``, and the first admin ``init`` makes."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from support.paths import DATA
from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.actions import accounts
from syndicator.cli import cli
from syndicator.config import load_config

ARTICLE = "zjgrrb-20210901-02-01"
PASSWORD = "correct horse battery"
CREATED = re.compile(
    r"^created user admin with password (\S+) \(change it: syndicator user passwd admin\)$", re.M
)


def _invoke(runner, config_file: Path, *args: str, input: str | None = None):
    return runner.invoke(cli, ["--config", str(config_file), *args], input=input)


@pytest.fixture
def engine_of(config_file):
    """The store the commands write, for checking what they did."""
    engines = []

    def make():
        engine = store.create_store_engine(load_config(config_file).store_url)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.dispose()


def _login(engine, name: str, password: str) -> accounts.User:
    now = datetime.now(SHANGHAI)
    return accounts.authenticate(engine, name, password, address="127.0.0.1", now=now)


def test_init_prints_the_first_admins_password_once(runner, config_file, engine_of) -> None:
    first = _invoke(runner, config_file, "init")
    assert first.exit_code == 0, first.output
    [password] = CREATED.findall(first.output)
    assert _login(engine_of(), "admin", password).role == "admin"
    again = _invoke(runner, config_file, "init")
    assert again.exit_code == 0 and "password" not in again.output


def test_user_add_list_disable_enable_passwd(runner, config_file, engine_of) -> None:
    added = _invoke(
        runner, config_file, "user", "add", "wang.li", "--password-stdin", input=PASSWORD + "\n"
    )
    assert added.exit_code == 0, added.output
    assert added.output == "added user wang.li (editor)\n"
    _invoke(
        runner, config_file, "user", "add", "zhou", "--role", "admin", input=f"{PASSWORD}\n" * 2
    )
    listed = _invoke(runner, config_file, "user", "list")
    lines = listed.output.splitlines()
    assert lines[0].split() == ["name", "role", "status", "created"]
    assert lines[1].split()[:3] == ["wang.li", "editor", "active"]
    assert lines[2].split()[:3] == ["zhou", "admin", "active"]
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d$", lines[1])

    assert (
        _invoke(runner, config_file, "user", "disable", "wang.li").output == "wang.li: disabled\n"
    )
    rows = json.loads(_invoke(runner, config_file, "user", "list", "--json").output)
    assert [(r["name"], r["disabled"]) for r in rows] == [("wang.li", True), ("zhou", False)]
    assert "disabled" in _invoke(runner, config_file, "user", "list").output.splitlines()[1]
    assert _invoke(runner, config_file, "user", "enable", "wang.li").exit_code == 0

    engine = engine_of()
    stamp = _login(engine, "wang.li", PASSWORD).stamp
    changed = _invoke(
        runner,
        config_file,
        "user",
        "passwd",
        "wang.li",
        "--password-stdin",
        input="another passphrase\n",
    )
    assert changed.exit_code == 0 and changed.output == "wang.li: password changed\n"
    assert _login(engine, "wang.li", "another passphrase").stamp != stamp
    with engine.connect() as conn:
        entries = store.list_audit(conn)
    actors = {e.actor for e in entries if e.action.startswith("user-")}
    assert len(actors) == 1 and actors.pop().startswith("cli")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["user", "add", "wang", "--password-stdin"], "password: must be at least 10 characters"),
        (["user", "add", "Wang Li", "--password-stdin"], "name: must be 1-64 lowercase"),
        (["user", "disable", "nobody"], "no user named 'nobody'"),
        (["user", "passwd", "nobody", "--password-stdin"], "no user named 'nobody'"),
        (["audit", "nope"], "no article with id 'nope'"),
    ],
)
def test_bad_input_exits_2_in_one_line(runner, config_file, args, message) -> None:
    result = _invoke(runner, config_file, *args, input="short\n")
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_name_is_added_once(runner, config_file) -> None:
    args = ["user", "add", "wang", "--password-stdin"]
    assert _invoke(runner, config_file, *args, input=PASSWORD).exit_code == 0
    again = _invoke(runner, config_file, "user", "add", "wang", input=PASSWORD)
    assert again.exit_code == 2 and again.output == "Error: name: user 'wang' exists\n"


def test_audit_shows_a_withdrawal_with_its_reason(runner, config_file) -> None:
    _invoke(runner, config_file, "import", str(DATA / "articles.json"))
    done = _invoke(runner, config_file, "withdraw", ARTICLE, "--reason", "数据有误")
    assert done.exit_code == 0, done.output
    shown = _invoke(runner, config_file, "audit", ARTICLE)
    assert shown.exit_code == 0, shown.output
    newest, imported = shown.output.splitlines()
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d  cli(:\S+)?  withdraw  ", newest)
    assert f"  {ARTICLE}  数据有误  status: published → withdrawn" in newest
    assert "  import  " in imported and "title: 杭州湾新区一批重大项目集中开工" in imported
    entries = json.loads(_invoke(runner, config_file, "audit", "--json", "--limit", "1").output)
    assert [(e["action"], e["note"], e["after"]) for e in entries] == [
        ("withdraw", "数据有误", {"status": "withdrawn"})
    ]
    restored = _invoke(runner, config_file, "restore", ARTICLE)
    assert restored.exit_code == 0
    assert "status: withdrawn → published" in _invoke(runner, config_file, "audit").output


def test_audit_of_an_empty_store_says_so(runner, config_file) -> None:
    result = _invoke(runner, config_file, "audit")
    assert result.exit_code == 0 and result.output == "no audit entries\n"
