"""The media store: the newsroom's photos as content-addressed files.

A photo is kept under the SHA-256 of its bytes (``<root>/ab/ab12….jpg``),
so the same picture uploaded twice is one file, a name never points at
different bytes (``/media/<name>`` can be cached for a year), and nothing
needs a table: the name is the whole record. Beside it, under
``<root>/thumbs/``, a small JPEG for the newsroom's pages.

What goes in is checked from the bytes, never from the file name: JPEG,
PNG or WebP only, at most :data:`MAX_BYTES` and :data:`MAX_PIXELS` (a
small file can claim a huge picture, and decoding it would take the
memory of the server), and it must decode to the end. Files are written
to a temporary name, flushed, then renamed, so a reader never sees half a
photo and a second writer of the same bytes changes nothing.

Pillow is imported when a photo is checked or measured, not with the
module: the web worker serving ``/media/`` only reads files.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError, NotFoundError
from ..files import write_atomic

if TYPE_CHECKING:
    from PIL.Image import Image as Picture

#: The largest photo file taken (a camera's JPEG is 3–15 MB).
MAX_BYTES = 20 * 1024 * 1024
#: The most pixels a photo may have: a 40-megapixel camera's full frame.
#: Decoding takes about 4 bytes a pixel, so this bounds an upload's memory.
MAX_PIXELS = 40_000_000
#: Thumbnails fit this box (wide pictures are 480 px wide; tall ones are cut
#: down to 960 px high), as JPEG at this quality.
THUMB_BOX = (480, 960)
THUMB_QUALITY = 82
THUMBS = "thumbs"
#: The longer side of a copy made to fit a size limit (:meth:`MediaStore.read_within`):
#: the first that fits. WeChat shows a post's pictures at most 1080 px wide.
FIT_SIDES = (2560, 1920, 1440, 1080, 720, 480)
FIT_QUALITY = 85
#: Where the web app serves the store: ``/media/<name>``, ``/media/thumbs/<name>``.
URL_PATH = "/media/"

#: Pillow's format name -> (media type, extension). MPO is the JPEG phones
#: write with a second, depth or preview picture inside; browsers read it as JPEG.
KINDS = {
    "JPEG": ("image/jpeg", "jpg"),
    "MPO": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
#: What Pillow may try to read a file as (it opens MPO through its JPEG reader).
OPEN_FORMATS = ["JPEG", "PNG", "WEBP"]
MEDIA_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
_NAME = re.compile(r"([0-9a-f]{64})\.(jpg|png|webp)")
_THUMB_NAME = re.compile(r"([0-9a-f]{64})\.jpg")
#: Formats staff are likely to try, by their first bytes, to say what was sent.
_OTHER_KINDS = (
    (b"GIF8", "a GIF"),
    (b"BM", "a BMP"),
    (b"II*\x00", "a TIFF"),
    (b"MM\x00*", "a TIFF"),
    (b"%PDF", "a PDF"),
)
#: EXIF orientations that turn the picture a quarter: width and height swap.
_QUARTER_TURNS = {5, 6, 7, 8}
_ORIENTATION = 0x0112
_FILTERS_LOCK = threading.Lock()


@dataclass(frozen=True)
class StoredMedia:
    """One photo in the store.

    ``width`` and ``height`` are as the picture is shown, its EXIF
    orientation applied (a phone's portrait photo is taller than wide
    whatever its pixels' order in the file). ``length`` is the file's size
    in bytes (an RSS enclosure's ``length``).
    """

    name: str
    sha256: str
    mime: str
    length: int
    width: int
    height: int
    thumb_name: str

    @property
    def ext(self) -> str:
        return self.name.rsplit(".", 1)[1]


def media_url(base_url: str, name: str, *, thumb: bool = False) -> str:
    """The address of a stored photo (or its thumbnail) on the site at ``base_url``."""
    folder = f"{THUMBS}/" if thumb else ""
    return f"{base_url.rstrip('/')}{URL_PATH}{folder}{name}"


def media_name(src: str | None, base_url: str) -> str | None:
    """The store's name for ``src`` when it is a photo of this site's store, else ``None``.

    Only the exact address :func:`media_url` makes counts: a picture with a
    query string, on another host or under another path is somebody else's.
    """
    prefix = f"{base_url.rstrip('/')}{URL_PATH}"
    if not src or not src.startswith(prefix):
        return None
    name = src[len(prefix) :]
    return name if _NAME.fullmatch(name) else None


def media_type(name: str) -> str:
    """The media type of a content name (its extension was set from its bytes)."""
    return MEDIA_TYPES[name.rsplit(".", 1)[-1]]


class MediaStore:
    """Photos under ``root``, by content.

    :param root: the directory (created on the first :meth:`put`).
    :param max_bytes: the largest file :meth:`put` takes.
    :param max_pixels: the most pixels :meth:`put` takes.
    """

    def __init__(
        self, root: Path, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS
    ) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes
        self.max_pixels = max_pixels

    # -- names -> files ----------------------------------------------------------

    def path_for(self, name: str, *, thumb: bool = False) -> Path:
        """Where the photo (or thumbnail) called ``name`` is kept, present or not.

        :raises InputError: ``name`` is not a content name (``<sha256>.jpg``,
            ``.png`` or ``.webp``; thumbnails are ``.jpg``): nothing else,
            least of all a path, ever reaches the file system.
        """
        match = (_THUMB_NAME if thumb else _NAME).fullmatch(name)
        if match is None:
            what = (
                "thumbnail name (<sha256>.jpg)"
                if thumb
                else "media name (<sha256>.jpg, .png or .webp)"
            )
            raise InputError(f"{name[:80]!r} is not a {what}")
        digest = match.group(1)
        base = self.root / THUMBS if thumb else self.root
        return base / digest[:2] / name

    def open(self, name: str, *, thumb: bool = False) -> Path:
        """The file of a photo (or thumbnail) that is in the store.

        :raises InputError: ``name`` is not a content name.
        :raises NotFoundError: no such photo.
        """
        path = self.path_for(name, thumb=thumb)
        if not path.is_file():
            raise NotFoundError(f"media {name}: not in the store")
        return path

    def read(self, name: str) -> bytes:
        """The bytes of a stored photo, as uploaded."""
        return self.open(name).read_bytes()

    def read_within(self, name: str, *, max_bytes: int) -> bytes:
        """The photo as a JPEG or PNG of at most ``max_bytes``, for places that take
        nothing else (WeChat: body pictures under 1 MB, covers under 10 MB).

        The stored bytes when they already are; otherwise a JPEG, upright and
        with any transparency on white, as large as fits: 2,560 px on its
        longer side at most, then the smaller steps of :data:`FIT_SIDES`.
        The same photo always gives the same bytes.

        :raises NotFoundError: no such photo.
        :raises InputError: not even the smallest step fits.
        """
        data = self.read(name)
        if name.endswith((".jpg", ".png")) and len(data) <= max_bytes:
            return data
        from PIL import Image, ImageOps

        largest = (FIT_SIDES[0], FIT_SIDES[0])
        with Image.open(io.BytesIO(data), formats=OPEN_FORMATS) as im:
            im.draft("RGB", largest)  # a JPEG decodes at a fraction of its size
            upright = _flat(ImageOps.exif_transpose(im))
        upright.thumbnail(largest, Image.Resampling.LANCZOS)
        for side in FIT_SIDES:
            copy = upright.copy()
            copy.thumbnail((side, side), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            copy.save(out, "JPEG", quality=FIT_QUALITY, optimize=True)
            if out.tell() <= max_bytes:
                return out.getvalue()
        raise InputError(
            f"media {name}: cannot make it {_size(max_bytes)} or less even at {FIT_SIDES[-1]} px"
        )

    def get(self, name: str) -> StoredMedia | None:
        """What the store knows of ``name``, or ``None`` if it holds no such photo.

        :raises InputError: ``name`` is not a content name.
        """
        path = self.path_for(name)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        from PIL import Image

        _refuse_bomb_warnings()
        with Image.open(io.BytesIO(data), formats=OPEN_FORMATS) as im:
            width, height = _shown_size(im)
        digest = name.split(".", 1)[0]
        return StoredMedia(
            name=name,
            sha256=digest,
            mime=media_type(name),
            length=len(data),
            width=width,
            height=height,
            thumb_name=f"{digest}.jpg",
        )

    # -- writing -------------------------------------------------------------------

    def put(self, data: bytes, *, filename: str | None = None) -> StoredMedia:
        """Check a photo, keep it under its content's name, make its thumbnail.

        Storing the same bytes again changes nothing and returns the same
        record. The name's extension comes from the bytes: a PNG called
        ``photo.jpg`` is stored as ``….png``.

        :param filename: the name it was uploaded under, for messages only.
        :raises InputError: naming ``filename``: too large, not a JPEG, PNG
            or WebP, too many pixels, or damaged.
        """
        where = filename or None
        if not data:
            raise InputError("the file is empty", file=where)
        if len(data) > self.max_bytes:
            raise InputError(
                f"{_size(len(data))}; a photo may be at most {_size(self.max_bytes)}: "
                "make it smaller",
                file=where,
            )
        digest = hashlib.sha256(data).hexdigest()
        fmt, (width, height), thumb = self._check(data, where)
        mime, ext = KINDS[fmt]
        name = f"{digest}.{ext}"
        record = StoredMedia(
            name=name,
            sha256=digest,
            mime=mime,
            length=len(data),
            width=width,
            height=height,
            thumb_name=f"{digest}.jpg",
        )
        # The thumbnail first: a photo in the store always has one.
        _write_once(self.path_for(record.thumb_name, thumb=True), thumb)
        _write_once(self.path_for(name), data)
        return record

    def _check(self, data: bytes, where: str | None) -> tuple[str, tuple[int, int], bytes]:
        """The format, shown size and thumbnail of a photo, or why it is refused."""
        from PIL import Image, UnidentifiedImageError

        _refuse_bomb_warnings()
        megapixels = f"{self.max_pixels / 1_000_000:g} megapixels"
        try:
            with Image.open(io.BytesIO(data), formats=OPEN_FORMATS) as im:
                fmt = im.format or ""
                width, height = im.size
                if width * height > self.max_pixels:
                    raise InputError(
                        f"{width}x{height} pixels ({width * height / 1_000_000:.0f} megapixels);"
                        f" a photo may have at most {megapixels}: make it smaller",
                        file=where,
                    )
                shown = _shown_size(im)
                # JPEG decodes at a fraction of its size when that is all a
                # thumbnail needs; every format still reads to the end here,
                # so a damaged or cut-off file is refused.
                im.draft("RGB", THUMB_BOX)
                im.load()
                thumb = _thumbnail(im)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise InputError(
                f"too many pixels; a photo may have at most {megapixels}: make it smaller",
                file=where,
            ) from None
        except UnidentifiedImageError:
            raise InputError(
                f"not a JPEG, PNG or WebP picture{_what_it_is(data)}: "
                "save it as JPEG (or PNG) and upload that",
                file=where,
            ) from None
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise InputError(
                f"the picture is damaged and cannot be read ({exc}): upload it again",
                file=where,
            ) from None
        return fmt, shown, thumb


def _refuse_bomb_warnings() -> None:
    """Make Pillow's ``DecompressionBombWarning`` an error, whatever the process's filters.

    Pillow only warns about pictures between its own limit and twice that,
    and goes on decoding; every such picture is over :data:`MAX_PIXELS`
    anyway, so :meth:`MediaStore.put` refuses it instead. (Adding the same
    filter again replaces it: the list does not grow.)
    """
    from PIL import Image

    with _FILTERS_LOCK:  # two uploads at once must not edit the list together
        warnings.filterwarnings("error", category=Image.DecompressionBombWarning)


def _shown_size(im: Picture) -> tuple[int, int]:
    """The size as shown: EXIF orientations 5 to 8 turn the picture a quarter."""
    width, height = im.size
    if im.getexif().get(_ORIENTATION) in _QUARTER_TURNS:
        return height, width
    return width, height


def _thumbnail(im: Picture) -> bytes:
    """A JPEG no larger than :data:`THUMB_BOX`, upright, transparency on white."""
    from PIL import Image, ImageOps

    upright = ImageOps.exif_transpose(im)
    icc = upright.info.get("icc_profile") if upright.mode in ("RGB", "RGBA") else None
    upright.thumbnail(THUMB_BOX, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    _flat(upright).save(out, "JPEG", quality=THUMB_QUALITY, optimize=True, icc_profile=icc)
    return out.getvalue()


def _flat(im: Picture) -> Picture:
    """RGB for JPEG: any transparency laid on white (black is what JPEG would make of it)."""
    from PIL import Image

    if not im.has_transparency_data:
        return im.convert("RGB")
    rgba = im.convert("RGBA")
    flat = Image.new("RGB", rgba.size, (255, 255, 255))
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return flat


def _what_it_is(data: bytes) -> str:
    """`` (it is a GIF)`` for the formats people send by mistake, else nothing."""
    head = data[:16]
    for magic, kind in _OTHER_KINDS:
        if head.startswith(magic):
            return f" (it is {kind})"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"hevc"):
            return " (it is a HEIC photo, as iPhones take them)"
        if brand in (b"avif", b"avis"):
            return " (it is an AVIF)"
    if head.lstrip().startswith((b"<svg", b"<?xml")):
        return " (it is an SVG drawing)"
    return ""


def _size(length: int) -> str:
    """A size in bytes as people say it: ``20 MB``, ``23.4 MB``, ``300 KB``, ``100 bytes``."""
    if length >= 1024 * 1024:
        return f"{round(length / 1024 / 1024, 1):g} MB"
    if length >= 1024:
        return f"{round(length / 1024):g} KB"
    return f"{length} bytes"


def _write_once(path: Path, data: bytes) -> None:
    """Put ``data`` at ``path`` atomically, unless the same-sized file is there.

    Names are content hashes, so a file of the right size at its name holds
    these bytes (a write is never partial: temporary name, flush, rename).
    """
    try:
        if path.stat().st_size == len(data):
            return
    except FileNotFoundError:
        pass
    write_atomic(path, data)
