"""Calls and credit (issue 13): what a modem does when its SIM is called, and how its credit
is queried; read from ``[defaults]`` and each ``[[modem]]`` (which starts from the defaults), and
the ``[calls]`` table.

Per modem:

- ``hangup_calls`` (default true): end an incoming call at its first ring, as smstools3's
  ``hangup_incoming_call`` and gammu's ``HangupCalls`` do; the caller hears the line go busy at
  once rather than ringing out, and the call is kept as missed either way;
- ``hangup_command``: ``"ATH"`` (default) or ``"AT+CHUP"``, for the modems that end a voice call
  with only one of them (the other is tried when the modem refuses it);
- ``credit_code``: the operator's USSD balance code (``"*123#"``); none by default: no query;
- ``credit_every``: how often the worker asks, between sends (default ``"12h"``; ``false``:
  only when someone clicks "Check credit" in the panel); at least ``SHORTEST_CREDIT_EVERY``,
  for each query occupies the modem for seconds and the operator's network for a session;
- ``credit_low``: the amount under which the SIM is marked low (panel, ``/metrics``) and the
  ``sim.low_credit`` webhook fires; none by default.

``[calls] reply``: the SMS that answers a missed call (``false``, the default: none), sent by the
consent desk under its rules (a withheld number gets none, a number that said STOP gets none,
at most ``[contacts] auto_replies_per_hour`` automatic replies an hour to one number).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CallsConfig:
    """``[calls]``, checked: the SMS that answers a missed call (None: none)."""

    reply: str | None = None
