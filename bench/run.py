"""``make bench``: every performance target of issues 7, 11 and 13, measured in one run, one table.

Run from the project root::

    .venv/bin/python bench/run.py                 # everything (a few minutes)
    .venv/bin/python bench/run.py polls build     # some targets only
    .venv/bin/python bench/run.py desk            # the desk's pages only (`make bench-desk`)
    .venv/bin/python bench/run.py --json out.json # also write the rows as JSON

Ratios compare against a reference measured in the same run (nginx,
bare feedgen, a small store), so they hold on a busy machine; bounds are
absolute. Everything runs on 127.0.0.1 in a temporary directory and is
stopped at the end. The exit code is 1 when any target fails.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import table  # noqa: E402

GROUPS = ("polls", "fresh", "pass", "build", "scale", "desk", "items", "conns")


def _measure(group: str, tmp: Path, quick: bool) -> list[table.Row]:
    if group == "polls":
        import bench_polls

        return bench_polls.measure(tmp, rounds=2 if quick else 3, seconds=2 if quick else 4)
    if group == "fresh":
        import bench_fresh

        return bench_fresh.measure(tmp)
    if group == "pass":
        import bench_pass

        return bench_pass.measure(tmp, big=20_000 if quick else 100_000)
    if group == "build":
        import bench_build

        return bench_build.measure()
    if group == "scale":
        import bench_scale

        return bench_scale.measure(tmp, editions=200 if quick else 1000)
    if group == "desk":
        import bench_desk

        if quick:
            return bench_desk.measure(tmp, total=20_000, rounds=50, warmup=5)
        return bench_desk.measure(tmp)
    if group == "items":
        import bench_items

        return bench_items.measure(tmp, rounds=3 if quick else 5)
    if group == "conns":
        import bench_conns

        if quick:
            return bench_conns.measure(tmp, idle=500, slow=500, seconds=12.0)
        return bench_conns.measure(tmp)
    raise ValueError(group)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("groups", nargs="*", choices=[*GROUPS, []], help="default: all")
    parser.add_argument("--quick", action="store_true", help="smaller stores, shorter runs")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args(argv)
    rows: list[table.Row] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="syndicator-bench-") as tmp:
        Path(tmp).chmod(0o755)  # nginx's workers (user nobody) read the sites
        for group in args.groups or GROUPS:
            group_started = time.monotonic()
            print(f"bench: {group}…", file=sys.stderr, flush=True)
            rows += _measure(group, Path(tmp) / group, args.quick)
            print(
                f"bench: {group} done in {time.monotonic() - group_started:.0f}s",
                file=sys.stderr,
                flush=True,
            )
    print(table.render(rows))
    print(
        f"\n{len(rows)} targets, {sum(not r.ok for r in rows)} failed, "
        f"{time.monotonic() - started:.0f}s"
    )
    if args.json:
        args.json.write_text(table.dump(rows), encoding="utf-8")
    return 0 if all(r.ok for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
