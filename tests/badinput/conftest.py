"""A fresh ``Rig`` per case (its own folder, database copy and clients)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from appliance.clock import ManualClock
from tests.badinput.rig import Rig
from tests.web.conftest import T0, migrated_database  # noqa: F401 - a fixture, used by name


@pytest.fixture
def rig(tmp_path, migrated_database, fast_hashing) -> Iterator[Rig]:
    made = Rig(tmp_path, migrated_database, ManualClock(T0))
    yield made
    made.close()


@pytest.fixture
def fast_hashing(monkeypatch) -> None:
    """The panel's admin is hashed in microseconds (as ``tests/web``'s fast_password_hashing)."""
    import functools

    from werkzeug.security import generate_password_hash

    from appliance import accounts

    monkeypatch.setattr(
        accounts, "generate_password_hash",
        functools.partial(generate_password_hash, method="pbkdf2:sha256:1"),
    )  # fmt: skip
