"""Observed simulated modems in a process of their own, as real modems are outside the daemon.

On the appliance a modem is another computer at the end of a USB cable: it costs the daemon no
CPU and no share of Python's interpreter lock. A simulator in the daemon's process would (its
threads take the lock to answer), and would make our side look slower than it is. So the
benchmarks run the simulated modems in a child process, which reports each send's start and
answer (``observed.py``) as one JSON line on its standard output, stamped with the system-wide
monotonic clock, while the parent runs the daemon against the ptys.

Run by ``Fleet``; by hand: ``.venv/bin/python bench/fleet.py --modems 2 --dir /tmp/x``
(prints the links, then events; type ``stop`` or close standard input to end).
"""

from __future__ import annotations

import argparse
import json
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from observed import EVENTS, start_observed_fleet

HERE = Path(__file__).resolve().parent


class Fleet:
    """The parent's handle on a child process of observed modems; a context manager."""

    def __init__(
        self,
        count: int,
        directory: Path,
        *,
        profile: str = "generic",
        time_scale: float = 1.0,
        seed: int = 0,
        per_modem: list[dict[str, Any]] | None = None,
        **faults: Any,
    ) -> None:
        self.count = count
        self.directory = directory
        self.arguments = [
            f"--modems={count}",
            f"--dir={directory}",
            f"--profile={profile}",
            f"--time-scale={time_scale}",
            f"--seed={seed}",
            f"--faults={json.dumps(faults)}",
            f"--per-modem={json.dumps(per_modem or [])}",
        ]
        self.links: list[str] = []
        self.imeis: list[str] = []
        self.times: dict[str, list[list[float]]] = {
            event: [[] for _ in range(count)] for event in EVENTS
        }
        self.starts: queue.SimpleQueue[tuple[int, float]] = queue.SimpleQueue()
        self._process: subprocess.Popen[str] | None = None
        self._reader: threading.Thread | None = None

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    def __enter__(self) -> Fleet:
        self._process = subprocess.Popen(
            [sys.executable, str(HERE / "fleet.py"), *self.arguments],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        assert self._process.stdout is not None
        first = self._process.stdout.readline()
        if not first:
            self._process.wait(5)
            raise RuntimeError(f"the simulator process ended ({self._process.returncode})")
        hello = json.loads(first)
        self.links, self.imeis = hello["links"], hello["imeis"]
        self._reader = threading.Thread(target=self._read, name="fleet events", daemon=True)
        self._reader.start()
        return self

    @property
    def started(self) -> list[list[float]]:
        """Per modem, when each ``AT+CMGS=`` arrived."""
        return self.times["started"]

    @property
    def refused(self) -> list[list[float]]:
        """Per modem, when each ``+CMS ERROR`` left (injected faults)."""
        return self.times["refused"]

    @property
    def answered(self) -> list[list[float]]:
        """Per modem, when each send's final ``OK`` left."""
        return self.times["answered"]

    def _read(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        for line in self._process.stdout:
            event = json.loads(line)
            index, what, when = event["modem"], event["event"], event["t"]
            self.times[what][index].append(when)
            if what == "started":
                self.starts.put((index, when))

    def answered_total(self) -> int:
        return sum(len(times) for times in self.answered)

    def __exit__(self, *exc_info: object) -> None:
        process = self._process
        if process is None:
            return
        try:
            assert process.stdin is not None
            process.stdin.write("stop\n")
            process.stdin.close()
            process.wait(15)
        except (BrokenPipeError, subprocess.TimeoutExpired):
            process.kill()
            process.wait(5)
        if self._reader is not None:
            self._reader.join(5)


def serve() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modems", type=int, default=1)
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--profile", default="generic")
    parser.add_argument("--time-scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--faults", default="{}", help='JSON, e.g. {"send_delay": 0.5}')
    parser.add_argument(
        "--per-modem", default="[]", help='JSON list of faults per modem, e.g. [{"fail_rate": 1}]'
    )
    args = parser.parse_args()
    lock = threading.Lock()

    def tell(index: int, what: str, when: float) -> None:
        line = json.dumps({"modem": index, "event": what, "t": when})
        with lock:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    servers = start_observed_fleet(
        args.modems,
        args.dir,
        profile=args.profile,
        time_scale=args.time_scale,
        seed=args.seed,
        listener=tell,
        per_modem=json.loads(args.per_modem),
        **json.loads(args.faults),
    )
    try:
        imeis = [server.call(lambda m, now: m.imei) for server in servers]
        with lock:
            print(json.dumps({"links": [s.link for s in servers], "imeis": imeis}), flush=True)
        for line in sys.stdin:
            if line.strip() == "stop":
                break
    finally:
        for server in servers:
            server.stop()


if __name__ == "__main__":
    serve()
