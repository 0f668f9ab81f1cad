"""Reading a page's forms as a browser submits them: the tests post what the page offers.

A desk test that fills a form by hand would keep passing when the page
stopped offering a field; reading the fields from the page itself (text
inputs, hidden ones, ticked boxes, selected options, textareas) makes the
page part of what is tested.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

_TEXT_INPUTS = {"text", "hidden", "number", "datetime-local", "date", "password", "search", ""}


class _Forms(HTMLParser):
    """Every form of a page: its action and the (name, value) pairs it would submit."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self._fields: list[tuple[str, str]] | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._option: tuple[str | None, bool, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._fields = []
            self.forms.append((a.get("action", ""), self._fields))
        if self._fields is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "").lower()
            if kind in _TEXT_INPUTS or (kind in ("checkbox", "radio") and "checked" in a):
                self._fields.append((name, a.get("value", "on" if kind else "")))
        elif tag == "textarea" and name:
            self._textarea = (name, [])
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select is not None:
            self._option = (a.get("value"), "selected" in a, [])

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)
        if self._option is not None:
            self._option[2].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None and self._fields is not None:
            name, parts = self._textarea
            text = "".join(parts)
            self._fields.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "option" and self._option is not None:
            value, selected, parts = self._option
            self._options.append((value if value is not None else "".join(parts), selected))
            self._option = None
        elif tag == "select" and self._select is not None and self._fields is not None:
            chosen = [v for v, selected in self._options if selected] or [
                v for v, _ in self._options[:1]
            ]
            self._fields.extend((self._select, v) for v in chosen)
            self._select = None
        elif tag == "form":
            self._fields = None


def form_fields(html: str, action: str) -> dict[str, Any]:
    """What the form posting to ``action`` submits untouched, as a dict for the test client.

    :raises AssertionError: when the page has no such form.
    """
    parser = _Forms()
    parser.feed(html)
    for form_action, fields in parser.forms:
        if form_action == action:
            return dict(fields)
    actions = [a for a, _ in parser.forms]
    raise AssertionError(f"no form posting to {action} on the page (forms: {actions})")
