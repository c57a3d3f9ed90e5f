"""The end of a send attempt that failed or never began (``attempt_schema``), with its event.

``mark_refused`` is a refusal's whole record in one transaction (the attempt, the events, the
retry or the failure, the modem's card), written while the modem's next send is on the air;
``hand_over`` commits that a claim made ahead (``sending`` without ``sending_at``) is about to go
on the air, before its ``AT+CMGS``; ``release`` gives back one that never went.

A claim begins an attempt and ``mark_sent`` ends it in their own transactions (``outbound``).
A failure ends it here, in the transaction that also writes the ``message.error`` event the
worker wrote on its own before: the refusal's code and words are kept for the message's detail
at no extra commit between two sends. ``recover`` ends what a stopped daemon left open.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection
from sqlmodel import Session

from . import statements
from .attempt_schema import Outcome
from .transactions import Transactions


@dataclass(frozen=True)
class Refusal:
    """How a refused attempt is recorded (``message_attempt``): its words, the ``+CMS ERROR``
    code if any, and the references of the parts that left before it."""

    reason: str
    cms_code: int | None = None
    refs: Sequence[int] = ()


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

    def mark_refused(
        self,
        message_id: int,
        *,
        reason: str,
        due_at: datetime | None,
        now: datetime,
        imei: str | None,
        events: Sequence[tuple[str, str]],
        card: str,
        error: str,
        attempt: Refusal,
    ) -> None:
        """A send refused before it left, in one transaction of prebuilt statements (it sits
        between two sends of a busy modem, and must be committed before the next one leaves):
        the message queued again due at ``due_at`` with ``reason`` (None: failed, with
        ``reason``), the ``events`` logged as (kind, detail), and the modem's card: ready, with
        ``card`` as its reason and ``error`` as its last error; the attempt ends ``refused``."""
        with self._writing() as connection:
            connection.execute(
                statements.ATTEMPT_ENDED,
                {"b_id": message_id, "b_outcome": Outcome.REFUSED, "b_now": now,
                 "b_cms_code": attempt.cms_code, "b_reason": attempt.reason,
                 "b_refs": ",".join(str(ref) for ref in attempt.refs)},
            )  # fmt: skip
            for kind, detail in events:
                connection.execute(statements.LOG, _event(now, kind, imei, message_id, detail))
            if due_at is None:
                connection.execute(
                    statements.GIVE_UP, {"b_id": message_id, "b_reason": reason, "b_now": now}
                )
                connection.execute(
                    statements.LOG, _event(now, "message.failed", None, message_id, reason)
                )
            else:
                connection.execute(
                    statements.RETRY, {"b_id": message_id, "b_reason": reason, "b_due": due_at}
                )
            if imei is not None:
                connection.execute(
                    statements.MODEM_REFUSED,
                    {"b_imei": imei, "b_reason": card, "b_error": error, "b_now": now},
                )

    def hand_over(self, message_id: int, imei: str, node: str, now: datetime) -> bool:
        """A message claimed ahead goes on the air now: its ``sending_at``, committed (durable,
        ``synchronous=FULL``) before its ``AT+CMGS``. From here a crash or a dead node leaves it
        ``unknown``; before, it goes back to the queue (``recover``, ``settle_expired_claims``).
        False when the claim is no longer this modem's (given back by a sweep): do not send."""
        with self._writing() as connection:
            handed = connection.execute(
                statements.HAND_OVER,
                {"b_id": message_id, "b_imei": imei, "b_node": node, "b_now": now},
            )
            return bool(handed.rowcount)

    def release(self, message_ids: Sequence[int]) -> None:
        """Messages claimed ahead of a send that never went on the air (their modem failed,
        stopped, or its SIM must pause): queued as they were, their attempt not counted (its row
        in ``message_attempt``, begun by the claim, goes too: no attempt was made)."""
        if message_ids:
            with self._writing() as connection:
                requeue_unsent(connection, message_ids)


def requeue_unsent(executor: Connection | Session, message_ids: Sequence[int]) -> None:
    """In the caller's transaction: claims that never went on the air queued again as they
    were (``RELEASE``), their attempt row dropped (``release``, ``recover``, the sweep)."""
    for message_id in message_ids:
        if executor.execute(statements.RELEASE, {"b_id": message_id}).rowcount:
            executor.execute(statements.ATTEMPT_DROPPED, {"b_id": message_id})


def _event(
    now: datetime, kind: str, imei: str | None, message_id: int, detail: str
) -> dict[str, object]:
    return {
        "b_at": now,
        "b_kind": kind,
        "b_imei": imei,
        "b_message_id": message_id,
        "b_detail": detail,
    }
