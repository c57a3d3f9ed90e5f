"""A campaign's reply rules (issue 12): what "OUI", "non merci" or a question sent back to a
campaign means, and what the appliance does about it.

The consent desk links each received message to the campaign it answers (the latest campaign
message sent to that number within ``[contacts] reply_window``) and, when it is no STOP or
join keyword, hands it here:

- its first word, folded like keywords are (case, accents and punctuation ignored: "Oui !",
  "OUI merci", "oui." all confirm), is compared with the campaign's ``confirm_words`` (OUI,
  YES, 1 by default) and ``decline_words`` (NON, NO, 2);
- a confirmation tags the contact with ``confirm_tag`` ("confirmed"); both may get the
  campaign's automatic reply, under the desk's rules against reply loops (never to a message
  that looks automatic, at most ``auto_replies_per_hour`` a number);
- anything else is kept as free text, for a person to read in the campaign's replies.

The answer is recorded on the person's recipient row (the statistics count it) and logged as
``campaign.replied`` for the webhooks. A later free text does not undo a confirmation.
"""

from __future__ import annotations

import datetime as dt

from appliance.contacts.keywords import fold
from appliance.store import Store
from appliance.store.campaign_results import CONFIRMED, DECLINED, TEXT
from appliance.store.campaign_schema import Campaign


def words_of(listed: str) -> set[str]:
    return {fold(word) for word in listed.split(",") if fold(word)}


def classify(text: str, campaign: Campaign) -> str:
    """CONFIRMED, DECLINED or TEXT for a reply to ``campaign``."""
    folded = fold(text)
    if not folded:
        return TEXT
    first = folded.split(" ")[0]
    if first in words_of(campaign.confirm_words) or folded in words_of(campaign.confirm_words):
        return CONFIRMED
    if first in words_of(campaign.decline_words) or folded in words_of(campaign.decline_words):
        return DECLINED
    return TEXT


def record_reply(
    store: Store, campaign_id: int, inbound_id: int, sender: str, text: str, now: dt.datetime
) -> tuple[str, str | None] | None:
    """Record a reply to a campaign: returns (the answer, the automatic reply to send or None),
    or None when the sender is no recipient of it (nothing recorded)."""
    campaign = store.campaign(campaign_id)
    if campaign is None:
        return None
    answer = classify(text, campaign)
    contact_id = store.record_answer(campaign_id, sender, inbound_id, answer, now)
    if contact_id is None:
        return None
    if answer == CONFIRMED and campaign.confirm_tag:
        store.tag_contacts([sender], campaign.confirm_tag)
    store.log_campaign_event("campaign.replied", now, campaign, sender, answer=answer,
                             inbound_id=inbound_id)  # fmt: skip
    reply = {CONFIRMED: campaign.confirm_reply, DECLINED: campaign.decline_reply}.get(answer)
    return answer, reply
