"""The e-paper importer on the demo page (浙江工人日报, 2021-08-30, page 1)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from support.epaper_expect import (
    DATA,
    differences,
    load_expected,
    lost_characters,
    options_for,
    unplaced,
)

from syndicator.errors import InputError
from syndicator.ingest import ImportOptions, MissingFactError, ParsedFile
from syndicator.ingest.epaper import parse_page
from syndicator.model import Article, Author, article_from_dict

SAMPLE = "zjgrrb-2021-08-30-p1"


@pytest.fixture(scope="module")
def sample_text() -> str:
    return (DATA / f"{SAMPLE}.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sample(sample_text: str) -> ParsedFile:
    # The demo page prints no 第N版: page 1 is stated, as ``--page 1`` does.
    return parse_page(sample_text, source="p1.txt", options=ImportOptions(page=1))


def by_title(parsed: ParsedFile, fragment: str) -> Article:
    return next(a for a in parsed.articles if fragment in a.title)


def test_parse_page_matches_hand_checked_structure(sample: ParsedFile) -> None:
    assert differences(sample, load_expected(SAMPLE)) == []


def test_parse_page_finds_the_eight_articles_in_page_order(sample: ParsedFile) -> None:
    assert [(a.kicker, a.title) for a in sample.articles] == [
        ("小切口 大场景", "我省公布一批数字化改革“硬核”成果"),
        ("无时不在 无事不扰", "“数字药监”逐步实现药械化“智管”"),
        ("一张蓝图绘到底", "东阳全力打造先进制造业基地"),
        (None, "开学，防疫先行"),
        ("弘扬“小蜜蜂”精神", "湖州举办第六届邮政行业职业技能竞赛"),
        (None, "果然，他们得了首金"),
        (None, "下基层宣讲"),
        ("十载爱心 十载相伴", "武林集团累计为近万人次职工子女提供免费暑期托管"),
    ]
    assert [a.seq for a in sample.articles] == list(range(1, 9))


def test_parse_page_strips_byline_off_the_lead(sample: ParsedFile) -> None:
    article = by_title(sample, "湖州举办")
    assert article.byline == "本报讯 记者程雪 通讯员戴大喜报道"
    assert article.authors == (Author("程雪", "记者"), Author("戴大喜", "通讯员"))
    assert article.body[0].text.startswith("为培养邮政行业技能人才")
    assert by_title(sample, "东阳").authors == (Author("杜志华", None),)
    assert by_title(sample, "武林集团").authors == (
        Author("沈天翔", "通讯员"),
        Author("徐星隽", "通讯员"),
    )


def test_parse_page_joins_paragraphs_across_column_breaks(sample: ParsedFile) -> None:
    texts = [b.text for b in by_title(sample, "硬核").body]
    assert any(t.endswith("上线运行的一批重大应用。") for t in texts)
    assert any("已于今年3月1日施行" in t for t in texts)
    assert "重大应用。" not in texts
    assert not any(t.startswith("月1日") for t in texts)


def test_parse_page_reads_photo_news_as_image_blocks(sample: ParsedFile) -> None:
    school = by_title(sample, "开学")
    assert [b.type for b in school.body] == ["image"]
    assert school.body[0].caption.startswith("昨日，玉环市龙溪镇星星幼儿园")
    assert school.byline is None and school.authors == ()

    talk = by_title(sample, "下基层宣讲")
    (image,) = talk.body
    assert image.type == "image" and image.src is None
    assert image.caption.endswith("宣讲总书记“七一”重要讲话精神。")
    assert "精神食粮，广大职工" in image.caption
    assert image.credit == "毛朝阳 姚磊 姜璐摄"
    assert talk.byline == "毛朝阳 姚磊 姜璐摄"
    assert talk.authors == (Author("毛朝阳", "摄"), Author("姚磊", "摄"), Author("姜璐", "摄"))


def test_parse_page_keeps_a_leading_photo_before_the_byline(sample: ParsedFile) -> None:
    article = by_title(sample, "武林集团")
    assert article.body[0].type == "image"
    assert article.body[0].caption == "武林集团为职工子女提供免费午餐。"
    assert article.byline == "本报讯 通讯员沈天翔、徐星隽报道"
    assert article.body[1].text.startswith("十载爱心，十载相伴。")
    assert article.summary == article.body[1].text[: len(article.summary)]


def test_parse_page_reads_masthead_and_footer_into_the_edition(sample: ParsedFile) -> None:
    edition = sample.edition
    assert edition is not None
    assert edition.date == date(2021, 8, 30)
    assert edition.paper == "浙江工人日报"
    assert edition.issue_number == 11905
    assert (edition.lunar_date, edition.weekday) == ("辛丑年七月廿三", "星期一")
    assert (edition.serial, edition.postal_code) == ("CN33-0018", "31-2")
    assert (edition.address, edition.zip_code) == ("杭州市学院路107号", "310012")
    assert edition.hotline == "88851111"
    reasons = {d.line: d.reason for d in sample.dropped}
    assert reasons[6] == "masthead" and reasons[165] == "footer"
    assert not any("88851111" in b.plain for a in sample.articles for b in a.body)


def test_parse_page_keeps_every_line(sample_text: str, sample: ParsedFile) -> None:
    assert unplaced(sample_text, sample) == []
    assert lost_characters(sample_text, sample) == {}


def test_parse_page_is_idempotent(sample_text: str, sample: ParsedFile) -> None:
    again = parse_page(sample_text, source="p1.txt", options=ImportOptions(page=1))
    assert again.articles == sample.articles
    assert again.to_dict() == sample.to_dict()


def test_parse_page_gives_stable_ids_and_beijing_times(sample: ParsedFile) -> None:
    first = sample.articles[0]
    assert [a.id for a in sample.articles[:2]] == ["zjgrrb-20210830-01-01", "zjgrrb-20210830-01-02"]
    edition_at = datetime(2021, 8, 30, 6, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert first.published_at == first.updated_at
    # The whole edition is due within its second, the lead story newest and
    # the rest in page order, so readers sorting by time keep the paper's order.
    times = [a.published_at for a in sample.articles]
    assert all(edition_at <= t < edition_at + timedelta(seconds=1) for t in times)
    assert times == sorted(times, reverse=True) and len(set(times)) == len(times)
    assert (first.paper, first.status, first.page) == ("浙江工人日报", "published", 1)
    assert first.summary and first.summary.startswith(
        "昨日，我省召开数字化改革重大应用成果新闻发布会"
    )


def test_parse_page_options_override_date_page_and_time(sample_text: str) -> None:
    options = ImportOptions(edition=date(2021, 8, 31), page=3, publish_time=time(7, 30))
    parsed = parse_page(sample_text, source="p1.txt", options=options)
    article = parsed.articles[0]
    assert article.id == "zjgrrb-20210831-03-01"
    assert (article.edition, article.page) == (date(2021, 8, 31), 3)
    assert article.published_at.hour == 7 and article.published_at.minute == 30
    assert any("2021-08-30" in w.message for w in parsed.warnings)


def test_parse_page_without_a_date_asks_for_edition(sample_text: str) -> None:
    undated = sample_text.replace("2021年8月30日", "")
    with pytest.raises(MissingFactError, match="--edition") as info:
        parse_page(undated, source="p1.txt", options=ImportOptions(page=1))
    assert (info.value.file, info.value.field, info.value.missing) == (
        "p1.txt",
        "edition",
        ("edition",),
    )
    options = ImportOptions(edition=date(2021, 8, 30), page=1)
    parsed = parse_page(undated, source="p1.txt", options=options)
    assert len(parsed.articles) == 8
    assert parsed.origins == {"edition": "stated", "page": "stated"}


def test_parse_page_without_a_page_number_asks_for_it(sample_text: str) -> None:
    """A page that prints no 第N版 is never taken for page 1: it would overwrite page 1."""
    with pytest.raises(MissingFactError) as info:
        parse_page(sample_text, source="page.txt", options=ImportOptions())
    error = info.value
    assert isinstance(error, InputError)
    assert (error.file, error.field, error.missing) == ("page.txt", "page", ("page",))
    assert str(error) == (
        "page.txt: page: the page prints no page number (such as 第3版): "
        "give --page N (or end the file name in -pN)"
    )
    assert error.files == {"page.txt": ("page",)}
    moved = error.located(line=3)  # what importers do to add a location
    assert (moved.line, moved.missing, moved.files) == (3, ("page",), {"page.txt": ("page",)})


def test_parse_page_without_date_or_page_asks_for_both_at_once(sample_text: str) -> None:
    undated = sample_text.replace("2021年8月30日", "")
    with pytest.raises(MissingFactError) as info:
        parse_page(undated, source="page.txt", options=ImportOptions())
    assert info.value.missing == ("edition", "page")
    assert "--edition YYYY-MM-DD and --page N" in str(info.value)


def test_parse_page_records_where_page_and_date_came_from(sample_text: str) -> None:
    labelled = sample_text.replace("星期一\n", "星期一\n第02版：要闻\n", 1)
    printed = parse_page(labelled, source="p2.txt", options=ImportOptions())
    assert (printed.page, printed.origins) == (2, {"edition": "printed", "page": "printed"})
    assert printed.articles[0].id == "zjgrrb-20210830-02-01"
    assert printed.to_dict()["origins"] == {"edition": "printed", "page": "printed"}
    stated = parse_page(sample_text, source="p1.txt", options=ImportOptions(page=4))
    assert (stated.page, stated.origins) == (4, {"edition": "printed", "page": "stated"})


def test_parse_page_round_trips_through_the_json_form(sample: ParsedFile) -> None:
    for article in sample.articles:
        assert article_from_dict(article.to_dict()) == article


def test_parse_page_uses_paper_options(sample_text: str) -> None:
    expected = load_expected(SAMPLE)
    parsed = parse_page(sample_text, source="p1.txt", options=options_for(expected))
    assert {a.id.split("-")[0] for a in parsed.articles} == {"zjgrrb"}
