"""Where the project and the tests' inputs are."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
#: Inputs of the tests: hand-written articles, schemas, the e-paper corpus.
DATA = ROOT / "tests" / "data"
#: The demo page (浙江工人日报, 2021-08-30, page 1): 8 articles. It prints no
#: 第N版, so every import states the page: ``--page 1``, ``page=1``.
SAMPLE_PAGE = ROOT / "demo" / "zjgrrb-2021-08-30-p1.txt"
