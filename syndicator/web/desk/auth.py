"""Signing in and out of the desk.

The use case (:func:`actions.accounts.authenticate`) does the checking
and the rate limits, per account and per address, counted in the store so
every worker and instance sees the same count; this module only turns its
answers into pages.
"""

from __future__ import annotations

import math

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ...actions import accounts
from ..db import get_engine, get_now
from .session import bp, current_user, sign_in, sign_out


def _safe_next(target: str | None) -> str:
    """Only a desk path of this site: a login link must not send anyone elsewhere."""
    if target and target.startswith("/desk") and not target.startswith("//"):
        return target
    return url_for("desk.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if request.method == "GET":
        if current_user() is not None:
            return redirect(_safe_next(request.args.get("next")))
        return render_template("desk/login.html", next=request.args.get("next", ""), name="")
    name = request.form.get("name", "").strip()
    password = request.form.get("password", "")
    next_url = request.form.get("next", "")
    try:
        user = accounts.authenticate(
            get_engine(), name, password, address=request.remote_addr or "?", now=get_now()
        )
    except accounts.LoginLimited as exc:
        wait = max(1, math.ceil(exc.retry_after))
        page = render_template(
            "desk/login.html",
            next=next_url,
            name=name,
            error=f"尝试次数过多，请 {math.ceil(wait / 60)} 分钟后再试",
        )
        return page, 429, {"Retry-After": str(wait)}
    except accounts.LoginRefused as exc:
        page = render_template("desk/login.html", next=next_url, name=name, error=str(exc))
        return page, 401, {}
    sign_in(user)
    return redirect(_safe_next(next_url))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    sign_out()
    return redirect(url_for("desk.login"))
