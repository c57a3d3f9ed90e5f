"""Run by every Python process started with this folder on ``PYTHONPATH``: the chaos tests put
it there for ``smsrelay serve`` and the panel's process it starts, so that all of them open the
database through the ``unsynced`` VFS (``tests/chaos/unsynced.py``), before any of them opens it.

``SMSRELAY_CHAOS_UNSYNCED=1`` registers the VFS as the default one. ``SMSRELAY_CHAOS_SYNCHRONOUS``
replaces the store's ``synchronous`` pragma (``NORMAL``: the code as it was before issue 14, for
the test that shows the power cut then sends messages twice). ``SMSRELAY_CHAOS_FAST=1`` gives the
daemon the waits the in-process tests give it (tests/appliance/conftest.py, ``FAST_TUNING``):
the simulated modems run 100 times faster than real ones, so a real modem's 60 s send timeout
is 2 s here, its 30 s retry backoff 20 ms (``SMSRELAY_CHAOS_HEALTH_INTERVAL``: the health
polls' interval, 30 s unless given). ``SMSRELAY_CHAOS_DISK``: the faulty disk's control file
(``tests/chaos/faulty_disk.py``), its VFS then SQLite's default.
"""

import os
import sys

if os.environ.get("SMSRELAY_CHAOS_UNSYNCED"):
    from tests.chaos.unsynced import register

    register(default=True)
    print(f"chaos: the unsynced VFS is SQLite's default in process {os.getpid()}", file=sys.stderr)

if os.environ.get("SMSRELAY_CHAOS_DISK"):
    from tests.chaos.faulty_disk import register as register_faulty_disk

    register_faulty_disk(os.environ["SMSRELAY_CHAOS_DISK"])
    print(f"chaos: the faulty disk is SQLite's default in process {os.getpid()}", file=sys.stderr)

if os.environ.get("SMSRELAY_CHAOS_SYNCHRONOUS"):
    from appliance.store import sqlite_file  # every connection's pragmas, both drivers

    sqlite_file.SQLITE_PRAGMAS = tuple(
        f"synchronous={os.environ['SMSRELAY_CHAOS_SYNCHRONOUS']}"
        if pragma.startswith("synchronous=")
        else pragma
        for pragma in sqlite_file.SQLITE_PRAGMAS
    )

if os.environ.get("SMSRELAY_CHAOS_FAST"):
    from appliance import daemon
    from modem.device import Timeouts

    _fast = daemon.Tuning(
        timeouts=Timeouts(command=1.0, send=2.0, ussd=2.0, sync=0.3, sim_ready=3.0),
        retry_base=0.02,
        reconnect_after=0.05,
        retry_failed_after=0.5,
        power_cycle_wait=2.0,
        # the chaos runs of faults a poll notices (a SIM, the network) poll at the same pace
        health_interval=float(os.environ.get("SMSRELAY_CHAOS_HEALTH_INTERVAL", "30")),
    )
    daemon.Tuning = lambda: _fast  # what Daemon() takes when serve gives it no tuning
