"""``Initialisation``: bring a modem into a known state (echo off, numeric errors, who it is, SIM
unlocked, PDU mode, new-message indications, message storage), asking the vendor table
(``modem.vendors``) where a family departs from 3GPP.
"""

from __future__ import annotations

import logging
import time

from modem.at import parse_imei
from modem.errors import CmeError, CmsError, CommandError, ModemError

from .records import Identity
from .unlock import SimUnlock

log = logging.getLogger("modem.device")

log = logging.getLogger(__name__)

ESC = b"\x1b"

# AT+CNMI settings tried in order. mt=1 first: inbound messages are stored on the SIM and only
# announced (+CMTI), so they survive until the appliance has committed them and deletes them.
# ds=1 routes delivery reports straight to us (+CDS); ds=2 stores them (+CDSI) for modems that
# refuse ds=1; the last ones give up on reports rather than on the modem.
CNMI_CHOICES: tuple[tuple[int, int, int, int, int], ...] = (
    (2, 1, 0, 1, 0),
    (1, 1, 0, 1, 0),
    (2, 1, 0, 2, 0),
    (1, 1, 0, 2, 0),
    (2, 1, 0, 0, 0),
    (1, 1, 0, 0, 0),
)
STORAGE_CHOICES = ("SM", "ME", "MT")


class Initialisation(SimUnlock):
    """The steps from a freshly opened port to a modem ready to send and receive."""

    def initialise(self, pin: str | None = None) -> Identity:
        """Bring the modem into a known state: echo off, numeric errors, SIM unlocked, PDU mode,
        new-message indications, message storage. Returns who it is (IMEI and model)."""
        identity = self.prepare()
        self.unlock(pin)
        self.configure()
        return identity

    def prepare(self) -> Identity:
        """The steps that need no SIM: attention, echo off, numeric errors, who the modem is."""
        self.sync()
        self._simple("ATE0")
        self._try("AT+CMEE=1")
        self.identity = self._identify()
        for text in self.vendor.after_identify:
            self._try(text)  # Huawei: AT^CURC=0 stops the periodic ^RSSI/^BOOT/^DSFLOWRPT noise
        return self.identity

    def configure(self) -> None:
        """The SMS settings, once the SIM is unlocked: PDU mode, indications, storage."""
        self._simple("AT+CMGF=0")
        # IRA (ASCII) for the texts the modem prints (operator names, USSD): under "GSM" an "@"
        # comes out as a NUL byte, which reads as garbage.
        self._try('AT+CSCS="IRA"')
        self._configure_cnmi()
        self._configure_storage()

    def _identify(self) -> Identity:
        manufacturer = self._info("AT+CGMI", "+CGMI:")
        model = self._info("AT+CGMM", "+CGMM:")
        revision = self._info("AT+CGMR", "+CGMR:")
        imei = parse_imei(self._simple("AT+CGSN", "+CGSN:", bare=True))
        return Identity(imei=imei, manufacturer=manufacturer, model=model, revision=revision)

    def _info(self, text: str, prefix: str) -> str:
        try:
            lines = self._simple(text, prefix, bare=True)
        except (CmeError, CommandError):
            return ""
        value = " ".join(lines).strip()
        if value.upper().startswith(prefix.upper()):
            value = value[len(prefix) :].strip()
        return value.strip('"')

    def _configure_cnmi(self) -> None:
        for choice in CNMI_CHOICES:
            try:
                self._simple("AT+CNMI=" + ",".join(map(str, choice)))
            except (CmsError, CmeError, CommandError):
                continue
            self.cnmi = choice
            return
        self.cnmi = None
        log.warning(
            "%s: the modem refused every AT+CNMI setting; inbound only by polling", self.port
        )

    def _configure_storage(self) -> None:
        deadline = time.monotonic() + self.timeouts.sim_ready
        for storage in STORAGE_CHOICES:
            while True:
                try:
                    self._simple(f'AT+CPMS="{storage}","{storage}","{storage}"', "+CPMS:")
                except (CmsError, CmeError) as exc:
                    if _sim_busy(exc) and time.monotonic() < deadline:
                        self._closed.wait(0.2)
                        continue
                    break
                except CommandError:
                    break
                self.storage = storage
                return
        raise ModemError("the modem accepted no message storage (AT+CPMS SM, ME or MT)")


def _sim_busy(exc: ModemError) -> bool:
    code = getattr(exc, "code", None)
    return (isinstance(exc, CmsError) and code in (314, 500)) or (
        isinstance(exc, CmeError) and code == 14
    )
