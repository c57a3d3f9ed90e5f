"""The alerts' words (appliance.alerts) in the reader's language, by their shape (issue 16).

An alert's detail and what became of each channel ("email sent; webhook event logged") are
stored in English, the words of the SMS, the email and the API. ``web.reasons`` says them
again on the admin page through these patterns; ``doing`` is one of appliance.status' DOING
words and ``why`` a modem's reason, each translated in turn.
"""

from __future__ import annotations

from appliance.status import N_

MODEM = r"(?P<modem>\d+(?: \([^)]*\))?)"  # the IMEI, and its operator when known
ALERTS: tuple[tuple[str, str], ...] = (
    (MODEM.join((r"Modem ", r" has not been heard from since (?P<when>.+) UTC\."),),
     N_("Modem %(modem)s has not been heard from since %(when)s UTC.")),
    (MODEM.join((r"Modem ", r" is (?P<doing>[^:]+): (?P<why>.+)\.")),
     N_("Modem %(modem)s is %(doing)s: %(why)s.")),
    (MODEM.join((r"Modem ", r" is (?P<doing>[^:]+)\.")), N_("Modem %(modem)s is %(doing)s.")),
    (r"SIM (?P<iccid>\S+) sent (?P<sent>\d+) of its (?P<limit>\d+) parts today "
     r"\((?P<percent>\d+) %\)\.",
     N_("SIM %(iccid)s sent %(sent)s of its %(limit)s parts today (%(percent)s %%).")),
    (r"SIM (?P<iccid>\S+) is low on credit \((?P<amount>[^)]*)\)\.",
     N_("SIM %(iccid)s is low on credit (%(amount)s).")),
    (r"SIM (?P<iccid>\S+) is low on credit\.", N_("SIM %(iccid)s is low on credit.")),
    (r"(?P<n>\d+) message\(s\) wait and none was sent for 1 minute\.",
     N_("%(n)s message(s) wait and none was sent for 1 minute.")),
    (r"(?P<n>\d+) message\(s\) wait and none was sent for (?P<minutes>\d+) minutes\.",
     N_("%(n)s message(s) wait and none was sent for %(minutes)s minutes.")),
    (r"The disk of (?P<folder>.+) is (?P<percent>\d+) % full\.",
     N_("The disk of %(folder)s is %(percent)s %% full.")),
    # what became of each channel (appliance.alerts.channels)
    (r"webhook event logged", N_("webhook event logged")),
    (r"sms #(?P<id>\d+) queued", N_("sms #%(id)s queued")),
    (r"sms refused: (?P<why>.*)", N_("sms refused: %(why)s")),
    (r"email sent", N_("email sent")),
    (r"email not sent: (?P<error>.*)", N_("email not sent: %(error)s")),
)  # fmt: skip
