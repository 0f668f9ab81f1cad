"""Benchmark the e-paper importer: pages per second and milliseconds per page.

Run from the project root::

    python bench/bench_import.py            # the demo page and every corpus page
    python bench/bench_import.py -n 200 demo/zjgrrb-2021-08-30-p1.txt

Each page is decoded once, then :func:`parse_page` is timed on it many
times; the table shows the median time per page and its inverse. This is
a benchmark to watch, not a test: issue 3 asks that one page takes well
under 100 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from syndicator.ingest import ImportOptions, decode_text  # noqa: E402
from syndicator.ingest.epaper import parse_page  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "epaper"
DEMO = ROOT / "demo" / "zjgrrb-2021-08-30-p1.txt"


def options_for(page: Path) -> ImportOptions:
    """The options the corpus test uses for a page, or the defaults."""
    expected = CORPUS / f"{page.name.split('.')[0]}.expected.json"
    if not expected.exists():
        return ImportOptions()
    opts = dict(json.loads(expected.read_text(encoding="utf-8")).get("options", {}))
    if "edition" in opts:
        opts["edition"] = date.fromisoformat(opts["edition"])
    return ImportOptions(**opts)


def time_page(page: Path, runs: int) -> dict[str, float | int | str]:
    options = options_for(page)
    text = decode_text(page.read_bytes(), str(page), options.encoding)
    parsed = parse_page(text, source=str(page), options=options)  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        parse_page(text, source=str(page), options=options)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    return {
        "page": page.name,
        "lines": text.count("\n") + 1,
        "chars": len(text),
        "articles": len(parsed.articles),
        "ms": median * 1000,
        "best_ms": min(times) * 1000,
        "pages_s": 1 / median,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", type=Path, help="page texts (default: demo + corpus)")
    parser.add_argument("-n", "--runs", type=int, default=50, help="timed runs per page")
    args = parser.parse_args(argv)
    corpus = sorted(CORPUS.glob("*.txt"))
    pages = args.pages or [DEMO, *(p for p in corpus if p.name != DEMO.name)]
    rows = [time_page(page, args.runs) for page in pages]
    header = (
        f"{'page':<38} {'lines':>5} {'chars':>6} {'arts':>4} "
        f"{'ms/page':>8} {'best':>7} {'pages/s':>8}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['page']:<38} {row['lines']:>5} {row['chars']:>6} {row['articles']:>4} "
            f"{row['ms']:>8.2f} {row['best_ms']:>7.2f} {row['pages_s']:>8.0f}"
        )
    total = sum(float(r["ms"]) for r in rows)
    print("-" * len(header))
    rate = len(rows) * 1000 / total
    print(f"{'all pages':<38} {'':>17} {total:>13.2f} {'':>7} {rate:>8.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
