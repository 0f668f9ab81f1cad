"""Fuzz tests: hostile input to the API, the importers and every URL route.

Each test is bounded (a few hundred examples, seconds each) and
derandomized, so CI runs the same examples every time. To hunt for new
failures, run them deep: ``HYPOTHESIS_PROFILE=deep pytest tests/fuzz``
(twenty times the examples, random, with Hypothesis' example database);
a failure found that way becomes a regression test of its own beside the
code it fixes. Settings and strategies: ``tests/support/fuzzing.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from types import SimpleNamespace

import pytest
from support import readerdata
from support.configs import make_config
from support.fuzzing import TOKEN
from support.paths import DATA
from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.publish import run_pass
from syndicator.web import create_app
from syndicator.web.api import TRIGGER_KEY

NOW = datetime(2021, 9, 2, 12, 0, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[SimpleNamespace]:
    """A published store (the reader pages' paper, archive pages) and its app, the API on."""
    root = tmp_path_factory.mktemp("fuzz")
    config = make_config(root, feeds={"limit": 2}, api={"rate_limit": 1_000_000})
    engine = store.create_store_engine(config.store_url)
    store.init_schema(engine)
    paper = readerdata.save_reader_paper(engine, config, readerdata.RELEASE)
    run_pass(engine, config, now=NOW)
    app = create_app(config, {"TESTING": True, "API_TOKEN": TOKEN})
    app.extensions[TRIGGER_KEY] = lambda: None  # no scheduler in this process
    try:
        yield SimpleNamespace(
            root=root,
            config=config,
            engine=engine,
            app=app,
            paper=paper,
            articles=[
                *json.loads((DATA / "articles.json").read_text(encoding="utf-8")),
                json.loads((DATA / "table.json").read_text(encoding="utf-8")),
            ],
        )
    finally:
        engine.dispose()
