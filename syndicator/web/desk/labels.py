"""The desk's words for what the audit trail records in English keys."""

from __future__ import annotations

from typing import Any

from ...actions.import_preview import FIELD_LABELS
from .session import bp

ACTIONS = {
    "import": "导入",
    "correct": "更正",
    "edit": "编辑",
    "withdraw": "撤回",
    "restore": "恢复发布",
    "embargo": "修改发布时间",
    "photo": "添加图片",
    "cover": "设置封面",
    "push": "推送草稿",
    "login": "登录",
    "login-failed": "登录失败",
    "user-add": "添加用户",
    "user-disable": "停用用户",
    "user-enable": "启用用户",
    "user-passwd": "设置密码",
}

#: An article's fields as the desk names them (the import preview's words,
#: with 主题 for the title as the paper says it), and a user's.
FIELDS = {
    **FIELD_LABELS,
    "title": "主题",
    "body": "正文",
    "seq": "顺序",
    "cover": "封面",
    "role": "角色",
    "disabled": "停用",
}

#: Why the importer set a line aside (``ingest.Dropped.reason``).
DROPPED = {
    "masthead": "报头",
    "footer": "报尾",
    "page label": "版次标记",
    "page name": "版名",
    "headline without text": "只有标题，没有正文",
    "chrome": "网页栏目与按钮",
    "no headline (continued from another page?)": "没有标题（可能转自其他版）",
}


@bp.app_template_filter("dropped_label")
def dropped_label(reason: str) -> str:
    return DROPPED.get(reason, reason)


@bp.app_template_filter("action_label")
def action_label(action: str) -> str:
    return ACTIONS.get(action, action)


@bp.app_template_filter("field_label")
def field_label(key: str) -> str:
    return FIELDS.get(key, key)


@bp.app_template_filter("audit_value")
def audit_value(value: Any) -> str:
    """A before or after value as staff read it: 是/否, a list joined, nothing for none."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(audit_value(v) for v in value)
    if isinstance(value, dict):  # an author
        return " ".join(str(v) for v in (value.get("role"), value.get("name")) if v)
    return str(value)
