"""Config files given to ``smsrelay`` (``--config``): each refusal names the file, where, why."""

from __future__ import annotations

from tests.badinput.catalogue import Case, Seen


def _config(content: bytes):
    """``smsrelay inbox`` on this config: exit 2 and the ``ConfigError``, or exit 0. (``inbox``
    reads the whole file, as ``serve`` and the panel do; ``status``, ``send`` and ``messages``
    read only the tables they use, for their start-up time.)"""

    def run(rig):
        path = rig.folder / "bad.toml"
        path.write_bytes(content)
        return rig.cli("inbox", "--limit", "1", "--config", str(path))

    return run


CONFIG_CASES = [
    Case("config", "syntax-error", "`[appliance` (a bracket missing)",
         _config(b'[appliance\nnode = "x"\n'), Seen('exit 2', "error: bad.toml: line 1, column 11: TOML syntax: Expected ']' at the end of a table declaration")),
    Case("config", "missing-value", "`node = ` and nothing after",
         _config(b"[appliance]\nnode = \n"), Seen('exit 2', 'error: bad.toml: line 2, column 8: TOML syntax: Invalid value')),
    Case("config", "wrong-type", "`node = 5`",
         _config(b"[appliance]\nnode = 5\n"), Seen('exit 2', 'error: bad.toml: appliance.node: must be text in quotes, e.g. node = "main", not the number 5')),
    Case("config", "unknown-key", "`dayly_limit = 50` under `[defaults]`",
         _config(b"[defaults]\ndayly_limit = 50\n"), Seen('exit 2', "error: bad.toml: defaults.dayly_limit: unknown key; did you mean 'daily_limit'?")),
    Case("config", "unknown-table", "a table `[colours]`",
         _config(b"[colours]\nred = 1\n"), Seen('exit 2', 'error: bad.toml: colours: unknown table; known keys: appliance, node, web, discovery, defaults, modem, route, contacts, retention, calls, security, smtp, alerts, mail, imap')),
    Case("config", "file-invalid-utf8", "`node = \"\\xff\"` (cp1252 or binary in the file)",
         _config(b'[appliance]\nnode = "\xff"\n'), Seen('exit 2', 'error: bad.toml: line 2: is not UTF-8 text (byte 20); save it as UTF-8')),
    Case("config", "bom", "a UTF-8 BOM first (Notepad), then a wrong key",
         _config(b"\xef\xbb\xbf[appliance]\nnodes = \"x\"\n"), Seen('exit 2', "error: bad.toml: appliance.nodes: unknown key; did you mean 'node'?"),
         note="'line 1, column 1: Invalid statement' before issue 14"),
    Case("config", "nul-escape", "`node = \"a\\u0000b\"`",
         _config(b'[appliance]\nnode = "a\\u0000b"\n'), Seen('exit 2', 'error: bad.toml: appliance.node: holds the control character U+0000 (character 2); remove it'),
         note="accepted before issue 14"),
    Case("config", "raw-nul", "a raw NUL byte in a value",
         _config(b'[appliance]\nnode = "a\x00b"\n'), Seen('exit 2', "error: bad.toml: line 2, column 10: TOML syntax: Illegal character '\\x00'")),
    Case("config", "lone-surrogate-escape", "`node = \"\\ud800\"`",
         _config(b'[appliance]\nnode = "\\ud800"\n'), Seen('exit 2', 'error: bad.toml: line 2, column 15: TOML syntax: Escaped character is not a Unicode scalar value')),
    Case("config", "limit-past-64-bits", "`daily_limit = 99999999999999999999`",
         _config(b'[[modem]]\nport = "/dev/x"\ndaily_limit = 99999999999999999999\n'),
         Seen('exit 2', 'error: bad.toml: modem[1].daily_limit: must be a whole number above zero and at most 1_000_000_000, or false for no limit, not the number 99999999999999999999'), note="accepted before issue 14; the daemon failed storing it"),
    Case("config", "pin-as-number", "`pin = 1234` (no quotes)",
         _config(b'[[modem]]\nport = "/dev/x"\npin = 1234\n'), Seen('exit 2', 'error: bad.toml: modem[1].pin: must be 4 to 8 digits in quotes (write it in quotes, so a leading 0 is kept: pin = "0123")')),
    Case("config", "unknown-zone", "`timezone = \"Mars/Olympus\"`",
         _config(b'[appliance]\ntimezone = "Mars/Olympus"\n'), Seen('exit 2', 'error: bad.toml: appliance.timezone: \'Mars/Olympus\' is not a time zone of the IANA database (e.g. "Europe/Paris")')),
    Case("config", "quiet-hours", "`quiet_hours = \"25:00-08:00\"`",
         _config(b'[appliance]\nquiet_hours = "25:00-08:00"\n'), Seen('exit 2', "error: bad.toml: appliance.quiet_hours: '25:00-08:00' has an hour past 23 or a minute past 59")),
    Case("config", "huge-file", "5 MB of `x` and no `=`",
         _config(b"x" * 5_000_000), Seen('exit 2', "error: bad.toml: line 1 (end of file): TOML syntax: Expected '=' after a key in a key/value pair")),
    Case("config", "node-lease-too-short", "`[node] lease = 1` (seconds)",
         _config(b"[node]\nlease = 1\n"), Seen('exit 2', 'error: bad.toml: node.lease: must be a whole number from 2 to 3600, not the number 1'),
         note="issue 15"),
    Case("config", "node-named-twice", "`[appliance] node = \"a\"` and `[node] name = \"b\"`",
         _config(b'[appliance]\nnode = "a"\n[node]\nname = "b"\n'), Seen('exit 2', "error: bad.toml: node.name: 'b' differs from [appliance] node = 'a': keep one of them"),
         note="issue 15"),
    Case("config", "alerts-sms-to", "`[alerts] sms_to = \"12\"`",
         _config(b'[alerts]\nsms_to = "12"\n'), Seen('exit 2', "error: bad.toml: alerts.sms_to: '12' is not a valid phone number for FR"),
         note="issue 16"),
    Case("config", "mail-listen-for-anyone", "`[mail] listen` with no `allowed_senders`",
         _config(b'[mail]\nlisten = "127.0.0.1:2525"\n'), Seen('exit 2', 'error: bad.toml: mail.allowed_senders: is empty: with listen set, say whose mail may be sent'),
         note="issue 16"),
]  # fmt: skip
