"""What a shared link previews: canonical URL, Open Graph and Twitter cards, schema.org JSON-LD.

A chat app or a search engine reads these from the page's ``<head>``; all
their addresses must be absolute (a relative ``og:image`` shows no
picture), and all of them are built from ``site.base_url`` so that a page
reached through a proxy or another host name still names the one public
address.

The JSON-LD is served in ``<script type="application/ld+json">``: a data
block that the browser never runs, so the pages' Content-Security-Policy
(``script-src 'self'``, no inline script) does not apply to it. Article
text inside it could still close the element early (``</script>``), so
:func:`script_json` escapes every ``<``, ``>`` and ``&`` as ``\\u003c``
and so on, which JSON reads back as the same characters.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from markupsafe import Markup

from ..config import Config
from ..model import Article
from .reader import chinese_date, page_name

#: Characters that could end or confuse the ``<script>`` element around JSON.
_SCRIPT_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def site_url(config: Config, path: str) -> str:
    """``path`` on the public site: ``base_url`` + path."""
    return f"{config.site.base_url.rstrip('/')}{path}"


def absolute_url(base_url: str, src: str | None) -> str | None:
    """``src`` resolved against the site, if it ends up on the web (http or https)."""
    if not src or not src.strip():
        return None
    resolved = urljoin(base_url.rstrip("/") + "/", src.strip())
    return resolved if urlsplit(resolved).scheme in ("http", "https") else None


def share_images(article: Article, base_url: str) -> list[str]:
    """Every picture of the article with an address, absolute, in body order."""
    found = (absolute_url(base_url, b.src) for b in article.images)
    return [url for url in found if url]


@dataclass(frozen=True)
class ShareCard:
    """The facts Open Graph, Twitter and ``<link rel=canonical>`` state about a page."""

    title: str
    description: str
    url: str
    site_name: str
    type: str = "website"  # og:type: "article" for an article
    image: str | None = None
    image_alt: str | None = None
    published: str | None = None  # ISO 8601, article:published_time
    modified: str | None = None
    section: str | None = None
    tags: tuple[str, ...] = ()

    @property
    def twitter_card(self) -> str:
        """A large picture when there is one to show."""
        return "summary_large_image" if self.image else "summary"


def article_card(article: Article, config: Config, url: str) -> ShareCard:
    images = share_images(article, config.site.base_url)
    first = next((b for b in article.images if absolute_url(config.site.base_url, b.src)), None)
    tz = config.tz
    return ShareCard(
        title=article.title,
        description=article.digest(),
        url=url,
        site_name=config.site.title,
        type="article",
        image=images[0] if images else None,
        image_alt=(first.caption or article.title) if first else None,
        published=article.published_at.astimezone(tz).isoformat(),
        modified=article.updated_at.astimezone(tz).isoformat(),
        section=article.section or page_name(article),
        tags=article.tags,
    )


def news_article(article: Article, config: Config, url: str) -> dict[str, Any]:
    """The article as a schema.org ``NewsArticle``, with where the paper printed it."""
    site, tz = config.site, config.tz
    paper = article.paper or site.title
    publisher: dict[str, Any] = {
        "@type": "NewsMediaOrganization",
        "name": paper,
        "url": site_url(config, "/"),
    }
    logo = absolute_url(site.base_url, site.logo)
    if logo:
        publisher["logo"] = {"@type": "ImageObject", "url": logo}
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": article.title,
        "description": article.digest(),
        "inLanguage": site.language,
        "datePublished": article.published_at.astimezone(tz).isoformat(),
        "dateModified": article.updated_at.astimezone(tz).isoformat(),
        "publisher": publisher,
        "printEdition": chinese_date(article.edition),
        "printPage": str(article.page),
    }
    if article.subtitle:
        data["alternativeHeadline"] = article.subtitle
    if page_name(article):
        data["printSection"] = page_name(article)
    if article.authors:
        data["author"] = [
            {"@type": "Person", "name": a.name, **({"jobTitle": a.role} if a.role else {})}
            for a in article.authors
        ]
    else:
        data["author"] = {"@type": "NewsMediaOrganization", "name": paper}
    images = share_images(article, site.base_url)
    if images:
        data["image"] = images
    if article.section:
        data["articleSection"] = article.section
    if article.tags:
        data["keywords"] = list(article.tags)
    if article.source_url:
        data["isBasedOn"] = article.source_url
    if article.editor:
        data["editor"] = {"@type": "Person", "name": article.editor}
    return data


def script_json(data: Any) -> Markup:
    """``data`` as JSON that is safe between ``<script type="application/ld+json">`` tags.

    Chinese stays readable (``ensure_ascii=False``); only the characters in
    :data:`_SCRIPT_ESCAPES` become ``\\uXXXX`` escapes, so no text can
    close the element or start a comment inside it.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _SCRIPT_ESCAPES.items():
        text = text.replace(char, escaped)
    return Markup(text)
