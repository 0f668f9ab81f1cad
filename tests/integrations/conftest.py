"""Fixtures of the integration tests: a fake of the WeChat API on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.wechat_fake import FakeWechat


@pytest.fixture
def fake_wechat() -> Iterator[FakeWechat]:
    """The WeChat API's endpoints on a loopback port, recording every call; closed after."""
    server = FakeWechat()
    yield server
    server.close()
