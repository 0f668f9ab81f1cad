"""Lines that belong to no article: masthead, page labels, web chrome, footers.

A page starts with the masthead (paper name, date, lunar date, 刊号, 邮发
代号, 总第N号, address…) and may end with footers (新闻服务热线, 责任编辑).
Pages copied from an e-paper web site add chrome: a title line repeating
paper, page and date, navigation and font-size buttons, browser warnings,
copyright lines. This module recognises those lines, pulls the facts out of
them for :class:`~syndicator.model.Edition`, and says why each one is not
an article.

A line counts as masthead only when *all* of it is made of known facts and
separators, so a sentence that merely mentions a date stays in its article.
Dates, addresses and phone numbers are only taken at the top or bottom of
the page: in the middle they are more likely part of an article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .bylines import HAN, scan_people

_D = r"[0-9０-９]"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STAFF = (
    r"版式|美编|美术编辑|校对|审读|照排|组版|排版|视觉设计|设计|制图|值班编委|本版审稿"
    r"|本版编辑|责任编辑|责编|编辑"
)
_NAME = rf"(?!{_STAFF})(?:[{HAN}]{{2,4}}(?![{HAN}])|[{HAN}][ \u3000]{{1,3}}[{HAN}](?![{HAN}]))"
_NAMES = rf"{_NAME}(?:(?:\s*[、,，]\s*|\s+){_NAME})*"
_FACTS: tuple[tuple[str, str], ...] = (
    ("date", rf"(?:19|20){_D}{{2}}\s*年\s*{_D}{{1,2}}\s*月\s*{_D}{{1,2}}\s*日"),
    ("date", rf"(?:19|20){_D}{{2}}[-./]{_D}{{1,2}}[-./]{_D}{{1,2}}"),
    ("paper", rf"[{HAN}]{{2,8}}(?:日报|晚报|时报|商报|都市报|青年报|导报|早报)(?![{HAN}])"),
    ("weekday", r"(?:星期|礼拜)[一二三四五六日天]|周[一二三四五六日]"),
    (
        "lunar_date",
        r"(?:农历)?[甲乙丙丁戊己庚辛壬癸][子丑寅卯辰巳午未申酉戌亥](?:[（(][鼠牛虎兔龙蛇马羊猴鸡狗猪][）)])?年"
        r"(?:闰)?(?:正|十一|十二|冬|腊|[一二三四五六七八九十])月"
        r"(?:初[一二三四五六七八九十]|二十|三十|廿[一二三四五六七八九]?|十[一二三四五六七八九]?)",
    ),
    ("issue_number", rf"总第\s*{_D}+\s*[号期]|第\s*{_D}{{3,}}\s*期"),
    (
        "note",
        rf"第\s*{_D}{{1,2}}\s*期|今日\s*{_D}+\s*版|本期\s*{_D}+\s*版|(?:零售价|定价|每份)\s*[:：]?\s*[0-9.]+\s*元",
    ),
    (
        "serial",
        r"(?:国内统一(?:连续出版物号|刊号)|统一刊号|刊号)\s*[:：]?\s*CN\s*\d{2}\s*[-－]\s*\d{4}(?:\s*/\s*[A-Z]{1,3})?"
        r"|CN\s*\d{2}\s*[-－]\s*\d{4}(?:\s*/\s*[A-Z]{1,3})?",
    ),
    ("postal_code", r"(?:邮发)?代号\s*[:：]?\s*\d{1,2}\s*[-－]\s*\d{1,4}"),
    (
        "email",
        r"(?:电子信箱|电子邮箱|投稿邮箱|信箱|邮箱|E-?mail)?\s*[:：]?\s*[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    ),
    (
        "website",
        r"(?:电子版|网址|网站|数字报|电子报|网络版|官网)?\s*[:：]?\s*"
        r"(?:https?://[\w./?=&%-]+|www\.[\w-]+(?:\.[\w-]+)+(?:/[\w./-]*)?)",
    ),
    ("address", rf"(?:社址|地址|报社地址)\s*[:：]\s*[{HAN}0-9０-９A-Za-z#\-－号楼层室（）()]+"),
    ("zip_code", rf"(?:邮编|邮政编码)\s*[:：]?\s*{_D}{{6}}"),
    (
        "hotline",
        rf"(?:新闻)?(?:服务|报料|爆料|投诉)?热线(?:电话)?(?:\s*[:：]?\s*{_D}[0-9０-９\s-]{{5,}}{_D})?",
    ),
    (
        "note",
        rf"(?:电话|传真|广告部?|发行部?|订阅|印刷)[{HAN}]{{0,6}}\s*[:：]\s*{_D}[0-9０-９\s-]{{5,}}{_D}",
    ),
    (
        "editor",
        rf"(?:本版)?(?:责任编辑|责编)\s*[:：]?\s*{_NAMES}"
        rf"|(?:本版)?编辑(?:\s*[:：]\s*|\s+){_NAMES}",
    ),
    (
        "staff",
        rf"(?:{_STAFF})(?:\s*[:：]\s*|\s+){_NAMES}",
    ),
)
_FACT_RE = re.compile("|".join(f"(?P<f{i}>{pat})" for i, (_, pat) in enumerate(_FACTS)))
_FACT_KIND = {f"f{i}": kind for i, (kind, _) in enumerate(_FACTS)}
_SEPARATORS_RE = re.compile(r"[\s|｜/·•,，;；:：\-—_]*")

#: Facts that are never part of an article, wherever they stand on the page.
ANYWHERE = frozenset({"issue_number", "serial", "postal_code", "hotline", "editor", "staff"})

_PHONE_RE = re.compile(r"(?:\d{3,4}[-－])?\d{7,8}|[48]00[-－]?\d{3}[-－]?\d{4}")
_PAGE_LABEL_RE = re.compile(
    rf"(?:第\s*)?[A-Za-z]?0*(?P<page>\d{{1,4}})\s*版\s*"
    rf"(?:[:：]\s*|\s+|[（(])?(?P<name>[{HAN}A-Za-z·]{{1,10}}(?:[/／][{HAN}·]{{1,10}})?)?[）)]?"
    # "A3 城市新闻", "B02：体育", "A04:民生/影像": a section letter needs no 版.
    rf"|[A-Z]0*(?P<page2>\d{{1,2}})\s*(?:[:：]\s*|\s+)(?P<name2>[{HAN}·]{{2,10}}(?:[/／][{HAN}·]{{2,10}})?)"
)
_PAGE_NUMBER_RE = re.compile(r"[A-Za-z]?0*[1-9][0-9]{0,2}")
_PAPER_RE = re.compile(rf"[{HAN}]{{2,10}}(?:日报|晚报|时报|商报|都市报|青年报|导报|早报)")
_PROMO_RE = re.compile(r"微信|公众号|客户端|二维码|扫码|扫一扫|官方微博|抖音|视频号|APP|App")
#: Words found only in e-paper navigation; one of them makes a line chrome.
_NAV_STRONG = _words(
    "上一版 下一版 上一篇 下一篇 上一期 下一期 前一版 后一版 前一篇 后一篇 返回目录 返回首页 "
    "版面导航 标题导航 本版标题 版面概览 放大 缩小 打印本页 关闭窗口 返回顶部 语音播报 PDF下载 "
    "下载PDF 往期回顾 过刊检索 查看原图 放大图片 选择日期 当前版"
)
#: Words that are chrome only next to other navigation words ("大 中 小").
_NAV_WEAK = _words(
    "首页 返回 目录 默认 字号 字体 大 中 小 打印 关闭 收藏 分享 分享到 朗读 下载 PDF 往期 检索 "
    "搜索 登录 注册 原图 图片 标题 内容 正文 版面 版次 日期 进入"
)
_NAV_SPLIT_RE = re.compile(r"[\s|｜/·•<>《》«»【】\[\]()（）:：>→←-]+")
#: Only the phrasing of web pages: a sentence that mentions a browser stays text.
_BROWSER_RE = re.compile(
    r"您的浏览器|浏览器(?:版本|不支持)|请(?:使用|升级|更换).{0,16}浏览器|最佳(?:浏览|显示)效果"
    r"|分辨率.{0,12}(?:浏览|显示)|不支持.{0,20}(?:标签|播放)|(?:启用|开启|enable)\s*JavaScript"
)
_COPYRIGHT_RE = re.compile(
    r"版权所有(?!人)|Copyright|copyright|©|ICP[备证]|公网安备|未经.{0,12}(?:授权|许可).{0,8}"
    r"(?:转载|使用|复制|镜像)|违法和不良信息举报"
)
#: A web page's article meta line: "来源：杭州日报  作者：王敏  日期：2021-05-03".
_META_RE = re.compile(
    r"(?:(?:来源|作者|编辑|责编|日期|时间|发布时间|发表时间|浏览次数|点击数|阅读数?)\s*[:：]\s*"
    r"[^\s:：]{1,30}(?:\s+[0-9:：]{4,8})?\s*){2,6}"
)
_CHROME_SEP_RE = re.compile(r"\s+[-–—|｜_]\s+|\s*[|｜]\s*")
_DATE_IN_RE = re.compile(
    rf"((?:19|20){_D}{{2}})\s*[年\-./]\s*({_D}{{1,2}})\s*[月\-./]\s*({_D}{{1,2}})"
)


@dataclass
class Facts:
    """What the non-article lines of one page say about its edition."""

    values: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    hotline_label: bool = False
    phones: list[str] = field(default_factory=list)
    page: int | None = None
    page_name: str | None = None
    paper_names: list[tuple[str, int]] = field(default_factory=list)
    #: Line number where each fact ("date", "chrome_date", "page") was read.
    where: dict[str, int] = field(default_factory=dict)

    def locate(self, line: int) -> None:
        """Remember ``line`` as the source of facts seen for the first time."""
        for key in ("date", "chrome_date"):
            if key in self.values:
                self.where.setdefault(key, line)
        if self.page is not None:
            self.where.setdefault("page", line)

    def put(self, key: str, value: Any) -> None:
        self.values.setdefault(key, value)


def read_date(text: str) -> date | None:
    m = _DATE_IN_RE.search(text)
    if m is None:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _separators_end(text: str, pos: int) -> int:
    """Where the run of separators starting at ``pos`` ends."""
    m = _SEPARATORS_RE.match(text, pos)
    assert m is not None  # the pattern matches the empty string: it matches anywhere
    return m.end()


def fact_line(text: str) -> list[tuple[str, str]] | None:
    """Split a line into masthead facts, or ``None`` if anything else is on it.

    "邮发代号: 31-2 总第11905号" → [("postal_code", …), ("issue_number", …)].
    """
    if len(text) > 120:
        return None
    found: list[tuple[str, str]] = []
    pos = _separators_end(text, 0)
    while pos < len(text):
        # Facts must follow each other: prose fails at its first character.
        m = _FACT_RE.match(text, pos)
        if m is None or m.end() == pos:
            return None
        found.append((_FACT_KIND[m.lastgroup or ""], m.group(0)))
        pos = _separators_end(text, m.end())
    return found or None


def record_facts(found: list[tuple[str, str]], facts: Facts, line: int = 0) -> None:
    """Store the values of :func:`fact_line`'s facts (read on ``line``) in ``facts``."""
    for kind, raw in found:
        value = _fact_value(kind, raw)
        if kind == "paper":
            facts.paper_names.append((raw.strip(), line))
        elif kind == "note":
            facts.notes.append(raw.strip())
        elif kind == "hotline":
            facts.hotline_label = True
            if value:
                facts.put("hotline", value)
        elif kind == "staff":
            continue
        elif value is not None:
            facts.put(kind, value)


def _fact_value(kind: str, raw: str) -> Any:
    raw = raw.strip()
    if kind == "date":
        return read_date(raw)
    if kind == "issue_number":
        return int(re.sub(r"\D", "", raw))
    if kind in ("serial", "postal_code", "zip_code", "address", "hotline", "email", "website"):
        after = re.split(r"[:：]", raw, maxsplit=1)
        value = after[-1].strip() if len(after) > 1 else raw
        if kind == "serial":
            m = re.search(r"CN\s*\d{2}\s*[-－]\s*\d{4}(?:\s*/\s*[A-Z]{1,3})?", value)
            return re.sub(r"\s+", "", m.group(0)) if m else value
        if kind in ("postal_code", "zip_code", "hotline"):
            m = re.search(r"\d[\d\s-]*\d", value)
            return re.sub(r"\s+", "", m.group(0)) if m else None
        if kind == "email":
            m = re.search(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", value)
            return m.group(0) if m else value
        if kind == "website":
            m = re.search(r"(?:https?://\S+|www\.\S+)", raw)
            return m.group(0) if m else value
        return value
    if kind == "editor":
        names = re.sub(r"^(?:本版)?(?:责任编辑|责编|编辑)\s*[:：]?\s*", "", raw)
        people = scan_people(names)
        if people is not None:
            return "、".join(name for _, name in people.people)
        return names.strip()
    return raw


def page_label(text: str) -> tuple[int, str | None] | None:
    """Page number and name of a label: "00003版:综合" → (3, "综合")."""
    if len(text) > 24:
        return None
    m = _PAGE_LABEL_RE.fullmatch(text)
    if m is None:
        return None
    if m.group("page2"):
        return int(m.group("page2")), m.group("name2")
    return int(m.group("page")), m.group("name")


def is_phone(text: str) -> bool:
    return bool(_PHONE_RE.fullmatch(text.replace(" ", "")))


def is_page_number(text: str) -> bool:
    """A bare page number printed in the page header ("3", "A05")."""
    return len(text) <= 4 and bool(_PAGE_NUMBER_RE.fullmatch(text))


def is_paper_name(text: str, paper_name: str) -> bool:
    return text == paper_name or bool(_PAPER_RE.fullmatch(text))


def is_promo(text: str) -> bool:
    """The caption of a QR code or an app plug ("浙江省总工会官方微信公众号")."""
    return len(text) <= 40 and bool(_PROMO_RE.search(text)) and "。" not in text


def chrome_kind(text: str, facts: Facts) -> bool:
    """Is this e-paper web chrome? Record page/date facts from a title line.

    Chrome is navigation ("上一版 下一版 返回目录"), font-size buttons,
    browser warnings, copyright lines and the web page's title line that
    repeats paper, page, date and headline ("浙江日报 - 第00003版:综合 -
    2021年05月03日 - 我市12人获省五一劳动奖章").
    """
    if len(text) > 160:
        return False
    words = [w for w in _NAV_SPLIT_RE.split(text) if w]
    strong = sum(w in _NAV_STRONG for w in words)
    weak = sum(w in _NAV_WEAK for w in words)
    if (strong or weak >= 3) and all(
        w in _NAV_STRONG or w in _NAV_WEAK or w.isdigit() or page_label(w) for w in words
    ):
        if not any(page_label(w) for w in words):
            return True
        labels = [label for label in map(page_label, words) if label]
        if len(labels) == 1 and facts.page is None:
            facts.page, facts.page_name = labels[0]
        return True
    if len(text) <= 80 and (_BROWSER_RE.search(text) or _COPYRIGHT_RE.search(text)):
        return True
    if _META_RE.fullmatch(text):
        return True
    title = page_title(text) or article_footer(text)
    if title is not None:
        if facts.page is None:
            facts.page, facts.page_name = title[0]
        facts.values.setdefault("chrome_date", title[1])
        return True
    return False


_PADDED_PAGE_RE = re.compile(r"0+[1-9]\d{0,3}")


def article_footer(text: str) -> tuple[tuple[int, str | None], date] | None:
    """Page and date of an e-paper article page's footer line.

    "浙江工人日报 工会 00002 职工书屋开进工地 2015-04-21 2 2015年04月21日
    星期二": the paper, the page's name, its zero-padded number, the
    headline and the date, all on one line under the article. The page
    prints its date nowhere else.
    """
    words = text.split()
    if len(words) < 4 or not _PAPER_RE.fullmatch(words[0]):
        return None
    when = read_date(text)
    at = next((i for i in (1, 2) if _PADDED_PAGE_RE.fullmatch(words[i])), None)
    if when is None or at is None:
        return None
    name = words[1] if at == 2 and re.fullmatch(rf"[{HAN}·]{{1,10}}", words[1]) else None
    return (int(words[at]), name), when


def page_title(text: str) -> tuple[tuple[int, str | None], date] | None:
    """Page label and date of a web page's title line.

    "浙江日报 - 第00003版:综合 - 2021年05月03日 - …" starts every page
    copied from an e-paper site, so it is chrome, and it names the page.
    """
    parts = [p for p in _CHROME_SEP_RE.split(text) if p]
    if len(parts) < 3:
        return None
    label = next((lab for lab in map(page_label, parts) if lab), None)
    when = next((d for d in map(read_date, parts) if d), None)
    return (label, when) if label and when else None


#: Facts printed beside the date only in a masthead ("2021年9月6日 星期一").
_BESIDE_DATE = frozenset({"date", "weekday", "lunar_date", "paper", "issue_number", "serial"})


def is_masthead_date(text: str, neighbours: list[str]) -> bool:
    """Is this line the date of a page's masthead, wherever it stands?

    A date on a line of its own also signs off a letter ("2021年12月2日"),
    so it counts only with a weekday, lunar date or paper name beside it,
    on the line itself or on a line next to it (or a page label there).
    """
    kinds = {kind for kind, _ in fact_line(text) or ()}
    if "date" not in kinds or not kinds <= _BESIDE_DATE:
        return False
    if len(kinds) > 1:
        return True
    for other in neighbours:
        around = {kind for kind, _ in fact_line(other) or ()}
        if (around and around <= _BESIDE_DATE) or page_label(other) or _PAPER_RE.fullmatch(other):
            return True
    return False
