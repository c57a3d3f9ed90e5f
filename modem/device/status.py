"""``StatusQueries``: signal, registration, operator, IMSI, ICCID, SMSC and the panel's snapshot.

The SIM is known by its ICCID: the vendor's command, else 3GPP's READ BINARY of EF_ICCID through
AT+CRSM. A modem that has neither (AT+CRSM is optional in TS 27.007 §8.18) names the SIM by its
IMSI instead, as ``imsi:<IMSI>``: the same card always gives the same name, so its counters and
caps still follow it.

The SIM's own number (``own_number``, AT+CNUM, TS 27.007 §7.1) is read at bring-up only to
show it: most prepaid SIMs do not store it (the modem answers OK alone), and some modems refuse
the command (a Huawei E3531s-2 answers ERROR: wdoekes/asterisk-chan-dongle PR #80), so any
refusal is "no number", never a failed bring-up.
"""

from __future__ import annotations

from modem.at import (
    Operator,
    Registration,
    Signal,
    parse_cnum,
    parse_cops,
    parse_creg,
    parse_csq,
    parse_iccid,
    parse_imei,
    parse_imsi,
)
from modem.errors import (
    CmeError,
    CmsError,
    CommandError,
    ModemError,
    RemoteProtocolError,
    SimError,
)

from .radio import Radio
from .records import ModemStatus
from .service_centre import ServiceCentre

IMSI_PREFIX = "imsi:"


class StatusQueries(Radio, ServiceCentre):
    """What the modem can tell about itself, each read on its own or all in ``status()``."""

    def signal(self) -> Signal:
        return parse_csq(self._single("AT+CSQ", "+CSQ:"))

    def registration(self) -> Registration:
        return parse_creg(self._single("AT+CREG?", "+CREG:"), solicited=True)

    def operator(self) -> Operator:
        self._try("AT+COPS=3,0")  # long alphanumeric names
        return parse_cops(self._single("AT+COPS?", "+COPS:"))

    def imsi(self) -> str:
        return parse_imsi(
            self._when_sim_ready(lambda: self._simple("AT+CIMI", "+CIMI:", bare=True))
        )

    def iccid(self) -> str:
        """The ICCID printed on the SIM card; each vendor has its own command, 3GPP has +CRSM."""
        last: ModemError | None = None
        for text, prefix in self.vendor.iccid_commands:
            try:
                lines = self._when_sim_ready(
                    lambda text=text, prefix=prefix: self._simple(text, prefix, bare=True)
                )
                return parse_iccid(lines)
            except (CmeError, CommandError, RemoteProtocolError, CmsError) as exc:
                last = exc
        assert last is not None
        raise last

    def own_number(self) -> str | None:
        """The number the SIM stores for itself (the first one), or None when it stores none or
        the modem will not say (ERROR, +CME ERROR, a reply that does not parse)."""
        try:
            lines = self._when_sim_ready(lambda: self._simple("AT+CNUM", "+CNUM:"))
            numbers = parse_cnum(lines)
        except (CmeError, CmsError, CommandError, RemoteProtocolError, SimError):
            return None
        return numbers[0].number if numbers else None

    def sim_id(self) -> str:
        """The SIM's name: its ICCID, else ``imsi:<IMSI>`` when the modem reads no ICCID."""
        try:
            return self.iccid()
        except (CmeError, CommandError, RemoteProtocolError, CmsError) as exc:
            try:
                return IMSI_PREFIX + self.imsi()
            except (CmeError, CommandError, RemoteProtocolError, CmsError):
                raise exc from None

    def status(self) -> ModemStatus:
        """Everything the panel shows; a part the modem cannot tell now is None, never an error."""
        identity = self.identity
        sim = self.sim_state()
        operator = self._optional(self.operator)
        registration = self._optional(self.registration)
        registered = registration is not None and registration.registered
        return ModemStatus(
            imei=identity.imei
            if identity
            else self._optional(lambda: parse_imei(self._simple("AT+CGSN", "+CGSN:", bare=True))),
            imsi=self._optional(self.imsi) if sim == "READY" else None,
            iccid=self._optional(self.sim_id) if sim != "NOT INSERTED" else None,
            manufacturer=identity.manufacturer if identity else None,
            model=identity.model if identity else None,
            revision=identity.revision if identity else None,
            sim=sim,
            signal=self._optional(self.signal),
            registration=registration,
            operator=operator.name if operator else None,
            smsc=self._optional(self.smsc) if sim == "READY" else None,
            radio=None if registered else self._optional(self.radio),
        )
