"""A bad-input case, what the user sees when it is given, and the catalogue written from them.

A case is one input a person or a device could really give (a typo, a file saved in the wrong
encoding, a modem's line noise) with the exact answer the user gets: the exit code and the
message of the CLI, the HTTP status and the JSON or page text of the web, the ``ConfigError``
of a config file, the event the daemon logs for a modem's reply. ``written`` says what the
store may hold afterwards: nothing (the default), or what the product documents (the good rows
of a ``--partial`` import). The table is the contract; ``docs/bad-input.md`` is made from it,
so the page cannot say something the tests do not check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.badinput.rig import Rig

AREAS = {
    "cli": "The `smsrelay` command",
    "api": "The HTTP API",
    "panel": "The panel's forms",
    "csv": "Contacts CSV imports",
    "config": "The config file",
    "modem": "Modem replies",
}


@dataclass(frozen=True)
class Seen:
    """What the user is shown: ``outcome`` (``exit 2``, ``HTTP 422``, ``ConfigError``, an event
    kind...) and the ``message`` word for word (one line; a page's error as its text)."""

    outcome: str
    message: str


@dataclass(frozen=True)
class Case:
    """One bad input. ``run`` gives it to the component on ``rig`` and returns what was seen."""

    area: str
    name: str  # a slug, unique: the test id
    given: str  # the input, in words (markdown), for the catalogue
    run: Callable[[Rig], Seen]
    expect: Seen
    written: Mapping[str, int] = field(default_factory=dict)  # table -> rows it may gain
    note: str = ""  # why the answer is what it is, or the fix that made it so

    def __post_init__(self) -> None:
        if self.area not in AREAS:
            raise ValueError(f"{self.name}: unknown area {self.area!r}")

    @property
    def checks_store(self) -> bool:
        """Whether the test counts the store's rows around the case: every case of an area that
        writes, and any that says what it may write (the others touch no store)."""
        return self.area in ("cli", "api", "panel", "csv") or bool(self.written)


def _cell(text: str) -> str:
    """Text as one markdown table cell: pipes escaped, control characters shown as escapes."""
    shown = "".join(
        ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii")
        for ch in text
    )
    return shown.replace("|", "\\|")


def render(cases: Iterable[Case]) -> str:
    """The catalogue as markdown, by area in ``AREAS``'s order, cases in the table's order."""
    cases = list(cases)
    out = [
        "# Bad input: what each gets",
        "",
        "<!-- Generated from tests/badinput/cases*.py by "
        "`BADINPUT_WRITE=1 .venv/bin/python -m pytest -q tests/badinput`; do not edit. -->",
        "",
        "Every case below is run by `tests/badinput/test_catalogue.py` against the real component",
        "(the CLI under click's runner or as a process, the Flask app with its CSRF checks, the",
        "config loader, the sans-IO AT core and PDU codec, the simulator on a real pty). The test",
        "checks the answer word for word, that it is never a traceback nor a 500, and that the",
        "store holds nothing half-written afterwards (the *Written* column: what it may hold).",
        f"{len(cases)} cases.",
        "",
    ]
    for area, title in AREAS.items():
        mine = [case for case in cases if case.area == area]
        if not mine:
            continue
        out += [
            f"## {title}",
            "",
            "| Case | Input | Answer | Message | Written |",
            "|---|---|---|---|---|",
        ]
        for case in mine:
            written = ", ".join(f"{n} {t}" for t, n in case.written.items()) or (
                "nothing" if case.checks_store else "(no store)"
            )
            note = f" ({_cell(case.note)})" if case.note else ""
            out.append(
                f"| `{case.name}` | {_cell(case.given)}{note} | {_cell(case.expect.outcome)} "
                f"| {_cell(case.expect.message)} | {written} |"
            )
        out.append("")
    return "\n".join(out)
