"""A correction keeps most of an article; another article under its id is no correction."""

from __future__ import annotations

import dataclasses

from support.sampledata import load_articles

from syndicator.model import Block
from syndicator.model.replacement import is_replacement, likeness


def test_likeness_is_one_for_equal_text_and_low_for_unrelated_text() -> None:
    assert likeness("开学，防疫先行", "开学， 防疫先行") == 1.0
    assert likeness("开学，防疫先行", "开学，防役先行") > 0.5  # a typo fixed
    assert likeness("开学，防疫先行", "职工书屋开进建筑工地") < 0.1


def test_small_fixes_are_corrections_and_a_new_article_is_not() -> None:
    first, second, *_ = load_articles()
    typo = dataclasses.replace(first, title=first.title.replace("一批", "一些"))
    assert not is_replacement(first, typo)
    new_photo = dataclasses.replace(first, body=(*first.body, Block("image", caption="图为现场")))
    assert not is_replacement(first, new_photo)
    retitled = dataclasses.replace(first, title=second.title)  # same text, new headline
    assert not is_replacement(first, retitled)
    other = dataclasses.replace(second, id=first.id)
    assert is_replacement(first, other)
