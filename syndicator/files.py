"""Output files replaced atomically, with a precompressed twin.

A reader polling mid-pass must see either the old feed or the new one,
never half a file: each file is written to a temporary name in the same
directory, flushed to disk, then renamed over the old one. The ``.gz``
twin is what nginx's ``gzip_static`` and our own server send to clients
that accept gzip; it is deterministic (no name, mtime 0) so that its bytes
too are a pure function of the feed.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from datetime import datetime
from pathlib import Path


def gzip_bytes(data: bytes) -> bytes:
    """Deterministic gzip: same input, same output, on every machine."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def write_atomic(path: Path, data: bytes, *, modified: datetime | None = None) -> None:
    """Replace ``path`` with ``data`` so that no reader sees a partial file.

    :param modified: set as the file's mtime, so that a static server's
        ``Last-Modified`` is the feed's own update time, not the time of
        whichever instance wrote it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        if modified is not None:
            stamp = modified.timestamp()
            os.utime(tmp, (stamp, stamp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def file_digest(path: Path) -> str | None:
    """SHA-256 of a file's bytes, or ``None`` when it does not exist."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def write_document(path: Path, data: bytes, *, modified: datetime | None = None) -> bool:
    """Write a served document and its ``.gz`` twin if the bytes differ.

    :return: whether anything was written.
    """
    gz_path = path.with_name(path.name + ".gz")
    gz = gzip_bytes(data)
    # Both files are checked: a pass killed between the two writes leaves a
    # new .gz beside the old plain file, and the next pass must mend that
    # even when it renders the old bytes again.
    if (
        file_digest(path) == hashlib.sha256(data).hexdigest()
        and file_digest(gz_path) == hashlib.sha256(gz).hexdigest()
    ):
        return False
    # The .gz goes first: a reader who sees the new plain file must not get
    # the old compressed one.
    write_atomic(gz_path, gz, modified=modified)
    write_atomic(path, data, modified=modified)
    return True


def remove_temp_files(directory: Path) -> list[Path]:
    """Delete the temporary files of writes that never finished (a killed process).

    Call it only while no write into ``directory`` is under way.

    :return: the files removed.
    """
    removed = []
    for tmp in directory.rglob(".*.tmp"):
        if tmp.is_file():
            tmp.unlink(missing_ok=True)
            removed.append(tmp)
    return removed


def remove_document(path: Path) -> bool:
    """Delete a served document and its ``.gz`` twin; ``True`` if one existed."""
    existed = False
    for p in (path, path.with_name(path.name + ".gz")):
        try:
            p.unlink()
            existed = True
        except FileNotFoundError:
            pass
    return existed
