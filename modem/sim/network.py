"""The network side of a simulated modem: inbound SMS and status reports, routed as AT+CNMI says.

The network holds what it has for the modem and offers it one part every ``inbound_interval``
while the modem is registered; the modem stores it (+CMTI/+CDSI), hands it over (+CMT/+CDS) or,
with nowhere to put it, refuses it until storage is freed (RP-SMMA). Outbound parts get their
TP-MR here and land in the air log. A mixin of ``FakeModem``: it uses its clock (``_at``), its
output (``_write``) and its power state (``_silent``, ``registered``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from modem import pdu

from .results import urc
from .storage import ALL, REC_READ, REC_UNREAD, tpdu_length


@dataclass
class Inbound:
    """Something the network holds for this modem until it can take it."""

    kind: Literal["deliver", "report"]
    pdu: str


@dataclass(frozen=True)
class Announced:
    """An inbound SMS the modem announced: the simulated time of its URC (``+CMTI`` when stored,
    ``+CMT`` when handed over), the URC's line, and the PDU. The truth a test measures the
    driver's latency from, as a modem's own trace would be."""

    time: float
    urc: str
    pdu: str


class NetworkSide:
    """The network's queue for this modem, its routing, and the SMS URCs."""

    def deliver_sms(self, sender: str, text: str, now: float) -> None:
        """An SMS from ``sender`` reaches the network for this modem at ``now``."""
        self._advance(now)
        parts = pdu.encode_deliver(
            sender,
            text,
            timestamp=self.wall_clock(now),
            smsc=self.smsc,
            reference=self._network_rng.randrange(256),
        )
        self._network_queue.extend(Inbound("deliver", part) for part in parts)
        self._offer(now)

    def held_sms(self) -> int:
        """SMS-DELIVER parts not yet taken by the TE: those the network still holds for this
        modem (not registered, hung, storage full) and those stored in its storages (a TE reads
        then deletes them, AT+CMGR/AT+CMGD, TS 27.005 §3.5.3/§3.5.4). What a test waits on before
        it counts what the TE stored: zero once the TE has read and deleted everything."""
        waiting = sum(1 for item in self._network_queue if item.kind == "deliver")
        stored = sum(
            1
            for store in self.storages.values()
            for _, message in store.listing(ALL)
            if message.stat in (REC_UNREAD, REC_READ)  # received: not the TE's own drafts
            and isinstance(pdu.decode(message.pdu), pdu.Deliver)  # not a status report
        )
        return waiting + stored

    def next_reference(self) -> int:
        """The TP-Message-Reference of the next part sent (TS 23.040 §9.2.3.6)."""
        reference = self._mr
        self._mr = (self._mr + 1) % 256
        return reference

    def record_submit(self, submit: object, reference: int, t: float) -> None:
        self._air.record(submit, reference, t)

    def network_report(self, pdu_hex: str, t: float) -> None:
        """The network has an SMS-STATUS-REPORT for this modem."""
        self._network_queue.append(Inbound("report", pdu_hex))
        self._offer(t)

    def sms_urc(self, lines: list[str], t: float) -> None:
        """A +CMTI/+CMT/+CDS/+CDSI, buffered in the TA while AT+CNMI <mode> is 0."""
        data = urc(lines, self.settings.verbose)
        if self.settings.cnmi[0] == 0:
            self._urc_buffer.append(data)
        else:
            self._write(data)

    def flush_sms_urcs(self, t: float, discard: bool) -> None:
        """AT+CNMI <mode> 1-3 entered: <bfr> 0 flushes the TA's buffer, 1 clears it."""
        buffered, self._urc_buffer = self._urc_buffer, []
        if not discard:
            for data in buffered:
                self._write(data)

    def memory_available(self, t: float) -> None:
        """Storage freed (or routing changed): the ME tells the network (RP-SMMA), which retries."""
        if self._network_blocked:
            self._full_announced = False
            self._at(t + self.faults.redelivery_delay, "net", self._unblock)

    # the network side

    def _deliverable(self, t: float) -> bool:
        return not self._silent(t) and t >= self._responsive_at and self.registered(t)

    def _offer(self, t: float) -> None:
        """Let the network deliver its next pending part, one every ``inbound_interval``."""
        if not self._network_queue or self._network_blocked or not self._deliverable(t):
            return
        if t < self._network_next:
            if not self._offer_scheduled:
                self._offer_scheduled = True
                self._at(self._network_next, "net", self._scheduled_offer)
            return
        item = self._network_queue[0]
        if not self._route(item, t):
            self._network_blocked = True
            return
        self._network_queue.popleft()
        self._network_next = t + self.faults.inbound_interval
        if self._network_queue:
            self._offer_scheduled = True
            self._at(self._network_next, "net", self._scheduled_offer)

    def _scheduled_offer(self, t: float) -> None:
        self._offer_scheduled = False
        self._offer(t)

    def _unblock(self, t: float) -> None:
        self._network_blocked = False
        self._offer(t)

    def _route(self, item: Inbound, t: float) -> bool:
        """Hand one inbound PDU to the TE as AT+CNMI says; False when there is nowhere to put it."""
        _mode, mt, _bm, ds, _bfr = self.settings.cnmi
        length = tpdu_length(item.pdu)
        if item.kind == "report":
            if ds == 1:
                self.sms_urc([f"+CDS: {length}", item.pdu], t)
            elif ds == 2:
                store = self.storages.get("SR")
                index = store.add(REC_UNREAD, item.pdu) if store else None
                if index is None:
                    return False
                self.sms_urc([f'+CDSI: "SR",{index}'], t)
            return True  # ds=0: acknowledged to the network, not routed to the TE
        if mt == 2:
            self.sms_urc([f"+CMT: ,{length}", item.pdu], t)
            self.announced.append(Announced(t, f"+CMT: ,{length}", item.pdu))
            return True
        store = self.store(self.settings.cpms[2])
        index = store.add(REC_UNREAD, item.pdu) if store else None
        if store is None or index is None:
            if self.profile.storage_full_urc and store and not self._full_announced:
                self._full_announced = True
                self.write_urc([self.profile.storage_full_urc.format(mem=store.name)])
            return False
        if mt in (1, 3):
            self.sms_urc([f'+CMTI: "{store.name}",{index}'], t)
            self.announced.append(Announced(t, f'+CMTI: "{store.name}",{index}', item.pdu))
        return True
