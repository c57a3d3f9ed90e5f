"""``/modems``: every modem of every node, as the daemons last saw them."""

from __future__ import annotations

from flask import Response, jsonify

from appliance import views
from appliance.status import capability_words, explain_modem
from web.services import services

from .operations import Answer, operation
from .schemas import ModemList


@operation(
    "GET",
    "/modems",
    operation_id="listModems",
    summary="The modems, as the daemons last saw them",
    answer=Answer(200, "Every modem of every node.", ModemList),
)
def modems() -> Response:
    config, store, now = services().config, services().store, services().clock.now()
    rows = views.status(config, store, now)["modems"]
    for row in rows:
        row["why"] = explain_modem(row, now, node=config.node)
        row["capability"] = capability_words(row)
    listed = ModemList.model_validate({"modems": rows})
    return jsonify(listed.body())
