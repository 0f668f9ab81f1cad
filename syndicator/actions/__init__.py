"""What a user can do, one function each: the CLI, the API and the desk call these.

Doors (``cli/``, ``web/``) only parse input and present output; the use
case itself (which options, which transaction, what is retried, what is
announced afterwards) is written once, here. :mod:`.articles` covers
importing, posting, withdrawing, restoring and scheduling articles,
:mod:`.imports` the desk's import (uploads, :mod:`.import_preview` each article's
fate, confirmed corrections), :mod:`.passes` running a publish pass and
the scheduler, :mod:`.wechat` pushing a draft, :mod:`.accounts` staff
users and logging in, :mod:`.audit` reading the audit trail.

Callers import the module they need (``from ..actions.articles import
save_parsed``): the API's worker should not load the scheduler to save
an article, and this face loads nothing.
"""
