"""Fixtures of the render tests: where a browser puts each cell of a table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from support import tablegrid


@pytest.fixture(scope="session")
def table_columns() -> Callable[[Any], dict[str, int]]:
    """A function: each cell's text of an lxml ``<table>`` and the column a browser puts it in."""
    return lambda table: dict(tablegrid.place(table))


@pytest.fixture(scope="session")
def table_width() -> Callable[[Any], int]:
    """A function: the number of columns a browser gives an lxml ``<table>``."""
    return tablegrid.width
