"""Output files replaced atomically, with a precompressed twin.

A reader polling mid-pass must see either the old feed or the new one,
never half a file: each file is written to a temporary name in the same
directory, flushed to disk, then renamed over the old one. The ``.gz``
twin is what nginx's ``gzip_static`` and our own server send to clients
that accept gzip; it is deterministic (no name, mtime 0) so that its bytes
too are a pure function of the feed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gzip
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from ..files import fsync_dir, write_atomic


def gzip_bytes(data: bytes) -> bytes:
    """Deterministic gzip: same input, same output, on every machine."""
    return gzip.compress(data, compresslevel=9, mtime=0)


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


def _libc_syncfs() -> Callable[[int], int] | None:
    """``syncfs(2)`` where the C library has it (Linux), else ``None``."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.syncfs
    except (OSError, AttributeError):
        return None


_syncfs = _libc_syncfs()


def sync_filesystem(directory: Path, files: Iterable[Path]) -> None:
    """Make ``files`` (and the directory entries naming them) durable.

    One ``syncfs`` of the file system holding ``directory`` costs what one
    ``fsync`` does and covers every file at once; without it, each file
    and each directory is synced on its own.
    """
    if _syncfs is not None:
        fd = os.open(directory, os.O_RDONLY)
        try:
            if _syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    folders = set()
    for path in files:
        with open(path, "rb") as fh:
            os.fsync(fh.fileno())
        folders.add(path.parent)
    for folder in sorted(folders):
        fsync_dir(folder)


def write_documents(
    root: Path,
    documents: Iterable[tuple[Path, bytes, datetime | None]],
    *,
    on_replace: Callable[[int, int], None] | None = None,
) -> list[Path]:
    """:func:`write_document` for many files, synced to disk together.

    Every changed file and its ``.gz`` twin go to temporary names first;
    one sync makes them durable; then each pair is renamed into place
    (the ``.gz`` first, as :func:`write_document` does) and a last sync
    makes the renames durable. A crash leaves each document old or new,
    never partial, as with one file at a time, for two syncs instead of
    four per document.

    :param on_replace: ``on_replace(done, total)``, called once the
        temporary files are durable (``done`` 0) and after each rename,
        so that the publish pass can announce its steps
        (:mod:`.checkpoints`); not called when nothing changed.
    :return: the documents written (those whose bytes changed).
    """
    pending: list[tuple[Path, list[tuple[str, Path]]]] = []
    try:
        for path, data, modified in documents:
            gz_path = path.with_name(path.name + ".gz")
            gz = gzip_bytes(data)
            if (
                file_digest(path) == hashlib.sha256(data).hexdigest()
                and file_digest(gz_path) == hashlib.sha256(gz).hexdigest()
            ):
                continue
            pending.append(
                (
                    path,
                    [
                        (_write_temp(gz_path, gz, modified), gz_path),
                        (_write_temp(path, data, modified), path),
                    ],
                )
            )
        if not pending:
            return []
        sync_filesystem(root, [Path(tmp) for _, pairs in pending for tmp, _ in pairs])
        total, done = 2 * len(pending), 0
        if on_replace is not None:
            on_replace(done, total)
        for _, pairs in pending:
            for tmp, final in pairs:
                os.replace(tmp, final)
                done += 1
                if on_replace is not None:
                    on_replace(done, total)
        sync_filesystem(root, [])
    except BaseException:
        for _, pairs in pending:
            for tmp, _final in pairs:
                Path(tmp).unlink(missing_ok=True)
        raise
    return [path for path, _ in pending]


def _write_temp(path: Path, data: bytes, modified: datetime | None) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        if modified is not None:
            stamp = modified.timestamp()
            os.utime(tmp, (stamp, stamp))
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp
