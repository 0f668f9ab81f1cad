"""What the fuzz tests found, one regression test each, as plain examples.

Each failed before its fix (a 500 with a traceback from the API, exit 1
with a traceback from ``syndicator import``) and names the input that
did it.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
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
        ("2021-08-30", "edition"),
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
