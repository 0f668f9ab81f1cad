"""The Copy button in real headless Chromium, against a real `syndicator serve`.

The clipboard is read back and compared with ``wechat.html`` as DOM trees
(tag, attributes, each inline style declaration, text), since the browser
re-serialises markup (``<hr/>`` becomes ``<hr>``, quoting may change).
"""

from __future__ import annotations

import subprocess
import urllib.request

import pytest
from lxml import html as lxml_html
from support.paths import SAMPLE_PAGE

from syndicator.render.wechat.check import check_html, parse_style

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTICLE = "zjgrrb-20210830-01-01"
READ_CLIPBOARD = """async () => {
    const out = {};
    for (const item of await navigator.clipboard.read()) {
        for (const type of item.types) out[type] = await (await item.getType(type)).text();
    }
    return out;
}"""


def canonical(markup: str) -> tuple:
    """The root ``<section>`` as nested tuples: what a paste would keep."""
    roots = [e for e in lxml_html.fragments_fromstring(markup) if not isinstance(e, str)]
    sections = [e for e in roots if e.tag == "section"]
    assert len(sections) == 1, markup[:200]
    return _node(sections[0])


def _node(element) -> tuple:
    attrs = []
    for name, value in sorted(element.attrib.items()):
        if name == "style":
            value = tuple((prop, " ".join(v.split())) for prop, v in parse_style(value)[0])
        attrs.append((name, value))
    text = " ".join((element.text or "").split())
    children = tuple((_node(child), " ".join((child.tail or "").split())) for child in element)
    return (element.tag, tuple(attrs), text, children)


@pytest.fixture
def server(child_env, venv_bin, live_server):
    server = live_server('[wechat]\ntheme = "red"\n')
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
    return server


def _copy(chromium, server, *, init_script: str | None = None) -> tuple[object, dict]:
    context = chromium.new_context(viewport={"width": 1100, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page = context.new_page()
    if init_script:
        page.add_init_script(init_script)
    page.goto(f"{server.url}/articles/{ARTICLE}")
    assert page.locator("#copy-status").inner_text() == ""
    page.click("#copy")
    # A locator wait: wait_for_function polls a string with eval, which the
    # page's Content-Security-Policy forbids.
    page.locator("#copy-status", has_text="已复制").wait_for(timeout=10_000)
    return page, page.evaluate(READ_CLIPBOARD)


def _fragment(server) -> str:
    with urllib.request.urlopen(f"{server.url}/articles/{ARTICLE}/wechat.html") as response:
        return response.read().decode("utf-8")


def test_copy_button_puts_the_exact_post_on_the_clipboard(chromium, server, tmp_path) -> None:
    """Acceptance 2: click Copy, read the clipboard back, same DOM as wechat.html."""
    page, clipboard = _copy(chromium, server)
    status = page.locator("#copy-status")
    assert status.is_visible() and status.inner_text() == "已复制，可粘贴到公众号编辑器"
    fragment = _fragment(server)
    assert set(clipboard) == {"text/html", "text/plain"}
    assert canonical(clipboard["text/html"]) == canonical(fragment)
    assert 'style="margin:0;padding:0 8px;' in clipboard["text/html"]  # inline styles kept
    assert check_html(canonical_markup(clipboard["text/html"])) == []
    plain = clipboard["text/plain"]
    assert plain.startswith("小切口 大场景") and "本报讯 记者程雪报道" in plain
    assert "<" not in plain

    frame = page.locator(".phone")
    assert frame.bounding_box()["width"] == pytest.approx(395, abs=2)  # 375 px + borders
    shot = tmp_path / "phone.png"
    frame.screenshot(path=str(shot))
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 10_000


def test_copy_falls_back_to_selection_and_exec_command(chromium, server) -> None:
    page, clipboard = _copy(chromium, server, init_script="delete window.ClipboardItem;")
    assert page.locator("#copy-status").inner_text() == "已复制（兼容模式）"
    assert canonical(clipboard["text/html"]) == canonical(_fragment(server))


def canonical_markup(markup: str) -> str:
    """The clipboard's HTML without a leading ``<meta charset>`` some platforms add."""
    start = markup.find("<section")
    return markup[start : markup.rfind("</section>") + len("</section>")]
