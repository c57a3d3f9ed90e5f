"""``/calls``: the missed calls, newest first; ``/modems/{imei}/credit``: ask for a SIM's
credit (issue 13)."""

from __future__ import annotations

from typing import Annotated

from flask import Response, jsonify
from pydantic import Field

from appliance import views
from appliance.outbox import wakeup_path
from appliance.wakeup import notify
from web.services import services

from .call_schemas import CallPage, CreditAsked
from .errors import refuse
from .operations import Answer, Parameter, operation
from .requests import PAGE_PARAMETERS, cursor, limit
from .schemas import IMEI

IMEI_PARAMETER = Parameter(
    "imei",
    "path",
    "The modem's IMEI, as GET /modems lists it. Unknown, or a modem with no known SIM: 404.",
    Annotated[str, Field(pattern=f"^{IMEI}$")],
)


@operation(
    "GET",
    "/calls",
    operation_id="listCalls",
    summary="Missed calls, newest first",
    description="Calls to the modems' numbers. The appliance answers none: it hangs up (unless "
    "the modem's hangup_calls is false) and may answer by SMS ([calls] reply).",
    parameters=PAGE_PARAMETERS,
    answer=Answer(200, "A page of missed calls.", CallPage),
    errors=(400,),
)
def list_calls() -> Response:
    page = services().store.missed_calls(before=cursor(), limit=limit())
    body = {
        "calls": [views.missed_call(call) for call in page.rows],
        "next_cursor": str(page.older) if page.older is not None else None,
    }
    return jsonify(CallPage.model_validate(body).body())


@operation(
    "POST",
    "/modems/<imei>/credit",
    operation_id="checkCredit",
    summary="Ask for a SIM's credit now",
    description="The daemon that drives the modem asks the network its balance (the modem's "
    "credit_code, by USSD) between two sends; GET /modems shows the answer in a few seconds.",
    parameters=(IMEI_PARAMETER,),
    body=None,
    answer=Answer(202, "Asked for.", CreditAsked),
    errors=(404,),
)
def check_credit(imei: str) -> tuple[Response, int]:
    if not (imei.isascii() and imei.isdigit() and 14 <= len(imei) <= 16):
        refuse(404, f"no modem {imei}")
    config, store, now = services().config, services().store, services().clock.now()
    iccid = store.ask_credit(imei, now)
    if iccid is None:
        refuse(404, f"no modem {imei} with a known SIM")
    notify(wakeup_path(config))
    return jsonify(CreditAsked(imei=imei, iccid=iccid, asked_at=now.isoformat()).body()), 202
