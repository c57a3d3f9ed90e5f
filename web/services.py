"""What the views need from the appliance, reachable from any request."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from appliance.clock import Clock
from appliance.config import Config
from appliance.store import Store


@dataclass(frozen=True)
class Services:
    config: Config
    store: Store
    clock: Clock


def services() -> Services:
    return current_app.extensions["smsrelay"]
