"""The WeChat posts the pass writes, served under /feeds/wechat/ as nginx would.

(The desk's fragment and payload pages: tests/web/desk/test_desk_wechat.py.)
"""

from __future__ import annotations

from support.sampledata import AFTER_EDITION


def test_the_posts_the_pass_writes_are_served_under_feeds(client, engine, config, loaded) -> None:
    """``feeds/`` is the URL tree under /feeds/, WeChat posts included (as
    nginx serves them from the same directory)."""
    from syndicator.publish import run_pass

    run_pass(engine, config, now=AFTER_EDITION)
    article_id = loaded[0].id
    page = client.get(f"/feeds/wechat/{article_id}.html")
    assert page.status_code == 200 and page.content_type == "text/html; charset=utf-8"
    assert page.data == (config.output_dir / "wechat" / f"{article_id}.html").read_bytes()
    assert "default-src" in page.headers["Content-Security-Policy"]
    payload = client.get(f"/feeds/wechat/{article_id}.json")
    assert payload.status_code == 200 and payload.json["title"] == loaded[0].title
    again = client.get(
        f"/feeds/wechat/{article_id}.json", headers={"If-None-Match": payload.headers["ETag"]}
    )
    assert again.status_code == 304
    assert client.get("/feeds/wechat/nope.html").status_code == 404
