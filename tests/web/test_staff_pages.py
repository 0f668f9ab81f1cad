"""Public pages show what the feeds show; /staff/ shows everything, behind the token.

An embargoed article must not be readable early at a guessable URL, nor a
withdrawn one afterwards; the newsroom still previews both under /staff/.
"""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

import pytest
from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.web import create_app

TOKEN = "s3cret-staff-token"


def _basic(password: str, user: str = "editor") -> dict[str, str]:
    raw = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


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


def _client(config, token: str | None):
    return create_app(config, {"TESTING": True, "API_TOKEN": token}).test_client()


def test_public_pages_hide_embargoed_and_withdrawn_articles(config, site) -> None:
    due, later, gone = site
    client = _client(config, TOKEN)
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


def test_staff_pages_show_everything_with_the_token(config, site) -> None:
    _, later, gone = site
    client = _client(config, TOKEN)
    page = client.get(f"/staff/articles/{later.id}", headers=_basic(TOKEN))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert later.title in text and "定时" in text
    assert page.headers["Cache-Control"] == "private, no-store"
    assert f"/staff/articles/{later.id}/wechat.html" in text  # links stay under /staff/
    copied = client.get(f"/staff/articles/{later.id}/wechat.html", headers=_basic(TOKEN))
    assert copied.status_code == 200 and "<section" in copied.get_data(as_text=True)
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    assert client.get(f"/staff/articles/{gone.id}", headers=bearer).status_code == 200
    day = client.get(f"/staff/editions/{later.edition.isoformat()}", headers=_basic(TOKEN))
    assert day.status_code == 200 and later.title in day.get_data(as_text=True)


@pytest.mark.parametrize(
    "headers",
    [{}, _basic("wrong"), {"Authorization": "Bearer wrong"}, {"Authorization": "Basic %%%"}],
)
def test_staff_pages_ask_for_the_token(config, site, headers) -> None:
    _, later, _ = site
    response = _client(config, TOKEN).get(f"/staff/articles/{later.id}", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith('Basic realm="syndicator"')
    assert later.title not in response.get_data(as_text=True)


def test_staff_pages_are_off_without_a_token(config, site) -> None:
    _, later, _ = site
    response = _client(config, None).get(f"/staff/articles/{later.id}", headers=_basic(""))
    assert response.status_code == 404
    assert "SYNDICATOR_API_TOKEN" in response.get_data(as_text=True)


def test_guessing_the_staff_token_is_rate_limited(config, site) -> None:
    """Three wrong guesses a minute here: then even the right token waits
    (no answer tells a right guess from a wrong one), and the ingest API's
    own budget is untouched."""
    config = config.__class__(**{**config.__dict__, "api": config.api.__class__(rate_limit=3)})
    client = _client(config, TOKEN)
    codes = [client.get("/staff/", headers=_basic(f"guess{i}")).status_code for i in range(5)]
    assert codes == [401, 401, 401, 429, 429]
    limited = client.get("/staff/", headers=_basic(TOKEN))
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    api = client.post("/api/articles", json=[], headers={"Authorization": f"Bearer {TOKEN}"})
    assert api.status_code != 429


def test_the_right_token_spends_nothing(config, site) -> None:
    config = config.__class__(**{**config.__dict__, "api": config.api.__class__(rate_limit=3)})
    client = _client(config, TOKEN)
    assert all(client.get("/staff/", headers=_basic(TOKEN)).status_code == 200 for _ in range(6))
