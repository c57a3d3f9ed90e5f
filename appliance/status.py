"""Why nothing moves: a modem, and the queue, explained in plain words.

The panel's modem cards say what each modem is doing and, when it cannot send, why; above them
one sentence says why waiting messages do not leave; a send-only modem says what it cannot do
(``capability_words``). The same words serve ``smsrelay status`` and
the API, so they live here, as pure functions over plain data: a modem is the dict of
``appliance.views.status`` (its ``modems`` list), the queue its ``queue`` counts. Times are
written the way people read them where the appliance stands (``plain_time``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, Protocol

from .states import ModemState, Status

# What a send-only modem is: the driver's words (``modem.device.SEND_ONLY``), written again here
# because the panel may not import the driver (import-linter); tests/unit/test_status.py holds
# the two equal.
SEND_ONLY = "can send; cannot report received SMS"

STALE_AFTER = timedelta(minutes=3)  # the daemon polls every modem every 30 s

# States in which a modem takes messages (``busy`` is sending one and takes the next after it).
SENDING_STATES = frozenset({ModemState.READY, ModemState.BUSY})

# What a modem in each state is doing; the panel shows the message being sent instead.
DOING = {
    ModemState.ABSENT: "not connected",
    ModemState.PROBING: "being identified",
    ModemState.SIM_LOCKED: "waiting for its SIM to be unlocked",
    ModemState.NO_SIM: "waiting for a SIM card",
    ModemState.SEARCHING: "looking for a network",
    ModemState.READY: "idle, ready to send",
    ModemState.BUSY: "sending",
    ModemState.RESETTING: "being reset after it stopped answering",
    ModemState.FAILED: "out of service",
}
# Why a modem in each state does not send, when the daemon gave no ``reason`` of its own.
WHY_NOT_READY = {
    ModemState.ABSENT: "The modem is unplugged or does not answer.",
    ModemState.PROBING: "The daemon is still finding out what this modem is.",
    ModemState.SIM_LOCKED: (
        "The SIM asks for its PIN or PUK: set the right pin in the configuration."
    ),
    ModemState.NO_SIM: "There is no SIM card in the modem, or it is badly seated.",
    ModemState.SEARCHING: (
        "The modem is not registered on a network yet (no coverage, or SIM refused)."
    ),
    ModemState.RESETTING: "The modem stopped answering; the daemon is resetting it.",
    ModemState.FAILED: (
        "The modem does not answer even after a reset: unplug it and plug it in again."
    ),
}


class Sending(Protocol):
    """The message a modem is sending (an ``appliance.store.schema.Message`` will do)."""

    id: Any
    recipient: str
    parts: int


def plain_time(when: datetime | None, now: datetime, zone: tzinfo = UTC) -> str:
    """A time as people read it in ``zone``: to the minute, with the date when not today."""
    if when is None:
        return "—"
    local = when.astimezone(zone)
    today = now.astimezone(zone).date()
    if local.date() == today:
        return local.strftime("%H:%M")
    if local.year == today.year:
        return local.strftime("%d %b %H:%M")
    return local.strftime("%d %b %Y %H:%M")


def _state(value: str) -> ModemState | str:
    """The state as the enum, or as it came when it is none of ours (shown as is)."""
    try:
        return ModemState(value)
    except ValueError:
        return value


def doing(state: str, sending: Sending | None = None) -> str:
    """What a modem is doing, in words: the message it sends, or what its state means."""
    if sending is not None:
        parts = f", {sending.parts} parts" if sending.parts > 1 else ""
        return f"sending message #{sending.id} to {sending.recipient}{parts}"
    return DOING.get(_state(state), state)  # type: ignore[call-overload]


def _seen_at(modem: Mapping[str, Any]) -> datetime | None:
    seen = modem.get("seen_at")
    return datetime.fromisoformat(seen) if isinstance(seen, str) else seen


def explain_modem(
    modem: Mapping[str, Any],
    now: datetime,
    *,
    node: str | None = None,
    zone: tzinfo = UTC,
) -> str | None:
    """Why ``modem`` (a dict of ``views.status``) does not send now, or None when it can.

    A modem not heard from for ``STALE_AFTER`` comes first, whatever its last state: the daemon
    that would move it may be down (on another node than ``node``, this one, it is named).
    """
    state = _state(modem["state"])
    seen_at = _seen_at(modem)
    if state != ModemState.ABSENT and seen_at is not None and now - seen_at > STALE_AFTER:
        where = f" on node {modem['node']}" if modem.get("node") and modem["node"] != node else ""
        return (
            f"Not heard from since {plain_time(seen_at, now, zone)}: is `smsrelay serve` "
            f"running{where}? What follows may be out of date."
        )
    if state != ModemState.READY:
        reason = modem.get("reason")
        if reason and reason != ModemState.READY:
            return reason[0].upper() + reason[1:]
        return WHY_NOT_READY.get(state, f"The modem is {state}.")  # type: ignore[call-overload]
    reason = modem.get("reason")
    if reason and reason != ModemState.READY:  # ready, but pausing (a SIM's breaker, issue 9)
        return reason[0].upper() + reason[1:]
    limit = modem.get("daily_limit")
    if limit and modem["sent_today"] >= limit:
        return (
            f"Its daily cap is reached ({modem['sent_today']} of {limit} parts today): "
            "it sends again after midnight."
        )
    return None


def capability_words(modem: Mapping[str, Any]) -> str | None:
    """What a modem cannot do even when it sends, in words for its card and ``smsrelay status``:
    a send-only modem (``receives`` false: a phone that refuses every AT+CNMI and AT+CPMS) "can
    send; cannot report received SMS". None when it does all a modem does."""
    return SEND_ONLY if modem.get("receives") is False else None


def can_send(modem: Mapping[str, Any], now: datetime, *, node: str | None = None) -> bool:
    """Whether ``modem`` takes messages now: ready or busy, and nothing in the way."""
    return _state(modem["state"]) in SENDING_STATES and explain_modem(modem, now, node=node) is None


def _waiting(count: int) -> str:
    return "1 message waits" if count == 1 else f"{count} messages wait"


def explain_queue(
    counts: Mapping[str, int],
    modems: Iterable[Mapping[str, Any]],
    now: datetime,
    *,
    node: str | None = None,
) -> str | None:
    """Why waiting messages do not leave (``counts`` by status, ``modems`` as in
    ``explain_modem``), or None when nothing is stuck."""
    modems = list(modems)
    waiting = counts.get(Status.QUEUED, 0)
    if not modems:
        return "No modem seen yet. Is `smsrelay serve` running, and is a modem plugged in?" + (
            f" {_waiting(waiting)}." if waiting else ""
        )
    if waiting and not any(can_send(m, now, node=node) for m in modems):
        return f"{_waiting(waiting)} and no modem can send now: see the reasons below."
    return None


def credit_words(credit: Mapping[str, Any] | None, now: datetime, zone: tzinfo = UTC) -> str | None:
    """A SIM's credit as the panel and ``smsrelay status`` say it (the ``credit`` of a modem in
    ``views.status``): "5.00 EUR, low (10:02)", "answer not read: ... (10:02)", "asked at 10:05,
    waiting for the modem"; None when it was never queried."""
    if credit is None:
        return None
    parts = []
    checked = credit.get("checked_at")
    if checked is not None:
        when = plain_time(datetime.fromisoformat(checked), now, zone)
        amount = credit.get("amount")
        if amount is None:
            parts.append(f"answer not read: {credit.get('answer')!r} ({when})")
        else:
            currency = f" {credit['currency']}" if credit.get("currency") else ""
            low = ", low" if credit.get("low") else ""
            parts.append(f"{amount:.2f}{currency}{low} ({when})")
    if credit.get("error"):
        parts.append(f"last query failed: {credit['error']}")
    if credit.get("asked_at"):
        asked = plain_time(datetime.fromisoformat(credit["asked_at"]), now, zone)
        parts.append(f"asked at {asked}, waiting for the modem")
    return "; ".join(parts) or None
