"""``CallControl``: who calls (caller identification on) and ending an incoming call.

An SMS appliance answers no call; what it may do is learn who called (``AT+CLIP=1``, TS
27.007 §7.6: a ``+CLIP`` after every ``RING``) and hang up. Two commands end a call and modems
differ on which ends a *voice* call that is ringing: V.250's ``ATH`` (some firmwares end only
data calls with it) and TS 27.007 §6.5's ``AT+CHUP`` (newer, not on every old modem). The
owner chooses (smstools3 offers the same choice: ``voicecall_hangup_ath``); the other is
tried when the modem refuses the chosen one.
"""

from __future__ import annotations

from modem.errors import CmeError, CmsError, CommandError

from .channel import AtChannel

HANG_UP_COMMANDS = ("ATH", "AT+CHUP")


class CallControl(AtChannel):
    """Caller identification and hanging up; both harmless on a modem without voice."""

    def enable_caller_id(self) -> bool:
        """``AT+CLIP=1``: each RING is followed by ``+CLIP`` naming the caller. False when the
        modem refuses it (a data-only stick): RING then comes alone, and calls have no number."""
        return self._try("AT+CLIP=1")

    def hang_up(self, command: str = "ATH") -> str:
        """End the call that rings (or is up) with ``command`` (``ATH`` or ``AT+CHUP``), the
        other one if the modem refuses it. Returns the command that worked; raises the last
        refusal (``CommandError``, ``CmeError``) when both are refused."""
        if command not in HANG_UP_COMMANDS:
            raise ValueError(
                f"{command!r} is not a hang-up command ({', '.join(HANG_UP_COMMANDS)})"
            )
        order = (command, *(other for other in HANG_UP_COMMANDS if other != command))
        refused: Exception | None = None
        for text in order:
            try:
                self._simple(text)
            except (CommandError, CmeError, CmsError) as exc:
                refused = exc
                continue
            return text
        assert refused is not None
        raise refused
