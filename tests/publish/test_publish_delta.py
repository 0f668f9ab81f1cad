"""A pass that reads only what changed writes exactly what a full comparison writes.

A seeded random newsroom (new days, articles due later, back-dated
imports, corrections of current and archived articles, withdrawals) runs
pass after pass with small channel limits, so items keep crossing into
the archive. After each pass the output dir is compared, file by file,
with what a full pass writes from a copy of the store into a fresh dir.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.publish import run as publish

START = datetime(2021, 9, 1, 12, 0, tzinfo=SHANGHAI)
CHANNELS = {
    "all": {"limit": 3},
    "economy": {"section": "经济", "limit": 2},
    "skills": {"tag": "技能竞赛", "limit": 1},
}
SECTIONS = ("经济", "要闻", None)
TAGS = ((), ("技能竞赛",), ("重大项目",))


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _article(template, day: datetime, seq: int, rng: random.Random):
    published = day.replace(hour=6, minute=0) + timedelta(minutes=rng.choice([0, 0, 30]))
    return template.replace(
        id=f"zjgrrb-{published:%Y%m%d}-01-{seq:02d}",
        edition=published.date(),
        seq=seq,
        published_at=published,
        updated_at=published,
        section=rng.choice(SECTIONS),
        tags=rng.choice(TAGS),
    )


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_changes_only_pass_equals_full_pass(
    articles, make_config, tmp_path, monkeypatch, seed
) -> None:
    rng = random.Random(seed)
    (tmp_path / "live").mkdir()
    config = make_config(tmp_path / "live", channels=CHANNELS)
    engine = store.create_store_engine(config.store_url)
    store.init_schema(engine)
    full_calls = []
    real_full = publish.plan_everything

    def counting_full(*args, **kwargs):
        if args[1] is config:
            full_calls.append(kwargs["now"])
        return real_full(*args, **kwargs)

    monkeypatch.setattr(publish, "plan_everything", counting_full)
    templates = articles[:2]
    known = []
    now = START
    for step in range(14):
        now += timedelta(hours=rng.choice([6, 12, 24]))
        action = rng.random()
        with store.transaction(engine) as conn:
            if action < 0.5 or not known:  # a new day's articles, one due later today
                day = now + timedelta(days=rng.choice([0, 0, 1]))
                new = [_article(rng.choice(templates), day, i + 1, rng) for i in range(3)]
                new = [a for a in new if a.id not in {k.id for k in known}]
                store.save_articles(conn, new, now=now)
                known += new
            elif action < 0.75:  # a correction, anywhere in the history
                target = rng.choice(known)
                fixed = target.replace(title=f"{target.title}（更正{step}）")
                store.save_articles(conn, [fixed], now=now)
                known[known.index(target)] = fixed
            elif action < 0.9:
                store.set_status(conn, rng.choice(known).id, "withdrawn")
            else:  # a back-dated article of an old day
                old = min(known, key=lambda a: a.published_at)
                late = _article(templates[0], old.published_at, 9, rng).replace(
                    published_at=old.published_at, updated_at=old.published_at
                )
                if late.id not in {k.id for k in known}:
                    store.save_articles(conn, [late], now=now)
                    known.append(late)
        publish.run_pass(engine, config, now=now)

        copy = make_config(tmp_path / f"full{step}", channels=CHANNELS)
        (tmp_path / f"full{step}").mkdir()
        with engine.connect() as conn:
            conn.exec_driver_sql(f"VACUUM INTO '{tmp_path / f'full{step}' / 'store.db'}'")
        other = store.create_store_engine(copy.store_url)
        # Everything rendered from scratch with the same bookkeeping (when each
        # article was first published dates the feeds), recording nothing.
        publish.run_pass(other, copy, now=now, force=True, record=False)
        other.dispose()
        assert _snapshot(config.output_dir) == _snapshot(copy.output_dir), (seed, step)
    engine.dispose()
    # Only the first passes compare everything: until a post is out there is
    # no wechat/ folder, and a missing output makes a pass check it all.
    assert len(full_calls) <= 3
