"""The ``draft/add`` article object, and the limits it must respect.

WeChat's limits are enforced here by rules that say what is wrong, never by
cutting text silently: a title over 32 characters (64 with ``[wechat]
long_titles``) is a problem that quotes the title; the author is built from
the byline's names to fit in 8 characters ("程雪、戴大喜", or "毛朝阳、姚磊等"
when not all fit); the digest is the lead cut at a sentence end within 120
characters; the content must pass the checker, which includes its size
(fewer than 20,000 characters, under 1 MB); ``content_source_url`` must fit
in 1 KB. :func:`build_post` runs all of it; every export (CLI, web, publish
pass, push) goes through it.

Pure: no store, no clock.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...config import Config
from ...errors import InputError
from ...model import Article
from ..html import article_url
from .check import Problem, check_html
from .html import clean_text, render_wechat, web_src

TITLE_LIMIT = 32  # draft/add (the web editor allows 64)
LONG_TITLE_LIMIT = 64
AUTHOR_LIMIT = 8  # the docs say 16; 8 is what the editor shows in full
DIGEST_LIMIT = 120
SOURCE_URL_LIMIT = 1024  # bytes

DRAFT_FIELDS = (
    "title",
    "author",
    "digest",
    "content",
    "content_source_url",
    "thumb_media_id",
    "need_open_comment",
    "only_fans_can_comment",
)


class WechatPostError(InputError):
    """An article's post breaks a WeChat rule; ``problems`` lists each one."""

    def __init__(self, article_id: str, problems: list[str]) -> None:
        head = f"{article_id}: not ready for WeChat"
        more = f" ({len(problems)} problems)" if len(problems) > 1 else ""
        super().__init__(f"{head}{more}: " + "; ".join(problems))
        self.article_id = article_id
        self.problems = problems


@dataclass(frozen=True)
class Limit:
    """One ``draft/add`` limit broken: in English for the command line and
    the logs, in Chinese for the newsroom's pages."""

    en: str
    zh: str

    def __str__(self) -> str:
        return self.en


@dataclass(frozen=True)
class WechatPost:
    """One article's WeChat rendering, its ``draft/add`` object and what is wrong."""

    article_id: str
    content: str
    payload: dict[str, Any]
    check: tuple[Problem, ...] = ()  # rules the content breaks (should never happen)
    limits: tuple[Limit, ...] = ()  # limits the payload breaks (e.g. a long title)

    @property
    def complaints(self) -> list[str]:
        """Human-readable, one line each: the checker's first, then the limits."""
        return [f"content {p}" for p in self.check] + [str(limit) for limit in self.limits]

    @property
    def complaints_zh(self) -> list[str]:
        """The same for the newsroom's pages, in Chinese (the checker's rule
        names stay as the checker says them: they never show for our own output)."""
        return [f"正文不符合编辑器规则：{p}" for p in self.check] + [
            limit.zh for limit in self.limits
        ]

    @property
    def ready(self) -> bool:
        return not self.check and not self.limits

    def require_ready(self) -> WechatPost:
        """This post, or :class:`WechatPostError` listing every complaint."""
        if not self.ready:
            raise WechatPostError(self.article_id, self.complaints)
        return self

    def require_content(self) -> WechatPost:
        """This post if its HTML passes the checker (limits of the payload aside)."""
        if self.check:
            raise WechatPostError(self.article_id, [f"content {p}" for p in self.check])
        return self

    @property
    def json(self) -> str:
        return payload_json(self.payload)


def payload_json(payload: Mapping[str, Any]) -> str:
    """UTF-8 JSON with Chinese unescaped: escaped text causes false length errors."""
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def wechat_author(article: Article, limit: int = AUTHOR_LIMIT) -> str:
    """The ``author`` field: the byline's names, as many as fit in ``limit``.

    Names are joined with 、 in byline order; when not all fit, as many as
    fit are followed by 等 ("and others"). Empty when the byline names no one.
    """
    names = list(dict.fromkeys(clean_text(a.name).strip() for a in article.authors))
    names = [n for n in names if n]
    if not names or len("、".join(names)) <= limit:
        return "、".join(names)
    # The longest prefix that fits, found in one walk over the names: trying
    # each prefix from the longest down was quadratic in the authors.
    count, width = 0, len("等") - len("、")
    for name in names:
        if width + len("、") + len(name) > limit:
            break
        width += len("、") + len(name)
        count += 1
    if count:
        return "、".join(names[:count]) + "等"
    return names[0]  # too long on its own: reported by payload_limits


def wechat_digest(article: Article, limit: int = DIGEST_LIMIT) -> str:
    """The digest: the summary, or the lead, cut at a sentence end."""
    return clean_text(article.digest(limit))


def source_url_for(article: Article, config: Config) -> str:
    """阅读原文: the e-paper page when the article has one, else its page here."""
    return article.source_url or article_url(config.site, article)


def draft_article(
    article: Article, content: str, config: Config, *, thumb_media_id: str = ""
) -> dict[str, Any]:
    """The ``draft/add`` article object for one post (not yet checked)."""
    return {
        "title": clean_text(article.title),
        "author": wechat_author(article),
        "digest": wechat_digest(article),
        "content": content,
        "content_source_url": source_url_for(article, config),
        "thumb_media_id": thumb_media_id,
        "need_open_comment": int(config.wechat.open_comment),
        "only_fans_can_comment": int(config.wechat.fans_only_comment),
    }


def payload_limits(payload: Mapping[str, Any], *, long_titles: bool = False) -> list[Limit]:
    """Each limit of ``draft/add`` that ``payload`` breaks, as a sentence with the fix.

    Content size is the checker's business (see ``check_html``).
    """
    problems = []
    title = payload["title"]
    limit = LONG_TITLE_LIMIT if long_titles else TITLE_LIMIT
    if len(title) > limit:
        fix, fix_zh = (
            ("shorten it", "请缩短")
            if long_titles
            else (
                "shorten it, or set [wechat] long_titles = true (the editor allows 64)",
                "请缩短，或在配置中设 [wechat] long_titles = true（编辑器允许 64 字）",
            )
        )
        problems.append(
            Limit(
                f"title is {len(title)} characters, WeChat allows {limit}: «{title}»: {fix}",
                f"标题 {len(title)} 字，微信最多 {limit} 字：«{title}»：{fix_zh}",
            )
        )
    author = payload["author"]
    if len(author) > AUTHOR_LIMIT:
        problems.append(
            Limit(
                f"author «{author}» is {len(author)} characters, "
                f"WeChat allows {AUTHOR_LIMIT}: shorten the first author's name",
                f"作者«{author}» {len(author)} 字，微信最多 {AUTHOR_LIMIT} 字："
                "请缩短第一作者的名字",
            )
        )
    digest = payload["digest"]
    if len(digest) > DIGEST_LIMIT:
        problems.append(
            Limit(
                f"digest is {len(digest)} characters, WeChat allows {DIGEST_LIMIT}",
                f"摘要 {len(digest)} 字，微信最多 {DIGEST_LIMIT} 字",
            )
        )
    url_bytes = len(payload["content_source_url"].encode("utf-8"))
    if url_bytes > SOURCE_URL_LIMIT:
        problems.append(
            Limit(
                f"content_source_url is {url_bytes} bytes, WeChat allows 1 KB: shorten source_url",
                f"原文链接 {url_bytes} 字节，微信最多 1 KB：请缩短 source_url",
            )
        )
    return problems


def cover_src(article: Article) -> str | None:
    """The ``src`` of the picture ``wechat push`` makes the cover, if the article has one.

    The picture the newsroom chose (``article.cover``), else the first one
    on the web: pictures elsewhere (e-paper text keeps only captions) are
    not in the post, so they cannot be its cover either. ``None`` means
    push falls back to ``[wechat] cover`` (see :func:`cover_problem`).
    """
    pictures = [b.src for b in article.images if b.src and web_src(b.src)]
    if article.cover is not None and article.cover in pictures:
        return article.cover
    return pictures[0] if pictures else None


def cover_problem(article: Article, config: Config) -> Limit | None:
    """Why ``wechat push`` would find no cover, or ``None`` when it has one.

    A draft needs a cover image: the article's picture (:func:`cover_src`),
    else the file ``[wechat] cover`` names. Copying the post by hand needs
    none, so this is not among :attr:`WechatPost.limits`; the desk asks it
    before offering a push.
    """
    if cover_src(article) is not None or config.wechat.cover:
        return None
    return Limit(
        "no picture to use as the cover: set [wechat] cover to a jpg/png file in config.toml",
        "没有可作封面的图片：请为稿件添加一张图片，或在配置中设 [wechat] cover",
    )


def build_post(
    article: Article,
    config: Config,
    *,
    image_urls: Mapping[str, str] | None = None,
    thumb_media_id: str = "",
) -> WechatPost:
    """Render, check and measure one article's post with the configured theme.

    Never raises for a rule broken: the post carries its complaints, so a
    page can show them; exports call :meth:`WechatPost.require_ready`.
    """
    if not article.paper:  # 来源 names the paper even when the input did not
        article = article.replace(paper=config.site.title)
    content = render_wechat(
        article,
        config.wechat.current_theme,
        editor=config.wechat.editor or None,
        source_url=source_url_for(article, config),
        image_urls=image_urls,
    )
    payload = draft_article(article, content, config, thumb_media_id=thumb_media_id)
    return WechatPost(
        article_id=article.id,
        content=content,
        payload=payload,
        check=tuple(check_html(content)),
        limits=tuple(payload_limits(payload, long_titles=config.wechat.long_titles)),
    )


def render_post(article: Article, config: Config) -> tuple[str, dict[str, Any]]:
    """The HTML fragment and the draft object of a post that is ready.

    :raises WechatPostError: listing every rule the post breaks.
    """
    post = build_post(article, config).require_ready()
    return post.content, post.payload
