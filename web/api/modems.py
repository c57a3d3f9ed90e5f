"""``/modems``: every modem of every node, as the daemons last saw them; and their names."""

from __future__ import annotations

from typing import Annotated

from flask import Response, jsonify
from pydantic import Field

from appliance import views
from appliance.naming import BadName, checked_name, checked_number
from appliance.status import capability_words, explain_modem
from appliance.store.naming import UnknownDevice
from web.services import services

from .errors import refuse
from .operations import Answer, Parameter, operation
from .requests import read_body
from .schemas import IMEI, Modem, ModemList, ModemNames

IMEI_PARAMETER = Parameter(
    "imei",
    "path",
    "The modem's IMEI, as `GET /modems` lists it. Never seen here: 404.",
    Annotated[str, Field(pattern=f"^{IMEI}$")],
)


def _rows() -> list[dict]:
    config, store, now = services().config, services().store, services().clock.now()
    rows = views.status(config, store, now)["modems"]
    for row in rows:
        row["why"] = explain_modem(row, now, node=config.node)
        row["capability"] = capability_words(row)
    return rows


@operation(
    "GET",
    "/modems",
    operation_id="listModems",
    summary="The modems, as the daemons last saw them",
    answer=Answer(200, "Every modem of every node.", ModemList),
)
def modems() -> Response:
    listed = ModemList.model_validate({"modems": _rows()})
    return jsonify(listed.body())


@operation(
    "PATCH",
    "/modems/<imei>",
    operation_id="nameModem",
    summary="Name a modem and its SIM, or type in the SIM's number",
    description='The names volunteers read on the cards and in the reasons ("SIM Orange 2 '
    'pauses 40 s..."). A field left out stays as it is; "" or null removes it. A SIM is named '
    "by its ICCID, so its name follows the card to another modem.",
    parameters=(IMEI_PARAMETER,),
    body=ModemNames,
    answer=Answer(200, "The modem as `GET /modems` lists it.", Modem),
    errors=(400, 404, 413, 415),
)
def name_modem(imei: str) -> Response:
    config, store = services().config, services().store
    fields = read_body(ModemNames)
    given = fields.model_fields_set
    row = store.modem(imei) if len(imei) <= 20 else None
    if row is None:
        refuse(404, f"no modem {imei} was ever seen here")
    try:
        name = checked_name(fields.name, "name")
        sim_name = checked_name(fields.sim_name, "sim_name")
        number = checked_number(fields.sim_number, config.region, "sim_number")
    except BadName as exc:
        refuse(422, exc.why, exc.field)
    changes = {
        key: value
        for key, field, value in (("name", "sim_name", sim_name), ("number", "sim_number", number))
        if field in given
    }
    if changes and not row.iccid:
        refuse(422, "the modem holds no known SIM", next(iter(given & {"sim_name", "sim_number"})))
    try:
        if "name" in given:
            store.name_modem(row.imei, name)
        if changes:
            store.name_sim(row.iccid, **changes)
    except UnknownDevice as exc:
        refuse(404, str(exc))
    found = next(r for r in _rows() if r["imei"] == row.imei)
    return jsonify(Modem.model_validate(found).body())
