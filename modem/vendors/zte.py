"""ZTE USB sticks (K3565-Z, MF180, MF626, ..., Qualcomm chipsets): reports at any time.

Sources: ModemManager's zte plugin (mm-common-zte.c: +ZUSIMR, +ZDONR, +ZPASR, +ZPSTM and +ZEND
are unsolicited and arrive at any time, a send included); python-gsmmodem's ZteK3565Z and
QualcommM6280 fakes and its issue #8 (AT+CSMP wipes the SMS centre address); gammu issues #312
and #119 ("ZTE CORPORATION" for AT+CGMI). Capture: tests/captures/zte-k3565z.txt.

- The reports: known URC names in ``modem.at.unsolicited``, so they are never taken for the
  answer of a command, between AT+CMGS and its prompt or between the PDU and +CMGS included.
- The SMS centre: ``modem.device.service_centre`` keeps it at bring-up and writes it back when
  a send meets +CMS ERROR: 330.
- SMS slots numbered from 0, as on other Qualcomm firmwares: nothing in the driver assumes 1.
"""

from __future__ import annotations

from .vendor import Vendor

VENDOR = Vendor(name="zte", manufacturers=("zte",))
