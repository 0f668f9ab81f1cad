"""The edit form: an article's fields and body blocks, saved as a correction.

The form is plain HTML: each body block is a fieldset (kind, text, or
picture, caption and credit, or table rows), with an order number and a
remove box; "add a paragraph" and friends re-show the form with an empty
block and save nothing. On save the form becomes the JSON import format
and goes through :func:`actions.editing.edited`, so every check of the
importer applies; errors come back beside their field, in Chinese, and
nothing is saved.

A paragraph or table whose text is unchanged keeps what the form cannot
show (a paragraph's links, a table's spans); once its text is edited it
is saved as plain text.
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from ...actions import articles as article_actions
from ...actions import editing
from ...errors import InputError
from ...model import Article, Block
from ..db import get_config, get_engine, get_now
from .session import actor, bp

BLOCK_KINDS = {
    "paragraph": "段落",
    "subhead": "小标题",
    "quote": "引文",
    "image": "图片",
    "table": "表格",
}
#: The article's own fields on the form; an error about any other is shown above it.
FORM_FIELDS = frozenset(editing.EDITABLE) - {"body", "cover"}
CELL_SEPARATOR = " | "
_BLOCK_FIELD = re.compile(r"^body\[(\d+)\]")
_ARTICLE_PREFIX = re.compile(r"^articles?\[\d+\]\.?")

#: The desk's words for the importer's complaints it knows.
MESSAGES = (
    ("required field is missing", "此项必填"),
    ("required text is missing", "此项必填"),
    ("must not be empty", "不能为空"),
    ("required text is empty", "不能为空"),
    ("an image needs a src or a caption", "图片需要图片地址或图片说明"),
    ("expected an ISO 8601", "请填写有效的日期和时间"),
    ("not a date-time", "请填写有效的日期和时间"),
    ("is out of range: years", "请填写有效的日期和时间"),
    ("too long", "内容过长"),
    ("columns wide", "表格过宽：每行最多 20 列"),
    ("cells; a table may have at most", "表格单元格过多：最多 200 格"),
    ("rows; a table may have at most", "表格行数过多：最多 200 行"),
)


def _zh(exc: InputError) -> str:
    for english, chinese in MESSAGES:
        if english in exc.message:
            return chinese
    return f"此项无效（{exc.message}）"


def _table_text(block: Block) -> str:
    return "\n".join(CELL_SEPARATOR.join(c.text for c in row) for row in block.rows)


def _block_form(block: Block) -> dict[str, Any]:
    return {
        "type": block.type,
        "text": block.text,
        "src": block.src or "",
        "caption": block.caption or "",
        "credit": block.credit or "",
        "rows": _table_text(block) if block.type == "table" else "",
    }


def _minute(when: datetime, tz: tzinfo) -> str:
    """A time as the form's ``datetime-local`` field shows it: local, to the minute."""
    return when.astimezone(tz).strftime("%Y-%m-%dT%H:%M")


def _article_form(article: Article) -> dict[str, Any]:
    config = get_config()
    return {
        "kicker": article.kicker or "",
        "title": article.title,
        "subtitle": article.subtitle or "",
        "byline": article.byline or "",
        "authors": "\n".join(f"{a.role} {a.name}" if a.role else a.name for a in article.authors),
        "summary": article.summary or "",
        "section": article.section or "",
        "tags": "、".join(article.tags),
        "published_at": _minute(article.published_at, config.tz),
        "blocks": [_block_form(b) for b in article.body],
    }


def _block_count(form: MultiDict[str, str]) -> int:
    """How many blocks the form says it holds; a form that was not ours is bad input."""
    raw = (form.get("blocks", "0") or "0").strip()
    if not raw.isascii() or not raw.isdigit():
        raise InputError(f"表单的区块数不是数字：{raw[:20]!r}", field="blocks")
    return int(raw)


def _posted_blocks(form: MultiDict[str, str]) -> list[tuple[int, dict[str, Any]]]:
    """The form's blocks in their chosen order, with the index each was shown at."""
    count = _block_count(form)
    out = []
    for i in range(min(count, 2000)):
        if form.get(f"block-{i}-remove"):
            continue
        try:
            order = float(form.get(f"block-{i}-order", i + 1))
        except ValueError:
            order = i + 1
        fields = {
            key: form.get(f"block-{i}-{key}", "")
            for key in ("type", "text", "src", "caption", "credit", "rows")
        }
        out.append((order, i, fields))
    out.sort(key=lambda item: (item[0], item[1]))
    return [(i, fields) for _order, i, fields in out]


class BlockError(ValueError):
    """A block as typed that the importer would take, but not as the editor meant it."""


def _block_dict(fields: dict[str, Any], original: Block | None) -> dict[str, Any] | None:
    """One block in the import format; ``None`` for an empty new block (ignored).

    :raises BlockError: for a table whose lines differ in their number of cells.
    """
    kind = fields["type"] if fields["type"] in BLOCK_KINDS else "paragraph"
    # The form posts the fields of the kind it showed: when the kind was
    # switched (a caption read as a paragraph), its words carry over.
    fields = dict(
        fields,
        text=fields["text"] or fields["caption"],
        caption=fields["caption"] or (fields["text"] if kind == "image" else ""),
        rows=fields["rows"] or fields["text"],
    )
    if kind == "image":
        if not (fields["src"].strip() or fields["caption"].strip()):
            return None if original is None else {"type": "image", "src": None, "caption": None}
        out: dict[str, Any] = {
            "type": "image",
            "src": fields["src"].strip() or None,
            "caption": fields["caption"].strip() or None,
            "credit": fields["credit"].strip() or None,
        }
        if original is not None and original.src == out["src"] and original.length is not None:
            out["length"] = original.length
        return out
    if kind == "table":
        text = fields["rows"].replace("\r\n", "\n").strip()
        if not text:
            return None
        if original is not None and original.type == "table" and text == _table_text(original):
            kept = original.to_dict()
            kept.update(
                caption=fields["caption"].strip() or None, credit=fields["credit"].strip() or None
            )
            return kept
        lines = [line for line in text.split("\n") if line.strip()]
        rows = [[cell.strip() for cell in line.split("|")] for line in lines]
        for number, row in enumerate(rows[1:], start=2):
            if len(row) != len(rows[0]):
                # A missing or extra "|" would shift every cell after it.
                raise BlockError(
                    f"表格第 {number} 行有 {len(row)} 格，第 1 行有 {len(rows[0])} 格："
                    "每行的单元格数应相同（用 | 分隔）"
                )
        head = (
            1
            if original is not None and original.type == "table" and original.to_dict().get("head")
            else 0
        )
        return {
            "type": "table",
            "caption": fields["caption"].strip() or None,
            "credit": fields["credit"].strip() or None,
            "head": head,
            "rows": rows,
        }
    text = " ".join(fields["text"].split()) if kind == "subhead" else fields["text"].strip()
    if not text:
        return None
    out = {"type": kind, "text": text}
    if original is not None and original.type == kind and original.html and original.text == text:
        out["html"] = original.html
    return out


def _changes(
    article: Article, form: MultiDict[str, str], errors: dict[str, str]
) -> tuple[dict[str, Any], dict[int, int]]:
    """The form as changes in the import format, and where each saved block came from.

    :param errors: gets the blocks that cannot be saved as typed, by form field.
    """
    config = get_config()
    body: list[dict[str, Any]] = []
    shown_at: dict[int, int] = {}
    for index, fields in _posted_blocks(form):
        original = article.body[index] if index < len(article.body) else None
        try:
            block = _block_dict(fields, original)
        except BlockError as exc:
            errors[f"block-{index}"] = str(exc)
            continue
        if block is not None:
            shown_at[len(body)] = index
            body.append(block)
    authors: list[dict[str, str | None]] = []
    for line in form.get("authors", "").splitlines():
        parts = line.split()
        if len(parts) >= 2:
            authors.append({"role": parts[0], "name": " ".join(parts[1:])})
        elif parts:
            authors.append({"name": parts[0], "role": None})
    tags = [t for t in re.split(r"[、,，;；\s]+", form.get("tags", "")) if t]
    published = form.get("published_at", "").strip()
    when: str | None
    try:
        when = datetime.fromisoformat(published).replace(tzinfo=config.tz).isoformat()
    except ValueError:
        when = published or None
    if published == _minute(article.published_at, config.tz):
        when = article.published_at.isoformat()  # the form shows minutes: keep the seconds
    changes = {
        "kicker": form.get("kicker", "").strip() or None,
        "title": form.get("title", "").strip(),
        "subtitle": form.get("subtitle", "").strip() or None,
        "byline": form.get("byline", "").strip() or None,
        "authors": authors,
        "summary": form.get("summary", "").strip() or None,
        "section": form.get("section", "").strip() or None,
        "tags": tags,
        "published_at": when,
        "body": body,
    }
    return changes, shown_at


def _error_key(field: str | None, shown_at: dict[int, int]) -> str:
    """The form field an importer error names: ``body[3].caption`` → ``block-5``."""
    if not field:
        return "form"
    field = _ARTICLE_PREFIX.sub("", field)
    match = _BLOCK_FIELD.match(field)
    if match:
        return f"block-{shown_at.get(int(match.group(1)), int(match.group(1)))}"
    name = field.split(".")[0].split("[")[0]
    return name if name in FORM_FIELDS else "form"  # a field the form has no place for


def _render(
    article: Article, form: dict[str, Any], errors: dict[str, str], status: int = 200
) -> tuple[str, int]:
    page = render_template(
        "desk/edit.html", article=article, form=form, errors=errors, kinds=BLOCK_KINDS
    )
    return page, status


def _form_from_post(article: Article, posted: MultiDict[str, str]) -> dict[str, Any]:
    """What the editor typed, shown again as they left it (blocks in their order)."""
    form: dict[str, Any] = {
        key: posted.get(key, "") for key in _article_form(article) if key != "blocks"
    }
    form["blocks"] = [dict(fields, index=i) for i, fields in _posted_blocks(posted)]
    return form


@bp.get("/articles/<article_id>/edit")
def edit(article_id: str) -> tuple[str, int]:
    article = article_actions.get_article(get_engine(), article_id)
    form = _article_form(article)
    form["blocks"] = [dict(b, index=i) for i, b in enumerate(form["blocks"])]
    return _render(article, form, {})


@bp.post("/articles/<article_id>/edit")
def save(article_id: str) -> ResponseReturnValue:
    engine = get_engine()
    article = article_actions.get_article(engine, article_id)
    posted = request.form
    form = _form_from_post(article, posted)
    adding = posted.get("add")
    if adding in BLOCK_KINDS:
        form["blocks"].append(
            {
                "type": adding,
                "text": "",
                "src": "",
                "caption": "",
                "credit": "",
                "rows": "",
                "index": _block_count(posted),
            }
        )
        return _render(article, form, {})
    errors: dict[str, str] = {}
    changes, shown_at = _changes(article, posted, errors)
    if not changes["title"]:
        errors["title"] = "主题不能为空"
    if changes["published_at"] is None or "T" not in str(changes["published_at"]):
        errors["published_at"] = "请填写有效的日期和时间"
    if not errors:
        try:
            new = editing.edited(article, changes, get_config())
        except InputError as exc:
            errors[_error_key(exc.field, shown_at)] = _zh(exc)
    if errors:
        return _render(article, form, errors, 400)
    if editing.correct_article(engine, article_id, new, actor=actor(), now=get_now()):
        flash("已保存更正：订阅源与微信稿将在下一次发布时更新", "ok")
    else:
        flash("没有改动", "ok")
    return redirect(url_for("desk.article", article_id=article_id))
