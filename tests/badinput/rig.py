"""The components a bad-input case is given to, built lazily on one private data folder.

``Rig`` has a config file on disk (the CLI reads it as a user's), a store copied from a
database migrated once per run, an API token, a logged-in admin on a Flask client with CSRF
on (each form posts the token scraped from its page, as a browser does), and the helpers that
turn each component's answer into a ``Seen``. Only what a case touches is built.
"""

from __future__ import annotations

import functools
import html
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from flask.testing import FlaskClient
from sqlalchemy import text

from appliance.clock import ManualClock
from appliance.config import Config, load_config
from appliance.store import Store
from appliance.store.engine import create_engine_for
from tests.badinput.catalogue import Seen

TABLES = ("message", "inbound", "inbound_part", "contact", "contact_tag", "contact_field",
          "app_user", "api_token", "webhook", "campaign")  # fmt: skip

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# where the panel says what is wrong: a field's error, a flash, a refused import row, or the
# description of an HTTP error page (werkzeug's: <h1>Bad Request</h1><p>...</p>)
_PAGE_ERRORS = re.compile(
    r'<(?:span|p) class="(?:field-error|flash error)"[^>]*>(.*?)</(?:span|p)>'
    r'|<ul class="import-errors">\s*<li>(.*?)</li>'
    r"|<h1>[^<]*</h1>\s*<p>(.*?)</p>"
    r'|<p class="why" role="alert">(.*?)</p>',  # the panel's error page (web/pages/errors.py)
    re.S,
)


class Rig:
    """One case's world; see the module docstring."""

    def __init__(self, folder: Path, migrated: Path, clock: ManualClock) -> None:
        self.folder = folder
        self.migrated = migrated
        self.clock = clock
        self.config_path = folder / "smsrelay.toml"
        self.database = folder / "smsrelay.db"
        self.config_path.write_text(
            f'[appliance]\ndatabase = "sqlite:///{self.database}"\ntimezone = "Europe/Paris"\n'
            f'data_dir = "{folder / "data"}"\nnode = "test-node"\n\n[discovery]\nauto = false\n',
            encoding="utf-8",
        )
        shutil.copyfile(migrated, self.database)
        self._own = {"app_user": 0, "api_token": 0}  # rows the rig itself added

    # --- the store ---------------------------------------------------------------------------

    @functools.cached_property
    def config(self) -> Config:
        return load_config(self.config_path, environ={"TZ": "UTC"})

    @functools.cached_property
    def store(self) -> Store:
        return Store(create_engine_for(self.config.database))

    def counts(self) -> dict[str, int]:
        """Rows of each table a bad input could half-write (the rig's own admin and token not
        counted)."""
        with self.store.engine.connect() as connection:
            return {
                table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                - self._own.get(table, 0)
                for table in TABLES
            }

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.engine.dispose()

    # --- the CLI -----------------------------------------------------------------------------

    def cli(self, *args: str, input: bytes | str | None = None) -> Seen:
        """``smsrelay ARGS`` in-process with ``--config`` this rig's file; the exit code and
        the last line it wrote to stderr (a usage error's ``Error: ...`` line)."""
        from appliance.cli import main

        command, rest = args[0].split(), args[1:]
        result = CliRunner().invoke(
            main, [*command, "--config", str(self.config_path), *rest], input=input
        )
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception  # a traceback the user would see: the case fails
        said = _last_line(result.stderr or result.stdout).replace(f"{self.folder}/", "")
        return Seen(f"exit {result.exit_code}", said)

    def process(self, *args: bytes | str) -> Seen:
        """``smsrelay ARGS`` as a separate process, so argv may hold any bytes."""
        argv = [sys.executable, "-m", "appliance", *args[:1], "--config", str(self.config_path)]
        completed = subprocess.run(
            [*argv, *args[1:]], capture_output=True, timeout=60, env=_c_locale_env()
        )
        stderr = completed.stderr.decode("utf-8", "backslashreplace")
        assert "Traceback" not in stderr, stderr
        return Seen(f"exit {completed.returncode}", _last_line(stderr))

    # --- the web -----------------------------------------------------------------------------

    @functools.cached_property
    def app(self):
        from web import create_app

        return create_app(
            self.config, store=self.store, clock=self.clock, test_config={"TESTING": False}
        )

    @functools.cached_property
    def token(self) -> str:
        from appliance.accounts import create_token

        self._own["api_token"] += 1
        return create_token(self.store, "badinput", self.clock.now())[1]

    def api(
        self, method: str, path: str, body: bytes | None = None, content_type="application/json"
    ) -> Seen:
        """An authenticated API call; the status and ``field: error`` of the JSON answer."""
        client = self.app.test_client()
        headers = {"Authorization": f"Bearer {self.token}"}
        if body is not None:
            headers["Content-Type"] = content_type
        response = client.open(path, method=method, data=body, headers=headers)
        assert response.status_code < 500, response.get_data(as_text=True)
        answer = response.get_json(silent=True) or {}
        message = answer.get("error", response.get_data(as_text=True))
        if answer.get("field"):
            message = f"{answer['field']}: {message}"
        return Seen(f"HTTP {response.status_code}", message)

    @functools.cached_property
    def panel(self) -> FlaskClient:
        """A client logged in as an admin, CSRF checked as in production."""
        from appliance.accounts import add_user
        from web.sessions import login_id

        user = add_user(self.store, "alice", "alice-password-1", "admin", self.clock.now())
        self._own["app_user"] += 1
        client = self.app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = login_id(user)
            session["_fresh"] = True
        return client

    def post_form(self, page: str, data: dict[str, Any] | bytes, action: str | None = None) -> Seen:
        """Post ``data`` (a dict, or an urlencoded body as bytes) to ``action`` (default:
        ``page``) with the CSRF token of ``page``; the status and the errors shown."""
        form = self.panel.get(page).get_data(as_text=True)
        token = _CSRF.search(form)[1]
        if isinstance(data, bytes):
            response = self.panel.post(
                action or page,
                data=b"csrf_token=" + token.encode() + b"&" + data,
                content_type="application/x-www-form-urlencoded",
            )
        elif any(isinstance(value, tuple) for value in data.values()):
            body, content_type = _multipart({"csrf_token": token, **data})
            response = self.panel.post(action or page, data=body, content_type=content_type)
        else:
            response = self.panel.post(action or page, data={"csrf_token": token, **data})
        assert response.status_code < 500, response.get_data(as_text=True)
        return Seen(f"HTTP {response.status_code}", page_errors(response.get_data(as_text=True)))


def page_errors(page: str) -> str:
    """The error texts a page shows, in order, joined by `` / ``."""
    found = [
        next(g for g in match.groups() if g is not None) for match in _PAGE_ERRORS.finditer(page)
    ]
    return " / ".join(html.unescape(re.sub(r"\s+", " ", f)).strip() for f in found)


def _multipart(fields: dict[str, Any]) -> tuple[bytes, str]:
    """A multipart body, encoded here: werkzeug's test client spools one over 500 KB to a
    temporary file it never closes (a ResourceWarning, an error in this suite)."""
    boundary = "badinput-boundary"
    parts = []
    for name, value in fields.items():
        if isinstance(value, tuple):
            stream, filename = value
            head = f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            parts.append((head + "Content-Type: text/csv\r\n\r\n").encode() + stream.read())
        else:
            head = f'Content-Disposition: form-data; name="{name}"\r\n\r\n'
            parts.append(head.encode() + str(value).encode())
    body = b"".join(f"--{boundary}\r\n".encode() + part + b"\r\n" for part in parts)
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _last_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def _c_locale_env() -> dict[str, str]:
    """The environment of a script run by cron: a C.UTF-8 locale, the test's own XDG dirs."""
    import os

    return {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", "HOME": os.environ["HOME"]}
