"""WeChat drafts: push an article to the Official Account's draft box."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.engine import Engine

from ..config import Config
from ..integrations.push import PushResult, client_from_env, push_article
from .articles import get_article


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
    article = get_article(engine, article_id)
    return push_article(article, config, client_from_env(config, environ))
