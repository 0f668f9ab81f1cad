"""The e-paper importer on a corpus of page layouts (tests/data/epaper/).

Each page was written to cover one family of layouts from issue 3 and has a
hand-checked ``.expected.json``; see its ``about`` field for what it covers.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.epaper_expect import (
    DATA,
    corpus_names,
    differences,
    load_expected,
    lost_characters,
    options_for,
    page_path,
    parse_case,
    unplaced,
)

from syndicator.errors import InputError
from syndicator.ingest import decode_text, load_file
from syndicator.ingest.epaper import parse_page
from syndicator.model import article_from_dict

NAMES = corpus_names()


def test_corpus_has_six_pages_besides_the_sample() -> None:
    others = [n for n in NAMES if n != "zjgrrb-2021-08-30-p1"]
    assert len(others) >= 6
    for name in NAMES:
        assert page_path(name).exists()


@pytest.mark.parametrize("name", NAMES)
def test_parse_page_gets_boundaries_and_title_blocks_right(name: str) -> None:
    _, parsed, expected = parse_case(name)
    assert differences(parsed, expected) == []


@pytest.mark.parametrize("name", NAMES)
def test_parse_page_keeps_every_line_of_the_corpus(name: str) -> None:
    text, parsed, _ = parse_case(name)
    assert unplaced(text, parsed) == []
    assert lost_characters(text, parsed) == {}


@pytest.mark.parametrize("name", NAMES)
def test_parse_page_corpus_reparse_is_identical(name: str) -> None:
    text, parsed, expected = parse_case(name)
    again = parse_page(text, source="again", options=options_for(expected))
    assert again.articles == parsed.articles
    assert [a.id for a in again.articles] == [a.id for a in parsed.articles]
    assert len({a.id for a in parsed.articles}) == len(parsed.articles)


@pytest.mark.parametrize("name", NAMES)
def test_parse_page_corpus_articles_round_trip_as_json(name: str) -> None:
    _, parsed, _ = parse_case(name)
    for article in parsed.articles:
        assert article_from_dict(article.to_dict()) == article
        assert article.summary and len(article.summary) <= 120


@pytest.mark.parametrize("name", NAMES)
def test_parse_page_corpus_warnings_point_at_lines(name: str) -> None:
    text, parsed, _ = parse_case(name)
    count = len(text.split("\n"))
    for warning in parsed.warnings:
        assert warning.line is not None and 1 <= warning.line <= count
        assert warning.message


def test_parse_page_sample_without_blank_lines_finds_the_same_articles() -> None:
    """Some PDF extractions drop every blank line: no picture gap is left to see."""
    sample, original, _ = parse_case("zjgrrb-2021-08-30-p1")
    text, packed, _ = parse_case("zjgrrb-2021-08-30-packed")
    assert text == "".join(line for line in sample.splitlines(keepends=True) if line.strip())
    assert len(original.articles) == 8
    assert [(a.kicker, a.title, a.byline) for a in packed.articles] == [
        (a.kicker, a.title, a.byline) for a in original.articles
    ]
    for before, after in zip(original.articles, packed.articles, strict=True):
        text_of = [b.text or b.caption for b in before.body]
        assert [b.text or b.caption for b in after.body] == text_of, before.title


def test_load_file_detects_gb18030_and_mixed_line_endings() -> None:
    path = page_path("cswb-2021-06-12-a05")
    data = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert b"\r\n" in data and b"\r" in data.replace(b"\r\n", b"")
    expected = load_expected("cswb-2021-06-12-a05")
    auto = load_file(path, options_for(expected))
    assert differences(auto, expected) == []
    for encoding in ("gb18030", "gbk"):
        text = decode_text(data, str(path), encoding)
        parsed = parse_page(text, source=str(path), options=options_for(expected))
        assert parsed.articles == auto.articles


def test_load_file_reads_utf8_with_bom() -> None:
    path = page_path("qjwb-2021-07-01-p08")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    parsed = load_file(path, options_for(load_expected("qjwb-2021-07-01-p08")))
    assert parsed.edition is not None and parsed.edition.paper == "钱江晚报"
    assert parsed.dropped[0].text == "钱江晚报"


def test_load_file_reads_utf16_as_notepad_saves_it(tmp_path: Path) -> None:
    """Windows Notepad's "Unicode" is UTF-16 with a BOM: full of NUL bytes, not binary."""
    expected = load_expected("qjwb-2021-07-01-p08")
    text = page_path("qjwb-2021-07-01-p08").read_text(encoding="utf-8-sig")
    utf8 = load_file(page_path("qjwb-2021-07-01-p08"), options_for(expected))
    for codec in ("utf-16", "utf-16-be"):  # little-endian with BOM, then big-endian
        path = tmp_path / f"{codec}.txt"
        data = text.encode(codec)
        if codec == "utf-16-be":
            data = b"\xfe\xff" + data
        path.write_bytes(data)
        assert load_file(path, options_for(expected)).articles == utf8.articles
    bare = tmp_path / "no-bom.txt"
    bare.write_bytes(text.encode("utf-16-le"))  # without a BOM: said, not guessed
    with pytest.raises(InputError, match="NUL"):
        load_file(bare, options_for(expected))
    parsed = parse_page(
        decode_text(bare.read_bytes(), str(bare), "utf-16-le"),
        source=str(bare),
        options=options_for(expected),
    )
    assert parsed.articles == utf8.articles


def test_load_file_wrong_encoding_is_refused_with_the_line() -> None:
    path = page_path("cswb-2021-06-12-a05")
    with pytest.raises(InputError, match="not valid utf-8") as info:
        load_file(path, options_for({"options": {"encoding": "utf-8"}}))
    assert info.value.line == 1


def test_corpus_pages_sit_beside_their_expectations() -> None:
    for path in DATA.glob("*.txt"):
        name = path.name.split(".")[0]
        assert (DATA / f"{name}.expected.json").exists(), path.name
