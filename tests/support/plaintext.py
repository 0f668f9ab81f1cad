"""Plain text in every output: found as text, never as an element or attribute.

Shared by the end-to-end tests (the API, the JSON importer) and the
property test. Each output is parsed the way a reader would parse it:
feeds with feedparser and lxml, HTML with lxml.html; RSS ``title`` and
``description`` are HTML to readers, so their text is parsed as HTML again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import feedparser
from lxml import etree
from lxml import html as lxml_html

SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
DC = "{http://purl.org/dc/elements/1.1/}"
MEDIA = "{http://search.yahoo.com/mrss/}"
ATOM = "{http://www.w3.org/2005/Atom}"


def squash(text: str) -> str:
    """``text`` with runs of whitespace as one space (HTML shows them so)."""
    return " ".join(text.split())


def html_text(fragment: str, where: str) -> str:
    """The visible text of an HTML fragment that must hold no element at all."""
    if not fragment.strip():
        return fragment
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    assert len(root) == 0, f"{where}: markup {lxml_html.tostring(root)!r}"
    return root.text_content()


def assert_no_injected_markup(document: str, where: str) -> None:
    """No event handler, no ``img src=x``, no script but JSON-LD in an HTML page."""
    root = lxml_html.fromstring(document)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name in element.attrib:
            assert not name.lower().startswith("on"), f"{where}: {name} on <{element.tag}>"
        assert not (element.tag == "img" and element.get("src") == "x"), where
        if element.tag == "script":
            assert element.get("type") == "application/ld+json", where


def assert_shown(document: str, values: Iterable[str], where: str) -> None:
    """Each value is in the visible text of the HTML ``document``, and nothing injected."""
    assert_no_injected_markup(document, where)
    shown = squash(lxml_html.fromstring(document).text_content())
    for value in values:
        assert squash(value) in shown, f"{where}: {value!r} not shown"


def check_rss(data: bytes, title: str, tags: list[str], names: list[str], captions: list[str]):
    """RSS: HTML-bearing elements carry HTML-escaped text; plain ones the text."""
    item = etree.fromstring(data, SAFE_PARSER).find("channel/item")
    assert item is not None
    assert squash(html_text(item.findtext("title") or "", "rss title")) == squash(title)
    html_text(item.findtext("description") or "", "rss description")
    assert [c.text or "" for c in item.findall("category")] == tags
    assert [c.text or "" for c in item.findall(f"{DC}creator")] == names
    shown = [html_text(d.text or "", "media:description") for d in item.iter(f"{MEDIA}description")]
    assert shown == captions
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0
    entry = parsed.entries[0]
    # feedparser sniffs the title: HTML when it holds a reference. Either way
    # no element (its own mojibake repair may drop an "Â", so no equality).
    if entry.title_detail.type == "text/html":
        html_text(entry.title, "feedparser rss title")
    html_text(entry.summary, "feedparser rss summary")
    lxml_html.fromstring(entry.content[0].value)  # parses
    assert_no_injected_markup(entry.content[0].value, "rss content:encoded")


def check_atom(data: bytes, title: str, tags: list[str], names: list[str]) -> None:
    """Atom: ``type="text"`` elements carry the text, content is inert HTML."""
    entry = etree.fromstring(data, SAFE_PARSER).find(f"{ATOM}entry")
    assert entry is not None
    assert entry.findtext(f"{ATOM}title") == title
    assert entry.find(f"{ATOM}title").get("type", "text") == "text"
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == tags
    assert [a.findtext(f"{ATOM}name") for a in entry.findall(f"{ATOM}author")] == names
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0
    assert parsed.entries[0].title_detail.type == "text/plain"
    assert_no_injected_markup(entry.findtext(f"{ATOM}content") or "", "atom content")


def check_json_feed(data: bytes, title: str, tags: list[str], names: list[str]) -> None:
    """JSON Feed: plain-text members hold the text as it is."""
    item = json.loads(data)["items"][0]
    assert item["title"] == title
    assert item.get("tags", []) == tags
    assert [a["name"] for a in item.get("authors", [])] == names
    assert_no_injected_markup(item["content_html"], "json content_html")
