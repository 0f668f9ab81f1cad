"""The preview page in a real headless Chromium, served by a real server process."""

from __future__ import annotations

import subprocess

import pytest
from support.paths import SAMPLE_PAGE

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_preview_page_renders_phone_frame_in_chromium(
    child_env, venv_bin, live_server, chromium, tmp_path
) -> None:
    server = live_server()
    exe = venv_bin("syndicator")
    subprocess.run(
        [exe, "--config", str(server.config_path), "import", "--page", "1", str(SAMPLE_PAGE)],
        check=True,
        env=child_env(),
        capture_output=True,
    )
    page = chromium.new_page()
    page.goto(f"{server.url}/articles/zjgrrb-20210830-01-01")
    frame = page.locator(".phone")
    assert frame.bounding_box()["width"] == pytest.approx(395, abs=2)  # 375 + borders
    assert "我省公布一批数字化改革" in page.locator("#post").inner_text()
    frame.screenshot(path=str(tmp_path / "phone.png"))
    assert (tmp_path / "phone.png").stat().st_size > 1000


def test_reader_pages_fit_a_phone(child_env, venv_bin, live_server, chromium, tmp_path) -> None:
    """Issue 11: at 375 px the index squeezed 标题 and pushed 微信 off screen, and the
    article page's phone frame overflowed and cut text off."""
    server = live_server()
    subprocess.run(
        [
            venv_bin("syndicator"),
            "--config",
            str(server.config_path),
            "import",
            "--page",
            "1",
            str(SAMPLE_PAGE),
        ],
        check=True,
        env=child_env(),
        capture_output=True,
    )
    page = chromium.new_page(viewport={"width": 375, "height": 800})
    for path, name in (("/", "index"), ("/articles/zjgrrb-20210830-01-01", "article")):
        page.goto(server.url + path)
        page.screenshot(path=str(tmp_path / f"{name}-375.png"), full_page=True)
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert scroll <= inner, f"{path} is {scroll} px wide on a {inner} px phone"
    title = page.locator(".phone .wx-title").bounding_box()
    assert title["x"] >= 0 and title["x"] + title["width"] <= 375
