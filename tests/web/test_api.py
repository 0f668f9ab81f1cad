"""The ingest API: token, limits, validation, and what it writes (or does not)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from support.paths import DATA
from support.sampledata import SHANGHAI
from support.tokens import API_TOKEN

from syndicator import store
from syndicator.errors import StoreError
from syndicator.web import create_app
from syndicator.web.api import TRIGGER_KEY

TOKEN = API_TOKEN
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ARTICLES = json.loads((DATA / "articles.json").read_text(encoding="utf-8"))


def _app(config, engine, **settings):
    app = create_app(config, {"TESTING": True, "API_TOKEN": TOKEN, **settings})
    calls: list[int] = []
    app.extensions[TRIGGER_KEY] = lambda: calls.append(1)
    app.extensions["test.triggers"] = calls
    return app


@pytest.fixture
def api(config, engine):
    return _app(config, engine)


def _count(engine) -> int:
    with engine.connect() as conn:
        return store.count_articles(conn)


def test_api_off_without_token(config, engine, monkeypatch) -> None:
    monkeypatch.delenv("SYNDICATOR_API_TOKEN", raising=False)
    client = create_app(config, {"TESTING": True}).test_client()
    response = client.post("/api/articles", json=ARTICLES[0], headers=AUTH)
    assert response.status_code == 404
    assert "SYNDICATOR_API_TOKEN" in response.json["error"]
    assert client.delete("/api/articles/x", headers=AUTH).status_code == 404
    assert _count(engine) == 0


def test_api_token_comes_from_the_environment(config, engine, monkeypatch) -> None:
    from_env = "from-env-" + "e" * 32
    monkeypatch.setenv("SYNDICATOR_API_TOKEN", from_env)
    client = create_app(config, {"TESTING": True}).test_client()
    good = {"Authorization": f"Bearer {from_env}"}
    assert client.post("/api/articles", json=ARTICLES[0], headers=good).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": TOKEN},
        {"Authorization": "Bearer "},
    ],
    ids=["none", "wrong", "longer", "basic", "bare", "empty"],
)
def test_api_without_the_right_token_is_401_and_writes_nothing(api, engine, headers) -> None:
    client = api.test_client()
    response = client.post("/api/articles", json=ARTICLES, headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert _count(engine) == 0
    assert client.delete(f"/api/articles/{ARTICLES[0]['id']}", headers=headers).status_code == 401
    assert api.extensions["test.triggers"] == []


def test_api_saves_one_or_many_and_triggers_a_pass(api, engine) -> None:
    client = api.test_client()
    one = client.post("/api/articles", json=ARTICLES[0], headers=AUTH)
    assert one.status_code == 200, one.json
    assert one.json["added"] == [ARTICLES[0]["id"]] and one.json["pass"] == "started"
    many = client.post("/api/articles", json=ARTICLES, headers=AUTH)
    assert sorted(many.json["added"]) == sorted(a["id"] for a in ARTICLES[1:])
    assert many.json["unchanged"] == [ARTICLES[0]["id"]]
    again = client.post("/api/articles", json={"articles": ARTICLES}, headers=AUTH)
    assert again.json["added"] == [] and again.json["pass"] == "next tick"
    assert _count(engine) == len(ARTICLES)
    assert api.extensions["test.triggers"] == [1, 1]  # no pass for an unchanged re-send


@pytest.mark.parametrize(("sqlstate", "status"), [("40P01", 200), ("40001", 200), ("08006", 503)])
def test_api_runs_a_transaction_again_when_the_database_broke_a_deadlock(
    api, engine, monkeypatch, sqlstate, status
) -> None:
    """A deadlock or serialization failure rolled the whole transaction back:
    run it again. A lost connection is an outage: 503 at once."""
    real = store.save_articles
    calls = []

    def flaky(conn, items, *, now, stated=()):
        calls.append(1)
        if len(calls) == 1:
            error = StoreError("store: deadlock detected")
            error.sqlstate = sqlstate
            raise error
        return real(conn, items, now=now, stated=stated)

    monkeypatch.setattr(store, "save_articles", flaky)
    response = api.test_client().post("/api/articles", json=ARTICLES[0], headers=AUTH)
    assert response.status_code == status, response.json
    assert ("Retry-After" in response.headers) == (status == 503)
    assert len(calls) == (2 if status == 200 else 1)
    assert _count(engine) == (1 if status == 200 else 0)


def test_api_with_the_store_down_is_503_with_retry_after(api) -> None:
    api.extensions["syndicator.engine"] = store.create_store_engine(
        "postgresql+psycopg://postgres@127.0.0.1:9/nowhere"
    )
    client = api.test_client()
    for response in (
        client.post("/api/articles", json=ARTICLES[0], headers=AUTH),
        client.delete("/api/articles/x", headers=AUTH),
    ):
        assert response.status_code == 503, response.json
        assert int(response.headers["Retry-After"]) > 0
        assert "error" in response.json


def test_api_delete_withdraws(api, engine) -> None:
    client = api.test_client()
    client.post("/api/articles", json=ARTICLES, headers=AUTH)
    gone = client.delete(f"/api/articles/{ARTICLES[0]['id']}", headers=AUTH)
    assert gone.status_code == 200 and gone.json["status"] == "withdrawn"
    with engine.connect() as conn:
        assert store.get_article(conn, ARTICLES[0]["id"]).status == "withdrawn"
    assert client.delete("/api/articles/no-such-id", headers=AUTH).status_code == 404


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        (b"{not json", 400, "malformed JSON"),
        (b"", 400, "empty body"),
        (b"\xff\xfe", 400, "UTF-8"),
        (json.dumps({**ARTICLES[0], "title": None}).encode(), 400, "title"),
        (json.dumps({**ARTICLES[0], "published_at": "2021-09-01T06:00:00"}).encode(), 400, "naive"),
        (json.dumps({**ARTICLES[0], "surprise": 1}).encode(), 400, "surprise"),
        (json.dumps([ARTICLES[0], ARTICLES[0]]).encode(), 400, "duplicate id"),
        (json.dumps(42).encode(), 400, "expected an article"),
    ],
    ids=["malformed", "empty", "not-utf8", "missing", "naive", "unknown", "duplicate", "scalar"],
)
def test_api_rejects_invalid_json_with_the_field(api, engine, body, status, needle) -> None:
    response = api.test_client().post(
        "/api/articles", data=body, headers={**AUTH, "Content-Type": "application/json"}
    )
    assert response.status_code == status
    assert needle in response.json["error"]
    assert _count(engine) == 0


@pytest.mark.parametrize("depth", [500, 990, 5000])
def test_api_rejects_deeply_nested_json_with_one_line(api, engine, depth) -> None:
    """Nesting under the parser's limit once crashed a later walk: a 500 and a traceback."""
    body = '{"id": "x", "title": "t", "tags": ' + "[" * depth + "]" * depth + "}"
    response = api.test_client().post(
        "/api/articles", data=body, headers={**AUTH, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert "nested too deeply" in response.json["error"]
    assert _count(engine) == 0


def test_api_bad_article_in_a_list_saves_none_of_them(api, engine) -> None:
    bad = [ARTICLES[0], {**ARTICLES[1], "body": [{"type": "image", "src": "javascript:x()"}]}]
    response = api.test_client().post("/api/articles", json=bad, headers=AUTH)
    assert response.status_code == 400
    assert response.json["field"] == "[1].body[0].src"
    assert "http" in response.json["error"]
    assert _count(engine) == 0


def test_api_wants_json(api, engine) -> None:
    response = api.test_client().post(
        "/api/articles", data=json.dumps(ARTICLES), headers={**AUTH, "Content-Type": "text/plain"}
    )
    assert response.status_code == 415


def test_api_twenty_megabyte_post_is_413(api, engine) -> None:
    body = b'{"id": "' + b"x" * (20 * 1024 * 1024) + b'"}'
    response = api.test_client().post(
        "/api/articles", data=body, headers={**AUTH, "Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert "max_body" in response.json["error"]
    assert _count(engine) == 0


def test_api_rate_limit_is_429_per_client(make_config, tmp_path, engine) -> None:
    config = make_config(tmp_path, api={"rate_limit": 3})
    client = _app(config, engine).test_client()
    codes = [client.delete("/api/articles/nope", headers=AUTH).status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]
    limited = client.delete("/api/articles/nope", headers=AUTH)
    assert int(limited.headers["Retry-After"]) >= 1
    other = client.delete(
        "/api/articles/nope", headers=AUTH, environ_base={"REMOTE_ADDR": "10.9.8.7"}
    )
    assert other.status_code == 404  # another client has its own allowance


def test_api_rate_limit_counts_failed_logins(make_config, tmp_path, engine) -> None:
    config = make_config(tmp_path, api={"rate_limit": 2})
    client = _app(config, engine).test_client()
    bad = {"Authorization": "Bearer guess"}
    codes = [client.delete("/api/articles/x", headers=bad).status_code for _ in range(3)]
    assert codes == [401, 401, 429]


@pytest.mark.parametrize(
    "body",
    [
        b"[" + b" " * 10_000 + b"]",  # once cut at the limit: "malformed JSON"
        json.dumps(ARTICLES[0]).encode() + b" " * 10_000,  # once cut after the JSON: saved, 200
    ],
    ids=["malformed-once-cut", "saved-once-cut"],
)
def test_api_chunked_body_over_the_limit_is_413(make_config, tmp_path, engine, body) -> None:
    import io

    config = make_config(tmp_path, api={"max_body": 4096})
    client = _app(config, engine).test_client()
    response = client.post(
        "/api/articles",
        # As the server hands on a chunked body: decoded, with no length, input
        # terminated. (Without Transfer-Encoding the test client would add a
        # Content-Length from the stream.)
        input_stream=io.BytesIO(body),
        headers={**AUTH, "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        environ_base={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413
    assert "max_body" in response.json["error"]
    assert _count(engine) == 0


def test_api_chunked_body_under_the_limit_is_read_whole(make_config, tmp_path, engine) -> None:
    import io

    config = make_config(tmp_path, api={"max_body": 4096})
    client = _app(config, engine).test_client()
    body = json.dumps(ARTICLES[0]).encode()
    assert len(body) < 4096
    response = client.post(
        "/api/articles",
        input_stream=io.BytesIO(body),
        headers={**AUTH, "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        environ_base={"wsgi.input_terminated": True},
    )
    assert response.status_code == 200, response.json
    assert _count(engine) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"page": 10**30}, "page"),
        ({"published_at": "0001-01-01T00:00:00+08:00"}, "published_at"),
    ],
)
def test_api_out_of_range_numbers_and_dates_are_400_not_500(api, engine, change, field) -> None:
    response = api.test_client().post("/api/articles", json={**ARTICLES[0], **change}, headers=AUTH)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.json["field"] == field
    assert _count(engine) == 0


def test_api_control_characters_cannot_stop_publishing(api, engine, config) -> None:
    """One title with a vertical tab or a NUL used to make every feed document
    unrenderable (lxml refuses them): no pass published anything after it."""
    from syndicator.publish import run_pass

    bad = {
        **ARTICLES[0],
        "title": "坏\u000b标题\u0000",
        "body": [{"type": "paragraph", "text": "正文\f。\ud800"}],
    }
    body = json.dumps(bad, ensure_ascii=True)  # as a client sends it: \\u escapes
    response = api.test_client().post(
        "/api/articles", data=body, content_type="application/json", headers=AUTH
    )
    assert response.status_code == 200, response.json
    with engine.connect() as conn:
        saved = store.get_article(conn, ARTICLES[0]["id"])
    assert saved.title == "坏 标题" and saved.body[0].text == "正文 。"
    report = run_pass(engine, config, now=datetime.now(SHANGHAI))
    assert ARTICLES[0]["id"] in report.added
    rss = (config.output_dir / "all" / "rss.xml").read_text(encoding="utf-8")
    assert "坏 标题" in rss


def test_api_refuses_another_article_under_a_stored_id_unless_told_it_is_a_correction(
    api, engine
) -> None:
    """Issue 14: a different article under a stored id "corrected" it silently."""
    client = api.test_client()
    assert client.post("/api/articles", json=ARTICLES[0], headers=AUTH).status_code == 200
    other = {
        **ARTICLES[0],
        "kicker": None,
        "subtitle": None,
        "title": "职工书屋开进建筑工地",
        "body": [{"type": "paragraph", "text": "全省首个工地职工书屋昨日建成开放，藏书两千余册。"}],
    }
    refused = client.post("/api/articles", json=other, headers=AUTH)
    assert refused.status_code == 400
    assert (
        "replaced wholesale" in refused.json["error"] and ARTICLES[0]["id"] in refused.json["error"]
    )
    with engine.connect() as conn:
        assert store.get_article(conn, ARTICLES[0]["id"]).title == ARTICLES[0]["title"]
    # A small fix is a correction as before; the whole replacement only when said so.
    fixed = {**ARTICLES[0], "title": ARTICLES[0]["title"] + "！"}
    assert client.post("/api/articles", json=fixed, headers=AUTH).json["changed"]
    said = client.post("/api/articles?correct=1", json=other, headers=AUTH)
    assert said.status_code == 200 and said.json["changed"] == [ARTICLES[0]["id"]]


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"edition": "2026-12-3"}, "edition"), ({"page": "4"}, "page")],
)
def test_api_names_a_bad_date_or_page_instead_of_a_500(api, engine, changes, field) -> None:
    """Issue 14: ``"edition": "2026-12-3"`` was a 500 with a traceback."""
    article = {k: v for k, v in ARTICLES[0].items() if k != "published_at"}
    answer = api.test_client().post("/api/articles", json={**article, **changes}, headers=AUTH)
    assert answer.status_code == 400 and answer.json["field"] == field
    assert _count(engine) == 0
