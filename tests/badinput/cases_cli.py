"""Bad input given to ``smsrelay`` on the command line (exit 2 is bad input, DESIGN.md)."""

from __future__ import annotations

from tests.badinput.catalogue import Case, Seen

TO = "+33612345678"


def _send(*args: str, input: bytes | str | None = None):
    return lambda rig: rig.cli("send", *args, input=input)


CLI_CASES = [
    Case("cli", "number-with-letters", "`send '06 12 AB 56 78' hi`",
         _send("06 12 AB 56 78", "hi"), Seen('exit 2', "error: to: cannot send to '06 12 AB 56 78': it contains letters; an SMS goes to digits only")),
    Case("cli", "number-too-long", "`send 99999999999999999999 hi`",
         _send("99999999999999999999", "hi"), Seen('exit 2', "error: to: cannot send to '99999999999999999999': it is too long (at most 15 digits)")),
    Case("cli", "number-too-short", "`send '06 12 34' hi` (not a short code)",
         _send("06 12 34", "hi"), Seen('exit 2', "error: to: cannot send to '06 12 34': it is too short for a number of +33 (FR)")),
    Case("cli", "premium-rate", "`send '+33 899 12 34 56' hi`",
         _send("+33 899 12 34 56", "hi"), Seen('exit 2', "error: to: '+33 899 12 34 56' is a premium-rate number; to write to such numbers, set [security] premium_rate = true")),
    Case("cli", "overlong-text", "a text of 2,000 characters (14 parts; `max_parts` is 10)",
         _send(TO, "x" * 2000), Seen('exit 2', 'error: text: needs 14 SMS parts (2000 gsm7 units); at most 10 are allowed')),
    Case("cli", "huge-text-stdin", "`send NUMBER -` with 5 MB on standard input",
         _send(TO, "-", input="é" * 2_500_000), Seen('exit 2', 'error: text: needs 16340 SMS parts (2500000 gsm7 units); at most 10 are allowed')),
    Case("cli", "text-with-nul", "a text holding NUL (`a\\0b`)",
         _send(TO, "a\x00b"), Seen('exit 2', 'error: text: it contains a NUL byte (character 2)')),
    Case("cli", "whitespace-text", "a text of spaces and line breaks",
         _send(TO, "  \n\t "), Seen('exit 2', 'error: text: is blank (only spaces or line breaks)')),
    Case("cli", "empty-stdin", "`send NUMBER -` with nothing on standard input",
         _send(TO, "-", input=b""), Seen('exit 2', 'error: text: is empty')),
    Case("cli", "invalid-utf8-stdin", "standard input `ok \\xff` (not UTF-8)",
         _send(TO, "-", input=b"ok \xff"), Seen('exit 2', 'error: text: standard input is not UTF-8 text (byte 3)')),
    Case("cli", "invalid-utf8-argv", "the text argument as the bytes `\\xff\\xfe` (a process)",
         lambda rig: rig.process("send", TO.encode(), b"\xff\xfe"), Seen('exit 2', 'error: text: it is not UTF-8 text (character 1)')),
    Case("cli", "lone-surrogate-argv",
         "the text argument as the bytes `\\xed\\xa0\\x80` (U+D800 as CESU-8; a process)",
         lambda rig: rig.process("send", TO.encode(), b"caf\xed\xa0\x80"), Seen('exit 2', 'error: text: it is not UTF-8 text (character 4)')),
    Case("cli", "at-words", "`--at 'tomorrow 8h'`",
         _send(TO, "hi", "--at", "tomorrow 8h"), Seen('exit 2', "error: send_at: 'tomorrow 8h' is not a time: use ISO 8601 (2026-12-01T08:00) or +10m/+2h/+1d")),
    Case("cli", "at-impossible-date", "`--at 2026-13-45`",
         _send(TO, "hi", "--at", "2026-13-45"), Seen('exit 2', "error: send_at: '2026-13-45' is not a time: use ISO 8601 (2026-12-01T08:00) or +10m/+2h/+1d")),
    Case("cli", "at-past", "`--at 2020-01-01T08:00`",
         _send(TO, "hi", "--at", "2020-01-01T08:00"), Seen('exit 2', "error: send_at: '2020-01-01T08:00' is in the past")),
    Case("cli", "at-year-1", "`--at 0001-01-01`",
         _send(TO, "hi", "--at", "0001-01-01"), Seen('exit 2', "error: send_at: '0001-01-01' is in the past"),
         note="said 'too far in the future' before issue 14"),
    Case("cli", "at-year-4764", "`--at 4764-01-01` (a typo for 2026)",
         _send(TO, "hi", "--at", "4764-01-01"), Seen('exit 2', "error: send_at: '4764-01-01' is too far ahead: at most 366 days from now")),
    Case("cli", "at-relative-overflow", "`--at +99999999d`",
         _send(TO, "hi", "--at", "+99999999d"), Seen('exit 2', "error: send_at: '+99999999d' is too far in the future")),
    Case("cli", "unknown-priority", "`--priority urgent`",
         _send(TO, "hi", "--priority", "urgent"), Seen('exit 2', "Error: Invalid value for '--priority': 'urgent' is not one of 'high', 'normal', 'low'.")),
    Case("cli", "modem-not-an-imei", "`--modem abc`",
         _send(TO, "hi", "--modem", "abc"), Seen('exit 2', "error: modem: 'abc' is not an IMEI (15 digits)")),
    Case("cli", "cancel-huge-id", "`cancel 99999999999999999999`",
         lambda rig: rig.cli("cancel", "99999999999999999999"), Seen('exit 1', '99999999999999999999: no message 99999999999999999999')),
    Case("cli", "messages-limit-zero", "`messages --limit 0`",
         lambda rig: rig.cli("messages", "--limit", "0"), Seen('exit 2', "Error: Invalid value for '--limit': 0 is not in the range 1<=x<=10000.")),
]  # fmt: skip
