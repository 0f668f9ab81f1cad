"""WeChat-ready posts: :mod:`.html` renders the inline-styled ``<section>``,
:mod:`.check` holds any HTML against the editor's rules, :mod:`.post`
builds the ``draft/add`` article object within the API's limits."""
