"""A modem's next message is claimed while its send is on the air (``appliance.worker.ahead``).

Real daemons on simulated modems. The claim ahead must keep what a claim always kept: the SIM's
caps (the parts on the air count as sent), the pacing (a paced SIM never claims ahead), and
exactly one send of each message.
"""

from __future__ import annotations

from collections import Counter

from appliance.store.schema import Status
from tests.appliance.conftest import enqueue
from tests.appliance.test_policies import (
    FRANCE,
    explicit,
    idle,
    on_air,
    ready,
    status,
    wait_sent,
    with_defaults,
    with_modems,
)
from tests.waiting import wait_until


def _sending(store) -> set[int]:
    return {m.id for m in store.messages(status=Status.SENDING, limit=50)}


def test_the_next_message_is_claimed_before_the_send_on_the_air_ends(
    sim_factory, daemon_factory, store, config
):
    slow = sim_factory(send_delay=100.0)  # 1 s real a send
    cfg = with_modems(config, explicit(slow))
    daemon = daemon_factory(0, cfg=cfg)
    ready(daemon, 1)
    messages = [enqueue(store, cfg, FRANCE, f"suite {i}") for i in range(4)]
    # the first send tells how long one takes (1 s); then sends are made slower (1.5 s: the
    # command timeout here is 2 s), so the next is claimed well before the send on the air
    # ends, and waits for its end
    wait_sent(store, messages[0])
    slow.call(lambda m, now: setattr(m.faults, "send_delay", 150.0))
    ahead: list[int] = []

    def claimed_ahead() -> bool:
        """One claimed, not yet handed over (no ``sending_at``), while another is on the air;
        held by its worker (its claim's lease renewed by the node, ``appliance.nodes``)."""
        rows = {m.id: m for m in store.messages(status=Status.SENDING, limit=50)}
        waiting = [i for i, m in rows.items() if m.sending_at is None]
        if len(waiting) != 1 or len(rows) != 2 or waiting[0] not in daemon.pool.holding():
            return False  # (the worker gets it a moment after the claim's commit)
        ahead.extend(waiting)
        return True

    wait_until(claimed_ahead, 20, "a message claimed ahead of its send, held by its worker")
    [next_id] = ahead
    assert on_air([slow])[next(m.text for m in messages if m.id == next_id)] == 0
    wait_sent(store, *messages, timeout=30)
    assert on_air([slow]) == Counter({f"suite {i}": 1 for i in range(4)})
    assert [store.get(m.id).attempts for m in messages] == [1, 1, 1, 1]
    assert all(store.get(m.id).sending_at is not None for m in messages), "all handed over"


def test_the_parts_on_the_air_count_against_the_daily_cap(
    sim_factory, daemon_factory, store, config
):
    slow = sim_factory(send_delay=50.0)
    cfg = with_modems(config, explicit(slow, daily_limit=3))
    daemon = daemon_factory(0, cfg=cfg)
    ready(daemon, 1)
    messages = [enqueue(store, cfg, FRANCE, f"quota {i}") for i in range(4)]
    wait_sent(store, *messages[:3])
    idle(daemon)
    assert status(store, messages[3]) == Status.QUEUED  # never claimed ahead past the cap
    assert store.get(messages[3].id).attempts == 0
    assert on_air([slow])["quota 3"] == 0


def test_a_paced_sim_does_not_claim_ahead(sim_factory, daemon_factory, store, config):
    cfg = with_defaults(config, max_per_minute=120)  # 0.5 s between sends; a send takes ~0.01 s
    daemon = daemon_factory(1, cfg=cfg)
    ready(daemon, 1)
    messages = [enqueue(store, cfg, FRANCE, f"au pas {i}") for i in range(4)]
    seen: set[frozenset[int]] = set()

    def watch() -> bool:
        seen.add(frozenset(_sending(store)))
        return all(status(store, m) in (Status.SENT, Status.DELIVERED) for m in messages)

    wait_until(watch, 20, "all sent")
    assert all(len(ids) <= 1 for ids in seen), seen
