"""An alert's words in the configured language (``[appliance] language``, ``appliance.language``).

An alert's detail is stored in English, once, when it fires ("Modem 3569... (Orange) is out of
service."): the API, the webhooks' JSON and the panel read it, and it must not change with a
setting. The SMS and the email say it again in the person's language, the "resolved" too, long
after the condition that made it is gone: so the detail is written from one of the msgids
below (``conditions``), and read back by the same msgid (``_shape``: the text around each
``%(name)s`` is fixed), its values said again for the locale (numbers, percentages, amounts and
dates by Babel). One msgid writes and reads a detail, so the two cannot drift apart. A detail of
no known shape (written by an older version) is said as it is, inside translated words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache

from appliance.language import N_, Language, N_plural

# the subject line of each condition, for the SMS and the email (keyed by condition)
TITLES = {
    "modem_down": N_("modem down"),
    "sim_cap": N_("SIM near its daily cap"),
    "queue_stuck": N_("queue not moving"),
    "low_credit": N_("low credit"),
    "disk_full": N_("disk nearly full"),
}

# The details, in English as stored; ``modem`` is the IMEI and its operator in brackets,
# ``doing`` one of ``DOING`` below, ``why`` a modem's reason (the driver's words, untranslated)
MODEM_STALE = N_("Modem %(modem)s has not been heard from since %(when)s UTC.")
MODEM_DOING_WHY = N_("Modem %(modem)s is %(doing)s: %(why)s.")
MODEM_DOING = N_("Modem %(modem)s is %(doing)s.")
SIM_CAP = N_("SIM %(iccid)s sent %(sent)s of its %(limit)s parts today (%(percent)s %%).")
CREDIT_IN = N_("SIM %(iccid)s is low on credit (%(amount)s %(currency)s).")
CREDIT_AMOUNT = N_("SIM %(iccid)s is low on credit (%(amount)s).")
CREDIT = N_("SIM %(iccid)s is low on credit.")
QUEUE_STUCK = N_("%(n)s message(s) wait and none was sent for %(minutes)s.")
DISK_FULL = N_("The disk of %(folder)s is %(percent)s %% full.")
DETAILS = (
    MODEM_STALE, MODEM_DOING_WHY, MODEM_DOING, SIM_CAP, CREDIT_IN, CREDIT_AMOUNT, CREDIT,
    QUEUE_STUCK, DISK_FULL,
)  # fmt: skip
# "for 1 minute", "for 5 minutes" (``minutes`` of QUEUE_STUCK)
MINUTES = N_plural("%(num)s minute", "%(num)s minutes")

# appliance.status' DOING words (what a modem is doing), marked again for this catalogue: the
# panel's words are the panel's (tests/appliance/test_alert_words.py keeps the two the same)
DOING = (
    N_("not connected"),
    N_("being identified"),
    N_("waiting for its SIM to be unlocked"),
    N_("waiting for a SIM card"),
    N_("looking for a network"),
    N_("idle, ready to send"),
    N_("sending"),
    N_("being reset after it stopped answering"),
    N_("out of service"),
)

SUBJECT = N_("[smsrelay] alert: %(title)s")
SUBJECT_RESOLVED = N_("[smsrelay] resolved: %(title)s")
TEXT = N_("Alert: %(detail)s")
TEXT_RESOLVED = N_("Resolved: %(detail)s")


def english(msgid: str, **values: object) -> str:
    """A detail as stored (its values already written the English way by ``conditions``)."""
    return msgid % values


def minutes(count: int) -> str:
    """QUEUE_STUCK's span in English as stored: "1 minute", "5 minutes"."""
    return (MINUTES[0] if count == 1 else MINUTES[1]) % {"num": count}


def words(condition: str, detail: str, resolved: bool, language: Language) -> tuple[str, str]:
    """The subject and the text of an alert, or of its "resolved", in ``language``."""
    title = TITLES.get(condition)
    values = {
        "title": language.gettext(title) if title else condition,
        "detail": said(detail, language),
    }
    subject = language.gettext(SUBJECT_RESOLVED if resolved else SUBJECT) % values
    return subject, language.gettext(TEXT_RESOLVED if resolved else TEXT) % values


def said(detail: str, language: Language) -> str:
    """A stored detail in ``language``: read back by its msgid, its values said again."""
    if language.code == "en":
        return detail
    for msgid in DETAILS:
        found = _shape(msgid).fullmatch(detail)
        if found is None:
            continue
        try:
            values = {
                name: _SAY.get(name, _as_is)(text, language)
                for name, text in found.groupdict().items()
            }
        except ValueError:  # not this shape after all (a doing word that is none)
            continue
        return language.gettext(msgid) % values
    return detail


@cache
def _shape(msgid: str) -> re.Pattern[str]:
    """The regular expression of the details ``msgid`` writes."""
    pieces = re.split(r"(%\(\w+\)s)", msgid.replace("%%", "%"))
    return re.compile(
        "".join(
            f"(?P<{piece[2:-2]}>.+?)" if piece.startswith("%(") else re.escape(piece)
            for piece in pieces
        )
    )


def _as_is(text: str, language: Language) -> str:
    return text


def _whole(text: str, language: Language) -> str:
    return language.number(int(text))


def _percent(text: str, language: Language) -> str:
    return language.percent(int(text))


def _when(text: str, language: Language) -> str:
    return language.when(datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC))


def _doing(text: str, language: Language) -> str:
    if text not in DOING:
        raise ValueError(text)
    return language.gettext(text)


def _amount(text: str, language: Language) -> str:
    return language.number(float(text), 2)


def _minutes(text: str, language: Language) -> str:
    count = int(text.split()[0])
    return language.ngettext(*MINUTES, count) % {"num": language.number(count)}


_SAY: dict[str, Callable[[str, Language], str]] = {
    "when": _when,
    "doing": _doing,
    "sent": _whole,
    "limit": _whole,
    "n": _whole,
    "percent": _percent,
    "amount": _amount,
    "minutes": _minutes,
}
