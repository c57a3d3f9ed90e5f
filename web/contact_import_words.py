"""What the contacts import and the contact pages refuse, in the reader's language (issue 16).

``appliance.contacts`` says in English what is wrong with a contacts file ("this is a
spreadsheet…", "no column holds the phone number…") or one of its rows ("line 4, Téléphone:
'12345' is not a valid number for FR: …", built by ``csvfile.RowError``), and
``importing.ImportRefused`` gathers the first rows into its refusal; ``appliance.store.erasure``
refuses to erase a contact while a message to it is on the air. Those are the CLI's and the
API's words, kept as they are. The import page and the contact pages say each again here by its
shape, as ``web.reasons`` does the daemon's reasons. A row's "line N, <header>: …" and the
number's own reasons are shapes ``web.events_file_words`` and ``web.refusals`` know already;
what follows the header (``why``) is said again by ``web.reasons`` in turn. The values (a line,
a header and a cell as written, a region, a count) are kept.
"""

from __future__ import annotations

import re

from flask_babel import format_decimal
from flask_babel import gettext as _

from appliance.status import N_

# the panel's name for the CLI's --partial (web.pages.imports), said as its checkbox says it
KEEP_GOOD_ROWS = "“keep the good rows”"
KEEP_GOOD_ROWS_WORDS = N_("“keep the good rows”")
ROW = re.compile(r"; (?=line \d+[,:])")  # between two rows of a refusal ("…; line 4, Langue: …")
REFUSED = r"(?P<n>\d+) row\(s\) refused, nothing imported: (?P<refused_rows>.*)"
PARTIAL = r"\((?P<partial>--partial|“keep the good rows”)\)"

CONTACT_IMPORT_WORDS: tuple[tuple[str, str], ...] = (
    # a file that cannot be read at all (csvfile.read_csv, csvfile._rows_of, headers.map_headers)
    (r"this is a spreadsheet \(\.xlsx, \.ods or \.xls\), not a CSV file: open it and save it as "
     r"CSV UTF-8",
     N_("this is a spreadsheet (.xlsx, .ods or .xls), not a CSV file: open it and save it as "
        "CSV UTF-8")),
    (r"a quote \(\"\) opens a cell that is never closed: every line after it would be read into "
     r"that cell",
     N_("a quote (\") opens a cell that is never closed: every line after it would be read into "
        "that cell")),
    (r"text follows a closing quote \(\"Ann\" Smith\): put the whole cell in quotes and double "
     r"the quotes inside \(\"\"\"Ann\"\" Smith\"\)",
     N_("text follows a closing quote (\"Ann\" Smith): put the whole cell in quotes and double "
        "the quotes inside (\"\"\"Ann\"\" Smith\")")),
    (r"a cell is over (?P<limit>[\d,]+) characters, more than any contact holds \(a quote left "
     r"open\?\)",
     N_("a cell is over %(limit)s characters, more than any contact holds (a quote left open?)")),
    (r"the column (?P<header>'.*')… has a name over (?P<n>\d+) characters: shorten it in the "
     r"header line \(it becomes a free field's name\)",
     N_("the column %(header)s… has a name over %(n)s characters: shorten it in the header "
        "line (it becomes a free field's name)")),
    (r"no column holds the phone number \(headers seen: (?P<seen>.*)\); name it 'Téléphone' or "
     r"'Phone', or map it explicitly \(e\.g\. (?P<example>--map '.*')\)",
     N_("no column holds the phone number (headers seen: %(seen)s); name it 'Téléphone' or "
        "'Phone', or map it explicitly (e.g. %(example)s)")),
    (r"(?P<map>--map '.*'): write it as 'Column header=field'",
     N_("%(map)s: write it as 'Column header=field'")),
    # what is wrong with one cell (csvfile._Rows, csvfile._number, cells.language)
    (r"the number is empty \(numbers without '\+' are read as (?P<region>\w+)\)",
     N_("the number is empty (numbers without '+' are read as %(region)s)")),
    (r"(?P<text>'.*') is not a valid number for (?P<region>\w+): (?P<why>.*)",
     N_("%(text)s is not a valid number for %(region)s: %(why)s")),
    (r"it is a short code, not a person's number", N_("it is a short code, not a person's number")),
    (r"(?P<text>'.*') is not a language we write in \(fr or en\)",
     N_("%(text)s is not a language we write in (fr or en)")),
    (r"the tag (?P<tag>'.*') is longer than (?P<n>\d+) characters",
     N_("the tag %(tag)s is longer than %(n)s characters")),
    # an all-or-nothing import with bad rows (importing.ImportRefused): the first three rows
    (REFUSED + r" \(and (?P<more>\d+) more\)\. Fix them, or import the good rows only " + PARTIAL
     + r" and get a report of the others",
     N_("%(n)s row(s) refused, nothing imported: %(refused_rows)s (and %(more)s more). Fix them, "
        "or import the good rows only (%(partial)s) and get a report of the others")),
    (REFUSED + r"\. Fix them, or import the good rows only " + PARTIAL
     + r" and get a report of the others",
     N_("%(n)s row(s) refused, nothing imported: %(refused_rows)s. Fix them, or import the good "
        "rows only (%(partial)s) and get a report of the others")),
    # a contact's erasure while a message to it is on the air (store.erasure.ErasureRefused)
    (r"message (?P<id>\d+) to (?P<number>\S+) is being sent right now; nothing was erased\. "
     r"Erase again once it is settled \(seconds; (?P<cli>`smsrelay messages --to`) shows "
     r"it\)",
     N_("message %(id)s to %(number)s is being sent right now; nothing was erased. Erase again "
        "once it is settled (seconds; %(cli)s shows it)")),
)  # fmt: skip


def value_words(name: str, value: str, again) -> str | None:
    """A value of these shapes that is the appliance's own words, in the reader's language
    (``again``: ``web.reasons.reason_words``, for each row of a refusal); None for a value of
    another name."""
    if name == "refused_rows":  # "line 3, Téléphone: …; line 4: …", a row may hold "; " too
        return "; ".join(again(row) or row for row in ROW.split(value))
    if name == "limit":  # csv.field_size_limit() as Python writes it, "131,072"
        return format_decimal(int(value.replace(",", "")))
    if name == "partial":
        return _(KEEP_GOOD_ROWS_WORDS) if value == KEEP_GOOD_ROWS else value
    return None
