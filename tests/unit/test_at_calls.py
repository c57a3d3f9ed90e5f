"""+CLIP and RING: the caller of an incoming call, and the events the device makes of them.

Lines as modems print them: TS 27.007 §7.6's full form (SIM800 manual V1.09 §3.2.19 prints
``+CLIP: "+8613912345678",145,"",0,"",0``), the short form of older firmwares, and UCS-2.
"""

from __future__ import annotations

import pytest

from modem import events
from modem.at import Urc, parse_clip
from modem.device.unsolicited import event_for
from modem.errors import RemoteProtocolError


@pytest.mark.parametrize(
    ("line", "number", "validity"),
    [
        ('+CLIP: "+33612345678",145,,,,0', "+33612345678", 0),
        ('+CLIP: "33612345678",145', "+33612345678", None),  # type 145 without the +
        ('+CLIP: "0612345678",129,"",0,"",0', "0612345678", 0),
        ('+CLIP: "",128,,,,1', None, 1),  # withheld
        ('+CLIP: "",128,,,,2', None, 2),  # not available
        ('+CLIP: "+33612345678",145,,,,1', None, 1),  # a number marked withheld is not shown
        ('+CLIP: "002B00330033003600310032",145', "+33612", None),
        ("+CLIP: +33612345678,145", "+33612345678", None),  # unquoted
    ],
)
def test_parse_clip(line: str, number: str | None, validity: int | None) -> None:
    caller = parse_clip(line)
    assert (caller.number, caller.validity) == (number, validity)


@pytest.mark.parametrize(
    "line", ['+CLIP: "hello",145', '+CLIP: "06 12",129', '+CLIP: "004A006F",145']
)
def test_a_clip_that_is_no_number_is_a_protocol_error(line: str) -> None:
    with pytest.raises(RemoteProtocolError, match=r"\+CLIP"):
        parse_clip(line)


def test_ring_cring_and_clip_become_call_events() -> None:
    assert event_for(Urc("RING", "RING")) == events.Ringing()
    assert event_for(Urc("+CRING", "+CRING: VOICE")) == events.Ringing("VOICE")
    assert event_for(Urc("+CLIP", '+CLIP: "+33612345678",145,,,,0')) == events.CallerIdentified(
        "+33612345678", 0
    )
    broken = event_for(Urc("+CLIP", '+CLIP: "x",145'))
    assert isinstance(broken, events.Unrecognised) and "+CLIP" in (broken.problem or "")
