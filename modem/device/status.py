"""``StatusQueries``: signal, registration, operator, IMSI, ICCID, SMSC and the panel's snapshot."""

from __future__ import annotations

from modem.at import (
    Operator,
    Registration,
    Signal,
    parse_cops,
    parse_creg,
    parse_csca,
    parse_csq,
    parse_iccid,
    parse_imei,
    parse_imsi,
)
from modem.errors import CmeError, CmsError, CommandError, ModemError, RemoteProtocolError

from .records import ModemStatus
from .unlock import SimUnlock


class StatusQueries(SimUnlock):
    """What the modem can tell about itself, each read on its own or all in ``status()``."""

    def signal(self) -> Signal:
        return parse_csq(self._single("AT+CSQ", "+CSQ:"))

    def registration(self) -> Registration:
        return parse_creg(self._single("AT+CREG?", "+CREG:"), solicited=True)

    def operator(self) -> Operator:
        self._try("AT+COPS=3,0")  # long alphanumeric names
        return parse_cops(self._single("AT+COPS?", "+COPS:"))

    def imsi(self) -> str:
        return parse_imsi(self._simple("AT+CIMI", "+CIMI:", bare=True))

    def iccid(self) -> str:
        """The ICCID printed on the SIM card; each vendor has its own command, 3GPP has +CRSM."""
        last: ModemError | None = None
        for text, prefix in self.vendor.iccid_commands:
            try:
                return parse_iccid(self._simple(text, prefix, bare=True))
            except (CmeError, CommandError, RemoteProtocolError, CmsError) as exc:
                last = exc
        assert last is not None
        raise last

    def smsc(self) -> str | None:
        number, _ = parse_csca(self._single("AT+CSCA?", "+CSCA:"))
        return number or None

    def status(self) -> ModemStatus:
        """Everything the panel shows; a part the modem cannot tell now is None, never an error."""
        identity = self.identity
        sim = self.sim_state()
        operator = self._optional(self.operator)
        return ModemStatus(
            imei=identity.imei
            if identity
            else self._optional(lambda: parse_imei(self._simple("AT+CGSN", "+CGSN:", bare=True))),
            imsi=self._optional(self.imsi) if sim == "READY" else None,
            iccid=self._optional(self.iccid) if sim != "NOT INSERTED" else None,
            manufacturer=identity.manufacturer if identity else None,
            model=identity.model if identity else None,
            revision=identity.revision if identity else None,
            sim=sim,
            signal=self._optional(self.signal),
            registration=self._optional(self.registration),
            operator=operator.name if operator else None,
            smsc=self._optional(self.smsc) if sim == "READY" else None,
        )
