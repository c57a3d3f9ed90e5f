"""Modem states and message statuses, with the moves allowed between them, as tables.

One file, read like the specification (DESIGN.md, "Message states"; h11 keeps its whole state
machine in one module the same way). The worker, the store, the panel and the API name states
through these enums only, never as bare strings, and a move outside the tables is a bug that
``check_move`` reports in words.

This module imports nothing of the appliance: the panel's process can use it without pulling the
worker, the driver or pyserial in.
"""

from __future__ import annotations

from enum import StrEnum


class ModemState(StrEnum):
    """What a modem is doing, as the panel and ``status --json`` show it (a stable contract)."""

    ABSENT = "absent"  # its port is gone (unplugged) or was never opened
    PROBING = "probing"  # opened, being identified and initialised
    SIM_LOCKED = "sim-locked"  # the SIM wants a PIN or PUK, or failed
    NO_SIM = "no-sim"
    SEARCHING = "searching"  # not registered on a network
    READY = "ready"  # may be handed a message
    BUSY = "busy"  # sending a message
    RESETTING = "resetting"  # climbing the self-healing ladder
    FAILED = "failed"  # gave up after a power cycle; tried again later


class Status(StrEnum):
    """Message states (DESIGN.md): queued → sending → sent → delivered, or an end state."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"  # may or may not have left: re-sent only on request


MessageStatus = Status

# Statuses a message does not leave by itself (``unknown`` waits for an operator, so it is not
# final: ``retry`` and ``cancel`` still apply to it).
FINAL_STATUSES = frozenset(
    {Status.SENT, Status.DELIVERED, Status.FAILED, Status.EXPIRED, Status.CANCELLED}
)

# from -> {to: why}: every move a message may make, and what makes it.
MESSAGE_MOVES: dict[Status, dict[Status, str]] = {
    Status.QUEUED: {
        Status.SENDING: "claimed by a modem (committed before AT+CMGS)",
        Status.CANCELLED: "cancelled by a user, a script or a campaign",
        Status.EXPIRED: "its validity passed before a modem took it",
        Status.FAILED: "it can never be sent (e.g. its number turned out invalid)",
    },
    Status.SENDING: {
        Status.SENT: "the modem answered +CMGS for every part",
        Status.QUEUED: "a transient error before it left: it goes again",
        Status.FAILED: "a permanent error, or the last allowed attempt failed",
        Status.UNKNOWN: "a crash, unplug or timeout after AT+CMGS: it may have left",
    },
    Status.SENT: {
        Status.DELIVERED: "a delivery report for every part",
    },
    Status.UNKNOWN: {
        Status.QUEUED: "an operator asked to send it again (or resend_unknown = true)",
        Status.CANCELLED: "an operator settled it",
    },
    Status.FAILED: {
        Status.QUEUED: "an operator asked to retry it",
    },
    Status.EXPIRED: {
        Status.QUEUED: "an operator asked to retry it",
    },
    Status.DELIVERED: {},
    Status.CANCELLED: {},
}

# Modem states are driven by what the port and the modem say, so most moves are possible; the
# table names the ones that are not: a modem is never handed work unless it is ready.
AVAILABLE_STATES = frozenset({ModemState.READY})
# States in which a modem is trying to come up by itself (the panel says "wait", not "act").
COMING_UP_STATES = frozenset({ModemState.PROBING, ModemState.SEARCHING, ModemState.RESETTING})


class IllegalMove(ValueError):
    """A status change the tables do not allow: a bug, named in words."""


def may_move(before: Status | str, after: Status | str) -> bool:
    return Status(after) in MESSAGE_MOVES[Status(before)]


def check_move(before: Status | str, after: Status | str) -> None:
    """Raise ``IllegalMove`` unless a message may go from ``before`` to ``after``."""
    if not may_move(before, after):
        allowed = ", ".join(sorted(MESSAGE_MOVES[Status(before)])) or "nothing"
        raise IllegalMove(f"a {before} message cannot become {after} (it may become: {allowed})")


def sources_of(after: Status | str) -> frozenset[Status]:
    """The statuses a message may be in just before it becomes ``after``."""
    target = Status(after)
    return frozenset(before for before, moves in MESSAGE_MOVES.items() if target in moves)
