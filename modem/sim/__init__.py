"""The modem simulator: a pure fake DCE with vendor profiles and faults, and a pty server.

``FakeModem`` (``dce.py``) is bytes in, bytes out on a simulated clock; ``SimServer``
(``server.py``) puts one on a real pseudo-terminal for the driver, the CLI and the benchmarks.
It answers as 3GPP TS 27.005/27.007 and the captured transcripts (tests/captures/) say.

- ``dce``: ``FakeModem``, its state, clock and output, and the API tests drive it with; built
  from the mixins ``interpreter`` (command lines, the ``> `` prompt, output units), ``power``
  (power, boot, SIM, registration), ``network`` (inbound SMS and reports, routing per AT+CNMI)
  and ``calls`` (incoming calls: RING, +CLIP, ATH and AT+CHUP)
- ``handler``: what a command handler is and the ``Dce`` interface it sees the modem through
- ``commands`` (the table) and ``commands_general``, ``commands_sim``, ``commands_sms``,
  ``commands_ussd``, ``commands_calls``: the handlers, one module per group of commands
- ``commandline`` (parsing an AT command line), ``results`` (how answers are worded),
  ``state`` (SIM card, settings), ``storage`` (message slots), ``air`` (what reached the
  network), ``faults`` (what to inject), ``identity`` (IMEI, ICCID, IMSI)
- ``profile`` and ``profiles/``: one frozen description per modem model, one module per vendor
  (the driver's side of the same families is ``modem.vendors``); ``quirks``: the switches for
  what particular real devices do beyond 3GPP, each citing its source
- ``server``: ``SimServer`` and ``start_fleet``, the simulator on a pseudo-terminal
"""

from __future__ import annotations

from .air import AirMessage
from .dce import FakeModem
from .faults import Faults
from .profile import Profile
from .profiles import PROFILES, get_profile
from .server import SimServer, start_fleet

__all__ = [
    "PROFILES",
    "AirMessage",
    "FakeModem",
    "Faults",
    "Profile",
    "SimServer",
    "get_profile",
    "start_fleet",
]
