"""What the fuzz tests found, one regression test each, as plain examples.

Each failed before its fix (a 500 with a traceback from the API, exit 1
with a traceback from ``syndicator import``) and names the input that
did it.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from support import desk
from support.fuzzing import TOKEN

from syndicator.cli import cli

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _post(site, document) -> tuple[int, dict]:
    response = site.app.test_client().post("/api/articles", json=document, headers=AUTH)
    return response.status_code, response.json


def _import(site, tmp_path, document) -> tuple[int, str]:
    config_file = tmp_path / "config.toml"
    config_file.write_text(
        f'[store]\nurl = "{site.config.store_url}"\n[output]\ndir = "{site.config.output_dir}"\n',
        encoding="utf-8",
    )
    path = tmp_path / "articles.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config_file), "import", str(path)])
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("edition", "field"),
    [
        (5, "edition"),  # was TypeError: 'int' object is not iterable
        (["2021-08-30"], "edition"),  # was TypeError: unhashable type
        ({"date": "2021-08-30", "paper": "浙江工人日报", "notes": 3}, "edition.notes"),
        ({"date": "2021-08-30", "paper": "浙江工人日报", "notes": [{}]}, "edition.notes[0]"),
        ({"date": "2021-08-30", "paper": ["浙江工人日报"]}, "edition.paper"),
        ({"date": "2021-08-30", "paper": "浙江工人日报", "weekday": {}}, "edition.weekday"),
        ({"date": "2021-08-30", "paper": "浙报", "issue_number": "x"}, "edition.issue_number"),
    ],
)
def test_an_edition_of_the_wrong_shape_is_bad_input(site, tmp_path, edition, field) -> None:
    document = {"edition": edition, "articles": [site.articles[0]]}
    status, answer = _post(site, document)
    assert status == 400, answer
    assert answer["field"] == field, answer
    code, output = _import(site, tmp_path, document)
    assert code == 2, output
    assert "Traceback" not in output and f"{field}:" in output, output


@pytest.mark.parametrize("key", ["\r", "\n", "a\r\nb"])
def test_an_unknown_field_with_a_line_break_is_named_on_one_line(site, tmp_path, key) -> None:
    """Found by the import fuzz: ``{"\\r": null}`` printed its error over two lines."""
    code, output = _import(site, tmp_path, {key: None})
    assert code == 2, output
    assert output.strip().count("\n") == 0 and "\r" not in output, output
    assert "unknown article field" in output, output


@pytest.mark.parametrize("path", ["/static/%00", "/static/app.css%00", "/static/%00/x"])
def test_a_static_name_with_a_nul_is_not_found(site, path) -> None:
    """Found by the route fuzz: ``os.stat`` raised ValueError (embedded null byte), a 500."""
    response = site.app.test_client().get(path)
    assert response.status_code == 404


@pytest.fixture(scope="module")
def desk_client(site):
    """A client signed in to the desk as an editor."""
    desk.add_user(site.engine, "finder", role="editor")
    client = site.app.test_client()
    assert desk.login(client, "finder").status_code == 302
    return client


@pytest.mark.parametrize("blocks", [":", "x", "1.5", "٣", "9" * 30 + "x"])
@pytest.mark.parametrize("add", [None, "paragraph"])
def test_a_desk_edit_form_with_a_block_count_not_a_number_is_bad_input(
    site, desk_client, blocks, add
) -> None:
    """Found by the desk fuzz: ``int(form["blocks"])`` raised ValueError, a 500."""
    form = {"title": "标题", "blocks": blocks, **({"add": add} if add else {})}
    path = f"/desk/articles/{site.paper.articles[0].id}/edit"
    response = desk.post(desk_client, path, form)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert "区块数" in response.get_data(as_text=True)


@pytest.mark.parametrize("kind", [{"a": 1}, ["paragraph"]])
def test_a_block_type_that_is_not_text_is_bad_input(site, tmp_path, kind) -> None:
    """Found by the import fuzz: ``{"type": {"a": 1}}`` raised TypeError (unhashable), exit 1."""
    article = {**site.articles[0], "body": [{"type": kind, "text": "正文"}]}
    status, answer = _post(site, article)
    assert status == 400 and answer["field"] == "body[0].type", answer
    code, output = _import(site, tmp_path, article)
    assert code == 2 and "body[0].type:" in output, output
