"""Every URL route under arbitrary paths, query strings and forms: never a 5xx.

Paths are a route's prefix (``/``, ``/feeds/``, ``/editions/``,
``/articles/``, ``/media/``, ``/desk/``, ``/api/``…) followed by anything:
real ids and days a little wrong, any text, percent-escapes of bytes that
are not UTF-8, dot segments, doubled slashes, very long names; query
strings likewise. They are sent by GET, HEAD and POST, by a visitor and
by a signed-in editor (whose POSTs carry the session's CSRF token and
the fields the desk's forms send, with any values). The app runs with
``TESTING`` on: an exception no view turns into an answer fails the test.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import desk
from support.fuzzing import ODD_TEXT, fuzz_settings

PREFIXES = [
    "/",
    "/feeds/",
    "/feeds/all/",
    "/feeds/all/archive/",
    "/feeds/wechat/",
    "/editions/",
    "/editions/2021-08-30/",
    "/articles/",
    "/media/",
    "/media/thumbs/",
    "/static/",
    "/desk/",
    "/desk/articles/",
    "/desk/editions/",
    "/desk/import/",
    "/desk/users/",
    "/api/",
    "/api/articles/",
    "/healthz",
    "/robots.txt",
]
#: Form fields the desk's forms send (edit, withdraw, embargo, import, users, photos).
FORM_FIELDS = [
    "title",
    "kicker",
    "subtitle",
    "byline",
    "summary",
    "section",
    "tags",
    "authors",
    "published_at",
    "reason",
    "confirm",
    "blocks",
    "block-0-order",
    "block-0-type",
    "block-0-text",
    "block-0-remove",
    "block-1-order",
    "add",
    "format",
    "page-0",
    "edition-0",
    "edition",
    "name",
    "role",
    "password",
    "next",
    "media",
    "before",
]
ODD_SEGMENTS = st.sampled_from(
    [
        "..",
        ".",
        "%2e%2e",
        "%00",
        "%ff%fe",
        "%c0%af",
        "%e4%b8",
        "",
        "//",
        "%2f",
        "~",
        ";x",
        "a" * 300,
    ]
)


def _segments(site) -> st.SearchStrategy[str]:
    ids = [article.id for article in site.paper.articles]
    real = st.sampled_from(
        [
            *ids,
            "2021-08-30",
            "2021-08-29",
            "2021-13-45",
            "99999-01-01",
            "1",
            "0",
            "-1",
            "999999999999999999999",
            "rss.xml",
            "atom.xml",
            "feed.json",
            "opml.xml",
            "wechat.html",
            "wechat.json",
            "edit",
            "photos",
            site.paper.photo_src.rsplit("/", 1)[1],
        ]
    )
    text = ODD_TEXT.map(lambda s: quote(s, safe=""))
    return st.one_of(real, real.map(lambda s: s + "x"), text, ODD_SEGMENTS)


def _paths(site) -> st.SearchStrategy[str]:
    segment = _segments(site)
    query = st.lists(
        st.tuples(st.one_of(st.sampled_from(FORM_FIELDS), segment), segment), max_size=4
    )
    return st.builds(
        lambda prefix, parts, params: (
            prefix
            + "/".join(parts)
            + ("?" + "&".join(f"{k}={v}" for k, v in params) if params else "")
        ),
        st.sampled_from(PREFIXES),
        st.lists(segment, max_size=4),
        query,
    )


def _check(response, where: str) -> None:
    assert response.status_code < 500, (where, response.status_code, response.get_data()[:300])
    assert b"Traceback" not in response.get_data(), where


def test_any_url_is_answered_below_500(site) -> None:
    client = site.app.test_client()

    @fuzz_settings(300)
    @given(path=_paths(site), method=st.sampled_from(["GET", "HEAD", "POST", "OPTIONS"]))
    def visit(path: str, method: str) -> None:
        _check(client.open(path, method=method), f"{method} {path}")

    visit()


@pytest.fixture(scope="module")
def editor(site):
    """A client signed in to the desk as an admin."""
    desk.add_user(site.engine, "fuzzer", role="admin")
    client = site.app.test_client()
    assert desk.login(client, "fuzzer").status_code == 302
    return client, desk.csrf_token(client, "/desk/")


def test_the_desk_answers_any_form_below_500(site, editor) -> None:
    client, token = editor
    ids = [article.id for article in site.paper.articles]
    actions = st.sampled_from(
        ["edit", "withdraw", "restore", "embargo", "cover", "photos", "", "wechat.html"]
    )
    fields = st.dictionaries(
        st.one_of(st.sampled_from(FORM_FIELDS), ODD_TEXT),
        st.one_of(ODD_TEXT, st.sampled_from(["0", "-1", "1e9", "nan", "2021-08-30T06:00", "yes"])),
        max_size=8,
    )

    @fuzz_settings(200)
    @given(
        target=st.one_of(
            st.builds(lambda i, a: f"/desk/articles/{i}/{a}", st.sampled_from(ids), actions),
            st.sampled_from(["/desk/import", "/desk/users", "/desk/", "/desk/audit"]),
            _paths(site).filter(lambda p: p.startswith("/desk/")),
        ),
        form=fields,
        method=st.sampled_from(["GET", "POST", "POST"]),
    )
    def submit(target: str, form: dict[str, str], method: str) -> None:
        if "/push" in target or "logout" in target or target.startswith("/desk/users/"):
            return  # no outbound push; stay signed in
        if method == "POST":
            response = client.post(target, data={"csrf_token": token, **form})
        else:
            joiner = "&" if "?" in target else "?"
            response = client.get(target + joiner + urlencode(form) if form else target)
        _check(response, f"{method} {target} {form}")

    submit()
