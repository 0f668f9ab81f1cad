"""Pure renderers: articles and config in, bytes or text out.

:mod:`.feeds` writes RSS, Atom, JSON Feed, OPML and archive pages;
:mod:`.wechat` the WeChat post, its checker and the draft object;
:mod:`.html` the article HTML both share. Nothing here touches the
store, the file system or the clock: a caller passes ``now``.
"""
