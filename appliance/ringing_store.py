"""``RingingStore``: the daemon's store, which wakes the ``smsrelay send --wait`` processes
(``waiters.ring``) after each operation that may settle a message. Apart from ``waiters`` so that
a waiting CLI imports no database code."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine

from .store import Store

# The store's operations that can settle a message (``waiters`` says why): the daemon's
# ``RingingStore`` rings after each; ``tests/appliance/test_waiters.py`` checks the names exist.
SETTLING = (
    "mark_sent",
    "mark_refused",
    "mark_failed",
    "mark_unknown",
    "add_report",
    "add_reports",
    "expire",
    "recover",
)


class RingingStore(Store):
    """The daemon's store: after each operation that may settle a message (``SETTLING``), after
    its commit, it calls ``on_settled`` (``ring`` on the waiters' folder). The one place where
    the outcomes recorded by the workers, the report recorder and the scheduler are announced.
    """

    def __init__(self, engine: Engine, on_settled: Callable[[], object]) -> None:
        super().__init__(engine)
        self._on_settled = on_settled

    def _rung(self, result):
        self._on_settled()
        return result

    def mark_sent(self, *args, **kwargs):
        return self._rung(super().mark_sent(*args, **kwargs))

    def mark_refused(self, *args, **kwargs):
        return self._rung(super().mark_refused(*args, **kwargs))

    def _after_together(self) -> None:  # an outcome written with the next's hand-over
        self._on_settled()

    def mark_failed(self, *args, **kwargs):
        return self._rung(super().mark_failed(*args, **kwargs))

    def mark_unknown(self, *args, **kwargs):
        return self._rung(super().mark_unknown(*args, **kwargs))

    def add_report(self, *args, **kwargs):
        return self._rung(super().add_report(*args, **kwargs))

    def add_reports(self, *args, **kwargs):
        return self._rung(super().add_reports(*args, **kwargs))

    def expire(self, *args, **kwargs):
        return self._rung(super().expire(*args, **kwargs))

    def recover(self, *args, **kwargs):
        return self._rung(super().recover(*args, **kwargs))
