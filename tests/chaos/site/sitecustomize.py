"""Run by every Python process started with this folder on ``PYTHONPATH``: the chaos tests put
it there for ``smsrelay serve`` and the panel's process it starts, so that all of them open the
database through the ``unsynced`` VFS (``tests/chaos/unsynced.py``), before any of them opens it.

``SMSRELAY_CHAOS_UNSYNCED=1`` registers the VFS as the default one. ``SMSRELAY_CHAOS_SYNCHRONOUS``
replaces the store's ``synchronous`` pragma (``NORMAL``: the code as it was before issue 14, for
the test that shows the power cut then sends messages twice).
"""

import os
import sys

if os.environ.get("SMSRELAY_CHAOS_UNSYNCED"):
    from tests.chaos.unsynced import register

    register(default=True)
    print(f"chaos: the unsynced VFS is SQLite's default in process {os.getpid()}", file=sys.stderr)

if os.environ.get("SMSRELAY_CHAOS_SYNCHRONOUS"):
    from appliance.store import engine

    engine.SQLITE_PRAGMAS = tuple(
        f"synchronous={os.environ['SMSRELAY_CHAOS_SYNCHRONOUS']}"
        if pragma.startswith("synchronous=")
        else pragma
        for pragma in engine.SQLITE_PRAGMAS
    )
