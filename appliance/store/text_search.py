"""The message search's text matching: "the text holds this, any case", the same on every path
and both databases, and the trigram index that finds the candidates (SQLite: the FTS5 table of
migration 0004; PostgreSQL: its GIN trigram index, which the planner uses for ``ILIKE`` by
itself). ``history`` walks the pages; this module says which rows match and asks the index.
"""

from __future__ import annotations

from sqlalchemy import TableClause, column, func, table
from sqlmodel import Session, col, select

from .schema import Message

# --- the text search ----------------------------------------------------------------------------
#
# Semantics, the same on every path and both databases: the text is a substring, any case. Case
# is folded letter by letter (``_fold``) for Latin (accented letters included), Greek and
# Cyrillic, the scripts SQLite's FTS5 folds too; other characters (digits, emoji, other
# scripts) must be typed as they are. ``%``, ``_`` and ``/`` are plain characters.
# PostgreSQL's ILIKE folds with its locale, which agrees for those scripts.

MESSAGE_TEXT_INDEX = "message_text"  # SQLite: the FTS5 trigram table of migration 0004
TRIGRAM = 3  # a search text shorter than this holds no trigram: no index serves it, it is scanned
MAX_TRIGRAMS = 4  # trigrams asked of the index; the candidates are checked with the whole text
TEXT_PROBE = 500  # text candidates checked for a status before the status walk takes over

# Code points folded to lower case: those FTS5's trigram tokenizer (``case_sensitive 0``) folds
# too, so that its candidates hold every match. It knows the case pairs of Unicode 6.1: below,
# Latin, Greek, Cyrillic and their extensions, but for the few letters added later (Greek Yot,
# four Cyrillic ones). tests/appliance/test_history_search.py checks every one against SQLite.
FOLDED_RANGES = ((0x0000, 0x0530), (0x1E00, 0x2000))
NOT_FOLDED_BY_FTS5 = frozenset({0x037F, 0x0528, 0x052A, 0x052C, 0x052E})


def _fold_table() -> dict[int, str]:
    folded = {}
    for first, end in FOLDED_RANGES:
        for point in range(first, end):
            lower = chr(point).lower()
            # "İ".lower() is two characters: keep it as it is (it is no ASCII "i" either)
            if lower != chr(point) and len(lower) == 1 and point not in NOT_FOLDED_BY_FTS5:
                folded[point] = lower
    return folded


FOLD = _fold_table()
# Characters beyond ASCII that have a case in FOLD: a search text with none of them needs no
# folding function, as SQLite's LIKE already ignores the case of ASCII letters.
CASED_BEYOND_ASCII = frozenset(
    c for point, lower in FOLD.items() for c in (chr(point), lower) if not c.isascii()
)
FOLD_FUNCTION = "smsrelay_fold"


def _fold(value: str) -> str:
    """``value`` with every letter of ``FOLDED_RANGES`` in lower case (the search's notion of
    "any case")."""
    return value.translate(FOLD)


def _like_pattern(searched: str) -> str:
    """``%searched%`` with LIKE's wildcards in it made literal (escape character ``/``)."""
    escaped = searched.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


def _text_condition(session: Session, searched: str):
    """The exact condition "``Message.text`` contains ``searched``, any case", for this database.

    SQLite: ``LIKE`` when ``searched`` has no letter beyond ASCII with a case (LIKE ignores ASCII
    case, in C: 0.45 s for a million rows, against 0.86 s for ``lower(text) LIKE``); otherwise
    ``instr`` on the folded text, through ``smsrelay_fold`` (``_fold``, registered on the
    connection). PostgreSQL: ``ILIKE``, which the trigram index serves.
    """
    column = col(Message.text)
    if session.get_bind().dialect.name == "postgresql":
        return column.ilike(_like_pattern(searched), escape="/")
    if CASED_BEYOND_ASCII.isdisjoint(searched):
        return column.like(_like_pattern(searched), escape="/")
    driver = session.connection().connection.driver_connection
    driver.create_function(FOLD_FUNCTION, 1, _fold, deterministic=True)
    return func.instr(getattr(func, FOLD_FUNCTION)(column), _fold(searched)) > 0


def _has_text_index(session: Session, searched: str) -> bool:
    """Whether ``_walk_by_text`` can serve ``searched``: on SQLite, and three characters or more.

    A shorter text has no trigram, so no trigram index can find it: it is checked row by row on
    the other paths (a scan of the table when fewer than a page of messages hold it: 0.5-1 s at
    a million messages). On PostgreSQL the planner picks the trigram index for ``ILIKE`` itself.
    """
    return session.get_bind().dialect.name == "sqlite" and len(searched) >= TRIGRAM


def _trigram_query(searched: str) -> str:
    """An FTS5 query for the messages holding ``searched``'s trigrams (case folded by FTS5).

    Every trigram of ``searched`` is in a message that holds it, so asking for some of them
    finds every match, and a few others the exact condition then drops. Each trigram asked
    costs a walk of its list of messages: a long text (a whole message pasted in) would ask for
    dozens of common ones (450 ms measured for 62 of them), so at most ``MAX_TRIGRAMS`` are
    asked, spread over the text (16 ms for the same text, the same 21 messages).
    """
    pieces = [searched[i : i + TRIGRAM] for i in range(len(searched) - TRIGRAM + 1)]
    if len(pieces) > MAX_TRIGRAMS:
        step = (len(pieces) - 1) / (MAX_TRIGRAMS - 1)
        pieces = [pieces[round(n * step)] for n in range(MAX_TRIGRAMS)]
    quoted = ('"' + piece.replace('"', '""') + '"' for piece in dict.fromkeys(pieces))
    return " AND ".join(quoted)


def _text_index() -> TableClause:
    return table(MESSAGE_TEXT_INDEX, column("rowid"), column(MESSAGE_TEXT_INDEX))


def _text_candidates(
    session: Session, match: str, low: int, high: int, upwards: bool, limit: int
) -> list[int]:
    """Up to ``limit`` ids in [low, high) of messages the trigram index offers, in page order."""
    index = _text_index()
    key = index.c.rowid
    found = session.exec(
        select(key)
        .where(index.c[MESSAGE_TEXT_INDEX].op("MATCH")(match), key >= low, key < high)
        .order_by(key.asc() if upwards else key.desc())
        .limit(limit)
    )
    return list(found.all())
