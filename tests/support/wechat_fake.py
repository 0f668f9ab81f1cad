"""A local stand-in for api.weixin.qq.com: the endpoints `wechat push` uses.

It speaks the documented requests and answers of ``cgi-bin/token``,
``media/uploadimg``, ``material/add_material`` and ``draft/add``, checks
what a real server checks (credentials, token validity, picture types and
sizes, title/author/digest lengths, links, the cover's media id), and can
be told to expire every token or to answer an error code once. It also
serves pictures under ``/images/`` so articles can point at it. Only ever
listens on 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import json
import re
import struct
import threading
import zlib
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

APP_ID = "wx1234567890abcdef"
SECRET = "test-secret-0123456789"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def png(width: int = 4, height: int = 3, rgb: tuple[int, int, int] = (180, 22, 27)) -> bytes:
    """A small valid PNG of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        PNG_MAGIC
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


class FakeWechat:
    """The fake server and everything it saw."""

    def __init__(self) -> None:
        self.tokens: dict[str, bool] = {}  # token -> still valid
        self.token_requests = 0
        self.calls: list[str] = []  # endpoint names, in order
        self.failures: dict[str, list[tuple[int, str]]] = {}
        self.expire_on: str | None = None
        self.images: dict[str, bytes] = {}
        self.uploads: dict[str, bytes] = {}  # mmbiz url -> bytes
        self.materials: dict[str, bytes] = {}  # media id -> bytes
        self.drafts: list[dict[str, Any]] = []
        self.raw_drafts: list[bytes] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    # -- knobs for tests ---------------------------------------------------

    def fail(self, endpoint: str, errcode: int, errmsg: str) -> None:
        """Answer the next call of ``endpoint`` (e.g. ``draft/add``) with an error."""
        self.failures.setdefault(endpoint, []).append((errcode, errmsg))

    def expire_tokens(self) -> None:
        for token in self.tokens:
            self.tokens[token] = False

    def expire_tokens_on(self, endpoint: str) -> None:
        """Let every token expire just as ``endpoint`` is called (once)."""
        self.expire_on = endpoint

    def image_url(self, name: str, data: bytes) -> str:
        self.images[name] = data
        return f"{self.url}/images/{name}"

    # -- endpoints ---------------------------------------------------------

    def token(self, query: dict[str, str]) -> dict[str, Any]:
        self.token_requests += 1
        if query.get("grant_type") != "client_credential":
            return {"errcode": 40002, "errmsg": "invalid grant_type"}
        if query.get("appid") != APP_ID:
            return {"errcode": 40013, "errmsg": "invalid appid"}
        if query.get("secret") != SECRET:
            return {"errcode": 40125, "errmsg": "invalid appsecret"}
        token = f"TOKEN-{len(self.tokens) + 1}"
        self.tokens[token] = True
        return {"access_token": token, "expires_in": 7200}

    def authorise(self, endpoint: str, query: dict[str, str]) -> dict[str, Any] | None:
        if self.expire_on == endpoint:
            self.expire_on = None
            self.expire_tokens()
        token = query.get("access_token")
        if not token:
            return {"errcode": 41001, "errmsg": "access_token missing"}
        if token not in self.tokens:
            return {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"}
        if not self.tokens[token]:
            return {"errcode": 42001, "errmsg": "access_token expired"}
        return None

    def uploadimg(self, media: tuple[str, bytes] | None) -> dict[str, Any]:
        if media is None:
            return {"errcode": 41005, "errmsg": "media data missing"}
        ctype, data = media
        if not data.startswith((PNG_MAGIC, b"\xff\xd8\xff")) or ctype not in (
            "image/png",
            "image/jpeg",
        ):
            return {"errcode": 40005, "errmsg": "invalid file type"}
        if len(data) >= 1024 * 1024:
            return {"errcode": 40009, "errmsg": "invalid image size"}
        url = f"http://mmbiz.qpic.cn/mmbiz_png/{hashlib.sha256(data).hexdigest()[:20]}/0"
        self.uploads[url] = data
        return {"url": url}

    def add_material(self, query: dict[str, str], media: tuple[str, bytes] | None) -> dict:
        if query.get("type") != "image":
            return {"errcode": 40004, "errmsg": "invalid media type"}
        if media is None:
            return {"errcode": 41005, "errmsg": "media data missing"}
        media_id = f"MEDIA-{len(self.materials) + 1}"
        self.materials[media_id] = media[1]
        return {"media_id": media_id, "url": f"http://mmbiz.qpic.cn/{media_id}/0", "item": []}

    def draft_add(self, raw: bytes) -> dict[str, Any]:
        try:
            body = json.loads(raw.decode("utf-8"))
            articles = body["articles"]
        except (UnicodeDecodeError, ValueError, KeyError, TypeError):
            return {"errcode": 44002, "errmsg": "empty post data"}
        escaped = b"\\u" in raw  # WeChat counts escaped text as written: false length errors
        for article in articles:
            title = article.get("title", "")
            measured = len(json.dumps(title)) - 2 if escaped else len(title)
            if measured > 32:
                return {"errcode": 45003, "errmsg": "title size out of limit"}
            if len(article.get("author", "")) > 16:
                return {"errcode": 45110, "errmsg": "author size out of limit"}
            if len(article.get("digest", "")) > 128:
                return {"errcode": 45004, "errmsg": "description size out of limit"}
            content = article.get("content", "")
            if len(content) >= 20_000 or len(content.encode()) >= 1_000_000:
                return {"errcode": 45002, "errmsg": "content size out of limit"}
            for href in re.findall(r'<a [^>]*href="([^"]*)"', content):
                if not href.startswith(("https://mp.weixin.qq.com/", "http://mp.weixin.qq.com/")):
                    return {"errcode": 45166, "errmsg": "invalid content hint: [x] rid: 1"}
            if article.get("thumb_media_id") not in self.materials:
                return {"errcode": 40007, "errmsg": "invalid media_id"}
        self.drafts.append(body)
        self.raw_drafts.append(raw)
        return {"media_id": f"DRAFT-{len(self.drafts)}", "item": []}


def _multipart_media(headers: Any, body: bytes) -> tuple[str, bytes] | None:
    head = f"Content-Type: {headers.get('Content-Type', '')}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        return None
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == "media":
            return part.get_content_type(), part.get_payload(decode=True)
    return None


def _handler(fake: FakeWechat) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _answer(self, data: dict[str, Any] | bytes, ctype: str = "application/json") -> None:
            body = data if isinstance(data, bytes) else json.dumps(data).encode()
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if parts.path.startswith("/images/"):
                data = fake.images.get(parts.path.removeprefix("/images/"))
                if data is None:
                    self.send_error(404)
                    return
                self._answer(data, "image/png")
                return
            if parts.path != "/cgi-bin/token":
                self.send_error(404)
                return
            with fake.lock:
                fake.calls.append("token")
                queued = fake.failures.get("token")
                if queued:
                    code, msg = queued.pop(0)
                    answer = {"errcode": code, "errmsg": msg}
                else:
                    answer = fake.token(query)
            self._answer(answer)

        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            endpoint = parts.path.removeprefix("/cgi-bin/")
            if endpoint not in ("media/uploadimg", "material/add_material", "draft/add"):
                self.send_error(404)
                return
            with fake.lock:
                fake.calls.append(endpoint)
                answer = fake.authorise(endpoint, query)
                queued = fake.failures.get(endpoint)
                if answer is None and queued:
                    code, msg = queued.pop(0)
                    answer = {"errcode": code, "errmsg": msg}
                if answer is None:
                    if endpoint == "draft/add":
                        answer = fake.draft_add(body)
                    else:
                        media = _multipart_media(self.headers, body)
                        answer = (
                            fake.uploadimg(media)
                            if endpoint == "media/uploadimg"
                            else fake.add_material(query, media)
                        )
            self._answer(answer)

    return Handler
