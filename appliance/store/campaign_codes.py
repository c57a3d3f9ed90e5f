"""Unique short codes for a campaign's recipients (``{code}``: a coupon, a registration code).

Eight characters from an alphabet without the look-alikes people misread on a phone (no 0/O,
1/I/L): 31^8, about 850 billion codes, so 100,000 recipients collide with an existing code
about once in 20 campaigns. A collision is not handled here: the unique index on
``campaign_recipient.code`` refuses the batch, and ``Campaigns.expand`` runs the batch again
with new codes. Codes come from ``secrets``: a code that can be guessed is a coupon anyone can
redeem.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8


def new_codes(connection: object, count: int) -> list[str]:
    """``count`` codes, distinct among themselves (the database checks them against the rest).
    ``connection`` is unused: codes do not read the store, the unique index answers for them."""
    made: set[str] = set()
    while len(made) < count:
        made.add("".join(secrets.choice(ALPHABET) for _ in range(LENGTH)))
    return list(made)


def normalise(code: str) -> str:
    """A code as typed back ("k7m2 9qxd", "K7M2-9QXD") in its stored form."""
    return "".join(c for c in code.upper() if c.isalnum())
