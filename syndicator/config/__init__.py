"""The one configuration file: ``config.toml`` loaded and checked once.

:mod:`.settings` holds the frozen dataclasses and the loader,
:mod:`.tables` turns TOML tables into dataclasses with errors that name
key and line, :mod:`.themes` the WeChat post themes a config may tune.
"""

from .settings import (
    API_TOKEN_ENV,
    DEFAULT_FILE,
    ENV_VAR,
    STORE_SCHEMES,
    WECHAT_APPID_ENV,
    WECHAT_DIR,
    WECHAT_SECRET_ENV,
    ApiConfig,
    ChannelConfig,
    Config,
    FeedsConfig,
    IngestConfig,
    OutputConfig,
    SchedulerConfig,
    ServerConfig,
    SiteConfig,
    StoreConfig,
    WechatConfig,
    config_from_dict,
    find_config_path,
    load_config,
)

__all__ = [
    "API_TOKEN_ENV",
    "DEFAULT_FILE",
    "ENV_VAR",
    "STORE_SCHEMES",
    "WECHAT_APPID_ENV",
    "WECHAT_DIR",
    "WECHAT_SECRET_ENV",
    "ApiConfig",
    "ChannelConfig",
    "Config",
    "FeedsConfig",
    "IngestConfig",
    "OutputConfig",
    "SchedulerConfig",
    "ServerConfig",
    "SiteConfig",
    "StoreConfig",
    "WechatConfig",
    "config_from_dict",
    "find_config_path",
    "load_config",
]
