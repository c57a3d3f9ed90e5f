"""``Initialisation``: bring a modem into a known state (echo off, numeric errors, who it is,
radio on, SIM unlocked, PDU mode, new-message indications, message storage, the SMS centre kept),
asking the vendor table (``modem.vendors``) where a family departs from 3GPP.

What real devices refuse is not fatal where the modem can still send:

- AT+CPMS with three memories (Wavecom takes two: python-gsmmodem's WavecomMultiband900E1800
  fake): three, then two, then one are tried;
- settings beyond what AT+CNMI=? and AT+CPMS=? list (a Cinterion: <bfr> 1 only, no SM in mem1):
  the order of the tries follows those lists (``sms_settings``);
- every AT+CNMI and every AT+CPMS (a phone used as a modem: Nokia S60 phones, python-gsmmodem
  issue #15; the Nokia N900, pygsm issue #5): the modem comes up send-only, ``receives`` false,
  and says so in ``SEND_ONLY``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from modem.at import parse_cnmi, parse_cnmi_test, parse_cpms_test, parse_imei
from modem.errors import CmeError, CmsError, CommandError, ModemError, RemoteProtocolError

from .radio import Radio
from .records import Identity
from .service_centre import ServiceCentre
from .sms_settings import cnmi_candidates, storage_candidates
from .unlock import sim_busy

log = logging.getLogger(__name__)
T = TypeVar("T")

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

SEND_ONLY = "can send; cannot report received SMS"
"""What a send-only modem is, in words for its card."""


class Initialisation(Radio, ServiceCentre):
    """The steps from a freshly opened port to a modem ready to send and receive."""

    def initialise(self, pin: str | None = None) -> Identity:
        """Bring the modem into a known state: echo off, numeric errors, SIM unlocked, PDU mode,
        new-message indications, message storage. Returns who it is (IMEI and model)."""
        identity = self.prepare()
        self.unlock(pin)
        self.configure()
        return identity

    def prepare(self) -> Identity:
        """The steps that need no SIM: attention, echo off, numeric errors, who the modem is,
        and its radio on (RadioOff if it refuses: the SIM is often off with the radio too)."""
        self.sync()
        self._simple("ATE0")
        self._try("AT+CMEE=1")
        self.identity = self._identify()
        for text in self.vendor.after_identify:
            self._try(text)  # Huawei: AT^CURC=0 stops the periodic ^RSSI/^BOOT/^DSFLOWRPT noise
        self.switch_radio_on()
        return self.identity

    def configure(self) -> None:
        """The SMS settings, once the SIM is unlocked: PDU mode, indications, storage; the SMS
        centre address is noted, to be put back if something wipes it."""
        self._when_initialised(lambda: self._simple("AT+CMGF=0"))
        # IRA (ASCII) for the texts the modem prints (operator names, USSD): under "GSM" an "@"
        # comes out as a NUL byte, which reads as garbage.
        self._try('AT+CSCS="IRA"')
        self._configure_cnmi()
        self._configure_storage()
        self.receives = self.cnmi is not None or self.storage is not None
        if not self.receives:
            log.warning("%s: the modem refused every AT+CNMI and AT+CPMS: %s", self.port, SEND_ONLY)
        self.remember_smsc()

    def indications_lost(self) -> bool:
        """Whether the modem forgot the new-message indications ``configure`` set, as AT+CNMI?
        reads them back (TS 27.005 §3.4.1): a modem that restarted behind the driver's back (a
        brown-out; the reboot of AT+CFUN=1,1 coming after the driver had set it up again) is
        back at <mode> 0 and announces no SMS, which then stay on the SIM unread. False when it
        cannot tell (no indications set, or the read refused)."""
        if self.cnmi is None:
            return False
        try:
            current = parse_cnmi(self._single("AT+CNMI?", "+CNMI:"))
        except (CmsError, CmeError, CommandError, RemoteProtocolError):
            return False
        return current[:2] != self.cnmi[:2]  # <mode> and <mt>: how a new SMS is announced

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
        accepted = self._capabilities("AT+CNMI=?", "+CNMI:", parse_cnmi_test)
        for choice in cnmi_candidates(CNMI_CHOICES, accepted):
            text = "AT+CNMI=" + ",".join(map(str, choice))
            try:
                self._when_initialised(lambda text=text: self._simple(text))
            except (CmsError, CmeError, CommandError):
                continue
            self.cnmi = choice
            return
        self.cnmi = None
        log.warning(
            "%s: the modem refused every AT+CNMI setting; inbound only by polling", self.port
        )

    def _configure_storage(self) -> None:
        """The first storage the modem takes, with three memories or as many as it takes; none
        (``storage`` None) when it refuses them all. A SIM busy past ``sim_ready`` is an error:
        the storages were not refused, the SIM was not there yet."""
        self.storage = None
        lists = self._capabilities("AT+CPMS=?", "+CPMS:", parse_cpms_test)
        for storage in storage_candidates(STORAGE_CHOICES, lists):
            for memories in (3, 2, 1):
                text = "AT+CPMS=" + ",".join([f'"{storage}"'] * memories)
                try:
                    self._when_sim_ready(lambda text=text: self._simple(text, "+CPMS:"))
                except (CmsError, CmeError) as exc:
                    if sim_busy(exc):
                        raise ModemError(f"the SIM stayed busy: {text} answered {exc}") from exc
                    continue
                except CommandError:
                    continue
                self.storage = storage
                return

    def _capabilities(self, text: str, prefix: str, parse: Callable[[str], T]) -> T | None:
        """What a test command (AT+CNMI=?) says the modem takes; None if it will not say."""
        try:
            return parse(self._single(text, prefix))
        except (CmsError, CmeError, CommandError, RemoteProtocolError):
            return None
