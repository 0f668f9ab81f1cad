"""The whole audit trail on the desk, newest first, a page at a time."""

from __future__ import annotations

from flask import render_template, request

from ...actions import audit as audit_actions
from ..db import get_engine
from .session import bp

PER_PAGE = 50


@bp.get("/audit")
def audit() -> str:
    before = request.args.get("before", type=int)
    entries = audit_actions.list_audit(get_engine(), limit=PER_PAGE + 1, before_id=before)
    older = entries[PER_PAGE - 1].id if len(entries) > PER_PAGE else None
    return render_template("desk/audit.html", entries=entries[:PER_PAGE], older=older)
