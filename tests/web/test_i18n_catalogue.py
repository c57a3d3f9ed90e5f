"""Every string the panel shows has its French (issue 16): Babel's own extraction over the
panel (babel.cfg, as ``make translations`` runs it) against the committed French catalogue. A
msgid missing from the catalogue, or there with an empty or fuzzy translation, fails."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "web/translations/fr/LC_MESSAGES/messages.po"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "N_": None, "tr": None}


def extracted() -> dict[str, str]:
    """msgid -> where it was found."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {name: spec or (1,) for name, spec in KEYWORDS.items()}
    found = {}
    for filename, line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault(msgid, f"{filename}:{line}")
    return found


def test_extraction_finds_the_panel() -> None:
    found = extracted()
    assert len(found) > 400
    assert "Why it does not send:" in found  # a template
    assert "1 message waits" in found  # appliance.status
    assert "retry requested (was %(why)s)" in found  # web.reasons


def test_every_msgid_has_its_french() -> None:
    with CATALOGUE.open("rb") as po:
        catalogue = read_po(po, locale="fr")
    missing = []
    for msgid, where in sorted(extracted().items(), key=lambda item: item[1]):
        message = catalogue.get(msgid)
        strings = message.string if message else ""
        strings = strings if isinstance(strings, tuple) else (strings,)
        if message is None or message.fuzzy or not all(strings):
            missing.append(f"{where}: {msgid!r}")
    assert not missing, "untranslated (run `make translations`, then translate):\n" + "\n".join(
        missing
    )
