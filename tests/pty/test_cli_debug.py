"""`smsrelay simulate` and `smsrelay at` as a user runs them: real processes, real ptys."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

SMSRELAY = [sys.executable, "-m", "appliance"]


@pytest.fixture
def simulate(tmp_path):
    """`smsrelay simulate --modems 2`; yields the printed port links."""
    with subprocess.Popen(
        [
            *SMSRELAY,
            "simulate",
            "--modems",
            "2",
            "--profile",
            "huawei-e173",
            "--dir",
            str(tmp_path),
            "--time-scale",
            "0.01",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            lines = [proc.stdout.readline() for _ in range(2)]
            assert all(lines), proc.stderr.read()
            yield [line.split("\t")[0] for line in lines], proc
        finally:
            proc.send_signal(signal.SIGINT)
            proc.communicate(timeout=10)


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*SMSRELAY, *args], capture_output=True, text=True, timeout=30)


def test_simulate_prints_ports_and_at_talks_to_them(simulate, tmp_path):
    links, _ = simulate
    assert [Path(link).name for link in links] == ["ttySIM0", "ttySIM1"]
    assert all(os.path.realpath(link).startswith("/dev/pts/") for link in links)
    result = run("at", links[0], "AT+CSQ")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("+CSQ: ")
    assert result.stdout.splitlines()[-1] == "OK"
    result = run("at", links[1], "AT+CGMI")
    assert result.returncode == 0 and "huawei" in result.stdout.lower()


def test_at_reports_errors(simulate):
    links, _ = simulate
    result = run("at", links[0], "AT+NOSUCHTHING")
    assert result.returncode == 1
    assert result.stdout.strip().splitlines()[-1] in ("ERROR", "+CME ERROR: 4")


def test_at_on_a_missing_port():
    result = run("at", "/dev/does-not-exist", "AT")
    assert result.returncode == 1
    assert "/dev/does-not-exist" in result.stderr


def test_simulate_rejects_unknown_profile():
    result = run("simulate", "--profile", "nokia-3310")
    assert result.returncode == 2
    assert "nokia-3310" in result.stderr
