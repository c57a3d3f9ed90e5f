"""Why nothing moves: a modem, and the queue, explained in plain words.

The panel's modem cards say what each modem is doing and, when it cannot send, why; above them
one sentence says why waiting messages do not leave; a send-only modem says what it cannot do
(``capability_words``). The same words serve ``smsrelay status`` and
the API, so they live here, as pure functions over plain data: a modem is the dict of
``appliance.views.status`` (its ``modems`` list), the queue its ``queue`` counts. Times are
written the way people read them where the appliance stands (``plain_time``).

The words are English; the panel passes its own ``tr`` (``flask_babel.gettext``: same shape,
``tr(msgid, **values)``) to have them in the reader's language, so every sentence here is a
msgid with ``%(name)s`` values, extracted by ``make translations`` (babel.cfg). The appliance
itself never imports Babel's runtime.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, Protocol

from .states import ModemState, Status


class Translate(Protocol):
    def __call__(self, msgid: str, **values: Any) -> str: ...


def english(msgid: str, **values: Any) -> str:
    """The words as written (the CLI, the API): ``msgid % values``, like gettext untranslated."""
    return msgid % values if values else msgid


def N_(msgid: str) -> str:  # gettext's name for "marked, translated later"
    return msgid


# What a send-only modem is: the driver's words (``modem.device.SEND_ONLY``), written again here
# because the panel may not import the driver (import-linter); tests/unit/test_status.py holds
# the two equal.
SEND_ONLY = N_("can send; cannot report received SMS")

STALE_AFTER = timedelta(minutes=3)  # the daemon polls every modem every 30 s

# States in which a modem takes messages (``busy`` is sending one and takes the next after it).
SENDING_STATES = frozenset({ModemState.READY, ModemState.BUSY})

# What a modem in each state is doing; the panel shows the message being sent instead.
DOING = {
    ModemState.ABSENT: N_("not connected"),
    ModemState.PROBING: N_("being identified"),
    ModemState.SIM_LOCKED: N_("waiting for its SIM to be unlocked"),
    ModemState.NO_SIM: N_("waiting for a SIM card"),
    ModemState.SEARCHING: N_("looking for a network"),
    ModemState.READY: N_("idle, ready to send"),
    ModemState.BUSY: N_("sending"),
    ModemState.RESETTING: N_("being reset after it stopped answering"),
    ModemState.FAILED: N_("out of service"),
}
# Why a modem in each state does not send, when the daemon gave no ``reason`` of its own.
WHY_NOT_READY = {
    ModemState.ABSENT: N_("The modem is unplugged or does not answer."),
    ModemState.PROBING: N_("The daemon is still finding out what this modem is."),
    ModemState.SIM_LOCKED: N_(
        "The SIM asks for its PIN or PUK: set the right pin in the configuration."
    ),
    ModemState.NO_SIM: N_("There is no SIM card in the modem, or it is badly seated."),
    ModemState.SEARCHING: N_(
        "The modem is not registered on a network yet (no coverage, or SIM refused)."
    ),
    ModemState.RESETTING: N_("The modem stopped answering; the daemon is resetting it."),
    ModemState.FAILED: N_(
        "The modem does not answer even after a reset: unplug it and plug it in again."
    ),
}


def explain_database(trouble: Mapping[str, Any] | None, tr: Translate = english) -> str | None:
    """Why nothing is recorded (``status --json``'s ``database_trouble``: the daemon's note,
    ``appliance.database_trouble``), for the panel and the CLI; the reason stays the driver's."""
    if not trouble:
        return None
    if trouble["kind"] == "refuses writes":
        return tr(
            "No message leaves while the database refuses writes: %(reason)s. Free some space "
            "(or make its disk writable again): the daemon then goes on by itself, and what it "
            "kept meanwhile is recorded.",
            reason=trouble["reason"],
        )
    return tr(
        "No message leaves while the database cannot be reached: %(reason)s. The daemon tries "
        "again every second and goes on by itself once it answers; what it kept meanwhile is "
        "recorded then.",
        reason=trouble["reason"],
    )


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


def doing(state: str, sending: Sending | None = None, tr: Translate = english) -> str:
    """What a modem is doing, in words: the message it sends, or what its state means."""
    if sending is not None:
        values = {"id": sending.id, "to": sending.recipient, "parts": sending.parts}
        if sending.parts > 1:
            return tr("sending message #%(id)s to %(to)s, %(parts)s parts", **values)
        return tr("sending message #%(id)s to %(to)s", **values)
    words = DOING.get(_state(state))  # type: ignore[call-overload]
    return tr(words) if words else state


def _seen_at(modem: Mapping[str, Any]) -> datetime | None:
    seen = modem.get("seen_at")
    return datetime.fromisoformat(seen) if isinstance(seen, str) else seen


def explain_modem(
    modem: Mapping[str, Any],
    now: datetime,
    *,
    node: str | None = None,
    zone: tzinfo = UTC,
    tr: Translate = english,
    when: Callable[[datetime | None], str] | None = None,
) -> str | None:
    """Why ``modem`` (a dict of ``views.status``) does not send now, or None when it can.

    A modem not heard from for ``STALE_AFTER`` comes first, whatever its last state: the daemon
    that would move it may be down (on another node than ``node``, this one, it is named).
    ``when`` writes a time (``plain_time`` in ``zone`` unless given); the daemon's own
    ``reason`` is shown as it is: the panel translates it beforehand (``web.reasons``).
    """
    state = _state(modem["state"])
    seen_at = _seen_at(modem)
    if state != ModemState.ABSENT and seen_at is not None and now - seen_at > STALE_AFTER:
        seen = when(seen_at) if when else plain_time(seen_at, now, zone)
        if modem.get("node") and modem["node"] != node:
            return tr(
                "Not heard from since %(when)s: is `smsrelay serve` running on node %(node)s? "
                "What follows may be out of date.",
                when=seen,
                node=modem["node"],
            )
        return tr(
            "Not heard from since %(when)s: is `smsrelay serve` running? "
            "What follows may be out of date.",
            when=seen,
        )
    if state != ModemState.READY:
        reason = modem.get("reason")
        if reason and reason != ModemState.READY:
            return reason[0].upper() + reason[1:]
        why = WHY_NOT_READY.get(state)  # type: ignore[call-overload]
        return tr(why) if why else tr("The modem is %(state)s.", state=state)
    reason = modem.get("reason")
    if reason and reason != ModemState.READY:  # ready, but pausing (a SIM's breaker, issue 9)
        return reason[0].upper() + reason[1:]
    limit = modem.get("daily_limit")
    if limit and modem["sent_today"] >= limit:
        return tr(
            "Its daily cap is reached (%(sent)s of %(cap)s parts today): "
            "it sends again after midnight.",
            sent=modem["sent_today"],
            cap=limit,
        )
    return None


def capability_words(modem: Mapping[str, Any], tr: Translate = english) -> str | None:
    """What a modem cannot do even when it sends, in words for its card and ``smsrelay status``:
    a send-only modem (``receives`` false: a phone that refuses every AT+CNMI and AT+CPMS) "can
    send; cannot report received SMS". None when it does all a modem does."""
    return tr(SEND_ONLY) if modem.get("receives") is False else None


def can_send(modem: Mapping[str, Any], now: datetime, *, node: str | None = None) -> bool:
    """Whether ``modem`` takes messages now: ready or busy, and nothing in the way."""
    return _state(modem["state"]) in SENDING_STATES and explain_modem(modem, now, node=node) is None


def _waiting(count: int, tr: Translate) -> str:
    if count == 1:
        return tr("1 message waits")
    return tr("%(count)s messages wait", count=count)


def explain_queue(
    counts: Mapping[str, int],
    modems: Iterable[Mapping[str, Any]],
    now: datetime,
    *,
    node: str | None = None,
    tr: Translate = english,
) -> str | None:
    """Why waiting messages do not leave (``counts`` by status, ``modems`` as in
    ``explain_modem``), or None when nothing is stuck."""
    modems = list(modems)
    waiting = counts.get(Status.QUEUED, 0)
    if not modems:
        nothing = tr("No modem seen yet. Is `smsrelay serve` running, and is a modem plugged in?")
        return nothing + (f" {_waiting(waiting, tr)}." if waiting else "")
    if waiting and not any(can_send(m, now, node=node) for m in modems):
        return tr(
            "%(waiting)s and no modem can send now: see the reasons below.",
            waiting=_waiting(waiting, tr),
        )
    return None


def credit_words(
    credit: Mapping[str, Any] | None,
    now: datetime,
    zone: tzinfo = UTC,
    tr: Translate = english,
    when: Callable[[datetime | None], str] | None = None,
    number: Callable[[float], str] | None = None,
) -> str | None:
    """A SIM's credit as the panel and ``smsrelay status`` say it (the ``credit`` of a modem in
    ``views.status``): "5.00 EUR, low (10:02)", "answer not read: ... (10:02)", "asked at 10:05,
    waiting for the modem"; None when it was never queried."""
    if credit is None:
        return None
    parts = []
    checked = credit.get("checked_at")
    if checked is not None:
        at = _written(checked, now, zone, when)
        amount = credit.get("amount")
        if amount is None:
            parts.append(
                tr("answer not read: %(answer)r (%(when)s)", answer=credit.get("answer"), when=at)
            )
        else:
            currency = f" {credit['currency']}" if credit.get("currency") else ""
            written = f"{number(amount) if number else f'{amount:.2f}'}{currency}"
            if credit.get("low"):
                parts.append(tr("%(amount)s, low (%(when)s)", amount=written, when=at))
            else:
                parts.append(f"{written} ({at})")
    if credit.get("error"):
        parts.append(tr("last query failed: %(error)s", error=credit["error"]))
    if credit.get("asked_at"):
        asked = _written(credit["asked_at"], now, zone, when)
        parts.append(tr("asked at %(when)s, waiting for the modem", when=asked))
    return "; ".join(parts) or None


def _written(iso: str, now: datetime, zone: tzinfo, when: Callable[[datetime], str] | None) -> str:
    moment = datetime.fromisoformat(iso)
    return when(moment) if when else plain_time(moment, now, zone)
