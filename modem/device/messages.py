"""``Messaging``: send an SMS (all its parts, one reference each); list, read, delete stored.

A part refused with +CMS ERROR: 330 ("SMSC address unknown") left nothing: the modem lost the
SMS centre address it had at bring-up (``service_centre``). It is written back and the part
sent again, once.
"""

from __future__ import annotations

import random
from datetime import timedelta

from modem import pdu
from modem.at import Command, Response, parse_cmgl, parse_cmgr, parse_cmgs
from modem.errors import CmsError, ModemError, RemoteProtocolError

from .records import SendResult, StoredMessage
from .service_centre import ServiceCentre

SMSC_UNKNOWN = 330  # TS 27.005 §3.2.5


class Messaging(ServiceCentre):
    """Outbound SMS, and the inbound messages and reports the modem stored."""

    def send(
        self,
        number: str,
        text: str,
        *,
        report: bool = False,
        validity: timedelta | None = None,
        concat_reference: int | None = None,
        max_parts: int = pdu.MAX_PARTS_DEFAULT,
        first_part: int = 1,
    ) -> SendResult:
        """Send one SMS (all its parts on this modem) and return one reference per part.

        The text is encoded and checked before anything is written: InvalidNumber, EmptyText and
        TextTooLong come out with nothing sent. On a failure the error carries
        ``sent_references`` (parts already accepted) and ``maybe_sent`` (the failing part's PDU
        was written but not answered). ``first_part`` resumes a message whose first parts left.
        """
        reference = random.randrange(256) if concat_reference is None else concat_reference
        parts = pdu.encode_submit(
            number,
            text,
            reference=reference,
            request_report=report,
            validity=validity,
            max_parts=max_parts,
        )
        references: list[int] = []
        for part in parts[first_part - 1 :]:
            command = Command(
                f"AT+CMGS={part.tpdu_length}",
                prefixes=("+CMGS:",),
                pdu=part.hex,
                timeout=self.timeouts.send,
            )
            try:
                response = self._send_part(command)
                line = next((ln for ln in response.lines if ln.startswith("+CMGS:")), None)
                if line is None:
                    raise RemoteProtocolError("AT+CMGS answered OK without a +CMGS reference")
                references.append(parse_cmgs(line))
            except ModemError as exc:
                exc.sent_references = tuple(references)
                if isinstance(exc, RemoteProtocolError):
                    exc.maybe_sent = True  # the modem said OK, or garbage, after the PDU
                raise
        encoding = pdu.count(text).encoding
        return SendResult(tuple(references), len(parts), encoding, reference)

    def _send_part(self, command: Command) -> Response:
        try:
            return self.command(command)
        except CmsError as exc:
            if exc.code != SMSC_UNKNOWN or exc.maybe_sent or not self.restore_smsc():
                raise
        return self.command(command)

    def use_storage(self, storage: str) -> None:
        """Make ``storage`` the one read and deleted from (mem1), as a +CMTI/+CDSI names it."""
        if storage == self.storage:
            return
        self._simple(f'AT+CPMS="{storage}"', "+CPMS:")
        self.storage = storage

    def list_messages(self, stat: int = 4) -> list[StoredMessage]:
        """Every stored message (stat 4 = all; 0 unread, 1 read) of the current storage."""
        lines = self._simple(
            f"AT+CMGL={stat}", "+CMGL:", pdu_lines=True, timeout=self.timeouts.send
        )
        return [
            self._stored(item.index, item.stat, item.pdu, item.problem)
            for item in parse_cmgl(lines)
        ]

    def read_message(self, index: int, storage: str | None = None) -> StoredMessage | None:
        """The message at ``index``, or None for an empty slot."""
        if storage:
            self.use_storage(storage)
        try:
            lines = self._simple(f"AT+CMGR={index}", "+CMGR:", pdu_lines=True)
        except CmsError as exc:
            if exc.code == 321:  # invalid memory index: nothing there
                return None
            raise
        if not lines:
            return None
        item = parse_cmgr(lines)
        return self._stored(index, item.stat, item.pdu, item.problem)

    def delete_message(self, index: int, storage: str | None = None) -> None:
        if storage:
            self.use_storage(storage)
        self._simple(f"AT+CMGD={index}")

    def _stored(self, index: int, stat: int, raw: str, problem: str | None) -> StoredMessage:
        if problem is not None:  # not a PDU at all: the parser said why
            return StoredMessage(self.storage or "", index, stat, raw, None, problem)
        try:
            message = pdu.decode(raw)
        except ModemError as exc:
            return StoredMessage(self.storage or "", index, stat, raw, None, str(exc))
        return StoredMessage(self.storage or "", index, stat, raw, message)
