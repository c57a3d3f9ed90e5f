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


class ImapServer:
    """A real IMAP server (pymap, its in-memory backend) in a child process, with one mailbox:
    ``USER`` / ``PASSWORD``. Mail is put in it as any client would: IMAP APPEND."""

    USER, PASSWORD = "demouser", "demopass"

    def __init__(self) -> None:
        import subprocess
        import sys
        import time

        self.port = free_port()
        code = "import sys; from pymap.main import main; sys.argv[0] = 'pymap'; sys.exit(main())"
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, "--host", "127.0.0.1", "--port", str(self.port),
             "dict", "--demo-data"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.close()
                    raise RuntimeError("the IMAP server did not start") from None
                time.sleep(0.05)

    def client(self):
        import imaplib

        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        client.login(self.USER, self.PASSWORD)
        return client

    def append(self, mail: EmailMessage) -> None:
        import imaplib
        import time

        client = self.client()
        try:
            when = imaplib.Time2Internaldate(time.time())
            assert client.append("INBOX", None, when, mail.as_bytes())[0] == "OK"
        finally:
            client.logout()

    def unseen(self) -> int:
        client = self.client()
        try:
            client.select("INBOX")
            found = client.search(None, "UNSEEN")[1][0].split()
            return len(found)
        finally:
            client.logout()

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(10)
