"""Hostile input and hostile requests: nothing runs, nothing escapes, nothing expands.

A hostile article comes in through each importer (a JSON file, the API,
an e-paper page) and every output is searched: the three feeds (and the
HTML inside them), the WeChat post and its draft payload, the reader's
article, edition and page pages (their JSON-LD included). Markup in
``html`` is cleaned away; markup in a plain-text field is text, kept as
sent and shown as the characters (tests/web/test_plain_text.py), so the
check is structural: no script, handler or active URL anywhere.
"""

from __future__ import annotations

import ast
import http.client
import json
import re
import subprocess
from datetime import datetime
from pathlib import Path

import feedparser
import pytest
from lxml import etree
from lxml import html as lxml_html
from support.paths import ROOT, SAMPLE_PAGE
from support.sampledata import SHANGHAI
from support.tokens import API_TOKEN

from syndicator import store
from syndicator.cli import cli
from syndicator.ingest import load_file
from syndicator.publish import run_pass
from syndicator.render.wechat.post import build_post
from syndicator.web import create_app

NOW = datetime(2021, 9, 1, 12, 0, tzinfo=SHANGHAI)
TOKEN = API_TOKEN
XML_BOMB = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 2 else "") + ";") * 10}">'
        for i in range(2, 10)
    )
    + "]><lolz>&lol9;</lolz>"
)
HOSTILE_ID = "zjgrrb-20210901-09-01"
HOSTILE = {
    "id": HOSTILE_ID,
    "edition": "2021-09-01",
    "published_at": "2021-09-01T06:00:00+08:00",
    "page": 9,
    "title": "标题<script>alert('t')</script><img src=x onerror=alert(1)>",
    "kicker": "<svg onload=alert(2)>引题</svg>",
    "subtitle": "&lt;script&gt;alert(3)&lt;/script&gt;副题",
    "byline": "本报讯 记者<b onmouseover=alert(4)>张三</b>报道",
    "authors": [{"name": "张三<script>alert(5)</script>", "role": "记者"}],
    "summary": "<iframe src=javascript:alert(6)></iframe>摘要。",
    "section": "要闻<script>alert(7)</script>",
    "tags": ["<img src=x onerror=alert(8)>标签"],
    "editor": "<a href=javascript:alert(9)>编辑</a>",
    "source_url": "https://epaper.example.com/p9.html",
    "body": [
        {
            "type": "paragraph",
            "html": '正文<script>alert(10)</script><a href="javascript:alert(11)" '
            'onclick="alert(12)">链接</a><img src=x onerror=alert(13)>'
            '<a href="https://example.com/ok" onmouseover="alert(14)">好链接</a>',
        },
        {"type": "paragraph", "text": "<script>alert(15)</script>纯文本段落。"},
        {"type": "subhead", "html": '<span style="color:red" onmouseover=alert(16)>小标题</span>'},
        {"type": "quote", "html": '<a href="JaVaScRiPt:alert(17)">引语</a>'},
        {
            "type": "image",
            "src": "https://img.example.com/a.jpg",
            "caption": "图片说明<img src=x onerror=alert(18)>",
            "credit": "<script>alert(19)</script>李四 摄",
        },
        {"type": "paragraph", "html": XML_BOMB},
        {"type": "paragraph", "text": XML_BOMB},
        {
            "type": "table",
            "html": '<table style="position:fixed" onclick="alert(20)"><tr>'
            '<th class="x" onmouseover="alert(21)">表头<script>alert(22)</script></th>'
            '<td colspan="2" style="background:url(javascript:alert(23))">表格'
            '<img src=x onerror=alert(24)><a href="javascript:alert(25)">格</a></td>'
            "</tr></table>",
        },
    ],
}
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def assert_inert_html(fragment: str, where: str) -> None:
    """No script, no handler, no javascript: URL, no markup that can load active content.

    Plain-text fields show ``<script>alert(1)</script>`` as the characters,
    so the text may say ``alert(``; what must not exist is the element.
    """
    assert "lollol" not in fragment, where
    if not fragment.strip():
        return
    root = lxml_html.fromstring(f"<div>{fragment}</div>")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag == "script":  # only the reader page's JSON-LD, a data block: inert
            assert element.get("type") == "application/ld+json" and not element.get("src"), where
            assert "<" not in (element.text or ""), where  # escaped: cannot close its element
            json.loads(element.text or "")
        assert tag not in {"iframe", "object", "embed", "svg", "base", "form"}, where
        assert not (tag == "meta" and element.get("http-equiv")), where
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), f"{where}: {name}={value}"
            if name.lower() in {"href", "src", "action", "formaction", "xlink:href"}:
                assert re.match(r"^(https?://|mailto:|/|#)", value.strip()), f"{where}: {value}"


def _publish_and_collect(engine, config, client) -> dict[str, str]:
    """Every output that shows the hostile article, by name."""
    run_pass(engine, config, now=NOW)
    outputs: dict[str, str] = {}
    for fmt in ("rss.xml", "atom.xml", "feed.json"):
        data = (config.output_dir / "all" / fmt).read_bytes()
        assert len(data) < 200_000, fmt  # nothing expanded
        outputs[fmt] = data.decode("utf-8")
    rss = etree.fromstring(outputs["rss.xml"].encode(), SAFE_PARSER)
    for i, node in enumerate(rss.iter("{http://purl.org/rss/1.0/modules/content/}encoded")):
        outputs[f"rss content {i}"] = node.text or ""
    # RSS item title and description are HTML to readers.
    for i, node in enumerate(rss.iter("description")):
        outputs[f"rss description {i}"] = node.text or ""
    for i, node in enumerate(rss.iter("title")):
        outputs[f"rss title {i}"] = node.text or ""
    for i, node in enumerate(rss.iter("{http://search.yahoo.com/mrss/}description")):
        outputs[f"rss media:description {i}"] = node.text or ""
    atom = etree.fromstring(outputs["atom.xml"].encode(), SAFE_PARSER)
    for i, node in enumerate(atom.iter("{http://www.w3.org/2005/Atom}content")):
        outputs[f"atom content {i}"] = node.text or ""
    feed = json.loads(outputs["feed.json"])
    for i, item in enumerate(feed["items"]):
        outputs[f"json content_html {i}"] = item["content_html"]
        outputs[f"json title {i}"] = item["title"]
    for name in ("rss.xml", "atom.xml"):
        assert feedparser.parse(outputs[name].encode()).bozo == 0, name
    with engine.connect() as conn:
        article = store.get_article(conn, HOSTILE_ID)
    # Kept as sent, the hostile title and author are over WeChat's lengths:
    # the post is not ready, but its HTML and payload must still be inert.
    post = build_post(article, config)
    assert not post.check, post.check
    outputs["wechat"] = post.content
    outputs["draft"] = json.dumps(post.payload, ensure_ascii=False)
    for url in (
        f"/articles/{HOSTILE_ID}",
        "/editions/2021-09-01",
        "/editions/2021-09-01/9",
        "/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        outputs[url] = response.get_data(as_text=True)
    return outputs


def _check(outputs: dict[str, str]) -> None:
    for name, text in outputs.items():
        if name.startswith("json title"):
            continue  # JSON Feed's title is plain text: checked below, kept as sent
        if name.endswith((".xml", "feed.json")) or name == "draft":
            # Documents whose HTML is escaped inside (collected and checked
            # part by part); their plain-text members are text as sent.
            assert "lollol" not in text, name
            if name.endswith(".xml"):  # no raw tag in the XML itself
                assert not re.search(r"<(script|img|svg|iframe|a )", text, re.I), name
        else:
            assert_inert_html(text, name)
    # The harmless parts survived, and plain text is kept as sent.
    assert outputs["json title 0"] == HOSTILE["title"]
    assert "好链接" in outputs["wechat"] and "https://example.com/ok" in outputs["wechat"]
    assert "https://img.example.com/a.jpg" in outputs["atom.xml"]
    for name in ("wechat", "json content_html 0", "rss content 0"):
        cells = lxml_html.fromstring(f"<div>{outputs[name]}</div>").xpath("//tr/*")
        assert [(c.tag, c.text, c.get("colspan")) for c in cells] == [
            ("th", "表头", None),
            ("td", "表格格", "2"),
        ], name


def test_hostile_article_from_a_json_file_is_inert_everywhere(
    runner, config_file, tmp_path
) -> None:
    from syndicator.config import load_config

    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(HOSTILE, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(cli, ["--config", str(config_file), "import", str(path)])
    assert result.exit_code == 0, result.output
    config = load_config(config_file)
    engine = store.create_store_engine(config.store_url)
    app = create_app(config, {"TESTING": True})
    _check(_publish_and_collect(engine, config, app.test_client()))
    engine.dispose()


def test_hostile_article_from_the_api_is_inert_everywhere(config, engine) -> None:
    app = create_app(config, {"TESTING": True, "API_TOKEN": TOKEN})
    client = app.test_client()
    response = client.post(
        "/api/articles", json=HOSTILE, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == 200, response.json
    _check(_publish_and_collect(engine, config, client))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("source_url", "javascript:alert(1)"),
        ("source_url", "data:text/html,<script>alert(1)</script>"),
        ("source_url", "//evil.example.com/x"),
        ("image", "javascript:alert(1)"),
        ("image", " JaVaScRiPt:alert(1)"),
        ("image", 'https://x.example.com/a.jpg" onerror="alert(1)'),
        ("image", "/relative/only.jpg"),
    ],
)
def test_urls_other_than_http_are_refused_at_import(
    import_options, config, field, value, tmp_path
) -> None:
    from syndicator.errors import InputError
    from syndicator.ingest.jsonfile import parse_json

    article = dict(HOSTILE, body=[{"type": "paragraph", "text": "x"}])
    if field == "image":
        article["body"] = [{"type": "image", "src": value, "caption": "c"}]
    else:
        article[field] = value
    with pytest.raises(InputError, match="http"):
        parse_json(json.dumps(article), source="x.json", options=import_options(config))


def test_hostile_epaper_text_is_kept_as_plain_text(import_options, config, tmp_path) -> None:
    """E-paper text is plain text: markup-looking text is kept, never decoded into a tag."""
    text = SAMPLE_PAGE.read_text(encoding="utf-8")
    lines = text.splitlines()
    target = max(range(len(lines)), key=lambda i: len(lines[i]))  # a long body paragraph
    tail = "<script>alert(1)</script>&amp;lt;img src=x onerror=alert(2)&gt;"
    lines[target] += tail
    page = tmp_path / "page.txt"
    page.write_text("\n".join(lines), encoding="utf-8")
    parsed = load_file(page, import_options(config, page=1))
    texts = [b.text or "" for a in parsed.articles for b in a.body]
    assert any(t.endswith(tail) for t in texts)
    original = load_file(SAMPLE_PAGE, import_options(config, page=1))
    assert len(parsed.articles) == len(original.articles)


def test_package_never_parses_xml_with_entity_expansion() -> None:
    """Any XML parsing in the package must use a parser with entities and network off."""
    problems = []
    for path in sorted((ROOT / "syndicator").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            name = node.func.attr
            owner = ast.unparse(node.func.value)
            parses = owner.endswith("etree") and name in {"fromstring", "parse", "XML", "iterparse"}
            if parses and len(node.args) < 2 and not any(k.arg == "parser" for k in node.keywords):
                problems.append(f"{path.name}:{node.lineno}: {owner}.{name} without parser")
            if name == "XMLParser":
                flags = {k.arg: ast.unparse(k.value) for k in node.keywords}
                if flags.get("resolve_entities") != "False" or flags.get("no_network") == "False":
                    problems.append(f"{path.name}:{node.lineno}: XMLParser expands entities")
    assert not problems, problems


# -- paths under /feeds/ -------------------------------------------------------------

TRAVERSALS = [
    "/feeds/../config.toml",
    "/feeds/%2e%2e/config.toml",
    "/feeds/%2E%2E/config.toml",
    "/feeds/..%2fconfig.toml",
    "/feeds/..%2Fconfig.toml",
    "/feeds/%2e%2e%2fconfig.toml",
    "/feeds/all/../../config.toml",
    "/feeds/all/..%2f..%2fconfig.toml",
    "/feeds/all/%2e%2e/%2e%2e/config.toml",
    "/feeds/..%5cconfig.toml",
    "/feeds/%252e%252e/config.toml",
    "/feeds/%252e%252e%252fconfig.toml",
    "/feeds/....//config.toml",
    "/feeds/%c0%ae%c0%ae/config.toml",
    "/feeds//etc/passwd",
    "/feeds/%2fetc%2fpasswd",
    "/feeds/.generation",
    "/feeds/.syndicator.lock",
    "/feeds/all/.rss.xml.x.tmp",
    "/feeds/all/rss.xml.gz",
    "/feeds/all/rss.xml%00.json",
]


def _published(engine, config) -> None:
    with engine.begin() as conn:
        store.save_articles(conn, [], now=NOW)
    run_pass(engine, config, now=NOW)
    (config.output_dir / "all" / ".rss.xml.x.tmp").write_text("partial")
    (config.output_dir.parent / "config.toml").write_text('[store]\nurl = "secret"\n')


@pytest.mark.parametrize("path", TRAVERSALS)
def test_feed_paths_cannot_leave_the_output_dir(client, engine, config, path) -> None:
    _published(engine, config)
    response = client.get(path)
    assert response.status_code == 404, path
    assert b"secret" not in response.data and b"root:" not in response.data


@pytest.mark.slow
def test_feed_paths_cannot_leave_the_output_dir_over_real_http(
    child_env, venv_bin, live_server
) -> None:
    server = live_server()
    subprocess.run(
        [venv_bin("syndicator"), "--config", str(server.config_path), "publish"],
        check=True,
        env=child_env(),
        capture_output=True,
    )
    out_dir = Path(server.config_path).parent / "feeds"
    (out_dir / "all" / ".rss.xml.x.tmp").write_text("partial")
    answers = {}
    for path in TRAVERSALS:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        conn.putrequest("GET", path, skip_accept_encoding=True)  # sent exactly as written
        conn.endheaders()
        response = conn.getresponse()
        body = response.read()
        conn.close()
        answers[path] = response.status
        assert b"[store]" not in body and b"root:" not in body, path
    assert set(answers.values()) == {404}, answers
    ok = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    ok.request("GET", "/feeds/all/rss.xml")
    response = ok.getresponse()
    response.read()
    ok.close()
    assert response.status == 200


# -- response headers ------------------------------------------------------------------


def test_preview_pages_send_a_strict_csp_and_nosniff(articles, client, engine) -> None:

    with engine.begin() as conn:
        store.save_articles(conn, articles, now=NOW)
    for url in (
        "/",
        "/articles/zjgrrb-20210901-01-01",
        "/editions/2021-09-01/1",
    ):
        response = client.get(url)
        assert response.status_code == 200
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp
        assert "unsafe-eval" not in csp and "'unsafe-inline'" not in csp.split("style-src")[0]
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    for url in ("/static/app.css", "/static/copy.js", "/healthz"):
        with client.get(url) as response:
            assert response.headers["X-Content-Type-Options"] == "nosniff", url
