"""The store: everything that touches the database, and the only package that runs SQL.

Callers import what they need from here (``from appliance.store import Store, Claim``) or from
the subject modules below that keep functions of their own (``history``, ``tally``,
``accounts``, ``webhooks``, ``webhook_queue``). What lives where:

- ``engine``: opening a database (SQLite pragmas, ``BEGIN IMMEDIATE``, PostgreSQL) and
  ``migrate`` (alembic, the scripts in ``migrations/``); ``sqlite_file``: what every SQLite
  connection sets, for both drivers (the pragmas, ``BEGIN IMMEDIATE``, the schema revision);
- ``schema``: the tables (sqlmodel models) and the UTC time type; ``kinds``: a message's
  ``Priority`` and ``MessageKind`` (pure);
- ``admission``: the one way a message enters the queue (its row, STOP, opt-in, the cap per
  person), pure; run by ``queueing`` (SQLAlchemy) and ``direct`` (the CLI's quick path on
  Python's ``sqlite3``: ``send``, ``status``, ``messages`` without importing SQLAlchemy);
- ``composed``: the ``Store`` class, made of the classes below;
- ``transactions``: the three ways to run a transaction (writing session, plain write
  connection, reading session), the base of ``Store``;
- ``statements``: the send path's SQL, built once with bound parameters;
- ``queueing``: enqueue (under the rules of ``consent``: STOP, the cap per person), cancel,
  retry; ``outbound``: claim, sent, retry, expire, recover (the at-most-once rule);
- ``inbound``: received parts and their reassembly, delivery reports; ``keyword_inbox``: the
  received messages the consent desk has still to answer;
- ``fleet``: modems, SIMs and their counters, signal samples, the event log;
- ``calls``: missed calls (``call_schema``) and their ``call.missed`` events; ``credit``: a
  SIM's credit, asked for by the panel, recorded by its worker, with ``sim.low_credit``
  (issue 13);
- ``node_registry``: the nodes sharing one database (``node_schema``), their claims' leases,
  and the advisory locks that let one node at a time run a scheduled job (issue 15);
- ``outage``: whether an error means the database refuses writes or cannot be reached, for
  now, in words (callers may not import SQLAlchemy to tell; issues 14 and 15);
- ``conversation``: one number's timeline (sent, received, consent) for the panel;
- ``contacts``: the contact base (issue 11): contacts, their consent (opt-in, opt-out), tags and
  free fields; ``contact_import`` merges an import's rows in batches (their SQL, run by the
  driver, in ``contact_writes``), ``contact_saving`` one contact from the API,
  ``contact_schema`` holds the tables; ``consent``: the SQL of the rules every queued message
  obeys (STOP, the cap per person; the rules themselves in ``admission``);
- ``campaigns``: campaigns (issue 12) and their expansion into queued messages, one per person
  and step, each skip recorded with its reason; ``campaign_schema`` holds the tables,
  ``campaign_audience`` who a step is for, ``campaign_changes`` pausing, new texts and an events
  campaign's events, ``campaign_results`` counts, replies, codes and exports;
- ``erasure``: erasing a number everywhere (the right to be forgotten), ``access``: everything
  held on a number (the right of access), ``retention``: the daily clean-up of old records;
- ``history`` (the panel's pages and the message search, its text matching in
  ``text_search``) and ``charts`` (the modems page's signal and hourly charts): read-only,
  paged by key;
- ``tally``: message counts by status, cheap at a million messages;
- ``accounts``: panel users and API tokens (the rules on names and passwords stay in
  ``appliance.accounts``);
- ``alerts``: the alerts' facts and rows with their ``alert.*`` events; ``mail``: the cursor of
  received messages forwarded by email; both tables in ``alert_schema`` (issue 16);
- ``webhooks``: the admin's webhooks and their delivery logs; ``webhook_queue``: the sender's
  side (the event cursor and its look, the fan-out, leasing and recording deliveries).

The rule: only this package runs SQL. A module elsewhere that needs the database calls a
``Store`` method or a function here; it never builds a query or opens a session itself.

Importing this package costs nothing: each name below is imported from its module on first use
(PEP 562), so the quick path of ``smsrelay send``, ``status`` and ``messages`` (``direct``,
Python's ``sqlite3``) starts without SQLAlchemy (docs/benchmarks.md, "CLI start-up").
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .access import NumberRecord
    from .admission import ConsentRefused, ConsentRules, NewMessage, NotOptedIn, OptedOut
    from .campaign_audience import Among, EventFilter
    from .campaign_batch import StepPlan
    from .campaign_changes import CampaignChanges, QueuedRecipient
    from .campaign_results import CampaignResults, CampaignStats, CodeLookup
    from .campaigns import MAIN_STEP, CampaignError, Expansion
    from .composed import Store
    from .credit import SimCredit
    from .erasure import Erased, ErasureRefused
    from .fleet import SimCounts
    from .inbound import ReportFiled
    from .message_detail import MessageDetail
    from .outage import Outage, outage_of
    from .outbound import Claim, is_final
    from .retention import Pruned

# where each name lives (its module, imported on first use)
_HOME = {
    "Among": "campaign_audience",
    "CampaignChanges": "campaign_changes",
    "CampaignError": "campaigns",
    "CampaignResults": "campaign_results",
    "CampaignStats": "campaign_results",
    "Claim": "outbound",
    "CodeLookup": "campaign_results",
    "ConsentRefused": "admission",
    "ConsentRules": "admission",
    "Erased": "erasure",
    "ErasureRefused": "erasure",
    "EventFilter": "campaign_audience",
    "Expansion": "campaigns",
    "MessageDetail": "message_detail",
    "NodeRegistry": "node_registry",
    "MAIN_STEP": "campaigns",
    "NewMessage": "admission",
    "NotOptedIn": "admission",
    "NumberRecord": "access",
    "OptedOut": "admission",
    "Pruned": "retention",
    "QueuedRecipient": "campaign_changes",
    "ReportFiled": "inbound",
    "SimCounts": "sim_records",
    "SimCredit": "sim_records",
    "StepPlan": "campaign_batch",
    "Store": "composed",
    "is_final": "outbound",
    "Outage": "outage",
    "outage_of": "outage",
}

__all__ = [
    "MAIN_STEP",
    "Among",
    "CampaignChanges",
    "CampaignError",
    "CampaignResults",
    "CampaignStats",
    "Claim",
    "CodeLookup",
    "ConsentRefused",
    "ConsentRules",
    "Erased",
    "ErasureRefused",
    "EventFilter",
    "Expansion",
    "MessageDetail",
    "NewMessage",
    "NodeRegistry",
    "NotOptedIn",
    "NumberRecord",
    "OptedOut",
    "Outage",
    "Pruned",
    "QueuedRecipient",
    "ReportFiled",
    "SimCounts",
    "SimCredit",
    "StepPlan",
    "Store",
    "is_final",
    "outage_of",
]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value
