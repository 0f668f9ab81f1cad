"""``syndicator wechat``: print a post, check any HTML, push a draft."""

from __future__ import annotations

from typing import Any

import click

from .base import State, cli, pass_state


class _DefaultGroup(click.Group):
    """A group whose first argument, when it names no subcommand, goes to ``show``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["show", *args]
        return super().parse_args(ctx, args)


@cli.group(cls=_DefaultGroup)
def wechat() -> None:
    """WeChat posts: print one, check any HTML, push a draft.

    `syndicator wechat ID` is short for `syndicator wechat show ID`.

    Example: syndicator wechat zjgrrb-20210830-01-01 --json
    """


@wechat.command("show")
@click.argument("article_id")
@click.option(
    "--json", "as_json", is_flag=True, help="Print the draft/add article object instead of HTML."
)
@pass_state
def wechat_show(state: State, article_id: str, as_json: bool) -> None:
    """Print an article's WeChat-ready HTML, or its draft/add payload.

    The HTML is printed when its content passes every rule of the WeChat
    editor; the payload also needs draft/add's limits (title at most 32
    characters, author 8, digest 120). Otherwise the command names each
    broken rule and exits with code 2. An article that is withdrawn, a
    draft or not yet due is printed with a warning.

    Example: syndicator wechat show zjgrrb-20210830-01-01 --json
    """
    from datetime import datetime

    from ..actions.articles import get_article
    from ..render.wechat.post import build_post

    article = get_article(state.engine(), article_id)
    if article.status != "published":
        click.echo(f"warning: {article_id} is {article.status}: not in the feeds", err=True)
    elif article.published_at > datetime.now(state.config.tz):
        due = article.published_at.astimezone(state.config.tz)
        click.echo(f"warning: {article_id} is not due until {due:%Y-%m-%d %H:%M}", err=True)
    post = build_post(article, state.config)
    if as_json:
        click.echo(post.require_ready().json, nl=False)
    else:
        click.echo(post.require_content().content)


@wechat.command("check")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
def wechat_check(source: Any) -> None:
    """List every WeChat rule an HTML fragment breaks (exit 1 if any).

    SOURCE is a file, or - (the default) for standard input.

    Example: syndicator wechat check post.html
    """
    from ..render.wechat.check import check_html

    problems = check_html(source.read())
    for problem in problems:
        click.echo(f"{source.name}:{problem}")
    if problems:
        raise click.ClickException(f"{len(problems)} WeChat rules broken")
    click.echo(f"{source.name}: ready for WeChat")


@wechat.command("push")
@click.argument("article_id")
@pass_state
def wechat_push(state: State, article_id: str) -> None:
    """Create a draft of the article in the Official Account's draft box.

    Reads the app id and secret from SYNDICATOR_WECHAT_APPID and
    SYNDICATOR_WECHAT_SECRET; uploads the pictures and the cover, then calls
    draft/add at [wechat] api_base.

    Example: syndicator wechat push zjgrrb-20210830-01-01
    """
    from ..actions.wechat import push_draft

    result = push_draft(state.engine(), state.config, article_id)
    click.echo(f"{article_id}: draft created, media_id {result.media_id} ({result.summary()})")
