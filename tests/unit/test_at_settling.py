"""Commands answered without a final result (modem.at.settling), on exact bytes.

Old Wavecom firmware answers ``AT+CPIN?`` with ``+CPIN: READY`` and no ``OK`` (python-gsmmodem's
``WavecomMultiband900E1800`` fake); tests/captures/wavecom-multiband.txt replays that device. The
table is the vendors' (``modem.vendors.WITHOUT_FINAL``), as the device facade passes it.
"""

from __future__ import annotations

from modem.at import AtConnection, Command, Completion, Final, Response, Urc
from modem.at.connection import SETTLED
from modem.vendors import WITHOUT_FINAL

CPIN = Command("AT+CPIN?", ("+CPIN:",))
CSQ = Command("AT+CSQ", ("+CSQ:",))
OK = Final("OK", None, "OK")


def events_of(connection: AtConnection) -> list:
    events = []
    while (event := connection.next_event()) is not None:
        events.append(event)
    return events


def test_a_modem_that_sends_ok_is_answered_by_it_and_never_settled() -> None:
    connection = AtConnection(WITHOUT_FINAL)
    connection.send(CPIN)
    connection.receive_data(b"\r\n+CPIN: READY\r\n\r\nOK\r\n")
    assert events_of(connection) == [Response(CPIN, ("+CPIN: READY",), OK)]
    assert connection.settle_time is None and connection.pending is None


def test_no_ok_after_cpin_the_line_is_the_answer_once_quiet_long_enough() -> None:
    connection = AtConnection(WITHOUT_FINAL)
    connection.send(CPIN)
    assert connection.settle_time is None  # nothing came yet: nothing to settle on
    connection.receive_data(b"\r\n+CPIN: READY\r\n")
    assert connection.settle_time == 0.3
    connection.quiet(0.29)
    assert events_of(connection) == []
    connection.quiet(0.3)
    assert events_of(connection) == [Response(CPIN, ("+CPIN: READY",), SETTLED, settled=True)]
    assert connection.pending is None and connection.settle_time is None


def test_a_late_ok_after_settling_is_dropped_and_the_next_command_gets_its_own() -> None:
    connection = AtConnection(WITHOUT_FINAL)
    connection.send(CPIN)
    connection.receive_data(b"\r\n+CPIN: SIM PIN\r\n")
    connection.quiet(1.0)
    events_of(connection)
    connection.receive_data(b"\r\nOK\r\n")  # a slow firmware's OK after all
    assert events_of(connection) == []
    connection.send(CSQ)
    connection.receive_data(b"\r\n+CSQ: 17,99\r\n\r\nOK\r\n")
    assert events_of(connection) == [Response(CSQ, ("+CSQ: 17,99",), OK)]


def test_half_a_line_or_a_urc_is_not_the_completing_line() -> None:
    connection = AtConnection(WITHOUT_FINAL)
    connection.send(CPIN)
    connection.receive_data(b"\r\n+CREG: 1\r\n")  # unsolicited: not the answer
    assert connection.settle_time is None
    connection.receive_data(b"\r\n+CPIN: READY\r\n\r\nO")  # the OK is on its way
    assert connection.settle_time is None
    connection.quiet(5.0)
    assert events_of(connection) == [Urc("+CREG", "+CREG: 1")]
    connection.receive_data(b"K\r\n")
    assert events_of(connection) == [Response(CPIN, ("+CPIN: READY",), OK)]


def test_commands_outside_the_table_wait_for_their_final_result() -> None:
    connection = AtConnection(WITHOUT_FINAL)
    connection.send(CSQ)
    connection.receive_data(b"\r\n+CSQ: 17,99\r\n")
    assert connection.settle_time is None
    connection.quiet(60.0)
    assert events_of(connection) == [] and connection.pending == CSQ


def test_the_core_alone_waits_for_every_final_result() -> None:
    connection = AtConnection()
    connection.send(CPIN)
    connection.receive_data(b"\r\n+CPIN: READY\r\n")
    assert connection.settle_time is None


def test_the_wavecom_entry_is_in_the_vendors_table() -> None:
    assert WITHOUT_FINAL["AT+CPIN?"] == Completion("+CPIN:", 0.3)


def test_the_table_is_the_connections_own() -> None:
    cgmr = Command("AT+CGMR", ("+CGMR:",))
    connection = AtConnection({"AT+CGMR": Completion("+CGMR:", 0.1)})
    connection.send(cgmr)
    connection.receive_data(b"\r\n+CGMR: 1.0\r\n")
    connection.quiet(0.1)
    assert events_of(connection) == [Response(cgmr, ("+CGMR: 1.0",), SETTLED, settled=True)]
    connection.send(CPIN)  # not in this table
    connection.receive_data(b"\r\n+CPIN: READY\r\n")
    assert connection.settle_time is None
