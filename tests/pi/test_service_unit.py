"""The systemd unit: accepted by systemd-analyze, hardened, and still able to open serial ports."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from appliance.install import CONFIG, DRIVERS, InstallError, data_text, render_unit

UNIT_TEXT = data_text("smsrelay.service")


def settings(text: str) -> dict[str, list[str]]:
    """Key -> values in order (a unit may repeat a key, e.g. DeviceAllow=)."""
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            found.setdefault(key, []).append(value)
    return found


@pytest.fixture
def systemd_analyze() -> str:
    path = shutil.which("systemd-analyze")
    if not path:
        pytest.skip("systemd-analyze is not installed (apt-get install systemd)")
    return path


@pytest.fixture
def program(tmp_path) -> Path:
    """A stand-in smsrelay executable: verify fails on an ExecStart= that does not exist."""
    path = tmp_path / "bin" / "smsrelay"
    path.parent.mkdir()
    path.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    path.chmod(0o755)
    return path


def analyze(systemd_analyze: str, unit_text: str, folder: Path, *args: str):
    unit = folder / "smsrelay.service"
    unit.write_text(unit_text, encoding="utf-8")
    return subprocess.run(
        [systemd_analyze, *args, str(unit)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=folder,
    )


def test_systemd_analyze_verify_is_silent(systemd_analyze, program, tmp_path):
    result = analyze(
        systemd_analyze, render_unit(UNIT_TEXT, program), tmp_path, "verify", "--man=no"
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == "" and result.stdout == ""


def test_a_misspelt_key_would_be_caught(systemd_analyze, program, tmp_path):
    # Unknown keys only warn (exit 0): the silence asserted above is what guards against them.
    text = render_unit(UNIT_TEXT, program).replace("ProtectClock=", "ProtectClok=")
    result = analyze(systemd_analyze, text, tmp_path, "verify", "--man=no")
    assert "Unknown key 'ProtectClok'" in result.stderr


def test_exposure_stays_low(systemd_analyze, program, tmp_path):
    # systemd's own score, 0 (locked down) to 10: the unit stays at "OK" or better.
    result = analyze(
        systemd_analyze,
        render_unit(UNIT_TEXT, program),
        tmp_path,
        "security",
        "--offline=true",
        "--no-pager",
        "--threshold=20",
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr


def test_hardening_still_lets_the_daemon_open_modems():
    unit = settings(UNIT_TEXT)
    assert "PrivateDevices" not in unit, "it would hide /dev/ttyUSB* and /dev/ttyACM*"
    assert unit["DevicePolicy"] == ["closed"]
    assert sorted(unit["DeviceAllow"]) == ["char-ttyACM rw", "char-ttyUSB rw"]
    assert unit["User"] == ["smsrelay"] and unit["SupplementaryGroups"] == ["dialout"]
    assert "AF_NETLINK" in unit["RestrictAddressFamilies"][0].split()  # udev hot-plug events
    assert "AF_UNIX" in unit["RestrictAddressFamilies"][0].split()  # the wake-up socket
    assert unit["ProtectSystem"] == ["strict"] and unit["StateDirectory"] == ["smsrelay"]
    assert unit["NoNewPrivileges"] == ["yes"] and unit["PrivateTmp"] == ["yes"]
    assert unit["CapabilityBoundingSet"] == [""]
    assert unit["Restart"] == ["on-failure"] and unit["WantedBy"] == ["multi-user.target"]
    assert unit["ExecStart"][0].endswith(f" serve --config {CONFIG.target}")
    # The device classes DeviceAllow= names exist only once their drivers are loaded: the unit
    # starts after systemd-modules-load, which loads them from modules-load.d/smsrelay.conf.
    assert "systemd-modules-load.service" in unit["After"][0].split()
    listed = [
        line
        for line in data_text("smsrelay-modules.conf").splitlines()
        if line and not line.startswith("#")
    ]
    assert tuple(listed) == DRIVERS and {"usbserial", "cdc_acm"} <= set(listed)


def test_the_state_directory_is_shared_with_the_group():
    # `smsrelay send` run by a member of group smsrelay writes the SQLite database and rings the
    # daemon's socket in /var/lib/smsrelay.
    unit = settings(UNIT_TEXT)
    assert unit["StateDirectoryMode"] == ["0770"] and unit["UMask"] == ["0007"]
    config = data_text("smsrelay.toml")
    assert 'database = "sqlite:////var/lib/smsrelay/smsrelay.db"' in config


def test_exec_start_points_at_the_program_installed():
    text = render_unit(UNIT_TEXT, Path("/opt/smsrelay/bin/smsrelay"))
    assert settings(text)["ExecStart"] == [
        f"/opt/smsrelay/bin/smsrelay serve --config {CONFIG.target}"
    ]
    assert settings(text)["ProtectHome"] == ["yes"]


def test_an_installation_in_a_home_folder_stays_visible_to_the_service():
    text = render_unit(UNIT_TEXT, Path("/home/pi/smsrelay/.venv/bin/smsrelay"))
    assert settings(text)["ProtectHome"] == ["read-only"]


@pytest.mark.parametrize("path", ["smsrelay", "/opt/my tools/smsrelay"])
def test_exec_start_refuses_a_path_systemd_would_misread(path):
    with pytest.raises(InstallError, match="absolute path without spaces"):
        render_unit(UNIT_TEXT, Path(path))
