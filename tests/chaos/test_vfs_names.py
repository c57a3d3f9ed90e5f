"""The chaos VFSs hand SQLite's own file names to the ``unix`` VFS, never a copy (issue 14).

``unixOpen`` keeps the name pointer it is given (``unixFile.zPath``) and names the ``-shm``
index and the locks after it later. Declared ``c_char_p``, a ctypes callback gets a Python copy
of the name, which is freed once the callback returns: the ``-shm`` file then took whatever the
freed memory held, and four files named like ``\\320-\\324\\276\\n\\177-shm`` appeared in the
working folder of a chaos run. Here each VFS opens WAL databases in another folder, from a
working folder that must stay empty, with the memory churned between opens.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = """
import gc, sqlite3, sys
from pathlib import Path
if sys.argv[1] == "unsynced":
    from tests.chaos.unsynced import register
    register(default=True)
else:
    from tests.chaos.faulty_disk import register
    register(sys.argv[3])
folder = Path(sys.argv[2])
connections = []
for i in range(20):
    db = sqlite3.connect(folder / f"db{i}.sqlite")
    db.execute("PRAGMA journal_mode=WAL")
    junk = [bytes(range(256)) * 4 for _ in range(2000)]  # the freed name's memory reused
    del junk
    gc.collect()
    db.execute("CREATE TABLE t (x)")
    db.execute("INSERT INTO t VALUES (1)")
    db.commit()
    connections.append(db)
shm = sorted(p.name for p in folder.glob("*-shm"))
assert shm == sorted(f"db{i}.sqlite-shm" for i in range(20)), shm
for db in connections:  # before the VFS goes with the interpreter, as the daemon does
    db.close()
"""


@pytest.mark.parametrize("vfs", ["unsynced", "faultydisk"])
def test_no_side_file_lands_in_the_working_folder(tmp_path, vfs):
    work, data = tmp_path / "work", tmp_path / "data"
    work.mkdir()
    data.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, vfs, str(data), str(tmp_path / "disk")],
        cwd=work, env={"PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert list(work.iterdir()) == []
