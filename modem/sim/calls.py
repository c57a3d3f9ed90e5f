"""Incoming voice calls on a simulated modem: ``RING``, the caller's ``+CLIP``, and hanging up.

What a real modem does when someone calls its SIM, as the standards describe it:

- V.250 §5.7.1 (result codes): ``RING`` (numeric code 2) says a call is coming in; the modem
  repeats it while the call rings. 3GPP TS 27.007 §6.11 (``+CRC``): with ``AT+CRC=1`` the
  extended ``+CRING: VOICE`` replaces ``RING``.
- TS 27.007 §7.6 (``+CLIP``): with ``AT+CLIP=1`` "+CLIP: <number>,<type>[,<subaddr>,<satype>
  [,[<alpha>][,<CLI validity>]]]" follows every RING or +CRING. A withheld number (CLI
  validity 1) or one the network cannot give (2) is printed empty with type 128.
- V.250 §6.3.6 (``H``, hook control) and TS 27.007 §6.5 (``+CHUP``): both end the call; the
  ringing stops and the command answers OK. With no call, ``ATH`` answers OK as well.

What the standards leave to the device, chosen here: RING repeats every ``RING_INTERVAL``
seconds (GSM handsets ring about every 5 s, the network's alerting cadence), and a caller
nobody answers gives up after ``rings_for`` seconds (30 s by default, a network's typical
no-answer time), after which the ringing stops with no result code, as on the SIMCom and
Quectel modules whose manuals show no code for a call the caller released before it was
answered. A mixin of ``FakeModem``: it uses its clock (``_at``, ``_cancel``) and its output
(``write_urc``).
"""

from __future__ import annotations

from dataclasses import dataclass

RING_INTERVAL = 5.0  # seconds between two RINGs of one call
WITHHELD, UNAVAILABLE = 1, 2  # TS 27.007 §7.6 <CLI validity>


@dataclass
class Call:
    """One incoming call: who, when it started ringing, and how it ended (None: still ringing;
    ``"hung-up"`` by the DTE, ``"gave-up"`` by the caller, ``"busy"`` while another call rang,
    ``"unreachable"`` when the modem was off or not registered, ``"lost"`` when it went off
    while the call rang)."""

    number: str | None
    validity: int
    started: float
    rings: int = 0
    ended: str | None = None
    ended_at: float | None = None


class IncomingCalls:
    """The calls that reach this modem: ``ring`` starts one, ``end_call`` (ATH, AT+CHUP) ends
    it; ``calls`` lists every one, newest last, for tests."""

    def ring(
        self,
        number: str | None,
        now: float,
        *,
        withheld: bool = False,
        rings_for: float = 30.0,
    ) -> Call:
        """Someone calls this modem's SIM at ``now`` (``number`` None or ``withheld``: no
        number shown). A call to a modem that is off or not registered never reaches it
        (``"unreachable"``), nor one that comes while another still rings (``"busy"``)."""
        self._advance(now)
        validity = WITHHELD if withheld else UNAVAILABLE if number is None else 0
        call = Call(number if validity == 0 else None, validity, now)
        self.calls.append(call)
        if not self.registered(now) or self._silent(now):
            call.ended, call.ended_at = "unreachable", now
            return call
        if self._ringing is not None:
            call.ended, call.ended_at = "busy", now
            return call
        self._ringing = call
        self._at(now, "call", self._ring_once)
        self._at(now + rings_for, "call-end", lambda t: self._caller_gives_up(call, t))
        return call

    def end_call(self, t: float) -> bool:
        """The DTE hung up (ATH, AT+CHUP): the ringing stops. False when no call rang."""
        call = self._ringing
        if call is None:
            return False
        self._finish(call, "hung-up", t)
        return True

    # --- machinery -------------------------------------------------------------------------

    def _ring_once(self, t: float) -> None:
        call = self._ringing
        if call is None:
            return
        if self._silent(t):  # switched off or unplugged: the network releases the call
            self._finish(call, "lost", t)
            return
        call.rings += 1
        lines = ["+CRING: VOICE" if self.settings.crc else "RING"]
        if self.settings.clip:
            lines.append(_clip_line(call))
        for line in lines:  # two unsolicited units, as two result codes are
            self.write_urc([line])
        self._at(t + RING_INTERVAL, "call", self._ring_once)

    def _caller_gives_up(self, call: Call, t: float) -> None:
        if self._ringing is call:
            self._finish(call, "gave-up", t)

    def _finish(self, call: Call, how: str, t: float) -> None:
        call.ended, call.ended_at = how, t
        self._ringing = None
        self._cancel("call", "call-end")


def _clip_line(call: Call) -> str:
    if call.number is None:
        return f'+CLIP: "",128,,,,{call.validity}'
    number_type = 145 if call.number.startswith("+") else 129
    return f'+CLIP: "{call.number}",{number_type},,,,0'
