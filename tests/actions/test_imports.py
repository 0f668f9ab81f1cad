"""The desk's import: parse uploads, preview each article's fate, save confirmed corrections."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from support.paths import DATA, SAMPLE_PAGE
from support.sampledata import AFTER_EDITION

from syndicator import store
from syndicator.actions.import_preview import FieldChange, ImportPreview, preview_import
from syndicator.actions.imports import CorrectionRequired, parse_uploads, save_import
from syndicator.errors import InputError
from syndicator.ingest import MAX_FILE_BYTES, MissingFactError
from syndicator.model import Block

PACKED_PAGE = DATA / "epaper" / "zjgrrb-2021-08-30-packed.txt"
FIRST = "zjgrrb-20210830-01-01"


def _stored_title(engine, article_id: str) -> str:
    with engine.connect() as conn:
        article = store.get_article(conn, article_id)
    assert article is not None
    return article.title


@pytest.fixture
def edited(engine, sample):
    """The sample page stored with its first article's title and second paragraph altered,
    as if the page was imported before a fix: importing the page again corrects it."""
    first = sample.articles[0]
    body = list(first.body)
    body[1] = Block("paragraph", text="一段后来改过的文字。")
    older = first.replace(title="我省公布数字化改革成果", body=tuple(body))
    with store.transaction(engine) as conn:
        store.save_edition(conn, sample.edition)
        store.save_articles(conn, [older, *sample.articles[1:]], now=AFTER_EDITION)
    return older


# -- parse_uploads -------------------------------------------------------------------


def test_parse_uploads_reads_bytes_under_the_uploaded_name(config, import_options) -> None:
    (parsed,) = parse_uploads(
        [("C:\\fakepath\\p1.txt", SAMPLE_PAGE.read_bytes())], import_options(config, page=1)
    )
    assert parsed.source == "p1.txt"
    assert len(parsed.articles) == 8
    assert (parsed.page, parsed.origins) == (1, {"edition": "printed", "page": "stated"})


def test_parse_uploads_asks_for_every_missing_page_number_at_once(config, import_options) -> None:
    page = SAMPLE_PAGE.read_bytes()
    other = page.replace("2021年8月30日".encode(), "2021年8月31日".encode())
    uploads = [("first.txt", page), ("second.txt", other)]
    options = import_options(config)
    with pytest.raises(MissingFactError) as info:
        parse_uploads(uploads, options)
    error = info.value
    assert (error.file, error.field, error.missing) == ("first.txt", "page", ("page",))
    assert error.files == {"first.txt": ("page",), "second.txt": ("page",)}
    # The desk asks, then parses again with what each page's form said.
    stated = {"first.txt": replace(options, page=1), "second.txt": replace(options, page=5)}
    parsed = parse_uploads(uploads, options, options_by_file=stated)
    assert [p.articles[0].id for p in parsed] == [FIRST, "zjgrrb-20210831-05-01"]


@pytest.mark.parametrize(
    ("name", "data", "expect"),
    [
        ("empty.txt", b"", "file is empty"),
        ("bad.json", b'[{"id": "a",\n "title": "x"\n', "malformed JSON"),
        ("binary.txt", bytes(range(256)) * 20, "binary"),
        ("big.txt", b"x" * (MAX_FILE_BYTES + 1), "the limit is 8 MB"),
    ],
)
def test_parse_uploads_errors_name_the_upload(config, import_options, name, data, expect) -> None:
    good = ("first.txt", SAMPLE_PAGE.read_bytes())
    with pytest.raises(InputError, match=expect) as info:
        parse_uploads([good, (name, data)], import_options(config, page=1))
    assert info.value.file == name
    assert str(info.value).startswith(f"{name}")


def test_parse_uploads_refuses_two_uploads_of_one_article(config, import_options) -> None:
    page = SAMPLE_PAGE.read_bytes()
    with pytest.raises(InputError, match="two uploaded files have this name"):
        parse_uploads([("p.txt", page), ("p.txt", page)], import_options(config, page=1))
    with pytest.raises(InputError, match=r"also comes from a\.txt") as info:
        parse_uploads([("a.txt", page), ("b.txt", page)], import_options(config, page=1))
    assert (info.value.file, info.value.field) == ("b.txt", "id")


# -- preview_import --------------------------------------------------------------------


def test_preview_import_against_an_empty_store_is_all_new(engine, sample) -> None:
    preview = preview_import(engine, [sample])
    (page,) = preview.files
    assert (page.source, page.edition, page.page) == (str(SAMPLE_PAGE), date(2021, 8, 30), 1)
    assert page.origins == {"edition": "printed", "page": "stated"}
    assert [a.fate for a in page.articles] == ["new"] * 8
    assert preview.counts() == {"new": 8, "changed": 0, "unchanged": 0}
    assert not preview.needs_confirmation and preview.corrections == []
    first = page.articles[0]
    assert (first.id, first.kicker, first.title) == (
        FIRST,
        "小切口 大场景",
        sample.articles[0].title,
    )
    assert first.byline == sample.articles[0].byline and first.lines == (27, 55)
    assert len(first.first_lines) == 2 and all(len(t) <= 120 for t in first.first_lines)
    assert first.first_lines[0].startswith("昨日，我省召开数字化改革重大应用成果新闻发布会")
    caption = sample.articles[3].body[0]
    assert caption.type == "image"  # photo news: its caption is its first line
    assert page.articles[3].first_lines == (caption.plain,)
    assert [(d.line, d.reason) for d in page.dropped[:2]] == [(5, "masthead"), (6, "masthead")]


def test_preview_import_puts_each_warning_on_its_article(config, engine, import_options) -> None:
    (packed,) = parse_uploads(
        [("packed.txt", PACKED_PAGE.read_bytes())], import_options(config, page=1)
    )
    # Stating another date than the printed one warns about the masthead line.
    (dated,) = parse_uploads(
        [("dated.txt", PACKED_PAGE.read_bytes())],
        import_options(config, page=2, edition=date(2021, 8, 31)),
    )
    page, other = preview_import(engine, [packed, dated]).files
    photo = next(a for a in page.articles if a.title == "开学，防疫先行")
    assert [w.line for w in photo.warnings] == [49] and "photo news" in photo.warnings[0].message
    assert all(not a.warnings for a in page.articles if a is not photo)
    assert page.warnings == ()
    assert [w.message for w in other.warnings] == [
        "the page is dated 2021-08-30; using --edition 2021-08-31"
    ]
    assert other.origins == {"edition": "stated", "page": "stated"}


def test_preview_import_of_a_stored_page_is_unchanged(engine, loaded, sample) -> None:
    preview = preview_import(engine, [sample])
    assert preview.counts() == {"new": 0, "changed": 0, "unchanged": 8}
    assert not preview.needs_confirmation


def test_preview_import_of_a_withdrawn_article_keeps_it_unchanged(engine, loaded, sample) -> None:
    """As the save does: a page brought again does not take back a withdrawal."""
    with store.transaction(engine) as conn:
        store.set_status(conn, FIRST, "withdrawn")
    assert preview_import(engine, [sample]).counts()["unchanged"] == 8


def test_preview_import_shows_the_difference_of_a_correction(engine, edited, sample) -> None:
    preview = preview_import(engine, [sample])
    assert preview.counts() == {"new": 0, "changed": 1, "unchanged": 7}
    assert preview.needs_confirmation and preview.corrections == [FIRST]
    changed = preview.files[0].articles[0]
    assert changed.fate == "changed"
    assert changed.changes == (
        FieldChange("title", "标题", "我省公布数字化改革成果", sample.articles[0].title),
    )
    diff = changed.body_diff
    assert diff[:2] == ("--- before", "+++ after")
    assert "-一段后来改过的文字。" in diff
    assert "+" + sample.articles[0].body[1].text in diff
    # Only the altered paragraph is taken out and put in; one line of context.
    assert [line for line in diff[2:] if line.startswith(("-", "+"))] == [
        "-一段后来改过的文字。",
        "+" + sample.articles[0].body[1].text,
    ]


def test_preview_import_to_dict_is_plain_json(engine, edited, sample) -> None:
    doc = preview_import(engine, [sample]).to_dict()
    text = json.dumps(doc, ensure_ascii=False)
    assert "我省公布数字化改革成果" in text
    assert doc["needs_confirmation"] is True
    assert doc["counts"] == {"new": 0, "changed": 1, "unchanged": 7}
    first = doc["files"][0]["articles"][0]
    assert first["changes"] == [
        {
            "field": "title",
            "label": "标题",
            "before": "我省公布数字化改革成果",
            "after": sample.articles[0].title,
        }
    ]
    assert "changes" not in doc["files"][0]["articles"][1]  # unchanged: nothing to show
    assert doc["files"][0]["origins"] == {"edition": "printed", "page": "stated"}
    assert isinstance(ImportPreview().to_dict()["files"], list)


# -- save_import ---------------------------------------------------------------------------


def test_save_import_refuses_an_unconfirmed_correction_and_saves_nothing(
    engine, edited, sample, config, import_options
) -> None:
    other = sample.articles[0].replace(id="zjgrrb-20210830-09-01", page=9)
    extra = replace(sample, source="p9.txt", articles=[other])
    with pytest.raises(CorrectionRequired) as info:
        save_import(engine, [extra, sample], now=AFTER_EDITION, actor="editor", correction=False)
    assert info.value.ids == (FIRST,)
    assert info.value.file == str(SAMPLE_PAGE)
    assert "confirm that it is a correction" in str(info.value) and FIRST in str(info.value)
    assert isinstance(info.value, InputError)
    # All or nothing: the new article of the other file is not saved either.
    assert _stored_title(engine, FIRST) == "我省公布数字化改革成果"
    with engine.connect() as conn:
        assert store.get_article(conn, other.id) is None


def test_save_import_saves_a_confirmed_correction(engine, edited, sample) -> None:
    reports = save_import(engine, [sample], now=AFTER_EDITION, actor="editor", correction=True)
    ((source, report),) = reports
    assert (source, report.changed, len(report.unchanged)) == (str(SAMPLE_PAGE), [FIRST], 7)
    assert _stored_title(engine, FIRST) == sample.articles[0].title
    assert preview_import(engine, [sample]).counts()["unchanged"] == 8


def test_save_import_of_new_articles_needs_no_confirmation(engine, sample) -> None:
    ((_, report),) = save_import(
        engine, [sample], now=AFTER_EDITION, actor="editor", correction=False
    )
    assert len(report.added) == 8
    again = save_import(engine, [sample], now=AFTER_EDITION, actor="editor", correction=False)
    assert len(again[0][1].unchanged) == 8
