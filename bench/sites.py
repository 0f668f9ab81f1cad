"""A site for a benchmark: configuration file, store and output dir in one folder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import synth

from syndicator.config import Config, load_config
from syndicator.publish import run_pass


@dataclass
class Site:
    root: Path
    config_path: Path
    port: int

    @property
    def config(self) -> Config:
        return load_config(self.config_path)

    @property
    def output(self) -> Path:
        return self.root / "feeds"


def make_site(root: Path, port: int, *, channels: int = 20, extra: str = "") -> Site:
    """Write a configuration for a site under ``root`` (nothing imported yet)."""
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o755)  # nginx's workers read the output dir
    path = root / "config.toml"
    path.write_text(
        f'[store]\nurl = "sqlite:///{root / "store.db"}"\n'
        f'[output]\ndir = "{root / "feeds"}"\n'
        f'[server]\nhost = "127.0.0.1"\nport = {port}\n'
        f'[site]\nbase_url = "http://127.0.0.1:{port}"\n'
        # No access log, as nginx's configuration in procs.py: same work compared.
        "[log]\naccess = false\n" + extra + "\n" + synth.channels_toml(channels),
        encoding="utf-8",
    )
    return Site(root, path, port)


def fill_and_publish(site: Site, editions: int, per_edition: int, now: datetime) -> None:
    config = site.config
    engine = synth.open_store(config)
    try:
        synth.fill_store(engine, synth.synthetic_articles(editions, per_edition), now=now)
        run_pass(engine, config, now=now)
    finally:
        engine.dispose()
