"""A plain 3GPP modem (TS 27.007 / 27.005): the default for every manufacturer not listed.

The captures in tests/captures/generic-3gpp.txt and the simulator's ``generic`` profile show
what it answers. Everything the driver does is standard here; the ICCID comes from the first of
``ICCID_COMMANDS`` the modem accepts.
"""

from __future__ import annotations

from .vendor import Vendor

VENDOR = Vendor(name="generic")
