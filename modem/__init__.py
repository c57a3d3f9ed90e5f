"""The driver library: USB GSM modems over AT commands; knows nothing of queues, databases, web.

- ``at/``: the sans-IO AT core (bytes in, events out) and the 3GPP parsers
- ``pdu/``: the SMS PDU codec and length counting
- ``vendors/``: per-vendor quirks and parsers (Huawei, Quectel, SIMCom, Wavecom, ZTE; generic
  3GPP default)
- ``device/``: ``Modem``, the blocking facade over one port, one concern per module
- ``transport.py``: the only importer of ``serial``
- ``events.py``, ``errors.py``, ``codes.py``: domain events, typed errors, CME/CMS codes
- ``sim/``: the modem simulator (a pure fake DCE and a pty server)

``at`` and ``pdu`` import no transport, serial or database; ``vendors`` builds on them and is
pure too; ``device`` builds on all of them and ``transport``; nothing here imports ``device``.
"""
