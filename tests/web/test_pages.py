"""The reader pages over HTTP: an edition, a printed page, an article as printed.

The paper of support.readerdata: the sample page 1, a page 2 "经济" with a
photo, a table and a correction, a page 3 "职工生活", and an earlier day.
"""

from __future__ import annotations

import itertools
import json
import re
from datetime import datetime, timedelta

import pytest
from lxml import html
from support import readerdata
from support.readerdata import LEAD, PAGE3_PHOTO, PHOTO_STORY, TABLE_STORY
from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.web import create_app

NOW = datetime(2021, 8, 30, 18, 0, tzinfo=SHANGHAI)
DAY = readerdata.DAY
#: Every kind of public page, as a reader reaches them.
PUBLIC = ("/", f"/editions/{DAY}", f"/editions/{DAY}/2", f"/articles/{PHOTO_STORY}")


@pytest.fixture
def paper(engine, config, save_reader_paper):
    return save_reader_paper(engine, config, NOW)


@pytest.fixture
def reader(config, engine):
    """A client of the app at a fixed time: the evening of the sample day."""
    return create_app(config, {"TESTING": True, "CLOCK": lambda: NOW}).test_client()


def get(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    return html.fromstring(response.data)


def text(element) -> str:
    return " ".join(element.text_content().split())


def teasers(page) -> list[tuple[str, str, str, str]]:
    """(kicker, title, subtitle, href) of every article listed."""
    out = []
    for teaser in page.xpath('//article[contains(@class, "teaser")]'):
        kicker = teaser.xpath('./p[@class="kicker"]')
        subtitle = teaser.xpath('./p[@class="subtitle"]')
        [link] = teaser.xpath(".//*[contains(@class, 'title')]/a")
        out.append(
            (
                text(kicker[0]) if kicker else "",
                link.text,
                text(subtitle[0]) if subtitle else "",
                link.get("href"),
            )
        )
    return out


def test_the_front_page_is_the_latest_edition_page_by_page(reader, paper) -> None:
    page = get(reader, "/")
    assert page.xpath("//h1")[0].text == "浙江工人日报"
    facts = text(page.xpath('//header[@class="masthead"]//p[@class="facts"]')[0])
    assert "2021年8月30日 星期一" in facts and "农历辛丑年七月廿三" in facts
    assert "总第11905号" in facts
    sections = [text(h) for h in page.xpath('//section[@class="printed-page"]/header/h2')]
    assert sections == ["第1版", "第2版经济", "第3版职工生活"]
    links = page.xpath('//section[@class="printed-page"]/header/h2/a/@href')
    assert links == [f"/editions/{DAY}/1", f"/editions/{DAY}/2", f"/editions/{DAY}/3"]
    listed = teasers(page)
    assert len(listed) == 8 + 3 + 1  # the sample page, page 2, page 3
    assert listed[0] == (
        "小切口 大场景",
        "我省公布一批数字化改革“硬核”成果",
        "",
        f"/articles/{LEAD}",
    )
    assert listed[8] == (
        "稳增长 促就业",
        "杭州湾新区一批重大项目集中开工",
        "——23个项目总投资超过300亿元",
        f"/articles/{PHOTO_STORY}",
    )
    digests = page.xpath('//article[contains(@class, "teaser")]/p[@class="digest"]')
    assert text(digests[8]).startswith("8月29日，杭州湾新区举行重大项目集中开工仪式")
    assert page.xpath('//a[@class="epaper"]/@href')[0] == readerdata.EPAPER.format(2)
    # 往期: the earlier day is one click away.
    assert page.xpath(f'//a[@rel="prev"][@href="/editions/{readerdata.EARLIER}"]')
    assert page.xpath('//link[@rel="canonical"]/@href') == ["http://127.0.0.1:8080/"]


def test_an_edition_page_and_unknown_days(reader, paper) -> None:
    page = get(reader, f"/editions/{readerdata.EARLIER}")
    assert [t[1] for t in teasers(page)] == ["全省工会系统部署下半年重点工作"]
    assert page.xpath(f'//a[@rel="next"][@href="/editions/{DAY}"]')
    canonical = page.xpath('//link[@rel="canonical"]/@href')
    assert canonical == [f"http://127.0.0.1:8080/editions/{readerdata.EARLIER}"]
    # Other spellings of the day and page name one canonical page.
    for url, canonical in (("/editions/20210830", DAY), (f"/editions/{DAY}/02", f"{DAY}/2")):
        found = get(reader, url).xpath('//link[@rel="canonical"]/@href')
        assert found == [f"http://127.0.0.1:8080/editions/{canonical}"], url
    for url in ("/editions/2020-01-01", "/editions/garbage", "/editions/2021-08-30/9"):
        assert reader.get(url).status_code == 404, url


def test_a_printed_page_lists_its_articles_in_page_order(reader, paper) -> None:
    page = get(reader, f"/editions/{DAY}/2")
    assert text(page.xpath("//h1")[0]) == "第2版经济"
    assert [t[1] for t in teasers(page)] == [
        "杭州湾新区一批重大项目集中开工",
        "全省职工技能大赛报名结束",
        "小微企业享受税费优惠超百亿元",
    ]
    assert page.xpath('//a[text()="查看电子版"]/@href') == [readerdata.EPAPER.format(2)]
    assert page.xpath('//a[@rel="prev"]/@href') == [f"/editions/{DAY}/1"]
    assert page.xpath('//a[@rel="next"]/@href') == [f"/editions/{DAY}/3"]
    assert page.xpath('//nav[@class="page-nav"]//a[@aria-current="page"]/@href') == [
        f"/editions/{DAY}/2"
    ]
    # The list shows the store's own thumbnail of a stored photo, not the full picture.
    assert "/media/thumbs/" in page.xpath('//img[@class="teaser-picture"]/@src')[0]


def test_the_article_page_prints_the_article_as_the_paper_did(reader, paper) -> None:
    page = get(reader, f"/articles/{PHOTO_STORY}")
    story = page.xpath('//article[@class="story"]')[0]
    headline = story.xpath('./header[@class="headline"]')[0]
    assert [e.tag for e in headline if e.tag != "p" or e.get("class") != "dateline"][:3] == [
        "p",
        "h1",
        "p",
    ]
    assert text(headline.xpath('./p[@class="kicker"]')[0]) == "稳增长 促就业"
    assert headline.xpath("./h1")[0].text == "杭州湾新区一批重大项目集中开工"
    assert text(headline.xpath('./p[@class="subtitle"]')[0]) == "——23个项目总投资超过300亿元"
    assert (
        text(headline.xpath('./p[@class="dateline"]')[0]) == "浙江工人日报 2021年8月30日 第2版 经济"
    )
    assert "2021年8月30日 06:00" in text(headline.xpath('./p[@class="published"]')[0])
    body = story.xpath('./div[@class="story-body"]')[0]
    lead = body.xpath("./p")[0]
    assert lead.xpath('./strong[@class="lead-byline"]')[0].text == "本报讯 记者王敏 通讯员李东报道"
    [figure] = body.xpath('./figure[@class="picture"]')
    assert figure.xpath("./img/@src") == [paper.photo_src]
    assert figure.xpath("./img/@alt") == ["开工仪式现场。"]
    assert text(figure.xpath("./figcaption")[0]) == "开工仪式现场。 通讯员 李东 摄"
    assert text(body.xpath('./h2[@class="subhead"]')[0]) == "项目带动就业"
    assert body.xpath("./blockquote/p")
    assert body.xpath('.//a[text()="新区公告"]')
    foot = text(story.xpath('./footer[@class="story-foot"]')[0])
    assert "来源：浙江工人日报 2021年8月30日 第2版 经济" in foot and "责任编辑：张三" in foot
    assert story.xpath('.//a[@rel="external"]/@href') == [readerdata.EPAPER.format(2)]
    others = page.xpath('//ol[@class="same-page"]/li/a')
    assert [a.text for a in others] == ["全省职工技能大赛报名结束", "小微企业享受税费优惠超百亿元"]
    assert page.get("lang") == "zh-CN"


def test_a_table_scrolls_in_a_box_a_keyboard_can_reach(reader, paper) -> None:
    page = get(reader, f"/articles/{TABLE_STORY}")
    [figure] = page.xpath('//figure[@class="table"]')
    assert figure.xpath("./figcaption")[0].text == "各地报名人数（人）"
    [box] = figure.xpath('./div[@class="table-scroll"]')
    assert box.get("tabindex") == "0" and box.get("role") == "region"
    assert box.get("aria-labelledby") == figure.xpath("./figcaption/@id")[0]
    assert [th.text for th in box.xpath(".//thead/tr/th")][:3] == ["地区", "电工", "焊工"]
    assert len(box.xpath(".//tbody/tr")) == 4
    assert figure.xpath('./p[@class="table-credit"]')[0].text == "制表：程雪"


def test_photo_news_prints_its_caption_and_credit_once(reader, paper) -> None:
    """Photo news carries its credit as the byline: printed under the picture, not twice."""
    page = get(reader, f"/articles/{PAGE3_PHOTO}")
    assert page.xpath("//figure/figcaption/span[@class='credit']")[0].text == "通讯员 李东 摄"
    assert not page.xpath('//p[@class="byline"]') and not page.xpath("//strong")
    # The e-paper kept only the caption of the sample's photo news: it is still printed.
    page = get(reader, "/articles/zjgrrb-20210830-01-07")
    caption = text(page.xpath('//figure[contains(@class, "caption-only")]/figcaption')[0])
    assert caption.startswith("图片说明 近期，衢州市总工会") and caption.endswith(
        "毛朝阳 姚磊 姜璐摄"
    )


def test_a_corrected_article_says_when(reader, paper) -> None:
    page = get(reader, f"/articles/{PHOTO_STORY}")
    notes = [(p.get("id"), text(p)) for p in page.xpath('//aside[@class="corrections"]/p')]
    # The feeds' very note and anchor: corrected at 15:20.
    assert notes == [("corrected-20210830T072000Z", "更正本文于2021年8月30日 15:20更正")]
    assert not get(reader, f"/articles/{TABLE_STORY}").xpath('//aside[@class="corrections"]')


def meta(page, key: str) -> list[str]:
    return page.xpath(f'//head/meta[@property="{key}" or @name="{key}"]/@content')


def test_a_shared_link_previews_with_title_description_and_picture(reader, paper) -> None:
    page = get(reader, f"/articles/{PHOTO_STORY}")
    url = f"http://127.0.0.1:8080/articles/{PHOTO_STORY}"
    article = paper.get(PHOTO_STORY)
    assert page.xpath('//head/link[@rel="canonical"]/@href') == [url]
    assert meta(page, "og:url") == [url]
    assert meta(page, "og:type") == ["article"]
    assert meta(page, "og:title") == meta(page, "twitter:title") == [article.title]
    assert meta(page, "og:description") == meta(page, "description") == [article.digest()]
    assert meta(page, "og:image") == meta(page, "twitter:image") == [paper.photo_src]
    assert paper.photo_src.startswith("http://127.0.0.1:8080/media/")
    assert meta(page, "twitter:card") == ["summary_large_image"]
    assert meta(page, "article:published_time") == ["2021-08-30T06:00:00+08:00"]
    assert meta(page, "article:modified_time") == ["2021-08-30T15:20:00+08:00"]
    assert meta(page, "article:tag") == ["重大项目", "就业"]
    # No picture with an address: no image, a small card.
    plain = get(reader, f"/articles/{LEAD}")
    assert meta(plain, "og:image") == [] and meta(plain, "twitter:card") == ["summary"]


def json_ld(page) -> dict:
    [script] = page.xpath('//head/script[@type="application/ld+json"]')
    return json.loads(script.text)


def test_the_article_is_a_schema_org_news_article(reader, paper) -> None:
    data = json_ld(get(reader, f"/articles/{PHOTO_STORY}"))
    url = f"http://127.0.0.1:8080/articles/{PHOTO_STORY}"
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["url"] == data["mainEntityOfPage"]["@id"] == url
    assert data["headline"] == "杭州湾新区一批重大项目集中开工"
    assert data["alternativeHeadline"] == "23个项目总投资超过300亿元"
    assert data["datePublished"] == "2021-08-30T06:00:00+08:00"
    assert data["dateModified"] == "2021-08-30T15:20:00+08:00"
    assert data["image"] == [paper.photo_src]
    assert [(a["name"], a["jobTitle"]) for a in data["author"]] == [
        ("王敏", "记者"),
        ("李东", "通讯员"),
    ]
    assert data["publisher"]["name"] == "浙江工人日报"
    assert (data["printPage"], data["printSection"]) == ("2", "经济")
    assert data["isBasedOn"] == readerdata.EPAPER.format(2)
    assert data["inLanguage"] == "zh-CN"


def test_json_ld_cannot_close_its_script_element(reader, engine, paper) -> None:
    """Article text is data inside <script>: a '</script>' in it must not end the element."""
    evil = "</script><script>alert(1)</script><!-- &\u2028 -->"
    article = paper.get(TABLE_STORY).replace(title=f"标题{evil}", subtitle=evil)
    with engine.begin() as conn:
        store.save_articles(conn, [article], now=NOW - timedelta(hours=12))
    raw = reader.get(f"/articles/{TABLE_STORY}").get_data(as_text=True)
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', raw, re.S).group(1)
    assert "<" not in block and ">" not in block and "\u2028" not in block
    assert "\\u003c/script\\u003e" in block
    with engine.connect() as conn:
        stored = store.get_article(conn, TABLE_STORY)
    assert "</script>" in stored.title
    assert json.loads(block)["headline"] == stored.title
    assert raw.count("</script>") == 1  # the JSON-LD's own end tag, nothing else


def test_every_page_announces_every_feed(reader, paper) -> None:
    for url in PUBLIC:
        page = get(reader, url)
        alternates = page.xpath('//head/link[@rel="alternate"]')
        types = {link.get("type") for link in alternates}
        assert types == {"application/rss+xml", "application/atom+xml", "application/feed+json"}
        assert all(a.get("href").startswith("http://127.0.0.1:8080/feeds/") for a in alternates)


NEWSROOM = re.compile(r"微信|复制|公众号|wechat|/desk|copy\.js|可发布|定时|草稿|撤回", re.I)


def test_no_public_page_has_a_newsroom_control(reader, paper) -> None:
    """Issue 12: readers landed on the newsroom's tool (Copy, 微信检查, wechat.json)."""
    for url in (*PUBLIC, f"/articles/{LEAD}", f"/articles/{TABLE_STORY}"):
        raw = reader.get(url).get_data(as_text=True)
        page = html.fromstring(raw)
        assert not page.xpath("//button | //form | //input | //textarea | //select"), url
        assert not page.xpath("//script[@src]"), url
        body = text(page.xpath("//body")[0])
        assert not NEWSROOM.search(body), (url, NEWSROOM.search(body))
        assert not [h for h in page.xpath("//@href | //@src") if NEWSROOM.search(h)], url
    for suffix in ("wechat.html", "wechat.json"):
        assert reader.get(f"/articles/{LEAD}/{suffix}").status_code == 404


def test_headings_go_down_one_level_at_a_time(reader, paper) -> None:
    for url in (*PUBLIC, f"/articles/{TABLE_STORY}"):
        page = get(reader, url)
        levels = [int(h.tag[1]) for h in page.xpath("//h1 | //h2 | //h3 | //h4 | //h5 | //h6")]
        assert levels[0] == 1 and levels.count(1) == 1, (url, levels)
        jumps = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
        assert not jumps, (url, levels)


def test_the_front_page_before_the_first_edition(reader) -> None:
    response = reader.get("/")
    assert response.status_code == 200
    page = html.fromstring(response.data)
    assert "还没有出版" in text(page.xpath('//p[@class="empty"]')[0])
    assert not NEWSROOM.search(response.get_data(as_text=True).split("<body", 1)[1])


def test_pages_say_503_while_the_store_is_away(app, client) -> None:
    """Feeds are files and keep being served; the pages need the store."""
    app.extensions["syndicator.engine"] = store.create_store_engine(
        "postgresql+psycopg://postgres@127.0.0.1:9/nowhere"
    )
    for url in ("/", f"/articles/{LEAD}", f"/editions/{DAY}", f"/editions/{DAY}/1"):
        response = client.get(url)
        assert response.status_code == 503, url
        assert response.headers["Retry-After"] == "10"
        assert "稿库暂时无法访问" in response.get_data(as_text=True)
