"""The API token: one reader, one rule for every door.

Too short (under 32 characters) or with spaces refuses; unset, empty or
only spaces means the API is off, and off looks the same at every URL.
"""

from __future__ import annotations

import pytest
from support.tokens import API_TOKEN

from syndicator.config import API_TOKEN_ENV
from syndicator.errors import ConfigError
from syndicator.web import create_app

ARTICLE = {"id": "zjgrrb-20210901-01-01", "edition": "2021-09-01", "title": "标题"}
OFF = {"error": "the ingest API is off: set SYNDICATOR_API_TOKEN to turn it on"}


@pytest.mark.parametrize(
    "token",
    ["x", API_TOKEN[:31], " " + API_TOKEN, API_TOKEN + "\n", API_TOKEN[:20] + " " + API_TOKEN[20:]],
)
@pytest.mark.parametrize("given", ["environment", "test_config"])
def test_create_app_refuses_a_short_or_spaced_token(
    config, engine, monkeypatch, token, given
) -> None:
    settings = {"TESTING": True}
    if given == "environment":
        monkeypatch.setenv(API_TOKEN_ENV, token)
    else:
        settings["API_TOKEN"] = token
    with pytest.raises(ConfigError) as info:
        create_app(config, settings)
    assert info.value.field == "SYNDICATOR_API_TOKEN"
    assert "\n" not in str(info.value) and token.strip() not in str(info.value)


def test_a_token_of_32_characters_turns_the_api_on(config, engine, monkeypatch) -> None:
    token = API_TOKEN[:32]
    monkeypatch.setenv(API_TOKEN_ENV, token)
    client = create_app(config, {"TESTING": True}).test_client()
    answer = client.post(
        "/api/articles", json=ARTICLE, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200


def _doors(client) -> list[tuple[int, object]]:
    """Every way into the API: its two routes, a wrong method, a URL that is none."""
    auth = {"Authorization": "Bearer  "}
    answers = [
        client.post("/api/articles", json=ARTICLE, headers=auth),
        client.post("/api/articles", json=ARTICLE),
        client.delete("/api/articles/zjgrrb-20210901-01-01", headers=auth),
        client.get("/api/articles"),
        client.put("/api/articles/x"),
        client.get("/api/nothing-here"),
        client.get("/api"),
    ]
    return [(a.status_code, a.get_json()) for a in answers]


@pytest.mark.parametrize("blank", [" ", "", "\t \n"], ids=["space", "empty", "whitespace"])
def test_a_blank_token_is_off_at_every_door_the_same_way(
    config, engine, monkeypatch, blank
) -> None:
    monkeypatch.delenv(API_TOKEN_ENV, raising=False)
    unset = _doors(create_app(config, {"TESTING": True}).test_client())
    assert unset == [(404, OFF)] * len(unset)
    monkeypatch.setenv(API_TOKEN_ENV, blank)
    assert _doors(create_app(config, {"TESTING": True}).test_client()) == unset
    monkeypatch.delenv(API_TOKEN_ENV)
    assert _doors(create_app(config, {"TESTING": True, "API_TOKEN": blank}).test_client()) == unset
