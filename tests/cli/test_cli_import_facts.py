"""``syndicator import`` never guesses a page's number or date: the page-number trap of issue 11.

A page that printed no 第N版 used to become page 1, and a second such page
of the same day then "corrected" page 1's articles with its own.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.paths import SAMPLE_PAGE

from syndicator import store
from syndicator.cli import cli
from syndicator.config import load_config

#: A second page of the demo's day (2021-08-30) that prints no page number either.
OTHER_PAGE = (
    "浙江工人日报\n2021年8月30日 星期一\n\n职工书屋开进工地\n\n"
    "本报讯 记者王敏报道 昨日，全省首个工地职工书屋在杭州建成开放。"
    "书屋藏书两千余册，供建筑工人免费借阅。\n"
)


def _invoke(runner, config_file: Path, *args: str):
    return runner.invoke(cli, ["--config", str(config_file), *args])


def _error_line(result) -> str:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert "Traceback" not in result.output
    assert len(lines) == 1, result.output
    return lines[0]


def _stored(config_file: Path, article_id: str):
    engine = store.create_store_engine(load_config(config_file).store_url)
    store.init_schema(engine)
    try:
        with engine.connect() as conn:
            return store.get_articles(conn, [article_id]).get(article_id)
    finally:
        engine.dispose()


@pytest.fixture
def other_page(tmp_path: Path) -> Path:
    path = tmp_path / "page.txt"
    path.write_text(OTHER_PAGE, encoding="utf-8")
    return path


def test_import_page_without_page_number_is_refused_naming_the_file(
    runner, config_file, other_page
) -> None:
    result = _invoke(runner, config_file, "import", str(other_page))
    assert result.exit_code == 2
    assert _error_line(result) == (
        f"Error: {other_page}: page: the page prints no page number (such as 第3版): "
        "give --page N (or end the file name in -pN)"
    )


def test_second_unnumbered_page_of_a_day_no_longer_overwrites_page_1(
    runner, config_file, other_page
) -> None:
    first = _invoke(runner, config_file, "import", "--page", "1", str(SAMPLE_PAGE))
    assert "8 new, 0 corrected" in first.output
    page_1 = _stored(config_file, "zjgrrb-20210830-01-01")

    refused = _invoke(runner, config_file, "import", str(other_page))
    assert refused.exit_code == 2 and "give --page N" in _error_line(refused)
    assert _stored(config_file, "zjgrrb-20210830-01-01") == page_1

    stated = _invoke(runner, config_file, "import", "--page", "2", str(other_page))
    assert stated.exit_code == 0, stated.output
    assert f"{other_page}: 1 new, 0 corrected, 0 unchanged" in stated.output
    assert _stored(config_file, "zjgrrb-20210830-01-01") == page_1
    added = _stored(config_file, "zjgrrb-20210830-02-01")
    assert added is not None and added.article.title == "职工书屋开进工地"


def test_import_page_without_date_or_number_asks_for_both(runner, config_file, tmp_path) -> None:
    path = tmp_path / "bare.txt"
    path.write_text(OTHER_PAGE.replace("2021年8月30日 星期一\n", ""), encoding="utf-8")
    result = _invoke(runner, config_file, "import", str(path))
    assert result.exit_code == 2
    line = _error_line(result)
    assert line.startswith(f"Error: {path}: the page prints no edition date")
    assert line.endswith("give --edition YYYY-MM-DD and --page N (or end the file name in -pN)")
    stated = _invoke(
        runner, config_file, "import", "--edition", "2021-08-31", "--page", "3", str(path)
    )
    assert "1 new" in stated.output
    assert _stored(config_file, "zjgrrb-20210831-03-01") is not None


def test_import_two_pages_given_one_page_number_is_refused(
    runner, config_file, tmp_path, other_page
) -> None:
    again = tmp_path / "again.txt"
    again.write_text(OTHER_PAGE.replace("职工书屋", "职工食堂"), encoding="utf-8")
    result = _invoke(runner, config_file, "import", "--page", "2", str(other_page), str(again))
    assert result.exit_code == 2
    assert _error_line(result) == (
        f"Error: {again}: id: article 'zjgrrb-20210830-02-01' also comes from {other_page}: "
        "two files cannot fill the same place (is --page right for both?)"
    )
    assert _stored(config_file, "zjgrrb-20210830-02-01") is None


def test_import_dry_run_says_where_page_and_date_came_from(runner, config_file) -> None:
    result = _invoke(
        runner, config_file, "import", "--dry-run", "--json", "--page", "1", str(SAMPLE_PAGE)
    )
    doc = json.loads(result.output)
    assert (doc["page"], doc["origins"]) == (1, {"edition": "printed", "page": "stated"})


def test_import_dry_run_says_how_many_marks_it_made_full_width(runner, config_file) -> None:
    """The demo page's text export has ASCII commas between Chinese; the dry run counts them."""
    base = ["--config", str(config_file), "import", "--dry-run", "--page", "1", str(SAMPLE_PAGE)]
    shown = runner.invoke(cli, [*base, "--json"], catch_exceptions=False)
    doc = json.loads(shown.output)
    titles = [a["title"] for a in doc["articles"]]
    assert "开学，防疫先行" in titles and "开学,防疫先行" not in titles
    assert doc["punctuation"] > 0
    text = runner.invoke(cli, base, catch_exceptions=False).output
    assert f"{doc['punctuation']} ASCII punctuation marks made full-width" in text


def test_import_of_json_keeps_the_ascii_marks_it_was_sent(runner, config_file, tmp_path) -> None:
    article = {
        "id": "zjgrrb-20210830-02-01",
        "edition": "2021-08-30",
        "published_at": "2021-08-30T06:00:00+08:00",
        "page": 2,
        "title": "开学,防疫先行",
        "body": [{"type": "paragraph", "text": "昨日,玉环市龙溪镇星星幼儿园开学。"}],
    }
    path = tmp_path / "one.json"
    path.write_text(json.dumps(article, ensure_ascii=False), encoding="utf-8")
    args = ["--config", str(config_file), "import", "--dry-run", "--json", str(path)]
    doc = json.loads(runner.invoke(cli, args, catch_exceptions=False).output)
    (parsed,) = doc["articles"]
    assert parsed["title"] == "开学,防疫先行"
    assert "punctuation" not in doc


def test_a_page_named_p2_is_page_2_and_leaves_page_1_alone(runner, config_file, tmp_path) -> None:
    """Issue 14: the ``-p2`` in a file name was ignored and the page "corrected" page 1."""
    _invoke(runner, config_file, "import", "--page", "1", str(SAMPLE_PAGE))
    page_1 = _stored(config_file, "zjgrrb-20210830-01-01")
    named = tmp_path / "zjgrrb-2021-08-30-p2.txt"
    named.write_text(OTHER_PAGE, encoding="utf-8")

    shown = _invoke(runner, config_file, "import", "--dry-run", "--json", str(named))
    doc = json.loads(shown.output)
    assert doc["page"] == 2 and doc["origins"]["page"] == "named"
    saved = _invoke(runner, config_file, "import", str(named))
    assert saved.exit_code == 0 and "1 new, 0 corrected" in saved.output
    assert _stored(config_file, "zjgrrb-20210830-02-01") is not None
    assert _stored(config_file, "zjgrrb-20210830-01-01") == page_1


def test_page_from_name_can_be_turned_off(runner, tmp_path) -> None:
    config_file = tmp_path / "config.toml"
    config_file.write_text(
        '[store]\nurl = "sqlite:///s.db"\n[ingest]\npage_from_name = ""\n', encoding="utf-8"
    )
    named = tmp_path / "zjgrrb-2021-08-30-p2.txt"
    named.write_text(OTHER_PAGE, encoding="utf-8")
    refused = _invoke(runner, config_file, "import", "--dry-run", str(named))
    assert refused.exit_code == 2 and "give --page N" in _error_line(refused)


def test_a_printed_page_number_wins_over_the_file_name_with_a_warning(
    runner, config_file, tmp_path
) -> None:
    named = tmp_path / "zjgrrb-2021-08-30-p5.txt"
    named.write_text(OTHER_PAGE.replace("星期一\n", "星期一\n第3版\n"), encoding="utf-8")
    shown = _invoke(runner, config_file, "import", "--dry-run", "--json", str(named))
    doc = json.loads(shown.stdout)
    assert doc["page"] == 3 and doc["origins"]["page"] == "printed"
    assert "the file name says page 5; the page prints page 3" in shown.stderr


def test_another_page_stated_as_page_1_is_refused_unless_it_is_a_correction(
    runner, config_file, other_page
) -> None:
    """Issue 14: the wrong ``--page`` put another page's article over page 1's first."""
    _invoke(runner, config_file, "import", "--page", "1", str(SAMPLE_PAGE))
    page_1 = _stored(config_file, "zjgrrb-20210830-01-01")
    refused = _invoke(runner, config_file, "import", "--page", "1", str(other_page))
    assert refused.exit_code == 2
    line = _error_line(refused)
    assert "zjgrrb-20210830-01-01: the title and text would be replaced wholesale" in line
    assert "--correct" in line
    assert _stored(config_file, "zjgrrb-20210830-01-01") == page_1
    said = _invoke(runner, config_file, "import", "--page", "1", "--correct", str(other_page))
    assert said.exit_code == 0 and "0 new, 1 corrected" in said.output
    assert _stored(config_file, "zjgrrb-20210830-01-01").article.title == "职工书屋开进工地"
