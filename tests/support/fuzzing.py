"""Hypothesis settings and input strategies of the fuzz tests (tests/fuzz/).

By default every fuzz test is derandomized: the same examples on every
run, so CI is reproducible and a failure reproduces by running the test
again. ``HYPOTHESIS_PROFILE=deep`` runs twenty times as many examples,
random ones, with Hypothesis' example database, to look for new failures
(add each one found as a regression test of its own).
"""

from __future__ import annotations

import json
import os
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

DEEP = os.environ.get("HYPOTHESIS_PROFILE") == "deep"
#: A 40-character API token (the app refuses tokens under 32 characters).
TOKEN = "fuzz-token-0123456789abcdefghijklmnopqrs"
assert len(TOKEN) == 40


def fuzz_settings(examples: int) -> settings:
    """``examples`` derandomized examples, or twenty times as many random ones when deep."""
    return settings(
        max_examples=examples * 20 if DEEP else examples,
        derandomize=not DEEP,
        database=settings.default.database if DEEP else None,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )


#: Text a hostile or broken producer sends: any code point but surrogates,
#: with control characters, BOMs and NULs made likely.
ODD_CHARS = st.sampled_from(
    ["\x00", "\x01", "\x1b", "\x7f", "\ufeff", "\u200b", "\u2028", "\ud7ff", "\U0010ffff", "\r"]
)
ODD_TEXT = st.lists(
    st.one_of(st.characters(exclude_categories=["Cs"]), ODD_CHARS), max_size=40
).map("".join)

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    ODD_TEXT,
)
#: Any JSON value, a few dozen leaves at most.
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=6), st.dictionaries(ODD_TEXT, children, max_size=6)
    ),
    max_leaves=40,
)


def nested(depth: int, leaf: Any = 1) -> Any:
    """A value nested ``depth`` levels deep, alternating lists and objects."""
    value = leaf
    for level in range(depth):
        value = [value] if level % 2 else {"a": value}
    return value


#: Values for an article's field: the right type, the wrong type, odd strings.
FIELD_VALUES = st.one_of(
    JSON_VALUES,
    st.sampled_from(
        ["", " ", "2021-08-30", "2021-08-30T06:00:00", "2021-02-30T06:00:00+08:00", "9" * 400]
    ),
    st.integers(min_value=0, max_value=60).map(nested),
)


@st.composite
def mutated_articles(draw: st.DrawFn, articles: list[dict[str, Any]]) -> Any:
    """A real article with fields replaced, removed or added, alone or in a list or an edition."""
    article = dict(draw(st.sampled_from(articles)))
    keys = sorted(article)
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        action = draw(
            st.sampled_from(["replace", "replace", "drop", "block", "block", "add", "deep", "deep"])
        )
        if action == "deep":  # somewhere inside: an author's name, a table's cell…
            key = draw(st.sampled_from(keys))
            article[key] = draw(_replaced_inside(article.get(key)))
        elif action == "replace":
            article[draw(st.sampled_from(keys))] = draw(FIELD_VALUES)
        elif action == "drop":
            article.pop(draw(st.sampled_from(keys)), None)
        elif action == "add":
            article[draw(ODD_TEXT)] = draw(FIELD_VALUES)
        else:  # a body block of any shape
            body = list(article.get("body") or []) if isinstance(article.get("body"), list) else []
            block = draw(
                st.one_of(
                    FIELD_VALUES,
                    st.fixed_dictionaries(
                        {"type": st.sampled_from(["paragraph", "image", "table", "quote", "x"])},
                        optional={
                            "text": FIELD_VALUES,
                            "html": FIELD_VALUES,
                            "src": FIELD_VALUES,
                            "rows": FIELD_VALUES,
                            "caption": FIELD_VALUES,
                        },
                    ),
                )
            )
            body.insert(draw(st.integers(min_value=0, max_value=len(body))), block)
            article["body"] = body
    shape = draw(st.sampled_from(["one", "list", "list", "edition"]))
    if shape == "list":
        return [article]
    if shape == "edition":
        return {"edition": draw(FIELD_VALUES), "articles": [article]}
    return article


@st.composite
def _replaced_inside(draw: st.DrawFn, value: Any) -> Any:
    """``value`` with one part at any depth replaced, removed or repeated."""
    if isinstance(value, dict) and value and draw(st.booleans()):
        key = draw(st.sampled_from(sorted(value)))
        return {**value, key: draw(_replaced_inside(value[key]))}
    if isinstance(value, list) and value and draw(st.booleans()):
        at = draw(st.integers(min_value=0, max_value=len(value) - 1))
        how = draw(st.sampled_from(["inside", "inside", "drop", "repeat"]))
        if how == "drop":
            return value[:at] + value[at + 1 :]
        if how == "repeat":
            return value[: at + 1] + [value[at]] * draw(st.integers(1, 5)) + value[at + 1 :]
        return [*value[:at], draw(_replaced_inside(value[at])), *value[at + 1 :]]
    return draw(FIELD_VALUES)


def json_bytes(value: Any) -> bytes:
    """``value`` as a UTF-8 JSON document, non-ASCII written as itself."""
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


#: Byte-level damage to a document: invalid UTF-8, BOMs, truncation, GBK.
@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    how = draw(
        st.sampled_from(
            ["none", "none", "none", "bom", "invalid", "truncate", "gbk", "utf16", "bytes"]
        )
    )
    if how == "bom":
        return b"\xef\xbb\xbf" + data
    if how == "invalid":
        at = draw(st.integers(min_value=0, max_value=len(data)))
        return (
            data[:at]
            + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80\x80"]))
            + data[at:]
        )
    if how == "truncate":
        return data[: draw(st.integers(min_value=0, max_value=len(data)))]
    if how == "gbk":
        return data.decode("utf-8", "replace").encode("gb18030", "replace")
    if how == "utf16":
        return data.decode("utf-8", "replace").encode("utf-16")
    if how == "bytes":
        return draw(st.binary(max_size=200))
    return data
