"""A second daemon on the data folder of a running one (issue 15: how anyone first tries two
nodes on one machine) stops at start with a sentence saying what to change, not a traceback
about the wake-up socket, and before it touches anything of the first one's: the message the
first is sending stays ``sending`` (a second start must not settle it ``unknown``)."""

from __future__ import annotations

import pytest

from appliance.daemon import StartError
from appliance.store.schema import Status
from tests.appliance.conftest import enqueue
from tests.waiting import wait_until


def test_a_second_daemon_on_the_same_data_folder_is_refused_in_words(daemon_factory, store, config):
    first = daemon_factory(1, send_delay=300.0)  # 3 s a part: it stays sending meanwhile
    message = enqueue(store, config, "+33612345678", "une seule fois")
    wait_until(lambda: store.messages(status=Status.SENDING, limit=1), timeout=10, what="the send")
    with pytest.raises(StartError) as refused:
        daemon_factory(1)
    assert "another smsrelay serve already uses the data folder" in str(refused.value)
    assert "its own [appliance] data_dir" in str(refused.value)
    (sending,) = store.messages(status=Status.SENDING, limit=1)
    assert sending.id == message.id  # not settled unknown by the second start
    assert first.dispatcher is not None
