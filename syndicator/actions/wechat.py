"""WeChat drafts: whether a post may go out, and pushing it to the draft box.

The WeChat client is imported when a push starts: the desk's worker asks
"is it ready?" on every page, and needs no HTTP client for that.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from ..config import WECHAT_APPID_ENV, WECHAT_SECRET_ENV, Config
from ..model import Article
from ..render.wechat.post import WechatPost, build_post, cover_problem
from .articles import get_article

if TYPE_CHECKING:
    from ..integrations.push import PushResult


def push_draft(
    engine: Engine, config: Config, article_id: str, environ: Mapping[str, str] | None = None
) -> PushResult:
    """Upload an article's pictures and cover, then create its draft.

    The app id and secret come from the environment (``environ``, by
    default ``os.environ``).

    :raises NotFoundError: when no article has that id.
    :raises InputError: when the post breaks a rule of the draft API.
    :raises SyndicatorError: when the WeChat API refuses or is unreachable.
    """
    from ..integrations.push import client_from_env, push_article

    article = get_article(engine, article_id)
    return push_article(article, config, client_from_env(config, environ))


@dataclass(frozen=True)
class Readiness:
    """Whether an article's post would pass ``push`` now, and in Chinese why not.

    ``held`` names why the post must not go out at all (withdrawn, a draft,
    not yet due): the desk shows it as a red banner and asks before copying.
    ``problems`` are what ``push`` would refuse (limits, no cover).
    """

    held: str | None
    problems: tuple[str, ...]

    @property
    def ready(self) -> bool:
        return self.held is None and not self.problems


def readiness(
    article: Article, config: Config, now: datetime, post: WechatPost | None = None
) -> Readiness:
    """What stands between ``article`` and a pushed draft, as the desk shows it.

    :param post: the article's post when the caller built it already.
    """
    post = post if post is not None else build_post(article, config)
    held = None
    if article.status == "withdrawn":
        held = "已撤回：不得发布"
    elif article.status == "draft":
        held = "草稿：尚未签发"
    elif article.published_at > now:
        held = f"定时稿：{article.published_at.astimezone(config.tz):%Y-%m-%d %H:%M} 前不得发布"
    problems = list(post.complaints_zh)
    no_cover = cover_problem(article, config)
    if no_cover is not None:
        problems.append(no_cover.zh)
    return Readiness(held=held, problems=tuple(problems))


def push_configured(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the Official Account's credentials are set, so the desk offers Push."""
    env = os.environ if environ is None else environ
    return bool(env.get(WECHAT_APPID_ENV, "").strip() and env.get(WECHAT_SECRET_ENV, "").strip())
