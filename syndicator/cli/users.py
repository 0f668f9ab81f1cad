"""``syndicator user`` and ``syndicator audit``: staff accounts and the audit trail."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from .base import State, _dump, _now, cli, cli_actor, pass_state

if TYPE_CHECKING:
    from ..store import AuditEntry


def _read_password(from_stdin: bool) -> str:
    """One line of standard input, or a hidden prompt typed twice."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


def _local(state: State, at: datetime) -> str:
    return f"{at.astimezone(state.config.tz):%Y-%m-%d %H:%M}"


_stdin_option = click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input instead of prompting.",
)


@cli.group()
def user() -> None:
    """Staff accounts of the desk: add, list, disable, enable, change a password.

    Roles: editor (import, edit, schedule, withdraw, push) and admin (also
    manages users). Every change goes into the audit trail.

    Example: syndicator user add wang.li --role editor
    """


@user.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(["editor", "admin"]),
    default="editor",
    show_default=True,
    help="What the user may do: editor, or admin (also manages users).",
)
@_stdin_option
@pass_state
def user_add(state: State, name: str, role: str, password_stdin: bool) -> None:
    """Add a user who can log in to the desk at once.

    NAME is 1-64 lowercase letters, digits, '.', '_' or '-'; the password
    has at least 10 characters.

    Example: printf '%s\\n' "$PASSWORD" | syndicator user add wang.li --password-stdin
    """
    from ..actions.accounts import add_user, check_name, check_role, find_user
    from ..errors import InputError

    engine = state.engine()
    check_name(name)  # before asking for a password
    check_role(role)
    if find_user(engine, name) is not None:
        raise InputError(f"user {name!r} exists", field="name")
    password = _read_password(password_stdin)
    made = add_user(engine, name, role, password, actor=cli_actor(), now=_now(state.config))
    click.echo(f"added user {made.name} ({made.role})")


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the users as JSON.")
@pass_state
def user_list(state: State, as_json: bool) -> None:
    """List every user: name, role, status and when they were added.

    Example: syndicator user list
    """
    from ..actions.accounts import list_users

    users = list_users(state.engine())
    if as_json:
        _dump([u.to_dict() for u in users])
        return
    if not users:
        click.echo("no users (syndicator init creates admin)")
        return
    width = max(len("name"), *(len(u.name) for u in users))
    click.echo(f"{'name':<{width}}  role    status    created")
    for u in users:
        status = "disabled" if u.disabled else "active"
        click.echo(f"{u.name:<{width}}  {u.role:<6}  {status:<8}  {_local(state, u.created_at)}")


@user.command("disable")
@click.argument("name")
@pass_state
def user_disable(state: State, name: str) -> None:
    """Stop a user logging in; their open sessions end at their next request.

    The last admin who can log in cannot be disabled.

    Example: syndicator user disable wang.li
    """
    from ..actions.accounts import disable_user

    disable_user(state.engine(), name, actor=cli_actor(), now=_now(state.config))
    click.echo(f"{name}: disabled")


@user.command("enable")
@click.argument("name")
@pass_state
def user_enable(state: State, name: str) -> None:
    """Let a disabled user log in again.

    Example: syndicator user enable wang.li
    """
    from ..actions.accounts import enable_user

    enable_user(state.engine(), name, actor=cli_actor(), now=_now(state.config))
    click.echo(f"{name}: enabled")


@user.command("passwd")
@click.argument("name")
@_stdin_option
@pass_state
def user_passwd(state: State, name: str, password_stdin: bool) -> None:
    """Set a user's password; their open sessions end, and a login lock on them lifts.

    Example: syndicator user passwd admin
    """
    from ..actions.accounts import find_user, set_password
    from ..errors import NotFoundError

    engine = state.engine()
    if find_user(engine, name) is None:  # before asking for a password
        raise NotFoundError(f"no user named {name!r}")
    password = _read_password(password_stdin)
    set_password(engine, name, password, actor=cli_actor(), now=_now(state.config))
    click.echo(f"{name}: password changed")


@cli.command()
@click.argument("article_id", required=False)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Show at most this many entries, newest first.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the entries as JSON.")
@pass_state
def audit(state: State, article_id: str | None, limit: int, as_json: bool) -> None:
    """Show the audit trail: who did what and when, newest first.

    With ARTICLE_ID, only that article's entries (imports, corrections,
    withdrawals, restores, embargo changes); without, everything, logins
    and user changes included. Times are in the configured time zone.

    Example: syndicator audit zjgrrb-20210830-01-03
    """
    from ..actions.articles import get_article
    from ..actions.audit import list_audit

    engine = state.engine()
    entries = list_audit(engine, article_id=article_id, limit=limit)
    if not entries and article_id is not None:
        get_article(engine, article_id)  # an id that names nothing exits 2
    if as_json:
        _dump([e.to_dict() for e in entries])
        return
    if not entries:
        click.echo("no audit entries")
        return
    for e in entries:
        click.echo(_audit_line(state, e))


def _audit_line(state: State, entry: AuditEntry) -> str:
    parts = [
        _local(state, entry.at),
        entry.actor,
        entry.action,
        entry.article_id or "-",
        entry.note or "-",
    ]
    change = describe_change(entry.before, entry.after)
    if change:
        parts.append(change)
    return "  ".join(parts)


def describe_change(before: Any, after: Any) -> str:
    """``status: published → withdrawn; title: 旧 → 新``, or the new values alone."""
    old = before if isinstance(before, dict) else {}
    new = after if isinstance(after, dict) else {}
    out = []
    for key in [*old, *(k for k in new if k not in old)]:
        if key in old and key in new:
            out.append(f"{key}: {_show(old[key])} → {_show(new[key])}")
        elif key in new:
            out.append(f"{key}: {_show(new[key])}")
        else:
            out.append(f"{key}: {_show(old[key])} → (none)")
    return "; ".join(out)


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value.replace("\n", " ⏎ ")
    return json.dumps(value, ensure_ascii=False)
