"""An event as the store keeps it (JSON) and back, types included: a free field that held a
date must read back as a date, or every re-import would see it "edited"."""

from __future__ import annotations

import datetime as dt

from appliance.campaigns.events_file import Event


def _typed(value: object) -> list[object]:
    if isinstance(value, dt.date):
        return ["date", value.isoformat()]
    if isinstance(value, bool):  # not a field type; kept as text
        return ["text", str(value)]
    if isinstance(value, int | float):
        return ["number", value]
    return ["text", value]


def _untyped(pair: list[object]) -> object:
    kind, value = pair
    return dt.date.fromisoformat(str(value)) if kind == "date" else value


def event_to_json(event: Event) -> dict[str, object]:
    return {
        "id": event.id, "place": event.place, "date": event.date.isoformat(),
        "start": event.start.isoformat() if event.start else None,
        "end": event.end.isoformat() if event.end else None,
        "tags": list(event.tags), "area": event.area, "line": event.line,
        "fields": {name: _typed(value) for name, value in event.fields.items()},
    }  # fmt: skip


def event_from_json(data: dict) -> Event:
    return Event(
        id=data["id"], place=data["place"], date=dt.date.fromisoformat(data["date"]),
        start=dt.time.fromisoformat(data["start"]) if data.get("start") else None,
        end=dt.time.fromisoformat(data["end"]) if data.get("end") else None,
        tags=tuple(data.get("tags") or ()), area=data.get("area"),
        fields={name: _untyped(pair) for name, pair in (data.get("fields") or {}).items()},
        line=data.get("line", 0),
    )  # fmt: skip
