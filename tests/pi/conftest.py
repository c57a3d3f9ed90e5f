"""Fixtures for the Raspberry Pi deployment tests: system tools found or fetched once per session.

Recipes from shared/TESTING.md: Debian 12's udevadm (252) has no ``verify``, so the 254 one from
bookworm-backports is unpacked (never installed) into a cache folder through Debian's mirror;
umockdev's Python bindings (``gi``) come from Debian's python3-gi through a folder holding only a
``gi`` symlink, put on the PYTHONPATH of the subprocess that runs under ``umockdev-wrapper``.
A missing tool skips its tests here; in CI a skip fails (tests/conftest.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SYSTEM_GI = Path("/usr/lib/python3/dist-packages/gi")
KEYRING = Path("/usr/share/keyrings/debian-archive-keyring.gpg")
BACKPORTS = "deb [signed-by={keyring}] http://deb.debian.org/debian bookworm-backports main\n"


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "smsrelay-tests"


def _fetch_udevadm_254(into: Path, work: Path) -> None:
    """apt-get with a private source list, list and cache dirs, then ``dpkg-deb -x``."""
    for folder in ("lists/partial", "cache/archives/partial", "debs"):
        (work / folder).mkdir(parents=True, exist_ok=True)
    sources = work / "sources.list"
    sources.write_text(BACKPORTS.format(keyring=KEYRING), encoding="utf-8")
    options = [
        "-qq",
        "-o",
        f"Dir::Etc::SourceList={sources}",
        "-o",
        "Dir::Etc::SourceParts=/dev/null",
        "-o",
        f"Dir::State::Lists={work / 'lists'}",
        "-o",
        f"Dir::Cache={work / 'cache'}",
        "-o",
        "APT::Sandbox::User=root",
    ]
    run = {"check": True, "capture_output": True, "timeout": 120}
    subprocess.run(["apt-get", *options, "update"], **run)
    subprocess.run(
        [
            "apt-get",
            *options,
            "download",
            "udev/bookworm-backports",
            "libsystemd-shared/bookworm-backports",
        ],
        cwd=work / "debs",
        **run,
    )
    staging = work / "tree"
    for deb in sorted((work / "debs").glob("*.deb")):
        subprocess.run(["dpkg-deb", "-x", str(deb), str(staging)], **run)
    into.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(staging), str(into))


@pytest.fixture(scope="session")
def udevadm_verify(tmp_path_factory) -> list[str]:
    """The command prefix of a udevadm that has ``verify`` (systemd ≥ 253)."""
    own = shutil.which("udevadm")
    if own:
        help_text = subprocess.run([own, "--help"], capture_output=True, text=True).stdout
        if " verify " in help_text:
            return [own]
    tree = _cache_dir() / "udevadm-254"
    binary = tree / "bin" / "udevadm"
    if not binary.exists():
        if not (shutil.which("apt-get") and shutil.which("dpkg-deb") and KEYRING.exists()):
            pytest.skip("no udevadm with `verify`, and no apt-get to fetch one")
        try:
            _fetch_udevadm_254(tree, tmp_path_factory.mktemp("udevadm-254"))
        except (subprocess.SubprocessError, OSError) as exc:
            detail = getattr(exc, "stderr", b"") or b""
            pytest.skip(
                f"cannot fetch udevadm 254 from bookworm-backports: {exc} {detail[-300:]!r}"
            )
    libraries = sorted(tree.glob("usr/lib/*/systemd"))
    return ["env", f"LD_LIBRARY_PATH={':'.join(map(str, libraries))}", str(binary)]


@pytest.fixture(scope="session")
def gi_path(tmp_path_factory) -> Path:
    """A folder holding only a ``gi`` symlink to Debian's python3-gi (for umockdev)."""
    if not SYSTEM_GI.is_dir():
        pytest.skip("python3-gi is not installed (apt-get install python3-gi)")
    folder = tmp_path_factory.mktemp("gi")
    (folder / "gi").symlink_to(SYSTEM_GI)
    return folder
