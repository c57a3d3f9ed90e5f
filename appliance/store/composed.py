"""``Store``: the one object the rest of the appliance holds, made of the store's parts (each
one concern, one module; see the package's docstring)."""

from __future__ import annotations

import threading

from sqlalchemy import Engine

from .access import Access
from .attempts import Attempts
from .calls import Calls
from .campaign_changes import CampaignChanges
from .campaign_results import CampaignResults
from .campaigns import Campaigns
from .charts import SignalHistory
from .contact_saving import ContactSaving
from .contacts import Contacts
from .conversation import Conversation
from .credit import Credit
from .erasure import Erasure
from .fleet import Fleet
from .inbound import InboundMessages
from .keyword_inbox import KeywordInbox
from .message_detail import MessageDetails
from .naming import Naming
from .node_registry import NodeRegistry
from .outbound import OutboundMessages
from .retention import Retention
from .sender_limits import SenderLimits
from .tally import Tally


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
    NodeRegistry,
    Naming,
    SenderLimits,
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
