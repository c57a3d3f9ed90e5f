"""The serial transport on a real pty (pyserial): what leaves it when the device vanishes.

The soak of issue 14 (``make chaos``) left a message ``sending`` for good: the modem was
unplugged between a command's ``write`` and pyserial's ``flush`` (``tcdrain``), which raised
``termios.error`` (EIO), neither a ``SerialException`` nor an ``OSError``; the worker took it
for a bug instead of an unplug, and the send's outcome was never written.
"""

from __future__ import annotations

import pytest

from modem.errors import PortGone
from modem.transport import SerialTransport
from tests.waiting import wait_until


def test_a_write_after_the_device_vanished_is_port_gone(sim_factory):
    server = sim_factory("generic")
    lost: list[PortGone] = []
    transport = SerialTransport(server.link, on_data=lambda data: None, on_lost=lost.append)
    transport.open()
    try:
        server.unplug()
        wait_until(lambda: lost, what="the reader to notice the unplug")
        # nothing to write(2): pyserial goes straight to tcdrain on the hung-up tty, as a write
        # that got in just before the unplug does
        with pytest.raises(PortGone):
            transport.write(b"")
        with pytest.raises(PortGone):
            transport.write(b"AT\r")
    finally:
        transport.close()
