"""The preview page under its Content-Security-Policy, in a real Chromium.

The policy forbids inline script: the Copy button (static/copy.js), the
stylesheet and the post's inline styles must all still work, with no
violation reported.
"""

from __future__ import annotations

import subprocess

import pytest
from support.paths import SAMPLE_PAGE

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__violations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


def test_copy_button_and_styles_work_under_the_csp(
    child_env, venv_bin, live_server, chromium
) -> None:
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
    context = chromium.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(WATCH)
    response = page.goto(f"{server.url}/articles/zjgrrb-20210830-01-01")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert page.locator(".phone").bounding_box()["width"] == pytest.approx(395, abs=2)
    color, style = page.eval_on_selector(
        "#post p", "p => [getComputedStyle(p).color, p.getAttribute('style')]"
    )
    hex_color = style.split("color:", 1)[1][1:7]
    rgb = tuple(int(hex_color[i : i + 2], 16) for i in (0, 2, 4))
    assert color == f"rgb{rgb}"  # the post's inline style applied
    page.click("#copy")
    # A locator wait, not wait_for_function: polling a string predicate uses
    # eval, which this very policy forbids once the first check fails.
    page.locator("#copy-status", has_text="已复制").wait_for(timeout=10_000)
    assert page.evaluate("window.__violations") == []
    assert not [m for m in console if "Content Security Policy" in m], console
    context.close()
