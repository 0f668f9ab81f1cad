"""JSON dates and positions: every bad one is named, never a traceback (issue 14)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from syndicator.errors import InputError
from syndicator.ingest import ImportOptions, parse_json

BASE = {"id": "zjgrrb-20261203-04-01", "title": "职工书屋开进工地"}


def _parse(doc: object) -> object:
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    return parse_json(text, source="post.json", options=ImportOptions())


@pytest.mark.parametrize(
    ("changes", "field", "needle"),
    [
        ({"edition": "2026-12-3"}, "edition", "not a date: '2026-12-3'"),
        ({"edition": "2026/12/03"}, "edition", "not a date: '2026/12/03'"),
        ({"edition": "2026-13-03"}, "edition", "not a date: '2026-13-03'"),
        ({"edition": 20261203}, "edition", "expected a date"),
        ({"edition": "2026-12-03", "page": "4"}, "page", "got text '4'"),
        ({"edition": "2026-12-03", "seq": 1.5}, "seq", "expected a whole number"),
        ({"edition": "2026-12-03", "published_at": "2026-12-03"}, "published_at", "offset"),
        ({"edition": "2026-12-03", "updated_at": "yesterday"}, "updated_at", "not a date-time"),
    ],
)
def test_a_bad_date_or_position_names_its_own_field(changes, field: str, needle: str) -> None:
    with pytest.raises(InputError) as caught:
        _parse({**BASE, **changes})
    assert caught.value.field == field
    assert needle in str(caught.value)
    assert str(caught.value).startswith(f"post.json:{caught.value.line}: {field}:")


def test_the_edition_and_articles_form_the_readme_lists_works() -> None:
    parsed = _parse({"edition": "2026-12-03", "articles": [{**BASE, "page": 4}]})
    (article,) = parsed.articles
    assert article.edition == date(2026, 12, 3) and article.page == 4
    assert parsed.edition is not None and parsed.edition.date == date(2026, 12, 3)


def test_an_article_date_wins_over_the_edition_form() -> None:
    other = {**BASE, "id": "zjgrrb-20261202-04-01", "edition": "2026-12-02"}
    parsed = _parse({"edition": "2026-12-03", "articles": [BASE, other]})
    assert [a.edition.day for a in parsed.articles] == [3, 2]


@pytest.mark.parametrize("edition", ["2026-12-3", 7, ["2026-12-03"]])
def test_a_bad_edition_in_the_edition_form_is_named_with_its_line(edition) -> None:
    doc = {"articles": [BASE], "edition": edition}
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if t.strip().startswith('"edition"'))
    with pytest.raises(InputError) as caught:
        parse_json(text, source="post.json", options=ImportOptions())
    assert caught.value.field == "edition" and caught.value.line == line == 8
