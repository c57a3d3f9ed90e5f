"""The command table: every AT command name the simulator knows, to its handler.

A name missing here answers ``ERROR``, as an unknown command does on a real modem. Vendor
commands are in the table for every profile; their handlers answer ``ERROR`` on a profile that
does not have them (AT+CCID on a Huawei, AT^CURC on a SIM800).
"""

from __future__ import annotations

from . import commands_calls, commands_general, commands_sim, commands_sms, commands_ussd
from .handler import Handler

HANDLERS: dict[str, Handler] = {
    **commands_general.HANDLERS,
    **commands_sim.HANDLERS,
    **commands_sms.HANDLERS,
    **commands_ussd.HANDLERS,
    **commands_calls.HANDLERS,
}
