"""The edition view: the day's pages with their articles and states, older days paged."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

from support.paths import SAMPLE_PAGE
from support.sampledata import AFTER_EDITION

from syndicator import store
from syndicator.actions import articles as article_actions
from syndicator.ingest import load_file
from syndicator.web.desk.editions import EDITIONS_PER_PAGE

DAY = "2021-08-30"


def rows(html: str) -> list[tuple[str, str, str]]:
    """(page heading, title, state label) of every article row, in page order."""
    out = []
    for section in re.findall(r'<section class="page">.*?</section>', html, re.S):
        heading = unescape(re.search(r"<h2>([^<]+)</h2>", section).group(1))
        for row in re.findall(r'<li class="row.*?</li>', section, re.S):
            title = unescape(re.search(r'class="title"[^>]*>([^<]+)<', row).group(1))
            state = unescape(re.search(r'<span class="state [^"]+">([^<]+)<', row).group(1))
            out.append((heading, title, state))
    return out


def test_the_day_shows_each_page_with_its_articles_and_their_states(
    editor_client, engine, config, loaded, import_options, clock
) -> None:
    second = load_file(SAMPLE_PAGE, import_options(config, page=2))
    with store.transaction(engine) as conn:
        store.save_articles(conn, second.articles, now=AFTER_EDITION)
    article_actions.withdraw_article(engine, loaded[1].id, actor="test", reason="重复")
    with store.transaction(engine) as conn:
        store.set_status(conn, loaded[2].id, "draft")
    later = clock.now + timedelta(hours=3)
    article_actions.set_embargo(engine, loaded[3].id, later, actor="test", now=clock.now)

    response = editor_client.get(f"/desk/editions/{DAY}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "浙江工人日报" in html and "2021年8月30日 星期一 · 总第11905号" in html
    shown = rows(html)
    assert [h for h, _t, _s in shown] == ["第1版"] * 8 + ["第2版"] * 8
    assert [t for _h, t, _s in shown] == [a.title for a in loaded + second.articles]
    states = [s for _h, _t, s in shown[:5]]
    assert states == ["已发布", "已撤回", "草稿", "定时 08-30 15:00", "已发布"]
    assert {s for _h, _t, s in shown[8:]} == {"已发布"}
    assert f'href="/desk/articles/{loaded[0].id}"' in html
    # The newest day is the desk's front page.
    assert rows(editor_client.get("/desk/").get_data(as_text=True)) == shown


def test_an_unknown_day_is_not_found(editor_client, loaded) -> None:
    assert editor_client.get("/desk/editions/2021-08-31").status_code == 404
    assert editor_client.get("/desk/editions/yesterday").status_code == 404


def test_an_empty_store_says_how_to_begin(editor_client) -> None:
    html = editor_client.get("/desk/").get_data(as_text=True)
    assert "还没有导入任何版面" in html and 'href="/desk/import"' in html


def test_older_editions_are_paged(editor_client, engine, loaded) -> None:
    first = date(2021, 8, 30)
    days = [first - timedelta(days=n) for n in range(EDITIONS_PER_PAGE + 5)]
    with store.transaction(engine) as conn:
        store.save_articles(
            conn,
            [loaded[0].replace(id=f"zjgrrb-{d:%Y%m%d}-01-01", edition=d, seq=1) for d in days[1:]],
            now=AFTER_EDITION,
        )

    def listed(html: str) -> list[str]:
        nav = html.split('<nav class="editions"')[1]
        return re.findall(r'href="/desk/editions/(\d{4}-\d\d-\d\d)"', nav)

    html = editor_client.get("/desk/").get_data(as_text=True)
    assert listed(html) == [d.isoformat() for d in days[:EDITIONS_PER_PAGE]]
    [more] = re.findall(r'<a class="more" href="([^"]+)">更早的版面 →</a>', html)
    assert more == f"/desk/editions/{DAY}?before={days[EDITIONS_PER_PAGE - 1].isoformat()}"
    older = editor_client.get(unescape(more)).get_data(as_text=True)
    assert listed(older) == [d.isoformat() for d in days[EDITIONS_PER_PAGE:]]
    assert "更早的版面" not in older
    assert rows(older)[0][1] == loaded[0].title  # still showing the newest day's pages
