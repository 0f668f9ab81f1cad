"""The media store: photos checked from their bytes, kept by content, written atomically."""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from syndicator import files as atomic_files
from syndicator.errors import InputError, NotFoundError
from syndicator.store import MediaStore, StoredMedia, media_name, media_url
from syndicator.store import media as media_module


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_put_keeps_the_bytes_under_their_hash_with_a_thumbnail(
    tmp_path: Path, make_picture
) -> None:
    data = make_picture(1600, 1000)
    media = MediaStore(tmp_path / "media")
    stored = media.put(data, filename="现场.jpg")
    digest = hashlib.sha256(data).hexdigest()
    assert stored == StoredMedia(
        name=f"{digest}.jpg",
        sha256=digest,
        mime="image/jpeg",
        length=len(data),
        width=1600,
        height=1000,
        thumb_name=f"{digest}.jpg",
    )
    original = tmp_path / "media" / digest[:2] / f"{digest}.jpg"
    assert original.read_bytes() == data
    assert original.stat().st_mode & 0o777 == 0o644  # a static server may read it
    thumb = tmp_path / "media" / "thumbs" / digest[:2] / f"{digest}.jpg"
    with Image.open(thumb) as im:
        assert (im.format, im.size) == ("JPEG", (480, 300))
    assert _files(tmp_path / "media") == [
        f"{digest[:2]}/{digest}.jpg",
        f"thumbs/{digest[:2]}/{digest}.jpg",
    ]
    assert media.get(stored.name) == stored
    assert media.read(stored.name) == data
    assert media.open(stored.thumb_name, thumb=True) == thumb


def test_put_same_bytes_twice_is_one_file_left_alone(tmp_path: Path, make_picture) -> None:
    media = MediaStore(tmp_path)
    data = make_picture(fmt="PNG")
    first = media.put(data, filename="a.png")
    path = media.path_for(first.name)
    before = path.stat()
    second = media.put(data, filename="copy of a.png")
    assert second == first
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert len(_files(tmp_path)) == 2  # the photo and its thumbnail, no temporary files


def test_put_names_a_disguised_png_by_what_it_is(tmp_path: Path, make_picture) -> None:
    stored = MediaStore(tmp_path).put(make_picture(fmt="PNG"), filename="photo.jpg")
    assert stored.name.endswith(".png") and stored.mime == "image/png"
    assert media_module.media_type(stored.name) == "image/png"


def test_put_takes_a_phone_s_multi_picture_jpeg_as_jpeg(tmp_path: Path) -> None:
    """MPO: a JPEG with a second picture inside, which Pillow reports as its own format."""
    first, second = Image.new("RGB", (300, 200), "navy"), Image.new("RGB", (300, 200), "red")
    out = io.BytesIO()
    first.save(out, "MPO", save_all=True, append_images=[second])
    stored = MediaStore(tmp_path).put(out.getvalue(), filename="IMG_0001.JPG")
    assert (stored.ext, stored.mime, stored.width) == ("jpg", "image/jpeg", 300)


def test_put_takes_webp_and_flattens_transparency_in_the_thumbnail(
    tmp_path: Path, make_picture
) -> None:
    media = MediaStore(tmp_path)
    data = make_picture(800, 800, fmt="WEBP", mode="RGBA", color=(0, 0, 0, 0))
    stored = media.put(data, filename="x.webp")
    assert (stored.mime, stored.ext, stored.width) == ("image/webp", "webp", 800)
    with Image.open(media.open(stored.thumb_name, thumb=True)) as im:
        assert (im.mode, im.size) == ("RGB", (480, 480))
        assert im.getpixel((470, 10)) == pytest.approx((255, 255, 255), abs=3)  # white, not black


def test_put_applies_exif_orientation(tmp_path: Path, make_picture) -> None:
    """A phone's upright photo: pixels on their side, EXIF 6 turns them."""
    media = MediaStore(tmp_path)
    stored = media.put(make_picture(1200, 800, orientation=6), filename="手机.jpg")
    assert (stored.width, stored.height) == (800, 1200)  # as shown
    assert media.get(stored.name) == stored
    with Image.open(media.open(stored.thumb_name, thumb=True)) as im:
        assert im.size == (480, 720)
        # The dark half was the left; turned clockwise it is the top.
        assert sum(im.getpixel((240, 10))) < 150 and sum(im.getpixel((240, 710))) > 150


def test_put_bounds_tall_thumbnails(tmp_path: Path, make_picture) -> None:
    media = MediaStore(tmp_path)
    stored = media.put(make_picture(300, 3000, fmt="PNG"))
    with Image.open(media.open(stored.thumb_name, thumb=True)) as im:
        assert im.size == (96, 960)  # never enlarged, at most 960 high


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "photo.jpg: the file is empty"),
        (b"not a picture at all", "photo.jpg: not a JPEG, PNG or WebP picture: save it as JPEG"),
        (b"GIF89a" + b"\0" * 64, "not a JPEG, PNG or WebP picture (it is a GIF)"),
        (b"\0\0\0\x18ftypheic" + b"\0" * 64, "(it is a HEIC photo, as iPhones take them)"),
        (b"%PDF-1.7\n" + b"\0" * 64, "(it is a PDF)"),
    ],
)
def test_put_refuses_what_is_not_a_photo(tmp_path: Path, data: bytes, words: str) -> None:
    with pytest.raises(InputError, match=re.escape(words)):
        MediaStore(tmp_path).put(data, filename="photo.jpg")
    assert _files(tmp_path) == []


def test_put_refuses_a_real_gif_by_its_bytes(tmp_path: Path, make_picture) -> None:
    with pytest.raises(InputError) as info:
        MediaStore(tmp_path).put(make_picture(fmt="GIF", mode="P", color=3), filename="动图.jpg")
    assert str(info.value).startswith("动图.jpg: not a JPEG, PNG or WebP picture (it is a GIF)")
    assert info.value.file == "动图.jpg"


def test_put_refuses_a_cut_off_photo(tmp_path: Path, make_picture) -> None:
    data = make_picture(800, 600)
    with pytest.raises(InputError, match=r"cut\.jpg: the picture is damaged and cannot be read"):
        MediaStore(tmp_path).put(data[: len(data) // 2], filename="cut.jpg")
    assert _files(tmp_path) == []


def test_put_refuses_a_file_over_the_size_limit(tmp_path: Path, make_picture) -> None:
    data = make_picture(fmt="PNG")
    media = MediaStore(tmp_path, max_bytes=len(data) - 1)
    with pytest.raises(InputError, match=r"big\.png: \d+ KB; a photo may be at most \d+ KB"):
        media.put(data, filename="big.png")
    assert MediaStore(tmp_path).put(data).length == len(data)


def test_default_limits_are_a_camera_s_photo() -> None:
    media = MediaStore(Path("/nonexistent"))
    assert (media.max_bytes, media.max_pixels) == (20 * 1024 * 1024, 40_000_000)


@pytest.mark.parametrize(
    ("size", "words"),
    [
        ((8000, 6000), "8000x6000 pixels (48 megapixels); a photo may have at most 40 megapixels"),
        ((10_000, 10_000), "at most 40 megapixels"),  # over Pillow's own limit: it warns
        ((20_000, 20_000), "too many pixels; a photo may have at most 40 megapixels"),  # it refuses
    ],
)
def test_put_refuses_a_decompression_bomb(
    tmp_path: Path, png_claiming, size: tuple[int, int], words: str
) -> None:
    data = png_claiming(*size)
    assert len(data) < 10_000  # tiny on disk, gigabytes once decoded
    with pytest.raises(InputError, match=re.escape(words)):
        MediaStore(tmp_path).put(data, filename="bomb.png")
    assert _files(tmp_path) == []


def test_put_refuses_over_a_smaller_pixel_limit(tmp_path: Path, make_picture) -> None:
    with pytest.raises(InputError, match=r"at most 0\.1 megapixels"):
        MediaStore(tmp_path, max_pixels=100_000).put(make_picture(400, 300))


def test_put_interrupted_leaves_no_file_and_no_temporary(
    tmp_path: Path, make_picture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rename is the commit: before it, the name does not exist; a failed
    write cleans up after itself; the next put completes."""
    media = MediaStore(tmp_path)
    data = make_picture()
    seen: list[list[str]] = []
    real_replace = os.replace

    def crash(src: str, dst: str) -> None:
        seen.append(_files(tmp_path))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic_files.os, "replace", crash)
    with pytest.raises(OSError, match="No space"):
        media.put(data)
    assert len(seen[0]) == 1 and Path(seen[0][0]).name.startswith(".")  # only a temporary
    assert seen[0][0].endswith(".tmp")
    assert _files(tmp_path) == []
    monkeypatch.setattr(atomic_files.os, "replace", real_replace)
    stored = media.put(data)
    assert media.read(stored.name) == data


def _noise(width: int, height: int, fmt: str = "JPEG") -> bytes:
    """A photo JPEG cannot squeeze: every pixel random (seeded, so the same each run)."""
    rng = random.Random(7)
    im = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    out = io.BytesIO()
    im.save(out, fmt, quality=95)
    return out.getvalue()


def test_read_within_hands_back_a_jpeg_or_png_that_fits_as_it_is(
    tmp_path: Path, make_picture
) -> None:
    media = MediaStore(tmp_path)
    for fmt in ("JPEG", "PNG"):
        data = make_picture(fmt=fmt)
        stored = media.put(data)
        assert media.read_within(stored.name, max_bytes=len(data)) == data


def test_read_within_makes_a_jpeg_of_what_does_not_fit(tmp_path: Path, make_picture) -> None:
    """WeChat takes JPEG or PNG under 1 MB in a post: a WebP, or a camera's
    6 MB JPEG, becomes a smaller JPEG, upright, the same bytes every time."""
    media = MediaStore(tmp_path)
    webp = media.put(make_picture(1200, 800, fmt="WEBP", orientation=None))
    copy = media.read_within(webp.name, max_bytes=1024 * 1024)
    with Image.open(io.BytesIO(copy)) as im:
        assert (im.format, im.size) == ("JPEG", (1200, 800))
    big = media.put(_noise(3000, 2000))
    assert big.length > 1024 * 1024
    fitted = media.read_within(big.name, max_bytes=1024 * 1024)
    assert len(fitted) <= 1024 * 1024
    assert fitted == media.read_within(big.name, max_bytes=1024 * 1024)
    with Image.open(io.BytesIO(fitted)) as im:
        assert im.format == "JPEG" and im.size[0] in (1440, 1080, 720) and im.size[1] < im.size[0]
    turned = media.put(make_picture(1200, 800, fmt="JPEG", orientation=6))
    with Image.open(io.BytesIO(media.read_within(turned.name, max_bytes=10_000))) as im:
        assert im.size[0] < im.size[1]  # EXIF dropped, so the pixels themselves stand up


def test_read_within_says_when_nothing_fits(tmp_path: Path) -> None:
    media = MediaStore(tmp_path)
    stored = media.put(_noise(600, 400, "PNG"))
    with pytest.raises(InputError, match="cannot make it 100 bytes or less even at 480 px"):
        media.read_within(stored.name, max_bytes=100)
    with pytest.raises(NotFoundError):
        media.read_within("0" * 64 + ".png", max_bytes=100)


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "..",
        "",
        "ab/" + "a" * 64 + ".jpg",
        "a" * 64 + ".jpg/../x",
        "A" * 64 + ".jpg",
        "a" * 63 + ".jpg",
        "a" * 64 + ".gif",
        "a" * 64 + ".JPG",
        "a" * 64 + ".jpg\x00",
        "a" * 64 + ".jpg\n",
        "thumbs/" + "a" * 64 + ".jpg",
        "/etc/passwd",
    ],
)
def test_names_that_are_not_content_names_are_refused(tmp_path: Path, name: str) -> None:
    media = MediaStore(tmp_path)
    for call in (media.path_for, media.open, media.get, media.read):
        with pytest.raises(InputError, match="is not a media name"):
            call(name)
    with pytest.raises(InputError, match="is not a thumbnail name"):
        media.open(name, thumb=True)


def test_a_thumbnail_is_always_a_jpeg_name(tmp_path: Path) -> None:
    media = MediaStore(tmp_path)
    with pytest.raises(InputError):
        media.path_for("a" * 64 + ".png", thumb=True)
    assert media.path_for("a" * 64 + ".jpg", thumb=True) == (
        tmp_path / "thumbs" / "aa" / ("a" * 64 + ".jpg")
    )


def test_unknown_content_names_are_not_found(tmp_path: Path) -> None:
    media = MediaStore(tmp_path)
    name = "0" * 64 + ".jpg"
    assert media.get(name) is None
    with pytest.raises(NotFoundError, match=f"media {name}: not in the store"):
        media.open(name)
    with pytest.raises(NotFoundError):
        media.open(name, thumb=True)


def test_media_urls_round_trip_only_for_this_site() -> None:
    base = "https://news.example.com"
    name = "ab" * 32 + ".webp"
    url = media_url(base + "/", name)
    assert url == f"https://news.example.com/media/{name}"
    assert media_url(base, name, thumb=True) == f"https://news.example.com/media/thumbs/{name}"
    assert media_name(url, base) == name
    for other in (
        f"https://other.example.com/media/{name}",
        f"{url}?w=100",
        f"{base}/media/thumbs/{name}",
        f"{base}/media/../{name}",
        f"{base}/static/{name}",
        None,
        "",
    ):
        assert media_name(other, base) is None, other


def test_serving_photos_loads_no_pillow() -> None:
    """The web worker reads files: Pillow loads only where a photo is checked."""
    code = "import json, sys, syndicator.web; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/"
    )
    assert not [m for m in json.loads(done.stdout) if m.split(".")[0] == "PIL"]


def test_stored_thumbnail_is_small(tmp_path: Path, make_picture) -> None:
    media = MediaStore(tmp_path)
    stored = media.put(make_picture(4000, 3000))
    thumb = media.open(stored.thumb_name, thumb=True).read_bytes()
    assert len(thumb) < 40_000
    with Image.open(io.BytesIO(thumb)) as im:
        assert im.size == (480, 360)
