"""Bad input gets a clear InputError; hostile text is parsed without crashing.

How long refusals and hostile pages take is measured by
``bench/bench_import.py`` (timings belong in benchmarks, not tests).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from support.epaper_expect import page_path
from support.hostile import HOSTILE_LINES, hostile_page, many_articles
from support.paths import SAMPLE_PAGE

from syndicator.errors import InputError
from syndicator.ingest import ImportOptions, load_file
from syndicator.ingest.epaper import parse_page
from syndicator.ingest.layout import MAX_LINE_CHARS, MAX_LINES, MAX_PAGE_CHARS
from syndicator.ingest.masthead import is_masthead_date

# The pages here print no 第N版: the page is stated, as a person would.
OPTIONS = ImportOptions(edition=date(2021, 8, 30), page=1)


def load_quickly(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        load_file(path, OPTIONS, fmt="epaper")
    assert info.value.file == str(path)
    return info.value


def test_load_file_refuses_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert "empty" in str(load_quickly(path))
    path.write_bytes(b"\n \r\n\t\n")
    assert "empty" in str(load_quickly(path))


def test_parse_page_refuses_text_without_lines() -> None:
    with pytest.raises(InputError, match="no text"):
        parse_page("\n\u3000\n\ufeff\n", source="blank.txt", options=OPTIONS)


def test_load_file_refuses_a_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 64)
    assert "binary" in str(load_quickly(path))


def test_load_file_refuses_a_50_mb_file_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    error = load_quickly(path)
    assert "50.0 MB" in str(error) and "split" in str(error)


def test_load_file_refuses_one_enormous_line(tmp_path: Path) -> None:
    path = tmp_path / "one-line.txt"
    path.write_bytes(("职工" * 350_000).encode("utf-8"))  # 2.1 MB, one line
    error = load_quickly(path)
    assert error.line == 1 and "characters long" in str(error)


def test_load_file_refuses_one_1_mb_ascii_line(tmp_path: Path) -> None:
    path = tmp_path / "minified.txt"
    path.write_bytes(b"2021" + b"a" * (1024 * 1024) + b"\n")
    error = load_quickly(path)
    assert error.line == 1


def test_load_file_reports_invalid_utf8_with_line(tmp_path: Path) -> None:
    page = "浙江工人日报\n2021年8月30日\n\n标题\n\n本报讯 记者程雪报道 正文。\n".encode()
    path = tmp_path / "broken.txt"
    path.write_bytes(page[:40] + b"\xff\xfe\xc3" + page[40:])
    error = load_quickly(path)
    assert "UTF-8" in str(error) and error.line == 4
    assert "--encoding" in str(error)


def test_load_file_refuses_big5_mistaken_for_gbk(tmp_path: Path) -> None:
    path = tmp_path / "big5.txt"
    path.write_bytes("臺灣職工權益保障條例正式施行。\n".encode("big5") * 40)
    assert "GB18030" in str(load_quickly(path))


def test_parse_page_refuses_more_than_a_page() -> None:
    text = ("正文。" * 30 + "\n") * (MAX_PAGE_CHARS // 90 + 10)
    with pytest.raises(InputError, match="split the file"):
        parse_page(text, source="book.txt", options=OPTIONS)


def test_parse_page_refuses_too_many_lines() -> None:
    text = "短\n" * (MAX_LINES + 1)
    with pytest.raises(InputError, match="split the file") as info:
        parse_page(text, source="lines.txt", options=OPTIONS)
    assert info.value.line == MAX_LINES + 1


def test_parse_page_refuses_a_line_over_the_limit_with_its_number() -> None:
    text = "标题\n\n" + "长" * (MAX_LINE_CHARS + 1) + "\n"
    with pytest.raises(InputError) as info:
        parse_page(text, source="long.txt", options=OPTIONS)
    assert info.value.line == 3


@pytest.mark.parametrize("kind", sorted(HOSTILE_LINES))
def test_parse_page_survives_hostile_pages(kind: str) -> None:
    parsed = parse_page(hostile_page(kind), source=f"{kind}.txt", options=OPTIONS)
    assert parsed.articles or parsed.dropped


def test_parse_page_many_articles_all_found() -> None:
    parsed = parse_page(many_articles(300), source="many.txt", options=OPTIONS)
    assert len(parsed.articles) == 600


@pytest.mark.parametrize(
    ("first", "second", "line_text"),
    [
        # The sample's footer, then p03's page label, date line, paper name.
        ("zjgrrb-2021-08-30-p1", "zjgrrb-2021-09-06-p03", "2021年9月6日 星期一"),
        # No blank line between the pages: the date is the second page's first line.
        ("zjgrrb-2021-09-10-contact", "zjgrrb-2022-03-08-p04", "2022年3月8日 星期二"),
        # A web page pasted after a print page: its title line repeats page and date.
        ("rmrb-2021-05-03-p01", "zjrb-web-2021-05-03-p03", "浙江日报 - 第00003版:综合"),
    ],
)
def test_parse_page_refuses_two_pages_in_one_file(first: str, second: str, line_text: str) -> None:
    """The second masthead would land in an article, and every id would carry page one's date."""
    pages = [page_path(name).read_text(encoding="utf-8-sig") for name in (first, second)]
    text = pages[0].rstrip("\n") + "\n" + pages[1]
    with pytest.raises(InputError, match="a second page starts here") as info:
        parse_page(text, source="two.txt", options=OPTIONS)
    assert info.value.line is not None
    assert text.split("\n")[info.value.line - 1].startswith(line_text)
    assert "split the file into pages" in str(info.value)


def test_is_masthead_date_needs_more_than_a_date() -> None:
    """A letter is signed off with a bare date; a masthead prints a weekday or paper with it."""
    assert is_masthead_date("2021年9月6日 星期一", [])
    assert is_masthead_date("2021年8月30日", ["辛丑年七月廿三", "星期一"])
    assert is_masthead_date("2021年9月6日", ["第03版：综合新闻", "浙江工人日报"])
    assert not is_masthead_date("2021年12月2日", ["浙江省总工会", "编者按:技能人才是支撑"])
    assert not is_masthead_date("2021年9月6日上午,大会召开。", [])


def test_a_few_control_characters_are_cleaned_not_kept(tmp_path: Path) -> None:
    """A vertical tab or a unit separator in page text (PDF extraction leaves
    them) would make the feeds unrenderable: they become spaces or line ends."""

    text = SAMPLE_PAGE.read_text(encoding="utf-8")
    dirty = text.replace("数字化改革", "数字化\u001f改革", 1).replace("。", "。\u000b", 1)
    path = tmp_path / "dirty.txt"
    path.write_text(dirty, encoding="utf-8")
    parsed = load_file(path, OPTIONS, fmt="epaper")
    assert len(parsed.articles) == 8
    for article in parsed.articles:
        for value in (article.title, *(b.text or "" for b in article.body)):
            assert not any(ord(c) < 32 and c not in "\n\t" for c in value), value
