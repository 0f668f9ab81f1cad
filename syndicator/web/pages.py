"""Pages for readers: the edition list and the WeChat preview of an article.

They show only what the feeds show: published articles that are due. An
embargoed article must not be readable an hour early because its id is
easy to guess, nor a withdrawn one after it was taken back. The newsroom
sees everything, with its status, on the desk (``web.desk``), signed in.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, Flask, Response, abort, render_template

from .. import store
from ..actions.wechat import readiness
from ..model import Article
from ..render.wechat import post as wechat_post
from .db import get_config, get_conn

bp = Blueprint("pages", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


def _visible(article: Article, now: datetime) -> bool:
    """What the public may read: what the feeds carry."""
    return article.status == "published" and article.published_at <= now


def _feed_links() -> list[dict[str, str]]:
    """Autodiscovery ``<link rel="alternate">`` for every channel and format."""
    config = get_config()
    kinds = (
        ("rss.xml", "application/rss+xml", "RSS"),
        ("atom.xml", "application/atom+xml", "Atom"),
        ("feed.json", "application/feed+json", "JSON Feed"),
    )
    return [
        {
            "href": f"{config.site.base_url}/feeds/{c.name}/{filename}",
            "type": media,
            "title": f"{c.title}（{label}）",
            "channel": c.name,
            "label": label,
        }
        for c in config.channels
        for filename, media, label in kinds
    ]


def _status(article: Article, now: datetime) -> str:
    if article.status == "withdrawn":
        return "已撤回"
    if article.status == "draft":
        return "草稿"
    if article.published_at > now:
        local = article.published_at.astimezone(get_config().tz)
        return f"定时 {local:%Y-%m-%d %H:%M}"
    return "已发布"


def _editions() -> list[tuple[date, int]]:
    return store.list_editions(get_conn(), due_by=datetime.now(get_config().tz))


@bp.route("/")
def index() -> str:
    editions = _editions()
    day = editions[0][0] if editions else None
    return _edition_page(day, editions)


@bp.route("/editions/<day>")
def edition(day: str) -> str:
    try:
        wanted = date.fromisoformat(day)
    except ValueError:
        abort(404)
    editions = _editions()
    if not any(d == wanted for d, _ in editions):
        abort(404)
    return _edition_page(wanted, editions)


def _edition_page(day: date | None, editions: list[tuple[date, int]]) -> str:
    config = get_config()
    conn = get_conn()
    now = datetime.now(config.tz)
    articles = [a for a in store.list_edition(conn, day) if _visible(a, now)] if day else []
    masthead = store.get_edition(conn, day) if day else None
    rows = []
    for a in articles:
        post = wechat_post.build_post(a, config)
        rows.append(
            {
                "article": a,
                "status": _status(a, now),
                "digest": post.payload["digest"],
                "wechat": list(readiness(a, config, now, post).problems),
            }
        )
    return render_template(
        "index.html",
        config=config,
        day=day,
        masthead=masthead,
        rows=rows,
        editions=editions,
        feed_links=_feed_links(),
    )


def _get_article(article_id: str) -> Article:
    article = store.get_article(get_conn(), article_id)
    if article is None or not _visible(article, datetime.now(get_config().tz)):
        abort(404)
    return article


@bp.route("/articles/<article_id>")
def article_page(article_id: str) -> str:
    config = get_config()
    article = _get_article(article_id)
    post = wechat_post.build_post(article, config)
    now = datetime.now(config.tz)
    return render_template(
        "article.html",
        config=config,
        article=article,
        status=_status(article, now),
        content=post.content,
        # What push would refuse (a missing cover too), not only the checker's rules.
        complaints=list(readiness(article, config, now, post).problems),
        copyable=not post.check,
        digest=post.payload["digest"],
        local_published=article.published_at.astimezone(config.tz),
        feed_links=_feed_links(),
    )


@bp.route("/articles/<article_id>/wechat.html")
def article_wechat_html(article_id: str) -> Response:
    """The fragment alone, as the Copy button puts it on the clipboard."""
    post = wechat_post.build_post(_get_article(article_id), get_config())
    if post.check:
        return _unprocessable(post)
    return Response(post.content, content_type="text/html; charset=utf-8")


@bp.route("/articles/<article_id>/wechat.json")
def article_wechat_json(article_id: str) -> Response:
    """The ``draft/add`` article object, or 422 listing the rules it breaks."""
    post = wechat_post.build_post(_get_article(article_id), get_config())
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
