"""CSRF protection (Flask-WTF) of every form of the panel.

How often one may guess a password is ``appliance.login_limit``'s business (kept in the store,
so that it holds across restarts and nodes, per account and per address).
"""

from __future__ import annotations

from flask_wtf import CSRFProtect

csrf = CSRFProtect()
