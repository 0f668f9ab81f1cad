"""Documents spliced from kept item fragments are byte for byte feedgen's own."""

from __future__ import annotations

import json

import pytest

from syndicator.model import sort_for_feed
from syndicator.render import feeds
from syndicator.render.feeds.fragments import FragmentCache


@pytest.fixture
def contexts(make_config, tmp_path):
    config = make_config(
        tmp_path, site={"logo": "http://127.0.0.1:8080/logo.png"}, feeds={"hubs": ["http://h/"]}
    )
    ctx = feeds.context_for(config, config.channel("all"))
    return [ctx, ctx.for_current("2021-08-30"), ctx.for_archive("2021-09-01", "2021-08-30", None)]


def test_spliced_documents_equal_feedgen_and_json_dumps(articles, contexts, sample) -> None:
    items = sort_for_feed([*sample.articles, *articles])
    for ctx in contexts:
        for chosen in (items, items[:1], [], items[3:], items):  # cold, then partly warm
            for fmt in ("rss.xml", "atom.xml"):
                expected = feeds.render_xml_reference(ctx, chosen, fmt)
                assert feeds.render_channel(ctx, chosen)[fmt] == expected
            data = feeds.render_json_feed(ctx, chosen)
            whole = json.dumps(json.loads(data), ensure_ascii=False, indent=2) + "\n"
            assert data == whole.encode("utf-8")


def test_a_corrected_article_is_rendered_again(contexts, sample) -> None:
    ctx = contexts[0]
    article = sample.articles[1]
    before = feeds.render_rss(ctx, [article])
    fixed = article.replace(title="更正后的标题")
    after = feeds.render_rss(ctx, [fixed])
    assert "更正后的标题".encode() in after and after != before
    assert after == feeds.render_xml_reference(ctx, [fixed], "rss.xml")


def test_fragment_cache_keeps_within_its_budget(sample) -> None:
    cache = FragmentCache(max_bytes=10)
    calls = []

    def render(missing):
        calls.append(len(missing))
        return [a.id.encode() for a in missing]

    assert cache.items(sample.articles, "x", "ctx", render) == [
        a.id.encode() for a in sample.articles
    ]
    assert len(cache._items) == 1  # the newest only: each id is over half the budget
    cache.items(sample.articles[-1:], "x", "ctx", render)
    assert calls == [len(sample.articles)]  # the kept one was reused
