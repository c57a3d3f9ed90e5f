"""A terminal for the pure simulator: write at a simulated time, read what came by another.

Tests on ``FakeModem`` read like a serial session: ``dte.cmd("AT+CSQ")`` writes the line with its
CR and returns every byte the modem emitted within the following simulated second.
"""

from __future__ import annotations

from modem.sim import FakeModem

# The published SMS-SUBMIT of the dreamfabric.com PDU tutorial: "hellohello" to +46708251358,
# SIM's SMSC ("00"), TP-VP relative 4 days. AT+CMGS=23.
HELLOHELLO = "0011000B916407281553F80000AA0AE8329BFD4697D9EC37"


class Dte:
    def __init__(self, modem: FakeModem, now: float = 0.0) -> None:
        self.modem = modem
        self.t = now

    def send(self, data: bytes, wait: float = 1.0) -> bytes:
        """Write ``data`` now; what the modem emitted in the next ``wait`` seconds."""
        self.modem.receive(data, self.t)
        return self.advance(wait)

    def cmd(self, line: str, wait: float = 1.0) -> bytes:
        return self.send(line.encode("latin-1") + b"\r", wait)

    def advance(self, seconds: float) -> bytes:
        self.t += seconds
        return self.modem.poll(self.t)

    def sms(self, pdu_hex: str, length: int, wait: float = 30.0) -> bytes:
        """AT+CMGS, the PDU after the prompt, Ctrl-Z: everything emitted until ``wait`` later."""
        out = self.cmd(f"AT+CMGS={length}", wait=0.1)
        assert out.endswith(self.modem.profile.prompt), out
        return out + self.send(pdu_hex.encode() + b"\x1a", wait)


def quiet(profile: str = "generic", **kwargs: object) -> Dte:
    """A running modem with echo off, numeric errors and no vendor noise, as a driver sets it up."""
    dte = Dte(FakeModem(profile, **kwargs))  # type: ignore[arg-type]
    assert dte.cmd("ATE0").endswith(b"OK\r\n")
    dte.cmd("AT+CMEE=1")
    if dte.modem.profile.has_curc:
        dte.cmd("AT^CURC=0")  # what a driver does first on a Huawei: stop the periodic noise
    return dte


def ok(*lines: str) -> bytes:
    """The bytes of an information response followed by OK (V.250 verbose framing)."""
    body = "".join(f"{line}\r\n" for line in lines)
    return (f"\r\n{body}" if lines else "").encode() + b"\r\nOK\r\n"
