"""``smsrelay install``: install smsrelay as a service (``appliance.install`` does the work)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import EXIT_FAILED, fail


@click.command("install")
@click.option(
    "--root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Only write the files under this directory (no system command, no user).",
)
@click.option("--uninstall", is_flag=True, help="Remove what a previous install put in place.")
@click.option(
    "--purge", is_flag=True, help="With --uninstall: also the edited config and the user."
)
def install_command(root: Path | None, uninstall: bool, purge: bool) -> None:
    """Install smsrelay as a service: config, systemd unit, udev rules, user.

    Never overwrites /etc/smsrelay/smsrelay.toml. Without --root it must run as root, and it
    prints each system command (useradd, systemctl, udevadm, modprobe) before running it.

    \b
    Example:
      sudo /opt/smsrelay/bin/smsrelay install
      sudo smsrelay install --uninstall
      smsrelay install --root /tmp/image
    """
    import os
    import shutil
    import subprocess

    from appliance.install import InstallError, Target
    from appliance.install import install as install_files
    from appliance.install import uninstall as uninstall_files

    if purge and not uninstall:
        raise click.UsageError("--purge goes with --uninstall")
    system = root is None
    if system and os.geteuid() != 0:
        fail("run it as root: sudo smsrelay install (or give --root DIR)", EXIT_FAILED)

    def run(command) -> int:
        click.echo("+ " + " ".join(command))
        return subprocess.run(list(command), check=False).returncode

    target = Target(root=root or Path("/"), system=system)
    try:
        if uninstall:
            uninstall_files(target, purge=purge, run=run, say=click.echo)
            return
        beside = Path(sys.executable).with_name("smsrelay")
        found = shutil.which("smsrelay")
        executable = beside if beside.is_file() else Path(found) if found else None
        if executable is None:
            raise InstallError("cannot find the smsrelay program next to this Python")
        install_files(
            target,
            executable=executable,
            run=run,
            say=click.echo,
            sudo_user=os.environ.get("SUDO_USER"),
        )
    except (InstallError, OSError) as exc:
        fail(str(exc), EXIT_FAILED)
