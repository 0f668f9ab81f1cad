"""Where a JSON file's page and date came from.

A JSON article names its own id, so a missing ``page`` only places it
first in page order (page 1) and overwrites nothing: it is imported, and
the file says the page was ``defaulted`` rather than stated.
"""

from __future__ import annotations

import json

from support.paths import DATA

from syndicator.ingest import ImportOptions, ParsedFile
from syndicator.ingest.jsonfile import parse_json

ARTICLES = json.loads((DATA / "articles.json").read_text(encoding="utf-8"))


def _parse(items: list[dict]) -> ParsedFile:
    return parse_json(
        json.dumps(items, ensure_ascii=False), source="a.json", options=ImportOptions()
    )


def test_parse_json_with_pages_says_they_were_stated() -> None:
    parsed = _parse(ARTICLES)
    assert parsed.origins == {"edition": "stated", "page": "stated"}
    assert parsed.page is None  # pages 2 and 1: no one page for the file
    assert _parse(ARTICLES[1:2]).page == 1


def test_parse_json_without_a_page_keeps_its_id_and_says_page_1_was_defaulted() -> None:
    item = {k: v for k, v in ARTICLES[0].items() if k != "page"}
    parsed = _parse([item])
    (article,) = parsed.articles
    assert (article.id, article.page) == (ARTICLES[0]["id"], 1)
    assert parsed.origins == {"edition": "stated", "page": "defaulted"}
    assert parsed.to_dict()["origins"]["page"] == "defaulted"
