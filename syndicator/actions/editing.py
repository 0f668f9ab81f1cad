"""Correcting an article by hand: the desk's edit form, saved as a correction.

An edit is saved like any correction (same id and GUID, a new
``updated_at``, the feeds and WeChat files follow on the next pass), but
the new text goes through the JSON importer first, so a desk edit is
cleaned and checked exactly as a CMS post to the API is. Nothing is saved
when any field is wrong.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine

from .. import store
from ..config import Config
from ..errors import NotFoundError
from ..model import Article
from ..model.changes import article_changes
from .articles import parse_posted

#: Fields an edit may change; the rest (id, edition, page, order, status) stay.
EDITABLE = (
    "kicker",
    "title",
    "subtitle",
    "byline",
    "authors",
    "summary",
    "section",
    "tags",
    "body",
    "published_at",
    "cover",
)


def edited(article: Article, changes: Mapping[str, Any], config: Config) -> Article:
    """``article`` with ``changes`` (in the JSON import format) applied and checked.

    :raises InputError: naming the field (``title``, ``body[2].caption``) of
        the first problem.
    """
    data = article.to_dict()
    for key in EDITABLE:
        if key in changes:
            data[key] = changes[key]
    # The saved correction gets a fresh ``updated_at`` (:func:`correct_article`);
    # the old one would fail the check against a publish time moved later.
    data["updated_at"] = None
    data = {k: v for k, v in data.items() if v is not None or k in ("kicker", "subtitle")}
    text = json.dumps(data, ensure_ascii=False)
    [new] = parse_posted(text, config, source="<desk>").articles
    return new


def correct_article(
    engine: Engine,
    article_id: str,
    new: Article,
    *,
    actor: str,
    now: datetime,
    action: str = "edit",
    note: str | None = None,
) -> bool:
    """Save an edited article as a correction; False when nothing changed.

    :raises NotFoundError: when the article is gone.
    """
    with store.transaction(engine) as conn:
        old = store.get_article(conn, article_id)
        if old is None:
            raise NotFoundError(f"no article with id {article_id!r}")
        new = new.replace(id=old.id, status=old.status, updated_at=max(now, new.published_at))
        report = store.save_articles(conn, [new], now=now)
        if not report.changed:
            return False
        before, after = article_changes(old, new)
        store.record_audit(
            conn,
            at=now,
            actor=actor,
            action=action,
            article_id=article_id,
            note=note,
            before=before,
            after=after,
        )
    return True
