"""Hot-plug end to end: udev events from umockdev, the daemon's discovery and pool, a real pty.

The scenario (``hotplug_scenario.py``) runs in its own process under ``umockdev-wrapper``: the
preload library that fakes /sys and the udev monitor must be there from the process's start.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def scenario(gi_path, tmp_path_factory) -> dict:
    wrapper = shutil.which("umockdev-wrapper")
    if not wrapper:
        pytest.skip("umockdev is not installed (apt-get install umockdev gir1.2-umockdev-1.0)")
    if not any(Path("/usr/lib").glob("*/girepository-1.0/UMockdev-1.0.typelib")):
        pytest.skip("umockdev's introspection data is missing (gir1.2-umockdev-1.0)")
    workdir = tmp_path_factory.mktemp("hotplug")
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(gi_path), str(REPOSITORY)]),
        "PYTHONWARNINGS": "error,ignore::ImportWarning",  # gi imports the old way
    }
    result = subprocess.run(
        [wrapper, sys.executable, "-m", "tests.pi.hotplug_scenario", str(workdir)],
        cwd=REPOSITORY,
        env=environment,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


LINK = "/dev/gsm/zte-P673C3TBPD010000-at"


def test_nothing_is_found_before_the_plug(scenario):
    assert scenario["ports_before"] == []


def test_the_plugged_stick_is_tagged_and_only_its_at_port_is_driven(scenario):
    assert scenario["link"] == LINK
    assert scenario["tags"] == {"ttyUSB0": "ignore", "ttyUSB1": "ignore", "ttyUSB2": "at"}
    assert scenario["ports_plugged"] == [LINK]
    assert len(scenario["imei"]) == 15
    assert scenario["ready_after_plug_s"] < 10


def test_the_unplugged_modem_leaves_the_pool(scenario):
    assert scenario["dropped_after_unplug_s"] < 10


def test_a_replugged_modem_under_new_names_is_the_same_modem_and_sends(scenario):
    assert scenario["tags_after_replug"] == {
        "ttyUSB3": "ignore",
        "ttyUSB4": "ignore",
        "ttyUSB5": "at",
    }
    assert scenario["imei_after_replug"] == scenario["imei"]
    assert scenario["modem_rows"] == [scenario["imei"]], "one modem, whatever its tty names"
    assert scenario["message_status"] == "sent" and scenario["air"] == 1
