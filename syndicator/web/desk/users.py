"""Managing staff accounts on the desk: for admins only.

The same use cases as ``syndicator user add|list|disable|passwd``; an
editor who opens these pages gets a 403, and every change is audited with
the admin's name.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ...actions import accounts
from ...errors import InputError
from ..db import get_engine, get_now
from .session import actor, bp, current_user, keep_signed_in, requires

ROLE_LABELS = {"editor": "编辑", "admin": "管理员"}


def _page(status: int = 200, **errors: str) -> tuple[str, int]:
    form = request.form if request.method == "POST" else {}
    page = render_template(
        "desk/users.html",
        users=accounts.list_users(get_engine()),
        roles=ROLE_LABELS,
        errors=errors,
        form=form,
    )
    return page, status


@bp.get("/users")
@requires("admin")
def users() -> tuple[str, int]:
    return _page()


@bp.post("/users")
@requires("admin")
def add_user() -> ResponseReturnValue:
    name = request.form.get("name", "").strip()
    role = request.form.get("role", "editor")
    password = request.form.get("password", "")
    if role not in ROLE_LABELS:
        return _page(400, role="请选择角色")
    try:
        accounts.add_user(get_engine(), name, role, password, actor=actor(), now=get_now())
    except InputError as exc:
        return _page(400, **{exc.field or "name": _zh(exc)})
    flash(f"已添加用户 {name}", "ok")
    return redirect(url_for("desk.users"))


@bp.post("/users/<name>/disable")
@requires("admin")
def disable_user(name: str) -> ResponseReturnValue:
    user = current_user()
    if user is not None and user.name == name:
        return _page(400, account="不能停用自己的账户")
    accounts.disable_user(get_engine(), name, actor=actor(), now=get_now())
    flash(f"已停用 {name}：其登录立即失效", "ok")
    return redirect(url_for("desk.users"))


@bp.post("/users/<name>/enable")
@requires("admin")
def enable_user(name: str) -> ResponseReturnValue:
    accounts.enable_user(get_engine(), name, actor=actor(), now=get_now())
    flash(f"已启用 {name}", "ok")
    return redirect(url_for("desk.users"))


@bp.post("/users/<name>/password")
@requires("admin")
def set_password(name: str) -> ResponseReturnValue:
    try:
        changed = accounts.set_password(
            get_engine(), name, request.form.get("password", ""), actor=actor(), now=get_now()
        )
    except InputError as exc:
        return _page(400, account=_zh(exc))
    user = current_user()
    if user is not None and user.id == changed.id:
        keep_signed_in(changed)
        flash("已设置新密码：您在其他地方的登录已失效", "ok")
        return redirect(url_for("desk.users"))
    flash(f"已为 {name} 设置新密码：其原有登录立即失效", "ok")
    return redirect(url_for("desk.users"))


def _zh(exc: InputError) -> str:
    """The use case's message in the desk's words, for the fields it can name."""
    field = exc.field or ""
    if field == "password":
        return f"密码至少 {accounts.PASSWORD_MIN} 个字符"
    if field == "name":
        if "exists" in str(exc):
            return "该用户名已存在"
        return "用户名只能包含小写字母、数字和 . _ -，且以字母或数字开头"
    return str(exc)
