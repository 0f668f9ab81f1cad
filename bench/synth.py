"""Synthetic stores and e-paper pages built from the sample page's structure.

The benchmarks need many editions of a daily paper. They are made from
the real sample page (page 1 of 浙江工人日报, 2021-08-30: eight articles
of 50 to 1,600 characters, with bylines, photos and captions), so text
lengths and markup are those of the paper: each synthetic article is one
of the sample's articles on another day, page and position, with its own
id, section, tags and times. Sections are spread evenly, so channels
that filter by section fill up as fast as each other.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from syndicator import store
from syndicator.config import Config
from syndicator.ingest import ImportOptions, load_file
from syndicator.model import Article, make_article_id

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_PAGE = ROOT / "demo" / "zjgrrb-2021-08-30-p1.txt"
SHANGHAI = ZoneInfo("Asia/Shanghai")
#: The first synthetic edition; later ones follow day by day.
FIRST_DAY = date(2015, 1, 1)
SECTIONS = (
    "要闻",
    "经济",
    "社会",
    "工会",
    "文化",
    "体育",
    "教育",
    "科技",
    "健康",
    "法治",
    "三农",
    "城市",
    "环保",
    "交通",
    "旅游",
    "评论",
    "国际",
    "民生",
    "人物",
)
TAGS = ("数字化改革", "共同富裕", "劳模", "技能竞赛", "职工服务", "安全生产")
PER_PAGE = 8


@cache
def sample_articles() -> tuple[Article, ...]:
    parsed = load_file(SAMPLE_PAGE, ImportOptions(tz=SHANGHAI, page=1))
    return tuple(parsed.articles)


def channels_toml(count: int = 20, limit: int = 50) -> str:
    """``[channels.*]`` tables: ``all`` plus ``count - 1`` section channels."""
    out = [f'[channels.all]\ntitle = "浙江工人日报"\nlimit = {limit}\n']
    for i, section in enumerate(SECTIONS[: count - 1], start=1):
        out.append(
            f'[channels.s{i:02d}]\ntitle = "浙江工人日报 · {section}"\n'
            f'section = "{section}"\nlimit = {limit}\n'
        )
    return "\n".join(out)


def channels_dict(count: int = 20, limit: int = 50) -> dict[str, dict]:
    out: dict[str, dict] = {"all": {"title": "浙江工人日报", "limit": limit}}
    for i, section in enumerate(SECTIONS[: count - 1], start=1):
        title = f"浙江工人日报 · {section}"
        out[f"s{i:02d}"] = {"title": title, "section": section, "limit": limit}
    return out


def edition_day(index: int) -> date:
    return FIRST_DAY + timedelta(days=index)


def synthetic_article(day: date, number: int, *, published_at: datetime | None = None) -> Article:
    """The ``number``-th article (0-based) of the edition of ``day``."""
    template = sample_articles()[number % PER_PAGE]
    page, seq = number // PER_PAGE + 1, number % PER_PAGE + 1
    published = published_at or datetime.combine(day, time(6, 0), SHANGHAI)
    serial = day.toordinal() * 1000 + number
    return template.replace(
        id=make_article_id("zjgrrb", day, page, seq),
        edition=day,
        page=page,
        page_name=f"第{page:02d}版",
        seq=seq,
        section=SECTIONS[serial % len(SECTIONS)],
        tags=(TAGS[serial % len(TAGS)],),
        source_url=f"https://www.zjgrrb.com/zjgrrb/html/{day:%Y-%m/%d}/content_{number + 1}.htm",
        published_at=published,
        updated_at=published,
        paper="浙江工人日报",
    )


def synthetic_articles(editions: int, per_edition: int, first: int = 0) -> Iterator[Article]:
    for index in range(first, first + editions):
        day = edition_day(index)
        for number in range(per_edition):
            yield synthetic_article(day, number)


def edition_sizes(total: int, low: int, high: int, *, seed: int = 11) -> list[int]:
    """Articles per edition, from ``low`` to ``high`` each (the last one fewer
    if need be), adding up to ``total``: a paper whose days differ, as a
    real one's do (a Monday's 4 pages against a Friday's 12). The same
    ``seed`` gives the same paper, so runs compare."""
    rng = random.Random(seed)
    sizes: list[int] = []
    left = total
    while left > 0:
        sizes.append(min(left, rng.randint(low, high)))
        left -= sizes[-1]
    return sizes


def fill_store(engine, articles: Iterator[Article], *, now: datetime, chunk: int = 2000) -> int:
    """Save articles through the store's own API, ``chunk`` per transaction."""
    count = 0
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= chunk:
            with store.transaction(engine) as conn:
                store.save_articles(conn, batch, now=now)
            count += len(batch)
            batch = []
    if batch:
        with store.transaction(engine) as conn:
            store.save_articles(conn, batch, now=now)
        count += len(batch)
    return count


def open_store(config: Config):
    engine = store.create_store_engine(config.store_url)
    store.init_schema(engine)
    return engine


# -- e-paper page texts ------------------------------------------------------------

_LUNAR = "辛丑年七月廿三"
_WEEKDAYS = "一二三四五六日"


def page_text(day: date, issue: int) -> str:
    """The sample page as printed on ``day``: masthead date, weekday and issue changed."""
    text = SAMPLE_PAGE.read_text(encoding="utf-8")
    text = text.replace("2021年8月30日", f"{day.year}年{day.month}月{day.day}日")
    text = text.replace("星期一", f"星期{_WEEKDAYS[day.weekday()]}")
    text = re.sub(r"总第\d+号", f"总第{issue}号", text)
    return text.replace(_LUNAR, _LUNAR)  # the lunar date is kept: nothing reads it


def write_pages(folder: Path, editions: int) -> list[Path]:
    """``editions`` page files, one per day from :data:`FIRST_DAY`."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(editions):
        day = edition_day(index)
        path = folder / f"zjgrrb-{day:%Y-%m-%d}-p1.txt"
        path.write_text(page_text(day, 10000 + index), encoding="utf-8")
        paths.append(path)
    return paths
