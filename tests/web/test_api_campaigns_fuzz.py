"""The campaign operations fuzzed on a campaign that exists, and the events import on files
that read.

``test_schemathesis`` fuzzes every operation from the document, but a generated name or id
names no campaign, so the moves there all end in 404 before a body is read, and a generated
CSV is never an events file. Here the document's ``{campaign}`` is narrowed to one running
campaign (``collecte``, with people, a sent message and codes), so schemathesis' bodies reach
the operations themselves: previews of generated templates, edits, corrections, follow-ups;
and the events import's body to a few real files (then its generated options reach the
import: texts, days, times, tags). Same checks and bounds as the main fuzz: no server error,
every answer as documented.
"""

from __future__ import annotations

import copy

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from appliance.campaigning import operations
from appliance.store.contacts import ContactValues
from tests.web.conftest import T0
from tests.web.test_api import claim
from tests.web.test_schemathesis import FUZZ_CONFIG, CurrentApp
from web.api import PREFIX
from web.api.openapi import document

NAME = "collecte"
EVENTS = f"{PREFIX}/events/import"
FILES = [
    "id;lieu;date;début;fin;ville\nC1;Salle A;05/12/2026;14h;19h;Lyon\n",
    "id;lieu;date;début;fin;ville\nC1;Salle A;05/12/2026;15h;19h;Lyon\n"
    "C2;Mairie;24/11/2026;8h;9h;\n",
    "id,place,date\nC9,Gymnase,31/02/2026\nC1,Salle A,2026-12-06\n",
]


def _narrowed() -> dict:
    """The document's campaign operations, ``{campaign}`` always ``collecte``."""
    doc = copy.deepcopy(document())
    doc["paths"] = {
        path: item
        for path, item in doc["paths"].items()
        if path.startswith(f"{PREFIX}/campaigns/{{campaign}}") or path == EVENTS
    }
    body = doc["paths"][EVENTS]["post"]["requestBody"]["content"]["text/csv"]
    body["schema"] = {"type": "string", "enum": FILES}
    for item in doc["paths"].values():
        for parameter in item.get("parameters", []):
            if parameter["name"] == "campaign":
                parameter["schema"] = {"type": "string", "enum": [NAME]}
    return doc


CURRENT = CurrentApp()
schema = schemathesis.openapi.from_dict(
    _narrowed(), config=SchemathesisConfig.from_dict(FUZZ_CONFIG)
)
schema.app = CURRENT


@pytest.fixture
def running(app, store, config):
    """Three donors, the campaign ``collecte`` started with codes, one message sent."""
    for number, first in (("+33611111111", "Alice"), ("+33622222222", "Bob"),
                          ("+33633333333", "Élodie")):  # fmt: skip
        values = ContactValues(number=number, first_name=first, tags=("donneur",),
                               fields={"ville": "Lyon"})  # fmt: skip
        store.save_contact(values, now=T0, consent=("form", "signup"))
    made = operations.create(store, config, T0, name=NAME, text="{first_name} : {code}",
                             tags=("donneur",))  # fmt: skip
    operations.start(store, config, made, T0)
    first = claim(store, T0)
    store.mark_sent(first.id, [7], 1, None, T0, "2026-11-23", "2026-11")
    CURRENT.app = app
    yield app
    CURRENT.app = None


@schema.parametrize()
@settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_the_campaign_operations_keep_their_contract(case, running, auth):
    case.call_and_validate(headers=auth)
