"""Bylines, datelines, signatures and photo credits (syndicator.ingest.bylines, .credits)."""

from __future__ import annotations

import pytest

from syndicator.ingest.bylines import match_byline_line, match_lead, parse_byline, split_signature
from syndicator.ingest.credits import split_credit
from syndicator.model import Author


@pytest.mark.parametrize(
    ("text", "authors"),
    [
        ("本报讯 记者程雪 通讯员戴大喜报道", [("程雪", "记者"), ("戴大喜", "通讯员")]),
        ("本报讯 杜志华报道", [("杜志华", None)]),
        ("本报讯 通讯员沈天翔、徐星隽报道", [("沈天翔", "通讯员"), ("徐星隽", "通讯员")]),
        ("本报讯（记者 王敏 通讯员 李强）", [("王敏", "记者"), ("李强", "通讯员")]),
        ("新华社杭州5月3日电（记者 张三、李四）", [("张三", "记者"), ("李四", "记者")]),
        ("本报记者  王  敏", [("王敏", "记者")]),
        ("□ 记者 李强", [("李强", "记者")]),
        ("本报记者 王  敏 陈晓东", [("王敏", "记者"), ("陈晓东", "记者")]),
        ("（记者 王敏 通讯员 李强）", [("王敏", "记者"), ("李强", "通讯员")]),
        ("毛朝阳 姚磊 姜璐摄", [("毛朝阳", "摄"), ("姚磊", "摄"), ("姜璐", "摄")]),
        ("文/王敏 图/李强", [("王敏", "文"), ("李强", "摄")]),
        ("本报特约记者 欧阳明珠", [("欧阳明珠", "特约记者")]),
        ("记者 阿依古丽·买买提", [("阿依古丽·买买提", "记者")]),
    ],
)
def test_parse_byline_reads_names_and_roles(text: str, authors: list[tuple]) -> None:
    assert parse_byline(text) == tuple(Author(n, r) for n, r in authors)


@pytest.mark.parametrize("text", ["", "近日，我省召开大会", "2021年8月30日", "王"])
def test_parse_byline_returns_nothing_for_prose(text: str) -> None:
    assert parse_byline(text) == ()


def test_parse_byline_never_splits_a_padded_name() -> None:
    assert parse_byline("本报记者  王  敏") == (Author("王敏", "记者"),)
    assert parse_byline("记者　王　敏　李　强") == (Author("王敏", "记者"), Author("李强", "记者"))


@pytest.mark.parametrize(
    ("text", "byline", "rest"),
    [
        ("本报讯 记者程雪报道 昨日,我省召开", "本报讯 记者程雪报道", "昨日,我省召开"),
        ("本报讯（记者 王敏）近日，", "本报讯（记者 王敏）", "近日，"),
        ("本报杭州8月29日讯 昨天，", "本报杭州8月29日讯", "昨天，"),
        ("新华社北京5月2日电 记者从…获悉", "新华社北京5月2日电", "记者从…获悉"),
        ("本报北京5月2日电  （记者王  敏）　日前，", "本报北京5月2日电  （记者王  敏）", "日前，"),
        ("本报讯 记者 王  敏 近日，", "本报讯 记者 王  敏", "近日，"),
        ("本报讯 近日，媒体报道称", "本报讯", "近日，媒体报道称"),
        ("记者 王敏 通讯员 李强 报道：近日", "记者 王敏 通讯员 李强 报道", "近日"),
    ],
)
def test_match_lead_splits_byline_from_text(text: str, byline: str, rest: str) -> None:
    lead = match_lead(text)
    assert lead is not None
    assert (lead.byline, lead.rest) == (byline, rest)


@pytest.mark.parametrize("text", ["我省举报电话开通", "据报道，今年以来", "记者从省里获悉"])
def test_match_lead_ignores_ordinary_sentences(text: str) -> None:
    assert match_lead(text) is None


def test_match_byline_line_needs_a_role() -> None:
    assert match_byline_line("本报记者  王  敏") == ("本报记者  王  敏", (Author("王敏", "记者"),))
    assert match_byline_line("■ 本报评论员") == ("本报评论员", ())
    assert match_byline_line("王敏 李强") is None
    assert match_byline_line("一张蓝图绘到底") is None


@pytest.mark.parametrize(
    ("text", "before", "signature"),
    [
        ("…全面铺开。（记者 王敏 通讯员 李强）", "…全面铺开。", "（记者 王敏 通讯员 李强）"),
        ("…获得感。（王敏）", "…获得感。", "（王敏）"),
        ("…正式施行。(据新华社)", "…正式施行。", "(据新华社)"),
    ],
)
def test_split_signature_finds_end_signatures(text: str, before: str, signature: str) -> None:
    found = split_signature(text)
    assert found is not None and found[:2] == (before, signature)


@pytest.mark.parametrize(
    "text", ["（社论）", "…通过“浙苗链”（“浙苗链”）", "…全面铺开。（完）", "…中（李强 摄）"]
)
def test_split_signature_ignores_other_brackets(text: str) -> None:
    assert split_signature(text) is None


@pytest.mark.parametrize(
    ("text", "caption", "credit"),
    [
        ("…讲话精神。毛朝阳 姚磊 姜璐摄", "…讲话精神。", "毛朝阳 姚磊 姜璐摄"),
        ("…入园入学。 通讯员 李强 摄", "…入园入学。", "通讯员 李强 摄"),
        ("…入园入学。（李强 王敏 摄）", "…入园入学。", "（李强 王敏 摄）"),
        ("…合影留念。通讯员王强 记者李明 摄影报道", "…合影留念。", "通讯员王强 记者李明 摄影报道"),
        ("图为活动现场 王敏 摄", "图为活动现场", "王敏 摄"),
        ("本报记者 王  敏 摄", "", "本报记者 王  敏 摄"),
    ],
)
def test_split_credit_separates_caption_and_credit(text: str, caption: str, credit: str) -> None:
    found = split_credit(text)
    assert found is not None and found[:2] == (caption, credit)
    assert all(a.role == "摄" for a in found[2]) and found[2]


@pytest.mark.parametrize("text", ["这组照片由他拍摄", "…获得感。", "摄"])
def test_split_credit_ignores_text_without_credit(text: str) -> None:
    assert split_credit(text) is None


def test_split_credit_handles_long_lines() -> None:
    """A line of thousands of name-like words (a backtracking trap) still parses;
    its timing is in bench/bench_import.py."""
    text = "宣讲 " * 3000 + "王敏 摄"
    credit = split_credit(text)
    assert credit is not None and credit[1].endswith("王敏 摄")
    assert match_lead(text) is None
    split_signature(text)
