"""The ingest API under hostile bodies: every answer is a 2xx or a 4xx, never a traceback.

Bodies are real articles with fields replaced, dropped or added, any JSON
value, values nested up to and past the 64-level limit, bytes that are
not UTF-8, BOMs, odd content types, sent with a length or chunked, by
POST, PUT, PATCH and DELETE, with the right 40-character token. The app
runs with ``TESTING`` on, so an exception a view does not turn into an
answer fails the test with its traceback instead of becoming a 500.
"""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st
from support.fuzzing import (
    JSON_VALUES,
    TOKEN,
    damaged,
    fuzz_settings,
    json_bytes,
    mutated_articles,
    nested,
)

AUTH = {"Authorization": f"Bearer {TOKEN}"}
CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/json; charset=latin-1",
        "application/json; charset=utf-16",
        "Application/JSON",
        "application/json;;;",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/plain",
        "",
    ]
)


def _bodies(articles):
    documents = st.one_of(
        mutated_articles(articles),
        JSON_VALUES,
        st.integers(min_value=50, max_value=90).map(nested),
        st.lists(mutated_articles(articles), min_size=2, max_size=4),
    )
    return documents.map(json_bytes).flatmap(damaged)


def _check(response) -> None:
    assert response.status_code < 500, (response.status_code, response.get_data()[:300])
    body = response.get_data()
    assert b"Traceback" not in body, body[:300]
    if response.status_code >= 400:
        assert response.is_json and response.json["error"], body[:300]


def test_api_answers_any_body_with_a_4xx_or_success(site) -> None:
    client = site.app.test_client()

    @fuzz_settings(250)
    @given(
        body=_bodies(site.articles),
        content_type=CONTENT_TYPES,
        method=st.sampled_from(["POST", "POST", "POST", "PUT", "PATCH"]),
        chunked=st.booleans(),
    )
    def post(body: bytes, content_type: str, method: str, chunked: bool) -> None:
        headers = dict(AUTH)
        if content_type:
            headers["Content-Type"] = content_type
        if chunked:  # no length: the server reads to the end of the stream
            response = client.open(
                "/api/articles",
                method=method,
                input_stream=io.BytesIO(body),
                headers={**headers, "Transfer-Encoding": "chunked"},
                environ_overrides={"wsgi.input_terminated": True},
            )
        else:
            response = client.open("/api/articles", method=method, data=body, headers=headers)
        _check(response)

    post()


def test_api_withdraws_or_refuses_any_id(site) -> None:
    client = site.app.test_client()
    known = [article["id"] for article in site.articles]

    @fuzz_settings(150)
    @given(
        article_id=st.one_of(
            st.sampled_from(known),
            st.text(min_size=1, max_size=300).filter(lambda s: "/" not in s),
        ),
        method=st.sampled_from(["DELETE", "GET", "POST", "PUT"]),
    )
    def withdraw(article_id: str, method: str) -> None:
        from urllib.parse import quote

        _check(
            client.open(f"/api/articles/{quote(article_id, safe='')}", method=method, headers=AUTH)
        )

    withdraw()
