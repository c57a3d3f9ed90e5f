"""The serial port: the only module that imports ``serial``.

Shaped like pyserial's ``serial.threaded.ReaderThread``: one reader thread per port hands every
chunk of bytes to a callback as it arrives and reports the end of the connection once. The port is
opened with ``exclusive=True`` (an advisory ``flock``) so that a second smsrelay, a terminal or
ModemManager cannot talk to the same modem at the same time and interleave commands.

``SerialException`` and ``OSError`` never leave this module: they become ``PortGone`` (the device
vanished: unplugged, re-enumerated after a reset) or ``PortBusy`` (somebody else holds the lock).
Nor does ``termios.error``, which is neither: pyserial's ``flush`` is ``tcdrain``, and on a tty
whose device vanished after the bytes were written it raises that with EIO.
"""

from __future__ import annotations

import errno
import termios
import threading
from collections.abc import Callable

import serial

from .errors import PortBusy, PortGone

DataCallback = Callable[[bytes], None]
LostCallback = Callable[[PortGone], None]


class SerialTransport:
    """One open serial port with a reader thread that pushes bytes to ``on_data``."""

    def __init__(
        self,
        port: str,
        *,
        on_data: DataCallback,
        on_lost: LostCallback,
        baudrate: int = 115200,
    ) -> None:
        self.port = port
        self._on_data = on_data
        self._on_lost = on_lost
        self._baudrate = baudrate
        self._serial: serial.Serial | None = None
        self._reader: threading.Thread | None = None
        self._write_lock = threading.Lock()
        self._closing = threading.Event()
        self._lost_reported = False

    # --- life cycle ------------------------------------------------------------------------------

    def open(self) -> None:
        """Open the port exclusively and start the reader; raise PortBusy or PortGone."""
        try:
            # timeout=None: the reader blocks in read() (no polling, no idle CPU) and close()
            # wakes it with cancel_read().
            self._serial = serial.Serial(
                self.port, self._baudrate, timeout=None, exclusive=True, rtscts=False
            )
        except serial.SerialException as exc:
            raise self._typed_open_error(exc) from exc
        except OSError as exc:  # pragma: no cover - pyserial wraps most, not all
            raise PortGone(f"{self.port}: {exc.strerror or exc}") from exc
        self._reader = threading.Thread(
            target=self._read_loop, name=f"serial-reader {self.port}", daemon=True
        )
        self._reader.start()

    def close(self) -> None:
        """Stop the reader and close the port; safe to call twice, and after the port is gone."""
        self._closing.set()
        ser = self._serial
        if ser is not None:
            try:
                ser.cancel_read()
            except (serial.SerialException, OSError, AttributeError):
                pass
        if self._reader is not None and self._reader is not threading.current_thread():
            self._reader.join(timeout=2)
        if ser is not None:
            try:
                ser.close()
            except (serial.SerialException, OSError):
                pass
        self._serial = None

    @property
    def is_open(self) -> bool:
        return self._serial is not None and not self._closing.is_set()

    # --- I/O -------------------------------------------------------------------------------------

    def write(self, data: bytes) -> None:
        """Write all of ``data``; PortGone when the device is no longer there."""
        ser = self._serial
        if ser is None:
            raise PortGone(f"{self.port} is closed")
        with self._write_lock:
            try:
                ser.write(data)
                ser.flush()  # tcdrain: termios.error (EIO) when the device vanished meanwhile
            except (serial.SerialException, OSError, termios.error) as exc:
                raise PortGone(f"{self.port}: {exc}") from exc

    def _read_loop(self) -> None:
        ser = self._serial
        assert ser is not None
        error: PortGone | None = None
        while not self._closing.is_set():
            try:
                data = ser.read(ser.in_waiting or 1)
            except (serial.SerialException, OSError, TypeError) as exc:
                # TypeError: pyserial reading from a port closed under it.
                if not self._closing.is_set():
                    error = PortGone(f"{self.port}: {exc}")
                break
            if data:
                self._on_data(data)
        if error is not None and not self._lost_reported:
            self._lost_reported = True
            self._on_lost(error)

    def _typed_open_error(self, exc: serial.SerialException) -> Exception:
        text = str(exc)
        if "lock" in text.lower() or getattr(exc, "errno", None) in (errno.EBUSY, errno.EAGAIN):
            return PortBusy(f"{self.port} is in use by another program (ModemManager?): {text}")
        return PortGone(f"{self.port}: {text}")
