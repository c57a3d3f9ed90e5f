"""The driver against the quirks of real devices (``modem.sim.quirks``), through a real pty.

Each test turns on the switches of one behaviour seen on a real device (sources in
``modem.sim.quirks``) on top of the generic profile, brings the modem up with the driver as the
daemon does, and sends through it; the simulator's air log is the truth for what left.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from modem import events, pdu
from modem.device import Modem, Timeouts
from modem.errors import CommandError
from modem.sim import get_profile
from modem.sim.quirks import Quirks
from tests.waiting import wait_until

FAST = Timeouts(command=2.0, send=5.0, ussd=5.0, sync=0.5, sim_ready=5.0)
WAVECOM = Quirks(no_final_after=("+CPIN?",), leading_space=True, cpms_memories=2)
NOKIA = Quirks(sms_access=False)


def quirky(**changes: object):
    """The generic profile with ``changes`` (``quirks=Quirks(...)``, ``first_index=0``...)."""
    return replace(get_profile("generic"), **changes)  # type: ignore[arg-type]


@pytest.fixture
def bring_up(sim_factory):
    modems: list[Modem] = []

    def start(profile, **options):
        server = sim_factory(profile, **options)
        modem = Modem(server.link, timeouts=FAST).open()
        modems.append(modem)
        modem.initialise()
        return server, modem

    yield start
    for modem in modems:
        modem.close()


def stored_event(modem: Modem) -> events.MessageStored | None:
    event = modem.next_event(0.2)
    return event if isinstance(event, events.MessageStored) else None


def on_air(server) -> list[str]:
    return server.call(lambda m, now: [a.text for a in m.air])


def test_radio_off_at_start_is_switched_on_and_the_modem_registers(bring_up):
    server, modem = bring_up(quirky(quirks=Quirks(radio_at_start=0)))
    assert modem.radio_was_off == 0
    assert modem.radio() == 1
    wait_until(lambda: modem.status().registration.registered, 5, "registration")
    modem.send("+33612345678", "radio allumée")
    assert on_air(server) == ["radio allumée"]


def test_a_radio_that_is_on_is_left_alone(bring_up):
    _, modem = bring_up("generic")
    assert modem.radio_was_off is None


def test_wavecom_no_ok_after_cpin_leading_space_two_memories(bring_up):
    server, modem = bring_up(quirky(quirks=WAVECOM))
    assert modem.identity.manufacturer == "smsrelay"  # no leading space
    assert modem.storage == "SM" and modem.receives
    assert modem.sim_state() == "READY"  # ended by silence, not by a 5 s timeout
    modem.send("+33612345678", "sans OK")
    assert on_air(server) == ["sans OK"]


def test_wavecom_s_please_wait_while_the_sim_is_read_is_waited_out(tmp_path):
    """Just powered on, a Wavecom answers AT+CPIN? with +CME ERROR: 515 until its SIM is read
    (``Quirks.sim_reading_cme``): the driver waits as for a busy SIM, then comes up."""
    from modem.sim import FakeModem, SimServer

    # its SIM read 4 s after power-on: long enough that the bring-up meets it on a busy machine
    profile = replace(get_profile("wavecom-multiband"), sim_init_time=4.0)
    server = SimServer(FakeModem(profile, booted=False), link=tmp_path / "ttyWAVECOM",
                       time_scale=1.0).start()  # fmt: skip
    try:
        with Modem(server.link, timeouts=FAST) as modem:
            assert modem.prepare().manufacturer == "WAVECOM MODEM"
            assert modem.vendor.name == "wavecom"
            assert server.call(lambda m, now: m.sim_state(now)) == "busy"  # AT+CPIN? meets 515
            modem.unlock(None)
            assert server.call(lambda m, now: m.sim_state(now)) == "ready"
            modem.configure()
            assert modem.receives and modem.storage == "SM"
    finally:
        server.stop()


def test_a_phone_comes_up_send_only_and_sends(bring_up):
    server, modem = bring_up(quirky(quirks=NOKIA))
    assert not modem.receives and modem.storage is None and modem.cnmi is None
    modem.send("+33612345678", "depuis un téléphone")
    assert on_air(server) == ["depuis un téléphone"]
    with pytest.raises(CommandError):
        modem.list_messages()


def test_sim_busy_after_ready_is_waited_out(bring_up):
    # 200 simulated seconds at the tests' time scale (1/100): 2 s of "SIM busy" after READY
    server, modem = bring_up(quirky(quirks=Quirks(sim_busy_after_ready=200.0)))
    assert server.call(lambda m, now: now >= 200.0)  # bring-up outwaited it (AT+CPMS, AT+CSCA?)
    status = modem.status()
    assert status.iccid == server.call(lambda m, now: m.iccid)
    assert status.imsi == server.call(lambda m, now: m.imsi)
    assert modem.smsc_number == "+33689004000"


def test_reports_during_a_send_are_events_not_the_answer(bring_up):
    noise = ('+ZDONR: "Orange",234,33,"CS_PS","ROAM_OFF"', '+ZPASR: "UMTS"')
    server, modem = bring_up(quirky(quirks=Quirks(send_urcs=noise)))
    result = modem.send("+33612345678", "Bruit ZTE " * 20)  # two parts: noise around each
    assert result.parts == 2 and len(result.references) == 2
    assert on_air(server) == ["Bruit ZTE " * 20]
    seen = []
    while (event := modem.next_event()) is not None:
        seen.append(event.urc.name if isinstance(event, events.Unrecognised) else event)
    assert seen.count("+ZDONR") == 4 and seen.count("+ZPASR") == 4


def test_an_smsc_wiped_by_csmp_is_written_back_and_the_send_goes(bring_up):
    server, modem = bring_up(quirky(quirks=Quirks(csmp_clears_smsc=True)))
    assert modem.at("AT+CSMP=17,167,0,0").final.ok  # as another program would have sent it
    assert modem.smsc() is None
    modem.send("+33612345678", "centre retrouvé")
    assert on_air(server) == ["centre retrouvé"]
    assert modem.smsc() == "+33689004000"


def test_no_iccid_command_and_no_crsm_names_the_sim_by_its_imsi(bring_up):
    server, modem = bring_up(quirky(quirks=Quirks(crsm=False)))
    assert modem.status().iccid == "imsi:" + server.call(lambda m, now: m.imsi)


def test_crsm_gives_the_iccid_when_the_modem_has_no_command_of_its_own(bring_up):
    server, modem = bring_up("generic")  # iccid_style "crsm": AT+CCID and AT+ICCID refused
    assert modem.status().iccid == server.call(lambda m, now: m.iccid)


def test_storage_indexes_from_0(bring_up):
    server, modem = bring_up(quirky(first_index=0))
    server.call(lambda m, now: m.deliver_sms("+33698765432", "index zéro", now))
    stored = wait_until(lambda: stored_event(modem), 5, "+CMTI")
    assert stored.index == 0
    message = modem.read_message(0, stored.storage)
    assert isinstance(message.message, pdu.Deliver) and message.message.text == "index zéro"
    assert [m.index for m in modem.list_messages()] == [0]
    modem.delete_message(0)
    assert modem.list_messages() == []
