"""One article on the desk: its state, its WeChat post, what was done to it.

Withdraw (with a reason), restore, move the embargo and push a draft are
forms posting to this page; each calls the use case the CLI calls, with
the signed-in user as the actor, so the audit trail names them. A write
bumps the store's revision: the running scheduler sees it within
``[scheduler] watch`` seconds and the feeds and WeChat files follow.
"""

from __future__ import annotations

from datetime import datetime

from flask import Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ...actions import articles as article_actions
from ...actions import audit as audit_actions
from ...actions import wechat as wechat_actions
from ...errors import InputError, SyndicatorError
from ...render.wechat import post as wechat_post
from ..db import get_config, get_engine, get_now
from .editions import article_state
from .session import actor, bp


def _page(article_id: str, status: int = 200, **errors: str) -> tuple[str, int]:
    config, engine, now = get_config(), get_engine(), get_now()
    article = article_actions.get_article(engine, article_id)
    post = wechat_post.build_post(article, config)
    ready = wechat_actions.readiness(article, config, now, post)
    label, css = article_state(article, now, config)
    page = render_template(
        "desk/article.html",
        article=article,
        state=label,
        state_css=css,
        ready=ready,
        content=post.content,
        copyable=not post.check,
        digest=post.payload["digest"],
        local_published=article.published_at.astimezone(config.tz),
        history_entries=audit_actions.list_audit(engine, article_id=article_id, limit=50),
        push_configured=wechat_actions.push_configured(),
        errors=errors,
        form=request.form if request.method == "POST" else {},
    )
    return page, status


@bp.get("/articles/<article_id>")
def article(article_id: str) -> tuple[str, int]:
    return _page(article_id)


@bp.get("/articles/<article_id>/wechat.html")
def wechat_html(article_id: str) -> Response:
    """The post's fragment alone, exactly what the Copy button puts on the clipboard.

    A newsroom tool, so it lives here, signed in (it was public until the
    reader pages became the readers'); any status, since staff check a post
    before it is due. The pass also writes due posts to ``feeds/wechat/``.
    """
    post = wechat_post.build_post(
        article_actions.get_article(get_engine(), article_id), get_config()
    )
    if post.check:
        return _unprocessable(post)
    return Response(post.content, content_type="text/html; charset=utf-8")


@bp.get("/articles/<article_id>/wechat.json")
def wechat_json(article_id: str) -> Response:
    """The ``draft/add`` article object, or 422 listing the rules it breaks."""
    post = wechat_post.build_post(
        article_actions.get_article(get_engine(), article_id), get_config()
    )
    if not post.ready:
        return _unprocessable(post)
    return Response(post.json, content_type="application/json; charset=utf-8")


def _unprocessable(post: wechat_post.WechatPost) -> Response:
    body = {"error": f"{post.article_id}: not ready for WeChat", "problems": post.complaints}
    return Response(
        wechat_post.payload_json(body),
        status=422,
        content_type="application/json; charset=utf-8",
    )


def _done(article_id: str, message: str) -> ResponseReturnValue:
    flash(message, "ok")
    return redirect(url_for("desk.article", article_id=article_id))


@bp.post("/articles/<article_id>/withdraw")
def withdraw(article_id: str) -> ResponseReturnValue:
    reason = " ".join(request.form.get("reason", "").split())
    if not reason:
        return _page(article_id, 400, reason="请填写撤回原因")
    article_actions.withdraw_article(
        get_engine(), article_id, actor=actor(), reason=reason, now=get_now()
    )
    return _done(article_id, "已撤回：下一次发布时从所有订阅源中移除")


@bp.post("/articles/<article_id>/restore")
def restore(article_id: str) -> ResponseReturnValue:
    article_actions.restore_article(get_engine(), article_id, actor=actor(), now=get_now())
    return _done(article_id, "已恢复发布")


@bp.post("/articles/<article_id>/embargo")
def embargo(article_id: str) -> ResponseReturnValue:
    config = get_config()
    try:
        when = datetime.fromisoformat(request.form.get("published_at", "").strip())
    except ValueError:
        return _page(article_id, 400, published_at="请填写有效的日期和时间")
    when = when.replace(tzinfo=config.tz) if when.tzinfo is None else when
    article_actions.set_embargo(get_engine(), article_id, when, actor=actor(), now=get_now())
    local = when.astimezone(config.tz)
    return _done(article_id, f"发布时间已改为 {local:%Y-%m-%d %H:%M}")


@bp.post("/articles/<article_id>/push")
def push(article_id: str) -> ResponseReturnValue:
    config, engine = get_config(), get_engine()
    ready = wechat_actions.readiness(
        article_actions.get_article(engine, article_id), config, get_now()
    )
    if ready.held and request.form.get("confirm") != "yes":
        return _page(article_id, 409, push=f"{ready.held}。确认仍要推送草稿时请勾选确认")
    try:
        result = wechat_actions.push_draft(engine, config, article_id)
    except InputError as exc:
        return _page(article_id, 400, push=f"推送失败：{exc}")
    except SyndicatorError as exc:
        return _page(article_id, 502, push=f"推送失败：{exc}")
    note = f"草稿 {result.media_id}（上传图片 {result.uploaded} 张，复用 {result.reused} 张）"
    audit_actions.record(
        engine, actor=actor(), action="push", article_id=article_id, note=note, now=get_now()
    )
    return _done(article_id, f"已推送到公众号草稿箱：{note}")
