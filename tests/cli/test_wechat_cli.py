"""`syndicator wechat`: show (the default), check any HTML, and the README."""

from __future__ import annotations

import json

import click
import pytest
from support.paths import DATA, ROOT

from syndicator.cli import cli

ARTICLE = "zjgrrb-20210901-02-01"


def _run(runner, config_file, *args: str, **kwargs):
    return runner.invoke(cli, ["--config", str(config_file), *args], **kwargs)


@pytest.fixture
def imported(runner, config_file):
    assert _run(runner, config_file, "import", str(DATA / "articles.json")).exit_code == 0
    return config_file


@pytest.mark.parametrize("prefix", [(), ("show",)])
def test_wechat_show_is_the_default_subcommand(runner, imported, prefix) -> None:
    html = _run(runner, imported, "wechat", *prefix, ARTICLE)
    assert html.exit_code == 0 and html.output.startswith("<section style=")
    as_json = _run(runner, imported, "wechat", *prefix, "--json", ARTICLE)
    payload = json.loads(as_json.output)
    assert payload["content"] == html.output.rstrip("\n")
    assert "\\u" not in as_json.output


def test_wechat_show_json_over_a_limit_exits_2_with_one_line(runner, imported, tmp_path) -> None:
    article = json.loads((DATA / "articles.json").read_text(encoding="utf-8"))[0]
    article["title"] = "标题" * 20
    path = tmp_path / "long.json"
    path.write_text(json.dumps(article, ensure_ascii=False), encoding="utf-8")
    assert _run(runner, imported, "import", str(path)).exit_code == 0
    result = _run(runner, imported, "wechat", ARTICLE, "--json")
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert f"{ARTICLE}: not ready for WeChat: title is 40 characters" in result.output
    assert "标题" * 20 in result.output
    assert _run(runner, imported, "wechat", ARTICLE).exit_code == 0  # the HTML is fine


def test_wechat_show_warns_about_a_withdrawn_article(runner, imported) -> None:
    assert _run(runner, imported, "withdraw", ARTICLE).exit_code == 0
    result = _run(runner, imported, "wechat", ARTICLE)
    assert result.exit_code == 0 and result.stdout.startswith("<section style=")
    assert f"warning: {ARTICLE} is withdrawn" in result.stderr


def test_wechat_show_unknown_article_exits_2(runner, imported) -> None:
    result = _run(runner, imported, "wechat", "nope")
    assert result.exit_code == 2 and "no article with id 'nope'" in result.output


def test_wechat_check_passes_the_renderers_output(runner, imported, tmp_path) -> None:
    post = tmp_path / "post.html"
    post.write_text(_run(runner, imported, "wechat", ARTICLE).output, encoding="utf-8")
    result = _run(runner, imported, "wechat", "check", str(post))
    assert result.exit_code == 0 and result.output.endswith("ready for WeChat\n")


def test_wechat_check_passes_a_table_and_refuses_table_parts_the_editor_drops(
    runner, imported, tmp_path
) -> None:
    assert _run(runner, imported, "import", str(DATA / "table.json")).exit_code == 0
    html = _run(runner, imported, "wechat", "zjgrrb-20210901-03-02").output
    assert html.count("<td ") == 6 and html.count("<th ") == 3
    post = tmp_path / "post.html"
    post.write_text(html, encoding="utf-8")
    assert _run(runner, imported, "wechat", "check", str(post)).exit_code == 0
    stripped = html.replace("<thead>", "<thead><caption>表</caption>", 1)
    result = _run(runner, imported, "wechat", "check", input=stripped.replace("<tr>", "", 1))
    assert result.exit_code == 1
    assert "tag: <caption>: the WeChat editor does not keep it" in result.output
    assert "structure: <th> directly inside <thead>: only <tr>" in result.output


def test_wechat_check_lists_every_problem_of_any_html(runner, config_file) -> None:
    bad = '<div class="x"><p>hi <a href="https://example.com">x</a></p></div>'
    result = _run(runner, config_file, "wechat", "check", input=bad)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[-1] == "Error: 5 WeChat rules broken"
    rules = [line.split(": ")[1] for line in lines[:-1]]
    assert rules == ["structure", "tag", "attribute", "colour", "link"]
    assert all(line.startswith("<stdin>:1:") for line in lines[:-1])


def _walk(command: click.Command, path: str):
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _walk(sub, f"{path} {name}")


def test_wechat_subcommands_and_options_are_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = []
    for path, command in _walk(cli.commands["wechat"], "syndicator wechat"):
        if path not in readme:
            missing.append(path)
        for param in command.params:
            missing.extend(
                f"{path} {opt}"
                for opt in getattr(param, "opts", [])
                if opt.startswith("--") and opt != "--help" and opt not in readme
            )
        assert "Example:" in (command.help or ""), path
    assert not missing, missing
