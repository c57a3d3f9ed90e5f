"""Logging in: the first-run page, login and logout, and the role checks of every page.

Roles: ``admin`` (everything) and ``volunteer`` (status, send, history). While no user exists,
every page leads to ``/setup``, which creates the first admin (or use ``smsrelay user add``).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from appliance.accounts import AccountError, add_user, check_login, get_user, user_count
from appliance.store.schema import User

from .security import LoginLimiter
from .services import services

bp = Blueprint("auth", __name__)
limiter = LoginLimiter()

OPEN_ENDPOINTS = {"auth.login", "auth.setup", "static"}


def install(app: Flask) -> None:
    @app.before_request
    def load_user() -> Any:
        g.user = None
        user_id = session.get("user_id")
        if user_id is not None:
            user = get_user(services().store, user_id)
            # The key ties the cookie to this very account: a deleted user's id reused by a new
            # one, or a changed password, ends the old sessions.
            if user is not None and session.get("user_key") == session_key(user):
                g.user = user
            else:
                session.clear()
        endpoint = request.endpoint or ""
        if endpoint.startswith(("api.", "ops.")) or endpoint in OPEN_ENDPOINTS:
            return None
        if g.user is None:
            if user_count(services().store) == 0:
                return redirect(url_for("auth.setup"))
            return redirect(url_for("auth.login", next=request.full_path))
        return None


def role_required(role: str) -> Callable:
    """Only users of ``role`` (admins pass every check)."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if g.user is None:
                return redirect(url_for("auth.login"))
            if g.user.role != role and g.user.role != "admin":
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


def session_key(user: User) -> str:
    """A fingerprint of the account (id, name, creation, password hash) kept in the session."""
    created = user.created_at.isoformat() if user.created_at else ""
    material = f"{user.id}|{user.name}|{created}|{user.password_hash}"
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def _client() -> str:
    return request.remote_addr or "?"


def _safe_next(target: str | None) -> str:
    """Only local paths: never redirect a fresh login to another site."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("panel.modems")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if request.method == "POST":
        wait = limiter.blocked_for(_client())
        if wait > 0:
            return render_template("login.html", wait=int(wait) + 1), 429
        name = request.form.get("name", "")
        password = request.form.get("password", "")
        store, clock = services().store, services().clock
        user = check_login(store, name, password, clock.now())
        if user is None:
            limiter.failed(_client())
            flash("Wrong name or password.", "error")
            return render_template("login.html", name=name), 401
        limiter.succeeded(_client())
        session.clear()
        session["user_id"] = user.id
        session["user_key"] = session_key(user)
        session.permanent = True
        return redirect(_safe_next(request.args.get("next")))
    if user_count(services().store) == 0:
        return redirect(url_for("auth.setup"))
    return render_template("login.html")


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
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
            flash("The two passwords differ.", "error")
            return render_template("setup.html", name=name), 400
        try:
            user = add_user(store, name, password, "admin", clock.now())
        except AccountError as exc:
            flash(str(exc), "error")
            return render_template("setup.html", name=name), 400
        session.clear()
        session["user_id"] = user.id
        session["user_key"] = session_key(user)
        return redirect(url_for("panel.modems"))
    return render_template("setup.html")
