"""The admin page (/admin): users and API tokens, and the alerts (issue 16: open, then recent).

Add, rename, delete users, change their role or password (the rules are ``appliance.accounts``'s;
a refusal is a 400 whose flash names the problem, an unknown user a 404). A new API token is shown
once, in the response that creates it. No secret (password or token hash) reaches a template.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from appliance.accounts import (
    AccountError,
    UnknownUser,
    add_user,
    create_token,
    delete_user,
    end_sessions,
    get_user,
    rename_user,
    revoke_token,
    set_password,
    set_role,
    tokens,
    users,
)
from appliance.status import N_
from appliance.store.alerts import recent_alerts
from appliance.store.schema import User
from web.reasons import reason_words
from web.services import services
from web.sessions import PanelUser
from web.words import state_words

from .common import ID, now, page_group, role_required

bp = page_group("admin", __name__)


def _admin_page(status: int = 200, **extra: Any) -> Any:
    store = services().store
    response = Response(
        render_template(
            "admin.html",
            users=users(store),
            tokens=tokens(store),
            alerts=recent_alerts(store, 20),
            **extra,
        ),
        status=status,
    )
    response.headers["Cache-Control"] = "no-store"  # a new token may be on it
    return response


@bp.route("/admin")
@role_required("admin")
def index() -> Any:
    return _admin_page()


# --- API tokens ----------------------------------------------------------------------------------


@bp.route("/admin/tokens", methods=["POST"], endpoint="create_token")
@role_required("admin")
def create_token_page() -> Any:
    """Show the new token once, in this response only: never in a flash (the session cookie is
    signed, not encrypted) nor in a redirect."""
    try:
        token, secret = create_token(services().store, request.form.get("name", ""), now())
    except AccountError as exc:
        flash(_("Cannot create the token: %(why)s.", why=reason_words(str(exc))), "error")
        return _admin_page(400)
    return _admin_page(201, new_token={"name": token.name, "secret": secret})


@bp.route(f"/admin/tokens/<{ID}:token_id>/revoke", methods=["POST"], endpoint="revoke_token")
@role_required("admin")
def revoke_token_page(token_id: int) -> Any:
    if not revoke_token(services().store, token_id):
        abort(404)
    flash(_("Token #%(id)s revoked: it no longer opens the API.", id=token_id), "ok")
    return redirect(url_for("admin.index"), 303)


# --- users ---------------------------------------------------------------------------------------


def _refused(exc: AccountError, msgid: str, **values: Any) -> Response:
    """404 for a user that does not exist; else 400 with a flash naming the problem: ``what`` is
    a msgid, a whole sentence with a ``%(why)s`` for the appliance's reason."""
    if isinstance(exc, UnknownUser):
        abort(404)
    flash(_(msgid, why=reason_words(str(exc)), **values), "error")
    return _admin_page(400)


def _keep_own_session(user: User) -> None:
    """An admin who renamed themself or changed their own password stays logged in in this
    browser; their other sessions end with the old fingerprint (``web.sessions.session_key``)."""
    if user.id == current_user.id:
        login_user(PanelUser(user))


def _existing(user_id: int) -> User:
    user = get_user(services().store, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/admin/users", methods=["POST"], endpoint="add_user")
@role_required("admin")
def add_user_page() -> Any:
    name = request.form.get("name", "")
    password = request.form.get("password", "")
    role = request.form.get("role", "volunteer")
    if password != request.form.get("confirm", ""):
        flash(_("The two passwords differ."), "error")
        return _admin_page(400, new_user={"name": name, "role": role})
    try:
        user = add_user(services().store, name, password, role, now())
    except AccountError as exc:
        flash(_("Cannot add the user: %(why)s.", why=reason_words(str(exc))), "error")
        return _admin_page(400, new_user={"name": name, "role": role})
    flash(_("User %(name)s (%(role)s) added.", name=user.name, role=state_words(user.role)), "ok")
    return redirect(url_for("admin.index"), 303)


@bp.route(f"/admin/users/<{ID}:user_id>/rename", methods=["POST"], endpoint="rename_user")
@role_required("admin")
def rename_user_page(user_id: int) -> Any:
    old = _existing(user_id).name
    try:
        user = rename_user(services().store, user_id, request.form.get("name", ""))
    except AccountError as exc:
        return _refused(exc, N_("Cannot rename %(name)s: %(why)s."), name=old)
    _keep_own_session(user)
    flash(
        _("User %(old)s is now %(name)s; their open sessions have ended.", old=old, name=user.name),
        "ok",
    )
    return redirect(url_for("admin.index"), 303)


@bp.route(f"/admin/users/<{ID}:user_id>/role", methods=["POST"], endpoint="set_role")
@role_required("admin")
def set_role_page(user_id: int) -> Any:
    try:
        user = set_role(services().store, user_id, request.form.get("role", ""))
    except AccountError as exc:
        return _refused(exc, N_("Cannot change the role: %(why)s."))
    _keep_own_session(user)
    flash(
        _(
            "User %(name)s is now %(role)s; their other sessions have ended.",
            name=user.name,
            role=state_words(user.role),
        ),
        "ok",
    )
    if user.id == current_user.id and user.role != "admin":  # the admin page is closed to them
        return redirect(url_for("modems.index"), 303)
    return redirect(url_for("admin.index"), 303)


@bp.route(f"/admin/users/<{ID}:user_id>/password", methods=["POST"], endpoint="set_password")
@role_required("admin")
def set_password_page(user_id: int) -> Any:
    name = _existing(user_id).name
    password = request.form.get("password", "")
    if password != request.form.get("confirm", ""):
        flash(
            _("Cannot change the password of %(name)s: the two passwords differ.", name=name),
            "error",
        )
        return _admin_page(400)
    try:
        user = set_password(services().store, user_id, password)
    except AccountError as exc:
        return _refused(exc, N_("Cannot change the password of %(name)s: %(why)s."), name=name)
    _keep_own_session(user)
    flash(_("New password for %(name)s; their other sessions have ended.", name=user.name), "ok")
    return redirect(url_for("admin.index"), 303)


@bp.route(f"/admin/users/<{ID}:user_id>/logout", methods=["POST"], endpoint="end_sessions")
@role_required("admin")
def end_sessions_page(user_id: int) -> Any:
    """Log a user out everywhere (a lost phone, a shared computer); one's own: but here."""
    try:
        user = end_sessions(services().store, user_id)
    except AccountError as exc:
        return _refused(exc, N_("Cannot end the sessions: %(why)s."))
    _keep_own_session(user)
    if user.id == current_user.id:
        flash(_("Every session of %(name)s (but this one) has ended.", name=user.name), "ok")
    else:
        flash(_("Every session of %(name)s has ended.", name=user.name), "ok")
    return redirect(url_for("admin.index"), 303)


@bp.route(f"/admin/users/<{ID}:user_id>/delete", methods=["POST"], endpoint="delete_user")
@role_required("admin")
def delete_user_page(user_id: int) -> Any:
    try:
        user = delete_user(services().store, user_id, acting=current_user.account)
    except AccountError as exc:
        return _refused(exc, N_("Cannot delete the user: %(why)s."))
    flash(_("User %(name)s deleted.", name=user.name), "ok")
    return redirect(url_for("admin.index"), 303)
