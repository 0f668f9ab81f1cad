"""Writing a file so that no reader ever sees half of it: temp file, fsync, rename.

Used by the publish pass (feed documents) and by the media store (photos);
both are read by servers while they are written, and both must survive a
crash mid-write with either the old file or the new one.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path


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
    fsync_dir(path.parent)


def fsync_dir(directory: Path) -> None:
    """Make a rename itself durable (a crash could otherwise lose the new name)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
