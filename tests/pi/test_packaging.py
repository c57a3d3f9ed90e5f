"""One source for the deployment files, shipped in the package, and documented."""

from __future__ import annotations

import configparser
from importlib.resources import files
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
DATA = REPOSITORY / "appliance" / "data"
DOC = (REPOSITORY / "docs" / "raspberry-pi.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "link",
    [
        "udev/76-smsrelay.rules",
        "packaging/smsrelay.service",
        "packaging/smsrelay-modules.conf",
    ],
)
def test_repository_copies_are_links_to_the_package_data(link):
    path = REPOSITORY / link
    assert path.is_symlink(), f"{link} must link to appliance/data, the one copy"
    assert path.resolve() == (DATA / path.name).resolve()


def test_the_data_files_ship_in_the_package():
    setup = configparser.ConfigParser()
    setup.read(REPOSITORY / "setup.cfg", encoding="utf-8")
    patterns = [
        p.strip() for p in setup["options.package_data"]["appliance.data"].split(",") if p.strip()
    ]
    shipped = {path for pattern in patterns for path in DATA.glob(pattern)}
    for path in DATA.iterdir():
        if path.suffix == ".py" or path.name == "__pycache__":
            continue  # the package's own module
        assert path in shipped, f"{path.name} is not in [options.package_data] appliance.data"
        assert (files("appliance") / "data" / path.name).is_file()


@pytest.mark.parametrize(
    "topic",
    [
        "### The port name changed",
        "### The stick shows up as a CD-ROM",
        "### +CMS ERROR 500",
        "### +CMS ERROR 38",
        "### ModemManager takes the port",
        "### The SIM asks for its PIN",
        "### The SIM's message storage is full",
    ],
)
def test_the_guide_covers_each_trouble(topic):
    assert topic in DOC


def test_the_guide_shows_the_install_and_hardware_commands():
    assert "sudo smsrelay install" in DOC
    assert "smsrelay send +33612345678" in DOC
    assert "pytest -m hardware --modem" in DOC and "--to" in DOC and "--pin" in DOC
