"""Receiving: inbound messages and delivery reports that arrive on the port.

A message the modem stored on the SIM is deleted from it only after the store committed it, so
a crash between the two reads it again rather than losing it; the parts of a long message are
put together by the store. Messages that arrived while nobody listened are read at connection.
"""

from __future__ import annotations

import logging

from appliance.numbers import InvalidRecipient, normalise
from appliance.reports import filed
from modem import events, pdu
from modem.errors import CmeError, CmsError, CommandError, RemoteProtocolError

log = logging.getLogger(__package__)  # "appliance.worker", as before the split


class Receiving:
    """Mixed into ``ModemWorker``: messages and delivery reports that arrive on the port."""

    def _handle_event(self, event: events.ModemEvent) -> None:
        modem = self._modem
        if isinstance(event, events.MessageStored | events.ReportStored):
            if modem is None or not modem.receives:
                return  # a send-only modem cannot read its storage, whatever it announces
            stored = modem.read_message(event.index, event.storage)
            if stored is not None:
                self._take(stored.message, stored.problem)
                modem.delete_message(event.index)  # only after the commit in _take
        elif isinstance(event, events.MessageReceived):
            self._take(event.message, None)
        elif isinstance(event, events.ReportReceived):
            if self._record_report is not None and self.imei:
                # after the outcomes still being written (``errands``): the report must find its
                # message "sent" with its references; the worker does not wait for them
                record, imei, report, now = (
                    self._record_report,
                    self.imei,
                    event.report,
                    self.clock.now(),
                )
                self._errands.put(lambda: record(imei, report, now))
            else:
                self._take(event.report, None)
        elif isinstance(event, events.Unrecognised) and event.problem:
            self.store.log("modem.garbage", self.clock.now(), event.problem, imei=self.imei)

    def _read_stored_messages(self) -> None:
        """Messages that arrived while we were not listening are waiting on the SIM."""
        modem = self._modem
        if modem is None:
            return
        try:
            for stored in modem.list_messages():
                self._take(stored.message, stored.problem)
                modem.delete_message(stored.index)
        except (CmsError, CmeError, CommandError, RemoteProtocolError) as exc:
            log.warning("%s: could not read stored messages: %s", self.port, exc)

    def _take(self, message: pdu.Deliver | pdu.StatusReport | None, problem: str | None) -> None:
        now = self.clock.now()
        imei = self.imei or ""
        if message is None:
            self.store.log("inbound.undecodable", now, problem or "", imei=imei)
        elif isinstance(message, pdu.Deliver):
            concat = message.concat
            whole = self.store.add_inbound_part(
                imei=imei,
                iccid=self.iccid,
                sender=_normalised_sender(message.sender, self.settings.region),
                text=message.text,
                sent_at=message.timestamp,
                now=now,
                concat=(concat.reference, concat.total, concat.seq) if concat else None,
            )
            if whole is not None:
                self.store.log(
                    "message.received", now, f"from {whole.sender}", imei=imei, message_id=whole.id
                )
                if self._on_received is not None and whole.id is not None:
                    self._on_received(whole.id)
        else:
            self._errands.flush()  # its message's outcome first: "sent", with its references
            self.store.add_reports([filed(imei, message, now)])


def _normalised_sender(sender: str, region: str) -> str:
    """Senders are stored as E.164 when they are numbers; names (alphanumeric) as they are."""
    if any(ch.isalpha() for ch in sender) or not any(ch.isdigit() for ch in sender):
        return sender
    try:
        return normalise(sender, region)
    except InvalidRecipient:
        return sender
