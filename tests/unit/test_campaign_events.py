"""The events file (appliance.campaigns.events_file) and the schedules it makes
(appliance.campaigns.schedule): pure, no database, no clock but the one given."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from appliance.campaigns.events_file import (
    Event,
    EventFileError,
    parse_date,
    parse_time,
    read_events,
)
from appliance.campaigns.schedule import (
    INVITATION,
    REMINDER,
    EventRules,
    after_date,
    anniversary,
    diff,
    next_anniversary,
    plan_event,
    step_key,
    to_utc,
)

PARIS = ZoneInfo("Europe/Paris")
UTC = dt.UTC


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


# --- the events file ---------------------------------------------------------------------------

MESSY = (
    "\r\n"
    "Identifiant;Lieu;Date;Heure de début;Heure de fin;Thème;Ville;Responsable\r\n"
    "C1;Salle des fêtes;12/12/2026;14h30;19h;Don du sang, Plasma;Lyon;Hélène\r\n"
    "C2;Mairie;31/02/2026;9h;12h;;Lyon;\r\n"
    "C3;Gymnase;2026-12-13;8h-12h;;don du sang;Bron;\r\n"
    "\r\n"
    "c1;École Jaurès;14/12/2026;;;;Bron;\r\n"
    "C4;École Jaurès;14/12/2026;15h;14:30;;Bron;\r\n"
    "C5;Salle B;15.12.26;25h;;;Vénissieux;\r\n"
    ";Salle B;16/12/2026;9h;;;Vénissieux;\r\n"
    "C6;Salle B;16/12/2026\r\n"
    "C7;Salle C;17/12/2026;9 h 30;11:45:00;;Villeurbanne;42\r\n"
).encode("cp1252")


def test_a_messy_french_file_reads_its_good_rows_and_names_every_bad_one():
    result = read_events(MESSY)
    assert (result.encoding, result.delimiter) == ("cp1252", ";")
    assert result.mapping == {
        "Identifiant": "id",
        "Lieu": "place",
        "Date": "date",
        "Heure de début": "start",
        "Heure de fin": "end",
        "Thème": "tags",
        "Ville": "area",
        "Responsable": None,
    }
    assert [str(error) for error in result.errors] == [
        "line 4, Date: '31/02/2026' is not a date (write it 12/12/2026 or 2026-12-12)",
        "line 7, Identifiant: the id 'c1' is also the id of line 3: an id names one event, "
        "so neither row is kept",
        "line 8, Heure de fin: the end 14:30 is not after the start 15:00",
        "line 9, Heure de début: '25h' is not a time of day (write it 14h30, 14:30 or 9h)",
        "line 10, Identifiant: is empty: every event needs its id",
        "line 11: 3 cells where the header has 8 columns",
    ]
    assert [event.id for event in result.events] == ["C3", "C7"]
    c3, c7 = result.events
    assert c3 == Event(
        id="C3",
        place="Gymnase",
        date=dt.date(2026, 12, 13),
        start=dt.time(8),
        end=dt.time(12),
        tags=("don du sang",),
        area="Bron",
        fields={},
        line=5,
    )
    assert (c7.start, c7.end, c7.fields) == (dt.time(9, 30), dt.time(11, 45), {"Responsable": 42})
    assert c7.as_dict() == {
        "id": "C7",
        "place": "Salle C",
        "date": dt.date(2026, 12, 17),
        "start": dt.time(9, 30),
        "end": dt.time(11, 45),
        "tags": [],
        "area": "Villeurbanne",
        "fields": {"Responsable": 42},
    }


def test_an_english_utf8_file_with_a_bom_and_commas():
    data = (
        "\ufeffEvent id,Venue,Date,Start,End,Tags,Area,Bus\n"
        "X-1,Town hall,2027-03-28,14:30,18:00,donors|plasma,North,yes\n"
        "X-2,Église Saint-Jean,2027-03-29,,,,,\n"
    ).encode()
    result = read_events(data)
    assert result.errors == []
    assert result.encoding == "utf-8-sig" and result.delimiter == ","
    first, second = result.events
    assert (first.tags, first.area, first.fields) == (("donors", "plasma"), "North", {"Bus": "yes"})
    assert (second.place, second.start, second.end, second.area) == (
        "Église Saint-Jean",
        None,
        None,
        None,
    )


def test_an_end_without_a_start_is_an_error():
    result = read_events("ID;Lieu;Date;Début;Fin\nA;Ici;12/12/2026;;19h\n")
    assert [str(e) for e in result.errors] == ["line 2, Fin: an end time needs a start time"]


def test_an_explicit_mapping_wins_and_a_missing_column_stops_the_whole_file():
    text = "Collecte;Où;Quand\nA;Ici;12/12/2026\n"
    with pytest.raises(EventFileError, match="no column holds the id, the place"):
        read_events(text)
    result = read_events(text, mapping={"collecte": "id", "OÙ": "place", "quand": "date"})
    assert [(e.id, e.place, e.date) for e in result.events] == [("A", "Ici", dt.date(2026, 12, 12))]
    with pytest.raises(EventFileError, match="the fields are id, place"):
        read_events(text, mapping={"Collecte": "number"})
    with pytest.raises(EventFileError, match="empty"):
        read_events(b"\r\n\r\n")
    with pytest.raises(EventFileError, match="'Date' appears twice"):
        read_events("ID;Lieu;Date;Date\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("14h30", dt.time(14, 30)), ("14:30", dt.time(14, 30)), ("9h", dt.time(9)),
     ("9 h 05", dt.time(9, 5)), ("09H00", dt.time(9)), ("23:59:59", dt.time(23, 59, 59))],
)  # fmt: skip
def test_times_as_people_write_them(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["14", "24h", "14h60", "2 pm", "", "14h30h", "١٤:٣٠"])
def test_not_times(text):
    with pytest.raises(ValueError, match="is not a time of day"):
        parse_time(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12/12/2026", dt.date(2026, 12, 12)), ("2026-12-12", dt.date(2026, 12, 12)),
     ("1/3/27", dt.date(2027, 3, 1)), ("29.02.2028", dt.date(2028, 2, 29))],
)  # fmt: skip
def test_dates_as_people_write_them(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["31/02/2026", "29/02/2027", "12/13/2026", "2026-12", "demain"])
def test_not_dates(text):
    with pytest.raises(ValueError, match="is not a date"):
        parse_date(text)


# --- wall times across daylight-saving changes (Europe/Paris) ----------------------------------


def event(day: str, event_id: str = "C1", **values) -> Event:
    return Event(id=event_id, place="Mairie", date=dt.date.fromisoformat(day), **values)


EARLY = utc("2026-01-01T00:00")


@pytest.mark.parametrize(
    ("day", "reminder_utc"),
    [
        ("2026-03-29", "2026-03-28T17:00"),  # the eve of the change: still winter time
        ("2026-03-30", "2026-03-29T16:00"),  # the change's own day: summer time
        ("2026-10-25", "2026-10-24T16:00"),
        ("2026-10-26", "2026-10-25T17:00"),
        ("2027-03-28", "2027-03-27T17:00"),
        ("2027-03-29", "2027-03-28T16:00"),
        ("2027-10-31", "2027-10-30T16:00"),
        ("2027-11-01", "2027-10-31T17:00"),
    ],
)
def test_the_reminder_is_at_18_00_local_on_both_sides_of_a_change(day, reminder_utc):
    invitation, reminder = plan_event(event(day), PARIS, EARLY)
    assert reminder.kind == REMINDER and reminder.due == utc(reminder_utc)
    assert reminder.due.astimezone(PARIS).time() == dt.time(18)
    assert reminder.note is None and reminder.skipped is None
    # seven calendar days before, at 10:00 local, whatever change lies between
    assert invitation.kind == INVITATION
    local = invitation.due.astimezone(PARIS)
    assert (local.date(), local.time()) == (event(day).date - dt.timedelta(days=7), dt.time(10))


@pytest.mark.parametrize(
    ("eve", "due"), [("2026-03-29", "2026-03-29T01:00"), ("2027-03-28", "2027-03-28T01:00")]
)
def test_a_reminder_at_02_30_on_the_gap_day_goes_at_03_00(eve, due):
    rules = EventRules(reminder_at=dt.time(2, 30))
    day = (dt.date.fromisoformat(eve) + dt.timedelta(days=1)).isoformat()
    reminder = plan_event(event(day), PARIS, EARLY, rules)[1]
    assert reminder.due == utc(due)
    assert reminder.due.astimezone(PARIS).time() == dt.time(3)
    assert reminder.wall == dt.datetime.fromisoformat(f"{eve}T02:30")
    assert reminder.note == f"{eve} 02:30 does not exist in Europe/Paris: moved to 03:00"


@pytest.mark.parametrize(
    ("wall", "due"),
    [("2026-10-25T02:30", "2026-10-25T00:30"), ("2027-10-31T02:30", "2027-10-31T00:30")],
)
def test_a_wall_time_that_happens_twice_is_the_first(wall, due):
    moment, note = to_utc(dt.datetime.fromisoformat(wall), PARIS)
    assert moment == utc(due)
    assert moment.astimezone(PARIS).utcoffset() == dt.timedelta(hours=2)  # still summer time
    assert note.endswith("happens twice in Europe/Paris: the first is used")


@pytest.mark.parametrize("zone", ["Europe/Paris", "America/New_York", "Australia/Lord_Howe"])
def test_every_half_hour_of_2026_maps_to_the_asked_time_or_the_end_of_its_gap(zone):
    tz = ZoneInfo(zone)
    wall = dt.datetime(2026, 1, 1)
    while wall.year == 2026:
        moment, note = to_utc(wall, tz)
        seen = moment.astimezone(tz).replace(tzinfo=None)
        if note and "does not exist" in note:
            assert wall < seen <= wall + dt.timedelta(hours=1)
            assert (moment - dt.timedelta(seconds=1)).astimezone(tz).replace(tzinfo=None) < wall
        else:
            assert seen == wall
        wall += dt.timedelta(minutes=30)


def test_a_naive_wall_time_only():
    with pytest.raises(ValueError, match="naive"):
        to_utc(dt.datetime(2026, 1, 1, tzinfo=UTC), PARIS)
    with pytest.raises(ValueError, match="naive"):
        plan_event(event("2026-12-12"), PARIS, dt.datetime(2026, 1, 1))


# --- steps already past when the file is imported ----------------------------------------------

DAY = "2026-12-12"  # invitation 2026-12-05 10:00 (09:00 UTC), reminder 2026-12-11 18:00 (17:00 UTC)


def test_an_invitation_past_at_import_is_sent_now_while_the_reminder_waits():
    now = utc("2026-12-08T12:00")
    invitation, reminder = plan_event(event(DAY), PARIS, now)
    assert (invitation.due, invitation.late, invitation.skipped) == (now, True, None)
    assert invitation.note == "2026-12-05 10:00 had passed when the file was imported: sent now"
    assert (reminder.due, reminder.late) == (utc("2026-12-11T17:00"), False)


def test_after_the_reminder_s_hour_only_the_reminder_is_caught_up():
    now = utc("2026-12-11T20:00")
    invitation, reminder = plan_event(event(DAY), PARIS, now)
    assert invitation.due is None
    assert invitation.skipped == "too late: the reminder that follows has passed too"
    assert (reminder.due, reminder.late) == (now, True)


def test_on_the_event_s_day_nothing_is_caught_up():
    now = utc("2026-12-11T23:30")  # 00:30 on the 12th in Paris
    steps = plan_event(event(DAY), PARIS, now)
    assert [s.skipped for s in steps] == ["too late: the event is on 2026-12-12"] * 2
    assert all(s.due is None for s in steps)


def test_without_catch_up_every_past_step_is_skipped():
    now = utc("2026-12-08T12:00")
    invitation, reminder = plan_event(event(DAY), PARIS, now, EventRules(catch_up=False))
    assert invitation.skipped == "too late: 2026-12-05 10:00 had passed when the file was imported"
    assert reminder.due == utc("2026-12-11T17:00")


def test_a_step_can_be_left_out_and_keys_are_stable_per_event_and_kind():
    steps = plan_event(event(DAY, "Lyon-12"), PARIS, EARLY, EventRules(invitation_days=None))
    assert [s.key for s in steps] == ["event:lyon-12:reminder"]
    moved = plan_event(event("2026-12-19", " LYON-12 "), PARIS, EARLY)
    assert [s.key for s in moved] == [
        step_key("lyon-12", INVITATION),
        step_key("Lyon-12", REMINDER),
    ]


# --- schedules relative to a contact's own dates -----------------------------------------------


@pytest.mark.parametrize(
    ("year", "expected"), [(2027, dt.date(2027, 2, 28)), (2028, dt.date(2028, 2, 29))]
)
def test_a_leap_day_birthday_is_28_february_in_a_common_year(year, expected):
    assert anniversary(dt.date(2000, 2, 29), year) == expected


def test_the_next_birthday_message_is_today_s_until_its_hour_then_next_year_s():
    born, at = dt.date(2000, 2, 29), dt.time(18)
    before = next_anniversary(born, at, PARIS, utc("2027-02-28T16:00"), "Naissance")
    assert (before.due, before.key) == (utc("2027-02-28T17:00"), "yearly:Naissance:2027")
    after = next_anniversary(born, at, PARIS, utc("2027-02-28T17:00"), "Naissance")
    assert (after.due, after.key) == (utc("2028-02-29T17:00"), "yearly:Naissance:2028")
    summer = next_anniversary(dt.date(1990, 7, 14), at, PARIS, utc("2027-03-01T00:00"), "b")
    assert summer.due == utc("2027-07-14T16:00")


def test_eight_weeks_after_a_donation_at_a_set_hour_across_the_spring_change():
    last = dt.date(2027, 2, 10)
    step = after_date(last, 56, dt.time(10), PARIS, utc("2027-02-11T00:00"), "Dernier don")
    assert step.wall == dt.datetime(2027, 4, 7, 10) and step.due == utc("2027-04-07T08:00")
    assert step.key == "date:Dernier don:2027-04-07"
    late = after_date(last, 56, dt.time(10), PARIS, utc("2027-05-01T00:00"), "Dernier don")
    assert late.due is None and late.skipped == "too late: 2027-04-07 10:00 has passed"


# --- an edited file imported again -------------------------------------------------------------


def test_diff_sorts_each_event_by_what_changed():
    old = [
        event("2026-12-12", "A", start=dt.time(14), end=dt.time(19)),
        event("2026-12-13", "B", start=dt.time(8), end=dt.time(12)),
        event("2026-12-14", "C", start=dt.time(8)),
        event("2026-12-15", "D"),
        event("2026-12-16", "E", area="Lyon"),
    ]
    new = [
        event("2026-12-19", "A", start=dt.time(15), end=dt.time(19)),  # moved (and retimed)
        event("2026-12-13", "b", start=dt.time(9), end=dt.time(12)),  # time changed
        Event(id="C", place="Mairie", date=dt.date(2026, 12, 14), start=dt.time(8), line=9),
        event("2026-12-16", "E", area="Bron"),  # edited
        event("2026-12-20", "F"),  # added; D is removed
    ]
    result = diff(old, new)
    assert [(c.new.id, c.changed) for c in result.moved] == [("A", ("date", "start"))]
    assert [(c.old.id, c.new.id, c.changed) for c in result.time_changed] == [
        ("B", "b", ("start",))
    ]
    assert [(c.new.id, c.changed) for c in result.edited] == [("E", ("area",))]
    assert [e.id for e in result.unchanged] == ["C"]  # its line moved, nothing else
    assert [e.id for e in result.removed] == ["D"]
    assert [e.id for e in result.added] == ["F"]


def test_diff_of_a_file_with_itself_changes_nothing():
    events = read_events(MESSY).events
    result = diff(events, read_events(MESSY).events)
    assert result.unchanged == events
    assert not (result.moved or result.time_changed or result.edited)
    assert not (result.removed or result.added)
