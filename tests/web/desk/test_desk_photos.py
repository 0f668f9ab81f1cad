"""Photos on the desk: upload into the media store, attach as image blocks, choose
the WeChat cover; the feeds then carry them with their real length."""

from __future__ import annotations

import io
import os
import re
from html import unescape

import feedparser
import pytest
from PIL import Image
from support import desk

from syndicator import store
from syndicator.actions import audit as audit_actions
from syndicator.publish import run_pass

FIRST = "zjgrrb-20210830-01-01"  # no picture of its own
PHOTO_NEWS = "zjgrrb-20210830-01-07"  # a caption without a picture (e-paper text)


def upload(client, article_id: str, *photos: tuple[str, bytes], **form: str):
    parts = [(io.BytesIO(data), name) for name, data in photos]
    return desk.post(
        client,
        f"/desk/articles/{article_id}/photos",
        {"photo": parts, **form},
        content_type="multipart/form-data",
    )


def article(engine, article_id: str):
    with engine.connect() as conn:
        return store.get_article(conn, article_id)


def photo_error(response) -> str | None:
    found = re.search(r'<p class="error field-error">([^<]+)</p>', response.get_data(as_text=True))
    return unescape(found.group(1)) if found else None


def local(url: str, config) -> str:
    assert url.startswith(f"{config.site.base_url}/media/"), url
    return url[len(config.site.base_url) :]


@pytest.mark.parametrize(
    ("fmt", "ext", "mime"),
    [("JPEG", "jpg", "image/jpeg"), ("PNG", "png", "image/png"), ("WEBP", "webp", "image/webp")],
)
def test_an_uploaded_photo_becomes_an_image_block_served_from_media(
    editor_client, engine, config, loaded, make_picture, fmt, ext, mime
) -> None:
    data = make_picture(800, 500, fmt=fmt)
    saved = upload(
        editor_client, FIRST, (f"会场.{ext}", data), caption="发布会现场。", credit="记者 程雪 摄"
    )
    assert saved.status_code == 302
    assert saved.headers["Location"] == f"/desk/articles/{FIRST}/photos"
    assert "已添加 1 张图片" in editor_client.get(saved.headers["Location"]).get_data(as_text=True)

    a = article(engine, FIRST)
    assert a.body[:-1] == loaded[0].body  # appended, nothing else touched
    block = a.body[-1]
    assert (block.type, block.caption, block.credit) == ("image", "发布会现场。", "记者 程雪 摄")
    assert re.fullmatch(
        rf"{re.escape(config.site.base_url)}/media/[0-9a-f]{{64}}\.{ext}", block.src
    )
    served = editor_client.get(local(block.src, config), buffered=True)
    assert served.status_code == 200 and served.mimetype == mime
    assert served.data == data and block.length == len(data)
    assert "immutable" in served.headers["Cache-Control"] and served.headers["ETag"]
    [entry] = [e for e in audit_actions.list_audit(engine, article_id=FIRST) if e.action == "photo"]
    assert (entry.actor, entry.note) == ("desk:editor1", f"会场.{ext}")

    page = editor_client.get(f"/desk/articles/{FIRST}/photos").get_data(as_text=True)
    [thumb] = re.findall(r'<img src="([^"]+)" alt="发布会现场。"', page)
    small = editor_client.get(local(thumb, config), buffered=True)
    assert small.status_code == 200 and small.mimetype == "image/jpeg"


def test_photos_go_where_asked_and_several_at_once(
    editor_client, engine, loaded, make_picture
) -> None:
    pictures = [("a.jpg", make_picture(300, 200)), ("b.png", make_picture(300, 200, fmt="PNG"))]
    assert upload(editor_client, FIRST, *pictures, position="0").status_code == 302
    body = article(engine, FIRST).body
    assert [b.type for b in body[:3]] == ["image", "image", "paragraph"]
    assert [b.length for b in body[:2]] == [len(d) for _, d in pictures]
    assert body[2:] == loaded[0].body


def test_a_phone_sized_photo_is_taken(editor_client, engine, loaded) -> None:
    """Bigger than the ingest API's 2 MB body limit, as a phone's photo is."""
    noise = Image.frombytes("RGB", (1800, 1400), os.urandom(1800 * 1400 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, "JPEG", quality=92)
    data = buffer.getvalue()
    assert len(data) > 2 * 1024 * 1024
    # Encoded here: the test client spools a big body to a file it never closes.
    boundary = "desk-test-boundary"
    token = desk.csrf_token(editor_client, "/desk/")
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f"--{boundary}\r\nContent-Disposition: form-data; "
            'name="photo"; filename="phone.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    saved = editor_client.post(
        f"/desk/articles/{FIRST}/photos",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert saved.status_code == 302
    assert article(engine, FIRST).body[-1].length == len(data)


def test_an_upload_over_the_desk_limit_is_refused_in_chinese(
    editor_client, engine, loaded, make_picture, monkeypatch
) -> None:
    from syndicator.web.desk import session

    monkeypatch.setattr(session, "UPLOAD_LIMIT", 10_000)
    refused = upload(editor_client, FIRST, ("big.jpg", make_picture(800, 600) + b"\0" * 20_000))
    assert refused.status_code == 413
    assert "上传的文件太大" in refused.get_data(as_text=True)
    assert article(engine, FIRST) == loaded[0]


@pytest.mark.parametrize(
    ("name", "kind"), [("note.txt", "text"), ("animated.gif", "GIF"), ("", "nothing")]
)
def test_a_file_that_is_no_photo_is_refused_and_nothing_saved(
    editor_client, engine, config, loaded, make_picture, name, kind
) -> None:
    data = {"text": "这不是图片".encode(), "GIF": make_picture(60, 40, fmt="GIF"), "nothing": b""}[
        kind
    ]
    refused = upload(editor_client, FIRST, ("ok.jpg", make_picture(200, 100)), (name, data))
    if kind == "nothing":  # an empty second picker: the first photo alone goes in
        assert refused.status_code == 302
        return
    assert refused.status_code == 400
    assert (
        photo_error(refused)
        == f"无法使用 {name}：不是 JPEG、PNG 或 WebP 图片，请另存为 JPEG 后上传"
    )
    assert article(engine, FIRST) == loaded[0]
    assert [e.action for e in audit_actions.list_audit(engine, article_id=FIRST)] == []


def test_no_photo_chosen_is_asked_for(editor_client, engine, loaded) -> None:
    refused = upload(editor_client, FIRST, ("", b""))
    assert refused.status_code == 400 and photo_error(refused) == "请选择要上传的图片"
    assert article(engine, FIRST) == loaded[0]


def test_the_cover_is_chosen_among_the_articles_pictures(
    editor_client, engine, loaded, make_picture
) -> None:
    pictures = [("a.jpg", make_picture(300, 200)), ("b.jpg", make_picture(400, 300))]
    assert upload(editor_client, FIRST, *pictures).status_code == 302
    first, second = (b.src for b in article(engine, FIRST).images)
    page = editor_client.get(f"/desk/articles/{FIRST}/photos").get_data(as_text=True)
    assert page.count("设为微信封面") == 1  # the first is the cover until another is chosen

    chosen = desk.post(editor_client, f"/desk/articles/{FIRST}/cover", {"src": second})
    assert chosen.status_code == 302
    assert article(engine, FIRST).cover == second
    [entry] = [e for e in audit_actions.list_audit(engine, article_id=FIRST) if e.action == "cover"]
    assert entry.actor == "desk:editor1" and entry.after == {"cover": second}
    page = editor_client.get(f"/desk/articles/{FIRST}/photos").get_data(as_text=True)
    assert f'<input type="hidden" name="src" value="{first}">' in page

    elsewhere = "https://img.example.com/not-in-this-article.jpg"
    refused = desk.post(editor_client, f"/desk/articles/{FIRST}/cover", {"src": elsewhere})
    assert refused.status_code == 400
    assert "封面必须是本稿中的图片" in refused.get_data(as_text=True)
    assert article(engine, FIRST).cover == second


def test_the_feeds_carry_the_photo_with_its_real_length(
    desk_app, editor_client, engine, config, loaded, clock, make_picture
) -> None:
    data = make_picture(640, 400)
    assert upload(editor_client, FIRST, ("p.jpg", data), caption="现场。").status_code == 302
    run_pass(engine, config, now=clock.now)
    response = desk_app.test_client().get("/feeds/all/rss.xml", buffered=True)
    feed = feedparser.parse(response.data)
    [item] = [e for e in feed.entries if e.id.endswith(FIRST) or FIRST in e.link]
    [enclosure] = item.enclosures
    assert enclosure.href == article(engine, FIRST).body[-1].src
    assert int(enclosure.length) == len(data) and enclosure.type == "image/jpeg"


def test_public_answers_to_a_signed_in_editor_carry_no_session_cookie(
    editor_client, engine, config, loaded, make_picture
) -> None:
    """A photo is cached for a year by anyone on the way: it must not carry a session
    (the desk's cookie is scoped to /desk)."""
    assert upload(editor_client, FIRST, ("p.jpg", make_picture(200, 100))).status_code == 302
    src = article(engine, FIRST).body[-1].src
    for path in (local(src, config), "/", f"/articles/{FIRST}"):
        response = editor_client.get(path, buffered=True)
        assert response.status_code == 200, path
        assert "Set-Cookie" not in response.headers, path
    assert "Set-Cookie" in editor_client.get("/desk/").headers  # the desk renews it
