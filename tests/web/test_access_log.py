"""The access log: one line per request, fast path and Flask alike, as configured."""

from __future__ import annotations

import io
import json
import re
from datetime import datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from support import configs
from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.publish.scheduler import Publisher
from syndicator.web import create_app
from syndicator.web.access_log import RequestLog

NOW = datetime(2021, 9, 2, 12, 0, tzinfo=SHANGHAI)
#: Raw bytes as a WSGI server hands them on (Latin-1), UTF-8 or not.
RAW = st.binary(max_size=40).map(lambda b: b.decode("latin-1"))

FIELDS = {
    "time",
    "event",
    "method",
    "path",
    "status",
    "bytes",
    "duration_ms",
    "remote_addr",
    "user_agent",
    "route",
}
COMBINED = re.compile(
    r'^(?P<client>\S+) - - \[(?P<time>[^\]]+)\] "(?P<request>[^"]*)" (?P<status>\d{3}) '
    r'(?P<bytes>\d+) "(?P<referer>[^"]*)" "(?P<agent>[^"]*)" (?P<ms>\d+\.\d{3})ms$'
)


def _lines(capsys) -> list[str]:
    return capsys.readouterr().err.splitlines()


def test_one_json_line_per_request_for_feeds_pages_and_errors(
    articles, client, engine, config, capsys
) -> None:
    """Each request a server reads in full (``buffered``) is one line, with every field."""
    with engine.begin() as conn:
        store.save_articles(conn, articles, now=NOW)
    Publisher(engine, config, clock=lambda: NOW).tick()
    capsys.readouterr()
    agent = {"User-Agent": "阅读器/1.0 (+https://example.org)"}
    first = client.get("/feeds/all/rss.xml", headers=agent, buffered=True)  # the fast path
    etag = first.headers["ETag"]
    again = client.get("/feeds/all/rss.xml", headers={"If-None-Match": etag}, buffered=True)
    head = client.head("/feeds/all/atom.xml", buffered=True)
    page = client.get("/?page=2", buffered=True)  # Flask
    missing = client.get("/feeds/没有.xml", buffered=True)
    refused = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"}, buffered=True)
    lines = _lines(capsys)
    assert len(lines) == 6, lines
    entries = [json.loads(line) for line in lines]
    assert all(set(e) == FIELDS and e["event"] == "access" for e in entries)
    feed, not_modified, head_entry, page_entry, missing_entry, refused_entry = entries
    assert feed["method"] == "GET" and feed["path"] == "/feeds/all/rss.xml"
    assert feed["status"] == 200 and feed["bytes"] == len(first.data) > 0
    assert feed["route"] == "feeds.serve_feed"
    assert feed["user_agent"] == "阅读器/1.0 (+https://example.org)"  # kept, not \\u-escaped
    assert "阅读器" in lines[0]
    assert feed["remote_addr"] == "127.0.0.1"
    assert datetime.fromisoformat(feed["time"]).utcoffset() is not None  # with its zone
    assert isinstance(feed["duration_ms"], float) and feed["duration_ms"] >= 0
    assert not_modified["status"] == 304 and not_modified["bytes"] == 0 == len(again.data)
    assert head_entry["method"] == "HEAD" and head_entry["bytes"] == 0 == len(head.data)
    assert page_entry["path"] == "/?page=2" and page_entry["route"] == "pages.index"
    assert page_entry["status"] == page.status_code and page_entry["bytes"] == len(page.data)
    assert missing_entry["status"] == 404 == missing.status_code
    assert missing_entry["path"] == "/feeds/没有.xml"
    assert refused_entry["status"] == 403 == refused.status_code
    assert refused_entry["remote_addr"] == "203.0.113.9"
    assert refused_entry["route"] == "ops.metrics_text"


def test_combined_format_and_the_forwarded_client(make_config, tmp_path, capsys) -> None:
    config = make_config(tmp_path, log={"access_format": "combined"}, server={"proxies": 1})
    client = create_app(config, {"TESTING": True}).test_client()
    capsys.readouterr()
    client.get(
        '/nowhere"x',
        headers={
            "X-Forwarded-For": "198.51.100.7",
            "Referer": "https://a.example/",
            "User-Agent": 'ua "q"',
        },
        buffered=True,
    )
    (line,) = _lines(capsys)
    match = COMBINED.match(line)
    assert match, line
    assert match["client"] == "198.51.100.7"  # the address the trusted proxy saw
    assert match["request"] == "GET /nowhere\\x22x HTTP/1.1"
    assert match["status"] == "404" and int(match["bytes"]) > 0
    assert match["referer"] == "https://a.example/" and match["agent"] == "ua \\x22q\\x22"
    datetime.strptime(match["time"], "%d/%b/%Y:%H:%M:%S %z")


def test_off_when_configured(make_config, tmp_path, capsys) -> None:
    client = create_app(
        make_config(tmp_path, log={"access": False}), {"TESTING": True}
    ).test_client()
    capsys.readouterr()
    assert client.get("/robots.txt", buffered=True).status_code == 200
    assert _lines(capsys) == []


def _hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return iter([b"hel", b"lo"])


@settings(max_examples=200, deadline=None)
@given(
    path=st.text() | RAW,
    agent=st.text() | RAW,
    fmt=st.sampled_from(["json", "combined"]),
)
def test_any_path_or_user_agent_is_one_line(path: str, agent: str, fmt: str) -> None:
    """Newlines, quotes, U+2028, NEL and invalid UTF-8 in what a client sends stay on one line."""
    stream = io.StringIO()
    config = configs.make_config(Path("/srv/site"), log={"access_format": fmt})
    log = RequestLog(_hello, config, stream)
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/" + path.encode("utf-8").decode("latin-1"),
        "HTTP_USER_AGENT": agent.encode("utf-8").decode("latin-1"),
        "REMOTE_ADDR": "127.0.0.1",
    }
    body = log(environ, lambda status, headers, exc_info=None: None)
    assert b"".join(body) == b"hello"
    text = stream.getvalue()
    assert text.endswith("\n") and text.count("\n") == 1
    assert len(text.splitlines()) == 1  # no break of any kind a reader splits on
    if fmt == "json":
        entry = json.loads(text)
        assert entry["bytes"] == 5 and entry["status"] == 200
        assert entry["path"] == "/" + path and entry["user_agent"] == agent
    else:
        assert COMBINED.match(text.rstrip("\n")), text
