"""What the events file's import says, in the reader's language (issue 16).

``appliance.campaigns.events_file`` says in English what is wrong with a file or a row ("line
4, Date: '31/02/2027' is not a date (write it 12/12/2026 or 2026-12-12)"), ``.schedule`` why a
step is skipped or moved, and ``appliance.campaigning.events_import`` gathers them into its
refusals: the CLI's and the API's words, kept. The events page (``campaign_events.html``) says
each again here by its shape, as ``web.reasons`` does the daemon's; values that are the
appliance's words (a step's kind, the event fields a file lacks) are said by ``value_words``,
what the file holds (headers, cells, ids) is kept as written.
"""

from __future__ import annotations

from flask_babel import gettext as _

from appliance.status import N_

STEPS = {"invitation": N_("invitation"), "reminder": N_("reminder")}  # schedule's kinds
CHANGES = {  # events_import's report.changes, what a file changed since the last import
    "added": N_("Added"), "moved": N_("Moved"), "time_changed": N_("Time changed"),
    "edited": N_("Edited"), "removed": N_("Removed"), "unchanged": N_("Unchanged"),
}  # fmt: skip
FIELDS = {"the id": N_("the id"), "the place": N_("the place"), "the date": N_("the date")}
WHEN = r"(?P<when>\d{4}-\d\d-\d\d \d\d:\d\d)"

EVENTS_FILE_WORDS: tuple[tuple[str, str], ...] = (
    # the file as a whole (events_file.EventFileError)
    (r"the file is empty: it has no header line", N_("the file is empty: it has no header line")),
    (r"the column (?P<header>'.*') appears twice in the header line",
     N_("the column %(header)s appears twice in the header line")),
    (r"cannot map a column to (?P<asked>.*): the fields are (?P<fields>.*)",
     N_("cannot map a column to %(asked)s: the fields are %(fields)s")),
    (r"the column (?P<header>'.*')… has a name over (?P<n>\d+) characters",
     N_("the column %(header)s… has a name over %(n)s characters")),
    (r"no column holds (?P<lacking>the .*) \(headers seen: (?P<seen>.*)\); name them "
     r"\((?P<examples>.*)\) or map them explicitly",
     N_("no column holds %(lacking)s (headers seen: %(seen)s); name them (%(examples)s) or map "
        "them explicitly")),
    (r"line (?P<line>\d+): cannot be read as CSV \((?P<error>.*)\)",
     N_("line %(line)s: cannot be read as CSV (%(error)s)")),
    # a refused row (contacts.csvfile.RowError: "line N: …" or "line N, <header>: …")
    (r"line (?P<line>\d+): (?P<why>.*)", N_("line %(line)s: %(why)s")),
    (r"line (?P<line>\d+), (?P<header>[^:]*): (?P<why>.*)",
     N_("line %(line)s, %(header)s: %(why)s")),
    (r"(?P<n>\d+) cells where the header has (?P<width>\d+) columns",
     N_("%(n)s cells where the header has %(width)s columns")),
    (r"the id (?P<id>'.*') is also the id of line (?P<line>\d+): an id names one event, so "
     r"neither row is kept",
     N_("the id %(id)s is also the id of line %(line)s: an id names one event, so neither row "
        "is kept")),
    (r"an end time needs a start time", N_("an end time needs a start time")),
    (r"the end (?P<end>\d\d:\d\d) is not after the start (?P<start>\d\d:\d\d)",
     N_("the end %(end)s is not after the start %(start)s")),
    (r"holds a NUL character \(is the file UTF-16\? save it as CSV UTF-8\)",
     N_("holds a NUL character (is the file UTF-16? save it as CSV UTF-8)")),
    (r"is empty: every event needs its id", N_("is empty: every event needs its id")),
    (r"is empty: every event needs its place", N_("is empty: every event needs its place")),
    (r"is empty: every event needs its date", N_("is empty: every event needs its date")),
    (r"the id is longer than (?P<n>\d+) characters", N_("the id is longer than %(n)s characters")),
    (r"is longer than (?P<n>\d+) characters", N_("is longer than %(n)s characters")),
    (r"(?P<text>'.*') is not a date \(write it 12/12/2026 or 2026-12-12\)",
     N_("%(text)s is not a date (write it 12/12/2026 or 2026-12-12)")),
    (r"(?P<text>'.*') is not a time of day \(write it 14h30, 14:30 or 9h\)",
     N_("%(text)s is not a time of day (write it 14h30, 14:30 or 9h)")),
    # the import's refusal of a file with bad rows (events_import; the panel's own wording)
    (r"(?P<n>\d+) bad row\(s\), nothing imported \(fix them, or import the good rows only with "
     r"--partial\): (?P<rows>.*)",
     N_("%(n)s bad row(s), nothing imported (fix them, or import the good rows only with "
        "--partial): %(rows)s")),
    (r"(?P<n>\d+) bad row\(s\), nothing imported \(fix them, or import the good rows only with "
     r"“keep the good rows”\): (?P<rows>.*)",
     N_("%(n)s bad row(s), nothing imported (fix them, or import the good rows only with “keep "
        "the good rows”): %(rows)s")),
    # a step skipped or moved (schedule.plan_event, schedule.to_utc)
    (r"too late: " + WHEN + r" had passed when the file was imported",
     N_("too late: %(when)s had passed when the file was imported")),
    (r"too late: the event is on (?P<day>\d{4}-\d\d-\d\d)",
     N_("too late: the event is on %(day)s")),
    (r"too late: the (?P<step>\w+) that follows has passed too",
     N_("too late: the %(step)s that follows has passed too")),
    (r"too late: " + WHEN + r" has passed", N_("too late: %(when)s has passed")),
    (WHEN + r" had passed when the file was imported: sent now",
     N_("%(when)s had passed when the file was imported: sent now")),
    (WHEN + r" does not exist in (?P<zone>\S+): moved to (?P<time>\d\d:\d\d)",
     N_("%(when)s does not exist in %(zone)s: moved to %(time)s")),
    (WHEN + r" happens twice in (?P<zone>\S+): the first is used",
     N_("%(when)s happens twice in %(zone)s: the first is used")),
)  # fmt: skip


def value_words(name: str, value: str, again) -> str | None:
    """A value of these shapes that is the appliance's own words, in the reader's language
    (``again``: ``web.reasons.reason_words``, for the rows of a refusal); None for a value of
    another name."""
    if name == "step":
        return step_words(value)
    if name == "seen":
        return _("none") if value == "none" else value
    if name == "lacking":  # "the id, the place"
        return ", ".join(_(FIELDS[f]) if f in FIELDS else f for f in value.split(", "))
    if name == "examples":  # "the id: 'Identifiant' or 'ID'; the date: 'Date'"
        return "; ".join(_example(part) for part in value.split("; "))
    if name == "rows":  # "line 2, Date: …; line 3: …; ..."
        return "; ".join(again(part) or part for part in value.split("; "))
    return None


def step_words(kind: str | None) -> str:
    """A step's kind in the schedule ("invitation", "reminder"), in words."""
    return _(STEPS[kind]) if kind in STEPS else (kind or "")


def change_words(change: str) -> str:
    """What an events file changed ("time_changed"), as the schedule's heading says it."""
    return _(CHANGES[change]) if change in CHANGES else change


def _example(part: str) -> str:
    field, sep, names = part.partition(": ")
    if not sep or field not in FIELDS:
        return part
    first, sep, second = names.partition(" or ")
    if sep:
        names = _("%(first)s or %(second)s", first=first, second=second)
    return _("%(field)s: %(names)s", field=_(FIELDS[field]), names=names)
