"""Values with a syntax of their own: quiet hours, durations and the panel's address.

Each parser takes the text as written in the file (or on the command line: ``--bind``) and
raises ``ValueError`` with the reason in plain words; ``loading`` adds the file and the key.
"""

from __future__ import annotations

import re
from datetime import time, timedelta

_QUIET = re.compile(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*")
_DURATION = re.compile(r"(\d+)\s*([wdhm])")
_DURATION_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}
_HOST_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")


def parse_quiet_hours(text: str) -> tuple[time, time]:
    """``"21:00-08:00"`` -> (21:00, 08:00); the span may wrap midnight. Raises ValueError."""
    match = _QUIET.fullmatch(text)
    if not match:
        raise ValueError(f'{text!r} is not a span of hours like "21:00-08:00"')
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise ValueError(f"{text!r} has an hour past 23 or a minute past 59")
    start, end = time(h1, m1), time(h2, m2)
    if start == end:
        raise ValueError(f"{text!r} starts and ends at the same time; remove it for no quiet hours")
    return start, end


def parse_duration(text: str) -> timedelta:
    """``"2d"``, ``"36h"``, ``"1d12h"``, ``"90m"``, ``"1w"`` -> timedelta. Raises ValueError."""
    compact = text.replace(" ", "").lower()
    pieces = _DURATION.findall(compact)
    if not compact or "".join(n + u for n, u in pieces) != compact:
        raise ValueError(f'{text!r} is not a duration like "2d", "36h", "1d12h" or "90m"')
    units = [unit for _, unit in pieces]
    if len(set(units)) != len(units):
        raise ValueError(f"{text!r} gives the same unit twice")
    return timedelta(**{_DURATION_UNITS[unit]: int(n) for n, unit in pieces})


def parse_bind(text: str) -> tuple[str, int]:
    """``"127.0.0.1:8080"``, ``"[::1]:8080"``, ``"pi.local:80"`` -> (host, port); ValueError."""
    host, colon, port_text = text.rpartition(":")
    if not colon or not host or not port_text.isdigit():
        raise ValueError(f'{text!r} is not HOST:PORT, e.g. "127.0.0.1:8080" or "0.0.0.0:80"')
    port = int(port_text)
    if not 0 <= port <= 65535:  # 0: any free port (tests, a second instance)
        raise ValueError(f"port {port} is outside 0-65535")
    if host.startswith("[") and host.endswith("]"):
        import ipaddress  # only here: [::1]:8080

        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise ValueError(f"{host} is not an IPv6 address") from None
        return host[1:-1], port
    if ":" in host:
        raise ValueError(f"put an IPv6 address in brackets: [{host}]:{port}")
    if not _HOST_NAME.fullmatch(host):
        raise ValueError(f"{host!r} is not an IP address or a host name")
    return host, port
