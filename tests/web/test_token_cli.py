"""``smsrelay token create|list|revoke`` as an administrator uses them, on a real config file.

DESIGN.md: "``token create`` prints the new token alone on its last line" — so a script can take
it with ``tail -n 1``; the proof that it is the token is that the API accepts it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from appliance.accounts import check_token, tokens
from appliance.cli import main
from appliance.clock import SystemClock
from appliance.config import load_config
from appliance.store import Store
from appliance.store.engine import create_engine_for, migrate
from web import create_app


@pytest.fixture
def config_path(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("SMSRELAY_CONFIG", raising=False)
    path = tmp_path / "smsrelay.toml"
    path.write_text(
        f'[appliance]\ndatabase = "sqlite:///{tmp_path}/smsrelay.db"\n[discovery]\nauto = false\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def store(config_path) -> Store:
    engine = create_engine_for(load_config(config_path).database)
    migrate(engine)
    yield Store(engine)
    engine.dispose()


def run(config_path: Path, *args: str):
    return CliRunner().invoke(main, ["token", args[0], "--config", str(config_path), *args[1:]])


def test_create_prints_the_token_alone_on_the_last_line(config_path, store):
    result = run(config_path, "create", "backup-script")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    secret = lines[-1]
    assert secret.startswith("smr_") and " " not in secret
    assert "not shown again" in lines[0]
    token = check_token(store, secret, SystemClock().now())
    assert token is not None and token.name == "backup-script"
    # and the API takes it
    app = create_app(load_config(config_path), store=store)
    response = app.test_client().get(
        "/api/v1/modems", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 200


def test_each_token_is_new_and_only_its_hash_is_kept(config_path, store):
    first = run(config_path, "create", "a").stdout.splitlines()[-1]
    second = run(config_path, "create", "a").stdout.splitlines()[-1]
    assert first != second
    stored = {t.token_hash for t in tokens(store)}
    assert len(stored) == 2
    assert not {first, second} & stored


@pytest.mark.parametrize("name", ["", "   ", "x" * 65])
def test_a_bad_name_is_exit_2(config_path, store, name):
    result = run(config_path, "create", name)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: name:")
    assert tokens(store) == []


def test_list_never_shows_the_token(config_path, store):
    secret = run(config_path, "create", "door-sensor").stdout.splitlines()[-1]
    result = run(config_path, "list")
    assert result.exit_code == 0
    assert "door-sensor" in result.stdout and "never" in result.stdout
    assert secret not in result.stdout
    data = json.loads(run(config_path, "list", "--json").stdout)
    assert [(d["id"], d["name"], d["revoked"], d["last_used_at"]) for d in data] == [
        (1, "door-sensor", False, None)
    ]
    assert secret not in json.dumps(data)


def test_list_with_no_token(config_path, store):
    result = run(config_path, "list")
    assert (result.exit_code, result.stdout) == (0, "no token yet (smsrelay token create NAME)\n")


def test_revoke(config_path, store):
    secret = run(config_path, "create", "old").stdout.splitlines()[-1]
    result = run(config_path, "revoke", "1")
    assert (result.exit_code, result.stdout) == (0, "token 1 revoked\n")
    assert check_token(store, secret, SystemClock().now()) is None
    assert "REVOKED" in run(config_path, "list").stdout


@pytest.mark.parametrize(("token_id", "code"), [("7", 1), ("0", 2), (str(2**63), 2), ("x", 2)])
def test_revoke_an_unknown_id(config_path, store, token_id, code):
    result = run(config_path, "revoke", token_id)
    assert result.exit_code == code
