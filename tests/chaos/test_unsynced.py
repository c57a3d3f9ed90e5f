"""The power cut's VFS itself (``unsynced.py``): a commit survives a cut when it was synced, and
only then. A child process commits 50 rows through the VFS and kills itself (``kill -9``: no
close, no last checkpoint); the cut then puts back what its syncs made durable."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from tests.chaos import unsynced
from tests.chaos.serving import REPO

CHILD = """
import os, sqlite3, sys
from tests.chaos.unsynced import register
register(default=True)
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("PRAGMA synchronous=" + sys.argv[2])
for i in range(50):
    connection.execute("INSERT INTO t VALUES (?)", (i,))
print(connection.execute("SELECT count(*) FROM t").fetchone()[0], flush=True)
os.kill(os.getpid(), 9)
"""


@pytest.mark.parametrize(("synchronous", "kept"), [("FULL", 50), ("NORMAL", 0), ("OFF", 0)])
def test_a_cut_keeps_what_was_synced_and_nothing_else(tmp_path, synchronous, kept):
    database = tmp_path / "t.db"
    with sqlite3.connect(database) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE t (x)")
    setup.close()
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(database), synchronous],
        cwd=REPO, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert child.returncode == -9 and child.stdout.strip() == "50", child.stderr
    with sqlite3.connect(database) as before_cut:  # the kill alone loses nothing
        assert before_cut.execute("SELECT count(*) FROM t").fetchone() == (50,)
    before_cut.close()
    # put back what the child's syncs made durable (the reader above used the unix VFS: what it
    # checkpointed on closing is not on the durable copies)
    assert sorted(p.name for p in unsynced.cut_power(tmp_path)) == ["t.db", "t.db-wal"]
    with sqlite3.connect(database) as after_cut:
        assert after_cut.execute("SELECT count(*) FROM t").fetchone() == (kept,)
        assert after_cut.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    after_cut.close()


def test_ranges_are_merged():
    assert unsynced.merged([(8, 12), (0, 4), (4, 6), (10, 20), (30, 31)]) == [
        (0, 6), (8, 20), (30, 31),
    ]  # fmt: skip
