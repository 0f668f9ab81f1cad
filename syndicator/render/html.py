"""An article's full text as plain, semantic HTML for feed readers.

Feed readers bring their own styles, so this is deliberately bare: no
classes or inline styles, just paragraphs, headings, quotes, figures and
tables.
The WeChat rendering (``render.wechat``) is the styled sibling.
"""

from __future__ import annotations

from datetime import tzinfo
from html import escape

from ..config import SiteConfig
from ..model import MAX_TABLE_COLUMNS, MAX_TABLE_ROWS, Article, Block, Cell, head_rows
from .corrections import correction_anchor, correction_note


def article_url(site: SiteConfig, article: Article) -> str:
    """The article's page on this service (its canonical address)."""
    return f"{site.base_url}/articles/{article.id}"


def article_link(site: SiteConfig, article: Article) -> str:
    """The feeds' item link: the article's page, at its latest correction if any.

    The fragment (:func:`.corrections.correction_anchor`) changes with each
    correction and the GUID does not: see the README's "Corrections".
    """
    anchor = correction_anchor(article)
    url = article_url(site, article)
    return url if anchor is None else f"{url}#{anchor}"


def lead_byline(article: Article) -> str | None:
    """The byline to print at the head of the lead paragraph, if any.

    Photo news carries its credit as the byline; that credit is already
    printed under the picture, so it does not open a paragraph too.
    """
    if not article.byline:
        return None
    credits = {b.credit for b in article.images if b.credit}
    if article.byline in credits:
        return None
    if not any(b.type == "paragraph" for b in article.body):
        return None
    return article.byline


def inline(block: Block) -> str:
    """A text block's inline HTML: its sanitised ``html`` or its escaped text."""
    return block.html if block.html is not None else escape(block.text, quote=False)


def render_block(block: Block, *, byline: str | None = None) -> str:
    if block.type == "image":
        parts = []
        if block.src:
            alt = escape(block.caption or "", quote=True)
            parts.append(f'<img src="{escape(block.src, quote=True)}" alt="{alt}"/>')
        caption = " ".join(escape(p, quote=False) for p in (block.caption, block.credit) if p)
        if caption:
            parts.append(f"<figcaption>{caption}</figcaption>")
        return f"<figure>{''.join(parts)}</figure>"
    if block.type == "table":
        return render_table(block)
    if block.type == "subhead":
        return f"<h3>{inline(block)}</h3>"
    if block.type == "quote":
        return f"<blockquote><p>{inline(block)}</p></blockquote>"
    lead = f"<strong>{escape(byline, quote=False)}</strong> " if byline else ""
    return f"<p>{lead}{inline(block)}</p>"


def render_table(block: Block) -> str:
    """A table as feed readers expect it: ``<caption>``, ``<thead>``/``<tbody>``, ``<th>``.

    The title is the ``<caption>`` (printed above, as in the paper); a
    credit makes it a figure, like a picture's.
    """
    caption = f"<caption>{escape(block.caption, quote=False)}</caption>" if block.caption else ""
    head = head_rows(block.rows)
    groups = [("thead", block.rows[:head]), ("tbody", block.rows[head:])]
    inner = "".join(
        f"<{tag}>{''.join(_table_row(row) for row in rows)}</{tag}>" for tag, rows in groups if rows
    )
    table = f"<table>{caption}{inner}</table>"
    if not block.credit:
        return table
    return f"<figure>{table}<figcaption>{escape(block.credit, quote=False)}</figcaption></figure>"


def _table_row(row: tuple[Cell, ...]) -> str:
    cells = []
    for cell in row:
        tag = "th" if cell.header else "td"
        cells.append(f"<{tag}{span_attributes(cell)}>{escape(cell.text, quote=False)}</{tag}>")
    return f"<tr>{''.join(cells)}</tr>"


def span_attributes(cell: Cell) -> str:
    """`` colspan="2"`` and/or `` rowspan="3"``, only where a cell spans more than one.

    Bounded by the model's limits even for a cell built in code, which
    skipped the dictionary form's checks.
    """
    spans = (
        ("colspan", min(cell.colspan, MAX_TABLE_COLUMNS)),
        ("rowspan", min(cell.rowspan, MAX_TABLE_ROWS)),
    )
    return "".join(f' {name}="{value:d}"' for name, value in spans if value > 1)


def source_line(article: Article) -> str:
    """来源：浙江工人日报 2021年8月30日 第1版 — where the article was printed."""
    day = article.edition
    page = article.page_name or f"第{article.page}版"
    where = (article.paper, f"{day.year}年{day.month}月{day.day}日", page)
    return "来源：" + " ".join(part for part in where if part)


def article_html(article: Article, *, tz: tzinfo | None = None) -> str:
    """The article body for ``content:encoded``, Atom ``content`` and ``content_html``.

    A corrected article opens with its correction note; the 来源 footer
    links to the e-paper page when the article has one.

    :param tz: the site's zone, for the correction note's time.
    """
    out: list[str] = []
    note = correction_note(article, tz)
    if note is not None:
        out.append(f"<p><strong>{escape(note, quote=False)}</strong></p>")
    if article.kicker:
        out.append(f"<p><small>{escape(article.kicker, quote=False)}</small></p>")
    if article.subtitle:
        out.append(f"<p><small>——{escape(article.subtitle, quote=False)}</small></p>")
    byline = lead_byline(article)
    for block in article.body:
        if byline and block.type == "paragraph":
            out.append(render_block(block, byline=byline))
            byline = None
        else:
            out.append(render_block(block))
    source = escape(source_line(article), quote=False)
    if article.source_url:
        source = f'<a href="{escape(article.source_url, quote=True)}">{source}</a>'
    footer = [source]
    if article.editor:
        footer.append(f"责任编辑：{escape(article.editor, quote=False)}")
    out.append(f"<p><small>{'　'.join(footer)}</small></p>")
    return "\n".join(out)
