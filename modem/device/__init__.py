"""``Modem``: a blocking facade over one modem's serial port, one concern per module.

- ``channel``: ``AtChannel``, the port, the reader thread and running one command at a time
- ``unsolicited``: unsolicited result codes turned into domain events (``modem.events``)
- ``unlock``: the SIM's state and its PIN
- ``radio``: whether the radio is on (AT+CFUN), and switching it on
- ``service_centre``: the SMS centre address, kept at bring-up and put back if wiped
- ``initialisation``: from an open port to a modem ready for SMS (asks ``modem.vendors``), or
  send-only when it refuses every indication and storage (a phone)
- ``status``: signal, registration, operator, identities, the panel's snapshot
- ``messages``: sending, listing, reading and deleting SMS and status reports
- ``ussd``: USSD requests
- ``calls``: caller identification and hanging up an incoming call
- ``recovery``: soft reset and power cycle
- ``records``: the values taken and returned (``Timeouts``, ``ModemStatus``, ...)

Each concern is a class built on ``AtChannel``; ``Modem`` puts them together. Every command has
a timeout, every failure is typed (``modem.errors``), and bad input is refused before a byte is
written. The facade knows nothing of queues, databases or the web.
"""

from __future__ import annotations

from .calls import HANG_UP_COMMANDS, CallControl
from .initialisation import SEND_ONLY
from .messages import Messaging
from .records import Identity, ModemStatus, SendResult, StoredMessage, Timeouts
from .recovery import Recovery
from .status import StatusQueries
from .ussd import UssdRequests


class Modem(Recovery, StatusQueries, Messaging, UssdRequests, CallControl):
    """One modem on one serial port. Not tied to a thread, but one command runs at a time.

    ``Modem(port, timeouts=..., baudrate=..., on_event=...)``; ``open()`` (or ``with``), then
    ``initialise(pin)``, then ``status()``, ``send()``, ``list_messages()``, ``ussd()``, ...
    """


__all__ = [
    "HANG_UP_COMMANDS",
    "SEND_ONLY",
    "Identity",
    "Modem",
    "ModemStatus",
    "SendResult",
    "StoredMessage",
    "Timeouts",
]
