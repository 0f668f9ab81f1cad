"""Lines of page text and what each one looks like.

E-paper text comes out of PDF extractors and web pages one text block per
line. Before anything can be grouped into articles, each line is measured
once: does it end a sentence, could it be a headline, is it a byline, a
photo credit, a column label? Those answers are pure functions of the line,
computed here, so the grouping code in :mod:`.grouping` only reads flags.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..errors import InputError
from ..model import Author
from . import bylines, credits
from .bylines import HAN

#: A real page holds 5,000–30,000 characters; far more is not one page.
MAX_PAGE_CHARS = 500_000
#: The longest paragraph of a real page is a few hundred characters.
MAX_LINE_CHARS = 10_000
#: A broadsheet page hard-wrapped at 20 characters is about 1,500 lines.
MAX_LINES = 5_000

SENTENCE_END = frozenset("。！？!?…；;")
CLOSING_QUOTES = frozenset("”’」』\"'")
_OPENERS = {"）": "（", ")": "(", "】": "【", "》": "《", "〉": "〈", "]": "["}

_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_INDENT_RE = re.compile(r"^(?:\u3000|[ \t\u00a0]{2,})")
_JUMP_RE = re.compile(
    r"[（(]\s*(?:上接|下转|接|转|续)第?\s*[A-Za-z0-9０-９一二三四五六七八九十]{1,4}\s*版\s*[）)]|[（(]\s*(?:完|续完|待续)\s*[）)]"
)
_CAPTION_START_RE = re.compile(r"(?:图为|上图|下图|左图|右图|图[①-⑩0-9一二三四五六]|[▲△↑↓←→])")
_NUMBERED_RE = re.compile(
    r"(?:[一二三四五六七八九十]{1,3}[、是]|[（(][一二三四五六七八九十0-9]{1,3}[)）]"
    r"|[0-9]{1,2}[.、．]|第[一二三四五六七八九十]{1,3}[，,、]?|[◆●◎■□★☆▲◇○·•]|【)"
)
_COUPLET_RE = re.compile(rf"[{HAN}“”‘’\"]{{2,9}}[\s\u3000]+[{HAN}“”‘’\"]{{2,9}}")
_SIDEBAR_RE = re.compile(
    rf"[{bylines.DECOR}]?\s*[【\[（(]?(?:记者手记|采访手记|记者观察|编辑手记|新闻链接|相关链接|背景链接|知识链接|链接"
    r"|延伸阅读|小贴士|背景|编后|记者札记)[】\]）)]?"
)
_LABEL_WORDS = "|".join(sorted(bylines.COLUMN_LABELS, key=len, reverse=True))
_LABEL_RE = re.compile(
    rf"[{bylines.DECOR}]?\s*[【\[（(]?({_LABEL_WORDS})[】\]）)]?"
    # Any short name in black lenticular brackets is a column: "【工会之声】".
    rf"|[{bylines.DECOR}]?\s*【([{HAN}·]{{2,8}})】"
)
_PUNCT_INSIDE_RE = re.compile(r"[，,、；;：:]")
#: What a label-value line names: "报名地址：…", "咨询电话：…", "联系人：…".
_FIELD_WORDS = (
    "地址|社址|地点|电话|热线|手机|传真|邮箱|信箱|邮编|网址|网站|微信号?|公众号|QQ群?"
    "|联系人|联系方式|报名方式|时间|日期|截止|费用|名额|对象"
)
_FIELD_RE = re.compile(
    rf"[{HAN}A-Za-z]{{0,6}}(?:{_FIELD_WORDS})\s*[:：]\s*[^。！？!?\s](?:[^。！？!?]*"
    # A value ending in a comma is a sentence cut by a column, not a datum.
    r"[^。！？!?，,、；;：:（(])?[。！？!?]?"
)
_FIELD_MAX = 60
#: The time words a news lead opens with: "昨日，", "8月29日上午，", "近日，".
_LEAD_OPEN_RE = re.compile(
    r"(?:昨日|昨天|前日|前天|近日|日前|近期|连日来|今天|今日|本周|上周"
    r"|(?:(?:19|20)[0-9]{2}年)?(?:[0-9０-９]{1,2}月)?[0-9０-９]{1,2}日)"
    r"(?:上午|下午|中午|晚上?|晚间|凌晨|早上|清晨|傍晚)?[，,]"
)

#: Longest line that can be a headline (subtitles starting with —— may be longer).
TITLE_MAX = 40
SUBTITLE_MAX = 56


@dataclass(frozen=True, slots=True)
class Line:
    """One non-blank input line.

    :param no: 1-based line number in the input, for warnings.
    :param text: the line without surrounding whitespace.
    :param gap: blank lines right before it (a wide gap marks a picture).
    :param indent: the line began with an indent (two spaces or 　).
    """

    no: int
    text: str
    gap: int = 0
    indent: bool = False


def split_lines(text: str, source: str) -> list[Line]:
    """Cut page text into numbered non-blank lines, refusing what is not a page.

    The size checks come first and look only at lengths, so a 50 MB blob
    or a file of one enormous line is refused before any regex runs, and
    the cost of everything after is bounded by the size of a real page.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    _check_line_lengths(text, source)
    if len(text) > MAX_PAGE_CHARS:
        raise InputError(
            f"text is {len(text):,} characters; one page has at most {MAX_PAGE_CHARS:,} "
            "(split the file into pages)",
            file=source,
        )
    out: list[Line] = []
    gap = 0
    for no, raw in enumerate(text.split("\n"), 1):
        cleaned = _INVISIBLE_RE.sub("", raw)
        stripped = cleaned.strip()
        if not stripped:
            gap += 1
            continue
        if len(out) == MAX_LINES:
            raise InputError(
                f"more than {MAX_LINES:,} lines of text; one page has far fewer "
                "(split the file into pages)",
                file=source,
                line=no,
            )
        out.append(Line(no, stripped, gap, bool(_INDENT_RE.match(cleaned))))
        gap = 0
    return out


def _check_line_lengths(text: str, source: str) -> None:
    """Refuse the first line longer than any paragraph (one pass, no list)."""
    start, no = 0, 1
    while True:
        end = text.find("\n", start)
        length = (len(text) if end < 0 else end) - start
        if length > MAX_LINE_CHARS:
            raise InputError(
                f"line is {length:,} characters long; page text has paragraphs of at most "
                f"{MAX_LINE_CHARS:,} (was it extracted without line breaks?)",
                file=source,
                line=no,
            )
        if end < 0:
            return
        start, no = end + 1, no + 1


def usual_gap(lines: list[Line]) -> int:
    """The page's ordinary number of blank lines between two text blocks."""
    counts = Counter(line.gap for line in lines[1:])
    if not counts:
        return 0
    return min(counts.most_common(), key=lambda kv: (-kv[1], kv[0]))[0]


def display_width(text: str) -> int:
    """Width in half-width cells: a Chinese character counts two, ASCII one.

    That is exactly the length of the text in GBK, which the codec
    computes far faster than a loop over characters; the rare character
    outside GBK counts one.
    """
    return len(text.encode("gbk", "replace"))


def wrap_width(lines: list[Line]) -> int | None:
    """The column width of text hard-wrapped by a PDF extractor, if it was.

    Such text has many lines of the same display width (the column) that
    do not end a sentence. A line that fills the column continues on the
    next line even when it looks like a short headline by itself.
    """
    measured = [(display_width(line.text), line.text) for line in lines]
    measured = [(w, text) for w, text in measured if w >= 20]
    counts = Counter(w for w, text in measured if not ends_paragraph(text))
    if not counts:
        return None
    best = max(counts, key=lambda w: (counts[w] + counts[w - 1] + counts[w + 1], w))
    near = counts[best] + counts[best - 1] + counts[best + 1]
    # Most lines of the page fill the column: the paragraphs' last lines are the rest.
    if best < 24 or near < 8 or near * 2 < len(measured):
        return None
    return best


def join_text(left: str, right: str) -> str:
    """Join two pieces of one paragraph that a column break separated.

    Chinese needs no space; only two Latin letters meeting across the break
    ("COVID" / "vaccine") get one.
    """
    if not left:
        return right
    if not right:
        return left
    if left[-1].isascii() and left[-1].isalpha() and right[0].isascii() and right[0].isalpha():
        return f"{left} {right}"
    return left + right


def ends_paragraph(text: str) -> bool:
    """Does ``text`` end a paragraph, or does it continue after a column break?

    It ends on 。！？…； (ASCII too), a closing quote, a photo credit, a
    signature or jump line in brackets. A bracket closing an aside in mid
    sentence ("…（“浙苗链”）") and a comma do not end it.
    """
    if not text:
        return True
    last = text[-1]
    if last in SENTENCE_END:
        return True
    if last == "." and len(text) > 1 and not text[-2].isdigit():
        return True
    if last in CLOSING_QUOTES:
        return True
    if last in _OPENERS:
        opener = text.rfind(_OPENERS[last])
        if opener <= 0:
            return True
        before = text[opener - 1]
        if before in SENTENCE_END or before in CLOSING_QUOTES:
            return True
        group = text[opener:]
        return bool(
            _JUMP_RE.fullmatch(group) or bylines.split_signature(text) or credits.split_credit(text)
        )
    return last in "摄影图" and credits.split_credit(text) is not None


def is_titlish(text: str) -> bool:
    """Could this line be (part of) a headline, by its shape alone?

    Headlines are short, hold no full stop and do not end like prose
    (a comma, a colon); they may end in ” ？ or ！. Whether a headline-like
    line really starts an article depends on what follows it.
    """
    limit = SUBTITLE_MAX if text.startswith(("—", "－")) else TITLE_MAX
    if not 2 <= len(text) <= limit:
        return False
    if text[-1] in "。，,；;、" or "。" in text:
        return False
    if text[-1] in "：:" and len(text) > 16:
        return False  # a kicker may end in a colon ("老旧小区改造："); prose may too
    if text.count("，") + text.count(",") > 2:
        return False
    return not (text.isascii() and not any(ch.isalpha() for ch in text))


def is_field(text: str) -> bool:
    """A label-value line ("报名地址：杭州市学院路107号", "咨询电话：0571-…").

    Addresses, phone numbers and times are set on a line of their own in
    print, one per line: such a line never continues into the next one,
    whatever punctuation it ends with. It is not headline-like by itself;
    :func:`.grouping.measure` makes it one again over a lead or byline.
    """
    return len(text) <= _FIELD_MAX and bool(_FIELD_RE.fullmatch(text))


def opens_like_lead(text: str) -> bool:
    """Does a paragraph open the way a news lead or photo caption does ("昨日，…")?

    A story's first sentence starts with when it happened; text cut by a
    column break does not start with a time word and a comma.
    """
    return bool(_LEAD_OPEN_RE.match(text))


#: A line cut by a column break often ends on a function word.
FRAGMENT_ENDS = frozenset(
    "的了着过在与和及或为把将向对让被给从以于之并而至由获得是有个名位项家次使对"
)


def reads_complete(text: str) -> bool:
    """Could this short line stand as it is (a subhead, a headline), not cut mid-phrase?

    A column break leaves a line ending on a function word ("…,获得"), in
    a number or date ("今年3" / "月1日"), or inside a Latin word.
    """
    last = text[-1]
    if last in "年月" and len(text) > 1 and text[-2].isdigit():
        return False
    return last not in FRAGMENT_ENDS and not last.isascii() and not last.isdigit()


def is_couplet(text: str) -> bool:
    """Two short phrases set off by a space ("无时不在 无事不扰"): a kicker or subhead."""
    return bool(_COUPLET_RE.fullmatch(text))


def is_numbered(text: str) -> bool:
    """A numbered or bulleted line ("一、…", "（二）…", "1.…", "■ …"): never a headline."""
    return bool(_NUMBERED_RE.match(text))


def has_inner_punct(text: str) -> bool:
    return bool(_PUNCT_INSIDE_RE.search(text))


def column_label(text: str) -> str | None:
    """The column label printed by a headline: "（社论）" → "社论".

    Known labels (:data:`~.bylines.COLUMN_LABELS`) are labels anywhere; any
    other name in 【】 is a column only right above a headline, and a
    subhead inside an article (see :func:`is_known_label`).
    """
    m = _LABEL_RE.fullmatch(text)
    return (m.group(1) or m.group(2)) if m else None


def is_known_label(label: str | None) -> bool:
    return label is not None and label in bylines.COLUMN_LABELS


def is_sidebar(text: str) -> bool:
    """A box inside an article ("记者手记", "相关链接"), never a new article."""
    return bool(_SIDEBAR_RE.fullmatch(text))


def is_jump(text: str) -> bool:
    """A jump line ("（下转第2版）", "（完）"), part of the article it ends."""
    return bool(_JUMP_RE.fullmatch(text))


def is_jump_in(text: str) -> bool:
    """A jump line that opens text continued from another page ("（上接第1版）")."""
    return is_jump(text) and ("上接" in text or text.lstrip("（( ").startswith("接"))


def is_caption_start(text: str) -> bool:
    """A line that opens like a photo caption ("图为…", "▲…")."""
    return bool(_CAPTION_START_RE.match(text))


def is_quoted(text: str) -> bool:
    """A line that is one quotation from end to end ("“劳动最光荣”")."""
    return (
        len(text) >= 4
        and text[0] in '“「『"'
        and text[-1] in '”」』"'
        and text.count("“") <= 1
        and text.count("”") <= 1
    )


@dataclass(frozen=True, slots=True)
class Shape:
    """Everything the grouping code asks about one line."""

    lead: bylines.Lead | None
    byline: tuple[str, tuple[Author, ...]] | None
    credit: bool  # ends with a photo credit
    credit_only: bool  # is nothing but a photo credit
    signature: bool
    label: str | None
    sidebar: bool
    summary: bool  # a "■ …" summary paragraph
    caption: bool  # starts like a caption (图为, ▲)
    field: bool  # a label-value line ("咨询电话：…")
    jump: bool
    titlish: bool
    terminal: bool


def shape_of(text: str) -> Shape:
    """Measure one line (see :class:`Shape`)."""
    sidebar = is_sidebar(text)
    lead = None if sidebar else bylines.match_lead(text)
    byline = None if lead or sidebar else bylines.match_byline_line(text)
    credit_split = credits.split_credit(text)
    credit = credit_split is not None
    credit_only = credit_split is not None and not credit_split[0]
    if credit_only:
        byline = None
    signature = bylines.split_signature(text) is not None
    label = column_label(text)
    jump = is_jump(text)
    summary = text[0] in "■●◆" and byline is None and len(text) > 8
    caption = is_caption_start(text)
    field = not (lead or byline or credit) and is_field(text)
    special = lead or byline or credit or label or sidebar or jump or caption or summary or field
    titlish = not special and not (signature and text[0] in "（(") and is_titlish(text)
    terminal = bool(
        byline or credit or label or sidebar or jump or (signature and text[0] in "（(")
    ) or ends_paragraph(text)
    return Shape(
        lead=lead,
        byline=byline,
        credit=credit,
        credit_only=credit_only,
        signature=signature,
        label=label,
        sidebar=sidebar,
        summary=summary,
        caption=caption,
        field=field,
        jump=jump,
        titlish=titlish,
        terminal=terminal,
    )
