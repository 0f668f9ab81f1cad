"""Property: any string in any plain-text field is text in every output.

Title, kicker, subtitle, summary, section, tags, author names and captions
get arbitrary strings (markup, references, ``]]>``, quotes, emoji…). The
article goes through the importers' sanitiser and the store; each output
is parsed as a reader would (RSS, Atom and JSON Feed, the article and page
pages, the WeChat HTML) and shows the string as sent, never an element or
attribute made of it.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.plaintext import assert_shown, check_atom, check_json_feed, check_rss
from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.ingest.sanitize import sanitize_article
from syndicator.model import Article, Author, Block
from syndicator.render import feeds
from syndicator.render.wechat.html import render_wechat

WHEN = datetime(2021, 9, 1, 6, 0, tzinfo=SHANGHAI)
NOW = datetime(2021, 9, 1, 12, 0, tzinfo=SHANGHAI)
PIECES = [
    "<",
    ">",
    "&",
    "&lt;",
    "&amp;lt;",
    "&#60;",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "&amp;amp;amp;amp;lt;img src=x onerror=alert(1)&amp;amp;amp;amp;gt;",
    "]]>",
    "<!--",
    "<![CDATA[",
    '"',
    "'",
    "😀",
    "a<b",
]
# Controls are xml_safe's (tests/ingest); here every character is one a feed can carry.
CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Cn"))
TEXT = st.lists(st.one_of(st.sampled_from(PIECES), st.text(CHARS, max_size=4)), max_size=6).map(
    "".join
)
IDS = itertools.count(1)


@st.composite
def fields(draw) -> dict[str, str]:
    """One arbitrary string per plain-text field, each made non-empty by a label."""
    return {name: f"{name[0]}{draw(TEXT)}{name[0]}" for name in FIELDS}


FIELDS = ("title", "kicker", "subtitle", "summary", "section", "tag", "author", "caption")


def _article(values: dict[str, str]) -> Article:
    n = next(IDS)
    return Article(
        id=f"zjgrrb-20210901-09-{n:02d}",
        edition=date(2021, 9, 1),
        page=9,
        title=values["title"],
        kicker=values["kicker"],
        subtitle=values["subtitle"],
        summary=values["summary"],
        section=values["section"],
        tags=(values["tag"],),
        authors=(Author(name=values["author"]),),
        body=(
            Block(type="paragraph", text="正文。"),
            Block(type="image", src="https://img.example.com/a.jpg", caption=values["caption"]),
        ),
        published_at=WHEN,
        updated_at=WHEN,
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(values=fields())
def test_any_plain_text_is_text_in_every_output(config, engine, client, values) -> None:
    article = sanitize_article(_article(values))
    assert article.title == values["title"] and article.tags == (values["tag"],)
    with store.transaction(engine) as conn:
        store.save_articles(conn, [article], now=NOW)
    ctx = feeds.context_for(config, config.channel("all"))
    docs = feeds.render_channel(ctx, [article])
    categories = [values["section"], values["tag"]]
    if values["tag"] == values["section"]:
        categories = categories[:1]
    names = [values["author"]]
    check_rss(docs["rss.xml"], values["title"], categories, names, [values["caption"]])
    check_atom(docs["atom.xml"], values["title"], categories, names)
    check_json_feed(docs["feed.json"], values["title"], categories, names)
    shown = [values[k] for k in ("title", "kicker", "subtitle", "caption")]
    assert_shown(render_wechat(article), shown, "wechat")
    page = client.get(f"/articles/{article.id}")
    assert page.status_code == 200
    assert_shown(page.get_data(as_text=True), shown, "article page")
