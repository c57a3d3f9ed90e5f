"""The modem simulator: a pure fake DCE with vendor profiles and faults, and a pty server.

``FakeModem`` (``dce.py``) is bytes in, bytes out on a simulated clock; ``SimServer``
(``server.py``) puts one on a real pseudo-terminal for the driver, the CLI and the benchmarks.
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
