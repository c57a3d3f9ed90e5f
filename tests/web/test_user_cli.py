"""``smsrelay user``: add, list, rename, delete, role and password, on the box itself.

The CLI runs in-process (click's ``CliRunner``) against a real TOML file naming a throwaway
SQLite database; passwords go through the prompt (typed twice), never through arguments.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from appliance.accounts import check_login
from appliance.cli import main
from appliance.store import Store
from appliance.store.engine import create_engine_for, migrate

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def _fast(fast_password_hashing):
    """Hash test passwords quickly (scrypt takes 0.2 s each)."""


@pytest.fixture
def config_file(tmp_path) -> Path:
    path = tmp_path / "smsrelay.toml"
    path.write_text(
        f'[appliance]\ndatabase = "sqlite:///{tmp_path / "db.sqlite"}"\ntimezone = "UTC"\n'
        "[discovery]\nauto = false\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def store(tmp_path) -> Store:
    engine = create_engine_for(f"sqlite:///{tmp_path / 'db.sqlite'}")
    migrate(engine)
    return Store(engine)


def run(config_file: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(
        main, [*args[:2], "--config", str(config_file), *args[2:]], input=input
    )


def test_the_first_user_is_an_admin_and_the_password_is_asked_twice(config_file, store):
    result = run(config_file, "user", "add", "alice", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "user alice added (admin)" in result.output
    assert result.output.count("Password") == 1 and "Repeat for confirmation" in result.output
    assert PASSWORD not in result.output  # hidden input is not echoed
    user = check_login(store, "alice", PASSWORD, datetime.now(UTC))
    assert user is not None and user.role == "admin"


def test_later_users_are_volunteers_unless_asked(config_file, store):
    run(config_file, "user", "add", "alice", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert (
        "(volunteer)"
        in run(config_file, "user", "add", "victor", input=f"{PASSWORD}\n{PASSWORD}\n").output
    )
    assert (
        "(admin)"
        in run(
            config_file, "user", "add", "bob", "--role", "admin", input=f"{PASSWORD}\n{PASSWORD}\n"
        ).output
    )


def test_a_mistyped_confirmation_asks_again(config_file, store):
    result = run(
        config_file,
        "user",
        "add",
        "alice",
        input=f"{PASSWORD}\ntypo\n{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output
    assert check_login(store, "alice", PASSWORD, datetime.now(UTC)) is not None


@pytest.mark.parametrize(
    ("name", "password", "why"),
    [
        ("alice", "short", "at least 8 characters"),
        ("two words", PASSWORD, "without spaces"),
    ],
)
def test_bad_input_exits_2_naming_the_problem(config_file, store, name, password, why):
    result = run(config_file, "user", "add", name, input=f"{password}\n{password}\n")
    assert result.exit_code == 2
    assert why in result.output


def test_a_taken_name_is_refused(config_file, store):
    run(config_file, "user", "add", "alice", input=f"{PASSWORD}\n{PASSWORD}\n")
    result = run(config_file, "user", "add", "alice", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 2
    assert "already a user named 'alice'" in result.output


def test_an_unknown_role_is_refused_before_any_prompt(config_file, store):
    result = run(config_file, "user", "add", "alice", "--role", "root")
    assert result.exit_code == 2
    assert "Password" not in result.output


def test_list_shows_names_and_roles_never_hashes(config_file, store):
    assert "no user yet" in run(config_file, "user", "list").output
    run(config_file, "user", "add", "alice", input=f"{PASSWORD}\n{PASSWORD}\n")
    run(config_file, "user", "add", "victor", input=f"{PASSWORD}\n{PASSWORD}\n")
    text = run(config_file, "user", "list").output
    assert "alice" in text and "admin" in text and "victor" in text and "volunteer" in text
    result = run(config_file, "user", "list", "--json")
    data = json.loads(result.output)
    assert [(d["name"], d["role"]) for d in data] == [("alice", "admin"), ("victor", "volunteer")]
    assert set(data[0]) == {"id", "name", "role", "created_at", "last_login_at"}
    assert "scrypt" not in result.output and "pbkdf2" not in result.output


# --- rename, delete, role, password (issue 4) ----------------------------------------------------


def two_users(config_file) -> None:
    run(config_file, "user", "add", "alice", input=f"{PASSWORD}\n{PASSWORD}\n")
    run(config_file, "user", "add", "victor", input=f"{PASSWORD}\n{PASSWORD}\n")


def roles(config_file) -> dict[str, str]:
    data = json.loads(run(config_file, "user", "list", "--json").output)
    return {d["name"]: d["role"] for d in data}


def test_rename(config_file, store):
    two_users(config_file)
    result = run(config_file, "user", "rename", "victor", "hugo")
    assert result.exit_code == 0, result.output
    assert "user victor renamed hugo" in result.output
    assert roles(config_file) == {"alice": "admin", "hugo": "volunteer"}
    assert check_login(store, "hugo", PASSWORD, datetime.now(UTC)) is not None


@pytest.mark.parametrize(
    ("args", "code", "why"),
    [
        (("victor", "alice"), 2, "already a user named 'alice'"),
        (("victor", "two words"), 2, "without spaces"),
        (("nobody", "somebody"), 1, "no user named 'nobody' (see `smsrelay user list`)"),
    ],
)
def test_rename_refusals(config_file, store, args, code, why):
    two_users(config_file)
    result = run(config_file, "user", "rename", *args)
    assert result.exit_code == code
    assert why in result.output
    assert roles(config_file) == {"alice": "admin", "victor": "volunteer"}


def test_role(config_file, store):
    two_users(config_file)
    result = run(config_file, "user", "role", "victor", "admin")
    assert result.exit_code == 0 and "user victor is now admin" in result.output
    assert run(config_file, "user", "role", "alice", "volunteer").exit_code == 0
    result = run(config_file, "user", "role", "victor", "volunteer")
    assert result.exit_code == 2
    assert "victor is the last admin: make another user admin" in result.output
    assert roles(config_file) == {"alice": "volunteer", "victor": "admin"}


def test_role_must_be_admin_or_volunteer(config_file, store):
    two_users(config_file)
    result = run(config_file, "user", "role", "victor", "root")
    assert result.exit_code == 2 and "'root' is not one of 'admin', 'volunteer'" in result.output


def test_delete(config_file, store):
    two_users(config_file)
    result = run(config_file, "user", "delete", "victor")
    assert result.exit_code == 0 and "user victor deleted" in result.output
    assert roles(config_file) == {"alice": "admin"}
    result = run(config_file, "user", "delete", "alice")
    assert (
        result.exit_code == 2 and "alice is the last admin and cannot be deleted" in result.output
    )
    result = run(config_file, "user", "delete", "victor")
    assert result.exit_code == 1 and "no user named 'victor'" in result.output


def test_password_is_asked_twice(config_file, store):
    two_users(config_file)
    new = "a-new-password-9"
    result = run(config_file, "user", "password", "victor", input=f"{new}\ntypo\n{new}\n{new}\n")
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output and new not in result.output
    assert "new password set for victor" in result.output
    assert check_login(store, "victor", new, datetime.now(UTC)) is not None
    assert check_login(store, "victor", PASSWORD, datetime.now(UTC)) is None


def test_password_refusals(config_file, store):
    two_users(config_file)
    result = run(config_file, "user", "password", "victor", input="short\nshort\n")
    assert result.exit_code == 2 and "at least 8 characters" in result.output
    result = run(config_file, "user", "password", "nobody", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 1 and "no user named 'nobody'" in result.output
    assert "Password" not in result.output  # not asked for in vain
