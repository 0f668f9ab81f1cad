"""The feed documents themselves, read back by real parsers (feedparser, lxml)."""

from __future__ import annotations

import json
from datetime import date

import feedparser
import pytest
from lxml import etree

from syndicator.model import Block, sort_for_feed
from syndicator.render import feeds

ATOM = "{http://www.w3.org/2005/Atom}"
SAMPLE_TITLES = [
    "我省公布一批数字化改革“硬核”成果",
    "“数字药监”逐步实现药械化“智管”",
    "东阳全力打造先进制造业基地",
    "开学，防疫先行",
    "湖州举办第六届邮政行业职业技能竞赛",
    "果然，他们得了首金",
    "下基层宣讲",
    "武林集团累计为近万人次职工子女提供免费暑期托管",
]


@pytest.fixture
def ctx(config):
    return feeds.context_for(config, config.channel("all"))


@pytest.fixture
def sample_docs(ctx, sample):
    items = sort_for_feed(sample.articles)
    return feeds.render_channel(ctx, items)


def test_sample_feeds_parse_with_eight_entries_in_beijing_time(sample_docs) -> None:
    for name in ("rss.xml", "atom.xml"):
        parsed = feedparser.parse(sample_docs[name])
        assert parsed.bozo == 0, (name, parsed.get("bozo_exception"))
        assert [e.title for e in parsed.entries] == SAMPLE_TITLES
        for entry in parsed.entries:
            assert date(*entry.published_parsed[:3]) == date(2021, 8, 29)  # UTC view
            assert entry.published.endswith(("+08:00", "+0800"))
            assert "2021-08-30" in entry.published or "30 Aug 2021" in entry.published
    doc = json.loads(sample_docs["feed.json"])
    assert [i["title"] for i in doc["items"]] == SAMPLE_TITLES
    # Whole seconds, one apart in page order, counting down from the edition's
    # time (render.times); an uncorrected item was modified when published.
    stamps = [i["date_published"] for i in doc["items"]]
    assert stamps == [
        f"2021-08-30T0{t}+08:00" for t in ("6:00:00", *(f"5:59:{s}" for s in range(59, 52, -1)))
    ]
    assert [i["date_modified"] for i in doc["items"]] == stamps
    # feedparser 6.0 (the newest release) has no JSON Feed parser; the JSON
    # Feed is read with json here and checked against its schema elsewhere.
    assert all(i["id"].startswith("tag:zjgrrb.com,2021-08-30:") for i in doc["items"])


def test_sample_feeds_carry_full_text_and_authors(sample_docs, sample) -> None:
    first = sample.articles[0]
    rss = feedparser.parse(sample_docs["rss.xml"])
    entry = rss.entries[0]
    full = entry.content[0].value
    for block in first.body:
        assert block.plain[:20] in full
    assert first.byline in full
    assert entry.author == "程雪"
    atom = feedparser.parse(sample_docs["atom.xml"])
    wechat_photo = next(e for e in atom.entries if e.title == "下基层宣讲")
    assert "毛朝阳" in wechat_photo.content[0].value
    assert [a.name for a in atom.entries[4].authors] == ["程雪", "戴大喜"]


def test_rss_has_self_link_and_channel_link_home(sample_docs, ctx) -> None:
    root = etree.fromstring(sample_docs["rss.xml"])
    channel = root.find("channel")
    assert channel.findtext("link") == ctx.home_url
    self_link = channel.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == ctx.feed_url("rss.xml")
    assert channel.findtext("language") == "zh-CN"
    assert channel.findtext("lastBuildDate") == "Mon, 30 Aug 2021 06:00:00 +0800"
    guids = channel.findall("item/guid")
    assert all(g.get("isPermaLink") == "false" for g in guids)
    assert all(g.text.startswith("tag:zjgrrb.com,2021-08-30:") for g in guids)
    content = channel.find("item/{http://purl.org/rss/1.0/modules/content/}encoded")
    assert content is not None and "<p>" in content.text


def test_atom_entries_keep_link_rel_and_type(sample_docs) -> None:
    """feedgen 1.0 drops rel/type on entry links; our extension restores them."""
    root = etree.fromstring(sample_docs["atom.xml"])
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-CN"
    assert root.findtext(f"{ATOM}updated") == "2021-08-30T06:00:00.999999+08:00"
    for entry in root.findall(f"{ATOM}entry"):
        links = entry.findall(f"{ATOM}link")
        assert [(link.get("rel"), link.get("type")) for link in links] == [
            ("alternate", "text/html")
        ]
        assert entry.find(f"{ATOM}content").get("type") == "html"
        published = entry.findtext(f"{ATOM}published")
        assert published.startswith(("2021-08-30T06:00:00+", "2021-08-30T05:59:5"))
        assert published.endswith("+08:00") and entry.findtext(f"{ATOM}updated") == published


def test_render_is_pure_same_input_same_bytes(ctx, sample) -> None:
    items = sort_for_feed(sample.articles)
    assert feeds.render_channel(ctx, items) == feeds.render_channel(ctx, list(items))


def test_empty_channel_is_still_a_valid_feed(ctx) -> None:
    docs = feeds.render_channel(ctx, [])
    for name in ("rss.xml", "atom.xml"):
        parsed = feedparser.parse(docs[name])
        assert parsed.bozo == 0 and parsed.entries == []
    assert json.loads(docs["feed.json"])["items"] == []


def test_json_feed_keeps_chinese_unescaped_and_images(articles, ctx) -> None:
    articles = sort_for_feed(articles)
    data = feeds.render_json_feed(ctx, articles)
    text = data.decode("utf-8")
    assert "\\u" not in text and "杭州湾新区" in text
    item = next(i for i in json.loads(text)["items"] if i["title"].startswith("杭州湾"))
    assert item["image"] == "https://img.example.com/2021/0901/kaigong.jpg"
    assert item["tags"] == ["经济", "重大项目", "杭州湾"]
    assert [a["name"] for a in item["authors"]] == ["王敏", "李东"]


MEDIA = "{http://search.yahoo.com/mrss/}"


def test_images_as_rss_enclosure_and_media_atom_link_and_json_attachment(articles, ctx) -> None:
    articles = sort_for_feed(articles)
    docs = feeds.render_channel(ctx, articles)
    url = "https://img.example.com/2021/0901/kaigong.jpg"
    item = next(
        i
        for i in etree.fromstring(docs["rss.xml"]).iter("item")
        if i.findtext("title").startswith("杭州湾")
    )
    enclosure = item.find("enclosure")
    # A remote image's size is unknown without fetching it: RSS says 0.
    assert enclosure.attrib == {"url": url, "length": "0", "type": "image/jpeg"}
    media = item.find(f"{MEDIA}content")
    assert (media.get("url"), media.get("medium"), media.get("type")) == (
        url,
        "image",
        "image/jpeg",
    )
    assert media.findtext(f"{MEDIA}description") == "开工仪式现场。"
    assert media.findtext(f"{MEDIA}credit") == "通讯员李东 摄"
    entry = next(
        e
        for e in etree.fromstring(docs["atom.xml"]).iter(f"{ATOM}entry")
        if e.findtext(f"{ATOM}title").startswith("杭州湾")
    )
    links = {link.get("rel"): link for link in entry.findall(f"{ATOM}link")}
    assert links["enclosure"].get("href") == url
    assert links["enclosure"].get("type") == "image/jpeg"
    assert links["enclosure"].get("length") is None  # optional in Atom: left out when unknown
    assert links["related"].get("href").startswith("https://www.zjgrrb.com/")
    json_item = next(
        i for i in json.loads(docs["feed.json"])["items"] if i["title"].startswith("杭州湾")
    )
    assert json_item["attachments"] == [
        {"url": url, "mime_type": "image/jpeg", "title": "开工仪式现场。 通讯员李东 摄"}
    ]
    assert json_item["external_url"].startswith("https://www.zjgrrb.com/")


def test_feed_has_channel_author_logo_and_no_stylesheet(config, sample) -> None:
    from dataclasses import replace

    site = replace(config.site, logo="https://www.zjgrrb.com/logo.png")
    ctx = feeds.FeedContext(site=site, channel=config.channel("all"))
    docs = feeds.render_channel(ctx, sort_for_feed(sample.articles))
    for name in ("rss.xml", "atom.xml"):
        # Browsers get a page from the server instead (web.feedpage): no XSLT.
        assert b"<?xml-stylesheet" not in docs[name][:300]
    rss = etree.fromstring(docs["rss.xml"]).find("channel")
    assert rss.findtext("image/url") == "https://www.zjgrrb.com/logo.png"
    atom = etree.fromstring(docs["atom.xml"])
    assert atom.findtext(f"{ATOM}logo") == "https://www.zjgrrb.com/logo.png"
    assert atom.findtext(f"{ATOM}author/{ATOM}name") == "浙江工人日报"
    assert json.loads(docs["feed.json"])["icon"] == "https://www.zjgrrb.com/logo.png"


@pytest.mark.parametrize(
    ("interval", "ttl", "period", "frequency"),
    [
        (60, 1, "hourly", 60),
        (45, 1, "hourly", 60),
        (300, 5, "hourly", 12),
        (3600, 60, "hourly", 1),
        (5400, 90, "daily", 16),
        (7200, 120, "daily", 12),
        (420, 7, "weekly", 1440),
        (86400, 1440, "daily", 1),
    ],
)
def test_ttl_and_sy_update_schedule_agree_with_interval(
    config, interval, ttl, period, frequency
) -> None:
    ctx = feeds.FeedContext(site=config.site, channel=config.channel("all"), interval=interval)
    channel = etree.fromstring(feeds.render_rss(ctx, [])).find("channel")
    assert channel.findtext("ttl") == str(ttl)
    sy = "{http://purl.org/rss/1.0/modules/syndication/}"
    assert channel.findtext(f"{sy}updatePeriod") == period
    assert channel.findtext(f"{sy}updateFrequency") == str(frequency)
    minutes = {"hourly": 60, "daily": 1440, "weekly": 10080}[period]
    assert minutes / frequency == pytest.approx(ttl, rel=0.07)


def test_a_photo_with_a_known_size_is_enclosed_with_its_real_length(
    articles, ctx, feed_problems
) -> None:
    """A photo from the media store knows its bytes: RSS ``enclosure length``,
    ``media:content fileSize``, Atom ``length`` and JSON ``size_in_bytes`` say them."""
    photo = f"{ctx.site.base_url}/media/{'ab' * 32}.webp"
    article = articles[0]
    body = (
        Block("image", src=photo, caption="新上传的照片。", credit="李东 摄", length=2_345_678),
        *article.body,
    )
    docs = feeds.render_channel(ctx, [article.replace(body=body)])
    for name in ("rss.xml", "atom.xml", "feed.json"):
        assert feed_problems(name, docs[name]) == [], name
    rss = feedparser.parse(docs["rss.xml"]).entries[0]
    assert rss.enclosures[0] == {"href": photo, "length": "2345678", "type": "image/webp"}
    atom = feedparser.parse(docs["atom.xml"]).entries[0]
    assert [(e.href, e.get("length")) for e in atom.enclosures] == [
        (photo, "2345678"),
        ("https://img.example.com/2021/0901/kaigong.jpg", None),  # remote: size unknown
    ]
    item = etree.fromstring(docs["rss.xml"]).find("channel/item")
    sizes = [m.get("fileSize") for m in item.iter(f"{MEDIA}content")]
    assert sizes == ["2345678", None]
    (json_item,) = json.loads(docs["feed.json"])["items"]
    assert json_item["image"] == photo
    assert [a.get("size_in_bytes") for a in json_item["attachments"]] == [2_345_678, None]
    assert json_item["attachments"][0]["mime_type"] == "image/webp"
