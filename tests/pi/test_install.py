"""``smsrelay install``: files in place under a root, commands in order, and a clean undo."""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from appliance import install as installer
from appliance.cli import main
from appliance.config import load_config
from appliance.install import (
    CONFIG,
    MANIFEST,
    MODULES,
    PLACEMENTS,
    RULES,
    SERVICE,
    InstallError,
    Target,
    data_text,
)

VENV_SMSRELAY = Path(sys.executable).with_name("smsrelay")


def cli(*args: str):
    return CliRunner().invoke(main, ["install", *args], catch_exceptions=False)


def tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


class Recorder:
    """Stands in for the command runner: records, and fails the commands it is told to."""

    def __init__(self, failing: tuple[str, ...] = ()) -> None:
        self.commands: list[list[str]] = []
        self.failing = failing

    def __call__(self, command) -> int:
        self.commands.append(list(command))
        return 1 if command[0] in self.failing else 0


def test_install_under_a_root_then_uninstall_leaves_nothing(tmp_path):
    root = tmp_path / "image"
    root.mkdir()
    result = cli("--root", str(root))
    assert result.exit_code == 0, result.output
    assert tree(root) == [
        "etc",
        "etc/modules-load.d",
        "etc/modules-load.d/smsrelay.conf",
        "etc/smsrelay",
        "etc/smsrelay/installed.json",
        "etc/smsrelay/smsrelay.toml",
        "etc/systemd",
        "etc/systemd/system",
        "etc/systemd/system/smsrelay.service",
        "etc/udev",
        "etc/udev/rules.d",
        "etc/udev/rules.d/76-smsrelay.rules",
    ]
    assert "+ " not in result.output, "no system command with --root"
    result = cli("--root", str(root), "--uninstall")
    assert result.exit_code == 0, result.output
    assert tree(root) == []


def test_installed_files_have_their_content_and_modes(tmp_path):
    assert cli("--root", str(tmp_path)).exit_code == 0
    for placement in PLACEMENTS:
        path = tmp_path / placement.target.lstrip("/")
        assert stat.S_IMODE(path.stat().st_mode) == placement.mode, placement
    assert stat.S_IMODE((tmp_path / CONFIG.target.lstrip("/")).stat().st_mode) == 0o640
    rules = tmp_path / RULES.target.lstrip("/")
    assert rules.read_text(encoding="utf-8") == data_text("76-smsrelay.rules")
    modules = tmp_path / MODULES.target.lstrip("/")
    assert modules.read_text(encoding="utf-8") == data_text("smsrelay-modules.conf")
    unit = (tmp_path / SERVICE.target.lstrip("/")).read_text(encoding="utf-8")
    assert f"ExecStart={VENV_SMSRELAY} serve --config /etc/smsrelay/smsrelay.toml" in unit
    config = load_config(tmp_path / CONFIG.target.lstrip("/"), environ={})
    assert config.database == "sqlite:////var/lib/smsrelay/smsrelay.db"
    assert config.data_dir == Path("/var/lib/smsrelay") and config.auto_discovery
    manifest = json.loads((tmp_path / MANIFEST.lstrip("/")).read_text(encoding="utf-8"))
    assert set(manifest["files"]) == {p.target for p in PLACEMENTS}


def test_the_installed_unit_passes_systemd_analyze(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        pytest.skip("systemd-analyze is not installed")
    assert VENV_SMSRELAY.is_file()
    assert cli("--root", str(tmp_path)).exit_code == 0
    unit = tmp_path / SERVICE.target.lstrip("/")
    result = subprocess.run(
        [analyze, "verify", "--man=no", str(unit)], capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stderr) == (0, "")


def test_reinstall_keeps_an_edited_config_and_updates_the_rest(tmp_path):
    assert cli("--root", str(tmp_path)).exit_code == 0
    config = tmp_path / CONFIG.target.lstrip("/")
    config.write_text('[web]\nbind = "0.0.0.0:8080"\n', encoding="utf-8")
    rules = tmp_path / RULES.target.lstrip("/")
    rules.write_text("# stale\n", encoding="utf-8")
    result = cli("--root", str(tmp_path))
    assert result.exit_code == 0
    assert f"kept {CONFIG.target}" in result.output
    assert f"updated {RULES.target}" in result.output
    assert f"unchanged {SERVICE.target}" in result.output
    assert config.read_text(encoding="utf-8") == '[web]\nbind = "0.0.0.0:8080"\n'
    assert rules.read_text(encoding="utf-8") == data_text("76-smsrelay.rules")


def test_uninstall_keeps_an_edited_config_unless_purge(tmp_path):
    assert cli("--root", str(tmp_path)).exit_code == 0
    config = tmp_path / CONFIG.target.lstrip("/")
    config.write_text(config.read_text(encoding="utf-8") + '\n[[modem]]\nport = "/dev/x"\n')
    result = cli("--root", str(tmp_path), "--uninstall")
    assert result.exit_code == 0
    assert "it was edited" in result.output
    assert tree(tmp_path) == ["etc", "etc/smsrelay", "etc/smsrelay/smsrelay.toml"]
    assert cli("--root", str(tmp_path), "--uninstall").output.startswith("nothing to undo")
    # Installing again adopts nothing: the kept config is the user's now, even for --purge.
    assert cli("--root", str(tmp_path)).exit_code == 0
    assert cli("--root", str(tmp_path), "--uninstall", "--purge").exit_code == 0
    assert config.exists()


def test_purge_removes_the_edited_config_it_installed(tmp_path):
    assert cli("--root", str(tmp_path)).exit_code == 0
    config = tmp_path / CONFIG.target.lstrip("/")
    config.write_text('[web]\nbind = "0.0.0.0:80"\n', encoding="utf-8")
    result = cli("--root", str(tmp_path), "--uninstall", "--purge")
    assert (
        result.exit_code == 0 and f"removed {CONFIG.target} (it had been edited)" in result.output
    )
    assert tree(tmp_path) == []


def test_what_was_there_before_stays(tmp_path):
    units = tmp_path / "etc" / "systemd" / "system"
    units.mkdir(parents=True)
    (units / "other.service").write_text("[Service]\nExecStart=/bin/true\n", encoding="utf-8")
    own_config = tmp_path / "etc" / "smsrelay" / "smsrelay.toml"
    own_config.parent.mkdir()
    own_config.write_text("# mine\n", encoding="utf-8")
    before = tree(tmp_path)
    assert cli("--root", str(tmp_path)).exit_code == 0
    assert own_config.read_text(encoding="utf-8") == "# mine\n"
    assert cli("--root", str(tmp_path), "--uninstall", "--purge").exit_code == 0
    assert tree(tmp_path) == before


def test_purge_needs_uninstall(tmp_path):
    result = CliRunner().invoke(main, ["install", "--root", str(tmp_path), "--purge"])
    assert result.exit_code == 2 and "--purge goes with --uninstall" in result.output


def test_the_system_install_refuses_to_run_without_root(monkeypatch):
    monkeypatch.setattr("os.geteuid", lambda: 1000)
    result = CliRunner().invoke(main, ["install"])
    assert result.exit_code == 1 and "run it as root" in result.output


# --- the system commands, recorded instead of run --------------------------------------------


def test_system_install_creates_the_user_then_makes_everything_live(tmp_path, monkeypatch):
    monkeypatch.setattr(installer, "_user_exists", lambda name: False)
    monkeypatch.setattr(installer, "_in_group", lambda user, group: False)
    run, said = Recorder(), []
    target = Target(root=tmp_path, system=True)
    installer.install(target, executable=VENV_SMSRELAY, run=run, say=said.append, sudo_user="pi")
    assert run.commands == [
        [
            "useradd",
            "--system",
            "--user-group",
            "--groups",
            "dialout",
            "--home-dir",
            "/var/lib/smsrelay",
            "--no-create-home",
            "--shell",
            "/usr/sbin/nologin",
            "smsrelay",
        ],
        ["usermod", "--append", "--groups", "smsrelay", "pi"],
        ["systemctl", "daemon-reload"],
        ["modprobe", "--all", "usbserial", "option", "cdc_acm"],
        ["udevadm", "control", "--reload"],
        ["udevadm", "trigger", "--action=change", "--subsystem-match=tty", "--subsystem-match=usb"],
        ["systemctl", "enable", "smsrelay.service"],
        ["systemctl", "restart", "smsrelay.service"],
    ]
    assert any("pi joined group smsrelay" in line for line in said)
    manifest = json.loads((tmp_path / MANIFEST.lstrip("/")).read_text(encoding="utf-8"))
    assert manifest["user_created"] is True


def test_system_uninstall_stops_the_service_first_and_removes_the_user_only_on_purge(
    tmp_path, monkeypatch
):
    target = Target(root=tmp_path, system=True)
    installer.install(target, executable=VENV_SMSRELAY, run=Recorder(), say=lambda _: None)
    monkeypatch.setattr(installer, "_user_exists", lambda name: True)
    run, said = Recorder(), []
    installer.uninstall(target, purge=True, run=run, say=said.append)
    assert run.commands == [
        ["systemctl", "disable", "--now", "smsrelay.service"],
        ["systemctl", "daemon-reload"],
        ["udevadm", "control", "--reload"],
        ["userdel", "smsrelay"],
    ]
    assert tree(tmp_path) == []
    assert any("kept /var/lib/smsrelay" in line for line in said), "the history is never removed"


def test_a_failed_command_stops_the_install_with_its_name(tmp_path):
    target = Target(root=tmp_path, system=True)
    with pytest.raises(InstallError, match=r"`useradd .*` failed"):
        installer.install(
            target, executable=VENV_SMSRELAY, run=Recorder(("useradd",)), say=lambda _: None
        )
