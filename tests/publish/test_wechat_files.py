"""The publish pass writes each due article's WeChat post next to the feeds."""

from __future__ import annotations

import json
import logging
import shutil
from datetime import datetime, timedelta

from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.publish import run_pass
from syndicator.render.wechat.post import build_post

NOON = datetime(2021, 9, 1, 12, 0, tzinfo=SHANGHAI)
ECONOMY = "zjgrrb-20210901-02-01"


def _save(engine, articles, now=NOON) -> None:
    with engine.begin() as conn:
        store.save_articles(conn, articles, now=now)


def _wechat_files(config) -> list[str]:
    folder = config.output_dir / "wechat"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_pass_writes_html_and_json_of_each_due_article(articles, engine, config) -> None:
    _save(engine, articles)
    report = run_pass(engine, config, now=NOON)
    due = [a for a in articles if a.published_at <= NOON]
    assert _wechat_files(config) == sorted(
        f"{a.id}.{ext}" for a in due for ext in ("html", "html.gz", "json", "json.gz")
    )
    assert f"wechat/{ECONOMY}.json" in report.written
    for article in due:
        post = build_post(article, config)
        folder = config.output_dir / "wechat"
        assert (folder / f"{article.id}.html").read_text(encoding="utf-8") == post.content
        raw = (folder / f"{article.id}.json").read_text(encoding="utf-8")
        assert json.loads(raw) == post.payload and "\\u" not in raw
    assert run_pass(engine, config, now=NOON + timedelta(minutes=1)).written == []


def test_pass_rewrites_a_corrected_article_and_removes_a_withdrawn_one(
    articles, engine, config
) -> None:
    _save(engine, articles)
    run_pass(engine, config, now=NOON)
    later = NOON + timedelta(hours=1)
    corrected = articles[0].replace(title="杭州湾新区一批重大项目今日集中开工")
    _save(engine, [corrected], now=later)
    report = run_pass(engine, config, now=later)
    assert sorted(p for p in report.written if p.startswith("wechat/")) == [
        f"wechat/{ECONOMY}.html",
        f"wechat/{ECONOMY}.json",
    ]
    payload = json.loads((config.output_dir / "wechat" / f"{ECONOMY}.json").read_bytes())
    assert payload["title"] == corrected.title
    with engine.begin() as conn:
        store.set_status(conn, ECONOMY, "withdrawn")
    run_pass(engine, config, now=later + timedelta(minutes=1))
    assert not any(name.startswith(ECONOMY) for name in _wechat_files(config))


def test_pass_writes_no_json_for_a_post_over_a_limit(articles, engine, config, caplog) -> None:
    _save(engine, articles)
    run_pass(engine, config, now=NOON)
    later = NOON + timedelta(hours=1)
    _save(engine, [articles[0].replace(title="长" * 40)], now=later)
    with caplog.at_level(logging.WARNING, logger="syndicator.publish.wechat_files"):
        run_pass(engine, config, now=later)
    names = _wechat_files(config)
    assert f"{ECONOMY}.html" in names and f"{ECONOMY}.json" not in names
    assert f"{ECONOMY}.json.gz" not in names
    assert f"wechat: {ECONOMY} not ready: title is 40 characters" in caplog.text


def test_pass_restores_missing_files_and_follows_a_theme_change(
    articles, make_config, engine, tmp_path
) -> None:
    config = make_config(tmp_path, wechat={"theme": "neutral"})
    _save(engine, articles)
    run_pass(engine, config, now=NOON)
    before = _wechat_files(config)
    shutil.rmtree(config.output_dir / "wechat")
    run_pass(engine, config, now=NOON + timedelta(minutes=1))
    assert _wechat_files(config) == before
    red = make_config(tmp_path, wechat={"theme": "red"})
    run_pass(engine, red, now=NOON + timedelta(minutes=2))
    html = (red.output_dir / "wechat" / f"{ECONOMY}.html").read_text(encoding="utf-8")
    assert "#b4161b" in html
