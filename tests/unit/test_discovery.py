"""Which ttys are modem candidates, and how the set follows plug and unplug."""

from __future__ import annotations

from dataclasses import dataclass, field

from appliance.discovery import Discovery, port_of


@dataclass
class FakeDevice:
    device_node: str | None
    properties: dict = field(default_factory=dict)


class FakeContext:
    def __init__(self, devices: list[FakeDevice]) -> None:
        self.devices = devices

    def list_devices(self, subsystem: str):
        assert subsystem == "tty"
        return list(self.devices)


def test_tagged_port_prefers_its_stable_link():
    props = {"SMSRELAY_PORT": "at", "DEVLINKS": "/dev/serial/by-id/usb-x /dev/gsm/huawei-1-at"}
    assert port_of(props, "/dev/ttyUSB2") == "/dev/gsm/huawei-1-at"
    assert port_of({"SMSRELAY_PORT": "at"}, "/dev/ttyUSB2") == "/dev/ttyUSB2"


def test_known_vendor_is_a_candidate_and_ignore_wins():
    assert port_of({"ID_VENDOR_ID": "12d1"}, "/dev/ttyUSB0") == "/dev/ttyUSB0"
    assert port_of({"ID_VENDOR_ID": "2C7C"}, "/dev/ttyUSB3") == "/dev/ttyUSB3"
    assert port_of({"ID_VENDOR_ID": "12d1", "SMSRELAY_PORT": "ignore"}, "/dev/ttyUSB1") is None


def test_other_ttys_are_not_candidates():
    assert port_of({}, "/dev/ttyS0") is None
    assert port_of({"ID_VENDOR_ID": "0403"}, "/dev/ttyUSB0") is None  # an FTDI cable
    assert port_of({"SMSRELAY_PORT": "at"}, None) is None


def test_rescan_adds_and_removes():
    devices = [FakeDevice("/dev/ttyUSB2", {"ID_VENDOR_ID": "12d1"}), FakeDevice("/dev/ttyS0")]
    context = FakeContext(devices)
    added, removed = [], []
    discovery = Discovery(
        add=added.append, remove=removed.append, context=context, explicit=["/dev/ttyACM0"]
    )
    discovery.rescan()
    assert added == ["/dev/ttyUSB2"] and removed == []
    devices.append(FakeDevice("/dev/ttyACM0", {"ID_VENDOR_ID": "1e0e"}))  # explicit: not ours
    devices.append(FakeDevice("/dev/ttyUSB5", {"SMSRELAY_PORT": "at"}))
    discovery.rescan()
    assert added == ["/dev/ttyUSB2", "/dev/ttyUSB5"]
    del devices[0]
    discovery.rescan()
    assert removed == ["/dev/ttyUSB2"]
    discovery.rescan()
    assert removed == ["/dev/ttyUSB2"] and len(added) == 2
