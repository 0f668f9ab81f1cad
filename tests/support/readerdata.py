"""A paper for the reader pages' tests: everything a reader page must print.

The sample page (page 1 of 2021-08-30: 引题, bylines, photo news without a
picture) plus a page 2 and a page 3 written here: a photo from the media
store with caption and credit, a subhead, a quote, a link, a wide table
with a title and a credit, a corrected article with an e-paper link, and
an earlier edition so that 往期 has somewhere to go.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from PIL import Image, ImageDraw

from support.paths import SAMPLE_PAGE
from support.sampledata import SHANGHAI, import_options
from syndicator import store
from syndicator.config import Config
from syndicator.ingest import load_file
from syndicator.model import Article, Author, Block, Cell

DAY = "2021-08-30"
EARLIER = "2021-08-29"
#: When the paper came out; the reader pages are looked at after this.
RELEASE = datetime(2021, 8, 30, 6, 0, tzinfo=SHANGHAI)
#: When the page-2 lead story was corrected.
CORRECTED = datetime(2021, 8, 30, 15, 20, tzinfo=SHANGHAI)
LEAD = "zjgrrb-20210830-01-01"
PHOTO_STORY = "zjgrrb-20210830-02-01"
TABLE_STORY = "zjgrrb-20210830-02-02"
PAGE3_PHOTO = "zjgrrb-20210830-03-01"
EPAPER = "https://www.zjgrrb.com/zjgrrb/html/2021-08/30/content_{}.htm"


@dataclass(frozen=True)
class ReaderPaper:
    """What was saved: the articles, and the address of the stored photo."""

    articles: tuple[Article, ...]
    photo_src: str

    def get(self, article_id: str) -> Article:
        return next(a for a in self.articles if a.id == article_id)


def photo(width: int = 1200, height: int = 800) -> bytes:
    """A JPEG that reads as a photo at a glance: sky, hills, a building site's cranes."""
    im = Image.new("RGB", (width, height), (188, 212, 232))
    draw = ImageDraw.Draw(im)
    for y in range(height // 2):  # sky, lighter towards the horizon
        shade = 170 + y * 70 // (height // 2)
        draw.line([(0, y), (width, y)], fill=(shade - 40, shade - 15, min(255, shade + 10)))
    draw.polygon([(0, 430), (260, 300), (560, 420), (820, 290), (1200, 410), (1200, 800), (0, 800)],
                 fill=(92, 128, 96))  # fmt: skip
    draw.rectangle([0, 560, width, height], fill=(150, 132, 110))
    for x, h in ((240, 330), (700, 380), (980, 300)):  # cranes
        draw.rectangle([x, 560 - h, x + 14, 560], fill=(214, 160, 36))
        draw.rectangle([x - 120, 560 - h, x + 200, 560 - h + 12], fill=(214, 160, 36))
    draw.rectangle([420, 380, 620, 560], fill=(230, 226, 216))
    for row in range(4):
        for col in range(5):
            x, y = 436 + col * 38, 396 + row * 40
            draw.rectangle([x, y, x + 22, y + 24], fill=(90, 110, 140))
    draw.rectangle([80, 620, 1120, 700], fill=(168, 20, 26))  # the ceremony's red banner
    out = io.BytesIO()
    im.save(out, "JPEG", quality=85)
    return out.getvalue()


def _article(**fields) -> Article:
    base = {
        "edition": RELEASE.date(),
        "published_at": RELEASE,
        "updated_at": RELEASE,
        "paper": "浙江工人日报",
    }
    return Article(**{**base, **fields})


def _table() -> Block:
    head = ("地区", "电工", "焊工", "钳工", "车工", "数控", "养老护理", "合计")
    data = (
        ("杭州", 236, 198, 120, 96, 88, 64),
        ("宁波", 198, 176, 102, 90, 71, 58),
        ("温州", 164, 150, 98, 77, 65, 61),
        ("湖州", 87, 93, 52, 40, 38, 35),
    )
    rows = [tuple(Cell(text, header=True) for text in head)]
    for city, *numbers in data:
        cells = [Cell(city, header=True)] + [Cell(str(n)) for n in numbers]
        rows.append((*cells, Cell(str(sum(numbers)))))
    return Block("table", caption="各地报名人数（人）", credit="制表：程雪", rows=tuple(rows))


def extra_articles(photo_src: str) -> list[Article]:
    page2 = "第02版：经济"
    return [
        _article(
            id=PHOTO_STORY,
            page=2,
            page_name=page2,
            seq=1,
            kicker="稳增长 促就业",
            title="杭州湾新区一批重大项目集中开工",
            subtitle="23个项目总投资超过300亿元",
            byline="本报讯 记者王敏 通讯员李东报道",
            authors=(Author("王敏", "记者"), Author("李东", "通讯员")),
            body=(
                Block(
                    "paragraph",
                    text=(
                        "8月29日，杭州湾新区举行重大项目集中开工仪式，23个项目总投资超过30"
                        "0亿元，涵盖新能源汽车、生命健康、数字经济等产业。"
                    ),
                ),
                Block("image", src=photo_src, caption="开工仪式现场。", credit="通讯员 李东 摄"),
                Block(
                    "paragraph",
                    text="据介绍，此次开工的项目中，产业项目17个，基础设施和民生项目6个。项目全部建成后，预计可新增就业岗位1.2万个。",
                ),
                Block("subhead", text="项目带动就业"),
                Block(
                    "paragraph",
                    text="新区人力社保部门在开工现场设立招聘专区，40余家企业提供岗位2000余个。",
                    html=(
                        "新区人力社保部门在开工现场设立招聘专区，40余家企业提供岗位2000余个，详见"
                        '<a href="https://www.example.gov.cn/notice/2021/0829/zhaopin.html">'
                        "新区公告</a>。"
                    ),
                ),
                Block("quote", text="“我们要把项目建设作为头等大事，以项目之进保发展之稳。”"),
                Block(
                    "paragraph",
                    text="新区有关负责人表示，将为项目建设提供全过程服务，确保项目早投产、早见效。",
                ),
            ),
            source_url=EPAPER.format(2),
            editor="张三",
            section="经济",
            tags=("重大项目", "就业"),
            updated_at=CORRECTED,
        ),
        _article(
            id=TABLE_STORY,
            page=2,
            page_name=page2,
            seq=2,
            title="全省职工技能大赛报名结束",
            subtitle="七个工种共收到报名近三千人",
            byline="本报讯 记者程雪报道",
            authors=(Author("程雪", "记者"),),
            body=(
                Block("paragraph", text="全省职工职业技能大赛报名已经结束，各地报名情况如下。"),
                _table(),
                Block("paragraph", text="比赛将于9月中旬举行，决赛设在杭州。"),
            ),
            source_url=EPAPER.format(2),
        ),
        _article(
            id="zjgrrb-20210830-02-03",
            page=2,
            page_name=page2,
            seq=3,
            kicker="减负增效",
            title="小微企业享受税费优惠超百亿元",
            byline="本报讯 通讯员周洁报道",
            authors=(Author("周洁", "通讯员"),),
            body=(
                Block(
                    "paragraph",
                    text="今年上半年，我省小微企业享受各项税费优惠超过100亿元，惠及市场主体120余万户。",
                ),
            ),
            source_url=EPAPER.format(2),
        ),
        _article(
            id=PAGE3_PHOTO,
            page=3,
            page_name="第03版：职工生活",
            seq=1,
            title="工地上的“清凉驿站”",
            byline="通讯员 李东 摄",
            authors=(Author("李东", "摄"),),
            body=(
                Block(
                    "image",
                    src=photo_src,
                    caption="8月29日，杭州湾新区一处工地的“清凉驿站”里，工人们领取防暑降温用品。",
                    credit="通讯员 李东 摄",
                ),
            ),
            source_url=EPAPER.format(3),
        ),
        _article(
            id="zjgrrb-20210829-01-01",
            edition=datetime(2021, 8, 29).date(),
            published_at=datetime(2021, 8, 29, 6, 0, tzinfo=SHANGHAI),
            updated_at=datetime(2021, 8, 29, 6, 0, tzinfo=SHANGHAI),
            page=1,
            page_name="第01版：要闻",
            title="全省工会系统部署下半年重点工作",
            body=(Block("paragraph", text="昨日，省总工会召开全省工会系统半年工作会议。"),),
        ),
    ]


def save_reader_paper(engine, config: Config, now: datetime) -> ReaderPaper:
    """Save the sample page and :func:`extra_articles`, the photo in ``config``'s media store."""
    stored = store.MediaStore(config.media_dir).put(photo(), filename="kaigong.jpg")
    src = store.media_url(config.site.base_url, stored.name)
    sample = load_file(SAMPLE_PAGE, import_options(config, page=1))
    extra = extra_articles(src)
    with engine.begin() as conn:
        store.save_edition(conn, sample.edition)
        store.save_articles(conn, [*sample.articles, *extra], now=now)
    return ReaderPaper((*sample.articles, *extra), src)
