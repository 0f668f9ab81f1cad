"""The desk's locks: sign-in, sessions, CSRF, roles, rate limits, headers.

Each test drives the real app over its WSGI interface with a real SQLite
store and real argon2 hashes; only the clock is moved by hand.
"""

from __future__ import annotations

import re

import pytest
from support import desk

from syndicator.web import create_app

DESK_PAGES = [
    "/desk/",
    "/desk/audit",
    "/desk/import",
    "/desk/articles/{id}",
    "/desk/articles/{id}/edit",
    "/desk/articles/{id}/photos",
]


def _cookie_attrs(response) -> str:
    [header] = [v for k, v in response.headers.items() if k == "Set-Cookie"]
    return header


def test_pages_ask_for_a_sign_in(desk_app, loaded) -> None:
    client = desk_app.test_client()
    response = client.get("/desk/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/desk/login?next=/desk/")
    assert client.get(f"/desk/articles/{loaded[0].id}").status_code == 302
    # A form post without a session is refused, not redirected.
    assert desk.post(client, f"/desk/articles/{loaded[0].id}/restore").status_code == 401


def test_a_form_post_without_the_csrf_token_is_refused(editor_client, loaded, engine) -> None:
    from syndicator import store

    target = f"/desk/articles/{loaded[0].id}/withdraw"
    response = editor_client.post(target, data={"reason": "误发"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    wrong = editor_client.post(target, data={"reason": "误发", "csrf_token": "forged"})
    assert wrong.status_code == 400
    with engine.connect() as conn:
        assert store.get_article(conn, loaded[0].id).status == "published"
    # With the session's token the same post goes through.
    assert desk.post(editor_client, target, {"reason": "误发"}).status_code == 302
    with engine.connect() as conn:
        assert store.get_article(conn, loaded[0].id).status == "withdrawn"


def test_the_login_form_itself_needs_the_token(desk_app, editor) -> None:
    client = desk_app.test_client()
    response = client.post("/desk/login", data={"name": editor, "password": desk.PASSWORD})
    assert response.status_code == 400
    assert client.get("/desk/").status_code == 302  # still signed out


def test_an_editor_cannot_manage_users(editor_client, engine) -> None:
    from syndicator.actions import accounts

    assert editor_client.get("/desk/users").status_code == 403
    made = desk.post(
        editor_client, "/desk/users", {"name": "mole", "role": "admin", "password": "x" * 12}
    )
    assert made.status_code == 403
    assert "mole" not in [u.name for u in accounts.list_users(engine)]
    assert desk.post(editor_client, "/desk/users/editor1/disable").status_code == 403
    page = editor_client.get("/desk/").get_data(as_text=True)
    assert "/desk/users" not in page  # and the menu does not offer it


def test_an_admin_manages_users_and_a_disabled_user_is_signed_out(
    desk_app, admin_client, editor_client, engine
) -> None:
    from syndicator.actions import accounts

    made = desk.post(
        admin_client, "/desk/users", {"name": "night.desk", "role": "editor", "password": "p" * 12}
    )
    assert made.status_code == 302
    assert "night.desk" in [u.name for u in accounts.list_users(engine)]
    short = desk.post(admin_client, "/desk/users", {"name": "x", "role": "editor", "password": "1"})
    assert short.status_code == 400 and "密码至少" in short.get_data(as_text=True)
    assert editor_client.get("/desk/").status_code == 200
    assert desk.post(admin_client, "/desk/users/editor1/disable").status_code == 302
    assert editor_client.get("/desk/").status_code == 302  # the open session died at once
    assert desk.login(desk_app.test_client(), "editor1").status_code == 401


def test_a_new_password_ends_open_sessions(desk_app, admin_client, editor_client) -> None:
    changed = desk.post(
        admin_client, "/desk/users/editor1/password", {"password": "a brand new one"}
    )
    assert changed.status_code == 302
    assert editor_client.get("/desk/").status_code == 302
    fresh = desk_app.test_client()
    assert desk.login(fresh, "editor1", "a brand new one").status_code == 302


def test_wrong_passwords_get_one_answer(desk_app, editor) -> None:
    client = desk_app.test_client()
    wrong = desk.login(client, editor, "not the password")
    unknown = desk.login(client, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    message = re.compile(r'role="alert">([^<]+)<')
    assert message.search(wrong.get_data(as_text=True)).group(1) == message.search(
        unknown.get_data(as_text=True)
    ).group(1)


def test_the_login_limit_holds_per_account(desk_app, editor) -> None:
    from syndicator.actions import accounts

    client = desk_app.test_client()
    statuses = [
        desk.login(client, editor, f"guess {i}").status_code
        for i in range(accounts.LOGIN_FAILURES_PER_ACCOUNT + 2)
    ]
    assert statuses[: accounts.LOGIN_FAILURES_PER_ACCOUNT] == [401] * (
        accounts.LOGIN_FAILURES_PER_ACCOUNT
    )
    assert statuses[-1] == 429
    # Limited, the right password is refused too: a guess learns nothing.
    limited = desk.login(client, editor)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0


def test_the_login_limit_holds_per_address(desk_app, engine) -> None:
    from syndicator.actions import accounts

    client = desk_app.test_client()
    names = [f"user{i}" for i in range(accounts.LOGIN_FAILURES_PER_ADDRESS + 1)]
    statuses = [desk.login(client, name, "wrong password").status_code for name in names]
    assert statuses[-1] == 429
    assert statuses.count(401) == accounts.LOGIN_FAILURES_PER_ADDRESS
    # Another address is not held back by this one.
    other = desk_app.test_client()
    response = desk.login(other, "user0", "wrong password", next="")
    assert response.status_code in (401, 429)
    elsewhere = other.post(
        "/desk/login",
        data={"name": "x", "password": "y", "csrf_token": desk.csrf_token(other)},
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    assert elsewhere.status_code == 401


def test_the_session_cookie_is_httponly_samesite_and_not_secure_over_http(desk_app, editor) -> None:
    client = desk_app.test_client()
    attrs = _cookie_attrs(desk.login(client, editor)).lower()
    assert attrs.startswith("syndicator_desk=")
    assert "httponly" in attrs and "samesite=lax" in attrs and "path=/desk;" in attrs
    assert "secure" not in attrs.replace("httponly", "")
    assert "expires=" in attrs  # a lifetime, not a browser-session cookie that lives on


def test_the_session_cookie_is_secure_behind_https(make_config, tmp_path, engine, editor) -> None:
    config = make_config(tmp_path, site={"base_url": "https://news.example.cn"})
    app = create_app(config, {"TESTING": True})
    client = app.test_client()
    attrs = _cookie_attrs(desk.login(client, editor)).lower()
    assert "; secure" in attrs


def test_a_session_expires_when_idle_and_after_a_day(desk_app, editor_client, clock) -> None:
    assert editor_client.get("/desk/").status_code == 200
    clock.advance(hours=1, minutes=59)
    assert editor_client.get("/desk/").status_code == 200  # used: the idle time restarts
    clock.advance(hours=2, minutes=1)
    assert editor_client.get("/desk/").status_code == 302
    desk.login(editor_client, "editor1")
    for _ in range(6):
        clock.advance(hours=1, minutes=50)
        assert editor_client.get("/desk/").status_code == 200
    clock.advance(hours=1, minutes=50)
    assert editor_client.get("/desk/").status_code == 302  # 12 h 50 min after sign-in


def test_logout_ends_the_session(editor_client) -> None:
    assert desk.post(editor_client, "/desk/logout").status_code == 302
    assert editor_client.get("/desk/").status_code == 302


@pytest.mark.parametrize("path", DESK_PAGES)
def test_every_desk_page_is_private_and_not_indexed(desk_app, editor_client, loaded, path) -> None:
    response = editor_client.get(path.format(id=loaded[0].id))
    assert response.status_code == 200
    _private(response)


def test_the_login_page_and_a_refusal_are_private_too(desk_app, editor_client) -> None:
    _private(desk_app.test_client().get("/desk/login"))
    refused = editor_client.get("/desk/users")
    assert refused.status_code == 403
    _private(refused)


def _private(response) -> None:
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "form-action 'self'" in response.headers["Content-Security-Policy"]
    assert (
        "unsafe-inline"
        not in response.headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    )


def test_a_login_link_cannot_send_anyone_elsewhere(desk_app, editor) -> None:
    client = desk_app.test_client()
    response = desk.login(client, editor, next="https://evil.example/")
    assert response.headers["Location"] == "/desk/"
    response = desk.login(desk_app.test_client(), editor, next="//evil.example/desk")
    assert response.headers["Location"] == "/desk/"
