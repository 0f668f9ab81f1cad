"""One article on the desk: held posts shown as held, WeChat readiness as push
would judge it, withdraw / restore / embargo audited, push against a fake
WeChat API."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from html import unescape

import feedparser
import pytest
from support import desk
from support.wechat_fake import APP_ID, SECRET, FakeWechat

from syndicator import store
from syndicator.actions import articles as article_actions
from syndicator.actions import audit as audit_actions
from syndicator.config import WECHAT_APPID_ENV, WECHAT_SECRET_ENV
from syndicator.publish import run_pass
from syndicator.web import create_app

FIRST = "zjgrrb-20210830-01-01"
SECOND = "zjgrrb-20210830-01-02"
PHOTO_NEWS = "zjgrrb-20210830-01-07"  # a caption, no picture: the e-paper kept no image
READY = "微信检查通过：可发布"
NO_COVER = "没有可作封面的图片"


@pytest.fixture
def fake_wechat() -> Iterator[FakeWechat]:
    server = FakeWechat()
    yield server
    server.close()


@pytest.fixture
def credentials(monkeypatch) -> None:
    monkeypatch.setenv(WECHAT_APPID_ENV, APP_ID)
    monkeypatch.setenv(WECHAT_SECRET_ENV, SECRET)


def client_for(config, clock, name: str = "editor1"):
    """A signed-in client of an app built on ``config`` (the test's store)."""
    client = create_app(config, {"TESTING": True, "CLOCK": clock}).test_client()
    assert desk.login(client, name).status_code == 302
    return client


def page(client, article_id: str) -> str:
    response = client.get(f"/desk/articles/{article_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def banner(html: str) -> str | None:
    found = re.search(r'<p class="banner held" role="alert">([^<]+)</p>', html)
    return unescape(found.group(1)) if found else None


def copy_button(html: str) -> str:
    [button] = re.findall(r'<button id="copy"[^>]*>', html)
    return unescape(button)


def status(engine, article_id: str) -> str:
    with engine.connect() as conn:
        return store.get_status(conn, article_id)


def entries(engine, article_id: str, action: str) -> list[audit_actions.AuditEntry]:
    return [
        e for e in audit_actions.list_audit(engine, article_id=article_id) if e.action == action
    ]


def add_photo(client, article_id: str, make_picture) -> None:
    sent = desk.post(
        client,
        f"/desk/articles/{article_id}/photos",
        {"photo": (io.BytesIO(make_picture(640, 400)), "p.jpg"), "caption": "现场。"},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302


def _hold(engine, how: str, clock) -> str:
    if how == "withdrawn":
        article_actions.withdraw_article(engine, FIRST, actor="test", reason="核实中")
        return "已撤回：不得发布"
    if how == "draft":
        with store.transaction(engine) as conn:
            store.set_status(conn, FIRST, "draft")
        return "草稿：尚未签发"
    later = clock.now + timedelta(hours=2)
    article_actions.set_embargo(engine, FIRST, later, actor="test", now=clock.now)
    return "定时稿：2021-08-30 14:00 前不得发布"


@pytest.mark.parametrize("how", ["withdrawn", "draft", "scheduled"])
def test_a_held_post_shows_a_red_banner_and_copy_asks_first(
    editor_client, engine, loaded, clock, make_picture, how
) -> None:
    add_photo(editor_client, FIRST, make_picture)  # otherwise ready: only the hold stands
    held = _hold(engine, how, clock)
    html = page(editor_client, FIRST)
    assert banner(html) == held
    assert f'data-confirm="{held}。仍要复制吗？"' in copy_button(html)
    assert READY not in html
    row = _edition_row(editor_client, FIRST)
    assert "不可发布" in row and "可发布</span>" not in row.replace("不可发布", "")
    # A post that may go out has neither.
    other = page(editor_client, SECOND)
    assert banner(other) is None and "data-confirm" not in copy_button(other)


def _edition_row(client, article_id: str) -> str:
    html = client.get("/desk/editions/2021-08-30").get_data(as_text=True)
    [row] = [r for r in re.findall(r'<li class="row.*?</li>', html, re.S) if article_id in r]
    return row


def test_photo_news_is_not_ready_without_a_cover(editor_client, engine, loaded) -> None:
    html = page(editor_client, PHOTO_NEWS)
    assert READY not in html and NO_COVER in html
    assert banner(html) is None  # nothing holds it: it needs a cover, not a confirmation
    row = _edition_row(editor_client, PHOTO_NEWS)
    assert "可发布" not in row and f'<span class="wx bad" title="{NO_COVER}' in row


def test_photo_news_is_ready_when_a_default_cover_is_configured(
    make_config, tmp_path, engine, loaded, clock, editor
) -> None:
    (tmp_path / "cover.jpg").write_bytes(b"a picture")
    client = client_for(make_config(tmp_path, wechat={"cover": "cover.jpg"}), clock)
    html = page(client, PHOTO_NEWS)
    assert READY in html and NO_COVER not in html
    assert '<span class="wx ok">可发布</span>' in _edition_row(client, PHOTO_NEWS)


def test_a_due_published_post_with_a_picture_is_ready(
    editor_client, engine, loaded, make_picture
) -> None:
    add_photo(editor_client, FIRST, make_picture)
    html = page(editor_client, FIRST)
    assert READY in html and banner(html) is None
    assert '<span class="wx ok">可发布</span>' in _edition_row(editor_client, FIRST)


@pytest.mark.parametrize("reason", ["", "   "])
def test_withdrawing_needs_a_reason(editor_client, engine, loaded, reason) -> None:
    refused = desk.post(editor_client, f"/desk/articles/{FIRST}/withdraw", {"reason": reason})
    assert refused.status_code == 400
    assert '<p class="error field-error">请填写撤回原因</p>' in refused.get_data(as_text=True)
    assert status(engine, FIRST) == "published"
    assert entries(engine, FIRST, "withdraw") == []


def test_withdraw_restore_and_embargo_are_audited_and_the_feeds_follow(
    desk_app, editor_client, engine, config, loaded, clock
) -> None:
    reader = desk_app.test_client()

    def guids() -> list[str]:
        run_pass(engine, config, now=clock.now)
        feed = feedparser.parse(reader.get("/feeds/all/rss.xml", buffered=True).data)
        return [e.id for e in feed.entries if FIRST in e.id or FIRST in e.get("link", "")]

    [guid] = guids()
    clock.advance(minutes=5)
    done = desk.post(editor_client, f"/desk/articles/{FIRST}/withdraw", {"reason": " 数据  有误 "})
    assert done.status_code == 302
    assert status(engine, FIRST) == "withdrawn"
    [entry] = entries(engine, FIRST, "withdraw")
    assert (entry.actor, entry.note, entry.at) == ("desk:editor1", "数据 有误", clock.now)
    assert (entry.before, entry.after) == ({"status": "published"}, {"status": "withdrawn"})
    assert guids() == []

    clock.advance(minutes=5)
    assert desk.post(editor_client, f"/desk/articles/{FIRST}/restore").status_code == 302
    assert status(engine, FIRST) == "published"
    [entry] = entries(engine, FIRST, "restore")
    assert entry.actor == "desk:editor1" and entry.after == {"status": "published"}
    assert guids() == [guid]

    clock.advance(minutes=5)
    moved = desk.post(
        editor_client, f"/desk/articles/{FIRST}/embargo", {"published_at": "2021-08-30T13:30"}
    )
    assert moved.status_code == 302
    [entry] = entries(engine, FIRST, "embargo")
    assert entry.actor == "desk:editor1"
    assert entry.after == {"published_at": "2021-08-30T13:30:00+08:00"}
    assert guids() == []  # not due until 13:30
    clock.now = datetime.fromisoformat("2021-08-30T13:30:00+08:00")
    assert guids() == [guid]

    html = page(editor_client, FIRST)
    assert "发布时间已改为 2021-08-30 13:30" in html
    history = html.split("<h2>操作记录</h2>")[1]
    assert history.index("修改发布时间") < history.index("恢复发布") < history.index("撤回")
    assert "<b>desk:editor1</b> 撤回：数据 有误" in history


def test_a_bad_embargo_time_is_shown_and_nothing_changes(editor_client, engine, loaded) -> None:
    before = article_actions.get_article(engine, FIRST)
    refused = desk.post(
        editor_client, f"/desk/articles/{FIRST}/embargo", {"published_at": "下午三点"}
    )
    assert refused.status_code == 400
    assert '<p class="error field-error">请填写有效的日期和时间</p>' in refused.get_data(
        as_text=True
    )
    assert article_actions.get_article(engine, FIRST) == before
    assert entries(engine, FIRST, "embargo") == []


def test_the_push_button_is_offered_only_with_credentials(
    desk_app, editor_client, loaded, monkeypatch
) -> None:
    assert "推送到公众号草稿箱" not in page(editor_client, FIRST)
    monkeypatch.setenv(WECHAT_APPID_ENV, APP_ID)
    assert "推送到公众号草稿箱" not in page(editor_client, FIRST)  # both are needed
    monkeypatch.setenv(WECHAT_SECRET_ENV, SECRET)
    assert "推送到公众号草稿箱" in page(editor_client, FIRST)


@pytest.fixture
def wx_client(make_config, tmp_path, engine, loaded, clock, editor, fake_wechat, credentials):
    """A signed-in editor of a desk whose WeChat API is the fake."""
    config = make_config(tmp_path, wechat={"api_base": fake_wechat.url, "cache_dir": "wx"})
    return client_for(config, clock)


def test_push_creates_the_draft_and_is_audited(
    wx_client, engine, fake_wechat, make_picture
) -> None:
    add_photo(wx_client, FIRST, make_picture)
    pushed = desk.post(wx_client, f"/desk/articles/{FIRST}/push")
    assert pushed.status_code == 302
    [draft] = fake_wechat.drafts
    [sent] = draft["articles"]
    assert sent["title"] == article_actions.get_article(engine, FIRST).title
    assert sent["thumb_media_id"]
    [entry] = entries(engine, FIRST, "push")
    assert entry.actor == "desk:editor1"
    assert entry.note == "草稿 DRAFT-1（上传图片 2 张，复用 0 张）"
    html = page(wx_client, FIRST)
    assert "已推送到公众号草稿箱：草稿 DRAFT-1（上传图片 2 张，复用 0 张）" in html
    assert "<b>desk:editor1</b> 推送草稿：草稿 DRAFT-1" in html


def test_pushing_a_withdrawn_post_needs_the_box_ticked(
    wx_client, engine, fake_wechat, make_picture
) -> None:
    add_photo(wx_client, FIRST, make_picture)
    article_actions.withdraw_article(engine, FIRST, actor="test", reason="核实中")
    html = page(wx_client, FIRST)
    assert 'name="confirm" value="yes"' in html
    refused = desk.post(wx_client, f"/desk/articles/{FIRST}/push")
    assert refused.status_code == 409
    assert "已撤回：不得发布。确认仍要推送草稿时请勾选确认" in refused.get_data(as_text=True)
    assert fake_wechat.calls == [] and entries(engine, FIRST, "push") == []
    confirmed = desk.post(wx_client, f"/desk/articles/{FIRST}/push", {"confirm": "yes"})
    assert confirmed.status_code == 302
    assert len(fake_wechat.drafts) == 1 and len(entries(engine, FIRST, "push")) == 1


def test_a_push_the_wechat_api_refuses_is_shown_and_not_audited(
    wx_client, engine, fake_wechat, make_picture
) -> None:
    add_photo(wx_client, FIRST, make_picture)
    fake_wechat.fail("draft/add", 45004, "description size out of limit")
    refused = desk.post(wx_client, f"/desk/articles/{FIRST}/push")
    assert refused.status_code == 502
    text = refused.get_data(as_text=True)
    assert "推送失败：" in text and "45004" in text
    assert entries(engine, FIRST, "push") == []


def test_a_post_without_a_cover_is_not_pushed(wx_client, engine, fake_wechat) -> None:
    refused = desk.post(wx_client, f"/desk/articles/{PHOTO_NEWS}/push")
    assert refused.status_code == 400
    assert "推送失败：" in refused.get_data(as_text=True)
    assert fake_wechat.drafts == [] and entries(engine, PHOTO_NEWS, "push") == []


def test_an_unknown_article_is_not_found(editor_client, loaded) -> None:
    missing = "zjgrrb-20210830-01-99"
    for path in ("", "/edit", "/photos"):
        assert editor_client.get(f"/desk/articles/{missing}{path}").status_code == 404, path
    for action, form in (("withdraw", {"reason": "误发"}), ("restore", {}), ("cover", {})):
        response = desk.post(editor_client, f"/desk/articles/{missing}/{action}", form)
        assert response.status_code == 404, action
