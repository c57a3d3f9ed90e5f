"""One contact written at a time, as the HTTP API writes them: created or updated with its
events, and a tag taken off.

Kept apart from ``contacts`` (the import, consent, the panel's edits) so each stays small; the
rules are the same. A write is merged as an import merges (``contact_import.upsert_chunk``, one
row), so a contact sent twice, or sent and imported, is one contact with every tag. No consent,
no contact: a new number needs its opt-in (source, proof). And a number that opted out is never
opted in again here: only the person undoes STOP (a join keyword, ``Contacts.opt_in``).

Each change logs its ``contact.*`` event, with the number, in the same transaction: the webhooks
and the conversation read that log, so no write goes unreported.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from .contact_import import CONTACT, TAG, ContactValues, tag_key, upsert_chunk
from .contacts import _log
from .transactions import Transactions

__all__ = ["ContactSaving", "Saved"]

# What ``save_contact`` did: wrote a new contact, changed one, found nothing to change, or
# refused (a new number without consent, consent for a number that opted out).
Saved = Literal["created", "updated", "unchanged", "no-consent", "opted-out"]


class ContactSaving(Transactions):
    """One contact at a time; each method is one transaction."""

    def save_contact(
        self,
        values: ContactValues,
        *,
        now: datetime,
        consent: tuple[str, str] | None,
        detail: str = "",
    ) -> Saved:
        """Create or update the contact of ``values.number`` and log ``contact.created`` (with
        ``contact.opted_in``, as every path that records an opt-in does) or ``contact.updated``.

        Non-empty values win, every tag is kept, free fields are merged. A new contact needs
        ``consent`` (source, proof): without it nothing is written ("no-consent"). Consent given
        for a number that opted out writes nothing either ("opted-out"). An existing contact's
        consent is otherwise left as it was recorded.
        """
        source, proof = consent or ("", "")
        for attempt in (1, 2):
            try:
                with self._writing() as connection:
                    kept = connection.execute(
                        select(CONTACT.c.opted_out_at).where(CONTACT.c.number == values.number)
                    ).first()
                    if kept is None and consent is None:
                        return "no-consent"
                    if kept is not None and consent is not None and kept.opted_out_at:
                        return "opted-out"
                    new, updated = upsert_chunk(
                        connection, [values], now, source, lambda _: proof, dry_run=False
                    )
                    outcome: Saved = "created" if new else "updated" if updated else "unchanged"
                    if outcome != "unchanged":
                        _log(connection, f"contact.{outcome}", now, values.number, detail)
                    if outcome == "created":
                        _log(connection, "contact.opted_in", now, values.number,
                             f"{source}: {proof}")  # fmt: skip
                    return outcome
            except IntegrityError:  # PostgreSQL: the same number created meanwhile elsewhere
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def remove_tag(self, number: str, tag: str, *, now: datetime, detail: str = "") -> bool | None:
        """Take ``tag`` (matched by its key) off ``number``'s contact and log ``contact.updated``.
        True if it had the tag, False if not, None if there is no such contact. The API and
        the panel both come here (``detail`` says which, and who)."""
        with self._writing() as connection:
            contact_id = connection.execute(
                select(CONTACT.c.id).where(CONTACT.c.number == number)
            ).scalar()
            if contact_id is None:
                return None
            done = connection.execute(
                delete(TAG).where(TAG.c.contact_id == contact_id, TAG.c.tag_key == tag_key(tag))
            )
            if done.rowcount == 0:
                return False
            connection.execute(
                update(CONTACT).where(CONTACT.c.id == contact_id).values(updated_at=now)
            )
            _log(connection, "contact.updated", now, number, detail)
            return True
