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

from . import campaign_problems, contact_import_words, events_file_words
from .alert_words import ALERTS
from .cms_words import CME, REPORTS, cme_words, cms_words, report_words
from .modem_reasons import MODEM_REASONS
from .refusals import REFUSALS
from .words import campaign_status_words, kind_words, registration_words, state_words

# Values that are words of the appliance's own, said in the reader's language too.
FAMILIES = {  # a delivery report's family (modem.pdu.status)
    "delivered": N_("delivered"),
    "still trying": N_("still trying"),
    "failed": N_("failed"),
    "gave up": N_("gave up"),
}
WHO = {"this appliance": N_("this appliance"), "any country": N_("any country"),
       "no country": N_("no country"),
       "[security] countries in the config": N_("[security] countries in the config")}  # fmt: skip
SENDER = re.compile(r"(token|user) ('.*')\Z")  # appliance.senders: "token 'school-script'"
# each table's own values (name, value, reason_words) -> words, or None: not one of its names
VALUE_HOOKS = (
    campaign_problems.value_words,
    contact_import_words.value_words,
    events_file_words.value_words,
)
# texts said whole, by modem.codes' and modem.pdu.status' tables (web.cms_words)
WHOLE = frozenset(REPORTS.values()) | frozenset(CME.values())

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
        # the same with the SIM's pause in brackets (appliance.breaker.words)
        (
            r"(?P<why>.*); retrying at once on another modem \((?P<why_pause>.*)\)",
            N_("%(why)s; retrying at once on another modem (%(why_pause)s)"),
        ),
        (
            r"(?P<why>.*); retrying on this modem in (?P<seconds>\d+) s \((?P<why_pause>.*)\)",
            N_("%(why)s; retrying on this modem in %(seconds)s s (%(why_pause)s)"),
        ),
        (
            r"(?P<why>.*); retrying on this modem \((?P<why_pause>.*)\)",
            N_("%(why)s; retrying on this modem (%(why_pause)s)"),
        ),
        # a message given back by a modem that was not ready (appliance.worker)
        (
            r"modem (?P<imei>\d+) was (?P<state>[\w-]+); queued again",
            N_("modem %(imei)s was %(state)s; queued again"),
        ),
        (r"the modem was not ready; queued again", N_("the modem was not ready; queued again")),
        # held by the cap per person (appliance.store.admission.held_reason)
        (
            r"held: (?P<number>\S+) reached the cap of (?P<cap>\d+) messages in (?P<days>\d+) "
            r"days; may go from (?P<when>.+)",
            N_(
                "held: %(number)s reached the cap of %(cap)s messages in %(days)s days; may go "
                "from %(when)s"
            ),
        ),
        # a campaign's event removed (appliance.campaigning.events_import)
        (r"event (?P<event>.+) removed from the file", N_("event %(event)s removed from the file")),
        # a delivery report's words past modem.pdu.status' table (web.cms_words.REPORTS)
        (
            r"gave up: service rejected \(reserved status (?P<status>0x[0-9a-f]+)\)",
            N_("gave up: service rejected (reserved status %(status)s)"),
        ),
        (
            r"(?P<family>delivered|still trying|failed|gave up) \(status (?P<status>0x[0-9a-f]+), "
            r"specific to the service centre\)",
            N_("%(family)s (status %(status)s, specific to the service centre)"),
        ),
        (
            r"(?P<family>delivered|still trying|failed|gave up) \(status (?P<status>0x[0-9a-f]+), "
            r"reserved\)",
            N_("%(family)s (status %(status)s, reserved)"),
        ),
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
        *MODEM_REASONS,  # a modem's card, its last error, the driver's words (web.modem_reasons)
        *REFUSALS,  # the forms' refusals (web.refusals)
        *ALERTS,  # the alerts' details and channels (web.alert_words)
        *campaign_problems.CAMPAIGN_PROBLEMS,  # a campaign's text (web.campaign_problems)
        *events_file_words.EVENTS_FILE_WORDS,  # an events file (web.events_file_words)
        *contact_import_words.CONTACT_IMPORT_WORDS,  # a contacts file (web.contact_import_words)
    )
)


def reason_words(text: str | None) -> str | None:
    """``text`` in the reader's language when its shape is known, else as it is."""
    if not text:
        return text
    said = _shaped(text)
    if said is None and text in WHOLE:  # a report's reason in "not delivered: …", +CME words
        return _(text)
    return text if said is None else said


def _shaped(text: str) -> str | None:
    """``text`` said again by the first pattern that knows its shape, or None."""
    for pattern, msgid in PATTERNS:
        found = pattern.match(text)
        if found:
            values = found.groupdict()
            code = values.get("code")
            for name, value in values.items():
                values[name] = _value_words(name, value, code)
            return _(msgid, **values)
    return None


def _value_words(name: str, value: str | None, code: str | None) -> str | None:
    """A named value of a reason in the reader's language when it is the appliance's words (a
    reason, a state, a kind, a SIM's label...), else as it came (a number, a port, a name)."""
    if value is None:
        return value
    for hook in VALUE_HOOKS:
        said = hook(name, value, reason_words)
        if said is not None:
            return said
    if name.startswith("why"):
        return reason_words(value)
    if name == "cms":
        return code_words(code, value)
    if name == "cme":
        said = cme_words(code, value)
        return _shaped(value) or value if said == value else said
    if name == "doing" and value in DOING.values():
        return _(value)
    if name == "state":
        return state_words(value)
    if name == "stat":
        return registration_words(value)
    if name == "kind":
        return kind_words(value)
    if name == "status":
        return campaign_status_words(value)
    if name == "family" and value in FAMILIES:
        return _(FAMILIES[value])
    if name == "sim_label":
        if value == "the SIM":
            return _("the SIM")
        return _("SIM %(name)s", name=value.removeprefix("SIM "))
    if name in ("who", "countries", "command"):
        sender = SENDER.match(value)
        if sender:
            kind, who = sender.groups()
            return (
                _("token %(name)s", name=who) if kind == "token" else _("user %(name)s", name=who)
            )
        return _(WHO[value]) if value in WHO else value
    return value


def code_words(code: int | str | None, text: str) -> str:
    """A ``+CMS ERROR`` reason (an attempt's, with its code) in words: modem.codes' English for
    the code, else a shape of the driver's ("manufacturer-specific error 515")."""
    said = cms_words(code, text)  # another table's words for this code are not its own
    return _shaped(text) or text if said == text else said


def delivery_words(status: int | None, text: str) -> str:
    """A delivery report's reason (with its TP-ST) in words, a reserved status's too."""
    said = report_words(status, text)
    return _shaped(text) or text if said == text else said


def told_words(text: str | None) -> str | None:
    """What became of an alert's channels ("email sent; webhook event logged"), each part in
    the reader's language."""
    if not text:
        return text
    return "; ".join(reason_words(part) or part for part in text.split("; "))
