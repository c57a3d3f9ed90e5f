"""The admin's page of destinations and quotas (/admin/limits, issue 16): for each user and API
token, the countries it may send to, and for a token its daily quota with today's use; the
config's rules on premium-rate numbers and short codes, the same for everyone.

Each row has its own form (Flask-WTF, a prefix per row so one page holds them all). What is
typed is read and written by ``appliance.limits``, as ``smsrelay token limit`` / ``user limit``
do: one way of writing a limit, all fields or none. The page's own conventions are mapped onto
the CLI's words: an empty field is the config's default ("default"), a ticked "no quota" is
"none". A field that cannot be read is answered 400 with the page, the row's form open and the
error next to the field; nothing is written.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, StringField
from wtforms.validators import Length

from appliance.limits import (
    DEFAULT,
    NO_QUOTA,
    BadLimit,
    BadLimits,
    appliance_limits,
    change_token_limits,
    change_user_countries,
    tokens_limits,
    users_limits,
)
from appliance.store.sender_limits import UnknownSender
from web.country_names import countries_names, country_name, country_regions, typed_countries
from web.services import services

from .common import ID, now, page_group, role_required

bp = page_group("limits", __name__)
TYPED = 255  # the column's length (api_token.countries, app_user.countries)


class UserLimitsForm(FlaskForm):
    countries = StringField(_l("Countries"), [Length(max=TYPED)])


class TokenLimitsForm(FlaskForm):
    countries = StringField(_l("Countries"), [Length(max=TYPED)])
    daily_messages = StringField(_l("Messages a day"), [Length(max=TYPED)])
    no_message_quota = BooleanField(_l("No quota of messages"))
    daily_parts = StringField(_l("SMS parts a day"), [Length(max=TYPED)])
    no_part_quota = BooleanField(_l("No quota of SMS parts"))


def _typed_quota(stored: int | None) -> dict[str, Any]:
    return {"text": "" if stored is None or stored < 0 else str(stored), "none": stored == -1}


def _user_form(user: Any) -> UserLimitsForm:
    return UserLimitsForm(
        formdata=None, prefix=f"user{user.id}", countries=typed_countries(user.own_countries)
    )


def _token_form(token: Any) -> TokenLimitsForm:
    messages, parts = _typed_quota(token.own_daily_messages), _typed_quota(token.own_daily_parts)
    return TokenLimitsForm(
        formdata=None,
        prefix=f"token{token.id}",
        countries=typed_countries(token.own_countries),
        daily_messages=messages["text"],
        no_message_quota=messages["none"],
        daily_parts=parts["text"],
        no_part_quota=parts["none"],
    )


def _page(status: int = 200, failed: tuple[str, int, FlaskForm] | None = None) -> Any:
    """The page; ``failed``: the kind, id and form of the row whose change was refused, shown
    as typed with its errors."""
    store, config = services().store, services().config
    user_rows = users_limits(store, config)
    token_rows = tokens_limits(store, config, now())
    forms: dict[tuple[str, int], FlaskForm] = {}
    for user in user_rows:
        forms["user", user.id] = _user_form(user)
    for token in token_rows:
        forms["token", token.id] = _token_form(token)
    if failed is not None:
        forms[failed[0], failed[1]] = failed[2]
    html = render_template(
        "limits.html",
        appliance=appliance_limits(config),
        users=user_rows,
        tokens=token_rows,
        forms=forms,
        countries_names=countries_names,
        country_name=country_name,
        country_regions=country_regions,
    )
    return html, status


@bp.route("/admin/limits")
@role_required("admin")
def index() -> Any:
    return _page()


def _problem_words(problem: BadLimit) -> str:
    """One field's problem in the reader's language (``appliance.limits.BadLimit``)."""
    if problem.problem == "country" and problem.item is None:
        return _(
            "Give at least one country (33, +44, BE), * for any, or leave it empty for the "
            "appliance's default."
        )
    if problem.problem == "too_many":
        return _("That is more countries than can be kept: use * for any country.")
    if problem.problem == "country":
        return _(
            "%(item)s is neither a country calling code (33, +44) nor a country (FR, BE).",
            item=repr(problem.item),
        )
    return _(
        "%(text)s is not a whole number of 0 or more: leave it empty for the appliance's "
        "default, or tick “no quota”.",
        text=repr(problem.item),
    )


def _refused(kind: str, row_id: int, name: str, form: FlaskForm, problems: list[BadLimit]) -> Any:
    fields: dict[str, Field] = {"countries": form.countries}
    if isinstance(form, TokenLimitsForm):
        fields |= {"daily_messages": form.daily_messages, "daily_parts": form.daily_parts}
    for problem in problems:
        fields[problem.field].errors = [*fields[problem.field].errors, _problem_words(problem)]
    return _invalid(kind, row_id, name, form)


def _invalid(kind: str, row_id: int, name: str, form: FlaskForm) -> Any:
    """400: the page with this row's form as typed; a flash names each field in error."""
    wrong = "; ".join(
        _("%(field)s: %(why)s", field=field.label.text, why=" ".join(map(str, field.errors)))
        for field in form
        if field.errors and field.type != "CSRFTokenField"
    )
    flash(_("Nothing was saved for %(name)s: %(wrong)s", name=name, wrong=wrong), "error")
    return _page(400, failed=(kind, row_id, form))


def _quota(form: TokenLimitsForm, text_field: Field, none_field: BooleanField) -> str | None:
    """The CLI's word for one quota field; None (and an error on the field) for a number typed
    with "no quota" ticked."""
    text = (text_field.data or "").strip()
    if none_field.data and text:
        text_field.errors = [*text_field.errors, _("Give a number or tick “no quota”, not both.")]
        return None
    if none_field.data:
        return NO_QUOTA
    return text or DEFAULT


@bp.route(f"/admin/limits/tokens/<{ID}:token_id>", methods=["POST"], endpoint="token")
@role_required("admin")
def token_page(token_id: int) -> Any:
    row = next((t for t in tokens_limits(services().store, services().config, now())
                if t.id == token_id), None)  # fmt: skip
    if row is None:  # unknown or revoked: nothing to limit
        abort(404)
    form = TokenLimitsForm(prefix=f"token{token_id}")
    if not form.validate():
        return _invalid("token", token_id, row.name, form)
    messages = _quota(form, form.daily_messages, form.no_message_quota)
    parts = _quota(form, form.daily_parts, form.no_part_quota)
    if messages is None or parts is None:
        return _invalid("token", token_id, row.name, form)
    try:
        change_token_limits(
            services().store,
            token_id,
            countries=(form.countries.data or "").strip() or DEFAULT,
            daily_messages=messages,
            daily_parts=parts,
        )
    except BadLimits as exc:
        return _refused("token", token_id, row.name, form, exc.problems)
    except UnknownSender:
        abort(404)
    flash(_("The limits of token %(name)s are saved.", name=row.name), "ok")
    return redirect(url_for("limits.index"), 303)


@bp.route(f"/admin/limits/users/<{ID}:user_id>", methods=["POST"], endpoint="user")
@role_required("admin")
def user_page(user_id: int) -> Any:
    row = next((u for u in users_limits(services().store, services().config)
                if u.id == user_id), None)  # fmt: skip
    if row is None:
        abort(404)
    form = UserLimitsForm(prefix=f"user{user_id}")
    if not form.validate():
        return _invalid("user", user_id, row.name, form)
    try:
        change_user_countries(
            services().store, user_id, (form.countries.data or "").strip() or DEFAULT
        )
    except BadLimits as exc:
        return _refused("user", user_id, row.name, form, exc.problems)
    except UnknownSender:
        abort(404)
    flash(_("The countries of %(name)s are saved.", name=row.name), "ok")
    return redirect(url_for("limits.index"), 303)
