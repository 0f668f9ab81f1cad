"""Where each effective setting came from, secrets masked: ``syndicator config``.

An operator with a file, a container's environment and the defaults in
play needs to see the value the service runs with and which of the three
gave it, without printing a token or a password to a terminal or a log.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from ..errors import ConfigError
from .environment import (
    API_TOKEN_ENV,
    SECRET_KEY_ENV,
    WECHAT_APPID_ENV,
    WECHAT_SECRET_ENV,
    api_token,
)
from .settings import _SECTIONS, ReadConfig
from .tables import find_key_line

MASK = "********"
#: A key whose name says it holds a secret is never shown.
_SECRET_NAME = re.compile(r"token|secret|passw|credential", re.I)
#: Variables other parts read that hold secrets, and those that do not.
SECRET_VARIABLES = (API_TOKEN_ENV, WECHAT_SECRET_ENV, SECRET_KEY_ENV, "SYNDICATOR_METRICS_TOKEN")
PLAIN_VARIABLES = (WECHAT_APPID_ENV,)


@dataclass(frozen=True)
class Setting:
    """One effective value: ``key`` dotted, ``source`` ``default``, ``FILE:LINE`` or ``env VAR``."""

    key: str
    value: Any
    source: str


def explain_config(read: ReadConfig) -> list[Setting]:
    """Every key of every section and channel, its value (masked) and where it came from."""
    config, origins = read.config, read.overrides.origins
    name = str(config.path) if config.path is not None else None

    def source(dotted: str, present: bool) -> str:
        if dotted in origins:
            return f"env {origins[dotted]}"
        if present and name is not None:
            line = find_key_line(read.text, dotted)
            return f"{name}:{line}" if line else name
        return "default"

    out = []
    for section in _SECTIONS:
        table = read.data.get(section, {})
        values = getattr(config, section)
        for f in dataclasses.fields(values):
            dotted = f"{section}.{f.name}"
            shown = mask_value(f.name, getattr(values, f.name))
            out.append(Setting(dotted, shown, source(dotted, f.name in table)))
    channels = read.data.get("channels", {})
    for channel in config.channels:
        table = channels.get(channel.name, {})
        for f in dataclasses.fields(channel):
            if f.name == "name":
                continue
            dotted = f"channels.{channel.name}.{f.name}"
            shown = mask_value(f.name, getattr(channel, f.name))
            out.append(Setting(dotted, shown, source(dotted, f.name in table)))
    return out


def explain_secrets(environ: Mapping[str, str] | None = None) -> list[Setting]:
    """The variables outside the file that the service reads, secrets as their length only."""
    env = os.environ if environ is None else environ
    out = []
    for var in (*SECRET_VARIABLES, *PLAIN_VARIABLES):
        raw = env.get(var)
        if raw is None or not raw.strip():
            value = "unset" + (" (the ingest API is off)" if var == API_TOKEN_ENV else "")
        elif var in PLAIN_VARIABLES:
            value = raw
        else:
            value = f"{MASK} ({len(raw)} characters)"
        if var == API_TOKEN_ENV:
            try:
                api_token(env)
            except ConfigError as exc:
                value = f"refused: {exc.message}"
        out.append(Setting(var, value, "env" if raw is not None else "-"))
    return out


def mask_value(name: str, value: Any) -> Any:
    """``value`` as JSON can carry it, with secrets masked.

    A key named like a secret (``token``, ``secret``, ``password``) shows
    only whether it is set; any URL shows no password, in its user part
    (``postgresql://user:****@host/db``) or its query (``?password=****``).
    """
    if isinstance(value, Mapping):  # [wechat] themes: the names, not every colour
        return sorted(value)
    if isinstance(value, tuple | list):
        return [mask_value(name, v) for v in value]
    if isinstance(value, str):
        if value and _SECRET_NAME.search(name):
            return MASK
        return mask_url(value)
    return value


def mask_url(text: str) -> str:
    """``text`` with any password in it, as a URL, replaced by the mask."""
    if "://" not in text:
        return text
    try:
        parts = urlsplit(text)
        password = parts.password
    except ValueError:
        return text
    netloc = parts.netloc
    if password is not None:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.partition(':')[0]}:{MASK}@{host}"
    query = parts.query
    pairs = parse_qsl(query, keep_blank_values=True)
    if any(_SECRET_NAME.search(k) for k, _ in pairs):
        query = urlencode([(k, MASK if _SECRET_NAME.search(k) else v) for k, v in pairs], safe="*")
    # Spliced into the text as written: urlunsplit would turn sqlite:/// into sqlite:/.
    if netloc != parts.netloc:
        text = text.replace(parts.netloc, netloc, 1)
    if query != parts.query:
        text = text.replace("?" + parts.query, "?" + query, 1)
    return text
