"""Bylines, datelines and end signatures in Chinese newspaper text.

A byline is printed in many places and shapes: opening the lead
("本报讯 记者程雪 通讯员戴大喜报道 昨日…", "新华社杭州5月3日电（记者 张三）"),
on its own line ("本报记者  王  敏", "□ 记者 李强"), as a signature at
the end ("…。（记者 王敏 通讯员 李强）") and as a photo credit
("…精神。毛朝阳 姚磊 姜璐摄", in :mod:`.credits`). This module finds each
shape and turns the
names in it into :class:`~syndicator.model.Author` values. It is shared by
the e-paper importer, the JSON importer and the WeChat renderer, so it has
no IO and knows nothing about pages.

Everything here works on short strings (a byline is rarely longer than 60
characters), and every regex is applied to a bounded slice, so a hostile
line cannot make matching slow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Author

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

#: Decorative marks that print before a byline ("□ 记者 X"); they carry no words.
DECOR = "□■◆◇●○◎▲△▼▽★☆※◤◥►▶"

#: Longest byline (or credit, or signature) we look at, in characters.
MAX_BYLINE = 80

_SEPS = "\\s、，,；;"
_AGENCY = (
    rf"(?:本报|新华社|中新社|人民网|新华网|央视网|央广网|[{HAN}]{{2,8}}?"
    r"(?:日报|晚报|时报|商报|都市报|青年报|新闻网|新闻社|通讯社))"
)
_ROLE_CORE = (
    "特约记者|特约通讯员|特约撰稿人|首席记者|见习记者|实习记者|摄影记者|全媒体记者|融媒体记者"
    "|记者|通讯员|实习生|撰稿人|责任编辑|编辑"
)
_ROLE = rf"(?:{_AGENCY})?(?:{_ROLE_CORE})\s*[:：]?|(?:文图|图文|文|图|摄影|摄)\s*[/／:：]"
#: Words printed after the names: "…报道", "…摄", "文/摄".
_SUFFIX = (
    r"摄影报道|图文报道|报道|摄影|摄|供图|整理|采写|文\s*[/／]\s*摄|文\s*[/／]\s*图"
    r"|[/／]\s*(?:文图|文|摄|图)"
)

_ROLE_RE = re.compile(_ROLE)
_TOKEN_RE = re.compile(
    rf"(?P<sep>[{_SEPS}]+)"
    rf"|(?P<role>{_ROLE})"
    rf"|(?P<suffix>{_SUFFIX})(?=[{_SEPS}]|$)"
    rf"|(?P<name>[{HAN}][{HAN}·•]*?)(?=[{_SEPS}]|{_ROLE}|(?:{_SUFFIX})(?:[{_SEPS}]|$)|$)"
    r"|(?P<other>.)"
)

#: Words that fit the shape of a name but open a sentence ("本报讯 近日…报道").
_NOT_NAMES = frozenset(
    [
        "近日",
        "日前",
        "昨日",
        "今日",
        "今天",
        "昨天",
        "前天",
        "近期",
        "目前",
        "当天",
        "此前",
        "记者",
        "据悉",
        "据了解",
        "日报",
        "新华社",
        "本报",
        "全省",
        "全市",
        "全国",
        "我省",
        "我市",
        "各地",
        "会上",
        "会议",
        "活动",
        "当地",
        "该市",
        "该县",
        "连日来",
        "近年来",
        "今年",
        "去年",
        "昨晚",
        "今晨",
        "当晚",
        "当日",
        "上午",
        "下午",
        "晚上",
        "凌晨",
    ]
)

_SLASH_ROLES = {"文": "文", "图": "摄", "摄": "摄", "摄影": "摄", "文图": "文图", "图文": "文图"}


@dataclass(frozen=True, slots=True)
class People:
    """The names in a byline with the role printed before each.

    ``has_role`` tells a real byline ("记者 王敏") from two words that merely
    look like names; ``photo`` is true when the names end in 摄 / 摄影.
    """

    people: tuple[tuple[str | None, str], ...]
    has_role: bool
    photo: bool
    reported: bool  # ended in 报道

    def authors(self, role: str | None = None) -> tuple[Author, ...]:
        """Authors in printed order; ``role`` overrides every printed role."""
        seen: dict[str, Author] = {}
        for printed, name in self.people:
            seen.setdefault(name, Author(name=name, role=role or printed))
        return tuple(seen.values())


def _normalize_role(printed: str) -> str:
    """The role without the masthead: "本报记者" and "新华社记者" are 记者."""
    word = printed.strip().rstrip(":：/／").strip()
    if word in _SLASH_ROLES:
        return _SLASH_ROLES[word]
    core = re.search(rf"(?:{_ROLE_CORE})$", word)
    return core.group(0) if core else word


def scan_people(text: str) -> People | None:
    """Read ``text`` as a run of roles and names, or return ``None``.

    Two-character names are often padded to the width of three
    ("王  敏"): single characters are paired back into one name, so a
    padded name is never split. Anything that is not a role, a name, a
    separator or a trailing 报道/摄 makes the whole text "not a byline".
    """
    text = text.strip()
    if not text or len(text) > MAX_BYLINE:
        return None
    role: str | None = None
    people: list[tuple[str | None, str]] = []
    single: str | None = None
    has_role = photo = reported = False
    for match in _TOKEN_RE.finditer(text):
        kind = match.lastgroup
        value = match.group(0)
        if kind == "sep":
            continue
        if kind == "other":
            return None
        if kind == "name" and len(value) == 1:
            if single is None:
                single = value
                continue
            value, single = single + value, None
        elif single is not None:
            return None  # a lone character is not a name
        if kind == "role":
            role = _normalize_role(value)
            has_role = True
        elif kind == "suffix":
            photo = photo or "摄" in value
            reported = reported or value.endswith("报道")
        else:
            if value in _NOT_NAMES or (len(value) > 4 and "·" not in value and "•" not in value):
                return None
            people.append((role, value))
    if single is not None or not people:
        return None
    return People(tuple(people), has_role, photo, reported)


def parse_byline(text: str) -> tuple[Author, ...]:
    """The authors named in a printed byline, with their roles.

    Accepts every printed shape: "本报讯 记者程雪 通讯员戴大喜报道",
    "本报记者  王  敏", "（记者 王敏）", "新华社杭州5月3日电（记者 张三、李四）",
    "毛朝阳 姚磊 姜璐摄" (photographers get the role 摄). Returns ``()``
    when no names can be read; it never raises.

    >>> parse_byline("本报讯 杜志华报道")
    (Author(name='杜志华', role=None),)
    """
    text = text.strip().lstrip(DECOR).strip()
    lead = match_lead(text + " ")
    if lead is not None:
        return lead.authors
    inner = _unbracket(text)
    people = scan_people(inner)
    if people is None:
        return ()
    return people.authors("摄" if people.photo else None)


def _unbracket(text: str) -> str:
    if text[:1] in "（(【[" and text[-1:] in "）)】]":
        return text[1:-1].strip()
    return text


# -- lead bylines ------------------------------------------------------------

_DIGIT = "0-9０-９"
_DATELINE_RE = re.compile(
    rf"(?:据)?{_AGENCY}(?:[{HAN}]{{1,8}}?)?"
    rf"(?:[{_DIGIT}]{{1,2}}月[{_DIGIT}]{{1,2}}日)?(?:讯|电|消息)"
)
_BRACKET_RE = re.compile(r"\s*[（(]([^（）()]{1,60})[）)]")
_REPORTED_RE = re.compile(r"\s*([^。，,！？!?：:（）()]{1,40}?)报道")
_ROLE_LEAD_RE = re.compile(rf"(?:{_ROLE})")
_SPACE_RE = re.compile(r"\s+")
_CLAUSE_RE = re.compile(r"[，,；;。！？!?：:]")


@dataclass(frozen=True, slots=True)
class Lead:
    """A byline opening a paragraph, and the text after it."""

    byline: str
    rest: str
    authors: tuple[Author, ...]

    @property
    def named(self) -> bool:
        """True when the byline names someone (not a bare "本报讯")."""
        return bool(self.authors)


def match_lead(text: str) -> Lead | None:
    """Find a byline or dateline at the start of a paragraph.

    Recognises "本报讯 记者程雪报道 …", "本报讯（记者 X）…",
    "本报杭州8月29日讯 …", "新华社杭州5月3日电（记者 X）…" and
    "记者 王敏 通讯员 李强 报道 …". Returns ``None`` when the paragraph
    does not open with one.
    """
    head = text[: MAX_BYLINE * 2]
    m = _DATELINE_RE.match(head)
    if m is not None:
        end = m.end()
        people = None
        b = _BRACKET_RE.match(head, end)
        if b is not None:
            people = scan_people(b.group(1))
            if people is not None:
                end = b.end()
        if people is None:
            r = _REPORTED_RE.match(head, end)
            if r is not None:
                people = scan_people(r.group(1))
                if people is not None and (people.has_role or _plain_names(people)):
                    end = r.end()
                else:
                    people = None
        if people is None:
            end, people = _spaced_names(head, end)
        return _lead(text, end, people)
    if _ROLE_LEAD_RE.match(head):
        r = _REPORTED_RE.match(head)
        if r is not None:
            people = scan_people(r.group(1))
            if people is not None and people.has_role:
                return _lead(text, r.end(), people)
    return None


def _plain_names(people: People) -> bool:
    """Role-less names before 报道 ("杜志华报道") must look like personal names."""
    return all(2 <= len(name) <= 3 for _, name in people.people)


def _spaced_names(head: str, start: int) -> tuple[int, People | None]:
    """Names set off by spaces, starting with a role ("本报讯 记者 王  敏 近日…")."""
    rest = head[start:]
    stripped = rest.lstrip()
    if not _ROLE_LEAD_RE.match(stripped):
        return start, None
    offset = start + len(rest) - len(stripped)
    best: tuple[int, People | None] = (start, None)
    for space in _SPACE_RE.finditer(stripped):
        if _CLAUSE_RE.search(stripped, 0, space.start()):
            break  # a comma or full stop: the sentence has begun
        people = scan_people(stripped[: space.start()])
        if people is not None and people.has_role:
            best = (offset + space.start(), people)
    return best


def _lead(text: str, end: int, people: People | None) -> Lead:
    byline = text[:end].strip()
    rest = text[end:].lstrip(" \t\u3000：:")
    authors = people.authors() if people is not None else ()
    return Lead(byline=byline, rest=rest, authors=authors)


# -- bylines on their own line ----------------------------------------------

_COMMENTATOR_RE = re.compile(
    rf"(?:本报|{_AGENCY})?(?:特约)?评论员|本报评论部|本报编辑部|[{HAN}]{{2,8}}评论员"
)


def match_byline_line(text: str) -> tuple[str, tuple[Author, ...]] | None:
    """A whole line that is a byline: "本报记者  王  敏", "□ 记者 李强", "本报评论员".

    Returns the byline as printed (without a decorative bullet) and its
    authors. A line of bare names with no role ("王敏 李强") is not taken:
    it could as well be a two-word headline.
    """
    if len(text) > MAX_BYLINE:
        return None
    core = text.strip().lstrip(DECOR).strip()
    if _COMMENTATOR_RE.fullmatch(core):
        return core, ()
    people = scan_people(core)
    if people is None or not (people.has_role or people.reported):
        return None
    return core, people.authors("摄" if people.photo and not people.has_role else None)


# -- end signatures ----------------------------------------------------------

_SIGNATURE_RE = re.compile(r"[（(]([^（）()]{1,40})[）)]$")
_SOURCE_RE = re.compile(rf"(?:据|综合|来源[:：]?)\s*[{HAN}、]{{2,20}}|新华社|中新社")
_TERMINAL_BEFORE = "。！？!?…”"


def split_signature(text: str) -> tuple[str, str, tuple[Author, ...]] | None:
    """Split "…。（记者 王敏 通讯员 李强）" into text, signature and authors.

    A bracket at the end is a signature when it holds a role and names,
    a source note ("据新华社"), or — right after a full stop — a bare name
    ("…。（王敏）"). Column labels such as "（社论）" are not signatures.
    """
    tail = text[-48:]
    m = _SIGNATURE_RE.search(tail)
    if m is None:
        return None
    inner = m.group(1).strip()
    before = text[: len(text) - len(tail) + m.start()].rstrip()
    if inner.endswith(("摄", "摄影")):
        return None  # a photo credit, not a signature
    if _SOURCE_RE.fullmatch(inner):
        return before, m.group(0), ()
    people = scan_people(inner)
    if people is None:
        return None
    if not people.has_role:
        if len(people.people) > 1 or inner in COLUMN_LABELS:
            return None
        if before and before[-1] not in _TERMINAL_BEFORE:
            return None
    return before, m.group(0), people.authors()


#: Column labels printed in brackets or alone near a headline.
COLUMN_LABELS = frozenset(
    [
        "社论",
        "评论员文章",
        "本报评论员文章",
        "短评",
        "时评",
        "快评",
        "述评",
        "社评",
        "评论",
        "图片新闻",
        "特稿",
        "专访",
        "编者按",
        "相关新闻",
        "相关报道",
        "新闻速递",
        "简讯",
        "读者来信",
        "来信",
        "图片报道",
    ]
)
