"""Importing pages from the browser: upload, look at the dry run, then confirm.

Uploaded files are staged in the store (so the confirmation may land on
another worker or instance) and parsed again on confirmation with exactly
the facts the editor saw. Nothing is guessed: a page that prints no page
number or date asks for it, and an import that would change stored
articles shows each difference and needs "this is a correction" ticked.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ... import store
from ...actions import articles as article_actions
from ...actions import import_preview as previews
from ...actions import imports as import_actions
from ...errors import InputError
from ...ingest import MissingFactError, ParsedFile
from ..db import get_config, get_conn, get_engine, get_now
from .session import actor, bp, current_user

FORMATS = {"auto": "自动识别", "epaper": "电子版文本", "json": "JSON"}
#: Files one upload may hold (a day's paper is a few dozen pages).
MAX_FILES = 50
FACT_LABELS = {"edition": "出版日期", "page": "版次"}


def _owner() -> str:
    user = current_user()
    return user.name if user else "?"


@bp.get("/import")
def imports() -> str:
    return render_template("desk/import.html", formats=FORMATS, errors={})


@bp.post("/import")
def upload() -> ResponseReturnValue:
    # A browser sends a nameless empty part when no file was chosen; a named
    # empty file is a mistake worth naming (a failed export), not skipping.
    sent = [(f.filename or "", f.read()) for f in request.files.getlist("pages")]
    sent = [(name, data) for name, data in sent if name or data]
    empty = [import_actions.upload_name(name) for name, data in sent if not data]
    if not sent or empty:
        message = (
            f"文件是空的：{'、'.join(empty)}，请检查导出的版面文件"
            if empty
            else "请选择要导入的版面文件"
        )
        page = render_template("desk/import.html", formats=FORMATS, errors={"pages": message})
        return page, 400
    files = [(name or f"upload-{i}", data) for i, (name, data) in enumerate(sent)]
    if len(files) > MAX_FILES:
        page = render_template(
            "desk/import.html",
            formats=FORMATS,
            errors={"pages": f"一次最多导入 {MAX_FILES} 个文件"},
        )
        return page, 400
    batch = secrets.token_urlsafe(16)
    with store.transaction(get_engine()) as conn:
        store.stage_files(conn, batch, _owner(), files, get_now())
    fmt = request.form.get("format", "auto")
    return redirect(
        url_for("desk.import_preview", batch=batch, format=fmt if fmt in FORMATS else "auto")
    )


def _facts(count: int) -> list[dict[str, Any]]:
    """What the editor stated for each file: its page number and edition date."""
    out = []
    for i in range(count):
        values = request.values
        raw_page = values.get(f"page-{i}", "").strip()
        raw_day = values.get(f"edition-{i}", "").strip() or values.get("edition", "").strip()
        fact: dict[str, Any] = {
            "page": None,
            "edition": None,
            "raw_page": raw_page,
            "raw_edition": raw_day,
            "errors": {},
        }
        if raw_page:
            if raw_page.isdigit() and 0 < int(raw_page) < 1000:
                fact["page"] = int(raw_page)
            else:
                fact["errors"]["page"] = "版次应为 1–999 的整数"
        if raw_day:
            try:
                fact["edition"] = date.fromisoformat(raw_day)
            except ValueError:
                fact["errors"]["edition"] = "日期格式应为 YYYY-MM-DD"
        out.append(fact)
    return out


def _parse(batch: str) -> tuple[list[dict[str, Any]], str | None, list[ParsedFile] | None]:
    """Parse the staged files with the facts stated for each.

    :return: each file's facts (with what it still lacks), a problem that
        stops the whole import, and the parsed files when nothing is amiss.
    """
    files = store.get_staged(get_conn(), batch, _owner())
    if not files:
        abort(404)
    facts = _facts(len(files))
    fmt = request.values.get("format", "auto")
    base = article_actions.import_options(get_config())
    by_file = {}
    for (name, _data), fact in zip(files, facts, strict=True):
        fact["name"] = import_actions.upload_name(name)
        if fact["page"] or fact["edition"]:
            by_file[fact["name"]] = replace(base, page=fact["page"], edition=fact["edition"])
    if any(fact["errors"] for fact in facts):
        return facts, None, None
    try:
        parsed = import_actions.parse_uploads(
            files,
            base,
            fmt if fmt in FORMATS else "auto",  # type: ignore[arg-type]
            options_by_file=by_file,
        )
    except MissingFactError as exc:
        for fact in facts:
            fact["missing"] = list(exc.files.get(fact["name"], ()))
        return facts, None, None
    except InputError as exc:
        return facts, str(exc), None
    return facts, None, parsed


def _preview_page(
    batch: str,
    facts: list[dict[str, Any]],
    problem: str | None,
    parsed: list[ParsedFile] | None,
    **errors: str,
) -> str:
    return render_template(
        "desk/import_preview.html",
        batch=batch,
        facts=facts,
        problem=problem,
        preview=previews.preview_import(get_engine(), parsed) if parsed else None,
        format=request.values.get("format", "auto"),
        fact_labels=FACT_LABELS,
        errors=errors,
    )


@bp.get("/import/<batch>")
def import_preview(batch: str) -> tuple[str, int]:
    facts, problem, parsed = _parse(batch)
    return _preview_page(batch, facts, problem, parsed), 200 if parsed else 400


@bp.post("/import/<batch>")
def import_confirm(batch: str) -> ResponseReturnValue:
    facts, problem, parsed = _parse(batch)
    if not parsed:
        return _preview_page(batch, facts, problem, parsed), 400
    correction = request.form.get("correction") == "yes"
    try:
        reports = import_actions.save_import(
            get_engine(), parsed, now=get_now(), actor=actor(), correction=correction
        )
    except import_actions.CorrectionRequired:
        message = "此次导入会修改已有稿件：请核对差异，并勾选“这是更正”后再确认"
        return _preview_page(batch, facts, problem, parsed, correction=message), 409
    with store.transaction(get_engine()) as conn:
        store.drop_staged(conn, batch)
    added = sum(len(r.added) for _s, r in reports)
    changed = sum(len(r.changed) for _s, r in reports)
    unchanged = sum(len(r.unchanged) for _s, r in reports)
    flash(f"已导入：新稿 {added} 篇，更正 {changed} 篇，未变 {unchanged} 篇", "ok")
    days = [a.edition for p in parsed for a in p.articles]
    if not days:
        return redirect(url_for("desk.index"))
    return redirect(url_for("desk.edition", day=min(days).isoformat()))
