"""What a modem may say that it should not: line noise, overlong lines, PDUs cut short or with
wrong lengths, a listing with one broken slot. Given to the sans-IO core (``modem.at``,
``modem.pdu``), then through the simulator's fault hooks on a real pty, then to the daemon.

What the user sees of a modem's bad reply is what the driver makes of it: the reason in the
event log (``modem.garbage``, ``inbound.undecodable``) or in a failed command's error; never a
worker thread that dies, and never the other messages lost with the bad one.
"""

from __future__ import annotations

from datetime import UTC, datetime

from modem import pdu
from modem.at import (
    AtConnection,
    Command,
    CommandFailed,
    Garbage,
    Response,
    parse_cmgl,
    parse_cmgr,
    parse_cmt,
)
from modem.at.events import Urc
from modem.errors import ModemError
from tests.badinput.catalogue import Case, Seen

GOOD = pdu.encode_deliver("+33698765432", "OUI", timestamp=datetime(2026, 11, 23, tzinfo=UTC),
                          smsc="+33689004000", reference=1)[0]  # fmt: skip
TPDU_LENGTH = len(GOOD) // 2 - 8  # the SMSC part is 8 octets


def _events(data: bytes, command: Command | None = None) -> Seen:
    """Feed ``data`` to an AtConnection; the events, as the driver would log them."""
    connection = AtConnection()
    if command is not None:
        connection.send(command)
    connection.receive_data(data)
    shown = []
    while (event := connection.next_event()) is not None:
        if isinstance(event, Garbage):
            shown.append(f"Garbage: {event.reason} ({len(event.data)} bytes kept)")
        elif isinstance(event, CommandFailed):
            shown.append(f"CommandFailed: {event.error}")
        elif isinstance(event, Response):
            shown.append(f"Response: {' '.join(event.lines)} {event.final.text}")
        else:
            shown.append(f"{type(event).__name__}: {event!r}"[:120])
    return Seen("AT core", " / ".join(shown))


def _decode(hex_pdu: str) -> Seen:
    try:
        decoded = pdu.decode(hex_pdu)
    except ModemError as error:
        return Seen(type(error).__name__, str(error))
    return Seen("decoded", repr(decoded))


def _parsed(parse, lines) -> Seen:
    try:
        result = parse(lines)
    except ModemError as error:
        return Seen(type(error).__name__, str(error))
    items = result if isinstance(result, list) else [result]
    said = [item.problem or f"slot {item.index}: {len(item.pdu) // 2} octets" for item in items]
    return Seen("parsed", " / ".join(said))


SANS_IO = [
    Case("modem", "garbage-bytes", "`\\xff\\xfe\\x00garbage\\x80` then CR LF, nothing asked",
         lambda rig: _events(b"\xff\xfe\x00garbage\x80\r\n"), Seen('AT core', 'Garbage: invalid UTF-8 at byte 0 (11 bytes kept)')),
    Case("modem", "overlong-line", "70,000 bytes without a line end",
         lambda rig: _events(b"A" * 70_000 + b"\r\n"), Seen('AT core', 'Garbage: no line end within 65536 bytes (1024 bytes kept)')),
    Case("modem", "noise-during-a-command", "`AT+CSQ` answered by noise, then `OK`",
         lambda rig: _events(b"\r\n\x80\x81\r\n+CSQ: 20,99\r\n\r\nOK\r\n",
                             Command("AT+CSQ", ("+CSQ:",))), Seen('AT core', "CommandFailed: 'AT+CSQ': the modem sent garbage (invalid UTF-8 at byte 0): b'\\x80\\x81'")),
    Case("modem", "truncated-pdu", "a received PDU cut after 15 octets",
         lambda rig: _decode(GOOD[:30]), Seen('PduError', 'TP-OA at octet 11: needs 6 octets, only 4 remain')),
    Case("modem", "wrong-user-data-length", "a PDU whose TP-UDL announces more than it holds",
         lambda rig: _decode(GOOD[:-2]), Seen('PduError', 'TP-UDL at octet 26: announces 3 septets (3 octets) of user data but only 2 remain')),
    Case("modem", "pdu-not-hex", "a PDU line `ZZ91...`",
         lambda rig: _decode("ZZ" + GOOD[2:]), Seen('PduError', "PDU hex at octet 0: 'Z' is not a hexadecimal digit")),
    Case("modem", "cmgl-one-broken-pdu", "`+CMGL` listing: slot 1 shorter than its length, slot 2 good",
         lambda rig: _parsed(parse_cmgl, [f"+CMGL: 1,0,,{TPDU_LENGTH}", GOOD[:24],
                                          f"+CMGL: 2,0,,{TPDU_LENGTH}", GOOD]),
         Seen('parsed', "AT+CMGL: length 22 exceeds the PDU: '07913386094000F0040B9133' / slot 2: 30 octets"), note="the whole listing was refused before issue 14: no slot read"),
    Case("modem", "cmgr-wrong-length", "`+CMGR: 0,,99` before a PDU line of 30 octets",
         lambda rig: _parsed(parse_cmgr, ["+CMGR: 0,,99", GOOD]), Seen('parsed', "AT+CMGR: length 99 exceeds the PDU: '07913386094000F0040B913396785634F200006211320000000003CF6A12'")),
    Case("modem", "cmt-wrong-length", "`+CMT: ,99` before a PDU line of 30 octets",
         lambda rig: _parsed(lambda lines: parse_cmt(Urc("+CMT", lines[0], lines[1])),
                             ["+CMT: ,99", GOOD]), Seen('RemoteProtocolError', "+CMT: length 99 exceeds the PDU: '07913386094000F0040B913396785634F200006211320000000003CF6A12'")),
]  # fmt: skip


# --- through the simulator on a real pty ---------------------------------------------------------


def _on_pty(scenario):
    """Run ``scenario(server, modem)`` on an initialised Modem over a simulator's pty."""

    def run(rig):
        from modem.device import Modem, Timeouts
        from modem.sim import FakeModem, SimServer
        from tests.conftest import TIME_SCALE

        server = SimServer(FakeModem("generic"), link=rig.folder / "ttySIM0", time_scale=TIME_SCALE)
        server.start()
        modem = Modem(server.link, timeouts=Timeouts(command=2.0, send=5.0, sync=0.5)).open()
        try:
            modem.initialise()
            return scenario(server, modem)
        finally:
            modem.close()
            server.stop()

    return run


def _garbage_then_command(server, modem) -> Seen:
    import logging

    warnings: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: warnings.append(record.getMessage().split(": ", 1)[1])
    logger = logging.getLogger("modem.device")
    logger.addHandler(handler)
    try:
        server.call(lambda m, now: m.inject_garbage(b"\r\n\xff\xfe\x00\x1b[31m junk\r\n", now))
        from tests.waiting import wait_until

        wait_until(lambda: warnings, 5, "the garbage logged")
        status = modem.status()  # the port still answers
    finally:
        logger.removeHandler(handler)
    return Seen("log warning", f"{warnings[0]}; then AT+CPIN? -> {status.sim}")


def _broken_slot_announced(server, modem) -> Seen:
    from modem import events
    from modem.sim.storage import REC_UNREAD
    from tests.waiting import wait_until

    def store_broken(m, now):
        index = m.store("SM").add(REC_UNREAD, GOOD[:24])
        m.emit_urc(f'+CMTI: "SM",{index}', now)

    server.call(store_broken)
    found: list = []
    wait_until(
        lambda: found.append(modem.next_event(0.2)) or isinstance(found[-1], events.MessageStored),
        5, "the +CMTI",
    )  # fmt: skip
    stored = modem.read_message(found[-1].index, found[-1].storage)
    return Seen("StoredMessage.problem", stored.problem or "")


def _daemon_reads_a_sim_with_a_broken_slot(rig) -> Seen:
    """Unplugged, the SIM gets a slot whose length field says more than its PDU holds (a
    firmware's slip, or a slot written half) and a good one; replugged, the daemon lists them
    (``AT+CMGL``): the good one is stored, the broken one logged, both deleted from the SIM."""
    from sqlalchemy import text

    from appliance.daemon import Daemon, Simulation
    from modem.sim.storage import REC_UNREAD
    from tests.appliance.conftest import FAST_TUNING
    from tests.conftest import TIME_SCALE
    from tests.waiting import wait_until

    daemon = Daemon(rig.config, simulation=Simulation(modems=1, time_scale=TIME_SCALE),
                    tuning=FAST_TUNING).start()  # fmt: skip
    try:
        wait_until(lambda: len(daemon.pool.available()) == 1, 15, "a ready modem")
        server = daemon.simulators[0]
        server.unplug()

        def fill(m, now):
            sim = m.store("SM")
            sim.get(sim.add(REC_UNREAD, GOOD[:24])).tpdu_length = 40  # more than it holds
            sim.add(REC_UNREAD, GOOD)

        server.call(fill)
        server.replug()
        wait_until(lambda: len(rig.store.inbox()) == 1, 15, "the good message stored")
        wait_until(lambda: server.call(lambda m, now: m.store("SM").used) == 0, 5, "SIM emptied")
        with rig.store.engine.connect() as connection:
            logged = connection.execute(
                text("SELECT detail FROM event WHERE kind = 'inbound.undecodable'")
            ).scalars().all()  # fmt: skip
        return Seen("event inbound.undecodable", " / ".join(logged))
    finally:
        daemon.stop()


PTY = [
    Case("modem", "pty-garbage-while-idle", "the simulator writes `\\xff\\xfe\\x00\\x1b[31m junk` "
         "unasked (`inject_garbage`)", _on_pty(_garbage_then_command), Seen('log warning', 'garbage from the modem: invalid UTF-8 at byte 0; then AT+CPIN? -> READY')),
    Case("modem", "pty-broken-slot", "a slot holding a PDU cut short, announced by `+CMTI`, "
         "read with `AT+CMGR`", _on_pty(_broken_slot_announced), Seen('StoredMessage.problem', 'TP-OA at octet 11: needs 6 octets, only 1 remain')),
    Case("modem", "daemon-sim-with-a-broken-slot", "`smsrelay serve` finds on the SIM a slot "
         "whose `+CMGL` length says 40 octets for the 12 it holds, and a good message (`AT+CMGL` at connection)",
         _daemon_reads_a_sim_with_a_broken_slot, Seen('event inbound.undecodable', "AT+CMGL: length 40 exceeds the PDU: '07913386094000F0040B9133'"),
         written={"inbound": 1}, note="neither was ever read before issue 14: the listing failed whole"),
]  # fmt: skip

MODEM_CASES = [*SANS_IO, *PTY]
