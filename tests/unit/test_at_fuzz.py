"""Fuzzing AtConnection: any bytes, in any chunks, with or without a pending command.

Only the documented events come out, nothing raises, the buffer stays bounded, and afterwards
the connection still completes a command.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modem.at import (
    GARBAGE_SAMPLE_BYTES,
    MAX_LINE_BYTES,
    AtConnection,
    Command,
    CommandFailed,
    Garbage,
    Prompt,
    Response,
    Urc,
)
from modem.errors import RemoteProtocolError

COMMANDS = [
    Command("AT+CSQ", ("+CSQ:",)),
    Command("AT+CGSN", bare=True),
    Command("AT+CMGS=23", ("+CMGS:",), pdu="0011000B916407281553F80000AA0AE8329BFD4697D9EC37"),
    Command("AT+CMGL=4", ("+CMGL:",), pdu_lines=True),
    Command('AT+CUSD=1,"*100#",15', ("+CUSD:",)),
    Command("ATD+33612345678;"),
]

# Pieces that steer the fuzzer into the interesting states, mixed with arbitrary bytes.
TOKENS = [
    b"\r", b"\n", b"\r\n", b"> ", b">", b"OK", b"ERROR", b"+CME ERROR: 10", b"+CMS ERROR: 500",
    b"NO CARRIER", b"+CSQ: 20,99", b"+CMT: ,26", b"+CDS: 24", b'+CUSD: 0,"a', b'"', b",15",
    b"0011AB", b"AT+CSQ", b"+CMGL: 1,0,,26", b"^RSSI:18", b"\x00", b"\xff", b"\x1a", b"\x1b",
    b"\xc3", b"\xa9", b"RING",
]  # fmt: skip

chunks = st.lists(st.one_of(st.binary(max_size=24), st.sampled_from(TOKENS)), max_size=60)
actions = st.lists(
    st.one_of(
        st.tuples(st.just("send"), st.sampled_from(COMMANDS)),
        st.tuples(st.just("send_pdu"), st.none()),
        st.tuples(st.just("cancel"), st.none()),
        st.tuples(st.just("abort"), st.none()),
        st.tuples(st.just("receive"), chunks),
    ),
    max_size=12,
)


def check(event: object) -> None:
    assert isinstance(event, Response | Prompt | Urc | CommandFailed | Garbage), event
    if isinstance(event, CommandFailed):
        assert isinstance(event.error, RemoteProtocolError)
    if isinstance(event, Garbage):
        assert len(event.data) <= GARBAGE_SAMPLE_BYTES and event.reason
    if isinstance(event, Urc):
        assert event.line and event.line == event.line.strip()


def drain(connection: AtConnection) -> list[object]:
    events = []
    while (event := connection.next_event()) is not None:
        check(event)
        events.append(event)
    return events


def still_usable(connection: AtConnection) -> None:
    connection.receive_data(b"\r\n")  # ends whatever line was left open
    drain(connection)
    connection.cancel()
    ping = Command("AT")
    connection.send(ping)
    connection.receive_data(b"\r\nOK\r\n")
    events = drain(connection)
    assert events and events[-1] == Response(ping, (), events[-1].final)
    assert events[-1].final.ok


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions)
def test_any_bytes_and_calls_give_only_documented_events(script: list) -> None:
    connection = AtConnection()
    for action, argument in script:
        if action == "send":
            if connection.pending is None:
                connection.send(argument)
        elif action == "send_pdu":
            pending = connection.pending
            events = drain(connection)
            if pending is not None and pending.pdu and any(isinstance(e, Prompt) for e in events):
                connection.send_pdu()
        elif action == "cancel":
            connection.cancel()
        elif action == "abort":
            assert connection.abort() == b"\x1b"
        else:
            for chunk in argument:
                connection.receive_data(chunk)
                assert len(connection._buffer) <= MAX_LINE_BYTES
        drain(connection)
    still_usable(connection)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2048), st.lists(st.integers(1, 2047), max_size=30), st.booleans())
def test_random_bytes_in_random_chunks(data: bytes, cuts: list[int], pending: bool) -> None:
    connection = AtConnection()
    if pending:
        connection.send(COMMANDS[0])
    start = 0
    for cut in sorted(set(cut for cut in cuts if cut < len(data))):
        connection.receive_data(data[start:cut])
        start = cut
    connection.receive_data(data[start:])
    drain(connection)
    still_usable(connection)
