"""Push an article to the Official Account's draft box.

The steps of ``syndicator wechat push ID``: check the post (every rule and
limit, before any network call); upload each body picture with
``media/uploadimg`` and put the returned mmbiz URLs in the post (WeChat
filters out pictures hosted elsewhere); upload the cover (the picture the
newsroom chose, else the first, else ``[wechat] cover``) as a permanent
material; check the final post again; ``draft/add``. Uploads are
remembered by content hash in ``<cache_dir>/<app id>/media.json``, so
pushing a corrected article again uploads nothing twice.

Pictures are fetched over HTTP, except this site's own photos
(``{site.base_url}/media/…``), which are read from the media store, and
made to fit WeChat there (JPEG or PNG, under 1 MB in the body, 10 MB as
the cover) instead of being refused. A picture URL comes from an article,
that is from whoever may post one, so it is fetched only from the hosts of
``[wechat] image_hosts`` and only when every address the host resolves to
is public (each redirect hop checked the same way): the push must not be a
way to reach loopback, the private network or a cloud metadata service.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..config import WECHAT_APPID_ENV, WECHAT_SECRET_ENV, Config
from ..errors import InputError, NotFoundError, SyndicatorError
from ..model import Article
from ..render.wechat.html import web_src
from ..render.wechat.post import build_post, cover_problem, cover_src
from ..store.media import MediaStore, media_name
from .wechat_api import TokenCache, WechatClient, write_private

APPID_ENV = WECHAT_APPID_ENV
SECRET_ENV = WECHAT_SECRET_ENV
BODY_IMAGE_LIMIT = 1024 * 1024  # media/uploadimg: jpg/png under 1 MB
COVER_LIMIT = 10 * 1024 * 1024  # material/add_material, type image: up to 10 MB
_MAGIC = {b"\xff\xd8\xff": ("image/jpeg", "jpg"), b"\x89PNG\r\n\x1a\n": ("image/png", "png")}


class PushError(SyndicatorError):
    """A push could not complete for a reason outside WeChat's answers."""


@dataclass
class PushResult:
    """What a push did: the draft's media id and how many uploads it needed."""

    media_id: str
    uploaded: int = 0
    reused: int = 0

    def summary(self) -> str:
        return f"{self.uploaded} pictures uploaded, {self.reused} reused from the cache"


def cache_root(config: Config) -> Path:
    return (config.root / config.wechat.cache_dir).resolve()


def client_from_env(config: Config, environ: Mapping[str, str] | None = None) -> WechatClient:
    """A client for the account named by the environment.

    :raises InputError: when the app id or secret is missing.
    """
    env = os.environ if environ is None else environ
    app_id, secret = env.get(APPID_ENV, "").strip(), env.get(SECRET_ENV, "").strip()
    if not app_id or not secret:
        raise InputError(
            f"set {APPID_ENV} and {SECRET_ENV} to the Official Account's "
            "开发者ID(AppID) and 开发者密码(AppSecret)"
        )
    token_file = cache_root(config) / _safe(app_id) / "token.json"
    return WechatClient(config.wechat.api_base, app_id, secret, token_cache=TokenCache(token_file))


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name) or "app"


class MediaCache:
    """Uploaded pictures by SHA-256 of their bytes: body URLs and cover media ids."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        self.images: dict[str, str] = dict(data.get("images") or {})
        self.covers: dict[str, str] = dict(data.get("covers") or {})

    def save(self) -> None:
        data = {"images": self.images, "covers": self.covers}
        write_private(self.path, json.dumps(data, indent=1, sort_keys=True))


def allowed_image_hosts(config: Config) -> tuple[str, ...]:
    """``[wechat] image_hosts``, or ``*.{site.domain}`` when it is empty."""
    hosts = config.wechat.image_hosts
    return tuple(hosts) if hosts else (f"*.{config.site.domain}",)


def host_matches(host: str, patterns: Iterable[str]) -> bool:
    """Whether ``host`` is one of ``patterns``: a name exactly, or ``*.domain``
    for that domain and every name under it (case and a final dot ignored)."""
    host = host.lower().rstrip(".")
    for pattern in patterns:
        pattern = pattern.strip().lower().rstrip(".")
        if pattern.startswith("*."):
            domain = pattern[2:]
            if host == domain or host.endswith("." + domain):
                return True
        elif host == pattern:
            return True
    return False


Resolver = Callable[..., list]


def image_url_problem(url: str, config: Config, resolve: Resolver | None = None) -> str | None:
    """Why ``url`` must not be fetched, or None: not http(s), a host outside
    ``[wechat] image_hosts``, or a host with any non-public address (loopback,
    private, link-local, multicast, reserved, unspecified; IPv4 and IPv6)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        return "not an http(s) address"
    host = parts.hostname or ""
    if not host:
        return "no host"
    if not host_matches(host, allowed_image_hosts(config)):
        return f"host {host} is not in [wechat] image_hosts"
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        infos = (resolve or socket.getaddrinfo)(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError) as exc:
        return f"cannot resolve {host}: {getattr(exc, 'strerror', None) or exc}"
    if not infos:
        return f"cannot resolve {host}"
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not public_address(address):
            return f"host {host} resolves to {address}, not a public address"
    return None


def public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether a picture may be fetched from ``address``: globally routable
    unicast only (``is_global`` leaves out loopback, private, link-local,
    reserved, unspecified and IPv4-mapped forms of them; multicast too here)."""
    return address.is_global and not address.is_multicast


def check_image_url(src: str, url: str, config: Config) -> None:
    """:raises InputError: naming ``src`` when ``url`` must not be fetched."""
    problem = image_url_problem(url, config)
    if problem is not None:
        raise InputError(f"refusing to fetch picture {src}: {problem}")


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to a URL that passes the same check as the first."""

    def __init__(self, src: str, config: Config) -> None:
        self.src, self.config = src, config

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        check_image_url(self.src, newurl, self.config)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_image(src: str, limit: int = COVER_LIMIT, *, config: Config | None = None) -> bytes:
    """The bytes of a picture on the web (``src`` is an http or https URL).

    With ``config``, the URL and every redirect are checked first
    (:func:`image_url_problem`); :func:`push_article` always passes it.
    """
    url = web_src(src)
    if url is None:
        raise PushError(f"cannot fetch picture {src}: not an http(s) address")
    handlers: list[urllib.request.BaseHandler] = []
    if config is not None:
        check_image_url(src, url, config)
        handlers.append(_CheckedRedirects(src, config))
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(url, timeout=30) as response:
            data = response.read(limit + 1)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise PushError(f"cannot fetch picture {src}: HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise PushError(f"cannot fetch picture {src}: {getattr(exc, 'reason', exc)}") from None
    return data


def image_kind(data: bytes, where: str, *, limit: int) -> tuple[str, str]:
    """``(mime, extension)`` of a jpg/png picture, or an :class:`InputError` saying why not."""
    kind = next((v for magic, v in _MAGIC.items() if data.startswith(magic)), None)
    if kind is None:
        raise InputError(f"{where}: WeChat takes jpg or png pictures only: convert it")
    if len(data) > limit:
        raise InputError(
            f"{where}: {len(data) / 1024 / 1024:.1f} MB; WeChat takes at most "
            f"{limit // 1024 // 1024} MB here: make it smaller"
        )
    return kind


def push_article(
    article: Article,
    config: Config,
    client: WechatClient,
    *,
    fetch: Callable[[str], bytes] | None = None,
) -> PushResult:
    """Upload an article's pictures and cover, then create its draft.

    :raises InputError: the post breaks a rule, a picture is unusable, or
        there is no cover.
    :raises WechatApiError: WeChat answered an error (one clear sentence).
    """
    if fetch is None:
        fetch = lambda src: fetch_image(src, config=config)  # noqa: E731
    build_post(article, config).require_ready()
    problem = cover_problem(article, config)
    if problem is not None:  # before any upload: nothing would come of them
        raise InputError(f"{article.id}: {problem}")
    media = MediaCache(cache_root(config) / _safe(client.app_id) / "media.json")
    result = PushResult(media_id="")
    urls: dict[str, str] = {}
    fetched: dict[str, bytes] = {}

    def once(cache: dict[str, str], data: bytes, name: str, mime: str, upload) -> str:
        """Upload ``data`` unless a picture with the same bytes already went up."""
        digest = hashlib.sha256(data).hexdigest()
        if digest in cache:
            result.reused += 1
        else:
            cache[digest] = upload(data, name.format(digest=digest[:16]), mime)
            media.save()
            result.uploaded += 1
        return cache[digest]

    for n, block in enumerate((b for b in article.images if web_src(b.src)), start=1):
        src = block.src or ""
        if src in urls:
            continue
        data = fetched[src] = picture_bytes(src, config, fetch, limit=BODY_IMAGE_LIMIT)
        mime, ext = image_kind(data, f"picture {n} ({src})", limit=BODY_IMAGE_LIMIT)
        urls[src] = once(media.images, data, f"{{digest}}.{ext}", mime, client.upload_image)

    chosen = cover_src(article)
    if chosen is None:
        cover = _default_cover(config)
    elif media_name(chosen, config.site.base_url) is not None:  # the photo, not its 1 MB copy
        cover = picture_bytes(chosen, config, fetch, limit=COVER_LIMIT)
    else:
        cover = fetched[chosen]
    mime, ext = image_kind(cover, "cover", limit=COVER_LIMIT)
    thumb = once(media.covers, cover, f"cover-{{digest}}.{ext}", mime, client.add_material)

    post = build_post(article, config, image_urls=urls, thumb_media_id=thumb)
    result.media_id = client.add_draft([post.require_ready().payload])
    return result


def picture_bytes(src: str, config: Config, fetch: Callable[[str], bytes], *, limit: int) -> bytes:
    """A picture's bytes: this site's photos from the media store, made to fit
    ``limit`` (JPEG or PNG); any other picture fetched as it is."""
    name = media_name(src, config.site.base_url)
    if name is None:
        return fetch(src)
    try:
        return MediaStore(config.media_dir).read_within(name, max_bytes=limit)
    except NotFoundError:
        raise PushError(
            f"cannot read picture {src}: it is not in the media store ({config.media_dir})"
        ) from None


def _default_cover(config: Config) -> bytes:
    """``[wechat] cover``'s bytes (:func:`cover_problem` said it is set)."""
    path = (config.root / config.wechat.cover).resolve()
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"[wechat] cover: cannot read {path}: {exc.strerror}") from None
