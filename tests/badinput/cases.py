"""The catalogue's table: every case of every area, in the order docs/bad-input.md shows."""

from __future__ import annotations

from tests.badinput.cases_api import API_CASES
from tests.badinput.cases_cli import CLI_CASES
from tests.badinput.cases_config import CONFIG_CASES
from tests.badinput.cases_csv import CSV_CASES
from tests.badinput.cases_modem import MODEM_CASES
from tests.badinput.cases_panel import PANEL_CASES

CASES = [*CLI_CASES, *API_CASES, *PANEL_CASES, *CSV_CASES, *CONFIG_CASES, *MODEM_CASES]
