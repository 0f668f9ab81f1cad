"""Public pages show what the feeds show, and nothing more.

An embargoed article must not be readable early at a guessable URL, nor a
withdrawn one afterwards; the newsroom previews both on the desk, signed in.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.web import create_app


@pytest.fixture
def site(articles, config, engine):
    """Three articles: one due, one embargoed until tomorrow, one withdrawn."""
    now = datetime.now(SHANGHAI)
    due, later, gone = articles[:3]
    tomorrow = now + timedelta(days=1)
    later = later.replace(published_at=tomorrow, updated_at=tomorrow, edition=tomorrow.date())
    with engine.begin() as conn:
        store.save_articles(conn, [due, later, gone], now=now)
        store.set_status(conn, gone.id, "withdrawn")
    return due, later, gone


def _client(config):
    return create_app(config, {"TESTING": True}).test_client()


def test_public_pages_hide_embargoed_and_withdrawn_articles(config, site) -> None:
    due, later, gone = site
    client = _client(config)
    assert client.get(f"/articles/{due.id}").status_code == 200
    for article in (later, gone):
        for suffix in ("", "/wechat.html", "/wechat.json"):
            response = client.get(f"/articles/{article.id}{suffix}")
            assert response.status_code == 404, (article.id, suffix)
            assert article.title not in response.get_data(as_text=True)
    # The embargoed edition is not listed, and its date is not a page either.
    index = client.get("/").get_data(as_text=True)
    assert later.edition.isoformat() not in index and later.title not in index
    assert gone.title not in index
    assert client.get(f"/editions/{later.edition.isoformat()}").status_code == 404
    assert client.get(f"/editions/{due.edition.isoformat()}").status_code == 200
