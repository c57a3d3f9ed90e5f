"""Which AT+CNMI and AT+CPMS settings to try, from what the modem says it accepts (pure).

``initialisation`` tries settings in order until one is taken. Blind, that order fails on
devices that accept less than TS 27.005 allows, though a setting that works exists:

- a Cinterion PHS8 answers AT+CNMI=? with ``(0,1,2),(0,1),(0,2),(0),(1)`` (ModemManager's
  cinterion plugin): <bfr> 1 only, so every setting with <bfr> 0 is refused and the modem would
  never announce a message. Its <bfr> is then taken from the list (1: the indications buffered
  before are dropped; the appliance lists the storage at start anyway).
- a Cinterion answers AT+CPMS=? with ``("ME","MT"),("ME","SM","MT"),("SM","MT")``: SM cannot be
  read (mem1), ME cannot receive (mem3); "ME","ME" is taken with two memories, and then a
  +CMTI naming "SM" cannot be read. The storage every memory takes ("MT") goes first.

When the test command is refused or unreadable, the blind order stands, as before.
"""

from __future__ import annotations

from collections.abc import Sequence

Cnmi = tuple[int, int, int, int, int]


def cnmi_candidates(
    choices: Sequence[Cnmi], accepted: Sequence[frozenset[int]] | None
) -> list[Cnmi]:
    """``choices`` that fit ``accepted`` (the five lists of AT+CNMI=?), <bfr> adapted; all of
    them, unchanged, when ``accepted`` is None."""
    if accepted is None:
        return list(choices)
    bfrs = accepted[4]
    fitting: list[Cnmi] = []
    for choice in choices:
        if choice[4] not in bfrs and bfrs:
            choice = (*choice[:4], min(bfrs))  # type: ignore[assignment]
        fits = all(value in values for value, values in zip(choice, accepted, strict=True))
        if fits and choice not in fitting:
            fitting.append(choice)
    return fitting or list(choices)


def storage_candidates(choices: Sequence[str], lists: Sequence[Sequence[str]] | None) -> list[str]:
    """``choices`` with those every memory of AT+CPMS=? takes first, in their own order."""
    if not lists:
        return list(choices)
    everywhere = [name for name in choices if all(name in names for names in lists)]
    return everywhere + [name for name in choices if name not in everywhere]
