"""The store: everything that touches the database, and the only package that runs SQL.

Callers import what they need from here (``from appliance.store import Store, Claim``) or from
the subject modules below that keep functions of their own (``history``, ``tally``,
``accounts``, ``webhooks``, ``webhook_queue``). What lives where:

- ``engine``: opening a database (SQLite pragmas, ``BEGIN IMMEDIATE``, PostgreSQL) and
  ``migrate`` (alembic, the scripts in ``migrations/``);
- ``schema``: the tables (sqlmodel models), the ``Priority`` of a message and the UTC time type;
- ``transactions``: the three ways to run a transaction (writing session, plain write
  connection, reading session), the base of ``Store``;
- ``statements``: the send path's SQL, built once with bound parameters;
- ``queueing``: enqueue (under the rules of ``consent``: STOP, the cap per person), cancel,
  retry; ``outbound``: claim, sent, retry, expire, recover (the at-most-once rule);
  ``attempt_schema``: each claim of a message by a modem and its outcome, ended on failure by
  ``attempts``; ``message_detail``: one message with its parts, attempts, delivery reports and
  the conversation around it (issue 16);
- ``inbound``: received parts and their reassembly, delivery reports; ``keyword_inbox``: the
  received messages the consent desk has still to answer;
- ``fleet``: modems, SIMs and their counters, signal samples, the event log;
- ``calls``: missed calls (``call_schema``) and their ``call.missed`` events; ``credit``: a
  SIM's credit, asked for by the panel, recorded by its worker, with ``sim.low_credit``
  (issue 13);
- ``conversation``: one number's timeline (sent, received, consent) for the panel;
- ``contacts``: the contact base (issue 11): contacts, their consent (opt-in, opt-out), tags and
  free fields; ``contact_import`` merges an import's rows in batches (their SQL, run by the
  driver, in ``contact_writes``), ``contact_saving`` one contact from the API,
  ``contact_schema`` holds the tables; ``consent``: the rules every queued message obeys (STOP,
  the cap per person);
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
- ``webhooks``: the admin's webhooks and their delivery logs; ``webhook_queue``: the sender's
  side (the event cursor and its look, the fan-out, leasing and recording deliveries).

The rule: only this package runs SQL. A module elsewhere that needs the database calls a
``Store`` method or a function here; it never builds a query or opens a session itself.
"""

from __future__ import annotations

import threading

from sqlalchemy import Engine

from .access import Access, NumberRecord
from .attempts import Attempts
from .calls import Calls
from .campaign_audience import Among, EventFilter
from .campaign_batch import StepPlan
from .campaign_changes import CampaignChanges, QueuedRecipient
from .campaign_results import CampaignResults, CampaignStats, CodeLookup
from .campaigns import MAIN_STEP, CampaignError, Campaigns, Expansion
from .charts import SignalHistory
from .consent import ConsentRefused, ConsentRules, NotOptedIn, OptedOut
from .contact_saving import ContactSaving
from .contacts import Contacts
from .conversation import Conversation
from .credit import Credit, SimCredit
from .erasure import Erased, Erasure, ErasureRefused
from .fleet import Fleet, SimCounts
from .inbound import InboundMessages, ReportFiled
from .keyword_inbox import KeywordInbox
from .message_detail import MessageDetail, MessageDetails
from .outbound import Claim, OutboundMessages, is_final
from .queueing import NewMessage
from .retention import Pruned, Retention
from .tally import Tally

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
    "NotOptedIn",
    "NumberRecord",
    "OptedOut",
    "Pruned",
    "QueuedRecipient",
    "ReportFiled",
    "SimCounts",
    "SimCredit",
    "StepPlan",
    "Store",
    "is_final",
]


class Store(
    OutboundMessages,
    Attempts,
    MessageDetails,
    InboundMessages,
    KeywordInbox,
    Fleet,
    Contacts,
    ContactSaving,
    Conversation,
    Erasure,
    Access,
    Retention,
    Campaigns,
    CampaignChanges,
    CampaignResults,
    Calls,
    Credit,
):
    """Operations on the database, each method one transaction, grouped by subject in the
    classes it is made of; plus what the panel's requests share for this store (the counts'
    snapshot, the kept signal slots), made on first use."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self._shared_lock = threading.Lock()
        self._tally: Tally | None = None
        self._signal_history: SignalHistory | None = None

    @property
    def tally(self) -> Tally:
        """This store's message counts by status (``tally.Tally``): one per store and process,
        shared by the panel's requests."""
        with self._shared_lock:
            if self._tally is None:
                self._tally = Tally(self)
            return self._tally

    @property
    def signal_history(self) -> SignalHistory:
        """The modems page's signal slots kept between requests (``charts.SignalHistory``)."""
        with self._shared_lock:
            if self._signal_history is None:
                self._signal_history = SignalHistory(self)
            return self._signal_history
