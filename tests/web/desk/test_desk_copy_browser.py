"""The desk's Copy button in a real headless Chromium, signed in, under the desk's CSP.

These were the public article page's browser tests until that page became
the readers' (issue 12): the Copy button lives on the desk now, and so do
they. The clipboard is read back and compared with the desk's
``wechat.html`` as DOM trees (tag, attributes, each inline style
declaration, text), since the browser re-serialises markup (``<hr/>``
becomes ``<hr>``, quoting may change).

One server and one browser for the module: the app in a threaded WSGI
server, the sample page in its store, an editor signed in per context.
"""

from __future__ import annotations

import pytest
from lxml import html as lxml_html
from support import desk, processes
from support.paths import SAMPLE_PAGE
from support.sampledata import AFTER_EDITION

from syndicator import store
from syndicator.ingest import load_file
from syndicator.render.wechat.check import check_html, parse_style
from syndicator.web import create_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTICLE = "zjgrrb-20210830-01-01"
WATCH_CSP = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__violations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory, make_config, free_port, import_options):
    root = tmp_path_factory.mktemp("desk-copy")
    port = free_port()
    config = make_config(
        root, site={"base_url": f"http://127.0.0.1:{port}"}, wechat={"theme": "red"}
    )
    engine = store.create_store_engine(config.store_url)
    store.init_schema(engine)
    sample = load_file(SAMPLE_PAGE, import_options(config, page=1))
    with engine.begin() as conn:
        store.save_edition(conn, sample.edition)
        store.save_articles(conn, sample.articles, now=AFTER_EDITION)
    desk.add_user(engine, "editor1", "editor")
    running = processes.AppThread(create_app(config, {"CLOCK": lambda: AFTER_EDITION}), port)
    try:
        yield running
    finally:
        running.stop()
        engine.dispose()


def signed_in(browser, server, *, width: int = 1100, init_script: str | None = None):
    """A browser context with the clipboard allowed and an editor signed in to the desk."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    page.goto(f"{server.url}/desk/login")
    page.fill("input[name=name]", "editor1")
    page.fill("input[name=password]", desk.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/desk/")
    return context, page


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


def canonical_markup(markup: str) -> str:
    """The clipboard's HTML without a leading ``<meta charset>`` some platforms add."""
    start = markup.find("<section")
    return markup[start : markup.rfind("</section>") + len("</section>")]


def _copy(page, server) -> dict:
    page.goto(f"{server.url}/desk/articles/{ARTICLE}")
    assert page.locator("#copy-status").inner_text() == ""
    page.click("#copy")
    # A locator wait: wait_for_function polls a string with eval, which the
    # page's Content-Security-Policy forbids.
    page.locator("#copy-status", has_text="已复制").wait_for(timeout=10_000)
    return page.evaluate(desk.READ_CLIPBOARD)


def _fragment(context, server) -> str:
    response = context.request.get(f"{server.url}/desk/articles/{ARTICLE}/wechat.html")
    assert response.status == 200
    return response.text()


def test_copy_button_puts_the_exact_post_on_the_clipboard(
    module_chromium, server, tmp_path
) -> None:
    """Click Copy, read the clipboard back: the same DOM as the desk's wechat.html."""
    context, page = signed_in(module_chromium, server)
    clipboard = _copy(page, server)
    status = page.locator("#copy-status")
    assert status.is_visible() and status.inner_text() == "已复制，可粘贴到公众号编辑器"
    fragment = _fragment(context, server)
    assert set(clipboard) == {"text/html", "text/plain"}
    assert canonical(clipboard["text/html"]) == canonical(fragment)
    assert 'style="margin:0;padding:0 8px;' in clipboard["text/html"]  # inline styles kept
    assert check_html(canonical_markup(clipboard["text/html"])) == []
    plain = clipboard["text/plain"]
    assert plain.startswith("小切口 大场景") and "本报讯 记者程雪报道" in plain
    assert "<" not in plain

    frame = page.locator(".phone")
    assert frame.bounding_box()["width"] == pytest.approx(375, abs=2)  # the frame, borders in
    shot = tmp_path / "phone.png"
    frame.screenshot(path=str(shot))
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 10_000
    context.close()


def test_copy_falls_back_to_selection_and_exec_command(module_chromium, server) -> None:
    context, page = signed_in(module_chromium, server, init_script="delete window.ClipboardItem;")
    clipboard = _copy(page, server)
    assert page.locator("#copy-status").inner_text() == "已复制（兼容模式）"
    assert canonical(clipboard["text/html"]) == canonical(_fragment(context, server))
    context.close()


def test_copy_and_the_posts_styles_work_under_the_desks_csp(module_chromium, server) -> None:
    """The policy forbids inline script: copy.js, the stylesheet and the post's
    inline styles must all still work, with no violation reported."""
    context, page = signed_in(module_chromium, server, init_script=WATCH_CSP)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    response = page.goto(f"{server.url}/desk/articles/{ARTICLE}")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    color, style = page.eval_on_selector(
        "#post p", "p => [getComputedStyle(p).color, p.getAttribute('style')]"
    )
    hex_color = style.split("color:", 1)[1][1:7]
    rgb = tuple(int(hex_color[i : i + 2], 16) for i in (0, 2, 4))
    assert color == f"rgb{rgb}"  # the post's inline style applied
    _copy(page, server)
    assert page.evaluate("window.__violations") == []
    assert not [m for m in console if "Content Security Policy" in m], console
    context.close()


def test_the_desks_phone_frame_fits_a_phone(module_chromium, server, tmp_path) -> None:
    """Issue 11 on the page that now holds the preview: at 375 px nothing is cut off."""
    context, page = signed_in(module_chromium, server, width=375)
    page.goto(f"{server.url}/desk/articles/{ARTICLE}")
    page.screenshot(path=str(tmp_path / "desk-article-375.png"), full_page=True)
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert scroll <= inner, f"the desk's article page is {scroll} px wide on a {inner} px phone"
    title = page.locator(".phone .wx-title").bounding_box()
    assert title["x"] >= 0 and title["x"] + title["width"] <= 375
    assert "我省公布一批数字化改革" in page.locator("#post").inner_text()
    context.close()
