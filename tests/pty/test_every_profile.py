"""The driver through every simulator profile, over a real pty and pyserial (the daemon through
each: tests/appliance/test_every_profile.py).

Parametrised over the registry (``modem.sim.PROFILES``): a profile added there is run here with
nothing else to change. What each device can do is read from its profile, which cites the real
device's transcripts (``modem/sim/profiles/``), never assumed:

- a phone used as a modem (``quirks.sms_access`` off: the Nokia N79) sends, and that is all the
  test asks of it: it cannot report received SMS nor status reports on its AT port;
- status reports are awaited only where the device can route them to the TE (a <ds> of 1, or
  of 2 with an "SR" storage, in its ``AT+CNMI=?``); the Cinterion PHS8 takes <ds> 0 only;
- USSD and incoming calls (the caller named, the call hung up) on every profile.

The README's compatibility table says what these tests show, device by device.

Simulated time runs 100 times faster than real time (tests/conftest.py); each test waits on
events, never on a sleep. The simulators' air logs are the truth for what left.
"""

from __future__ import annotations

import pytest

from modem import events, pdu
from modem.device import SEND_ONLY, Modem, Timeouts
from modem.sim import PROFILES, FakeModem, Profile, SimServer
from tests.conftest import TIME_SCALE
from tests.waiting import wait_until

FAST = Timeouts(command=2.0, send=5.0, ussd=5.0, sync=0.5, sim_ready=5.0)
GSM7 = "Collecte de sang demain 8h-12h, salle des fetes. Merci !"
UCS2 = "Сбор крови завтра, спасибо 🩸"
LONG = "Réponse longue à la collecte: " + "oui " * 50  # 3 parts


def receives(profile: Profile) -> bool:
    """Whether the device reports received SMS on its AT port at all."""
    return profile.quirks.sms_access


def reports(profile: Profile) -> bool:
    """Whether the device can hand a status report to the TE (TS 27.005 §3.4.1 <ds>)."""
    if not receives(profile):
        return False
    ds = profile.cnmi_ranges[3]
    return 1 in ds or (2 in ds and profile.storage("SR") is not None)


def collect(modem: Modem, kind, count: int, timeout: float = 5.0) -> list:
    found: list = []

    def more() -> bool:
        event = modem.next_event(0.05)
        if isinstance(event, kind):
            found.append(event)
        return len(found) >= count

    wait_until(more, timeout, f"{count} {getattr(kind, '__name__', kind)} events")
    return found


@pytest.fixture(scope="module", params=sorted(PROFILES))
def online(request, tmp_path_factory):
    """An initialised driver on a fresh simulator of each profile, shared by its tests."""
    name = request.param
    fake = FakeModem(name, seed=13)
    link = tmp_path_factory.mktemp(name) / "ttySIM0"
    server = SimServer(fake, link=link, time_scale=TIME_SCALE).start()
    modem = Modem(server.link, timeouts=FAST).open()
    try:
        modem.initialise()
        yield server, modem, PROFILES[name]
    finally:
        modem.close()
        server.stop()


def test_initialise_and_status(online):
    server, modem, profile = online
    imei, iccid, imsi = server.call(lambda m, now: (m.imei, m.iccid, m.imsi))
    assert modem.identity.imei == imei
    assert modem.identity.manufacturer == profile.manufacturer  # no leading space (Wavecom)
    assert modem.receives == receives(profile)
    if receives(profile):  # stored and announced by +CMTI, whatever <bfr> the device takes
        assert modem.cnmi is not None and modem.cnmi[1] == 1
        assert modem.cnmi[4] in profile.cnmi_ranges[4]
    status = modem.status()
    assert status.sim == "READY"
    # the ICCID through the vendor's command or AT+CRSM; a device with neither: the IMSI
    assert status.iccid == (iccid if profile.quirks.crsm else f"imsi:{imsi}")
    assert status.imsi == imsi
    assert status.signal is not None and status.signal.bars >= 1
    wait_until(lambda: modem.registration().registered, 5, "registration")
    assert modem.status().operator


@pytest.mark.parametrize("text", [GSM7, UCS2], ids=["gsm7", "ucs2"])
def test_send_with_a_delivery_report(online, text):
    server, modem, profile = online
    before = server.call(lambda m, now: len(m.air))
    result = modem.send("+33612345678", text, report=True)
    assert result.encoding == ("gsm7" if text == GSM7 else "ucs2")
    air = server.call(lambda m, now: [(a.recipient, a.text) for a in m.air[before:]])
    assert air == [("+33612345678", text)]
    if not reports(profile):
        return  # sent, and that is all this device can say (see the module docstring)
    reference = result.references[0]

    def report_arrived() -> bool:
        event = modem.next_event(0.05)
        if isinstance(event, events.ReportStored):
            stored = modem.read_message(event.index, event.storage)
            modem.delete_message(event.index)
            report = stored.message
        elif isinstance(event, events.ReportReceived):
            report = event.report
        else:
            return False
        return report.message_reference == reference and report.delivered

    wait_until(report_arrived, 5, f"the delivery report of {profile.name}")


def test_receive_a_single_and_a_multipart_message(online):
    server, modem, profile = online
    if not receives(profile):
        assert SEND_ONLY == "can send; cannot report received SMS"
        return  # a phone used as a modem keeps what it receives to itself
    server.call(lambda m, now: m.deliver_sms("+33698765432", "OUI", now))
    server.call(lambda m, now: m.deliver_sms("+33698765432", LONG, now))
    expected = 1 + pdu.count(LONG).parts
    parts = []
    for event in collect(modem, events.MessageStored, expected):
        stored = modem.read_message(event.index, event.storage)
        assert stored is not None and isinstance(stored.message, pdu.Deliver)
        parts.append(stored.message)
        modem.delete_message(event.index)
    assert parts[0].text == "OUI" and parts[0].sender == "+33698765432"
    rest = sorted(parts[1:], key=lambda part: part.concat.seq)
    assert "".join(part.text for part in rest) == LONG
    assert modem.list_messages() == []


def test_a_ussd_balance_query(online):
    server, modem, _ = online
    expected = server.call(lambda m, now: m.ussd_replies["*100#"])
    assert modem.ussd("*100#") == expected  # Huawei's packed form included


def test_an_incoming_call_is_named_and_hung_up(online):
    server, modem, _ = online
    assert modem.enable_caller_id()
    call = server.call(lambda m, now: m.ring("+33612345678", now))
    assert collect(modem, events.CallerIdentified, 1)[0].number == "+33612345678"
    modem.hang_up()
    assert server.call(lambda m, now: call.ended) == "hung-up"
