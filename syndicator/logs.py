"""Logging setup: readable lines for people, or one JSON object per line for machines.

``--log-format json`` (or ``SYNDICATOR_LOG_FORMAT=json``) makes every
record a JSON object with ``ts``, ``level``, ``logger`` and ``msg``, plus
whatever the caller passed in ``extra=`` (a pass's ``event``,
``instance``, ``started_at``…), so a log shipper can index passes and
requests without parsing prose.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import IO, Any

FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
#: Libraries whose INFO lines narrate their own routine (Alembic's plugin
#: setup on every command, APScheduler's every job run): warnings only,
#: unless ``--verbose``. Our own lines already say what a pass did.
CHATTY = ("alembic", "apscheduler")


class JsonFormatter(logging.Formatter):
    """One JSON object per record, non-ASCII kept as is."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                out[key] = value
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def setup_logging(*, verbose: bool = False, fmt: str = "text", stream: IO[str] | None = None):
    """Configure the root logger once per process (later calls change nothing)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, handlers=[handler])
    for name in CHATTY:
        logging.getLogger(name).setLevel(logging.NOTSET if verbose else logging.WARNING)
