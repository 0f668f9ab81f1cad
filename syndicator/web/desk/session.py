"""Who is signed in to the desk, and what every desk answer carries.

A desk session is Flask's signed cookie: HttpOnly, SameSite=Lax, Secure
when the site is served over https, named apart from anything a reader
gets. It holds the user's id, a stamp of their password (so ``user
passwd`` or ``user disable`` ends every session at once), and two times:
a session ends after :data:`IDLE` without a request and :data:`LIFETIME`
after sign-in, whatever happens. Every form carries a CSRF token
(Flask-WTF's ``CSRFProtect``); the ingest API is exempt, it takes a bearer
token and no cookie.

The signing key is ``$SYNDICATOR_SECRET_KEY`` or, when unset, one the
store keeps (made on first start), so every worker and every instance on
the same store accepts the same cookies and a restart signs no one out.
A worker that starts while the store is unreachable still serves the
feeds: it asks the store for the key again at the next desk request
(:class:`_KeyFromStoreLater`), and until then the desk has no session.
"""

from __future__ import annotations

import functools
import os
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar, cast

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy.engine import Engine

from ... import store
from ...actions import accounts
from ...errors import StoreError
from .. import security
from ..db import get_engine, get_now

bp = Blueprint("desk", __name__, url_prefix="/desk")

SECRET_ENV = "SYNDICATOR_SECRET_KEY"
SECRET_META = "desk.secret"
COOKIE = "syndicator_desk"
#: A session unused this long ends (a desk left open overnight).
IDLE = timedelta(hours=2)
#: A session ends this long after sign-in, used or not (one working day).
LIFETIME = timedelta(hours=12)
#: What a signed-in page may load: the policy of the public pages, plus forms to itself.
CONTENT_SECURITY_POLICY = security.CONTENT_SECURITY_POLICY.replace(
    "form-action 'none'", "form-action 'self'"
)
#: Views anyone may open: signing in needs no session.
OPEN_VIEWS = frozenset({"desk.login"})
#: Views taking files, and the most one request may bring: several photos of
#: up to the media store's 20 MB each, or a day's page files. The app's own
#: ``MAX_CONTENT_LENGTH`` is the ingest API's body limit, 2 MB: one phone photo.
UPLOAD_VIEWS = frozenset({"desk.upload", "desk.upload_photos"})
UPLOAD_LIMIT = 100 * 1024 * 1024

#: The desk's menu after 版面: (endpoint, label, role that sees it; None: everyone).
NAV = (
    ("desk.imports", "导入", None),
    ("desk.audit", "操作记录", None),
    ("desk.users", "用户", "admin"),
)

F = TypeVar("F", bound=Callable[..., Any])
csrf = CSRFProtect()


def init_session(app: Flask) -> None:
    """Key, cookie and CSRF settings; the API (bearer token, no cookie) is exempt."""
    config = app.extensions["syndicator.config"]
    if not app.config.get("SECRET_KEY"):
        try:
            app.config["SECRET_KEY"] = os.environ.get(SECRET_ENV) or _stored_secret(
                app.extensions["syndicator.engine"]
            )
        except StoreError:  # the store is away at start: the feeds need no key
            app.session_interface = _KeyFromStoreLater()
    app.config["SESSION_COOKIE_NAME"] = COOKIE
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.site.base_url.startswith("https://"),
        SESSION_COOKIE_PATH="/desk",  # readers and feed polls never carry it
        PERMANENT_SESSION_LIFETIME=IDLE,
        WTF_CSRF_TIME_LIMIT=int(LIFETIME.total_seconds()),
    )
    app.before_request(_upload_limit)  # before CSRFProtect's check reads the form
    csrf.init_app(app)
    from .. import api

    csrf.exempt(api.bp)
    app.register_error_handler(CSRFError, _csrf_refused)


class _KeyFromStoreLater(SecureCookieSessionInterface):
    """Flask's cookie sessions, fetching the store's key at the first desk request that finds it.

    Only under ``/desk`` (the cookie's path) is the store asked; elsewhere,
    and while the store stays away, the request gets Flask's null session.
    """

    def get_signing_serializer(self, app: Flask) -> Any:
        if not app.secret_key and request.path.startswith(bp.url_prefix or "/desk"):
            try:
                app.config["SECRET_KEY"] = _stored_secret(app.extensions["syndicator.engine"])
            except StoreError:
                return None
        return super().get_signing_serializer(app)


def _upload_limit() -> None:
    if request.endpoint in UPLOAD_VIEWS:
        request.max_content_length = UPLOAD_LIMIT


def _stored_secret(engine: Engine) -> str:
    """The store's signing key, made once; a second worker racing to make it reads the first's."""
    for _attempt in range(3):
        with engine.connect() as conn:
            value = store.get_meta(conn, SECRET_META)
        if value:
            return value
        try:
            with store.transaction(engine) as conn:
                if store.get_meta(conn, SECRET_META) is None:
                    store.set_meta(conn, SECRET_META, secrets.token_hex(32))
        except StoreError as exc:
            if not exc.retryable:
                raise
    raise StoreError("could not agree on the desk's signing key")


def _csrf_refused(exc: CSRFError) -> tuple[str, int]:
    return render_template("desk/refused.html", reason=exc.description), 400


# -- who is signed in -----------------------------------------------------------


def current_user() -> accounts.User | None:
    return cast("accounts.User | None", g.get("user"))


def actor() -> str:
    """How the audit trail names whoever made this request."""
    user = current_user()
    return f"desk:{user.name}" if user else "desk"


def sign_in(user: accounts.User) -> None:
    """Start a fresh session (a new cookie: nothing from before sign-in carries over)."""
    session.clear()
    session.permanent = True
    now = get_now().timestamp()
    session.update(uid=user.id, stamp=user.stamp, since=now, seen=now)


def keep_signed_in(user: accounts.User) -> None:
    """After changing one's own password: this session goes on, every other one ends."""
    session["stamp"] = user.stamp


def sign_out() -> None:
    session.clear()


def _load_user() -> accounts.User | None:
    uid, stamp = session.get("uid"), session.get("stamp")
    if not isinstance(uid, int) or not isinstance(stamp, str):
        return None
    now = get_now().timestamp()
    since, seen = session.get("since", 0), session.get("seen", 0)
    if now - since > LIFETIME.total_seconds() or now - seen > IDLE.total_seconds():
        session.clear()
        return None
    user = accounts.get_user(get_engine(), uid)
    if user is None or user.disabled or user.stamp != stamp:
        session.clear()
        return None
    session["seen"] = now
    return user


@bp.before_request
def _guard() -> ResponseReturnValue | None:
    g.user = _load_user()
    if g.user is None and request.endpoint not in OPEN_VIEWS:
        if request.method != "GET":
            return Response("请先登录\n", 401, content_type="text/plain; charset=utf-8")
        return redirect(url_for("desk.login", next=request.full_path.rstrip("?")))
    return None


@bp.after_request
def _private(response: Response) -> ResponseReturnValue:
    """Nothing a desk page shows may be cached on the way or indexed."""
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    if response.mimetype == "text/html":
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return response


def requires(role: str) -> Callable[[F], F]:
    """A view only ``role`` may use (``admin``: managing users); others get 403."""

    def wrap(view: F) -> F:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None or user.role != role:
                return render_template("desk/refused.html", reason="只有管理员可以管理用户"), 403
            return view(*args, **kwargs)

        return cast(F, guarded)

    return wrap


@bp.app_context_processor
def _desk_context() -> dict[str, Any]:
    if request.blueprint != "desk":
        return {}
    user = current_user()
    endpoints = set(current_app.view_functions)
    links = [
        (name, label)
        for name, label, role in NAV
        if name in endpoints and user is not None and role in (None, user.role)
    ]
    return {
        "user": user,
        "config": current_app.extensions["syndicator.config"],
        "desk_links": links,
        "desk_endpoints": endpoints,
    }
