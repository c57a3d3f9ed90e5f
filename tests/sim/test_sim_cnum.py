"""AT+CNUM on the simulator (TS 27.007 §7.1), and the driver reading it through a pty."""

from __future__ import annotations

import dataclasses

from modem.device import Modem, Timeouts
from modem.sim import FakeModem, SimServer
from modem.sim.profiles import get_profile
from modem.sim.quirks import Quirks

from .fake_dte import Dte, ok, quiet

FAST = Timeouts(command=2.0, send=5.0, ussd=5.0, sync=0.5, sim_ready=5.0)


def test_cnum_answers_the_number_the_card_stores() -> None:
    assert quiet(msisdn="+33612345678").cmd("AT+CNUM") == ok('+CNUM: "","+33612345678",145')
    assert quiet(msisdn="0612345678").cmd("AT+CNUM") == ok('+CNUM: "","0612345678",129')


def test_cnum_answers_ok_alone_when_the_card_stores_none() -> None:
    dte = quiet()
    assert dte.cmd("AT+CNUM") == ok()
    assert dte.cmd("AT+CNUM=?") == ok()
    assert dte.cmd("AT+CNUM?") == b"\r\nERROR\r\n"  # §7.1 has no read form


def test_cnum_needs_the_pin_like_the_imsi() -> None:
    dte = Dte(FakeModem(pin="1234", msisdn="+33612345678"))
    dte.cmd("ATE0;+CMEE=1")
    assert dte.cmd("AT+CNUM") == b"\r\n+CME ERROR: 11\r\n"
    dte.cmd('AT+CPIN="1234"')
    assert dte.cmd("AT+CNUM", wait=5.0).startswith(ok('+CNUM: "","+33612345678",145'))


def test_a_device_that_answers_error_without_a_number() -> None:
    e3531 = dataclasses.replace(get_profile("huawei-e173"), quirks=Quirks(cnum_error=True))
    assert quiet(e3531).cmd("AT+CNUM").endswith(b"ERROR\r\n")  # type: ignore[arg-type]


def _own_number(tmp_path, fake: FakeModem) -> str | None:
    server = SimServer(fake, link=tmp_path / "ttySIM0", time_scale=0.05).start()
    try:
        modem = Modem(server.link, timeouts=FAST).open()
        try:
            modem.initialise()
            return modem.own_number()
        finally:
            modem.close()
    finally:
        server.stop()


def test_the_driver_reads_the_number_or_none(tmp_path) -> None:
    assert _own_number(tmp_path, FakeModem(msisdn="+33612345678")) == "+33612345678"
    assert _own_number(tmp_path, FakeModem()) is None
    e3531 = dataclasses.replace(get_profile("huawei-e173"), quirks=Quirks(cnum_error=True))
    assert _own_number(tmp_path, FakeModem(e3531)) is None
