"""Load and validate ``config.toml`` once, into frozen dataclasses.

Every key has a default, so a file that only sets the store, the output
directory and the server works. Unknown keys and wrong types are errors
that name the key and its line: a typo in a deploy config should stop the
service at start, not be ignored for a week.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import ConfigError
from .environment import Overrides, read_overrides
from .tables import build, find_key_line, toml_error_line
from .themes import Theme, resolve_themes

ENV_VAR = "SYNDICATOR_CONFIG"
DEFAULT_FILE = "config.toml"
#: The databases the store supports: SQLite, and PostgreSQL through psycopg 3.
STORE_SCHEMES = ("sqlite:", "postgresql:", "postgresql+psycopg:", "postgres:")
#: ``feeds/wechat/`` holds the WeChat posts, beside the channels' folders,
#: so no channel may be called that.
WECHAT_DIR = "wechat"


@dataclass(frozen=True)
class SiteConfig:
    """Who publishes: the paper's name and where the service is reachable."""

    title: str = "浙江工人日报"
    description: str = "浙江工人日报新闻，每日更新"
    base_url: str = "http://127.0.0.1:8080"
    language: str = "zh-CN"
    timezone: str = "Asia/Shanghai"
    paper_id: str = "zjgrrb"
    domain: str = "zjgrrb.com"
    logo: str = ""
    copyright: str = ""

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class StoreConfig:
    url: str = "sqlite:///syndicator.db"
    busy_timeout: float = 30.0


@dataclass(frozen=True)
class OutputConfig:
    dir: str = "feeds"


@dataclass(frozen=True)
class MediaConfig:
    """The media store: photos the newsroom uploads, served at ``/media/``."""

    dir: str = "media"


@dataclass(frozen=True)
class IngestConfig:
    publish_time: str = "06:00"
    encoding: str = "auto"
    #: E-paper text exports turn the paper's ，：；？！（） into ASCII; put them back.
    fullwidth_punctuation: bool = True
    #: A page that prints no 第N版 takes its number from its file name by this
    #: pattern (``zjgrrb-2021-08-30-p2.txt``, ``第2版.txt``); "" turns it off.
    #: The paper's own page names (版名) besides the common ones: a line that is
    #: one of them at the top of a page names the page, never an article.
    page_names: tuple[str, ...] = ()
    page_from_name: str = r"(?:^|[-_.\s])(?:p|P|page|Page)0*(\d{1,3})$|第0*(\d{1,3})版"

    @property
    def publish_clock(self) -> time:
        return time.fromisoformat(self.publish_time)


@dataclass(frozen=True)
class SchedulerConfig:
    enabled: bool = True
    interval: int = 60
    misfire_grace: int = 30
    watch: float = 0.25
    pass_budget: float = 600.0


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    threads: int = 2
    proxies: int = 0
    header_timeout: float = 10.0
    keep_alive: bool = True
    max_connections: int = 4096


@dataclass(frozen=True)
class ApiConfig:
    """The ingest API: on only when ``$SYNDICATOR_API_TOKEN`` holds a token."""

    max_body: int = 2 * 1024 * 1024
    rate_limit: int = 120


@dataclass(frozen=True)
class LogConfig:
    """The access log: one line per request on stderr (``json`` or ``combined``)."""

    access: bool = True
    access_format: str = "json"


@dataclass(frozen=True)
class FeedsConfig:
    limit: int = 50
    hubs: tuple[str, ...] = ()
    max_bytes: int = 500_000
    archive_max_age: int = 2_592_000
    hub_attempts: int = 8
    hub_retry_delay: float = 5.0


@dataclass(frozen=True)
class ChannelConfig:
    """A feed: ``all`` or the articles matching every filter given."""

    name: str = "all"
    title: str = ""
    description: str = ""
    section: str | None = None
    page: int | None = None
    tag: str | None = None
    author: str | None = None
    limit: int | None = None

    def matches(self, article: Any) -> bool:
        if self.section is not None and article.section != self.section:
            return False
        if self.page is not None and article.page != self.page:
            return False
        if self.tag is not None and self.tag not in article.tags:
            return False
        return self.author is None or any(a.name == self.author for a in article.authors)


@dataclass(frozen=True)
class WechatConfig:
    """WeChat posts: theme, payload options and the draft API (see ``themes``)."""

    theme: str = "neutral"
    editor: str = ""
    long_titles: bool = False
    themes: Mapping[str, Any] = field(default_factory=dict)  # resolved to {name: Theme}
    api_base: str = "https://api.weixin.qq.com"
    cover: str = ""
    cache_dir: str = ".wechat"
    open_comment: bool = False
    fans_only_comment: bool = False
    #: Hosts ``wechat push`` may fetch pictures from (``name`` or ``*.suffix``);
    #: empty: ``[site] domain`` and its subdomains. Never a private address.
    image_hosts: tuple[str, ...] = ()

    @property
    def current_theme(self) -> Theme:
        return self.themes[self.theme]


@dataclass(frozen=True)
class Config:
    """The whole configuration. ``root`` anchors relative paths."""

    site: SiteConfig = field(default_factory=SiteConfig)
    store: StoreConfig = field(default_factory=StoreConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    media: MediaConfig = field(default_factory=MediaConfig)
    ingest: IngestConfig = field(default_factory=IngestConfig)
    scheduler: SchedulerConfig = field(default_factory=SchedulerConfig)
    server: ServerConfig = field(default_factory=ServerConfig)
    feeds: FeedsConfig = field(default_factory=FeedsConfig)
    channels: tuple[ChannelConfig, ...] = ()
    wechat: WechatConfig = field(default_factory=WechatConfig)
    api: ApiConfig = field(default_factory=ApiConfig)
    log: LogConfig = field(default_factory=LogConfig)
    path: Path | None = None
    root: Path = field(default_factory=Path.cwd)

    @property
    def output_dir(self) -> Path:
        return (self.root / self.output.dir).resolve()

    @property
    def media_dir(self) -> Path:
        return (self.root / self.media.dir).resolve()

    @property
    def store_url(self) -> str:
        """The store URL with a relative SQLite path anchored at ``root``.

        ``postgres://`` and ``postgresql://`` (as hosting providers print
        them) mean psycopg 3, the driver we ship; SQLAlchemy would look for
        psycopg2.
        """
        url = self.store.url
        for bare in ("postgres://", "postgresql://"):
            if url.startswith(bare):
                return "postgresql+psycopg://" + url[len(bare) :]
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and url != prefix:
            rest = url[len(prefix) :]
            if not rest.startswith(":memory:"):
                return prefix + str((self.root / rest).resolve())
        return url

    @property
    def tz(self) -> ZoneInfo:
        return self.site.tz

    def channel(self, name: str) -> ChannelConfig | None:
        return next((c for c in self.channels if c.name == name), None)

    def channel_limit(self, channel: ChannelConfig) -> int:
        return channel.limit or self.feeds.limit


_SECTIONS: dict[str, type] = {
    "site": SiteConfig,
    "store": StoreConfig,
    "output": OutputConfig,
    "media": MediaConfig,
    "ingest": IngestConfig,
    "scheduler": SchedulerConfig,
    "server": ServerConfig,
    "feeds": FeedsConfig,
    "wechat": WechatConfig,
    "api": ApiConfig,
    "log": LogConfig,
}
#: The access log's line formats (``[log] access_format``).
ACCESS_FORMATS = ("json", "combined")
_CHANNEL_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def find_config_path(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The file to read: ``--config``, else ``$SYNDICATOR_CONFIG``, else ``./config.toml``.

    Only the implicit default may be absent (then every default applies);
    a file named explicitly must exist.
    """
    if explicit:
        return Path(explicit)
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    default = Path(DEFAULT_FILE)
    return default if default.exists() else None


def load_config(
    path: str | os.PathLike[str] | None = None, *, environ: Mapping[str, str] | None = None
) -> Config:
    """Read, validate and freeze a configuration file, the environment over it.

    :param path: the TOML file; ``None`` means every default, rooted at the
        current directory.
    :param environ: where ``SYNDICATOR_<SECTION>_<KEY>``, ``DATABASE_URL``
        and ``PORT`` are read (see :mod:`.environment`); default ``os.environ``.
    :raises ConfigError: naming file, line and key, or the variable.
    """
    return read_config(path, environ=environ).config


@dataclass(frozen=True)
class ReadConfig:
    """A loaded configuration and what it was made of, for ``syndicator config``."""

    config: Config
    #: The file's text and parsed tables (empty without a file).
    text: str
    data: Mapping[str, Any]
    overrides: Overrides


def read_config(
    path: str | os.PathLike[str] | None = None, *, environ: Mapping[str, str] | None = None
) -> ReadConfig:
    """:func:`load_config`, keeping the file's text and the environment's overrides."""
    env = os.environ if environ is None else environ
    overrides = read_overrides(env, _SECTIONS, ChannelConfig)
    text, data, name = "", {}, None
    if path is not None:
        path = Path(path)
        name = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(
                "file not found (pass --config or set SYNDICATOR_CONFIG)", file=name
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read: {exc}", file=name) from None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            line = toml_error_line(str(exc))
            raise ConfigError(f"not valid TOML: {exc}", file=name, line=line) from None
    root = path.resolve().parent if path is not None else None
    try:
        config = config_from_dict(overrides.over(data), root=root, path=path)
    except ConfigError as exc:
        var = overrides.variable_for(exc.field)
        if var is not None:  # the environment's value is wrong: name the variable
            raise ConfigError(exc.message, field=var) from None
        if name is None:
            raise
        raise exc.located(file=name, line=find_key_line(text, exc.field)) from None
    return ReadConfig(config, text, data, overrides)


def config_from_dict(
    data: Mapping[str, Any], *, root: Path | None = None, path: Path | None = None
) -> Config:
    """Build a :class:`Config` from already-parsed TOML (tests use this directly)."""
    sections: dict[str, Any] = {}
    for key, value in data.items():
        if key == "channels":
            continue
        cls = _SECTIONS.get(key)
        if cls is None:
            raise ConfigError(f"unknown section [{key}]", field=key)
        if not isinstance(value, Mapping):
            raise ConfigError("expected a table", field=key)
        sections[key] = build(cls, value, key)
    channels = _channels(data.get("channels", {}))
    config = Config(**sections, channels=channels, path=path, root=root or Path.cwd())
    return _finish(config)


def _finish(config: Config) -> Config:
    """Cross-field checks and the implicit ``all`` channel."""
    try:
        config.site.tz  # noqa: B018 - validates the zone name
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"unknown time zone {config.site.timezone!r} (e.g. Asia/Shanghai)",
            field="site.timezone",
        ) from None
    try:
        config.ingest.publish_clock  # noqa: B018
    except ValueError:
        raise ConfigError(
            f"not a time of day: {config.ingest.publish_time!r} (use HH:MM)",
            field="ingest.publish_time",
        ) from None
    try:
        if config.ingest.page_from_name and re.compile(config.ingest.page_from_name).groups < 1:
            raise ConfigError("needs a group, such as -p(\\d+)", field="ingest.page_from_name")
    except re.error as exc:
        raise ConfigError(
            f"not a regular expression: {exc}", field="ingest.page_from_name"
        ) from None
    if not config.site.base_url.startswith(("http://", "https://")):
        raise ConfigError("must start with http:// or https://", field="site.base_url")
    if not config.store.url.startswith(STORE_SCHEMES):
        raise ConfigError(
            f"unsupported store {config.store.url.split(':', 1)[0]!r}: use sqlite:///PATH"
            " or postgresql+psycopg://USER@HOST/DB",
            field="store.url",
        )
    for i, hub in enumerate(config.feeds.hubs):
        if not hub.startswith(("http://", "https://")):
            raise ConfigError("must start with http:// or https://", field=f"feeds.hubs[{i}]")
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,31}", config.site.paper_id):
        raise ConfigError(
            "use lowercase letters, digits, '-' or '_' (at most 32)", field="site.paper_id"
        )
    for name, low in (
        ("store.busy_timeout", 0),
        ("scheduler.interval", 1),
        ("scheduler.watch", 0),
        ("scheduler.pass_budget", 1),
        ("server.port", 0),
        ("server.threads", 1),
        ("server.proxies", 0),
        ("server.header_timeout", 0.1),
        ("server.max_connections", 16),
        ("feeds.limit", 1),
        ("feeds.max_bytes", 10_000),
        ("feeds.archive_max_age", 0),
        ("feeds.hub_attempts", 1),
        ("feeds.hub_retry_delay", 0),
        ("api.max_body", 1024),
        ("api.rate_limit", 1),
    ):
        section, key = name.split(".")
        if getattr(getattr(config, section), key) < low:
            raise ConfigError(f"must be at least {low}", field=name)
    if config.log.access_format not in ACCESS_FORMATS:
        raise ConfigError(f"must be one of: {', '.join(ACCESS_FORMATS)}", field="log.access_format")
    if config.server.port > 65535:
        raise ConfigError("must be at most 65535", field="server.port")
    media, output = config.media_dir, config.output_dir
    if media.is_relative_to(output) or output.is_relative_to(media):
        # The publish pass owns the output dir (it deletes files there).
        raise ConfigError(
            f"{media} and [output] dir {output} must not contain each other: "
            "give the photos a directory of their own",
            field="media.dir",
        )
    channels = config.channels
    if not any(c.name == "all" for c in channels):
        channels = (ChannelConfig(name="all"), *channels)
    filled = tuple(
        dataclasses.replace(
            c,
            title=c.title
            or (config.site.title if c.name == "all" else f"{config.site.title} · {c.name}"),
            description=c.description or config.site.description,
        )
        for c in channels
    )
    return dataclasses.replace(
        config,
        channels=filled,
        site=dataclasses.replace(config.site, base_url=config.site.base_url.rstrip("/")),
        wechat=_finish_wechat(config.wechat),
    )


def _finish_wechat(wechat: WechatConfig) -> WechatConfig:
    """Resolve the theme tables against the built-ins; check the chosen theme exists."""
    themes = resolve_themes(wechat.themes)
    if wechat.theme not in themes:
        raise ConfigError(
            f"unknown theme {wechat.theme!r} (known: {', '.join(themes)})", field="wechat.theme"
        )
    if not wechat.api_base.startswith(("http://", "https://")):
        raise ConfigError("must start with http:// or https://", field="wechat.api_base")
    for i, host in enumerate(wechat.image_hosts):
        if not isinstance(host, str) or not host.strip() or "/" in host or ":" in host:
            raise ConfigError(
                "must be a host name such as images.example.com or *.example.com",
                field=f"wechat.image_hosts[{i}]",
            )
    return dataclasses.replace(wechat, themes=themes, api_base=wechat.api_base.rstrip("/"))


def _channels(value: Any) -> tuple[ChannelConfig, ...]:
    if not isinstance(value, Mapping):
        raise ConfigError("expected tables such as [channels.all]", field="channels")
    out = []
    for name, body in value.items():
        where = f"channels.{name}"
        if not _CHANNEL_NAME.match(name):
            raise ConfigError(
                "channel names are lowercase letters, digits, '-' or '_'", field=where
            )
        if name == WECHAT_DIR:
            raise ConfigError(
                f"{WECHAT_DIR!r} is taken: feeds/{WECHAT_DIR}/ holds the WeChat posts", field=where
            )
        if not isinstance(body, Mapping):
            raise ConfigError("expected a table", field=where)
        if "name" in body:
            raise ConfigError("unknown key (the name is the table's name)", field=f"{where}.name")
        out.append(build(ChannelConfig, {**body, "name": name}, where, skip=("name",)))
    return tuple(out)
