"""Which language a panel page is in (web.i18n): the browser's Accept-Language among French and
English, English otherwise; the catalogue compiled from its .po when stale."""

from __future__ import annotations

import os

from web import i18n


def test_french_browser_gets_french(signed_in, volunteer) -> None:
    client = signed_in("volunteer")
    page = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert '<html lang="fr">' in page.text
    assert "Se déconnecter" in page.text


def test_other_browsers_get_english(signed_in, volunteer) -> None:
    client = signed_in("volunteer")
    for header in ("de-DE,de;q=0.9", "en-GB", ""):
        page = client.get("/", headers={"Accept-Language": header})
        assert '<html lang="en">' in page.text
        assert "Log out" in page.text


def test_a_stale_catalogue_is_compiled(tmp_path) -> None:
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "messages.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: fr\\n"\n\nmsgid "Queue"\nmsgstr "File"\n')
    i18n.compile_catalogues(tmp_path)
    mo = folder / "messages.mo"
    assert b"File" in mo.read_bytes()
    os.utime(mo, (0, 0))  # older than its .po: built again
    po.write_text(po.read_text().replace('"File"', '"File d\'attente"'))
    i18n.compile_catalogues(tmp_path)
    assert b"File d'attente" in mo.read_bytes()


def test_a_user_chooses_their_language(signed_in, volunteer, store) -> None:
    client = signed_in("volunteer")
    french_browser = {"Accept-Language": "fr"}
    chosen = client.post("/language", data={"language": "en", "next": "/history"})
    assert chosen.status_code == 303 and chosen.headers["Location"] == "/history"
    assert "Log out" in client.get("/", headers=french_browser).text  # English, chosen
    client.post("/language", data={"language": ""})
    assert "Se déconnecter" in client.get("/", headers=french_browser).text  # the browser's again
    client.post("/language", data={"language": "fr"})
    assert "Se déconnecter" in client.get("/", headers={"Accept-Language": "en"}).text


def test_an_unknown_language_is_refused(signed_in, volunteer) -> None:
    refused = signed_in("volunteer").post("/language", data={"language": "de"})
    assert refused.status_code == 400
    assert "language" in refused.text
