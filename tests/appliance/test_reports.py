"""``ReportRecorder``: delivery reports filed off the modems' threads, in batches, none lost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from appliance.reports import ReportRecorder
from appliance.store import Claim
from appliance.store.schema import DeliveryReport, Status
from modem.pdu.status import StatusReport
from tests.appliance.conftest import enqueue

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _sent(store, config, text: str, ref: int) -> int:
    message = enqueue(store, config, "+33612345678", text, now=NOW)
    claim = Claim(imei="1", iccid="ICC1", group=None, node="n", max_parts=10, quiet=False,
                  avoid_own_retries=False)  # fmt: skip
    claimed = store.claim(claim, NOW)
    assert claimed.id == message.id
    store.mark_sent(claimed.id, [ref], 1, "ICC1", NOW, "2026-11-23", "2026-11", imei="1")
    return claimed.id


def _report(ref: int, status: int = 0) -> StatusReport:
    return StatusReport(smsc=None, message_reference=ref, recipient="+33612345678",
                        sc_timestamp=NOW, discharge_time=NOW, status=status)  # fmt: skip


def test_reports_handed_over_are_all_filed_by_the_time_it_stops(store, config):
    ids = [_sent(store, config, f"rappel {ref}", ref) for ref in range(30)]
    recorder = ReportRecorder(store).start()
    later = NOW + timedelta(seconds=10)
    for ref in range(30):
        recorder.record("1", _report(ref, status=0 if ref % 3 else 0x45), later)
    recorder.stop()  # files what was handed over first
    statuses = [store.get(i).status for i in ids]
    assert statuses == [Status.SENT if ref % 3 == 0 else Status.DELIVERED for ref in range(30)]
    assert all("not delivered" in store.get(ids[ref]).reason for ref in range(0, 30, 3))


def test_a_report_for_no_known_message_is_kept_unmatched(store, config):
    recorder = ReportRecorder(store).start()
    recorder.record("1", _report(200), NOW)
    recorder.stop()
    with store.reading() as session:
        rows = session.exec(select(DeliveryReport)).all()
    assert [(r.part_ref, r.message_id, r.modem_imei) for r in rows] == [(200, None, "1")]
