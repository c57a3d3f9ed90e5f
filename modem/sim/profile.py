"""What makes one simulated modem model differ from another: a frozen description, no behaviour.

A ``Profile`` holds what a real device prints and how it behaves where 3GPP leaves room: its
identity strings, the ranges of ``AT+CNMI=?``, its message storages, the URCs it emits at boot,
where its SMS indices start, how it takes USSD, and its ``quirks``. The vendor modules in
``modem.sim.profiles`` fill it in from the vendors' manuals and from captures of real devices
(sources cited there).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from .quirks import Quirks

IccidStyle = Literal["crsm", "ccid", "ciccid", "huawei", "qccid"]
UssdStyle = Literal["text", "gsm7-hex"]


@dataclass(frozen=True)
class Storage:
    """One message storage (``"SM"`` on the SIM, ``"ME"`` in the modem, ``"SR"`` for reports)."""

    name: str
    capacity: int


@dataclass(frozen=True)
class TimedUrc:
    """An unsolicited line emitted ``delay`` seconds after the moment it belongs to."""

    delay: float
    line: str


@dataclass(frozen=True)
class PeriodicUrc:
    """Vendor noise repeated every ``period`` seconds (Huawei ``^RSSI``, ``^BOOT``).

    ``line`` is a ``str.format`` template; the fields available are ``rssi``, ``mode`` and
    ``submode``.
    """

    period: float
    line: str


def parse_ranges(text: str) -> tuple[frozenset[int], ...]:
    """The value sets of a test-command answer such as ``(0-3),(0-3),(0,2),(0,1),(0,1)``."""
    groups = re.findall(r"\(([^)]*)\)", text)
    sets: list[frozenset[int]] = []
    for group in groups:
        values: set[int] = set()
        for item in group.split(","):
            item = item.strip()
            if not item:
                continue
            low, _, high = item.partition("-")
            values.update(range(int(low), int(high or low) + 1))
        sets.append(frozenset(values))
    return tuple(sets)


@dataclass(frozen=True)
class Profile:
    """A modem model as the DTE sees it through its AT port."""

    name: str
    manufacturer: str  # AT+CGMI
    model: str  # AT+CGMM
    revision: str | tuple[str, ...] | None  # AT+CGMR: one line, several (Nokia), None: ERROR
    ati: tuple[str, ...]  # ATI lines; ``{imei}`` is replaced
    gcap: str  # AT+GCAP
    tac: str  # the 8-digit Type Allocation Code that starts every IMEI of this model
    iccid_style: IccidStyle
    cnmi_test: str  # AT+CNMI=? exactly as the device prints it (without the "+CNMI: ")
    cnmi_default: tuple[int, int, int, int, int]
    storages: tuple[Storage, ...]
    storage_names: tuple[str, ...]  # as listed by AT+CPMS=? (aliases included)
    storage_aliases: dict[str, str]  # e.g. "MT" -> "ME"
    cpms_default: tuple[str, str, str]
    first_index: int  # 0 on Qualcomm-based modems (Huawei, Quectel), 1 on SIMCom
    cmgr_empty: Literal["ok", "error"]  # AT+CMGR on an empty slot: bare OK or +CMS ERROR: 321
    boot_urcs: tuple[TimedUrc, ...]  # after power-on, before the SIM is read
    announces_cpin: bool  # "+CPIN: <state>" as a boot URC when the SIM has been read
    cpin_absent_urc: str | None  # the boot URC when there is no SIM
    ready_urcs: tuple[TimedUrc, ...]  # after the SIM is ready (SMS Ready, +QIND: SMS DONE)
    sim_init_time: float  # power-on -> SIM read (SIM commands answer "SIM busy" before)
    responsive_after: float  # power-on -> the AT port answers
    registration_time: float  # SIM ready -> registered
    cfun_reset_reenumerates: bool  # a USB modem that drops off the bus on AT+CFUN=1,1
    reenumeration_time: float  # how long its port is gone
    send_delay: float  # typical seconds per part between the PDU and +CMGS
    ussd_style: UssdStyle
    ussd_delay: float
    prompt: bytes = b"\r\n> "
    echo_default: bool = True
    cmee_default: int = 0
    charset_default: str = "IRA"
    charsets: tuple[str, ...] = ("GSM", "IRA", "UCS2")
    signal_default: int = 20
    ber: int = 99
    creg_act: int | None = None  # <AcT> appended to +CREG/+CGREG when n=2
    cops_act: int | None = None  # <AcT> appended to +COPS?
    has_cereg: bool = False
    cfun_test: str = "(0,1,4),(0,1)"
    periodic_urcs: tuple[PeriodicUrc, ...] = ()
    mode_urc: str | None = None  # Huawei "^MODE:{mode},{submode}" on a change of system mode
    system_mode: tuple[int, int] = (0, 0)  # (mode, submode) while registered
    storage_full_urc: str | None = None  # Huawei '^SMMEMFULL: "{mem}"'
    has_curc: bool = False  # Huawei AT^CURC
    # The storages each memory of AT+CPMS takes, when they differ (Cinterion: mem1 has no SM);
    # None: ``storage_names`` for all three.
    cpms_lists: tuple[tuple[str, ...], ...] | None = None
    cpms_test: str | None = None  # AT+CPMS=? exactly as printed, when it is not the usual form
    quirks: Quirks = field(default_factory=Quirks)  # where it departs from 3GPP, each cited
    notes: tuple[str, ...] = field(default=())

    @property
    def cnmi_ranges(self) -> tuple[frozenset[int], ...]:
        """The accepted values of the five AT+CNMI parameters, from ``cnmi_test``."""
        return parse_ranges(self.cnmi_test)

    def cpms_accepts(self, position: int, name: str) -> bool:
        """Whether memory ``position`` (0: mem1) of AT+CPMS takes the storage ``name``."""
        if self.cpms_lists is not None:
            lists = self.cpms_lists
            return position < len(lists) and name in lists[position]
        return name in self.storage_names

    def storage(self, name: str) -> str | None:
        """The real storage behind a name given to AT+CPMS, or None if the device has none."""
        name = self.storage_aliases.get(name, name)
        return name if any(s.name == name for s in self.storages) else None
