"""The end of a send attempt that failed or never began (``attempt_schema``), with its event.

A claim begins an attempt and ``mark_sent`` ends it in their own transactions (``outbound``).
A failure ends it here, in the transaction that also writes the ``message.error`` event the
worker wrote on its own before: the refusal's code and words are kept for the message's detail
at no extra commit between two sends. ``recover`` ends what a stopped daemon left open.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from . import statements
from .attempt_schema import Outcome
from .transactions import Transactions


class Attempts(Transactions):
    """Ending an attempt that did not send (each call one transaction)."""

    def end_attempt(
        self,
        message_id: int,
        outcome: Outcome,
        now: datetime,
        *,
        reason: str,
        cms_code: int | None = None,
        refs: Sequence[int] = (),
        imei: str | None = None,
        event: str | None = None,
        detail: str = "",
    ) -> None:
        """Record how the message's open attempt ended (``refs``: the references of the parts
        that left before the failure), and log ``event`` (``message.error``) with ``detail``."""
        with self._writing() as connection:
            connection.execute(
                statements.ATTEMPT_ENDED,
                {
                    "b_id": message_id,
                    "b_outcome": outcome,
                    "b_now": now,
                    "b_cms_code": cms_code,
                    "b_reason": reason,
                    "b_refs": ",".join(str(ref) for ref in refs),
                },
            )
            if event is not None:
                connection.execute(
                    statements.LOG,
                    {
                        "b_at": now,
                        "b_kind": event,
                        "b_imei": imei,
                        "b_message_id": message_id,
                        "b_detail": detail,
                    },
                )
