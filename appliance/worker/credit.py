"""Credit: the SIM's balance asked of the network by USSD (``credit_code``), read and saved.

The worker asks between sends: at a health poll (which waits for a pause in the sends) once
``credit_every`` has passed since the last query (the SIM's stored time, so a restart does not
ask again), and when the panel asks (the daemon hands the request over: ``check_credit``). A
query holds the modem for a few seconds (the network answers with a ``+CUSD``), so it never
runs in the middle of a send. The answer is read by ``appliance.balance``; below ``credit_low``
the SIM is marked low, and the store logs ``sim.low_credit`` when it goes low.
"""

from __future__ import annotations

import logging
from datetime import datetime

from appliance.balance import read_balance
from modem.errors import CmeError, CmsError, CommandError, CommandTimeout, RemoteProtocolError

from .inbox import _WORK, _Credit

log = logging.getLogger(__package__)


class CreditChecks:
    """Mixed into ``ModemWorker``: the SIM's credit, queried on a schedule and on demand."""

    def check_credit(self) -> None:
        """Ask for a credit query now (another thread: the daemon, for the panel's button),
        after the sends already handed over."""
        if self._credit_waiting:
            return
        self._credit_waiting = True
        self._put(_Credit(), _WORK)

    def _credit_due(self, now: datetime) -> bool:
        every = self.settings.credit_every
        if not self.settings.credit_code or every is None or self.iccid is None:
            return False
        return self._credit_last is None or now - self._credit_last >= every

    def _query_credit(self) -> None:
        """One query, its outcome saved on the SIM (the answer, or why there is none)."""
        iccid, modem = self.iccid, self._modem
        if iccid is None:
            return
        now = self.clock.now()
        self._credit_last = now
        code = self.settings.credit_code
        if modem is None or not code:
            why = "the modem is not ready" if code else "no credit_code is set for this modem"
            self.store.record_credit(iccid, now, imei=self.imei, error=why)
            return
        try:
            answer = modem.ussd(code)
        except CommandTimeout:
            answer, error = None, f"the network did not answer {code} in time"
        except (CmeError, CmsError, CommandError, RemoteProtocolError) as exc:
            answer, error = None, f"the modem refused {code}: {exc}"
        else:
            error = None if answer else f"the network does not answer {code}"
        if error is not None:
            log.info("%s: credit query: %s", self.port, error)
            self.store.record_credit(iccid, self.clock.now(), imei=self.imei, error=error)
            return
        balance = read_balance(answer)
        threshold = self.settings.credit_low
        if threshold is None:
            low: bool | None = False
        else:
            low = None if balance is None else balance.amount < threshold
        self.store.record_credit(
            iccid,
            self.clock.now(),
            imei=self.imei,
            answer=answer,
            amount=balance.amount if balance else None,
            currency=balance.currency if balance else None,
            low=low,
        )
