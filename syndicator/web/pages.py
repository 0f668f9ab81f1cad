"""Pages for readers: an edition, one of its printed pages, an article as printed.

``/`` is the latest edition, ``/editions/<date>`` an earlier one,
``/editions/<date>/<page>`` one page (版) of it and ``/articles/<id>`` an
article, the page every feed item links to.

They show only what the feeds show: published articles that are due. An
embargoed article must not be readable an hour early because its id is
easy to guess, nor a withdrawn one after it was taken back. Nothing of the
newsroom is here (WeChat checks, the Copy button, the post's fragment and
payload): staff find those on the desk (``web.desk``), signed in, where
every article is shown with its status.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any

from flask import Blueprint, Flask, abort, render_template, url_for

from .. import store
from ..model import Article, Block, Edition
from ..render.html import inline, lead_byline, render_table
from . import reader, sharing
from .db import get_config, get_conn, get_now
from .reader import PrintedPage

bp = Blueprint("pages", __name__)

#: How many earlier editions the 往期 list names (the rest are a click away).
RECENT_EDITIONS = 14


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.add_template_filter(reader.chinese_date, "chinese_date")
    # The body's sanitised inline markup and tables, as the feeds print them.
    app.add_template_global(inline, "inline_html")
    app.add_template_global(_bare_table, "table_html")
    app.add_template_global(_teaser_image, "teaser_image")


def _bare_table(block: Block) -> str:
    """A table block's ``<table>`` alone: the page prints its title and credit outside the
    box that scrolls, so they stay in view while a reader swipes the columns."""
    return render_table(dataclasses.replace(block, caption=None, credit=None))


def _teaser_image(article: Article) -> str | None:
    """The picture beside an article on its page's list: the first with an address.

    A photo of this site's media store is shown as its thumbnail (480 px
    wide), which is plenty for a list and a fraction of the bytes.
    """
    base = get_config().site.base_url
    src = next((b.src for b in article.images if sharing.absolute_url(base, b.src)), None)
    name = store.media_name(src, base)
    if name is None:
        return src
    return store.media_url(base, name.rsplit(".", 1)[0] + ".jpg", thumb=True)  # thumbs are JPEG


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


def _editions() -> list[tuple[date, int]]:
    """Every edition with a due article, newest first."""
    return store.list_editions(get_conn(), due_by=get_now())


def _day(day: str) -> date:
    try:
        return date.fromisoformat(day)
    except ValueError:
        abort(404)


def _pages(day: date) -> list[PrintedPage]:
    return reader.printed_pages(store.due_in_edition(get_conn(), get_now(), day))


def _neighbours(day: date, editions: list[tuple[date, int]]) -> dict[str, date | None]:
    """The editions before and after ``day`` (``editions`` is newest first)."""
    days = [d for d, _ in editions]
    at = days.index(day) if day in days else None
    if at is None:
        return {"older": None, "newer": None}
    return {
        "older": days[at + 1] if at + 1 < len(days) else None,
        "newer": days[at - 1] if at > 0 else None,
    }


def _common(**context: Any) -> dict[str, Any]:
    """What every reader page's frame (``base.html``) needs."""
    config = get_config()
    return {
        "config": config,
        "feed_links": _feed_links(),
        "opml_url": sharing.site_url(config, "/feeds/opml.xml"),
        **context,
    }


@bp.route("/")
def index() -> str:
    editions = _editions()
    if not editions:
        config = get_config()
        card = sharing.ShareCard(
            title=config.site.title,
            description=config.site.description,
            url=sharing.site_url(config, "/"),
            site_name=config.site.title,
        )
        return render_template("edition.html", **_common(day=None, card=card, editions=[]))
    return _edition_page(editions[0][0], editions, canonical_path="/")


@bp.route("/editions/<day>")
def edition(day: str) -> str:
    wanted = _day(day)
    editions = _editions()
    if not any(d == wanted for d, _ in editions):
        abort(404)
    return _edition_page(
        wanted, editions, canonical_path=url_for(".edition", day=wanted.isoformat())
    )


def _masthead(day: date) -> Edition | None:
    return store.get_edition(get_conn(), day)


def _edition_page(day: date, editions: list[tuple[date, int]], canonical_path: str) -> str:
    config = get_config()
    pages = _pages(day)
    masthead = _masthead(day)
    paper = masthead.paper if masthead else config.site.title
    lead = pages[0].articles[0] if pages else None
    base = config.site.base_url
    card = sharing.ShareCard(
        title=f"{paper} {reader.chinese_date(day)}",
        description=lead.title if lead else config.site.description,
        url=sharing.site_url(config, canonical_path),
        site_name=config.site.title,
        image=next(
            (i for p in pages for a in p.articles for i in sharing.share_images(a, base)), None
        ),
    )
    return render_template(
        "edition.html",
        **_common(
            day=day,
            masthead=masthead,
            paper=paper,
            pages=pages,
            card=card,
            editions=editions[:RECENT_EDITIONS],
            **_neighbours(day, editions),
        ),
    )


@bp.route("/editions/<day>/<int:page>")
def edition_page(day: str, page: int) -> str:
    config = get_config()
    wanted = _day(day)
    pages = _pages(wanted)
    at = next((i for i, p in enumerate(pages) if p.number == page), None)
    if at is None:
        abort(404)
    printed = pages[at]
    masthead = _masthead(wanted)
    paper = masthead.paper if masthead else config.site.title
    card = sharing.ShareCard(
        title=f"{printed.title} · {paper} {reader.chinese_date(wanted)}",
        description="、".join(a.title for a in printed.articles),
        url=sharing.site_url(config, url_for(".edition_page", day=wanted.isoformat(), page=page)),
        site_name=config.site.title,
    )
    return render_template(
        "page.html",
        **_common(
            day=wanted,
            masthead=masthead,
            paper=paper,
            page=printed,
            pages=pages,
            previous=pages[at - 1] if at > 0 else None,
            next=pages[at + 1] if at + 1 < len(pages) else None,
            card=card,
        ),
    )


def _get_article(article_id: str) -> Article:
    article = store.get_article(get_conn(), article_id)
    if article is None or not _visible(article, get_now()):
        abort(404)
    return article


@bp.route("/articles/<article_id>")
def article_page(article_id: str) -> str:
    config = get_config()
    article = _get_article(article_id)
    url = sharing.site_url(config, url_for(".article_page", article_id=article.id))
    same_page = [
        a
        for a in store.due_in_edition(get_conn(), get_now(), article.edition)
        if a.page == article.page
    ]
    [printed] = reader.printed_pages(same_page) or [
        PrintedPage(article.edition, article.page, reader.page_name(article), (article,))
    ]
    masthead = _masthead(article.edition)
    return render_template(
        "article.html",
        **_common(
            article=article,
            masthead=masthead,
            page=printed,
            others=[a for a in printed.articles if a.id != article.id],
            paper=article.paper or (masthead.paper if masthead else config.site.title),
            published=reader.chinese_time(article.published_at, config.tz),
            published_iso=article.published_at.astimezone(config.tz).isoformat(),
            corrections=reader.correction_notes(article, config.tz),
            lead_byline=lead_byline(article),
            meta_byline=_meta_byline(article),
            card=sharing.article_card(article, config, url),
            json_ld=sharing.script_json(sharing.news_article(article, config, url)),
        ),
    )


def _meta_byline(article: Article) -> str | None:
    """The byline to print under the headline: one the lead or a picture does not already show."""
    if not article.byline or lead_byline(article):
        return None
    credits = {b.credit for b in article.images if b.credit}
    return None if article.byline in credits else article.byline
