"""A real modem, end to end: init, status, send, receive (the tester sends an SMS) and a report.

Opt-in (``-m hardware``, see conftest.py). They run in file order on one opened modem; each
prints what it saw, so a run doubles as a record of how a dongle behaves (``-s`` shows it all).
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable

import pytest

from modem import events
from modem.device import Modem

pytestmark = pytest.mark.hardware

RECEIVE_WAIT = 180.0  # seconds for the tester to send an SMS
REPORT_WAIT = 180.0  # seconds for the network to report the delivery


def wait_for(modem: Modem, accept: Callable[[object], object], seconds: float):
    """The first thing ``accept`` makes of a modem event (truthy), or None after ``seconds``."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        event = modem.next_event(timeout=min(1.0, left))
        if event is not None and (found := accept(event)):
            return found
    return None


def test_port_is_tagged_by_the_udev_rules(port, tell):
    import pyudev

    node = os.path.realpath(port)
    try:
        device = pyudev.Devices.from_device_file(pyudev.Context(), node)
    except pyudev.DeviceNotFoundError:
        pytest.skip(f"udev does not know {node} (a simulated modem's pty?)")
    properties = dict(device.properties)
    if properties.get("ID_BUS") != "usb":
        pytest.skip(f"{node} is not a USB modem: the rules do not apply")
    tell(
        f"{port} -> {node}: {properties.get('ID_VENDOR_ID')}:{properties.get('ID_MODEL_ID')} "
        f"if{properties.get('ID_USB_INTERFACE_NUM')} SMSRELAY_PORT="
        f"{properties.get('SMSRELAY_PORT', '(none: probed)')} links={properties.get('DEVLINKS')}"
    )
    assert properties.get("ID_MM_DEVICE_IGNORE") == "1", (
        "ModemManager may grab this port: install the rules (sudo smsrelay install) or add the "
        "dongle (udev/README.md)"
    )
    assert properties.get("SMSRELAY_PORT") != "ignore", "the rules set this port aside"


def test_init_tells_who_the_modem_is(modem, tell):
    identity = modem.identity
    assert identity is not None
    tell(f"{identity.manufacturer} {identity.model} ({identity.revision}), IMEI {identity.imei}")
    assert identity.imei.isdigit() and len(identity.imei) == 15


def test_status_shows_a_ready_sim_on_a_network(modem, tell):
    status = modem.status()
    signal = status.signal
    tell(
        f"SIM {status.sim}, {status.operator}, "
        f"{signal.dbm if signal else '?'} dBm ({signal.bars if signal else 0} bars), "
        f"registration {status.registration.status if status.registration else '?'}, "
        f"SMSC {status.smsc}"
    )
    assert status.sim == "READY"
    assert status.registration is not None and status.registration.registered
    assert signal is not None and signal.bars > 0, "no usable signal: move the modem"


def test_send(modem, recipient, tell):
    result = modem.send(recipient, f"smsrelay hardware test {time.strftime('%H:%M:%S')}: send")
    tell(f"sent to {recipient}: reference {result.references}")
    assert len(result.references) == result.parts == 1


def test_receive(modem, tell):
    word = f"{secrets.choice(['apple', 'river', 'cloud', 'stone'])}{secrets.randbelow(90) + 10}"
    tell(f"Send an SMS containing {word!r} to this modem's number, within {RECEIVE_WAIT:.0f} s.")

    def received(event) -> str | None:
        if isinstance(event, events.MessageReceived) and word in event.message.text:
            return event.message.text
        if isinstance(event, events.MessageStored):
            stored = modem.read_message(event.index, event.storage)
            if stored and stored.message and word in getattr(stored.message, "text", ""):
                modem.delete_message(event.index, event.storage)  # leave the SIM as it was
                return stored.message.text
        return None

    text = wait_for(modem, received, RECEIVE_WAIT)
    assert text is not None, f"no SMS with {word!r} came in {RECEIVE_WAIT:.0f} s"
    tell(f"received: {text!r}")


def test_delivery_report(modem, recipient, tell):
    result = modem.send(
        recipient, f"smsrelay hardware test {time.strftime('%H:%M:%S')}: report", report=True
    )
    reference = result.references[0]
    tell(f"sent with a report request (reference {reference}); waiting for the report")

    def report(event):
        if isinstance(event, events.ReportReceived):
            found = event.report
        elif isinstance(event, events.ReportStored):
            stored = modem.read_message(event.index, event.storage)
            found = stored.message if stored else None
            if found is not None:
                modem.delete_message(event.index, event.storage)
        else:
            return None
        if getattr(found, "message_reference", None) == reference and found.final:
            return found
        return None

    found = wait_for(modem, report, REPORT_WAIT)
    assert found is not None, f"no final delivery report in {REPORT_WAIT:.0f} s"
    tell(f"report: {found.reason} (status {found.status:#04x})")
    assert found.delivered, "the phone did not get it: is it on and in coverage?"
