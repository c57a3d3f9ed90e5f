"""Debugging commands: ``simulate`` (simulated modems on pseudo-terminals, for trying smsrelay
without hardware) and ``at`` (one AT command to a port, answer printed)."""

from __future__ import annotations

import signal
import sys
import tempfile
import threading
from pathlib import Path

import click

from modem.device import Modem, Timeouts
from modem.errors import CommandTimeout, ModemError, PortBusy, PortGone

from .common import EXIT_FAILED, EXIT_OK, EXIT_TIMEOUT, fail


@click.command()
@click.option(
    "--modems",
    "count",
    default=1,
    show_default=True,
    type=click.IntRange(1, 32),
    help="How many simulated modems.",
)
@click.option(
    "--profile",
    default="generic",
    show_default=True,
    help="Which device to imitate: generic or a real one (README: Compatibility).",
)
@click.option(
    "--send-delay",
    type=click.FloatRange(0, 600),
    default=None,
    help="Seconds the network takes to accept each part (default: the profile's).",
)
@click.option(
    "--fail-rate",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Share of parts answered with +CMS ERROR.",
)
@click.option(
    "--time-scale",
    type=click.FloatRange(min=0.0001),
    default=1.0,
    show_default=True,
    help="Real seconds per simulated second (0.01 makes a 5 s send take 50 ms).",
)
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to put the ports' symlinks (default: a new temp dir).",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Seed for identities and faults, so runs repeat.",
)
def simulate(
    count: int,
    profile: str,
    send_delay: float | None,
    fail_rate: float,
    time_scale: float,
    directory: Path | None,
    seed: int,
) -> None:
    """Start simulated modems on pseudo-terminals and print their ports.

    Each one answers AT commands like the chosen device, on a real pty: any serial program
    (smsrelay, minicom, picocom) can talk to it. Stop with Ctrl-C.

    \b
    Example:
      smsrelay simulate --modems 2 --profile huawei-e173 --send-delay 0.5
      smsrelay at /tmp/smsrelay-sim-XXXX/ttySIM0 AT+CSQ
    """
    from modem.sim import PROFILES, start_fleet

    if profile not in PROFILES:
        raise click.BadParameter(
            f"unknown profile {profile!r}; choose one of {', '.join(sorted(PROFILES))}",
            param_hint="--profile",
        )
    directory = directory or Path(tempfile.mkdtemp(prefix="smsrelay-sim-"))
    directory.mkdir(parents=True, exist_ok=True)
    faults: dict[str, float] = {"fail_rate": fail_rate}
    if send_delay is not None:
        faults["send_delay"] = send_delay
    servers = start_fleet(
        count, profile=profile, directory=directory, time_scale=time_scale, seed=seed, **faults
    )
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        for server in servers:
            imei = server.call(lambda m, now: m.imei)
            click.echo(f"{server.link}\t{server.port}\t{profile}\tIMEI {imei}")
        sys.stdout.flush()
        stop.wait()
    finally:
        for server in servers:
            server.stop()


@click.command("at")
@click.argument("port")
@click.argument("command")
@click.option(
    "--timeout",
    type=click.FloatRange(0.1, 300),
    default=10.0,
    show_default=True,
    help="Seconds to wait for the final result.",
)
def at_command(port: str, command: str, timeout: float) -> None:
    """Send one AT command to PORT and print the answer (for debugging).

    Refuses a port that another program (the smsrelay daemon, ModemManager) holds open.

    \b
    Example:
      smsrelay at /dev/ttyUSB2 AT+CSQ
      smsrelay at /dev/gsm/huawei-0123-at 'AT+COPS?'
    """
    try:
        with Modem(port, timeouts=Timeouts(command=timeout)) as modem:
            response = modem.at(command, timeout=timeout)
    except PortBusy as exc:
        raise click.ClickException(f"{exc}") from exc
    except PortGone as exc:
        raise click.ClickException(f"cannot open {port}: {exc}") from exc
    except CommandTimeout as exc:
        fail(str(exc), EXIT_TIMEOUT)
    except ModemError as exc:
        fail(str(exc), EXIT_FAILED)
    for line in response.lines:
        click.echo(line)
    final = response.final
    click.echo(final.text or final.kind)
    sys.exit(EXIT_OK if final.kind == "OK" else EXIT_FAILED)
