"""The edit form: a save is a correction (same id and GUID, ``updated`` moves,
audited), errors are shown beside their field in Chinese with nothing
saved, and the feeds follow on the next pass.

Every post starts from the fields the page itself offers
(:func:`support.forms.form_fields`), changed as an editor would.
"""

from __future__ import annotations

import re
from datetime import datetime
from html import unescape

import feedparser
import pytest
from support.forms import form_fields
from support.paths import DATA
from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.actions import articles as article_actions
from syndicator.actions import audit as audit_actions
from syndicator.publish import run_pass

FIRST = "zjgrrb-20210830-01-01"
ECONOMY = "zjgrrb-20210901-02-01"  # tests/data/articles.json: a picture, links, a quote
LINKED = 3  # its paragraph with two links
AFTER_SEPT_1 = datetime(2021, 9, 2, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def clock(clock):
    """The desk's clock on the morning after tests/data/articles.json's day."""
    clock.now = AFTER_SEPT_1
    return clock


@pytest.fixture
def posted(engine, config) -> None:
    """tests/data/articles.json saved as the ingest API saves a CMS post."""
    text = (DATA / "articles.json").read_text(encoding="utf-8")
    parsed = article_actions.parse_posted(text, config)
    article_actions.save_parsed(engine, [parsed], now=AFTER_SEPT_1, actor="api")


def edit_form(client, article_id: str) -> tuple[str, dict[str, str]]:
    path = f"/desk/articles/{article_id}/edit"
    page = client.get(path)
    assert page.status_code == 200
    return path, form_fields(page.get_data(as_text=True), path)


def stored(engine, article_id: str) -> store.StoredArticle:
    with engine.connect() as conn:
        return store.get_articles(conn, [article_id])[article_id]


def edits(engine, article_id: str) -> list[audit_actions.AuditEntry]:
    return [
        e for e in audit_actions.list_audit(engine, article_id=article_id) if e.action == "edit"
    ]


def rss(client) -> feedparser.FeedParserDict:
    response = client.get("/feeds/all/rss.xml", buffered=True)
    assert response.status_code == 200
    return feedparser.parse(response.data)


def block_error(html: str, index: int) -> str | None:
    """The error shown in the body block the form shows at ``index``."""
    for item in re.findall(r'<li class="block[^"]*">.*?</li>', html, re.S):
        if f'name="block-{index}-type"' in item:
            found = re.search(r'<p class="error field-error">([^<]+)</p>', item)
            return unescape(found.group(1)) if found else None
    raise AssertionError(f"no block {index} on the form")


def field_error(html: str, name: str) -> str | None:
    found = re.search(rf'<p class="error field-error" data-field="{name}">([^<]+)</p>', html)
    return unescape(found.group(1)) if found else None


def test_an_edit_is_a_correction_the_audit_and_the_feed_show(
    desk_app, editor_client, engine, config, loaded, clock
) -> None:
    run_pass(engine, config, now=clock.now)
    reader = desk_app.test_client()
    [item] = [e for e in rss(reader).entries if e.title == loaded[0].title]
    guid = item.id
    before = stored(engine, FIRST)
    clock.advance(minutes=30)

    path, form = edit_form(editor_client, FIRST)
    assert form["kicker"] == "小切口 大场景" and form["published_at"] == "2021-08-30T06:00"
    form.update(
        kicker="数字化改革",
        title="我省公布首批数字化改革成果",
        summary="全省数字化改革交出首份成绩单。",
        tags="数字化改革、浙江",
        published_at="2021-08-30T05:30",
    )
    form["block-0-text"] = "前天,我省召开数字化改革重大应用成果新闻发布会。"
    saved = editor_client.post(path, data=form)
    assert saved.status_code == 302 and saved.headers["Location"] == f"/desk/articles/{FIRST}"

    after = stored(engine, FIRST)
    a = after.article
    assert (a.id, a.kicker, a.title) == (FIRST, "数字化改革", "我省公布首批数字化改革成果")
    assert a.summary == "全省数字化改革交出首份成绩单。" and a.tags == ("数字化改革", "浙江")
    assert a.body[0].text == "前天,我省召开数字化改革重大应用成果新闻发布会。"
    assert a.body[1:] == before.article.body[1:]
    assert a.published_at == datetime(2021, 8, 30, 5, 30, tzinfo=SHANGHAI)
    assert a.updated_at == clock.now > before.article.updated_at
    assert (a.edition, a.page, a.seq, after.status) == (
        before.article.edition,
        before.article.page,
        before.article.seq,
        "published",
    )
    [entry] = edits(engine, FIRST)
    assert entry.actor == "desk:editor1"
    assert entry.before["title"] == loaded[0].title and entry.after["title"] == a.title
    assert entry.before["kicker"] == "小切口 大场景" and entry.after["kicker"] == "数字化改革"
    assert entry.after["tags"] == ["数字化改革", "浙江"]
    assert "前天" in entry.after["body"] and "昨日" in entry.before["body"]
    page = editor_client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "已保存更正" in page and "desk:editor1</b> 编辑" in page
    assert '<th>标签</th><td class="old"></td><td class="new">数字化改革、浙江</td>' in page

    run_pass(engine, config, now=clock.now)
    [item] = [e for e in rss(reader).entries if e.id == guid]
    assert item.title == "我省公布首批数字化改革成果"
    assert "全省数字化改革交出首份成绩单" in item.summary
    assert item.published_parsed[:5] == (2021, 8, 29, 21, 30)  # 05:30 in Shanghai
    assert not [e for e in rss(reader).entries if e.title == loaded[0].title]


def test_saving_the_form_unchanged_changes_nothing(editor_client, engine, loaded, posted) -> None:
    """The form shows times to the minute; the stored seconds (the order of a page's
    articles, an API post's milliseconds) must survive a save that did not touch them."""
    for article_id in (FIRST, "zjgrrb-20210830-01-02", ECONOMY):
        before = stored(engine, article_id)
        path, form = edit_form(editor_client, article_id)
        saved = editor_client.post(path, data=form)
        assert saved.status_code == 302
        assert "没有改动" in editor_client.get(saved.headers["Location"]).get_data(as_text=True)
        assert stored(engine, article_id) == before
        assert edits(engine, article_id) == []


def test_a_kicker_fix_keeps_the_order_of_the_page(editor_client, engine, loaded) -> None:
    before = stored(engine, FIRST).article.published_at
    path, form = edit_form(editor_client, FIRST)
    form["kicker"] = "小切口、大场景"
    assert editor_client.post(path, data=form).status_code == 302
    assert stored(engine, FIRST).article.published_at == before  # 06:00:00.999999, seq 1 first


def test_the_publish_time_can_move_later_than_the_last_update(
    editor_client, engine, loaded, clock
) -> None:
    path, form = edit_form(editor_client, FIRST)
    form["published_at"] = "2021-09-02T18:00"
    saved = editor_client.post(path, data=form)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    a = stored(engine, FIRST).article
    assert a.published_at == a.updated_at == datetime(2021, 9, 2, 18, 0, tzinfo=SHANGHAI)
    assert "定时" in editor_client.get(saved.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        ({"title": "  "}, "title", "主题不能为空"),
        ({"published_at": "2021-02-30T06:00"}, "published_at", "请填写有效的日期和时间"),
        ({"published_at": "明天早上"}, "published_at", "请填写有效的日期和时间"),
        ({"published_at": "0999-09-01T06:00"}, "published_at", "请填写有效的日期和时间"),
        ({"block-1-src": "", "block-1-caption": ""}, 1, "图片需要图片地址或图片说明"),
    ],
)
def test_an_error_is_shown_beside_its_field_and_nothing_is_saved(
    editor_client, engine, posted, change, where, message
) -> None:
    before = stored(engine, ECONOMY)
    path, form = edit_form(editor_client, ECONOMY)
    form.update(change, kicker="本想改的引题")
    refused = editor_client.post(path, data=form)
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "有 1 处需要修改，未保存。" in html
    shown = block_error(html, where) if isinstance(where, int) else field_error(html, where)
    assert shown == message
    assert 'value="本想改的引题"' in html  # what was typed is kept on the form
    assert stored(engine, ECONOMY) == before
    assert edits(engine, ECONOMY) == []


def test_adding_a_block_saves_nothing_and_a_bad_table_line_is_refused(
    editor_client, engine, posted
) -> None:
    before = stored(engine, ECONOMY)
    path, form = edit_form(editor_client, ECONOMY)
    assert form["blocks"] == "5"
    shown = editor_client.post(path, data={**form, "add": "table"})
    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    assert '<textarea name="block-5-rows"' in html
    assert stored(engine, ECONOMY) == before  # the add button saves nothing
    form = form_fields(html, path)
    assert form["blocks"] == "6" and form["block-5-type"] == "table"

    form.update(
        {"block-5-caption": "项目一览", "block-5-rows": "项目 | 投资\n新区港口 | 120亿 | 多了一格"}
    )
    refused = editor_client.post(path, data=form)
    assert refused.status_code == 400
    assert block_error(refused.get_data(as_text=True), 5) == (
        "表格第 2 行有 3 格，第 1 行有 2 格：每行的单元格数应相同（用 | 分隔）"
    )
    wide = editor_client.post(path, data={**form, "block-5-rows": " | ".join("x" * 21)})
    assert wide.status_code == 400
    assert block_error(wide.get_data(as_text=True), 5) == "表格过宽：每行最多 20 列"
    assert stored(engine, ECONOMY) == before

    form["block-5-rows"] = "项目 | 投资\n新区港口 | 120亿"
    assert editor_client.post(path, data=form).status_code == 302
    table = stored(engine, ECONOMY).article.body[-1]
    assert table.type == "table" and table.caption == "项目一览"
    assert [[c.text for c in row] for row in table.rows] == [
        ["项目", "投资"],
        ["新区港口", "120亿"],
    ]


def test_an_empty_added_block_is_left_out(editor_client, engine, posted) -> None:
    before = stored(engine, ECONOMY)
    path, form = edit_form(editor_client, ECONOMY)
    form = form_fields(
        editor_client.post(path, data={**form, "add": "paragraph"}).get_data(as_text=True), path
    )
    assert form["block-5-text"] == ""
    saved = editor_client.post(path, data=form)
    assert saved.status_code == 302
    assert stored(engine, ECONOMY) == before


def test_blocks_are_removed_and_reordered(editor_client, engine, posted) -> None:
    old = stored(engine, ECONOMY).article.body
    path, form = edit_form(editor_client, ECONOMY)
    form["block-2-remove"] = "1"  # the subhead
    form["block-4-order"] = "0"  # the quote first
    saved = editor_client.post(path, data=form)
    assert saved.status_code == 302
    body = stored(engine, ECONOMY).article.body
    assert body == (old[4], old[0], old[1], old[3])
    assert body[2].length == old[1].length and body[3].html == old[3].html


def test_a_paragraph_keeps_its_links_until_its_text_is_edited(
    editor_client, engine, posted
) -> None:
    linked = stored(engine, ECONOMY).article.body[LINKED]
    assert linked.html and "<a href=" in linked.html
    path, form = edit_form(editor_client, ECONOMY)
    assert form[f"block-{LINKED}-text"] == linked.text
    form["title"] = "杭州湾新区一批重大项目开工"
    assert editor_client.post(path, data=form).status_code == 302
    assert stored(engine, ECONOMY).article.body[LINKED].html == linked.html

    path, form = edit_form(editor_client, ECONOMY)
    form[f"block-{LINKED}-text"] = "详见新区公告。"
    assert editor_client.post(path, data=form).status_code == 302
    edited = stored(engine, ECONOMY).article.body[LINKED]
    assert (edited.text, edited.html) == ("详见新区公告。", None)


def test_a_paragraph_switched_to_a_caption_keeps_its_words(editor_client, engine, posted) -> None:
    path, form = edit_form(editor_client, ECONOMY)
    form["block-4-type"] = "image"  # the importer read a caption as text
    assert editor_client.post(path, data=form).status_code == 302
    block = stored(engine, ECONOMY).article.body[4]
    assert (block.type, block.src, block.caption) == (
        "image",
        None,
        "“我们要把项目建设作为头等大事。”",
    )
    path, form = edit_form(editor_client, ECONOMY)
    form["block-0-type"] = "table"
    assert editor_client.post(path, data=form).status_code == 302
    table = stored(engine, ECONOMY).article.body[0]
    assert table.type == "table" and table.rows[0][0].text.startswith("9月1日")
