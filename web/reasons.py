"""The appliance's reasons in the reader's language, at display time (issue 16).

The daemon and the store keep their reasons as English text (``message.reason``,
``modem.reason``, ``last_error``): the API and the CLI show them as they are, a contract for
scripts. The panel recognises each known shape here, a pattern with named values, and says it
again through its msgid; a value that is itself a reason (``retry requested (was …)``) is
translated in turn. Text no pattern knows is shown as it came, never hidden: the page test of
French pages (tests/web/test_i18n_pages.py) finds those.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

from appliance.status import DOING, N_

from .alert_words import ALERTS
from .cms_words import cme_words, cms_words
from .refusals import REFUSALS

# Values named ``why`` are reasons themselves and are translated again.
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern + r"\Z", re.S), msgid)
    for pattern, msgid in (
        (r"ready", N_("ready")),
        (r"not opened yet", N_("not opened yet")),
        (r"smsrelay stopped", N_("smsrelay stopped")),
        (r"cancelled", N_("cancelled")),
        (r"campaign cancelled", N_("campaign cancelled")),
        (r"cancelled: number erased", N_("cancelled: number erased")),
        (r"cancelled: opted out \((?P<how>.*)\)", N_("cancelled: opted out (%(how)s)")),
        (r"sending message (?P<id>\d+)", N_("sending message %(id)s")),
        (r"the SIM says (?P<sim>.*)", N_("the SIM says %(sim)s")),
        (r"retry requested \(was (?P<why>.*)\)", N_("retry requested (was %(why)s)")),
        (r"no reason", N_("no reason")),
        (r"not delivered: (?P<why>.*)", N_("not delivered: %(why)s")),
        (
            r"gave up after (?P<n>\d+) attempts: (?P<why>.*)",
            N_("gave up after %(n)s attempts: %(why)s"),
        ),
        (r"SIM problem: (?P<why>.*)", N_("SIM problem: %(why)s")),
        # a CMS/CME reason is modem.codes' English for its code (web.cms_words)
        (r"(?P<cms>.*) \(\+CMS ERROR (?P<code>\d+)\)", N_("%(cms)s (+CMS ERROR %(code)s)")),
        (r"\+CMS ERROR (?P<code>\d+|\?): (?P<cms>.*)", N_("+CMS ERROR %(code)s: %(cms)s")),
        (r"\+CMS ERROR: (?P<code>\d+) \((?P<cms>.*)\)", N_("+CMS ERROR: %(code)s (%(cms)s)")),
        (r"\+CME ERROR (?P<code>\d+|\?): (?P<cme>.*)", N_("+CME ERROR %(code)s: %(cme)s")),
        (
            r"the validity period passed before a modem could send it",
            N_("the validity period passed before a modem could send it"),
        ),
        (
            r"the daemon stopped during the send: it may or may not have left",
            N_("the daemon stopped during the send: it may or may not have left"),
        ),
        (
            r"node (?P<node>\S+) stopped renewing its claim during the send \(dead, or cut off "
            r"from the database\): it may or may not have left",
            N_(
                "node %(node)s stopped renewing its claim during the send (dead, or cut off "
                "from the database): it may or may not have left"
            ),
        ),
        (
            r"searching for a network \(registration takes seconds; longer with poor coverage\)",
            N_("searching for a network (registration takes seconds; longer with poor coverage)"),
        ),
        (
            r"the network refused this SIM \(registration denied\): is its subscription active\?",
            N_("the network refused this SIM (registration denied): is its subscription active?"),
        ),
        (
            r"not registered on a network \((?P<stat>.*)\)",
            N_("not registered on a network (%(stat)s)"),
        ),
        (
            r"(?P<why>.*); trying again in (?P<seconds>[\d.]+) s",
            N_("%(why)s; trying again in %(seconds)s s"),
        ),
        # appliance.worker.sending's retries and unknown outcomes
        (
            r"(?P<why>.*); retrying at once on another modem",
            N_("%(why)s; retrying at once on another modem"),
        ),
        (
            r"(?P<why>.*); retrying on this modem in (?P<seconds>\d+) s",
            N_("%(why)s; retrying on this modem in %(seconds)s s"),
        ),
        (r"(?P<why>.*); retrying on this modem", N_("%(why)s; retrying on this modem")),
        (
            r"(?P<why>.*); the destination's side: retrying in (?P<seconds>\d+) s",
            N_("%(why)s; the destination's side: retrying in %(seconds)s s"),
        ),
        (r"may or may not have left: (?P<why>.*)", N_("may or may not have left: %(why)s")),
        (
            r"may have left \((?P<why>.*)\); sent again as resend_unknown = true",
            N_("may have left (%(why)s); sent again as resend_unknown = true"),
        ),
        (r"unknown error", N_("unknown error")),
        (r"timeout", N_("timeout")),
        *REFUSALS,  # the forms' refusals (web.refusals)
        *ALERTS,  # the alerts' details and channels (web.alert_words)
    )
)


def reason_words(text: str | None) -> str | None:
    """``text`` in the reader's language when its shape is known, else as it is."""
    if not text:
        return text
    for pattern, msgid in PATTERNS:
        found = pattern.match(text)
        if found:
            values = found.groupdict()
            code = values.get("code")
            for name, value in values.items():
                if name == "why":
                    values[name] = reason_words(value)
                elif name == "cms":
                    values[name] = cms_words(code, value)
                elif name == "cme":
                    values[name] = cme_words(code, value)
                elif name == "doing" and value in DOING.values():
                    values[name] = _(value)
            return _(msgid, **values)
    return text


def told_words(text: str | None) -> str | None:
    """What became of an alert's channels ("email sent; webhook event logged"), each part in
    the reader's language."""
    if not text:
        return text
    return "; ".join(reason_words(part) or part for part in text.split("; "))
