"""WeChat-ready rich text: one ``<section>`` with inline styles only.

The WeChat editor keeps only inline ``style`` attributes on a short list
of tags; classes, ids, ``<style>``, CSS variables and layout CSS are
stripped, pure black text is dropped, and external links are dead. So
every element here carries its full style, every ``<p>`` its own colour,
and links become "text[n]" with a numbered list at the end. Tables stay
tables, styled cell by cell and never wider than the phone. The output
passes :func:`render.wechat_check.check_html` for any article (a property
test holds us to it); the draft payload is built in ``render.wechat_post``.

Pure functions of an article and a theme: no store, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from typing import Any, TypedDict

from lxml import etree
from lxml import html as lxml_html

from ...config.themes import BUILTIN_THEMES, Theme
from ...model import Article, Block, Cell, head_rows
from ..html import source_line, span_attributes
from .check import is_wechat_link

#: Built-in themes, by name (``config.wechat.themes`` adds the newsroom's).
THEMES = BUILTIN_THEMES

# C0 controls (but tab and newlines) and DEL: invisible, and invalid in HTML.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Elements whose text is not part of the article when found in inline HTML.
_DROPPED = frozenset({"script", "style", "template", "noscript", "iframe", "object", "head"})


def clean_text(text: str) -> str:
    """``text`` without control characters (what the post shows of it)."""
    return _CONTROLS.sub("", text)


def _t(text: str) -> str:
    return escape(clean_text(text), quote=False)


def _a(text: str) -> str:
    return escape(clean_text(text), quote=True)


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


class _Grey(TypedDict):
    size: int
    color: str


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
    link: str
    ref: str
    table_caption: str
    table: str
    table_last: str
    cell: str
    head_cell: str

    @classmethod
    def of(cls, t: Theme) -> _Styles:
        grey: _Grey = {"size": t.small_size, "color": t.muted}
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
                color=t.title,
                align="center",
                margin=tight,
                extra="font-weight:bold;",
            ),
            body=_p_style(t),
            subhead=_p_style(t, color=t.accent, extra="font-weight:bold;"),
            quote=f"margin:0 0 1em 0;padding:0.5em 1em;border-left:3px solid {t.accent};",
            quote_p=_p_style(t, color=t.muted, margin="0"),
            picture=_p_style(t, align="center", margin=tight),
            image="max-width:100%;height:auto;display:block;margin:0 auto;",
            caption=_p_style(t, **grey, align="center"),
            small=_p_style(t, **grey, align="left", margin=tight, extra="word-break:break-all;"),
            rule_top=f"border:none;border-top:1px solid {t.rule};margin:0.8em 0 1.2em 0;",
            rule_bottom=f"border:none;border-top:1px solid {t.rule};margin:1.5em 0 0.8em 0;",
            link=f"color:{t.accent};text-decoration:underline;",
            ref=f"color:{t.muted};font-size:75%;",
            table_caption=_p_style(
                t, size=t.small_size, align="center", margin=tight, extra="font-weight:bold;"
            ),
            # Fixed layout at the column's width: cells wrap, the table never
            # grows wider than the phone (the editor has no horizontal scroll).
            table=_TABLE.format(t=t, margin="0 0 0.3em 0"),
            table_last=_TABLE.format(t=t, margin="0 0 1em 0"),
            cell=_CELL.format(rule=short_colour(t.rule), text=short_colour(t.text)),
            head_cell=_CELL.format(rule=short_colour(t.rule), text=short_colour(t.text))
            + "text-align:center;font-weight:bold;",
        )


# Size, line height and wrapping are inherited, so the table states them
# once for all its cells.
_TABLE = (
    "width:100%;max-width:100%;table-layout:fixed;border-collapse:collapse;margin:{margin};"
    "font-size:{t.small_size}px;line-height:1.5;word-wrap:break-word;"
)
#: Every cell repeats its style (the editor keeps no stylesheet), and a post
#: must stay under 20,000 characters, so a cell says only what it cannot
#: inherit: its border and padding, and its colour (the editor gives cells
#: its own). About 50 characters a cell; :data:`~syndicator.model.MAX_TABLE_CELLS`
#: is set from this.
_CELL = "border:1px solid {rule};padding:4px;color:{text};"


def short_colour(colour: str) -> str:
    """``#333333`` as ``#333``: the same colour in half the characters, where CSS allows."""
    c = colour.lower()
    if len(c) == 7 and c[1] == c[2] and c[3] == c[4] and c[5] == c[6]:
        return f"#{c[1]}{c[3]}{c[5]}"
    return colour


class _Links:
    """External links collected while rendering, numbered in reading order."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def number(self, url: str) -> int:
        if url not in self.urls:
            self.urls.append(url)
        return self.urls.index(url) + 1


class _Inline:
    """A paragraph's inline HTML rewritten to what WeChat keeps.

    Emphasis and superscripts survive, links to WeChat posts stay links,
    other web links become their text plus a ``[n]`` reference; every
    other tag is reduced to its text, and scripts and styles to nothing.
    """

    def __init__(self, st: _Styles, links: _Links) -> None:
        self.st = st
        self.links = links

    def render(self, block: Block) -> str:
        source = clean_text(block.html or "")
        if not source.strip():
            return _t(block.text)
        try:
            root = lxml_html.fragment_fromstring(source, create_parent="div")
        except (etree.ParserError, ValueError):
            return _t(block.text)
        return self._children(root)

    def _children(self, node: Any) -> str:
        out = [_t(node.text or "")]
        for child in node:
            out.append(self._element(child))
            out.append(_t(child.tail or ""))
        return "".join(out)

    def _element(self, node: Any) -> str:
        if not isinstance(node.tag, str):  # comments, processing instructions
            return ""
        tag = node.tag.lower()
        if tag in _DROPPED:
            return ""
        if tag == "br":
            return "<br/>"
        inner = self._children(node)
        if tag in ("strong", "b"):
            return f"<strong>{inner}</strong>" if inner else ""
        if tag in ("em", "i"):
            return f"<em>{inner}</em>" if inner else ""
        if tag == "sup":
            return f"<sup>{inner}</sup>" if inner else ""
        if tag == "sub":
            return f'<span style="vertical-align:sub;font-size:75%;">{inner}</span>'
        if tag in ("u", "ins"):
            return f'<span style="text-decoration:underline;">{inner}</span>'
        if tag in ("s", "del", "strike"):
            return f'<span style="text-decoration:line-through;">{inner}</span>'
        if tag == "a":
            return self._link(clean_text(node.get("href") or "").strip(), inner)
        if tag == "li":  # lists keep literal markers: the editor mangles <ul>/<ol>
            parent = node.getparent()
            if parent is not None and parent.tag == "ol":
                number = [c for c in parent if c.tag == "li"].index(node) + 1
                return f"{number}. {inner}<br/>"
            return f"• {inner}<br/>"
        return inner

    def _link(self, href: str, inner: str) -> str:
        if is_wechat_link(href):
            return f'<a href="{escape(href, quote=True)}" style="{self.st.link}">{inner}</a>'
        if href.lower().startswith(("http://", "https://")):
            n = self.links.number(href)
            return f'{inner}<sup style="{self.st.ref}">[{n}]</sup>'
        return inner


def render_wechat(
    article: Article,
    theme: Theme | None = None,
    *,
    editor: str | None = None,
    source_url: str | None = None,
    image_urls: Mapping[str, str] | None = None,
) -> str:
    """The post as one ``<section>`` with inline styles only.

    Newspaper form: 引题 and 副题 in small grey lines around the 主题, the
    lead opening with the byline as printed, pictures centred with the
    caption and credit beneath, and a footer naming source, 原文链接 (as
    plain text: links are dead in WeChat) and 责任编辑.

    :param editor: 责任编辑 when the article names none.
    :param source_url: the 原文链接 (default: the article's ``source_url``).
    :param image_urls: replacement ``src`` for pictures, e.g. the mmbiz URLs
        that ``media/uploadimg`` returned when pushing.
    """
    st = _Styles.of(theme or THEMES["neutral"])
    links = _Links()
    inline = _Inline(st, links)
    parts: list[str] = []
    if article.kicker:
        parts.append(f'<p style="{st.kicker}">{_t(article.kicker)}</p>')
    parts.append(f'<p style="{st.title}">{_t(article.title)}</p>')
    if article.subtitle:
        parts.append(f'<p style="{st.kicker}">——{_t(article.subtitle)}</p>')
    parts.append(f'<hr style="{st.rule_top}"/>')

    byline = _byline(article)
    if byline and not any(b.type == "paragraph" for b in article.body):
        parts.append(f'<p style="{st.small}">{_t(byline)}</p>')
        byline = None
    for block in article.body:
        if block.type == "image":
            parts.append(_image(block, st, image_urls or {}))
            continue
        if block.type == "table":
            parts.append(_table(block, st))
            continue
        text = inline.render(block)
        if block.type == "subhead":
            parts.append(f'<p style="{st.subhead}">{text}</p>')
        elif block.type == "quote":
            inner = f'<p style="{st.quote_p}">{text}</p>'
            parts.append(f'<blockquote style="{st.quote}">{inner}</blockquote>')
        else:
            lead = ""
            if byline:
                lead = f"<strong>{_t(byline)}</strong> "
                byline = None
            parts.append(f'<p style="{st.body}">{lead}{text}</p>')

    if links.urls:
        parts.append(f'<p style="{st.small}">参考链接</p>')
        parts.extend(
            f'<p style="{st.small}">[{n}] {_t(url)}</p>' for n, url in enumerate(links.urls, 1)
        )
    footer = [source_line(article)]
    url = source_url if source_url is not None else article.source_url
    if url:
        footer.append(f"原文链接：{url}")
    if article.editor or editor:
        footer.append(f"责任编辑：{article.editor or editor}")
    parts.append(f'<hr style="{st.rule_bottom}"/>')
    parts.extend(f'<p style="{st.small}">{_t(line)}</p>' for line in footer)
    return f'<section style="{st.section}">{"".join(parts)}</section>'


def _byline(article: Article) -> str | None:
    """The byline as printed, unless it is a photo credit already under a picture."""
    if not article.byline or not clean_text(article.byline).strip():
        return None
    credits = {b.credit for b in article.images if b.credit}
    return None if article.byline in credits else article.byline


def web_src(src: str | None) -> str | None:
    """A picture's address if it is on the web (http/https); WeChat cannot use others."""
    src = clean_text(src or "").strip()
    return src if src.lower().startswith(("http://", "https://")) else None


def _image(block: Block, st: _Styles, image_urls: Mapping[str, str]) -> str:
    out = []
    src = web_src(image_urls.get(block.src, block.src) if block.src else None)
    if src:
        alt = _a(block.caption or "")
        tag = f'<img src="{_a(src)}" alt="{alt}" style="{st.image}"/>'
        out.append(f'<p style="{st.picture}">{tag}</p>')
    caption = " ".join(_t(p) for p in (block.caption, block.credit) if p)
    if caption:
        out.append(f'<p style="{st.caption}">{caption}</p>')
    return "".join(out)


def _table(block: Block, st: _Styles) -> str:
    """A real ``<table>``: the title above, head rows in ``<thead>``, the credit beneath.

    Every cell carries its own border, padding and colour (the editor keeps
    no stylesheet); header cells are bold. ``<caption>`` is not among the
    tags the editor keeps, so the title is a paragraph.
    """
    out = []
    if block.caption:
        out.append(f'<p style="{st.table_caption}">{_t(block.caption)}</p>')
    head = head_rows(block.rows)
    groups = [("thead", block.rows[:head]), ("tbody", block.rows[head:])]
    inner = "".join(
        f"<{tag}>{''.join(_row(row, st) for row in rows)}</{tag}>" for tag, rows in groups if rows
    )
    style = st.table if block.credit else st.table_last
    out.append(f'<table style="{style}">{inner}</table>')
    if block.credit:
        out.append(f'<p style="{st.caption}">{_t(block.credit)}</p>')
    return "".join(out)


def _row(row: tuple[Cell, ...], st: _Styles) -> str:
    cells = []
    for cell in row:
        tag, style = ("th", st.head_cell) if cell.header else ("td", st.cell)
        cells.append(f'<{tag}{span_attributes(cell)} style="{style}">{_t(cell.text)}</{tag}>')
    return f"<tr>{''.join(cells)}</tr>"
