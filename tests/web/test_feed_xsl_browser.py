"""A feed opened in headless Chromium shows a readable page through its XSL."""

from __future__ import annotations

from datetime import datetime

import pytest
from support.sampledata import SHANGHAI

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHANNELS = '[channels.all]\ntitle = "浙江工人日报"\nlimit = 4\n'


def test_feeds_in_chromium_show_channel_and_item_titles(
    sample_data, live_server, chromium, tmp_path
) -> None:
    """RSS, Atom and an archive page, each through /feeds/feed.xsl (screenshots in tmp_path)."""
    server = live_server(CHANNELS)
    sample_data.save(server.config_path)
    sample_data.publish(server.config_path, datetime(2021, 9, 2, 12, 0, tzinfo=SHANGHAI))
    for name in ("rss.xml", "atom.xml", "archive/2021-08-30/atom.xml"):
        page = chromium.new_page()
        fetched = []
        page.on("request", lambda request, fetched=fetched: fetched.append(request.url))
        response = page.goto(f"{server.url}/feeds/all/{name}")
        assert response.status == 200
        title = page.locator("#feed-title")
        title.wait_for(timeout=5000)
        items = page.locator("#items .item-title").all_inner_texts()
        if name.startswith("archive/"):
            assert title.inner_text() == "浙江工人日报（2021-08-30 存档）"
            assert len(items) == 8 and "我省公布一批数字化改革“硬核”成果" in items
            assert "往期存档" in page.locator("#how-to-subscribe").inner_text()
        else:
            assert title.inner_text() == "浙江工人日报"
            assert items == [
                "明天才发布的稿件",
                "全省职工技能大赛开幕",
                "杭州湾新区一批重大项目集中开工",
                "我省公布一批数字化改革“硬核”成果",
            ]
            how = page.locator("#how-to-subscribe").inner_text()
            assert "如何订阅" in how and f"{server.url}/feeds/all/{name}" in how
        # The stylesheet came from the feed's own origin.
        assert f"{server.url}/feeds/feed.xsl" in fetched
        shot = tmp_path / f"{name.replace('/', '-')}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        page.close()
