"""Photos from the media store over HTTP: content types, year-long caching, ETag and 304."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from syndicator.web import create_app

YEAR = "public, max-age=31536000, immutable"
# Requests are ``buffered``: a photo is streamed from its file, which the
# test client closes only once the body has been read.


@pytest.fixture
def photo(media_store, make_picture):
    return media_store.put(make_picture(1200, 800, fmt="PNG"), filename="现场.png")


def test_photo_is_served_with_its_type_and_a_year_of_cache(client, photo, media_store) -> None:
    response = client.get(f"/media/{photo.name}", buffered=True)
    assert response.status_code == 200
    assert response.data == media_store.read(photo.name)
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Content-Length"] == str(photo.length)
    assert response.headers["ETag"] == f'"{photo.sha256}"'  # strong: the content hash
    assert response.headers["Cache-Control"] == YEAR
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_thumbnail_is_a_jpeg_with_its_own_tag(client, photo) -> None:
    response = client.get(f"/media/thumbs/{photo.thumb_name}", buffered=True)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["ETag"] == f'"{photo.sha256}-thumb"'
    assert response.headers["Cache-Control"] == YEAR
    with Image.open(io.BytesIO(response.data)) as im:
        assert im.size == (480, 320)


@pytest.mark.parametrize("thumb", [False, True])
def test_revalidation_with_the_tag_is_a_304(client, photo, thumb) -> None:
    url = f"/media/thumbs/{photo.thumb_name}" if thumb else f"/media/{photo.name}"
    etag = client.get(url, buffered=True).headers["ETag"]
    for sent in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = client.get(url, headers={"If-None-Match": sent}, buffered=True)
        assert again.status_code == 304, sent
        assert again.data == b""
        assert again.headers["ETag"] == etag
        assert again.headers["Cache-Control"] == YEAR
    assert client.get(url, headers={"If-None-Match": '"other"'}, buffered=True).status_code == 200


def test_head_says_what_get_would_without_the_body(client, photo) -> None:
    response = client.head(f"/media/{photo.name}", buffered=True)
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["Content-Length"] == str(photo.length)
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["ETag"] == f'"{photo.sha256}"'


def test_webp_and_jpeg_have_their_types(client, media_store, make_picture) -> None:
    for fmt, kind in (("WEBP", "image/webp"), ("JPEG", "image/jpeg")):
        stored = media_store.put(make_picture(fmt=fmt))
        assert client.get(f"/media/{stored.name}", buffered=True).headers["Content-Type"] == kind


@pytest.mark.parametrize(
    "path",
    [
        "/media/" + "0" * 64 + ".jpg",  # well-formed, not in the store
        "/media/thumbs/" + "0" * 64 + ".jpg",
        "/media/photo.jpg",
        "/media/" + "0" * 64 + ".gif",
        "/media/..%2F..%2Fconfig.toml",
        "/media/../config.toml",
        "/media/%2E%2E",
        "/media/thumbs/../../store.db",
        "/media/thumbs/",
        "/media/",
        "/media",
    ],
)
def test_unknown_or_ill_formed_names_are_404(client, photo, path) -> None:
    (photo_dir := client.application.extensions["syndicator.media"].root).mkdir(exist_ok=True)
    (photo_dir / "config.toml").write_text("secret", encoding="utf-8")
    response = client.get(path, buffered=True)
    assert response.status_code == 404, path
    assert b"secret" not in response.data
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert (
        "Cache-Control" not in response.headers
        or "immutable" not in (response.headers["Cache-Control"])
    )


def test_a_thumbnail_name_is_not_served_as_a_photo_of_another_type(client, photo) -> None:
    png_name_as_jpeg = photo.name.replace(".png", ".jpg")
    assert client.get(f"/media/{png_name_as_jpeg}", buffered=True).status_code == 404


def test_media_is_served_with_and_without_the_feed_fast_path(
    config, engine, media_store, make_picture
) -> None:
    """The fast path in front of Flask answers /feeds/ only: /media/ reaches Flask."""
    stored = media_store.put(make_picture())
    for fast in (True, False):
        app = create_app(config, {"TESTING": True, "FEEDS_FAST_PATH": fast})
        response = app.test_client().get(f"/media/{stored.name}", buffered=True)
        assert response.status_code == 200, fast
        assert response.headers["ETag"] == f'"{stored.sha256}"'
