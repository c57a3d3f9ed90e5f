"""What one simulated modem holds that outlives a command: its SIM card and its AT settings."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SimCard:
    """The SIM: its secrets and counters survive power cycles, as on a real card."""

    present: bool
    pin: str | None
    puk: str
    pin_attempts: int = 3
    puk_attempts: int = 10
    locked: bool = False  # the PIN must be entered (after every power-on when a PIN is set)
    blocked: bool = False  # three wrong PINs: only the PUK unblocks it
    dead: bool = False  # ten wrong PUKs: the card is unusable
    # the subscriber's own number as the card stores it (EF_MSISDN, TS 31.102 §4.2.26), read
    # by AT+CNUM; None on most prepaid cards, which leave the file empty
    msisdn: str | None = None


@dataclass
class Settings:
    """What AT commands set; back to the profile's defaults on power-on, ATZ and AT&F."""

    echo: bool
    cmee: int
    cscs: str
    cnmi: list[int]
    cpms: list[str]
    csca: tuple[str, int]
    verbose: bool = True
    cmgf: int = 0
    csms: int = 0
    csdh: int = 0
    creg: int = 0
    cgreg: int = 0
    cereg: int = 0
    cops_format: int = 0
    cusd: int = 0
    csmp: tuple[int, int, int, int] = (17, 167, 0, 0)  # TS 27.005 §3.3.2: SMS-SUBMIT, 24 h
    clip: int = 0  # AT+CLIP: +CLIP after each RING (TS 27.007 §7.6)
    crc: int = 0  # AT+CRC: +CRING instead of RING (§6.11)
    curc: bool = True
    s_registers: dict[int, int] = field(default_factory=lambda: {3: 13, 4: 10, 5: 8})
