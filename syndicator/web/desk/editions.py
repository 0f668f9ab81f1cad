"""The day's paper on the desk: its pages, each with its articles and their state.

Every article of the day shows whether it is out (已发布), waiting for its
time (定时), held back (草稿, 已撤回), and whether its WeChat post would
pass a push now. The list of editions is paged: a paper's whole archive
is thousands of days.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime

from flask import abort, render_template, request

from ... import store
from ...actions.wechat import readiness
from ...config import Config
from ...model import Article
from ..db import get_config, get_conn, get_now
from .session import bp

#: Editions listed per page of the archive.
EDITIONS_PER_PAGE = 30


def article_state(article: Article, now: datetime, config: Config) -> tuple[str, str]:
    """The article's state as a label and a CSS class the desk colours by."""
    if article.status == "withdrawn":
        return "已撤回", "withdrawn"
    if article.status == "draft":
        return "草稿", "draft"
    if article.published_at > now:
        return f"定时 {article.published_at.astimezone(config.tz):%m-%d %H:%M}", "scheduled"
    return "已发布", "published"


@bp.route("/")
def index() -> str:
    latest = store.list_editions(get_conn(), limit=1)
    return _edition_page(latest[0][0] if latest else None)


@bp.route("/editions/<day>")
def edition(day: str) -> str:
    try:
        wanted = date.fromisoformat(day)
    except ValueError:
        abort(404)
    return _edition_page(wanted)


def _edition_page(day: date | None) -> str:
    config, conn, now = get_config(), get_conn(), get_now()
    articles = store.list_edition(conn, day) if day else []
    if day is not None and not articles:
        abort(404)
    pages = []
    for page, group in itertools.groupby(articles, key=lambda a: a.page):
        members = list(group)
        rows = []
        for a in members:
            label, css = article_state(a, now, config)
            rows.append(
                {"article": a, "state": label, "css": css, "wechat": readiness(a, config, now)}
            )
        pages.append({"number": page, "name": members[0].page_name, "rows": rows})
    before = _before()
    editions = store.list_editions(conn, before=before, limit=EDITIONS_PER_PAGE + 1)
    more = editions[EDITIONS_PER_PAGE][0] if len(editions) > EDITIONS_PER_PAGE else None
    return render_template(
        "desk/edition.html",
        day=day,
        masthead=store.get_edition(conn, day) if day else None,
        pages=pages,
        editions=editions[:EDITIONS_PER_PAGE],
        older=editions[EDITIONS_PER_PAGE - 1][0] if more else None,
    )


def _before() -> date | None:
    try:
        return date.fromisoformat(request.args.get("before", ""))
    except ValueError:
        return None
