"""Many documents written together: only changed ones, twins first, nothing left behind."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

from syndicator.publish.output_files import write_documents


def test_write_documents_writes_changed_files_with_twins_and_times(tmp_path) -> None:
    when = datetime(2021, 9, 1, tzinfo=UTC)
    docs = [(tmp_path / "a" / "rss.xml", b"<rss/>", when), (tmp_path / "b.json", b"{}", None)]
    assert write_documents(tmp_path, docs) == [docs[0][0], docs[1][0]]
    assert gzip.decompress((tmp_path / "a" / "rss.xml.gz").read_bytes()) == b"<rss/>"
    assert (tmp_path / "a" / "rss.xml").stat().st_mtime == when.timestamp()
    assert write_documents(tmp_path, docs) == []  # same bytes: nothing written
    changed = [(docs[1][0], b'{"x": 1}', None)]
    assert write_documents(tmp_path, changed) == [docs[1][0]]
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]


def test_write_documents_reports_each_rename_twin_first(tmp_path) -> None:
    """The publish pass announces these steps; the fault tests kill it between them."""
    docs = [(tmp_path / "a.xml", b"<a/>", None), (tmp_path / "b.xml", b"<b/>", None)]
    seen = []

    def on_replace(done: int, total: int) -> None:
        temps = sorted(p.name for p in tmp_path.glob(".*.tmp"))
        placed = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
        seen.append((done, total, len(temps), placed))

    write_documents(tmp_path, docs, on_replace=on_replace)
    assert seen == [
        (0, 4, 4, []),
        (1, 4, 3, ["a.xml.gz"]),
        (2, 4, 2, ["a.xml", "a.xml.gz"]),
        (3, 4, 1, ["a.xml", "a.xml.gz", "b.xml.gz"]),
        (4, 4, 0, ["a.xml", "a.xml.gz", "b.xml", "b.xml.gz"]),
    ]
    seen.clear()
    write_documents(tmp_path, docs, on_replace=on_replace)
    assert seen == []  # nothing changed: no step to announce
