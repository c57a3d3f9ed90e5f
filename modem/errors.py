"""Typed errors of the modem driver.

Errors are typed where they enter (the AT core, the transport, the PDU codec) and caught only
where a decision is made (the device facade, the appliance's pool and dispatcher). Two families,
as in h11: input the caller got wrong (``InvalidMessage``: refused before a byte is written) and
things the modem or the port did (everything else).
"""

from __future__ import annotations


class ModemError(Exception):
    """Base of every error raised by the ``modem`` package.

    When a send fails, two attributes tell the caller what may already have left (the at-most-once
    rule depends on it): ``sent_references`` holds the message references of the parts the network
    accepted before the failure, and ``maybe_sent`` is true when the failing part's PDU had been
    written to the modem (after the prompt) but no answer came: it may or may not be on air.
    """

    sent_references: tuple[int, ...] = ()
    maybe_sent: bool = False


# --- the caller's input -------------------------------------------------------------------------


class InvalidMessage(ModemError, ValueError):
    """A message that cannot be sent as given; nothing was written to the port."""


class InvalidNumber(InvalidMessage):
    """The destination is empty or not dialable (digits with an optional leading ``+``)."""


class EmptyText(InvalidMessage):
    """The text is empty."""


class TextTooLong(InvalidMessage):
    """The text needs more parts than allowed."""

    def __init__(self, parts: int, max_parts: int) -> None:
        super().__init__(f"the text needs {parts} parts; at most {max_parts} are allowed")
        self.parts = parts
        self.max_parts = max_parts


class LocalProtocolError(ModemError):
    """The driver misused the AT core (a second command while one is pending, say)."""


# --- the modem and the port ---------------------------------------------------------------------


class RemoteProtocolError(ModemError):
    """The modem sent something that is not AT: garbage bytes, invalid UTF-8, a broken reply."""


class PduError(RemoteProtocolError, ValueError):
    """A PDU that cannot be decoded; the message says which field and at which octet."""


class CommandTimeout(ModemError):
    """No final result came within the command's timeout."""

    def __init__(self, command: str, timeout: float) -> None:
        super().__init__(f"{command!r} got no final result within {timeout:g} s")
        self.command = command
        self.timeout = timeout


class PortGone(ModemError):
    """The serial port vanished (the modem was unplugged or reset itself off the bus)."""


class PortBusy(ModemError):
    """The port is held by another process (ModemManager, another smsrelay, a terminal)."""


class RadioOff(ModemError):
    """The modem's radio is off (``+CFUN: 0`` or 4) and it refused to switch it on."""


class SimError(ModemError):
    """The SIM is not usable as it is."""


class SimNotInserted(SimError):
    """No SIM in the modem (or the modem cannot read it)."""


class SimPinRequired(SimError):
    """The SIM waits for its PIN and none was configured."""


class SimPukRequired(SimError):
    """The SIM is blocked after three wrong PINs; only the PUK (from the operator) unblocks it."""


class IncorrectPin(SimError):
    """The SIM refused the PIN. It is never retried: a SIM blocks after three wrong PINs."""


class CmeError(ModemError):
    """``+CME ERROR``: the modem (mobile equipment) refused a command."""

    def __init__(self, code: int | None, reason: str) -> None:
        super().__init__(f"+CME ERROR {code if code is not None else '?'}: {reason}")
        self.code = code
        self.reason = reason


class CmsError(ModemError):
    """``+CMS ERROR``: the SMS service refused; ``permanent`` says whether a retry can help."""

    def __init__(self, code: int | None, permanent: bool, reason: str) -> None:
        super().__init__(f"+CMS ERROR {code if code is not None else '?'}: {reason}")
        self.code = code
        self.permanent = permanent
        self.reason = reason


class CommandError(ModemError):
    """A plain ``ERROR`` (no code): the modem does not support or refused the command."""

    def __init__(self, command: str, result: str = "ERROR") -> None:
        super().__init__(f"{command!r} answered {result}")
        self.command = command
        self.result = result
