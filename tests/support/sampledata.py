"""The sample data: the demo page, tests/data/articles.json, fixed times.

``save`` and ``publish`` fill a server's store and output directory
in-process. Live tests start `syndicator serve`, which only serves files: filling its
store and output directory here instead of through two more `syndicator`
processes saves a couple of seconds per test (the CLI path has its own
tests).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from support.paths import DATA, SAMPLE_PAGE
from syndicator import store
from syndicator.actions.articles import import_options as actions_import_options
from syndicator.config import Config, load_config
from syndicator.ingest import ImportOptions, load_file
from syndicator.model import Article, article_from_dict
from syndicator.publish import run_pass

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: A moment after the sample edition went out (06:00 on 2021-08-30).
AFTER_EDITION = datetime(2021, 8, 30, 12, 0, tzinfo=SHANGHAI)


def load_articles(name: str = "articles.json") -> list[Article]:
    """Hand-written articles from tests/data (images, links, tags, sections)."""
    raw = json.loads((DATA / name).read_text(encoding="utf-8"))
    return [article_from_dict(item) for item in raw]


def import_options(config: Config, **stated: Any) -> ImportOptions:
    """How ``config`` imports a page: the same options the CLI and the API use.

    :param stated: what a person states (``page=1``, ``edition=…``).
    """
    return actions_import_options(config, **stated)


def save(config_path: Path, articles: list[Article] | None = None, *, sample: bool = True) -> None:
    """Import the sample page and tests/data/articles.json (or ``articles``)."""
    config = load_config(config_path)
    engine = store.create_store_engine(config.store_url)
    store.init_schema(engine)
    try:
        with store.transaction(engine) as conn:
            if sample:
                parsed = load_file(SAMPLE_PAGE, import_options(config, page=1))
                store.save_edition(conn, parsed.edition)
                store.save_articles(conn, parsed.articles, now=datetime.now(config.tz))
            store.save_articles(
                conn, load_articles() if articles is None else articles, now=datetime.now(config.tz)
            )
    finally:
        engine.dispose()


def publish(config_path: Path, now: datetime) -> None:
    config = load_config(config_path)
    engine = store.create_store_engine(config.store_url)
    try:
        run_pass(engine, config, now=now)
    finally:
        engine.dispose()
