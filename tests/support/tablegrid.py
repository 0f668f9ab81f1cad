"""Where a browser puts each cell of a table, read from HTML with lxml.

HTML's table model: a cell takes the first column that no rowspan from the
rows above still holds, and a rowspan ends with its row group. The WeChat
checker counts columns its own way (tokens, no tree); these tests check it
and the renderers against this independent reading.
"""

from __future__ import annotations

from typing import Any


def rows(table: Any) -> list[tuple[list[tuple[str, int]], int]]:
    """Per row of ``table`` (an lxml element): ``(text, column)`` of its cells, and its width."""
    out = []
    groups = [g for g in table if g.tag in ("thead", "tbody", "tfoot")] or [table]
    for group in groups:
        covered: dict[int, int] = {}  # column -> rows (this one included) a rowspan holds
        for tr in group.iterchildren("tr"):
            col, cells = 0, []
            for cell in tr.iterchildren("td", "th"):
                while covered.get(col, 0) > 0:
                    col += 1
                cells.append((cell.text_content(), col))
                colspan = min(int(cell.get("colspan", 1)), 1000)
                for c in range(col, col + colspan):
                    covered[c] = int(cell.get("rowspan", 1))
                col += colspan
            out.append((cells, max(col, max(covered, default=-1) + 1)))
            covered = {c: n - 1 for c, n in covered.items() if n > 1}
    return out


def place(table: Any) -> list[tuple[str, int]]:
    """``(text, column)`` of every cell of ``table``, in document order."""
    return [cell for cells, _ in rows(table) for cell in cells]


def width(table: Any) -> int:
    """The number of columns a browser gives ``table``."""
    return max((w for _, w in rows(table)), default=0)
