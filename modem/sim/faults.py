"""The knobs of a simulated network and modem that tests and benchmarks turn.

A mutable dataclass on purpose: a test changes one field mid-scenario
(``modem.faults.no_network = True``) and the modem notices at the next moment it is driven.
Random draws come from the modem's seeded generator, so a fixed seed replays the same faults.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Faults:
    send_delay: float  # seconds per part between the PDU and the +CMGS answer
    fail_rate: float = 0.0  # probability a part is refused with +CMS ERROR
    fail_codes: tuple[int, ...] = (38, 500)  # the codes refused parts draw from
    # probability a part the network accepts is never answered: it is on air, then the modem
    # says nothing (a firmware wedge after the send) for ``unanswered_for`` seconds
    unanswered_rate: float = 0.0
    unanswered_for: float = 60.0
    report_delay: float = 10.0  # seconds from acceptance to the SMS-STATUS-REPORT
    report_status: int = 0  # TP-Status reported (TS 23.040 §9.2.3.15: 0 = delivered)
    garbage_rate: float = 0.0  # probability a reply is preceded by a burst of garbage bytes
    no_network: bool = False  # registration "searching": sends fail with +CMS ERROR: 331
    registration_denied: bool = False  # registration "denied" (stat 3), same effect on sends
    # registration "+CREG: 0,0" (stat 0: not registered, not searching, TS 27.007 §7.2) with the
    # radio on and the SIM ready: what a SIM800 with its SIM put in the wrong way round showed
    # (lamondlab/IteadSIM800 issue #6); sends fail as with no_network
    not_searching: bool = False
    # AT+CFUN=1 refused, the radio left as it was: with +CME ERROR: <radio_refused_code>, or plain
    # ERROR when None. Real modems held in low-power mode do so: a Sierra WP7702 "+CME ERROR:
    # operation not supported" (its W_DISABLE switch, temperature, voltage or firmware vote for
    # it: forum.sierrawireless.com "WP7702 will not do cfun=1"), a Quectel BG96 "+CME ERROR: 0"
    # (forums.quectel.com "BG96 memory/set phone functionality failure")
    radio_refused: bool = False
    radio_refused_code: int | None = None
    inbound_interval: float = 0.3  # seconds between two inbound parts from the network
    redelivery_delay: float = 2.0  # after memory frees (RP-SMMA), until the network retries

    def __post_init__(self) -> None:
        for name in ("fail_rate", "garbage_rate", "unanswered_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {value}")
