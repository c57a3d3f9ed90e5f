"""The architecture is a checked contract: lint-imports keeps it, and fails on a forbidden import.

``make test`` runs ``lint-imports`` on the tree (``.importlinter``). This test shows the check
has teeth: on a copy of the packages with one forbidden import added (the panel importing
pyserial or the worker, a webhook module importing sqlmodel), the same contracts are broken
and the output names the contract.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("modem", "appliance", "web")
BROKEN = re.compile(r" BROKEN( \(\d+ ignored imports?\))?$")


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports on ``tree``'s packages, not the installed ones."""
    code = (
        "import sys; sys.path.insert(0, sys.argv.pop(1)); "
        "from importlinter.cli import lint_imports_command; lint_imports_command()"
    )
    environment = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            str(tree),
            "--config",
            str(ROOT / ".importlinter"),
            "--no-cache",
        ],
        cwd=tree,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def tree(tmp_path) -> Path:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "static", "templates", "*.mako"),
        )
    return tmp_path


def test_the_tree_keeps_every_contract(tree):
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("web/app.py", "import serial", "Only modem.transport imports serial"),
        ("web/app.py", "import appliance.worker", "Web drives no modem"),
        ("modem/pdu/gsm7.py", "import sqlalchemy", "The sans-IO core"),
        ("modem/errors.py", "import appliance.config", "Layers: web -> appliance -> modem"),
        ("appliance/webhooks/admin.py", "import sqlmodel", "Only appliance.store runs SQL"),
    ],
)
def test_a_forbidden_import_breaks_its_contract(tree, module, line, contract):
    path = tree / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # forbidden\n", "utf-8")
    result = lint_imports(tree)
    assert result.returncode != 0
    # "<name> BROKEN", or "<name> BROKEN (3 ignored imports)" for a contract with exceptions
    broken = [row for row in result.stdout.splitlines() if BROKEN.search(row)]
    assert any(row.startswith(contract) for row in broken), result.stdout
