"""What a user can do, one function each: the CLI, the API and the desk call these.

Doors (``cli/``, ``web/``) only parse input and present output; the use
case itself (which options, which transaction, what is retried, what is
announced afterwards) is written once, here. :mod:`.articles` covers
importing, posting, withdrawing and restoring articles, :mod:`.passes`
running a publish pass and the scheduler, :mod:`.wechat` pushing a draft.
"""

from .articles import (
    get_article,
    import_options,
    parse_files,
    parse_posted,
    restore_article,
    save_parsed,
    withdraw_article,
)
from .passes import announce_changes, clock_rewinds, publish_now, start_scheduler
from .wechat import push_draft

__all__ = [
    "announce_changes",
    "clock_rewinds",
    "get_article",
    "import_options",
    "parse_files",
    "parse_posted",
    "publish_now",
    "push_draft",
    "restore_article",
    "save_parsed",
    "start_scheduler",
    "withdraw_article",
]
