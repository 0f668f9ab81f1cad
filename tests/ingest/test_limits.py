"""Every repeated and every text field of an article is bounded where input enters.

One POST of 300,000 tags once stalled publishing: each step after the
import grew with it. The limits (:mod:`syndicator.model.limits`) refuse
such input in the JSON importer (hence the API and the desk's edit form)
and the e-paper importer, with the field named, before anything is saved.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from support.paths import DATA

from syndicator.actions.editing import edited
from syndicator.errors import InputError
from syndicator.ingest import ImportOptions, load_bytes, parse_json
from syndicator.model.limits import (
    MAX_ARTICLE_CHARS,
    MAX_ARTICLES,
    MAX_CHARS,
    MAX_EXTRA_CHARS,
    MAX_IMAGES,
    MAX_ITEMS,
    MAX_NOTES,
    MAX_TABLES,
)

ARTICLE: dict[str, Any] = json.loads((DATA / "articles.json").read_text(encoding="utf-8"))[0]
OPTIONS = ImportOptions(edition=date(2021, 8, 30), page=1)
IMAGE = {"type": "image", "src": "https://example.org/p.jpg"}
TABLE = {"type": "table", "rows": [["甲", "乙"]]}


def _parse(article: dict[str, Any]) -> InputError:
    text = json.dumps({**ARTICLE, **article}, ensure_ascii=False, indent=1)
    with pytest.raises(InputError) as info:
        parse_json(text, source="a.json", options=OPTIONS)
    return info.value


# (changes to a valid article, the field named, words of the message)
OVER = {
    "300,000 tags": ({"tags": ["t"] * 300_000}, "tags", "300,000 items; at most 100"),
    "101 tags": ({"tags": [f"标签{i}" for i in range(101)]}, "tags", "at most 100"),
    "long tag": ({"tags": ["劳模", "字" * 101]}, "tags[1]", "101 characters; at most 100"),
    "101 authors": ({"authors": [{"name": f"人{i}"} for i in range(101)]}, "authors", "100"),
    "long author": ({"authors": ["张三", "名" * 101]}, "authors[1].name", "at most 100"),
    "long role": ({"authors": [{"name": "张三", "role": "记" * 51}]}, "authors[0].role", "50"),
    "2,001 blocks": ({"body": ["段落。"] * 2001}, "body", "2,001 items; at most 2,000"),
    "201 images": ({"body": [IMAGE] * 201}, "body[200]", f"more than {MAX_IMAGES} images"),
    "51 tables": ({"body": [TABLE] * 51}, "body[50]", f"more than {MAX_TABLES} tables"),
    "long title": ({"title": "题" * 501}, "title", "501 characters; at most 500"),
    "long section": ({"section": "栏" * 101}, "section", "at most 100"),
    "long summary": ({"summary": "摘" * 5001}, "summary", "at most 5,000"),
    "long url": ({"source_url": "https://e.org/" + "a" * 2048}, "source_url", "2,048"),
    "long text": ({"body": ["短。", "长" * 100_001]}, "body[1]", "at most 100,000"),
    "long caption": ({"body": [{**IMAGE, "caption": "图" * 5001}]}, "body[0].caption", "5,000"),
    "long cell": (
        {"body": [{"type": "table", "rows": [["甲", "格" * 1001]]}]},
        "body[0].rows[0][1]",
        "at most 1,000",
    ),
    "201 rows": (
        {"body": [{"type": "table", "rows": [["格"]] * 201}]},
        "body[0].rows",
        "201 rows; a table may have at most 200",
    ),
    "all text": (
        {"body": ["字" * 90_000] * 6},
        "body",
        f"at most {MAX_ARTICLE_CHARS:,}",
    ),
    "big extra": ({"extra": {"k": "x" * MAX_EXTRA_CHARS}}, "extra", "characters as JSON"),
}


@pytest.mark.parametrize(("changes", "field", "words"), OVER.values(), ids=OVER.keys())
def test_parse_json_refuses_a_field_over_its_limit(changes, field, words) -> None:
    error = _parse(changes)
    assert error.field == field
    assert words in error.message
    assert error.file == "a.json" and error.line is not None
    assert "\n" not in str(error)


def test_parse_json_names_the_line_and_article_of_the_field() -> None:
    articles = [ARTICLE, {**ARTICLE, "id": "x-2", "tags": ["劳模", "字" * 101]}]
    text = json.dumps(articles, ensure_ascii=False, indent=1)
    with pytest.raises(InputError) as info:
        parse_json(text, source="b.json", options=OPTIONS)
    assert info.value.field == "[1].tags[1]"
    assert text.splitlines()[info.value.line - 1].strip().startswith('"字字')


def test_parse_json_takes_every_field_at_its_limit() -> None:
    at_limit = {
        "tags": [f"标签{i}" for i in range(MAX_ITEMS["tags"])],
        "authors": [{"name": "名" * MAX_CHARS["authors[].name"]}] * MAX_ITEMS["authors"],
        "title": "题" * MAX_CHARS["title"],
        "body": [IMAGE] * MAX_IMAGES + [TABLE] * MAX_TABLES + ["段。"] * 1000,
    }
    text = json.dumps({**ARTICLE, **at_limit}, ensure_ascii=False)
    [article] = parse_json(text, source="c.json", options=OPTIONS).articles
    assert len(article.tags) == 100 and len(article.authors) == 100
    assert len(article.body) == MAX_IMAGES + MAX_TABLES + 1000


def test_parse_json_refuses_too_many_articles_in_one_file() -> None:
    text = json.dumps([ARTICLE] * (MAX_ARTICLES + 1), ensure_ascii=False)
    with pytest.raises(InputError, match=f"{MAX_ARTICLES + 1:,} articles; at most"):
        parse_json(text, source="d.json", options=OPTIONS)


def test_parse_json_refuses_an_edition_with_too_many_notes() -> None:
    document = {"edition": {"date": "2021-08-30", "paper": "浙江工人日报"}, "articles": [ARTICLE]}
    document["edition"]["notes"] = ["注"] * (MAX_NOTES + 1)
    with pytest.raises(InputError) as info:
        parse_json(json.dumps(document, ensure_ascii=False), source="e.json", options=OPTIONS)
    assert info.value.field == "edition.notes"


def test_desk_edit_is_held_to_the_same_limits(config, load_articles) -> None:
    article = load_articles()[0]
    with pytest.raises(InputError) as info:
        edited(article, {"tags": ["t"] * 5000}, config)
    assert info.value.field == "tags"
    assert edited(article, {"tags": ["t"] * 100}, config).tags == ("t",) * 100


def test_epaper_article_over_a_limit_is_refused_at_its_line() -> None:
    paragraph = "　　记者从会上获悉，今年第{}项工作已经全面完成，各项指标均超过预期目标。"
    lines = "\n".join(paragraph.format(i) for i in range(MAX_ITEMS["body"] + 100))
    text = f"我省公布一批数字化改革成果\n\n本报讯 记者程雪报道\n{lines}\n"
    with pytest.raises(InputError) as info:
        load_bytes(text.encode(), "page.txt", OPTIONS, "epaper")
    assert str(info.value).startswith("page.txt:1: body: 2,100 items; at most 2,000")


def test_cli_import_over_a_limit_exits_2_with_one_line(runner, config_file, tmp_path) -> None:
    from syndicator.cli import cli

    path = tmp_path / "tags.json"
    path.write_text(json.dumps({**ARTICLE, "tags": ["t"] * 300_000}), encoding="utf-8")
    assert runner.invoke(cli, ["--config", str(config_file), "init"]).exit_code == 0
    result = runner.invoke(cli, ["--config", str(config_file), "import", str(path)])
    assert result.exit_code == 2, result.output
    [line] = result.output.strip().splitlines()
    assert f"{path}:" in line and "tags: 300,000 items; at most 100" in line


TOKEN = "a-test-token-of-more-than-32-characters-0123"


def test_api_post_over_a_limit_is_400_naming_the_field(config, engine) -> None:
    from syndicator import store
    from syndicator.web import create_app

    client = create_app(config, {"TESTING": True, "API_TOKEN": TOKEN}).test_client()
    response = client.post(
        "/api/articles",
        data=json.dumps({**ARTICLE, "tags": ["t"] * 200_000}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 400
    assert "tags: 200,000 items; at most 100" in response.json["error"]
    assert response.json["field"] == "tags"
    with engine.connect() as conn:
        assert store.count_articles(conn) == 0
