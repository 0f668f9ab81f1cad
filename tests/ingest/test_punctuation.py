"""The paper's full-width punctuation comes back; numbers, Latin text and addresses stay."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from syndicator.ingest import ImportOptions
from syndicator.ingest.epaper import parse_page
from syndicator.ingest.punctuation import fullwidth

ASCII_MARKS = ",:;?!()"
WIDE_MARKS = "，：；？！（）"
NARROW = str.maketrans(WIDE_MARKS, ASCII_MARKS)

han = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
latin = st.sampled_from("abcXYZ019 .-_/'\"")
marks = st.sampled_from(ASCII_MARKS)


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("开学,防疫先行", "开学，防疫先行"),
        ("高温津贴怎么发?", "高温津贴怎么发？"),
        ("防暑降温,这些知识要记牢!", "防暑降温，这些知识要记牢！"),
        ("一是合理安排作息;二是", "一是合理安排作息；二是"),
        ("编者按:技能人才", "编者按：技能人才"),
        ("本报讯 (记者 王敏)", "本报讯（记者 王敏）"),
        ("(1)加强防护", "（1）加强防护"),
        ("真的吗?!", "真的吗？！"),
        ("昨日, 我省召开", "昨日，我省召开"),
        ("共1,000人参加", "共1,000人参加"),
        ("比分3:1, 夺冠", "比分3:1，夺冠"),
        ("时间:10:30", "时间：10:30"),
        ("增长3.5%", "增长3.5%"),
        ("A:B 两组", "A:B 两组"),
        ("详见 http://www.zjgrrb.com/a?id=1,2 网页", "详见 http://www.zjgrrb.com/a?id=1,2 网页"),
        ("电邮:zjgrrxw@163.com;电话", "电邮：zjgrrxw@163.com；电话"),
        ("iPhone(苹果手机)", "iPhone（苹果手机）"),
        ("Hello, world", "Hello, world"),
    ],
)
def test_fullwidth_restores_the_printed_marks_and_leaves_the_rest(text: str, printed: str) -> None:
    assert fullwidth(text)[0] == printed


@given(st.lists(st.one_of(han, marks, st.just(" ")), min_size=1, max_size=40).map("".join))
@example("开学,防疫先行")
@settings(max_examples=300, deadline=None)
def test_fullwidth_leaves_no_ascii_mark_beside_chinese(text: str) -> None:
    fixed, count = fullwidth(text)
    for m in re.finditer(f"[{re.escape(ASCII_MARKS)}]", fixed):
        around = fixed[max(0, m.start() - 1) : m.end() + 1].replace(" ", "")
        assert not re.search(r"[\u4e00-\u9fff]", around), (text, fixed)
    assert count == sum(fixed.count(w) for w in WIDE_MARKS)
    # Only marks change (and spaces beside them): nothing else is lost or moved.
    assert fixed.translate(NARROW).replace(" ", "") == text.replace(" ", "")
    assert fullwidth(fixed) == (fixed, 0)  # idempotent


@given(st.lists(st.one_of(latin, marks), max_size=60).map("".join))
@example("1,000")
@example("A:B")
@example("3:1 (a; b)!")
@settings(max_examples=300, deadline=None)
def test_fullwidth_never_touches_text_without_chinese(text: str) -> None:
    assert fullwidth(text) == (text, 0)


@given(
    before=st.text(han, min_size=1, max_size=5),
    path=st.lists(st.sampled_from("abc019/?:;,!()=&.-_"), max_size=20).map("".join),
    after=st.text(han, min_size=1, max_size=5),
)
@settings(max_examples=200, deadline=None)
def test_fullwidth_keeps_an_address_whole_wherever_it_stands(
    before: str, path: str, after: str
) -> None:
    url = f"https://www.zjgrrb.com/{path}"
    fixed, _ = fullwidth(f"{before} {url} {after}")
    assert url in fixed


PAGE = """浙江工人日报
2021年8月30日 星期一
第1版
开学,防疫先行
本报讯 (记者 王敏) 昨日,玉环市龙溪镇星星幼儿园秋季开学开园。在家长的陪同下,孩子们安全健康入园入学。
"""


def test_parse_page_prints_the_paper_marks_and_counts_them() -> None:
    parsed = parse_page(PAGE, source="p1.txt", options=ImportOptions())
    (article,) = parsed.articles
    assert article.title == "开学，防疫先行"
    assert article.byline == "本报讯（记者 王敏）"
    assert article.body[0].text.startswith("昨日，玉环市龙溪镇")
    assert parsed.punctuation == 5
    assert parsed.to_dict()["punctuation"] == 5


def test_parse_page_keeps_ascii_marks_when_told_to() -> None:
    options = ImportOptions(fullwidth_punctuation=False)
    parsed = parse_page(PAGE, source="p1.txt", options=options)
    assert parsed.articles[0].title == "开学,防疫先行"
    assert parsed.punctuation == 0
