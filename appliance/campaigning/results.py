"""A campaign as the front ends show it: its settings, its statistics with the funnel, its
activity by hour, its replies, the CSV export, and codes looked up and redeemed (issue 12).

Views are plain dicts with stable keys: ``smsrelay campaign ... --json``, the API's bodies and
the panel's templates read the same ones.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from appliance.store import Store
from appliance.store.campaign_schema import Campaign

from .operations import CampaignNotFound, CampaignStateError

EXPORT_COLUMNS = ("step", "number", "first_name", "last_name", "skipped", "status", "sent_at",
                  "delivered_at", "code", "redeemed_at", "answer", "replied_at")  # fmt: skip


def _iso(when: dt.datetime | None) -> str | None:
    return when.isoformat() if when is not None else None


def campaign_view(c: Campaign) -> dict[str, object]:
    """A campaign's settings and state."""
    return {
        "id": c.id, "name": c.name, "kind": c.kind, "status": c.status, "text": c.template,
        "tags": c.tag_keys, "field": {c.field_name: c.field_value} if c.field_name else None,
        "created_at": _iso(c.created_at), "started_at": _iso(c.started_at),
        "finished_at": _iso(c.finished_at), "send_at": _iso(c.send_at),
        "paused_at": _iso(c.paused_at),
        "window": f"{c.window_start}-{c.window_end}" if c.window_start else None,
        "window_days": c.window_days if c.window_start else None,
        "replies": {"confirm_words": c.confirm_words.split(","),
                    "decline_words": c.decline_words.split(","), "confirm_tag": c.confirm_tag,
                    "confirm_reply": c.confirm_reply, "decline_reply": c.decline_reply},
        "follows": c.parent_id,
        "events": c.events,
        "reminder_text": c.reminder_template, "correction_text": c.correction_template,
        "date_field": c.date_field, "date_days": c.date_days, "date_at": c.date_at,
    }  # fmt: skip


def stats(store: Store, campaign: Campaign) -> dict[str, object]:
    """The campaign, its counts, and the funnel (targeted → queued → sent → delivered →
    replied → confirmed) as a list for the chart."""
    counts = store.campaign_stats(campaign.id)
    data = counts.as_dict()
    messages = counts.messages
    queued_ever = sum(messages.values())
    left = sum(messages[s] for s in ("sent", "delivered", "unknown"))
    data["funnel"] = [
        {"stage": "targeted", "count": counts.targeted},
        {"stage": "queued", "count": queued_ever},
        {"stage": "sent", "count": left},
        {"stage": "delivered", "count": messages["delivered"]},
        {"stage": "replied", "count": counts.replied},
        {"stage": "confirmed", "count": counts.confirmed},
    ]
    return {"campaign": campaign.name, "status": campaign.status, **data}


def activity(store: Store, campaign: Campaign, zone: ZoneInfo) -> dict[str, list[dict]]:
    """Sends and replies per local hour, oldest first: the panel's "over time" chart."""
    found = store.campaign_activity(campaign.id)

    def by_hour(times: list[dt.datetime]) -> list[dict]:
        hours = Counter(t.astimezone(zone).replace(minute=0, second=0, microsecond=0)
                        for t in times)  # fmt: skip
        return [{"hour": hour.isoformat(), "count": n} for hour, n in sorted(hours.items())]

    return {"sent": by_hour(found["sent"]), "replies": by_hour(found["replies"])}


def replies(store: Store, campaign: Campaign, limit: int = 100) -> list[dict[str, object]]:
    return [
        {**row, "received_at": _iso(row["received_at"])}
        for row in store.campaign_replies(campaign.id, limit)
    ]


def export_csv(store: Store, campaign: Campaign) -> Iterator[str]:
    """The recipients as CSV lines (header first), streamed: one row a person and step."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    yield buffer.getvalue()
    for row in store.campaign_recipients(campaign.id):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(
            [_iso(v) if isinstance(v, dt.datetime) else ("" if v is None else v)
             for v in (row[c] for c in EXPORT_COLUMNS)]
        )  # fmt: skip
        yield buffer.getvalue()


def code_view(found) -> dict[str, object]:
    return {"code": found.code, "campaign": found.campaign, "campaign_id": found.campaign_id,
            "number": found.number, "redeemed": found.redeemed_at is not None,
            "redeemed_at": _iso(found.redeemed_at)}  # fmt: skip


def lookup_code(store: Store, code: str) -> dict[str, object]:
    found = store.find_code(code)
    if found is None:
        raise CampaignNotFound(f"no code {code!r}")
    return code_view(found)


def redeem_code(store: Store, code: str, now: dt.datetime) -> dict[str, object]:
    """Mark a code redeemed; ``CampaignStateError`` when it was already (with when)."""
    found, first = store.redeem_code(code, now)
    if found is None:
        raise CampaignNotFound(f"no code {code!r}")
    if not first:
        raise CampaignStateError(f"code {found.code} was redeemed already, at "
                                 f"{found.redeemed_at:%Y-%m-%d %H:%M} UTC")  # fmt: skip
    campaign = store.campaign(found.campaign_id)
    if campaign is not None:
        store.log_campaign_event("campaign.code_redeemed", now, campaign, found.number,
                                 code=found.code)  # fmt: skip
    return code_view(found)
