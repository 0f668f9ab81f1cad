"""Property: no article, however hostile, makes the renderer emit what the checker rejects.

Random articles carry long titles, emoji, markup and control characters in
their text, malformed inline HTML with scripts, styles and links of every
kind, many pictures with odd addresses, and tables with such text in
their cells, odd spans and ragged rows. Whatever comes in, the post
passes the WeChat checker (but for size and table width, which it reports
exactly when they are over: those are the author's to fix), its plain
text shows up as text (escaped, never markup), and the payload's limits
are reported exactly when broken.
"""

from __future__ import annotations

from datetime import date, datetime
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html
from support.sampledata import SHANGHAI

from syndicator.model import Article, Author, Block, Cell
from syndicator.render.wechat.check import MAX_CHARS, MAX_PHONE_COLUMNS
from syndicator.render.wechat.html import clean_text
from syndicator.render.wechat.post import build_post

NASTY = [
    "<script>alert(1)</script>",
    "</section>",
    '<div class="x" id="y">',
    '<p style="position:absolute;color:var(--x)">',
    "&amp;&lt;&#x3C;",
    '"',
    "'",
    "<!--",
    "-->",
    "]]>",
    "😀👍🏽🇨🇳",
    "\u202e",
    "\x00\x07\x1b",
    "\r\n",
    "javascript:alert(1)",
    "本报讯 记者程雪报道",
    "。",
]
URLS = [
    "https://mp.weixin.qq.com/s/abc",
    "http://mp.weixin.qq.com/s?__biz=MzA&mid=1",
    "https://example.com/a?b=1&c=2",
    "https://mp.weixin.qq.com.evil.test/s",
    'http://x.test/"onmouseover="alert(1)',
    "javascript:alert(1)",
    "mailto:a@b.c",
    "//cdn.test/x.jpg",
    "images/local.jpg",
    "",
    " https://img.test/pic.png ",
]
TAGS = ["a", "b", "strong", "i", "em", "sup", "sub", "u", "s", "span", "div", "p", "section"]
TAGS += ["script", "style", "iframe", "table", "td", "img", "br", "h1", "noscript", "template"]

texts = st.one_of(
    st.text(max_size=60),
    st.sampled_from(NASTY),
    st.lists(st.one_of(st.text(max_size=20), st.sampled_from(NASTY)), max_size=5).map("".join),
)
urls = st.one_of(st.sampled_from(URLS), st.text(max_size=30).map("https://example.com/".__add__))


@st.composite
def tag_tokens(draw) -> str:
    tag = draw(st.sampled_from(TAGS))
    if draw(st.booleans()):
        return f"</{tag}>"
    attrs = draw(
        st.lists(
            st.one_of(
                urls.map(lambda u: f'href="{u}"'),
                urls.map(lambda u: f"src='{u}'"),
                st.just('style="display:flex;color:#000 !important"'),
                st.just('class="c" onclick="x()"'),
            ),
            max_size=2,
        )
    )
    return f"<{' '.join([tag, *attrs])}>"


inline_html = st.lists(st.one_of(texts, tag_tokens()), max_size=12).map("".join)


# Spans as code may build them: past the model's limits too (the renderer bounds them).
spans = st.sampled_from([1, 1, 1, 2, 3, 25, 10_000])
cells = st.builds(Cell, text=texts, header=st.booleans(), colspan=spans, rowspan=spans)


@st.composite
def blocks(draw) -> Block:
    kind = draw(st.sampled_from(["paragraph", "paragraph", "subhead", "quote", "image", "table"]))
    if kind == "table":
        return Block(
            type="table",
            caption=draw(st.one_of(st.none(), texts)),
            credit=draw(st.one_of(st.none(), texts)),
            rows=tuple(map(tuple, draw(st.lists(st.lists(cells, max_size=6), max_size=6)))),
        )
    if kind == "image":
        return Block(
            type="image",
            src=draw(st.one_of(st.none(), urls)),
            caption=draw(st.one_of(st.none(), texts)),
            credit=draw(st.one_of(st.none(), texts)),
        )
    html = draw(st.one_of(st.none(), inline_html))
    return Block(type=kind, text=draw(texts), html=html)


@st.composite
def articles(draw) -> Article:
    when = datetime(2021, 8, 30, 6, 0, tzinfo=SHANGHAI)
    title = draw(st.one_of(texts, st.text(min_size=30, max_size=80), st.just("长" * 33)))
    return Article(
        id="zjgrrb-20210830-09-01",
        edition=date(2021, 8, 30),
        title=title,
        kicker=draw(st.one_of(st.none(), texts)),
        subtitle=draw(st.one_of(st.none(), texts)),
        byline=draw(st.one_of(st.none(), texts)),
        authors=tuple(Author(name=n) for n in draw(st.lists(texts, max_size=4))),
        body=tuple(draw(st.lists(blocks(), max_size=30))),
        summary=draw(st.one_of(st.none(), texts)),
        source_url=draw(st.one_of(st.none(), urls)),
        editor=draw(st.one_of(st.none(), texts)),
        published_at=when,
        updated_at=when,
    )


class _Text(HTMLParser):
    """The text a reader sees (the stdlib tokenizer: no tree fixing)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def norm(text: str) -> str:
    return " ".join(clean_text(text).split())


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article=articles(), long_titles=st.booleans())
def test_renderer_never_emits_what_the_checker_rejects(
    table_width, make_config, tmp_path_factory, article: Article, long_titles: bool
) -> None:
    config = make_config(tmp_path_factory.getbasetemp(), wechat={"long_titles": long_titles})
    post = build_post(article, config)
    content = post.content

    # 1. The checker finds nothing, but for size and width, reported exactly when over.
    assert [str(p) for p in post.check if p.rule not in ("size", "width")] == []
    too_big = len(content) >= MAX_CHARS or len(content.encode()) >= 1_000_000
    assert any(p.rule == "size" for p in post.check) == too_big
    tables = lxml_html.fragment_fromstring(content).iter("table")
    wide = [w for w in map(table_width, tables) if w > MAX_PHONE_COLUMNS]
    assert [p.message.split(" columns")[0] for p in post.check if p.rule == "width"] == [
        f"<table> {w}" for w in wide
    ]

    # 2. Text is escaped, never injected: plain-text fields come out as text, in order.
    reader = _Text()
    reader.feed(content)
    reader.close()
    assert set(reader.tags) <= {"section", "p", "strong", "em", "sup", "span", "br", "hr"} | {
        "img",
        "blockquote",
        "a",
        *("table", "thead", "tbody", "tr", "th", "td"),
    }
    shown = norm("".join(reader.parts))
    at = 0
    for value in (article.kicker, article.title, article.subtitle):
        if value and norm(value):
            at = shown.index(norm(value), at)
    for block in article.body:
        if block.type == "table":
            words = [block.caption, *(c.text for row in block.rows for c in row), block.credit]
        elif block.type != "image" and block.html is None:
            words = [block.text]
        else:
            continue
        for text in words:
            if text and norm(text):
                found = shown.find(norm(text), at)
                assert found >= 0, text
                at = found

    # 3. Limits are reported exactly when broken, never cut.
    title = post.payload["title"]
    assert title == clean_text(article.title)
    limit = 64 if long_titles else 32
    assert any(c.en.startswith("title is") for c in post.limits) == (len(title) > limit)
    assert len(post.payload["digest"]) <= 120
    assert (len(post.payload["author"]) <= 8) or any(c.en.startswith("author") for c in post.limits)
