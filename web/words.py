"""The panel's words for the appliance's states, times and numbers, in the reader's language.

States (``ModemState``, ``Status``), SIM and network codes are stable English tokens in the
store and the API; the panel shows each through a msgid here, and an unknown one as it is.
Times are local to the appliance (``[appliance] timezone``, Flask-Babel's zone) and written in
the locale's own way (``flask_babel.format_datetime``), numbers with its separators.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import format_datetime, format_decimal
from flask_babel import gettext as _

from appliance.states import ModemState, Status
from appliance.status import N_

STATES = {
    ModemState.ABSENT: N_("absent"),
    ModemState.PROBING: N_("probing"),
    ModemState.SIM_LOCKED: N_("SIM locked"),
    ModemState.NO_SIM: N_("no SIM"),
    ModemState.SEARCHING: N_("searching"),
    ModemState.READY: N_("ready"),
    ModemState.BUSY: N_("busy"),
    ModemState.RESETTING: N_("resetting"),
    ModemState.FAILED: N_("failed"),
    Status.QUEUED: N_("queued"),
    Status.SENDING: N_("sending"),
    Status.SENT: N_("sent"),
    Status.DELIVERED: N_("delivered"),
    Status.EXPIRED: N_("expired"),
    Status.CANCELLED: N_("cancelled"),
    Status.UNKNOWN: N_("unknown"),
    "received": N_("received"),
    "answered": N_("answered"),
    "normal": N_("normal"),
    "high": N_("high"),
    "low": N_("low"),
    "admin": N_("admin"),
    "volunteer": N_("volunteer"),
    # an attempt's outcome (appliance.store.attempt_schema.Outcome) and a report's state
    "refused": N_("refused"),
    "returned": N_("returned"),
    "failed": N_("failed"),
    "pending": N_("pending"),
    # a webhook's state
    "active": N_("active"),
    "paused": N_("paused"),
}
# where a message came from (``message.source``) and what it is for (``MessageKind``)
SOURCES = {
    "cli": N_("by the CLI"),
    "api": N_("by the API"),
    "panel": N_("by the panel"),
    "campaign": N_("by a campaign"),
    "sms": N_("by SMS"),
    "import": N_("by an import"),
    "form": N_("by a form"),
    "keyword": N_("by a keyword"),
    "alert": N_("by an alert"),
    "email": N_("by email"),
    "stop": N_("by STOP"),
    "join": N_("by a join keyword"),
}
# a campaign's state (``CampaignStatus``) and why it skipped someone (``SKIP_REASONS``)
CAMPAIGN_STATES = {
    "draft": N_("draft"),
    "running": N_("running"),
    "paused": N_("paused"),
    "cancelled": N_("cancelled"),
    "done": N_("done"),
}
SKIPS = {
    "cap": N_("over the cap per person"),
    "template": N_("a field of the text is missing"),
    "optout": N_("opted out"),
    "consent": N_("no consent"),
    "other": N_("other"),
}
KINDS = {
    "transactional": N_("transactional"),
    "campaign": N_("campaign"),
    "reminder": N_("reminder"),
    "reply": N_("automatic reply"),
    "correction": N_("correction"),
}
# the codes of modem.at.parsers.network.REGISTRATION_STATUS, English as they are
REGISTRATIONS = {
    "not-registered": N_("not-registered"),
    "home": N_("home"),
    "searching": N_("searching"),
    "denied": N_("denied"),
    "unknown": N_("unknown"),
    "roaming": N_("roaming"),
    "home-sms-only": N_("home-sms-only"),
    "roaming-sms-only": N_("roaming-sms-only"),
    "emergency-only": N_("emergency-only"),
}
SIMS = {"READY": N_("READY")}  # AT+CPIN?; PIN and PUK codes are shown as they are


def state_words(state: str | None) -> str:
    """A modem's state, a message's status, a priority or a role, in words."""
    words = STATES.get(state or "")  # type: ignore[call-overload]
    return _(words) if words else (state or "")


def source_words(source: str | None) -> str:
    """Who queued a message or recorded a consent ("by the panel"); a source no table knows
    (an admin's own words for an opt-out) as it is."""
    words = SOURCES.get(source or "")
    return _(words) if words else (source or "?")


def campaign_status_words(status: str | None) -> str:
    words = CAMPAIGN_STATES.get(status or "")
    return _(words) if words else (status or "")


def skip_words(reason: str | None) -> str:
    """Why a campaign skipped people (``campaign_batch.SKIP_REASONS``), in words."""
    words = SKIPS.get(reason or "")
    return _(words) if words else (reason or "")


def consent_words(detail: str) -> str:
    """A consent event's detail, "<source>: <proof>" (``store.contacts``), its source in words;
    the proof is what a person typed, kept as it is."""
    source, sep, proof = detail.partition(": ")
    if not sep or source not in SOURCES:
        return detail
    return _("%(source)s: %(proof)s", source=source_words(source), proof=proof)


def kind_words(kind: str | None) -> str:
    words = KINDS.get(kind or "")
    return _(words) if words else (kind or "")


def registration_words(code: str) -> str:
    words = REGISTRATIONS.get(code)
    return _(words) if words else code


def sim_words(code: str) -> str:
    words = SIMS.get(code)
    return _(words) if words else code


def plain_time(when: datetime | None, now: datetime) -> str:
    """A time as people read it here: to the minute, with the date when not today (and the year
    when not this year), in the locale's own order and month names."""
    if when is None:
        return "—"
    local, today = format_datetime(when, "yyyy-MM-dd"), format_datetime(now, "yyyy-MM-dd")
    if local == today:
        return format_datetime(when, "HH:mm")
    if local[:4] == today[:4]:
        return format_datetime(when, "d MMM HH:mm")
    return format_datetime(when, "d MMM y HH:mm")


def number(value: float | int | None) -> str:
    """A number with the locale's separators (1 234,5 in French)."""
    return "—" if value is None else format_decimal(value)


def money(value: float) -> str:
    return format_decimal(value, format="#,##0.00")
