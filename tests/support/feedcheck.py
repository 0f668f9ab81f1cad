"""Validators for the three feed formats, shared by the render and live tests.

- Atom: the RFC 4287 RELAX NG schema (tests/data/atom.rng) through lxml,
  plus the schema's two Schematron rules as XPath.
- JSON Feed: a JSON Schema of version 1.1 (tests/data/jsonfeed-1.1.schema.json).
- RSS 2.0: the elements and attributes the RSS 2.0 specification requires
  (https://www.rssboard.org/rss-specification), and the formats of the
  optional ones we write.

Each function returns a list of problems; an empty list means valid.
"""

from __future__ import annotations

import json
import re
from email.utils import parsedate_to_datetime
from functools import cache
from pathlib import Path

import jsonschema
from lxml import etree

DATA = Path(__file__).resolve().parent.parent / "data"
ATOM = "http://www.w3.org/2005/Atom"
NS = {
    "atom": ATOM,
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "sy": "http://purl.org/rss/1.0/modules/syndication/",
    "fh": "http://purl.org/syndication/history/1.0",
    "media": "http://search.yahoo.com/mrss/",
}
#: RFC 822 as RSS 2.0 uses it, in Beijing time.
RFC822_BEIJING = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    r" \d{4} \d{2}:\d{2}:\d{2} \+0800$"
)
MEDIA_TYPE = re.compile(r"^[\w.+-]+/[\w.+-]+$")


@cache
def atom_schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(DATA / "atom.rng")))


@cache
def json_feed_validator() -> jsonschema.protocols.Validator:
    schema = json.loads((DATA / "jsonfeed-1.1.schema.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def atom_problems(data: bytes) -> list[str]:
    doc = etree.fromstring(data)
    schema = atom_schema()
    problems = [] if schema.validate(doc) else [str(e) for e in schema.error_log]
    # RFC 4287's Schematron rules, which RELAX NG itself does not check.
    if doc.xpath("not(atom:author) and atom:entry[not(atom:author)]", namespaces=NS):
        problems.append("feed without atom:author has an entry without one")
    for entry in doc.xpath("atom:entry", namespaces=NS):
        if not entry.xpath(
            "atom:link[@rel='alternate'] or atom:link[not(@rel)] or atom:content", namespaces=NS
        ):
            problems.append(f"entry {entry.findtext(f'{{{ATOM}}}id')} has no alternate link")
    return problems


def json_feed_problems(data: bytes) -> list[str]:
    doc = json.loads(data)
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in json_feed_validator().iter_errors(doc)
    ]


def _rfc822(value: str | None, where: str, problems: list[str]) -> None:
    if value is None:
        return
    if not RFC822_BEIJING.match(value):
        problems.append(f"{where}: not an RFC 822 date in +0800: {value!r}")
        return
    parsedate_to_datetime(value)  # raises if the date itself is impossible


def rss_problems(data: bytes) -> list[str]:
    """The RSS 2.0 specification's required elements, and formats of optional ones."""
    problems: list[str] = []
    root = etree.fromstring(data)
    if root.tag != "rss" or root.get("version") != "2.0":
        return [f"root is <{root.tag} version={root.get('version')!r}>, not <rss version='2.0'>"]
    channels = root.findall("channel")
    if len(channels) != 1:
        return [f"{len(channels)} <channel> elements"]
    channel = channels[0]
    for name in ("title", "link", "description"):
        if not (channel.findtext(name) or "").strip():
            problems.append(f"channel: required <{name}> missing or empty")
    if not (channel.findtext("link") or "").startswith(("http://", "https://")):
        problems.append("channel: <link> is not an absolute URL")
    _rfc822(channel.findtext("lastBuildDate"), "lastBuildDate", problems)
    _rfc822(channel.findtext("pubDate"), "pubDate", problems)
    ttl = channel.findtext("ttl")
    if ttl is not None and not (ttl.isdigit() and int(ttl) > 0):
        problems.append(f"ttl: not a positive number of minutes: {ttl!r}")
    image = channel.find("image")
    if image is not None:
        for name in ("url", "title", "link"):
            if not image.findtext(name):
                problems.append(f"image: required <{name}> missing")
        if image.findtext("title") != channel.findtext("title"):
            problems.append("image: <title> differs from the channel's")
        if image.findtext("link") != channel.findtext("link"):
            problems.append("image: <link> differs from the channel's")
    if channel.find("atom:link[@rel='self']", NS) is None:
        problems.append("channel: no atom:link rel=self")
    period = channel.findtext("sy:updatePeriod", namespaces=NS)
    if period is not None and period not in ("hourly", "daily", "weekly", "monthly", "yearly"):
        problems.append(f"sy:updatePeriod: {period!r}")
    for i, item in enumerate(channel.findall("item")):
        where = f"item[{i}]"
        if not (item.findtext("title") or item.findtext("description")):
            problems.append(f"{where}: needs a <title> or a <description>")
        _rfc822(item.findtext("pubDate"), f"{where}/pubDate", problems)
        guid = item.find("guid")
        if guid is not None:
            permalink = guid.get("isPermaLink", "true")
            if permalink not in ("true", "false"):
                problems.append(f"{where}/guid: isPermaLink={permalink!r}")
            if permalink == "true" and not (guid.text or "").startswith(("http://", "https://")):
                problems.append(f"{where}/guid: a permalink that is not a URL")
        enclosures = item.findall("enclosure")
        if len(enclosures) > 1:
            problems.append(f"{where}: more than one <enclosure>")
        for enclosure in enclosures:
            if not (enclosure.get("url") or "").startswith(("http://", "https://")):
                problems.append(f"{where}/enclosure: url must be an http URL")
            if not (enclosure.get("length") or "").isdigit():
                problems.append(f"{where}/enclosure: length must be a number of bytes")
            if not MEDIA_TYPE.match(enclosure.get("type") or ""):
                problems.append(f"{where}/enclosure: type must be a media type")
        for category in item.findall("category"):
            if not (category.text or "").strip():
                problems.append(f"{where}/category: empty")
        source = item.find("source")
        if source is not None and not source.get("url"):
            problems.append(f"{where}/source: required url attribute missing")
    return problems


def problems_for(name: str, data: bytes) -> list[str]:
    """Dispatch on the file name: rss.xml, atom.xml or feed.json."""
    checker = {"rss.xml": rss_problems, "atom.xml": atom_problems, "feed.json": json_feed_problems}
    return checker[name](data)
