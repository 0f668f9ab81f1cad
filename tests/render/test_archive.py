"""Archive pages and the byte budget: the oldest items move, none is cut, pages stay put."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from lxml import etree
from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.model import Block, sort_for_feed
from syndicator.publish import run_pass
from syndicator.render import feeds
from syndicator.render.feeds import archive
from syndicator.render.html import article_html

NOW = datetime(2021, 9, 2, 12, 0, tzinfo=SHANGHAI)


def _ctx(config):
    return feeds.context_for(config, config.channel("all"))


def test_plan_byte_budget_drops_oldest_items_whole(articles, config, sample) -> None:
    items = sort_for_feed([*sample.articles, *articles[:2]])
    ctx = _ctx(config)
    roomy = archive.plan_channel(ctx, items, limit=50, max_bytes=1_000_000)
    assert len(roomy.current) == len(items) and roomy.archives == ()
    budget = 15_000
    plan = archive.plan_channel(ctx, items, limit=50, max_bytes=budget)
    assert 1 < len(plan.current) < len(items)
    assert list(plan.current) == items[: len(plan.current)]  # the newest stay
    for name, data in plan.documents.items():
        assert len(data) <= budget, name
    # Every item kept is whole: its full text is in every format.
    rss = plan.documents["rss.xml"].decode()
    for article in plan.current:
        assert article.body[-1].plain[:30] in rss
    # The dropped items are all on archive pages, reachable by prev-archive.
    archived = {a.id for page in plan.archives for a in page.items}
    assert {a.id for a in items[len(plan.current) :]} <= archived
    assert json.loads(plan.documents["feed.json"])["next_url"].endswith(
        "/archive/2021-08-30/feed.json"
    )


def test_plan_keeps_one_item_even_if_it_alone_exceeds_the_budget(config, sample) -> None:
    big = sample.articles[0]
    big = big.replace(body=(*big.body, Block("paragraph", text="很长的段落。" * 3000)))
    plan = archive.plan_channel(_ctx(config), [big], limit=50, max_bytes=10_000)
    assert plan.current == (big,)
    assert article_html(big).count("很长的段落。") == 3000
    assert (
        "很长的段落。" * 3000 in json.loads(plan.documents["feed.json"])["items"][0]["content_html"]
    )


def _save(engine, articles, now=NOW) -> None:
    with engine.begin() as conn:
        store.save_articles(conn, articles, now=now)


def _day(article, day: int, seq: int):
    """A copy of ``article`` printed on 2021-09-``day``."""
    published = datetime(2021, 9, day, 6, 0, tzinfo=SHANGHAI)
    return article.replace(
        id=f"zjgrrb-202109{day:02d}-03-{seq:02d}",
        edition=published.date(),
        page=3,
        seq=seq,
        published_at=published,
        updated_at=published,
    )


def _stat(path):
    st = path.stat()
    return (st.st_ino, st.st_mtime_ns, path.read_bytes())


def test_archive_pages_stay_unchanged_as_new_days_arrive(
    articles, make_config, engine, tmp_path
) -> None:
    config = make_config(tmp_path, feeds={"limit": 1})
    base = articles[1]
    _save(engine, [_day(base, 1, 1), _day(base, 2, 1)], now=NOW)
    run_pass(engine, config, now=NOW)
    pages = config.output_dir / "all" / "archive"
    assert sorted(p.name for p in pages.iterdir() if p.is_dir()) == ["2021-09-01", "start"]
    first = {f: _stat(pages / "2021-09-01" / f) for f in feeds.FORMATS}
    origin = {f: _stat(pages / "start" / f) for f in feeds.FORMATS}

    later = NOW + timedelta(days=1)
    _save(engine, [_day(base, 3, 1)], now=later)
    run_pass(engine, config, now=later)
    assert sorted(p.name for p in pages.iterdir() if p.is_dir()) == [
        "2021-09-01",
        "2021-09-02",
        "start",
    ]
    # The chain still ends at the same oldest day: its origin page is not touched.
    assert {f: _stat(pages / "start" / f) for f in feeds.FORMATS} == origin
    # The older page only gains a next-archive link in RSS and Atom (its
    # entries do not change, as RFC 5005 asks); JSON Feed has no such link.
    assert _stat(pages / "2021-09-01" / "feed.json") == first["feed.json"]
    atom = (pages / "2021-09-01" / "atom.xml").read_text(encoding="utf-8")
    assert 'rel="next-archive"' in atom
    assert atom.replace(
        '\n  <link href="http://127.0.0.1:8080/feeds/all/archive/2021-09-02/atom.xml"'
        ' rel="next-archive" type="application/atom+xml"/>',
        "",
    ) == first["atom.xml"][2].decode("utf-8")

    # Another day: the 2021-09-01 page is not written again at all.
    settled = {f: _stat(pages / "2021-09-01" / f) for f in feeds.FORMATS}
    even_later = later + timedelta(days=1)
    _save(engine, [_day(base, 4, 1)], now=even_later)
    report = run_pass(engine, config, now=even_later)
    assert not [w for w in report.written if "2021-09-01" in w]
    assert {f: _stat(pages / "2021-09-01" / f) for f in feeds.FORMATS} == settled


def test_correcting_an_archived_article_rewrites_only_its_page(
    articles, make_config, engine, tmp_path
) -> None:
    config = make_config(tmp_path, feeds={"limit": 1})
    base = articles[1]
    articles = [_day(base, 1, 1), _day(base, 2, 1), _day(base, 3, 1)]
    _save(engine, articles)
    run_pass(engine, config, now=NOW + timedelta(days=1))
    fixed_at = NOW + timedelta(days=1, hours=1)
    _save(engine, [articles[0].replace(title="更正后的标题")], now=fixed_at)
    report = run_pass(engine, config, now=fixed_at)
    assert report.changed == [articles[0].id]
    rewritten = {w for w in report.written if "/archive/" in w}
    assert rewritten == {f"all/archive/2021-09-01/{f}" for f in feeds.FORMATS}
    page = (config.output_dir / "all/archive/2021-09-01/feed.json").read_bytes()
    item = json.loads(page)["items"][0]
    assert item["title"] == "更正后的标题"
    assert item["id"] == f"tag:zjgrrb.com,2021-09-01:{articles[0].id}"  # same GUID


def test_withdrawing_a_whole_archived_day_removes_its_page(
    articles, make_config, engine, tmp_path
) -> None:
    config = make_config(tmp_path, feeds={"limit": 1})
    base = articles[1]
    articles = [_day(base, 1, 1), _day(base, 2, 1), _day(base, 3, 1)]
    _save(engine, articles)
    run_pass(engine, config, now=NOW + timedelta(days=1))
    pages = config.output_dir / "all" / "archive"
    assert (pages / "2021-09-01").is_dir()
    with engine.begin() as conn:
        store.set_status(conn, articles[0].id, "withdrawn")
    report = run_pass(engine, config, now=NOW + timedelta(days=1, minutes=1))
    archived = sorted(d for d in report.deleted if "/archive/" in d)
    assert archived == [f"all/archive/2021-09-01/{f}" for f in sorted(feeds.FORMATS)]
    assert f"wechat/{articles[0].id}.json" in report.deleted
    assert not (pages / "2021-09-01").exists()
    newest = json.loads((pages / "2021-09-02" / "feed.json").read_bytes())
    assert newest["next_url"].endswith("/feeds/all/archive/start/feed.json")  # nothing older
    atom = (pages / "2021-09-02" / "atom.xml").read_text(encoding="utf-8")
    assert "2021-09-01" not in atom
    origin = (pages / "start" / "atom.xml").read_text(encoding="utf-8")
    assert "2021-09-01" not in origin and "/archive/2021-09-02/atom.xml" in origin


def test_origin_page_ends_every_chain_and_goes_with_the_last_archived_day(
    articles, make_config, engine, tmp_path
) -> None:
    """Even a lone day's page links somewhere (the W3C validator warns
    "ArchiveIncomplete" otherwise): back to an empty origin page, which
    links forward to it. When nothing is archived any more, it goes too."""
    config = make_config(tmp_path, feeds={"limit": 1})
    base = articles[1]
    articles = [_day(base, 1, 1), _day(base, 2, 1)]
    _save(engine, articles)
    run_pass(engine, config, now=NOW)
    pages = config.output_dir / "all" / "archive"
    ns = {"a": "http://www.w3.org/2005/Atom", "fh": "http://purl.org/syndication/history/1.0"}

    def links(key: str) -> dict[str, str]:
        root = etree.fromstring((pages / key / "atom.xml").read_bytes())
        return {link.get("rel"): link.get("href") for link in root.findall("a:link", ns)}

    assert links("2021-09-01")["prev-archive"].endswith("/feeds/all/archive/start/atom.xml")
    assert "next-archive" not in links("2021-09-01")
    assert links("start")["next-archive"].endswith("/feeds/all/archive/2021-09-01/atom.xml")
    assert "prev-archive" not in links("start")
    origin = etree.fromstring((pages / "start" / "atom.xml").read_bytes())
    assert origin.findall("a:entry", ns) == [] and origin.find("fh:archive", ns) is not None
    assert "存档起点" in origin.findtext("a:title", namespaces=ns)
    # Not 1970 (an empty feed's date): the start of the oldest archived day.
    assert origin.findtext("a:updated", namespaces=ns) == "2021-09-01T00:00:00+08:00"
    rss = etree.fromstring((pages / "start" / "rss.xml").read_bytes())
    assert rss.findall("channel/item") == []
    assert rss.findtext("channel/lastBuildDate") == "Wed, 01 Sep 2021 00:00:00 +0800"
    assert json.loads((pages / "start" / "feed.json").read_bytes())["items"] == []

    with engine.begin() as conn:
        store.set_status(conn, articles[0].id, "withdrawn")
    report = run_pass(engine, config, now=NOW + timedelta(minutes=1))
    gone = sorted(d for d in report.deleted if "/archive/" in d)
    assert gone == [
        *(f"all/archive/2021-09-01/{f}" for f in sorted(feeds.FORMATS)),
        *(f"all/archive/start/{f}" for f in sorted(feeds.FORMATS)),
    ]
    assert not [p for p in pages.iterdir() if p.is_dir()]
    current = etree.fromstring((config.output_dir / "all" / "atom.xml").read_bytes())
    assert "prev-archive" not in {link.get("rel") for link in current.findall("a:link", ns)}


def test_lost_manifest_rerenders_but_writes_nothing_new(
    articles, make_config, engine, tmp_path
) -> None:
    config = make_config(tmp_path, feeds={"limit": 1})
    _save(engine, articles)
    run_pass(engine, config, now=NOW)
    (config.output_dir / "all" / "archive" / ".pages.json").unlink()
    report = run_pass(engine, config, now=NOW, force=True)
    assert report.written == []
    assert (config.output_dir / "all" / "archive" / ".pages.json").exists()
