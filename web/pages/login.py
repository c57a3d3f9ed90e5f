"""Logging in: the first-run page, login and logout, and the gate in front of every page.

Roles: ``admin`` (everything) and ``volunteer`` (status, send, history). While no user exists,
every page leads to ``/setup``, which creates the first admin (or use ``smsrelay user add``).
Who is logged in is ``web.sessions``'s business (Flask-Login); how often one may guess a
password, ``appliance.login_limit``'s (kept in the store). Logging out ends every session of the
account on the server (``end_sessions``), not only this browser's cookie.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from appliance.accounts import AccountError, add_user, end_sessions, user_count
from appliance.login_limit import TooManyAttempts, log_in
from web.reasons import reason_words
from web.services import services
from web.sessions import PanelUser

bp = Blueprint("auth", __name__)

OPEN_ENDPOINTS = {"auth.login", "auth.setup", "static"}


def install(app: Flask) -> None:
    """Every page but these wants a logged-in user (the API and /metrics have their own keys)."""

    @app.before_request
    def _gate() -> Any:
        endpoint = request.endpoint or ""
        if endpoint.startswith(("api.", "ops.")) or endpoint in OPEN_ENDPOINTS:
            return None
        if not current_user.is_authenticated:
            if user_count(services().store) == 0:
                return redirect(url_for("auth.setup"))
            return redirect(url_for("auth.login", next=request.full_path))
        return None


def _safe_next(target: str | None) -> str:
    """Only local paths: never redirect a fresh login to another site.

    A path of this site starts with one "/" and holds no control character nor backslash:
    browsers drop tabs and newlines from a URL and read "\\" as "/", so "/\t/evil.example" or
    "/\\evil.example" would lead to //evil.example; and a newline cannot go in a header at all.
    """
    if (
        target
        and target.startswith("/")
        and target[1:2] != "/"
        and not any(ch < " " or ch == "\x7f" or ch == "\\" for ch in target)
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("modems.index")


def _too_many(refused: TooManyAttempts) -> Response:
    """The login page again, saying how long to wait."""
    wait = max((refused.retry_at - services().clock.now()).total_seconds(), 0.0)
    return make_response(render_template("login.html", wait=int(wait) + 1), 429)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if request.method == "POST":
        name = request.form.get("name", "")
        password = request.form.get("password", "")
        store, clock = services().store, services().clock
        try:
            user = log_in(store, name, password, request.remote_addr or "?", clock.now())
        except TooManyAttempts as refused:
            return _too_many(refused)
        if user is None:
            flash(_("Wrong name or password."), "error")
            return render_template("login.html", name=name), 401
        target = _safe_next(request.args.get("next"))  # before the session: never a 500 after
        session.clear()
        login_user(PanelUser(user))
        session.permanent = True
        return redirect(target)
    if user_count(services().store) == 0:
        return redirect(url_for("auth.setup"))
    return render_template("login.html")


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    if current_user.is_authenticated:  # every session of the account ends, copies included
        end_sessions(services().store, current_user.id)
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/setup", methods=["GET", "POST"])
def setup() -> Any:
    """First run: create the first admin. Closed for good once any user exists."""
    store, clock = services().store, services().clock
    if user_count(store) > 0:
        return redirect(url_for("auth.login"))
    if request.method == "POST":
        name = request.form.get("name", "")
        password = request.form.get("password", "")
        if password != request.form.get("confirm", ""):
            flash(_("The two passwords differ."), "error")
            return render_template("setup.html", name=name), 400
        try:
            user = add_user(store, name, password, "admin", clock.now())
        except AccountError as exc:
            flash(reason_words(str(exc)), "error")
            return render_template("setup.html", name=name), 400
        session.clear()
        login_user(PanelUser(user))
        return redirect(url_for("modems.index"))
    return render_template("setup.html")
