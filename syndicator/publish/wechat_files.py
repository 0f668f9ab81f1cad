"""The publish pass's WeChat files: ``<output>/wechat/<id>.html`` and ``.json``.

For each due article the pass writes the post's HTML fragment (when it
passes the checker) and its ``draft/add`` object (when every limit holds
too), next to the feeds, so a later step can pick them up without this
service. They are rewritten when the article changes (the pass's
``touched``), written when missing, and removed when the article leaves
(withdrawn). An article whose post breaks a rule gets no ``.json`` (a stale
one is removed) and a warning in the log naming each rule.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..config import WECHAT_DIR, Config
from ..model import Article
from ..render.wechat.post import build_post
from . import deadline

log = logging.getLogger(__name__)

DIRECTORY = WECHAT_DIR


def post_paths(output_dir: Path, article_id: str) -> tuple[Path, Path]:
    """The ``.html`` and ``.json`` files of one article."""
    folder = output_dir / DIRECTORY
    return folder / f"{article_id}.html", folder / f"{article_id}.json"


def missing_posts(output_dir: Path, due_ids: Iterable[str]) -> set[str]:
    """Due articles whose HTML file is not there (first pass, wiped output dir)."""
    return {i for i in due_ids if not post_paths(output_dir, i)[0].exists()}


def stray_posts(output_dir: Path, due_ids: Iterable[str]) -> set[str]:
    """Articles with files here that are not due (any more).

    A pass deletes the files of the articles it removes; an instance that
    missed that pass (a follower, an output dir restored from a backup)
    never removes them, and ``/feeds/wechat/`` would go on serving a
    withdrawn article. A full pass looks for them.
    """
    folder = output_dir / DIRECTORY
    if not folder.is_dir():
        return set()
    due = set(due_ids)
    found = {
        path.stem
        for path in folder.iterdir()
        if path.suffix in (".html", ".json") and not path.name.startswith(".")
    }
    return found - due


@dataclass
class Export:
    """What to write (path -> (bytes, article)) and what to remove."""

    documents: dict[Path, tuple[bytes, Article]] = field(default_factory=dict)
    remove: list[Path] = field(default_factory=list)


def plan_export(
    config: Config,
    output_dir: Path,
    articles: Mapping[str, Article],
    wanted: Iterable[str],
    removed: Iterable[str],
    progress: Callable[[int, int], None] | None = None,
) -> Export:
    """Render the posts of ``wanted`` ids (of ``articles``) and list files to remove.

    Nothing is written here: the pass writes after everything has rendered,
    so a pass that fails to render touches no file.
    """
    export = Export()
    for article_id in removed:
        export.remove.extend(post_paths(output_dir, article_id))
    ids = sorted(set(wanted) & set(articles))
    for done, article_id in enumerate(ids, 1):
        deadline.check(f"rendering WeChat post {article_id}")
        if progress is not None:
            progress(done, len(ids))
        article = articles[article_id]
        post = build_post(article, config)
        html_path, json_path = post_paths(output_dir, article_id)
        if post.check:
            export.remove.extend((html_path, json_path))
        else:
            export.documents[html_path] = (post.content.encode("utf-8"), article)
        if post.ready:
            export.documents[json_path] = (post.json.encode("utf-8"), article)
        else:
            export.remove.append(json_path)
            log.warning("wechat: %s not ready: %s", article_id, "; ".join(post.complaints))
    return export
