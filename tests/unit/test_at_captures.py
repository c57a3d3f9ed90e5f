"""Replays of real devices' transcripts (tests/captures/*.txt) through AtConnection.

A capture holds what the DTE sent, what the DCE answered, and the events we expect:

    > AT+CSQ ;; +CSQ:       send a Command (after ";;": prefixes, "bare", "pdu_lines", "pdu=HEX")
    >!pdu >!abort >!cancel  call send_pdu() / abort() / cancel()
    >!quiet SECONDS         call quiet(SECONDS): the line has been quiet that long
    < text                  the DCE sends b"\\r\\n" + text + b"\\r\\n"
    <echo text              the DCE echoes text + b"\\r"
    <prompt                 the DCE sends b"\\r\\n> "
    <raw bytes              exact bytes, with escapes \\r \\n \\t \\s (space) \\xHH \\\\
    = line text             an information line of the next expected Response
    = response FINAL        the expected Response of the last command (its final result line)
    = settled               the expected Response of the last command, settled without a final
    = urc text              an expected Urc; "= pdu HEX" right after sets its pdu
    = prompt | = failed | = garbage

Every capture is also replayed split at every byte offset, and in random chunks: the events
must not depend on how the port delivers the bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modem.at import (
    AtConnection,
    Command,
    CommandFailed,
    Event,
    Garbage,
    Prompt,
    Response,
    Urc,
    line_name,
    parse_final,
)
from modem.at.connection import SETTLED
from modem.vendors import WITHOUT_FINAL

CAPTURES = Path(__file__).resolve().parent.parent / "captures"


@dataclass(frozen=True)
class Send:
    command: Command


@dataclass(frozen=True)
class Call:
    method: str  # "send_pdu", "abort", "cancel", "quiet"
    args: tuple[float, ...] = ()


@dataclass(frozen=True)
class Receive:
    data: bytes


Step = Send | Call | Receive


@dataclass(frozen=True)
class Capture:
    name: str
    steps: tuple[Step, ...]
    expected: tuple[Event | str, ...]  # "failed"/"garbage" stand for events compared by type


_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|[rnts\\])")
_SIMPLE = {"r": b"\r", "n": b"\n", "t": b"\t", "s": b" ", "\\": b"\\"}


def unescape(text: str) -> bytes:
    out = bytearray()
    position = 0
    for match in _ESCAPE.finditer(text):
        out += text[position : match.start()].encode()
        code = match.group(1)
        out += bytes([int(code[1:], 16)]) if code[0] == "x" else _SIMPLE[code]
        position = match.end()
    out += text[position:].encode()
    return bytes(out)


def parse_command(spec: str) -> Command:
    text, _, options = spec.partition(" ;; ")
    prefixes: list[str] = []
    bare = pdu_lines = False
    pdu = None
    for option in options.split():
        if option == "bare":
            bare = True
        elif option == "pdu_lines":
            pdu_lines = True
        elif option.startswith("pdu="):
            pdu = option[4:]
        else:
            prefixes.append(option)
    return Command(text.strip(), tuple(prefixes), bare, pdu, pdu_lines)


def load(path: Path) -> Capture:
    steps: list[Step] = []
    expected: list[Event | str] = []
    command: Command | None = None
    lines: list[str] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        sigil, _, rest = raw.partition(" ")
        where = f"{path.name}:{number}"
        if sigil == ">":
            command = parse_command(rest)
            steps.append(Send(command))
        elif sigil in (">!pdu", ">!abort", ">!cancel"):
            steps.append(Call({"pdu": "send_pdu"}.get(sigil[2:], sigil[2:])))
        elif sigil == ">!quiet":
            steps.append(Call("quiet", (float(rest),)))
        elif sigil == "<":
            steps.append(Receive(b"\r\n" + rest.encode() + b"\r\n"))
        elif sigil == "<echo":
            steps.append(Receive(rest.encode() + b"\r"))
        elif sigil == "<prompt":
            steps.append(Receive(b"\r\n> "))
        elif sigil == "<raw":
            steps.append(Receive(unescape(rest)))
        elif sigil == "=":
            kind, _, value = rest.partition(" ")
            if kind == "line":
                lines.append(value)
            elif kind == "response":
                final = parse_final(value)
                assert command is not None and final is not None, where
                expected.append(Response(command, tuple(lines), final))
                lines = []
            elif kind == "settled":
                assert command is not None, where
                expected.append(Response(command, tuple(lines), SETTLED, True))
                lines = []
            elif kind == "urc":
                expected.append(Urc(line_name(value), value))
            elif kind == "pdu":
                last = expected[-1]
                assert isinstance(last, Urc), where
                expected[-1] = replace(last, pdu=value)
            elif kind == "prompt":
                assert command is not None, where
                expected.append(Prompt(command))
            elif kind in ("failed", "garbage"):
                expected.append(kind)
            else:
                raise AssertionError(f"{where}: unknown expectation {kind!r}")
        else:
            raise AssertionError(f"{where}: unknown step {sigil!r}")
    return Capture(path.stem, tuple(steps), tuple(expected))


def replay(capture: Capture, cuts: frozenset[int] = frozenset()) -> list[Event]:
    """Run the capture; DCE bytes are split at the given offsets (counted over all DCE bytes)."""
    connection = AtConnection(WITHOUT_FINAL)  # the vendors' table, as the device facade uses
    events: list[Event] = []
    offset = 0
    for step in capture.steps:
        if isinstance(step, Send):
            connection.send(step.command)
        elif isinstance(step, Call):
            getattr(connection, step.method)(*step.args)
        else:
            start = 0
            for cut in sorted(c - offset for c in cuts if offset < c < offset + len(step.data)):
                connection.receive_data(step.data[start:cut])
                start = cut
            connection.receive_data(step.data[start:])
            offset += len(step.data)
        while (event := connection.next_event()) is not None:
            events.append(event)
    return events


def comparable(events: list[Event]) -> list[Event | str]:
    out: list[Event | str] = []
    for event in events:
        if isinstance(event, CommandFailed):
            out.append("failed")
        elif isinstance(event, Garbage):
            out.append("garbage")
        else:
            out.append(event)
    return out


def dce_length(capture: Capture) -> int:
    return sum(len(step.data) for step in capture.steps if isinstance(step, Receive))


PATHS = sorted(CAPTURES.glob("*.txt"))
CAPTURE_LIST = [load(path) for path in PATHS]


def test_the_four_devices_are_captured() -> None:
    names = {capture.name for capture in CAPTURE_LIST}
    assert {"generic-3gpp", "huawei-e173", "sim800", "quectel-ec25"} <= names


@pytest.mark.parametrize("capture", CAPTURE_LIST, ids=lambda capture: capture.name)
def test_capture_replays_to_the_expected_events(capture: Capture) -> None:
    assert comparable(replay(capture)) == list(capture.expected)


@pytest.mark.parametrize("capture", CAPTURE_LIST, ids=lambda capture: capture.name)
def test_capture_split_at_every_byte_offset_gives_the_same_events(capture: Capture) -> None:
    whole = replay(capture)
    for cut in range(1, dce_length(capture)):
        assert replay(capture, frozenset({cut})) == whole, f"split at byte {cut}"


@pytest.mark.parametrize("capture", CAPTURE_LIST, ids=lambda capture: capture.name)
def test_capture_byte_by_byte_gives_the_same_events(capture: Capture) -> None:
    everywhere = frozenset(range(1, dce_length(capture)))
    assert replay(capture, everywhere) == replay(capture)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_capture_in_random_chunks_gives_the_same_events(data: st.DataObject) -> None:
    capture = data.draw(st.sampled_from(CAPTURE_LIST))
    total = dce_length(capture)
    cuts = data.draw(st.frozensets(st.integers(1, max(1, total - 1)), max_size=40))
    assert replay(capture, cuts) == replay(capture)


def test_unescape() -> None:
    assert unescape(r"\r\nOK\r\n") == b"\r\nOK\r\n"
    assert unescape(r"\xff\x00\s\\") == b"\xff\x00 \\"
