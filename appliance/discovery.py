"""Finding modems: explicit ports from the config, udev-tagged ports, known USB modems, hot-plug.

A port is a candidate when our udev rules tagged it as an AT port (``SMSRELAY_PORT=at``, with its
stable link under /dev/gsm), or when its USB vendor is a known modem maker. Candidates are only
candidates: the pool's worker confirms each with an AT probe (a dongle's PPP and diagnostic ports
are ttys too), and identity by IMEI sorts out one modem seen on two ports.

Hot-plug comes from a pyudev monitor; a periodic ``rescan`` (from the scheduler) covers systems
where udev events do not reach us (containers, a udev daemon restarting).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable

log = logging.getLogger(__name__)

# USB vendor ids of modem makers (lsusb's first half): Huawei, ZTE, SIMCom, Quectel, Sierra
# Wireless, u-blox, Telit.
KNOWN_VENDORS: dict[str, str] = {
    "12d1": "Huawei",
    "19d2": "ZTE",
    "1e0e": "SIMCom",
    "2c7c": "Quectel",
    "1199": "Sierra Wireless",
    "1546": "u-blox",
    "1bc7": "Telit",
}


def port_of(properties: dict[str, str], device_node: str | None) -> str | None:
    """The path to open for a tty device, or None if it is not a modem candidate."""
    if not device_node:
        return None
    if properties.get("SMSRELAY_PORT") == "at":
        links = properties.get("DEVLINKS", "").split()
        stable = [link for link in links if link.startswith("/dev/gsm/")]
        return stable[0] if stable else device_node
    if properties.get("SMSRELAY_PORT") == "ignore":
        return None
    if properties.get("ID_VENDOR_ID", "").lower() in KNOWN_VENDORS:
        return device_node
    return None


def candidates(context: object | None = None) -> list[str]:
    """Every tty that looks like a modem's port now."""
    import pyudev

    context = context or pyudev.Context()
    found = []
    for device in context.list_devices(subsystem="tty"):
        port = port_of(dict(device.properties), device.device_node)
        if port:
            found.append(port)
    return sorted(set(found))


class Discovery:
    """Keeps the pool's set of auto-discovered ports in step with what is plugged in."""

    def __init__(
        self,
        *,
        add: Callable[[str], None],
        remove: Callable[[str], None],
        explicit: Iterable[str] = (),
        context: object | None = None,
    ) -> None:
        self._add = add
        self._remove = remove
        self._explicit = set(explicit)
        self._context = context
        self._known: set[str] = set()
        self._lock = threading.Lock()
        self._observer = None

    def rescan(self) -> None:
        try:
            found = set(candidates(self._context)) - self._explicit
        except Exception:  # pyudev missing or no /sys: discovery is best effort
            log.exception("modem discovery failed")
            return
        with self._lock:
            new, gone = found - self._known, self._known - found
            self._known = found
        for port in sorted(new):
            self._add(port)
        for port in sorted(gone):
            self._remove(port)

    def start_monitor(self) -> None:
        """Follow udev add/remove events for ttys (each triggers a rescan)."""
        try:
            import pyudev

            context = self._context or pyudev.Context()
            monitor = pyudev.Monitor.from_netlink(context, source="udev")
            monitor.filter_by(subsystem="tty")
            self._observer = pyudev.MonitorObserver(
                monitor, callback=self._on_uevent, name="udev-monitor"
            )
            self._observer.start()
        except Exception:
            log.warning("no udev monitor; relying on the periodic rescan", exc_info=True)

    def _on_uevent(self, _device: object) -> None:
        """An exception here would end pyudev's observer thread for good: log it instead."""
        try:
            self.rescan()
        except Exception:
            log.exception("rescan after a udev event failed; the periodic rescan will retry")

    def stop(self) -> None:
        if self._observer is not None:
            self._observer.send_stop()
