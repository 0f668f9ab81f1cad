"""Pathological page texts, shared by the tests (no crash) and the import
benchmark (how long they take)."""

from __future__ import annotations

from syndicator.ingest.layout import MAX_LINE_CHARS, MAX_LINES, MAX_PAGE_CHARS

HOSTILE_LINES = {
    "no punctuation": "职工" * (MAX_LINE_CHARS // 2 - 1),
    "names and spaces": "记者 王 " * (MAX_LINE_CHARS // 5 - 1),
    "open brackets": "（" * (MAX_LINE_CHARS - 1),
    "credit tail": "王敏 " * (MAX_LINE_CHARS // 3 - 2) + "摄",
    "fact words": "邮编 " * (MAX_LINE_CHARS // 3 - 1),
    "emails": "a@b." * (MAX_LINE_CHARS // 4 - 1),
    "short titles": "短标题",
}


def hostile_page(kind: str) -> str:
    """As many copies of one hostile line as the importer's limits allow."""
    line = HOSTILE_LINES[kind]
    repeat = max(1, min(MAX_LINES - 1, (MAX_PAGE_CHARS - 1000) // (len(line) + 1)))
    return "\n".join([line] * repeat)


def many_articles(count: int) -> str:
    """A page of ``2 * count`` short articles, for checking linear growth."""
    article = (
        "标题{n}\n\n本报讯 记者王敏报道 正文第{n}段。\n\n另一标题{n}\n\n正文。（记者 李强）\n\n"
    )
    return "2021年8月30日\n\n" + "".join(article.format(n=n) for n in range(count))
