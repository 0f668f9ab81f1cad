"""bench/bench_desk.py on a small store: it signs in and every page it times answers.

The bench drives the desk over HTTP as a browser does (login form, CSRF
token, session cookie); when a desk page or the sign-in changes, this
says so here rather than in the middle of a ten-minute ``make bench``.
The bound itself is the bench's business, not this test's.
"""

from __future__ import annotations

import pytest
from support.paths import ROOT

pytestmark = pytest.mark.slow


def test_bench_desk_times_every_desk_page_signed_in(tmp_path, monkeypatch) -> None:
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    import bench_desk

    rows = bench_desk.measure(tmp_path, total=600, rounds=3, warmup=1)
    names = [row.name for row in rows]
    for page in (
        "/desk/",
        "/desk/editions/<day>?before=",
        "/desk/articles/<id>/edit",
        "/desk/audit",
    ):
        assert f"desk: {page} p99" in names
    assert names[-1] == "desk: /healthz p99"  # the reference, last
    assert all(row.measured > 0 and "3 requests" in row.note for row in rows)
