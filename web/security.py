"""CSRF protection (flask-wtf) and the login rate limiter."""

from __future__ import annotations

import threading
import time
from collections import deque

from flask_wtf import CSRFProtect

csrf = CSRFProtect()


class LoginLimiter:
    """At most ``attempts`` failed logins per client address in ``window`` seconds.

    In memory: the panel runs in one process (inside ``smsrelay serve``), and a restart that
    forgets the count costs an attacker a restart per five guesses.
    """

    def __init__(self, attempts: int = 5, window: float = 300.0) -> None:
        self.attempts = attempts
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def blocked_for(self, client: str) -> float:
        """Seconds until ``client`` may try again (0 when it may now)."""
        now = time.monotonic()
        with self._lock:
            failures = self._prune(client, now)
            if len(failures) < self.attempts:
                return 0.0
            return max(failures[0] + self.window - now, 0.0)

    def failed(self, client: str) -> None:
        with self._lock:
            self._prune(client, time.monotonic()).append(time.monotonic())

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)

    def _prune(self, client: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(client, deque())
        while failures and failures[0] < now - self.window:
            failures.popleft()
        return failures
