"""Helpers for the e-paper importer tests: load corpus pages, compare, check conservation.

Each page ``tests/data/epaper/<name>.txt`` (or ``.gb18030.txt``) has a
hand-checked ``<name>.expected.json`` beside it: the edition, and for each
article its kicker/title/subtitle/byline/authors and the type, first and
last characters of every body block. Comparing at that granularity catches
wrong boundaries and wrong joins without freezing every character.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from syndicator.ingest import ImportOptions, ParsedFile, decode_text
from syndicator.ingest.epaper import parse_page

DATA = Path(__file__).resolve().parent.parent / "data" / "epaper"
DECOR = set("□■◆◇●○◎▲△▼▽★☆※◤◥►▶")
BRACKETS = "（）()【】[]"
IGNORED = DECOR | set(BRACKETS) | {"\ufeff"}
#: The importer gives ASCII marks beside Chinese their printed full-width form
#: (ingest/punctuation.py): conservation is checked with both folded to ASCII.
FOLD = str.maketrans("，：；？！（）", ",:;?!()")


def corpus_names() -> list[str]:
    """Every page with an expected structure, sample first."""
    names = sorted(p.name.removesuffix(".expected.json") for p in DATA.glob("*.expected.json"))
    return sorted(names, key=lambda n: (not n.startswith("zjgrrb-2021-08-30-p1"), n))


def page_path(name: str) -> Path:
    return next(p for p in DATA.glob(f"{name}*.txt"))


def load_expected(name: str) -> dict[str, Any]:
    return json.loads((DATA / f"{name}.expected.json").read_text(encoding="utf-8"))


def options_for(expected: dict[str, Any]) -> ImportOptions:
    opts = dict(expected.get("options", {}))
    if "edition" in opts:
        opts["edition"] = date.fromisoformat(opts["edition"])
    return ImportOptions(**opts)


def parse_case(name: str) -> tuple[str, ParsedFile, dict[str, Any]]:
    """Decode and parse a corpus page the way ``syndicator import`` does."""
    expected = load_expected(name)
    path = page_path(name)
    options = options_for(expected)
    text = decode_text(path.read_bytes(), str(path), options.encoding)
    return text, parse_page(text, source=str(path), options=options), expected


def differences(parsed: ParsedFile, expected: dict[str, Any]) -> list[str]:
    """Every way ``parsed`` differs from the hand-checked structure, as text."""
    out: list[str] = []
    if "edition" in expected:
        got = parsed.edition.to_dict() if parsed.edition else {}
        for key, value in expected["edition"].items():
            if got.get(key) != value:
                out.append(f"edition.{key}: got {got.get(key)!r}, expected {value!r}")
    want = expected["articles"]
    titles = [a.title for a in parsed.articles]
    if len(parsed.articles) != len(want):
        out.append(f"{len(parsed.articles)} articles, expected {len(want)}: {titles}")
    for n, (article, exp) in enumerate(zip(parsed.articles, want, strict=False), 1):
        where = f"article {n} ({exp['title']})"
        keys = ["kicker", "title", "subtitle", "byline"]
        if "title_block" in exp:
            # Only the grouping is checked: which line is kicker or title is a judgement.
            printed = "".join(p for p in (article.kicker, article.title, article.subtitle) if p)
            if "".join(printed.split()) != exp["title_block"]:
                out.append(f"{where}: title block {printed!r}, expected {exp['title_block']!r}")
            keys = ["byline"]
        for key in keys:
            if key in exp and getattr(article, key) != exp[key]:
                out.append(f"{where}: {key} {getattr(article, key)!r}, expected {exp[key]!r}")
        if "page" in expected and article.page != expected["page"]:
            out.append(f"{where}: page {article.page}, expected {expected['page']}")
        if "page_name" in expected and article.page_name != expected["page_name"]:
            out.append(f"{where}: page_name {article.page_name!r}")
        if "editor" in expected and article.editor != expected["editor"]:
            out.append(f"{where}: editor {article.editor!r}, expected {expected['editor']!r}")
        if "tags" in exp and list(article.tags) != exp["tags"]:
            out.append(f"{where}: tags {list(article.tags)}, expected {exp['tags']}")
        if "authors" in exp:
            got_authors = [[a.name, a.role] for a in article.authors]
            if got_authors != exp["authors"]:
                out.append(f"{where}: authors {got_authors}, expected {exp['authors']}")
        out.extend(_block_differences(where, article.body, exp.get("blocks", [])))
    if "dropped" in expected:
        got_dropped = [[d.line, d.reason] for d in parsed.dropped]
        if got_dropped != expected["dropped"]:
            out.append(f"dropped {got_dropped}, expected {expected['dropped']}")
    if "warning_lines" in expected:
        got_lines = sorted({w.line for w in parsed.warnings if w.line is not None})
        if got_lines != sorted(expected["warning_lines"]):
            messages = [(w.line, w.message) for w in parsed.warnings]
            out.append(f"warnings at {got_lines}, expected {expected['warning_lines']}: {messages}")
    return out


def _block_differences(where: str, blocks: Any, want: list[list[Any]]) -> list[str]:
    out = []
    if len(blocks) != len(want):
        kinds = [b.type for b in blocks]
        out.append(f"{where}: {len(blocks)} blocks {kinds}, expected {len(want)}")
    for i, (block, exp) in enumerate(zip(blocks, want, strict=False)):
        kind, head, tail = exp[0], exp[1], exp[2]
        text = block.caption or "" if block.type == "image" else block.text
        if block.type != kind:
            out.append(f"{where} block {i}: {block.type} {text[:20]!r}, expected {kind}")
            continue
        if not text.startswith(head) or not text.endswith(tail):
            out.append(
                f"{where} block {i}: {text[:20]!r}…{text[-20:]!r}, expected {head!r}…{tail!r}"
            )
        if kind == "image" and block.credit != exp[3]:
            out.append(f"{where} block {i}: credit {block.credit!r}, expected {exp[3]!r}")
    return out


# -- nothing lost ------------------------------------------------------------------

_CHUNK_RE = re.compile(r"[^。！？!?；;）)（(]+[。！？!?；;）)]*|[（(][^。！？!?；;）)（(]*[）)]?")


def output_pieces(parsed: ParsedFile) -> list[str]:
    """Every printed string the parse produced, whitespace removed."""
    pieces: list[str] = [d.text for d in parsed.dropped]
    for article in parsed.articles:
        pieces += [article.kicker or "", article.title, article.subtitle or ""]
        pieces += [article.byline or "", *article.tags]
        for block in article.body:
            pieces += [block.text, block.caption or "", block.credit or ""]
    return ["".join(p.split()).translate(FOLD) for p in pieces if p]


def unplaced(text: str, parsed: ParsedFile) -> list[tuple[int, str]]:
    """Pieces of input lines found in no output field: (line number, piece).

    Each line is cut at spaces, sentence ends and brackets (where a byline
    may have been split off a lead); every piece must appear in one
    output string.
    """
    pieces = output_pieces(parsed)
    blob = "\x00".join(pieces)
    missing = []
    lines = text.translate(FOLD).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for no, line in enumerate(lines, 1):
        for word in line.replace("\ufeff", "").split():
            for chunk in _CHUNK_RE.findall(word):
                chunk = "".join(ch for ch in chunk if ch not in DECOR)
                if chunk and chunk not in blob and chunk.strip(BRACKETS) not in blob:
                    missing.append((no, chunk))
    return missing


def lost_characters(text: str, parsed: ParsedFile) -> Counter[str]:
    """Characters of the input that occur more often than in the output.

    Decorative bullets and the brackets around a column label ("（社论）"
    becomes the tag 社论) are typography, not text, and are not counted.
    """
    have = Counter("".join(output_pieces(parsed)))
    need = Counter(ch for ch in text.translate(FOLD) if not ch.isspace() and ch not in IGNORED)
    return need - have
