"""Managing staff on the desk (admins only) and the audit trail that records it.

An editor's refusal, a disabled user's session and a new password ending
the other sessions are in test_desk_security.py; these cover the rest.
"""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from support import desk

from syndicator import store
from syndicator.actions import accounts
from syndicator.actions import audit as audit_actions
from syndicator.web.desk.audit import PER_PAGE


def user(engine, name: str) -> accounts.User | None:
    return accounts.find_user(engine, name)


def errors(response) -> list[str]:
    html = response.get_data(as_text=True)
    return [unescape(e) for e in re.findall(r'<p class="error[^"]*"[^>]*>([^<]+)</p>', html)]


def user_entries(engine) -> list[tuple[str, str, str | None]]:
    """(actor, action, note) of the trail's entries about users, oldest first."""
    entries = audit_actions.list_audit(engine)
    return [(e.actor, e.action, e.note) for e in reversed(entries) if e.action.startswith("user-")]


def test_an_admin_adds_an_editor_who_can_then_sign_in(desk_app, admin_client, engine) -> None:
    made = desk.post(
        admin_client,
        "/desk/users",
        {"name": "night.desk", "role": "editor", "password": "夜班编辑的密码 2021"},
    )
    assert made.status_code == 302 and made.headers["Location"] == "/desk/users"
    page = admin_client.get("/desk/users").get_data(as_text=True)
    assert "已添加用户 night.desk" in page and "<b>night.desk</b>" in page
    assert user(engine, "night.desk").role == "editor"
    assert user_entries(engine)[-1] == ("desk:chief", "user-add", "night.desk")
    client = desk_app.test_client()
    assert desk.login(client, "night.desk", "夜班编辑的密码 2021").status_code == 302
    assert client.get("/desk/users").status_code == 403  # an editor, not an admin


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        ("chief", "editor", "x" * 12, "该用户名已存在"),
        (
            "Night Desk",
            "editor",
            "x" * 12,
            "用户名只能包含小写字母、数字和 . _ -，且以字母或数字开头",
        ),
        ("night", "owner", "x" * 12, "请选择角色"),
        ("night", "editor", "short", "密码至少 10 个字符"),
    ],
)
def test_a_user_that_cannot_be_added_is_explained_in_chinese(
    admin_client, engine, name, role, password, message
) -> None:
    before = accounts.list_users(engine)
    refused = desk.post(
        admin_client, "/desk/users", {"name": name, "role": role, "password": password}
    )
    assert refused.status_code == 400
    assert errors(refused) == [message]
    assert f'name="name" value="{name}"' in refused.get_data(as_text=True)  # kept for fixing
    assert accounts.list_users(engine) == before


def test_disable_signs_the_user_out_and_enable_lets_them_back(
    desk_app, admin_client, editor_client, engine
) -> None:
    assert desk.post(admin_client, "/desk/users/editor1/disable").status_code == 302
    assert user(engine, "editor1").disabled
    assert editor_client.get("/desk/").status_code == 302  # their open session ended
    assert desk.login(desk_app.test_client(), "editor1").status_code == 401
    page = admin_client.get("/desk/users").get_data(as_text=True)
    assert "已停用 editor1：其登录立即失效" in page
    assert 'action="/desk/users/editor1/enable"' in page

    assert desk.post(admin_client, "/desk/users/editor1/enable").status_code == 302
    assert not user(engine, "editor1").disabled
    assert desk.login(desk_app.test_client(), "editor1").status_code == 302
    assert user_entries(engine)[-2:] == [
        ("desk:chief", "user-disable", "editor1"),
        ("desk:chief", "user-enable", "editor1"),
    ]


def test_an_admin_sets_a_password(desk_app, admin_client, editor_client, engine) -> None:
    short = desk.post(admin_client, "/desk/users/editor1/password", {"password": "123"})
    assert short.status_code == 400 and errors(short) == ["密码至少 10 个字符"]
    assert editor_client.get("/desk/").status_code == 200  # nothing changed

    assert (
        desk.post(
            admin_client, "/desk/users/editor1/password", {"password": "换一个更长的新密码吧！"}
        ).status_code
        == 302
    )
    assert editor_client.get("/desk/").status_code == 302
    assert desk.login(desk_app.test_client(), "editor1").status_code == 401  # the old one
    assert (
        desk.login(desk_app.test_client(), "editor1", "换一个更长的新密码吧！").status_code == 302
    )
    assert user_entries(engine)[-1] == ("desk:chief", "user-passwd", "editor1")


def test_an_admin_who_changes_their_own_password_stays_signed_in_here(
    desk_app, admin, engine
) -> None:
    here, elsewhere = desk_app.test_client(), desk_app.test_client()
    for client in (here, elsewhere):
        assert desk.login(client, admin).status_code == 302
    changed = desk.post(here, f"/desk/users/{admin}/password", {"password": "a new password"})
    assert changed.status_code == 302
    page = here.get("/desk/users")
    assert page.status_code == 200
    assert "已设置新密码：您在其他地方的登录已失效" in page.get_data(as_text=True)
    assert elsewhere.get("/desk/").status_code == 302


def test_an_admin_cannot_disable_themselves(admin_client, engine, admin) -> None:
    page = admin_client.get("/desk/users").get_data(as_text=True)
    assert f'action="/desk/users/{admin}/disable"' not in page  # not offered
    refused = desk.post(admin_client, f"/desk/users/{admin}/disable")
    assert refused.status_code == 400 and errors(refused) == ["不能停用自己的账户"]
    assert not user(engine, admin).disabled
    assert admin_client.get("/desk/users").status_code == 200


def test_an_unknown_user_is_not_found(admin_client) -> None:
    for action in ("disable", "enable", "password"):
        response = desk.post(admin_client, f"/desk/users/nobody/{action}", {"password": "x" * 12})
        assert response.status_code == 404, action


def test_the_audit_page_lists_user_actions(admin_client, editor, engine) -> None:
    desk.post(
        admin_client, "/desk/users", {"name": "intern", "role": "editor", "password": "p" * 12}
    )
    desk.post(admin_client, "/desk/users/intern/disable")
    desk.post(admin_client, "/desk/users/intern/enable")
    desk.post(admin_client, "/desk/users/intern/password", {"password": "q" * 12})
    html = admin_client.get("/desk/audit").get_data(as_text=True)
    shown = [
        " ".join(unescape(re.sub(r"<[^>]+>", " ", item)).split())
        for item in re.findall(r"<li><time.*?</li>", html, re.S)
    ]
    mine = [s for s in shown if "desk:chief" in s]  # newest first
    for entry, what in zip(
        mine,
        ["设置密码：intern", "启用用户：intern", "停用用户：intern", "添加用户：intern"],
        strict=False,
    ):
        assert f"desk:chief {what}" in entry
    assert len(mine) == 4
    assert mine[2].endswith("修改内容 字段 修改前 修改后 停用 否 是")  # before and after, in words
    assert any(" chief 登录" in s for s in shown)  # sign-ins too


def test_the_audit_page_is_paged(editor_client, engine, clock) -> None:
    with store.transaction(engine) as conn:
        for n in range(PER_PAGE + 5):
            store.record_audit(
                conn,
                at=clock.now + timedelta(seconds=n),
                actor="test",
                action="withdraw",
                article_id=f"zjgrrb-20210830-01-{n:02d}",
                note=f"第{n}次",
            )
    html = editor_client.get("/desk/audit").get_data(as_text=True)
    assert html.count("<li><time") == PER_PAGE
    [more] = re.findall(r'<a class="more" href="([^"]+)">更早的记录 →</a>', html)
    older = editor_client.get(unescape(more)).get_data(as_text=True)
    assert older.count("<li><time") == 5 + 2  # the rest, then adding editor1 and its sign-in
    assert "更早的记录" not in older
