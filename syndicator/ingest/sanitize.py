"""Hostile input made harmless before it is stored, whatever the importer.

Articles come from files people edit and from the CMS over the API, so
every text field is treated as untrusted:

- plain-text fields (title, kicker, byline, captions, tags, table
  cells…) keep exactly the characters sent, but those no XML document
  can carry (:func:`xml_safe`). They are never markup, so nothing is
  removed or decoded here: ``a<b`` stays ``a<b`` and ``&lt;`` stays the
  four characters ``&lt;`` (JSON strings have no character references;
  a format that has them decodes them once, in its own importer). Every
  output escapes them for its own format, the one wall that matters: a
  cleaner that strips tags and decodes references in a loop was lossy
  (``a&lt;b`` lost its ``b``) and, stopping after a few rounds, let
  ``&amp;amp;…lt;img…`` out as a real tag;
- inline ``html`` is cleaned by the JSON importer with nh3 (a short list
  of inline tags, ``href`` with http(s)/mailto only, no event handlers),
  and a table given as HTML keeps only its structure and the text of its
  cells (``ingest.htmltable``);
- URLs (image ``src``, ``source_url``) must be absolute ``http(s)`` URLs;
  anything else (``javascript:``, ``data:``, relative paths) is refused
  with the field named, so the sender learns about it.

Renderers escape every plain-text field for their format on output (RSS
elements that readers treat as HTML get HTML-escaped text).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from ..errors import InputError
from ..model import Article, article_from_dict

#: Article fields that are plain text.
TEXT_FIELDS = (
    "paper",
    "page_name",
    "kicker",
    "title",
    "subtitle",
    "byline",
    "summary",
    "section",
    "editor",
)
URL_SCHEMES = ("http", "https")
_BAD_URL_CHARS = set(" \t\r\n\"'<>\\`")


#: Characters XML 1.0 cannot carry (C0 controls but tab and newline, lone
#: surrogates, U+FFFE/U+FFFF). One of them in one article made every feed
#: document unrenderable (lxml refuses it), so no pass could publish.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(value: str) -> str:
    """``value`` without the characters no feed can carry: NUL and the
    noncharacters go, other controls (a form feed, a vertical tab) become
    a space; a carriage return, a newline."""
    if not _NOT_XML.search(value) and "\r" not in value:
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _NOT_XML.sub(_replacement, value)


def _replacement(match: re.Match[str]) -> str:
    """A control character parted words: a space. Anything else: nothing."""
    char = match.group()
    return " " if "\x01" <= char <= "\x1f" else ""


def xml_safe_tree(value: Any) -> Any:
    """:func:`xml_safe` for every string in parsed JSON (keys too), whatever field it is."""
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, list):
        return [xml_safe_tree(v) for v in value]
    if isinstance(value, dict):
        return {xml_safe_tree(k): xml_safe_tree(v) for k, v in value.items()}
    return value


def clean_text(value: str) -> str:
    """``value`` as plain text: the characters sent, less those XML cannot carry.

    Nothing is stripped or decoded, so no round of decoding can turn
    escaped text into a tag, and text that quotes markup keeps its words.
    """
    return xml_safe(value)


def check_url(value: str, field: str) -> str:
    """``value`` if it is an absolute http(s) URL, else :class:`InputError`."""
    url = value.strip()
    parts = urlsplit(url)
    if (
        parts.scheme.lower() not in URL_SCHEMES
        or not parts.netloc
        or any(c in _BAD_URL_CHARS or ord(c) < 32 for c in url)
    ):
        raise InputError(f"{value[:80]!r} is not an absolute http:// or https:// URL", field=field)
    return url


def sanitize_item(item: Any) -> Any:
    """Clean one article in dictionary form (the JSON format) before validation.

    Values of the wrong type are left for :meth:`Article.from_dict` to
    report, with their field.
    """
    if not isinstance(item, dict):
        return item
    out = dict(item)
    for name in TEXT_FIELDS:
        if isinstance(out.get(name), str):
            out[name] = clean_text(out[name])
    if isinstance(out.get("tags"), list):
        out["tags"] = [clean_text(t) if isinstance(t, str) else t for t in out["tags"]]
    if isinstance(out.get("authors"), list):
        out["authors"] = [_author(a) for a in out["authors"]]
    if isinstance(out.get("source_url"), str) and out["source_url"].strip():
        out["source_url"] = check_url(out["source_url"], "source_url")
    if isinstance(out.get("body"), list):
        out["body"] = [_block(b, i) for i, b in enumerate(out["body"])]
    return out


def _author(author: Any) -> Any:
    if isinstance(author, str):
        return clean_text(author)
    if isinstance(author, dict):
        return {k: clean_text(v) if isinstance(v, str) else v for k, v in author.items()}
    return author


def _block(block: Any, index: int) -> Any:
    if isinstance(block, str):
        return clean_text(block)
    if not isinstance(block, dict):
        return block
    out = dict(block)
    for name in ("text", "caption", "credit"):
        if isinstance(out.get(name), str):
            out[name] = clean_text(out[name])
    if isinstance(out.get("src"), str) and out["src"].strip():
        out["src"] = check_url(out["src"], f"body[{index}].src")
    if isinstance(out.get("rows"), list):
        out["rows"] = [[_cell(c) for c in r] if isinstance(r, list) else r for r in out["rows"]]
    return out


def _cell(cell: Any) -> Any:
    """A table cell's text is plain text like any other plain-text field."""
    if isinstance(cell, str):
        return clean_text(cell)
    if isinstance(cell, dict) and isinstance(cell.get("text"), str):
        return dict(cell, text=clean_text(cell["text"]))
    return cell


def sanitize_article(article: Article) -> Article:
    """The same cleaning for an importer that builds articles directly."""
    return article_from_dict(sanitize_item(article.to_dict()))
