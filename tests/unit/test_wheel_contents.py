"""What a plain `pip install .` ships: every template, stylesheet, script, migration and data file.

An editable install reads the work tree, so a file missing from package_data would only show on a
Raspberry Pi installed from a wheel: the panel without its templates. Build the wheel and look.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_FOLDERS = ["web/templates", "web/static", "appliance/data", "appliance/migrations"]


def test_the_wheel_holds_every_non_python_file(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("smsrelay-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        path.relative_to(ROOT).as_posix()
        for folder in SHIPPED_FOLDERS
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and not path.is_symlink()
    }
    assert expected, "nothing to check"
    assert expected - names == set()
