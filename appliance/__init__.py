"""The appliance: the product built on the ``modem`` driver, below the ``web`` panel.

What lives where (README "Layout" says the same at a glance):

- ``store/``: everything that touches the database; no SQL anywhere else (import-linter checks).
- ``states``: modem states and message statuses with their allowed moves, as tables.
- ``status``: why a modem or the queue does not move, in plain words, for every front end.
- the daemon's machinery: ``worker`` (one thread per modem), ``pool``, ``dispatch``, ``pacing``
  and ``breaker`` (per-SIM pacing, caps and back-off), ``reports``, ``daemon`` (``smsrelay
  serve``), ``discovery`` (pyudev), ``memory``.
- what front ends call to queue and wait: ``outbox``, ``intake``, ``numbers``, ``waiters``,
  ``wakeup``, ``views`` (the stable JSON shapes), ``accounts``.
- ``webhooks/``: the event log posted to other systems, signed.
- ``cli/``: the ``smsrelay`` command, thin over the above.
- ``config``, ``clock`` (time is injected), ``install`` (systemd, udev).

Dependencies point one way: ``web → appliance → modem``; the appliance never imports ``web``
(the daemon finds the panel through the ``smsrelay.frontends`` entry point).
"""
