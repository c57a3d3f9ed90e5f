"""A modem that will not register by itself, through the daemon: it ends ``failed`` with the
reason in words on its card (not "searching" for ever), and is brought up again after
``retry_failed_after`` (0.5 s here), so it serves as soon as the cause is gone.

- AT+CFUN=1 refused, with +CME ERROR or a plain ERROR (``Faults.radio_refused``: a Sierra WP7702
  and a Quectel BG96 held in low-power mode), at start or when its radio is found off later;
- "+CREG: 0,0" with the radio on (``Faults.not_searching``) for ``registration_wait``.

The simulators run at the tests' time scale; the tests wait on the store, never on a sleep.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import select

from appliance.states import ModemState
from appliance.store.schema import Event
from modem.sim import get_profile
from modem.sim.quirks import Quirks
from tests.appliance.conftest import FAST_TUNING
from tests.waiting import wait_until

# The D-Link DWM-157 "always starts with +CFUN: 4" (gammu issue #395; modem.sim.quirks).
RADIO_OFF = replace(get_profile("generic"), quirks=Quirks(radio_at_start=4))
TUNING = replace(FAST_TUNING, registration_wait=1.0)


def the_row(store):
    rows = store.modems()
    return rows[0] if rows else None


def failed_with(store, words: str):
    def check():
        row = the_row(store)
        return (
            row if row and row.state == ModemState.FAILED and words in (row.reason or "") else None
        )

    return wait_until(check, 10, f"failed: {words}")


def events(store, kind: str) -> list[str]:
    with store.session() as session:
        return [e.detail for e in session.exec(select(Event).where(Event.kind == kind))]


def set_fault(simulator, **faults) -> None:
    def change(m, now):
        for name, value in faults.items():
            setattr(m.faults, name, value)

    simulator.call(change)


@pytest.mark.parametrize(("code", "answer"), [(4, "+CME ERROR"), (None, "ERROR")])
def test_a_radio_refused_at_start_fails_in_words_and_serves_once_allowed(
    daemon_factory, store, code, answer
):
    daemon = daemon_factory(
        1, profile=RADIO_OFF, tuning=TUNING, radio_refused=True, radio_refused_code=code
    )
    row = failed_with(store, "refused to switch it on (AT+CFUN=1: ")
    assert row.reason.startswith("the modem's radio is off (+CFUN: 4)")
    assert row.reason.endswith("; trying again in 0.5 s") and row.port == daemon.simulators[0].link
    assert row.manufacturer  # the card names the modem that refuses
    assert daemon.pool.available() == []
    set_fault(daemon.simulators[0], radio_refused=False)  # its W_DISABLE switch let go
    wait_until(daemon.pool.available, 10, "the modem ready once AT+CFUN=1 is taken")
    assert daemon.simulators[0].call(lambda m, now: m.cfun) == 1
    # the pool hears of the modem before its modem.up event is committed: wait for that too
    wait_until(lambda: events(store, "modem.up"), 10, "the modem.up event recorded")
    assert "its radio was off (+CFUN: 4) and was switched on" in events(store, "modem.up")[-1]


def test_a_radio_found_off_later_and_refused_is_given_up_then_retried(daemon_factory, store):
    daemon = daemon_factory(1, tuning=TUNING)
    simulator = daemon.simulators[0]
    wait_until(daemon.pool.available, 10, "a ready modem")
    set_fault(simulator, radio_refused=True, radio_refused_code=3)
    simulator.call(lambda m, now: m.set_cfun(4, now))  # another program turned it off
    daemon.pool.poll_all()  # the health poll finds it off; the worker tries AT+CFUN=1
    row = failed_with(store, "refused to switch it on (AT+CFUN=1: ")
    assert "operation not allowed" in row.reason
    # the modem's row is written before its modem.down event is committed: wait for that too
    given_up = wait_until(
        lambda: [d for d in events(store, "modem.down") if "refused to switch it on" in d],
        10,
        "the modem.down event recorded",
    )
    assert any("refused to switch it on" in d for d in given_up)
    set_fault(simulator, radio_refused=False)
    wait_until(daemon.pool.available, 10, "ready again after a fresh bring-up")


def test_a_modem_not_searching_fails_in_words_is_retried_and_serves_once_it_registers(
    daemon_factory, store
):
    daemon = daemon_factory(1, tuning=TUNING, not_searching=True)
    row = failed_with(store, "not registered and not searching for a network (+CREG: 0) for 1 s")
    assert row.reason.endswith("; trying again in 0.5 s")
    # retried from a closed port every retry_failed_after, each given up again while it lasts
    wait_until(lambda: len(events(store, "modem.down")) >= 2, 10, "a second attempt given up")
    assert daemon.pool.available() == []
    set_fault(daemon.simulators[0], not_searching=False)
    wait_until(daemon.pool.available, 10, "ready once the network takes it")
    assert the_row(store).state == ModemState.READY
