"""``/alerts``: the alerts told to a person (issue 16), the open ones first, then the latest
resolved; the same records the ``alert.*`` webhooks carry."""

from __future__ import annotations

from flask import Response, jsonify
from pydantic import Field

from appliance.store.alerts import recent_alerts
from web.services import services

from .operations import Answer, operation
from .schemas import Answer as Body
from .schemas import Id, Timestamp

SHOWN = 50


class AlertBody(Body):
    """A condition that fired: a modem down, a SIM near its cap, a stuck queue, low credit,
    a full disk."""

    id: Id
    condition: str = Field(description="modem_down, sim_cap, queue_stuck, low_credit or disk_full.")
    subject: str | None = Field(description="The modem's IMEI or the SIM's ICCID; null for "
                                "the queue and the disk.")  # fmt: skip
    detail: str = Field(description="What it is, in plain words.")
    since: Timestamp = Field(description="When the condition was first seen.")
    fired_at: Timestamp = Field(description="When the person was told.")
    resolved_at: Timestamp | None = Field(description="When it cleared; null while open.")


class AlertList(Body):
    alerts: list[AlertBody]


@operation(
    "GET",
    "/alerts",
    operation_id="listAlerts",
    summary="Alerts, open ones first",
    description=f"The open alerts, then the latest resolved ones ({SHOWN} at most), newest "
    "first. Set who is told, and of what, in the [alerts] table of the config.",
    parameters=(),
    answer=Answer(200, "The alerts.", AlertList),
    errors=(),
)
def list_alerts() -> Response:
    alerts = recent_alerts(services().store, SHOWN)
    body = {"alerts": [alert.data() for alert in alerts]}
    return jsonify(AlertList.model_validate(body).body())
