"""Configuration from the environment: ``SYNDICATOR_<SECTION>_<KEY>``, ``DATABASE_URL``, ``PORT``.

Containers and platforms configure a service through its environment, so
every key of ``config.toml`` may also be set there, and the environment
wins over the file. The mapping is generic over the sections the loader
declares: a key added to a section's dataclass is settable at once.

- ``SYNDICATOR_SERVER_PORT=8081`` sets ``[server] port``; the key is the
  rest of the name in lower case (``SYNDICATOR_INGEST_FULLWIDTH_PUNCTUATION``).
- ``SYNDICATOR_CHANNELS_<NAME>_<KEY>`` sets a key of ``[channels.<name>]``
  (and makes the channel when the file has none of that name).
- ``DATABASE_URL`` and ``PORT``, the names platforms set, stand for
  ``store.url`` and ``server.port``; a ``SYNDICATOR_`` variable wins over them.

Values are text turned into the key's type, then checked exactly as the
file's values are: text is taken as it is; numbers and ``true``/``false``
as in TOML (``1``/``0``, ``yes``/``no``, ``on``/``off`` are booleans too);
a list is comma-separated (``a, b``; empty for none) or a TOML array
(``["a", "b"]``); a table is a TOML inline table. An error names the
variable: ``SYNDICATOR_SERVER_PORT: expected an integer, got text 'abc'``.

A ``SYNDICATOR_`` name whose first word is a section but whose key is not
one of the section's is an error (a typo must not be ignored for a week),
except the names other parts of the program read (:data:`RESERVED`); a
name whose first word is no section is left alone.

The ingest API's token is never a file key; :func:`api_token` is the one
reader of it, for every door that needs it.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from collections.abc import Mapping
from typing import Any

from ..errors import ConfigError

PREFIX = "SYNDICATOR_"
#: The ingest API's bearer token comes from here, never from the file.
API_TOKEN_ENV = "SYNDICATOR_API_TOKEN"
#: Shortest API token accepted: 32 characters, e.g. ``secrets.token_urlsafe(32)`` (43).
API_TOKEN_MIN = 32
#: The WeChat Official Account's app id and secret (``wechat push``, the desk's Push).
WECHAT_APPID_ENV = "SYNDICATOR_WECHAT_APPID"
WECHAT_SECRET_ENV = "SYNDICATOR_WECHAT_SECRET"
#: The desk's cookie signing key (read by ``web.desk.session``).
SECRET_KEY_ENV = "SYNDICATOR_SECRET_KEY"
#: Names with the prefix that are not config keys: other parts read them.
RESERVED = frozenset(
    {
        "SYNDICATOR_CONFIG",
        API_TOKEN_ENV,
        WECHAT_APPID_ENV,
        WECHAT_SECRET_ENV,
        SECRET_KEY_ENV,
        "SYNDICATOR_LOG_FORMAT",  # the CLI's --log-format
        "SYNDICATOR_METRICS_TOKEN",
        "SYNDICATOR_METRICS_SUPERVISOR",  # run's supervisor to its worker
        "SYNDICATOR_WATCHED",  # ditto
        "SYNDICATOR_FAULT_SEED",  # tests
        "SYNDICATOR_TEST_POSTGRES",
        "SYNDICATOR_REQUIRE_POSTGRES",
    }
)
#: The platform names and the keys they stand for.
ALIASES = {"DATABASE_URL": "store.url", "PORT": "server.port"}
CHANNELS = "channels"

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


@dataclasses.dataclass
class Overrides:
    """What the environment sets: TOML-shaped ``data`` and each dotted key's variable."""

    data: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    origins: dict[str, str] = dataclasses.field(default_factory=dict)

    def put(self, section: str, key: str, value: Any, var: str) -> None:
        self.data.setdefault(section, {})[key] = value
        self.origins[f"{section}.{key}"] = var

    def put_channel(self, name: str, key: str, value: Any, var: str) -> None:
        channels = self.data.setdefault(CHANNELS, {})
        channels.setdefault(name, {})[key] = value
        self.origins[f"{CHANNELS}.{name}.{key}"] = var

    def over(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """The file's tables with these keys over them (channels one level deeper)."""
        merged = dict(data)
        for section, values in self.data.items():
            mine = merged.get(section, {})
            if not isinstance(mine, Mapping):
                continue  # the file's own mistake, reported as such
            if section == CHANNELS:
                channels = dict(mine)
                for name, body in values.items():
                    theirs = channels.get(name, {})
                    channels[name] = {**theirs, **body} if isinstance(theirs, Mapping) else theirs
                merged[section] = channels
            else:
                merged[section] = {**mine, **values}
        return merged

    def variable_for(self, dotted: str | None) -> str | None:
        """The variable behind a dotted key an error names (``feeds.hubs[1]`` too)."""
        if not dotted:
            return None
        base, bracket, index = dotted.partition("[")
        var = self.origins.get(base)
        if var is not None:
            return f"{var}[{index}" if bracket else var
        for key, var in self.origins.items():
            if base.startswith(key + "."):  # inside a table the variable gave
                return f"{var} ({dotted})"
            if key.startswith(base + "."):  # a channel (``channels.wechat``) a variable made
                return var
        return None


def read_overrides(
    environ: Mapping[str, str], sections: Mapping[str, type], channel: type
) -> Overrides:
    """The config keys ``environ`` sets, typed as their fields, for the loader to merge.

    :param sections: the loader's ``{name: dataclass}`` of plain sections.
    :param channel: the dataclass of one ``[channels.<name>]`` table.
    :raises ConfigError: naming the variable, for an unknown key of a known
        section or a value that is not of the key's type.
    """
    found = Overrides()
    for alias, dotted in ALIASES.items():
        raw = environ.get(alias)
        if raw:  # platforms set these empty as often as not
            table, key = dotted.split(".")
            found.put(table, key, _parse(raw, _hint(sections[table], key), alias), alias)
    names = sorted([*sections, CHANNELS], key=len, reverse=True)
    for var in sorted(environ):
        if not var.startswith(PREFIX):
            continue
        rest = var[len(PREFIX) :]
        matched = next((s for s in names if rest.startswith(s.upper() + "_")), None)
        if matched is None:
            continue
        section = matched
        key = rest[len(section) + 1 :].lower()
        if section == CHANNELS:
            _channel_override(found, var, key, environ[var], channel)
            continue
        cls = sections[section]
        known = {f.name for f in dataclasses.fields(cls)}
        if key not in known:
            if var in RESERVED:
                continue
            raise ConfigError(
                f"no key {key!r} in [{section}] (known: {', '.join(sorted(known))})", field=var
            )
        found.put(section, key, _parse(environ[var], _hint(cls, key), var), var)
    return found


def _channel_override(found: Overrides, var: str, rest: str, raw: str, channel: type) -> None:
    """``<name>_<key>``: the longest key the name ends with; the name is what precedes it."""
    keys = sorted((f.name for f in dataclasses.fields(channel) if f.name != "name"), key=len)
    fits = [k for k in keys if rest.endswith("_" + k) and len(rest) > len(k) + 1]
    key = fits[-1] if fits else None
    if key is None:
        raise ConfigError(
            f"expected SYNDICATOR_CHANNELS_<NAME>_<KEY>, the key one of {', '.join(sorted(keys))}",
            field=var,
        )
    name = rest[: -len(key) - 1]
    found.put_channel(name, key, _parse(raw, _hint(channel, key), var), var)


def _hint(cls: type, key: str) -> Any:
    return typing.get_type_hints(cls)[key]


def _parse(raw: str, hint: Any, var: str) -> Any:
    """Text as the value the file would hold for a key of type ``hint``.

    What cannot be read is passed on as text, so the loader's own type
    check reports it in the file's words (``expected an integer, got text 'abc'``).
    """
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
        origin = typing.get_origin(hint)
    if hint is str:
        return raw
    if hint is bool:
        word = raw.strip().lower()
        return True if word in _TRUE else False if word in _FALSE else raw
    if origin is tuple:
        text = raw.strip()
        if text.startswith("["):
            return _toml_value(raw, var)
        item = next(a for a in typing.get_args(hint) if a is not Ellipsis)
        return [_parse(part.strip(), item, var) for part in text.split(",") if part.strip()]
    value = _toml_value(raw, None)
    return raw if value is None else value


def _toml_value(raw: str, var: str | None) -> Any:
    """``raw`` read as a TOML value; ``None`` when it is not one (or an error naming ``var``)."""
    try:
        parsed = tomllib.loads(f"value = {raw.strip()}")
        if len(parsed) != 1:  # "1\nother = 2": one value, nothing more
            raise tomllib.TOMLDecodeError("more than one value")
        return parsed["value"]
    except tomllib.TOMLDecodeError as exc:
        if var is None:
            return None
        raise ConfigError(f"not a TOML value: {exc}", field=var) from None


def api_token(environ: Mapping[str, str] | None = None) -> str | None:
    """The ingest API's token from ``$SYNDICATOR_API_TOKEN``; ``None``: the API is off.

    The one reader of the token: the CLI's ``serve``/``run`` check it before
    starting and the app reads it through here, so every door agrees.
    """
    env = os.environ if environ is None else environ
    return check_api_token(env.get(API_TOKEN_ENV))


def check_api_token(raw: str | None, source: str = API_TOKEN_ENV) -> str | None:
    """A token as given, checked: unset, empty or only spaces means off.

    A token is at least :data:`API_TOKEN_MIN` visible ASCII characters with
    no spaces: a short one can be guessed, and one with spaces around it
    behaves differently in whichever tool strips them.

    :raises ConfigError: naming ``source``, for a token too short or with
        characters a header cannot carry.
    """
    if raw is None or not raw.strip():
        return None
    if any(not ("!" <= c <= "~") for c in raw):
        raise ConfigError(
            "use visible ASCII characters only, no spaces"
            " (e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(32))')",
            field=source,
        )
    if len(raw) < API_TOKEN_MIN:
        raise ConfigError(
            f"too short ({len(raw)} characters): use at least {API_TOKEN_MIN}"
            " (e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(32))')",
            field=source,
        )
    return raw
