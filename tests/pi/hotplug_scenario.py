"""Plug, unplug and replug a USB modem under umockdev, with the real daemon watching.

Run by ``test_hotplug.py`` as ``umockdev-wrapper python -m tests.pi.hotplug_scenario WORKDIR``:
under umockdev's preload library this process sees a fake /sys holding only the devices added
here, and udev monitors receive the events sent here (shared/TESTING.md). The modem itself is a
simulated one on a real pty (``modem.sim``), reached through the very link our udev rules give
the ZTE MF636 whose ``udevadm info`` is in ``captures/``: its properties are our rules' outcome
on that capture, and its /dev/gsm link exists in umockdev's /dev, pointing at the pty.

It prints one JSON object (what happened, with timings) on its last line and exits 0, or raises.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path

import gi

gi.require_version("UMockdev", "1.0")
from gi.repository import UMockdev  # noqa: E402

from appliance.config import ModemConfig, load_config  # noqa: E402
from appliance.daemon import Daemon, Tuning  # noqa: E402
from appliance.outbox import prepare, submit  # noqa: E402
from appliance.states import ModemState  # noqa: E402
from modem.device import Timeouts  # noqa: E402
from modem.sim import FakeModem, SimServer  # noqa: E402
from tests.pi.udev_rules import Device, evaluate, parse, read_capture  # noqa: E402

CAPTURE = Path(__file__).parent / "captures" / "zte-mf636-ttyUSB2.txt"
TIME_SCALE = 0.01
TUNING = Tuning(
    timeouts=Timeouts(command=1.0, send=2.0, ussd=2.0, sync=0.3, sim_ready=3.0),
    retry_base=0.02,
    reconnect_after=0.05,
)
UNPACED = ModemConfig(port="", max_per_minute=1_000_000, daily_limit=None, monthly_limit=None)


def wait(predicate: Callable[[], object], what: str, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.01)
    return value


def udev_properties(kernel: str, interface: str = "03") -> dict[str, str]:
    """A port of the stick once 60-serial.rules and ours ran, under kernel name ``kernel``.

    Interface 03 is the capture itself; the stick's other ports (00, 01) are derived from it by
    changing the interface number and dropping 60-serial.rules' links, which name interface 03.
    """
    _, properties = read_capture(CAPTURE)
    properties["DEVNAME"] = f"/dev/{kernel}"
    if interface != properties["ID_USB_INTERFACE_NUM"]:
        properties.update(ID_USB_INTERFACE_NUM=interface, ID_IFACE=interface, DEVLINKS="")
    rules = parse((files("appliance") / "data" / "76-smsrelay.rules").read_text("utf-8"))
    outcome = evaluate(rules, Device("tty", kernel, properties))
    public = dict(outcome.properties)
    public["DEVLINKS"] = " ".join(outcome.devlinks)
    return public


class PassThrough(UMockdev.IoctlBase):
    """Hands a port's ioctls to the real pty behind it.

    umockdev answers every ioctl on a file of its /dev itself, and refuses those it does not
    emulate: pyserial's ``in_waiting`` (FIONREAD) would fail with ENOTTY. The simulated modem is
    a real pty, so the ioctl is run on it as is.
    """

    def do_handle_ioctl(self, client) -> bool:
        result, error = client.execute()
        client.complete(result, error)
        return True


class FakeStick:
    """The ZTE MF636 in umockdev's /sys: the USB device and its three ttys (if00, if01, if03)."""

    INTERFACES = ("00", "01", "03")

    def __init__(self, testbed) -> None:
        self.testbed = testbed
        self.devices: list[str] = []
        self.ttys: list[str] = []

    def plug(self, first: int) -> dict[str, str]:
        """Plug it; its ports get ttyUSB<first>... Returns what udev says of each tty."""
        usb = self.testbed.add_device(
            "usb",
            "1-7",
            None,
            ["idVendor", "19d2", "idProduct", "0031"],
            ["DEVTYPE", "usb_device", "ID_VENDOR_ID", "19d2", "ID_MM_DEVICE_IGNORE", "1"],
        )
        self.devices, self.ttys, tags = [usb], [], {}
        for offset, number in enumerate(self.INTERFACES):
            interface = self.testbed.add_device(
                "usb",
                f"1-7:1.{int(number)}",
                usb,
                ["bInterfaceNumber", number],
                ["DEVTYPE", "usb_interface"],
            )
            kernel = f"ttyUSB{first + offset}"
            properties = udev_properties(kernel, number)
            flat = [item for pair in properties.items() for item in pair]
            self.ttys.append(self.testbed.add_device("tty", kernel, interface, [], flat))  # "add"
            self.devices.append(interface)
            tags[kernel] = properties.get("SMSRELAY_PORT", "")
        return tags

    def unplug(self) -> None:
        """As the kernel does: the ttys leave sysfs, then udev reports them removed.

        umockdev sends an event only for a device still in its /sys, so the class links that
        enumeration walks go first, then the events, then the devices.
        """
        classes = Path(self.testbed.get_sys_dir()) / "class" / "tty"
        for tty in self.ttys:
            (classes / Path(tty).name).unlink()
        for tty in self.ttys:
            self.testbed.uevent(tty, "remove")
        for device in [*self.ttys, *reversed(self.devices)]:
            self.testbed.remove_device(device)
        self.devices, self.ttys = [], []


def main(workdir: Path) -> dict[str, object]:
    testbed = UMockdev.Testbed.new()
    stick = FakeStick(testbed)
    server = SimServer(
        FakeModem("generic", seed=11), link=workdir / "ttySIM0", time_scale=TIME_SCALE
    )
    server.start()
    link = udev_properties("ttyUSB2")["DEVLINKS"].split()[-1]  # the AT port's
    assert link.startswith("/dev/gsm/"), link
    # udev's link, in umockdev's /dev, points at the simulated modem's pty (through its link).
    fake_dev = Path(testbed.get_root_dir()) / link.lstrip("/")
    fake_dev.parent.mkdir(parents=True)
    fake_dev.symlink_to(server.link)
    passthrough = PassThrough()
    testbed.attach_ioctl(link, passthrough)

    base = load_config(None, environ={"XDG_DATA_HOME": str(workdir / "data"), "TZ": "UTC"})
    config = dataclasses.replace(
        base, auto_discovery=True, defaults=UNPACED, node="pi-test", timezone="UTC"
    )
    daemon = Daemon(config, tuning=TUNING).start()
    assert daemon.discovery is not None and daemon.pool is not None
    pool = daemon.pool

    def worker_on(port: str):
        return next((w for w in pool.workers() if w.port == port), None)

    def ready_on(port: str):
        worker = worker_on(port)
        return worker if worker and worker.state == ModemState.READY and worker.imei else None

    result: dict[str, object] = {"link": link, "ports_before": sorted(pool.ports())}
    try:
        started = time.monotonic()
        result["tags"] = stick.plug(0)
        worker = wait(lambda: ready_on(link), "the plugged modem to be ready")
        result["ready_after_plug_s"] = round(time.monotonic() - started, 3)
        result["imei"] = worker.imei
        result["ports_plugged"] = sorted(pool.ports())

        started = time.monotonic()
        server.unplug()
        stick.unplug()
        wait(lambda: not pool.ports(), "the pool to drop the unplugged modem")
        result["dropped_after_unplug_s"] = round(time.monotonic() - started, 3)

        # Replugged into the same socket, its ports come back as ttyUSB3-5 (as when the old
        # names were still held): the same /dev/gsm link, the same modem (IMEI), and it sends.
        started = time.monotonic()
        server.replug()
        result["tags_after_replug"] = stick.plug(3)
        worker = wait(lambda: ready_on(link), "the replugged modem to be ready")
        result["ready_after_replug_s"] = round(time.monotonic() - started, 3)
        result["imei_after_replug"] = worker.imei
        now = datetime.now(UTC)
        message = submit(
            daemon.store,
            config,
            prepare(config, to="+33612345678", text="Collecte demain", now=now),
            now,
        )
        sent = wait(
            lambda: (m := daemon.store.get(message.id)) and m.status in ("sent", "failed") and m,
            "the message to leave through the replugged modem",
        )
        result["message_status"] = sent.status
        result["air"] = len(server.call(lambda m, now: m.air))
        result["modem_rows"] = [m.imei for m in daemon.store.modems()]
    finally:
        daemon.stop()
        server.stop()
    return result


if __name__ == "__main__":
    outcome = main(Path(sys.argv[1]))
    print(json.dumps(outcome), flush=True)
