"""SIMCom: each generation's ICCID command, asked before 3GPP's AT+CRSM."""

from __future__ import annotations

from modem.at import parse_iccid
from modem.vendors import vendor_for


def test_both_generations_are_simcom_and_ask_their_own_iccid_command_first():
    for manufacturer in ("SIMCOM_Ltd", "SIMCOM INCORPORATED"):  # SIM800, SIM7600G-H captures
        vendor = vendor_for(manufacturer)
        assert vendor.name == "simcom"
        commands = [command for command, _ in vendor.iccid_commands]
        assert commands.index("AT+CCID") < commands.index("AT+CICCID")
        assert commands.index("AT+CICCID") < commands.index("AT+CRSM=176,12258,0,0,10")


def test_the_sim7600_answer_is_read():
    # SIM7500_SIM7600 AT Command Manual §4.3; ModemManager's unswapped 20-digit test vector
    assert parse_iccid(["+ICCID: 89324102234690160476"]) == "89324102234690160476"
