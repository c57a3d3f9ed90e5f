"""The ``smsrelay`` command line: thin over the library (parse arguments, call, print, exit).

One module per command group; each only parses, calls ``appliance`` and prints:

- ``main``: the click group (the ``smsrelay`` entry point, ``appliance.cli:main``) and the list
  of commands;
- ``common``: what every command shares: the exit codes, the ``--config`` and ``--json``
  options, opening the config and the store, printing a result or a listing;
- ``send``: ``send`` (with ``--wait``); ``status``: ``status``;
- ``messages``: ``messages``, ``inbox``, ``cancel``, ``retry``;
- ``tokens``: ``token create|list|revoke``;
- ``users``: ``user add|list|rename|delete|role|password``;
- ``serve``: ``serve`` (the daemon); ``debug``: ``at`` and ``simulate``; ``install``: ``install``.

Every command's help ends with an example; ``tests/unit/test_cli_help.py`` fails when one has none.
Exit codes follow DESIGN.md: 0 ok, 1 failed, 2 bad input, 3 timeout.
"""

from .main import main

__all__ = ["main"]
