"""Campaigns on each contact's own date (issue 12): "invite a donor again once eligible" (the
date of their last donation plus 8 weeks) or a birthday, at a set local hour.

Such a campaign names a free date field of its contacts (``date_field``), a number of days
after it (``date_days``; none: every year on its anniversary) and a wall time (``date_at``).
It is planned day by day (``plan_dated``, run at start and then every hour by the daemon):
only the steps due within ``HORIZON`` are queued, so a date changed in the contacts file is
seen before its message is due, and a message is never queued months ahead. Each step's key
holds the date aimed at (``date:Don:2027-01-30``, ``yearly:Naissance:2027``): a new donation
is a new step, and the same date never sends twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from appliance.campaigns.schedule import after_date, next_anniversary
from appliance.config import Config
from appliance.store import Expansion, StepPlan, Store
from appliance.store.campaign_schema import Campaign, CampaignStatus

from . import operations as ops

HORIZON = dt.timedelta(days=2)


def plan_dated(store: Store, config: Config, campaign: Campaign, now: dt.datetime) -> Expansion:
    """Queue the steps of ``campaign`` due before ``now + HORIZON``, one expand a step."""
    template = ops.check_text(campaign.template)
    at = ops._wall_time(campaign.date_at or "10:00")
    name = campaign.date_field or ""
    steps: dict[str, tuple[dt.datetime, list[int]]] = {}
    grouped: dict[str, list[int]] = defaultdict(list)
    for contact_id, day in store.dated_contacts(campaign):
        if campaign.date_days is None:
            step = next_anniversary(day, at, config.zone, now, name)
        else:
            step = after_date(day, campaign.date_days, at, config.zone, now, name)
        if step.due is None or step.due > now + HORIZON:
            continue
        grouped[step.key].append(contact_id)
        steps[step.key] = (step.due, grouped[step.key])
    queued, skipped = 0, {}
    for key, (due, people) in steps.items():
        plan = StepPlan(due=due, contact_ids=tuple(people), codes=ops.uses_code(template))
        done = ops._expand(store, config, campaign, key, now, template, plan)
        queued += done.queued
        for why, n in (done.skipped or {}).items():
            skipped[why] = skipped.get(why, 0) + n
    return Expansion(queued, skipped)


def run_dated_campaigns(store: Store, config: Config, now: dt.datetime) -> int:
    """The daemon's hourly job: plan every running campaign on contacts' dates, and expand the
    events campaigns again for the people who joined since their import."""
    from .events_import import refresh_events_campaigns

    queued = refresh_events_campaigns(store, config, now)
    for campaign in store.campaigns():
        if campaign.status == CampaignStatus.RUNNING and campaign.date_field:
            queued += plan_dated(store, config, campaign, now).queued
    return queued
