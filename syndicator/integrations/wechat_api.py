"""A small client for the WeChat Official Account API (the endpoints push needs).

``cgi-bin/token`` for the access token, ``media/uploadimg`` for pictures
inside a post, ``material/add_material`` for the cover (a permanent
material), and ``draft/add``. The token is cached on disk with its expiry,
so successive pushes share it (WeChat allows 2,000 token fetches a day),
and fetched again once when a call answers 40001/40014/42001 (token
invalid or expired, e.g. because another process fetched a new one).
Documented errors become one sentence that says what to do.

Standard library only (urllib); the base URL comes from config so tests
can point it at a local fake.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import SyndicatorError

TOKEN_ERRORS = frozenset({40001, 40014, 42001})
#: Seconds before the announced expiry at which a cached token is renewed.
TOKEN_MARGIN = 300

ERROR_MESSAGES: dict[int, str] = {
    -1: "WeChat is busy (-1 system error): try again in a minute",
    40001: "the access token or the app secret was refused (40001): check SYNDICATOR_WECHAT_SECRET",
    40013: "invalid app id (40013): check SYNDICATOR_WECHAT_APPID",
    40125: "invalid app secret (40125): check SYNDICATOR_WECHAT_SECRET",
    40164: "this machine's IP address is not on the Official Account's IP whitelist (40164): "
    "add it under 设置与开发 → 基本配置 → IP白名单",
    40007: "WeChat does not know the cover's media id (40007): delete the cache_dir's "
    "media file so the cover is uploaded again",
    40009: "WeChat refused a picture's size (40009): body pictures must be jpg/png under 1 MB",
    45002: "the content is too large for WeChat (45002): under 20,000 characters and 1 MB",
    45003: "the title is too long for WeChat (45003): at most 32 characters",
    45004: "the digest is too long for WeChat (45004): at most 120 characters",
    45009: "the Official Account's daily API quota is used up (45009): try again tomorrow, "
    "or reset it in the console (接口权限 → 清零)",
    45011: "too many API calls this minute (45011): wait a minute and retry",
    45110: "the author is too long for WeChat (45110): at most 8 characters",
    45166: "WeChat refused the content (45166 invalid content): it holds a link or markup WeChat "
    "does not allow; run `syndicator wechat check` on the post",
    48001: "this Official Account may not use this API (48001): it needs verification (认证)",
}


class WechatApiError(SyndicatorError):
    """A call failed: WeChat answered an error code, or could not be reached."""

    def __init__(self, message: str, *, code: int | None = None, endpoint: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.endpoint = endpoint


def explain(code: int, errmsg: str, endpoint: str) -> str:
    """One sentence for an error answer: what failed, why, and the fix."""
    known = ERROR_MESSAGES.get(code)
    if known:
        text = f"wechat {endpoint}: {known}"
        if code == 40164 and errmsg:
            text += f" (WeChat said: {errmsg})"
        return text
    return f"wechat {endpoint}: error {code}: {errmsg or 'no message'}"


class TokenCache:
    """The access token on disk (mode 0600), with its expiry in epoch seconds."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    def load(self, app_id: str) -> tuple[str, float] | None:
        if self.path is None:
            return None
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("app_id") != app_id:
            return None
        token, expires_at = data.get("access_token"), data.get("expires_at")
        if isinstance(token, str) and isinstance(expires_at, int | float):
            return token, float(expires_at)
        return None

    def save(self, app_id: str, token: str, expires_at: float) -> None:
        if self.path is None:
            return
        data = {"app_id": app_id, "access_token": token, "expires_at": expires_at}
        write_private(self.path, json.dumps(data))

    def clear(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)


def write_private(path: Path, text: str) -> None:
    """Replace ``path`` atomically with a file only its owner can read."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class WechatClient:
    """Calls to one Official Account.

    :param base_url: ``https://api.weixin.qq.com`` or a test server.
    :param token_cache: where the token is kept between runs.
    :param clock: epoch seconds; injected by tests.
    """

    def __init__(
        self,
        base_url: str,
        app_id: str,
        secret: str,
        *,
        token_cache: TokenCache | None = None,
        timeout: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.app_id = app_id
        self._secret = secret
        self.cache = token_cache or TokenCache(None)
        self.timeout = timeout
        self.clock = clock
        self._token: tuple[str, float] | None = None
        self.token_fetches = 0

    # -- token -------------------------------------------------------------

    def access_token(self, *, renew: bool = False) -> str:
        """A valid token: from memory, from the cache file, or fetched."""
        now = self.clock()
        if renew:
            self._token = None
            self.cache.clear()
        if self._token is None:
            self._token = self.cache.load(self.app_id)
        if self._token is not None and self._token[1] - TOKEN_MARGIN > now:
            return self._token[0]
        query = {"grant_type": "client_credential", "appid": self.app_id, "secret": self._secret}
        answer = self._request("GET", "cgi-bin/token", query=query)
        token = answer.get("access_token")
        if not isinstance(token, str) or not token:
            raise WechatApiError("wechat token: the answer holds no access_token", endpoint="token")
        expires_at = now + float(answer.get("expires_in") or 7200)
        self._token = (token, expires_at)
        self.cache.save(self.app_id, token, expires_at)
        self.token_fetches += 1
        return token

    def call(
        self,
        method: str,
        endpoint: str,
        *,
        query: dict[str, str] | None = None,
        body: bytes | None = None,
        content_type: str = "application/json; charset=utf-8",
    ) -> dict[str, Any]:
        """Call ``endpoint`` with the token; renew it once if WeChat says it is stale."""
        for attempt in (0, 1):
            token = self.access_token(renew=attempt == 1)
            params = {**(query or {}), "access_token": token}
            try:
                return self._request(
                    method, endpoint, query=params, body=body, content_type=content_type
                )
            except WechatApiError as exc:
                if exc.code not in TOKEN_ERRORS or attempt == 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    # -- endpoints -----------------------------------------------------------

    def upload_image(self, data: bytes, filename: str, mime: str) -> str:
        """``media/uploadimg``: a picture for the body; returns its mmbiz URL."""
        body, ctype = multipart("media", filename, mime, data)
        answer = self.call("POST", "cgi-bin/media/uploadimg", body=body, content_type=ctype)
        url = answer.get("url")
        if not isinstance(url, str) or not url:
            raise WechatApiError("wechat media/uploadimg: the answer holds no url")
        return url

    def add_material(self, data: bytes, filename: str, mime: str) -> str:
        """``material/add_material?type=image``: a permanent image; returns its media id."""
        body, ctype = multipart("media", filename, mime, data)
        answer = self.call(
            "POST",
            "cgi-bin/material/add_material",
            query={"type": "image"},
            body=body,
            content_type=ctype,
        )
        media_id = answer.get("media_id")
        if not isinstance(media_id, str) or not media_id:
            raise WechatApiError("wechat material/add_material: the answer holds no media_id")
        return media_id

    def add_draft(self, articles: list[dict[str, Any]]) -> str:
        """``draft/add``; returns the draft's media id."""
        body = json.dumps({"articles": articles}, ensure_ascii=False).encode("utf-8")
        answer = self.call("POST", "cgi-bin/draft/add", body=body)
        media_id = answer.get("media_id")
        if not isinstance(media_id, str) or not media_id:
            raise WechatApiError("wechat draft/add: the answer holds no media_id")
        return media_id

    # -- transport -----------------------------------------------------------

    def _request(
        self,
        method: str,
        endpoint: str,
        *,
        query: dict[str, str],
        body: bytes | None = None,
        content_type: str = "application/json; charset=utf-8",
    ) -> dict[str, Any]:
        name = endpoint.removeprefix("cgi-bin/")
        url = f"{self.base_url}/{endpoint}?{urllib.parse.urlencode(query)}"
        headers = {"Content-Type": content_type} if body is not None else {}
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            exc.close()
            raise WechatApiError(
                f"wechat {name}: HTTP {exc.code} {exc.reason}", endpoint=name
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise WechatApiError(
                f"wechat {name}: cannot reach {self.base_url}: {reason}", endpoint=name
            ) from None
        try:
            answer = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise WechatApiError(f"wechat {name}: the answer is not JSON", endpoint=name) from None
        if not isinstance(answer, dict):
            raise WechatApiError(f"wechat {name}: the answer is not a JSON object", endpoint=name)
        code = answer.get("errcode") or 0
        if code:
            message = explain(int(code), str(answer.get("errmsg") or ""), name)
            raise WechatApiError(message, code=int(code), endpoint=name)
        return answer


def multipart(field: str, filename: str, mime: str, data: bytes) -> tuple[bytes, str]:
    """A ``multipart/form-data`` body with one file, and its content type."""
    boundary = f"----syndicator{uuid.uuid4().hex}"
    safe_name = filename.replace('"', "").replace("\r", "").replace("\n", "") or "image"
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="{field}"; filename="{safe_name}"\r\n'
        f"Content-Type: {mime}\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    return head + data + tail, f"multipart/form-data; boundary={boundary}"
