from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.publish import run_pass
from syndicator.render.feeds import documents as feeds

SEP1_NOON = datetime(2021, 9, 1, 12, 0, tzinfo=SHANGHAI)
SEP2_NOON = SEP1_NOON + timedelta(days=1)


@pytest.fixture
def engine(store_engine):
    """Every test here runs on SQLite and on PostgreSQL."""
    return store_engine


def _save(engine, articles, now=SEP1_NOON) -> None:
    with engine.begin() as conn:
        store.save_articles(conn, articles, now=now)


def _ids(config, fmt: str = "feed.json", channel: str = "all") -> list[str]:
    doc = json.loads((config.output_dir / channel / fmt).read_text(encoding="utf-8"))
    return [item["url"].rsplit("/", 1)[1] for item in doc["items"]]


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_run_pass_future_article_appears_only_when_due(articles, engine, config) -> None:
    _save(engine, articles)
    report = run_pass(engine, config, now=SEP1_NOON)
    assert sorted(report.added) == sorted(a.id for a in articles[:2])
    assert "zjgrrb-20210902-01-01" not in _ids(config)
    just_before = articles[2].published_at - timedelta(seconds=1)
    assert run_pass(engine, config, now=just_before).added == []
    report = run_pass(engine, config, now=articles[2].published_at)
    assert report.added == ["zjgrrb-20210902-01-01"]
    for fmt in feeds.FORMATS:
        data = (config.output_dir / "all" / fmt).read_bytes()
        assert "明天才发布的稿件".encode() in data


def test_run_pass_withdrawn_article_leaves_every_feed(
    articles, make_config, engine, tmp_path
) -> None:
    config = make_config(tmp_path, channels={"economy": {"section": "经济"}})
    _save(engine, articles)
    run_pass(engine, config, now=SEP1_NOON)
    economy_id = "zjgrrb-20210901-02-01"
    assert economy_id in _ids(config, channel="economy")
    with engine.begin() as conn:
        store.set_status(conn, economy_id, "withdrawn")
    report = run_pass(engine, config, now=SEP1_NOON + timedelta(minutes=1))
    assert report.removed == [economy_id]
    assert set(report.channels) == {"all", "economy"}
    for channel in ("all", "economy"):
        for fmt in feeds.FORMATS:
            text = (config.output_dir / channel / fmt).read_text(encoding="utf-8")
            assert economy_id not in text
            assert "杭州湾新区" not in text


def test_run_pass_correction_keeps_guid_and_updates_time(articles, engine, config) -> None:
    article = articles[1]
    _save(engine, [article])
    run_pass(engine, config, now=SEP1_NOON)
    before = feedparser.parse((config.output_dir / "all" / "atom.xml").read_bytes())
    corrected_at = SEP1_NOON + timedelta(hours=3)
    _save(engine, [article.replace(title="全省职工技能大赛隆重开幕")], now=corrected_at)
    report = run_pass(engine, config, now=corrected_at)
    assert report.changed == [article.id]
    for fmt in ("atom.xml", "rss.xml"):
        after = feedparser.parse((config.output_dir / "all" / fmt).read_bytes())
        assert len(after.entries) == 1
        entry = after.entries[0]
        assert entry.id == before.entries[0].id
        assert entry.title == "全省职工技能大赛隆重开幕"
    atom = feedparser.parse((config.output_dir / "all" / "atom.xml").read_bytes())
    assert atom.entries[0].updated == corrected_at.isoformat()
    assert atom.entries[0].published == article.published_at.isoformat()  # a time of its own
    assert atom.feed.updated == corrected_at.isoformat()


def test_run_pass_bytes_identical_across_passes_and_instances(
    articles, make_config, engine, tmp_path
) -> None:
    first = make_config(tmp_path / "a")
    second = make_config(tmp_path / "b")
    _save(engine, articles)
    run_pass(engine, first, now=SEP2_NOON)
    snap = _snapshot(first.output_dir)
    assert run_pass(engine, first, now=SEP2_NOON + timedelta(minutes=5)).written == []
    run_pass(engine, first, now=SEP2_NOON + timedelta(minutes=6), force=True)
    assert _snapshot(first.output_dir) == snap
    # Another instance with its own output dir, catching up later as a
    # follower does (cluster: it reads the bookkeeping, records nothing),
    # renders the very same bytes, and the file times (served as
    # Last-Modified) match too.
    run_pass(engine, second, now=SEP2_NOON + timedelta(hours=7), record=False)
    assert _snapshot(second.output_dir) == snap
    for name in snap:
        a = (first.output_dir / name).stat().st_mtime
        b = (second.output_dir / name).stat().st_mtime
        assert a == b


def test_run_pass_failed_render_leaves_previous_feeds(
    articles, engine, config, monkeypatch
) -> None:
    _save(engine, articles[:1])
    run_pass(engine, config, now=SEP1_NOON)
    before = _snapshot(config.output_dir)
    _save(engine, articles[1:2])

    def broken(*_args, **_kwargs):
        raise RuntimeError("renderer exploded")

    monkeypatch.setattr(feeds, "render_atom", broken)
    with pytest.raises(RuntimeError):
        run_pass(engine, config, now=SEP1_NOON + timedelta(minutes=1))
    assert _snapshot(config.output_dir) == before
    monkeypatch.undo()
    report = run_pass(engine, config, now=SEP1_NOON + timedelta(minutes=2))
    assert report.added == [articles[1].id]
    assert articles[1].id in _ids(config)


def test_run_pass_writes_no_temp_files_and_gzip_twins(articles, engine, config) -> None:
    import gzip

    _save(engine, articles)
    run_pass(engine, config, now=SEP1_NOON)
    files = sorted(p.name for p in config.output_dir.rglob("*"))
    # The one hidden file is each channel's manifest (archive/.pages.json, never served).
    assert not [
        f for f in files if f.endswith(".tmp") or (f.startswith(".") and f != ".pages.json")
    ]
    for fmt in feeds.FORMATS:
        plain = config.output_dir / "all" / fmt
        assert gzip.decompress(plain.with_name(fmt + ".gz").read_bytes()) == plain.read_bytes()
    assert (config.output_dir / "opml.xml").exists()


def test_run_pass_recreates_deleted_output(articles, engine, config) -> None:
    _save(engine, articles)
    run_pass(engine, config, now=SEP1_NOON)
    target = config.output_dir / "all" / "rss.xml"
    original = target.read_bytes()
    target.unlink()
    report = run_pass(engine, config, now=SEP1_NOON + timedelta(minutes=1))
    assert "all/rss.xml" in report.written
    assert target.read_bytes() == original


def test_run_pass_respects_channel_limit(articles, make_config, engine, tmp_path) -> None:
    config = make_config(tmp_path, feeds={"limit": 1})
    _save(engine, articles)
    run_pass(engine, config, now=SEP2_NOON)
    assert _ids(config) == ["zjgrrb-20210902-01-01"]


def test_run_pass_requires_aware_clock(engine, config) -> None:
    with pytest.raises(ValueError, match="aware"):
        run_pass(engine, config, now=datetime(2021, 9, 1, 12))


def test_new_code_re_renders_what_the_old_code_wrote(
    articles, make_config, engine, tmp_path, monkeypatch
) -> None:
    """An upgrade that renders differently must not leave the old bytes in
    documents the changes-only pass has no reason to touch."""
    from syndicator.publish import run as publish

    config = make_config(tmp_path, feeds={"limit": 1})
    _save(engine, articles)
    run_pass(engine, config, now=SEP2_NOON)
    page = next((config.output_dir / "all" / "archive").glob("2021-*/atom.xml"))
    fresh = page.read_bytes()
    page.write_bytes(fresh.replace(b"</feed>", b"<!-- as an older release wrote it --></feed>"))
    later = SEP2_NOON + timedelta(minutes=1)
    assert run_pass(engine, config, now=later).written == []  # same code: nothing to do
    monkeypatch.setattr(publish, "code_fingerprint", lambda: "the next release")
    report = run_pass(engine, config, now=later + timedelta(minutes=1))
    assert str(page.relative_to(config.output_dir)) in report.written
    assert page.read_bytes() == fresh


def test_run_pass_deletes_the_retired_xsl_stylesheet(articles, engine, config) -> None:
    """Earlier releases wrote feeds/feed.xsl; browsers now get a page from the server."""
    config.output_dir.mkdir(parents=True, exist_ok=True)
    for name in ("feed.xsl", "feed.xsl.gz"):
        (config.output_dir / name).write_bytes(b"<xsl:stylesheet/>")
    _save(engine, articles)
    report = run_pass(engine, config, now=SEP1_NOON)
    assert "feed.xsl" in report.deleted
    assert not (config.output_dir / "feed.xsl").exists()
    assert not (config.output_dir / "feed.xsl.gz").exists()
