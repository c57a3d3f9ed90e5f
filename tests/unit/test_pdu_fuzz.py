"""Fuzz: whatever octets or text arrive, ``decode`` returns a message or raises PduError.

Random bytes rarely get past the first fields, so the published vectors are also mutated
(octets replaced, truncated, extended) to reach the user data header and the septets.
"""

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from modem.errors import PduError
from modem.pdu import Deliver, StatusReport, Submit, decode

VECTORS = json.loads(Path(__file__).with_name("pdu_vectors.json").read_text("utf-8"))
SEEDS = [
    bytes.fromhex(vector["hex"])
    for group in ("deliver", "submit", "status_report", "malformed")
    for vector in VECTORS[group]
]
DIRECTIONS = st.sampled_from(["deliver", "submit"])


def _decode_or_pdu_error(pdu, smsc, direction):
    try:
        result = decode(pdu, smsc=smsc, direction=direction)
    except PduError as error:
        assert " at octet " in str(error)
        return
    assert isinstance(result, Deliver | Submit | StatusReport)
    if not isinstance(result, StatusReport):
        assert isinstance(result.text, str)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=180), st.booleans(), DIRECTIONS)
def test_random_octets(pdu, smsc, direction):
    _decode_or_pdu_error(pdu, smsc, direction)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.booleans(), DIRECTIONS)
def test_random_text(pdu, smsc, direction):
    _decode_or_pdu_error(pdu, smsc, direction)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=180).map(lambda octets: octets.hex()), st.booleans(), DIRECTIONS)
def test_random_hex(pdu, smsc, direction):
    _decode_or_pdu_error(pdu, smsc, direction)


@settings(max_examples=400, deadline=None)
@given(
    seed=st.sampled_from(SEEDS),
    edits=st.lists(st.tuples(st.integers(0, 200), st.integers(0, 255)), max_size=4),
    cut=st.none() | st.integers(0, 200),
    tail=st.binary(max_size=4),
    smsc=st.booleans(),
    direction=DIRECTIONS,
)
def test_mutated_vectors(seed, edits, cut, tail, smsc, direction):
    octets = bytearray(seed)
    for position, value in edits:
        if octets:
            octets[position % len(octets)] = value
    pdu = bytes(octets if cut is None else octets[:cut]) + tail
    _decode_or_pdu_error(pdu, smsc, direction)
