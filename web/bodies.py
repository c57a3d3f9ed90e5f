"""How large a request body may be: 1 MB everywhere (``MAX_CONTENT_LENGTH``), more for the few
views that take a file (the contacts import: 20 MB), each saying so with ``@body_limit``.

The limit must be known before anything reads the body, and the CSRF check reads the form in
the app's first ``before_request``, before any view or blueprint hook runs: so the limit is
looked up by the request itself (``PanelRequest.max_content_length``) from the view its URL
matched. A body over the limit is refused with 413 before it is parsed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Request, current_app

View = TypeVar("View", bound=Callable)


def body_limit(size: int) -> Callable[[View], View]:
    """Let ``view`` take bodies of up to ``size`` bytes (instead of ``MAX_CONTENT_LENGTH``)."""

    def mark(view: View) -> View:
        view.body_limit = size  # type: ignore[attr-defined]
        return view

    return mark


class PanelRequest(Request):
    """Flask's request, whose body limit is the matched view's ``body_limit`` when it has one."""

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is None and self.url_rule is not None:
            view = current_app.view_functions.get(self.url_rule.endpoint)
            size = getattr(view, "body_limit", None)
            if size is not None:
                return size
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value
