"""What a received SMS asks, in the words people really type: join, stop, or nothing we answer.

People write "STOP", "stop.", "Stop !", "arrêt", "STOP SMS", "Désinscription svp"; so keywords are
matched on a folded form of the text (case and accents removed, punctuation turned to spaces):

- **Opt-out** keywords match as whole words anywhere in a short message: "Stop !", "merci de
  stopper" does not match ("stopper" is another word), "STOP SMS" does. Honouring a STOP that
  was meant is the law; the risk of reading one too many is a person who gets no more messages,
  which they can undo by texting the join keyword. Only short messages count (``STOP_WORDS_MAX``
  words): a long text that mentions "stop" in passing is a conversation, not an opt-out.
- **Join** keywords must open the message: "INSCRIPTION don du sang" joins, with the rest as the
  theme ("don du sang", kept as the person wrote it, minus edge punctuation).

``looks_automatic`` tells an automatic reply (an out-of-office, an operator's notice, another
machine's confirmation) from a person, so that the appliance never answers one: an automatic
reply answering an automatic reply is how two machines text each other all night.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

JOIN, STOP = "join", "stop"
STOP_WORDS_MAX = 8  # words: "Stop, je ne veux plus de SMS merci" still counts
_NOT_WORD = re.compile(r"[^\w]+")
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
# Marks of a message written by a machine, folded (see ``fold``): out-of-office replies, "do not
# reply" notices, operators' service messages.
_AUTOMATIC_MARKS = (
    "reponse automatique",
    "message automatique",
    "ceci est un message automatique",
    "auto reply",
    "autoreply",
    "automatic reply",
    "out of office",
    "absent du bureau",
    "ne pas repondre",
    "ne repondez pas",
    "do not reply",
    "noreply",
    "no reply",
)


@dataclass(frozen=True)
class Keyword:
    """What the message asks: ``kind`` JOIN or STOP, the keyword matched, and for a join the
    theme that follows it (None when the person gave none)."""

    kind: str
    keyword: str
    theme: str | None = None


def fold(text: str) -> str:
    """Lower case, no accents, words separated by single spaces: "Arrêt !" -> "arret"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", plain).split())


def match(text: str, *, join: tuple[str, ...], stop: tuple[str, ...]) -> Keyword | None:
    """The keyword ``text`` holds, if any (an opt-out wins over a join: "STOP INSCRIPTION")."""
    folded = fold(text)
    if not folded:
        return None
    words = folded.split(" ")
    padded = f" {folded} "
    if len(words) <= STOP_WORDS_MAX:
        for keyword in sorted(stop, key=len, reverse=True):
            key = fold(keyword)
            if key and f" {key} " in padded:
                return Keyword(STOP, keyword)
    for keyword in sorted(join, key=len, reverse=True):
        key = fold(keyword)
        if key and (folded == key or folded.startswith(key + " ")):
            return Keyword(JOIN, keyword, _theme(text, len(key.split(" "))))
    return None


def looks_automatic(sender: str, text: str) -> bool:
    """Whether a received message is an automatic one: from a name or a short code (services
    and operators, never a person's phone), or carrying an automatic reply's usual words."""
    digits = sender.lstrip("+")
    if not digits.isdigit() or len(digits) <= 6:
        return True
    folded = f" {fold(text)} "
    return any(f" {mark} " in folded for mark in _AUTOMATIC_MARKS)


def _theme(text: str, keyword_words: int) -> str | None:
    """What follows the join keyword's words in the text as written, trimmed of punctuation."""
    pieces = text.split()
    seen = 0
    for index, piece in enumerate(pieces):
        seen += len(fold(piece).split(" ")) if fold(piece) else 0
        if seen >= keyword_words:
            rest = " ".join(pieces[index + 1 :])
            rest = _EDGE.sub("", rest).strip()
            return rest[:64] or None
    return None
