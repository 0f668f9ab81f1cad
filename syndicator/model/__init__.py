"""The content model: one shape that every input produces and every output reads.

:mod:`.article` holds the dataclasses (Article, Block, Author, Edition),
:mod:`.cells` the table part of a body, :mod:`.fields` the dictionary
form, checked field by field. Stdlib only: every other package may import
this one, and it imports none of them.
"""

from .article import (
    BLOCK_TYPES,
    SENTENCE_ENDS,
    STATUSES,
    Article,
    Author,
    Block,
    Edition,
    make_article_id,
    release_time,
    sort_for_feed,
    summarize,
)
from .cells import (
    MAX_TABLE_CELLS,
    MAX_TABLE_COLUMNS,
    MAX_TABLE_ROWS,
    Cell,
    Rows,
    column_count,
    head_rows,
    table_problem,
)
from .fields import article_from_dict, edition_from_dict

__all__ = [
    "BLOCK_TYPES",
    "MAX_TABLE_CELLS",
    "MAX_TABLE_COLUMNS",
    "MAX_TABLE_ROWS",
    "SENTENCE_ENDS",
    "STATUSES",
    "Article",
    "Author",
    "Block",
    "Cell",
    "Edition",
    "Rows",
    "article_from_dict",
    "column_count",
    "edition_from_dict",
    "head_rows",
    "make_article_id",
    "release_time",
    "sort_for_feed",
    "summarize",
    "table_problem",
]
