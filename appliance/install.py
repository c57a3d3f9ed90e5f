"""``smsrelay install``: make this machine run smsrelay as a service, and undo it.

The files come from the package itself (``appliance/data``, their one source; ``udev/`` and
``packaging/`` in the repository link to them), so what is installed always matches the code:

- ``/etc/smsrelay/smsrelay.toml``: a default config, never overwritten (mode 0640);
- ``/etc/systemd/system/smsrelay.service``: the unit, its ExecStart= set to this smsrelay;
- ``/etc/udev/rules.d/76-smsrelay.rules``: AT ports tagged, /dev/gsm links, ModemManager off;
- ``/etc/modules-load.d/smsrelay.conf``: the USB serial drivers, loaded at boot.

A manifest, ``/etc/smsrelay/installed.json``, records what was written (each file with its
SHA-256), which directories were created and whether the user was, so that the undo removes
exactly that and nothing of the machine's own: the config is kept if it was edited since (unless
``purge``), directories go only if they were created here and are empty, the user only with
``purge``. The message database (/var/lib/smsrelay, created by systemd for the service) is never
removed: it is the history of what was sent.

With ``system=False`` (``smsrelay install --root DIR``) only files are written, under the root
given: no command is run, no user created, no ownership changed (building an SD-card image, the
tests). With ``system=True`` the commands that make it live are run too, each announced first.
"""

from __future__ import annotations

import grp
import hashlib
import json
import os
import pwd
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

USER = "smsrelay"
UNIT = "smsrelay.service"
MANIFEST = "/etc/smsrelay/installed.json"
STATE_DIR = "/var/lib/smsrelay"
DRIVERS = ("usbserial", "option", "cdc_acm")  # as in smsrelay-modules.conf

# Runs one command (announcing it) and returns its exit status.
Runner = Callable[[Sequence[str]], int]
Say = Callable[[str], None]


class InstallError(Exception):
    """Installing or uninstalling cannot go on; ``str(e)`` says why in plain words."""


@dataclass(frozen=True)
class Placement:
    """One file of ``appliance/data`` and where it goes. ``config``: the user's to edit."""

    name: str
    target: str
    mode: int
    config: bool = False


CONFIG = Placement("smsrelay.toml", "/etc/smsrelay/smsrelay.toml", 0o640, config=True)
SERVICE = Placement("smsrelay.service", f"/etc/systemd/system/{UNIT}", 0o644)
RULES = Placement("76-smsrelay.rules", "/etc/udev/rules.d/76-smsrelay.rules", 0o644)
MODULES = Placement("smsrelay-modules.conf", "/etc/modules-load.d/smsrelay.conf", 0o644)
PLACEMENTS = (CONFIG, SERVICE, RULES, MODULES)


@dataclass(frozen=True)
class Target:
    """Where to install: ``root`` (``/`` for the machine itself) and whether to run commands."""

    root: Path
    system: bool

    def path(self, absolute: str) -> Path:
        return self.root / absolute.lstrip("/")


def data_text(name: str) -> str:
    """A file shipped in ``appliance/data``."""
    return (files("appliance") / "data" / name).read_text(encoding="utf-8")


def render_unit(text: str, executable: Path) -> str:
    """The unit with ExecStart= running ``executable``.

    ProtectHome=yes would hide an installation under /home or /root from the service itself, so
    such an installation gets ProtectHome=read-only instead (docs/raspberry-pi.md installs into
    /opt/smsrelay, where the stricter setting holds).
    """
    program = str(executable)
    if not executable.is_absolute() or re.search(r"\s", program):
        raise InstallError(
            f"the smsrelay program must be at an absolute path without spaces, not {program!r}"
        )
    text, count = re.subn(
        r"^ExecStart=\S+", lambda _: f"ExecStart={program}", text, flags=re.MULTILINE
    )
    if count != 1:
        raise InstallError("the packaged unit has no single ExecStart= line")
    if program.startswith(("/home/", "/root/")):
        text = text.replace("\nProtectHome=yes\n", "\nProtectHome=read-only\n")
    return text


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_digest(path: Path) -> str | None:
    try:
        return _digest(path.read_bytes())
    except FileNotFoundError:
        return None


@dataclass
class Manifest:
    """What an installation wrote: absolute target paths, as they are on the machine."""

    files: dict[str, str]
    dirs: list[str]
    user_created: bool = False

    @classmethod
    def read(cls, target: Target) -> Manifest | None:
        try:
            raw = json.loads(target.path(MANIFEST).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise InstallError(f"cannot read {MANIFEST}: {exc}") from exc
        return cls(
            files=dict(raw.get("files", {})),
            dirs=list(raw.get("dirs", [])),
            user_created=bool(raw.get("user_created", False)),
        )

    def write(self, target: Target) -> None:
        data = {"files": self.files, "dirs": self.dirs, "user_created": self.user_created}
        _write(target.path(MANIFEST), json.dumps(data, indent=2) + "\n", 0o644)


def _write(path: Path, text: str, mode: int) -> None:
    """Write whole or not at all: a power cut mid-install leaves the old file or the new one."""
    temporary = path.with_name(f".{path.name}.new")
    temporary.write_text(text, encoding="utf-8")
    os.chmod(temporary, mode)
    os.replace(temporary, path)


def _make_parents(target: Target, absolute: str, manifest: Manifest) -> None:
    """Create the missing directories above ``absolute``, recording each one created."""
    missing = []
    parent = Path(absolute).parent
    while not target.path(str(parent)).exists():
        if parent == parent.parent:  # "/" itself is missing: the root given is not there
            raise InstallError(f"{target.root} does not exist: create it first")
        missing.append(str(parent))
        parent = parent.parent
    for directory in reversed(missing):
        target.path(directory).mkdir(mode=0o755)
        if directory not in manifest.dirs:
            manifest.dirs.append(directory)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _in_group(user: str, group: str) -> bool:
    try:
        entry = grp.getgrnam(group)
        return user in entry.gr_mem or pwd.getpwnam(user).pw_gid == entry.gr_gid
    except KeyError:
        return False


def _must(run: Runner, command: Sequence[str]) -> None:
    status = run(command)
    if status != 0:
        raise InstallError(f"`{' '.join(command)}` failed (exit status {status})")


def _set_up_user(run: Runner, say: Say, manifest: Manifest, sudo_user: str | None) -> None:
    if not _user_exists(USER):
        _must(
            run,
            [
                "useradd",
                "--system",
                "--user-group",
                "--groups",
                "dialout",
                "--home-dir",
                STATE_DIR,
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                USER,
            ],
        )
        manifest.user_created = True
    elif not _in_group(USER, "dialout"):
        _must(run, ["usermod", "--append", "--groups", "dialout", USER])
    if sudo_user and sudo_user != "root" and not _in_group(sudo_user, USER):
        # So that the volunteer who installed can run `smsrelay send` without sudo.
        _must(run, ["usermod", "--append", "--groups", USER, sudo_user])
        say(f"{sudo_user} joined group {USER}: log out and back in before using smsrelay.")


def _give_config_to_group(path: Path, say: Say) -> None:
    """root:smsrelay 0640: the daemon and the group's members read it, and it may hold PINs."""
    try:
        gid = grp.getgrnam(USER).gr_gid
    except KeyError:
        say(f"warning: no group {USER}; {path} stays readable by root only")
        return
    os.chown(path, 0, gid)


def install(
    target: Target,
    *,
    executable: Path,
    run: Runner,
    say: Say,
    sudo_user: str | None = None,
) -> None:
    """Place the files (and, for the system, make them live); safe to run again to upgrade."""
    manifest = Manifest.read(target) or Manifest(files={}, dirs=[])
    if target.system:
        _set_up_user(run, say, manifest, sudo_user)
    for placement in PLACEMENTS:
        path = target.path(placement.target)
        if placement.config and path.exists():
            say(f"kept {placement.target} (yours; never overwritten)")
            continue
        text = data_text(placement.name)
        if placement is SERVICE:
            text = render_unit(text, executable)
        digest = _digest(text.encode("utf-8"))
        current = _file_digest(path)
        manifest.files[placement.target] = digest
        if current == digest:
            say(f"unchanged {placement.target}")
            continue
        _make_parents(target, placement.target, manifest)
        _write(path, text, placement.mode)
        if placement.config and target.system:
            _give_config_to_group(path, say)
        say(f"{'updated' if current else 'wrote'} {placement.target}")
    _make_parents(target, MANIFEST, manifest)
    manifest.write(target)
    if target.system:
        _must(run, ["systemctl", "daemon-reload"])
        _must(run, ["modprobe", "--all", *DRIVERS])
        _must(run, ["udevadm", "control", "--reload"])
        _must(
            run,
            [
                "udevadm",
                "trigger",
                "--action=change",
                "--subsystem-match=tty",
                "--subsystem-match=usb",
            ],
        )
        _must(run, ["systemctl", "enable", UNIT])
        _must(run, ["systemctl", "restart", UNIT])
        say(
            f"smsrelay runs as a service. Config: {CONFIG.target}; "
            f"check with `systemctl status smsrelay` and `smsrelay status`."
        )


def uninstall(target: Target, *, purge: bool, run: Runner, say: Say) -> None:
    """Remove what ``install`` recorded; keep an edited config unless ``purge``."""
    manifest = Manifest.read(target)
    if manifest is None:
        say(f"nothing to undo: no {MANIFEST} under {target.root}")
        return
    if target.system and run(["systemctl", "disable", "--now", UNIT]) != 0:
        say(f"warning: could not stop and disable {UNIT}; removing its files anyway")
    configs = {p.target for p in PLACEMENTS if p.config}
    for absolute, recorded in manifest.files.items():
        path = target.path(absolute)
        current = _file_digest(path)
        if current is None:
            continue
        edited = current != recorded
        if absolute in configs and edited and not purge:
            say(f"kept {absolute}: it was edited (--purge removes it too)")
            continue
        path.unlink()
        say(f"removed {absolute}{' (it had been edited)' if edited else ''}")
    target.path(MANIFEST).unlink()
    for directory in sorted(manifest.dirs, key=lambda d: d.count("/"), reverse=True):
        path = target.path(directory)
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    if target.system:
        _must(run, ["systemctl", "daemon-reload"])
        _must(run, ["udevadm", "control", "--reload"])
        if purge and manifest.user_created and _user_exists(USER):
            _must(run, ["userdel", USER])
        say(f"kept {STATE_DIR}, the message history: delete it yourself if it is not needed.")
