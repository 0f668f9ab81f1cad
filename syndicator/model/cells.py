"""The table part of the content model: cells, spans, the head, and the limits.

Plain data with no IO, like :mod:`.model` (which re-exports all of it). A
table is rows of :class:`Cell`; spans follow HTML's table model, where a
cell with ``rowspan`` occupies its column in the rows below, so the rows'
structure, not their lengths, decides where each cell sits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# A printed table is a few dozen cells; these bounds keep a hostile or
# broken input (10,000 cells, colspan="65535") from reaching the renderers.
MAX_TABLE_ROWS = 200
#: Columns are counted as a browser lays them out (:func:`row_widths`). A
#: phone shows fewer (the WeChat checker flags tables over 8); feeds are read
#: on wider screens, so the model only refuses what no screen can show.
MAX_TABLE_COLUMNS = 20
#: From the WeChat size budget: a post must stay under 20,000 characters and
#: every cell carries its own inline style, about 70 characters of markup
#: with its text (``render.wechat._CELL``). 200 cells of up to 8 characters
#: take about 15,500, which leaves some 4,000 for the title, the footer and a
#: few paragraphs around the table. Longer cell texts can still be too big,
#: and the checker then says so (a test renders the largest table allowed).
MAX_TABLE_CELLS = 200


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of a table: plain text, a header flag and its spans.

    Text only, no markup: a cell is read on a phone, in a feed reader and
    in the digest, and plain text is the one thing all of them keep.
    """

    text: str = ""
    header: bool = False
    colspan: int = 1
    rowspan: int = 1

    def to_dict(self, *, in_head: bool = False) -> str | dict[str, Any]:
        """A bare string when nothing but the text needs saying, else an object."""
        out: dict[str, Any] = {"text": self.text}
        if self.header and not in_head:
            out["header"] = True
        if self.colspan != 1:
            out["colspan"] = self.colspan
        if self.rowspan != 1:
            out["rowspan"] = self.rowspan
        return self.text if len(out) == 1 else out


Rows = tuple[tuple[Cell, ...], ...]


def head_rows(rows: Rows) -> int:
    """How many leading rows form the table's ``<thead>``: all header cells, spans inside.

    A row group is closed for spans: a ``rowspan`` in ``<thead>`` stops at
    its end, and the body's cells would then slide left into the column
    the header cell was meant to hold. So the head ends only at a row
    boundary that no rowspan crosses; when a header cell reaches into rows
    that are not all headers, the head stops before that cell's row (its
    cells stay ``<th>``, in the body).
    """
    count = 0
    for row in rows:
        if not row or not all(c.header for c in row):
            break
        count += 1
    while count and any(
        r + cell.rowspan > count for r, row in enumerate(rows[:count]) for cell in row
    ):
        count -= 1
    return count


def row_widths(rows: Rows) -> list[int]:
    """How many columns each row takes, counting the ones rowspans carry down into it.

    HTML places a row's cells in the columns that the spans of the rows
    above leave free, so ``[a rowspan=2, b] / [c]`` is two columns wide in
    both rows, and 20 cells with rowspan=2 over a row of 20 cells are 40.
    Adding up colspans within a row counts neither. Spans are taken as
    given; :func:`table_problem` bounds them before it calls this.
    """
    widths = []
    covered: dict[int, int] = {}  # column -> rows (this one included) a rowspan holds
    for row in rows:
        col = 0
        for cell in row:
            while covered.get(col, 0) > 0:
                col += 1
            for c in range(col, col + cell.colspan):
                covered[c] = cell.rowspan
            col += cell.colspan
        widths.append(max(col, max(covered, default=-1) + 1))
        covered = {c: n - 1 for c, n in covered.items() if n > 1}
    return widths


def column_count(rows: Rows) -> int:
    """The table's real width in columns (see :func:`row_widths`)."""
    return max(row_widths(rows), default=0)


def table_problem(rows: Rows) -> str | None:
    """Why ``rows`` cannot be a table (empty, too big, spans past its edge), or ``None``.

    Shared by the dictionary form and the HTML importer so that both refuse
    the same tables with the same words.
    """
    if not rows:
        return "a table needs at least one row"
    if len(rows) > MAX_TABLE_ROWS:
        return f"{len(rows):,} rows; a table may have at most {MAX_TABLE_ROWS}"
    cells = sum(len(row) for row in rows)
    if cells > MAX_TABLE_CELLS:
        return f"{cells:,} cells; a table may have at most {MAX_TABLE_CELLS:,}"
    for r, row in enumerate(rows):
        if not row:
            return f"row {r + 1} has no cells"
        for c, cell in enumerate(row):
            if not 1 <= cell.colspan <= MAX_TABLE_COLUMNS:
                return f"row {r + 1}, cell {c + 1}: colspan must be 1 to {MAX_TABLE_COLUMNS}"
            if not 1 <= cell.rowspan <= len(rows) - r:
                return f"row {r + 1}, cell {c + 1}: rowspan reaches past the last row"
    for r, width in enumerate(row_widths(rows)):
        if width > MAX_TABLE_COLUMNS:
            return (
                f"row {r + 1} is {width} columns wide, counting columns that rowspans"
                f" above carry down; at most {MAX_TABLE_COLUMNS}"
            )
    return None
