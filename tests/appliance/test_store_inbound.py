"""Inbound storage: reassembly in any order, and a re-delivered duplicate recognised and dropped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

T = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def part(store, text, concat=None, *, sent_at=T, sender="+33698765432", now=T):
    return store.add_inbound_part(
        imei="356938035643809",
        iccid="8933010000000000001",
        sender=sender,
        text=text,
        sent_at=sent_at,
        now=now,
        concat=concat,
    )


def test_single_part_duplicate_is_dropped(store):
    assert part(store, "OUI").text == "OUI"
    assert part(store, "OUI", now=T + timedelta(minutes=5)) is None  # the network re-delivered it
    assert part(store, "OUI", sent_at=T + timedelta(hours=1)).text == "OUI"  # a second answer
    assert [m.text for m in store.inbox()] == ["OUI", "OUI"]


def test_parts_in_any_order_make_one_message(store):
    assert part(store, "world", (7, 3, 3)) is None
    assert part(store, "hello ", (7, 3, 1)) is None
    assert part(store, "hello ", (7, 3, 1)) is None  # a duplicate part changes nothing
    whole = part(store, "big ", (7, 3, 2))
    assert whole.text == "hello big world" and whole.parts == 3
    assert len(store.inbox()) == 1


def test_a_whole_multipart_message_delivered_twice_is_kept_once(store):
    for _ in range(2):
        part(store, "A" * 153, (9, 2, 1))
        part(store, "B", (9, 2, 2))
    assert [m.text for m in store.inbox()] == ["A" * 153 + "B"]


def test_same_reference_from_two_senders_does_not_mix(store):
    part(store, "one ", (5, 2, 1), sender="+33600000001")
    part(store, "un ", (5, 2, 1), sender="+33600000002")
    assert part(store, "two", (5, 2, 2), sender="+33600000001").text == "one two"
    assert part(store, "deux", (5, 2, 2), sender="+33600000002").text == "un deux"


def test_a_report_finds_its_message_among_hundreds(store):
    """References wrap at 256 and "5" is inside "15": the exact reference on the latest message."""
    imei = "356938035643809"
    ids = []
    for i in range(300):
        message = store.enqueue(_new(f"m{i}"), T)
        store.mark_sent(message.id, [i % 256], 1, None, T, "2026-11-23", "2026-11", imei=None)
        ids.append(message.id)
    with store.session() as session:  # sent by our modem
        from sqlalchemy import update

        from appliance.store.schema import Message

        session.execute(update(Message).values(modem_imei=imei, sending_at=T))
        session.commit()
    found = store.add_report(
        imei=imei,
        part_ref=5,
        recipient=None,
        status=0,
        delivered=True,
        final=True,
        reason="delivered",
        discharged_at=T,
        now=T,
    )
    assert found.id == ids[261]  # 261 % 256 == 5: the latest one with reference 5
    found = store.add_report(
        imei=imei,
        part_ref=200,
        recipient=None,
        status=0,
        delivered=True,
        final=True,
        reason="delivered",
        discharged_at=T,
        now=T,
    )
    assert found.id == ids[200]
    assert store.get(ids[200]).status == "delivered"


def _new(text):
    from appliance.store import NewMessage
    from appliance.store.schema import Priority

    return NewMessage(
        recipient="+33612345678", text=text, parts=1, encoding="gsm7", priority=Priority.NORMAL
    )
