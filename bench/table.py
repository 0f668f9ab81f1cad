"""One row per target: measured value, reference value, ratio, target, verdict.

A target is either a ratio to a reference measured in the same run (polls
against nginx, build against bare feedgen, a big store against a small
one) or a bound (seconds, megabytes); for a bound the reference column
holds the bound and the ratio is measured / bound.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass


@dataclass
class Row:
    """One line of the table; ``higher`` says whether a bigger ratio is better."""

    name: str
    measured: float
    reference: float
    unit: str
    target: float
    higher: bool
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.measured / self.reference if self.reference else float("inf")

    @property
    def ok(self) -> bool:
        return self.ratio >= self.target if self.higher else self.ratio <= self.target

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "ratio": self.ratio, "ok": self.ok}


def _num(value: float) -> str:
    if value == float("inf"):
        return "inf"
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def render(rows: list[Row]) -> str:
    header = ("target", "measured", "reference", "unit", "ratio", "goal", "result")
    lines = []
    for row in rows:
        goal = f"{'≥' if row.higher else '≤'} {row.target:g}×"
        lines.append(
            (
                row.name,
                _num(row.measured),
                _num(row.reference),
                row.unit,
                f"{row.ratio:.3f}",
                goal,
                "pass" if row.ok else "FAIL",
            )
        )
    widths = [max(len(str(x)) for x in col) for col in zip(header, *lines, strict=True)]
    out = []
    fmt = "  ".join(f"{{:<{w}}}" if i == 0 else f"{{:>{w}}}" for i, w in enumerate(widths))
    out.append(fmt.format(*header))
    out.append("-" * len(out[0]))
    out += [fmt.format(*line) for line in lines]
    notes = [f"  {row.name}: {row.note}" for row in rows if row.note]
    if notes:
        out += ["", "notes:", *notes]
    return "\n".join(out)


def dump(rows: list[Row]) -> str:
    return json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2)
