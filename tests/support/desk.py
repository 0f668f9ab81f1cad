"""Driving the desk over HTTP as a browser would: sign in, read a form's CSRF token, post."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from syndicator.actions import accounts

PASSWORD = "correct horse battery"
#: A page script returning what the clipboard holds, by type (after a Copy).
READ_CLIPBOARD = """async () => {
    const out = {};
    for (const item of await navigator.clipboard.read()) {
        for (const type of item.types) out[type] = await (await item.getType(type)).text();
    }
    return out;
}"""
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def add_user(engine: Any, name: str, role: str = "editor", password: str = PASSWORD) -> None:
    accounts.add_user(engine, name, role, password, actor="test", now=datetime.now().astimezone())


def csrf_token(client: Any, path: str = "/desk/login") -> str:
    """The CSRF token a form on ``path`` carries (the session's, so any form will do)."""
    page = client.get(path, follow_redirects=True).get_data(as_text=True)
    match = _TOKEN.search(page)
    assert match, f"no CSRF token in the form of {path}"
    return match.group(1)


def login(client: Any, name: str, password: str = PASSWORD, **extra: str) -> Any:
    data = {"name": name, "password": password, "csrf_token": csrf_token(client), **extra}
    return client.post("/desk/login", data=data)


def post(client: Any, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    """A form post with the session's CSRF token, as the desk's own forms send it."""
    token = csrf_token(client, "/desk/")
    return client.post(path, data={"csrf_token": token, **(data or {})}, **kwargs)
