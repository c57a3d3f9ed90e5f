"""The import service shared by the CLI, the panel and the API (appliance.contacts.importing)."""

from datetime import UTC, datetime

import pytest

from appliance.contacts.importing import (
    ContactFileError,
    ImportRefused,
    apply_import,
    error_report,
    parse_mapping,
    plan_import,
)
from appliance.store import Store
from appliance.store.engine import create_engine_for, migrate

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
GOOD = "Nom;Prénom;Téléphone;Thème\nDupré;Élodie;06 12 34 56 78;Don du sang\n"
BAD = GOOD + "Martin;Paul;12345;Plaquettes\n"


@pytest.fixture
def store(tmp_path):
    engine = create_engine_for(f"sqlite:///{tmp_path / 'db.sqlite'}")
    migrate(engine)
    return Store(engine)


def test_plan_writes_nothing_and_counts(store):
    plan = plan_import(store, GOOD.encode("cp1252"), filename="a.csv", region="FR", now=NOW)
    assert plan.would.new == 1 and plan.errors == []
    assert plan.preview[0]["number"] == "+33612345678"
    assert plan.as_dict()["encoding"] == "cp1252"
    assert store.contact("+33612345678") is None


def test_all_or_nothing_refuses_then_partial_keeps_good_rows(store):
    plan = plan_import(store, BAD.encode(), filename="a.csv", region="FR", now=NOW)
    with pytest.raises(ImportRefused, match="line 3, Téléphone"):
        apply_import(store, plan, now=NOW)
    assert store.contact("+33612345678") is None
    chunks: list[int] = []
    done = apply_import(store, plan, now=NOW, partial=True, progress=chunks.append)
    assert done.counts.new == 1 and len(done.skipped) == 1 and sum(chunks) == 1
    contact = store.contact("+33612345678")
    assert contact is not None and contact.opt_in_proof == "import a.csv line 2"
    assert error_report(done.skipped).splitlines()[1].startswith("3,Téléphone,")


def test_mapping_pairs():
    assert parse_mapping(["GSM perso = number"]) == {"GSM perso": "number"}
    with pytest.raises(ContactFileError, match="--map 'oops'"):
        parse_mapping(["oops"])
