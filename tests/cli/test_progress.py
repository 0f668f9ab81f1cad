"""Progress bars: drawn on a terminal for long runs, silent in logs and pipes."""

from __future__ import annotations

import pytest

from syndicator.cli import progress


@pytest.mark.parametrize("terminal", [True, False])
def test_long_runs_draw_a_bar_only_on_a_terminal(monkeypatch, capsys, terminal) -> None:
    monkeypatch.setattr(progress, "_terminal", lambda: terminal)
    assert list(progress.progress_bar(range(30), "importing pages")) == list(range(30))
    bar = progress.PassProgress()
    for done in range(1, 41):
        bar("writing files", done, 40)
    err = capsys.readouterr().err
    if terminal:  # click draws the bar itself (here, captured, it prints the labels)
        assert "importing pages" in err and "writing files" in err
    else:
        assert err == ""


def test_short_runs_draw_nothing(monkeypatch, capsys) -> None:
    monkeypatch.setattr(progress, "_terminal", lambda: True)
    assert list(progress.progress_bar(range(5), "importing pages")) == list(range(5))
    progress.PassProgress()("writing files", 5, 5)
    assert capsys.readouterr().err == ""
