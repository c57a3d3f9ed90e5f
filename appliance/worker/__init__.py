"""The modem worker: the one thread that owns one modem's port.

Everything that touches the port happens on this thread: initialising, unlocking, health polls,
sends handed over by the dispatcher, reading and deleting inbound messages. Other threads talk to
it through its inbox queue, so a stuck modem stalls only its own worker, never the others.

``ModemWorker`` is one class made of one small class per concern, each in its own module:

- ``modem_worker``: ``ModemWorker`` itself: its attributes (the ``__init__`` every part below
  reads), starting and stopping the thread, the thread's loops (``_run`` connects and retries,
  ``_serve`` takes the inbox's items one by one and turns a lost port or a timeout into a heal),
  and saving the modem's state (``_set``, ``_save``) so the store is written before the
  dispatcher sees the change;
- ``inbox``: the items other threads hand over (a send, a poll, an unsolicited result), their
  ranks (sends before housekeeping, never forever: ``POLL_DEFER_MAX``) and the calls that queue
  them (``send``, ``poll``);
- ``connecting``: opening the port, initialising and unlocking (a PIN the SIM refused is never
  sent again: three wrong ones block it), and the words for a modem that cannot serve;
- ``sending``: one send, and what a failure means: whom to blame (``appliance.breaker``), the
  SIM pausing after errors in a row while the message goes again at once, the message waiting
  when the destination is at fault, ``unknown`` when it may have left;
- ``ahead``: the next message claimed while the current send is on the air, so no claim sits
  between two sends; what was claimed ahead and cannot go goes back to the queue;
- ``errands``: the worker's second thread: the store writes of a send that ended (written while
  the next is on the air) and the claim ahead, in order;
- ``health``: polls of signal and registration, and the modem's row saved from them;
- ``healing``: the ladder on a timeout: ESC + ATZ (soft reset) → close and reopen the port →
  AT+CFUN=1,1 (power cycle; a USB dongle vanishes and comes back) → ``failed`` with the reason,
  tried again from scratch after ``retry_failed_after``;
- ``receiving``: inbound messages and delivery reports, read off the SIM and deleted only once
  stored;
- ``calls``: incoming calls (issue 13): the caller read from +CLIP, the call hung up if the
  config says so, kept as missed and handed to the consent desk;
- ``credit``: the SIM's credit by USSD, on a schedule between sends and when the panel asks;
- ``settings``: ``WorkerSettings``, what the config says about one modem.

Why mixins rather than helper objects: every concern reads and writes the same few things (the
port, the state and its reason, the SIM's identity, the store), and they call each other (a
reopen initialises again; a send that times out heals). One object with its methods grouped by
module keeps those calls plain ``self._heal(...)``; the attributes are all made in
``ModemWorker.__init__``, and the parts hold no state of their own.
"""

from __future__ import annotations

from .modem_worker import ModemWorker
from .settings import WorkerSettings

__all__ = ["ModemWorker", "WorkerSettings"]
