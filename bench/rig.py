"""The bench's test rig: a scratch data folder, a real config file, and a daemon on simulators.

Every benchmark runs the product as a user would: a TOML config file read by ``load_config``
(so a child process or ``smsrelay`` itself can read the same one), an SQLite database and the
wake-up socket in a private data folder, and explicit ``[[modem]]`` ports pointing at simulated
modems. Pacing and caps are lifted in ``[defaults]``: the benchmarks measure the machinery, and
a pacer spacing sends by seconds would measure only itself.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from appliance.config import Config, load_config
from appliance.daemon import Daemon, Tuning

UNPACED_PER_MINUTE = 1_000_000  # 60 µs between two sends of a SIM: pacing never waits


@contextmanager
def scratch(prefix: str, keep: bool = False) -> Iterator[Path]:
    """A private folder, short enough for a Unix socket path (108 bytes), removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix=f"smsrelay-{prefix}-"))
    try:
        yield folder
    finally:
        if keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def write_config(folder: Path, ports: list[str], *, node: str = "bench") -> Path:
    """A config file: database and socket in ``folder``, these ports, no discovery, unpaced."""
    modems = "".join(f'\n[[modem]]\nport = "{port}"\n' for port in ports)
    path = folder / "smsrelay.toml"
    path.write_text(
        f"""# written by bench/rig.py
[appliance]
database = "sqlite:///{folder / "smsrelay.db"}"
node = "{node}"
timezone = "Europe/Paris"

[web]
bind = "127.0.0.1:0"  # any free port: benchmarks may run side by side

[discovery]
auto = false

[defaults]
max_per_minute = {UNPACED_PER_MINUTE}
daily_limit = false
monthly_limit = false
{modems}""",
        encoding="utf-8",
    )
    return path


def read_config(path: Path) -> Config:
    return load_config(path, environ={})


def start_daemon(config: Config, tuning: Tuning | None = None) -> Daemon:
    return Daemon(config, tuning=tuning or Tuning()).start()


def wait_for(
    predicate: Callable[[], object], timeout: float, what: str, interval: float = 0.005
) -> object:
    """Poll ``predicate`` until truthy; RuntimeError naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


def all_ready(daemon: Daemon, count: int) -> bool:
    """Every modem initialised, idle and known by IMEI: the dispatcher may use them all."""
    assert daemon.pool is not None
    return len(daemon.pool.available()) == count
