"""Who a step of a campaign is for: the SQL of a campaign's audience (issue 12).

Every audience starts from the same floor, the consent rules: opted in, and not opted out. On
it, one of two shapes:

- **a selection**: the campaign's tags (a contact carrying ANY of them; none: everyone), its
  field filter, and for an events campaign the event's own tags and area (``EventFilter``: the
  donors of the town where the collection is);
- **people of an earlier step** (``Among``): a correction goes to exactly those whose earlier
  message left (``sent_at`` set), whatever their tags are now; a follow-up to those of them
  who have not answered. Opted-out people are still left out: a correction is exempt from the
  cap, never from a STOP.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, and_, case, exists, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction

from .campaign_schema import Campaign, CampaignRecipient
from .contact_import import CONTACT, FIELD, TAG, tag_key
from .schema import Message

RECIPIENT = CampaignRecipient.__table__
MESSAGE = Message.__table__


@dataclass(frozen=True)
class EventFilter:
    """An event's own audience, on top of the campaign's: contacts with ANY of ``tags`` (none:
    no condition), and whose ``area_field`` holds ``area`` (compared case-insensitively); with
    no ``area_field`` the area is matched as a tag ("Lyon" = the tag "lyon")."""

    tags: tuple[str, ...] = ()
    area: str | None = None
    area_field: str | None = None


@dataclass(frozen=True)
class Among:
    """The people of earlier steps of ``campaign_id`` (keys starting with ``step_prefix``;
    ``None``: every step) whose message left, before ``sent_before`` if given; with
    ``unanswered``, only those who have not replied to the campaign."""

    campaign_id: int
    step_prefix: str | None = None
    sent_before: datetime | None = None
    unanswered: bool = False


def consented():
    """The consent floor: opted in, and not opted out."""
    return and_(CONTACT.c.opted_in_at.is_not(None), CONTACT.c.opted_out_at.is_(None))


# why a person the selection holds is left out, recorded as a skip (``Campaigns.expand``)
OPTED_OUT_SKIP, NO_CONSENT_SKIP = "optout: said STOP", "consent: no opt-in recorded"


def unconsented(campaign: Campaign, event: EventFilter | None = None, among: Among | None = None):
    """The people the selection holds who are below the consent floor, with why: a SELECT of
    (id, number, reason). They are counted as skipped, never sent to."""
    c = CONTACT.c
    why = case((c.opted_out_at.is_not(None), OPTED_OUT_SKIP), else_=NO_CONSENT_SKIP)
    query = audience(campaign, event, among, consent=False).where(~consented())
    return query.with_only_columns(c.id, c.number, why.label("reason"))


def audience(
    campaign: Campaign,
    event: EventFilter | None = None,
    among: Among | None = None,
    *,
    consent: bool = True,
):
    """The audience as a SELECT of (id, number, first_name, last_name, language) by id; with
    ``consent=False`` the selection alone, below the consent floor too."""
    c = CONTACT.c
    query = select(c.id, c.number, c.first_name, c.last_name, c.language).order_by(c.id)
    if consent:
        query = query.where(consented())
    if among is not None:
        return query.where(_among(among))
    if campaign.tag_keys:
        query = query.where(_tagged(campaign.tag_keys))
    if campaign.field_name is not None:
        query = query.where(_field_is(campaign.field_name, campaign.field_value, fold=False))
    if event is not None:
        keys = [k for k in dict.fromkeys(tag_key(t) for t in event.tags) if k]
        if keys:
            query = query.where(_tagged(keys))
        if event.area:
            if event.area_field:
                query = query.where(_field_is(event.area_field, event.area, fold=True))
            else:
                query = query.where(_tagged([tag_key(event.area)]))
    return query


class folded(GenericFunction):
    """A text without case (and on SQLite without accents: "Évry" is "evry"), the same on
    both sides of a comparison: ``smsrelay_fold`` on SQLite (``engine`` registers it: SQLite's
    own ``lower`` leaves "É" alone), ``lower`` on PostgreSQL (which lowers every letter)."""

    type = String()
    inherit_cache = True


@compiles(folded)
def _folded_lower(element, compiler, **kw):
    return f"lower(trim({compiler.process(element.clauses, **kw)}))"


@compiles(folded, "sqlite")
def _folded_sqlite(element, compiler, **kw):
    return f"smsrelay_fold(trim({compiler.process(element.clauses, **kw)}))"


def _tagged(keys: list[str]):
    return exists().where(TAG.c.contact_id == CONTACT.c.id, TAG.c.tag_key.in_(keys))


def _field_is(name: str, value: str | None, *, fold: bool):
    f = FIELD.c
    if fold:
        matches = folded(f.text_value) == folded(literal(value or ""))
    else:
        matches = f.text_value == value
    return exists().where(f.contact_id == CONTACT.c.id, func.lower(f.name) == name.lower(), matches)


def _among(among: Among):
    r, m = RECIPIENT.c, MESSAGE.c
    earlier = [
        r.campaign_id == among.campaign_id,
        r.contact_id == CONTACT.c.id,
        r.message_id == m.id,
        m.sent_at.is_not(None),
    ]
    if among.step_prefix is not None:
        earlier.append(r.step_key.startswith(among.step_prefix, autoescape=True))
    if among.sent_before is not None:
        earlier.append(m.sent_at <= among.sent_before)
    condition = exists().where(*earlier)
    if among.unanswered:
        answered = RECIPIENT.alias("answered")
        condition = condition & ~exists().where(
            answered.c.campaign_id == among.campaign_id,
            answered.c.contact_id == CONTACT.c.id,
            answered.c.replied_at.is_not(None),
        )
    return condition
