"""Which column of a contacts file holds what: the header row mapped to the contact's fields.

People export contacts from whatever spreadsheet or address book they have, in French or in
English, so the number column may be "Téléphone", "Tél.", "Portable", "GSM" or "Mobile phone".
A header is compared by its *key*: accents, case, spaces, dashes, underscores and dots removed,
so "N° de téléphone" is not needed in the table for "Téléphone" to match "TELEPHONE" or
"télé-phone". Every column that is not one of the fields is a free field, kept under its
header as written (the person who made the file chose that name and will look for it).

An explicit mapping (``{"GSM perso": "number"}``, the CLI's ``--map``) wins over the table: it
is how someone whose number column is called something we cannot guess still imports the file.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

NUMBER = "number"
FIRST_NAME = "first_name"
LAST_NAME = "last_name"
LANGUAGE = "language"
TAGS = "tags"
FIELDS = (NUMBER, FIRST_NAME, LAST_NAME, LANGUAGE, TAGS)
# What the store's columns hold (appliance.store.contact_schema): a file that goes past them is
# refused here, by line and column, on every path, rather than by the database at the write
# (PostgreSQL refuses where SQLite would keep it).
NAME_MAX, TAG_MAX, FIELD_NAME_MAX = 128, 64, 64

_IGNORED_IN_KEYS = frozenset(" -_.\u00a0\u202f\t")


class ContactFileError(ValueError):
    """The file as a whole cannot be read as contacts (no number column, no header, a header
    twice): nothing is imported, and the message says what to fix in the file."""


def key(text: str) -> str:
    """``text`` folded for comparison: no accents, no case, no spaces, dashes, underscores or
    dots. "Prénom", "PRENOM" and "pré-nom" share the key "prenom"."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = (c for c in decomposed if not unicodedata.combining(c) and c not in _IGNORED_IN_KEYS)
    return "".join(kept).casefold()


_NAMES = {
    NUMBER: (
        "Téléphone", "Telephone", "Tél", "Tel", "Portable", "Mobile", "Numéro", "Numero", "GSM",
        "Phone", "Mobile phone", "Number", "Cell",
    ),
    FIRST_NAME: ("Prénom", "Prenom", "First name", "Firstname", "Given name"),
    LAST_NAME: ("Nom", "Nom de famille", "Last name", "Lastname", "Surname", "Family name"),
    LANGUAGE: ("Langue", "Language", "Lang"),
    TAGS: ("Thème", "Thèmes", "Theme", "Themes", "Tags", "Tag", "Catégorie", "Categories"),
}  # fmt: skip
AUTOMATIC = {key(name): field for field, names in _NAMES.items() for name in names}


def map_headers(
    headers: Iterable[str], explicit: Mapping[str, str] | None = None
) -> dict[str, str | None]:
    """Each header (as written) → the field it fills, or ``None`` for a free field.

    ``explicit`` maps headers (compared by key, so its spelling need not be exact) to fields and
    is applied first; the table then fills the fields still free, left to right. A field is
    filled by one column only: a second "Portable" beside "Téléphone" stays a free field rather
    than having two numbers compete for one contact. Empty headers are left out (a column with
    no name is a spreadsheet's leftover, not data). Raises ``ContactFileError`` when there is no
    number column, a header appears twice, or ``explicit`` names a field that does not exist.
    """
    headers = [h.strip() for h in headers]
    seen: set[str] = set()
    for header in headers:
        if header and header in seen:
            raise ContactFileError(f"the column {header!r} appears twice in the header line")
        seen.add(header)
    wanted = {key(header): field for header, field in (explicit or {}).items()}
    unknown = sorted(set(wanted.values()) - set(FIELDS))
    if unknown:
        raise ContactFileError(
            f"cannot map a column to {', '.join(map(repr, unknown))}: "
            f"the fields are {', '.join(FIELDS)}"
        )
    mapping: dict[str, str | None] = {h: None for h in headers if h}
    taken: set[str] = set()
    for source in (wanted, AUTOMATIC):
        for header in mapping:
            field = source.get(key(header))
            if mapping[header] is None and field is not None and field not in taken:
                mapping[header] = field
                taken.add(field)
    for header, field in mapping.items():
        if field is None and len(header) > FIELD_NAME_MAX:
            raise ContactFileError(
                f"the column {header[:40]!r}… has a name over {FIELD_NAME_MAX} characters: "
                "shorten it in the header line (it becomes a free field's name)"
            )
    if NUMBER not in taken:
        seen_text = ", ".join(repr(h) for h in headers if h) or "none"
        raise ContactFileError(
            f"no column holds the phone number (headers seen: {seen_text}); name it "
            "'Téléphone' or 'Phone', or map it explicitly (e.g. --map 'GSM perso=number')"
        )
    return mapping
