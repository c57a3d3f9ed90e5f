"""``smsrelay serve``: run the daemon (``appliance.daemon``) in the foreground until a signal."""

from __future__ import annotations

from pathlib import Path

import click

from .common import EXIT_FAILED, config_option, fail, load


@click.command()
@config_option
@click.option(
    "--simulate",
    type=click.IntRange(0, 32),
    default=0,
    show_default=True,
    help="Drive N simulated modems instead of real ones (no hardware needed).",
)
@click.option(
    "--profile",
    default="generic",
    show_default=True,
    help="With --simulate: which device the simulated modems imitate (README: Compatibility).",
)
@click.option(
    "--time-scale",
    type=click.FloatRange(min=0.0001),
    default=1.0,
    help="With --simulate: real seconds per simulated second.",
)
@click.option("--bind", default=None, help="HOST:PORT for the panel (default from the config).")
def serve(
    config_path: Path | None, simulate: int, profile: str, time_scale: float, bind: str | None
) -> None:
    """Run the daemon: drive the modems, move the queue, serve the panel.

    \b
    Example:
      smsrelay serve --simulate 2
      smsrelay serve --config /etc/smsrelay/smsrelay.toml --bind 0.0.0.0:8080
    """
    import logging

    from appliance.daemon import Daemon, Simulation, StartError, installed_frontends
    from appliance.memory import limit_malloc_arenas

    limit_malloc_arenas()  # before any thread starts (appliance.memory says why)

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # the scheduler logs every job run at INFO: twice a minute per job, noise in the journal
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    if simulate:
        from modem.sim import PROFILES

        if profile not in PROFILES:
            raise click.BadParameter(
                f"unknown profile {profile!r}; choose one of {', '.join(sorted(PROFILES))}",
                param_hint="--profile",
            )
    config = load(config_path)
    if bind:
        try:
            config = config.with_bind(bind)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--bind") from None
    from appliance.store.engine import MissingDriver

    try:
        daemon = Daemon(
            config,
            simulation=Simulation(modems=simulate, profile=profile, time_scale=time_scale),
            frontends=installed_frontends(),
            isolate_migration=True,
        )
    except MissingDriver as exc:
        fail(str(exc), EXIT_FAILED)
    try:
        daemon.stop_on_signals().start()
    except StartError as exc:
        fail(str(exc), EXIT_FAILED)
    click.echo(f"smsrelay serving: node {config.node}, database {config.database}", err=True)
    for frontend in daemon.frontends:
        if hasattr(frontend, "url"):
            click.echo(f"panel on {frontend.url}", err=True)
    for server in daemon.simulators:
        click.echo(f"simulated modem on {server.link}", err=True)
    daemon.run_forever()
