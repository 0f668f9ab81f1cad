"""Line measurements (syndicator.ingest.layout) and non-article lines (.masthead)."""

from __future__ import annotations

import pytest

from syndicator.ingest import layout, masthead
from syndicator.ingest.layout import Line


@pytest.mark.parametrize(
    ("text", "ends"),
    [
        ("重大应用。", True),
        ("真正为职工办实事!”", True),
        ("你准备好了吗？", True),
        ("一是合理安排作息;", True),
        ("…获得感。（记者 王敏）", True),
        ("（下转第二版）", True),
        ("…重要讲话精神。毛朝阳 姚磊 姜璐摄", True),
        ("It works.", True),
        ("上线运行的一批", False),
        ("深入浅出的宣讲为广大职工群众带去了丰富的精神食粮,", False),
        ("已于今年3", False),
        ("增长22.", False),
        ("疫苗全链条追溯监管系统（“浙苗链”）", False),
        ("省人力社保厅发布：", False),
    ],
)
def test_ends_paragraph_tells_sentence_ends_from_column_breaks(text: str, ends: bool) -> None:
    assert layout.ends_paragraph(text) is ends


@pytest.mark.parametrize(
    ("text", "titlish"),
    [
        ("开学,防疫先行", True),
        ("职工疗休养,今年去哪儿？", True),
        ("他们是最美“逆行者”", True),
        ("——今年将重点关注新就业形态劳动者安全健康", True),
        ("重大应用。", False),
        ("经济发展活力、", False),
        ("这是一段很长的文字" * 5, False),
        ("2021", False),
        ("一，二，三，四", False),
    ],
)
def test_is_titlish_judges_by_shape(text: str, titlish: bool) -> None:
    assert layout.is_titlish(text) is titlish


@pytest.mark.parametrize(
    ("left", "right", "joined"),
    [
        ("今年3", "月1日施行", "今年3月1日施行"),
        ("上线运行的一批", "重大应用。", "上线运行的一批重大应用。"),
        ('推出了"City', 'Walk"活动', '推出了"City Walk"活动'),
        ("COVID-19", "疫苗", "COVID-19疫苗"),
    ],
)
def test_join_text_adds_a_space_only_between_latin_letters(
    left: str, right: str, joined: str
) -> None:
    assert layout.join_text(left, right) == joined


def test_split_lines_numbers_lines_and_counts_gaps() -> None:
    lines = layout.split_lines("\ufeff\n\n标题\r\n\r\n\r\n　　正文\u200b。\r末行", "x")
    assert lines == [
        Line(3, "标题", 2, False),
        Line(6, "正文。", 2, True),
        Line(7, "末行", 0, False),
    ]


def test_usual_gap_is_the_most_common_gap() -> None:
    sample = [Line(1, "a"), Line(3, "b", 1), Line(5, "c", 1), Line(9, "d", 3)]
    assert layout.usual_gap(sample) == 1
    assert layout.usual_gap([Line(1, "a"), Line(2, "b"), Line(3, "c")]) == 0


def test_wrap_width_finds_hard_wrapped_columns_only() -> None:
    column = "一二三四五六七八九十，一二三四五六七八九"
    wrapped = [Line(i, column) for i in range(12)] + [Line(12, "短。")]
    assert layout.wrap_width(wrapped) == 40
    prose = [Line(i, "句" * (10 + 7 * i) + "，") for i in range(12)]
    assert layout.wrap_width(prose) is None


def test_shape_of_marks_bylines_credits_and_labels() -> None:
    assert layout.shape_of("本报讯 记者程雪报道 昨日,我省召开大会。").lead is not None
    assert layout.shape_of("本报记者  王  敏").byline is not None
    assert layout.shape_of("记者手记").sidebar and layout.shape_of("记者手记").byline is None
    assert layout.shape_of("通讯员 李强 摄").credit_only
    assert layout.shape_of("（社论）").label == "社论"
    assert layout.shape_of("（下转第二版）").jump
    assert layout.shape_of("■ 全省已建成技能大师工作室612家").summary
    title = layout.shape_of("我省公布一批数字化改革“硬核”成果")
    assert title.titlish and not title.terminal


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("报名地址：杭州市学院路107号", True),
        ("咨询电话：0571-87654321", True),
        ("联系人: 王敏 13800000000", True),
        ("报名时间：即日起至9月30日，每周六上午", True),
        ("投稿邮箱：zjgrrxw@163.com。", True),
        ("习近平：坚定不移推进全面深化改革", False),  # a headline quoting someone
        ("老旧小区改造：", False),  # a kicker: no value
        ("西湖区：“一窗通办”再提速", False),
        ("他说：时间不等人。我们要抓紧", False),  # a sentence, not a value
        ("新闻服务热线", False),
        ("报名时间：即日起至9月30日，报名者需携带身份证原件，", False),  # cut by a column
        ("电话：1", True),
        ("活动地点：" + "杭州市" * 20, False),  # longer than any printed value
    ],
)
def test_is_field_takes_label_value_lines_only(text: str, field: bool) -> None:
    assert layout.is_field(text) is field
    shape = layout.shape_of(text)
    assert shape.field is field
    if field:
        assert not shape.titlish  # an address is never a headline


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        ("昨日,玉环市龙溪镇星星幼儿园秋季开学开园。", True),
        ("8月29日上午，全省职工技能大赛开幕。", True),
        ("10月11日晚，钱江新城灯光秀上演。", True),
        ("近日,记者从省药监局获悉。", True),
        ("今年新增的“红色研学”线路,串联起嘉兴南湖。", False),
        ("月1日施行,已经省人大常委会初步审议。", False),  # a date cut by a column
        ("快递员个人全能前3名的选手,被授予荣誉称号。", False),
    ],
)
def test_opens_like_lead_needs_a_time_word_and_a_comma(text: str, lead: bool) -> None:
    assert layout.opens_like_lead(text) is lead


@pytest.mark.parametrize(
    ("text", "complete"),
    [
        ("开学,防疫先行", True),
        ("线路更丰富", True),
        ("经过紧张激烈的角逐,获得", False),
        ("全国首部法规已于今年3", False),
        ("活动将于2021年", False),
        ("奋斗百年", True),
        ("今年１０", False),
        ('活动现场还推出了"City', False),
    ],
)
def test_reads_complete_spots_lines_cut_mid_phrase(text: str, complete: bool) -> None:
    assert layout.reads_complete(text) is complete


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("邮发代号: 31-2 总第11905号", ["postal_code", "issue_number"]),
        ("社址: 杭州市学院路107号 邮编: 310012", ["address", "zip_code"]),
        ("2021年5月3日　星期一", ["date", "weekday"]),
        ("国内统一连续出版物号　CN11-0065　代号1-1", ["serial", "postal_code"]),
        ("责任编辑 王  敏  版式 李  强", ["editor", "staff"]),
        ("新闻服务热线", ["hotline"]),
    ],
)
def test_fact_line_splits_a_masthead_line_into_facts(text: str, kinds: list[str]) -> None:
    found = masthead.fact_line(text)
    assert found is not None and [kind for kind, _ in found] == kinds


@pytest.mark.parametrize(
    "text",
    [
        "2021年8月30日,我省召开数字化改革大会。",
        "总第11905号文件精神",
        "编辑部的故事",
        "热线电话打不通怎么办",
    ],
)
def test_fact_line_leaves_sentences_alone(text: str) -> None:
    assert masthead.fact_line(text) is None


def test_record_facts_normalises_values() -> None:
    facts = masthead.Facts()
    for line in (
        "国内统一刊号: CN 33 - 0018",
        "邮发代号: 31-2 总第11905号",
        "本版编辑 王  敏 美编 李强",
    ):
        masthead.record_facts(masthead.fact_line(line) or [], facts)
    assert facts.values == {
        "serial": "CN33-0018",
        "postal_code": "31-2",
        "issue_number": 11905,
        "editor": "王敏",
    }


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("00003版:综合", (3, "综合")),
        ("第06版：经济", (6, "经济")),
        ("A05版:城事", (5, "城事")),
        ("第1版", (1, None)),
        ("第2版 要闻", (2, "要闻")),
        ("我市第3版教材发布", None),
    ],
)
def test_page_label_reads_number_and_name(text: str, label: tuple | None) -> None:
    assert masthead.page_label(text) == label


@pytest.mark.parametrize(
    "text",
    [
        "首页 | 上一版 | 下一版 | 返回目录",
        "【字体：大 中 小】 打印 关闭",
        "上一篇  下一篇",
        "您的浏览器不支持HTML5 audio标签，请升级浏览器。",
        "Copyright © 2021 浙江日报报业集团 浙ICP备05030290号",
    ],
)
def test_chrome_kind_recognises_web_page_chrome(text: str) -> None:
    assert masthead.chrome_kind(text, masthead.Facts())


def test_chrome_kind_reads_the_title_line_of_a_web_page() -> None:
    facts = masthead.Facts()
    line = "浙江日报 - 第00003版:综合 - 2021年05月03日 - 我市12人获省五一劳动奖章"
    assert masthead.chrome_kind(line, facts)
    assert (facts.page, facts.page_name) == (3, "综合")
    assert str(facts.values["chrome_date"]) == "2021-05-03"


@pytest.mark.parametrize(
    "text", ["市民可用手机浏览器扫码预约。", "该书版权所有人为作者本人。", "首页改版后更好用了"]
)
def test_chrome_kind_leaves_sentences_alone(text: str) -> None:
    assert not masthead.chrome_kind(text, masthead.Facts())
