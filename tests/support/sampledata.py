"""Load the sample data into a server's store and publish, in-process.

Live tests start `syndicator serve`, which only serves files: filling its
store and output directory here instead of through two more `syndicator`
processes saves a couple of seconds per test (the CLI path has its own
tests).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from conftest import SAMPLE_PAGE, import_options, load_articles

from syndicator import store
from syndicator.config import load_config
from syndicator.ingest import load_file
from syndicator.model import Article
from syndicator.publish import run_pass


def save(config_path: Path, articles: list[Article] | None = None, *, sample: bool = True) -> None:
    """Import the sample page and tests/data/articles.json (or ``articles``)."""
    config = load_config(config_path)
    engine = store.create_store_engine(config.store_url)
    store.init_schema(engine)
    try:
        with store.transaction(engine) as conn:
            if sample:
                parsed = load_file(SAMPLE_PAGE, import_options(config))
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
