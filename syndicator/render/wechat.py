"""WeChat-ready rich text and the ``draft/add`` article object.

The WeChat editor keeps only inline ``style`` attributes on a short list
of tags; classes, ids, ``<style>``, CSS variables and layout CSS are
stripped, pure black text is dropped, and external links are dead. So
every element here carries its full style, every ``<p>`` its own colour,
and links become "text[n]" with a numbered list at the end.

Pure functions of an article and a theme: no store, no clock.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import urlsplit

from lxml import html as lxml_html

from ..config import Config
from ..model import Article, Block
from .html import article_url, lead_byline, source_line


@dataclass(frozen=True)
class Theme:
    """Colours and sizes of a WeChat post; a newsroom overrides them key by key."""

    text: str = "#333333"
    accent: str = "#333333"
    muted: str = "#888888"
    rule: str = "#e5e5e5"
    font_size: int = 16
    title_size: int = 22
    small_size: int = 14
    line_height: float = 1.75
    letter_spacing: float = 0.5


THEMES: dict[str, Theme] = {
    "neutral": Theme(),
    "red": Theme(accent="#b4161b", rule="#e8b4b6"),
}

WECHAT_HOSTS = ("mp.weixin.qq.com",)


def get_theme(name: str, overrides: dict[str, Any] | None = None) -> Theme:
    """A built-in theme with the newsroom's overrides applied."""
    theme = THEMES[name]
    return dataclasses.replace(theme, **(overrides or {})) if overrides else theme


class _Links:
    """External links collected while rendering, numbered in reading order."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def number(self, url: str) -> int:
        if url not in self.urls:
            self.urls.append(url)
        return self.urls.index(url) + 1


def _is_wechat_link(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host in WECHAT_HOSTS


def _p_style(
    theme: Theme,
    *,
    size: int | None = None,
    color: str | None = None,
    align: str = "justify",
    margin: str = "0 0 1em 0",
    extra: str = "",
) -> str:
    return (
        f"margin:{margin};color:{color or theme.text};font-size:{size or theme.font_size}px;"
        f"line-height:{theme.line_height};letter-spacing:{theme.letter_spacing}px;"
        f"text-align:{align};{extra}"
    )


@dataclass(frozen=True)
class _Styles:
    """Every inline style a post uses, computed once per theme."""

    section: str
    kicker: str
    title: str
    body: str
    subhead: str
    quote: str
    quote_p: str
    picture: str
    image: str
    caption: str
    small: str
    rule_top: str
    rule_bottom: str

    @classmethod
    def of(cls, t: Theme) -> _Styles:
        grey = {"size": t.small_size, "color": t.muted}
        tight = "0 0 0.3em 0"
        return cls(
            section=(
                f"margin:0;padding:0 8px;color:{t.text};font-size:{t.font_size}px;"
                f"line-height:{t.line_height};"
            ),
            kicker=_p_style(t, **grey, align="center", margin=tight),
            title=_p_style(
                t,
                size=t.title_size,
                color=t.accent,
                align="center",
                margin=tight,
                extra="font-weight:bold;",
            ),
            body=_p_style(t),
            subhead=_p_style(t, color=t.accent, extra="font-weight:bold;"),
            quote=f"margin:0 0 1em 0;padding:0.5em 1em;border-left:3px solid {t.rule};",
            quote_p=_p_style(t, color=t.muted, margin="0"),
            picture=_p_style(t, align="center", margin=tight),
            image="max-width:100%;height:auto;display:block;margin:0 auto;",
            caption=_p_style(t, **grey, align="center"),
            small=_p_style(t, **grey, align="left", margin=tight, extra="word-break:break-all;"),
            rule_top=f"border:none;border-top:1px solid {t.rule};margin:0.8em 0 1.2em 0;",
            rule_bottom=f"border:none;border-top:1px solid {t.rule};margin:1.5em 0 0.8em 0;",
        )


def _inline(block: Block, theme: Theme, links: _Links) -> str:
    """A paragraph's inline content, with links turned into numbered references."""
    if block.html is None:
        return escape(block.text, quote=False)
    root = lxml_html.fragment_fromstring(block.html, create_parent="div")
    return _walk_children(root, theme, links)


def _walk_children(node: Any, theme: Theme, links: _Links) -> str:
    out = [escape(node.text or "", quote=False)]
    for child in node:
        out.append(_walk(child, theme, links))
        out.append(escape(child.tail or "", quote=False))
    return "".join(out)


def _walk(node: Any, theme: Theme, links: _Links) -> str:
    tag = node.tag if isinstance(node.tag, str) else ""
    inner = _walk_children(node, theme, links)
    if tag == "br":
        return "<br/>"
    if tag in ("strong", "b"):
        return f"<strong>{inner}</strong>"
    if tag in ("em", "i"):
        return f"<em>{inner}</em>"
    if tag in ("sup", "sub"):
        return f"<{tag}>{inner}</{tag}>"
    if tag == "a":
        href = (node.get("href") or "").strip()
        if href and _is_wechat_link(href):
            return f'<a href="{escape(href, quote=True)}" style="color:{theme.accent};">{inner}</a>'
        if href.startswith(("http://", "https://")):
            n = links.number(href)
            return f'{inner}<sup style="color:{theme.muted};">[{n}]</sup>'
    return inner


def render_wechat(
    article: Article, theme: Theme | None = None, *, editor: str | None = None
) -> str:
    """The post as one ``<section>`` with inline styles only.

    Newspaper form: 引题 and 副题 in small grey lines around the 主题, the
    lead opening with the byline as printed, pictures centred with the
    caption and credit beneath, and a footer naming source, 原文链接 (as
    plain text: links are dead in WeChat) and 责任编辑.
    """
    theme = theme or THEMES["neutral"]
    st = _Styles.of(theme)
    links = _Links()
    parts: list[str] = []
    if article.kicker:
        parts.append(f'<p style="{st.kicker}">{escape(article.kicker, quote=False)}</p>')
    parts.append(f'<p style="{st.title}">{escape(article.title, quote=False)}</p>')
    if article.subtitle:
        parts.append(f'<p style="{st.kicker}">——{escape(article.subtitle, quote=False)}</p>')
    parts.append(f'<hr style="{st.rule_top}"/>')

    byline = lead_byline(article)
    for block in article.body:
        if block.type == "image":
            parts.append(_image(block, st))
            continue
        text = _inline(block, theme, links)
        if block.type == "subhead":
            parts.append(f'<p style="{st.subhead}">{text}</p>')
        elif block.type == "quote":
            inner = f'<p style="{st.quote_p}">{text}</p>'
            parts.append(f'<blockquote style="{st.quote}">{inner}</blockquote>')
        else:
            lead = ""
            if byline:
                lead = f"<strong>{escape(byline, quote=False)}</strong> "
                byline = None
            parts.append(f'<p style="{st.body}">{lead}{text}</p>')

    if links.urls:
        parts.append(f'<p style="{st.small}">参考链接</p>')
        parts.extend(
            f'<p style="{st.small}">[{n}] {escape(url, quote=False)}</p>'
            for n, url in enumerate(links.urls, start=1)
        )
    parts.append(_footer(article, st, editor=article.editor or editor))
    return f'<section style="{st.section}">{"".join(parts)}</section>'


def _image(block: Block, st: _Styles) -> str:
    out = []
    if block.src:
        src = escape(block.src, quote=True)
        alt = escape(block.caption or "", quote=True)
        out.append(f'<p style="{st.picture}"><img src="{src}" alt="{alt}" style="{st.image}"/></p>')
    caption = " ".join(escape(p, quote=False) for p in (block.caption, block.credit) if p)
    if caption:
        out.append(f'<p style="{st.caption}">{caption}</p>')
    return "".join(out)


def _footer(article: Article, st: _Styles, *, editor: str | None) -> str:
    lines = [source_line(article)]
    if article.source_url:
        lines.append(f"原文链接：{article.source_url}")
    if editor:
        lines.append(f"责任编辑：{editor}")
    footer = "".join(f'<p style="{st.small}">{escape(line, quote=False)}</p>' for line in lines)
    return f'<hr style="{st.rule_bottom}"/>{footer}'


def wechat_author(article: Article, limit: int = 8) -> str:
    """The ``author`` field: the byline's names, as many as fit in ``limit``."""
    names: list[str] = []
    for author in article.authors:
        candidate = "、".join([*names, author.name])
        if len(candidate) > limit:
            break
        names.append(author.name)
    return "、".join(names)


def wechat_digest(article: Article, limit: int = 120) -> str:
    """The digest: the summary, or the lead, cut at a sentence end."""
    return article.digest(limit)


def draft_article(
    article: Article, content: str, *, source_url: str, thumb_media_id: str = ""
) -> dict[str, Any]:
    """The ``draft/add`` article object for one post."""
    return {
        "title": article.title,
        "author": wechat_author(article),
        "digest": wechat_digest(article),
        "content": content,
        "content_source_url": source_url,
        "thumb_media_id": thumb_media_id,
        "need_open_comment": 0,
        "only_fans_can_comment": 0,
    }


def render_post(article: Article, config: Config) -> tuple[str, dict[str, Any]]:
    """The HTML fragment and the draft object, with the configured theme.

    阅读原文 points at the e-paper page when the article has one, else at
    the article's page on this service.
    """
    theme = get_theme(config.wechat.theme)
    content = render_wechat(article, theme, editor=config.wechat.editor or None)
    source_url = article.source_url or article_url(config.site, article)
    return content, draft_article(article, content, source_url=source_url)
