"""The chaos tests' harness: ``smsrelay serve`` as a child process on simulated modems, killed
and started again, and the simulators' air logs read as the truth of what was sent.

As in tests/appliance/test_crash.py, the simulated modems run in the test's process, so they
outlive every daemon and keep what they put on air. The daemon runs in a session of its own, so
that a power cut kills it and the panel's process it started at once (``killpg``), as the power
does, before the disk is put back to what survived (``unsynced.cut_power``).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SITE = Path(__file__).with_name("site")  # sitecustomize: the VFS in the daemon's processes
NODE = "chaos-node"
POLL = 0.02  # seconds between two looks
MARK = re.compile(r"#(\d+)#")  # every part of message i carries "#i#"


def write_config(folder: Path, ports: list[str], *, resend_unknown: bool = False) -> Path:
    modems = "".join(f'\n[[modem]]\nport = "{port}"\n' for port in ports)
    path = folder / "smsrelay.toml"
    path.write_text(
        f"""\
[appliance]
database = "sqlite:///{folder}/smsrelay.db"
data_dir = "{folder}/data"
node = "{NODE}"
timezone = "Europe/Paris"
resend_unknown = {str(resend_unknown).lower()}

[discovery]
auto = false

[defaults]
max_per_minute = 100000
daily_limit = false
monthly_limit = false
{modems}""",
        encoding="utf-8",
    )
    return path


def text_for(index: int) -> str:
    """Message ``index``'s text: every seventh takes two parts; each part names the message."""
    if index % 7 == 3:
        return f"#{index}# rappel " + "x" * 150 + f" #{index}#"
    return f"#{index}# rappel"


def recipient_for(index: int) -> str:
    """One number per message: two parts are joined by (recipient, reference) on the phone."""
    return f"+3361{index:07d}"


class Serve:
    """``smsrelay serve --config FILE`` in a session of its own, its output in a log file.

    ``unsynced``: every process of it opens the database through the ``unsynced`` VFS;
    ``synchronous``: the store's ``synchronous`` pragma replaced (the fault being shown);
    ``fast``: its waits scaled to the simulators' pace (``site/sitecustomize.py``);
    ``environ``: more variables for its processes (``faulty_disk.environ``), ``site/`` with them.
    """

    def __init__(
        self,
        config: Path,
        log: Path,
        *,
        unsynced: bool = False,
        synchronous: str | None = None,
        fast: bool = False,
        environ: dict[str, str] | None = None,
    ) -> None:
        self.log = log
        env = dict(os.environ)
        env.update(environ or {})
        if unsynced or synchronous or fast or environ:
            env["PYTHONPATH"] = os.pathsep.join(
                filter(None, [str(SITE), str(REPO), env.get("PYTHONPATH")])
            )
        if unsynced:
            env["SMSRELAY_CHAOS_UNSYNCED"] = "1"
        if synchronous:
            env["SMSRELAY_CHAOS_SYNCHRONOUS"] = synchronous
        if fast:
            env["SMSRELAY_CHAOS_FAST"] = "1"
        self.started_at = time.monotonic()
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "appliance", "serve", "--config", str(config),
                 "--bind", "127.0.0.1:0"],
                cwd=REPO, stdout=out, stderr=subprocess.STDOUT, env=env,
                start_new_session=True,
            )  # fmt: skip

    def alive(self) -> bool:
        return self.proc.poll() is None

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def serving(self) -> bool:
        return "smsrelay serving" in self.output()

    def kill(self) -> None:
        """``kill -9`` of the daemon and every process it started, and wait until all are gone
        (their files closed): nothing of theirs may write after this."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while _group_alive(self.proc.pid):
            if time.monotonic() > deadline:
                pytest.fail(f"processes of group {self.proc.pid} outlived SIGKILL")
            time.sleep(POLL)

    def stop(self) -> int:
        """SIGTERM, as systemd stops it; its exit status."""
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=30)

    def close(self) -> None:
        if self.alive() or _group_alive(self.proc.pid):
            self.kill()


def _group_alive(group: int) -> bool:
    """A process of this group that is not a zombie (Linux's /proc)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            return True
    return False


def poll(serve: Serve | None, predicate: Callable[[], object], timeout: float, what: str):
    """Wait for ``predicate``; fail at once (with the daemon's log) if the daemon died."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if serve is not None and not serve.alive():
            pytest.fail(f"the daemon exited ({serve.proc.returncode}):\n{serve.output()[-3000:]}")
        if time.monotonic() > deadline:
            log = serve.output()[-3000:] if serve is not None else ""
            pytest.fail(f"timed out after {timeout} s waiting for {what}:\n{log}")
        time.sleep(POLL)


def parts_on_air(fleet) -> Counter:
    """Every part the simulated networks accepted, by its text, over all modems."""
    texts: Counter = Counter()
    for server in fleet:
        texts.update(server.call(lambda m, now: [s.text for s in m.submits]))
    return texts


def by_message(parts: Counter) -> dict[int, Counter]:
    """The parts on air grouped by the message they belong to (its ``#i#`` mark)."""
    grouped: dict[int, Counter] = defaultdict(Counter)
    for text, count in parts.items():
        grouped[int(MARK.search(text).group(1))][text] += count
    return grouped


def networks_idle(fleet) -> bool:
    """No simulated network is still to answer a PDU (after a kill: what left has left)."""
    return not any(server.call(lambda m, now: m.awaiting_network) for server in fleet)


def inbound_held(fleet) -> int:
    """SMS parts the simulated modems still hold for the daemon (``FakeModem.held_sms``): at
    their network, or on their SIM, which the daemon empties only once it stored them."""
    return sum(server.call(lambda m, now: m.held_sms()) for server in fleet)
