"""Taking in one text for several numbers, all or nothing (the panel's Compose page).

A volunteer types a list of numbers and one text. Each number becomes its own message through
``outbox.prepare`` (the same rules as the CLI and the API), the same person typed twice gets one
message, and any error means nothing is queued: the errors name the numbers that were refused,
and the form's other fields, so the page can put each next to what was typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from .config import Config
from .outbox import BadRequest, prepare
from .store import NewMessage

MAX_RECIPIENTS = 500  # more than this is a campaign, not a message typed in the panel
SPLIT_NUMBERS = re.compile(r"[,;\n]+")


@dataclass(frozen=True)
class Intake:
    """The messages to queue, or the errors to show by field (then ``prepared`` is not to be
    queued)."""

    prepared: tuple[NewMessage, ...]
    number_errors: tuple[tuple[str, str], ...]  # (number as typed, why)
    field_errors: dict[str, str]  # to, text, send_at, priority

    @property
    def ok(self) -> bool:
        """Whether there is something to queue and nothing wrong."""
        return bool(self.prepared) and not self.field_errors


def split_numbers(text: str) -> list[str]:
    """Numbers separated by commas, semicolons or line breaks (spaces stay: "06 12 34 56 78")."""
    return [n.strip() for n in SPLIT_NUMBERS.split(text) if n.strip()]


def take_in(
    config: Config,
    *,
    numbers: str,
    text: str,
    now: datetime,
    later: bool = False,
    send_at: str = "",
    priority: str = "normal",
    source: str = "panel",
) -> Intake:
    """Prepare one message per number in ``numbers`` (as typed: see ``split_numbers``).

    ``later`` is the choice to send at ``send_at`` rather than now; without a time it is an error
    of its own. Nothing is queued here: the caller enqueues ``prepared`` when ``ok``.
    """
    typed = split_numbers(numbers)
    when = send_at.strip() if later else None
    field_errors: dict[str, str] = {}
    number_errors: list[tuple[str, str]] = []
    if not typed:
        field_errors["to"] = "enter at least one number"
    elif len(typed) > MAX_RECIPIENTS:
        field_errors["to"] = (
            f"{len(typed)} numbers: at most {MAX_RECIPIENTS} at once (use a campaign for more)"
        )
        typed = []
    if later and not when:
        field_errors["send_at"] = "choose when to send it"
        when = None
    prepared: list[NewMessage] = []
    seen: set[str] = set()
    for number in typed:
        try:
            new = prepare(
                config,
                to=number,
                text=text,
                now=now,
                send_at=when,
                priority=priority or "normal",
                source=source,
            )
        except BadRequest as exc:
            if exc.field == "to":
                number_errors.append((number, exc.why))
            else:
                field_errors.setdefault(exc.field, exc.why)
            continue
        if new.recipient not in seen:  # the same person typed twice gets it once
            seen.add(new.recipient)
            prepared.append(new)
    if number_errors and "to" not in field_errors:
        bad = ", ".join(n for n, _ in number_errors)
        field_errors["to"] = f"cannot send to {bad}; nothing was queued"
    return Intake(tuple(prepared), tuple(number_errors), field_errors)
