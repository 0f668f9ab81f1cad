"""Property test: random pages built from random articles.

Hypothesis assembles pages from articles with every byline position
(lead, bracketed lead, own line, end signature, photo credit), optional
kickers and subtitles, paragraphs cut by column breaks, photo captions,
label-value lines ("咨询电话：…", each a paragraph of its own),
blank-line or packed layouts, indented paragraphs or not, and any line
ending. The importer must
never crash, never lose a character, give the same result twice, and find
exactly the articles that were put on the page.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.epaper_expect import lost_characters, unplaced

from syndicator.ingest import ImportOptions
from syndicator.ingest.epaper import parse_page

# Random pages print no 第N版: the page is stated, as a person would.
OPTIONS = ImportOptions(paper_id="test", paper_name="测试日报", edition=date(2021, 8, 30), page=1)

#: Two-character words that cannot form a byline, a date or a label.
WORDS = tuple("工会职工发展城市服务技能企业建设创新社区群众活动项目工作经济安全培训保障文化健康")
WORDS = tuple(WORDS[i] + WORDS[i + 1] for i in range(0, len(WORDS), 2))
NAMES = ["王敏", "李强", "陈晓东", "周琳", "张伟", "欧阳明", "刘洋"]
KINDS = ["lead", "bracket", "own_line", "signature", "photo", "none_first"]


def sentence(rng: random.Random) -> str:
    clauses = ["".join(rng.choices(WORDS, k=rng.randint(6, 12))) for _ in range(rng.randint(2, 4))]
    return "，".join(clauses) + "。"


def paragraph(rng: random.Random) -> str:
    return "".join(sentence(rng) for _ in range(rng.randint(2, 3)))


def padded(name: str) -> str:
    return f"{name[0]}  {name[1]}" if len(name) == 2 else name


@dataclass
class Piece:
    """One generated article and the lines it prints."""

    kind: str
    title_lines: list[str]
    byline: str | None
    lines: list[str]
    fields: tuple[str, ...] = ()  # label-value lines printed in the body


def make_piece(kind: str, rng: random.Random, indent: str = "") -> Piece:
    """One article of ``kind`` with random words (structure is drawn by hypothesis)."""
    title_lines = ["".join(rng.choices(WORDS, k=rng.randint(2, 5)))]
    if rng.random() < 0.5:
        a, b, c, d = rng.choices(WORDS, k=4)
        title_lines.insert(0, f"{a}{b} {c}{d}")
    if rng.random() < 0.4:
        title_lines.append("——" + "".join(rng.choices(WORDS, k=rng.randint(3, 6))))
    name = rng.choice(NAMES)
    paragraphs = [paragraph(rng) for _ in range(rng.randint(1, 4))]
    lines = list(title_lines)
    if kind == "photo":
        credit = f"{padded(name)} 摄"
        lines.append(f"{indent}{paragraph(rng)} {credit}")
        return Piece(kind, title_lines, credit, lines)
    byline = None
    if kind == "own_line":
        byline = f"本报记者  {padded(name)}"
        lines.append(byline)
    elif kind == "lead":
        byline = f"本报讯 记者{name}报道"
        paragraphs[0] = f"{byline} {paragraphs[0]}"
    elif kind == "bracket":
        byline = f"本报讯（记者 {padded(name)}）"
        paragraphs[0] = byline + paragraphs[0]
    elif kind == "signature":
        byline = f"（记者 {padded(name)}）"
        paragraphs[-1] += byline
    if kind != "signature" and len(paragraphs) > 1 and rng.random() < 0.5:
        caption = "图为" + "".join(rng.choices(WORDS, k=6)) + "。"
        paragraphs.insert(1, f"{caption}{padded(rng.choice(NAMES))}摄")
    fields: tuple[str, ...] = ()
    if kind != "signature" and rng.random() < 0.3:
        fields = (
            f"报名地址：{rng.choice(WORDS)}路{rng.randint(1, 999)}号",
            "咨询电话：0571-87654321",
        )
    for n, text in enumerate(paragraphs):
        first, *rest = column_break(text, rng.randint(0, 10_000))
        lines.extend([indent + first, *rest])
        if n == 0:
            lines.extend(fields)
    return Piece(kind, title_lines, byline, lines, fields)


def column_break(text: str, seed: int) -> list[str]:
    """Cut a paragraph where a column might end: never right after a full stop."""
    if len(text) < 90 or seed % 3 == 0:
        return [text]
    cut = 45 + seed % (len(text) - 60)
    if text[cut - 1] in "。）" or text[cut] in "。，":
        return [text]
    return [text[:cut], text[cut:]]


@st.composite
def pages(draw: st.DrawFn) -> tuple[str, list[Piece]]:
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=6))
    rng = random.Random(draw(st.integers(0, 2**32)))
    indent = draw(st.sampled_from(["", "", "\u3000\u3000", "  "]))  # paragraphs indented?
    articles = []
    for n, kind in enumerate(kinds):
        if kind == "none_first":
            kind = "signature" if n == 0 else "lead"
        articles.append(make_piece(kind, rng, indent))
    lines = ["测试日报", "2021年8月30日 星期一"]
    for piece in articles:
        lines.extend(piece.lines)
    if draw(st.booleans()):
        lines.append("新闻服务热线")
    separator = draw(st.sampled_from(["\n", "\n\n", "\r\n", "\r\n\r\n", "\n \n"]))
    return separator.join(lines) + separator, articles


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pages())
def test_parse_page_random_pages_keep_text_and_boundaries(page: tuple[str, list[Piece]]) -> None:
    text, generated = page
    parsed = parse_page(text, source="random.txt", options=OPTIONS)

    assert unplaced(text, parsed) == []
    assert lost_characters(text, parsed) == {}

    again = parse_page(text, source="random.txt", options=OPTIONS)
    assert again.to_dict() == parsed.to_dict()

    assert len(parsed.articles) == len(generated), [a.title for a in parsed.articles]
    for article, piece in zip(parsed.articles, generated, strict=True):
        printed = "".join(p for p in (article.kicker, article.title, article.subtitle) if p)
        assert printed.replace(" ", "") == "".join(piece.title_lines).replace(" ", "")
        assert article.byline == piece.byline
        assert article.body
        texts = [block.text for block in article.body]
        assert all(field in texts for field in piece.fields), texts
