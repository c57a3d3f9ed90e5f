"""A real SMTP server for tests (aiosmtpd on a free local port) that keeps what it is sent."""

from __future__ import annotations

import socket
import threading
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """Every mail the server accepted, parsed, with its envelope recipients."""

    def __init__(self) -> None:
        self.mails: list[tuple[list[str], EmailMessage]] = []
        self._lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_DATA(self, server, session, envelope) -> str:
        mail = BytesParser(policy=policy.default).parsebytes(envelope.original_content)
        with self._lock:
            self.mails.append((list(envelope.rcpt_tos), mail))
        return "250 OK"

    def got(self, subject_part: str = "") -> list[EmailMessage]:
        with self._lock:
            return [m for _, m in self.mails if subject_part in str(m["Subject"])]

    def close(self) -> None:
        self.controller.stop()
