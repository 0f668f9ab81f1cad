"""One definition of "this output dir holds everything a pass writes".

The pass trusts its bookkeeping only while it holds, and a follower whose
dir is at the store's generation re-renders when it does not. The
follower's check once looked at the feeds and the OPML only, so a lost
WeChat folder or archive manifest stayed lost on a follower.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from syndicator import store
from syndicator.config import config_from_dict
from syndicator.model import article_from_dict
from syndicator.publish import cluster
from syndicator.publish.plan import outputs_complete

DATA = Path(__file__).resolve().parents[1] / "data"
NOON = datetime(2021, 9, 2, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _site(root: Path, store_url: str):
    return config_from_dict(
        {"store": {"url": store_url}, "output": {"dir": str(root / "feeds")}}, root=root
    )


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".syndicator.lock"
    }


@pytest.mark.parametrize("lost", ["wechat", "all/archive/.pages.json", "opml.xml"])
def test_a_follower_missing_what_a_pass_writes_renders_again(
    store_engine, tmp_path: Path, lost: str
) -> None:
    url = str(store_engine.url.render_as_string(hide_password=False))
    publisher, follower = _site(tmp_path / "a", url), _site(tmp_path / "b", url)
    articles = [article_from_dict(a) for a in json.loads((DATA / "articles.json").read_text())]
    with store_engine.begin() as conn:
        store.save_articles(conn, articles, now=NOON)
    assert cluster.publish_or_follow(store_engine, publisher, now=NOON).role == "published"
    assert cluster.follow_store(store_engine, follower).role == "synced"
    assert outputs_complete(follower)

    gone = follower.output_dir / lost
    shutil.rmtree(gone) if gone.is_dir() else gone.unlink()
    assert not outputs_complete(follower)
    assert cluster.follow_store(store_engine, follower).role == "synced"
    assert outputs_complete(follower)
    assert _snapshot(follower.output_dir) == _snapshot(publisher.output_dir)
    assert cluster.follow_store(store_engine, follower).role == "current"
