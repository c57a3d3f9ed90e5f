"""/language: the logged-in user's own choice of the panel's language (issue 16), kept on their
account so it follows them from browser to browser; "" goes back to the browser's choice."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from appliance.accounts import set_language
from web.i18n import LANGUAGES
from web.services import services

from .common import back, page_group

bp = page_group("language", __name__)


@bp.route("/language", methods=["POST"])
def choose() -> Any:
    chosen = request.form.get("language", "")
    if chosen and chosen not in LANGUAGES:
        why = _(
            "The field 'language' must be one of %(codes)s or empty.", codes=", ".join(LANGUAGES)
        )
        abort(400, why)
    set_language(services().store, current_user.id, chosen or None)
    return redirect(back(url_for("modems.index")), 303)
