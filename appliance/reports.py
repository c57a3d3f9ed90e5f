"""``ReportRecorder``: files delivery reports on a thread of its own, between the modems' sends.

A delivery report that the modem pushes whole (``+CDS``, the PDU on the next line) needs no
further command to the modem, only a transaction. Filed by the modem's worker, it sat between two
sends: a busy modem receives about one report per message, so it lengthened nearly every gap by
the time of that transaction (2.2 ms median, measured with 4 modems at 0.5 s sends). Here the
workers hand reports over and go straight on to their next send, and one thread files them while
the modems are busy on the air, several per transaction when they come together.

Order still holds: a worker hands a report over only when it takes it from its inbox, so after
the send it answers has been recorded ``sent`` with its part references; the report is then
always matched. Reports that the modem stored on the SIM (``+CDSI``) are not handed over: they
are deleted from the SIM only after their commit, which the worker must see first.
"""

from __future__ import annotations

import logging
import queue
import threading
from datetime import datetime

from modem import pdu

from .database_trouble import DatabaseTrouble, kept
from .store import ReportFiled, Store, outage_of

log = logging.getLogger(__name__)

BATCH = 100  # reports per transaction at most
RETRY_AFTER = 1.0  # seconds, after a failed transaction (a database hiccup), once


def filed(imei: str, report: pdu.StatusReport, now: datetime) -> ReportFiled:
    """What the store keeps of a status report that modem ``imei`` received at ``now``."""
    return ReportFiled(
        imei=imei,
        part_ref=report.message_reference,
        recipient=report.recipient,
        status=report.status,
        delivered=report.delivered,
        final=report.final,
        reason=report.reason,
        discharged_at=report.discharge_time,
        now=now,
    )


class ReportRecorder:
    """One thread filing delivery reports for every modem of this daemon."""

    def __init__(self, store: Store, trouble: DatabaseTrouble | None = None) -> None:
        self.store = store
        self.trouble = trouble or DatabaseTrouble()  # the database in trouble (store.outage)
        self._queue: queue.SimpleQueue[ReportFiled | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="reports", daemon=True)
        self._stopping = threading.Event()

    def start(self) -> ReportRecorder:
        self._thread.start()
        return self

    def record(self, imei: str, report: pdu.StatusReport, now: datetime) -> None:
        """File ``report``, received by modem ``imei`` at ``now``, soon, on the recorder thread."""
        self._queue.put(filed(imei, report, now))

    def stop(self) -> None:
        """File what was handed over, then stop."""
        self._stopping.set()
        self._queue.put(None)
        self._thread.join(10)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            batch = [first] if first is not None else []
            while len(batch) < BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is not None:
                    batch.append(item)
            if batch:
                self._file(batch)
            if self._stopping.is_set() and self._queue.empty():
                return

    def _file(self, batch: list[ReportFiled]) -> None:
        """Store ``batch``: a hiccup is tried once more; while the database is in trouble (a
        full or read-only disk, a server out of reach: ``store.outage``) the reports are kept
        here until it takes them, or until the daemon stops (``database_trouble.kept``)."""
        what = f"{len(batch)} delivery report(s)"
        for attempt in (1, 2):
            try:
                kept(lambda: self.store.add_reports(batch), what, self.trouble, self._stopping)
                return
            except Exception as exc:
                if outage_of(exc) is not None:  # stopped while kept: the log said so
                    return
                if attempt == 2:
                    log.exception("%s could not be stored", what)
                    return
                log.warning("storing %s failed; trying again", what)
                self._stopping.wait(RETRY_AFTER)
