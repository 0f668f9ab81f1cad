"""Configurations rooted in a test's own directory."""

from __future__ import annotations

from pathlib import Path

from syndicator.config import Config, config_from_dict


def make_config(root: Path, **sections: dict) -> Config:
    """A configuration whose store and output dir live under ``root``."""
    data = {
        "store": {"url": f"sqlite:///{root / 'store.db'}"},
        "output": {"dir": str(root / "feeds")},
        **sections,
    }
    return config_from_dict(data, root=root)


def write_config_file(root: Path, port: int, extra: str = "") -> Path:
    """A TOML config for a server process on ``port``, rooted in ``root``."""
    path = root / "config.toml"
    path.write_text(
        f'[store]\nurl = "sqlite:///{root / "store.db"}"\n'
        f'[output]\ndir = "{root / "feeds"}"\n'
        f'[server]\nhost = "127.0.0.1"\nport = {port}\n'
        f'[site]\nbase_url = "http://127.0.0.1:{port}"\n' + extra,
        encoding="utf-8",
    )
    return path
