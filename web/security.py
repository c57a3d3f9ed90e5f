"""CSRF protection (Flask-WTF) and the rate limit of logins (Flask-Limiter).

Logins: at most ``LOGIN_FAILURES`` failed attempts per client address in a moving window; the
next attempt is refused (429) even with the right password, and a success forgets the failures.
Only failures count (``deduct_when``). The count is kept in memory: the panel runs in one
process (inside ``smsrelay serve``), and a restart that forgets it costs an attacker a restart
per five guesses.
"""

from __future__ import annotations

from flask import request
from flask_limiter import Limiter
from flask_wtf import CSRFProtect

csrf = CSRFProtect()

LOGIN_FAILURES = "5 per 5 minutes"


def client_address() -> str:
    return request.remote_addr or "?"


limiter = Limiter(client_address, storage_uri="memory://", strategy="moving-window")


def forget_failures() -> None:
    """Clear this request's client from the limits of the view being served (a good login)."""
    for limit in limiter.current_limits:
        limiter.limiter.clear(limit.limit, *limit.request_args)
