"""A running daemon on the simulator reads each SIM's own number (AT+CNUM) at bring-up: the
status shows it where the SIM stores one, and nothing where it does not."""

from __future__ import annotations

from appliance import views
from appliance.clock import SystemClock
from appliance.daemon import Daemon, Simulation
from tests.appliance.conftest import FAST_TUNING
from tests.conftest import TIME_SCALE
from tests.waiting import wait_until


def test_the_status_shows_the_number_the_sim_stores(config, store) -> None:
    daemon = Daemon(
        config,
        clock=SystemClock(),
        simulation=Simulation(modems=2, time_scale=TIME_SCALE, msisdns=("+33612345678", None)),
        tuning=FAST_TUNING,
    ).start()
    try:

        def both_up() -> list | None:
            rows = views.status(config, store, SystemClock().now())["modems"]
            return rows if sum(r["state"] == "ready" for r in rows) == 2 else None

        wait_until(both_up, 20, "both simulated modems ready")
        numbers = sorted((r["sim_number"] or "", r["sim_number_from"] or "") for r in both_up())
        assert numbers == [("", ""), ("+33612345678", "sim")]
    finally:
        daemon.stop()
