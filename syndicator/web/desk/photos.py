"""An article's pictures on the desk: upload, caption, and the WeChat cover."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ...actions import articles as article_actions
from ...actions import photos as photo_actions
from ...errors import InputError
from ...render.wechat.post import cover_src
from ...store.media import media_name, media_url
from ..db import get_config, get_engine, get_now
from .session import actor, bp

#: What the file picker offers (the server checks the bytes, not the name).
ACCEPT = "image/jpeg,image/png,image/webp"
#: The media store's refusals in the desk's words (its messages are English).
MESSAGES = (
    ("not a JPEG, PNG or WebP picture", "不是 JPEG、PNG 或 WebP 图片，请另存为 JPEG 后上传"),
    ("the file is empty", "文件是空的"),
    ("a photo may be at most", "文件太大，请缩小后上传"),
    ("megapixels", "像素过多，请缩小后上传"),
    ("too many pixels", "像素过多，请缩小后上传"),
    ("damaged", "图片已损坏，无法读取，请重新上传"),
)


def _refusal(exc: InputError) -> str:
    """Which file was refused and why, in Chinese: one bad photo of several is named."""
    reason = next((zh for en, zh in MESSAGES if en in exc.message), exc.message)
    return f"无法使用 {exc.file}：{reason}" if exc.file else f"无法使用此文件：{reason}"


def _page(article_id: str, status: int = 200, **errors: str) -> tuple[str, int]:
    config = get_config()
    article = article_actions.get_article(get_engine(), article_id)
    images = [
        {
            "block": b,
            "index": i,
            "thumb": _thumb(b.src, config.site.base_url),
        }
        for i, b in enumerate(article.body)
        if b.type == "image"
    ]
    page = render_template(
        "desk/photos.html",
        article=article,
        images=images,
        cover=cover_src(article),
        accept=ACCEPT,
        errors=errors,
        form=request.form if request.method == "POST" else {},
    )
    return page, status


def _thumb(src: str | None, base_url: str) -> str | None:
    """The small copy the desk shows: the media store's thumbnail, else the picture."""
    name = media_name(src, base_url)
    if name is None:
        return src
    return media_url(base_url, name.rsplit(".", 1)[0] + ".jpg", thumb=True)  # thumbs are JPEG


@bp.get("/articles/<article_id>/photos")
def photos(article_id: str) -> tuple[str, int]:
    return _page(article_id)


@bp.post("/articles/<article_id>/photos")
def upload_photos(article_id: str) -> ResponseReturnValue:
    uploads = [
        (f.filename or "upload", f.read())
        for f in request.files.getlist("photo")
        if f and (f.filename or f.content_length)
    ]
    uploads = [(name, data) for name, data in uploads if data]
    if not uploads:
        return _page(article_id, 400, photo="请选择要上传的图片")
    position = request.form.get("position", type=int)
    try:
        stored = photo_actions.attach_photos(
            get_engine(),
            get_config(),
            article_id,
            uploads,
            caption=" ".join(request.form.get("caption", "").split()) or None,
            credit=" ".join(request.form.get("credit", "").split()) or None,
            actor=actor(),
            now=get_now(),
            position=position,
        )
    except InputError as exc:
        return _page(article_id, 400, photo=_refusal(exc))
    flash(f"已添加 {len(stored)} 张图片", "ok")
    return redirect(url_for("desk.photos", article_id=article_id))


@bp.post("/articles/<article_id>/cover")
def choose_cover(article_id: str) -> ResponseReturnValue:
    src = request.form.get("src") or None
    try:
        photo_actions.set_cover(get_engine(), article_id, src, actor=actor(), now=get_now())
    except InputError:
        return _page(article_id, 400, cover="封面必须是本稿中的图片")
    flash("已设为微信封面", "ok")
    return redirect(url_for("desk.photos", article_id=article_id))
