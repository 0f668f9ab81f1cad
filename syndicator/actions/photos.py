"""Photos from the desk: into the media store, onto an article, one as the WeChat cover.

A picture is stored once by its content (its SHA-256 names the file), so
uploading the same photo twice, or to two articles, keeps one file. It is
attached as an image block with its caption, credit and byte length (RSS
enclosures state it), and saved as a correction of the article.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.engine import Engine

from ..config import Config
from ..errors import InputError
from ..model import Block
from ..store.media import MediaStore, StoredMedia, media_url
from .articles import get_article
from .editing import correct_article


def media_store(config: Config) -> MediaStore:
    return MediaStore(config.media_dir)


def attach_photos(
    engine: Engine,
    config: Config,
    article_id: str,
    uploads: Sequence[tuple[str, bytes]],
    *,
    caption: str | None,
    credit: str | None,
    actor: str,
    now: datetime,
    position: int | None = None,
) -> list[StoredMedia]:
    """Store ``uploads`` and add them to the article as image blocks.

    :param position: the body index to insert before; ``None`` appends.
    :raises InputError: naming the file that is no JPEG, PNG or WebP picture.
    """
    if not uploads:
        raise InputError("choose a picture to upload", field="photo")
    media = media_store(config)
    stored = [media.put(data, filename=name) for name, data in uploads]  # all checked first
    article = get_article(engine, article_id)
    blocks = tuple(
        Block(
            "image",
            src=media_url(config.site.base_url, item.name),
            caption=caption or None,
            credit=credit or None,
            length=item.length,
        )
        for item in stored
    )
    body = list(article.body)
    at = len(body) if position is None else max(0, min(position, len(body)))
    body[at:at] = blocks
    changed = article.replace(body=tuple(body))
    names = "、".join(name for name, _ in uploads)
    correct_article(engine, article_id, changed, actor=actor, now=now, action="photo", note=names)
    return stored


def set_cover(
    engine: Engine, article_id: str, src: str | None, *, actor: str, now: datetime
) -> None:
    """Choose the picture WeChat shows as the post's cover (``None``: the first one).

    :raises InputError: when ``src`` is not one of the article's pictures.
    """
    article = get_article(engine, article_id)
    if src is not None and src not in {b.src for b in article.images}:
        raise InputError("the cover must be one of the article's pictures", field="cover")
    correct_article(
        engine, article_id, article.replace(cover=src), actor=actor, now=now, action="cover"
    )
